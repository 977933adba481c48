/*
 * Tests for the enrollment lifecycle (core/enrollment.c, migration 008)
 * driven through the 低保 case types: the amount history (a payroll pays
 * every month with the period in force in it, back pay generated after a
 * later adjustment included), 渐退 (a review whose recomputation finds the
 * income above the standard and the wage and business income risen since the
 * assessment that set the amount keeps the amount for dibao.taper_months —
 * table at 6 and 7 — and the payroll then ends it, 渐退期满), 暂停 and 恢复
 * (suspended months are not paid, not even later as back pay, unless the
 * resumption says so), the standalone 低保调整 and 低保停保 case types at
 * the county and, delegated, at the township, and the review class.
 * SQLite and, with MZ_TEST_PG_URL, PostgreSQL.
 */
#include "testdb.h"
#include "testcase.h"

#include "base/date.h"
#include "core/case.h"
#include "core/enrollment.h"
#include "core/payroll.h"
#include "core/region.h"
#include "systems/assistance/amount.h"
#include "systems/assistance/case_types.h"

#define TOWN "321302001000"    /* 幸福街道 */
#define VILLAGE "321302001001" /* 凤凰居委会 */
#define COUNTY "321302000000"  /* 宿城区 */
#define TOWN2 "321311001000"   /* a township of 宿豫区 */
#define STANDARD 61000         /* the 低保 standard of the shipped policy (fen) */

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_enrollment_lifecycle");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_enrollment_lifecycle");
}

typedef struct cast {
    mz_actor village, town, town_approver, county, county_approver, elsewhere;
} cast;

static void make_cast(tdb *t, cast *c)
{
    tdb_actor(t, tdb_user(t, "vwk", "village_worker", VILLAGE), &c->village);
    tdb_actor(t, tdb_user(t, "twk", "township_worker", TOWN), &c->town);
    tdb_actor(t, tdb_user(t, "tap", "township_approver", TOWN), &c->town_approver);
    tdb_actor(t, tdb_user(t, "cwk", "county_worker", COUNTY), &c->county);
    tdb_actor(t, tdb_user(t, "cap", "county_approver", COUNTY), &c->county_approver);
    tdb_actor(t, tdb_user(t, "tw2", "township_worker", TOWN2), &c->elsewhere);
}

/* A household of one person (76, unable to work, no income) in VILLAGE. */
static int64_t household(tdb *t, const char *id_number, int64_t *person)
{
    int64_t h = 0;
    tdb_begin(t);
    if (mz_db_query_int64(
            t->db, person,
            "INSERT INTO persons (id_number, name, gender, birth_date, labour_capacity, "
            "created_region, created_at, updated_at) VALUES (?, '赵六', 'M', '1950-01-01', "
            "'none', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id",
            "tt", id_number, VILLAGE) != MZ_DB_ROW ||
        mz_db_query_int64(t->db, &h,
                          "INSERT INTO households (region_code, kind, address, bank_name, "
                          "bank_account, head_person_id, created_at, updated_at) VALUES (?, ?, "
                          "'幸福路1号', '农商银行', '6228480012345678', ?, "
                          "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id",
                          "tti", VILLAGE, mz_region_kind_of(VILLAGE), *person) != MZ_DB_ROW ||
        mz_db_run(t->db, NULL,
                  "INSERT INTO household_members (household_id, person_id, relation, joined_on, "
                  "created_at) VALUES (?, ?, 'self', '1950-01-01', '2026-01-01T00:00:00Z')",
                  "ii", h, *person) != MZ_DB_OK)
        fail_msg("household: %s", mz_db_errmsg(t->db));
    tdb_commit(t);
    return h;
}

/* A case of type for the household created on day; its id. */
static int64_t new_case(tdb *t, const mz_actor *a, const char *type, int64_t hh, int64_t person,
                        const char *on)
{
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);
    mz_case_input in = {.case_type = type,
                        .household_id = hh,
                        .applicant_person_id = person,
                        .applicant_name = "赵六",
                        .channel = "online",
                        .authorisation_recorded = 1};
    tdb_begin(t);
    if (mz_case_create(t->db, mz_assist_case_registry(), a, &in, tcase_day(on), &out, &err) != 0)
        fail_msg("create %s: %s %s", type, err.code ? err.code : "", err.message);
    tdb_commit(t);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    return id;
}

