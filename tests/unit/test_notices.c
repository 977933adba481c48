/*
 * Tests for src/systems/assistance/notices.c through the case engine's
 * notice hook (src/core/case.c): a refusal issues a 不予批准通知书 in the
 * decision's transaction (number, SHA-256 of the stored bytes, the reasons,
 * the legal basis and the 60-day / 6-month remedies in the PDF's text, a
 * service deadline of 3 working days), its service (送达) is validated,
 * recorded once, and late or missing service shows as overdue; an approval
 * issues a 批准通知书 with the amount in yuan and fen and the first month,
 * unchanged by a later policy change; a termination issues a 终止通知书.
 * Downloads are audited.  SQLite and, with MZ_TEST_PG_URL, PostgreSQL.
 */
#include "testdb.h"

#include <sodium.h>

#include "core/policy.h"
#include "testcase.h"

#define VILLAGE "321302001001"
#define TOWN "321302001000"
#define COUNTY "321302000000"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_notices");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_notices");
}

typedef struct cast {
    mz_actor village, town, county, county_approver;
} cast;

static void make_cast(tdb *t, cast *c)
{
    tdb_actor(t, tdb_user(t, "vwk", "village_worker", VILLAGE), &c->village);
    tdb_actor(t, tdb_user(t, "twk", "township_worker", TOWN), &c->town);
    tdb_actor(t, tdb_user(t, "cwk", "county_worker", COUNTY), &c->county);
    tdb_actor(t, tdb_user(t, "cap", "county_approver", COUNTY), &c->county_approver);
}

/* A 低保 case of 张三 brought to the county's review, the 公示 opened on day on. */
static int64_t to_review(tdb *t, cast *c, const char *on, const char *submit_on)
{
    mz_case_input in = {.case_type = "dibao",
                        .region_code = VILLAGE,
                        .applicant_name = "张三",
                        .channel = "village",
                        .authorisation_recorded = 1};
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);
    tdb_begin(t);
    if (mz_case_create(t->db, mz_assist_case_registry(), &c->village, &in, tcase_day(on), &out,
                       &err) != 0)
        fail_msg("create: %s", err.message);
    tdb_commit(t);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    tcase_attach(t, &c->village, id, "application_form");
    tcase_attach(t, &c->village, id, "authorisation");
    tcase_act_ok(t, &c->town, id, "accept", NULL, on);
    tcase_attach(t, &c->town, id, "visit_record");
    tcase_act_ok(t, &c->town, id, "investigate", "{\"investigators\":[\"李四\",\"王五\"]}", on);
    tcase_act_ok(
        t, &c->county, id, "verify",
        "{\"assessment\":{\"eligible\":true,\"monthly_amount_fen\":83001,\"standard_fen\":61000,"
        "\"counted_members\":2,\"category_name\":\"低保\",\"explanation\":["
        "{\"step\":\"标准\",\"text\":\"宿迁市低保标准\",\"amount_fen\":61000},"
        "{\"step\":\"补差\",\"text\":\"（标准－人均收入）×人数\",\"amount_fen\":83001}]}}",
        on);
    tcase_act_ok(t, &c->town, id, "submit", NULL, submit_on);
    return id;
}

static json_t *notices_of(tdb *t, const mz_actor *a, int64_t id, const char *today)
{
    json_t *out = NULL;
    mz_error err;
    if (mz_case_notices(t->db, mz_assist_case_registry(), a, id, tcase_day(today), &out, &err) != 0)
        fail_msg("notices: %s", err.message);
    return out;
}

/* The PDF of notice nid (audited download, committed), checked against its SHA-256. */
static mz_buf download(tdb *t, const mz_actor *a, int64_t id, int64_t nid, const char *sha)
{
    mz_buf b;
    mz_error err;
    char hex[65];
    unsigned char hash[32];
    mz_buf_init(&b);
    tdb_begin(t);
    if (mz_case_notice_pdf(t->db, a, id, nid, &b, &err) != 0)
        fail_msg("download: %s", err.message);
    tdb_commit(t);
    assert_memory_equal(b.data, "%PDF-", 5);
    crypto_hash_sha256(hash, (const unsigned char *)b.data, b.len);
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    assert_string_equal(hex, sha);
    return b;
}

