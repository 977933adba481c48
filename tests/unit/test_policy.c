/*
 * Tests for src/core/policy.c: which row decides (most specific region over
 * county over city over national; the latest effective date not after the
 * day; a future row ignored until its day, counted from that very day),
 * stored values that do not read for their unit, adding values (units,
 * bounds and words from the catalogue, regions and the actor's scope, dates,
 * notes, duplicates, the audit entry, nothing written on a refusal), and the
 * editor's list limited to what the actor may see.  Every case runs on
 * SQLite and, with MZ_TEST_PG_URL, on PostgreSQL (see testdb.h).
 */
#include "testdb.h"

#include "base/date.h"
#include "core/audit.h"
#include "core/policy.h"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_policy");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_policy");
}

#define VILLAGE_FENGHUANG "321302001001" /* 凤凰居委会, 幸福街道, 宿城区 */
#define VILLAGE_XINSHENG "321302001002"  /* 新盛居委会, 幸福街道 */
#define VILLAGE_GUOYUAN "321302002001"   /* 果园居委会, 项里街道, 宿城区 */
#define VILLAGE_GUCHENG "321322001002"   /* 古城社区居委会, 沭城街道, 沭阳县 */

/* Runs mz_policy_add in its own transaction, committing only on success. */
static int add(tdb *t, const mz_actor *a, const char *program, const char *param,
               const char *region, const char *day, const char *value, const char *note,
               int64_t *id, mz_error *err)
{
    int64_t tmp = 0;
    mz_error_clear(err);
    tdb_begin(t);
    int rc = mz_policy_add(t->db, a, program, param, region, day, value, note, id ? id : &tmp, err);
    if (rc == 0)
        tdb_commit(t);
    else
        mz_db_rollback(t->db);
    return rc;
}

/* Adds a value that must be accepted; returns its id. */
static int64_t must_add(tdb *t, const mz_actor *a, const char *program, const char *param,
                        const char *region, const char *day, const char *value)
{
    mz_error err;
    int64_t id = 0;
    if (add(t, a, program, param, region, day, value, NULL, &id, &err) != 0)
        fail_msg("adding %s.%s %s @%s from %s refused: %s %s %s", program, param, value,
                 region ? region : "national", day, err.code, err.field, err.message);
    assert_true(id > 0);
    return id;
}

/* The dibao standard in force, in fen; fails the test when there is none. */
static int64_t standard(tdb *t, const char *region, const char *day)
{
    mz_policy_value v;
    mz_error err;
    mz_error_clear(&err);
    if (mz_policy_get(t->db, "dibao", "standard_monthly", region, day, &v, &err) != 0)
        fail_msg("standard for %s on %s: %s %s", region, day, err.code, err.message);
    return v.num;
}

static int64_t rows(tdb *t)
{
    return tdb_count(t->db, "SELECT COUNT(*) FROM policy_params");
}

static int64_t audits(tdb *t)
{
    return tdb_count(t->db, "SELECT COUNT(*) FROM audit_log");
}

static void test_get_seeded(void **state)
{
    tdb *t = tdb_get(state);
    mz_policy_value v;
    mz_error err;

    /* 宿迁 2020: 610 yuan, set for the city, decides for a village of 宿城区. */
    assert_int_equal(mz_policy_get(t->db, "dibao", "standard_monthly", VILLAGE_FENGHUANG,
                                   "2021-06-01", &v, &err),
                     0);
    assert_int_equal(v.num, 61000);
    assert_string_equal(v.unit, "fen");
    assert_string_equal(v.text, "61000");
    assert_string_equal(v.region_prefix, "3213");
    assert_string_equal(v.effective_from, "2020-01-01");
    assert_string_equal(v.program, "dibao");
    assert_string_equal(v.param, "standard_monthly");
    assert_true(v.id > 0);
    assert_int_equal(standard(t, "321300000000", "2020-01-01"), 61000);

    /* Before the first row there is nothing to apply. */
    mz_error_clear(&err);
    assert_int_equal(mz_policy_get(t->db, "dibao", "standard_monthly", VILLAGE_FENGHUANG,
                                   "2019-12-31", &v, &err),
                     -1);
    tdb_assert_err(err, 404, "not_found", "param");

    /* National defaults of every unit. */
    assert_int_equal(
        mz_policy_get(t->db, "tekun", "basic_ratio", VILLAGE_GUCHENG, "2025-01-01", &v, &err), 0);
    assert_int_equal(v.num, 13000);
    assert_string_equal(v.unit, "ratio");
    assert_string_equal(v.region_prefix, "");
    assert_int_equal(
        mz_policy_get(t->db, "dibao", "taper_months", VILLAGE_GUCHENG, "2025-01-01", &v, &err), 0);
    assert_int_equal(v.num, 6);
    assert_int_equal(mz_policy_get(t->db, "dibao", "exempt_income_types", VILLAGE_GUCHENG,
                                   "2025-01-01", &v, &err),
                     0);
    assert_string_equal(v.unit, "list");
    assert_int_equal(v.num, 0);
    assert_non_null(strstr(v.text, "basic_pension"));
    assert_int_equal(
        mz_policy_get(t->db, "dibao", "rounding", VILLAGE_GUCHENG, "2025-01-01", &v, &err), 0);
    assert_string_equal(v.text, "none");

    /* Unknown parameters have no value anywhere. */
    mz_error_clear(&err);
    assert_int_equal(
        mz_policy_get(t->db, "dibao", "no_such", VILLAGE_GUCHENG, "2025-01-01", &v, &err), -1);
    tdb_assert_err(err, 404, "not_found", "param");
    mz_error_clear(&err);
    assert_int_equal(mz_policy_get(t->db, "no_such", "standard_monthly", VILLAGE_GUCHENG,
                                   "2025-01-01", &v, &err),
                     -1);
    tdb_assert_err(err, 404, "not_found", "param");
}

