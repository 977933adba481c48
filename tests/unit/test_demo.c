/*
 * Tests for src/cli/demo_assist.c: after migrate, the demo staff and
 * mz_demo_assistance on a fixed day, 幸福街道 holds the 30 demo households,
 * every workflow state the demo promises is present, each case's history is
 * a legal, ordered walk through its type's transitions ending in its state,
 * the approvals lie a month or more back with the enrollment from the next
 * month, one enrollment is in 渐退 and one suspended, the audit chain verifies, and a second call
 * is a no-op (returns 1, changes nothing).  Two fresh loads are identical, on SQLite and on
 * PostgreSQL (MZ_TEST_PG_URL, see testdb.h).
 */
#include "testdb.h"

#include "base/date.h"
#include "cli/commands.h"
#include "core/audit.h"
#include "core/case.h"
#include "systems/assistance/case_types.h"

#define TODAY "2026-06-14" /* a Sunday: steps due on the weekend move, never past today */

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_demo");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_demo");
}

static int today(void)
{
    int d;
    if (mz_date_parse(TODAY, &d) != 0)
        fail_msg("bad date");
    return d;
}

/* The demo staff, as `minzheng demo` creates them. */
static void demo_users(tdb *t)
{
    tdb_user(t, "sc_worker", "county_worker", "321302000000");
    tdb_user(t, "sc_approver", "county_approver", "321302000000");
    tdb_user(t, "xf_worker", "township_worker", "321302001000");
    tdb_user(t, "xf_approver", "township_approver", "321302001000");
    tdb_user(t, "xf_village", "village_worker", "321302001001");
}

static int load(tdb *t, mz_error *err)
{
    mz_config cfg;
    memset(&cfg, 0, sizeof cfg);
    mz_error_clear(err);
    return mz_demo_assistance(t->db, &cfg, today(), err);
}

static void load_ok(tdb *t)
{
    mz_error err;
    demo_users(t);
    if (load(t, &err) != 0)
        fail_msg("mz_demo_assistance: %s %s %s", err.code ? err.code : "", err.field, err.message);
}

/* SHA-256 of everything the demo decides: persons, households, items, cases. */
static void fingerprint(tdb *t, char out[65])
{
    static const char *const queries[] = {
        "SELECT id_number || '|' || name FROM persons ORDER BY id",
        "SELECT region_code || '|' || address || '|' || COALESCE(bank_account, '') FROM "
        "households ORDER BY id",
        "SELECT household_id || '|' || type || '|' || monthly_fen || '|' || valid_from FROM "
        "income_items ORDER BY id",
        "SELECT case_type || '|' || state || '|' || COALESCE(publicity_from, '') || '|' || "
        "COALESCE(deadline_on, '') || '|' || COALESCE(outcome, '') || '|' || data FROM cases "
        "ORDER BY id",
        "SELECT case_id || '|' || seq || '|' || action || '|' || COALESCE(comment, '') FROM "
        "case_events ORDER BY case_id, seq",
    };
    crypto_hash_sha256_state h;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&h);
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        mz_stmt *st = mz_db_prepare(t->db, queries[q]);
        int rc;
        if (st == NULL)
            fail_msg("%s: %s", queries[q], mz_db_errmsg(t->db));
        while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
            const char *s = mz_stmt_text(st, 0);
            crypto_hash_sha256_update(&h, (const unsigned char *)s, strlen(s) + 1);
        }
        mz_stmt_finalize(st);
        assert_int_equal(rc, MZ_DB_OK);
    }
    crypto_hash_sha256_final(&h, digest);
    sodium_bin2hex(out, 65, digest, sizeof digest);
}

/* 1 when the type declares the transition from --action--> to. */
static int declared(const mz_case_type *ty, const char *from, const char *action, const char *to)
{
    for (size_t i = 0; i < ty->ntransitions; i++)
        if (strcmp(ty->transitions[i].from, from) == 0 &&
            strcmp(ty->transitions[i].action, action) == 0 &&
            strcmp(ty->transitions[i].to, to) == 0)
            return 1;
    return 0;
}

/* Every case's events: seq 1..n, a creation into the initial state, declared
 * transitions each leaving the state the previous one entered, times in order,
 * the last one's state the case's. */
