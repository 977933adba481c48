/*
 * Tests for src/api (router.c, body.c, respond.c and the h_*.c handlers),
 * in-process: requests are built by hand and handed to mz_api_handle with a
 * real mz_app whose pool opens the fixture's database, and the answers'
 * status and JSON body are checked.  The point is the boundary: routing,
 * authentication, CSRF, permissions, scope, and every way a request body can
 * be refused, with the database unchanged and nothing audited afterwards.
 * Every case runs on SQLite and, with MZ_TEST_PG_URL, on PostgreSQL (see
 * testdb.h; the pool connects with the test schema as its search_path).
 */
#include "testdb.h"

#include <ctype.h>

#include "api/api.h"
#include "store/pool.h"

struct fx {
    tdb *t;
    mz_app app;
    int64_t admin, tw, auditor, shuyang;
    int nreq;
};

struct session {
    char cookie[128]; /* "mz_session=…" */
    char csrf[MZ_TOKEN_LEN + 1];
};

struct reply {
    int status;
    json_t *json; /* NULL for an empty body */
    char set_cookie[256];
};

static int setup(void **state, mz_db_kind kind)
{
    struct fx *f = mz_calloc(1, sizeof *f);
    void *inner = NULL;
    int rc = tdb_setup(&inner, kind, "test_api");

    *state = f;
    f->t = inner;
    if (rc != 0 || f->t->db == NULL)
        return rc;
    f->app.db_url = f->t->url;
    f->app.pool = mz_pool_new(f->t->url, 2);
    f->app.security = f->t->sec;
    f->app.data_dir = getenv("MZ_DATA_DIR");
    f->app.max_body = 1 << 20;
    f->app.max_json_depth = 32;
    f->admin = tdb_user(f->t, "admin.city", "city_admin", "321300000000");
    f->tw = tdb_user(f->t, "tw.xingfu", "township_worker", "321302001000");
    f->auditor = tdb_user(f->t, "audit.city", "auditor", "321300000000");
    f->shuyang = tdb_user(f->t, "tw.shucheng", "township_worker", "321322001000");
    return 0;
}

static int setup_sqlite(void **state)
{
    return setup(state, MZ_DB_SQLITE);
}

static int setup_pg(void **state)
{
    return setup(state, MZ_DB_PG);
}

static int teardown(void **state)
{
    struct fx *f = *state;
    void *inner = f->t;
    mz_pool_free(f->app.pool);
    mz_free(f);
    return tdb_teardown(&inner);
}

static struct fx *fx_get(void **state)
{
    struct fx *f = *state;
    if (f->t->db == NULL)
        skip();
    return f;
}

static void reply_free(struct reply *r)
{
    json_decref(r->json);
    r->json = NULL;
}

/*
 * Sends one request.  target may carry a query ("/api/v1/users?q=x&page=2",
 * values taken literally); headers is a NULL-terminated list of names and
 * values; body_len < 0 means strlen(body).
 */
static void send_req(struct fx *f, const char *method, const char *target,
                     const char *const *headers, const char *body, long body_len, int too_large,
                     struct reply *r)
{
    mz_req req;
    mz_res res;
    char *path, *q;

    memset(r, 0, sizeof *r);
    mz_req_init(&req, &f->app);
    mz_res_init(&res);
    snprintf(req.request_id, sizeof req.request_id, "req-api-%d", ++f->nreq);
    req.method = method;
    path = mz_arena_strdup(req.arena, target);
    q = strchr(path, '?');
    if (q != NULL) {
        *q++ = '\0';
        for (char *save = NULL, *kv = strtok_r(q, "&", &save); kv;
             kv = strtok_r(NULL, "&", &save)) {
            char *eq = strchr(kv, '=');
            assert_true(req.nquery < MZ_MAX_KV);
            req.query[req.nquery].key = kv;
            req.query[req.nquery].value = eq ? (*eq = '\0', eq + 1) : "";
            req.nquery++;
        }
    }
    req.path = path;
    for (int i = 0; headers && headers[i]; i += 2) {
        req.headers[req.nheaders].key = headers[i];
        req.headers[req.nheaders].value = headers[i + 1];
        req.nheaders++;
    }
    req.body = body;
    req.body_len = body ? (body_len < 0 ? strlen(body) : (size_t)body_len) : 0;
    req.body_too_large = too_large;

    mz_api_handle(&req, &res);

    r->status = res.status;
    int json_type =
        res.content_type != NULL && strncmp(res.content_type, "application/json", 16) == 0;
    if (res.body.len > 0)
        r->json = json_loadb(res.body.data, res.body.len, JSON_DECODE_ANY, NULL);
    if (res.set_cookie)
        snprintf(r->set_cookie, sizeof r->set_cookie, "%s", res.set_cookie);
    size_t res_len = res.body.len;
    mz_res_cleanup(&res);
    mz_req_cleanup(&req);
    if (res_len > 0 && (r->json == NULL || !json_type)) {
        reply_free(r);
        fail_msg("%s %s: the body is not JSON", method, target);
    }
}

/* A request with the session's cookie, CSRF token and JSON content type. */
static void send_as(struct fx *f, const struct session *s, const char *method, const char *target,
                    const char *body, struct reply *r)
{
    const char *h[] = {"Cookie",           s->cookie, "X-CSRF-Token", s->csrf, "Content-Type",
                       "application/json", NULL};
    send_req(f, method, target, h, body, -1, 0, r);
}

