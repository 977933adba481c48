/*
 * Store: the one interface the rest of minzheng uses to reach a database.
 * Two implementations sit behind it: SQLite (sqlite.c, the embedded default)
 * and PostgreSQL through libpq (pg.c).  SQL is written once, portably:
 * placeholders are '?' (rewritten to $1, $2 ... for libpq); ON CONFLICT and
 * RETURNING work on both; column types are TEXT and BIGINT; ids come from
 * the migration token {{pk}}.  Values cross the interface only as text,
 * int64 or NULL, which is all the schema uses (money is int64 fen, dates are
 * ISO text).
 *
 * A connection is used by one thread at a time.  Results are 0 / negative
 * mz_db_err; a statement's text getters return pointers valid until the next
 * step or finalize.
 */
#ifndef MZ_STORE_STORE_H
#define MZ_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct mz_db mz_db;
typedef struct mz_stmt mz_stmt;

typedef enum { MZ_DB_SQLITE = 1, MZ_DB_PG = 2 } mz_db_kind;

enum mz_db_err {
    MZ_DB_OK = 0,
    MZ_DB_ROW = 1,         /* mz_stmt_step: a row is ready */
    MZ_DB_ERROR = -1,      /* anything else; see mz_db_errmsg */
    MZ_DB_CONSTRAINT = -2, /* unique / foreign key / check violation */
    MZ_DB_BUSY = -3,       /* lock timeout, serialization failure: retry the transaction */
};

/*
 * Opens a database.  url is "postgresql://..." or "postgres://..." for
 * PostgreSQL, otherwise a SQLite file path (an optional "sqlite:" prefix is
 * stripped; the parent directory must exist).  SQLite connections get WAL,
 * foreign_keys=ON, busy_timeout 5000 ms, synchronous=NORMAL.  On failure
 * returns NULL and writes a message into err.
 */
mz_db *mz_db_open(const char *url, char *err, size_t errlen);
void mz_db_close(mz_db *db); /* NULL is fine; finalizes nothing: finalize first */

mz_db_kind mz_db_kind_of(const mz_db *db);
const char *mz_db_kind_name(const mz_db *db); /* "sqlite" or "postgresql" */
const char *mz_db_errmsg(const mz_db *db);    /* last error on this connection */

/* Runs SQL without parameters; may contain several statements. */
int mz_db_exec(mz_db *db, const char *sql);

/*
 * Transactions.  mz_db_begin starts a write transaction (BEGIN IMMEDIATE on
 * SQLite so that writers queue instead of failing on upgrade).  Nesting is an
 * error.  mz_db_rollback is safe to call when no transaction is open.
 * A statement that fails inside a transaction dooms it on both engines (as
 * PostgreSQL does natively): mz_db_commit then rolls back and returns the
 * first error.  mz_db_commit always ends the transaction.
 */
int mz_db_begin(mz_db *db);
int mz_db_commit(mz_db *db);
int mz_db_rollback(mz_db *db);
int mz_db_in_transaction(const mz_db *db);

/*
 * A write transaction in which SQLite does not enforce foreign keys (on
 * PostgreSQL, mz_db_begin): for a bulk writer whose every reference is to a row
 * that it saw itself in this transaction or its read snapshot and that nothing
 * deletes.  Enforcement is what makes SQLite keep a statement journal — a copy
 * of every page a multi-row INSERT changes — so without it such a writer does
 * about a third less work (the payroll's lines, BENCHMARKS.md).  It is on again
 * when the transaction ends, whichever way.
 */
int mz_db_begin_trusted(mz_db *db);

/*
 * A read snapshot for work that only reads: on SQLite a deferred BEGIN, so
 * that all its statements share one WAL read lock and one view of the data
 * instead of taking a lock each; on PostgreSQL nothing (each statement reads
 * its own snapshot, and a BEGIN would cost two round trips).  It is not a
 * transaction for mz_db_in_transaction, and a mz_db_begin inside it ends it
 * first, so that code that writes behaves as without it.  mz_db_end_read ends
 * it if it is still open.
 */
