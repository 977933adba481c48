/*
 * /users: staff accounts, limited to the caller's region subtree.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/user.h"

void mz_h_users_list(mz_req *req, mz_res *res)
{
    mz_error err;
    mz_user_filter f = {.q = mz_req_query(req, "q"),
                        .role = mz_req_query(req, "role"),
                        .region_code = mz_req_query(req, "region"),
                        .disabled = -1};
    const char *d = mz_req_query(req, "disabled");
    json_t *out = NULL;
    if (mz_req_paging(req, &f.page, &f.page_size, &err) < 0)
        goto fail;
    if (d) {
        if (strcmp(d, "true") == 0)
            f.disabled = 1;
        else if (strcmp(d, "false") == 0)
            f.disabled = 0;
        else {
            mz_error_set(&err, 400, "invalid_parameter", "disabled", "disabled 须为 true 或 false");
            goto fail;
        }
    }
    if (f.q && strlen(f.q) > 64) {
        mz_error_set(&err, 400, "invalid_parameter", "q", "搜索内容不能超过64个字符");
        goto fail;
    }
    if (mz_user_list(req->db, &req->actor, &f, &out, &err) < 0)
        goto fail;
    mz_res_json(res, 200, out);
    return;
fail:
    mz_res_error(res, &err);
}

static void input_from_body(const mz_req *req, mz_user_input *in)
{
    memset(in, 0, sizeof *in);
    in->username = mz_body_str(req, "username");
    in->display_name = mz_body_str(req, "display_name");
    in->role = mz_body_str(req, "role");
    in->region_code = mz_body_str(req, "region_code");
    in->password = mz_body_str(req, "password");
    json_t *phone = json_object_get(req->json, "phone");
    in->phone = phone ? (json_is_null(phone) ? "" : json_string_value(phone)) : NULL;
    in->disabled = mz_body_bool(req, "disabled");
}

void mz_h_users_create(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"username", MZ_T_STRING, 1},
                                      {"display_name", MZ_T_STRING, 1},
                                      {"role", MZ_T_STRING, 1},
                                      {"region_code", MZ_T_STRING, 1},
                                      {"password", MZ_T_STRING, 1},
                                      {"phone", MZ_T_STRING_OR_NULL, 0},
                                      {NULL, 0, 0}};
    mz_error err;
    mz_user_input in;
    json_t *out = NULL;
    if (mz_req_body(req, fields, &err) < 0)
        goto fail;
    input_from_body(req, &in);
    if (mz_user_create(req->db, &req->app->security, &req->actor, &in, &out, &err) < 0)
        goto fail;
    mz_res_json(res, 201, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_user_get(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_user_get(req->db, &req->actor, id, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_user_patch(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {
        {"display_name", MZ_T_STRING, 0}, {"role", MZ_T_STRING, 0},
        {"region_code", MZ_T_STRING, 0},  {"phone", MZ_T_STRING_OR_NULL, 0},
        {"disabled", MZ_T_BOOL, 0},       {NULL, 0, 0}};
    mz_error err;
    mz_user_input in;
    int64_t id;
    json_t *out = NULL;
    /* Existence and scope first, so that a hidden user is a plain 404. */
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_user_get(req->db, &req->actor, id, &out, &err) < 0)
        goto fail;
    json_decref(out);
    out = NULL;
    if (mz_req_body(req, fields, &err) < 0)
        goto fail;
    input_from_body(req, &in);
    if (mz_user_update(req->db, &req->actor, id, &in, &out, &err) < 0)
        goto fail;
    mz_res_json(res, 200, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_user_password(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"password", MZ_T_STRING, 1}, {NULL, 0, 0}};
    mz_error err;
    int64_t id;
    json_t *u = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_user_get(req->db, &req->actor, id, &u, &err) < 0 || mz_req_body(req, fields, &err) < 0 ||
        mz_user_reset_password(req->db, &req->app->security, &req->actor, id,
                               mz_body_str(req, "password"), &err) < 0) {
        json_decref(u);
        mz_res_error(res, &err);
        return;
    }
    json_decref(u);
    mz_res_empty(res, 204);
}

void mz_h_user_token(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"name", MZ_T_STRING, 1}, {NULL, 0, 0}};
    mz_error err;
    int64_t id, tid;
    char token[MZ_TOKEN_LEN + 1];
    json_t *u = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_user_get(req->db, &req->actor, id, &u, &err) < 0 || mz_req_body(req, fields, &err) < 0)
        goto fail;
    const char *name = mz_body_str(req, "name");
    if (strlen(name) < 1 || strlen(name) > 64) {
        mz_error_set(&err, 400, "invalid_value", "name", "令牌名称须为1至64个字符");
        goto fail;
    }
    if (mz_token_create(req->db, &req->actor, id, name, token, &tid, &err) < 0)
        goto fail;
    json_decref(u);
    mz_res_json(res, 201,
                json_pack("{s:I,s:s,s:s}", "id", (json_int_t)tid, "name", name, "token", token));
    mz_wipe(token, sizeof token);
    return;
fail:
    json_decref(u);
    mz_res_error(res, &err);
}