static const char *err_code(const struct reply *r)
{
    return json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
}

static const char *err_field(const struct reply *r)
{
    return json_string_value(json_object_get(json_object_get(r->json, "error"), "field"));
}

/* Asserts an error answer: status, code and field (NULL: none). */
static void expect_err(const struct reply *r, int status, const char *code, const char *field,
                       const char *what)
{
    const char *c = err_code(r), *fl = err_field(r);
    if (r->status != status || c == NULL || strcmp(c, code) != 0 ||
        (field == NULL) != (fl == NULL) || (field && strcmp(field, fl) != 0))
        fail_msg("%s: got %d %s field %s, want %d %s field %s", what, r->status, c ? c : "-",
                 fl ? fl : "-", status, code, field ? field : "-");
    const char *msg =
        json_string_value(json_object_get(json_object_get(r->json, "error"), "message"));
    assert_non_null(msg);
    assert_true(msg[0] != '\0');
}

static void login(struct fx *f, const char *username, const char *password, struct session *s)
{
    const char *h[] = {"Content-Type", "application/json", NULL};
    char body[256];
    struct reply r;

    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", username, password);
    send_req(f, "POST", "/api/v1/session", h, body, -1, 0, &r);
    if (r.status != 200)
        fail_msg("login %s: %d %s", username, r.status, err_code(&r) ? err_code(&r) : "");
    assert_int_equal(strncmp(r.set_cookie, "mz_session=", 11), 0);
    size_t n = strcspn(r.set_cookie, ";");
    assert_true(n < sizeof s->cookie);
    memcpy(s->cookie, r.set_cookie, n);
    s->cookie[n] = '\0';
    const char *csrf = json_string_value(json_object_get(r.json, "csrf_token"));
    assert_non_null(csrf);
    snprintf(s->csrf, sizeof s->csrf, "%s", csrf);
    reply_free(&r);
}

static int64_t users(struct fx *f)
{
    return tdb_count(f->t->db, "SELECT COUNT(*) FROM users");
}

static int64_t audits(struct fx *f)
{
    return tdb_count(f->t->db, "SELECT COUNT(*) FROM audit_log");
}

static const char *const good_user =
    "{\"username\":\"new.user\",\"display_name\":\"新用户\",\"role\":\"township_worker\","
    "\"region_code\":\"321302001000\",\"password\":\"Nn3$newpassw\"}";

/* ---- routing ------------------------------------------------------------ */

static void test_health(void **state)
{
    struct fx *f = fx_get(state);
    struct reply r;

    send_req(f, "GET", "/api/v1/health", NULL, NULL, 0, 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
    assert_string_equal(json_string_value(json_object_get(r.json, "store")),
                        f->t->kind == MZ_DB_SQLITE ? "sqlite" : "postgresql");
    assert_int_equal(json_integer_value(json_object_get(r.json, "schema_version")),
                     mz_schema_latest());
    assert_int_equal(json_integer_value(json_object_get(r.json, "schema_latest")),
                     mz_schema_latest());
    reply_free(&r);
}

static void test_not_found_and_method(void **state)
{
    static const struct {
        const char *method, *path;
        int status;
        const char *code;
    } cases[] = {
        {"GET", "/api/v1/nope", 404, "not_found"},
        {"GET", "/api/v1", 404, "not_found"},
        {"GET", "/api/v1/healthz", 404, "not_found"},
        {"GET", "/api/v1/health/", 404, "not_found"},
        {"GET", "/api/v1/regions/", 404, "not_found"},
        {"GET", "/api/v1/users/1/password/x", 404, "not_found"},
        {"GET", "/API/V1/HEALTH", 404, "not_found"},
        {"PUT", "/api/v1/health", 405, "method_not_allowed"},
        {"POST", "/api/v1/health", 405, "method_not_allowed"},
        {"DELETE", "/api/v1/users", 405, "method_not_allowed"},
        {"PUT", "/api/v1/users/1", 405, "method_not_allowed"},
        {"GET", "/api/v1/users/1/password", 405, "method_not_allowed"},
        {"get", "/api/v1/health", 405, "method_not_allowed"},
    };
    struct fx *f = fx_get(state);
    struct reply r;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        send_req(f, cases[i].method, cases[i].path, NULL, NULL, 0, 0, &r);
        expect_err(&r, cases[i].status, cases[i].code, NULL, cases[i].path);
        reply_free(&r);
    }
}

/* ---- authentication ----------------------------------------------------- */

static void test_unauthenticated(void **state)
{
    struct fx *f = fx_get(state);
    struct reply r;
    char fake[128];

    send_req(f, "GET", "/api/v1/users", NULL, NULL, 0, 0, &r);
    expect_err(&r, 401, "unauthenticated", NULL, "no cookie");
    reply_free(&r);
    send_req(f, "GET", "/api/v1/session", NULL, NULL, 0, 0, &r);
    expect_err(&r, 401, "unauthenticated", NULL, "session without cookie");
    reply_free(&r);
    /* Writes without authentication are 401, not 403. */
    const char *json[] = {"Content-Type", "application/json", NULL};
    send_req(f, "POST", "/api/v1/users", json, good_user, -1, 0, &r);
    expect_err(&r, 401, "unauthenticated", NULL, "create without cookie");
    reply_free(&r);

    snprintf(fake, sizeof fake, "mz_session=%064d", 0);
    const char *h1[] = {"Cookie", fake, NULL};
    send_req(f, "GET", "/api/v1/users", h1, NULL, 0, 0, &r);
    expect_err(&r, 401, "unauthenticated", NULL, "made-up cookie");
    reply_free(&r);
    const char *h2[] = {"Cookie", "other=1; mz_session=", NULL};
    send_req(f, "GET", "/api/v1/users", h2, NULL, 0, 0, &r);
    expect_err(&r, 401, "unauthenticated", NULL, "empty cookie");
    reply_free(&r);
    const char *h3[] = {"Authorization", "Bearer nonsense", NULL};
    send_req(f, "GET", "/api/v1/users", h3, NULL, 0, 0, &r);
    expect_err(&r, 401, "unauthenticated", NULL, "bad bearer");
    reply_free(&r);
    assert_int_equal(users(f), 4);
}

