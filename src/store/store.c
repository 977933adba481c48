/*
 * Store dispatch: the public functions of store.h, forwarded to the engine
 * behind a connection (sqlite.c or pg.c) through its struct mz_db_ops.  What
 * must not differ between the engines lives here and nowhere else:
 *
 *  - Transactions.  An error inside a transaction dooms it on both engines
 *    (PostgreSQL does so natively; SQLite would only undo the statement), so
 *    mz_db_commit then rolls back and returns the first error.  A commit that
 *    fails leaves no transaction open.
 *  - Getters return NULL / 0 unless the last step produced a row and the
 *    column exists, where the engines' own behaviour is undefined.
 *  - The convenience functions (prepare_bind, query_int64, query_text, run)
 *    are written once on top of the primitives.
 */
#include "store/private.h"

#include "base/mem.h"

#include <stdio.h>
#include <string.h>

void mz_db_set_error(mz_db *db, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(db->errmsg, sizeof(db->errmsg), fmt, ap);
    va_end(ap);
}

/* Remembers the first failure inside a transaction; passes rc through. */
static int track(mz_db *db, int rc)
{
    if (rc < 0 && db->tx_error == 0 && db->ops->in_transaction(db))
        db->tx_error = rc;
    return rc;
}

mz_db *mz_db_open(const char *url, char *err, size_t errlen)
{
    if (url == NULL || *url == '\0') {
        snprintf(err, errlen, "no database URL given");
        return NULL;
    }
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return mz_pg_open(url, err, errlen);
    if (strncmp(url, "sqlite:", 7) == 0)
        url += 7;
    return mz_sqlite_open(url, err, errlen);
}

void mz_db_close(mz_db *db)
{
    if (db != NULL)
        db->ops->close(db);
}

mz_db_kind mz_db_kind_of(const mz_db *db)
{
    return db->ops->kind;
}

const char *mz_db_kind_name(const mz_db *db)
{
    return db->ops->name;
}

const char *mz_db_errmsg(const mz_db *db)
{
    return db->errmsg;
}

int mz_db_exec(mz_db *db, const char *sql)
{
    return track(db, db->ops->exec(db, sql));
}

int mz_db_begin(mz_db *db)
{
    if (db->ops->in_transaction(db)) {
        mz_db_set_error(db, "a transaction is already open");
        return MZ_DB_ERROR;
    }
    db->tx_error = 0;
    return db->ops->exec(db, db->ops->begin_sql);
}

int mz_db_commit(mz_db *db)
{
    int rc;

    if (!db->ops->in_transaction(db)) {
        db->tx_error = 0;
        mz_db_set_error(db, "no transaction is open");
        return MZ_DB_ERROR;
    }
    if (db->tx_error != 0) {
        rc = db->tx_error;
        db->tx_error = 0;
        db->ops->exec(db, "ROLLBACK");
        mz_db_set_error(db, "transaction rolled back: a statement in it failed");
        return rc;
    }
    rc = db->ops->exec(db, "COMMIT");
    if (rc < 0 && db->ops->in_transaction(db)) {
        /* SQLite keeps the transaction open when COMMIT fails; close it as
         * PostgreSQL does, keeping the message that explains the failure. */
        char msg[sizeof(db->errmsg)];
        memcpy(msg, db->errmsg, sizeof(msg));
        db->ops->exec(db, "ROLLBACK");
        memcpy(db->errmsg, msg, sizeof(msg));
    }
    return rc;
}

int mz_db_rollback(mz_db *db)
{
    db->tx_error = 0;
    if (!db->ops->in_transaction(db))
        return MZ_DB_OK;
    return db->ops->exec(db, "ROLLBACK");
}

int mz_db_in_transaction(const mz_db *db)
{
    return db->ops->in_transaction(db);
}

mz_stmt *mz_db_prepare(mz_db *db, const char *sql)
{
    mz_stmt *st = db->ops->prepare(db, sql);

    if (st == NULL)
        track(db, MZ_DB_ERROR);
    return st;
}

static int check_index(mz_stmt *st, int idx)
{
    int n = st->db->ops->param_count(st);

    if (idx < 1 || idx > n) {
        mz_db_set_error(st->db, "parameter %d out of range: the statement has %d", idx, n);
        return MZ_DB_ERROR;
    }
    return MZ_DB_OK;
}

int mz_stmt_bind_text(mz_stmt *st, int idx, const char *s)
{
    if (check_index(st, idx) < 0)
        return MZ_DB_ERROR;
    if (s == NULL)
        return st->db->ops->bind_null(st, idx);
    return st->db->ops->bind_text(st, idx, s);
}

int mz_stmt_bind_int64(mz_stmt *st, int idx, int64_t v)
{
    if (check_index(st, idx) < 0)
        return MZ_DB_ERROR;
    return st->db->ops->bind_int64(st, idx, v);
}

