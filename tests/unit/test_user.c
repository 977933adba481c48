/*
 * Tests for src/core/user.c: creating accounts (validation, auditing without
 * secrets), the region scope on every read and write (outside the subtree is
 * "not found"), list filters and paging, disabling, password resets and
 * changes.  Every case runs on SQLite and, with MZ_TEST_PG_URL, on
 * PostgreSQL (see testdb.h).
 */
#include "testdb.h"

#include <time.h>

#include "core/audit.h"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_user");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_user");
}

static mz_user_input input(const char *username, const char *role, const char *region)
{
    mz_user_input in = {.username = username,
                        .display_name = "王丽",
                        .role = role,
                        .region_code = region,
                        .password = TDB_PASSWORD,
                        .disabled = -1};
    return in;
}

/* A change that gives nothing: every field "not given". */
static mz_user_input no_change(void)
{
    mz_user_input in = {.disabled = -1};
    return in;
}

/* Runs mz_user_create in its own transaction, committing only on success. */
static int create(tdb *t, const mz_actor *a, const mz_user_input *in, json_t **out, mz_error *err)
{
    json_t *tmp = NULL;
    mz_error_clear(err);
    tdb_begin(t);
    int rc = mz_user_create(t->db, &t->sec, a, in, out ? out : &tmp, err);
    if (rc == 0)
        tdb_commit(t);
    else
        mz_db_rollback(t->db);
    json_decref(tmp);
    return rc;
}

static int update(tdb *t, const mz_actor *a, int64_t id, const mz_user_input *in, json_t **out,
                  mz_error *err)
{
    json_t *tmp = NULL;
    mz_error_clear(err);
    tdb_begin(t);
    int rc = mz_user_update(t->db, a, id, in, out ? out : &tmp, err);
    if (rc == 0)
        tdb_commit(t);
    else
        mz_db_rollback(t->db);
    json_decref(tmp);
    return rc;
}

static int64_t users(tdb *t)
{
    return tdb_count(t->db, "SELECT COUNT(*) FROM users");
}

static int64_t audits(tdb *t)
{
    return tdb_count(t->db, "SELECT COUNT(*) FROM audit_log");
}

static void test_create(void **state)
{
    tdb *t = tdb_get(state);
    mz_user_input in = input("wang.li", "township_worker", "321302001000");
    json_t *out = NULL;
    mz_error err;
    char *s = NULL;
    int64_t a0 = audits(t);

    in.phone = "13800138000";
    assert_int_equal(create(t, &t->cli, &in, &out, &err), 0);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    assert_true(id > 0);
    assert_string_equal(tdb_jstr(out, "username"), "wang.li");
    assert_string_equal(tdb_jstr(out, "display_name"), "王丽");
    assert_string_equal(tdb_jstr(out, "role"), "township_worker");
    assert_string_equal(tdb_jstr(out, "role_name"), "乡镇经办人");
    assert_string_equal(tdb_jstr(out, "region_code"), "321302001000");
    assert_string_equal(tdb_jstr(out, "region_name"), "幸福街道");
    assert_string_equal(tdb_jstr(out, "phone"), "13800138000");
    assert_true(json_is_false(json_object_get(out, "disabled")));
    assert_true(json_is_false(json_object_get(out, "must_change_password")));
    assert_null(json_object_get(out, "password"));
    assert_null(json_object_get(out, "password_hash"));
    json_decref(out);

    /* The hash is argon2id of the password. */
    assert_int_equal(
        mz_db_query_text(t->db, &s, "SELECT password_hash FROM users WHERE id = ?", "i", id),
        MZ_DB_ROW);
    assert_int_equal(strncmp(s, "$argon2id$", 10), 0);
    assert_int_equal(mz_password_verify(s, TDB_PASSWORD), 1);
    mz_free(s);

    /* Audited once, after only, never the password or its hash. */
    assert_int_equal(audits(t), a0 + 1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'user.create' AND object_type = 'user' AND region_code = "
                                      "'321302001000' AND actor_name = 'cli:test' AND "
                                      "before_json IS NULL AND request_id = 'req-cli'"),
                     1);
    assert_int_equal(mz_db_query_text(t->db, &s,
                                      "SELECT after_json FROM audit_log WHERE action = "
                                      "'user.create'",
                                      ""),
                     MZ_DB_ROW);
    /* must_change_password is a flag and may be there; a password or hash may not. */
    assert_null(strstr(s, "\"password\""));
    assert_null(strstr(s, "password_hash"));
    assert_null(strstr(s, "$argon2"));
    assert_null(strstr(s, TDB_PASSWORD));
    assert_non_null(strstr(s, "wang.li"));
    mz_free(s);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE "
                                      "'%argon2%' OR after_json LIKE '%Qx7#%'"),
                     0);
    char idb[24];
    snprintf(idb, sizeof idb, "%lld", (long long)id);
    assert_int_equal(mz_db_query_text(t->db, &s,
                                      "SELECT object_id FROM audit_log WHERE action = "
                                      "'user.create'",
                                      ""),
                     MZ_DB_ROW);
    assert_string_equal(s, idb);
    mz_free(s);

    /* No phone is NULL, not "". */
    in = input("li.si", "city_admin", "321300000000");
    assert_int_equal(create(t, &t->cli, &in, &out, &err), 0);
    assert_true(json_is_null(json_object_get(out, "phone")));
    json_decref(out);
}

