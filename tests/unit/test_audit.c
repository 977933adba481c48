/*
 * Tests for src/core/audit.c: appending inside the caller's transaction, the
 * stored fields, and mz_audit_verify finding every kind of damage done behind
 * the log's back with plain SQL (a changed field, a deleted entry in the
 * middle, the last entry cut off).  Every case runs on SQLite and, with
 * MZ_TEST_PG_URL, on PostgreSQL (see testdb.h).
 */
#include "testdb.h"

#include <jansson.h>

#include "core/audit.h"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_audit");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_audit");
}

static void verify(tdb *t, int64_t *checked, int64_t *broken)
{
    assert_int_equal(mz_audit_verify(t->db, checked, broken), 0);
}

/* Appends n entries in one transaction; returns the seq of the first. */
static int64_t append_n(tdb *t, int n)
{
    int64_t first = tdb_count(t->db, "SELECT seq FROM audit_head WHERE id = 1") + 1;
    mz_error err;

    tdb_begin(t);
    for (int i = 0; i < n; i++) {
        char id[16];
        json_t *before = json_pack("{s:i}", "n", i);
        json_t *after = json_pack("{s:i,s:s}", "n", i + 1, "name", "宿迁");
        snprintf(id, sizeof id, "obj-%d", i);
        mz_error_clear(&err);
        assert_int_equal(mz_audit_append(t->db, &t->cli, "test.change", "thing", id, "321302001000",
                                         before, after, &err),
                         0);
        json_decref(before);
        json_decref(after);
    }
    tdb_commit(t);
    return first;
}

static void test_append_and_verify(void **state)
{
    tdb *t = tdb_get(state);
    int64_t checked = -1, broken = -1;
    int64_t base = tdb_count(t->db, "SELECT COUNT(*) FROM audit_log");

    /* The reference data load is audited already: the chain starts intact. */
    assert_true(base >= 2);
    verify(t, &checked, &broken);
    assert_int_equal(checked, base);
    assert_int_equal(broken, 0);

    int64_t first = append_n(t, 3);
    assert_int_equal(first, base + 1);
    verify(t, &checked, &broken);
    assert_int_equal(checked, base + 3);
    assert_int_equal(broken, 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log"), base + 3);
    assert_int_equal(tdb_count(t->db, "SELECT seq FROM audit_head WHERE id = 1"), base + 3);
    assert_int_equal(tdb_count(t->db, "SELECT MIN(seq) FROM audit_log"), 1);
    assert_int_equal(tdb_count(t->db, "SELECT MAX(seq) FROM audit_log"), base + 3);
    /* Each entry links to its predecessor; the head holds the tail's hash. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log a JOIN audit_log b "
                                      "ON b.seq = a.seq + 1 WHERE b.prev_hash <> a.hash"),
                     0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log l JOIN audit_head h "
                                      "ON h.seq = l.seq AND h.hash = l.hash"),
                     1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE seq = 1 AND "
                                      "prev_hash = '0000000000000000000000000000000000000000"
                                      "000000000000000000000000'"),
                     1);
}

static void test_fields_stored(void **state)
{
    tdb *t = tdb_get(state);
    mz_actor a = t->cli;
    mz_error err;
    char *s = NULL;
    int64_t seq;
    json_t *before = json_pack("{s:s,s:i}", "display_name", "王丽", "zeta", 1);
    json_t *after = json_pack("{s:s,s:b}", "display_name", "王丽华", "disabled", 1);

    a.id = 42;
    snprintf(a.username, sizeof a.username, "wang.li");
    snprintf(a.request_id, sizeof a.request_id, "req-abc-123");
    tdb_begin(t);
    assert_int_equal(
        mz_audit_append(t->db, &a, "user.update", "user", "7", "321302001000", before, after, &err),
        0);
    assert_int_equal(
        mz_audit_append(t->db, &a, "session.logout", "user", NULL, NULL, NULL, NULL, &err), 0);
    tdb_commit(t);
    seq = tdb_count(t->db, "SELECT seq FROM audit_head WHERE id = 1") - 1;

#define FIELD_IS(col, want)                                                                        \
    do {                                                                                           \
        assert_int_equal(                                                                          \
            mz_db_query_text(t->db, &s, "SELECT " col " FROM audit_log WHERE seq = ?", "i", seq),  \
            MZ_DB_ROW);                                                                            \
        assert_non_null(s);                                                                        \
        assert_string_equal(s, want);                                                              \
        mz_free(s);                                                                                \
        s = NULL;                                                                                  \
    } while (0)
    FIELD_IS("actor_name", "wang.li");
    FIELD_IS("action", "user.update");
    FIELD_IS("object_type", "user");
    FIELD_IS("object_id", "7");
    FIELD_IS("region_code", "321302001000");
    FIELD_IS("request_id", "req-abc-123");
#undef FIELD_IS
    assert_int_equal(tdb_count(t->db, "SELECT actor_id FROM audit_log WHERE seq = "
                                      "(SELECT seq - 1 FROM audit_head)"),
                     42);

    /* The JSON stored is the JSON given, byte for byte after parsing. */
    json_error_t je;
    assert_int_equal(
        mz_db_query_text(t->db, &s, "SELECT before_json FROM audit_log WHERE seq = ?", "i", seq),
        MZ_DB_ROW);
    json_t *got = json_loads(s, 0, &je);
    assert_non_null(got);
    assert_true(json_equal(got, before));
    json_decref(got);
    mz_free(s);
    assert_int_equal(
        mz_db_query_text(t->db, &s, "SELECT after_json FROM audit_log WHERE seq = ?", "i", seq),
        MZ_DB_ROW);
    got = json_loads(s, 0, &je);
    assert_non_null(got);
    assert_true(json_equal(got, after));
    json_decref(got);
    mz_free(s);

    /* An entry without before/after stores NULL, not "null". */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE seq = "
                                      "(SELECT seq FROM audit_head) AND before_json IS NULL AND "
                                      "after_json IS NULL AND object_id IS NULL AND "
                                      "region_code IS NULL AND action = 'session.logout'"),
                     1);
    /* The timestamp is ISO UTC. */
    assert_int_equal(
        mz_db_query_text(t->db, &s, "SELECT at FROM audit_log WHERE seq = ?", "i", seq), MZ_DB_ROW);
    assert_int_equal(strlen(s), 20);
    assert_true(s[4] == '-' && s[10] == 'T' && s[19] == 'Z');
    mz_free(s);
    json_decref(before);
    json_decref(after);

    int64_t checked, broken;
    verify(t, &checked, &broken);
    assert_int_equal(broken, 0);
}