void mz_db_begin_read(mz_db *db);
void mz_db_end_read(mz_db *db);

/*
 * A per-connection memo for what nearly every request reads the same (a role's
 * permissions): mz_db_memo_put remembers len bytes under key; mz_db_memo_get
 * returns them (with *len) only while the database is unchanged since — on
 * SQLite its data version, which every commit by any connection of any process
 * changes, read after a statement of the current transaction has run, so that
 * what is returned is what that transaction would read — and NULL otherwise.
 * Nothing is remembered or returned inside a write transaction (its own
 * changes are not committed yet), nor on PostgreSQL, which cannot tell.  Up to
 * 8 keys per connection.
 */
const void *mz_db_memo_get(mz_db *db, const char *key, size_t *len);
void mz_db_memo_put(mz_db *db, const char *key, const void *data, size_t len);
/*
 * mz_db_memo_get for the first read of a request: it first runs a statement (on SQLite one
 * that reads the file's header), so that the data version is the one the current read
 * snapshot sees (mz_db_begin_read: the snapshot begins with it) or, outside one, the
 * database's of now.
 */
const void *mz_db_memo_get_now(mz_db *db, const char *key, size_t *len);

/*
 * Prepares one statement with '?' placeholders; NULL on error (see errmsg).
 * PostgreSQL sees the SQL only at the first step: errors in it surface there,
 * and the column count is 0 until then.
 */
mz_stmt *mz_db_prepare(mz_db *db, const char *sql);

/*
 * Prepares and binds in one call.  types has one character per parameter:
 * 't' const char * (NULL binds NULL), 'i' int64_t, 'n' no argument, binds NULL.
 * Example: mz_db_prepare_bind(db, "SELECT id FROM users WHERE name = ? AND x > ?",
 *                             "ti", name, (int64_t)5);
 */
mz_stmt *mz_db_prepare_bind(mz_db *db, const char *sql, const char *types, ...);

/* Binding is 1-based, as in SQLite. */
int mz_stmt_bind_text(mz_stmt *st, int idx, const char *s); /* NULL binds NULL; copied */
int mz_stmt_bind_int64(mz_stmt *st, int idx, int64_t v);
int mz_stmt_bind_null(mz_stmt *st, int idx);

/* MZ_DB_ROW when a row is ready, MZ_DB_OK when done, negative on error. */
int mz_stmt_step(mz_stmt *st);
/* Resets a statement to run again with new bindings (bindings are cleared). */
int mz_stmt_reset(mz_stmt *st);

int mz_stmt_column_count(const mz_stmt *st);
const char *mz_stmt_column_name(const mz_stmt *st, int col);
int mz_stmt_is_null(const mz_stmt *st, int col);      /* 0-based column */
const char *mz_stmt_text(const mz_stmt *st, int col); /* NULL for SQL NULL */
int64_t mz_stmt_int64(const mz_stmt *st, int col);    /* 0 for NULL */
/* Rows changed by the last INSERT/UPDATE/DELETE run through this statement. */
int64_t mz_stmt_changes(const mz_stmt *st);
void mz_stmt_finalize(mz_stmt *st); /* NULL is fine */

/*
 * Conveniences for one-row queries: run, take column 0 of the first row.
 * Return MZ_DB_ROW with *out set, MZ_DB_OK when there was no row, or a
 * negative error.
 */
