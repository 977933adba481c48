/*
 * Tests for the periodic reviews (复核): `review schedule`
 * (mz_enrollment_schedule_reviews) opens a 低保复核 case for every 低保
 * enrollment due, once a day, and sets the next review by the enrollment's
 * class from the policy (B half-yearly, C monthly in towns and quarterly in
 * villages); the township's recheck recomputes the assessment from the
 * current registry data, and the county keeps the enrollment, adjusts its
 * amount from the next month (an enrollment_changes row with the case) or
 * stops it.  SQLite and, with MZ_TEST_PG_URL, PostgreSQL.
 */
#include "testdb.h"
#include "testcase.h"

#include "base/date.h"
#include "core/case.h"
#include "core/enrollment.h"
#include "core/region.h"
#include "systems/assistance/case_types.h"

#define TOWN "321302001000"     /* 幸福街道 */
#define VILLAGE "321302001001"  /* 凤凰居委会 (urban) */
#define COUNTY "321302000000"   /* 宿城区 */
#define RTOWN "321302007000"    /* a township with villages */
#define RVILLAGE "321302007200" /* 罗庄村委会 (rural) */

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_review");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_review");
}

typedef struct cast {
    mz_actor village, town, rvillage, rtown, county, county_approver;
} cast;

static void make_cast(tdb *t, cast *c)
{
    tdb_actor(t, tdb_user(t, "vwk", "village_worker", VILLAGE), &c->village);
    tdb_actor(t, tdb_user(t, "twk", "township_worker", TOWN), &c->town);
    tdb_actor(t, tdb_user(t, "rvw", "village_worker", RVILLAGE), &c->rvillage);
    tdb_actor(t, tdb_user(t, "rtw", "township_worker", RTOWN), &c->rtown);
    tdb_actor(t, tdb_user(t, "cwk", "county_worker", COUNTY), &c->county);
    tdb_actor(t, tdb_user(t, "cap", "county_approver", COUNTY), &c->county_approver);
}

/* A household of one person (76, unable to work, no income) in village; *person gets the person. */
static int64_t household(tdb *t, const char *village, const char *id_number, int64_t *person)
{
    int64_t h = 0;
    tdb_begin(t);
    if (mz_db_query_int64(
            t->db, person,
            "INSERT INTO persons (id_number, name, gender, birth_date, "
            "labour_capacity, created_region, created_at, updated_at) VALUES (?, "
            "'赵六', 'M', '1950-01-01', 'none', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') "
            "RETURNING id",
            "tt", id_number, village) != MZ_DB_ROW ||
        mz_db_query_int64(t->db, &h,
                          "INSERT INTO households (region_code, kind, address, bank_name, "
                          "bank_account, head_person_id, created_at, updated_at) VALUES (?, ?, "
                          "'幸福路1号', '农商银行', '6228480012345678', ?, "
                          "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id",
                          "tti", village, mz_region_kind_of(village), *person) != MZ_DB_ROW ||
        mz_db_run(t->db, NULL,
                  "INSERT INTO household_members (household_id, person_id, relation, joined_on, "
                  "created_at) VALUES (?, ?, 'self', '1950-01-01', '2026-01-01T00:00:00Z')",
                  "ii", h, *person) != MZ_DB_OK)
        fail_msg("household: %s", mz_db_errmsg(t->db));
    tdb_commit(t);
    return h;
}

/* A 低保 case of the household approved on 31 March 2026; its enrollment's id (from April). */
static int64_t enrolled(tdb *t, const mz_actor *village, const mz_actor *town, cast *c, int64_t hh,
                        int64_t person)
{
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);
    mz_case_input in = {.case_type = "dibao",
                        .household_id = hh,
                        .applicant_person_id = person,
                        .applicant_name = "赵六",
                        .channel = "online",
                        .authorisation_recorded = 1};
    tdb_begin(t);
    if (mz_case_create(t->db, mz_assist_case_registry(), town, &in, tcase_day("2026-03-02"), &out,
                       &err) != 0)
        fail_msg("create: %s %s", err.code ? err.code : "", err.message);
    tdb_commit(t);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    tcase_attach(t, village, id, "application_form");
    tcase_attach(t, village, id, "authorisation");
    tcase_act_ok(t, town, id, "accept", NULL, "2026-03-02");
    tcase_attach(t, town, id, "visit_record");
    tcase_act_ok(t, town, id, "investigate", "{\"investigators\":[\"李四\",\"王五\"]}",
                 "2026-03-02");
    tcase_act_ok(t, &c->county, id, "verify", NULL, "2026-03-02");
    tcase_act_ok(t, town, id, "submit", NULL, "2026-03-09");
    tcase_act_ok(t, &c->county_approver, id, "approve", NULL, "2026-03-31");
    int64_t eid = 0;
    if (mz_db_query_int64(t->db, &eid, "SELECT id FROM enrollments WHERE case_id = ?", "i", id) !=
        MZ_DB_ROW)
        fail_msg("enrollment: %s", mz_db_errmsg(t->db));
    return eid;
}