static void test_get_most_specific_region(void **state)
{
    tdb *t = tdb_get(state);

    /* National 500 from 2000, city 610 from 2020 (seeded), 宿城区 700 from 2022, 幸福街道 720
     * from 2023, 凤凰居委会 750 from 2024. */
    must_add(t, &t->cli, "dibao", "standard_monthly", NULL, "2000-01-01", "500");
    must_add(t, &t->cli, "dibao", "standard_monthly", "321302000000", "2022-01-01", "700");
    must_add(t, &t->cli, "dibao", "standard_monthly", "321302001000", "2023-01-01", "720");
    must_add(t, &t->cli, "dibao", "standard_monthly", VILLAGE_FENGHUANG, "2024-01-01", "750");

    assert_int_equal(standard(t, VILLAGE_FENGHUANG, "2019-12-31"), 50000);
    assert_int_equal(standard(t, VILLAGE_FENGHUANG, "2021-12-31"), 61000);
    assert_int_equal(standard(t, VILLAGE_FENGHUANG, "2022-01-01"), 70000);
    assert_int_equal(standard(t, VILLAGE_FENGHUANG, "2023-01-01"), 72000);
    assert_int_equal(standard(t, VILLAGE_FENGHUANG, "2024-01-01"), 75000);
    /* The sibling village has the township's value, the sibling township the county's. */
    assert_int_equal(standard(t, VILLAGE_XINSHENG, "2024-06-01"), 72000);
    assert_int_equal(standard(t, VILLAGE_GUOYUAN, "2024-06-01"), 70000);
    assert_int_equal(standard(t, "321302002000", "2024-06-01"), 70000);
    /* Another county keeps the city's value; the county itself its own. */
    assert_int_equal(standard(t, VILLAGE_GUCHENG, "2024-06-01"), 61000);
    assert_int_equal(standard(t, "321302000000", "2024-06-01"), 70000);
    assert_int_equal(standard(t, "321300000000", "2024-06-01"), 61000);

    /* The longest prefix wins even over a newer row of a shorter one: a city change in 2025
     * does not reach 宿城区, which set its own value. */
    must_add(t, &t->cli, "dibao", "standard_monthly", "321300000000", "2025-01-01", "800");
    assert_int_equal(standard(t, VILLAGE_GUOYUAN, "2025-06-01"), 70000);
    assert_int_equal(standard(t, VILLAGE_GUCHENG, "2025-06-01"), 80000);
}

static void test_get_effective_dates(void **state)
{
    tdb *t = tdb_get(state);
    const char *city = "321300000000";
    mz_policy_value v;
    mz_error err;

    must_add(t, &t->cli, "dibao", "standard_monthly", city, "2024-01-01", "620");
    int64_t id650 = must_add(t, &t->cli, "dibao", "standard_monthly", city, "2025-01-01", "650");
    /* Added out of order: insertion order must not matter. */
    must_add(t, &t->cli, "dibao", "standard_monthly", city, "2023-07-01", "615.50");
    /* Far in the future: ignored until its day. */
    must_add(t, &t->cli, "dibao", "standard_monthly", city, "2090-01-01", "900");

    assert_int_equal(standard(t, VILLAGE_GUCHENG, "2023-06-30"), 61000);
    assert_int_equal(standard(t, VILLAGE_GUCHENG, "2023-07-01"), 61550);
    assert_int_equal(standard(t, VILLAGE_GUCHENG, "2023-12-31"), 61550);
    assert_int_equal(standard(t, VILLAGE_GUCHENG, "2024-01-01"), 62000);
    assert_int_equal(standard(t, VILLAGE_GUCHENG, "2024-12-31"), 62000);
    assert_int_equal(
        mz_policy_get(t->db, "dibao", "standard_monthly", VILLAGE_GUCHENG, "2025-01-01", &v, &err),
        0);
    assert_int_equal(v.num, 65000);
    assert_int_equal(v.id, id650);
    assert_string_equal(v.effective_from, "2025-01-01");
    assert_int_equal(standard(t, VILLAGE_GUCHENG, "2089-12-31"), 65000);
    assert_int_equal(standard(t, VILLAGE_GUCHENG, "2090-01-01"), 90000);
    assert_int_equal(standard(t, VILLAGE_GUCHENG, "2199-12-31"), 90000);
}