static void test_login_and_session(void **state)
{
    struct fx *f = fx_get(state);
    const char *json[] = {"Content-Type", "application/json", NULL};
    struct session s;
    struct reply r;

    /* Wrong password and unknown user: the same 401, no cookie. */
    send_req(f, "POST", "/api/v1/session", json,
             "{\"username\":\"admin.city\",\"password\":\"Wrong#Pass99\"}", -1, 0, &r);
    expect_err(&r, 401, "auth_failed", NULL, "wrong password");
    assert_string_equal(r.set_cookie, "");
    reply_free(&r);
    send_req(f, "POST", "/api/v1/session", json,
             "{\"username\":\"nobody\",\"password\":\"Wrong#Pass99\"}", -1, 0, &r);
    expect_err(&r, 401, "auth_failed", NULL, "unknown user");
    reply_free(&r);
    send_req(f, "POST", "/api/v1/session", json, "{\"username\":\"admin.city\"}", -1, 0, &r);
    expect_err(&r, 400, "missing_field", "password", "login without password");
    reply_free(&r);

    send_req(f, "POST", "/api/v1/session", json,
             "{\"username\":\"admin.city\",\"password\":\"" TDB_PASSWORD "\"}", -1, 0, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.set_cookie, "HttpOnly"));
    assert_non_null(strstr(r.set_cookie, "SameSite=Strict"));
    assert_non_null(strstr(r.set_cookie, "Path=/"));
    assert_null(strstr(r.set_cookie, "Secure"));
    json_t *u = json_object_get(r.json, "user");
    assert_string_equal(json_string_value(json_object_get(u, "username")), "admin.city");
    assert_string_equal(json_string_value(json_object_get(u, "role")), "city_admin");
    assert_int_equal(json_array_size(json_object_get(u, "permissions")),
                     tdb_count(f->t->db, "SELECT COUNT(*) FROM role_permissions "
                                         "WHERE role_code = 'city_admin'"));
    const char *csrf = json_string_value(json_object_get(r.json, "csrf_token"));
    assert_int_equal(strlen(csrf), MZ_TOKEN_LEN);
    snprintf(s.csrf, sizeof s.csrf, "%s", csrf);
    snprintf(s.cookie, sizeof s.cookie, "%.*s", (int)strcspn(r.set_cookie, ";"), r.set_cookie);
    reply_free(&r);

    /* The cookie identifies the session, among other cookies too. */
    char cookies[256];
    snprintf(cookies, sizeof cookies, "theme=dark; %s; lang=zh", s.cookie);
    const char *h[] = {"cookie", cookies, NULL};
    send_req(f, "GET", "/api/v1/session", h, NULL, 0, 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r.json, "user"), "username")),
        "admin.city");
    assert_string_equal(json_string_value(json_object_get(r.json, "csrf_token")), s.csrf);
    reply_free(&r);

    /* Reads need no CSRF token. */
    const char *only_cookie[] = {"Cookie", s.cookie, NULL};
    send_req(f, "GET", "/api/v1/users", only_cookie, NULL, 0, 0, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 4);
    reply_free(&r);

    /* Logout is a write: CSRF first, then the session is gone. */
    send_req(f, "DELETE", "/api/v1/session", only_cookie, NULL, 0, 0, &r);
    expect_err(&r, 403, "csrf_failed", NULL, "logout without csrf");
    reply_free(&r);
    send_as(f, &s, "DELETE", "/api/v1/session", NULL, &r);
    assert_int_equal(r.status, 204);
    assert_null(r.json);
    assert_non_null(strstr(r.set_cookie, "Max-Age=0"));
    reply_free(&r);
    send_req(f, "GET", "/api/v1/session", only_cookie, NULL, 0, 0, &r);
    expect_err(&r, 401, "unauthenticated", NULL, "after logout");
    reply_free(&r);
    assert_int_equal(tdb_count(f->t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                         "'session.logout' AND request_id LIKE 'req-api-%'"),
                     1);
}

/* ---- refused writes ----------------------------------------------------- */

