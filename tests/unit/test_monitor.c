/*
 * Tests for 动态监测 (systems/assistance/monitor.c, migration 013): every
 * rule at its boundary (a death stops or reviews; a car beyond the limit vs
 * a disabled person's motorcycle and a cancelled car; out-of-pocket costs at
 * the threshold vs one fen above; grade 2 vs grade 3; turning 80 today vs
 * tomorrow, and a county that switched the rule off; an edge household's
 * unemployed member; a 渐退 ending this month vs later), deduplication
 * (running twice raises nothing), routing, the workflow with its checks and
 * the dashboard.  Today is 2026-06-15 throughout.  SQLite and, with
 * MZ_TEST_PG_URL, PostgreSQL.
 */
#include "testdb.h"
#include "testcase.h"

#include "systems/assistance/monitor.h"

#define VILLAGE "321302001001" /* 凤凰居委会, 幸福街道, 宿城区 */
#define TOWN "321302001000"
#define COUNTY "321302000000"
#define VILLAGE2 "321311001001" /* a village of 宿豫区 */
#define TODAY "2026-06-15"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_monitor");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_monitor");
}

static int seq;

static void run_sql(tdb *t, const char *sql, const char *types, ...);

/* A person born on birth (with a grade 2 physical disability when disabled); the id. */
static int64_t person(tdb *t, const char *birth, int disabled)
{
    char idn[32];
    int64_t id = 0;
    unsigned n = (unsigned)++seq % 1000000u;
    snprintf(idn, sizeof idn, "32130219%06uX%03u", n, n % 1000u);
    if (mz_db_query_int64(t->db, &id,
                          "INSERT INTO persons (id_number, name, gender, birth_date, "
                          "disability_kind, disability_grade, created_region, created_at, "
                          "updated_at) VALUES (?, '测试', 'M', ?, ?, ?, ?, '2026-01-01T00:00:00Z', "
                          "'2026-01-01T00:00:00Z') RETURNING id",
                          "ttttt", idn, birth, disabled ? "physical" : NULL, disabled ? "2" : NULL,
                          VILLAGE) != MZ_DB_ROW)
        fail_msg("person: %s", mz_db_errmsg(t->db));
    return id;
}

static void run_sql(tdb *t, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    mz_stmt *st = mz_db_prepare(t->db, sql);
    for (int i = 0; st && types[i]; i++) {
        if (types[i] == 'i')
            mz_stmt_bind_int64(st, i + 1, va_arg(ap, int64_t));
        else
            mz_stmt_bind_text(st, i + 1, va_arg(ap, const char *));
    }
    va_end(ap);
    if (st == NULL || mz_stmt_step(st) < 0)
        fail_msg("%s: %s", sql, mz_db_errmsg(t->db));
    mz_stmt_finalize(st);
}

static const char *idn_of(tdb *t, int64_t p, char out[19])
{
    char *s = NULL;
    if (mz_db_query_text(t->db, &s, "SELECT id_number FROM persons WHERE id = ?", "i", p) !=
        MZ_DB_ROW)
        fail_msg("idn: %s", mz_db_errmsg(t->db));
    snprintf(out, 19, "%s", s);
    mz_free(s);
    return out;
}

/* A household in village with the persons as current members; its id. */
static int64_t household(tdb *t, const char *village, int64_t p1, int64_t p2)
{
    int64_t h = 0;
    if (mz_db_query_int64(t->db, &h,
                          "INSERT INTO households (region_code, kind, address, head_person_id, "
                          "created_at, updated_at) VALUES (?, 'urban', '幸福路1号', ?, "
                          "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id",
                          "ti", village, p1) != MZ_DB_ROW)
        fail_msg("household: %s", mz_db_errmsg(t->db));
    for (int i = 0; i < 2; i++) {
        int64_t p = i ? p2 : p1;
        if (p > 0)
            run_sql(t,
                    "INSERT INTO household_members (household_id, person_id, relation, joined_on, "
                    "created_at) VALUES (?, ?, ?, '2000-01-01', '2026-01-01T00:00:00Z')",
                    "iit", h, p, i ? "spouse" : "self");
    }
    return h;
}

