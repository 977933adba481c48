/*
 * Tests for src/systems/assistance/params.c: the policy values of the
 * 社会救助 rules for a village on a date, loaded from the seeded policy
 * (migration 002) with the row each came from; a county's own value winning
 * from its effective date; no value in force (before the 宿迁 standard);
 * stored values the rules cannot read; and the seeded policy run through
 * the rules end to end.  Every case runs on SQLite and, with MZ_TEST_PG_URL,
 * on PostgreSQL (see testdb.h).
 */
#include "testdb.h"

#include "base/date.h"
#include "core/policy.h"
#include "systems/assistance/params.h"

#define VILLAGE_FENGHUANG "321302001001" /* 凤凰居委会, 幸福街道, 宿城区 */
#define VILLAGE_GUCHENG "321322001002"   /* 古城社区居委会, 沭城街道, 沭阳县 */

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_assistance_params");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_assistance_params");
}

static void load_ok(tdb *t, const char *region, const char *day, mz_assist_params *p)
{
    mz_error err;
    mz_error_clear(&err);
    if (mz_assist_params_load(t->db, region, day, p, &err) != 0)
        fail_msg("params for %s on %s: %s %s %s", region, day, err.code, err.field, err.message);
}

static void test_seeded(void **state)
{
    tdb *t = tdb_get(state);
    mz_assist_params p;
    unsigned mask;
    load_ok(t, VILLAGE_FENGHUANG, "2021-06-01", &p);

    const struct {
        const mz_assist_param *v;
        const char *program, *param, *prefix, *from;
        int64_t num;
    } want[] = {
        {&p.dibao_standard, "dibao", "standard_monthly", "3213", "2020-01-01", 61000},
        {&p.financial_assets_months, "dibao", "financial_assets_months", "", "2000-01-01", 24},
        {&p.vehicle_limit, "dibao", "vehicle_limit", "", "2000-01-01", 0},
        {&p.housing_limit, "dibao", "housing_limit", "", "2000-01-01", 1},
        {&p.single_income_ratio, "dibao", "single_person_income_ratio", "", "2000-01-01", 15000},
        {&p.taper_months, "dibao", "taper_months", "", "2000-01-01", 6},
        {&p.township_approval, "dibao", "township_approval", "", "2000-01-01", 0},
        {&p.tekun_basic_ratio, "tekun", "basic_ratio", "", "2000-01-01", 13000},
        {&p.tekun_care_self, "tekun", "care_self", "", "2000-01-01", 0},
        {&p.tekun_care_half, "tekun", "care_half", "", "2000-01-01", 30000},
        {&p.tekun_care_full, "tekun", "care_full", "", "2000-01-01", 60000},
        {&p.edge_income_ratio, "edge", "income_ratio", "", "2000-01-01", 15000},
        {&p.rigid_disposable_monthly, "rigid", "disposable_income_monthly", "3213", "2020-01-01",
         220000},
        {&p.temp_multiplier_emergency, "temporary", "multiplier_emergency", "", "2000-01-01",
         30000},
        {&p.temp_multiplier_expenditure, "temporary", "multiplier_expenditure", "", "2000-01-01",
         20000},
        {&p.temp_cap, "temporary", "cap", "", "2000-01-01", 1000000},
        {&p.temp_township_limit, "temporary", "township_limit", "", "2000-01-01", 100000},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const mz_assist_param *v = want[i].v;
        if (v->num != want[i].num || strcmp(v->program, want[i].program) != 0 ||
            strcmp(v->param, want[i].param) != 0 || strcmp(v->region_prefix, want[i].prefix) != 0 ||
            strcmp(v->effective_from, want[i].from) != 0 || v->id <= 0)
            fail_msg("%s.%s: %lld from \"%s\" %s id %lld", want[i].program, want[i].param,
                     (long long)v->num, v->region_prefix, v->effective_from, (long long)v->id);
    }
    assert_string_equal(p.dibao_standard.text, "61000");
    assert_string_equal(p.rounding.text, "none");
    assert_int_equal(p.rounding_rule, MZ_ASSIST_ROUND_NONE);
    assert_int_equal(mz_assist_income_mask("basic_pension,youfu,family_planning,scholarship,"
                                           "bravery,assistance,elderly_allowance",
                                           &mask),
                     0);
    assert_int_equal(p.exempt_mask, mask);
    assert_int_equal(p.exempt_income_types.num, 0);
    /* The ids are the rows themselves. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM policy_params WHERE program = 'dibao' "
                                      "AND param = 'standard_monthly' AND region_prefix = '3213'"),
                     1);
}

static void test_county_value_wins_from_its_date(void **state)
{
    tdb *t = tdb_get(state);
    mz_assist_params p;
    mz_error err;
    int64_t id = 0;
    mz_error_clear(&err);
    tdb_begin(t);
    if (mz_policy_add(t->db, &t->cli, "dibao", "standard_monthly", "321302000000", "2021-07-01",
                      "650", "宿城区标准", &id, &err) != 0)
        fail_msg("%s %s", err.code, err.message);
    tdb_commit(t);

    load_ok(t, VILLAGE_FENGHUANG, "2021-06-30", &p);
    assert_int_equal(p.dibao_standard.num, 61000);
    assert_string_equal(p.dibao_standard.region_prefix, "3213");
    load_ok(t, VILLAGE_FENGHUANG, "2021-07-01", &p);
    assert_int_equal(p.dibao_standard.num, 65000);
    assert_string_equal(p.dibao_standard.region_prefix, "321302");
    assert_string_equal(p.dibao_standard.effective_from, "2021-07-01");
    assert_int_equal(p.dibao_standard.id, id);
    load_ok(t, VILLAGE_GUCHENG, "2021-07-01", &p);
    assert_int_equal(p.dibao_standard.num, 61000);
}

static void test_no_value_in_force(void **state)
{
    tdb *t = tdb_get(state);
    mz_assist_params p;
    mz_error err;
    mz_error_clear(&err);
    assert_int_equal(mz_assist_params_load(t->db, VILLAGE_FENGHUANG, "2019-12-31", &p, &err), -1);
    tdb_assert_err(err, 404, "not_found", "dibao.standard_monthly");
}

static void test_unreadable_values(void **state)
{
    tdb *t = tdb_get(state);
    mz_assist_params p;
    mz_error err;

    /* Rows written past the catalogue's checks (as a broken import would). */
    tdb_exec(t->db, "INSERT INTO policy_params (program, param, region_prefix, effective_from, "
                    "value, note, created_by, created_at) VALUES ('dibao', 'rounding', '321302', "
                    "'2022-01-01', 'floor', NULL, 'test', '2026-01-01T00:00:00Z')");
    tdb_exec(t->db, "INSERT INTO policy_params (program, param, region_prefix, effective_from, "
                    "value, note, created_by, created_at) VALUES ('dibao', 'exempt_income_types', "
                    "'321322', '2022-01-01', 'youfu,lottery', NULL, 'test', "
                    "'2026-01-01T00:00:00Z')");
    mz_error_clear(&err);
    assert_int_equal(mz_assist_params_load(t->db, VILLAGE_FENGHUANG, "2022-01-01", &p, &err), -1);
    tdb_assert_err(err, 500, "internal", "");
    mz_error_clear(&err);
    assert_int_equal(mz_assist_params_load(t->db, VILLAGE_GUCHENG, "2022-01-01", &p, &err), -1);
    tdb_assert_err(err, 500, "internal", "");
    /* The day before, the national values still read. */
    load_ok(t, VILLAGE_FENGHUANG, "2021-12-31", &p);
    load_ok(t, VILLAGE_GUCHENG, "2021-12-31", &p);
}