static void test_csrf_and_media_type(void **state)
{
    struct fx *f = fx_get(state);
    struct session s;
    struct reply r;

    login(f, "admin.city", TDB_PASSWORD, &s);
    int64_t u0 = users(f), a0 = audits(f);

    const char *no_csrf[] = {"Cookie", s.cookie, "Content-Type", "application/json", NULL};
    send_req(f, "POST", "/api/v1/users", no_csrf, good_user, -1, 0, &r);
    expect_err(&r, 403, "csrf_failed", NULL, "no csrf");
    reply_free(&r);

    char wrong[MZ_TOKEN_LEN + 1];
    snprintf(wrong, sizeof wrong, "%s", s.csrf);
    wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
    const char *bad_csrf[] = {"Cookie",           s.cookie, "X-CSRF-Token", wrong, "Content-Type",
                              "application/json", NULL};
    send_req(f, "POST", "/api/v1/users", bad_csrf, good_user, -1, 0, &r);
    expect_err(&r, 403, "csrf_failed", NULL, "wrong csrf");
    reply_free(&r);
    const char *empty_csrf[] = {"Cookie",           s.cookie, "X-CSRF-Token", "", "Content-Type",
                                "application/json", NULL};
    send_req(f, "POST", "/api/v1/users", empty_csrf, good_user, -1, 0, &r);
    expect_err(&r, 403, "csrf_failed", NULL, "empty csrf");
    reply_free(&r);

    const char *text[] = {"Cookie",     s.cookie, "X-CSRF-Token", s.csrf, "Content-Type",
                          "text/plain", NULL};
    send_req(f, "POST", "/api/v1/users", text, good_user, -1, 0, &r);
    expect_err(&r, 415, "unsupported_media_type", NULL, "text/plain");
    reply_free(&r);
    const char *form[] = {"Cookie", s.cookie,       "X-CSRF-Token",
                          s.csrf,   "Content-Type", "application/x-www-form-urlencoded",
                          NULL};
    send_req(f, "POST", "/api/v1/users", form, good_user, -1, 0, &r);
    expect_err(&r, 415, "unsupported_media_type", NULL, "form");
    reply_free(&r);
    const char *none[] = {"Cookie", s.cookie, "X-CSRF-Token", s.csrf, NULL};
    send_req(f, "POST", "/api/v1/users", none, good_user, -1, 0, &r);
    expect_err(&r, 415, "unsupported_media_type", NULL, "no content type");
    reply_free(&r);

    assert_int_equal(users(f), u0);
    assert_int_equal(audits(f), a0);

    /* The same request done right is accepted, with a charset parameter too. */
    const char *ok[] = {"Cookie", s.cookie,       "X-CSRF-Token",
                        s.csrf,   "Content-Type", "application/json; charset=utf-8",
                        NULL};
    send_req(f, "POST", "/api/v1/users", ok, good_user, -1, 0, &r);
    assert_int_equal(r.status, 201);
    assert_string_equal(json_string_value(json_object_get(r.json, "username")), "new.user");
    reply_free(&r);
    assert_int_equal(users(f), u0 + 1);
    assert_int_equal(audits(f), a0 + 1);
    /* The audit entry carries the request id. */
    assert_int_equal(tdb_count(f->t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                         "'user.create' AND actor_name = 'admin.city' AND "
                                         "request_id LIKE 'req-api-%'"),
                     1);
}

