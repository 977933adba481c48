/*
 * Accounts, sessions and tokens (see auth.h).
 *
 * The lockout counts failures per username (known or not, so the answer
 * never tells whether an account exists) within the last lockout_minutes.
 * Unknown users still cost one argon2id verification against a decoy hash,
 * so timing does not tell either.
 */
#include "core/auth.h"

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/date.h"
#include "base/idnum.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "core/audit.h"
#include "core/region.h"
#include "core/resident.h"

void mz_security_defaults(mz_security *s)
{
    s->lockout_threshold = 5;
    s->lockout_minutes = 15;
    s->idle_timeout_minutes = 30;
    s->password_min_length = 10;
    s->password_min_classes = 3;
    s->pw_opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    s->pw_memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_ok;

static void sodium_start(void)
{
    sodium_ok = sodium_init() >= 0;
}

int mz_auth_init(void)
{
    pthread_once(&sodium_once, sodium_start);
    return sodium_ok ? 0 : -1;
}

void mz_sha256_hex(const char *s, char *out)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, 65, h, sizeof h);
}

static void random_token(char *out)
{
    unsigned char r[MZ_TOKEN_LEN / 2];
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(out, MZ_TOKEN_LEN + 1, r, sizeof r);
}

int mz_password_hash(const mz_security *s, const char *password, char *out, size_t outlen)
{
    if (outlen < crypto_pwhash_STRBYTES || mz_auth_init() < 0)
        return -1;
    return crypto_pwhash_str_alg(out, password, strlen(password), s->pw_opslimit,
                                 (size_t)s->pw_memlimit, crypto_pwhash_ALG_ARGON2ID13) == 0
               ? 0
               : -1;
}

int mz_password_verify(const char *hash, const char *password)
{
    if (mz_auth_init() < 0 || hash == NULL)
        return 0;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* Whether needle occurs in hay, ASCII letters compared without case. */
static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

int mz_password_check(const mz_security *s, const char *username, const char *password,
                      const char *field, mz_error *err)
{
    size_t len = strlen(password);
    if (!mz_utf8_valid(password, len) || mz_utf8_has_control(password))
        return mz_error_set(err, 400, "weak_password", field, "密码含有无效字符");
    if (len > 128)
        return mz_error_set(err, 400, "weak_password", field, "密码不能超过128个字符");
    if ((int)mz_utf8_chars(password) < s->password_min_length)
        return mz_error_set(err, 400, "weak_password", field, "密码长度不能少于%d位",
                            s->password_min_length);
    int lower = 0, upper = 0, digit = 0, other = 0;
    for (const char *p = password; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 'a' && c <= 'z')
            lower = 1;
        else if (c >= 'A' && c <= 'Z')
            upper = 1;
        else if (c >= '0' && c <= '9')
            digit = 1;
        else
            other = 1;
    }
    if (lower + upper + digit + other < s->password_min_classes)
        return mz_error_set(err, 400, "weak_password", field,
                            "密码须包含小写字母、大写字母、数字、特殊字符中的至少%d类",
                            s->password_min_classes);
    if (username && *username && contains_nocase(password, username))
        return mz_error_set(err, 400, "weak_password", field, "密码不能包含用户名");
    return 0;
}

/*
 * The actor: the user's columns with the session or token it is found by, in one statement,
 * and the role's permissions, space-separated in one aggregated column (not one row each:
 * stepping those rows was a tenth of a profile).  On PostgreSQL the aggregate is a column of
 * the same statement (one round trip).  On SQLite it is read once per connection and role and
 * remembered while the database is unchanged (mz_db_memo_get: every commit of any process
 * changes its data version): aggregating the role's two dozen rows on every request was a sixth
 * of a person profile's instructions.
 * ACTOR_SQL(db, before, after): SELECT before, the actor's columns, after (a FROM with the
 * users as u).
 */
#define USER_COLUMNS                                                                               \
    "u.id, u.username, u.display_name, u.role_code, u.region_code, u.must_change_password, "       \
    "u.disabled "
#define ACTOR_PG                                                                                   \
    USER_COLUMNS ", (SELECT string_agg(rp.permission, ' ' ORDER BY rp.permission) FROM "           \
                 "role_permissions rp WHERE rp.role_code = u.role_code) "