static void test_create_duplicate(void **state)
{
    tdb *t = tdb_get(state);
    mz_user_input in = input("wang.li", "township_worker", "321302001000");
    mz_error err;

    assert_int_equal(create(t, &t->cli, &in, NULL, &err), 0);
    int64_t u0 = users(t), a0 = audits(t);
    in.region_code = "321302002000";
    assert_int_equal(create(t, &t->cli, &in, NULL, &err), -1);
    tdb_assert_err(err, 409, "conflict", "username");
    assert_int_equal(users(t), u0);
    assert_int_equal(audits(t), a0);
}

static void test_create_username_rules(void **state)
{
    static const struct {
        const char *username;
        int ok;
    } cases[] = {
        {"abc", 1},
        {"ab", 0},
        {"", 0},
        {"a23456789012345678901234567890ab", 1},  /* 32 */
        {"a23456789012345678901234567890abc", 0}, /* 33 */
        {"1abc", 0},
        {"_abc", 0},
        {".abc", 0},
        {"Wang_Li-2.x", 1},
        {"a'; DROP TABLE users;--", 0},
        {"abc'--", 0},
        {"abc\"x", 0},
        {"abc%", 0},
        {"ab_c%", 0},
        {"abc d", 0},
        {"abc\n", 0},
        {"王丽丽", 0},
        {"abc\\x", 0},
    };
    tdb *t = tdb_get(state);
    mz_error err;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mz_user_input in = input(cases[i].username, "township_worker", "321302001000");
        int64_t u0 = users(t);
        int rc = create(t, &t->cli, &in, NULL, &err);
        if (cases[i].ok) {
            if (rc != 0)
                fail_msg("\"%s\" refused: %s", cases[i].username, err.message);
            assert_int_equal(users(t), u0 + 1);
        } else {
            if (rc != -1)
                fail_msg("\"%s\" accepted", cases[i].username);
            tdb_assert_err(err, 400, "invalid_value", "username");
            assert_int_equal(users(t), u0);
        }
    }
    /* The table survived. */
    assert_int_equal(users(t), 3);
}

static void test_create_display_name(void **state)
{
    tdb *t = tdb_get(state);
    mz_user_input in = input("wang.li", "township_worker", "321302001000");
    json_t *out = NULL;
    mz_error err;
    char name64[64 * 3 + 1] = "", name65[65 * 3 + 1] = "";

    /* Markup is data: stored and returned verbatim (escaping is the UI's job). */
    in.display_name = "<script>alert('x')</script>";
    assert_int_equal(create(t, &t->cli, &in, &out, &err), 0);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    assert_int_equal(mz_user_get(t->db, &t->cli, id, &out, &err), 0);
    assert_string_equal(tdb_jstr(out, "display_name"), "<script>alert('x')</script>");
    json_decref(out);

    for (int i = 0; i < 64; i++)
        strcat(name64, "丽");
    snprintf(name65, sizeof name65, "%s丽", name64);
    static const struct {
        const char *username, *name;
        int ok;
    } cases[] = {
        {"u.one", "李", 1},         {"u.two", "", 0},          {"u.three", "王\t丽", 0},
        {"u.four", "王\n丽", 0},    {"u.five", "王\x7f丽", 0}, {"u.six", "王\xc2\x85丽", 0},
        {"u.seven", "\xe7\x8e", 0}, /* cut-off UTF-8 */
        {"u.eight", NULL, 1},       /* 64 characters */
        {"u.nine", NULL, 0},        /* 65 characters */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        in = input(cases[i].username, "township_worker", "321302001000");
        in.display_name = cases[i].name ? cases[i].name : (cases[i].ok ? name64 : name65);
        int rc = create(t, &t->cli, &in, NULL, &err);
        if (cases[i].ok) {
            if (rc != 0)
                fail_msg("case %zu refused: %s", i, err.message);
        } else {
            if (rc != -1)
                fail_msg("case %zu accepted", i);
            tdb_assert_err(err, 400, "invalid_value", "display_name");
        }
    }
}

