/*
 * Tests for src/core/auth.c and src/core/actor.c: the password rules at their
 * boundaries, argon2id hashing, login with its lockout window, sessions with
 * the idle timeout, bearer tokens, and the permission and scope checks of an
 * actor.  The database cases run on SQLite and, with MZ_TEST_PG_URL, on
 * PostgreSQL (see testdb.h).
 */
#include "testdb.h"

#include <ctype.h>
#include <time.h>

#include "core/audit.h"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_auth");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_auth");
}

static int is_hex64(const char *s)
{
    if (strlen(s) != MZ_TOKEN_LEN)
        return 0;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
            return 0;
    return 1;
}

/* ---- password rules (no database) -------------------------------------- */

static void test_password_rules(void **state)
{
    static const struct {
        const char *username, *password;
        int ok;
    } cases[] = {
        {"wang.li", "Abcdef12!x", 1}, /* exactly 10, four classes */
        {"wang.li", "Abcdefg12", 0},  /* 9 characters */
        {"wang.li", "Abcdefgh12", 1}, /* 10 characters, three classes */
        {"wang.li", "abcdefgh12", 0}, /* lower + digit only */
        {"wang.li", "ABCDEFGH!!", 0}, /* upper + other only */
        {"wang.li", "abcdefghijklmnop", 0},
        {"wang.li", "1234567890!!", 0}, /* digit + other */
        {"wang.li", "abcdefgh1!", 1},   /* lower + digit + other */
        /* The username in any case, anywhere. */
        {"wang.li", "xWANG.LI99!", 0},
        {"wang.li", "Wang.Li-2025", 0},
        {"wang.li", "99wang.liX", 0},
        {"wang.li", "wangli2025X", 1}, /* not the username */
        /* Control characters, tab included. */
        {"wang.li", "Abcdef12!x\x01", 0},
        {"wang.li", "Abcdef\t12!x", 0},
        {"wang.li", "Abcdef12!x\x7f", 0},
        {"wang.li", "Abcdef12!x\xc2\x85", 0}, /* C1 NEL */
        {"wang.li", "Abcdef12!x\xff", 0},     /* not UTF-8 */
        /* Length counts characters, not bytes: 8 characters in 20 bytes. */
        {"wang.li", "密码密码密码A1", 0},
        {"wang.li", "密码密码密码密码A1", 1},
    };
    mz_security s;
    mz_error err;
    (void)state;

    mz_security_defaults(&s);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mz_error_clear(&err);
        int rc = mz_password_check(&s, cases[i].username, cases[i].password, "password", &err);
        if (cases[i].ok) {
            if (rc != 0)
                fail_msg("case %zu (%s) refused: %s", i, cases[i].password, err.message);
            assert_int_equal(err.status, 0);
        } else {
            if (rc != -1)
                fail_msg("case %zu (%s) accepted", i, cases[i].password);
            tdb_assert_err(err, 400, "weak_password", "password");
            assert_true(err.message[0] != '\0');
        }
    }
}

static void test_password_length_limit(void **state)
{
    char pw[200];
    mz_security s;
    mz_error err;
    (void)state;

    mz_security_defaults(&s);
    /* 128 bytes is the longest allowed, 129 too long. */
    memset(pw, 'a', sizeof pw);
    memcpy(pw, "Ab1!", 4);
    pw[128] = '\0';
    mz_error_clear(&err);
    assert_int_equal(mz_password_check(&s, "wang.li", pw, "new_password", &err), 0);
    pw[128] = 'a';
    pw[129] = '\0';
    assert_int_equal(mz_password_check(&s, "wang.li", pw, "new_password", &err), -1);
    tdb_assert_err(err, 400, "weak_password", "new_password");

    /* The rules follow the settings. */
    s.password_min_length = 12;
    s.password_min_classes = 4;
    assert_int_equal(mz_password_check(&s, "zz", "Abcdef12!xy", "p", &err), -1);
    tdb_assert_err(err, 400, "weak_password", "p");
    assert_int_equal(mz_password_check(&s, "xy", "Abcdef12!xyz", "p", &err), -1);
    tdb_assert_err(err, 400, "weak_password", "p");
    assert_int_equal(mz_password_check(&s, "zz", "Abcdef12!xyw", "p", &err), 0);
    assert_int_equal(mz_password_check(&s, "zz", "Abcdef12xyww", "p", &err), -1);
}