/* A household 低保 enrollment with its first period; its id. */
static int64_t enroll(tdb *t, int64_t h, const char *status, const char *to_month)
{
    int64_t e = 0;
    if (mz_db_query_int64(t->db, &e,
                          "INSERT INTO enrollments (program, household_id, payee_name, "
                          "region_code, monthly_amount_fen, from_month, to_month, status, "
                          "created_at, updated_at) SELECT 'dibao', id, '测试', region_code, "
                          "50000, '2026-01', ?, ?, '2026-01-01T00:00:00Z', "
                          "'2026-01-01T00:00:00Z' FROM households WHERE id = ? RETURNING id",
                          "tti", to_month, status, h) != MZ_DB_ROW)
        fail_msg("enroll: %s", mz_db_errmsg(t->db));
    run_sql(t,
            "INSERT INTO enrollment_periods (enrollment_id, from_month, status, "
            "monthly_amount_fen, created_at) VALUES (?, '2026-01', ?, 50000, "
            "'2026-01-01T00:00:00Z')",
            "it", e, strcmp(status, "taper") == 0 ? "taper" : "in_force");
    return e;
}

/* One department record in its own batch. */
static void evidence(tdb *t, const char *source, int64_t p, const char *as_of, const char *ref,
                     const char *kind, const char *from, const char *to, int64_t amount,
                     int64_t qty)
{
    char idn[19], sha[32];
    int64_t b = 0;
    snprintf(sha, sizeof sha, "sha%d", ++seq);
    if (mz_db_query_int64(t->db, &b,
                          "INSERT INTO evidence_batches (source, department, as_of, sha256, "
                          "file_name, file_format, mode, status, rows_total, rows_accepted, "
                          "rows_rejected, errors_total, imported_by, importer_region, "
                          "started_at, finished_at) VALUES (?, '部门', ?, ?, 'f.csv', 'csv', "
                          "'all_or_nothing', 'imported', 1, 1, 0, 0, 'test', '321300000000', "
                          "'2026-06-01T00:00:00Z', '2026-06-01T00:00:00Z') RETURNING id",
                          "ttt", source, as_of, sha) != MZ_DB_ROW)
        fail_msg("batch: %s", mz_db_errmsg(t->db));
    run_sql(t,
            "INSERT INTO evidence_records (batch_id, source, as_of, row_no, id_number, name, ref, "
            "kind, date_from, date_to, amount_fen, qty) VALUES (?, ?, ?, 2, ?, '测试', ?, ?, ?, "
            "?, ?, ?)",
            "itttttttii", b, source, as_of, idn_of(t, p, idn), ref, kind, from, to, amount, qty);
}

/* Runs one rule on TODAY as the command-line actor; the result. */
static mz_monitor_result run_rule(tdb *t, const char *rule)
{
    mz_monitor_result res = {0};
    mz_error err;
    mz_error_clear(&err);
    tdb_begin(t);
    if (mz_monitor_run_rule(t->db, &t->cli, rule, tcase_day(TODAY), &res, &err) != 0)
        fail_msg("%s: %s %s", rule, err.code ? err.code : "", err.message);
    tdb_commit(t);
    return res;
}

static int64_t q1(tdb *t, const char *sql, int64_t id)
{
    int64_t n = -1;
    if (mz_db_query_int64(t->db, &n, sql, "i", id) != MZ_DB_ROW)
        fail_msg("%s: %s", sql, mz_db_errmsg(t->db));
    return n;
}