static void test_body_validation(void **state)
{
    static const struct {
        const char *why, *body;
        int status;
        const char *code, *field;
    } cases[] = {
        {"truncated", "{\"username\":\"a\"", 400, "invalid_json", NULL},
        {"empty", "", 400, "invalid_json", NULL},
        {"garbage", "username=new.user", 400, "invalid_json", NULL},
        {"trailing data",
         "{\"username\":\"new.user\",\"display_name\":\"x\",\"role\":\"township_worker\","
         "\"region_code\":\"321302001000\",\"password\":\"Nn3$newpassw\"} x",
         400, "invalid_json", NULL},
        {"array", "[]", 400, "invalid_json", NULL},
        {"array of object",
         "[{\"username\":\"new.user\",\"display_name\":\"x\",\"role\":\"township_worker\","
         "\"region_code\":\"321302001000\",\"password\":\"Nn3$newpassw\"}]",
         400, "invalid_json", NULL},
        {"string", "\"x\"", 400, "invalid_json", NULL},
        {"null", "null", 400, "invalid_json", NULL},
        {"number", "42", 400, "invalid_json", NULL},
        {"duplicate key",
         "{\"username\":\"new.user\",\"username\":\"other\",\"display_name\":\"x\","
         "\"role\":\"township_worker\",\"region_code\":\"321302001000\","
         "\"password\":\"Nn3$newpassw\"}",
         400, "invalid_json", NULL},
        {"invalid UTF-8",
         "{\"username\":\"new.user\",\"display_name\":\"\xe6\x96\",\"role\":\"township_worker\","
         "\"region_code\":\"321302001000\",\"password\":\"Nn3$newpassw\"}",
         400, "invalid_json", NULL},
        {"overlong UTF-8",
         "{\"username\":\"new.user\",\"display_name\":\"\xc0\xbc\",\"role\":\"township_worker\","
         "\"region_code\":\"321302001000\",\"password\":\"Nn3$newpassw\"}",
         400, "invalid_json", NULL},
        {"unknown field",
         "{\"username\":\"new.user\",\"display_name\":\"x\",\"role\":\"township_worker\","
         "\"region_code\":\"321302001000\",\"password\":\"Nn3$newpassw\",\"is_admin\":true}",
         400, "unknown_field", "is_admin"},
        {"wrong type: number for string",
         "{\"username\":5,\"display_name\":\"x\",\"role\":\"township_worker\","
         "\"region_code\":\"321302001000\",\"password\":\"Nn3$newpassw\"}",
         400, "invalid_type", "username"},
        {"wrong type: null for string",
         "{\"username\":\"new.user\",\"display_name\":null,\"role\":\"township_worker\","
         "\"region_code\":\"321302001000\",\"password\":\"Nn3$newpassw\"}",
         400, "invalid_type", "display_name"},
        {"wrong type: array for string",
         "{\"username\":\"new.user\",\"display_name\":\"x\",\"role\":[\"city_admin\"],"
         "\"region_code\":\"321302001000\",\"password\":\"Nn3$newpassw\"}",
         400, "invalid_type", "role"},
        {"wrong type: number code",
         "{\"username\":\"new.user\",\"display_name\":\"x\",\"role\":\"township_worker\","
         "\"region_code\":321302001000,\"password\":\"Nn3$newpassw\"}",
         400, "invalid_type", "region_code"},
        {"wrong type: bool phone",
         "{\"username\":\"new.user\",\"display_name\":\"x\",\"role\":\"township_worker\","
         "\"region_code\":\"321302001000\",\"password\":\"Nn3$newpassw\",\"phone\":true}",
         400, "invalid_type", "phone"},
        {"missing password",
         "{\"username\":\"new.user\",\"display_name\":\"x\",\"role\":\"township_worker\","
         "\"region_code\":\"321302001000\"}",
         400, "missing_field", "password"},
        {"missing everything", "{}", 400, "missing_field", "username"},
        {"NUL inside a string",
         "{\"username\":\"new.user\",\"display_name\":\"x\\u0000y\",\"role\":\"township_worker\","
         "\"region_code\":\"321302001000\",\"password\":\"Nn3$newpassw\"}",
         400, "invalid_json", NULL},
        /* Valid JSON the core refuses: the transaction is rolled back. */
        {"role at the wrong level",
         "{\"username\":\"new.user\",\"display_name\":\"x\",\"role\":\"township_worker\","
         "\"region_code\":\"321302000000\",\"password\":\"Nn3$newpassw\"}",
         400, "role_level_mismatch", "role"},
        {"unknown region",
         "{\"username\":\"new.user\",\"display_name\":\"x\",\"role\":\"township_worker\","
         "\"region_code\":\"321302001999\",\"password\":\"Nn3$newpassw\"}",
         400, "invalid_region", "region_code"},
        {"weak password",
         "{\"username\":\"new.user\",\"display_name\":\"x\",\"role\":\"township_worker\","
         "\"region_code\":\"321302001000\",\"password\":\"password\"}",
         400, "weak_password", "password"},
        {"existing username",
         "{\"username\":\"tw.xingfu\",\"display_name\":\"x\",\"role\":\"township_worker\","
         "\"region_code\":\"321302001000\",\"password\":\"Nn3$newpassw\"}",
         409, "conflict", "username"},
    };
    struct fx *f = fx_get(state);
    struct session s;
    struct reply r;

    login(f, "admin.city", TDB_PASSWORD, &s);
    int64_t u0 = users(f), a0 = audits(f);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        send_as(f, &s, "POST", "/api/v1/users", cases[i].body, &r);
        expect_err(&r, cases[i].status, cases[i].code, cases[i].field, cases[i].why);
        reply_free(&r);
        if (users(f) != u0 || audits(f) != a0)
            fail_msg("%s: the refused write left a trace", cases[i].why);
    }
    /* The JSON type of a PATCH field is checked the same way. */
    char target[64];
    snprintf(target, sizeof target, "/api/v1/users/%lld", (long long)f->tw);
    send_as(f, &s, "PATCH", target, "{\"disabled\":\"yes\"}", &r);
    expect_err(&r, 400, "invalid_type", "disabled", "patch disabled as string");
    reply_free(&r);
    send_as(f, &s, "PATCH", target, "{\"password\":\"Nn3$newpassw\"}", &r);
    expect_err(&r, 400, "unknown_field", "password", "patch password");
    reply_free(&r);
    assert_int_equal(users(f), u0);
    assert_int_equal(audits(f), a0);
}

/* {"x": [[…]]} nested depth levels deep in total (the object is level 1). */
static char *nested(int depth)
{
    mz_buf b;
    mz_buf_init(&b);
    mz_buf_puts(&b, "{\"x\":");
    for (int i = 1; i < depth; i++)
        mz_buf_putc(&b, '[');
    for (int i = 1; i < depth; i++)
        mz_buf_putc(&b, ']');
    mz_buf_putc(&b, '}');
    return mz_buf_steal(&b);
}