int mz_db_query_int64(mz_db *db, int64_t *out, const char *sql, const char *types, ...);
/* *out is a malloc'd copy (free with mz_free), NULL for SQL NULL. */
int mz_db_query_text(mz_db *db, char **out, const char *sql, const char *types, ...);
/*
 * A batch job's settings for its connection (SQLite; nothing on PostgreSQL, whose cache is
 * the server's), each chosen by a profile at 5 million persons.  Every connection reads
 * through a memory map of up to 2 GB with SQLite's default cache of 2 MB, which is what reads
 * that meet most pages once want (预核对, a member's department rows: with a cache of 256 MB,
 * whose every new page the kernel must zero, a preview at 5 million persons took 186,000
 * page faults instead of 51,000 and a quarter more CPU).
 *
 * MZ_BATCH_WRITES: a page cache of 256 MB — a long transaction's pages would otherwise spill
 *   to the WAL and be read back — and a checkpoint of the WAL every 64 MB instead of every
 *   4 MB (a job of many transactions copied pages into the database file and synced it
 *   mid-run).  Imports.
 * MZ_BATCH_SMALL_WRITES: for a job of short transactions whose statements each change few
 *   rows, like the payroll's steps of 5,000 lines inserted 64 at a time: the checkpoint as
 *   above, a cache of 16 MB (a step's changed pages fit; its reads meet most pages once, and
 *   a larger cache only costs page faults: 64,000 of a payroll run with 256 MB, 17,000 with
 *   16 MB), and statement journals in memory (temp_store = MEMORY): SQLite journals what a
 *   statement changes in pages its transaction had already changed, and past 64 KB it
 *   writes that journal to a temporary file — 140,000 writes of a payroll run.  Not for a
 *   statement that changes a whole table (a registry import's INSERT … SELECT), whose
 *   journal could then take as much memory as the table.
 * MZ_BATCH_OFF: the defaults again.
 */
enum { MZ_BATCH_OFF, MZ_BATCH_WRITES, MZ_BATCH_SMALL_WRITES };
void mz_db_batch_cache(mz_db *db, int mode);

/* Runs a statement that returns no rows; *changes (may be NULL) gets rows changed. */
int mz_db_run(mz_db *db, int64_t *changes, const char *sql, const char *types, ...);

/*
 * Bulk insert (registry and department data imports, payroll lines): many
 * rows into one table at the speed of the engine's own bulk load.  SQLite:
 * rows buffered and inserted 64 at a time by one prepared INSERT, texts bound
 * from one buffer without further copies and integers as integers.
 * PostgreSQL: COPY ... FROM STDIN in text format,
 * rows buffered and sent in chunks, with the transaction's statement_timeout
 * lifted (SET LOCAL), since a COPY lasts as long as the rows keep coming.
 * Must run inside a transaction.  table
 * and columns are identifiers written in code, never input.  Text values are
 * converted by the column's type as a literal would be.  While a bulk insert
 * is open the connection must run nothing else: end it first.  An error (here
 * or at the end, where PostgreSQL reports constraint violations) dooms the
 * transaction.  There is no ON CONFLICT: a caller that could meet an existing
 * row must leave it out itself.
 */
typedef struct mz_bulk mz_bulk;
#define MZ_BULK_MAX_COLUMNS 32
/* NULL on error (see mz_db_errmsg); at most MZ_BULK_MAX_COLUMNS columns. */
mz_bulk *mz_bulk_begin(mz_db *db, const char *table, const char *const *columns, int ncolumns);
/* One value of a typed row: s for 't' (NULL binds NULL), i for 'i'. */
typedef struct mz_bulk_value {
    const char *s;
    int64_t i;
} mz_bulk_value;
/*
 * One row of ncolumns values; types has one letter per column, as for
 * mz_db_prepare_bind: 't' text, 'i' int64, 'n' NULL.  The values need to stay
 * valid only during the call.  0 or a negative mz_db_err; after an error, only
 * end or cancel.
 */
int mz_bulk_add(mz_bulk *b, const char *types, const mz_bulk_value *values);
/* One row of ncolumns text values (NULL for SQL NULL): mz_bulk_add with all 't'. */
int mz_bulk_row(mz_bulk *b, const char *const *values);
/* Sends what is buffered and finishes: 0 or a negative mz_db_err.  Frees b. */
int mz_bulk_end(mz_bulk *b);
/* Abandons the insert (PostgreSQL: the COPY fails, dooming the transaction).  Frees b; NULL is
 * fine. */
void mz_bulk_cancel(mz_bulk *b);

#endif
