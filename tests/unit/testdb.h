/*
 * Shared fixture for the unit tests of src/core and src/api: a migrated
 * database holding the shipped reference data (the 宿迁 registry and the
 * holiday calendar), the command-line actor, and security settings with the
 * cheapest argon2id cost so that hashing does not dominate the run.
 *
 * Every case runs on a fresh SQLite file (mkstemp under /tmp, removed in
 * teardown) and, when MZ_TEST_PG_URL is set, once more on PostgreSQL in the
 * schema t_<binary>, dropped and recreated by every setup so that reruns
 * start clean.  The fixture keeps one connection; url names the same database
 * (with the search_path as a connection option on PostgreSQL) for code that
 * opens its own connections, such as the API's pool.  Without MZ_TEST_PG_URL
 * the PostgreSQL cases skip.
 */
#ifndef MZ_TESTS_UNIT_TESTDB_H
#define MZ_TESTS_UNIT_TESTDB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "base/error.h"
#include "base/mem.h"
#include "core/actor.h"
#include "core/auth.h"
#include "core/refdata.h"
#include "core/user.h"
#include "store/migrate.h"
#include "store/store.h"

/* A password that passes the default rules for any username used in the tests. */
#define TDB_PASSWORD "Qx7#mLp2!vRz"

typedef struct tdb {
    mz_db_kind kind;
    char path[64];   /* SQLite: the database file */
    char url[1024];  /* the same database, for more connections */
    char schema[64]; /* PostgreSQL: t_<binary> */
    mz_db *db;       /* NULL when the engine is unavailable: the case skips */
    mz_actor cli;    /* the command-line actor: whole registry, every permission */
    mz_security sec; /* defaults with the minimum argon2id cost */
} tdb;

static inline const char *tdb_pg_url(void)
{
    const char *url = getenv("MZ_TEST_PG_URL");
    return url != NULL && *url != '\0' ? url : NULL;
}

/* The string value of o[k]; fails the test when it is absent or not a string. */
static inline const char *tdb_jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    if (s == NULL)
        fail_msg("no string %s", k);
    return s;
}

static inline void tdb_exec(mz_db *db, const char *sql)
{
    if (mz_db_exec(db, sql) != MZ_DB_OK)
        fail_msg("%s: %s", sql, mz_db_errmsg(db));
}

/* Column 0 of the first row of a query without parameters. */
static inline int64_t tdb_count(mz_db *db, const char *sql)
{
    int64_t n = -1;
    if (mz_db_query_int64(db, &n, sql, "") != MZ_DB_ROW)
        fail_msg("%s: %s", sql, mz_db_errmsg(db));
    return n;
}

/* Migrates and loads the reference data; 0 or -1 with a message printed. */
static inline int tdb_prepare(tdb *t)
{
    char msg[256] = "";
    mz_error err;
    const char *data = getenv("MZ_DATA_DIR");

    mz_error_clear(&err);
    if (data == NULL) {
        print_error("MZ_DATA_DIR is not set\n");
        return -1;
    }
    if (mz_migrate(t->db, msg, sizeof msg) != 0) {
        print_error("mz_migrate: %s\n", msg);
        return -1;
    }
    if (mz_refdata_load(t->db, &t->cli, data, 0, &err) != 0) {
        print_error("mz_refdata_load: %s %s\n", err.code ? err.code : "", err.message);
        return -1;
    }
    return 0;
}

