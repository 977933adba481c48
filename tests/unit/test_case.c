/*
 * Tests for src/core/case.c with the 社会救助 declarations of
 * src/systems/assistance/case_types.c: the transition table is enforced
 * (state, role, level, data keys, guards, attachments), the region scope
 * (outside the subtree a case does not exist), deadlines in working days
 * with the holiday calendar, 补正 only once, two investigators, relatives of
 * staff always visited, objections during 公示, township or county approval by
 * policy, the inbox, attachments and the audit log.  Every case runs on
 * SQLite and, with MZ_TEST_PG_URL, on PostgreSQL (see testdb.h).
 */
#include "testdb.h"

#include "base/calendar.h"
#include "base/date.h"
#include "core/audit.h"
#include "core/case.h"
#include "core/policy.h"
#include "systems/assistance/case_types.h"

#define TOWN "321302001000"    /* 幸福街道 */
#define VILLAGE "321302001001" /* 凤凰居委会 */
#define TOWN2 "321302002000"   /* 项里街道 */
#define COUNTY "321302000000"  /* 宿城区 */

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_case");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_case");
}

/* The cast: one of each role that takes part, and a township worker elsewhere. */
typedef struct cast {
    mz_actor village, town, town_approver, county, county_approver, town2, auditor;
} cast;

static void make_cast(tdb *t, cast *c)
{
    tdb_actor(t, tdb_user(t, "vwk", "village_worker", VILLAGE), &c->village);
    tdb_actor(t, tdb_user(t, "twk", "township_worker", TOWN), &c->town);
    tdb_actor(t, tdb_user(t, "tap", "township_approver", TOWN), &c->town_approver);
    tdb_actor(t, tdb_user(t, "cwk", "county_worker", COUNTY), &c->county);
    tdb_actor(t, tdb_user(t, "cap", "county_approver", COUNTY), &c->county_approver);
    tdb_actor(t, tdb_user(t, "tw2", "township_worker", TOWN2), &c->town2);
    tdb_actor(t, tdb_user(t, "aud", "auditor", COUNTY), &c->auditor);
}

static const mz_case_registry *reg(void)
{
    return mz_assist_case_registry();
}

static int day(const char *s)
{
    int d;
    if (mz_date_parse(s, &d) != 0)
        fail_msg("bad date %s", s);
    return d;
}

/* Creates a 低保 case (committed) and returns its id. */
static int64_t new_case(tdb *t, const mz_actor *a, int relative, int authorised, const char *on)
{
    mz_case_input in = {.case_type = "dibao",
                        .region_code = VILLAGE,
                        .applicant_name = "张三",
                        .channel = a->level == MZ_CASE_VILLAGE ? "village" : "online",
                        .relative_of_staff = relative,
                        .authorisation_recorded = authorised};
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);
    tdb_begin(t);
    if (mz_case_create(t->db, reg(), a, &in, day(on), &out, &err) != 0) {
        mz_db_rollback(t->db);
        fail_msg("create: %s %s %s", err.code ? err.code : "", err.field, err.message);
    }
    tdb_commit(t);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    return id;
}

/* Takes an action in its own transaction; *out (may be NULL) gets the case. */
static int act(tdb *t, const mz_actor *a, int64_t id, const char *action, const char *comment,
               const char *data, const char *on, json_t **out, mz_error *err)
{
    json_t *d = data ? json_loads(data, 0, NULL) : NULL, *tmp = NULL;
    if (data && d == NULL)
        fail_msg("bad JSON %s", data);
    mz_error_clear(err);
    tdb_begin(t);
    int rc = mz_case_act(t->db, reg(), a, id, action, comment, d, day(on), out ? out : &tmp, err);
    if (rc == 0)
        tdb_commit(t);
    else
        mz_db_rollback(t->db);
    json_decref(d);
    json_decref(tmp);
    return rc;
}

/* Takes an action that must succeed. */
static void act_ok(tdb *t, const mz_actor *a, int64_t id, const char *action, const char *comment,
                   const char *data, const char *on)
{
    mz_error err;
    if (act(t, a, id, action, comment, data, on, NULL, &err) != 0)
        fail_msg("%s: %s %s %s", action, err.code ? err.code : "", err.field, err.message);
}

static void attach(tdb *t, const mz_actor *a, int64_t id, const char *kind)
{
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);
    tdb_begin(t);
    /* "%PDF-1.4\n%test\n" */
    if (mz_case_attachment_add(t->db, reg(), a, id, kind, "扫描件.pdf", "JVBERi0xLjQKJXRlc3QK",
                               &out, &err) != 0) {
        mz_db_rollback(t->db);
        fail_msg("attach %s: %s %s", kind, err.code ? err.code : "", err.message);
    }
    tdb_commit(t);
    json_decref(out);
}

static char *state_of(tdb *t, int64_t id)
{
    char *s = NULL;
    if (mz_db_query_text(t->db, &s, "SELECT state FROM cases WHERE id = ?", "i", id) != MZ_DB_ROW)
        fail_msg("no case %lld", (long long)id);
    return s;
}

#define assert_state(t, id, want)                                                                  \
    do {                                                                                           \
        char *s_ = state_of((t), (id));                                                            \
        assert_string_equal(s_, (want));                                                           \
        mz_free(s_);                                                                               \
    } while (0)

static char *text_of(tdb *t, const char *sql, int64_t id)
{
    char *s = NULL;
    if (mz_db_query_text(t->db, &s, sql, "i", id) < 0)
        fail_msg("%s: %s", sql, mz_db_errmsg(t->db));
    return s;
}