int mz_stmt_bind_null(mz_stmt *st, int idx)
{
    if (check_index(st, idx) < 0)
        return MZ_DB_ERROR;
    return st->db->ops->bind_null(st, idx);
}

int mz_stmt_step(mz_stmt *st)
{
    int rc = st->db->ops->step(st);

    st->has_row = rc == MZ_DB_ROW;
    return track(st->db, rc);
}

int mz_stmt_reset(mz_stmt *st)
{
    st->has_row = 0;
    st->db->ops->reset(st);
    return MZ_DB_OK;
}

int mz_stmt_column_count(const mz_stmt *st)
{
    return st->db->ops->column_count(st);
}

const char *mz_stmt_column_name(const mz_stmt *st, int col)
{
    if (col < 0 || col >= st->db->ops->column_count(st))
        return NULL;
    return st->db->ops->column_name(st, col);
}

static int value_ready(const mz_stmt *st, int col)
{
    return st->has_row && col >= 0 && col < st->db->ops->column_count(st);
}

int mz_stmt_is_null(const mz_stmt *st, int col)
{
    return !value_ready(st, col) || st->db->ops->text(st, col) == NULL;
}

const char *mz_stmt_text(const mz_stmt *st, int col)
{
    return value_ready(st, col) ? st->db->ops->text(st, col) : NULL;
}

int64_t mz_stmt_int64(const mz_stmt *st, int col)
{
    return value_ready(st, col) ? st->db->ops->int64(st, col) : 0;
}

int64_t mz_stmt_changes(const mz_stmt *st)
{
    return st->db->ops->changes(st);
}

void mz_stmt_finalize(mz_stmt *st)
{
    if (st != NULL)
        st->db->ops->finalize(st);
}

/* Prepares sql and binds the arguments described by types; see store.h. */
static mz_stmt *prepare_bindv(mz_db *db, const char *sql, const char *types, va_list ap)
{
    mz_stmt *st;
    int n, rc = MZ_DB_OK;

    if (types == NULL)
        types = "";
    st = mz_db_prepare(db, sql);
    if (st == NULL)
        return NULL;
    n = (int)strlen(types);
    if (n != db->ops->param_count(st)) {
        mz_db_set_error(db, "the statement has %d parameters but %d types were given",
                        db->ops->param_count(st), n);
        goto fail;
    }
    for (int i = 0; i < n; i++) {
        switch (types[i]) {
        case 't':
            rc = mz_stmt_bind_text(st, i + 1, va_arg(ap, const char *));
            break;
        case 'i':
            rc = mz_stmt_bind_int64(st, i + 1, va_arg(ap, int64_t));
            break;
        case 'n':
            rc = mz_stmt_bind_null(st, i + 1);
            break;
        default:
            mz_db_set_error(db, "unknown parameter type '%c'", types[i]);
            goto fail;
        }
        if (rc < 0)
            goto fail;
    }
    return st;

fail:
    mz_stmt_finalize(st);
    track(db, MZ_DB_ERROR);
    return NULL;
}

mz_stmt *mz_db_prepare_bind(mz_db *db, const char *sql, const char *types, ...)
{
    va_list ap;
    mz_stmt *st;

    va_start(ap, types);
    st = prepare_bindv(db, sql, types, ap);
    va_end(ap);
    return st;
}

int mz_db_query_int64(mz_db *db, int64_t *out, const char *sql, const char *types, ...)
{
    va_list ap;
    mz_stmt *st;
    int rc;

    *out = 0;
    va_start(ap, types);
    st = prepare_bindv(db, sql, types, ap);
    va_end(ap);
    if (st == NULL)
        return MZ_DB_ERROR;
    rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW)
        *out = mz_stmt_int64(st, 0);
    mz_stmt_finalize(st);
    return rc;
}

int mz_db_query_text(mz_db *db, char **out, const char *sql, const char *types, ...)
{
    va_list ap;
    mz_stmt *st;
    int rc;

    *out = NULL;
    va_start(ap, types);
    st = prepare_bindv(db, sql, types, ap);
    va_end(ap);
    if (st == NULL)
        return MZ_DB_ERROR;
    rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW)
        *out = mz_strdup(mz_stmt_text(st, 0));
    mz_stmt_finalize(st);
    return rc;
}

int mz_db_run(mz_db *db, int64_t *changes, const char *sql, const char *types, ...)
{
    va_list ap;
    mz_stmt *st;
    int rc;

    if (changes != NULL)
        *changes = 0;
    va_start(ap, types);
    st = prepare_bindv(db, sql, types, ap);
    va_end(ap);
    if (st == NULL)
        return MZ_DB_ERROR;
    /* Run to completion, so that a RETURNING clause cannot leave work undone. */
    do {
        rc = mz_stmt_step(st);
    } while (rc == MZ_DB_ROW);
    if (rc == MZ_DB_OK && changes != NULL)
        *changes = mz_stmt_changes(st);
    mz_stmt_finalize(st);
    return rc;
}