#define ACTOR_SQL(db, before, after)                                                               \
    (mz_db_kind_of(db) == MZ_DB_PG ? "SELECT " before ACTOR_PG after                               \
                                   : "SELECT " before USER_COLUMNS after)

static int perm_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The permissions of a space-separated list into a, split in place of a copy and copied by
 * length (with strtok, qsort and a snprintf per permission this was a tenth of an API
 * request's instructions), sorted when sort is set and they are not in order already.
 */
static void perms_from_list(mz_actor *a, const char *list, int sort)
{
    char *copy = mz_strdup(list);
    const char *all[256];
    size_t n = 0, sorted = 1;
    for (char *p = copy; *p && n < sizeof all / sizeof all[0];) {
        char *end = strchr(p, ' ');
        if (end)
            *end = '\0';
        if (*p) {
            if (n && strcmp(all[n - 1], p) > 0)
                sorted = 0;
            all[n++] = p;
        }
        if (end == NULL)
            break;
        p = end + 1;
    }
    if (sort && !sorted)
        qsort(all, n, sizeof all[0], perm_cmp);
    for (size_t i = 0; i < n && a->nperms < MZ_MAX_PERMS; i++) {
        size_t len = strlen(all[i]);
        if (len >= sizeof a->perms[0])
            len = sizeof a->perms[0] - 1;
        memcpy(a->perms[a->nperms], all[i], len);
        a->perms[a->nperms++][len] = '\0';
    }
    mz_free(copy);
}

/* SQLite: the permissions of a->role into a, remembered on the connection; -1 on a database
 * error.  group_concat has no order: they are sorted (BINARY order, like ORDER BY). */
static int role_perms(mz_db *db, mz_actor *a)
{
    char key[64];
    size_t len;
    snprintf(key, sizeof key, "role_permissions:%s", a->role);
    const void *memo = mz_db_memo_get(db, key, &len);
    if (memo != NULL && len <= sizeof a->perms) {
        memcpy(a->perms, memo, len);
        a->nperms = (int)(len / sizeof a->perms[0]);
        return 0;
    }
    mz_stmt *st = mz_db_prepare_bind(
        db, "SELECT group_concat(permission, ' ') FROM role_permissions WHERE role_code = ?", "t",
        a->role);
    int rc = st ? mz_stmt_step(st) : MZ_DB_ERROR;
    if (rc == MZ_DB_ROW) {
        const char *list = mz_stmt_text(st, 0);
        if (list)
            perms_from_list(a, list, 1);
        mz_db_memo_put(db, key, a->perms, (size_t)a->nperms * sizeof a->perms[0]);
    }
    mz_stmt_finalize(st);
    return rc == MZ_DB_ROW ? 0 : -1;
}

/*
 * Fills a from the row's actor columns from column col on.  Returns 0, 1 when there is no
 * such user or it is disabled, or -1 on a database error.
 */
static int actor_from_row(mz_db *db, mz_stmt *st, int col, mz_actor *a)
{
    memset(a, 0, sizeof *a);
    if (mz_stmt_is_null(st, col) || mz_stmt_int64(st, col + 6))
        return 1;
    a->id = mz_stmt_int64(st, col);
    snprintf(a->username, sizeof a->username, "%s", mz_stmt_text(st, col + 1));
    snprintf(a->display_name, sizeof a->display_name, "%s", mz_stmt_text(st, col + 2));
    snprintf(a->role, sizeof a->role, "%s", mz_stmt_text(st, col + 3));
    snprintf(a->region_code, sizeof a->region_code, "%s", mz_stmt_text(st, col + 4));
    a->must_change_password = (int)mz_stmt_int64(st, col + 5);
    if (strcmp(a->role, MZ_ROLE_RESIDENT) == 0) {
        /* A resident (core/resident.h): a scope that covers no region, and
         * the ID number masked wherever the actor's name is written. */
        char masked[19];
        mz_idnum_mask(a->username, masked);
        snprintf(a->username, sizeof a->username, "resident:%s", masked);
        snprintf(a->scope_prefix, sizeof a->scope_prefix, "%s", MZ_RESIDENT_SCOPE);
        a->level = 0;
    } else {
        a->level = mz_region_level_of(a->region_code);
        mz_region_prefix(a->region_code, a->scope_prefix);
    }
    if (mz_db_kind_of(db) != MZ_DB_PG)
        return role_perms(db, a);
    const char *list = mz_stmt_text(st, col + 7);
    if (list)
        perms_from_list(a, list, 0);
    return 0;
}

int mz_actor_load(mz_db *db, int64_t user_id, mz_actor *a)
{
    memset(a, 0, sizeof *a);
    mz_stmt *st =
        mz_db_prepare_bind(db, ACTOR_SQL(db, "", "FROM users u WHERE u.id = ?"), "i", user_id);
    if (st == NULL)
        return -1;
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW)
        rc = actor_from_row(db, st, 0, a);
    else
        rc = rc == MZ_DB_OK ? 1 : -1;
    mz_stmt_finalize(st);
    return rc;
}