static void test_create_refusals(void **state)
{
    static const struct {
        const char *role, *region, *phone, *password;
        int status;
        const char *code, *field;
    } cases[] = {
        /* Roles held at the wrong level. */
        {"township_worker", "321302000000", NULL, NULL, 400, "role_level_mismatch", "role"},
        {"township_worker", "321302001001", NULL, NULL, 400, "role_level_mismatch", "role"},
        {"village_worker", "321302001000", NULL, NULL, 400, "role_level_mismatch", "role"},
        {"city_admin", "321302001000", NULL, NULL, 400, "role_level_mismatch", "role"},
        {"county_worker", "321300000000", NULL, NULL, 400, "role_level_mismatch", "role"},
        {"auditor", "321302001000", NULL, NULL, 400, "role_level_mismatch", "role"},
        {"no_such_role", "321302001000", NULL, NULL, 400, "invalid_value", "role"},
        /* Regions. */
        {"township_worker", "321302001999", NULL, NULL, 400, "invalid_region", "region_code"},
        {"township_worker", "32130200100", NULL, NULL, 400, "invalid_region", "region_code"},
        {"city_admin", "110000000000", NULL, NULL, 400, "invalid_region", "region_code"},
        /* Phone. */
        {"township_worker", "321302001000", "1380013800", NULL, 400, "invalid_value", "phone"},
        {"township_worker", "321302001000", "23800138000", NULL, 400, "invalid_value", "phone"},
        {"township_worker", "321302001000", "1380013800x", NULL, 400, "invalid_value", "phone"},
        /* Password rules, with the username inside. */
        {"township_worker", "321302001000", NULL, "short1A!", 400, "weak_password", "password"},
        {"township_worker", "321302001000", NULL, "xWang.Li99!", 400, "weak_password", "password"},
    };
    tdb *t = tdb_get(state);
    mz_error err;
    int64_t u0 = users(t), a0 = audits(t);

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mz_user_input in = input("wang.li", cases[i].role, cases[i].region);
        in.phone = cases[i].phone;
        if (cases[i].password)
            in.password = cases[i].password;
        if (create(t, &t->cli, &in, NULL, &err) != -1)
            fail_msg("case %zu accepted", i);
        if (err.status != cases[i].status || err.code == NULL ||
            strcmp(err.code, cases[i].code) != 0 || strcmp(err.field, cases[i].field) != 0)
            fail_msg("case %zu: %d %s %s, want %d %s %s", i, err.status, err.code ? err.code : "-",
                     err.field, cases[i].status, cases[i].code, cases[i].field);
    }
    assert_int_equal(users(t), u0);
    assert_int_equal(audits(t), a0);
}

/* ---- scope -------------------------------------------------------------- */

struct people {
    int64_t county_admin; /* city_admin at 宿城区 */
    int64_t tw;           /* 幸福街道 */
    int64_t vw;           /* 凤凰居委会 */
    int64_t tw_gengche;   /* 耿车镇, 宿城区 */
    int64_t tw_shuyang;   /* 沭城街道, 沭阳县 */
    int64_t cw_shuyang;   /* 沭阳县 */
    mz_actor county;      /* county_admin as an actor */
};

static void make_people(tdb *t, struct people *p)
{
    p->county_admin = tdb_user(t, "admin.sucheng", "city_admin", "321302000000");
    p->tw = tdb_user(t, "tw.xingfu", "township_worker", "321302001000");
    p->vw = tdb_user(t, "vw.fenghuang", "village_worker", "321302001001");
    p->tw_gengche = tdb_user(t, "tw.gengche", "township_approver", "321302101000");
    p->tw_shuyang = tdb_user(t, "tw.shucheng", "township_worker", "321322001000");
    p->cw_shuyang = tdb_user(t, "cw.shuyang", "county_worker", "321322000000");
    tdb_actor(t, p->county_admin, &p->county);
    assert_string_equal(p->county.scope_prefix, "321302");
}