static void check_histories(tdb *t)
{
    const mz_case_registry *reg = mz_assist_case_registry();
    mz_stmt *st = mz_db_prepare(
        t->db, "SELECT c.id, c.case_type, c.state, c.created_at, e.seq, e.from_state, e.to_state, "
               "e.action, e.at FROM cases c JOIN case_events e ON e.case_id = c.id "
               "ORDER BY c.id, e.seq");
    int64_t cur = 0, seq = 0, ncases = 0;
    char state[32] = "", last_to[32] = "", last_at[32] = "", type[32] = "";
    int rc;
    assert_non_null(st);
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        int64_t id = mz_stmt_int64(st, 0), s = mz_stmt_int64(st, 4);
        const char *from = mz_stmt_text(st, 5), *to = mz_stmt_text(st, 6),
                   *action = mz_stmt_text(st, 7), *at = mz_stmt_text(st, 8);
        if (id != cur) {
            if (cur != 0 && strcmp(last_to, state) != 0)
                fail_msg("case %lld ends its history in %s but stands in %s", (long long)cur,
                         last_to, state);
            cur = id;
            seq = 0;
            ncases++;
            snprintf(type, sizeof type, "%s", mz_stmt_text(st, 1));
            snprintf(state, sizeof state, "%s", mz_stmt_text(st, 2));
            const mz_case_type *ty = mz_case_type_find(reg, type);
            assert_non_null(ty);
            assert_null(from);
            assert_string_equal(action, "create");
            assert_string_equal(to, ty->initial);
            assert_true(strcmp(mz_stmt_text(st, 3), at) <= 0);
        } else {
            assert_non_null(from);
            assert_string_equal(from, last_to);
            if (!declared(mz_case_type_find(reg, type), from, action, to))
                fail_msg("case %lld: %s --%s--> %s is not a declared transition", (long long)id,
                         from, action, to);
            if (strcmp(at, last_at) < 0)
                fail_msg("case %lld: event %lld at %s before %s", (long long)id, (long long)s, at,
                         last_at);
        }
        assert_int_equal(s, ++seq);
        snprintf(last_to, sizeof last_to, "%s", to);
        snprintf(last_at, sizeof last_at, "%s", at);
    }
    mz_stmt_finalize(st);
    assert_int_equal(rc, MZ_DB_OK);
    assert_string_equal(last_to, state);
    assert_int_equal(ncases, tdb_count(t->db, "SELECT COUNT(*) FROM cases"));
}

static int64_t count_state(tdb *t, const char *type, const char *state)
{
    int64_t n = -1;
    if (mz_db_query_int64(t->db, &n, "SELECT COUNT(*) FROM cases WHERE case_type = ? AND state = ?",
                          "tt", type, state) != MZ_DB_ROW)
        fail_msg("%s", mz_db_errmsg(t->db));
    return n;
}

static char sqlite_fingerprint[65];

