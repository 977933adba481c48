/*
 * Tests for the payroll paying the amount of the policy in force in each
 * month (core/payroll.h, mz_payroll_options.amount, with the hook of
 * systems/assistance/amount.h): a 低保 and a 特困 enrollment with a recorded
 * basis follow a raised 低保 standard from its month on, back pay uses the
 * standard of the month paid back, an enrollment without a basis (or of a
 * category that does not determine an amount, 单人保, or in 渐退) keeps its
 * fixed amount, and so does every line when the hook is not given.  Each line names the
 * standard and the policy row that decided it.  SQLite and, with
 * MZ_TEST_PG_URL, PostgreSQL.
 */
#include "testdb.h"

#include "core/payroll.h"
#include "core/policy.h"
#include "systems/assistance/amount.h"
#include "systems/assistance/params.h"

#define VILLAGE "321302001001" /* 宿城区 凤凰居委会 */
#define CITY "321300000000"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_payroll_policy");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_payroll_policy");
}

/* Inserts an open enrollment from from; category NULL: no basis (made before migration 006). */
static int64_t enroll(tdb *t, const char *program, int64_t amount, const char *from,
                      const char *category, int64_t members, int64_t per_capita, const char *care)
{
    int64_t id = 0;
    if (mz_db_query_int64(t->db, &id,
                          "INSERT INTO enrollments (program, payee_name, region_code, "
                          "monthly_amount_fen, from_month, status, created_at, updated_at, "
                          "basis_category, basis_counted_members, basis_per_capita_income_fen, "
                          "basis_care_level) VALUES (?, '张三', ?, ?, ?, 'in_force', "
                          "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ?, NULLIF(?, 0), "
                          "NULLIF(?, -1), ?) RETURNING id",
                          "ttittiit", program, VILLAGE, amount, from, category, members, per_capita,
                          care) != MZ_DB_ROW)
        fail_msg("enroll: %s", mz_db_errmsg(t->db));
    return id;
}

static void run(tdb *t, const char *month, int hook)
{
    /* A fresh policy cache per run, as the CLI and the API use it. */
    mz_payroll_options o = {.stale_seconds = -1,
                            .amount = mz_assist_payroll_amount,
                            .amount_arg = mz_assist_params_cache_new()};
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);
    int rc = mz_payroll_run(t->db, &t->cli, month, hook ? &o : NULL, &out, &err);
    mz_assist_params_cache_free(o.amount_arg);
    if (rc != 0)
        fail_msg("run %s: %s %s", month, err.code ? err.code : "", err.message);
    json_decref(out);
}

/* The amount of a line; -1 when there is none. */
static int64_t paid(tdb *t, int64_t enrollment, const char *month, const char *kind)
{
    int64_t v = -1;
    int rc = mz_db_query_int64(t->db, &v,
                               "SELECT amount_fen FROM payment_lines WHERE enrollment_id = ? AND "
                               "month = ? AND kind = ?",
                               "itt", enrollment, month, kind);
    if (rc < 0)
        fail_msg("paid: %s", mz_db_errmsg(t->db));
    return rc == MZ_DB_ROW ? v : -1;
}

/* The standard_fen (col "standard_fen") or policy_param_id of a regular line; 0 when NULL. */
static int64_t decided_by(tdb *t, int64_t enrollment, const char *month, const char *col)
{
    char sql[200];
    int64_t v = 0;
    snprintf(sql, sizeof sql,
             "SELECT COALESCE(%s, 0) FROM payment_lines WHERE enrollment_id = ? AND month = ? "
             "AND kind = 'regular'",
             col);
    if (mz_db_query_int64(t->db, &v, sql, "it", enrollment, month) != MZ_DB_ROW)
        fail_msg("%s: %s", sql, mz_db_errmsg(t->db));
    return v;
}

