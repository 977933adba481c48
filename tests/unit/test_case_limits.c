/*
 * Tests for the whole-process time limit of src/core/case.c: 受理 starts the
 * clock with the program's policy limit in working days, counted with the
 * holiday calendar (here across 国庆 2025 with its make-up working days);
 * remaining and overdue working days as days pass; the township-approval
 * limit; one extension (延期) by an approver, bounded by the policy, with a
 * reason, audited; the decision stops the clock; the list filter overdue=1
 * and the inbox show it; 临时救助 (no limit in the rules) has no clock.
 * SQLite and, with MZ_TEST_PG_URL, PostgreSQL.
 */
#include "testdb.h"

#include "base/calendar.h"
#include "core/policy.h"
#include "testcase.h"

#define VILLAGE "321302001001"
#define TOWN "321302001000"
#define COUNTY "321302000000"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_case_limits");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_case_limits");
}

typedef struct cast {
    mz_actor village, town, town_approver, county, county_approver;
} cast;

static void make_cast(tdb *t, cast *c)
{
    tdb_actor(t, tdb_user(t, "vwk", "village_worker", VILLAGE), &c->village);
    tdb_actor(t, tdb_user(t, "twk", "township_worker", TOWN), &c->town);
    tdb_actor(t, tdb_user(t, "tap", "township_approver", TOWN), &c->town_approver);
    tdb_actor(t, tdb_user(t, "cwk", "county_worker", COUNTY), &c->county);
    tdb_actor(t, tdb_user(t, "cap", "county_approver", COUNTY), &c->county_approver);
}

static int64_t new_case(tdb *t, cast *c, const char *type, const char *data, const char *on)
{
    json_t *d = data ? json_loads(data, 0, NULL) : NULL, *out = NULL;
    mz_case_input in = {.case_type = type,
                        .region_code = VILLAGE,
                        .applicant_name = "张三",
                        .channel = "village",
                        .authorisation_recorded = 1,
                        .data = d};
    mz_error err;
    mz_error_clear(&err);
    tdb_begin(t);
    if (mz_case_create(t->db, mz_assist_case_registry(), &c->village, &in, tcase_day(on), &out,
                       &err) != 0)
        fail_msg("create: %s", err.message);
    tdb_commit(t);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    json_decref(d);
    return id;
}

static void accept(tdb *t, cast *c, int64_t id, const char *on)
{
    tcase_attach(t, &c->village, id, "application_form");
    tcase_attach(t, &c->village, id, "authorisation");
    tcase_act_ok(t, &c->town, id, "accept", NULL, on);
}

/* The case's time_limit as seen on day today (a new reference). */
static json_t *limit_on(tdb *t, const mz_actor *a, int64_t id, const char *today)
{
    json_t *out = NULL;
    mz_error err;
    if (mz_case_get(t->db, mz_assist_case_registry(), a, id, tcase_day(today), &out, &err) != 0)
        fail_msg("get: %s", err.message);
    json_t *tl = json_incref(json_object_get(out, "time_limit"));
    json_decref(out);
    return tl;
}