#define assert_text(t, sql, id, want)                                                              \
    do {                                                                                           \
        char *s_ = text_of((t), (sql), (id));                                                      \
        assert_non_null(s_);                                                                       \
        assert_string_equal(s_, (want));                                                           \
        mz_free(s_);                                                                               \
    } while (0)

/* Accepts a case on day on (attachments first). */
static void accept(tdb *t, cast *c, int64_t id, const char *on)
{
    attach(t, &c->village, id, "application_form");
    attach(t, &c->village, id, "authorisation");
    act_ok(t, &c->town, id, "accept", NULL, NULL, on);
}

/* From a new case to the 公示 opened on day on. */
static void to_publicity(tdb *t, cast *c, int64_t id, const char *on)
{
    accept(t, c, id, on);
    attach(t, &c->town, id, "visit_record");
    act_ok(t, &c->town, id, "investigate", NULL, "{\"investigators\":[\"李四\",\"王五\"]}", on);
    act_ok(t, &c->county, id, "verify", NULL,
           "{\"assessment\":{\"eligible\":true,\"monthly_amount_fen\":83001}}", on);
}

static void test_declarations(void **state)
{
    char msg[256];
    (void)state;
    const mz_case_registry *r = reg();
    assert_int_equal(r->ntypes, 8);
    for (size_t i = 0; i < r->ntypes; i++)
        if (mz_case_type_check(r->types[i], msg, sizeof msg) != 0)
            fail_msg("%s", msg);
    assert_ptr_equal(mz_case_type_find(r, "dibao"), &mz_assist_case_dibao);
    assert_null(mz_case_type_find(r, "nope"));

    /* A declaration naming an unknown guard, or a transition out of a final state, is refused. */
    static const mz_case_state st[] = {{"a", "甲", 0, 0, 0}, {"b", "乙", 0, 0, 1}};
    static const mz_case_transition bad_guard[] = {
        {"a", "go", "走", "b", "worker", MZ_CASE_TOWNSHIP, "no_such_guard", "", "", ""}};
    static const mz_case_transition from_final[] = {
        {"b", "go", "走", "a", "worker", MZ_CASE_TOWNSHIP, "", "", "", ""}};
    static const mz_case_transition village_approver[] = {
        {"a", "go", "走", "b", "approver", MZ_CASE_VILLAGE, "", "", "", ""}};
    mz_case_type ty = {.code = "x",
                       .name = "x",
                       .policy_program = "dibao",
                       .initial = "a",
                       .creators = "",
                       .create_guards = "",
                       .create_data_keys = "",
                       .states = st,
                       .nstates = 2,
                       .transitions = bad_guard,
                       .ntransitions = 1};
    assert_int_equal(mz_case_type_check(&ty, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "no_such_guard"));
    ty.transitions = from_final;
    assert_int_equal(mz_case_type_check(&ty, msg, sizeof msg), -1);
    ty.transitions = village_approver;
    assert_int_equal(mz_case_type_check(&ty, msg, sizeof msg), -1);
    ty.transitions = from_final;
    ty.ntransitions = 0;
    ty.initial = "z";
    assert_int_equal(mz_case_type_check(&ty, msg, sizeof msg), -1);
}

/* 2025-09-30 + 3 working days: 10-01..10-08 are holidays, 10-11 (Saturday) is worked. */
static void test_deadline_holidays(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    json_t *out = NULL;
    mz_error err;
    char csv_err[256], due[11];
    int d;

    make_cast(t, &c);
    /* The expectation, from the published calendar file itself. */
    mz_calendar *cal = mz_calendar_new();
    char path[512];
    snprintf(path, sizeof path, "%s/calendar/cn-holidays.csv", getenv("MZ_DATA_DIR"));
    assert_int_equal(mz_calendar_load_csv(cal, path, csv_err, sizeof csv_err), 0);
    assert_int_equal(mz_calendar_add_workdays(cal, day("2025-09-30"), 3, &d), 0);
    mz_date_format(d, due);
    assert_string_equal(due, "2025-10-11");

    int64_t id = new_case(t, &c.village, 0, 1, "2025-09-29");
    assert_null(text_of(t, "SELECT deadline_on FROM cases WHERE id = ?", id));
    accept(t, &c, id, "2025-09-30");
    assert_state(t, id, "investigating");
    assert_text(t, "SELECT deadline_on FROM cases WHERE id = ?", id, due);

    /* Investigated on Friday 10-10: 核对 due the 3rd working day after: 10-11 (Sat, worked),
     * 10-13, 10-14. */
    attach(t, &c.town, id, "visit_record");
    assert_int_equal(act(t, &c.town, id, "investigate", NULL,
                         "{\"investigators\":[\"李四\",\"王五\"]}", "2025-10-10", &out, &err),
                     0);
    assert_string_equal(json_string_value(json_object_get(out, "deadline_on")), "2025-10-14");
    /* Seen on 10-15 the case is overdue. */
    json_decref(out);
    out = NULL;
    assert_int_equal(mz_case_get(t->db, reg(), &c.county, id, day("2025-10-15"), &out, &err), 0);
    assert_true(json_is_true(json_object_get(out, "overdue")));
    json_decref(out);
    assert_int_equal(mz_case_get(t->db, reg(), &c.county, id, day("2025-10-14"), &out, &err), 0);
    assert_true(json_is_false(json_object_get(out, "overdue")));
    json_decref(out);

    /* 公示 opened on 10-15 runs 7 calendar days: 10-15..10-21. */
    act_ok(t, &c.county, id, "verify", NULL, "{\"assessment\":{\"eligible\":true}}", "2025-10-15");
    assert_text(t, "SELECT publicity_until FROM cases WHERE id = ?", id, "2025-10-21");
    assert_text(t, "SELECT deadline_on FROM cases WHERE id = ?", id, "2025-10-21");
    mz_calendar_free(cal);
}