/* Changing any stored byte of entry 2 breaks the chain exactly there. */
static void test_tamper_fields(void **state)
{
    static const char *const updates[] = {
        "UPDATE audit_log SET after_json = '{\"n\":99}' WHERE seq = 2",
        "UPDATE audit_log SET actor_name = 'someone.else' WHERE seq = 2",
        "UPDATE audit_log SET action = 'region.delete' WHERE seq = 2",
        "UPDATE audit_log SET at = '2001-01-01T00:00:00Z' WHERE seq = 2",
        "UPDATE audit_log SET actor_id = 7 WHERE seq = 2",
        "UPDATE audit_log SET request_id = 'forged' WHERE seq = 2",
        "UPDATE audit_log SET object_type = 'user' WHERE seq = 2",
        /* NULL and the empty string must hash differently. */
        "UPDATE audit_log SET before_json = '' WHERE seq = 2",
        "UPDATE audit_log SET prev_hash = hash WHERE seq = 2",
        "UPDATE audit_log SET hash = prev_hash WHERE seq = 2",
    };
    tdb *t = tdb_get(state);
    int64_t checked, broken, total;

    append_n(t, 3);
    total = tdb_count(t->db, "SELECT COUNT(*) FROM audit_log");
    for (size_t i = 0; i < sizeof updates / sizeof updates[0]; i++) {
        tdb_begin(t);
        tdb_exec(t->db, updates[i]);
        assert_int_equal(mz_audit_verify(t->db, &checked, &broken), 0);
        if (broken != 2)
            fail_msg("after %s: first_broken = %lld, want 2", updates[i], (long long)broken);
        assert_int_equal(checked, 2);
        mz_db_rollback(t->db);
        verify(t, &checked, &broken);
        assert_int_equal(broken, 0);
        assert_int_equal(checked, total);
    }
}

static void test_tamper_after_json_seq2(void **state)
{
    tdb *t = tdb_get(state);
    int64_t checked, broken;

    append_n(t, 4);
    tdb_exec(t->db, "UPDATE audit_log SET after_json = '{\"forged\":true}' WHERE seq = 2");
    verify(t, &checked, &broken);
    assert_int_equal(broken, 2);
}