static void test_amount_follows_the_standard(void **state)
{
    tdb *t = tdb_get(state);
    mz_error err;
    int64_t city_row = 0, raised = 0;
    assert_int_equal(mz_db_query_int64(t->db, &city_row,
                                       "SELECT id FROM policy_params WHERE program = 'dibao' AND "
                                       "param = 'standard_monthly' AND region_prefix = '3213'",
                                       ""),
                     MZ_DB_ROW);
    tdb_begin(t);
    /* (610.00 − 333.33) × 3 = 830.01; 610.00 × 1.3 + 半护理 300.00 = 1093.00 */
    int64_t dibao = enroll(t, "dibao", 83001, "2026-12", "dibao", 3, 33333, NULL);
    int64_t tekun = enroll(t, "tekun", 109300, "2026-12", "tekun", 1, 0, "half");
    int64_t fixed = enroll(t, "dibao", 50000, "2026-12", NULL, 0, -1, NULL);
    int64_t single = enroll(t, "dibao", 12345, "2026-12", "dibao_single", 2, 70000, NULL);
    int64_t taper = enroll(t, "dibao", 40000, "2026-12", "dibao", 2, 50000, NULL);
    assert_int_equal(
        mz_db_run(t->db, NULL, "UPDATE enrollments SET status = 'taper' WHERE id = ?", "i", taper),
        MZ_DB_OK);
    tdb_commit(t);

    run(t, "2026-12", 1);
    assert_int_equal(paid(t, dibao, "2026-12", "regular"), 83001);
    assert_int_equal(paid(t, tekun, "2026-12", "regular"), 109300);
    assert_int_equal(paid(t, fixed, "2026-12", "regular"), 50000);
    assert_int_equal(paid(t, single, "2026-12", "regular"), 12345);
    assert_int_equal(paid(t, taper, "2026-12", "regular"), 40000);
    assert_int_equal(decided_by(t, dibao, "2026-12", "standard_fen"), 61000);
    assert_int_equal(decided_by(t, dibao, "2026-12", "policy_param_id"), city_row);
    assert_int_equal(decided_by(t, fixed, "2026-12", "standard_fen"), 0);
    assert_int_equal(decided_by(t, single, "2026-12", "policy_param_id"), 0);

    /* 宿迁 raises the standard to 650.00 from 2027-01-01: a new policy row, nothing else. */
    tdb_begin(t);
    if (mz_policy_add(t->db, &t->cli, "dibao", "standard_monthly", CITY, "2027-01-01", "650.00",
                      "宿迁市2027年低保标准", &raised, &err) != 0)
        fail_msg("policy: %s", err.message);
    tdb_commit(t);

    /* A month once generated stays as it was. */
    run(t, "2026-12", 1);
    assert_int_equal(paid(t, dibao, "2026-12", "regular"), 83001);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM payment_lines"), 5);

    run(t, "2027-01", 1);
    assert_int_equal(paid(t, dibao, "2027-01", "regular"), 95001);  /* (650.00 − 333.33) × 3 */
    assert_int_equal(paid(t, tekun, "2027-01", "regular"), 114500); /* 845.00 + 300.00 */
    assert_int_equal(paid(t, fixed, "2027-01", "regular"), 50000);
    assert_int_equal(paid(t, single, "2027-01", "regular"), 12345);
    assert_int_equal(paid(t, taper, "2027-01", "regular"), 40000); /* 渐退 keeps its amount */
    assert_int_equal(decided_by(t, dibao, "2027-01", "standard_fen"), 65000);
    assert_int_equal(decided_by(t, tekun, "2027-01", "policy_param_id"), raised);
    assert_int_equal(tdb_count(t->db, "SELECT total_fen FROM payroll_runs WHERE month = "
                                      "'2027-01'"),
                     95001 + 114500 + 50000 + 12345 + 40000);

    /* Approved into the past after those runs: each month is paid back at its own standard. */
    tdb_begin(t);
    int64_t late = enroll(t, "dibao", 61000, "2026-12", "dibao", 1, 0, NULL);
    tdb_commit(t);
    run(t, "2027-02", 1);
    assert_int_equal(paid(t, late, "2026-12", "back_pay"), 61000);
    assert_int_equal(paid(t, late, "2027-01", "back_pay"), 65000);
    assert_int_equal(paid(t, late, "2027-02", "regular"), 65000);

    /* Without the hook every line pays the amount fixed at approval. */
    run(t, "2027-03", 0);
    assert_int_equal(paid(t, dibao, "2027-03", "regular"), 83001);
    assert_int_equal(paid(t, tekun, "2027-03", "regular"), 109300);
    assert_int_equal(decided_by(t, dibao, "2027-03", "standard_fen"), 0);
}

