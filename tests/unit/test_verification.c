/*
 * Tests for src/systems/assistance/verification.c: the matching rules as a
 * table of households with their department rows and the issue codes they
 * must raise, at the policy's boundaries (a limit reached is within it, one
 * more breaks it); the changes between two versions; and on the database —
 * SQLite and, with MZ_TEST_PG_URL, PostgreSQL — the case's versioned
 * reports (409 without the 核对授权书, the newest as_of of each source only,
 * the batches read), and the batch re-verification: one report per
 * enrollment, a 低保复核 case for a household no longer qualifying and none
 * while one is open, and a job SIGKILLed midway resumed from its cursor into
 * exactly one report per enrollment.
 */
#include "testdb.h"
#include "testcase.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "base/date.h"
#include "core/case.h"
#include "core/region.h"
#include "systems/assistance/case_types.h"
#include "systems/assistance/verification.h"

#define VILLAGE "321302001001" /* 凤凰居委会 */
#define TOWN "321302001000"

/* ---- the rules, without a database ---------------------------------------------------- */

static const mz_verify_limits LIMITS = {.standard_fen = 61000,
                                        .financial_months = 24,
                                        .vehicle_limit = 0,
                                        .housing_limit = 1,
                                        .business_limit = 0,
                                        .income_tolerance_fen = 100,
                                        .vehicle_exempt_kinds = "摩托车"};

#define DAY "2026-11-15"
#define P1 "321302196503120015"
#define P2 "321311197809200027"

#define REC(src, kind, from, to, month, amount, qty)                                               \
    {                                                                                              \
        src, "2026-10-31", kind, NULL, from, to, month, NULL, 7, amount, 0, qty, NULL              \
    }

struct rule_case {
    const char *name;
    mz_verify_record r1[4];
    int n1;
    mz_verify_record r2[4];
    int n2;
    const char *disability1; /* registry disability of member 1 */
    int64_t declared_wage1;  /* member 1's declared wage */
    const char *expect;      /* issue codes, comma list in report order; "" none */
    int breaking;
};

