/*
 * Tests for src/core/resident.c and src/systems/assistance/online.c: the
 * rules of resident accounts (ID number, mobile, password, one account per
 * ID number, the attempt limit), the resident actor's empty region scope,
 * and online applications: a resident reads only their own, staff only
 * those of their subtree, acceptance creates the case with channel online.
 * Every case runs on SQLite and, with MZ_TEST_PG_URL, on PostgreSQL.
 */
#include "testdb.h"

#include "base/date.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "base/idnum.h"
#include "core/household.h"
#include "core/person.h"
#include "core/resident.h"
#include "systems/assistance/case_types.h"
#include "systems/assistance/online.h"

#define VILLAGE "321302001001"
#define TOWN "321302001000"
#define TOWN2 "321302002000"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_resident");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_resident");
}

/* A valid ID number from its first 17 digits. */
static void make_id(const char *first17, char out[19])
{
    snprintf(out, 19, "%s%c", first17, mz_idnum_check_char(first17));
}

static int reg(tdb *t, const char *id, const char *name, const char *mobile, const char *password,
               json_t **out, mz_error *err)
{
    json_t *tmp = NULL;
    mz_error_clear(err);
    mz_resident_registration in = {id, name, mobile, password};
    int rc = mz_resident_register(t->db, &t->sec, &in, "req-test", out ? out : &tmp, err);
    json_decref(tmp);
    return rc;
}

/* Registers first17 + check character and loads the resident actor. */
static void resident(tdb *t, const char *first17, mz_actor *a, char id[19])
{
    json_t *out = NULL;
    mz_error err;
    make_id(first17, id);
    if (reg(t, id, "居民甲", "13812345678", TDB_PASSWORD, &out, &err) != 0)
        fail_msg("register %s: %s %s", id, err.code, err.message);
    tdb_actor(t, (int64_t)json_integer_value(json_object_get(out, "user_id")), a);
    json_decref(out);
}

static void test_mobile(void **state)
{
    (void)state;
    assert_true(mz_mobile_valid("13812345678"));
    assert_true(mz_mobile_valid("19912345678"));
    assert_false(mz_mobile_valid("12812345678"));  /* 1 then 2 */
    assert_false(mz_mobile_valid("1381234567"));   /* 10 digits */
    assert_false(mz_mobile_valid("138123456789")); /* 12 digits */
    assert_false(mz_mobile_valid("1381234567a"));
    assert_false(mz_mobile_valid("23812345678"));
    assert_false(mz_mobile_valid(NULL));
}