static void test_depth_limit(void **state)
{
    struct fx *f = fx_get(state);
    struct session s;
    struct reply r;
    char *body;

    login(f, "admin.city", TDB_PASSWORD, &s);
    int64_t u0 = users(f), a0 = audits(f);

    body = nested(33);
    send_as(f, &s, "POST", "/api/v1/users", body, &r);
    expect_err(&r, 400, "json_too_deep", NULL, "depth 33");
    reply_free(&r);
    mz_free(body);

    /* 32 is allowed: parsing goes on and stops at the unknown field. */
    body = nested(32);
    send_as(f, &s, "POST", "/api/v1/users", body, &r);
    expect_err(&r, 400, "unknown_field", "x", "depth 32");
    reply_free(&r);
    mz_free(body);

    /* Brackets inside strings are text, not nesting. */
    mz_buf b;
    mz_buf_init(&b);
    mz_buf_puts(&b, "{\"x\":\"");
    for (int i = 0; i < 100; i++)
        mz_buf_puts(&b, "[{");
    /* An escaped quote does not end the string either. */
    mz_buf_puts(&b, "\\\"");
    for (int i = 0; i < 40; i++)
        mz_buf_putc(&b, '[');
    mz_buf_puts(&b, "\"}");
    send_as(f, &s, "POST", "/api/v1/users", b.data, &r);
    expect_err(&r, 400, "unknown_field", "x", "brackets in a string");
    reply_free(&r);
    mz_buf_cleanup(&b);

    /* A hostile depth is refused before parsing. */
    body = nested(100000);
    send_as(f, &s, "POST", "/api/v1/users", body, &r);
    expect_err(&r, 400, "json_too_deep", NULL, "depth 100000");
    reply_free(&r);
    mz_free(body);

    /* The limit follows the setting. */
    f->app.max_json_depth = 4;
    body = nested(5);
    send_as(f, &s, "POST", "/api/v1/users", body, &r);
    expect_err(&r, 400, "json_too_deep", NULL, "depth 5 of 4");
    reply_free(&r);
    mz_free(body);
    body = nested(4);
    send_as(f, &s, "POST", "/api/v1/users", body, &r);
    expect_err(&r, 400, "unknown_field", "x", "depth 4 of 4");
    reply_free(&r);
    mz_free(body);

    assert_int_equal(users(f), u0);
    assert_int_equal(audits(f), a0);
}

static void test_body_too_large(void **state)
{
    struct fx *f = fx_get(state);
    struct session s;
    struct reply r;

    login(f, "admin.city", TDB_PASSWORD, &s);
    int64_t u0 = users(f), a0 = audits(f);
    const char *h[] = {"Cookie",           s.cookie, "X-CSRF-Token", s.csrf, "Content-Type",
                       "application/json", NULL};
    /* The server cut the body off and said so: refused even if what arrived parses. */
    send_req(f, "POST", "/api/v1/users", h, good_user, -1, 1, &r);
    expect_err(&r, 413, "body_too_large", NULL, "too large");
    reply_free(&r);
    send_req(f, "POST", "/api/v1/users", h, NULL, 0, 1, &r);
    expect_err(&r, 413, "body_too_large", NULL, "too large, no body");
    reply_free(&r);
    /* Also on the public login route. */
    const char *json[] = {"Content-Type", "application/json", NULL};
    send_req(f, "POST", "/api/v1/session", json,
             "{\"username\":\"admin.city\",\"password\":\"" TDB_PASSWORD "\"}", -1, 1, &r);
    expect_err(&r, 413, "body_too_large", NULL, "login too large");
    assert_string_equal(r.set_cookie, "");
    reply_free(&r);
    assert_int_equal(users(f), u0);
    assert_int_equal(audits(f), a0);
}

/*
 * api.h promises that mz_req_body leaves strings free of control characters.
 * The token name is checked by nothing else, so it shows whether it holds.
 */
static void test_body_control_characters(void **state)
{
    struct fx *f = fx_get(state);
    struct session s;
    struct reply r;
    char target[64];

    login(f, "admin.city", TDB_PASSWORD, &s);
    snprintf(target, sizeof target, "/api/v1/users/%lld/tokens", (long long)f->auditor);
    int64_t a0 = audits(f);
    send_as(f, &s, "POST", target, "{\"name\":\"nightly\\u0007\\nreport\"}", &r);
    int status = r.status;
    reply_free(&r);
    int64_t tokens = tdb_count(f->t->db, "SELECT COUNT(*) FROM api_tokens");
    if (status != 400 || tokens != 0 || audits(f) != a0)
        fail_msg("a token name with BEL and LF was answered %d and stored (%lld tokens)", status,
                 (long long)tokens);
}

/*
 * An error naming a long field must still be a well-formed error body: the
 * field and message are cut to fit, but never inside a UTF-8 sequence.
 */
static void test_error_body_long_field(void **state)
{
    struct fx *f = fx_get(state);
    struct session s;
    struct reply r;
    mz_buf b;

    login(f, "admin.city", TDB_PASSWORD, &s);
    mz_buf_init(&b);
    mz_buf_puts(&b, "{\"a");
    for (int i = 0; i < 100; i++)
        mz_buf_puts(&b, "字");
    mz_buf_puts(&b, "\":1}");
    send_as(f, &s, "POST", "/api/v1/users", b.data, &r);
    mz_buf_cleanup(&b);
    int status = r.status;
    const char *code = err_code(&r);
    int is_error = code != NULL && strcmp(code, "unknown_field") == 0;
    reply_free(&r);
    assert_int_equal(status, 400);
    if (!is_error)
        fail_msg("the 400 answer to an unknown 301-byte field name is not an error object");
}

/* ---- permissions and scope ---------------------------------------------- */