/* A 低保 case of the household approved on 31 March 2026: enrolled from April; the id. */
static int64_t enrolled(tdb *t, cast *c, int64_t hh, int64_t person)
{
    int64_t id = new_case(t, &c->town, "dibao", hh, person, "2026-03-02");
    tcase_attach(t, &c->village, id, "application_form");
    tcase_attach(t, &c->village, id, "authorisation");
    tcase_act_ok(t, &c->town, id, "accept", NULL, "2026-03-02");
    tcase_attach(t, &c->town, id, "visit_record");
    tcase_act_ok(t, &c->town, id, "investigate", "{\"investigators\":[\"李四\",\"王五\"]}",
                 "2026-03-02");
    tcase_act_ok(t, &c->county, id, "verify", NULL, "2026-03-02");
    tcase_act_ok(t, &c->town, id, "submit", NULL, "2026-03-09");
    tcase_act_ok(t, &c->county_approver, id, "approve", NULL, "2026-03-31");
    int64_t eid = 0;
    if (mz_db_query_int64(t->db, &eid, "SELECT id FROM enrollments WHERE case_id = ?", "i", id) !=
        MZ_DB_ROW)
        fail_msg("enrollment: %s", mz_db_errmsg(t->db));
    return eid;
}

static int64_t q_int(tdb *t, const char *sql, int64_t id)
{
    int64_t n = -1;
    if (mz_db_query_int64(t->db, &n, sql, "i", id) != MZ_DB_ROW)
        fail_msg("%s: %s", sql, mz_db_errmsg(t->db));
    return n;
}

static void assert_text(tdb *t, const char *sql, int64_t id, const char *want)
{
    char *v = NULL;
    if (mz_db_query_text(t->db, &v, sql, "i", id) != MZ_DB_ROW)
        fail_msg("%s: %s", sql, mz_db_errmsg(t->db));
    assert_non_null(v);
    assert_string_equal(v, want);
    mz_free(v);
}

static void income(tdb *t, int64_t hh, int64_t person, const char *type, int64_t fen,
                   const char *from)
{
    if (mz_db_run(t->db, NULL,
                  "INSERT INTO income_items (household_id, person_id, type, monthly_fen, "
                  "valid_from, created_at) VALUES (?, ?, ?, ?, ?, '2026-04-01T00:00:00Z')",
                  "iitit", hh, person, type, fen, from) != MZ_DB_OK)
        fail_msg("income: %s", mz_db_errmsg(t->db));
}

/* Generates month with the policy amount hook, as the API and the CLI do. */
static void run(tdb *t, const char *month)
{
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);
    mz_payroll_options opt = {.stale_seconds = -1, .amount = mz_assist_payroll_amount};
    opt.amount_arg = mz_assist_params_cache_new();
    int rc = mz_payroll_run(t->db, &t->cli, month, &opt, &out, &err);
    mz_assist_params_cache_free(opt.amount_arg);
    if (rc != 0)
        fail_msg("run %s: %s %s", month, err.code ? err.code : "", err.message);
    json_decref(out);
}

/* The amount paid to enrollment e for month as kind; -1 when there is no such line. */
static int64_t paid(tdb *t, int64_t e, const char *month, const char *kind)
{
    int64_t v = -1;
    int rc = mz_db_query_int64(t->db, &v,
                               "SELECT amount_fen FROM payment_lines WHERE enrollment_id = ? AND "
                               "month = ? AND kind = ?",
                               "itt", e, month, kind);
    if (rc < 0)
        fail_msg("paid: %s", mz_db_errmsg(t->db));
    return rc == MZ_DB_ROW ? v : -1;
}

/* A review case of the household, created by the township on day. */
static int64_t review(tdb *t, cast *c, int64_t hh, const char *on)
{
    return new_case(t, &c->town, "dibao_review", hh, 0, on);
}