static void test_scope_get_update(void **state)
{
    tdb *t = tdb_get(state);
    struct people p;
    json_t *out = NULL;
    mz_error err;
    int64_t id;

    make_people(t, &p);
    /* Inside: visible. */
    assert_int_equal(mz_user_get(t->db, &p.county, p.tw, &out, &err), 0);
    assert_string_equal(tdb_jstr(out, "username"), "tw.xingfu");
    json_decref(out);
    out = NULL;

    /* Outside: exactly like a user that does not exist. */
    mz_error missing;
    mz_error_clear(&missing);
    assert_int_equal(mz_user_get(t->db, &p.county, 999999, &out, &missing), -1);
    tdb_assert_err(missing, 404, "not_found", "");
    int64_t hidden[] = {p.tw_shuyang, p.cw_shuyang};
    for (size_t i = 0; i < 2; i++) {
        mz_error_clear(&err);
        assert_int_equal(mz_user_get(t->db, &p.county, hidden[i], &out, &err), -1);
        tdb_assert_err(err, 404, "not_found", "");
        assert_string_equal(err.message, missing.message);
        assert_null(out);

        mz_user_input ch = no_change();
        ch.display_name = "改名";
        int64_t a0 = audits(t);
        assert_int_equal(update(t, &p.county, hidden[i], &ch, NULL, &err), -1);
        tdb_assert_err(err, 404, "not_found", "");
        assert_int_equal(audits(t), a0);

        tdb_begin(t);
        mz_error_clear(&err);
        assert_int_equal(
            mz_user_reset_password(t->db, &t->sec, &p.county, hidden[i], "Nn3$newpassw", &err), -1);
        mz_db_rollback(t->db);
        tdb_assert_err(err, 404, "not_found", "");
    }
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM users WHERE display_name = '改名'"), 0);

    /* mz_user_find honours the scope too. */
    assert_int_equal(mz_user_find(t->db, &p.county, "tw.xingfu", &id, &err), 0);
    assert_int_equal(id, p.tw);
    mz_error_clear(&err);
    assert_int_equal(mz_user_find(t->db, &p.county, "tw.shucheng", &id, &err), -1);
    tdb_assert_err(err, 404, "not_found", "username");
    assert_int_equal(mz_user_find(t->db, &t->cli, "tw.shucheng", &id, &err), 0);
    assert_int_equal(id, p.tw_shuyang);

    /* A township actor sees its own subtree only. */
    mz_actor tw;
    tdb_actor(t, p.tw, &tw);
    assert_int_equal(mz_user_get(t->db, &tw, p.vw, &out, &err), 0);
    json_decref(out);
    out = NULL;
    assert_int_equal(mz_user_get(t->db, &tw, p.tw_gengche, &out, &err), -1);
    assert_int_equal(mz_user_get(t->db, &tw, p.county_admin, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");

    /* The county actor cannot create or move anyone out of its subtree. */
    mz_user_input in = input("new.shuyang", "township_worker", "321322001000");
    assert_int_equal(create(t, &p.county, &in, NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_region", "region_code");
    in = input("new.city", "city_admin", "321300000000");
    assert_int_equal(create(t, &p.county, &in, NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_region", "region_code");
    mz_user_input ch = no_change();
    ch.region_code = "321322001000";
    assert_int_equal(update(t, &p.county, p.tw, &ch, NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_region", "region_code");
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM users WHERE username = 'tw.xingfu' "
                                      "AND region_code = '321302001000'"),
                     1);
    /* Inside it, it can. */
    in = input("new.gengche", "township_worker", "321302101000");
    assert_int_equal(create(t, &p.county, &in, NULL, &err), 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'user.create' AND actor_name = 'admin.sucheng'"),
                     1);
}

static int64_t list_total(tdb *t, const mz_actor *a, const mz_user_filter *f, json_t **items)
{
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);
    if (mz_user_list(t->db, a, f, &out, &err) != 0)
        fail_msg("mz_user_list: %s %s", err.code ? err.code : "", err.message);
    int64_t total = json_integer_value(json_object_get(out, "total"));
    if (items)
        *items = json_incref(json_object_get(out, "items"));
    json_decref(out);
    return total;
}

static mz_user_filter filter(void)
{
    mz_user_filter f = {.disabled = -1, .page = 1, .page_size = 100};
    return f;
}

/* Whether a list's items hold username. */
static int has_user(json_t *items, const char *username)
{
    size_t i;
    json_t *u;
    json_array_foreach(items, i, u)
    {
        if (strcmp(tdb_jstr(u, "username"), username) == 0)
            return 1;
    }
    return 0;
}

static void test_list_scope_and_filters(void **state)
{
    tdb *t = tdb_get(state);
    struct people p;
    mz_user_filter f = filter();
    json_t *items = NULL;
    mz_error err;

    make_people(t, &p);
    assert_int_equal(list_total(t, &t->cli, &f, &items), 6);
    assert_int_equal(json_array_size(items), 6);
    json_decref(items);

    /* The county actor: 宿城区 only. */
    assert_int_equal(list_total(t, &p.county, &f, &items), 4);
    assert_int_equal(json_array_size(items), 4);
    assert_true(has_user(items, "admin.sucheng"));
    assert_true(has_user(items, "tw.xingfu"));
    assert_true(has_user(items, "vw.fenghuang"));
    assert_true(has_user(items, "tw.gengche"));
    assert_false(has_user(items, "tw.shucheng"));
    assert_false(has_user(items, "cw.shuyang"));
    json_decref(items);

    /* A region filter intersects with the scope, never widens it. */
    f.region_code = "321322000000";
    assert_int_equal(list_total(t, &p.county, &f, NULL), 0);
    assert_int_equal(list_total(t, &t->cli, &f, NULL), 2);
    f.region_code = "321302001000";
    assert_int_equal(list_total(t, &p.county, &f, &items), 2);
    assert_true(has_user(items, "tw.xingfu"));
    assert_true(has_user(items, "vw.fenghuang"));
    json_decref(items);
    f.region_code = "32130200100";
    assert_int_equal(mz_user_list(t->db, &p.county, &f, &items, &err), -1);
    tdb_assert_err(err, 400, "invalid_parameter", "region");
    f = filter();

    /* Role. */
    f.role = "township_worker";
    assert_int_equal(list_total(t, &t->cli, &f, NULL), 2);
    assert_int_equal(list_total(t, &p.county, &f, &items), 1);
    assert_true(has_user(items, "tw.xingfu"));
    json_decref(items);
    f.role = "no_such_role";
    assert_int_equal(list_total(t, &t->cli, &f, NULL), 0);
    f = filter();

    /* Disabled. */
    mz_user_input ch = no_change();
    ch.disabled = 1;
    assert_int_equal(update(t, &t->cli, p.vw, &ch, NULL, &err), 0);
    ch.disabled = 1;
    assert_int_equal(update(t, &t->cli, p.cw_shuyang, &ch, NULL, &err), 0);
    f.disabled = 1;
    assert_int_equal(list_total(t, &t->cli, &f, NULL), 2);
    assert_int_equal(list_total(t, &p.county, &f, &items), 1);
    assert_true(has_user(items, "vw.fenghuang"));
    json_decref(items);
    f.disabled = 0;
    assert_int_equal(list_total(t, &t->cli, &f, NULL), 4);
    assert_int_equal(list_total(t, &p.county, &f, NULL), 3);

    /* q: username (any case) or display name. */
    f = filter();
    f.q = "XINGFU";
    assert_int_equal(list_total(t, &t->cli, &f, &items), 1);
    assert_true(has_user(items, "tw.xingfu"));
    json_decref(items);
    f.q = "shu";
    assert_int_equal(list_total(t, &t->cli, &f, NULL), 2);
    assert_int_equal(list_total(t, &p.county, &f, NULL), 0);
    f.q = "";
    assert_int_equal(list_total(t, &p.county, &f, NULL), 4);
}

static void test_list_q_literal(void **state)
{
    tdb *t = tdb_get(state);
    mz_user_filter f = filter();
    json_t *items = NULL;
    mz_error err;
    static const struct {
        const char *username, *name;
    } people[] = {
        {"li_si", "李四"},        {"lixsi", "李x四"},     {"rate.a", "达标率100%"},
        {"rate.b", "达标率1000"}, {"back.x", "反斜杠\\"}, {"zhang.san", "张三"},
    };

    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
        mz_user_input in = input(people[i].username, "township_worker", "321302001000");
        in.display_name = people[i].name;
        assert_int_equal(create(t, &t->cli, &in, NULL, &err), 0);
    }
    /* "_" is a character, not "any character". */
    f.q = "i_s";
    assert_int_equal(list_total(t, &t->cli, &f, &items), 1);
    assert_true(has_user(items, "li_si"));
    json_decref(items);
    f.q = "_";
    assert_int_equal(list_total(t, &t->cli, &f, &items), 1);
    json_decref(items);
    /* "%" likewise. */
    f.q = "%";
    assert_int_equal(list_total(t, &t->cli, &f, &items), 1);
    assert_true(has_user(items, "rate.a"));
    json_decref(items);
    f.q = "100%";
    assert_int_equal(list_total(t, &t->cli, &f, &items), 1);
    assert_true(has_user(items, "rate.a"));
    json_decref(items);
    f.q = "达标率%0";
    assert_int_equal(list_total(t, &t->cli, &f, NULL), 0);
    f.q = "\\";
    assert_int_equal(list_total(t, &t->cli, &f, &items), 1);
    assert_true(has_user(items, "back.x"));
    json_decref(items);
    /* Quotes are data. */
    f.q = "' OR '1'='1";
    assert_int_equal(list_total(t, &t->cli, &f, NULL), 0);
    f.q = "达标";
    assert_int_equal(list_total(t, &t->cli, &f, NULL), 2);
}

static void test_list_paging(void **state)
{
    tdb *t = tdb_get(state);
    mz_user_filter f = filter();
    json_t *items = NULL, *out = NULL;
    mz_error err;
    char name[32];

    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "page.user%d", i);
        tdb_user(t, name, "township_worker", "321302001000");
    }
    f.page_size = 2;
    int64_t last_id = 0;
    for (int page = 1; page <= 4; page++) {
        f.page = page;
        assert_int_equal(mz_user_list(t->db, &t->cli, &f, &out, &err), 0);
        assert_int_equal(json_integer_value(json_object_get(out, "total")), 5);
        assert_int_equal(json_integer_value(json_object_get(out, "page")), page);
        assert_int_equal(json_integer_value(json_object_get(out, "page_size")), 2);
        items = json_object_get(out, "items");
        size_t want = page <= 2 ? 2 : page == 3 ? 1 : 0;
        assert_int_equal(json_array_size(items), want);
        /* Ordered by id, no overlap between pages. */
        size_t i;
        json_t *u;
        json_array_foreach(items, i, u)
        {
            int64_t id = json_integer_value(json_object_get(u, "id"));
            assert_true(id > last_id);
            last_id = id;
        }
        json_decref(out);
    }
}

/* ---- changes ------------------------------------------------------------ */

static void test_update(void **state)
{
    tdb *t = tdb_get(state);
    mz_user_input in = input("wang.li", "township_worker", "321302001000");
    json_t *out = NULL;
    mz_error err;
    char *s = NULL;

    in.phone = "13800138000";
    assert_int_equal(create(t, &t->cli, &in, &out, &err), 0);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);

    mz_user_input ch = no_change();
    ch.display_name = "王丽华";
    ch.role = "township_approver";
    assert_int_equal(update(t, &t->cli, id, &ch, &out, &err), 0);
    assert_string_equal(tdb_jstr(out, "display_name"), "王丽华");
    assert_string_equal(tdb_jstr(out, "role"), "township_approver");
    assert_string_equal(tdb_jstr(out, "phone"), "13800138000"); /* not given: kept */
    assert_string_equal(tdb_jstr(out, "region_code"), "321302001000");
    assert_true(json_is_false(json_object_get(out, "disabled")));
    json_decref(out);
    /* Audited with before and after. */
    assert_int_equal(mz_db_query_text(t->db, &s,
                                      "SELECT before_json FROM audit_log WHERE action = "
                                      "'user.update'",
                                      ""),
                     MZ_DB_ROW);
    json_t *before = json_loads(s, 0, NULL);
    mz_free(s);
    assert_string_equal(tdb_jstr(before, "display_name"), "王丽");
    assert_string_equal(tdb_jstr(before, "role"), "township_worker");
    json_decref(before);
    assert_int_equal(mz_db_query_text(t->db, &s,
                                      "SELECT after_json FROM audit_log WHERE action = "
                                      "'user.update'",
                                      ""),
                     MZ_DB_ROW);
    json_t *after = json_loads(s, 0, NULL);
    assert_null(strstr(s, "argon2"));
    mz_free(s);
    assert_string_equal(tdb_jstr(after, "display_name"), "王丽华");
    json_decref(after);

    /* "" clears the phone; a move with a fitting role works. */
    ch = no_change();
    ch.phone = "";
    ch.region_code = "321302101000";
    assert_int_equal(update(t, &t->cli, id, &ch, &out, &err), 0);
    assert_true(json_is_null(json_object_get(out, "phone")));
    assert_string_equal(tdb_jstr(out, "region_code"), "321302101000");
    assert_string_equal(tdb_jstr(out, "region_name"), "耿车镇");
    json_decref(out);

    /* Refusals leave the row as it was. */
    static const struct {
        const char *role, *region, *display_name, *phone;
        const char *code, *field;
    } bad[] = {
        {"village_worker", NULL, NULL, NULL, "role_level_mismatch", "role"},
        {NULL, "321302000000", NULL, NULL, "role_level_mismatch", "role"},
        {NULL, "321302101999", NULL, NULL, "invalid_region", "region_code"},
        {"no_such_role", NULL, NULL, NULL, "invalid_value", "role"},
        {NULL, NULL, "", NULL, "invalid_value", "display_name"},
        {NULL, NULL, "a\x01", NULL, "invalid_value", "display_name"},
        {NULL, NULL, NULL, "12345", "invalid_value", "phone"},
    };
    int64_t a0 = audits(t);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ch = no_change();
        ch.role = bad[i].role;
        ch.region_code = bad[i].region;
        ch.display_name = bad[i].display_name;
        ch.phone = bad[i].phone;
        if (update(t, &t->cli, id, &ch, NULL, &err) != -1)
            fail_msg("bad update %zu accepted", i);
        if (err.status != 400 || strcmp(err.code, bad[i].code) != 0 ||
            strcmp(err.field, bad[i].field) != 0)
            fail_msg("bad update %zu: %d %s %s", i, err.status, err.code, err.field);
    }
    assert_int_equal(audits(t), a0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM users WHERE username = 'wang.li' AND "
                                      "role_code = 'township_approver' AND region_code = "
                                      "'321302101000' AND display_name = '王丽华' AND phone IS "
                                      "NULL"),
                     1);

    /* Nobody disables themselves. */
    mz_actor self;
    tdb_actor(t, tdb_user(t, "admin.city", "city_admin", "321300000000"), &self);
    ch = no_change();
    ch.disabled = 1;
    assert_int_equal(update(t, &self, self.id, &ch, NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "disabled");
}