static void test_hash_verify(void **state)
{
    char h1[256], h2[256];
    mz_security s;
    (void)state;

    mz_security_defaults(&s);
    s.pw_opslimit = crypto_pwhash_OPSLIMIT_MIN;
    s.pw_memlimit = crypto_pwhash_MEMLIMIT_MIN;
    assert_int_equal(mz_password_hash(&s, "Qx7#mLp2!vRz", h1, sizeof h1), 0);
    assert_int_equal(mz_password_hash(&s, "Qx7#mLp2!vRz", h2, sizeof h2), 0);
    assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
    assert_null(strstr(h1, "Qx7#mLp2!vRz"));
    assert_string_not_equal(h1, h2); /* salted */
    assert_int_equal(mz_password_verify(h1, "Qx7#mLp2!vRz"), 1);
    assert_int_equal(mz_password_verify(h2, "Qx7#mLp2!vRz"), 1);
    assert_int_equal(mz_password_verify(h1, "Qx7#mLp2!vRZ"), 0);
    assert_int_equal(mz_password_verify(h1, ""), 0);
    assert_int_equal(mz_password_verify(NULL, "Qx7#mLp2!vRz"), 0);
    assert_int_equal(mz_password_verify("not a hash", "Qx7#mLp2!vRz"), 0);
    /* Too small an output buffer is refused, not overrun. */
    assert_int_equal(mz_password_hash(&s, "Qx7#mLp2!vRz", h2, 16), -1);
}