static const struct rule_case rule_cases[] = {
    {"nothing found", {{0}}, 0, {{0}}, 0, NULL, 0, "", 0},
    {"one car breaks vehicle_limit 0",
     {REC("vehicle", "小型汽车", "2019-04-18", NULL, NULL, 6800000, 0)},
     1,
     {{0}},
     0,
     NULL,
     0,
     "vehicle_over_limit",
     1},
    {"a car cancelled before the day is not held",
     {REC("vehicle", "小型汽车", "2019-04-18", "2026-11-15", NULL, 6800000, 0)},
     1,
     {{0}},
     0,
     NULL,
     0,
     "",
     0},
    {"a car cancelled after the day is held",
     {REC("vehicle", "小型汽车", "2019-04-18", "2026-11-16", NULL, 6800000, 0)},
     1,
     {{0}},
     0,
     NULL,
     0,
     "vehicle_over_limit",
     1},
    {"a disabled member's motorcycle is exempt",
     {REC("vehicle", "摩托车", "2021-08-09", NULL, NULL, 450000, 0)},
     1,
     {{0}},
     0,
     "physical",
     0,
     "",
     0},
    {"a motorcycle of a member without disability is not",
     {REC("vehicle", "摩托车", "2021-08-09", NULL, NULL, 450000, 0)},
     1,
     {{0}},
     0,
     NULL,
     0,
     "vehicle_over_limit",
     1},
    {"one home is within housing_limit 1",
     {REC("property", "住宅", "2020-06-30", NULL, NULL, 0, 8956)},
     1,
     {REC("property", "车位车库", "2018-11-02", NULL, NULL, 0, 1250)},
     1,
     NULL,
     0,
     "",
     0},
    {"two homes in the household break it",
     {REC("property", "住宅", "2020-06-30", NULL, NULL, 0, 8956)},
     1,
     {REC("property", "住宅", "2018-11-02", NULL, NULL, 0, 6000)},
     1,
     NULL,
     0,
     "housing_over_limit",
     1},
    {"an active business breaks business_limit 0",
     {REC("business", "个体工商户", "2016-03-09", NULL, NULL, 5000000, 0)},
     1,
     {{0}},
     0,
     NULL,
     0,
     "business_over_limit",
     1},
    {"a closed business does not",
     {REC("business", "个体工商户", "2016-03-09", "2024-01-01", NULL, 5000000, 0)},
     1,
     {{0}},
     0,
     NULL,
     0,
     "",
     0},
    /* 24 × 610 × 2 living members = 29 280 yuan. */
    {"deposits exactly at the limit",
     {REC("deposit", NULL, "2026-09-30", NULL, NULL, 2000000, 0)},
     1,
     {REC("deposit", NULL, "2026-09-30", NULL, NULL, 928000, 0)},
     1,
     NULL,
     0,
     "",
     0},
    {"deposits one fen over",
     {REC("deposit", NULL, "2026-09-30", NULL, NULL, 2000000, 0)},
     1,
     {REC("deposit", NULL, "2026-09-30", NULL, NULL, 928001, 0)},
     1,
     NULL,
     0,
     "deposits_over_limit",
     1},
    /* A death: member 2 no longer counts, so the same deposits break the one-member limit. */
    {"a death recorded, and the deposit limit of one member",
     {REC("deposit", NULL, "2026-09-30", NULL, NULL, 1464001, 0)},
     1,
     {REC("death", "公安", "2026-10-02", NULL, NULL, 0, 0)},
     1,
     NULL,
     0,
     "deceased,deposits_over_limit",
     2},
    {"wage within the tolerance of the declared one",
     {REC("tax", "工资薪金", NULL, NULL, "2026-10", 300100, 0)},
     1,
     {{0}},
     0,
     NULL,
     300000,
     "",
     0},
    {"wage one fen beyond the tolerance",
     {REC("tax", "工资薪金", NULL, NULL, "2026-10", 300101, 0)},
     1,
     {{0}},
     0,
     NULL,
     300000,
     "income_above_declared",
     1},
    {"only the newest month counts",
     {REC("tax", "工资薪金", NULL, NULL, "2026-09", 900000, 0),
      REC("tax", "工资薪金", NULL, NULL, "2026-10", 300000, 0)},
     2,
     {{0}},
     0,
     NULL,
     300000,
     "",
     0},
    {"an undeclared pension, and the basic pension is not compared",
     {REC("pension", "企业职工", NULL, NULL, "2026-10", 286050, 0)},
     1,
     {REC("pension", "城乡居民", NULL, NULL, "2026-10", 23500, 0)},
     1,
     NULL,
     0,
     "income_above_declared",
     1},
    {"a disability certificate differing from the registry is a notice",
     {REC("disability", "视力", "2019-10-11", NULL, NULL, 0, 2)},
     1,
     {{0}},
     0,
     "physical",
     0,
     "disability_differs",
     0},
};

static void codes_of(json_t *report, char *out, size_t len)
{
    size_t i, n = 0;
    json_t *v;
    out[0] = '\0';
    json_array_foreach(json_object_get(report, "issues"), i, v) n += (size_t)snprintf(
        out + n, len - n, "%s%s", n ? "," : "", json_string_value(json_object_get(v, "code")));
}

static void test_rules(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof rule_cases / sizeof rule_cases[0]; c++) {
        const struct rule_case *rc = &rule_cases[c];
        mz_verify_member m[2] = {{.person_id = 1,
                                  .id_number = P1,
                                  .name = "张建国",
                                  .relation = "self",
                                  .disability_kind = rc->disability1,
                                  .disability_grade = rc->disability1 ? 3 : 0,
                                  .records = rc->r1,
                                  .nrecords = rc->n1},
                                 {.person_id = 2,
                                  .id_number = P2,
                                  .name = "李秀英",
                                  .relation = "spouse",
                                  .records = rc->r2,
                                  .nrecords = rc->n2}};
        m[0].declared[MZ_VERIFY_WAGE] = rc->declared_wage1;
        json_t *r = mz_verify_match(m, 2, &LIMITS, DAY);
        char codes[256];
        codes_of(r, codes, sizeof codes);
        if (strcmp(codes, rc->expect) != 0)
            fail_msg("%s: issues \"%s\", expected \"%s\"", rc->name, codes, rc->expect);
        assert_int_equal(json_integer_value(json_object_get(r, "breaking")), rc->breaking);
        /* A finding per member and source with rows; ID numbers are masked. */
        assert_int_equal(json_array_size(json_object_get(r, "findings")),
                         (size_t)((rc->n1 > 0) + (rc->n2 > 0)));
        assert_string_equal(tdb_jstr(json_array_get(json_object_get(r, "members"), 0), "id_number"),
                            "321302********0015");
        /* The preview's reduced matching finds the very same issues, texts and all. */
        json_t *only = mz_verify_issues(m, 2, &LIMITS, DAY);
        if (!json_equal(json_object_get(only, "issues"), json_object_get(r, "issues")))
            fail_msg("%s: mz_verify_issues differs from mz_verify_match", rc->name);
        assert_int_equal(json_integer_value(json_object_get(only, "breaking")), rc->breaking);
        assert_null(json_object_get(only, "findings"));
        json_decref(only);
        json_decref(r);
    }
}

