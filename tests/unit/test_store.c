/*
 * Tests for src/store: the store interface (store.c with sqlite.c and pg.c)
 * and the migrations (migrate.c).  Every case runs twice with one body: on a
 * fresh SQLite file in a temporary directory, and on a freshly created
 * PostgreSQL database when MZ_TEST_PG_URL names a server we may create
 * databases on (scripts/pg-cluster.sh starts a throwaway one).  Without it
 * the PostgreSQL cases are reported as skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/mem.h"
#include "store/migrate.h"
#include "store/store.h"

struct fixture {
    mz_db_kind kind;
    char url[1024]; /* for opening more connections to the same database */
    char dir[512];  /* SQLite: the temporary directory */
    char name[64];  /* PostgreSQL: the database created for this case */
    mz_db *db;      /* NULL when the engine is not available: the case skips */
};

static const char *pg_admin_url(void)
{
    const char *url = getenv("MZ_TEST_PG_URL");

    return url != NULL && *url != '\0' ? url : NULL;
}

/* url with its database name replaced by name; -1 if url is not a URL. */
static int url_with_dbname(char *out, size_t n, const char *url, const char *name)
{
    const char *auth = strstr(url, "://");
    const char *query, *end, *path;

    if (auth == NULL)
        return -1;
    auth += 3;
    query = strchr(auth, '?');
    end = query != NULL ? query : auth + strlen(auth);
    path = memchr(auth, '/', (size_t)(end - auth));
    if (path == NULL)
        path = end;
    snprintf(out, n, "%.*s/%s%s", (int)(path - url), url, name, query != NULL ? query : "");
    return 0;
}

static int admin_exec(const char *sql)
{
    char err[256];
    mz_db *admin = mz_db_open(pg_admin_url(), err, sizeof(err));
    int rc;

    if (admin == NULL) {
        print_error("%s\n", err);
        return -1;
    }
    rc = mz_db_exec(admin, sql);
    if (rc < 0)
        print_error("%s: %s\n", sql, mz_db_errmsg(admin));
    mz_db_close(admin);
    return rc;
}

static int open_fixture_db(struct fixture *f)
{
    char err[256];

    f->db = mz_db_open(f->url, err, sizeof(err));
    if (f->db == NULL) {
        print_error("%s\n", err);
        return -1;
    }
    return 0;
}

static int setup_sqlite(void **state)
{
    struct fixture *f = mz_calloc(1, sizeof(*f));
    const char *tmp = getenv("TMPDIR");

    *state = f;
    f->kind = MZ_DB_SQLITE;
    snprintf(f->dir, sizeof(f->dir), "%s/mz_store_XXXXXX", tmp != NULL ? tmp : "/tmp");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->url, sizeof(f->url), "sqlite:%s/test.db", f->dir);
    return open_fixture_db(f);
}

static int setup_pg(void **state)
{
    static int warned, counter;
    struct fixture *f = mz_calloc(1, sizeof(*f));
    char sql[128];

    *state = f;
    f->kind = MZ_DB_PG;
    if (pg_admin_url() == NULL) {
        if (!warned++)
            fprintf(stderr, "MZ_TEST_PG_URL is not set: skipping the PostgreSQL cases "
                            "(see scripts/pg-cluster.sh)\n");
        return 0;
    }
    snprintf(f->name, sizeof(f->name), "mz_test_%ld_%d", (long)getpid(), ++counter);
    if (url_with_dbname(f->url, sizeof(f->url), pg_admin_url(), f->name) < 0) {
        print_error("MZ_TEST_PG_URL must be a postgresql:// URL\n");
        f->name[0] = '\0';
        return -1;
    }
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->name);
    if (admin_exec(sql) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", f->name);
    if (admin_exec(sql) < 0)
        return -1;
    return open_fixture_db(f);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char path[600], sql[128];
    int rc = 0;

    mz_db_close(f->db);
    if (f->kind == MZ_DB_SQLITE && f->dir[0] != '\0') {
        static const char *const suffixes[] = {"", "-wal", "-shm"};
        for (size_t i = 0; i < 3; i++) {
            snprintf(path, sizeof(path), "%s/test.db%s", f->dir, suffixes[i]);
            unlink(path);
        }
        rc = rmdir(f->dir);
    }
    if (f->kind == MZ_DB_PG && f->name[0] != '\0') {
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->name);
        rc = admin_exec(sql);
    }
    mz_free(f);
    return rc < 0 ? -1 : 0;
}

static struct fixture *fixture(void **state)
{
    struct fixture *f = *state;

    if (f->db == NULL)
        skip();
    return f;
}

static void migrate_ok(mz_db *db)
{
    char err[256] = "";

    if (mz_migrate(db, err, sizeof(err)) != 0)
        fail_msg("mz_migrate: %s", err);
}

static void exec_ok(mz_db *db, const char *sql)
{
    if (mz_db_exec(db, sql) != MZ_DB_OK)
        fail_msg("%s: %s", sql, mz_db_errmsg(db));
}

static int64_t count(mz_db *db, const char *sql)
{
    int64_t n = -1;

    if (mz_db_query_int64(db, &n, sql, "") != MZ_DB_ROW)
        fail_msg("%s: %s", sql, mz_db_errmsg(db));
    return n;
}

static void create_kv(mz_db *db)
{
    exec_ok(db, "CREATE TABLE kv (k TEXT NOT NULL PRIMARY KEY, v TEXT, n BIGINT)");
}