static void test_get_refusals_and_corrupt(void **state)
{
    tdb *t = tdb_get(state);
    mz_policy_value v;
    mz_error err;
    static const struct {
        const char *region, *day, *code, *field;
    } bad[] = {
        {"32130200100", "2025-01-01", "invalid_region", "region"},
        {"3213020010011", "2025-01-01", "invalid_region", "region"},
        {"32130200100x", "2025-01-01", "invalid_region", "region"},
        {"", "2025-01-01", "invalid_region", "region"},
        {NULL, "2025-01-01", "invalid_region", "region"},
        {VILLAGE_FENGHUANG, "2025-02-29", "invalid_value", "date"},
        {VILLAGE_FENGHUANG, "2025-1-1", "invalid_value", "date"},
        {VILLAGE_FENGHUANG, "", "invalid_value", "date"},
        {VILLAGE_FENGHUANG, NULL, "invalid_value", "date"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mz_error_clear(&err);
        if (mz_policy_get(t->db, "dibao", "standard_monthly", bad[i].region, bad[i].day, &v,
                          &err) != -1)
            fail_msg("bad get %zu accepted", i);
        if (err.status != 400 || strcmp(err.code, bad[i].code) != 0 ||
            strcmp(err.field, bad[i].field) != 0)
            fail_msg("bad get %zu: %d %s %s", i, err.status, err.code, err.field);
    }

    /* A stored value that does not read for its unit is data corruption, and says so. */
    assert_int_equal(mz_db_run(t->db, NULL,
                               "INSERT INTO policy_params (program, param, region_prefix, "
                               "effective_from, value, note, created_by, created_at) "
                               "VALUES ('dibao', 'standard_monthly', '321302', '2030-01-01', "
                               "'6l0', NULL, 'test', '2026-01-01T00:00:00Z')",
                               ""),
                     MZ_DB_OK);
    mz_error_clear(&err);
    assert_int_equal(mz_policy_get(t->db, "dibao", "standard_monthly", VILLAGE_FENGHUANG,
                                   "2030-01-01", &v, &err),
                     -1);
    tdb_assert_err(err, 400, "invalid_value", "param");
    assert_non_null(strstr(err.message, "数据损坏"));
    assert_non_null(strstr(err.message, "6l0"));
    /* Other regions are unaffected; the list still shows the row, without a value. */
    assert_int_equal(standard(t, VILLAGE_GUCHENG, "2030-01-01"), 61000);
    json_t *out = NULL;
    assert_int_equal(mz_policy_list(t->db, &t->cli, "dibao", &out, &err), 0);
    json_t *item = json_array_get(json_object_get(out, "items"), 0);
    assert_string_equal(tdb_jstr(item, "param"), "standard_monthly");
    json_t *row = json_array_get(json_object_get(item, "values"), 0);
    assert_string_equal(tdb_jstr(row, "stored"), "6l0");
    assert_true(json_is_null(json_object_get(row, "value")));
    json_decref(out);
}

static void test_add_values_table(void **state)
{
    static const struct {
        const char *program, *param, *value;
        const char *stored; /* NULL: refused with invalid_value on field "value" */
    } cases[] = {
        /* fen: yuan text, 0.01 .. 1000000.00 for the standard */
        {"dibao", "standard_monthly", "650", "65000"},
        {"dibao", "standard_monthly", "650.5", "65050"},
        {"dibao", "standard_monthly", "650.05", "65005"},
        {"dibao", "standard_monthly", "0.01", "1"},
        {"dibao", "standard_monthly", "1000000.00", "100000000"},
        {"dibao", "standard_monthly", "1000000.01", NULL},
        {"dibao", "standard_monthly", "0", NULL},
        {"dibao", "standard_monthly", "0.00", NULL},
        {"dibao", "standard_monthly", "-650", NULL},
        {"dibao", "standard_monthly", "650.505", NULL},
        {"dibao", "standard_monthly", "65000 ", NULL},
        {"dibao", "standard_monthly", "6.5e2", NULL},
        {"dibao", "standard_monthly", "¥650", NULL},
        {"dibao", "standard_monthly", "", NULL},
        {"dibao", "standard_monthly", "99999999999999999999", NULL},
        {"tekun", "care_self", "0", "0"},
        /* ratio: a decimal multiplier, 1 .. 5 for tekun.basic_ratio */
        {"tekun", "basic_ratio", "1.3", "13000"},
        {"tekun", "basic_ratio", "1", "10000"},
        {"tekun", "basic_ratio", "5", "50000"},
        {"tekun", "basic_ratio", "1.0001", "10001"},
        {"tekun", "basic_ratio", "0.9999", NULL},
        {"tekun", "basic_ratio", "5.0001", NULL},
        {"tekun", "basic_ratio", "1.30001", NULL},
        {"tekun", "basic_ratio", "130%", NULL},
        {"tekun", "basic_ratio", "-1.3", NULL},
        {"tekun", "basic_ratio", "13000", NULL},
        {"edge", "income_ratio", "1.5", "15000"},
        {"temporary", "multiplier_emergency", "0", "0"},
        {"temporary", "multiplier_emergency", "24", "240000"},
        {"temporary", "multiplier_emergency", "24.0001", NULL},
        /* int: digits, 0 .. 240 months of standard */
        {"dibao", "financial_assets_months", "24", "24"},
        {"dibao", "financial_assets_months", "0", "0"},
        {"dibao", "financial_assets_months", "240", "240"},
        {"dibao", "financial_assets_months", "007", "7"},
        {"dibao", "financial_assets_months", "241", NULL},
        {"dibao", "financial_assets_months", "-1", NULL},
        {"dibao", "financial_assets_months", "1.5", NULL},
        {"dibao", "financial_assets_months", "", NULL},
        {"dibao", "financial_assets_months", "12个月", NULL},
        {"dibao", "township_approval", "1", "1"},
        {"dibao", "township_approval", "2", NULL},
        {"review", "months_class_a", "0", NULL},
        /* list: allowed words, comma separated, each once */
        {"dibao", "exempt_income_types", "basic_pension,youfu", "basic_pension,youfu"},
        {"dibao", "exempt_income_types", "other", "other"},
        {"dibao", "exempt_income_types", "basic_pension,,youfu", NULL},
        {"dibao", "exempt_income_types", "basic_pension,youfu,", NULL},
        {"dibao", "exempt_income_types", ",youfu", NULL},
        {"dibao", "exempt_income_types", "basic_pension,basic_pension", NULL},
        {"dibao", "exempt_income_types", "basic_pension, youfu", NULL},
        {"dibao", "exempt_income_types", "lottery", NULL},
        {"dibao", "exempt_income_types", "basic", NULL},
        {"dibao", "exempt_income_types", "", NULL},
        /* text: one allowed word */
        {"dibao", "rounding", "yuan_up", "yuan_up"},
        {"dibao", "rounding", "none", "none"},
        {"dibao", "rounding", "floor", NULL},
        {"dibao", "rounding", "none,yuan_up", NULL},
        {"dibao", "rounding", "yuan", NULL},
        {"dibao", "rounding", "", NULL},
    };
    tdb *t = tdb_get(state);
    mz_error err;
    char day[11], *s = NULL;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t r0 = rows(t), a0 = audits(t), id = 0;
        /* A day of its own for every case, so that none is a duplicate of another. */
        mz_date_format(20000 + (int)i, day);
        int rc = add(t, &t->cli, cases[i].program, cases[i].param, "321300000000", day,
                     cases[i].value, NULL, &id, &err);
        if (cases[i].stored == NULL) {
            if (rc != -1)
                fail_msg("case %zu %s.%s \"%s\" accepted", i, cases[i].param, cases[i].program,
                         cases[i].value);
            if (err.status != 400 || strcmp(err.code, "invalid_value") != 0 ||
                strcmp(err.field, "value") != 0)
                fail_msg("case %zu \"%s\": %d %s %s", i, cases[i].value, err.status, err.code,
                         err.field);
            assert_int_equal(rows(t), r0);
            assert_int_equal(audits(t), a0);
            continue;
        }
        if (rc != 0)
            fail_msg("case %zu %s.%s \"%s\" refused: %s", i, cases[i].program, cases[i].param,
                     cases[i].value, err.message);
        assert_int_equal(
            mz_db_query_text(t->db, &s, "SELECT value FROM policy_params WHERE id = ?", "i", id),
            MZ_DB_ROW);
        if (strcmp(s, cases[i].stored) != 0)
            fail_msg("case %zu \"%s\": stored \"%s\", want \"%s\"", i, cases[i].value, s,
                     cases[i].stored);
        mz_free(s);
        assert_int_equal(rows(t), r0 + 1);
        assert_int_equal(audits(t), a0 + 1);
    }

    /* The bounds are named in the message in the unit's human form. */
    assert_int_equal(add(t, &t->cli, "dibao", "standard_monthly", "321300000000", "2030-01-01", "0",
                         NULL, NULL, &err),
                     -1);
    assert_non_null(strstr(err.message, "0.01"));
    assert_non_null(strstr(err.message, "1000000.00"));
    assert_int_equal(add(t, &t->cli, "tekun", "basic_ratio", "321300000000", "2030-01-01", "0.5",
                         NULL, NULL, &err),
                     -1);
    assert_non_null(strstr(err.message, "1 至 5"));
}