/* The seeded policy through the rules: the 3-person household of the issue. */
static void test_end_to_end(void **state)
{
    tdb *t = tdb_get(state);
    mz_assist_params p;
    mz_assist_member m[3];
    mz_assist_income in = {.member = 0, .type = MZ_ASSIST_INC_WAGE, .monthly_fen = 100001};
    mz_assist_result r;
    mz_error err;
    static const char *const ids[] = {"32130219800101011", "32130219820202012",
                                      "32130220100303013"};
    char id[19];

    load_ok(t, VILLAGE_FENGHUANG, "2021-06-01", &p);
    memset(m, 0, sizeof m);
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof id, "%s", ids[i]);
        id[17] = mz_idnum_check_char(id);
        id[18] = '\0';
        assert_int_equal(mz_idnum_check(id, &m[i].id), 0);
        m[i].relation = i == 0 ? MZ_ASSIST_REL_SELF : MZ_ASSIST_REL_CHILD;
    }
    mz_assist_case c = {.program = MZ_ASSIST_DIBAO,
                        .members = m,
                        .nmembers = 3,
                        .incomes = &in,
                        .nincomes = 1,
                        .support_mode = -1};
    assert_int_equal(mz_date_parse("2021-06-01", &c.day), 0);
    mz_assist_result_init(&r);
    mz_error_clear(&err);
    assert_int_equal(mz_assist_assess(&c, &p, &r, &err), 0);
    assert_int_equal(r.category, MZ_ASSIST_CAT_DIBAO);
    assert_int_equal(r.per_capita_income_fen, 33333);
    assert_int_equal(r.monthly_amount_fen, 83001);
    assert_int_equal(r.standard_fen, 61000);
    assert_ptr_equal(r.steps[1].policy, &p.dibao_standard);
    assert_true(r.steps[1].policy->id > 0);
    mz_assist_result_cleanup(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_seeded, setup_sqlite, tdb_teardown),
        cmocka_unit_test_setup_teardown(test_county_value_wins_from_its_date, setup_sqlite,
                                        tdb_teardown),
        cmocka_unit_test_setup_teardown(test_no_value_in_force, setup_sqlite, tdb_teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_values, setup_sqlite, tdb_teardown),
        cmocka_unit_test_setup_teardown(test_end_to_end, setup_sqlite, tdb_teardown),
        cmocka_unit_test_setup_teardown(test_seeded, setup_pg, tdb_teardown),
        cmocka_unit_test_setup_teardown(test_county_value_wins_from_its_date, setup_pg,
                                        tdb_teardown),
        cmocka_unit_test_setup_teardown(test_no_value_in_force, setup_pg, tdb_teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_values, setup_pg, tdb_teardown),
        cmocka_unit_test_setup_teardown(test_end_to_end, setup_pg, tdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
