/*
 * SQLite engine for the store: the embedded default.  A connection is opened
 * in multi-thread mode (no per-connection mutex: store.h allows one thread at
 * a time per connection) with WAL, foreign keys, a 5 s busy timeout and
 * synchronous=NORMAL, which in WAL mode is durable across application
 * crashes and loses at most the last transactions on power failure.  Result
 * codes map onto mz_db_err: constraint failures become MZ_DB_CONSTRAINT and
 * lock contention MZ_DB_BUSY, so callers can tell "retry" from "refuse".
 */
#include "store/private.h"

#include "base/mem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

struct sqlite_db {
    struct mz_db base;
    sqlite3 *h;
};

struct sqlite_stmt {
    struct mz_stmt base;
    sqlite3_stmt *h;
    int done;        /* ran to the end or failed; stepping again repeats result */
    int result;      /* MZ_DB_OK or the error, once done */
    int64_t changes; /* rows changed when it last ran to completion */
};

static sqlite3 *handle_of(const mz_db *db)
{
    return ((const struct sqlite_db *)db)->h;
}

static struct sqlite_stmt *stmt_of(mz_stmt *st)
{
    return (struct sqlite_stmt *)st;
}

static const struct sqlite_stmt *cstmt_of(const mz_stmt *st)
{
    return (const struct sqlite_stmt *)st;
}

/* Maps a SQLite result code, recording the connection's message on error. */
static int map_rc(mz_db *db, int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
        return MZ_DB_OK;
    case SQLITE_ROW:
        return MZ_DB_ROW;
    default:
        break;
    }
    mz_db_set_error(db, "%s", sqlite3_errmsg(handle_of(db)));
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        return MZ_DB_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return MZ_DB_BUSY;
    default:
        return MZ_DB_ERROR;
    }
}

static void sq_close(mz_db *db)
{
    sqlite3_close_v2(handle_of(db));
    mz_free(db);
}

static int sq_exec(mz_db *db, const char *sql)
{
    return map_rc(db, sqlite3_exec(handle_of(db), sql, NULL, NULL, NULL));
}

static int sq_in_transaction(const mz_db *db)
{
    return !sqlite3_get_autocommit(handle_of(db));
}

static mz_stmt *sq_prepare(mz_db *db, const char *sql)
{
    sqlite3 *h = handle_of(db);
    sqlite3_stmt *stmt = NULL, *extra = NULL;
    struct sqlite_stmt *st;
    const char *tail = NULL;
    int rc;

    rc = sqlite3_prepare_v2(h, sql, -1, &stmt, &tail);
    if (rc != SQLITE_OK) {
        map_rc(db, rc);
        goto fail;
    }
    if (stmt == NULL) {
        mz_db_set_error(db, "empty statement");
        goto fail;
    }
    /* Whatever follows the first statement must be blank or comments. */
    rc = sqlite3_prepare_v2(h, tail, -1, &extra, NULL);
    if (rc != SQLITE_OK || extra != NULL) {
        mz_db_set_error(db, "more than one statement given to prepare");
        goto fail;
    }
    st = mz_calloc(1, sizeof(*st));
    st->base.db = db;
    st->h = stmt;
    return &st->base;

fail:
    sqlite3_finalize(extra);
    sqlite3_finalize(stmt);
    return NULL;
}

static int sq_param_count(const mz_stmt *st)
{
    return sqlite3_bind_parameter_count(cstmt_of(st)->h);
}

static int sq_bind_text(mz_stmt *st, int idx, const char *s)
{
    return map_rc(st->db, sqlite3_bind_text(stmt_of(st)->h, idx, s, -1, SQLITE_TRANSIENT));
}

static int sq_bind_int64(mz_stmt *st, int idx, int64_t v)
{
    return map_rc(st->db, sqlite3_bind_int64(stmt_of(st)->h, idx, v));
}

static int sq_bind_null(mz_stmt *st, int idx)
{
    return map_rc(st->db, sqlite3_bind_null(stmt_of(st)->h, idx));
}

static int sq_step(mz_stmt *base)
{
    struct sqlite_stmt *st = stmt_of(base);
    int rc;

    if (st->done)
        return st->result;
    rc = sqlite3_step(st->h);
    if (rc == SQLITE_ROW)
        return MZ_DB_ROW;
    if (rc == SQLITE_DONE && !sqlite3_stmt_readonly(st->h))
        st->changes = sqlite3_changes64(handle_of(base->db));
    st->done = 1;
    st->result = map_rc(base->db, rc);
    return st->result;
}

static void sq_reset(mz_stmt *base)
{
    struct sqlite_stmt *st = stmt_of(base);

    /* sqlite3_reset repeats the last step's error, already reported then. */
    sqlite3_reset(st->h);
    sqlite3_clear_bindings(st->h);
    st->done = 0;
    st->result = MZ_DB_OK;
    st->changes = 0;
}

static int sq_column_count(const mz_stmt *st)
{
    return sqlite3_column_count(cstmt_of(st)->h);
}

static const char *sq_column_name(const mz_stmt *st, int col)
{
    return sqlite3_column_name(cstmt_of(st)->h, col);
}

static const char *sq_column_text(const mz_stmt *st, int col)
{
    sqlite3_stmt *h = cstmt_of(st)->h;

    if (sqlite3_column_type(h, col) == SQLITE_NULL)
        return NULL;
    return (const char *)sqlite3_column_text(h, col);
}

static int64_t sq_column_int64(const mz_stmt *st, int col)
{
    return sqlite3_column_int64(cstmt_of(st)->h, col);
}

static int64_t sq_changes(const mz_stmt *st)
{
    return cstmt_of(st)->changes;
}

static void sq_finalize(mz_stmt *st)
{
    sqlite3_finalize(stmt_of(st)->h);
    mz_free(st);
}

static const struct mz_db_ops sqlite_ops = {
    .kind = MZ_DB_SQLITE,
    .name = "sqlite",
    .begin_sql = "BEGIN IMMEDIATE",
    .close = sq_close,
    .exec = sq_exec,
    .in_transaction = sq_in_transaction,
    .prepare = sq_prepare,
    .param_count = sq_param_count,
    .bind_text = sq_bind_text,
    .bind_int64 = sq_bind_int64,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .reset = sq_reset,
    .column_count = sq_column_count,
    .column_name = sq_column_name,
    .text = sq_column_text,
    .int64 = sq_column_int64,
    .changes = sq_changes,
    .finalize = sq_finalize,
};

mz_db *mz_sqlite_open(const char *path, char *err, size_t errlen)
{
    struct sqlite_db *db = mz_calloc(1, sizeof(*db));
    int rc;

    db->base.ops = &sqlite_ops;
    rc = sqlite3_open_v2(path, &db->h,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path,
                 db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(db->h, 5000);
    rc = sqlite3_exec(db->h,
                      "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;"
                      " PRAGMA synchronous = NORMAL;",
                      NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot set up %s: %s", path, sqlite3_errmsg(db->h));
        goto fail;
    }
    return &db->base;

fail:
    sqlite3_close_v2(db->h);
    mz_free(db);
    return NULL;
}