static void test_sha256_hex(void **state)
{
    char out[65];
    (void)state;
    mz_sha256_hex("abc", out);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    mz_sha256_hex("", out);
    assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* ---- actors ------------------------------------------------------------- */

static void test_actor_can_covers(void **state)
{
    mz_actor a;
    (void)state;

    mz_actor_init_cli(&a, "root");
    assert_string_equal(a.username, "cli:root");
    assert_string_equal(a.scope_prefix, "");
    assert_true(mz_actor_can(&a, "sys:user:create"));
    assert_true(mz_actor_can(&a, "anything:at:all"));
    assert_true(mz_actor_covers(&a, "321302001001"));
    assert_true(mz_actor_covers(&a, "110000000000"));
    assert_false(mz_actor_covers(&a, NULL));

    memset(&a, 0, sizeof a);
    a.id = 5;
    snprintf(a.role, sizeof a.role, "township_worker");
    snprintf(a.scope_prefix, sizeof a.scope_prefix, "321302001");
    a.nperms = 2;
    snprintf(a.perms[0], sizeof a.perms[0], "sys:region:read");
    snprintf(a.perms[1], sizeof a.perms[1], "sys:calendar:read");
    assert_true(mz_actor_can(&a, "sys:region:read"));
    assert_true(mz_actor_can(&a, "sys:calendar:read"));
    assert_false(mz_actor_can(&a, "sys:user:read"));
    assert_false(mz_actor_can(&a, "sys:region"));
    assert_false(mz_actor_can(&a, "sys:region:read:x"));
    assert_false(mz_actor_can(&a, ""));
    assert_true(mz_actor_covers(&a, "321302001000"));
    assert_true(mz_actor_covers(&a, "321302001001"));
    assert_false(mz_actor_covers(&a, "321302002000"));
    assert_false(mz_actor_covers(&a, "321302000000"));
    assert_false(mz_actor_covers(&a, "321300000000"));
    assert_false(mz_actor_covers(&a, NULL));

    /* Only the command-line actor holds every permission, not any user called "cli". */
    memset(&a, 0, sizeof a);
    a.id = 9;
    snprintf(a.role, sizeof a.role, "cli");
    assert_false(mz_actor_can(&a, "sys:user:create"));
}

static void test_actor_load(void **state)
{
    tdb *t = tdb_get(state);
    mz_actor a;
    int64_t tw = tdb_user(t, "tw.xingfu", "township_worker", "321302001000");
    int64_t ca = tdb_user(t, "admin.city", "city_admin", "321300000000");
    int64_t cc = tdb_user(t, "admin.sucheng", "city_admin", "321302000000");
    int64_t vw = tdb_user(t, "vw.fenghuang", "village_worker", "321302001001");

    assert_int_equal(mz_actor_load(t->db, tw, &a), 0);
    assert_int_equal(a.id, tw);
    assert_string_equal(a.username, "tw.xingfu");
    assert_string_equal(a.role, "township_worker");
    assert_string_equal(a.region_code, "321302001000");
    assert_string_equal(a.scope_prefix, "321302001");
    assert_int_equal(a.level, 4);
    /* Every permission of the role, as the role_permissions table grants them. */
    assert_int_equal(a.nperms, tdb_count(t->db, "SELECT COUNT(*) FROM role_permissions "
                                                "WHERE role_code = 'township_worker'"));
    assert_true(mz_actor_can(&a, "sys:region:read"));
    assert_true(mz_actor_can(&a, "sys:calendar:read"));
    assert_false(mz_actor_can(&a, "sys:user:read"));

    assert_int_equal(mz_actor_load(t->db, ca, &a), 0);
    assert_string_equal(a.scope_prefix, "3213");
    assert_int_equal(a.level, 2);
    assert_true(mz_actor_can(&a, "sys:user:create"));
    assert_false(mz_actor_can(&a, "sys:audit:read"));
    assert_true(mz_actor_covers(&a, "321322000000"));

    assert_int_equal(mz_actor_load(t->db, cc, &a), 0);
    assert_string_equal(a.scope_prefix, "321302");
    assert_int_equal(a.level, 3);
    assert_false(mz_actor_covers(&a, "321322000000"));

    assert_int_equal(mz_actor_load(t->db, vw, &a), 0);
    assert_string_equal(a.scope_prefix, "321302001001");
    assert_int_equal(a.level, 5);

    /* No such user; a disabled user does not load either. */
    assert_int_equal(mz_actor_load(t->db, 999999, &a), 1);
    assert_int_equal(mz_db_run(t->db, NULL, "UPDATE users SET disabled = 1 WHERE id = ?", "i", tw),
                     MZ_DB_OK);
    assert_int_equal(mz_actor_load(t->db, tw, &a), 1);
}

/* ---- login -------------------------------------------------------------- */

static int64_t failures(tdb *t, const char *username)
{
    int64_t n = -1;
    assert_int_equal(mz_db_query_int64(t->db, &n,
                                       "SELECT COUNT(*) FROM login_failures WHERE username = ?",
                                       "t", username),
                     MZ_DB_ROW);
    return n;
}

static int login(tdb *t, const char *user, const char *pw, char *token, char *csrf, mz_actor *a,
                 mz_error *err)
{
    mz_error_clear(err);
    return mz_auth_login(t->db, &t->sec, user, pw, "req-login", token, csrf, a, err);
}

static void test_login_success(void **state)
{
    tdb *t = tdb_get(state);
    char token[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1], hash[65], *s = NULL;
    mz_actor a;
    mz_error err;
    int64_t id = tdb_user(t, "tw.xingfu", "township_worker", "321302001000");
    int64_t audit0 = tdb_count(t->db, "SELECT COUNT(*) FROM audit_log");

    assert_int_equal(login(t, "tw.xingfu", TDB_PASSWORD, token, csrf, &a, &err), 0);
    assert_true(is_hex64(token));
    assert_true(is_hex64(csrf));
    assert_string_not_equal(token, csrf);
    assert_int_equal(a.id, id);
    assert_string_equal(a.role, "township_worker");
    assert_string_equal(a.scope_prefix, "321302001");
    assert_string_equal(a.request_id, "req-login");
    assert_false(mz_db_in_transaction(t->db));

    /* One session, stored by the token's hash only. */
    mz_sha256_hex(token, hash);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM sessions"), 1);
    assert_int_equal(mz_db_query_text(t->db, &s, "SELECT token_hash FROM sessions", ""), MZ_DB_ROW);
    assert_string_equal(s, hash);
    mz_free(s);
    assert_int_equal(mz_db_query_text(t->db, &s, "SELECT csrf_token FROM sessions", ""), MZ_DB_ROW);
    assert_string_equal(s, csrf);
    mz_free(s);
    assert_int_equal(tdb_count(t->db, "SELECT user_id FROM sessions"), id);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM users WHERE last_login_at IS NOT NULL"),
                     1);

    /* Audited as session.login by the user, on the user. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log"), audit0 + 1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'session.login' AND actor_name = 'tw.xingfu' AND "
                                      "object_type = 'user' AND request_id = 'req-login' AND "
                                      "region_code = '321302001000'"),
                     1);
    assert_int_equal(mz_db_query_text(t->db, &s,
                                      "SELECT object_id FROM audit_log WHERE action = "
                                      "'session.login'",
                                      ""),
                     MZ_DB_ROW);
    char idb[24];
    snprintf(idb, sizeof idb, "%lld", (long long)id);
    assert_string_equal(s, idb);
    mz_free(s);

    /* A second login makes a second, different session. */
    char token2[MZ_TOKEN_LEN + 1], csrf2[MZ_TOKEN_LEN + 1];
    assert_int_equal(login(t, "tw.xingfu", TDB_PASSWORD, token2, csrf2, &a, &err), 0);
    assert_string_not_equal(token, token2);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM sessions"), 2);

    int64_t checked, broken;
    assert_int_equal(mz_audit_verify(t->db, &checked, &broken), 0);
    assert_int_equal(broken, 0);
}