/* The pure function: the rounding of the assessment, a standard below the income, overflow. */
static void test_basis_amount(void **state)
{
    tdb *t = tdb_get(state);
    mz_assist_params p;
    mz_error err;
    int64_t a = -1;
    mz_error_clear(&err);
    assert_int_equal(mz_assist_params_load(t->db, VILLAGE, "2026-12-01", &p, &err), 0);
    mz_payroll_basis b = {.program = "dibao",
                          .category = "dibao",
                          .counted_members = 3,
                          .per_capita_income_fen = 33333,
                          .region_code = VILLAGE};
    assert_int_equal(mz_assist_basis_amount(&b, &p, &a, &err), 1);
    assert_int_equal(a, 83001);
    p.rounding_rule = MZ_ASSIST_ROUND_YUAN_UP;
    assert_int_equal(mz_assist_basis_amount(&b, &p, &a, &err), 1);
    assert_int_equal(a, 83100);
    p.rounding_rule = MZ_ASSIST_ROUND_YUAN_ROUND;
    assert_int_equal(mz_assist_basis_amount(&b, &p, &a, &err), 1);
    assert_int_equal(a, 83000);
    b.per_capita_income_fen = 61000;
    assert_int_equal(mz_assist_basis_amount(&b, &p, &a, &err), 1);
    assert_int_equal(a, 0);
    b.per_capita_income_fen = -1; /* not recorded */
    a = -1;
    assert_int_equal(mz_assist_basis_amount(&b, &p, &a, &err), 0);
    assert_int_equal(a, -1);
    b = (mz_payroll_basis){.category = "tekun", .care_level = "full", .region_code = VILLAGE};
    p.dibao_standard.num = 61001; /* 61001 × 1.3 = 79301.3: rounded down */
    assert_int_equal(mz_assist_basis_amount(&b, &p, &a, &err), 1);
    assert_int_equal(a, 79301 + 60000);
    b.care_level = NULL;
    assert_int_equal(mz_assist_basis_amount(&b, &p, &a, &err), 0);
    b = (mz_payroll_basis){.category = "dibao_taper", .counted_members = 2};
    assert_int_equal(mz_assist_basis_amount(&b, &p, &a, &err), 0);
    b = (mz_payroll_basis){.category = "dibao", .counted_members = INT64_MAX / 2};
    assert_int_equal(mz_assist_basis_amount(&b, &p, &a, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "enrollment");
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

/*
 * One run's policy cache (amount.c) shares a param set between villages only
 * when the same policy rows apply: a county's own standard reaches its
 * villages and no others, before and after villages of other counties.
 */
static void test_county_standard_in_one_run(void **state)
{
    tdb *t = tdb_get(state);
    mz_error err;
    int64_t county_row = 0;
    tdb_begin(t);
    if (mz_policy_add(t->db, &t->cli, "dibao", "standard_monthly", "321311000000", "2026-01-01",
                      "650.00", "宿豫区标准", &county_row, &err) != 0)
        fail_msg("policy: %s", err.message);
    int64_t a = enroll(t, "dibao", 1, "2026-12", "dibao", 2, 10000, NULL);
    int64_t b = enroll(t, "dibao", 1, "2026-12", "dibao", 2, 10000, NULL);
    int64_t c = enroll(t, "dibao", 1, "2026-12", "dibao", 2, 10000, NULL);
    int64_t d = enroll(t, "dibao", 1, "2026-12", "dibao", 2, 10000, NULL);
    assert_int_equal(mz_db_run(t->db, NULL,
                               "UPDATE enrollments SET region_code = CASE id WHEN ? THEN "
                               "'321302001002' WHEN ? THEN '321311001001' ELSE region_code END",
                               "ii", b, c),
                     MZ_DB_OK);
    tdb_commit(t);
    run(t, "2026-12", 1);
    assert_int_equal(paid(t, a, "2026-12", "regular"), 102000); /* (610 − 100) × 2 */
    assert_int_equal(paid(t, b, "2026-12", "regular"), 102000);
    assert_int_equal(paid(t, c, "2026-12", "regular"), 110000); /* (650 − 100) × 2 */
    assert_int_equal(paid(t, d, "2026-12", "regular"), 102000);
    assert_int_equal(decided_by(t, c, "2026-12", "policy_param_id"), county_row);
    assert_int_equal(decided_by(t, d, "2026-12", "standard_fen"), 61000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_amount_follows_the_standard),
        BOTH(test_county_standard_in_one_run),
        BOTH(test_basis_amount),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
