/*
 * /session: log in, who am I, log out, change my own password.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/user.h"

static void session_cookie(mz_req *req, mz_res *res, const char *token, int max_age)
{
    char buf[256];
    snprintf(buf, sizeof buf, "mz_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
             token, max_age, req->app->cookie_secure ? "; Secure" : "");
    mz_free(res->set_cookie);
    res->set_cookie = mz_strdup(buf);
}

static void session_answer(mz_req *req, mz_res *res, int status, const mz_actor *actor,
                           const char *csrf)
{
    mz_error err;
    json_t *u = mz_user_session_json(req->db, actor);
    if (u == NULL) {
        mz_error_internal(&err, mz_db_errmsg(req->db));
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, status, json_pack("{s:o,s:s}", "user", u, "csrf_token", csrf));
}

void mz_h_session_create(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {
        {"username", MZ_T_STRING, 1}, {"password", MZ_T_STRING, 1}, {NULL, 0, 0}};
    mz_error err;
    char token[MZ_TOKEN_LEN + 1], csrf[MZ_TOKEN_LEN + 1];
    mz_actor actor;
    if (mz_req_body(req, fields, &err) < 0)
        goto fail;
    const char *u = mz_body_str(req, "username"), *p = mz_body_str(req, "password");
    if (strlen(u) == 0 || strlen(u) > 64 || strlen(p) > 256) {
        mz_error_set(&err, 401, "auth_failed", NULL, "用户名或密码错误");
        goto fail;
    }
    if (mz_auth_login(req->db, &req->app->security, u, p, req->request_id, token, csrf, &actor,
                      &err) < 0)
        goto fail;
    session_cookie(req, res, token, req->app->security.idle_timeout_minutes * 60 * 16);
    session_answer(req, res, 200, &actor, csrf);
    mz_wipe(token, sizeof token);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_session_get(mz_req *req, mz_res *res)
{
    if (req->via_cookie)
        session_answer(req, res, 200, &req->actor, req->csrf);
    else
        session_answer(req, res, 200, &req->actor, "");
}

void mz_h_session_delete(mz_req *req, mz_res *res)
{
    mz_error err;
    if (req->session_token && mz_auth_logout(req->db, &req->actor, req->session_token, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    session_cookie(req, res, "", 0);
    mz_res_empty(res, 204);
}

void mz_h_session_password(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {
        {"old_password", MZ_T_STRING, 1}, {"new_password", MZ_T_STRING, 1}, {NULL, 0, 0}};
    mz_error err;
    if (mz_req_body(req, fields, &err) < 0 ||
        mz_user_change_password(req->db, &req->app->security, &req->actor,
                                mz_body_str(req, "old_password"), mz_body_str(req, "new_password"),
                                &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_empty(res, 204);
}