static void test_back_pay_uses_the_amount_of_its_month(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    int64_t p = 0;
    make_cast(t, &c);
    /* April is generated before the approval that enrolls the household from April. */
    run(t, "2026-04");
    int64_t hh = household(t, "321302195001010014", &p);
    int64_t e = enrolled(t, &c, hh, p);
    assert_int_equal(q_int(t, "SELECT monthly_amount_fen FROM enrollments WHERE id = ?", e),
                     STANDARD);

    /* A pension found at the review: the county adjusts from May. */
    income(t, hh, p, "pension", 20000, "2026-01-01");
    int64_t r = review(t, &c, hh, "2026-04-20");
    tcase_act_ok(t, &c.town, r, "recheck", NULL, "2026-04-20");
    tcase_act_ok(t, &c.county_approver, r, "adjust", NULL, "2026-04-25");
    assert_int_equal(q_int(t, "SELECT monthly_amount_fen FROM enrollments WHERE id = ?", e),
                     STANDARD - 20000);
    assert_int_equal(q_int(t, "SELECT COUNT(*) FROM enrollment_periods WHERE enrollment_id = ?", e),
                     2);
    assert_text(t,
                "SELECT from_month FROM enrollment_periods WHERE enrollment_id = ? ORDER BY id "
                "DESC LIMIT 1",
                e, "2026-05");

    /* May pays the new amount; April, paid back only now, the amount in force in April. */
    run(t, "2026-05");
    assert_int_equal(paid(t, e, "2026-05", "regular"), STANDARD - 20000);
    assert_int_equal(paid(t, e, "2026-04", "back_pay"), STANDARD);
    assert_int_equal(paid(t, e, "2026-04", "regular"), -1);

    /* The detail shows the history. */
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);
    assert_int_equal(mz_enrollment_get(t->db, &c.town, e, &out, &err), 0);
    json_t *periods = json_object_get(out, "periods");
    assert_int_equal(json_array_size(periods), 2);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(periods, 0), "monthly_amount_fen")),
        STANDARD);
    assert_string_equal(tdb_jstr(json_array_get(periods, 1), "from_month"), "2026-05");
    assert_string_equal(tdb_jstr(out, "review_class"), "B");
    json_decref(out);
}

/* Sets dibao.taper_months for the city from 2026-01-01. */
static void taper_months(tdb *t, int months)
{
    char v[8];
    snprintf(v, sizeof v, "%d", months);
    if (mz_db_run(t->db, NULL,
                  "INSERT INTO policy_params (program, param, region_prefix, effective_from, "
                  "value, note, created_by, created_at) VALUES ('dibao', 'taper_months', '3213', "
                  "'2026-01-01', ?, '测试', 'test', '2026-01-01T00:00:00Z')",
                  "t", v) != MZ_DB_OK)
        fail_msg("policy: %s", mz_db_errmsg(t->db));
}

