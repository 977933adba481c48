/*
 * CSV files as departments send them: comma-separated, fields optionally in
 * double quotes (which may hold commas, quotes doubled and line breaks), in
 * UTF-8 with or without a byte-order mark, or in GB18030 (what Excel on a
 * Chinese Windows writes for "CSV"), converted here to UTF-8 with iconv.
 * The parsing is libcsv's, strict about stray quotes.
 */
#ifndef MZ_BASE_CSV_H
#define MZ_BASE_CSV_H

#include "base/table.h"

/*
 * Reads the len bytes at data and calls row for every non-empty record.
 * Returns 0, or -1 with err set: 413 file_too_large when a limit is passed,
 * 400 file_invalid for an unknown encoding or malformed CSV, or whatever the
 * callback set when it stopped the reading.  *encoding (may be NULL) gets
 * "UTF-8" or "GB18030".
 */
int mz_csv_read(const char *data, size_t len, const mz_table_limits *lim, mz_table_row_fn row,
                void *ctx, const char **encoding, mz_error *err);

#endif