static int64_t schedule(tdb *t, const char *on)
{
    mz_error err;
    mz_error_clear(&err);
    int64_t created = -1;
    tdb_begin(t);
    if (mz_enrollment_schedule_reviews(t->db, mz_assist_case_registry(), &t->cli, "dibao_review",
                                       tcase_day(on), &created, &err) != 0)
        fail_msg("schedule: %s %s", err.code ? err.code : "", err.message);
    tdb_commit(t);
    return created;
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

/* The open review case of the household (fails when there is none). */
static int64_t open_review(tdb *t, int64_t hh)
{
    return q_int(t,
                 "SELECT id FROM cases WHERE case_type = 'dibao_review' AND household_id = ? AND "
                 "closed_at IS NULL",
                 hh);
}

static int64_t assessed_amount(tdb *t, int64_t id)
{
    char *d = NULL;
    if (mz_db_query_text(t->db, &d, "SELECT data FROM cases WHERE id = ?", "i", id) != MZ_DB_ROW)
        fail_msg("case %lld: %s", (long long)id, mz_db_errmsg(t->db));
    json_t *j = json_loads(d, 0, NULL);
    json_t *v = json_object_get(json_object_get(j, "assessment"), "monthly_amount_fen");
    int64_t amount = json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
    json_decref(j);
    mz_free(d);
    return amount;
}

static void test_schedule_by_class(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    int64_t p1 = 0, p2 = 0, p3 = 0;
    make_cast(t, &c);
    int64_t h1 = household(t, VILLAGE, "321302195001010014", &p1);
    int64_t h2 = household(t, VILLAGE, "321302195001010030", &p2);
    int64_t h3 = household(t, RVILLAGE, "321302195001010057", &p3);
    int64_t e1 = enrolled(t, &c.village, &c.town, &c, h1, p1);
    int64_t e2 = enrolled(t, &c.village, &c.town, &c, h2, p2);
    int64_t e3 = enrolled(t, &c.rvillage, &c.rtown, &c, h3, p3);
    assert_string_equal(mz_region_kind_of(RVILLAGE), "rural");
    /* Enrolled in class B, nothing scheduled yet. */
    assert_text(t, "SELECT review_class FROM enrollments WHERE id = ?", e1, "B");
    assert_int_equal(q_int(t,
                           "SELECT COUNT(*) FROM enrollments WHERE id = ? AND next_review_on "
                           "IS NULL",
                           e1),
                     1);
    assert_int_equal(mz_db_run(t->db, NULL,
                               "UPDATE enrollments SET review_class = 'C' WHERE id IN (?, ?)", "ii",
                               e2, e3),
                     MZ_DB_OK);

    assert_int_equal(schedule(t, "2026-04-01"), 3);
    assert_text(t, "SELECT next_review_on FROM enrollments WHERE id = ?", e1, "2026-10-01");
    assert_text(t, "SELECT next_review_on FROM enrollments WHERE id = ?", e2, "2026-05-01");
    assert_text(t, "SELECT next_review_on FROM enrollments WHERE id = ?", e3, "2026-07-01");
    int64_t r1 = open_review(t, h1);
    assert_text(t, "SELECT state FROM cases WHERE id = ?", r1, "scheduled");
    assert_text(t, "SELECT region_code FROM cases WHERE id = ?", open_review(t, h3), RVILLAGE);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'enrollment.review_scheduled'"),
                     3);

    /* Idempotent: the same day again, or before anything is due, creates nothing. */
    assert_int_equal(schedule(t, "2026-04-01"), 0);
    assert_int_equal(schedule(t, "2026-04-30"), 0);
    /* Due again while the last review is still open: no second case. */
    assert_int_equal(schedule(t, "2026-05-01"), 0);
    assert_int_equal(
        tdb_count(t->db, "SELECT COUNT(*) FROM cases WHERE case_type = 'dibao_review'"), 3);

    /* Closed, the urban class C household is reviewed again a month on. */
    tcase_act_ok(t, &c.town, open_review(t, h2), "recheck", NULL, "2026-04-02");
    tcase_act_ok(t, &c.county_approver, open_review(t, h2), "keep", NULL, "2026-04-03");
    assert_int_equal(schedule(t, "2026-05-01"), 1);
    assert_text(t, "SELECT next_review_on FROM enrollments WHERE id = ?", e2, "2026-06-01");
    assert_int_equal(schedule(t, "2026-05-01"), 0);
}