static void test_delete_middle(void **state)
{
    tdb *t = tdb_get(state);
    int64_t checked, broken;
    int64_t first = append_n(t, 4);
    char sql[96];

    snprintf(sql, sizeof sql, "DELETE FROM audit_log WHERE seq = %lld", (long long)first + 1);
    tdb_exec(t->db, sql);
    verify(t, &checked, &broken);
    assert_int_equal(broken, first + 1);
}

static void test_delete_last(void **state)
{
    tdb *t = tdb_get(state);
    int64_t checked, broken, last;

    append_n(t, 3);
    last = tdb_count(t->db, "SELECT MAX(seq) FROM audit_log");
    tdb_exec(t->db, "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)");
    verify(t, &checked, &broken);
    assert_int_equal(checked, last - 1);
    assert_int_equal(broken, last);
}

/* Cutting off the tail and winding the head's seq back is caught by the head's hash. */
static void test_delete_last_and_rewind_head(void **state)
{
    tdb *t = tdb_get(state);
    int64_t checked, broken, last;

    append_n(t, 3);
    last = tdb_count(t->db, "SELECT MAX(seq) FROM audit_log");
    tdb_exec(t->db, "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)");
    tdb_exec(t->db, "UPDATE audit_head SET seq = seq - 1 WHERE id = 1");
    verify(t, &checked, &broken);
    assert_int_equal(broken, last);
}

static void test_rollback_removes_entry(void **state)
{
    tdb *t = tdb_get(state);
    int64_t checked, broken, count0, head0;
    char *hash0 = NULL, *hash1 = NULL;
    mz_error err;

    append_n(t, 1);
    count0 = tdb_count(t->db, "SELECT COUNT(*) FROM audit_log");
    head0 = tdb_count(t->db, "SELECT seq FROM audit_head WHERE id = 1");
    assert_int_equal(mz_db_query_text(t->db, &hash0, "SELECT hash FROM audit_head", ""), MZ_DB_ROW);

    tdb_begin(t);
    assert_int_equal(
        mz_audit_append(t->db, &t->cli, "test.rolled_back", "thing", "x", NULL, NULL, NULL, &err),
        0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log"), count0 + 1);
    assert_int_equal(mz_db_rollback(t->db), 0);

    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log"), count0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'test.rolled_back'"),
                     0);
    assert_int_equal(tdb_count(t->db, "SELECT seq FROM audit_head WHERE id = 1"), head0);
    assert_int_equal(mz_db_query_text(t->db, &hash1, "SELECT hash FROM audit_head", ""), MZ_DB_ROW);
    assert_string_equal(hash0, hash1);
    verify(t, &checked, &broken);
    assert_int_equal(broken, 0);
    assert_int_equal(checked, count0);

    /* The next entry takes the seq the rolled-back one had. */
    append_n(t, 1);
    assert_int_equal(tdb_count(t->db, "SELECT MAX(seq) FROM audit_log"), head0 + 1);
    verify(t, &checked, &broken);
    assert_int_equal(broken, 0);
    assert_int_equal(checked, count0 + 1);
    mz_free(hash0);
    mz_free(hash1);
}

/* An empty log (no entries, head at zero) is intact; a head ahead of it is not. */
static void test_empty_log(void **state)
{
    tdb *t = tdb_get(state);
    int64_t checked, broken;

    tdb_exec(t->db, "DELETE FROM audit_log");
    tdb_exec(t->db, "UPDATE audit_head SET seq = 0, hash = '00000000000000000000000000000000000000"
                    "00000000000000000000000000' WHERE id = 1");
    verify(t, &checked, &broken);
    assert_int_equal(checked, 0);
    assert_int_equal(broken, 0);
    tdb_exec(t->db, "UPDATE audit_head SET seq = 1 WHERE id = 1");
    verify(t, &checked, &broken);
    assert_int_equal(broken, 1);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_append_and_verify),
        BOTH(test_fields_stored),
        BOTH(test_tamper_fields),
        BOTH(test_tamper_after_json_seq2),
        BOTH(test_delete_middle),
        BOTH(test_delete_last),
        BOTH(test_delete_last_and_rewind_head),
        BOTH(test_rollback_removes_entry),
        BOTH(test_empty_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