/* The PDF's text without spaces, by pdftotext (poppler-utils, scripts/deps.sh). */
static char *text_of(const mz_buf *b)
{
    char path[] = "/tmp/mz_test_notice_XXXXXX", cmd[128];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b->data, b->len), (ssize_t)b->len);
    close(fd);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s -", path);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    mz_buf out;
    mz_buf_init(&out);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        mz_buf_append(&out, chunk, n);
    if (pclose(f) != 0)
        fail_msg("pdftotext failed (poppler-utils is a test dependency: scripts/deps.sh)");
    unlink(path);
    char *t = mz_buf_steal(&out), *w = t;
    for (char *r = t; r && *r; r++)
        if (*r != ' ' && *r != '\n')
            *w++ = *r;
    if (t)
        *w = '\0';
    return t;
}

static int serve(tdb *t, const mz_actor *a, int64_t id, int64_t nid, const char *on,
                 const char *method, const char *today, mz_error *err)
{
    json_t *out = NULL;
    mz_error_clear(err);
    tdb_begin(t);
    int rc = mz_case_notice_serve(t->db, mz_assist_case_registry(), a, id, nid, on, method, "张三",
                                  NULL, tcase_day(today), &out, err);
    if (rc == 0)
        tdb_commit(t);
    else
        mz_db_rollback(t->db);
    json_decref(out);
    return rc;
}