static void test_migrate(void **state)
{
    struct fixture *f = fixture(state);
    char *stamp = NULL;

    assert_true(mz_schema_latest() >= 1);
    assert_int_equal(mz_schema_version(f->db), 0);
    migrate_ok(f->db);
    assert_int_equal(mz_schema_version(f->db), mz_schema_latest());
    migrate_ok(f->db);
    assert_int_equal(mz_schema_version(f->db), mz_schema_latest());
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM schema_migrations"), mz_migrations_count);
    /* The nine platform roles of 001 (later migrations add theirs after them). */
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM roles WHERE sort <= 9"), 9);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit_head"), 1);
    assert_int_equal(mz_db_query_text(f->db, &stamp,
                                      "SELECT applied_at FROM schema_migrations WHERE version = ?",
                                      "i", (int64_t)mz_migrations[0].version),
                     MZ_DB_ROW);
    assert_non_null(stamp);
    assert_int_equal(strlen(stamp), 20);
    assert_true(stamp[4] == '-' && stamp[10] == 'T' && stamp[19] == 'Z');
    mz_free(stamp);
    assert_false(mz_db_in_transaction(f->db));
    if (f->kind == MZ_DB_PG) {
        /* The migration lifts the statement timeout only while it runs. */
        assert_int_equal(mz_db_query_text(f->db, &stamp, "SHOW statement_timeout", ""), MZ_DB_ROW);
        assert_string_equal(stamp, "30s");
        mz_free(stamp);
    }
}

static void test_concurrent_migrate(void **state)
{
    struct fixture *f = fixture(state);
    enum { WORKERS = 4 };
    pid_t pids[WORKERS];

    /* A connection must not cross fork(): the children open their own. */
    mz_db_close(f->db);
    f->db = NULL;
    for (int i = 0; i < WORKERS; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            char err[256];
            mz_db *db = mz_db_open(f->url, err, sizeof(err));
            int rc = db != NULL ? mz_migrate(db, err, sizeof(err)) : -1;
            if (rc != 0)
                fprintf(stderr, "worker %d: %s\n", i, err);
            mz_db_close(db);
            _exit(rc == 0 ? 0 : 1);
        }
    }
    for (int i = 0; i < WORKERS; i++) {
        int status;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_int_equal(open_fixture_db(f), 0);
    assert_int_equal(mz_schema_version(f->db), mz_schema_latest());
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM schema_migrations"), mz_migrations_count);
    /* The nine platform roles of 001 (later migrations add theirs after them). */
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM roles WHERE sort <= 9"), 9);
}

static void test_text_round_trip(void **state)
{
    struct fixture *f = fixture(state);
    static const char *const values[] = {
        "宿迁市民政局",
        "O'Brien said \"it's ?\" -- not a comment",
        "",
        "tab\there\nnewline; DROP TABLE kv; --",
        "\xf0\xa0\xae\xb7 (U+20BB7, four bytes in UTF-8)",
        "$1 $$ {{pk}} \\ backslash",
    };
    char key[16], *got;

    create_kv(f->db);
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        snprintf(key, sizeof(key), "k%zu", i);
        assert_int_equal(
            mz_db_run(f->db, NULL, "INSERT INTO kv (k, v) VALUES (?, ?)", "tt", key, values[i]),
            MZ_DB_OK);
    }
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        snprintf(key, sizeof(key), "k%zu", i);
        assert_int_equal(mz_db_query_text(f->db, &got, "SELECT v FROM kv WHERE k = ?", "t", key),
                         MZ_DB_ROW);
        assert_non_null(got);
        assert_string_equal(got, values[i]);
        mz_free(got);
        assert_int_equal(
            mz_db_query_text(f->db, &got, "SELECT k FROM kv WHERE v = ?", "t", values[i]),
            MZ_DB_ROW);
        assert_string_equal(got, key);
        mz_free(got);
    }
}

static void test_int64_extremes(void **state)
{
    struct fixture *f = fixture(state);
    static const int64_t values[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX - 1, INT64_MAX};
    char key[16], text[32];
    int64_t got;
    mz_stmt *st;

    create_kv(f->db);
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        snprintf(key, sizeof(key), "k%zu", i);
        assert_int_equal(
            mz_db_run(f->db, NULL, "INSERT INTO kv (k, n) VALUES (?, ?)", "ti", key, values[i]),
            MZ_DB_OK);
    }
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        snprintf(key, sizeof(key), "k%zu", i);
        snprintf(text, sizeof(text), "%lld", (long long)values[i]);
        st = mz_db_prepare_bind(f->db, "SELECT n, k FROM kv WHERE n = ?", "i", values[i]);
        assert_non_null(st);
        assert_int_equal(mz_stmt_step(st), MZ_DB_ROW);
        assert_true(mz_stmt_int64(st, 0) == values[i]);
        assert_string_equal(mz_stmt_text(st, 0), text);
        assert_string_equal(mz_stmt_text(st, 1), key);
        assert_int_equal(mz_stmt_step(st), MZ_DB_OK);
        mz_stmt_finalize(st);

        assert_int_equal(mz_db_query_int64(f->db, &got, "SELECT ?", "i", values[i]), MZ_DB_ROW);
        assert_true(got == values[i]);
    }
    assert_int_equal(count(f->db, "SELECT MIN(n) FROM kv"), INT64_MIN);
    assert_int_equal(count(f->db, "SELECT MAX(n) FROM kv"), INT64_MAX);
    /* Comparisons read as 0 / 1 on both engines (PostgreSQL says f / t). */
    assert_int_equal(count(f->db, "SELECT 1 = 1"), 1);
    assert_int_equal(count(f->db, "SELECT 1 = 0"), 0);
}