static void test_values_and_batches(void **state)
{
    (void)state;
    mz_verify_record r[] = {REC("vehicle", "小型汽车", "2019-04-18", NULL, NULL, 6800000, 0),
                            REC("tax", "劳务报酬", NULL, NULL, "2026-10", 180000, 0),
                            REC("tax", "工资薪金", NULL, NULL, "2026-10", 520000, 0)};
    r[1].batch_id = 9;
    r[2].batch_id = 9;
    mz_verify_member m = {.person_id = 5,
                          .id_number = P1,
                          .name = "张建国",
                          .relation = "self",
                          .records = r,
                          .nrecords = 3};
    json_t *out = mz_verify_match(&m, 1, &LIMITS, DAY);
    json_t *batches = json_object_get(out, "batch_ids");
    assert_int_equal(json_array_size(batches), 2);
    json_t *inc = json_array_get(json_object_get(out, "verified_incomes"), 0);
    assert_string_equal(tdb_jstr(inc, "type"), "wage");
    assert_int_equal(json_integer_value(json_object_get(inc, "monthly_fen")), 700000);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(inc, "batch_ids"), 0)), 9);
    size_t i;
    json_t *f;
    int seen = 0;
    json_array_foreach(json_object_get(out, "findings"), i, f)
    {
        if (strcmp(tdb_jstr(f, "source"), "vehicle") == 0) {
            assert_true(json_is_true(json_object_get(f, "found")));
            assert_int_equal(
                json_integer_value(json_object_get(json_object_get(f, "values"), "held")), 1);
            assert_string_equal(tdb_jstr(f, "key"), "5:vehicle");
            seen++;
        }
    }
    assert_int_equal(seen, 1);
    json_decref(out);
}

static void test_changes(void **state)
{
    (void)state;
    mz_verify_record a[] = {REC("vehicle", "小型汽车", "2019-04-18", NULL, NULL, 6800000, 0),
                            REC("deposit", NULL, "2026-09-30", NULL, NULL, 100000, 0)};
    mz_verify_record b[] = {REC("deposit", NULL, "2026-09-30", NULL, NULL, 200000, 0),
                            REC("tax", "工资薪金", NULL, NULL, "2026-10", 520000, 0)};
    mz_verify_member m = {.person_id = 1,
                          .id_number = P1,
                          .name = "张建国",
                          .relation = "self",
                          .records = a,
                          .nrecords = 2};
    json_t *v1 = mz_verify_match(&m, 1, &LIMITS, DAY);
    m.records = b;
    json_t *v2 = mz_verify_match(&m, 1, &LIMITS, DAY);
    json_t *c = mz_verify_changes(v1, 1, v2);
    assert_int_equal(json_integer_value(json_object_get(c, "previous_version")), 1);
    assert_string_equal(tdb_jstr(json_array_get(json_object_get(c, "findings_added"), 0), "source"),
                        "tax");
    assert_int_equal(json_array_size(json_object_get(c, "findings_added")), 1);
    assert_string_equal(
        tdb_jstr(json_array_get(json_object_get(c, "findings_removed"), 0), "source"), "vehicle");
    json_t *ch = json_array_get(json_object_get(c, "findings_changed"), 0);
    assert_int_equal(json_array_size(json_object_get(c, "findings_changed")), 1);
    assert_string_equal(tdb_jstr(ch, "key"), "1:deposit");
    assert_string_equal(tdb_jstr(json_array_get(json_object_get(c, "issues_added"), 0), "code"),
                        "income_above_declared");
    assert_string_equal(tdb_jstr(json_array_get(json_object_get(c, "issues_removed"), 0), "code"),
                        "vehicle_over_limit");
    json_decref(c);
    /* The first version: everything found is new, nothing was before. */
    c = mz_verify_changes(NULL, 0, v1);
    assert_true(json_is_null(json_object_get(c, "previous_version")));
    assert_int_equal(json_array_size(json_object_get(c, "findings_added")), 2);
    json_decref(c);
    json_decref(v1);
    json_decref(v2);
}