/* 渐退 with a policy of months: kept from May to last, then ended by the payroll. */
static void taper_case(tdb *t, int months, const char *last, const char *after)
{
    cast c;
    int64_t p = 0;
    make_cast(t, &c);
    taper_months(t, months);
    int64_t hh = household(t, "321302195001010014", &p);
    int64_t e = enrolled(t, &c, hh, p);

    /* A job from mid-April lifts the income above the standard. */
    income(t, hh, p, "wage", STANDARD + 9000, "2026-04-15");
    int64_t r = review(t, &c, hh, "2026-04-20");
    tcase_act_ok(t, &c.town, r, "recheck", NULL, "2026-04-20");
    mz_error err;
    /* Not an adjustment: the amount is kept in the exit period. */
    assert_int_equal(tcase_act(t, &c.county_approver, r, "adjust", NULL, "2026-04-25", &err), -1);
    tdb_assert_err(err, 409, "guard_failed", "data.assessment.category");
    tcase_act_ok(t, &c.county_approver, r, "taper", NULL, "2026-04-25");
    assert_text(t, "SELECT outcome FROM cases WHERE id = ?", r, "tapered");
    assert_text(t, "SELECT status FROM enrollments WHERE id = ?", e, "taper");
    assert_text(t, "SELECT to_month FROM enrollments WHERE id = ?", e, last);
    assert_int_equal(q_int(t, "SELECT monthly_amount_fen FROM enrollments WHERE id = ?", e),
                     STANDARD);
    assert_int_equal(q_int(t,
                           "SELECT case_id FROM enrollment_changes WHERE enrollment_id = ? AND "
                           "kind = 'taper' AND from_month = '2026-05'",
                           e),
                     r);

    /* Every month of the exit period pays the kept amount; the next one nothing, and ends it. */
    int from;
    assert_int_equal(mz_month_parse("2026-05", &from), 0);
    for (int m = from; m <= from + months; m++) {
        char month[8];
        mz_month_format(m, month);
        run(t, month);
        if (m < from + months) {
            assert_int_equal(paid(t, e, month, "regular"), STANDARD);
            assert_text(t, "SELECT status FROM enrollments WHERE id = ?", e, "taper");
        } else {
            assert_string_equal(month, after);
            assert_int_equal(paid(t, e, month, "regular"), -1);
        }
    }
    assert_text(t, "SELECT status FROM enrollments WHERE id = ?", e, "stopped");
    assert_text(t, "SELECT reason FROM enrollments WHERE id = ?", e, "渐退期满");
    assert_text(t, "SELECT to_month FROM enrollments WHERE id = ?", e, last);
    assert_int_equal(q_int(t,
                           "SELECT COUNT(*) FROM enrollment_changes WHERE enrollment_id = ? AND "
                           "kind = 'stop' AND reason = '渐退期满'",
                           e),
                     1);
    assert_int_equal(
        tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'enrollment.taper'"), 1);
}

static void test_taper_6_months(void **state)
{
    taper_case(tdb_get(state), 6, "2026-10", "2026-11");
}

static void test_taper_7_months(void **state)
{
    taper_case(tdb_get(state), 7, "2026-11", "2026-12");
}

static void test_no_taper_without_employment(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    int64_t p = 0, p2 = 0;
    mz_error err;
    make_cast(t, &c);
    int64_t hh = household(t, "321302195001010014", &p);
    int64_t e = enrolled(t, &c, hh, p);
    /* A pension above the standard is not employment: no 渐退, the review proposes to stop. */
    income(t, hh, p, "pension", STANDARD + 9000, "2026-04-15");
    int64_t r = review(t, &c, hh, "2026-04-20");
    tcase_act_ok(t, &c.town, r, "recheck", NULL, "2026-04-20");
    assert_int_equal(tcase_act(t, &c.county_approver, r, "taper", NULL, "2026-04-25", &err), -1);
    tdb_assert_err(err, 409, "guard_failed", "data.assessment.category");
    assert_text(t, "SELECT status FROM enrollments WHERE id = ?", e, "in_force");

    /* A wage already earned when the amount was assessed (2 March) is no rise: no 渐退 either
     * (recorded after the approval, the amount was set without it). */
    int64_t hh2 = household(t, "321302195001010030", &p2);
    int64_t e2 = enrolled(t, &c, hh2, p2);
    income(t, hh2, p2, "wage", STANDARD + 9000, "2026-03-01");
    int64_t r2 = review(t, &c, hh2, "2026-04-20");
    tcase_act_ok(t, &c.town, r2, "recheck", NULL, "2026-04-20");
    assert_int_equal(tcase_act(t, &c.county_approver, r2, "taper", NULL, "2026-04-25", &err), -1);
    tdb_assert_err(err, 409, "guard_failed", "data.assessment.category");
    tcase_act_ok(t, &c.county_approver, r2, "stop", "{\"reasons\":[\"收入超过低保标准\"]}",
                 "2026-04-25");
    assert_text(t, "SELECT status FROM enrollments WHERE id = ?", e2, "stopped");
}

static void test_suspend_and_resume(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    int64_t p1 = 0, p2 = 0;
    mz_error err;
    make_cast(t, &c);
    int64_t h1 = household(t, "321302195001010014", &p1);
    int64_t h2 = household(t, "321302195001010030", &p2);
    int64_t e1 = enrolled(t, &c, h1, p1);
    int64_t e2 = enrolled(t, &c, h2, p2);
    run(t, "2026-04");

    /* Out of contact: the township cannot recheck and proposes 暂停, the county decides. */
    int64_t r1 = review(t, &c, h1, "2026-04-20"), r2 = review(t, &c, h2, "2026-04-20");
    assert_int_equal(tcase_act(t, &c.town, r1, "propose_suspend", NULL, "2026-04-20", &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "data.reasons");
    tcase_act_ok(t, &c.town, r1, "propose_suspend", "{\"reasons\":[\"失联\"]}", "2026-04-20");
    tcase_act_ok(t, &c.county_approver, r1, "suspend", "{\"reasons\":[\"失联\"]}", "2026-04-25");
    /* The second refuses the review after its recheck. */
    tcase_act_ok(t, &c.town, r2, "recheck", NULL, "2026-04-20");
    tcase_act_ok(t, &c.county_approver, r2, "suspend", "{\"reasons\":[\"拒不配合复核\"]}",
                 "2026-04-25");
    assert_text(t, "SELECT status FROM enrollments WHERE id = ?", e1, "suspended");
    assert_text(t, "SELECT reason FROM enrollments WHERE id = ?", e1, "失联");
    assert_text(t, "SELECT outcome FROM cases WHERE id = ?", r2, "suspended");
    assert_int_equal(q_int(t,
                           "SELECT case_id FROM enrollment_changes WHERE enrollment_id = ? AND "
                           "kind = 'suspend' AND from_month = '2026-05'",
                           e1),
                     r1);

    run(t, "2026-05");
    run(t, "2026-06");
    assert_int_equal(paid(t, e1, "2026-05", "regular"), -1);
    assert_int_equal(paid(t, e2, "2026-06", "regular"), -1);

    /* A household that is not suspended cannot be resumed. */
    int64_t h3p = 0;
    int64_t h3 = household(t, "321302195001010057", &h3p);
    enrolled(t, &c, h3, h3p);
    int64_t x = new_case(t, &c.town, "dibao_resume", h3, 0, "2026-06-15");
    assert_int_equal(tcase_act(t, &c.town_approver, x, "resume", NULL, "2026-06-16", &err), -1);
    tdb_assert_err(err, 409, "not_suspended", "");

    /* Resumed from July: the first without, the second with back pay of May and June. */
    int64_t s1 = new_case(t, &c.town, "dibao_resume", h1, 0, "2026-06-15");
    int64_t s2 = new_case(t, &c.town, "dibao_resume", h2, 0, "2026-06-15");
    assert_int_equal(tcase_act(t, &c.county_approver, s1, "resume", NULL, "2026-06-16", &err), -1);
    tdb_assert_err(err, 403, "forbidden", "action");
    tcase_act_ok(t, &c.town_approver, s1, "resume", NULL, "2026-06-16");
    tcase_act_ok(t, &c.town_approver, s2, "resume_back_pay", NULL, "2026-06-16");
    assert_text(t, "SELECT status FROM enrollments WHERE id = ?", e1, "in_force");
    assert_text(t, "SELECT status FROM enrollments WHERE id = ?", e2, "in_force");
    assert_text(t,
                "SELECT from_month FROM enrollment_changes WHERE enrollment_id = ? AND kind = "
                "'resume'",
                e1, "2026-07");
    assert_text(t,
                "SELECT from_month FROM enrollment_changes WHERE enrollment_id = ? AND kind = "
                "'resume'",
                e2, "2026-05");

    run(t, "2026-07");
    assert_int_equal(paid(t, e1, "2026-07", "regular"), STANDARD);
    assert_int_equal(paid(t, e1, "2026-05", "back_pay"), -1);
    assert_int_equal(paid(t, e1, "2026-06", "back_pay"), -1);
    assert_int_equal(paid(t, e2, "2026-07", "regular"), STANDARD);
    assert_int_equal(paid(t, e2, "2026-05", "back_pay"), STANDARD);
    assert_int_equal(paid(t, e2, "2026-06", "back_pay"), STANDARD);
    assert_int_equal(
        tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'enrollment.suspend'"), 2);
    assert_int_equal(
        tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'enrollment.resume'"), 2);
}

static void test_adjustment_and_termination_cases(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    int64_t p1 = 0, p2 = 0;
    mz_error err;
    make_cast(t, &c);
    int64_t h1 = household(t, "321302195001010014", &p1);
    int64_t h2 = household(t, "321302195001010030", &p2);
    int64_t e1 = enrolled(t, &c, h1, p1);
    int64_t e2 = enrolled(t, &c, h2, p2);

    /* 调整: reported by the village, investigated by the township, decided by the county. */
    income(t, h1, p1, "pension", 10000, "2026-04-01");
    int64_t a = new_case(t, &c.village, "dibao_adjustment", h1, 0, "2026-04-20");
    assert_int_equal(tcase_act(t, &c.town, a, "investigate", "{\"investigators\":[\"李四\"]}",
                               "2026-04-21", &err),
                     -1);
    tdb_assert_err(err, 400, "invalid_value", "data.investigators");
    tcase_act_ok(t, &c.town, a, "investigate", "{\"investigators\":[\"李四\",\"王五\"]}",
                 "2026-04-21");
    assert_text(t, "SELECT state FROM cases WHERE id = ?", a, "county_review");
    tcase_act_ok(t, &c.county_approver, a, "adjust", NULL, "2026-04-28");
    assert_int_equal(q_int(t, "SELECT monthly_amount_fen FROM enrollments WHERE id = ?", e1),
                     STANDARD - 10000);
    assert_text(t,
                "SELECT reason FROM enrollment_changes WHERE enrollment_id = ? AND kind = "
                "'adjust'",
                e1, "低保调整");

    /* Delegated to the township: the township approves the 停保, without a 公示. */
    if (mz_db_run(t->db, NULL,
                  "INSERT INTO policy_params (program, param, region_prefix, effective_from, "
                  "value, note, created_by, created_at) VALUES ('dibao', 'township_approval', "
                  "'321302001', '2026-01-01', '1', '测试', 'test', '2026-01-01T00:00:00Z')",
                  "") != MZ_DB_OK)
        fail_msg("policy: %s", mz_db_errmsg(t->db));
    int64_t s = new_case(t, &c.town, "dibao_termination", h2, 0, "2026-05-06");
    assert_int_equal(tcase_act(t, &c.village, s, "submit", NULL, "2026-05-06", &err), -1);
    tdb_assert_err(err, 403, "forbidden", "action");
    tcase_act_ok(t, &c.town, s, "submit", NULL, "2026-05-06");
    assert_text(t, "SELECT state FROM cases WHERE id = ?", s, "township_review");
    assert_int_equal(tcase_act(t, &c.town_approver, s, "terminate", NULL, "2026-05-08", &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "data.reasons");
    tcase_act_ok(t, &c.town_approver, s, "terminate", "{\"reasons\":[\"已迁出本市\"]}",
                 "2026-05-08");
    assert_text(t, "SELECT status FROM enrollments WHERE id = ?", e2, "stopped");
    assert_text(t, "SELECT to_month FROM enrollments WHERE id = ?", e2, "2026-05");
    assert_int_equal(
        q_int(t, "SELECT COUNT(*) FROM cases WHERE id = ? AND publicity_from IS NULL", s), 1);
    /* Every new type is declared consistently. */
    char msg[256];
    assert_int_equal(mz_case_type_check(&mz_assist_case_dibao_adjustment, msg, sizeof msg), 0);
    assert_int_equal(mz_case_type_check(&mz_assist_case_dibao_termination, msg, sizeof msg), 0);
    assert_int_equal(mz_case_type_check(&mz_assist_case_dibao_resume, msg, sizeof msg), 0);
}

static void test_review_class(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    int64_t p = 0;
    json_t *out = NULL;
    mz_error err;
    make_cast(t, &c);
    int64_t hh = household(t, "321302195001010014", &p);
    int64_t e = enrolled(t, &c, hh, p);

    static const char *const bad[] = {"D", "", "a", "AB"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mz_error_clear(&err);
        assert_int_equal(mz_enrollment_set_review_class(t->db, &c.town, e, bad[i], &out, &err), -1);
        tdb_assert_err(err, 400, "invalid_value", "review_class");
    }
    mz_error_clear(&err);
    assert_int_equal(mz_enrollment_set_review_class(t->db, &c.elsewhere, e, "A", &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_text(t, "SELECT review_class FROM enrollments WHERE id = ?", e, "B");

    tdb_begin(t);
    mz_error_clear(&err);
    assert_int_equal(mz_enrollment_set_review_class(t->db, &c.town, e, "C", &out, &err), 0);
    tdb_commit(t);
    assert_string_equal(tdb_jstr(out, "review_class"), "C");
    json_decref(out);
    assert_int_equal(q_int(t,
                           "SELECT COUNT(*) FROM enrollment_changes WHERE enrollment_id = ? AND "
                           "kind = 'classify'",
                           e),
                     1);
    assert_int_equal(
        tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'enrollment.classify'"), 1);
    /* Scheduled as class C (monthly in town): next review a month on. */
    int64_t created = 0;
    tdb_begin(t);
    mz_error_clear(&err);
    assert_int_equal(mz_enrollment_schedule_reviews(t->db, mz_assist_case_registry(), &c.county,
                                                    "dibao_review", tcase_day("2026-04-01"),
                                                    &created, &err),
                     0);
    tdb_commit(t);
    assert_int_equal(created, 1);
    assert_text(t, "SELECT next_review_on FROM enrollments WHERE id = ?", e, "2026-05-01");
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_back_pay_uses_the_amount_of_its_month),
        BOTH(test_taper_6_months),
        BOTH(test_taper_7_months),
        BOTH(test_no_taper_without_employment),
        BOTH(test_suspend_and_resume),
        BOTH(test_adjustment_and_termination_cases),
        BOTH(test_review_class),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
