/*
 * Store internals shared by the dispatch layer (store.c) and the two engines
 * (sqlite.c, pg.c).  An engine fills a struct mz_db_ops with its primitives
 * and embeds struct mz_db / struct mz_stmt as the first member of its own
 * connection and statement structs.  store.c owns everything that must
 * behave the same on both engines: argument checks, the transaction rules,
 * the "is a row ready" guard on the getters, and the convenience functions.
 * Nothing outside src/store includes this header.
 */
#ifndef MZ_STORE_PRIVATE_H
#define MZ_STORE_PRIVATE_H

#include "store/store.h"

struct mz_db_ops {
    mz_db_kind kind;
    const char *name;       /* "sqlite" or "postgresql" */
    const char *begin_sql;  /* how this engine opens a write transaction */
    const char *fk_off_sql; /* mz_db_begin_trusted: before begin_sql; NULL: nothing to do */
    const char *fk_on_sql;  /* after the transaction ends */
    void (*close)(mz_db *db);
    int (*exec)(mz_db *db, const char *sql);
    int (*in_transaction)(const mz_db *db);
    mz_stmt *(*prepare)(mz_db *db, const char *sql);
    int (*param_count)(const mz_stmt *st);
    int (*bind_text)(mz_stmt *st, int idx, const char *s);
    /* s is not copied: it must stay valid until the statement is reset (SQLite's bulk insert) */
    int (*bind_text_static)(mz_stmt *st, int idx, const char *s);
    int (*bind_int64)(mz_stmt *st, int idx, int64_t v);
    int (*bind_null)(mz_stmt *st, int idx);
    int (*step)(mz_stmt *st);
    void (*reset)(mz_stmt *st);
    int (*column_count)(const mz_stmt *st);
    const char *(*column_name)(const mz_stmt *st, int col);
    const char *(*text)(const mz_stmt *st, int col); /* NULL for SQL NULL */
    int (*is_null)(const mz_stmt *st, int col);      /* without converting the value */
    int64_t (*int64)(const mz_stmt *st, int col);
    int64_t (*changes)(const mz_stmt *st);
    void (*finalize)(mz_stmt *st);
    /*
     * Bulk insert by the engine's own protocol (PostgreSQL COPY); NULL when
     * store.c should use multi-row prepared INSERTs (SQLite).  copy_begin runs
     * the COPY statement, copy_data sends bytes of text-format rows, copy_end
     * finishes (message NULL) or fails (message given) the COPY.
     */
    int (*copy_begin)(mz_db *db, const char *sql);
    int (*copy_data)(mz_db *db, const char *data, size_t len);
    int (*copy_end)(mz_db *db, const char *message);
    /*
     * A number that changes whenever the database file changes, by this connection or by any
     * other in any process, as of the current (or, outside one, the last) transaction; -1
     * when the engine cannot tell (PostgreSQL: NULL op).  For mz_db_memo_get.
     */
    int64_t (*data_version)(mz_db *db);
};

/* One remembered value of mz_db_memo_put. */
#define MZ_DB_MEMOS 8
struct mz_db_memo {
    char *key; /* NULL: empty */
    void *data;
    size_t len;
    int64_t version; /* data_version when it was put */
};

struct mz_db {
    const struct mz_db_ops *ops;
    /*
     * The first error code seen inside the open transaction, 0 if none.
     * PostgreSQL aborts a transaction on any error while SQLite only undoes
     * the failing statement; store.c makes both behave like PostgreSQL so
     * that code tested on one engine is right on the other.
     */
    int tx_error;
    int read_tx; /* a read snapshot (mz_db_begin_read) is open */
    int fk_off;  /* mz_db_begin_trusted turned foreign keys off until the transaction ends */
    char errmsg[512];
    struct mz_db_memo memo[MZ_DB_MEMOS];
    int memo_next; /* the slot a new key takes */
};

struct mz_stmt {
    mz_db *db;
    int has_row; /* the last step returned MZ_DB_ROW */
};

/* Records a message as the connection's last error. */
void mz_db_set_error(mz_db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Engine constructors, called by mz_db_open with the URL already classified. */
mz_db *mz_sqlite_open(const char *path, char *err, size_t errlen);
mz_db *mz_pg_open(const char *url, char *err, size_t errlen);

/* Registers the mz-map VFS (sqlite_map.c) as SQLite's default; 0, or -1 when it could not. */
int mz_sqlite_map_register(void);

#endif