static void test_add_catalogue_and_regions(void **state)
{
    tdb *t = tdb_get(state);
    mz_actor city, county, tw;
    mz_error err;
    int64_t id;
    char *s = NULL;

    tdb_actor(t, tdb_user(t, "admin.city", "city_admin", "321300000000"), &city);
    tdb_actor(t, tdb_user(t, "admin.sucheng", "city_admin", "321302000000"), &county);
    tdb_actor(t, tdb_user(t, "tw.xingfu", "township_worker", "321302001000"), &tw);
    int64_t r0 = rows(t);

    static const struct {
        int who; /* 0 cli, 1 city, 2 county admin */
        const char *program, *param, *region;
        const char *code, *field; /* NULL code: accepted, field is then the stored prefix */
    } cases[] = {
        {1, "dibao", "no_such", "321300000000", "invalid_value", "param"},
        {1, "no_such", "standard_monthly", "321300000000", "invalid_value", "program"},
        {1, "", "", "321300000000", "invalid_value", "program"},
        {1, "tekun", "standard_monthly", "321300000000", "invalid_value", "param"},
        /* National defaults only from the command line. */
        {1, "dibao", "standard_monthly", NULL, "invalid_region", "region_code"},
        {1, "dibao", "standard_monthly", "", "invalid_region", "region_code"},
        {2, "dibao", "standard_monthly", NULL, "invalid_region", "region_code"},
        {0, "dibao", "standard_monthly", NULL, NULL, ""},
        {0, "dibao", "taper_months", "", NULL, ""},
        /* The prefix comes from the code's level. */
        {1, "dibao", "standard_monthly", "321300000000", NULL, "3213"},
        {1, "dibao", "standard_monthly", "321302000000", NULL, "321302"},
        {1, "dibao", "standard_monthly", "321302001000", NULL, "321302001"},
        {1, "dibao", "standard_monthly", VILLAGE_FENGHUANG, NULL, VILLAGE_FENGHUANG},
        {2, "dibao", "taper_months", "321302000000", NULL, "321302"},
        {2, "dibao", "taper_months", "321302101000", NULL, "321302101"},
        /* Outside the actor's subtree, not in the registry, malformed. */
        {2, "dibao", "taper_months", "321300000000", "invalid_region", "region_code"},
        {2, "dibao", "taper_months", "321322000000", "invalid_region", "region_code"},
        {2, "dibao", "taper_months", VILLAGE_GUCHENG, "invalid_region", "region_code"},
        {1, "dibao", "taper_months", "321302999999", "invalid_region", "region_code"},
        {1, "dibao", "taper_months", "320000000000", "invalid_region", "region_code"},
        {1, "dibao", "taper_months", "3213", "invalid_region", "region_code"},
        {1, "dibao", "taper_months", "32130000000x", "invalid_region", "region_code"},
        {0, "dibao", "taper_months", "321399000000", "invalid_region", "region_code"},
    };
    const mz_actor *who[] = {&t->cli, &city, &county};
    int accepted = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char day[11];
        mz_date_format(19000 + (int)i, day);
        int64_t a0 = audits(t);
        int rc = add(t, who[cases[i].who], cases[i].program, cases[i].param, cases[i].region, day,
                     strcmp(cases[i].param, "taper_months") == 0 ? "6" : "650", NULL, &id, &err);
        if (cases[i].code != NULL) {
            if (rc != -1)
                fail_msg("case %zu accepted", i);
            if (err.status != 400 || strcmp(err.code, cases[i].code) != 0 ||
                strcmp(err.field, cases[i].field) != 0)
                fail_msg("case %zu: %d %s %s %s", i, err.status, err.code, err.field, err.message);
            assert_int_equal(audits(t), a0);
            continue;
        }
        if (rc != 0)
            fail_msg("case %zu refused: %s %s %s", i, err.code, err.field, err.message);
        accepted++;
        assert_int_equal(mz_db_query_text(t->db, &s,
                                          "SELECT region_prefix FROM policy_params WHERE id = ?",
                                          "i", id),
                         MZ_DB_ROW);
        if (strcmp(s, cases[i].field) != 0)
            fail_msg("case %zu: prefix \"%s\", want \"%s\"", i, s, cases[i].field);
        mz_free(s);
    }
    assert_int_equal(rows(t), r0 + accepted);
    /* The township worker's permissions are the router's business; its scope still holds. */
    assert_int_equal(
        add(t, &tw, "dibao", "taper_months", "321302002000", "2031-01-01", "6", NULL, NULL, &err),
        -1);
    tdb_assert_err(err, 400, "invalid_region", "region_code");
}

