/*
 * Evidence (核对与监测), part one: department data.  Other departments send
 * their records (户籍, deaths, pensions, social insurance, unemployment,
 * hospital stays, property, vehicles, business registration, housing fund,
 * tax, deposits, disability certificates) as CSV or .xlsx files made from a
 * documented template per source kind.  An import validates every row
 * (ID number, dates, amounts, codes, lengths), stores the valid records and a
 * per-row error report, and records the batch's provenance: department, as-of
 * date, SHA-256 of the file, counts, mode and who imported it.
 *
 * The sources are data: one declaration per kind (evidence_sources.c) names
 * its columns with a Chinese header, an English alias, a type, whether it is
 * required, and the column of evidence_records (migration 011) it fills.  The
 * templates, the validation, the API's template list and docs/templates/ all
 * come from these declarations.
 *
 * Batches are department data for the whole city: they are not limited to
 * the importer's region (the importer's region is recorded).
 */
#ifndef MZ_CORE_EVIDENCE_H
#define MZ_CORE_EVIDENCE_H

#include <jansson.h>
#include <stdint.h>

#include "base/error.h"
#include "base/mem.h"
#include "base/table.h"
#include "core/actor.h"
#include "store/store.h"

/* How a cell is read. */
typedef enum {
    MZ_EV_ID_NUMBER = 1, /* 18-character resident ID, checksum verified */
    MZ_EV_NAME,          /* a person's name, 1-50 characters */
    MZ_EV_DATE,          /* 2025-03-01, 2025/3/1, 20250301 or an Excel date */
    MZ_EV_MONTH,         /* 2025-03, 2025/3, 202503 or an Excel date */
    MZ_EV_MONEY,         /* yuan with at most 2 decimals, stored as fen */
    MZ_EV_DECIMAL2,      /* a quantity with at most 2 decimals, stored ×100 (area in m²) */
    MZ_EV_INT,           /* a whole number within [min, max] */
    MZ_EV_CODE,          /* one of the listed values */
    MZ_EV_TEXT,          /* free text of at most max characters, one line */
} mz_ev_type;

/* The evidence_records column a template column fills. */
typedef enum {
    MZ_EV_SLOT_ID_NUMBER = 0,
    MZ_EV_SLOT_NAME,
    MZ_EV_SLOT_REF,
    MZ_EV_SLOT_KIND,
    MZ_EV_SLOT_DATE_FROM,
    MZ_EV_SLOT_DATE_TO,
    MZ_EV_SLOT_MONTH,
    MZ_EV_SLOT_AMOUNT,
    MZ_EV_SLOT_AMOUNT2,
    MZ_EV_SLOT_QTY,
    MZ_EV_SLOT_NOTE,
    MZ_EV_NSLOTS
} mz_ev_slot;

typedef struct mz_ev_column {
    const char *header; /* Chinese column name in the template */
    const char *alias;  /* English alias, accepted in any letter case */
    mz_ev_type type;
    mz_ev_slot slot;
    int required;
    int64_t min, max;         /* INT: bounds; TEXT: max characters; MONEY/DECIMAL2: bounds ×100 */
    const char *const *codes; /* CODE: NULL-terminated list */
    const char *example[2];   /* the template's two example rows */
    const char *doc;          /* one sentence for docs/templates/README.md */
} mz_ev_column;

typedef struct mz_ev_source {
    const char *code;       /* "vehicle" */
    const char *name;       /* "车辆" */
    const char *department; /* the usual sending department, the import's default */
    const char *doc;        /* what the data is and what verification reads in it */
    const mz_ev_column *columns;
    int ncolumns;
} mz_ev_source;

/* All sources in a fixed order; *n gets their number. */
const mz_ev_source *mz_ev_sources(int *n);
/* The source with this code, or NULL. */
const mz_ev_source *mz_ev_source_find(const char *code);
/* The Chinese name of a column type ("日期"), for templates and documents. */
const char *mz_ev_type_name(mz_ev_type t);