static void test_refusal(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    make_cast(t, &c);
    int64_t id = to_review(t, &c, "2026-03-02", "2026-03-09");
    json_t *n = notices_of(t, &c.town, id, "2026-03-12");
    assert_int_equal(json_array_size(json_object_get(n, "items")), 0);
    json_decref(n);

    /* Refused on Friday 2026-03-13: served by the 3rd working day after, Wednesday 03-18. */
    tcase_act_ok(t, &c.county_approver, id, "refuse",
                 "{\"reasons\":[\"家庭人均收入高于当地低保标准\",\"拥有非豁免机动车辆\"]}",
                 "2026-03-13");
    n = notices_of(t, &c.town, id, "2026-03-18");
    json_t *items = json_object_get(n, "items"), *notice = json_array_get(items, 0);
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(tdb_jstr(notice, "kind"), "refusal");
    assert_string_equal(tdb_jstr(notice, "title"), "最低生活保障不予批准通知书");
    assert_string_equal(tdb_jstr(notice, "number"), "321302〔2026〕否字第00001号");
    assert_string_equal(tdb_jstr(notice, "issued_on"), "2026-03-13");
    assert_string_equal(tdb_jstr(notice, "service_due_on"), "2026-03-18");
    assert_true(json_is_false(json_object_get(notice, "service_overdue")));
    assert_true(json_is_false(json_object_get(n, "notice_overdue")));
    int64_t nid = json_integer_value(json_object_get(notice, "id"));
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'case.notice_issue'"),
                     1);

    /* The PDF: what was recorded, the legal basis, the remedies. */
    mz_buf pdf = download(t, &c.town, id, nid, tdb_jstr(notice, "sha256"));
    char *text = text_of(&pdf);
    assert_non_null(strstr(text, "最低生活保障不予批准通知书"));
    assert_non_null(strstr(text, "321302〔2026〕否字第00001号"));
    assert_non_null(strstr(text, "张三"));
    assert_non_null(strstr(text, "1.家庭人均收入高于当地低保标准"));
    assert_non_null(strstr(text, "2.拥有非豁免机动车辆"));
    assert_non_null(strstr(text, "《最低生活保障审核确认办法》"));
    assert_non_null(strstr(text, "六十日内"));
    assert_non_null(strstr(text, "六个月内"));
    assert_non_null(strstr(text, "宿城区民政局"));
    assert_non_null(strstr(text, "2026年3月13日"));
    assert_non_null(strstr(text, "宿城区幸福街道凤凰居委会"));
    mz_free(text);
    mz_buf_cleanup(&pdf);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'case.notice_view'"),
                     1);

    /* Seen on 03-19 unserved: overdue, and the list's overdue filter finds it. */
    json_decref(n);
    n = notices_of(t, &c.town, id, "2026-03-19");
    assert_true(json_is_true(json_object_get(n, "notice_overdue")));
    json_decref(n);
    mz_case_filter f = {
        .relative_of_staff = -1, .open = -1, .overdue = 1, .page = 1, .page_size = 20};
    json_t *list = NULL;
    assert_int_equal(mz_case_list(t->db, mz_assist_case_registry(), &c.town, &f,
                                  tcase_day("2026-03-19"), &list, &err),
                     0);
    assert_int_equal(json_integer_value(json_object_get(list, "total")), 1);
    assert_true(json_is_true(
        json_object_get(json_array_get(json_object_get(list, "items"), 0), "notice_overdue")));
    json_decref(list);
    assert_int_equal(mz_case_list(t->db, mz_assist_case_registry(), &c.town, &f,
                                  tcase_day("2026-03-18"), &list, &err),
                     0);
    assert_int_equal(json_integer_value(json_object_get(list, "total")), 0);
    json_decref(list);

    /* Service: the date is checked, the method too; recorded once. */
    assert_int_equal(serve(t, &c.town, id, nid, "2026-13-01", "direct", "2026-03-19", &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "served_on");
    assert_int_equal(serve(t, &c.town, id, nid, "2026-03-12", "direct", "2026-03-19", &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "served_on");
    assert_int_equal(serve(t, &c.town, id, nid, "2026-03-20", "direct", "2026-03-19", &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "served_on");
    assert_int_equal(serve(t, &c.town, id, nid, NULL, "direct", "2026-03-19", &err), -1);
    tdb_assert_err(err, 400, "missing_field", "served_on");
    assert_int_equal(serve(t, &c.town, id, nid, "2026-03-19", "pigeon", "2026-03-19", &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "method");
    assert_int_equal(serve(t, &c.town, id, nid + 1000, "2026-03-19", "direct", "2026-03-19", &err),
                     -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(serve(t, &c.town, id, nid, "2026-03-19", "post", "2026-03-19", &err), 0);
    assert_int_equal(serve(t, &c.town, id, nid, "2026-03-19", "post", "2026-03-19", &err), -1);
    tdb_assert_err(err, 409, "already_served", "");
    /* Served a day late: still shown as late, but no longer waiting. */
    n = notices_of(t, &c.town, id, "2026-03-20");
    notice = json_array_get(json_object_get(n, "items"), 0);
    assert_string_equal(tdb_jstr(notice, "served_on"), "2026-03-19");
    assert_string_equal(tdb_jstr(notice, "service_method"), "post");
    assert_true(json_is_true(json_object_get(notice, "service_overdue")));
    assert_true(json_is_false(json_object_get(n, "notice_overdue")));
    json_decref(n);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'case.notice_service'"),
                     1);
}

static void test_approval(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    int64_t pid;
    make_cast(t, &c);
    int64_t id = to_review(t, &c, "2026-03-02", "2026-03-09");
    tcase_act_ok(t, &c.county_approver, id, "approve", NULL, "2026-03-10");
    json_t *n = notices_of(t, &c.town, id, "2026-03-30");
    json_t *notice = json_array_get(json_object_get(n, "items"), 0);
    assert_string_equal(tdb_jstr(notice, "kind"), "approval");
    assert_string_equal(tdb_jstr(notice, "title"), "最低生活保障批准通知书");
    assert_string_equal(tdb_jstr(notice, "number"), "321302〔2026〕准字第00001号");
    assert_true(json_is_null(json_object_get(notice, "service_due_on")));
    assert_true(json_is_false(json_object_get(notice, "service_overdue")));
    int64_t nid = json_integer_value(json_object_get(notice, "id"));
    char *sha = mz_strdup(tdb_jstr(notice, "sha256"));
    json_decref(n);

    mz_buf pdf = download(t, &c.town, id, nid, sha);
    char *text = text_of(&pdf);
    assert_non_null(strstr(text, "最低生活保障批准通知书"));
    assert_non_null(strstr(text, "830.01元"));
    assert_non_null(strstr(text, "2026年4月起按月发放"));
    assert_non_null(strstr(text, "2人"));
    assert_non_null(strstr(text, "（标准－人均收入）×人数"));
    assert_non_null(strstr(text, "610.00元/人·月"));
    assert_null(strstr(text, "六十日内")); /* an approval needs no remedy */
    mz_free(text);

    /* A later policy change does not alter the issued notice. */
    tdb_begin(t);
    if (mz_policy_add(t->db, &t->cli, "dibao", "standard_monthly", "321300000000", "2026-04-01",
                      "700.00", NULL, &pid, &err) != 0)
        fail_msg("policy: %s", err.message);
    tdb_commit(t);
    mz_buf again = download(t, &c.town, id, nid, sha);
    assert_int_equal(again.len, pdf.len);
    assert_memory_equal(again.data, pdf.data, pdf.len);
    mz_buf_cleanup(&again);
    mz_buf_cleanup(&pdf);
    mz_free(sha);

    /* The next approval in the same county and year takes the next number. */
    int64_t id2 = to_review(t, &c, "2026-03-02", "2026-03-09");
    tcase_act_ok(t, &c.county_approver, id2, "approve", NULL, "2026-03-11");
    n = notices_of(t, &c.town, id2, "2026-03-30");
    assert_string_equal(tdb_jstr(json_array_get(json_object_get(n, "items"), 0), "number"),
                        "321302〔2026〕准字第00002号");
    json_decref(n);

    /* Another case's notice id is not this case's. */
    mz_buf b;
    mz_buf_init(&b);
    tdb_begin(t);
    assert_int_equal(mz_case_notice_pdf(t->db, &c.town, id2, nid, &b, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    mz_db_rollback(t->db);
    mz_buf_cleanup(&b);
}

static void test_termination(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    json_t *out = NULL;
    mz_error err;
    make_cast(t, &c);
    mz_case_input in = {.case_type = "tekun_termination",
                        .region_code = VILLAGE,
                        .applicant_name = "孙八",
                        .channel = "online"};
    mz_error_clear(&err);
    tdb_begin(t);
    assert_int_equal(mz_case_create(t->db, mz_assist_case_registry(), &c.town, &in,
                                    tcase_day("2026-03-02"), &out, &err),
                     0);
    tdb_commit(t);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    tcase_act_ok(t, &c.town, id, "publicize", NULL, "2026-03-02");
    tcase_act_ok(t, &c.town, id, "submit", NULL, "2026-03-13");
    tcase_act_ok(t, &c.county_approver, id, "terminate",
                 "{\"reasons\":[\"有法定赡养人且具备赡养能力\"]}", "2026-03-16");
    json_t *n = notices_of(t, &c.town, id, "2026-03-30");
    json_t *notice = json_array_get(json_object_get(n, "items"), 0);
    assert_string_equal(tdb_jstr(notice, "kind"), "termination");
    assert_string_equal(tdb_jstr(notice, "title"), "终止特困人员救助供养通知书");
    assert_string_equal(tdb_jstr(notice, "number"), "321302〔2026〕终字第00001号");
    mz_buf pdf = download(t, &c.town, id, json_integer_value(json_object_get(notice, "id")),
                          tdb_jstr(notice, "sha256"));
    char *text = text_of(&pdf);
    assert_non_null(strstr(text, "孙八"));
    assert_non_null(strstr(text, "2026年4月起终止"));
    assert_non_null(strstr(text, "1.有法定赡养人且具备赡养能力"));
    assert_non_null(strstr(text, "《特困人员认定办法》"));
    assert_non_null(strstr(text, "六十日内"));
    mz_free(text);
    mz_buf_cleanup(&pdf);
    json_decref(n);
}

#define BOTH(fn)                                                                                   \
    cmocka_unit_test_setup_teardown(fn, setup_sqlite, tdb_teardown),                               \
        cmocka_unit_test_setup_teardown(fn, setup_pg, tdb_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_refusal),
        BOTH(test_approval),
        BOTH(test_termination),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