/* ---- on the database --------------------------------------------------------------------- */

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_verification");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_verification");
}

/* A household of one in VILLAGE (its head id_number); *person gets the person. */
static int64_t household(tdb *t, const char *id_number, int64_t *person)
{
    int64_t h = 0;
    if (mz_db_query_int64(t->db, person,
                          "INSERT INTO persons (id_number, name, gender, birth_date, "
                          "labour_capacity, created_region, created_at, updated_at) VALUES (?, "
                          "'赵六', 'M', '1950-01-01', 'none', ?, '2026-01-01T00:00:00Z', "
                          "'2026-01-01T00:00:00Z') RETURNING id",
                          "tt", id_number, VILLAGE) != MZ_DB_ROW ||
        mz_db_query_int64(t->db, &h,
                          "INSERT INTO households (region_code, kind, address, head_person_id, "
                          "created_at, updated_at) VALUES (?, 'urban', '幸福路1号', ?, "
                          "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id",
                          "ti", VILLAGE, *person) != MZ_DB_ROW ||
        mz_db_run(t->db, NULL,
                  "INSERT INTO household_members (household_id, person_id, relation, joined_on, "
                  "created_at) VALUES (?, ?, 'self', '1950-01-01', '2026-01-01T00:00:00Z')",
                  "ii", h, *person) != MZ_DB_OK)
        fail_msg("household: %s", mz_db_errmsg(t->db));
    return h;
}

/* A batch of source as of as_of; returns its id. */
static int64_t batch(tdb *t, const char *source, const char *as_of)
{
    static int n;
    char sha[65];
    int64_t id = 0;
    snprintf(sha, sizeof sha, "%064d", ++n);
    if (mz_db_query_int64(t->db, &id,
                          "INSERT INTO evidence_batches (source, department, as_of, sha256, "
                          "file_name, file_format, mode, status, rows_total, rows_accepted, "
                          "rows_rejected, errors_total, imported_by, importer_region, started_at, "
                          "finished_at) VALUES (?, '测试', ?, ?, 'x.csv', 'csv', "
                          "'all_or_nothing', 'imported', 1, 1, 0, 0, 'test', '321300000000', "
                          "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id",
                          "ttt", source, as_of, sha) != MZ_DB_ROW)
        fail_msg("batch: %s", mz_db_errmsg(t->db));
    return id;
}

static void record(tdb *t, int64_t b, const char *source, const char *as_of, const char *id_number,
                   const char *kind, const char *ref, int64_t amount)
{
    if (mz_db_run(t->db, NULL,
                  "INSERT INTO evidence_records (batch_id, source, as_of, row_no, id_number, name, "
                  "ref, kind, date_from, amount_fen) VALUES (?, ?, ?, 2, ?, '赵六', ?, ?, "
                  "'2019-01-01', ?)",
                  "ittttti", b, source, as_of, id_number, ref, kind, amount) != MZ_DB_OK)
        fail_msg("record: %s", mz_db_errmsg(t->db));
}

static int64_t new_case(tdb *t, int64_t hh, int authorised)
{
    mz_actor town;
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);
    tdb_actor(t, tdb_user(t, authorised ? "twa" : "twb", "township_worker", TOWN), &town);
    mz_case_input in = {.case_type = "dibao",
                        .household_id = hh,
                        .applicant_name = "赵六",
                        .channel = "online",
                        .authorisation_recorded = authorised};
    tdb_begin(t);
    if (mz_case_create(t->db, mz_assist_case_registry(), &town, &in, tcase_day("2026-11-02"), &out,
                       &err) != 0)
        fail_msg("create: %s %s", err.code ? err.code : "", err.message);
    tdb_commit(t);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    return id;
}