static void test_login_failures_identical(void **state)
{
    tdb *t = tdb_get(state);
    char token[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1];
    mz_actor a;
    mz_error bad_pw, unknown;

    tdb_user(t, "tw.xingfu", "township_worker", "321302001000");
    assert_int_equal(login(t, "tw.xingfu", "Wrong#Pass99", token, csrf, &a, &bad_pw), -1);
    tdb_assert_err(bad_pw, 401, "auth_failed", "");
    assert_int_equal(login(t, "no.such.user", "Wrong#Pass99", token, csrf, &a, &unknown), -1);
    tdb_assert_err(unknown, 401, "auth_failed", "");
    /* Nothing tells an unknown user from a wrong password. */
    assert_string_equal(bad_pw.message, unknown.message);
    /* Case matters: the username is an identifier. */
    assert_int_equal(login(t, "TW.XINGFU", TDB_PASSWORD, token, csrf, &a, &unknown), -1);
    tdb_assert_err(unknown, 401, "auth_failed", "");

    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM sessions"), 0);
    assert_int_equal(failures(t, "tw.xingfu"), 1);
    assert_int_equal(failures(t, "no.such.user"), 1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'session.login_failed'"),
                     3);
    /* The audit entry of a failure never holds the password tried. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE "
                                      "'%Wrong#Pass99%' OR before_json LIKE '%Wrong#Pass99%'"),
                     0);
    assert_false(mz_db_in_transaction(t->db));
}

static void test_lockout(void **state)
{
    tdb *t = tdb_get(state);
    char token[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1];
    mz_actor a;
    mz_error err;

    tdb_user(t, "tw.xingfu", "township_worker", "321302001000");
    tdb_user(t, "tw.other", "township_worker", "321302002000");
    for (int i = 0; i < 5; i++) {
        assert_int_equal(login(t, "tw.xingfu", "Wrong#Pass99", token, csrf, &a, &err), -1);
        tdb_assert_err(err, 401, "auth_failed", "");
    }
    assert_int_equal(failures(t, "tw.xingfu"), 5);
    /* The sixth attempt is refused even with the right password. */
    assert_int_equal(login(t, "tw.xingfu", TDB_PASSWORD, token, csrf, &a, &err), -1);
    tdb_assert_err(err, 423, "account_locked", "");
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM sessions"), 0);
    /* Attempts while locked are audited but do not prolong the lock. */
    assert_int_equal(failures(t, "tw.xingfu"), 5);
    assert_true(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                 "'session.login_failed' AND after_json LIKE '%locked%'") >= 1);
    /* Unknown usernames lock the same way. */
    for (int i = 0; i < 5; i++)
        assert_int_equal(login(t, "ghost", "Wrong#Pass99", token, csrf, &a, &err), -1);
    assert_int_equal(login(t, "ghost", "Wrong#Pass99", token, csrf, &a, &err), -1);
    tdb_assert_err(err, 423, "account_locked", "");
    /* Another account is not affected. */
    assert_int_equal(login(t, "tw.other", TDB_PASSWORD, token, csrf, &a, &err), 0);
}