static void test_null(void **state)
{
    struct fixture *f = fixture(state);
    mz_stmt *st;
    char untouched[] = "untouched", *text = untouched;
    int64_t n = 42;

    create_kv(f->db);
    assert_int_equal(mz_db_run(f->db, NULL, "INSERT INTO kv (k, v, n) VALUES (?, ?, ?)", "ttn", "a",
                               (const char *)NULL),
                     MZ_DB_OK);
    st = mz_db_prepare(f->db, "INSERT INTO kv (k, v, n) VALUES (?, ?, ?)");
    assert_non_null(st);
    assert_int_equal(mz_stmt_bind_text(st, 1, "b"), MZ_DB_OK);
    assert_int_equal(mz_stmt_bind_null(st, 2), MZ_DB_OK);
    assert_int_equal(mz_stmt_bind_null(st, 3), MZ_DB_OK);
    assert_int_equal(mz_stmt_step(st), MZ_DB_OK);
    mz_stmt_finalize(st);

    st = mz_db_prepare(f->db, "SELECT v, n, k FROM kv ORDER BY k");
    assert_non_null(st);
    /* Before the first step no value is readable. */
    assert_null(mz_stmt_text(st, 2));
    for (int row = 0; row < 2; row++) {
        assert_int_equal(mz_stmt_step(st), MZ_DB_ROW);
        assert_true(mz_stmt_is_null(st, 0));
        assert_true(mz_stmt_is_null(st, 1));
        assert_false(mz_stmt_is_null(st, 2));
        assert_null(mz_stmt_text(st, 0));
        assert_int_equal(mz_stmt_int64(st, 1), 0);
        assert_string_equal(mz_stmt_text(st, 2), row == 0 ? "a" : "b");
        /* Columns out of range read as NULL. */
        assert_true(mz_stmt_is_null(st, 3));
        assert_null(mz_stmt_text(st, -1));
        assert_int_equal(mz_stmt_int64(st, 99), 0);
    }
    assert_int_equal(mz_stmt_step(st), MZ_DB_OK);
    assert_null(mz_stmt_text(st, 2));
    mz_stmt_finalize(st);

    assert_int_equal(mz_db_query_text(f->db, &text, "SELECT v FROM kv WHERE k = ?", "t", "a"),
                     MZ_DB_ROW);
    assert_null(text);
    assert_int_equal(mz_db_query_int64(f->db, &n, "SELECT n FROM kv WHERE k = ?", "t", "a"),
                     MZ_DB_ROW);
    assert_int_equal(n, 0);
    text = untouched;
    assert_int_equal(mz_db_query_text(f->db, &text, "SELECT v FROM kv WHERE k = ?", "t", "none"),
                     MZ_DB_OK);
    assert_null(text);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kv WHERE v IS NULL AND n IS NULL"), 2);
}

static void test_constraint(void **state)
{
    struct fixture *f = fixture(state);
    static const char insert_region[] =
        "INSERT INTO regions (code, name, level, parent_code, source) VALUES (?, ?, ?, ?, ?)";

    migrate_ok(f->db);
    /* Unique, inside a transaction: the error leaves it open for rollback. */
    assert_int_equal(mz_db_begin(f->db), MZ_DB_OK);
    assert_int_equal(mz_db_run(f->db, NULL,
                               "INSERT INTO roles (code, name, levels, sort) VALUES (?, ?, ?, ?)",
                               "ttti", "leader", "重复", "city", (int64_t)99),
                     MZ_DB_CONSTRAINT);
    assert_true(strlen(mz_db_errmsg(f->db)) > 0);
    assert_true(mz_db_in_transaction(f->db));
    assert_int_equal(mz_db_rollback(f->db), MZ_DB_OK);
    assert_false(mz_db_in_transaction(f->db));

    /* Foreign key, NOT NULL and CHECK, in autocommit mode. */
    assert_int_equal(mz_db_run(f->db, NULL, insert_region, "ttitt", "320000000000", "江苏省",
                               (int64_t)1, "999999999999", "test"),
                     MZ_DB_CONSTRAINT);
    assert_int_equal(mz_db_run(f->db, NULL, insert_region, "ttitt", "320000000000",
                               (const char *)NULL, (int64_t)1, (const char *)NULL, "test"),
                     MZ_DB_CONSTRAINT);
    assert_int_equal(mz_db_run(f->db, NULL,
                               "INSERT INTO calendar_days (day, kind, name, source) VALUES "
                               "('2025-01-01', 'weekend', '元旦', 'test')",
                               ""),
                     MZ_DB_CONSTRAINT);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM regions"), 0);

    /* A failed statement dooms its transaction on both engines: commit rolls
     * back everything and reports the failure. */
    assert_int_equal(mz_db_begin(f->db), MZ_DB_OK);
    assert_int_equal(mz_db_run(f->db, NULL, insert_region, "ttitt", "320000000000", "江苏省",
                               (int64_t)1, (const char *)NULL, "test"),
                     MZ_DB_OK);
    assert_int_equal(mz_db_run(f->db, NULL, insert_region, "ttitt", "320000000000", "江苏省",
                               (int64_t)1, (const char *)NULL, "test"),
                     MZ_DB_CONSTRAINT);
    assert_int_equal(mz_db_commit(f->db), MZ_DB_CONSTRAINT);
    assert_false(mz_db_in_transaction(f->db));
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM regions"), 0);

    /* The connection is fine afterwards. */
    assert_int_equal(mz_db_run(f->db, NULL, insert_region, "ttitt", "320000000000", "江苏省",
                               (int64_t)1, (const char *)NULL, "test"),
                     MZ_DB_OK);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM regions"), 1);
}

/* Inserts region code under parent (NULL: none); the store's result. */
static int add_region(mz_db *db, const char *code, const char *parent)
{
    return mz_db_run(db, NULL,
                     "INSERT INTO regions (code, name, level, parent_code, source) VALUES (?, "
                     "'测试', 1, ?, 'test')",
                     "tt", code, parent);
}

/*
 * mz_db_begin_trusted: inside it SQLite does not enforce foreign keys (PostgreSQL does, as after
 * mz_db_begin), and once it ends — committed, rolled back or doomed — both engines enforce them
 * again on that connection.
 */