static json_t *run(tdb *t, const mz_actor *a, int64_t case_id, mz_error *err)
{
    json_t *out = NULL;
    mz_error_clear(err);
    tdb_begin(t);
    if (mz_verify_case_run(t->db, a, case_id, tcase_day(DAY), &out, err) != 0) {
        mz_db_rollback(t->db);
        return NULL;
    }
    tdb_commit(t);
    return out;
}

static void test_case_versions(void **state)
{
    tdb *t = tdb_get(state);
    mz_actor county, other;
    mz_error err;
    int64_t person;
    tdb_actor(t, tdb_user(t, "cwk", "county_worker", "321302000000"), &county);
    tdb_actor(t, tdb_user(t, "cwo", "county_worker", "321311000000"), &other);
    tdb_begin(t);
    int64_t hh = household(t, P1, &person);
    /* Old vehicle data (a car) and newer data (cancelled): only the newest as_of counts. */
    int64_t old = batch(t, "vehicle", "2026-06-30"), fresh = batch(t, "vehicle", "2026-10-31");
    record(t, old, "vehicle", "2026-06-30", P1, "小型汽车", "苏N11111", 6800000);
    record(t, fresh, "vehicle", "2026-10-31", P1, "摩托车", "苏N22222", 100000);
    tdb_commit(t);
    tdb_begin(t);
    assert_int_equal(mz_db_run(t->db, NULL,
                               "UPDATE evidence_records SET date_to = '2026-10-01' WHERE ref = ?",
                               "t", "苏N22222"),
                     MZ_DB_OK);
    tdb_commit(t);

    int64_t refused = new_case(t, hh, 0);
    assert_null(run(t, &county, refused, &err));
    tdb_assert_err(err, 409, "authorisation_missing", "");
    int64_t id = new_case(t, hh, 1);
    assert_null(run(t, &other, id, &err));
    tdb_assert_err(err, 404, "not_found", "");

    json_t *v1 = run(t, &county, id, &err);
    assert_non_null(v1);
    assert_int_equal(json_integer_value(json_object_get(v1, "version")), 1);
    assert_int_equal(json_array_size(json_object_get(v1, "batch_ids")), 1);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(v1, "batch_ids"), 0)),
                     fresh);
    assert_int_equal(json_integer_value(json_object_get(v1, "breaking")), 0);

    tdb_begin(t);
    int64_t tax = batch(t, "tax", "2026-11-10");
    record(t, tax, "tax", "2026-11-10", P1, "工资薪金", NULL, 520000);
    assert_int_equal(mz_db_run(t->db, NULL,
                               "UPDATE evidence_records SET month = '2026-10' WHERE batch_id = ?",
                               "i", tax),
                     MZ_DB_OK);
    tdb_commit(t);
    json_t *v2 = run(t, &county, id, &err);
    assert_non_null(v2);
    assert_int_equal(json_integer_value(json_object_get(v2, "version")), 2);
    assert_int_equal(json_integer_value(json_object_get(v2, "breaking")), 1);
    json_t *ch = json_object_get(v2, "changes");
    assert_int_equal(json_integer_value(json_object_get(ch, "previous_version")), 1);
    assert_int_equal(json_array_size(json_object_get(ch, "issues_added")), 1);

    /* The 核对 computation counts the verified wage (higher than the declared none) and says so. */
    json_t *a = NULL;
    assert_int_equal(
        mz_assist_case_registry()->assess(t->db, &county, "dibao", hh, tcase_day(DAY), &a, &err),
        0);
    assert_int_equal(json_integer_value(json_object_get(a, "counted_income_fen")), 520000);
    assert_int_equal(json_integer_value(json_object_get(a, "household_id")), hh);
    assert_string_equal(tdb_jstr(a, "applicant_id_number"), "321302********0015");
    json_t *first = json_array_get(json_object_get(a, "explanation"), 0);
    assert_string_equal(tdb_jstr(first, "step"), "verified_income");
    char want[64];
    snprintf(want, sizeof want, "部门数据批次 [%lld]", (long long)tax);
    assert_non_null(strstr(tdb_jstr(first, "text"), want));
    assert_non_null(strstr(tdb_jstr(first, "text"), "申报 0.00元/月，核对 5200.00元/月"));
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(a, "verification"), "version")), 2);
    json_decref(a);
    /* Before the report's day the calculator reads the registry alone. */
    assert_int_equal(mz_assist_case_registry()->assess(t->db, &county, "dibao", hh,
                                                       tcase_day("2026-11-14"), &a, &err),
                     0);
    assert_int_equal(json_integer_value(json_object_get(a, "counted_income_fen")), 0);
    assert_null(json_object_get(a, "verification"));
    json_decref(a);

    /* The list (newest first), one version again unchanged, the PDF audited. */
    json_t *list = NULL;
    assert_int_equal(mz_verify_case_list(t->db, &county, id, &list, &err), 0);
    assert_int_equal(json_array_size(json_object_get(list, "items")), 2);
    assert_int_equal(json_integer_value(json_object_get(
                         json_array_get(json_object_get(list, "items"), 0), "version")),
                     2);
    json_decref(list);
    json_t *again = NULL;
    int64_t v1id = json_integer_value(json_object_get(v1, "id"));
    assert_int_equal(mz_verify_case_get(t->db, &county, id, v1id, &again, &err), 0);
    assert_true(json_equal(json_object_get(again, "findings"), json_object_get(v1, "findings")));
    json_decref(again);
    mz_buf pdf;
    mz_buf_init(&pdf);
    tdb_begin(t);
    assert_int_equal(mz_verify_case_pdf(t->db, &county, id,
                                        json_integer_value(json_object_get(v2, "id")), &pdf, &err),
                     0);
    tdb_commit(t);
    assert_true(pdf.len > 1000 && memcmp(pdf.data, "%PDF-", 5) == 0);
    mz_buf_cleanup(&pdf);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'verification.pdf'"),
                     1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'verification.run'"),
                     2);
    json_decref(v1);
    json_decref(v2);
}

