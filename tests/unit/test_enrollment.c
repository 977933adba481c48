/*
 * Tests for src/core/enrollment.c through the case engine: approving a 低保
 * case enrolls the household, a 特困 case the person, from the month after
 * the approval with the amount of the recorded assessment; an approval
 * without an assessed amount is refused (409) and leaves the case where it
 * was; a 特困终止 case stops the person's enrollment from the next month;
 * every change is in the history and the audit log; reads keep to the
 * actor's subtree.  SQLite and, with MZ_TEST_PG_URL, PostgreSQL.
 */
#include "testdb.h"
#include "testcase.h"

#include "base/date.h"
#include "core/case.h"
#include "core/enrollment.h"
#include "systems/assistance/case_types.h"

#define TOWN "321302001000"    /* 幸福街道 */
#define VILLAGE "321302001001" /* 凤凰居委会 */
#define COUNTY "321302000000"  /* 宿城区 */
#define TOWN2 "321311001000"   /* 宿豫区的一个乡镇 */

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_enrollment");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_enrollment");
}

typedef struct cast {
    mz_actor village, town, county, county_approver, elsewhere;
} cast;

static void make_cast(tdb *t, cast *c)
{
    tdb_actor(t, tdb_user(t, "vwk", "village_worker", VILLAGE), &c->village);
    tdb_actor(t, tdb_user(t, "twk", "township_worker", TOWN), &c->town);
    tdb_actor(t, tdb_user(t, "cwk", "county_worker", COUNTY), &c->county);
    tdb_actor(t, tdb_user(t, "cap", "county_approver", COUNTY), &c->county_approver);
    tdb_actor(t, tdb_user(t, "tw2", "township_worker", TOWN2), &c->elsewhere);
}

/* A household of one person (76, unable to work) in VILLAGE with a bank account; *person gets the
 * person. */
static int64_t household(tdb *t, const char *id_number, int64_t *person)
{
    int64_t h = 0;
    tdb_begin(t);
    if (mz_db_query_int64(
            t->db, person,
            "INSERT INTO persons (id_number, name, gender, birth_date, "
            "labour_capacity, created_region, created_at, updated_at) VALUES (?, "
            "'赵六', 'M', '1950-01-01', 'none', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') "
            "RETURNING id",
            "tt", id_number, VILLAGE) != MZ_DB_ROW ||
        mz_db_query_int64(t->db, &h,
                          "INSERT INTO households (region_code, kind, address, bank_name, "
                          "bank_account, head_person_id, created_at, updated_at) VALUES (?, "
                          "'urban', '幸福路1号', '农商银行', '6228480012345678', ?, "
                          "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id",
                          "ti", VILLAGE, *person) != MZ_DB_ROW ||
        mz_db_run(t->db, NULL,
                  "INSERT INTO household_members (household_id, person_id, relation, joined_on, "
                  "created_at) VALUES (?, ?, 'self', '1950-01-01', '2026-01-01T00:00:00Z')",
                  "ii", h, *person) != MZ_DB_OK)
        fail_msg("household: %s", mz_db_errmsg(t->db));
    tdb_commit(t);
    return h;
}

static int64_t new_case(tdb *t, const mz_actor *a, const char *type, int64_t hh, int64_t person,
                        const char *data)
{
    json_t *d = data ? json_loads(data, 0, NULL) : NULL, *out = NULL;
    mz_case_input in = {.case_type = type,
                        .region_code = hh ? NULL : VILLAGE,
                        .household_id = hh,
                        .applicant_person_id = person,
                        .applicant_name = "赵六",
                        .channel = "online",
                        .authorisation_recorded = 1,
                        .data = d};
    mz_error err;
    mz_error_clear(&err);
    tdb_begin(t);
    if (mz_case_create(t->db, mz_assist_case_registry(), a, &in, tcase_day("2026-03-02"), &out,
                       &err) != 0)
        fail_msg("create %s: %s %s", type, err.code ? err.code : "", err.message);
    tdb_commit(t);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    json_decref(d);
    return id;
}

/* A 特困 case up to the county's review, with the given assessment. */
static int64_t tekun_to_review(tdb *t, cast *c, int64_t hh, int64_t person, const char *assessment)
{
    char data[256];
    int64_t id = new_case(t, &c->town, "tekun", hh, person, "{\"support_mode\":\"dispersed\"}");
    tcase_attach(t, &c->village, id, "application_form");
    tcase_attach(t, &c->village, id, "authorisation");
    tcase_act_ok(t, &c->town, id, "accept", NULL, "2026-03-02");
    tcase_attach(t, &c->town, id, "visit_record");
    snprintf(data, sizeof data, "{\"investigators\":[\"甲\",\"乙\"],\"assessment\":%s}",
             assessment);
    tcase_act_ok(t, &c->town, id, "investigate", data, "2026-03-03");
    tcase_act_ok(t, &c->town, id, "submit", NULL, "2026-03-10");
    return id;
}