static void test_trusted(void **state)
{
    struct fixture *f = fixture(state);
    const char *none = "329999999999"; /* no such region */

    migrate_ok(f->db);
    assert_int_equal(mz_db_begin_trusted(f->db), MZ_DB_OK);
    assert_true(mz_db_in_transaction(f->db));
    assert_int_equal(add_region(f->db, "320000000000", none),
                     f->kind == MZ_DB_SQLITE ? MZ_DB_OK : MZ_DB_CONSTRAINT);
    assert_int_equal(mz_db_rollback(f->db), MZ_DB_OK);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM regions"), 0);
    /* Rolled back: enforced again, inside a transaction and outside. */
    assert_int_equal(add_region(f->db, "320000000000", none), MZ_DB_CONSTRAINT);
    assert_int_equal(mz_db_begin(f->db), MZ_DB_OK);
    assert_int_equal(add_region(f->db, "320000000000", none), MZ_DB_CONSTRAINT);
    assert_int_equal(mz_db_rollback(f->db), MZ_DB_OK);

    /* Committed. */
    assert_int_equal(mz_db_begin_trusted(f->db), MZ_DB_OK);
    assert_int_equal(add_region(f->db, "320000000000", NULL), MZ_DB_OK);
    assert_int_equal(mz_db_commit(f->db), MZ_DB_OK);
    assert_int_equal(add_region(f->db, "321300000000", none), MZ_DB_CONSTRAINT);

    /* Doomed by a failed statement: the commit rolls back. */
    assert_int_equal(mz_db_begin_trusted(f->db), MZ_DB_OK);
    assert_int_equal(add_region(f->db, "320000000000", NULL), MZ_DB_CONSTRAINT);
    assert_int_equal(mz_db_commit(f->db), MZ_DB_CONSTRAINT);
    assert_false(mz_db_in_transaction(f->db));
    assert_int_equal(add_region(f->db, "321300000000", none), MZ_DB_CONSTRAINT);

    /* Inside another transaction it is refused like mz_db_begin, and changes nothing. */
    assert_int_equal(mz_db_begin(f->db), MZ_DB_OK);
    assert_int_equal(mz_db_begin_trusted(f->db), MZ_DB_ERROR);
    assert_int_equal(add_region(f->db, "321300000000", none), MZ_DB_CONSTRAINT);
    assert_int_equal(mz_db_rollback(f->db), MZ_DB_OK);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM regions"), 1);
    /* What failed above was the reference alone. */
    assert_int_equal(add_region(f->db, "321300000000", "320000000000"), MZ_DB_OK);
}

static void test_transactions(void **state)
{
    struct fixture *f = fixture(state);

    create_kv(f->db);
    assert_false(mz_db_in_transaction(f->db));
    assert_int_equal(mz_db_rollback(f->db), MZ_DB_OK);
    assert_int_equal(mz_db_commit(f->db), MZ_DB_ERROR);

    assert_int_equal(mz_db_begin(f->db), MZ_DB_OK);
    assert_true(mz_db_in_transaction(f->db));
    exec_ok(f->db, "INSERT INTO kv (k) VALUES ('discarded')");
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kv"), 1);
    assert_int_equal(mz_db_rollback(f->db), MZ_DB_OK);
    assert_false(mz_db_in_transaction(f->db));
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kv"), 0);

    assert_int_equal(mz_db_begin(f->db), MZ_DB_OK);
    exec_ok(f->db, "INSERT INTO kv (k) VALUES ('kept')");
    /* Nesting is refused and leaves the outer transaction intact. */
    assert_int_equal(mz_db_begin(f->db), MZ_DB_ERROR);
    assert_true(mz_db_in_transaction(f->db));
    assert_int_equal(mz_db_commit(f->db), MZ_DB_OK);
    assert_false(mz_db_in_transaction(f->db));
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kv WHERE k = 'kept'"), 1);

    /* Other connections see committed data only. */
    {
        char err[256];
        mz_db *other = mz_db_open(f->url, err, sizeof(err));
        assert_non_null(other);
        assert_int_equal(mz_db_begin(f->db), MZ_DB_OK);
        exec_ok(f->db, "INSERT INTO kv (k) VALUES ('pending')");
        assert_int_equal(count(other, "SELECT COUNT(*) FROM kv"), 1);
        assert_int_equal(mz_db_commit(f->db), MZ_DB_OK);
        assert_int_equal(count(other, "SELECT COUNT(*) FROM kv"), 2);
        mz_db_close(other);
    }
}

static void test_busy(void **state)
{
    struct fixture *f = fixture(state);
    char err[256];
    mz_db *other;
    int rc;

    create_kv(f->db);
    other = mz_db_open(f->url, err, sizeof(err));
    assert_non_null(other);
    /* Shorten the waits so that the test is quick. */
    exec_ok(other,
            f->kind == MZ_DB_PG ? "SET lock_timeout = '100ms'" : "PRAGMA busy_timeout = 100");

    assert_int_equal(mz_db_begin(f->db), MZ_DB_OK);
    exec_ok(f->db, "INSERT INTO kv (k) VALUES ('a')");
    /* SQLite refuses the second writer at BEGIN IMMEDIATE, PostgreSQL when it
     * has to wait for the first writer's row. */
    rc = mz_db_begin(other);
    if (rc == MZ_DB_OK)
        rc = mz_db_run(other, NULL, "INSERT INTO kv (k) VALUES (?)", "t", "a");
    assert_int_equal(rc, MZ_DB_BUSY);
    assert_int_equal(mz_db_rollback(other), MZ_DB_OK);
    assert_int_equal(mz_db_commit(f->db), MZ_DB_OK);

    assert_int_equal(mz_db_begin(other), MZ_DB_OK);
    assert_int_equal(mz_db_run(other, NULL, "INSERT INTO kv (k) VALUES (?)", "t", "b"), MZ_DB_OK);
    assert_int_equal(mz_db_commit(other), MZ_DB_OK);
    mz_db_close(other);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kv"), 2);
}