static void test_add_date_and_note(void **state)
{
    tdb *t = tdb_get(state);
    mz_error err;
    char long_note[700] = "", *s = NULL;
    int64_t id;
    static const char *bad_days[] = {"2025-02-29", "2025-13-01",           "2025-1-1",
                                     "20250101",   "2025-01-01T00:00:00Z", "",
                                     "1899-12-31", "2200-01-01",           " 2025-01-01"};

    for (size_t i = 0; i < sizeof bad_days / sizeof bad_days[0]; i++) {
        if (add(t, &t->cli, "dibao", "taper_months", "321300000000", bad_days[i], "6", NULL, NULL,
                &err) != -1)
            fail_msg("day \"%s\" accepted", bad_days[i]);
        tdb_assert_err(err, 400, "invalid_value", "effective_from");
    }
    assert_int_equal(
        add(t, &t->cli, "dibao", "taper_months", "321300000000", NULL, "6", NULL, NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "effective_from");
    /* Leap day and the range's ends are days like any other. */
    must_add(t, &t->cli, "dibao", "taper_months", "321300000000", "2024-02-29", "6");
    must_add(t, &t->cli, "dibao", "taper_months", "321300000000", "1900-01-01", "6");
    must_add(t, &t->cli, "dibao", "taper_months", "321300000000", "2199-12-31", "6");

    /* Notes: up to 200 characters (not bytes), no control characters. */
    for (int i = 0; i < 200; i++)
        strcat(long_note, "政");
    assert_int_equal(add(t, &t->cli, "dibao", "taper_months", "321300000000", "2026-01-01", "6",
                         long_note, &id, &err),
                     0);
    assert_int_equal(
        mz_db_query_text(t->db, &s, "SELECT note FROM policy_params WHERE id = ?", "i", id),
        MZ_DB_ROW);
    assert_string_equal(s, long_note);
    mz_free(s);
    strcat(long_note, "策");
    assert_int_equal(add(t, &t->cli, "dibao", "taper_months", "321300000000", "2026-01-02", "6",
                         long_note, NULL, &err),
                     -1);
    tdb_assert_err(err, 400, "invalid_value", "note");
    assert_int_equal(add(t, &t->cli, "dibao", "taper_months", "321300000000", "2026-01-03", "6",
                         "第一行\n第二行", NULL, &err),
                     -1);
    tdb_assert_err(err, 400, "invalid_value", "note");
    assert_int_equal(add(t, &t->cli, "dibao", "taper_months", "321300000000", "2026-01-04", "6",
                         "\xff\xfe", NULL, &err),
                     -1);
    tdb_assert_err(err, 400, "invalid_value", "note");
    /* An empty note is no note. */
    assert_int_equal(
        add(t, &t->cli, "dibao", "taper_months", "321300000000", "2026-01-05", "6", "", &id, &err),
        0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM policy_params WHERE "
                                      "effective_from = '2026-01-05' AND note IS NULL"),
                     1);
}