/* data.assessment.monthly_amount_fen as the case recorded it; -1 when absent. */
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

/* The enrollment of case id records the basis of the case's assessment (migration 006). */
static void assert_basis(tdb *t, int64_t id, const char *category)
{
    char *d = NULL;
    if (mz_db_query_text(t->db, &d, "SELECT data FROM cases WHERE id = ?", "i", id) != MZ_DB_ROW)
        fail_msg("case %lld: %s", (long long)id, mz_db_errmsg(t->db));
    json_t *j = json_loads(d, 0, NULL);
    json_t *a = json_object_get(j, "assessment");
    mz_free(d);
    mz_stmt *st = mz_db_prepare_bind(t->db,
                                     "SELECT basis_category, basis_counted_members, "
                                     "basis_per_capita_income_fen, basis_care_level FROM "
                                     "enrollments WHERE case_id = ?",
                                     "i", id);
    assert_non_null(st);
    assert_int_equal(mz_stmt_step(st), MZ_DB_ROW);
    assert_string_equal(mz_stmt_text(st, 0), category);
    assert_string_equal(mz_stmt_text(st, 0), json_string_value(json_object_get(a, "category")));
    assert_int_equal(mz_stmt_int64(st, 1),
                     json_integer_value(json_object_get(a, "counted_members")));
    assert_int_equal(mz_stmt_int64(st, 2),
                     json_integer_value(json_object_get(a, "per_capita_income_fen")));
    json_t *care = json_object_get(a, "care_level");
    if (json_is_string(care))
        assert_string_equal(mz_stmt_text(st, 3), json_string_value(care));
    else
        assert_true(mz_stmt_is_null(st, 3));
    mz_stmt_finalize(st);
    json_decref(j);
}

static int64_t count_where(tdb *t, const char *sql, int64_t id)
{
    int64_t n = -1;
    if (mz_db_query_int64(t->db, &n, sql, "i", id) != MZ_DB_ROW)
        fail_msg("%s: %s", sql, mz_db_errmsg(t->db));
    return n;
}