static void test_death(void **state)
{
    tdb *t = tdb_get(state);
    tdb_begin(t);
    int64_t a1 = person(t, "1950-01-01", 0), a2 = person(t, "1952-01-01", 0);
    int64_t b1 = person(t, "1940-01-01", 0), c1 = person(t, "1945-01-01", 0);
    int64_t ha = household(t, VILLAGE, a1, a2), hb = household(t, VILLAGE, b1, 0);
    household(t, VILLAGE, c1, 0);
    int64_t ea = enroll(t, ha, "in_force", NULL), eb = enroll(t, hb, "in_force", NULL);
    evidence(t, "death", a1, "2026-06-12", "D1", "公安", "2026-06-01", NULL, 0, 0);
    evidence(t, "death", b1, "2026-06-12", "D2", "殡葬", "2026-05-20", NULL, 0, 0);
    evidence(t, "death", c1, "2026-06-12", "D3", "殡葬", "2026-05-20", NULL, 0, 0);
    /* A death recorded after today is not acted on. */
    evidence(t, "death", a2, "2026-06-12", "D4", "公安", "2026-06-16", NULL, 0, 0);
    tdb_commit(t);

    mz_monitor_result r = run_rule(t, "death");
    assert_int_equal(r.candidates, 2); /* c1 receives nothing */
    assert_int_equal(r.created, 2);
    assert_int_equal(r.stopped, 1);
    assert_int_equal(r.cases, 1);
    /* The household that lives on is reviewed; the one whose member all died stops. */
    assert_int_equal(
        q1(t, "SELECT COUNT(*) FROM enrollments WHERE id = ? AND status = 'in_force'", ea), 1);
    assert_int_equal(q1(t,
                        "SELECT COUNT(*) FROM enrollments WHERE id = ? AND status = 'stopped' "
                        "AND to_month = '2026-05'",
                        eb),
                     1);
    assert_int_equal(q1(t,
                        "SELECT COUNT(*) FROM persons WHERE id = ? AND deceased_on = "
                        "'2026-06-01'",
                        a1),
                     1);
    assert_int_equal(q1(t,
                        "SELECT COUNT(*) FROM monitor_alerts a JOIN cases c ON c.id = "
                        "a.case_id WHERE a.person_id = ? AND c.case_type = 'dibao_review' AND "
                        "a.route_level = 'county'",
                        a1),
                     1);
    assert_int_equal(q1(t, "SELECT enrollment_id FROM monitor_alerts WHERE person_id = ?", b1), eb);
    /* Again: nothing new. */
    r = run_rule(t, "death");
    assert_int_equal(r.created, 0);
    assert_int_equal(r.cases, 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM monitor_alerts"), 2);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM cases"), 1);
}