static void test_add_duplicate(void **state)
{
    tdb *t = tdb_get(state);
    mz_error err;

    must_add(t, &t->cli, "dibao", "standard_monthly", "321300000000", "2025-01-01", "650");
    int64_t r0 = rows(t), a0 = audits(t);
    /* Same parameter, prefix and day: refused, even with another value. */
    assert_int_equal(add(t, &t->cli, "dibao", "standard_monthly", "321300000000", "2025-01-01",
                         "660", NULL, NULL, &err),
                     -1);
    tdb_assert_err(err, 409, "conflict", "effective_from");
    /* The seeded row counts too. */
    assert_int_equal(add(t, &t->cli, "dibao", "standard_monthly", "321300000000", "2020-01-01",
                         "610", NULL, NULL, &err),
                     -1);
    tdb_assert_err(err, 409, "conflict", "effective_from");
    assert_int_equal(rows(t), r0);
    assert_int_equal(audits(t), a0);
    /* Another day, another region, another parameter: all fine. */
    must_add(t, &t->cli, "dibao", "standard_monthly", "321300000000", "2025-01-02", "650");
    must_add(t, &t->cli, "dibao", "standard_monthly", "321302000000", "2025-01-01", "650");
    must_add(t, &t->cli, "dibao", "taper_months", "321300000000", "2025-01-01", "6");
    assert_int_equal(rows(t), r0 + 3);
}