static void test_lockout_threshold_boundary(void **state)
{
    tdb *t = tdb_get(state);
    char token[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1];
    mz_actor a;
    mz_error err;

    tdb_user(t, "tw.xingfu", "township_worker", "321302001000");
    for (int i = 0; i < 4; i++)
        assert_int_equal(login(t, "tw.xingfu", "Wrong#Pass99", token, csrf, &a, &err), -1);
    /* Four failures do not lock; a success clears them. */
    assert_int_equal(login(t, "tw.xingfu", TDB_PASSWORD, token, csrf, &a, &err), 0);
    assert_int_equal(failures(t, "tw.xingfu"), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(login(t, "tw.xingfu", "Wrong#Pass99", token, csrf, &a, &err), -1);
    assert_int_equal(login(t, "tw.xingfu", TDB_PASSWORD, token, csrf, &a, &err), 0);
}

static void test_lockout_window(void **state)
{
    tdb *t = tdb_get(state);
    char token[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1];
    mz_actor a;
    mz_error err;
    int64_t now = (int64_t)time(NULL);

    tdb_user(t, "tw.xingfu", "township_worker", "321302001000");
    /* Five failures 16 minutes ago: outside the 15-minute window. */
    for (int i = 0; i < 5; i++)
        assert_int_equal(mz_db_run(t->db, NULL,
                                   "INSERT INTO login_failures (username, at_epoch) VALUES (?, ?)",
                                   "ti", "tw.xingfu", now - 16 * 60),
                         MZ_DB_OK);
    assert_int_equal(login(t, "tw.xingfu", TDB_PASSWORD, token, csrf, &a, &err), 0);

    /* Five failures 14 minutes ago: inside it. */
    for (int i = 0; i < 5; i++)
        assert_int_equal(mz_db_run(t->db, NULL,
                                   "INSERT INTO login_failures (username, at_epoch) VALUES (?, ?)",
                                   "ti", "tw.xingfu", now - 14 * 60),
                         MZ_DB_OK);
    assert_int_equal(login(t, "tw.xingfu", TDB_PASSWORD, token, csrf, &a, &err), -1);
    tdb_assert_err(err, 423, "account_locked", "");

    /* The window follows the setting: 14 minutes ago is outside a 10-minute one. */
    t->sec.lockout_minutes = 10;
    assert_int_equal(login(t, "tw.xingfu", TDB_PASSWORD, token, csrf, &a, &err), 0);
}

static void test_login_disabled(void **state)
{
    tdb *t = tdb_get(state);
    char token[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1];
    mz_actor a;
    mz_error err;
    int64_t id = tdb_user(t, "tw.xingfu", "township_worker", "321302001000");

    assert_int_equal(mz_db_run(t->db, NULL, "UPDATE users SET disabled = 1 WHERE id = ?", "i", id),
                     MZ_DB_OK);
    assert_int_equal(login(t, "tw.xingfu", TDB_PASSWORD, token, csrf, &a, &err), -1);
    tdb_assert_err(err, 403, "account_disabled", "");
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM sessions"), 0);
    /* Without the right password a disabled account looks like any other failure. */
    assert_int_equal(login(t, "tw.xingfu", "Wrong#Pass99", token, csrf, &a, &err), -1);
    tdb_assert_err(err, 401, "auth_failed", "");
}

/* ---- sessions ----------------------------------------------------------- */

static void test_session(void **state)
{
    tdb *t = tdb_get(state);
    char token[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1], got_csrf[MZ_TOKEN_LEN + 1];
    mz_actor a, s;
    mz_error err;
    int64_t id = tdb_user(t, "tw.xingfu", "township_worker", "321302001000");

    assert_int_equal(login(t, "tw.xingfu", TDB_PASSWORD, token, csrf, &a, &err), 0);
    mz_error_clear(&err);
    assert_int_equal(mz_auth_session(t->db, &t->sec, token, &s, got_csrf, &err), 0);
    assert_int_equal(s.id, id);
    assert_string_equal(s.username, "tw.xingfu");
    assert_string_equal(s.role, "township_worker");
    assert_string_equal(s.region_code, "321302001000");
    assert_string_equal(s.scope_prefix, "321302001");
    assert_int_equal(s.level, 4);
    assert_true(mz_actor_can(&s, "sys:region:read"));
    assert_false(mz_actor_can(&s, "sys:user:create"));
    assert_string_equal(got_csrf, csrf);

    /* Not the token: its hash, a changed character, the csrf token, garbage. */
    char other[MZ_TOKEN_LEN + 1];
    snprintf(other, sizeof other, "%s", token);
    other[10] = other[10] == 'a' ? 'b' : 'a';
    static const char *const bad[] = {"", "short", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mz_error_clear(&err);
        assert_int_equal(mz_auth_session(t->db, &t->sec, bad[i], &s, got_csrf, &err), -1);
        tdb_assert_err(err, 401, "unauthenticated", "");
    }
    assert_int_equal(mz_auth_session(t->db, &t->sec, other, &s, got_csrf, &err), -1);
    tdb_assert_err(err, 401, "unauthenticated", "");
    assert_int_equal(mz_auth_session(t->db, &t->sec, csrf, &s, got_csrf, &err), -1);
    tdb_assert_err(err, 401, "unauthenticated", "");
    char hash[65];
    mz_sha256_hex(token, hash);
    assert_int_equal(mz_auth_session(t->db, &t->sec, hash, &s, got_csrf, &err), -1);
    tdb_assert_err(err, 401, "unauthenticated", "");
}

static void test_session_idle_timeout(void **state)
{
    tdb *t = tdb_get(state);
    char token[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1], got[MZ_TOKEN_LEN + 1];
    mz_actor a;
    mz_error err;
    int64_t now = (int64_t)time(NULL);

    tdb_user(t, "tw.xingfu", "township_worker", "321302001000");
    assert_int_equal(login(t, "tw.xingfu", TDB_PASSWORD, token, csrf, &a, &err), 0);

    /* 29 minutes idle: still valid, and touched. */
    assert_int_equal(
        mz_db_run(t->db, NULL, "UPDATE sessions SET last_seen_epoch = ?", "i", now - 29 * 60),
        MZ_DB_OK);
    assert_int_equal(mz_auth_session(t->db, &t->sec, token, &a, got, &err), 0);
    assert_true(tdb_count(t->db, "SELECT last_seen_epoch FROM sessions") >= now);

    /* 31 minutes idle: gone. */
    assert_int_equal(
        mz_db_run(t->db, NULL, "UPDATE sessions SET last_seen_epoch = ?", "i", now - 31 * 60),
        MZ_DB_OK);
    mz_error_clear(&err);
    assert_int_equal(mz_auth_session(t->db, &t->sec, token, &a, got, &err), -1);
    tdb_assert_err(err, 401, "unauthenticated", "");

    /* Far in the past. */
    assert_int_equal(
        mz_db_run(t->db, NULL, "UPDATE sessions SET last_seen_epoch = ?", "i", (int64_t)1000),
        MZ_DB_OK);
    assert_int_equal(mz_auth_session(t->db, &t->sec, token, &a, got, &err), -1);
    tdb_assert_err(err, 401, "unauthenticated", "");
}

static void test_session_disabled_user_and_logout(void **state)
{
    tdb *t = tdb_get(state);
    char token[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1], got[MZ_TOKEN_LEN + 1];
    mz_actor a;
    mz_error err;
    int64_t id = tdb_user(t, "tw.xingfu", "township_worker", "321302001000");

    assert_int_equal(login(t, "tw.xingfu", TDB_PASSWORD, token, csrf, &a, &err), 0);
    assert_int_equal(mz_db_run(t->db, NULL, "UPDATE users SET disabled = 1 WHERE id = ?", "i", id),
                     MZ_DB_OK);
    assert_int_equal(mz_auth_session(t->db, &t->sec, token, &a, got, &err), -1);
    tdb_assert_err(err, 401, "unauthenticated", "");
    assert_int_equal(mz_db_run(t->db, NULL, "UPDATE users SET disabled = 0 WHERE id = ?", "i", id),
                     MZ_DB_OK);
    assert_int_equal(mz_auth_session(t->db, &t->sec, token, &a, got, &err), 0);

    /* Logout removes the session and is audited. */
    tdb_begin(t);
    assert_int_equal(mz_auth_logout(t->db, &a, token, &err), 0);
    tdb_commit(t);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM sessions"), 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'session.logout' AND actor_name = 'tw.xingfu'"),
                     1);
    assert_int_equal(mz_auth_session(t->db, &t->sec, token, &a, got, &err), -1);
    tdb_assert_err(err, 401, "unauthenticated", "");
}

