/*
 * Reading .xlsx workbooks (Office Open XML spreadsheets): a zip (libzip, read
 * from memory) of XML parts (expat, streamed).  Only what a data file needs:
 * the first worksheet of the workbook, cells as shared strings, inline
 * strings, formula results and numbers.  Styles are not read, so a date
 * arrives as its day serial with numeric set, and the caller that knows the
 * column is a date converts it (mz_xlsx_serial_date).
 *
 * Every part is inflated under the limits (declared sizes checked before,
 * actual bytes counted while reading), so that a zip bomb stops at the
 * limit instead of filling memory.
 */
#ifndef MZ_BASE_XLSX_H
#define MZ_BASE_XLSX_H

#include "base/table.h"

/*
 * Reads the workbook in the len bytes at data and calls row for every
 * non-empty row of its first worksheet.  Returns 0, or -1 with err set:
 * 413 file_too_large when a limit is passed, 400 file_invalid when it is not
 * a readable workbook, or whatever the callback set.
 */
int mz_xlsx_read(const char *data, size_t len, const mz_table_limits *lim, mz_table_row_fn row,
                 void *ctx, mz_error *err);

/*
 * The day number (base/date.h) of an Excel day serial in the 1900 date
 * system: whole days only ("45658" or "45658.0"; a time of day is refused).
 * Returns 0, or -1 when s is not such a serial or the day lies outside
 * 1900-03-01 .. 2199-12-31 (the serials below 61 carry Excel's 1900 leap
 * year error and are refused).
 */
int mz_xlsx_serial_date(const char *s, int *days);

#endif