static void test_tekun_enrolls_the_person(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    json_t *out = NULL;
    int64_t person = 0;
    make_cast(t, &c);
    int64_t hh = household(t, "321302195001010014", &person);

    /* Without an assessed amount (a case without a household records the caller's
     * assessment) the approval is refused and the case stays in review. */
    int64_t bare = tekun_to_review(t, &c, 0, 0, "{\"eligible\":true}");
    assert_int_equal(tcase_act(t, &c.county_approver, bare, "approve", NULL, "2026-03-20", &err),
                     -1);
    tdb_assert_err(err, 409, "amount_missing", "data.assessment.monthly_amount_fen");
    assert_int_equal(count_where(t,
                                 "SELECT COUNT(*) FROM cases WHERE id = ? AND state = "
                                 "'county_review'",
                                 bare),
                     1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM enrollments"), 0);

    /* With a household the registry's calculator assesses it; its amount is enrolled. */
    int64_t id = tekun_to_review(t, &c, hh, person, "{\"eligible\":true}");
    int64_t amount = assessed_amount(t, id);
    assert_true(amount > 0);
    tcase_act_ok(t, &c.county_approver, id, "approve", NULL, "2026-03-20");
    assert_basis(t, id, "tekun");
    int64_t eid = 0;
    assert_int_equal(
        mz_db_query_int64(t->db, &eid, "SELECT id FROM enrollments WHERE case_id = ?", "i", id),
        MZ_DB_ROW);
    assert_int_equal(mz_enrollment_get(t->db, &c.town, eid, &out, &err), 0);
    assert_string_equal(json_string_value(json_object_get(out, "program")), "tekun");
    assert_int_equal(json_integer_value(json_object_get(out, "person_id")), person);
    assert_int_equal(json_integer_value(json_object_get(out, "household_id")), hh);
    assert_int_equal(json_integer_value(json_object_get(out, "monthly_amount_fen")), amount);
    assert_string_equal(json_string_value(json_object_get(out, "from_month")), "2026-04");
    assert_true(json_is_null(json_object_get(out, "to_month")));
    assert_string_equal(json_string_value(json_object_get(out, "status")), "in_force");
    json_t *ch = json_array_get(json_object_get(out, "changes"), 0);
    assert_string_equal(json_string_value(json_object_get(ch, "kind")), "create");
    assert_int_equal(json_integer_value(json_object_get(ch, "case_id")), id);
    assert_string_equal(json_string_value(json_object_get(ch, "actor_name")), "cap");
    json_decref(out);
    assert_int_equal(count_where(t,
                                 "SELECT COUNT(*) FROM audit_log WHERE action = "
                                 "'enrollment.create' AND object_id = CAST(? AS TEXT)",
                                 eid),
                     1);

    /* Outside the subtree it does not exist; lists keep to the subtree too. */
    assert_int_equal(mz_enrollment_get(t->db, &c.elsewhere, eid, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    mz_enrollment_filter f = {.program = "tekun"};
    assert_int_equal(mz_enrollment_list(t->db, &c.elsewhere, &f, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
    json_decref(out);
    assert_int_equal(mz_enrollment_list(t->db, &c.village, &f, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_decref(out);

    /* 特困终止 decided on 16 April: no support from May. */
    int64_t term =
        new_case(t, &c.town, "tekun_termination", hh, person, "{\"reason\":\"已由子女赡养\"}");
    tcase_act_ok(t, &c.town, term, "publicize", NULL, "2026-04-01");
    tcase_act_ok(t, &c.town, term, "submit", NULL, "2026-04-08");
    tcase_act_ok(t, &c.county_approver, term, "terminate", "{\"reasons\":[\"有赡养人\"]}",
                 "2026-04-16");
    assert_int_equal(mz_enrollment_get(t->db, &c.county, eid, &out, &err), 0);
    assert_string_equal(json_string_value(json_object_get(out, "status")), "stopped");
    assert_string_equal(json_string_value(json_object_get(out, "to_month")), "2026-04");
    ch = json_array_get(json_object_get(out, "changes"), 1);
    assert_string_equal(json_string_value(json_object_get(ch, "kind")), "stop");
    assert_string_equal(json_string_value(json_object_get(ch, "from_month")), "2026-05");
    assert_int_equal(json_integer_value(json_object_get(ch, "case_id")), term);
    json_decref(out);
}

/* 低保 enrolls the household: a member's death alone does not stop it, the last one does. */
static void test_dibao_enrolls_the_household(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    json_t *out = NULL;
    int64_t person = 0;
    make_cast(t, &c);
    int64_t hh = household(t, "321302195001010030", &person);
    int64_t id = new_case(t, &c.village, "dibao", hh, person, NULL);
    tcase_attach(t, &c.village, id, "application_form");
    tcase_attach(t, &c.village, id, "authorisation");
    tcase_act_ok(t, &c.town, id, "accept", NULL, "2026-03-02");
    tcase_attach(t, &c.town, id, "visit_record");
    tcase_act_ok(t, &c.town, id, "investigate", "{\"investigators\":[\"李四\",\"王五\"]}",
                 "2026-03-02");
    tcase_act_ok(t, &c.county, id, "verify",
                 "{\"assessment\":{\"eligible\":true,\"monthly_amount_fen\":83001}}", "2026-03-02");
    tcase_act_ok(t, &c.town, id, "submit", NULL, "2026-03-09");
    tcase_act_ok(t, &c.county_approver, id, "approve", NULL, "2026-03-31");
    assert_basis(t, id, "dibao");
    int64_t amount = assessed_amount(t, id);
    assert_true(amount > 0);
    int64_t got = 0;
    assert_int_equal(
        mz_db_query_int64(t->db, &got,
                          "SELECT monthly_amount_fen FROM enrollments WHERE case_id = ? "
                          "AND person_id IS NULL AND household_id IS NOT NULL AND "
                          "from_month = '2026-04' AND status = 'in_force'",
                          "i", id),
        MZ_DB_ROW);
    assert_int_equal(got, amount);
    int64_t stopped = -1;
    tdb_begin(t);
    assert_int_equal(mz_enrollment_apply_deaths(t->db, &t->cli, &stopped, &err), 0);
    tdb_commit(t);
    assert_int_equal(stopped, 0);
    assert_int_equal(mz_db_run(t->db, NULL,
                               "UPDATE persons SET deceased_on = '2026-06-30' WHERE id = ?", "i",
                               person),
                     MZ_DB_OK);
    tdb_begin(t);
    assert_int_equal(mz_enrollment_apply_deaths(t->db, &t->cli, &stopped, &err), 0);
    tdb_commit(t);
    assert_int_equal(stopped, 1);
    mz_enrollment_filter f = {.status = "stopped", .household_id = hh};
    assert_int_equal(mz_enrollment_list(t->db, &c.town, &f, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_t *e = json_array_get(json_object_get(out, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "to_month")), "2026-06");
    json_decref(out);
    /* Applied once: a second pass stops nothing more. */
    tdb_begin(t);
    assert_int_equal(mz_enrollment_apply_deaths(t->db, &t->cli, &stopped, &err), 0);
    tdb_commit(t);
    assert_int_equal(stopped, 0);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_tekun_enrolls_the_person),
        BOTH(test_dibao_enrolls_the_household),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
