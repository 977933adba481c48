/*
 * Tabular files from outside: the shared shape of the CSV reader (csv.h) and
 * the .xlsx reader (xlsx.h).  Both hand rows one at a time to a callback, so
 * that a file of millions of rows never becomes millions of objects, and both
 * enforce the same limits while parsing, before any row reaches the caller.
 */
#ifndef MZ_BASE_TABLE_H
#define MZ_BASE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct mz_table_limits {
    size_t max_bytes;       /* the file itself (compressed, for .xlsx) */
    size_t max_entry_bytes; /* .xlsx: one uncompressed part */
    size_t max_total_bytes; /* .xlsx: all parts read, uncompressed */
    int max_ratio;          /* .xlsx: uncompressed / compressed size of a part */
    int64_t max_rows;       /* data rows and the header */
    int max_cols;           /* columns in a row */
    size_t max_cell;        /* bytes of one cell, after conversion to UTF-8 */
} mz_table_limits;

/* Defaults: 50 MB file, 400 MB per part, 800 MB in all, ratio 100, 10 million rows, 64 columns,
 * 4 KB per cell. */
void mz_table_limits_default(mz_table_limits *l);

/*
 * Called once per non-empty row.  row is the 1-based row number a person sees
 * in Excel or a text editor counting records (the header is row 1 when it is
 * the first row); cells are NUL-terminated UTF-8, missing cells are "".
 * numeric[i] is 1 when the cell was stored as a number in an .xlsx file (a
 * date there is a day serial), always 0 for CSV.  Return 0 to continue, or -1
 * to stop reading; the reader then returns -1 as well, with err as the
 * callback left it.
 */
typedef int (*mz_table_row_fn)(void *ctx, int64_t row, int ncells, const char *const *cells,
                               const unsigned char *numeric, mz_error *err);

/* Which reader a file needs, from its first bytes: 1 for .xlsx (a zip), 0 for CSV text. */
int mz_table_is_xlsx(const char *data, size_t len);

#endif