/*
 * Records a failed login in its own transaction, with an audit entry.  An
 * attempt on an account that is already locked is audited but not counted,
 * so that the lock ends lockout_minutes after the failures that caused it
 * however often someone keeps trying.
 */
static void record_failure(mz_db *db, const char *username, const char *request_id, const char *why)
{
    int count = strcmp(why, "locked") != 0;
    mz_actor anon;
    mz_error e;
    memset(&anon, 0, sizeof anon);
    snprintf(anon.username, sizeof anon.username, "%s", username);
    snprintf(anon.request_id, sizeof anon.request_id, "%s", request_id ? request_id : "");
    json_t *after = json_pack("{s:s}", "reason", why);
    if (mz_db_begin(db) == 0 &&
        (!count ||
         mz_db_run(db, NULL, "INSERT INTO login_failures (username, at_epoch) VALUES (?, ?)", "ti",
                   username, (int64_t)time(NULL)) >= 0) &&
        mz_audit_append(db, &anon, "session.login_failed", "user", NULL, NULL, NULL, after, &e) ==
            0)
        mz_db_commit(db);
    else
        mz_db_rollback(db);
    json_decref(after);
}

static char decoy_hash[crypto_pwhash_STRBYTES];
static unsigned long long decoy_ops, decoy_mem;
static pthread_mutex_t decoy_lock = PTHREAD_MUTEX_INITIALIZER;

/* Costs one verification at the configured argon2id cost, like a real account. */
static void verify_decoy(const mz_security *s, const char *password)
{
    char h[crypto_pwhash_STRBYTES];
    pthread_mutex_lock(&decoy_lock);
    if (decoy_ops != s->pw_opslimit || decoy_mem != s->pw_memlimit) {
        mz_password_hash(s, "no-such-user-decoy-password", decoy_hash, sizeof decoy_hash);
        decoy_ops = s->pw_opslimit;
        decoy_mem = s->pw_memlimit;
    }
    memcpy(h, decoy_hash, sizeof h);
    pthread_mutex_unlock(&decoy_lock);
    mz_password_verify(h, password);
}