static void test_township_worker(void **state)
{
    struct fx *f = fx_get(state);
    struct session s;
    struct reply r;

    login(f, "tw.xingfu", TDB_PASSWORD, &s);
    send_as(f, &s, "GET", "/api/v1/users", NULL, &r);
    expect_err(&r, 403, "forbidden", NULL, "township worker lists users");
    reply_free(&r);
    send_as(f, &s, "POST", "/api/v1/users", good_user, &r);
    expect_err(&r, 403, "forbidden", NULL, "township worker creates a user");
    reply_free(&r);
    send_as(f, &s, "GET", "/api/v1/audit", NULL, &r);
    expect_err(&r, 403, "forbidden", NULL, "township worker reads the audit log");
    reply_free(&r);

    /* Its own township, with the path up to the city. */
    send_as(f, &s, "GET", "/api/v1/regions/321302001000", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "name")), "幸福街道");
    json_t *path = json_object_get(r.json, "path");
    assert_int_equal(json_array_size(path), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(path, 0), "code")),
                        "321300000000");
    assert_string_equal(json_string_value(json_object_get(json_array_get(path, 2), "code")),
                        "321302001000");
    reply_free(&r);
    send_as(f, &s, "GET", "/api/v1/regions/321302001001", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "name")), "凤凰居委会");
    reply_free(&r);

    /* Anything else is "not found", exactly like a code that does not exist. */
    static const char *const hidden[] = {
        "/api/v1/regions/321302002000", "/api/v1/regions/321302000000",
        "/api/v1/regions/321300000000", "/api/v1/regions/321322000000",
        "/api/v1/regions/321302002001", "/api/v1/regions/321302001999"};
    for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++) {
        send_as(f, &s, "GET", hidden[i], NULL, &r);
        expect_err(&r, 404, "not_found", "code", hidden[i]);
        reply_free(&r);
    }
    send_as(f, &s, "GET", "/api/v1/regions?parent=321302000000", NULL, &r);
    expect_err(&r, 404, "not_found", "parent", "children of the county");
    reply_free(&r);
    send_as(f, &s, "GET", "/api/v1/regions?parent=321302001000", NULL, &r);
    assert_int_equal(r.status, 200);
    int64_t villages = json_integer_value(json_object_get(r.json, "total"));
    reply_free(&r);
    assert_true(villages > 0);
    int64_t n = -1;
    assert_int_equal(mz_db_query_int64(f->t->db, &n,
                                       "SELECT COUNT(*) FROM regions WHERE parent_code = ?", "t",
                                       "321302001000"),
                     MZ_DB_ROW);
    assert_int_equal(villages, n);
    send_as(f, &s, "GET", "/api/v1/regions/32130200100x", NULL, &r);
    expect_err(&r, 400, "invalid_parameter", "code", "malformed code");
    reply_free(&r);
}