static void test_placeholders(void **state)
{
    struct fixture *f = fixture(state);
    mz_stmt *st;
    char *got;

    st = mz_db_prepare_bind(f->db,
                            "SELECT '?' AS a, ? AS b, 'it''s ?' AS c /* ? ' \" */"
                            " -- ? trailing\n",
                            "t", "x");
    assert_non_null(st);
    assert_int_equal(mz_stmt_step(st), MZ_DB_ROW);
    assert_int_equal(mz_stmt_column_count(st), 3);
    assert_string_equal(mz_stmt_column_name(st, 1), "b");
    assert_null(mz_stmt_column_name(st, 3));
    assert_string_equal(mz_stmt_text(st, 0), "?");
    assert_string_equal(mz_stmt_text(st, 1), "x");
    assert_string_equal(mz_stmt_text(st, 2), "it's ?");
    assert_int_equal(mz_stmt_step(st), MZ_DB_OK);
    mz_stmt_finalize(st);

    exec_ok(f->db, "CREATE TABLE \"odd?name\" (\"c?\" TEXT, d TEXT)");
    assert_int_equal(
        mz_db_run(f->db, NULL, "INSERT INTO \"odd?name\" (\"c?\", d) VALUES (?, '?')", "t", "中文"),
        MZ_DB_OK);
    assert_int_equal(
        mz_db_query_text(f->db, &got,
                         "SELECT \"c?\" FROM \"odd?name\" WHERE d = '?' AND \"c?\" = ?", "t",
                         "中文"),
        MZ_DB_ROW);
    assert_string_equal(got, "中文");
    mz_free(got);

    /* The types string must match the placeholders. */
    assert_null(mz_db_prepare_bind(f->db, "SELECT ?, ?", "t", "only one"));
    assert_true(strlen(mz_db_errmsg(f->db)) > 0);
    assert_null(mz_db_prepare_bind(f->db, "SELECT ?", "x", "bad type"));
    st = mz_db_prepare(f->db, "SELECT ?");
    assert_non_null(st);
    assert_int_equal(mz_stmt_bind_text(st, 2, "out of range"), MZ_DB_ERROR);
    assert_int_equal(mz_stmt_bind_int64(st, 0, 1), MZ_DB_ERROR);
    mz_stmt_finalize(st);
}

static void test_returning(void **state)
{
    struct fixture *f = fixture(state);
    static const char insert[] =
        "INSERT INTO login_failures (username, at_epoch) VALUES (?, ?) RETURNING id";
    int64_t first, second, changes;

    migrate_ok(f->db);
    assert_int_equal(mz_db_query_int64(f->db, &first, insert, "ti", "张三", (int64_t)1700000000),
                     MZ_DB_ROW);
    assert_true(first > 0);
    assert_int_equal(mz_db_query_int64(f->db, &second, insert, "ti", "李四", (int64_t)1700000001),
                     MZ_DB_ROW);
    assert_true(second > first);
    assert_int_equal(mz_db_run(f->db, &changes, insert, "ti", "王五", (int64_t)1700000002),
                     MZ_DB_OK);
    assert_int_equal(changes, 1);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM login_failures"), 3);
    assert_int_equal(mz_db_query_int64(f->db, &changes,
                                       "SELECT at_epoch FROM login_failures WHERE id = ?", "i",
                                       second),
                     MZ_DB_ROW);
    assert_int_equal(changes, 1700000001);
}

static void test_reset_rebind(void **state)
{
    struct fixture *f = fixture(state);
    static const char *const keys[] = {"甲", "乙", "丙"};
    mz_stmt *ins, *sel;

    create_kv(f->db);
    ins = mz_db_prepare(f->db, "INSERT INTO kv (k, n) VALUES (?, ?)");
    assert_non_null(ins);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(mz_stmt_bind_text(ins, 1, keys[i]), MZ_DB_OK);
        assert_int_equal(mz_stmt_bind_int64(ins, 2, (int64_t)i * 100), MZ_DB_OK);
        assert_int_equal(mz_stmt_step(ins), MZ_DB_OK);
        assert_int_equal(mz_stmt_changes(ins), 1);
        /* Stepping a finished statement does not run it again. */
        assert_int_equal(mz_stmt_step(ins), MZ_DB_OK);
        assert_int_equal(mz_stmt_reset(ins), MZ_DB_OK);
    }
    /* Reset clears the bindings: k would be NULL. */
    assert_int_equal(mz_stmt_step(ins), MZ_DB_CONSTRAINT);
    assert_int_equal(mz_stmt_reset(ins), MZ_DB_OK);
    assert_int_equal(mz_stmt_bind_text(ins, 1, "丁"), MZ_DB_OK);
    assert_int_equal(mz_stmt_step(ins), MZ_DB_OK);
    mz_stmt_finalize(ins);
    assert_int_equal(count(f->db, "SELECT COUNT(*) FROM kv"), 4);

    sel = mz_db_prepare(f->db, "SELECT n FROM kv WHERE k = ?");
    assert_non_null(sel);
    for (int i = 2; i >= 0; i--) {
        assert_int_equal(mz_stmt_bind_text(sel, 1, keys[i]), MZ_DB_OK);
        assert_int_equal(mz_stmt_step(sel), MZ_DB_ROW);
        assert_int_equal(mz_stmt_int64(sel, 0), i * 100);
        assert_int_equal(mz_stmt_changes(sel), 0);
        /* Rebinding needs a reset first, on both engines. */
        assert_true(mz_stmt_bind_text(sel, 1, "丁") < 0);
        assert_int_equal(mz_stmt_reset(sel), MZ_DB_OK);
    }
    mz_stmt_finalize(sel);
}