int mz_auth_login(mz_db *db, const mz_security *s, const char *username, const char *password,
                  const char *request_id, char *token, char *csrf, mz_actor *actor, mz_error *err)
{
    int64_t failures = 0, user_id = 0, disabled = 0;
    char *hash = NULL;
    time_t now = time(NULL);

    if (mz_auth_init() < 0)
        return mz_error_internal(err, "sodium_init failed");
    if (mz_db_query_int64(db, &failures,
                          "SELECT COUNT(*) FROM login_failures WHERE username = ? AND at_epoch > ?",
                          "ti", username, (int64_t)(now - s->lockout_minutes * 60)) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (failures >= s->lockout_threshold) {
        record_failure(db, username, request_id, "locked");
        return mz_error_set(err, 423, "account_locked", NULL,
                            "登录失败次数过多，账户已锁定，请%d分钟后再试", s->lockout_minutes);
    }

    mz_stmt *st = mz_db_prepare_bind(
        db, "SELECT id, password_hash, disabled FROM users WHERE username = ?", "t", username);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int step = mz_stmt_step(st);
    if (step == MZ_DB_ROW) {
        user_id = mz_stmt_int64(st, 0);
        hash = mz_strdup(mz_stmt_text(st, 1));
        disabled = mz_stmt_int64(st, 2);
    }
    mz_stmt_finalize(st);
    if (step < 0)
        return mz_error_internal(err, mz_db_errmsg(db));

    if (hash == NULL || !mz_password_verify(hash, password)) {
        if (hash == NULL)
            verify_decoy(s, password);
        record_failure(db, username, request_id, hash ? "bad_password" : "unknown_user");
        mz_free(hash);
        return mz_error_set(err, 401, "auth_failed", NULL, "用户名或密码错误");
    }
    mz_free(hash);
    if (disabled) {
        record_failure(db, username, request_id, "disabled");
        return mz_error_set(err, 403, "account_disabled", NULL, "账户已停用，请联系管理员");
    }

    char token_hash[65], at[21];
    random_token(token);
    random_token(csrf);
    mz_sha256_hex(token, token_hash);
    mz_time_iso(now, at);
    if (mz_actor_load(db, user_id, actor) != 0)
        return mz_error_internal(err, "user vanished during login");
    snprintf(actor->request_id, sizeof actor->request_id, "%s", request_id ? request_id : "");
    if (mz_db_begin(db) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (mz_db_run(db, NULL,
                  "INSERT INTO sessions (token_hash, user_id, csrf_token, created_epoch, "
                  "last_seen_epoch) VALUES (?, ?, ?, ?, ?)",
                  "titii", token_hash, user_id, csrf, (int64_t)now, (int64_t)now) < 0 ||
        mz_db_run(db, NULL, "UPDATE users SET last_login_at = ? WHERE id = ?", "ti", at, user_id) <
            0 ||
        mz_db_run(db, NULL, "DELETE FROM login_failures WHERE username = ?", "t", username) < 0 ||
        mz_db_run(db, NULL, "DELETE FROM sessions WHERE last_seen_epoch < ?", "i",
                  (int64_t)(now - s->idle_timeout_minutes * 60)) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto fail;
    }
    char idbuf[24];
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)user_id);
    if (mz_audit_append(db, actor, "session.login", "user", idbuf, actor->region_code, NULL, NULL,
                        err) < 0)
        goto fail;
    if (mz_db_commit(db) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto fail;
    }
    return 0;
fail:
    mz_db_rollback(db);
    return -1;
}

/*
 * What a session or an API token stood for when it was last read, remembered on the connection
 * (mz_db_memo_get_now) while the database is unchanged: any commit anywhere — a token revoked, a
 * user disabled, a role's permissions changed, a session touched or ended — makes it be read
 * again.  Hashing the token and reading the token, the user and the role was a sixth of a
 * person profile's server time at 5 million persons (perf).  The key holds the token itself,
 * which the request's own buffers hold as well.
 */
struct remembered {
    mz_actor actor;
    int64_t session_id, last_seen; /* a session's */
    char csrf[MZ_TOKEN_LEN + 1];
};

static const struct remembered *recall(mz_db *db, const char *kind, const char *token, char *key,
                                       size_t keylen)
{
    size_t len = 0;
    snprintf(key, keylen, "%s:%s", kind, token);
    const struct remembered *r = mz_db_memo_get_now(db, key, &len);
    return r && len == sizeof *r ? r : NULL;
}

int mz_auth_session(mz_db *db, const mz_security *s, const char *token, mz_actor *actor, char *csrf,
                    mz_error *err)
{
    char token_hash[65], key[MZ_TOKEN_LEN + 16];
    int64_t last_seen = 0, sid = 0;
    time_t now = time(NULL);
    struct remembered *mine;

    if (token == NULL || strlen(token) != MZ_TOKEN_LEN)
        return mz_error_set(err, 401, "unauthenticated", NULL, "未登录或登录已过期，请重新登录");
    const struct remembered *r = recall(db, "session", token, key, sizeof key);
    if (r) {
        sid = r->session_id;
        last_seen = r->last_seen;
        if (last_seen < now - s->idle_timeout_minutes * 60)
            return mz_error_set(err, 401, "unauthenticated", NULL,
                                "未登录或登录已过期，请重新登录");
        memcpy(actor, &r->actor, sizeof *actor);
        snprintf(csrf, MZ_TOKEN_LEN + 1, "%s", r->csrf);
        goto touch;
    }
    mz_sha256_hex(token, token_hash);
    mz_stmt *st = mz_db_prepare_bind(db,
                                     ACTOR_SQL(db, "s.id, s.csrf_token, s.last_seen_epoch, ",
                                               "FROM sessions s LEFT JOIN users u ON u.id = "
                                               "s.user_id WHERE s.token_hash = ?"),
                                     "t", token_hash);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW) {
        sid = mz_stmt_int64(st, 0);
        snprintf(csrf, MZ_TOKEN_LEN + 1, "%s", mz_stmt_text(st, 1));
        last_seen = mz_stmt_int64(st, 2);
    }
    if (rc < 0) {
        mz_stmt_finalize(st);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    if (rc != MZ_DB_ROW || last_seen < now - s->idle_timeout_minutes * 60) {
        mz_stmt_finalize(st);
        return mz_error_set(err, 401, "unauthenticated", NULL, "未登录或登录已过期，请重新登录");
    }
    rc = actor_from_row(db, st, 3, actor);
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc > 0)
        return mz_error_set(err, 401, "unauthenticated", NULL, "账户已停用或不存在，请重新登录");
    mine = mz_malloc(sizeof *mine);
    memcpy(&mine->actor, actor, sizeof *actor);
    mine->session_id = sid;
    mine->last_seen = last_seen;
    snprintf(mine->csrf, sizeof mine->csrf, "%s", csrf);
    mz_db_memo_put(db, key, mine, sizeof *mine);
    mz_free(mine);