static void test_review_outcomes(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    int64_t p1 = 0, p2 = 0;
    make_cast(t, &c);
    int64_t h1 = household(t, VILLAGE, "321302195001010014", &p1);
    int64_t h2 = household(t, VILLAGE, "321302195001010030", &p2);
    int64_t e1 = enrolled(t, &c.village, &c.town, &c, h1, p1);
    int64_t e2 = enrolled(t, &c.village, &c.town, &c, h2, p2);
    int64_t before = q_int(t, "SELECT monthly_amount_fen FROM enrollments WHERE id = ?", e1);
    assert_true(before > 0);
    assert_int_equal(schedule(t, "2026-04-01"), 2);
    int64_t r1 = open_review(t, h1), r2 = open_review(t, h2);

    /* Only the county decides, and only after the recheck. */
    assert_int_equal(tcase_act(t, &c.county_approver, r1, "adjust", NULL, "2026-04-02", &err), -1);
    tdb_assert_err(err, 409, "invalid_transition", "action");

    /* The household now has a pension: the recheck recomputes with it. */
    assert_int_equal(mz_db_run(t->db, NULL,
                               "INSERT INTO income_items (household_id, person_id, type, "
                               "monthly_fen, valid_from, created_at) VALUES (?, ?, 'pension', "
                               "20000, '2026-01-01', '2026-04-01T00:00:00Z')",
                               "ii", h1, p1),
                     MZ_DB_OK);
    tcase_act_ok(t, &c.town, r1, "recheck", NULL, "2026-04-02");
    assert_text(t, "SELECT state FROM cases WHERE id = ?", r1, "proposed");
    int64_t after = assessed_amount(t, r1);
    assert_true(after > 0);
    assert_true(after < before);
    tcase_act_ok(t, &c.county_approver, r1, "adjust", NULL, "2026-04-10");
    assert_text(t, "SELECT outcome FROM cases WHERE id = ?", r1, "adjusted");
    assert_int_equal(q_int(t, "SELECT monthly_amount_fen FROM enrollments WHERE id = ?", e1),
                     after);
    assert_text(t, "SELECT status FROM enrollments WHERE id = ?", e1, "in_force");
    assert_int_equal(
        q_int(t, "SELECT basis_per_capita_income_fen FROM enrollments WHERE id = ?", e1), 20000);
    assert_int_equal(q_int(t,
                           "SELECT COUNT(*) FROM enrollment_changes WHERE enrollment_id = ? "
                           "AND kind = 'adjust' AND from_month = '2026-05' AND status = "
                           "'in_force'",
                           e1),
                     1);
    assert_int_equal(q_int(t,
                           "SELECT case_id FROM enrollment_changes WHERE enrollment_id = ? "
                           "AND kind = 'adjust'",
                           e1),
                     r1);
    assert_int_equal(q_int(t,
                           "SELECT amount_fen FROM enrollment_changes WHERE enrollment_id = ? "
                           "AND kind = 'adjust'",
                           e1),
                     after);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'enrollment.adjust'"),
                     1);

    /* 'keep': nothing changes on the enrollment. */
    tcase_act_ok(t, &c.town, r2, "recheck", NULL, "2026-04-02");
    tcase_act_ok(t, &c.county_approver, r2, "keep", NULL, "2026-04-10");
    assert_text(t, "SELECT outcome FROM cases WHERE id = ?", r2, "kept");
    assert_text(t, "SELECT status FROM enrollments WHERE id = ?", e2, "in_force");
    assert_int_equal(
        q_int(t, "SELECT COUNT(*) FROM enrollment_changes WHERE enrollment_id = ?", e2), 1);
    assert_true(
        q_int(t, "SELECT COUNT(*) FROM enrollments WHERE id = ? AND to_month IS NULL", e2) == 1);

    /* The next review of the first household: the county stops it from the next month. */
    assert_int_equal(mz_db_run(t->db, NULL,
                               "UPDATE enrollments SET next_review_on = '2026-05-01' WHERE id = ?",
                               "i", e1),
                     MZ_DB_OK);
    assert_int_equal(schedule(t, "2026-05-01"), 1);
    int64_t r3 = open_review(t, h1);
    assert_true(r3 != r1);
    tcase_act_ok(t, &c.town, r3, "recheck", NULL, "2026-05-06");
    assert_int_equal(tcase_act(t, &c.county_approver, r3, "stop", NULL, "2026-05-12", &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "data.reasons");
    tcase_act_ok(t, &c.county_approver, r3, "stop", "{\"reasons\":[\"家庭收入超过标准\"]}",
                 "2026-05-12");
    assert_text(t, "SELECT outcome FROM cases WHERE id = ?", r3, "terminated");
    assert_text(t, "SELECT status FROM enrollments WHERE id = ?", e1, "stopped");
    assert_text(t, "SELECT to_month FROM enrollments WHERE id = ?", e1, "2026-05");
    assert_int_equal(q_int(t,
                           "SELECT case_id FROM enrollment_changes WHERE enrollment_id = ? "
                           "AND kind = 'stop' AND from_month = '2026-06'",
                           e1),
                     r3);
    /* A stopped enrollment is not reviewed again. */
    assert_int_equal(mz_db_run(t->db, NULL,
                               "UPDATE enrollments SET next_review_on = '2026-06-01' WHERE id = ?",
                               "i", e1),
                     MZ_DB_OK);
    assert_int_equal(schedule(t, "2026-06-01"), 0);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_schedule_by_class),
        BOTH(test_review_outcomes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