static void test_disable_ends_sessions(void **state)
{
    tdb *t = tdb_get(state);
    char token[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1];
    mz_actor a;
    mz_error err;
    json_t *out = NULL;
    int64_t id = tdb_user(t, "tw.xingfu", "township_worker", "321302001000");
    int64_t other = tdb_user(t, "tw.other", "township_worker", "321302002000");

    assert_int_equal(
        mz_auth_login(t->db, &t->sec, "tw.xingfu", TDB_PASSWORD, "r", token, csrf, &a, &err), 0);
    assert_int_equal(
        mz_auth_login(t->db, &t->sec, "tw.xingfu", TDB_PASSWORD, "r", token, csrf, &a, &err), 0);
    assert_int_equal(
        mz_auth_login(t->db, &t->sec, "tw.other", TDB_PASSWORD, "r", token, csrf, &a, &err), 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM sessions"), 3);

    mz_user_input ch = no_change();
    ch.disabled = 1;
    assert_int_equal(update(t, &t->cli, id, &ch, &out, &err), 0);
    assert_true(json_is_true(json_object_get(out, "disabled")));
    json_decref(out);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM sessions"), 1);
    int64_t n = -1;
    assert_int_equal(mz_db_query_int64(t->db, &n, "SELECT user_id FROM sessions", ""), MZ_DB_ROW);
    assert_int_equal(n, other);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'user.disable'"),
                     1);
    /* The token the user still holds is dead; logging in is refused. */
    assert_int_equal(
        mz_auth_login(t->db, &t->sec, "tw.xingfu", TDB_PASSWORD, "r", token, csrf, &a, &err), -1);
    tdb_assert_err(err, 403, "account_disabled", "");

    /* Enabling again needs no password reset. */
    ch.disabled = 0;
    assert_int_equal(update(t, &t->cli, id, &ch, NULL, &err), 0);
    assert_int_equal(
        mz_auth_login(t->db, &t->sec, "tw.xingfu", TDB_PASSWORD, "r", token, csrf, &a, &err), 0);
}