touch:
    /* Touch at most once a minute, so reads do not all become writes; a read transaction the
     * request began for its reads ends first (the router begins another after). */
    if (last_seen < now - 60) {
        mz_db_end_read(db);
        if (mz_db_run(db, NULL, "UPDATE sessions SET last_seen_epoch = ? WHERE id = ?", "ii",
                      (int64_t)now, sid) < 0)
            return mz_error_internal(err, mz_db_errmsg(db));
    }
    return 0;
}

int mz_auth_bearer(mz_db *db, const char *token, mz_actor *actor, mz_error *err)
{
    char token_hash[65], key[MZ_TOKEN_LEN + 16];
    if (token == NULL || strlen(token) != MZ_TOKEN_LEN)
        return mz_error_set(err, 401, "unauthenticated", NULL, "访问令牌无效");
    const struct remembered *r = recall(db, "bearer", token, key, sizeof key);
    if (r) {
        memcpy(actor, &r->actor, sizeof *actor);
        return 0;
    }
    mz_sha256_hex(token, token_hash);
    mz_stmt *st =
        mz_db_prepare_bind(db,
                           ACTOR_SQL(db, "",
                                     "FROM api_tokens t LEFT JOIN users u ON u.id = "
                                     "t.user_id WHERE t.token_hash = ? AND t.revoked = 0"),
                           "t", token_hash);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW)
        rc = actor_from_row(db, st, 0, actor);
    else
        rc = rc < 0 ? -1 : 2;
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc == 2)
        return mz_error_set(err, 401, "unauthenticated", NULL, "访问令牌无效");
    if (rc > 0)
        return mz_error_set(err, 401, "unauthenticated", NULL, "访问令牌所属账户已停用");
    struct remembered *mine = mz_calloc(1, sizeof *mine);
    memcpy(&mine->actor, actor, sizeof *actor);
    mz_db_memo_put(db, key, mine, sizeof *mine);
    mz_free(mine);
    return 0;
}

int mz_auth_logout(mz_db *db, const mz_actor *actor, const char *token, mz_error *err)
{
    char token_hash[65], idbuf[24];
    mz_sha256_hex(token, token_hash);
    if (mz_db_run(db, NULL, "DELETE FROM sessions WHERE token_hash = ?", "t", token_hash) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)actor->id);
    return mz_audit_append(db, actor, "session.logout", "user", idbuf, actor->region_code, NULL,
                           NULL, err);
}

int mz_token_create(mz_db *db, const mz_actor *actor, int64_t user_id, const char *name,
                    char *token, int64_t *token_id, mz_error *err)
{
    char token_hash[65], at[21], idbuf[24];
    if (mz_auth_init() < 0)
        return mz_error_internal(err, "sodium_init failed");
    random_token(token);
    mz_sha256_hex(token, token_hash);
    mz_time_iso(time(NULL), at);
    int rc = mz_db_query_int64(db, token_id,
                               "INSERT INTO api_tokens (user_id, name, token_hash, created_at) "
                               "VALUES (?, ?, ?, ?) RETURNING id",
                               "ittt", user_id, name, token_hash, at);
    if (rc != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(db));
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)*token_id);
    json_t *after = json_pack("{s:I,s:s}", "user_id", (json_int_t)user_id, "name", name);
    rc = mz_audit_append(db, actor, "token.create", "api_token", idbuf, NULL, NULL, after, err);
    json_decref(after);
    return rc;
}