static void test_changes(void **state)
{
    struct fixture *f = fixture(state);
    int64_t changes = -1;

    create_kv(f->db);
    exec_ok(f->db, "INSERT INTO kv (k, n) VALUES ('a', 1); INSERT INTO kv (k, n) VALUES ('b', 2);"
                   " INSERT INTO kv (k, n) VALUES ('c', 3)");
    assert_int_equal(
        mz_db_run(f->db, &changes, "UPDATE kv SET n = n + 10 WHERE n >= ?", "i", (int64_t)2),
        MZ_DB_OK);
    assert_int_equal(changes, 2);
    assert_int_equal(mz_db_run(f->db, &changes, "UPDATE kv SET n = 0 WHERE k = ?", "t", "none"),
                     MZ_DB_OK);
    assert_int_equal(changes, 0);
    assert_int_equal(mz_db_run(f->db, &changes, "SELECT k FROM kv", ""), MZ_DB_OK);
    assert_int_equal(changes, 0);
    assert_int_equal(mz_db_run(f->db, &changes, "DELETE FROM kv", ""), MZ_DB_OK);
    assert_int_equal(changes, 3);
}

static void test_errors(void **state)
{
    struct fixture *f = fixture(state);
    mz_stmt *st;
    int64_t n;

    assert_int_equal(mz_db_kind_of(f->db), f->kind);
    assert_string_equal(mz_db_kind_name(f->db), f->kind == MZ_DB_PG ? "postgresql" : "sqlite");
    assert_int_equal(mz_db_exec(f->db, "CREATE TABLE a (x BIGINT) -- comment\n;"
                                       " INSERT INTO a VALUES (1); INSERT INTO a VALUES (2);"),
                     MZ_DB_OK);
    assert_int_equal(count(f->db, "SELECT SUM(x) FROM a"), 3);
    assert_int_equal(mz_db_exec(f->db, "-- nothing to do\n"), MZ_DB_OK);
    assert_int_equal(mz_db_exec(f->db, "SELEC 1"), MZ_DB_ERROR);
    assert_true(strlen(mz_db_errmsg(f->db)) > 0);
    assert_int_equal(mz_db_exec(f->db, "SELECT * FROM no_such_table"), MZ_DB_ERROR);

    /* SQLite reports bad SQL at prepare, PostgreSQL at the first step. */
    static const char *const bad[] = {"SELEC 1", "SELECT 1; SELECT 2", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        st = mz_db_prepare(f->db, bad[i]);
        if (st != NULL) {
            assert_int_equal(mz_stmt_step(st), MZ_DB_ERROR);
            assert_int_equal(mz_stmt_step(st), MZ_DB_ERROR);
            mz_stmt_finalize(st);
        }
        assert_true(strlen(mz_db_errmsg(f->db)) > 0);
        assert_int_equal(mz_db_query_int64(f->db, &n, bad[i], ""), MZ_DB_ERROR);
    }
    assert_int_equal(
        mz_db_query_int64(f->db, &n, "SELECT COUNT(*) FROM a WHERE x > ?", "i", (int64_t)5),
        MZ_DB_ROW);
    assert_int_equal(n, 0);
    assert_int_equal(mz_db_query_int64(f->db, &n, "SELECT x FROM a WHERE x > ?", "i", (int64_t)5),
                     MZ_DB_OK);
}