static void test_assets(void **state)
{
    tdb *t = tdb_get(state);
    tdb_begin(t);
    int64_t p1 = person(t, "1980-01-01", 0), p2 = person(t, "1980-01-01", 1);
    int64_t p3 = person(t, "1980-01-01", 0), p4 = person(t, "1980-01-01", 0);
    int64_t h1 = household(t, VILLAGE, p1, 0), h2 = household(t, VILLAGE, p2, 0);
    int64_t h3 = household(t, VILLAGE, p3, 0);
    household(t, VILLAGE, p4, 0);
    enroll(t, h1, "in_force", NULL);
    enroll(t, h2, "in_force", NULL);
    enroll(t, h3, "suspended", NULL);
    evidence(t, "vehicle", p1, "2026-06-01", "苏N1", "小型汽车", "2025-01-01", NULL, 6800000, 0);
    /* A disabled person's motorcycle is exempt; a cancelled car no longer counts. */
    evidence(t, "vehicle", p2, "2026-06-01", "苏N2", "摩托车", "2025-01-01", NULL, 300000, 0);
    evidence(t, "vehicle", p3, "2026-06-01", "苏N3", "小型汽车", "2020-01-01", "2026-06-15", 100000,
             0);
    /* Not enrolled: not monitored by this rule. */
    evidence(t, "vehicle", p4, "2026-06-01", "苏N4", "小型汽车", "2025-01-01", NULL, 100000, 0);
    tdb_commit(t);
    mz_monitor_result r = run_rule(t, "assets");
    assert_int_equal(r.created, 1);
    assert_int_equal(r.cases, 1);
    assert_int_equal(q1(t,
                        "SELECT COUNT(*) FROM monitor_alerts WHERE household_id = ? AND "
                        "route_level = 'township' AND case_id IS NOT NULL",
                        h1),
                     1);
    /* Two homes (limit 1): a new alert, the open review reused. */
    tdb_begin(t);
    evidence(t, "property", p1, "2026-06-02", "证1", "住宅", "2010-01-01", NULL, 0, 8000);
    evidence(t, "property", p1, "2026-06-02", "证2", "住宅", "2012-01-01", NULL, 0, 6000);
    tdb_commit(t);
    r = run_rule(t, "assets");
    assert_int_equal(r.created, 1);
    assert_int_equal(r.cases, 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM cases"), 1);
    assert_int_equal(run_rule(t, "assets").created, 0);
}

static void test_medical(void **state)
{
    tdb *t = tdb_get(state);
    tdb_begin(t);
    int64_t p1 = person(t, "1970-01-01", 0), p2 = person(t, "1970-01-01", 0),
            p3 = person(t, "1970-01-01", 0);
    int64_t h1 = household(t, VILLAGE, p1, 0), h2 = household(t, VILLAGE, p2, 0),
            h3 = household(t, VILLAGE, p3, 0);
    enroll(t, h3, "in_force", NULL);
    /* h1: exactly the threshold (10 000 yuan) within 12 months, plus an older stay. */
    evidence(t, "medical", p1, "2026-06-01", NULL, "住院", "2026-01-10", "2026-01-20", 600000, 0);
    evidence(t, "medical", p1, "2026-06-01", NULL, "住院", "2025-06-15", "2025-06-20", 400000, 0);
    evidence(t, "medical", p1, "2026-06-01", NULL, "住院", "2025-06-14", "2025-06-20", 900000, 0);
    /* h2: one fen above, the same stay sent again in a later batch counts once. */
    evidence(t, "medical", p2, "2026-05-01", NULL, "住院", "2026-03-01", NULL, 500001, 0);
    evidence(t, "medical", p2, "2026-06-01", NULL, "住院", "2026-03-01", NULL, 500001, 0);
    evidence(t, "medical", p2, "2026-06-01", NULL, "门诊慢特病", "2026-05-01", NULL, 500000, 0);
    /* h3 receives 低保 already. */
    evidence(t, "medical", p3, "2026-06-01", NULL, "住院", "2026-03-01", NULL, 9000000, 0);
    tdb_commit(t);
    mz_monitor_result r = run_rule(t, "medical");
    assert_int_equal(r.created, 1);
    assert_int_equal(q1(t,
                        "SELECT COUNT(*) FROM monitor_alerts WHERE household_id = ? AND "
                        "candidate = 'rigid_temporary' AND case_id IS NULL",
                        h2),
                     1);
    assert_int_equal(q1(t, "SELECT COUNT(*) FROM monitor_alerts WHERE household_id = ?", h1), 0);
    assert_int_equal(run_rule(t, "medical").created, 0);
}

static void test_disability(void **state)
{
    tdb *t = tdb_get(state);
    tdb_begin(t);
    int64_t p1 = person(t, "1970-01-01", 0), p2 = person(t, "1970-01-01", 0),
            p3 = person(t, "1970-01-01", 0);
    household(t, VILLAGE, p1, p2);
    household(t, VILLAGE, p3, 0);
    evidence(t, "disability", p1, "2026-06-10", "C1", "肢体", "2026-06-05", "2036-06-04", 0, 2);
    evidence(t, "disability", p2, "2026-06-10", "C2", "肢体", "2026-06-05", "2036-06-04", 0, 3);
    /* Grade 1, but issued 91 days ago (the window is 90 days). */
    evidence(t, "disability", p3, "2026-06-10", "C3", "视力", "2026-03-16", NULL, 0, 1);
    tdb_commit(t);
    mz_monitor_result r = run_rule(t, "disability");
    assert_int_equal(r.created, 1);
    assert_int_equal(q1(t,
                        "SELECT COUNT(*) FROM monitor_alerts WHERE person_id = ? AND "
                        "route_level = 'county' AND candidate = 'disability_subsidies'",
                        p1),
                     1);
    assert_int_equal(run_rule(t, "disability").created, 0);
}

static void test_age(void **state)
{
    tdb *t = tdb_get(state);
    tdb_begin(t);
    int64_t today = person(t, "1946-06-15", 0), tomorrow = person(t, "1946-06-16", 0);
    int64_t earlier = person(t, "1946-05-14", 0), off = person(t, "1946-06-15", 0);
    household(t, VILLAGE, today, tomorrow);
    household(t, VILLAGE, earlier, 0);
    household(t, VILLAGE2, off, 0);
    /* 宿豫区 switched the rule off from June. */
    tdb_exec(t->db, "INSERT INTO policy_params (program, param, region_prefix, effective_from, "
                    "value, created_by, created_at) VALUES ('monitor', 'age_enabled', '321311', "
                    "'2026-06-01', '0', 'test', '2026-06-01T00:00:00Z')");
    tdb_commit(t);
    mz_monitor_result r = run_rule(t, "age");
    assert_int_equal(r.created, 1);
    assert_int_equal(q1(t,
                        "SELECT COUNT(*) FROM monitor_alerts WHERE person_id = ? AND "
                        "candidate = 'elderly_allowance'",
                        today),
                     1);
    assert_int_equal(run_rule(t, "age").created, 0);
}

static void test_edge_unemployed(void **state)
{
    tdb *t = tdb_get(state);
    tdb_begin(t);
    int64_t p1 = person(t, "1980-01-01", 0), p2 = person(t, "1980-01-01", 0);
    int64_t h1 = household(t, VILLAGE, p1, 0), h2 = household(t, VILLAGE, p2, 0);
    /* h1's latest assessment found 低保边缘 (an older one found 低保); h2's found none. */
    static const char ins[] =
        "INSERT INTO cases (case_type, state, region_code, household_id, applicant_name, "
        "channel, created_at, updated_at, data) VALUES ('dibao', 'refused', ?, ?, '测试', "
        "'online', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ?)";
    run_sql(t, ins, "tit", VILLAGE, h1, "{\"assessment\":{\"category\":\"dibao\"}}");
    run_sql(t, ins, "tit", VILLAGE, h1, "{\"assessment\":{\"category\":\"edge\"}}");
    run_sql(t, ins, "tit", VILLAGE, h1, "{\"reason\":\"x\"}");
    run_sql(t, ins, "tit", VILLAGE, h2, "{\"assessment\":{\"category\":\"none\"}}");
    evidence(t, "unemployment", p1, "2026-06-01", NULL, NULL, "2026-05-01", "2027-04-30", 188000,
             0);
    evidence(t, "unemployment", p2, "2026-06-01", NULL, NULL, "2026-05-01", "2027-04-30", 188000,
             0);
    tdb_commit(t);
    mz_monitor_result r = run_rule(t, "edge_unemployed");
    assert_int_equal(r.created, 1);
    assert_int_equal(q1(t, "SELECT COUNT(*) FROM monitor_alerts WHERE person_id = ?", p1), 1);
    assert_int_equal(run_rule(t, "edge_unemployed").created, 0);
}

static void test_taper_end(void **state)
{
    tdb *t = tdb_get(state);
    tdb_begin(t);
    int64_t h1 = household(t, VILLAGE, person(t, "1980-01-01", 0), 0);
    int64_t h2 = household(t, VILLAGE, person(t, "1980-01-01", 0), 0);
    int64_t e1 = enroll(t, h1, "taper", "2026-07");
    enroll(t, h2, "taper", "2026-08");
    tdb_commit(t);
    mz_monitor_result r = run_rule(t, "taper_end");
    assert_int_equal(r.created, 1);
    assert_int_equal(r.cases, 1);
    assert_int_equal(q1(t,
                        "SELECT COUNT(*) FROM monitor_alerts WHERE enrollment_id = ? AND "
                        "case_id IS NOT NULL",
                        e1),
                     1);
    assert_int_equal(run_rule(t, "taper_end").created, 0);
}

static void test_workflow_and_dashboard(void **state)
{
    tdb *t = tdb_get(state);
    mz_actor town, county, other;
    tdb_actor(t, tdb_user(t, "twk", "township_worker", TOWN), &town);
    tdb_actor(t, tdb_user(t, "cwk", "county_worker", COUNTY), &county);
    tdb_actor(t, tdb_user(t, "owk", "township_worker", "321311001000"), &other);
    tdb_begin(t);
    int64_t p = person(t, "1946-06-15", 0), q = person(t, "1970-01-01", 0);
    household(t, VILLAGE, p, 0);
    int64_t hq = household(t, VILLAGE, q, 0);
    enroll(t, hq, "in_force", NULL);
    evidence(t, "hukou", q, "2026-06-01", "H1", "户主", NULL, NULL, 0, 0);
    tdb_commit(t);
    run_rule(t, "age");
    int64_t id = tdb_count(t->db, "SELECT id FROM monitor_alerts");
    json_t *out = NULL;
    mz_error err;
#define ACT(a, action, note, outcome)                                                              \
    (mz_error_clear(&err), json_decref(out), out = NULL,                                           \
     mz_alert_act(t->db, a, id, action, note, outcome, &out, &err))
    tdb_begin(t);
    assert_int_equal(ACT(&other, "triage", "x", NULL), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(ACT(&county, "triage", "x", NULL), -1); /* routed to the township */
    assert_int_equal(err.status, 403);
    assert_int_equal(ACT(&town, "approve", "x", NULL), -1);
    tdb_assert_err(err, 400, "invalid_value", "action");
    assert_int_equal(ACT(&town, "triage", "", NULL), -1);
    tdb_assert_err(err, 400, "missing_field", "note");
    assert_int_equal(ACT(&town, "dispose", "x", "case"), -1);
    tdb_assert_err(err, 409, "invalid_state", "action");
    assert_int_equal(ACT(&town, "triage", "属实，安排入户", NULL), 0);
    assert_int_equal(ACT(&town, "visit", "已入户核实", NULL), 0);
    assert_int_equal(ACT(&town, "dispose", "x", "pay"), -1);
    tdb_assert_err(err, 400, "invalid_value", "outcome");
    assert_int_equal(ACT(&town, "dismiss", "x", NULL), -1);
    tdb_assert_err(err, 409, "invalid_state", "action");
    assert_int_equal(ACT(&town, "dispose", "已告知申请尊老金", "referral"), 0);
    tdb_commit(t);
    assert_string_equal(tdb_jstr(out, "state"), "disposed");
    assert_true(json_is_string(json_object_get(out, "closed_at")));
    json_decref(out);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'alert.%'"),
                     3);

    json_t *d = NULL;
    mz_error_clear(&err);
    assert_int_equal(mz_monitor_dashboard(t->db, &county, NULL, tcase_day(TODAY), &d, &err), 0);
    json_t *tot = json_object_get(d, "totals"), *cov = json_object_get(d, "coverage");
    assert_int_equal(json_integer_value(json_object_get(tot, "disposed")), 1);
    assert_int_equal(json_integer_value(json_object_get(tot, "open")), 0);
    json_t *steps = json_object_get(d, "response");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(steps, 2), "count")), 1);
    /* One enrolled person, matched by the 户籍 data of 2026-06-01 (within 90 days). */
    assert_int_equal(json_integer_value(json_object_get(cov, "monitored")), 1);
    assert_int_equal(json_integer_value(json_object_get(cov, "matched")), 1);
    json_decref(d);
    mz_error_clear(&err);
    assert_int_equal(mz_monitor_dashboard(t->db, &town, "321311000000", tcase_day(TODAY), &d, &err),
                     -1);
    assert_int_equal(err.status, 400);
}

/* A whole run: every rule, one audit entry with the counts; an unknown rule is 400. */
static void test_run_all(void **state)
{
    tdb *t = tdb_get(state);
    tdb_begin(t);
    household(t, VILLAGE, person(t, "1946-06-15", 0), 0);
    tdb_commit(t);
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);
    tdb_begin(t);
    assert_int_equal(mz_monitor_run(t->db, &t->cli, "nope", tcase_day(TODAY), &out, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "rule");
    assert_int_equal(mz_monitor_run(t->db, &t->cli, NULL, tcase_day(TODAY), &out, &err), 0);
    tdb_commit(t);
    assert_int_equal(json_array_size(json_object_get(out, "rules")), 7);
    assert_int_equal(json_integer_value(json_object_get(out, "created")), 1);
    json_decref(out);
    assert_int_equal(
        tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'monitor.run'"), 1);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_death),     BOTH(test_assets),
        BOTH(test_medical),   BOTH(test_disability),
        BOTH(test_age),       BOTH(test_edge_unemployed),
        BOTH(test_taper_end), BOTH(test_workflow_and_dashboard),
        BOTH(test_run_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