static void test_reset_password(void **state)
{
    tdb *t = tdb_get(state);
    char token[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1], *s = NULL;
    mz_actor a;
    mz_error err;
    int64_t id = tdb_user(t, "tw.xingfu", "township_worker", "321302001000");
    int64_t now = (int64_t)time(NULL);

    assert_int_equal(
        mz_auth_login(t->db, &t->sec, "tw.xingfu", TDB_PASSWORD, "r", token, csrf, &a, &err), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(mz_db_run(t->db, NULL,
                                   "INSERT INTO login_failures (username, at_epoch) VALUES (?, ?)",
                                   "ti", "tw.xingfu", now),
                         MZ_DB_OK);

    /* Weak: refused, nothing changes. */
    tdb_begin(t);
    mz_error_clear(&err);
    assert_int_equal(mz_user_reset_password(t->db, &t->sec, &t->cli, id, "short", &err), -1);
    mz_db_rollback(t->db);
    tdb_assert_err(err, 400, "weak_password", "password");
    tdb_begin(t);
    assert_int_equal(mz_user_reset_password(t->db, &t->sec, &t->cli, id, "TW.XINGFU#2025a", &err),
                     -1);
    mz_db_rollback(t->db);
    tdb_assert_err(err, 400, "weak_password", "password");
    tdb_begin(t);
    assert_int_equal(mz_user_reset_password(t->db, &t->sec, &t->cli, 999999, "Nn3$newpassw", &err),
                     -1);
    mz_db_rollback(t->db);
    tdb_assert_err(err, 404, "not_found", "");

    tdb_begin(t);
    mz_error_clear(&err);
    assert_int_equal(mz_user_reset_password(t->db, &t->sec, &t->cli, id, "Nn3$newpassw", &err), 0);
    tdb_commit(t);
    assert_int_equal(
        tdb_count(t->db, "SELECT must_change_password FROM users WHERE username = 'tw.xingfu'"), 1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM login_failures"), 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM sessions"), 0);
    assert_int_equal(
        mz_db_query_text(t->db, &s, "SELECT password_hash FROM users WHERE id = ?", "i", id),
        MZ_DB_ROW);
    assert_int_equal(mz_password_verify(s, "Nn3$newpassw"), 1);
    assert_int_equal(mz_password_verify(s, TDB_PASSWORD), 0);
    mz_free(s);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'user.reset_password' AND after_json IS NULL AND "
                                      "before_json IS NULL"),
                     1);

    /* The old password is dead, the new one logs in with the change flag. */
    assert_int_equal(
        mz_auth_login(t->db, &t->sec, "tw.xingfu", TDB_PASSWORD, "r", token, csrf, &a, &err), -1);
    tdb_assert_err(err, 401, "auth_failed", "");
    assert_int_equal(
        mz_auth_login(t->db, &t->sec, "tw.xingfu", "Nn3$newpassw", "r", token, csrf, &a, &err), 0);
    assert_int_equal(a.must_change_password, 1);
}