static void test_demo(void **state)
{
    tdb *t = tdb_get(state);
    static const char *const expected[][2] = {
        {"dibao", "applied"},
        {"dibao", "supplementing"},
        {"dibao", "withdrawn"},
        {"dibao", "investigating"},
        {"dibao", "verifying"},
        {"dibao", "publicity"},
        {"dibao", "deliberation"},
        {"dibao", "county_review"},
        {"dibao", "approved"},
        {"dibao", "refusal_notice"},
        {"dibao", "refused"},
        {"tekun", "applied"},
        {"tekun", "investigating"},
        {"tekun", "publicity"},
        {"tekun", "county_review"},
        {"tekun", "approved"},
        {"tekun", "refused"},
        {"temporary", "applied"},
        {"temporary", "paid_first"},
        {"temporary", "investigating"},
        {"temporary", "township_review"},
        {"temporary", "county_review"},
        {"temporary", "approved"},
        {"temporary", "refused"},
        {"dibao_review", "tapered"},
        {"dibao_review", "suspended"},
    };
    int64_t checked = 0, broken = -1;
    char fp[65], *s = NULL;
    mz_error err;

    load_ok(t);

    /* The registry: 30 households in the first five villages of 幸福街道. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM households"), 30);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM households WHERE region_code LIKE "
                                      "'321302001%' AND region_code <> '321302001000'"),
                     30);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(DISTINCT region_code) FROM households"), 5);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM households WHERE region_code = "
                                      "'321302001001'"),
                     10);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM persons"), 70);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM household_members"), 70);
    /* Elderly, children, disabilities: the plausible mix. */
    assert_true(tdb_count(t->db, "SELECT COUNT(*) FROM persons WHERE birth_date < '1956-06-14'") >=
                10);
    assert_true(tdb_count(t->db, "SELECT COUNT(*) FROM persons WHERE birth_date > '2008-06-14'") >=
                10);
    assert_true(
        tdb_count(t->db, "SELECT COUNT(*) FROM persons WHERE disability_kind IS NOT NULL") >= 5);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM households h WHERE NOT EXISTS (SELECT "
                                      "1 FROM assets a WHERE a.household_id = h.id)"),
                     0);
    assert_true(tdb_count(t->db, "SELECT COUNT(*) FROM income_items") >= 30);

    /* Every promised state, in every workflow. */
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (count_state(t, expected[i][0], expected[i][1]) < 1)
            fail_msg("no %s case in state %s", expected[i][0], expected[i][1]);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM cases"), 36);
    /* The 低保 lifecycle: one enrollment in 渐退, one suspended. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM enrollments WHERE status = 'taper' AND "
                                      "to_month IS NOT NULL"),
                     1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM enrollments WHERE status = "
                                      "'suspended' AND reason = '失联'"),
                     1);
    /* One 公示 with an open objection (and the 民主评议 of another). */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM cases c WHERE c.state = 'publicity' "
                                      "AND EXISTS (SELECT 1 FROM case_objections o WHERE "
                                      "o.case_id = c.id AND o.resolution IS NULL)"),
                     1);
    /* A 公示 window still open today. */
    assert_true(tdb_count(t->db,
                          "SELECT COUNT(*) FROM cases WHERE state = 'publicity' AND "
                          "publicity_from <= '" TODAY "' AND publicity_until >= '" TODAY "'") >= 1);
    /* Refusals carry their reasons; the closed ones the served notice. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM cases WHERE outcome = 'refused' AND "
                                      "data NOT LIKE '%\"refusal_reasons\":[\"%'"),
                     0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM cases c WHERE state = 'refused' AND "
                                      "NOT EXISTS (SELECT 1 FROM case_attachments a WHERE "
                                      "a.case_id = c.id AND a.kind = 'refusal_notice')"),
                     0);
    /* 临时救助 急难型: paid first, one of them completed afterwards. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM cases c WHERE case_type = 'temporary' "
                                      "AND state = 'approved' AND EXISTS (SELECT 1 FROM "
                                      "case_events e WHERE e.case_id = c.id AND e.action = "
                                      "'pay_first')"),
                     1);
    /* Every approval of 低保 and 特困 a month back or more, enrollment from the next month. */
    mz_stmt *st = mz_db_prepare(t->db, "SELECT c.data, e.at FROM cases c JOIN case_events e ON "
                                       "e.case_id = c.id AND e.action = 'approve' WHERE "
                                       "c.case_type IN ('dibao', 'tekun')");
    int rc, napproved = 0;
    assert_non_null(st);
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        int day, want;
        char month[8];
        json_t *data = json_loads(mz_stmt_text(st, 0), 0, NULL);
        const char *at = mz_stmt_text(st, 1);
        char date[11];
        snprintf(date, sizeof date, "%.10s", at);
        assert_int_equal(mz_date_parse(date, &day), 0);
        assert_true(day <= today() - 30);
        mz_month_format(mz_month_of(day) + 1, month);
        want = strcmp(json_string_value(json_object_get(data, "enrollment_from")), month);
        assert_int_equal(want, 0);
        json_decref(data);
        napproved++;
    }
    mz_stmt_finalize(st);
    assert_int_equal(rc, MZ_DB_OK);
    assert_int_equal(napproved, 6);
    /* The 核对 was computed from the registry for every case past it. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM cases WHERE case_type = 'dibao' AND "
                                      "state IN ('publicity', 'county_review', 'approved') AND "
                                      "data NOT LIKE '%\"household_id\":%'"),
                     0);

    check_histories(t);
    /* Done as the demo staff, audited, and the chain holds. */
    if (mz_db_query_text(t->db, &s,
                         "SELECT u.username FROM audit_log a JOIN users u ON u.id = a.actor_id "
                         "WHERE a.action = 'household.create' GROUP BY u.username",
                         "") != MZ_DB_ROW)
        fail_msg("no household.create audited: %s", mz_db_errmsg(t->db));
    assert_string_equal(s, "xf_worker");
    mz_free(s);
    assert_int_equal(
        tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'household.create'"), 30);
    assert_true(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.approve'") ==
                8);
    assert_int_equal(mz_audit_verify(t->db, &checked, &broken), 0);
    assert_int_equal(broken, 0);
    assert_true(checked > 300);

    /* A second call is a no-op: it returns 1 and changes nothing. */
    fingerprint(t, fp);
    int64_t audit = tdb_count(t->db, "SELECT COUNT(*) FROM audit_log");
    assert_int_equal(load(t, &err), 1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log"), audit);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM households"), 30);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM cases"), 36);
    char again[65];
    fingerprint(t, again);
    assert_string_equal(fp, again);

    /* Deterministic: SQLite and PostgreSQL, fresh, hold the same data. */
    if (t->kind == MZ_DB_SQLITE) {
        void *other = NULL;
        assert_int_equal(tdb_setup(&other, MZ_DB_SQLITE, "test_demo2"), 0);
        load_ok((tdb *)other);
        fingerprint((tdb *)other, again);
        tdb_teardown(&other);
        assert_string_equal(fp, again);
        memcpy(sqlite_fingerprint, fp, sizeof fp);
    } else if (sqlite_fingerprint[0]) {
        assert_string_equal(fp, sqlite_fingerprint);
    }
}

/* Without the demo staff nothing is loaded. */
static void test_needs_staff(void **state)
{
    tdb *t = tdb_get(state);
    mz_error err;
    assert_int_equal(load(t, &err), -1);
    assert_int_equal(err.status, 500);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM households"), 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action LIKE "
                                      "'household.%'"),
                     0);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_demo),
        BOTH(test_needs_staff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