static void test_add_audited(void **state)
{
    tdb *t = tdb_get(state);
    mz_actor city;
    mz_error err;
    char *s = NULL, sql[512];
    int64_t id;

    tdb_actor(t, tdb_user(t, "admin.city", "city_admin", "321300000000"), &city);
    int64_t a0 = audits(t);
    assert_int_equal(add(t, &city, "dibao", "standard_monthly", "321300000000", "2025-01-01",
                         "650.00", "2025年标准", &id, &err),
                     0);
    assert_int_equal(audits(t), a0 + 1);
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM audit_log WHERE action = 'policy.add' AND object_type = "
             "'policy_param' AND object_id = '%lld' AND region_code = '321300000000' AND "
             "actor_name = 'admin.city' AND before_json IS NULL AND request_id = '%s'",
             (long long)id, city.request_id);
    assert_int_equal(tdb_count(t->db, sql), 1);
    assert_int_equal(
        mz_db_query_text(t->db, &s, "SELECT after_json FROM audit_log WHERE action = 'policy.add'",
                         ""),
        MZ_DB_ROW);
    json_t *after = json_loads(s, 0, NULL);
    mz_free(s);
    assert_non_null(after);
    assert_int_equal(json_integer_value(json_object_get(after, "id")), id);
    assert_string_equal(tdb_jstr(after, "program"), "dibao");
    assert_string_equal(tdb_jstr(after, "param"), "standard_monthly");
    assert_string_equal(tdb_jstr(after, "region_prefix"), "3213");
    assert_string_equal(tdb_jstr(after, "effective_from"), "2025-01-01");
    assert_string_equal(tdb_jstr(after, "value"), "650.00");
    assert_string_equal(tdb_jstr(after, "stored"), "65000");
    assert_string_equal(tdb_jstr(after, "note"), "2025年标准");
    assert_string_equal(tdb_jstr(after, "created_by"), "admin.city");
    json_decref(after);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM policy_params WHERE created_by = "
                                      "'admin.city' AND value = '65000'"),
                     1);

    /* A national default has no region in its audit entry. */
    must_add(t, &t->cli, "dibao", "taper_months", NULL, "2025-01-01", "3");
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'policy.add' AND region_code IS NULL AND actor_name = "
                                      "'cli:test'"),
                     1);
    int64_t checked = 0, broken = -1;
    assert_int_equal(mz_audit_verify(t->db, &checked, &broken), 0);
    assert_int_equal(broken, 0);
}

/* The value rows of program.param in a list answer. */
static json_t *values_of(json_t *list, const char *param)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(list, "items"), i, item)
    {
        if (strcmp(tdb_jstr(item, "param"), param) == 0)
            return json_object_get(item, "values");
    }
    fail_msg("no item %s", param);
    return NULL;
}

static int has_prefix(json_t *values, const char *prefix)
{
    size_t i;
    json_t *row;
    json_array_foreach(values, i, row)
    {
        if (strcmp(tdb_jstr(row, "region_prefix"), prefix) == 0)
            return 1;
    }
    return 0;
}

static void test_list_scope(void **state)
{
    tdb *t = tdb_get(state);
    mz_actor county, tw;
    mz_error err;
    json_t *out = NULL, *v;
    static const char *regions[] = {"321302000000", "321322000000",    "321302001000",
                                    "321302002000", VILLAGE_FENGHUANG, VILLAGE_GUCHENG};

    tdb_actor(t, tdb_user(t, "admin.sucheng", "city_admin", "321302000000"), &county);
    tdb_actor(t, tdb_user(t, "tw.xingfu", "township_worker", "321302001000"), &tw);
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
        must_add(t, &t->cli, "dibao", "standard_monthly", regions[i], "2021-01-01", "620");
    must_add(t, &t->cli, "dibao", "standard_monthly", NULL, "2000-01-01", "500");

    /* The command line sees all eight. */
    assert_int_equal(mz_policy_list(t->db, &t->cli, "dibao", &out, &err), 0);
    assert_int_equal(json_array_size(values_of(out, "standard_monthly")), 8);
    json_decref(out);

    /* The township worker: national, city, its county, itself and its villages. */
    assert_int_equal(mz_policy_list(t->db, &tw, "dibao", &out, &err), 0);
    v = values_of(out, "standard_monthly");
    assert_int_equal(json_array_size(v), 5);
    assert_true(has_prefix(v, ""));
    assert_true(has_prefix(v, "3213"));
    assert_true(has_prefix(v, "321302"));
    assert_true(has_prefix(v, "321302001"));
    assert_true(has_prefix(v, VILLAGE_FENGHUANG));
    assert_false(has_prefix(v, "321302002"));
    assert_false(has_prefix(v, "321322"));
    assert_false(has_prefix(v, VILLAGE_GUCHENG));
    json_decref(out);

    /* The county administrator: everything of 宿城区 and above it, nothing of 沭阳县. */
    assert_int_equal(mz_policy_list(t->db, &county, "dibao", &out, &err), 0);
    v = values_of(out, "standard_monthly");
    assert_int_equal(json_array_size(v), 6);
    assert_true(has_prefix(v, "321302002"));
    assert_false(has_prefix(v, "321322"));
    assert_false(has_prefix(v, VILLAGE_GUCHENG));
    json_decref(out);
}

