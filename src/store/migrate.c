/*
 * Migrations: brings a database up to the schema this binary carries in
 * mz_migrations[] (generated from src/store/migrations by CMake).  Each
 * pending migration runs in its own transaction together with the row that
 * records it in schema_migrations, so a migration is either applied and
 * recorded or neither.  Whether a migration is pending is decided inside
 * that transaction, which makes concurrent starts safe: on SQLite the write
 * lock of BEGIN IMMEDIATE serialises them, on PostgreSQL a session advisory
 * lock held around the whole run does (it also covers creating
 * schema_migrations itself, which CREATE TABLE IF NOT EXISTS alone does not
 * make race-free there).
 */
#include "store/migrate.h"

#include "base/mem.h"
#include "store/private.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The advisory lock key: "mzmigrat" read as a big-endian 64-bit integer. */
#define MIGRATE_LOCK "7888737996767388020"

struct dialect_token {
    const char *name;
    const char *sqlite;
    const char *pg;
};

static const struct dialect_token tokens[] = {
    {"pk", "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"},
    {"blob", "BLOB", "BYTEA"},
};

/* The migration's SQL with {{token}}s replaced for this engine; NULL on error. */
static char *expand_tokens(mz_db *db, const char *sql)
{
    mz_buf out;
    const char *p = sql, *open, *close;

    mz_buf_init(&out);
    while ((open = strstr(p, "{{")) != NULL) {
        const struct dialect_token *t = NULL;
        size_t len;

        mz_buf_append(&out, p, (size_t)(open - p));
        close = strstr(open + 2, "}}");
        if (close == NULL) {
            mz_db_set_error(db, "unterminated {{ token");
            goto fail;
        }
        len = (size_t)(close - open - 2);
        for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
            if (strlen(tokens[i].name) == len && strncmp(tokens[i].name, open + 2, len) == 0)
                t = &tokens[i];
        }
        if (t == NULL) {
            mz_db_set_error(db, "unknown token {{%.*s}}", (int)len, open + 2);
            goto fail;
        }
        mz_buf_puts(&out, mz_db_kind_of(db) == MZ_DB_PG ? t->pg : t->sqlite);
        p = close + 2;
    }
    mz_buf_puts(&out, p);
    return mz_buf_steal(&out);

fail:
    mz_buf_cleanup(&out);
    return NULL;
}

/* Applies one migration unless it is recorded already. */
static int apply(mz_db *db, const struct mz_migration *m, char *err, size_t errlen)
{
    char stamp[32], *sql = NULL;
    int64_t applied;
    time_t now = time(NULL);
    struct tm tm;
    int rc;

    rc = mz_db_begin(db);
    if (rc < 0)
        goto fail;
    rc = mz_db_query_int64(db, &applied, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?",
                           "i", (int64_t)m->version);
    if (rc < 0)
        goto fail;
    if (applied > 0)
        return mz_db_rollback(db);
    sql = expand_tokens(db, m->sql);
    if (sql == NULL) {
        rc = MZ_DB_ERROR;
        goto fail;
    }
    rc = mz_db_exec(db, sql);
    if (rc < 0)
        goto fail;
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    rc = mz_db_run(db, NULL,
                   "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                   "itt", (int64_t)m->version, m->name, stamp);
    if (rc < 0)
        goto fail;
    rc = mz_db_commit(db);
    if (rc < 0)
        goto fail;
    mz_free(sql);
    return MZ_DB_OK;

fail:
    snprintf(err, errlen, "migration %s: %s", m->name, mz_db_errmsg(db));
    mz_db_rollback(db);
    mz_free(sql);
    return rc;
}

int mz_migrate(mz_db *db, char *err, size_t errlen)
{
    int timeout_off = 0, locked = 0, version, rc;

    for (int i = 1; i < mz_migrations_count; i++) {
        if (mz_migrations[i].version <= mz_migrations[i - 1].version) {
            snprintf(err, errlen, "migrations %s and %s share a version or are out of order",
                     mz_migrations[i - 1].name, mz_migrations[i].name);
            return MZ_DB_ERROR;
        }
    }
    if (mz_db_in_transaction(db)) {
        snprintf(err, errlen, "cannot migrate inside an open transaction");
        return MZ_DB_ERROR;
    }
    if (mz_db_kind_of(db) == MZ_DB_PG) {
        /* Waiting for another process's migrations may take longer than the
         * statement timeout; RESET afterwards restores the connection's. */
        rc = mz_db_exec(db, "SET statement_timeout = 0");
        if (rc < 0)
            goto db_fail;
        timeout_off = 1;
        rc = mz_db_exec(db, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")");
        if (rc < 0)
            goto db_fail;
        locked = 1;
    }
    rc = mz_db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        " version BIGINT PRIMARY KEY,"
                        " name TEXT NOT NULL,"
                        " applied_at TEXT NOT NULL)");
    if (rc < 0)
        goto db_fail;
    version = mz_schema_version(db);
    if (version < 0) {
        rc = version;
        goto db_fail;
    }
    if (version > mz_schema_latest()) {
        snprintf(err, errlen, "the database has schema version %d, newer than this binary's %d",
                 version, mz_schema_latest());
        rc = MZ_DB_ERROR;
        goto done;
    }
    for (int i = 0; i < mz_migrations_count; i++) {
        rc = apply(db, &mz_migrations[i], err, errlen);
        if (rc < 0)
            goto done;
    }
    goto done;

db_fail:
    snprintf(err, errlen, "%s", mz_db_errmsg(db));
done:
    if (locked)
        mz_db_exec(db, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")");
    if (timeout_off)
        mz_db_exec(db, "RESET statement_timeout");
    return rc;
}

int mz_schema_version(mz_db *db)
{
    const char *exists_sql = mz_db_kind_of(db) == MZ_DB_PG
                                 ? "SELECT to_regclass('schema_migrations') IS NOT NULL"
                                 : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                                   "name = 'schema_migrations'";
    int64_t exists, version;
    int rc;

    rc = mz_db_query_int64(db, &exists, exists_sql, "");
    if (rc < 0)
        return rc;
    if (exists == 0)
        return 0;
    rc = mz_db_query_int64(db, &version, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                           "");
    if (rc < 0)
        return rc;
    return (int)version;
}

int mz_schema_latest(void)
{
    int latest = 0;

    for (int i = 0; i < mz_migrations_count; i++) {
        if (mz_migrations[i].version > latest)
            latest = mz_migrations[i].version;
    }
    return latest;
}