static void test_register_rules(void **state)
{
    tdb *t = tdb_get(state);
    mz_error err;
    json_t *out = NULL;
    char id[19], bad[19], future[19];
    make_id("32130219800101001", id);
    snprintf(bad, sizeof bad, "%.17s%c", id, id[17] == '0' ? '1' : '0');
    make_id("32130221990101001", future);

    assert_int_equal(reg(t, bad, "甲", "13812345678", TDB_PASSWORD, NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "id_number");
    assert_int_equal(reg(t, future, "甲", "13812345678", TDB_PASSWORD, NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "id_number");
    assert_int_equal(reg(t, id, "", "13812345678", TDB_PASSWORD, NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "name");
    assert_int_equal(reg(t, id, "甲", "1381234567", TDB_PASSWORD, NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "mobile");
    /* The staff password rules, with the ID number as the username. */
    assert_int_equal(reg(t, id, "甲", "13812345678", "Aa1!aa", NULL, &err), -1);
    tdb_assert_err(err, 400, "weak_password", "password");
    char contains[40];
    snprintf(contains, sizeof contains, "Ab!%s", id);
    assert_int_equal(reg(t, id, "甲", "13812345678", contains, NULL, &err), -1);
    tdb_assert_err(err, 400, "weak_password", "password");

    assert_int_equal(reg(t, id, "甲", "13812345678", TDB_PASSWORD, &out, &err), 0);
    assert_string_equal(tdb_jstr(out, "id_number"), id);
    assert_string_equal(tdb_jstr(out, "gender"), "M");
    assert_string_equal(tdb_jstr(out, "birth_date"), "1980-01-01");
    assert_true(json_is_false(json_object_get(out, "identity_verified")));
    json_decref(out);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'resident.register'"),
                     1);
    /* Five attempts with this well-formed number so far (the malformed ones
     * never count): the sixth is refused, even the one that would conflict. */
    assert_int_equal(reg(t, id, "甲", "13812345678", TDB_PASSWORD, NULL, &err), -1);
    tdb_assert_err(err, 429, "too_many_attempts", "id_number");
    tdb_exec(t->db, "DELETE FROM resident_register_attempts");
    assert_int_equal(reg(t, id, "甲", "13812345678", TDB_PASSWORD, NULL, &err), -1);
    tdb_assert_err(err, 409, "conflict", "id_number");

    /* Login with the ID number through the staff machinery. */
    char token[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1];
    mz_actor a;
    tdb_exec(t->db, "DELETE FROM resident_register_attempts");
    mz_error_clear(&err);
    assert_int_equal(mz_auth_login(t->db, &t->sec, id, TDB_PASSWORD, "req", token, csrf, &a, &err),
                     0);
    assert_string_equal(a.role, MZ_ROLE_RESIDENT);
}

static void test_resident_scope(void **state)
{
    tdb *t = tdb_get(state);
    mz_actor a, staff;
    mz_error err;
    json_t *out = NULL;
    char id[19];
    resident(t, "32130219900202002", &a, id);

    /* The actor: no region at all, the ID number masked in its name. */
    assert_true(mz_actor_is_resident(&a));
    assert_string_equal(a.scope_prefix, MZ_RESIDENT_SCOPE);
    assert_false(mz_actor_covers(&a, VILLAGE));
    assert_null(strstr(a.username, id));
    assert_non_null(strstr(a.username, "********"));

    /* A person in the registry is invisible to the resident. */
    mz_person_input p;
    mz_person_input_init(&p);
    char pid_number[19];
    make_id("32130219700303003", pid_number);
    p.id_number = pid_number;
    p.name = "他人";
    tdb_begin(t);
    assert_int_equal(mz_person_create(t->db, &t->cli, &p, &out, &err), 0);
    tdb_commit(t);
    int64_t pid = (int64_t)json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    mz_error_clear(&err);
    assert_int_equal(mz_person_get(t->db, &a, pid, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    mz_person_filter pf = {.q = "", .page = 1, .page_size = 50};
    assert_int_equal(mz_person_list(t->db, &a, &pf, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
    json_decref(out);
    mz_household_filter hf = {.page = 1, .page_size = 50};
    assert_int_equal(mz_household_list(t->db, &a, &hf, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
    json_decref(out);

    /* Staff management does not see resident accounts; the resident's own session does. */
    tdb_actor(t, tdb_user(t, "cityadmin1", "city_admin", "321300000000"), &staff);
    mz_error_clear(&err);
    assert_int_equal(mz_user_get(t->db, &staff, a.id, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    mz_user_filter uf = {.disabled = -1, .page = 1, .page_size = 50};
    assert_int_equal(mz_user_list(t->db, &staff, &uf, &out, &err), 0);
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(out, "items"), i, u)
        assert_string_not_equal(tdb_jstr(u, "role"), MZ_ROLE_RESIDENT);
    json_decref(out);
    out = mz_user_session_json(t->db, &a);
    assert_non_null(out);
    assert_string_equal(tdb_jstr(out, "role"), MZ_ROLE_RESIDENT);
    json_decref(out);
}

/* Submits a 低保 application for the resident in its own transaction. */
static int submit(tdb *t, const mz_actor *a, const char *id, int consent, json_t **out,
                  mz_error *err)
{
    json_t *members =
        json_pack("[{s:s,s:s,s:s}]", "name", "居民甲", "id_number", id, "relation", "self");
    mz_online_input in = {.program = "dibao",
                          .region_code = VILLAGE,
                          .address = "凤凰小区1号",
                          .phone = "13912345678",
                          .reason = "收入低",
                          .members = members,
                          .consent = consent};
    mz_error_clear(err);
    tdb_begin(t);
    int rc = mz_online_submit(t->db, mz_assist_case_registry(), a, &in, out, err);
    if (rc == 0)
        tdb_commit(t);
    else
        mz_db_rollback(t->db);
    json_decref(members);
    return rc;
}

static void test_online_own_only(void **state)
{
    tdb *t = tdb_get(state);
    const mz_case_registry *reg = mz_assist_case_registry();
    mz_actor a, b, village, town2;
    mz_error err;
    json_t *out = NULL;
    char ida[19], idb[19];
    resident(t, "32130219850505005", &a, ida);
    resident(t, "32130219860606006", &b, idb);
    tdb_actor(t, tdb_user(t, "village1", "village_worker", VILLAGE), &village);
    tdb_actor(t, tdb_user(t, "town2w", "township_worker", TOWN2), &town2);

    assert_int_equal(submit(t, &a, ida, 0, &out, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "authorisation_consent");
    /* The applicant must be among the declared members. */
    assert_int_equal(submit(t, &b, ida, 1, &out, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "members");
    assert_int_equal(submit(t, &a, ida, 1, &out, &err), 0);
    int64_t id = (int64_t)json_integer_value(json_object_get(out, "id"));
    assert_string_equal(tdb_jstr(out, "status"), "submitted");
    json_decref(out);

    mz_error_clear(&err);
    assert_int_equal(mz_online_resident_get(t->db, reg, &b, id, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(mz_online_resident_list(t->db, reg, &b, &out, &err), 0);
    assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
    json_decref(out);
    /* A resident is not staff: the staff view finds nothing in their empty scope. */
    mz_error_clear(&err);
    assert_int_equal(mz_online_get(t->db, reg, &a, id, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    mz_error_clear(&err);
    assert_int_equal(mz_online_get(t->db, reg, &town2, id, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");

    /* The village worker accepts: the household and the case, channel online. */
    mz_online_accept_input acc = {.identity_checked = 1};
    tdb_begin(t);
    mz_error_clear(&err);
    if (mz_online_accept(t->db, reg, &village, id, &acc, mz_date_today(), &out, &err) != 0)
        fail_msg("accept: %s %s %s", err.code, err.field, err.message);
    tdb_commit(t);
    int64_t case_id = (int64_t)json_integer_value(json_object_get(out, "case_id"));
    json_decref(out);
    assert_true(case_id > 0);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM cases WHERE id = %lld AND channel = 'online' AND "
             "authorisation_recorded = 1 AND household_id IS NOT NULL",
             (long long)case_id);
    assert_int_equal(tdb_count(t->db, sql), 1);
    assert_int_equal(mz_online_resident_get(t->db, reg, &a, id, &out, &err), 0);
    assert_string_equal(tdb_jstr(json_object_get(out, "case"), "state"), "applied");
    json_decref(out);
}

/* The demo resident: an accepted 临时救助 (household and case created) and a waiting 低保. */
static void test_demo_resident(void **state)
{
    tdb *t = tdb_get(state);
    mz_config cfg;
    mz_error err;
    char path[] = "/tmp/mz-test-resident-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    memset(&cfg, 0, sizeof cfg);
    cfg.security = t->sec;
    tdb_user(t, "xf_village", "village_worker", VILLAGE);
    mz_error_clear(&err);
    if (mz_demo_resident(t->db, &cfg, path, &err) != 0)
        fail_msg("mz_demo_resident: %s %s %s", err.code, err.field, err.message);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM resident_accounts "
                                      "WHERE identity_verified = 1"),
                     1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM online_applications a JOIN cases c "
                                      "ON c.id = a.case_id WHERE a.status = 'accepted' AND "
                                      "c.channel = 'online' AND c.case_type = 'temporary'"),
                     1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM online_applications "
                                      "WHERE status = 'submitted' AND program = 'dibao'"),
                     1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM case_attachments"), 1);
    FILE *f = fopen(path, "r");
    char buf[512] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    unlink(path);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "\tresident\t"));
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mobile), BOTH(test_register_rules), BOTH(test_resident_scope),
        BOTH(test_online_own_only),    BOTH(test_demo_resident),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
