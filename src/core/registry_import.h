/*
 * Registry import (档案批量导入): households, their members, incomes, assets
 * and enrollments from the CSV files of docs/templates/registry.md — what a
 * city moving its records from an older system loads once, and what the
 * benchmark suite loads at city scale (minzheng gen writes these files).
 *
 * An enrollment gets its first period and its creation in the history, as
 * an approval would give it (core/enrollment.h), so that the payroll pays it.
 *
 * Every cell is validated as department data is (core/evidence.h, mz_ev_cell:
 * ID numbers by checksum, dates, money in yuan, codes, lengths), and every
 * row against the others and the database: a household's village is a
 * level-5 region of the registry, its bank account passes the card check, a
 * person's sex and birth date agree with the ID number, an ID number appears
 * once and is not in the registry yet, every household has exactly one head,
 * an income or an enrollment names a member of its household, a 特困
 * enrollment names its care level.  Columns are found by their Chinese header
 * or English alias, in any order.
 *
 * The import is all or nothing: it runs in the caller's transaction, writes
 * while it reads (multi-row inserts, store/bulk.h) and returns -1 when any row
 * was bad, so that the caller rolls everything back — a half-imported city
 * would be worse than none.  Rows are written with ids allocated above the
 * current maxima (the tables are locked against other writers on PostgreSQL
 * for the transaction, and the id sequences moved past them).  One audit entry
 * records the import with its counts and the files' SHA-256.  低保边缘 rows are
 * read and validated but not stored: 边缘 is a status without payments and has
 * no enrollment yet.
 */
#ifndef MZ_CORE_REGISTRY_IMPORT_H
#define MZ_CORE_REGISTRY_IMPORT_H

#include <stdint.h>

#include "base/error.h"
#include "core/actor.h"
#include "store/store.h"

typedef struct mz_registry_import_error {
    const char *file; /* "persons.csv" (a literal) */
    int64_t row;      /* as a text editor numbers lines; the header is 1 */
    char column[32];  /* the template's header, "" for the row as a whole */
    char value[64];   /* an excerpt of the cell */
    const char *code; /* stable code: "invalid_checksum", "unknown_household", … */
    char message[160];
} mz_registry_import_error;

typedef struct mz_registry_import_report {
    int64_t households, persons, members, incomes, assets, enrollments, edge_rows;
    int64_t errors;                  /* all found */
    mz_registry_import_error *error; /* the first max_errors of them; owned */
    int nerror;
} mz_registry_import_report;

typedef struct mz_registry_import_options {
    const char *dir; /* households.csv and persons.csv; incomes, assets, enrollments optional */
    int today;       /* day number: dates after it are refused */
    int max_errors;  /* kept in the report; <= 0 means 1000 */
    /* Called after every progress_every rows of a file (and at its end); may be NULL. */
    void (*progress)(void *ctx, const char *file, int64_t rows);
    void *progress_ctx;
    int64_t progress_every; /* <= 0 means 100,000 */
} mz_registry_import_options;

/*
 * Imports o->dir as described above; the actor needs registry:household:create
 * and registry:person:create over the whole city (a city-level actor or the
 * command line).  Returns 0 when every row was good and written, or -1 with
 * err: 400 import_rejected (details in report->error), 400 for a file that is
 * missing, unreadable or misses a column, 403, or 500.  Free the report with
 * mz_registry_import_report_free.
 */
int mz_registry_import(mz_db *db, const mz_actor *actor, const mz_registry_import_options *o,
                       mz_registry_import_report *report, mz_error *err);

void mz_registry_import_report_free(mz_registry_import_report *r);

#endif