/* n enrolled households (in_force from 2026-01); every third has a car.  Returns how many. */
static int enroll_many(tdb *t, int n)
{
    int flagged = 0;
    tdb_begin(t);
    int64_t b = batch(t, "vehicle", "2026-10-31");
    for (int i = 0; i < n; i++) {
        char id[32];
        int64_t person;
        /* 18-character numbers with a valid check are not needed here: matching is by text. */
        snprintf(id, sizeof id, "32130219500101%04d", i % 10000);
        int64_t hh = household(t, id, &person);
        if (mz_db_run(t->db, NULL,
                      "INSERT INTO enrollments (program, household_id, payee_name, region_code, "
                      "monthly_amount_fen, from_month, status, created_at, updated_at) VALUES "
                      "('dibao', ?, '赵六', ?, 61000, '2026-01', 'in_force', "
                      "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                      "it", hh, VILLAGE) != MZ_DB_OK)
            fail_msg("enroll: %s", mz_db_errmsg(t->db));
        if (i % 3 == 0) {
            record(t, b, "vehicle", "2026-10-31", id, "小型汽车", "苏N00000", 1000000);
            flagged++;
        }
    }
    tdb_commit(t);
    return flagged;
}

static json_t *batch_run_as(tdb *t, const mz_actor *a, int size, int stale, mz_error *err)
{
    mz_verify_batch_options o = {
        .batch_size = size, .stale_seconds = stale, .today = tcase_day(DAY)};
    json_t *out = NULL;
    mz_error_clear(err);
    if (mz_verify_batch_run(t->db, mz_assist_case_registry(), a, &o, &out, err) != 0)
        return NULL;
    return out;
}

static json_t *batch_run(tdb *t, int size, int stale, mz_error *err)
{
    return batch_run_as(t, &t->cli, size, stale, err);
}

static void test_batch(void **state)
{
    tdb *t = tdb_get(state);
    mz_error err;
    int flagged = enroll_many(t, 20);
    json_t *job = batch_run(t, 7, 120, &err);
    if (job == NULL)
        fail_msg("batch: %s %s", err.code ? err.code : "", err.message);
    assert_string_equal(tdb_jstr(job, "state"), "finished");
    assert_int_equal(json_integer_value(json_object_get(job, "enrollments_done")), 20);
    assert_int_equal(json_integer_value(json_object_get(job, "households_flagged")), flagged);
    assert_int_equal(json_integer_value(json_object_get(job, "cases_created")), flagged);
    assert_int_equal(json_array_size(json_object_get(job, "findings")), (size_t)flagged);
    json_decref(job);
    assert_int_equal(
        tdb_count(t->db, "SELECT COUNT(*) FROM cases WHERE case_type = 'dibao_review'"), flagged);
    /* Again: a report per household more, no second review case while the first is open. */
    job = batch_run(t, 50, 120, &err);
    assert_non_null(job);
    assert_int_equal(json_integer_value(json_object_get(job, "cases_created")), 0);
    assert_int_equal(json_integer_value(json_object_get(job, "households_flagged")), flagged);
    json_decref(job);
    assert_int_equal(
        tdb_count(t->db, "SELECT COUNT(*) FROM cases WHERE case_type = 'dibao_review'"), flagged);
    assert_int_equal(
        tdb_count(t->db, "SELECT COUNT(*) FROM verification_reports WHERE version = 2"), 20);
}

/* The preview's issue lines (CSV without its header) with the given threads; *out counts. */
static char *preview(tdb *t, const char *region, int threads, json_t **out)
{
    char *csv = NULL;
    size_t len = 0;
    mz_error err;
    mz_error_clear(&err);
    mz_verify_preview_options o = {.region_code = region,
                                   .batch_size = 3,
                                   .today = tcase_day(DAY),
                                   .threads = threads,
                                   .url = t->url,
                                   .list_limit = 4};
    o.issues_csv = open_memstream(&csv, &len);
    assert_non_null(o.issues_csv);
    int rc = mz_verify_batch_preview(t->db, &t->cli, &o, out, &err);
    fclose(o.issues_csv);
    if (rc != 0)
        fail_msg("preview: %s %s", err.code ? err.code : "", err.message);
    return csv;
}

/* 预核对: what the batch would find, on several connections, storing nothing. */
static void test_preview(void **state)
{
    tdb *t = tdb_get(state);
    int flagged = enroll_many(t, 20);
    json_t *one, *three, *none;
    char *a = preview(t, NULL, 1, &one), *b = preview(t, NULL, 3, &three);
    assert_int_equal(json_integer_value(json_object_get(one, "households")), 20);
    assert_int_equal(json_integer_value(json_object_get(one, "households_flagged")), flagged);
    assert_int_equal(json_integer_value(json_object_get(three, "households_flagged")), flagged);
    assert_int_equal(json_integer_value(json_object_get(three, "threads")), 3);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(one, "by_code"), "vehicle_over_limit")),
        flagged);
    /* The same lines in the same order whatever the number of connections. */
    assert_string_equal(a, b);
    /* The first four households with issues, in enrollment order, their issues in full. */
    json_t *listed = json_object_get(three, "listed");
    assert_int_equal(json_array_size(listed), 4);
    assert_true(json_is_true(json_object_get(three, "truncated")));
    assert_true(json_integer_value(json_object_get(json_array_get(listed, 0), "enrollment_id")) <
                json_integer_value(json_object_get(json_array_get(listed, 1), "enrollment_id")));
    assert_non_null(strstr(tdb_jstr(json_array_get(json_object_get(json_array_get(listed, 3),
                                                                   "issues"),
                                                   0),
                                    "text"),
                           "机动车辆"));
    assert_true(json_equal(listed, json_object_get(one, "listed")));
    assert_non_null(strstr(a, ",vehicle_over_limit,1,0,,1,0\n"));
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM verification_reports"), 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM verification_jobs"), 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM cases"), 0);
    /* Another county's households: none. */
    free(preview(t, "321311000000", 2, &none));
    assert_int_equal(json_integer_value(json_object_get(none, "households")), 0);
    json_decref(none);

    /* The batch finds exactly what the preview announced. */
    mz_error err;
    json_t *job = batch_run(t, 7, 120, &err);
    assert_non_null(job);
    json_decref(job);
    json_int_t issues = 0;
    mz_stmt *st = mz_db_prepare(t->db, "SELECT findings FROM verification_reports");
    assert_non_null(st);
    while (mz_stmt_step(st) == MZ_DB_ROW) {
        json_t *f = json_loads(mz_stmt_text(st, 0), 0, NULL);
        issues += (json_int_t)json_array_size(json_object_get(f, "issues"));
        json_decref(f);
    }
    mz_stmt_finalize(st);
    assert_int_equal(issues, json_integer_value(json_object_get(one, "issues")));

    mz_verify_preview_options bad = {.today = tcase_day(DAY), .threads = 9, .url = t->url};
    json_t *out = NULL;
    mz_error_clear(&err);
    assert_int_equal(mz_verify_batch_preview(t->db, &t->cli, &bad, &out, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "threads");
    json_decref(one);
    json_decref(three);
    free(a);
    free(b);
}