static void test_change_password(void **state)
{
    tdb *t = tdb_get(state);
    mz_actor a;
    mz_error err;
    char *s = NULL;
    int64_t id = tdb_user(t, "tw.xingfu", "township_worker", "321302001000");

    assert_int_equal(
        mz_db_run(t->db, NULL, "UPDATE users SET must_change_password = 1 WHERE id = ?", "i", id),
        MZ_DB_OK);
    tdb_actor(t, id, &a);
    static const struct {
        const char *old_pw, *new_pw, *code, *field;
    } bad[] = {
        {"Wrong#Pass99", "Nn3$newpassw", "invalid_value", "old_password"},
        {"", "Nn3$newpassw", "invalid_value", "old_password"},
        {TDB_PASSWORD, TDB_PASSWORD, "weak_password", "new_password"},
        {TDB_PASSWORD, "short", "weak_password", "new_password"},
        {TDB_PASSWORD, "my-tw.xingfu-9A", "weak_password", "new_password"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tdb_begin(t);
        mz_error_clear(&err);
        int rc = mz_user_change_password(t->db, &t->sec, &a, bad[i].old_pw, bad[i].new_pw, &err);
        mz_db_rollback(t->db);
        if (rc != -1)
            fail_msg("case %zu accepted", i);
        if (err.status != 400 || strcmp(err.code, bad[i].code) != 0 ||
            strcmp(err.field, bad[i].field) != 0)
            fail_msg("case %zu: %d %s %s", i, err.status, err.code, err.field);
    }
    assert_int_equal(
        mz_db_query_text(t->db, &s, "SELECT password_hash FROM users WHERE id = ?", "i", id),
        MZ_DB_ROW);
    assert_int_equal(mz_password_verify(s, TDB_PASSWORD), 1);
    mz_free(s);

    tdb_begin(t);
    assert_int_equal(
        mz_user_change_password(t->db, &t->sec, &a, TDB_PASSWORD, "Nn3$newpassw", &err), 0);
    tdb_commit(t);
    assert_int_equal(
        mz_db_query_text(t->db, &s, "SELECT password_hash FROM users WHERE id = ?", "i", id),
        MZ_DB_ROW);
    assert_int_equal(mz_password_verify(s, "Nn3$newpassw"), 1);
    mz_free(s);
    assert_int_equal(tdb_count(t->db, "SELECT must_change_password FROM users WHERE username = "
                                      "'tw.xingfu'"),
                     0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'user.change_password' AND actor_name = 'tw.xingfu'"),
                     1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE "
                                      "'%Nn3$%' OR before_json LIKE '%Nn3$%'"),
                     0);
}