/* ---- bearer tokens ------------------------------------------------------ */

static void test_bearer(void **state)
{
    tdb *t = tdb_get(state);
    char token[MZ_TOKEN_LEN + 1], hash[65], *s = NULL;
    int64_t token_id = 0;
    mz_actor a;
    mz_error err;
    int64_t id = tdb_user(t, "svc.report", "auditor", "321300000000");

    tdb_begin(t);
    mz_error_clear(&err);
    assert_int_equal(mz_token_create(t->db, &t->cli, id, "nightly report", token, &token_id, &err),
                     0);
    tdb_commit(t);
    assert_true(is_hex64(token));
    assert_true(token_id > 0);
    /* Stored as a hash; the creation is audited without the token. */
    mz_sha256_hex(token, hash);
    assert_int_equal(mz_db_query_text(t->db, &s, "SELECT token_hash FROM api_tokens WHERE id = ?",
                                      "i", token_id),
                     MZ_DB_ROW);
    assert_string_equal(s, hash);
    mz_free(s);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'token.create' AND object_type = 'api_token'"),
                     1);
    assert_int_equal(mz_db_query_text(t->db, &s,
                                      "SELECT after_json FROM audit_log WHERE action = "
                                      "'token.create'",
                                      ""),
                     MZ_DB_ROW);
    assert_null(strstr(s, token));
    assert_null(strstr(s, hash));
    mz_free(s);

    mz_error_clear(&err);
    assert_int_equal(mz_auth_bearer(t->db, token, &a, &err), 0);
    assert_int_equal(a.id, id);
    assert_string_equal(a.role, "auditor");
    assert_true(mz_actor_can(&a, "sys:audit:verify"));
    assert_string_equal(a.scope_prefix, "3213");

    char wrong[MZ_TOKEN_LEN + 1];
    snprintf(wrong, sizeof wrong, "%s", token);
    wrong[0] = wrong[0] == 'f' ? 'e' : 'f';
    assert_int_equal(mz_auth_bearer(t->db, wrong, &a, &err), -1);
    tdb_assert_err(err, 401, "unauthenticated", "");
    assert_int_equal(mz_auth_bearer(t->db, hash, &a, &err), -1);
    tdb_assert_err(err, 401, "unauthenticated", "");
    assert_int_equal(mz_auth_bearer(t->db, "", &a, &err), -1);
    tdb_assert_err(err, 401, "unauthenticated", "");
    assert_int_equal(mz_auth_bearer(t->db, NULL, &a, &err), -1);
    tdb_assert_err(err, 401, "unauthenticated", "");

    /* A session token is not a bearer token. */
    char stoken[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1];
    assert_int_equal(login(t, "svc.report", TDB_PASSWORD, stoken, csrf, &a, &err), 0);
    assert_int_equal(mz_auth_bearer(t->db, stoken, &a, &err), -1);
    tdb_assert_err(err, 401, "unauthenticated", "");

    /* Disabled owner, then revoked token. */
    assert_int_equal(mz_db_run(t->db, NULL, "UPDATE users SET disabled = 1 WHERE id = ?", "i", id),
                     MZ_DB_OK);
    assert_int_equal(mz_auth_bearer(t->db, token, &a, &err), -1);
    tdb_assert_err(err, 401, "unauthenticated", "");
    assert_int_equal(mz_db_run(t->db, NULL, "UPDATE users SET disabled = 0 WHERE id = ?", "i", id),
                     MZ_DB_OK);
    assert_int_equal(mz_auth_bearer(t->db, token, &a, &err), 0);
    assert_int_equal(
        mz_db_run(t->db, NULL, "UPDATE api_tokens SET revoked = 1 WHERE id = ?", "i", token_id),
        MZ_DB_OK);
    assert_int_equal(mz_auth_bearer(t->db, token, &a, &err), -1);
    tdb_assert_err(err, 401, "unauthenticated", "");
}

