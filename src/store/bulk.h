/*
 * Bulk inserts: rows added one at a time, written as multi-row INSERTs of up
 * to rows_per_insert rows with one statement prepared once and reused — one
 * round trip per hundred rows on PostgreSQL, one VDBE program per hundred on
 * SQLite — which keeps a validating import close to the speed of a raw bulk
 * load.  Runs in the caller's transaction; the caller commits or rolls back.
 */
#ifndef MZ_STORE_BULK_H
#define MZ_STORE_BULK_H

#include <stdint.h>

#include "store/store.h"

typedef struct mz_bulk mz_bulk;

/*
 * A bulk insert into table (columns: "a, b, c", ncols of them, at most 64).
 * rows_per_insert <= 0 means 100.  Never NULL (aborts on out-of-memory).
 */
mz_bulk *mz_bulk_new(mz_db *db, const char *table, const char *columns, int ncols,
                     int rows_per_insert);

/*
 * Adds a row: types has one letter per column, 't' (const char *, NULL
 * stores NULL), 'i' (int64_t) or 'n' (NULL, no argument).  Texts are copied.
 * Writes when a full statement's worth of rows is buffered.  0, or a negative
 * mz_db_err (the message in mz_db_errmsg) — after which the bulk only fails.
 */
int mz_bulk_add(mz_bulk *b, const char *types, ...);

/* Writes what is buffered.  0 or a negative mz_db_err. */
int mz_bulk_flush(mz_bulk *b);

/* Rows written so far. */
int64_t mz_bulk_rows(const mz_bulk *b);

/* Frees b (NULL is fine) without writing what is still buffered. */
void mz_bulk_free(mz_bulk *b);

#endif