static void test_session_json(void **state)
{
    tdb *t = tdb_get(state);
    mz_actor a;
    int64_t id = tdb_user(t, "tw.xingfu", "township_worker", "321302001000");

    tdb_actor(t, id, &a);
    json_t *j = mz_user_session_json(t->db, &a);
    assert_non_null(j);
    assert_string_equal(tdb_jstr(j, "username"), "tw.xingfu");
    assert_int_equal(json_integer_value(json_object_get(j, "region_level")), 4);
    json_t *perms = json_object_get(j, "permissions");
    /* The role's permissions, sorted, exactly as granted in role_permissions. */
    mz_stmt *st = mz_db_prepare(t->db, "SELECT permission FROM role_permissions "
                                       "WHERE role_code = 'township_worker' ORDER BY permission");
    size_t i = 0;
    while (mz_stmt_step(st) == MZ_DB_ROW) {
        assert_true(i < json_array_size(perms));
        assert_string_equal(json_string_value(json_array_get(perms, i)), mz_stmt_text(st, 0));
        i++;
    }
    mz_stmt_finalize(st);
    assert_int_equal(json_array_size(perms), i);
    assert_true(i >= 2);
    json_decref(j);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_create),
        BOTH(test_create_duplicate),
        BOTH(test_create_username_rules),
        BOTH(test_create_display_name),
        BOTH(test_create_refusals),
        BOTH(test_scope_get_update),
        BOTH(test_list_scope_and_filters),
        BOTH(test_list_q_literal),
        BOTH(test_list_paging),
        BOTH(test_update),
        BOTH(test_disable_ends_sessions),
        BOTH(test_reset_password),
        BOTH(test_change_password),
        BOTH(test_session_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