/* An auditor of 宿迁市 named username with an API token (its id in *token_id when given). */
static int64_t token_user(tdb *t, const char *username, char *token, int64_t *token_id)
{
    int64_t tid = 0;
    mz_error err;
    int64_t id = tdb_user(t, username, "auditor", "321300000000");
    tdb_begin(t);
    assert_int_equal(mz_token_create(t->db, &t->cli, id, "test", token, &tid, &err), 0);
    tdb_commit(t);
    if (token_id)
        *token_id = tid;
    return id;
}

/*
 * A role's permissions are remembered per connection on SQLite (mz_db_memo_get), but a change
 * to them is seen at once: by the next request on that connection whether another connection
 * (another server process) or the same one made it, inside a request's read snapshot too.
 */
static void test_role_permissions_seen_at_once(void **state)
{
    tdb *t = tdb_get(state);
    char token[MZ_TOKEN_LEN + 1], msg[256];
    mz_actor a;
    mz_error err;
    token_user(t, "svc.perm", token, NULL);

    for (int i = 0; i < 2; i++) { /* the second from the memo on SQLite */
        mz_db_begin_read(t->db);
        assert_int_equal(mz_auth_bearer(t->db, token, &a, &err), 0);
        mz_db_end_read(t->db);
        assert_int_equal(a.nperms, 12);
        assert_string_equal(a.perms[0], "assist:enrollment:read");
        assert_string_equal(a.perms[11], "sys:user:read");
        assert_false(mz_actor_can(&a, "case:case:act"));
    }

    mz_db *other = mz_db_open(t->url, msg, sizeof msg);
    assert_non_null(other);
    assert_int_equal(mz_db_run(other, NULL,
                               "INSERT INTO role_permissions (role_code, permission) VALUES "
                               "('auditor', 'case:case:act')",
                               ""),
                     MZ_DB_OK);
    mz_db_begin_read(t->db);
    assert_int_equal(mz_auth_bearer(t->db, token, &a, &err), 0);
    mz_db_end_read(t->db);
    assert_true(mz_actor_can(&a, "case:case:act"));
    assert_int_equal(a.nperms, 13);
    assert_string_equal(a.perms[2], "case:case:act"); /* in order */
    assert_int_equal(mz_auth_bearer(t->db, token, &a, &err), 0);
    assert_true(mz_actor_can(&a, "case:case:act"));

    assert_int_equal(mz_db_run(t->db, NULL,
                               "DELETE FROM role_permissions WHERE role_code = 'auditor' AND "
                               "permission IN ('case:case:act', 'sys:audit:verify')",
                               ""),
                     MZ_DB_OK);
    assert_int_equal(mz_auth_bearer(t->db, token, &a, &err), 0);
    assert_false(mz_actor_can(&a, "case:case:act"));
    assert_false(mz_actor_can(&a, "sys:audit:verify"));
    assert_int_equal(a.nperms, 11);
    /* Inside a write transaction its own uncommitted change counts. */
    tdb_begin(t);
    assert_int_equal(mz_db_run(t->db, NULL,
                               "INSERT INTO role_permissions (role_code, permission) VALUES "
                               "('auditor', 'case:case:act')",
                               ""),
                     MZ_DB_OK);
    assert_int_equal(mz_auth_bearer(t->db, token, &a, &err), 0);
    assert_true(mz_actor_can(&a, "case:case:act"));
    mz_db_rollback(t->db);
    assert_int_equal(mz_auth_bearer(t->db, token, &a, &err), 0);
    assert_false(mz_actor_can(&a, "case:case:act"));

    /* A session's actor too, after a change by the other connection. */
    char stoken[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1], got[MZ_TOKEN_LEN + 1];
    assert_int_equal(login(t, "svc.perm", TDB_PASSWORD, stoken, csrf, &a, &err), 0);
    assert_int_equal(mz_auth_session(t->db, &t->sec, stoken, &a, got, &err), 0);
    assert_false(mz_actor_can(&a, "sys:audit:verify"));
    assert_int_equal(mz_db_run(other, NULL,
                               "INSERT INTO role_permissions (role_code, permission) VALUES "
                               "('auditor', 'sys:audit:verify')",
                               ""),
                     MZ_DB_OK);
    mz_db_begin_read(t->db);
    assert_int_equal(mz_auth_session(t->db, &t->sec, stoken, &a, got, &err), 0);
    mz_db_end_read(t->db);
    assert_true(mz_actor_can(&a, "sys:audit:verify"));
    mz_db_close(other);
}