static long long num(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static int extend(tdb *t, const mz_actor *a, int64_t id, int64_t days, const char *reason,
                  const char *today, mz_error *err)
{
    json_t *out = NULL;
    mz_error_clear(err);
    tdb_begin(t);
    int rc = mz_case_extend(t->db, mz_assist_case_registry(), a, id, days, reason, tcase_day(today),
                            &out, err);
    if (rc == 0)
        tdb_commit(t);
    else
        mz_db_rollback(t->db);
    json_decref(out);
    return rc;
}

/*
 * Accepted on Friday 2025-09-26: 30 working days are 09-28 (Sunday, worked), 09-29, 09-30,
 * then after 国庆 (10-01..10-08 off) 10-09, 10-10, 10-11 (Saturday, worked), and so on to
 * Thursday 2025-11-13.
 */
static void test_limit_across_holidays(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    char path[512], csv_err[256], due[11];
    int d;
    make_cast(t, &c);

    /* The expectation, from the published calendar file itself. */
    mz_calendar *cal = mz_calendar_new();
    snprintf(path, sizeof path, "%s/calendar/cn-holidays.csv", getenv("MZ_DATA_DIR"));
    assert_int_equal(mz_calendar_load_csv(cal, path, csv_err, sizeof csv_err), 0);
    assert_int_equal(mz_calendar_add_workdays(cal, tcase_day("2025-09-26"), 30, &d), 0);
    mz_date_format(d, due);
    assert_string_equal(due, "2025-11-13");
    mz_calendar_free(cal);

    int64_t id = new_case(t, &c, "dibao", NULL, "2025-09-25");
    json_t *tl = limit_on(t, &c.town, id, "2025-09-25");
    assert_true(json_is_null(tl)); /* not accepted yet */
    json_decref(tl);
    accept(t, &c, id, "2025-09-26");

    tl = limit_on(t, &c.town, id, "2025-09-26");
    assert_string_equal(tdb_jstr(tl, "accepted_on"), "2025-09-26");
    assert_int_equal(num(tl, "limit_workdays"), 30);
    assert_int_equal(num(tl, "extension_days"), 0);
    assert_string_equal(tdb_jstr(tl, "due_on"), "2025-11-13");
    assert_true(json_is_true(json_object_get(tl, "running")));
    assert_int_equal(num(tl, "remaining_workdays"), 30);
    json_decref(tl);
    /* On 10-08, the last day of the holiday, 27 remain: only 09-28, 09-29 and 09-30 are used. */
    tl = limit_on(t, &c.town, id, "2025-10-08");
    assert_int_equal(num(tl, "remaining_workdays"), 27);
    json_decref(tl);
    /* The make-up Saturday 10-11 counts. */
    tl = limit_on(t, &c.town, id, "2025-10-11");
    assert_int_equal(num(tl, "remaining_workdays"), 24);
    json_decref(tl);
    tl = limit_on(t, &c.town, id, "2025-11-13");
    assert_int_equal(num(tl, "remaining_workdays"), 0);
    assert_true(json_is_false(json_object_get(tl, "overdue")));
    json_decref(tl);
    tl = limit_on(t, &c.town, id, "2025-11-14");
    assert_int_equal(num(tl, "remaining_workdays"), -1);
    assert_true(json_is_true(json_object_get(tl, "overdue")));
    assert_int_equal(num(tl, "overdue_workdays"), 1);
    json_decref(tl);
    tl = limit_on(t, &c.town, id, "2025-11-17"); /* Monday: the weekend does not count */
    assert_int_equal(num(tl, "overdue_workdays"), 2);
    json_decref(tl);

    /* The overdue filter and the inbox. */
    mz_case_filter f = {
        .relative_of_staff = -1, .open = -1, .overdue = 1, .page = 1, .page_size = 20};
    json_t *list = NULL;
    assert_int_equal(mz_case_list(t->db, mz_assist_case_registry(), &c.county, &f,
                                  tcase_day("2025-11-13"), &list, &err),
                     0);
    assert_int_equal(num(list, "total"), 0);
    json_decref(list);
    assert_int_equal(mz_case_list(t->db, mz_assist_case_registry(), &c.county, &f,
                                  tcase_day("2025-11-14"), &list, &err),
                     0);
    assert_int_equal(num(list, "total"), 1);
    json_t *item = json_array_get(json_object_get(list, "items"), 0);
    assert_true(json_is_true(json_object_get(json_object_get(item, "time_limit"), "overdue")));
    assert_null(json_object_get(item, "notices")); /* lists carry the flag only */
    json_decref(list);
    assert_int_equal(mz_case_inbox(t->db, mz_assist_case_registry(), &c.town, 1, 20,
                                   tcase_day("2025-11-14"), &list, &err),
                     0);
    item = json_array_get(json_object_get(list, "items"), 0);
    assert_string_equal(tdb_jstr(json_object_get(item, "time_limit"), "due_on"), "2025-11-13");
    json_decref(list);

    /* Extension: an approver, within the policy's 15 days, with a reason; once. */
    assert_int_equal(extend(t, &c.town, id, 5, "需补充调查", "2025-11-10", &err), -1);
    tdb_assert_err(err, 403, "forbidden", "");
    assert_int_equal(extend(t, &c.county_approver, id, 16, "需补充调查", "2025-11-10", &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "days");
    assert_int_equal(extend(t, &c.county_approver, id, 0, "需补充调查", "2025-11-10", &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "days");
    assert_int_equal(extend(t, &c.county_approver, id, 15, "", "2025-11-10", &err), -1);
    tdb_assert_err(err, 400, "missing_field", "reason");
    assert_int_equal(
        extend(t, &c.county_approver, id, 15, "家庭成员在外地务工，需异地协查", "2025-11-10", &err),
        0);
    tl = limit_on(t, &c.town, id, "2025-11-14");
    assert_int_equal(num(tl, "extension_days"), 15);
    assert_string_equal(tdb_jstr(tl, "extension_reason"), "家庭成员在外地务工，需异地协查");
    assert_string_equal(tdb_jstr(tl, "due_on"), "2025-12-04"); /* the 45th working day */
    assert_true(json_is_false(json_object_get(tl, "overdue")));
    assert_int_equal(num(tl, "remaining_workdays"), 14);
    json_decref(tl);
    assert_int_equal(extend(t, &c.county_approver, id, 1, "再延", "2025-11-10", &err), -1);
    tdb_assert_err(err, 409, "invalid_transition", "");
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'case.extension'"),
                     1);

    /* The decision stops the clock: refused on 2025-12-05, a working day late. */
    tcase_attach(t, &c.town, id, "visit_record");
    tcase_act_ok(t, &c.town, id, "investigate", "{\"investigators\":[\"李四\",\"王五\"]}",
                 "2025-11-17");
    tcase_act_ok(t, &c.county, id, "verify", "{\"assessment\":{\"eligible\":false}}", "2025-11-18");
    tcase_act_ok(t, &c.town, id, "submit", NULL, "2025-11-25");
    tcase_act_ok(t, &c.county_approver, id, "refuse", "{\"reasons\":[\"收入超过标准\"]}",
                 "2025-12-05");
    tl = limit_on(t, &c.town, id, "2025-12-20");
    assert_string_equal(tdb_jstr(tl, "stopped_on"), "2025-12-05");
    assert_true(json_is_false(json_object_get(tl, "running")));
    assert_true(json_is_null(json_object_get(tl, "remaining_workdays")));
    assert_true(json_is_true(json_object_get(tl, "overdue")));
    assert_int_equal(num(tl, "overdue_workdays"), 1);
    json_decref(tl);
    /* Stopped: no longer extendable. */
    assert_int_equal(extend(t, &c.county_approver, id, 1, "x", "2025-12-05", &err), -1);
    tdb_assert_err(err, 409, "invalid_transition", "");
}

/* Where the township approves, the limit is 20 working days [C]; 临时救助 has none. */
static void test_township_and_temporary(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    int64_t pid;
    make_cast(t, &c);
    tdb_begin(t);
    if (mz_policy_add(t->db, &t->cli, "dibao", "township_approval", TOWN, "2026-01-01", "1", NULL,
                      &pid, &err) != 0)
        fail_msg("policy: %s", err.message);
    tdb_commit(t);
    int64_t id = new_case(t, &c, "dibao", NULL, "2026-03-02");
    accept(t, &c, id, "2026-03-02");
    json_t *tl = limit_on(t, &c.town, id, "2026-03-02");
    assert_int_equal(num(tl, "limit_workdays"), 20);
    assert_string_equal(tdb_jstr(tl, "due_on"), "2026-03-30");
    json_decref(tl);
    /* The township approver may extend here. */
    assert_int_equal(extend(t, &c.town_approver, id, 10, "需补充调查", "2026-03-03", &err), 0);

    /* 特困: 30 working days (15 for the township, 15 for the county). */
    int64_t id2 = new_case(t, &c, "tekun", NULL, "2026-03-02");
    accept(t, &c, id2, "2026-03-02");
    tl = limit_on(t, &c.town, id2, "2026-03-02");
    assert_int_equal(num(tl, "limit_workdays"), 30);
    json_decref(tl);

    int64_t id3 = new_case(t, &c, "temporary", "{\"kind\":\"expenditure\",\"amount_fen\":50000}",
                           "2026-03-02");
    tcase_attach(t, &c.village, id3, "application_form");
    tcase_act_ok(t, &c.town, id3, "accept", NULL, "2026-03-02");
    tl = limit_on(t, &c.town, id3, "2026-03-02");
    assert_true(json_is_null(tl));
    json_decref(tl);
    assert_int_equal(extend(t, &c.town_approver, id3, 1, "x", "2026-03-02", &err), -1);
    tdb_assert_err(err, 409, "invalid_transition", "");
}

#define BOTH(fn)                                                                                   \
    cmocka_unit_test_setup_teardown(fn, setup_sqlite, tdb_teardown),                               \
        cmocka_unit_test_setup_teardown(fn, setup_pg, tdb_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_limit_across_holidays),
        BOTH(test_township_and_temporary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