static void test_open(void **state)
{
    struct fixture *f = fixture(state);
    char err[256] = "", path[600], *mode;
    mz_db *db;

    assert_null(mz_db_open("", err, sizeof(err)));
    assert_true(strlen(err) > 0);
    err[0] = '\0';
    assert_null(mz_db_open("/nonexistent-dir/sub/test.db", err, sizeof(err)));
    assert_true(strlen(err) > 0);
    err[0] = '\0';
    assert_null(
        mz_db_open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", err, sizeof(err)));
    assert_non_null(strstr(err, "cannot connect"));
    assert_null(strchr(err, '\n'));

    /* A plain path works as well as the sqlite: URL of the fixture. */
    snprintf(path, sizeof(path), "%s/plain.db", f->dir);
    db = mz_db_open(path, err, sizeof(err));
    assert_non_null(db);
    assert_int_equal(mz_db_kind_of(db), MZ_DB_SQLITE);
    assert_int_equal(count(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(count(db, "PRAGMA busy_timeout"), 5000);
    assert_int_equal(count(db, "PRAGMA synchronous"), 1);
    assert_int_equal(mz_db_query_text(db, &mode, "PRAGMA journal_mode", ""), MZ_DB_ROW);
    assert_string_equal(mode, "wal");
    mz_free(mode);
    mz_db_close(db);
    strcat(path, "-wal");
    unlink(path);
    path[strlen(path) - 4] = '\0';
    strcat(path, "-shm");
    unlink(path);
    path[strlen(path) - 4] = '\0';
    unlink(path);
}

/* ---- SQLite: the map of the whole file (sqlite_map.c) ------------------------------------ */

static int open_fds(void)
{
    int n = 0;
    char path[64];
    for (int fd = 0; fd < 1024; fd++) {
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        n += access(path, F_OK) == 0;
    }
    return n;
}

/* Rows, total length and a checksum of table t, as one text. */
static void digest(mz_db *db, char *out, size_t len)
{
    char *v = NULL;
    assert_int_equal(mz_db_query_text(db, &v,
                                      "SELECT COUNT(*) || '/' || TOTAL(length(v)) || '/' || "
                                      "TOTAL(id * unicode(substr(v, 1 + id % 150, 1))) FROM t",
                                      ""),
                     MZ_DB_ROW);
    snprintf(out, len, "%s", v);
    mz_free(v);
}

/* Adds n rows of 200 characters to t, each text different. */
static void grow(mz_db *db, int n)
{
    assert_int_equal(mz_db_run(db, NULL,
                               "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s "
                               "WHERE i < ?) INSERT INTO t (v) SELECT substr(hex(randomblob(100)) "
                               "|| hex(randomblob(100)), 1, 200) FROM s",
                               "i", n),
                     MZ_DB_OK);
}

static void test_map(void **state)
{
    struct fixture *f = fixture(state);
    char err[256], a[128], b[128];
    int none, one, two;

    mz_db_close(f->db);
    none = open_fds();
    f->db = mz_db_open(f->url, err, sizeof(err));
    assert_non_null(f->db);
    exec_ok(f->db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    one = open_fds();

    /* No 2 GB cap (Debian's unix VFS answers 2147418112 to both). */
    assert_int_equal(count(f->db, "PRAGMA mmap_size"), 1099511627776);
    exec_ok(f->db, "PRAGMA mmap_size = 3000000000");
    assert_int_equal(count(f->db, "PRAGMA mmap_size"), 3000000000);

    /* The fixture's connection maps 64 KB and reads the rest with pread; the other maps the
     * whole file.  Both read the same rows however the file grows and shrinks. */
    mz_db *other = mz_db_open(f->url, err, sizeof(err));
    assert_non_null(other);
    exec_ok(f->db, "PRAGMA mmap_size = 65536");
    grow(f->db, 3000);
    exec_ok(f->db, "PRAGMA wal_checkpoint(TRUNCATE)");
    digest(f->db, a, sizeof a);
    digest(other, b, sizeof b);
    assert_string_equal(a, b);
    assert_int_equal(strncmp(a, "3000/600000.0/", strlen("3000/600000.0/")), 0);

    /* The file grows (by the other connection, then checkpointed by it) past both maps. */
    grow(other, 5000);
    exec_ok(other, "PRAGMA wal_checkpoint(TRUNCATE)");
    digest(other, b, sizeof b);
    digest(f->db, a, sizeof a);
    assert_string_equal(a, b);
    assert_int_equal(strncmp(a, "8000/1600000.0/", strlen("8000/1600000.0/")), 0);
    /* ...and inside a read transaction another connection's writes stay unseen */
    mz_db_begin_read(f->db);
    digest(f->db, a, sizeof a);
    grow(other, 1000);
    exec_ok(other, "PRAGMA wal_checkpoint(PASSIVE)");
    digest(f->db, b, sizeof b);
    assert_string_equal(a, b);
    mz_db_end_read(f->db);
    digest(f->db, a, sizeof a);
    assert_int_equal(strncmp(a, "9000/1800000.0/", strlen("9000/1800000.0/")), 0);

    /* The file shrinks (VACUUM by the fixture's connection). */
    exec_ok(f->db, "DELETE FROM t WHERE id % 10 <> 0 OR id > 8000");
    exec_ok(f->db, "VACUUM");
    exec_ok(f->db, "PRAGMA wal_checkpoint(TRUNCATE)");
    digest(f->db, a, sizeof a);
    digest(other, b, sizeof b);
    assert_string_equal(a, b);
    assert_int_equal(strncmp(a, "800/160000.0/", strlen("800/160000.0/")), 0);

    /* One descriptor of the file for the process (the map's, beside each connection's own
     * and, like SQLite's -shm, shared), closed with the file's last connection. */
    two = open_fds();
    assert_int_equal(two - one, one - none - 2);
    mz_db_close(other);
    digest(f->db, a, sizeof a);
    assert_string_equal(a, b);
    mz_db_close(f->db);
    assert_int_equal(open_fds(), none);
    f->db = mz_db_open(f->url, err, sizeof(err));
    assert_non_null(f->db);
    digest(f->db, a, sizeof a);
    assert_string_equal(a, b);
}

/* ---- PostgreSQL: the per-connection cache of prepared statements ---------------------- */

/* Statements prepared on this connection whose text contains marker. */
static int64_t prepared_count(mz_db *db, const char *marker)
{
    int64_t n = -1;

    if (mz_db_query_int64(
            db, &n, "SELECT COUNT(*) FROM pg_prepared_statements WHERE strpos(statement, ?) > 0",
            "t", marker) != MZ_DB_ROW)
        fail_msg("pg_prepared_statements: %s", mz_db_errmsg(db));
    return n;
}

static void lookup_ok(mz_db *db, const char *sql, const char *k, const char *want)
{
    char *v = NULL;

    assert_int_equal(mz_db_query_text(db, &v, sql, "t", k), MZ_DB_ROW);
    assert_string_equal(v, want);
    mz_free(v);
}

static void test_pg_statement_cache(void **state)
{
    struct fixture *f = fixture(state);
    static const char lookup[] = "SELECT v FROM kv WHERE k = ?";
    char err[256], sql[64];
    int64_t n = 0;
    mz_stmt *st;

    create_kv(f->db);
    exec_ok(f->db, "INSERT INTO kv (k, v, n) VALUES ('a', '甲', 1), ('b', '乙', 2)");

    /* Run once: not prepared.  Run many times: prepared once. */
    lookup_ok(f->db, lookup, "a", "甲");
    assert_int_equal(prepared_count(f->db, "SELECT v FROM kv WHERE k = $1"), 0);
    for (int i = 0; i < 20; i++)
        lookup_ok(f->db, lookup, i % 2 ? "a" : "b", i % 2 ? "甲" : "乙");
    assert_int_equal(prepared_count(f->db, "SELECT v FROM kv WHERE k = $1"), 1);

    /* Prepared inside a transaction that is rolled back: still prepared, and reused. */
    assert_int_equal(mz_db_begin(f->db), MZ_DB_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            mz_db_query_int64(f->db, &n, "SELECT n FROM kv WHERE k = ? AND n >= ?", "ti", "b", 0),
            MZ_DB_ROW);
        assert_int_equal(n, 2);
    }
    assert_int_equal(mz_db_rollback(f->db), MZ_DB_OK);
    assert_int_equal(prepared_count(f->db, "AND n >= $2"), 1);
    assert_int_equal(
        mz_db_query_int64(f->db, &n, "SELECT n FROM kv WHERE k = ? AND n >= ?", "ti", "a", 0),
        MZ_DB_ROW);
    assert_int_equal(n, 1);
    assert_int_equal(prepared_count(f->db, "AND n >= $2"), 1);

    /* In a failed transaction statements fail, cached or not, and nothing is prepared; after
     * the rollback the cache works again.  A failing PREPARE fails its transaction. */
    assert_int_equal(mz_db_begin(f->db), MZ_DB_OK);
    assert_int_equal(mz_db_run(f->db, NULL, "SELECT no_such_column FROM kv", ""), MZ_DB_ERROR);
    assert_int_equal(
        mz_db_query_int64(f->db, &n, "SELECT n FROM kv WHERE k = ? AND n >= ?", "ti", "a", 0),
        MZ_DB_ERROR);
    for (int i = 0; i < 2; i++)
        assert_int_equal(mz_db_run(f->db, NULL, "SELECT n + 41 FROM kv", ""), MZ_DB_ERROR);
    assert_int_equal(mz_db_commit(f->db), MZ_DB_ERROR);
    assert_false(mz_db_in_transaction(f->db));
    assert_int_equal(prepared_count(f->db, "no_such_column"), 0);
    assert_int_equal(prepared_count(f->db, "n + 41"), 0);
    lookup_ok(f->db, lookup, "a", "甲");
    assert_int_equal(prepared_count(f->db, "SELECT v FROM kv WHERE k = $1"), 1);

    /* One text, one int8 statement per parameter type, as PQexecParams would send them. */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            mz_db_query_int64(f->db, &n, "SELECT COUNT(*) FROM kv WHERE n = ?", "i", 2), MZ_DB_ROW);
        assert_int_equal(n, 1);
    }
    assert_int_equal(mz_db_query_int64(f->db, &n, "SELECT COUNT(*) FROM kv WHERE n = ?", "t", "1"),
                     MZ_DB_ROW);
    assert_int_equal(n, 1);
    assert_int_equal(prepared_count(f->db, "FROM kv WHERE n = $1"), 2);

    /* Another connection adds a column: the cached SELECT * is prepared again, not refused. */
    for (int i = 0; i < 2; i++) {
        st = mz_db_prepare_bind(f->db, "SELECT * FROM kv WHERE k = ?", "t", "a");
        assert_non_null(st);
        assert_int_equal(mz_stmt_step(st), MZ_DB_ROW);
        assert_int_equal(mz_stmt_column_count(st), 3);
        mz_stmt_finalize(st);
    }
    assert_int_equal(prepared_count(f->db, "SELECT * FROM kv"), 1);
    {
        mz_db *other = mz_db_open(f->url, err, sizeof(err));
        assert_non_null(other);
        exec_ok(other, "ALTER TABLE kv ADD COLUMN note TEXT");
        mz_db_close(other);
    }
    st = mz_db_prepare_bind(f->db, "SELECT * FROM kv WHERE k = ?", "t", "a");
    assert_non_null(st);
    assert_int_equal(mz_stmt_step(st), MZ_DB_ROW);
    assert_int_equal(mz_stmt_column_count(st), 4);
    mz_stmt_finalize(st);
    assert_int_equal(prepared_count(f->db, "SELECT * FROM kv"), 1);

    /* Eviction keeps the number of prepared statements bounded (the cache holds 128). */
    for (int i = 0; i < 300; i++) {
        snprintf(sql, sizeof(sql), "SELECT COUNT(*) + %d FROM kv", i);
        for (int j = 0; j < 2; j++) {
            assert_int_equal(mz_db_query_int64(f->db, &n, sql, ""), MZ_DB_ROW);
            assert_int_equal(n, 2 + i);
        }
    }
    n = prepared_count(f->db, "");
    assert_in_range(n, 100, 128);
    lookup_ok(f->db, lookup, "b", "乙");

    /* A script through mz_db_exec (a migration) may change the schema: the cache is emptied. */
    exec_ok(f->db, "CREATE TABLE kv2 (k TEXT); ALTER TABLE kv DROP COLUMN note");
    assert_int_equal(prepared_count(f->db, "FROM kv"), 0);
    lookup_ok(f->db, lookup, "a", "甲");

    /* A broken connection fails its statements (the session's statements are gone). */
    assert_int_equal(mz_db_query_int64(f->db, &n, "SELECT pg_backend_pid()", ""), MZ_DB_ROW);
    {
        mz_db *other = mz_db_open(f->url, err, sizeof(err));
        int64_t killed = 0;
        assert_non_null(other);
        assert_int_equal(
            mz_db_query_int64(other, &killed, "SELECT pg_terminate_backend(?::int)", "i", n),
            MZ_DB_ROW);
        assert_int_equal(killed, 1);
        mz_db_close(other);
    }
    assert_int_equal(mz_db_query_int64(f->db, &n, "SELECT n FROM kv WHERE k = ?", "t", "a"),
                     MZ_DB_ERROR);
    assert_int_equal(mz_db_query_int64(f->db, &n, "SELECT n + 1 FROM kv WHERE n = ?", "i", 7),
                     MZ_DB_ERROR);
}

/* Every case runs on both engines, under its own name. */
/* clang-format off */
#define ON_SQLITE(fn) {"sqlite: " #fn, fn, setup_sqlite, teardown, NULL}
#define ON_PG(fn) {"postgresql: " #fn, fn, setup_pg, teardown, NULL}
#define BOTH(fn) ON_SQLITE(fn), ON_PG(fn)

int main(void)
{
    const struct CMUnitTest tests[] = {
        ON_SQLITE(test_open),
        ON_SQLITE(test_map),
        BOTH(test_migrate),
        BOTH(test_concurrent_migrate),
        BOTH(test_text_round_trip),
        BOTH(test_int64_extremes),
        BOTH(test_null),
        BOTH(test_constraint),
        BOTH(test_transactions),
        BOTH(test_trusted),
        BOTH(test_busy),
        BOTH(test_placeholders),
        BOTH(test_returning),
        BOTH(test_reset_rebind),
        BOTH(test_changes),
        BOTH(test_errors),
        ON_PG(test_pg_statement_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* clang-format on */