/*
 * The actor of a token or a session is remembered per connection on SQLite (mz_db_memo_get_now),
 * but a token revoked, a user disabled or a session ended by another connection (another server
 * process) is refused by the very next request, as the first read of its snapshot.
 */
static void test_actor_change_seen_at_once(void **state)
{
    tdb *t = tdb_get(state);
    char token[MZ_TOKEN_LEN + 1], msg[256], stoken[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1],
        got[MZ_TOKEN_LEN + 1];
    int64_t token_id = 0;
    mz_actor a;
    mz_error err;
    int64_t id = token_user(t, "svc.seen", token, &token_id);
    assert_int_equal(login(t, "svc.seen", TDB_PASSWORD, stoken, csrf, &a, &err), 0);
    mz_db *other = mz_db_open(t->url, msg, sizeof msg);
    assert_non_null(other);

    /* auth(kind, want): one request's authentication, in its read snapshot, twice when it
     * succeeds (the second from the memo) */
#define AUTH(session, want)                                                                        \
    for (int i = 0; i < ((want) == 0 ? 2 : 1); i++) {                                              \
        mz_db_begin_read(t->db);                                                                   \
        assert_int_equal(session ? mz_auth_session(t->db, &t->sec, stoken, &a, got, &err)          \
                                 : mz_auth_bearer(t->db, token, &a, &err),                         \
                         want);                                                                    \
        mz_db_end_read(t->db);                                                                     \
    }
    AUTH(0, 0);
    assert_int_equal(a.id, id);
    AUTH(1, 0);
    assert_string_equal(got, csrf);
    assert_int_equal(mz_db_run(other, NULL, "UPDATE users SET disabled = 1 WHERE id = ?", "i", id),
                     MZ_DB_OK);
    AUTH(0, -1);
    tdb_assert_err(err, 401, "unauthenticated", "");
    AUTH(1, -1);
    tdb_assert_err(err, 401, "unauthenticated", "");
    assert_int_equal(mz_db_run(other, NULL, "UPDATE users SET disabled = 0 WHERE id = ?", "i", id),
                     MZ_DB_OK);
    AUTH(0, 0);
    AUTH(1, 0);
    assert_int_equal(
        mz_db_run(other, NULL, "UPDATE api_tokens SET revoked = 1 WHERE id = ?", "i", token_id),
        MZ_DB_OK);
    AUTH(0, -1);
    AUTH(1, 0);
    assert_int_equal(mz_db_run(other, NULL, "DELETE FROM sessions", ""), MZ_DB_OK);
    AUTH(1, -1);
    tdb_assert_err(err, 401, "unauthenticated", "");
#undef AUTH
    mz_db_close(other);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_rules),
        cmocka_unit_test(test_password_length_limit),
        cmocka_unit_test(test_hash_verify),
        cmocka_unit_test(test_sha256_hex),
        cmocka_unit_test(test_actor_can_covers),
        BOTH(test_actor_load),
        BOTH(test_login_success),
        BOTH(test_login_failures_identical),
        BOTH(test_lockout),
        BOTH(test_lockout_threshold_boundary),
        BOTH(test_lockout_window),
        BOTH(test_login_disabled),
        BOTH(test_session),
        BOTH(test_session_idle_timeout),
        BOTH(test_session_disabled_user_and_logout),
        BOTH(test_bearer),
        BOTH(test_role_permissions_seen_at_once),
        BOTH(test_actor_change_seen_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