static void reopen(tdb *t)
{
    char msg[256];
    t->db = mz_db_open(t->url, msg, sizeof msg);
    if (t->db == NULL)
        fail_msg("reopen: %s", msg);
}

/* SIGKILL midway: the job stays 'running' with its cursor; once stale, the next run resumes. */
static void test_crash_resume(void **state)
{
    tdb *t = tdb_get(state);
    enum { N = 60 };
    int flagged = enroll_many(t, N);
    mz_db_close(t->db);
    t->db = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char msg[256];
        mz_db *db = mz_db_open(t->url, msg, sizeof msg);
        if (db == NULL)
            _exit(3);
        mz_verify_batch_options o = {
            .batch_size = 3, .stale_seconds = 120, .today = tcase_day(DAY), .pause_ms = 40};
        json_t *out = NULL;
        mz_error err;
        _exit(mz_verify_batch_run(db, mz_assist_case_registry(), &t->cli, &o, &out, &err) == 0 ? 0
                                                                                               : 1);
    }
    reopen(t);
    int64_t seen = 0;
    for (int i = 0; i < 4000 && seen < 12; i++) {
        struct timespec ts = {0, 5000000L};
        nanosleep(&ts, NULL);
        seen = tdb_count(t->db, "SELECT COUNT(*) FROM verification_reports");
    }
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    int64_t left = tdb_count(t->db, "SELECT COUNT(*) FROM verification_reports");
    assert_true(left >= 12 && left < N);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM verification_jobs WHERE state = "
                                      "'running'"),
                     1);
    /* The cursor is the last enrollment of the last committed step: every report before it. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM verification_reports r JOIN "
                                      "verification_jobs j ON j.id = r.job_id WHERE "
                                      "r.enrollment_id > j.cursor_enrollment"),
                     0);

    mz_error err;
    assert_null(batch_run(t, 3, 120, &err));
    tdb_assert_err(err, 409, "verification_busy", "");
    /* A county worker may not take over the city's job, stale or not. */
    mz_actor county;
    tdb_actor(t, tdb_user(t, "cwq", "county_worker", "321311000000"), &county);
    assert_null(batch_run_as(t, &county, 3, 0, &err));
    tdb_assert_err(err, 409, "verification_busy", "");
    json_t *job = batch_run(t, 3, 0, &err);
    if (job == NULL)
        fail_msg("resume: %s %s", err.code ? err.code : "", err.message);
    assert_string_equal(tdb_jstr(job, "state"), "finished");
    assert_int_equal(json_integer_value(json_object_get(job, "enrollments_done")), N);
    assert_int_equal(json_integer_value(json_object_get(job, "households_flagged")), flagged);
    json_decref(job);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM verification_reports"), N);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(DISTINCT enrollment_id) FROM "
                                      "verification_reports"),
                     N);
    assert_int_equal(
        tdb_count(t->db, "SELECT COUNT(*) FROM cases WHERE case_type = 'dibao_review'"), flagged);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_values_and_batches),
        cmocka_unit_test(test_changes),
        BOTH(test_case_versions),
        BOTH(test_batch),
        BOTH(test_preview),
        BOTH(test_crash_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