/* setup for one engine; binary names the PostgreSQL schema ("test_audit"). */
static inline int tdb_setup(void **state, mz_db_kind kind, const char *binary)
{
    static int warned;
    tdb *t = mz_calloc(1, sizeof *t);
    char msg[256], sql[512];

    *state = t;
    t->kind = kind;
    mz_actor_init_cli(&t->cli, "test");
    snprintf(t->cli.request_id, sizeof t->cli.request_id, "req-cli");
    mz_security_defaults(&t->sec);
    t->sec.pw_opslimit = crypto_pwhash_OPSLIMIT_MIN;
    t->sec.pw_memlimit = crypto_pwhash_MEMLIMIT_MIN;
    if (mz_auth_init() != 0)
        return -1;

    if (kind == MZ_DB_SQLITE) {
        snprintf(t->path, sizeof t->path, "/tmp/mz_%s_XXXXXX", binary);
        int fd = mkstemp(t->path);
        if (fd < 0) {
            t->path[0] = '\0';
            return -1;
        }
        close(fd);
        snprintf(t->url, sizeof t->url, "sqlite:%s", t->path);
        t->db = mz_db_open(t->url, msg, sizeof msg);
        if (t->db == NULL) {
            print_error("%s\n", msg);
            return -1;
        }
        return tdb_prepare(t);
    }

    if (tdb_pg_url() == NULL) {
        if (!warned++)
            fprintf(stderr, "MZ_TEST_PG_URL is not set: skipping the PostgreSQL cases "
                            "(see scripts/pg-cluster.sh)\n");
        return 0;
    }
    snprintf(t->schema, sizeof t->schema, "t_%s", binary);
    /* Every connection of the pool must see the same schema: pass it as an option. */
    snprintf(t->url, sizeof t->url, "%s%coptions=-c%%20search_path%%3D%s", tdb_pg_url(),
             strchr(tdb_pg_url(), '?') ? '&' : '?', t->schema);
    t->db = mz_db_open(tdb_pg_url(), msg, sizeof msg);
    if (t->db == NULL) {
        print_error("%s\n", msg);
        return -1;
    }
    snprintf(sql, sizeof sql,
             "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s; SET search_path TO %s", t->schema,
             t->schema, t->schema);
    if (mz_db_exec(t->db, sql) != MZ_DB_OK) {
        print_error("%s: %s\n", sql, mz_db_errmsg(t->db));
        return -1;
    }
    return tdb_prepare(t);
}

static inline int tdb_teardown(void **state)
{
    tdb *t = *state;
    char p[96];

    if (t == NULL)
        return 0;
    mz_db_close(t->db);
    if (t->path[0] != '\0') {
        static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
        for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
            snprintf(p, sizeof p, "%s%s", t->path, suffixes[i]);
            unlink(p);
        }
    }
    mz_free(t);
    *state = NULL;
    return 0;
}

/* The fixture of a case; skips when its engine is not available. */
static inline tdb *tdb_get(void **state)
{
    tdb *t = *state;
    if (t->db == NULL)
        skip();
    return t;
}

/* Begins a transaction or fails the test. */
static inline void tdb_begin(tdb *t)
{
    if (mz_db_begin(t->db) != MZ_DB_OK)
        fail_msg("begin: %s", mz_db_errmsg(t->db));
}

static inline void tdb_commit(tdb *t)
{
    if (mz_db_commit(t->db) != MZ_DB_OK)
        fail_msg("commit: %s", mz_db_errmsg(t->db));
}

/*
 * Creates a user through mz_user_create as the command-line actor, in its own
 * transaction, with TDB_PASSWORD; returns the new id.
 */
static inline int64_t tdb_user(tdb *t, const char *username, const char *role,
                               const char *region_code)
{
    mz_user_input in = {.username = username,
                        .display_name = username,
                        .role = role,
                        .region_code = region_code,
                        .password = TDB_PASSWORD,
                        .disabled = -1};
    json_t *out = NULL;
    mz_error err;
    int64_t id;

    mz_error_clear(&err);
    tdb_begin(t);
    if (mz_user_create(t->db, &t->sec, &t->cli, &in, &out, &err) != 0) {
        mz_db_rollback(t->db);
        fail_msg("creating %s: %s %s %s", username, err.code ? err.code : "", err.field,
                 err.message);
    }
    tdb_commit(t);
    id = (int64_t)json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    assert_true(id > 0);
    return id;
}

/* Loads user id as an actor or fails the test. */
static inline void tdb_actor(tdb *t, int64_t id, mz_actor *a)
{
    if (mz_actor_load(t->db, id, a) != 0)
        fail_msg("mz_actor_load(%lld) failed", (long long)id);
    snprintf(a->request_id, sizeof a->request_id, "req-%lld", (long long)id);
}

/* Asserts that an mz_error carries status, code and field ("" for none). */
#define tdb_assert_err(e, st, cd, fld)                                                             \
    do {                                                                                           \
        assert_int_equal((e).status, (st));                                                        \
        assert_non_null((e).code);                                                                 \
        assert_string_equal((e).code, (cd));                                                       \
        assert_string_equal((e).field, (fld));                                                     \
    } while (0)

#endif
