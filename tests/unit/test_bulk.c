/*
 * Tests for the store's bulk insert (store.h mz_bulk_*; store.c, and COPY in
 * pg.c) on SQLite and PostgreSQL: values that need escaping in COPY's text
 * format (tab, line breaks, backslash, "\N" as text) and NULL come back
 * exactly; integers given as text land as integers; many rows across chunks;
 * a constraint violation fails the insert and dooms the transaction; a
 * cancelled insert leaves nothing; no bulk insert outside a transaction.
 * Typed rows (mz_bulk_add): integers land as integers (the extremes too),
 * 'n' and a NULL text as NULL, texts kept only for the call (the same buffer
 * rewritten for every row), a row of the wrong width refused.
 */
#include "testdb.h"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_bulk");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_bulk");
}

static const char *const cols[] = {"k", "t", "n"};

static void make_table(tdb *t)
{
    tdb_exec(t->db, "CREATE TABLE bulk_t (k TEXT NOT NULL UNIQUE, t TEXT, n BIGINT)");
}

static void test_round_trip(void **state)
{
    tdb *t = tdb_get(state);
    make_table(t);
    assert_null(mz_bulk_begin(t->db, "bulk_t", cols, 3)); /* outside a transaction */

    static const char *const texts[] = {
        "a\tb", "line1\nline2\r\n", "back\\slash", "\\N", "张建国", "", NULL};
    tdb_begin(t);
    mz_bulk *b = mz_bulk_begin(t->db, "bulk_t", cols, 3);
    assert_non_null(b);
    for (int i = 0; i < 7; i++) {
        char k[8];
        snprintf(k, sizeof k, "k%d", i);
        const char *v[3] = {k, texts[i], i == 6 ? NULL : "-42"};
        assert_int_equal(mz_bulk_row(b, v), 0);
    }
    /* Enough rows for several chunks of COPY data. */
    for (int i = 0; i < 20000; i++) {
        char k[16], n[16];
        snprintf(k, sizeof k, "m%d", i);
        snprintf(n, sizeof n, "%d", i);
        const char *v[3] = {k, "某某物流有限公司，宿迁市宿城区幸福路", n};
        assert_int_equal(mz_bulk_row(b, v), 0);
    }
    assert_int_equal(mz_bulk_end(b), 0);
    tdb_commit(t);

    for (int i = 0; i < 7; i++) {
        char k[8], *out = NULL;
        snprintf(k, sizeof k, "k%d", i);
        int rc = mz_db_query_text(t->db, &out, "SELECT t FROM bulk_t WHERE k = ?", "t", k);
        assert_int_equal(rc, MZ_DB_ROW);
        if (texts[i] == NULL)
            assert_null(out);
        else
            assert_string_equal(out, texts[i]);
        mz_free(out);
    }
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM bulk_t"), 20007);
    assert_int_equal(tdb_count(t->db, "SELECT SUM(n) FROM bulk_t WHERE k LIKE 'm%'"),
                     (int64_t)19999 * 20000 / 2);
    assert_int_equal(tdb_count(t->db, "SELECT SUM(n) FROM bulk_t WHERE k LIKE 'k%'"), -42 * 6);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM bulk_t WHERE n IS NULL"), 1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM bulk_t WHERE n > 19998"), 1);
}

static void test_failures(void **state)
{
    tdb *t = tdb_get(state);
    make_table(t);

    /* A duplicate key: the insert fails (at the row or at the end) and the transaction is doomed.
     */
    tdb_begin(t);
    mz_bulk *b = mz_bulk_begin(t->db, "bulk_t", cols, 3);
    const char *v[3] = {"same", "x", "1"};
    int rc = mz_bulk_row(b, v);
    if (rc == 0)
        rc = mz_bulk_row(b, v);
    int end = mz_bulk_end(b);
    assert_true(rc < 0 || end < 0);
    assert_int_equal(mz_db_commit(t->db), MZ_DB_CONSTRAINT);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM bulk_t"), 0);

    /* Cancelled: nothing stays. */
    tdb_begin(t);
    b = mz_bulk_begin(t->db, "bulk_t", cols, 3);
    assert_int_equal(mz_bulk_row(b, v), 0);
    mz_bulk_cancel(b);
    mz_bulk_cancel(NULL);
    assert_true(mz_db_commit(t->db) < 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM bulk_t"), 0);

    /* An unknown column. */
    static const char *const bad[] = {"k", "nope"};
    tdb_begin(t);
    b = mz_bulk_begin(t->db, "bulk_t", bad, 2);
    if (b != NULL) {
        const char *w[2] = {"a", "b"};
        rc = mz_bulk_row(b, w);
        end = mz_bulk_end(b);
        assert_true(rc < 0 || end < 0);
    }
    assert_true(mz_db_commit(t->db) < 0);
}

static void test_typed(void **state)
{
    tdb *t = tdb_get(state);
    make_table(t);
    static const int64_t nums[] = {0, -1, 42, INT64_MAX, INT64_MIN, 1234567890123};
    char key[32];
    mz_bulk_value v[3];

    tdb_begin(t);
    mz_bulk *b = mz_bulk_begin(t->db, "bulk_t", cols, 3);
    assert_non_null(b);
    for (int i = 0; i < 6; i++) {
        snprintf(key, sizeof key, "i%d", i); /* the same buffer every row */
        v[0].s = key;
        v[1].s = i % 2 ? "a\tb\\" : NULL;
        v[2].i = nums[i];
        assert_int_equal(mz_bulk_add(b, "tti", v), 0);
    }
    for (int i = 0; i < 3000; i++) {
        snprintf(key, sizeof key, "r%d", i);
        v[0].s = key;
        v[1].s = key;
        assert_int_equal(mz_bulk_add(b, "ttn", v), 0);
    }
    assert_int_equal(mz_bulk_end(b), 0);
    tdb_commit(t);

    for (int i = 0; i < 6; i++) {
        char k[8], *out = NULL;
        int64_t n = 0;
        snprintf(k, sizeof k, "i%d", i);
        assert_int_equal(mz_db_query_int64(t->db, &n, "SELECT n FROM bulk_t WHERE k = ?", "t", k),
                         MZ_DB_ROW);
        assert_true(n == nums[i]);
        assert_int_equal(mz_db_query_text(t->db, &out, "SELECT t FROM bulk_t WHERE k = ?", "t", k),
                         MZ_DB_ROW);
        if (i % 2)
            assert_string_equal(out, "a\tb\\");
        else
            assert_null(out);
        mz_free(out);
    }
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM bulk_t WHERE k LIKE 'r%' AND t = k "
                                      "AND n IS NULL"),
                     3000);
    if (mz_db_kind_of(t->db) == MZ_DB_SQLITE)
        assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM bulk_t WHERE typeof(n) = "
                                          "'integer'"),
                         6);

    /* A row of the wrong width fails the insert and dooms the transaction. */
    tdb_begin(t);
    b = mz_bulk_begin(t->db, "bulk_t", cols, 3);
    v[0].s = "w";
    assert_true(mz_bulk_add(b, "tt", v) < 0);
    assert_true(mz_bulk_add(b, "ttn", v) < 0); /* nothing more after an error */
    assert_true(mz_bulk_end(b) < 0);
    assert_true(mz_db_commit(t->db) < 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM bulk_t WHERE k = 'w'"), 0);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_round_trip),
        BOTH(test_failures),
        BOTH(test_typed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