/*
 * Validates and converts one cell (leading and trailing spaces are ignored).
 * numeric: the cell was a number in an .xlsx file (dates arrive as serials).
 * Returns 0 with the stored text in out (empty for an absent optional value;
 * ISO dates, YYYY-MM months, integers for money in fen), or -1 with a stable
 * *code and a Chinese message in msg.
 */
int mz_ev_cell(const mz_ev_column *col, const char *cell, int numeric, char *out, size_t outlen,
               const char **code, char *msg, size_t msglen);

/*
 * A template: the header row and the two example rows, as CSV (UTF-8 with a
 * byte-order mark, so that Excel shows the Chinese headers) or .xlsx (the
 * headers in bold, the ID number column as text).  Appends to out; 0 or -1
 * with err set.
 */
int mz_ev_template_csv(const mz_ev_source *s, mz_buf *out);
int mz_ev_template_xlsx(const mz_ev_source *s, mz_buf *out, mz_error *err);
/* Every source with its columns, as the API's template list. */
json_t *mz_ev_sources_json(void);

typedef enum { MZ_EV_ALL_OR_NOTHING = 0, MZ_EV_VALID_ROWS = 1 } mz_ev_mode;

typedef struct mz_ev_import {
    const char *source;     /* a source code, required */
    const char *department; /* NULL or "": the source's usual department */
    const char *as_of;      /* YYYY-MM-DD; NULL or "": today */
    const char *mode;       /* "all_or_nothing" (default) or "valid_rows" */
    const char *file_name;  /* shown in the batch list; a path is cut to its last part */
    mz_table_limits limits;
    int64_t max_errors_stored; /* per batch; the count of errors is kept beyond it */
    /* Called every progress_every data rows and at the end; may be NULL. */
    void (*progress)(void *ctx, int64_t rows_done, int64_t rows_rejected);
    void *progress_ctx;
    int64_t progress_every;
} mz_ev_import;

/* Defaults: the table limits' defaults, 10 000 stored errors, progress every 10 000 rows. */
void mz_ev_import_init(mz_ev_import *o);

/*
 * Imports the file in data (CSV or .xlsx, told apart by its first bytes).
 * Must run inside a transaction; the caller commits.  Needs
 * evidence:import:create.
 *
 * When a batch of the same source with the same SHA-256 was imported before,
 * or was refused as a whole in the same mode, nothing changes: *out is that
 * batch and *existing = 1.  Otherwise a batch row is written with the
 * provenance and the counts, the valid records, every error (up to
 * max_errors_stored) and an audit entry; *existing = 0.  In all-or-nothing
 * mode one bad row leaves the batch 'rejected' with its error report and no
 * records; in valid-rows mode the valid rows are kept and the bad ones
 * reported.
 *
 * Errors about the file as a whole (unknown source or mode, an invalid as-of
 * date, unreadable file, missing or unknown columns, no data rows, a limit
 * passed) return -1 with err set (400 / 413) and leave nothing for the
 * caller to commit; database errors return -1 (500, or 503 busy).
 */
int mz_ev_import_file(mz_db *db, const mz_actor *actor, const mz_ev_import *o, const char *data,
                      size_t len, json_t **out, int *existing, mz_error *err);

/* Batches, newest first; source may be NULL.  {"items": [...], "total", "page", "page_size"}. */
int mz_ev_batches_list(mz_db *db, const mz_actor *actor, const char *source, int page,
                       int page_size, json_t **out, mz_error *err);
/* One batch with its first error_limit errors (ordered by row) as "errors". 404 when absent. */
int mz_ev_batch_get(mz_db *db, const mz_actor *actor, int64_t id, int error_limit, json_t **out,
                    mz_error *err);
/*
 * The error report of a batch as "csv" (UTF-8 with a byte-order mark) or
 * "xlsx", appended to out.  The cells quoted in it may hold ID numbers, so
 * the export is audited: call inside a transaction.  404 when absent.
 */
int mz_ev_errors_export(mz_db *db, const mz_actor *actor, int64_t id, const char *format,
                        mz_buf *out, mz_error *err);

#endif