static void test_transition_table(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    make_cast(t, &c);
    int64_t id = new_case(t, &c.village, 0, 0, "2026-03-02");

    /* An action the type does not know. */
    assert_int_equal(act(t, &c.town, id, "fly", NULL, NULL, "2026-03-02", NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "action");
    /* Wrong state: approval of a case only applied for. */
    assert_int_equal(
        act(t, &c.county_approver, id, "approve", NULL, NULL, "2026-03-02", NULL, &err), -1);
    tdb_assert_err(err, 409, "invalid_transition", "action");
    /* Wrong role at the right level, wrong level, right role kind at the wrong level. */
    assert_int_equal(act(t, &c.town_approver, id, "accept", NULL, NULL, "2026-03-02", NULL, &err),
                     -1);
    tdb_assert_err(err, 403, "forbidden", "action");
    assert_int_equal(act(t, &c.village, id, "accept", NULL, NULL, "2026-03-02", NULL, &err), -1);
    tdb_assert_err(err, 403, "forbidden", "action");
    assert_int_equal(act(t, &c.county, id, "accept", NULL, NULL, "2026-03-02", NULL, &err), -1);
    tdb_assert_err(err, 403, "forbidden", "action");
    /* Data keys the transition does not declare. */
    assert_int_equal(act(t, &c.town, id, "accept", NULL, "{\"x\":1}", "2026-03-02", NULL, &err),
                     -1);
    tdb_assert_err(err, 400, "unknown_field", "data.x");
    /* No 核对授权书 recorded: refused; the attachments are checked after the guards. */
    assert_int_equal(act(t, &c.town, id, "accept", NULL, NULL, "2026-03-02", NULL, &err), -1);
    tdb_assert_err(err, 409, "guard_failed", "authorisation_recorded");

    int64_t id2 = new_case(t, &c.village, 0, 1, "2026-03-02");
    assert_int_equal(act(t, &c.town, id2, "accept", NULL, NULL, "2026-03-02", NULL, &err), -1);
    tdb_assert_err(err, 409, "attachment_missing", "attachments");
    attach(t, &c.village, id2, "application_form");
    assert_int_equal(act(t, &c.town, id2, "accept", NULL, NULL, "2026-03-02", NULL, &err), -1);
    tdb_assert_err(err, 409, "attachment_missing", "attachments");
    attach(t, &c.village, id2, "authorisation");
    act_ok(t, &c.town, id2, "accept", "材料齐全", NULL, "2026-03-02");
    assert_state(t, id2, "investigating");
    /* The same action again: the case has moved on. */
    assert_int_equal(act(t, &c.town, id2, "accept", NULL, NULL, "2026-03-02", NULL, &err), -1);
    tdb_assert_err(err, 409, "invalid_transition", "action");
    /* Nothing of the refusals was written: two events (create, accept). */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM case_events"), 3);

    /* Creation: only the declared creators, a village, the village channel from a village. */
    mz_case_input in = {.case_type = "dibao",
                        .region_code = VILLAGE,
                        .applicant_name = "李四",
                        .channel = "online"};
    json_t *out = NULL;
    tdb_begin(t);
    assert_int_equal(mz_case_create(t->db, reg(), &c.county, &in, 0, &out, &err), -1);
    tdb_assert_err(err, 403, "forbidden", "");
    in.region_code = TOWN;
    assert_int_equal(mz_case_create(t->db, reg(), &c.town, &in, 0, &out, &err), -1);
    tdb_assert_err(err, 400, "invalid_region", "region_code");
    in.region_code = VILLAGE;
    in.channel = "village";
    assert_int_equal(mz_case_create(t->db, reg(), &c.town, &in, 0, &out, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "channel");
    in.case_type = "nope";
    assert_int_equal(mz_case_create(t->db, reg(), &c.town, &in, 0, &out, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "case_type");
    mz_db_rollback(t->db);
}

static void test_scope(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    json_t *out = NULL;
    make_cast(t, &c);
    int64_t id = new_case(t, &c.village, 0, 1, "2026-03-02");

    /* Another township's worker: the case does not exist for it. */
    assert_int_equal(mz_case_get(t->db, reg(), &c.town2, id, 0, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(act(t, &c.town2, id, "accept", NULL, NULL, "2026-03-02", NULL, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    tdb_begin(t);
    assert_int_equal(mz_case_objection_add(t->db, reg(), &c.town2, id, "异议", 0, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(mz_case_attachment_add(t->db, reg(), &c.town2, id, "other", "a.pdf",
                                            "JVBERi0xLjQKJXRlc3QK", &out, &err),
                     -1);
    tdb_assert_err(err, 404, "not_found", "");
    mz_db_rollback(t->db);
    /* Nor may it create one there. */
    mz_case_input in = {.case_type = "dibao",
                        .region_code = VILLAGE,
                        .applicant_name = "李四",
                        .channel = "online"};
    tdb_begin(t);
    assert_int_equal(mz_case_create(t->db, reg(), &c.town2, &in, 0, &out, &err), -1);
    tdb_assert_err(err, 400, "invalid_region", "region_code");
    mz_db_rollback(t->db);

    mz_case_filter f = {.relative_of_staff = -1, .open = -1, .page = 1, .page_size = 20};
    assert_int_equal(mz_case_list(t->db, reg(), &c.town2, &f, 0, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
    json_decref(out);
    assert_int_equal(mz_case_inbox(t->db, reg(), &c.town2, 1, 20, 0, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
    json_decref(out);
    /* The county and the auditor see it; the auditor may take no action. */
    assert_int_equal(mz_case_list(t->db, reg(), &c.county, &f, 0, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_decref(out);
    assert_int_equal(mz_case_get(t->db, reg(), &c.auditor, id, 0, &out, &err), 0);
    assert_int_equal(json_array_size(json_object_get(out, "actions")), 0);
    json_decref(out);
}

static void test_supplement_once(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    json_t *out = NULL;
    make_cast(t, &c);
    int64_t id = new_case(t, &c.village, 0, 0, "2026-03-02");

    assert_int_equal(
        act(t, &c.town, id, "supplement", NULL, "{\"missing\":[]}", "2026-03-02", NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "data.missing");
    assert_int_equal(act(t, &c.town, id, "supplement", NULL,
                         "{\"missing\":[\"户口簿\",\"户口簿\"]}", "2026-03-02", NULL, &err),
                     -1);
    tdb_assert_err(err, 400, "invalid_value", "data.missing");
    act_ok(t, &c.town, id, "supplement", NULL,
           "{\"missing\":[\"户口簿复印件\",\"家庭经济状况核对授权书\"]}", "2026-03-02");
    assert_state(t, id, "supplementing");
    /* The village hands in the materials, the authorisation among them. */
    act_ok(t, &c.village, id, "resubmit", NULL, "{\"authorisation_recorded\":true}", "2026-03-03");
    assert_state(t, id, "applied");
    assert_int_equal(
        tdb_count(t->db, "SELECT authorisation_recorded FROM cases ORDER BY id DESC LIMIT 1"), 1);
    /* Listed once: a second 补正 is refused. */
    assert_int_equal(act(t, &c.town, id, "supplement", NULL, "{\"missing\":[\"收入证明\"]}",
                         "2026-03-04", NULL, &err),
                     -1);
    tdb_assert_err(err, 409, "guard_failed", "action");
    /* The list is on the case and in its history. */
    assert_int_equal(mz_case_get(t->db, reg(), &c.town, id, day("2026-03-04"), &out, &err), 0);
    json_t *missing = json_object_get(json_object_get(out, "data"), "missing_materials");
    assert_int_equal(json_array_size(missing), 2);
    json_t *hist = json_object_get(out, "history");
    assert_int_equal(json_array_size(hist), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(hist, 1), "action")),
                        "supplement");
    /* The blocked 补正 shows why in the actor's list of actions. */
    json_t *a, *actions = json_object_get(out, "actions");
    size_t i;
    int seen = 0;
    json_array_foreach(actions, i, a)
    {
        if (strcmp(json_string_value(json_object_get(a, "action")), "supplement") == 0) {
            seen = 1;
            assert_true(json_is_string(json_object_get(a, "blocked")));
        }
    }
    assert_true(seen);
    json_decref(out);
}

static void test_investigation(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    make_cast(t, &c);
    int64_t id = new_case(t, &c.village, 1, 1, "2026-03-02");
    accept(t, &c, id, "2026-03-02");
    attach(t, &c.town, id, "visit_record");

    /* One investigator, or the same one twice, is not enough. */
    assert_int_equal(act(t, &c.town, id, "investigate", NULL, "{\"investigators\":[\"李四\"]}",
                         "2026-03-03", NULL, &err),
                     -1);
    tdb_assert_err(err, 400, "invalid_value", "data.investigators");
    assert_int_equal(act(t, &c.town, id, "investigate", NULL,
                         "{\"investigators\":[\"李四\",\"李四\"]}", "2026-03-03", NULL, &err),
                     -1);
    tdb_assert_err(err, 400, "invalid_value", "data.investigators");
    /* A staff relative's application cannot skip the home visit. */
    assert_int_equal(act(t, &c.town, id, "investigate_without_visit", "邻里访问", NULL,
                         "2026-03-03", NULL, &err),
                     -1);
    tdb_assert_err(err, 409, "guard_failed", "relative_of_staff");
    act_ok(t, &c.town, id, "investigate", NULL, "{\"investigators\":[\"李四\",\"王五\"]}",
           "2026-03-03");
    assert_state(t, id, "verifying");
    assert_int_equal(tdb_count(t->db, "SELECT visited FROM cases WHERE relative_of_staff = 1"), 1);

    /* Another household, no relative: examined without a visit, with a comment. */
    int64_t id2 = new_case(t, &c.village, 0, 1, "2026-03-02");
    accept(t, &c, id2, "2026-03-02");
    assert_int_equal(
        act(t, &c.town, id2, "investigate_without_visit", NULL, NULL, "2026-03-03", NULL, &err),
        -1);
    tdb_assert_err(err, 400, "missing_field", "comment");
    act_ok(t, &c.town, id2, "investigate_without_visit", "信函索证", NULL, "2026-03-03");
    assert_state(t, id2, "verifying");

    /* The relatives' register: the flag filters the list. */
    json_t *out = NULL;
    mz_case_filter f = {.relative_of_staff = 1, .open = -1, .page = 1, .page_size = 20};
    assert_int_equal(mz_case_list(t->db, reg(), &c.county, &f, 0, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_decref(out);

    /* 核对 needs the computation's result. */
    assert_int_equal(act(t, &c.county, id, "verify", NULL, NULL, "2026-03-04", NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "data.assessment");
}

static void test_objection_reopens(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    json_t *out = NULL;
    make_cast(t, &c);
    int64_t id = new_case(t, &c.village, 0, 1, "2026-03-02");

    /* No objection before the 公示. */
    tdb_begin(t);
    assert_int_equal(mz_case_objection_add(t->db, reg(), &c.village, id, "收入不实",
                                           day("2026-03-02"), &out, &err),
                     -1);
    tdb_assert_err(err, 409, "invalid_transition", "");
    mz_db_rollback(t->db);

    to_publicity(t, &c, id, "2026-03-02"); /* 公示 03-02..03-08 */
    assert_state(t, id, "publicity");
    /* Not over yet on its last day. */
    assert_int_equal(act(t, &c.town, id, "submit", NULL, NULL, "2026-03-08", NULL, &err), -1);
    tdb_assert_err(err, 409, "guard_failed", "publicity_until");

    tdb_begin(t);
    assert_int_equal(mz_case_objection_add(t->db, reg(), &c.village, id, "家中有经营性车辆",
                                           day("2026-03-05"), &out, &err),
                     0);
    tdb_commit(t);
    json_decref(out);
    /* After the window, but with the objection open. */
    assert_int_equal(act(t, &c.town, id, "submit", NULL, NULL, "2026-03-09", NULL, &err), -1);
    tdb_assert_err(err, 409, "guard_failed", "objections");
    /* After the window no further objection is recorded. */
    tdb_begin(t);
    assert_int_equal(mz_case_objection_add(t->db, reg(), &c.village, id, "又一条",
                                           day("2026-03-09"), &out, &err),
                     -1);
    tdb_assert_err(err, 409, "invalid_transition", "");
    mz_db_rollback(t->db);

    act_ok(t, &c.town, id, "reinvestigate", "核查车辆情况", NULL, "2026-03-09");
    assert_state(t, id, "investigating");
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM case_objections WHERE resolution = "
                                      "'reinvestigate' AND resolved_at IS NOT NULL"),
                     1);
    /* Investigated again (the visit is on record), checked, publicised again, no objection. */
    act_ok(t, &c.town, id, "investigate_without_visit", "车辆已过户", NULL, "2026-03-10");
    act_ok(t, &c.county, id, "verify", NULL, "{\"assessment\":{\"eligible\":true}}", "2026-03-11");
    assert_text(t, "SELECT publicity_until FROM cases WHERE id = ?", id, "2026-03-17");
    act_ok(t, &c.town, id, "submit", NULL, NULL, "2026-03-18");
    assert_state(t, id, "county_review");

    /* The other way: an objection leads to a 民主评议 with its record. */
    int64_t id2 = new_case(t, &c.village, 0, 1, "2026-03-02");
    to_publicity(t, &c, id2, "2026-03-02");
    assert_int_equal(act(t, &c.town, id2, "deliberate", NULL, NULL, "2026-03-03", NULL, &err), -1);
    tdb_assert_err(err, 409, "guard_failed", "objections");
    tdb_begin(t);
    assert_int_equal(mz_case_objection_add(t->db, reg(), &c.town, id2, "邻居反映",
                                           day("2026-03-03"), &out, &err),
                     0);
    tdb_commit(t);
    json_decref(out);
    act_ok(t, &c.town, id2, "deliberate", NULL, NULL, "2026-03-04");
    assert_state(t, id2, "deliberation");
    assert_int_equal(
        act(t, &c.town, id2, "deliberated", "评议通过", NULL, "2026-03-05", NULL, &err), -1);
    tdb_assert_err(err, 409, "attachment_missing", "attachments");
    attach(t, &c.town, id2, "deliberation_record");
    act_ok(t, &c.town, id2, "deliberated", "评议通过", NULL, "2026-03-05");
    /* The result of the 民主评议 is publicised again: 03-05..03-11. */
    assert_state(t, id2, "publicity");
    assert_text(t, "SELECT publicity_until FROM cases WHERE id = ?", id2, "2026-03-11");
    assert_int_equal(act(t, &c.town, id2, "submit", NULL, NULL, "2026-03-11", NULL, &err), -1);
    tdb_assert_err(err, 409, "guard_failed", "publicity_until");
    act_ok(t, &c.town, id2, "submit", NULL, NULL, "2026-03-12");
    assert_state(t, id2, "county_review");
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM case_objections WHERE resolution = "
                                      "'deliberated'"),
                     1);
}

static void test_approval_level(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    json_t *out = NULL;
    make_cast(t, &c);

    /* Default policy: the county decides. */
    int64_t id = new_case(t, &c.village, 0, 1, "2026-03-02");
    to_publicity(t, &c, id, "2026-03-02");
    act_ok(t, &c.town, id, "submit", NULL, NULL, "2026-03-09");
    assert_state(t, id, "county_review");
    assert_text(t, "SELECT deadline_on FROM cases WHERE id = ?", id, "2026-03-23");
    assert_int_equal(act(t, &c.town_approver, id, "approve", NULL, NULL, "2026-03-10", NULL, &err),
                     -1);
    tdb_assert_err(err, 403, "forbidden", "action");
    assert_int_equal(
        act(t, &c.county_approver, id, "approve", NULL, NULL, "2026-03-10", &out, &err), 0);
    assert_string_equal(json_string_value(json_object_get(out, "state")), "approved");
    assert_string_equal(json_string_value(json_object_get(out, "outcome")), "approved");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(out, "data"), "enrollment_from")),
        "2026-04");
    assert_true(json_is_string(json_object_get(out, "closed_at")));
    assert_true(json_is_null(json_object_get(out, "deadline_on")));
    assert_int_equal(json_array_size(json_object_get(out, "actions")), 0);
    json_decref(out);

    /* The township 幸福街道 holds the approval from 2026-01-01. */
    int64_t pid;
    tdb_begin(t);
    if (mz_policy_add(t->db, &t->cli, "dibao", "township_approval", TOWN, "2026-01-01", "1", NULL,
                      &pid, &err) != 0)
        fail_msg("policy: %s %s", err.code, err.message);
    tdb_commit(t);
    int64_t id2 = new_case(t, &c.village, 0, 1, "2026-03-02");
    to_publicity(t, &c, id2, "2026-03-02");
    act_ok(t, &c.town, id2, "submit", NULL, NULL, "2026-03-09");
    assert_state(t, id2, "township_review");
    assert_int_equal(act(t, &c.county_approver, id2, "refuse", NULL, "{\"reasons\":[\"x\"]}",
                         "2026-03-10", NULL, &err),
                     -1);
    tdb_assert_err(err, 403, "forbidden", "action");
    /* Refusal needs reasons; the notice is due in 3 working days. */
    assert_int_equal(act(t, &c.town_approver, id2, "refuse", NULL, NULL, "2026-03-10", NULL, &err),
                     -1);
    tdb_assert_err(err, 400, "invalid_value", "data.reasons");
    act_ok(t, &c.town_approver, id2, "refuse", NULL,
           "{\"reasons\":[\"家庭人均收入高于当地低保标准\"]}", "2026-03-13"); /* Friday */
    assert_state(t, id2, "refusal_notice");
    assert_text(t, "SELECT deadline_on FROM cases WHERE id = ?", id2, "2026-03-18");
    assert_text(t, "SELECT outcome FROM cases WHERE id = ?", id2, "refused");
    attach(t, &c.town, id2, "refusal_notice");
    act_ok(t, &c.town, id2, "notify", NULL, NULL, "2026-03-16");
    assert_state(t, id2, "refused");
    /* Closed: nothing more may be attached. */
    tdb_begin(t);
    assert_int_equal(mz_case_attachment_add(t->db, reg(), &c.town, id2, "other", "a.pdf",
                                            "JVBERi0xLjQKJXRlc3QK", &out, &err),
                     -1);
    tdb_assert_err(err, 409, "invalid_transition", "");
    mz_db_rollback(t->db);
}

static void test_inbox(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    json_t *out = NULL;
    make_cast(t, &c);
    int64_t a = new_case(t, &c.village, 0, 1, "2026-03-02");
    int64_t b = new_case(t, &c.village, 0, 1, "2026-03-02");
    accept(t, &c, b, "2026-03-02"); /* investigating, due 2026-03-05 */

    /* The township worker: both (b first: it has a deadline), b overdue on 03-06. */
    assert_int_equal(mz_case_inbox(t->db, reg(), &c.town, 1, 20, day("2026-03-06"), &out, &err), 0);
    json_t *items = json_object_get(out, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), b);
    assert_true(json_is_true(json_object_get(json_array_get(items, 0), "overdue")));
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "id")), a);
    assert_true(json_is_false(json_object_get(json_array_get(items, 1), "overdue")));
    assert_true(json_array_size(json_object_get(json_array_get(items, 1), "actions")) > 0);
    json_decref(out);
    /* Nothing waits at the village, the county or the approvers yet. */
    const mz_actor *none[] = {&c.village, &c.county, &c.county_approver, &c.town_approver,
                              &c.auditor};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        assert_int_equal(mz_case_inbox(t->db, reg(), none[i], 1, 20, 0, &out, &err), 0);
        assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
        json_decref(out);
    }
    attach(t, &c.town, b, "visit_record");
    act_ok(t, &c.town, b, "investigate", NULL, "{\"investigators\":[\"甲\",\"乙\"]}", "2026-03-03");
    assert_int_equal(mz_case_inbox(t->db, reg(), &c.county, 1, 20, 0, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_decref(out);
}

static void test_attachments_and_audit(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    json_t *out = NULL;
    make_cast(t, &c);
    int64_t id = new_case(t, &c.village, 1, 1, "2026-03-02");

    tdb_begin(t);
    /* Unknown kind, not base64, not an allowed type, too large. */
    assert_int_equal(mz_case_attachment_add(t->db, reg(), &c.village, id, "photo", "a.pdf",
                                            "JVBERi0xLjQKJXRlc3QK", &out, &err),
                     -1);
    tdb_assert_err(err, 400, "invalid_value", "kind");
    assert_int_equal(
        mz_case_attachment_add(t->db, reg(), &c.village, id, "other", "a.pdf", "%%%", &out, &err),
        -1);
    tdb_assert_err(err, 400, "invalid_value", "content");
    assert_int_equal(mz_case_attachment_add(t->db, reg(), &c.village, id, "other", "a.txt",
                                            "aGVsbG8gd29ybGQ=", &out, &err),
                     -1);
    tdb_assert_err(err, 400, "invalid_value", "content");
    assert_int_equal(mz_case_attachment_add(t->db, reg(), &c.village, id, "other", "../a.pdf",
                                            "JVBERi0xLjQKJXRlc3QK", &out, &err),
                     -1);
    tdb_assert_err(err, 400, "invalid_value", "filename");
    size_t big = (MZ_CASE_ATTACHMENT_MAX + 3) / 3 * 4 + 4;
    char *b64 = mz_malloc(big + 1);
    memset(b64, 'A', big);
    b64[big] = '\0';
    assert_int_equal(
        mz_case_attachment_add(t->db, reg(), &c.village, id, "other", "a.pdf", b64, &out, &err),
        -1);
    tdb_assert_err(err, 413, "attachment_too_large", "content");
    mz_free(b64);
    /* A PNG: hash and size recorded. */
    assert_int_equal(mz_case_attachment_add(t->db, reg(), &c.village, id, "id_card", "身份证.png",
                                            "iVBORw0KGgoAAAAA", &out, &err),
                     0);
    tdb_commit(t);
    assert_string_equal(json_string_value(json_object_get(out, "mime_type")), "image/png");
    assert_int_equal(json_integer_value(json_object_get(out, "size")), 12);
    assert_string_equal(json_string_value(json_object_get(out, "sha256")),
                        "1b56b50ac4e976f488f128cabdcdffb2fc9331d6974bb9968131a415d14ade24");
    int64_t aid = json_integer_value(json_object_get(out, "id"));
    json_decref(out);

    /* Fetching it is audited; another township cannot. */
    tdb_begin(t);
    assert_int_equal(mz_case_attachment_get(t->db, &c.town2, id, aid, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(mz_case_attachment_get(t->db, &c.county, id, aid, &out, &err), 0);
    tdb_commit(t);
    assert_string_equal(json_string_value(json_object_get(out, "content")), "iVBORw0KGgoAAAAA");
    json_decref(out);

    accept(t, &c, id, "2026-03-02");
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'case.create' AND object_type = 'case' AND region_code = "
                                      "'" VILLAGE "'"),
                     1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'case.accept' AND before_json LIKE '%applied%' AND "
                                      "after_json LIKE '%investigating%' AND actor_name = 'twk'"),
                     1);
    assert_int_equal(
        tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.attachment_add'"), 3);
    assert_int_equal(
        tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.attachment_view'"),
        1);
    int64_t checked = 0, broken = 0;
    assert_int_equal(mz_audit_verify(t->db, &checked, &broken), 0);
    assert_int_equal(broken, 0);
}

/* 临时救助: 急难型 paid first within the township's limit, the paperwork afterwards. */
static void test_temporary(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    json_t *out = NULL,
           *data = json_loads("{\"kind\":\"emergency\",\"amount_fen\":50000}", 0, NULL);
    make_cast(t, &c);
    mz_case_input in = {.case_type = "temporary",
                        .region_code = VILLAGE,
                        .applicant_name = "赵六",
                        .channel = "village",
                        .data = data};
    tdb_begin(t);
    assert_int_equal(mz_case_create(t->db, reg(), &c.village, &in, day("2026-03-02"), &out, &err),
                     0);
    tdb_commit(t);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    json_decref(data);
    /* Over the township's limit (1000.00 yuan by default) it cannot be paid first. */
    assert_int_equal(act(t, &c.town_approver, id, "pay_first", NULL, "{\"amount_fen\":200000}",
                         "2026-03-02", NULL, &err),
                     -1);
    tdb_assert_err(err, 409, "guard_failed", "data.amount_fen");
    act_ok(t, &c.town_approver, id, "pay_first", NULL, NULL, "2026-03-02");
    assert_state(t, id, "paid_first");
    attach(t, &c.village, id, "application_form");
    act_ok(t, &c.town, id, "complete", NULL, NULL, "2026-03-05");
    assert_state(t, id, "approved");

    /* Creation needs the kind. */
    in.data = NULL;
    tdb_begin(t);
    assert_int_equal(mz_case_create(t->db, reg(), &c.village, &in, 0, &out, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "data.kind");
    mz_db_rollback(t->db);
}

/* Creates a case of any type as actor a on day on; returns the id. */
static int64_t new_typed(tdb *t, const mz_actor *a, const char *type, const char *data,
                         const char *on)
{
    json_t *d = data ? json_loads(data, 0, NULL) : NULL, *out = NULL;
    mz_case_input in = {.case_type = type,
                        .region_code = VILLAGE,
                        .applicant_name = "钱七",
                        .channel = "online",
                        .authorisation_recorded = 1,
                        .data = d};
    mz_error err;
    mz_error_clear(&err);
    tdb_begin(t);
    if (mz_case_create(t->db, reg(), a, &in, day(on), &out, &err) != 0) {
        mz_db_rollback(t->db);
        fail_msg("create %s: %s %s %s", type, err.code ? err.code : "", err.field, err.message);
    }
    tdb_commit(t);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    json_decref(d);
    return id;
}

/* 特困: 15 working days for the township, 公示, 15 for the county. */
static void test_tekun(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    make_cast(t, &c);
    int64_t id = new_typed(t, &c.town, "tekun", "{\"support_mode\":\"dispersed\"}", "2026-03-02");
    accept(t, &c, id, "2026-03-02");
    assert_text(t, "SELECT deadline_on FROM cases WHERE id = ?", id, "2026-03-23");
    attach(t, &c.town, id, "visit_record");
    act_ok(t, &c.town, id, "investigate", NULL,
           "{\"investigators\":[\"甲\",\"乙\"],\"assessment\":{\"eligible\":true,"
           "\"monthly_amount_fen\":79300}}",
           "2026-03-03");
    assert_state(t, id, "publicity");
    assert_text(t, "SELECT publicity_until FROM cases WHERE id = ?", id, "2026-03-09");
    act_ok(t, &c.town, id, "submit", NULL, NULL, "2026-03-10");
    assert_state(t, id, "county_review");
    assert_text(t, "SELECT deadline_on FROM cases WHERE id = ?", id, "2026-03-31");
    act_ok(t, &c.county_approver, id, "approve", NULL, NULL, "2026-03-20");
    assert_text(t, "SELECT outcome FROM cases WHERE id = ?", id, "approved");
}

/* 特困终止: proposed by the township, publicised (objections reopen it), decided by the county. */
static void test_tekun_termination(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    json_t *out = NULL;
    make_cast(t, &c);
    mz_case_input in = {.case_type = "tekun_termination",
                        .region_code = VILLAGE,
                        .applicant_name = "孙八",
                        .channel = "village"};
    tdb_begin(t);
    assert_int_equal(mz_case_create(t->db, reg(), &c.village, &in, 0, &out, &err), -1);
    tdb_assert_err(err, 403, "forbidden", "");
    mz_db_rollback(t->db);
    int64_t id =
        new_typed(t, &c.town, "tekun_termination", "{\"reason\":\"已由子女赡养\"}", "2026-03-02");
    act_ok(t, &c.town, id, "publicize", "核实子女有赡养能力", NULL, "2026-03-02");
    tdb_begin(t);
    assert_int_equal(mz_case_objection_add(t->db, reg(), &c.village, id, "子女常年在外",
                                           day("2026-03-04"), &out, &err),
                     0);
    tdb_commit(t);
    json_decref(out);
    act_ok(t, &c.town, id, "reinvestigate", "再次核实", NULL, "2026-03-05");
    assert_state(t, id, "proposed");
    act_ok(t, &c.town, id, "publicize", "核实无误", NULL, "2026-03-06");
    assert_text(t, "SELECT publicity_until FROM cases WHERE id = ?", id, "2026-03-12");
    act_ok(t, &c.town, id, "submit", NULL, NULL, "2026-03-13");
    assert_int_equal(
        act(t, &c.county_approver, id, "terminate", NULL, NULL, "2026-03-16", NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "data.reasons");
    assert_int_equal(act(t, &c.county_approver, id, "terminate", NULL,
                         "{\"reasons\":[\"有法定赡养人且具备赡养能力\"]}", "2026-03-16", &out,
                         &err),
                     0);
    assert_string_equal(json_string_value(json_object_get(out, "state")), "terminated");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(out, "data"), "terminated_from")),
        "2026-04");
    json_decref(out);
}

/* 临时救助 支出型: the township approves within its limit, the county above it. */
static void test_temporary_levels(void **state)
{
    tdb *t = tdb_get(state);
    cast c;
    mz_error err;
    make_cast(t, &c);
    int64_t small = new_typed(t, &c.town, "temporary",
                              "{\"kind\":\"expenditure\",\"amount_fen\":80000}", "2026-03-02");
    int64_t big = new_typed(t, &c.town, "temporary",
                            "{\"kind\":\"expenditure\",\"amount_fen\":80000}", "2026-03-02");
    /* Not 急难型: no payment first. */
    assert_int_equal(
        act(t, &c.town_approver, small, "pay_first", NULL, NULL, "2026-03-02", NULL, &err), -1);
    tdb_assert_err(err, 409, "guard_failed", "kind");
    attach(t, &c.town, small, "application_form");
    attach(t, &c.town, big, "application_form");
    act_ok(t, &c.town, small, "accept", NULL, NULL, "2026-03-02");
    act_ok(t, &c.town, big, "accept", NULL, NULL, "2026-03-02");
    act_ok(t, &c.town, small, "investigate", NULL, "{\"investigators\":[\"甲\",\"乙\"]}",
           "2026-03-03");
    assert_state(t, small, "township_review");
    /* The investigation found larger costs: above the township's limit goes to the county. */
    act_ok(t, &c.town, big, "investigate", NULL,
           "{\"investigators\":[\"甲\",\"乙\"],\"amount_fen\":300000}", "2026-03-03");
    assert_state(t, big, "county_review");
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM cases WHERE data LIKE "
                                      "'%\"amount_fen\":300000%'"),
                     1);
    act_ok(t, &c.town_approver, small, "approve", NULL, NULL, "2026-03-04");
    act_ok(t, &c.county_approver, big, "approve", NULL, NULL, "2026-03-04");
    assert_state(t, small, "approved");
    assert_state(t, big, "approved");
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declarations),
        BOTH(test_deadline_holidays),
        BOTH(test_transition_table),
        BOTH(test_scope),
        BOTH(test_supplement_once),
        BOTH(test_investigation),
        BOTH(test_objection_reopens),
        BOTH(test_approval_level),
        BOTH(test_inbox),
        BOTH(test_attachments_and_audit),
        BOTH(test_temporary),
        BOTH(test_temporary_levels),
        BOTH(test_tekun),
        BOTH(test_tekun_termination),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