static void test_list_shape(void **state)
{
    tdb *t = tdb_get(state);
    mz_actor tw;
    mz_error err;
    json_t *out = NULL, *items, *item, *row;
    size_t i;

    tdb_actor(t, tdb_user(t, "tw.xingfu", "township_worker", "321302001000"), &tw);
    must_add(t, &t->cli, "dibao", "standard_monthly", "321302001000", "2000-01-01", "630");
    must_add(t, &t->cli, "dibao", "standard_monthly", "321302000000", "2022-01-01", "640");
    must_add(t, &t->cli, "dibao", "standard_monthly", "321302000000", "2190-01-01", "990");

    /* Every parameter of the catalogue, each with its values. */
    assert_int_equal(mz_policy_list(t->db, &tw, NULL, &out, &err), 0);
    items = json_object_get(out, "items");
    assert_int_equal(json_array_size(items),
                     tdb_count(t->db, "SELECT COUNT(*) FROM policy_catalog"));
    json_array_foreach(items, i, item)
    {
        assert_true(json_is_array(json_object_get(item, "values")));
        assert_true(json_array_size(json_object_get(item, "values")) >= 1);
        assert_true(json_is_object(json_object_get(item, "in_force")));
    }
    json_decref(out);

    assert_int_equal(mz_policy_list(t->db, &tw, "dibao", &out, &err), 0);
    items = json_object_get(out, "items");
    assert_int_equal(
        json_array_size(items),
        tdb_count(t->db, "SELECT COUNT(*) FROM policy_catalog WHERE program = 'dibao'"));
    item = json_array_get(items, 0);
    assert_string_equal(tdb_jstr(item, "param"), "standard_monthly");
    assert_string_equal(tdb_jstr(item, "name"), "低保标准（元/人·月）");
    assert_string_equal(tdb_jstr(item, "unit"), "fen");
    assert_string_equal(tdb_jstr(item, "min_value"), "0.01");
    assert_string_equal(tdb_jstr(item, "max_value"), "1000000.00");
    assert_true(json_is_null(json_object_get(item, "allowed")));
    /* Newest first; the future row is listed but not in force. */
    json_t *values = json_object_get(item, "values");
    assert_int_equal(json_array_size(values), 4);
    assert_string_equal(tdb_jstr(json_array_get(values, 0), "effective_from"), "2190-01-01");
    assert_string_equal(tdb_jstr(json_array_get(values, 1), "effective_from"), "2022-01-01");
    assert_string_equal(tdb_jstr(json_array_get(values, 2), "effective_from"), "2020-01-01");
    assert_string_equal(tdb_jstr(json_array_get(values, 3), "effective_from"), "2000-01-01");
    row = json_array_get(values, 1);
    assert_string_equal(tdb_jstr(row, "region_code"), "321302000000");
    assert_string_equal(tdb_jstr(row, "region_name"), "宿城区");
    assert_string_equal(tdb_jstr(row, "value"), "640.00");
    assert_string_equal(tdb_jstr(row, "stored"), "64000");
    assert_string_equal(tdb_jstr(row, "unit"), "fen");
    assert_string_equal(tdb_jstr(row, "created_by"), "cli:test");
    assert_true(json_is_null(json_object_get(row, "note")));
    /* The township's own row is the most specific: in force today for the worker. */
    row = json_object_get(item, "in_force");
    assert_string_equal(tdb_jstr(row, "region_prefix"), "321302001");
    assert_string_equal(tdb_jstr(row, "region_name"), "幸福街道");
    assert_string_equal(tdb_jstr(row, "value"), "630.00");

    /* Words, ratios and the national label. */
    item = json_array_get(items, 1);
    assert_string_equal(tdb_jstr(item, "param"), "exempt_income_types");
    assert_true(json_array_size(json_object_get(item, "allowed")) > 5);
    assert_string_equal(json_string_value(json_array_get(json_object_get(item, "allowed"), 0)),
                        "wage");
    row = json_object_get(item, "in_force");
    assert_string_equal(tdb_jstr(row, "region_name"), "全国默认");
    assert_true(json_is_null(json_object_get(row, "region_code")));
    json_decref(out);
    assert_int_equal(mz_policy_list(t->db, &tw, "tekun", &out, &err), 0);
    item = json_array_get(json_object_get(out, "items"), 0);
    assert_string_equal(tdb_jstr(item, "param"), "basic_ratio");
    assert_string_equal(tdb_jstr(item, "min_value"), "1");
    assert_string_equal(tdb_jstr(item, "max_value"), "5");
    assert_string_equal(tdb_jstr(json_object_get(item, "in_force"), "value"), "1.3");
    json_decref(out);

    /* An unknown program is a bad parameter. */
    mz_error_clear(&err);
    assert_int_equal(mz_policy_list(t->db, &tw, "no_such", &out, &err), -1);
    tdb_assert_err(err, 400, "invalid_parameter", "program");
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_get_seeded),          BOTH(test_get_most_specific_region),
        BOTH(test_get_effective_dates), BOTH(test_get_refusals_and_corrupt),
        BOTH(test_add_values_table),    BOTH(test_add_catalogue_and_regions),
        BOTH(test_add_date_and_note),   BOTH(test_add_duplicate),
        BOTH(test_add_audited),         BOTH(test_list_scope),
        BOTH(test_list_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