static void test_scope_users(void **state)
{
    struct fx *f = fx_get(state);
    struct session s;
    struct reply r;
    char target[64];

    tdb_user(f->t, "admin.sucheng", "city_admin", "321302000000");
    login(f, "admin.sucheng", TDB_PASSWORD, &s);
    send_as(f, &s, "GET", "/api/v1/users", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 2);
    reply_free(&r);
    send_as(f, &s, "GET", "/api/v1/users?q=shucheng", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 0);
    reply_free(&r);
    send_as(f, &s, "GET", "/api/v1/users?page_size=0", NULL, &r);
    expect_err(&r, 400, "invalid_parameter", "page_size", "page_size 0");
    reply_free(&r);
    send_as(f, &s, "GET", "/api/v1/users?disabled=maybe", NULL, &r);
    expect_err(&r, 400, "invalid_parameter", "disabled", "disabled=maybe");
    reply_free(&r);

    snprintf(target, sizeof target, "/api/v1/users/%lld", (long long)f->tw);
    send_as(f, &s, "GET", target, NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    snprintf(target, sizeof target, "/api/v1/users/%lld", (long long)f->shuyang);
    send_as(f, &s, "GET", target, NULL, &r);
    expect_err(&r, 404, "not_found", NULL, "user in another county");
    reply_free(&r);
    int64_t a0 = audits(f);
    send_as(f, &s, "PATCH", target, "{\"display_name\":\"改名\"}", &r);
    expect_err(&r, 404, "not_found", NULL, "patch user in another county");
    reply_free(&r);
    snprintf(target, sizeof target, "/api/v1/users/%lld/password", (long long)f->shuyang);
    send_as(f, &s, "POST", target, "{\"password\":\"Nn3$newpassw\"}", &r);
    expect_err(&r, 404, "not_found", NULL, "reset password in another county");
    reply_free(&r);
    send_as(f, &s, "GET", "/api/v1/users/abc", NULL, &r);
    expect_err(&r, 404, "not_found", NULL, "malformed id");
    reply_free(&r);
    send_as(f, &s, "GET", "/api/v1/users/0", NULL, &r);
    expect_err(&r, 404, "not_found", NULL, "id 0");
    reply_free(&r);
    assert_int_equal(audits(f), a0);

    /* Moving a user out of the subtree is refused and rolled back. */
    snprintf(target, sizeof target, "/api/v1/users/%lld", (long long)f->tw);
    send_as(f, &s, "PATCH", target, "{\"region_code\":\"321322001000\"}", &r);
    expect_err(&r, 400, "invalid_region", "region_code", "move out of scope");
    reply_free(&r);
    assert_int_equal(tdb_count(f->t->db, "SELECT COUNT(*) FROM users WHERE username = "
                                         "'tw.xingfu' AND region_code = '321302001000'"),
                     1);
    assert_int_equal(audits(f), a0);
}

static void test_bearer_token(void **state)
{
    struct fx *f = fx_get(state);
    struct session s;
    struct reply r;
    char target[64], auth[128];

    login(f, "admin.city", TDB_PASSWORD, &s);
    snprintf(target, sizeof target, "/api/v1/users/%lld/tokens", (long long)f->auditor);
    send_as(f, &s, "POST", target, "{\"name\":\"nightly report\"}", &r);
    assert_int_equal(r.status, 201);
    const char *token = json_string_value(json_object_get(r.json, "token"));
    assert_non_null(token);
    assert_int_equal(strlen(token), MZ_TOKEN_LEN);
    snprintf(auth, sizeof auth, "Bearer %s", token);
    reply_free(&r);

    const char *h[] = {"Authorization", auth, NULL};
    send_req(f, "GET", "/api/v1/audit/verify", h, NULL, 0, 0, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    send_req(f, "GET", "/api/v1/users", h, NULL, 0, 0, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    /* The auditor may not create users, token or not. */
    const char *hw[] = {"Authorization", auth, "Content-Type", "application/json", NULL};
    int64_t u0 = users(f);
    send_req(f, "POST", "/api/v1/users", hw, good_user, -1, 0, &r);
    expect_err(&r, 403, "forbidden", NULL, "auditor creates a user");
    reply_free(&r);
    assert_int_equal(users(f), u0);

    auth[strlen(auth) - 1] = auth[strlen(auth) - 1] == '0' ? '1' : '0';
    send_req(f, "GET", "/api/v1/users", h, NULL, 0, 0, &r);
    expect_err(&r, 401, "unauthenticated", NULL, "changed token");
    reply_free(&r);
}

static void test_must_change_password(void **state)
{
    struct fx *f = fx_get(state);
    struct session admin, s;
    struct reply r;
    char target[64];

    login(f, "admin.city", TDB_PASSWORD, &admin);
    snprintf(target, sizeof target, "/api/v1/users/%lld/password", (long long)f->tw);
    send_as(f, &admin, "POST", target, "{\"password\":\"Nn3$newpassw\"}", &r);
    assert_int_equal(r.status, 204);
    reply_free(&r);

    login(f, "tw.xingfu", "Nn3$newpassw", &s);
    send_as(f, &s, "GET", "/api/v1/regions", NULL, &r);
    expect_err(&r, 403, "password_change_required", NULL, "before the change");
    reply_free(&r);
    send_as(f, &s, "GET", "/api/v1/session", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(
        json_is_true(json_object_get(json_object_get(r.json, "user"), "must_change_password")));
    reply_free(&r);
    send_as(f, &s, "POST", "/api/v1/session/password",
            "{\"old_password\":\"Wrong#Pass99\",\"new_password\":\"Zz9%changed1\"}", &r);
    expect_err(&r, 400, "invalid_value", "old_password", "wrong old password");
    reply_free(&r);
    send_as(f, &s, "POST", "/api/v1/session/password",
            "{\"old_password\":\"Nn3$newpassw\",\"new_password\":\"Zz9%changed1\"}", &r);
    assert_int_equal(r.status, 204);
    reply_free(&r);
    send_as(f, &s, "GET", "/api/v1/regions", NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
}

/* mz_res_json writes the body itself: byte for byte what json_dumps(JSON_COMPACT |
 * JSON_ENCODE_ANY) gives, for every kind of value and every character that needs escaping. */
static void test_json_body_bytes(void **state)
{
    (void)state;
    char ctl[40];
    for (int i = 0; i < 32; i++)
        ctl[i] = (char)(i + 1 < 32 ? i + 1 : 0x7f);
    ctl[32] = '\0';
    json_t *v = json_pack(
        "{s:s,s:s,s:s,s:I,s:I,s:I,s:i,s:f,s:f,s:b,s:b,s:n,s:[],s:{},s:[i,[s,{s:o}],{}],s:s#}",
        "plain", "abc", "escapes", "q\"b\\s/ \t\n\r\b\f", "控制", ctl, "zero", (json_int_t)0, "min",
        (json_int_t)INT64_MIN, "max", (json_int_t)INT64_MAX, "neg", -42, "real", 0.1, "whole", 3.0,
        "t", 1, "f", 0, "nil", "empty_a", "empty_o", "nested", 7, "宿迁市", "k\"ey",
        json_integer(-1), "nul", "a\0b", (int)3);
    assert_non_null(v);
    json_object_set_new(v, "", json_string("empty key"));
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    mz_res res;
    mz_res_init(&res);
    mz_res_json(&res, 200, v);
    assert_int_equal(res.status, 200);
    assert_int_equal(res.body.len, strlen(want));
    assert_memory_equal(res.body.data, want, res.body.len);
    free(want);
    mz_res_cleanup(&res);

    json_t *one[] = {json_string("só\x01"), json_integer(-9), json_null(), json_true(),
                     json_array()};
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++) {
        want = json_dumps(one[i], JSON_COMPACT | JSON_ENCODE_ANY);
        mz_res_init(&res);
        mz_res_json(&res, 200, one[i]);
        assert_string_equal(res.body.data, want);
        free(want);
        mz_res_cleanup(&res);
    }
    mz_res_init(&res);
    mz_res_json(&res, 200, NULL);
    assert_string_equal(res.body.data, "null");
    mz_res_cleanup(&res);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, teardown, NULL},                                             \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, teardown, NULL                                                    \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_health),
        BOTH(test_not_found_and_method),
        BOTH(test_unauthenticated),
        BOTH(test_login_and_session),
        BOTH(test_csrf_and_media_type),
        BOTH(test_body_validation),
        BOTH(test_depth_limit),
        BOTH(test_body_too_large),
        BOTH(test_body_control_characters),
        BOTH(test_error_body_long_field),
        BOTH(test_township_worker),
        BOTH(test_scope_users),
        BOTH(test_bearer_token),
        BOTH(test_must_change_password),
        cmocka_unit_test(test_json_body_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
