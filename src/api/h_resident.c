/*
 * 掌上办 over HTTP: resident registration, the resident's own online
 * applications (/resident/...), and the staff intake of online applications
 * (/online-applications).  Accounts are core/resident.h; the applications
 * and their intake are systems/assistance/online.h.  A resident logs in
 * through POST /session with the ID number as the username.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/date.h"
#include "core/region.h"
#include "core/resident.h"
#include "systems/assistance/case_types.h"
#include "systems/assistance/online.h"

static const mz_case_registry *registry(void)
{
    return mz_assist_case_registry();
}

void mz_h_resident_register(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"id_number", MZ_T_STRING, 1},
                                      {"name", MZ_T_STRING, 1},
                                      {"mobile", MZ_T_STRING, 1},
                                      {"password", MZ_T_STRING, 1},
                                      {NULL, 0, 0}};
    mz_error err;
    json_t *out = NULL;
    if (mz_req_body(req, fields, &err) < 0)
        goto fail;
    mz_resident_registration in = {mz_body_str(req, "id_number"), mz_body_str(req, "name"),
                                   mz_body_str(req, "mobile"), mz_body_str(req, "password")};
    if (strlen(in.password) > 256) {
        mz_error_set(&err, 400, "weak_password", "password", "密码不能超过128个字符");
        goto fail;
    }
    if (mz_resident_register(req->db, &req->app->security, &in, req->request_id, &out, &err) < 0)
        goto fail;
    mz_res_json(res, 201, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_resident_account(mz_req *req, mz_res *res)
{
    mz_error err;
    json_t *out = NULL;
    if (mz_resident_account_get(req->db, &req->actor, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

/* The regions under parent (default: the registry's root), for choosing a village. */
void mz_h_resident_regions(mz_req *req, mz_res *res)
{
    mz_error err;
    const char *parent = mz_req_query(req, "parent");
    char *root = NULL;
    if (parent == NULL) {
        if (mz_db_query_text(req->db, &root,
                             "SELECT code FROM regions WHERE parent_code IS NULL "
                             "ORDER BY level, code LIMIT 1",
                             "") < 0) {
            mz_error_internal(&err, mz_db_errmsg(req->db));
            goto fail;
        }
        parent = root ? mz_arena_strdup(req->arena, root) : "";
        mz_free(root);
    } else if (!mz_region_code_valid(parent)) {
        mz_error_set(&err, 400, "invalid_parameter", "parent", "区划代码须为12位数字");
        goto fail;
    }
    mz_stmt *st = mz_db_prepare_bind(
        req->db,
        "SELECT r.code, r.name, r.level, CASE WHEN EXISTS (SELECT 1 FROM regions c WHERE "
        "c.parent_code = r.code) THEN 1 ELSE 0 END FROM regions r WHERE r.parent_code = ? "
        "ORDER BY r.code",
        "t", parent);
    if (st == NULL) {
        mz_error_internal(&err, mz_db_errmsg(req->db));
        goto fail;
    }
    json_t *items = json_array();
    int rc;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(items, json_pack("{s:s,s:s,s:I,s:b}", "code", mz_stmt_text(st, 0),
                                               "name", mz_stmt_text(st, 1), "level",
                                               (json_int_t)mz_stmt_int64(st, 2), "has_children",
                                               (int)mz_stmt_int64(st, 3)));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(items);
        mz_error_internal(&err, mz_db_errmsg(req->db));
        goto fail;
    }
    mz_res_json(res, 200, json_pack("{s:s,s:o}", "parent", parent, "items", items));
    return;
fail:
    mz_res_error(res, &err);
}

static const mz_field member_fields[] = {{"name", MZ_T_STRING, 1},
                                         {"id_number", MZ_T_STRING, 1},
                                         {"relation", MZ_T_STRING, 1},
                                         {NULL, 0, 0}};
static const mz_field income_fields[] = {
    {"type", MZ_T_STRING, 1}, {"monthly_fen", MZ_T_INT, 1}, {NULL, 0, 0}};
static const mz_field asset_fields[] = {{"type", MZ_T_STRING, 1},
                                        {"value_fen", MZ_T_INT, 1},
                                        {"description", MZ_T_STRING, 0},
                                        {NULL, 0, 0}};

/* Every element of the array field name is an object with these fields. */
static int check_array(mz_req *req, const char *name, const mz_field *fields, mz_error *err)
{
    json_t *arr = json_object_get(req->json, name), *v;
    size_t i;
    char path[32];
    json_array_foreach(arr, i, v)
    {
        snprintf(path, sizeof path, "%s[%zu]", name, i);
        if (!json_is_object(v))
            return mz_error_set(err, 400, "invalid_value", path, "%s 须为对象", path);
        if (mz_json_check(v, path, fields, err) < 0)
            return -1;
    }
    return 0;
}

/* An optional integer field; 0 when absent. */
static int64_t body_int(const mz_req *req, const char *name)
{
    json_t *v = json_object_get(req->json, name);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

void mz_h_resident_applications_create(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"program", MZ_T_STRING, 1},
                                      {"kind", MZ_T_STRING, 0},
                                      {"requested_amount_fen", MZ_T_INT, 0},
                                      {"region_code", MZ_T_STRING, 1},
                                      {"address", MZ_T_STRING, 1},
                                      {"phone", MZ_T_STRING, 1},
                                      {"members", MZ_T_ARRAY, 1},
                                      {"incomes", MZ_T_ARRAY, 0},
                                      {"assets", MZ_T_ARRAY, 0},
                                      {"reason", MZ_T_TEXT, 1},
                                      {"authorisation_consent", MZ_T_BOOL, 1},
                                      {"corrects_id", MZ_T_INT, 0},
                                      {NULL, 0, 0}};
    mz_error err;
    json_t *out = NULL;
    if (mz_req_body(req, fields, &err) < 0 ||
        check_array(req, "members", member_fields, &err) < 0 ||
        check_array(req, "incomes", income_fields, &err) < 0 ||
        check_array(req, "assets", asset_fields, &err) < 0)
        goto fail;
    int64_t requested = body_int(req, "requested_amount_fen");
    if (json_object_get(req->json, "requested_amount_fen") && requested <= 0) {
        mz_error_set(&err, 400, "invalid_value", "requested_amount_fen",
                     "申请金额须为正整数（分）");
        goto fail;
    }
    mz_online_input in = {
        .program = mz_body_str(req, "program"),
        .kind = mz_body_str(req, "kind"),
        .requested_amount_fen = requested,
        .region_code = mz_body_str(req, "region_code"),
        .address = mz_body_str(req, "address"),
        .phone = mz_body_str(req, "phone"),
        .reason = mz_body_str(req, "reason"),
        .members = json_object_get(req->json, "members"),
        .incomes = json_object_get(req->json, "incomes"),
        .assets = json_object_get(req->json, "assets"),
        .consent = mz_body_bool(req, "authorisation_consent") == 1,
        .corrects_id = body_int(req, "corrects_id"),
    };
    if (json_object_get(req->json, "corrects_id") && in.corrects_id <= 0) {
        mz_error_set(&err, 400, "invalid_value", "corrects_id", "corrects_id 须为正整数");
        goto fail;
    }
    if (mz_online_submit(req->db, registry(), &req->actor, &in, &out, &err) < 0)
        goto fail;
    mz_res_json(res, 201, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_resident_applications_list(mz_req *req, mz_res *res)
{
    mz_error err;
    json_t *out = NULL;
    if (mz_online_resident_list(req->db, registry(), &req->actor, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_resident_application_get(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_online_resident_get(req->db, registry(), &req->actor, id, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_resident_attachment_add(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"kind", MZ_T_STRING, 1},
                                      {"filename", MZ_T_STRING, 1},
                                      {"content", MZ_T_STRING, 1},
                                      {NULL, 0, 0}};
    mz_error err;
    int64_t id;
    json_t *out = NULL, *tmp = NULL;
    /* Existence first, so that another resident's submission is a plain 404 whatever the body. */
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_online_resident_get(req->db, registry(), &req->actor, id, &tmp, &err) < 0)
        goto fail;
    json_decref(tmp);
    if (mz_req_body(req, fields, &err) < 0 ||
        mz_online_attachment_add(req->db, registry(), &req->actor, id, mz_body_str(req, "kind"),
                                 mz_body_str(req, "filename"), mz_body_str(req, "content"), &out,
                                 &err) < 0)
        goto fail;
    mz_res_json(res, 201, out);
    return;
fail:
    mz_res_error(res, &err);
}

/* ---- staff intake -------------------------------------------------------------- */

void mz_h_online_applications_list(mz_req *req, mz_res *res)
{
    mz_error err;
    json_t *out = NULL;
    mz_online_filter f = {.status = mz_req_query(req, "status")};
    if (mz_req_paging(req, &f.page, &f.page_size, &err) < 0 ||
        mz_online_list(req->db, registry(), &req->actor, &f, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_online_application_get(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_online_get(req->db, registry(), &req->actor, id, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

/* An audited read (R_AUDITED). */
void mz_h_online_attachment_get(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id, aid;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 || mz_req_param_id(req, 1, &aid, &err) < 0)
        goto fail;
    if (mz_online_attachment_get(req->db, &req->actor, id, aid, &out, &err) < 0)
        goto fail;
    mz_res_json(res, 200, out);
    return;
fail:
    mz_res_error(res, &err);
}

/* Existence and scope first, so that a hidden submission is a plain 404 whatever the body. */
static int visible(mz_req *req, int64_t *id, mz_error *err)
{
    json_t *tmp = NULL;
    if (mz_req_param_id(req, 0, id, err) < 0 ||
        mz_online_get(req->db, registry(), &req->actor, *id, &tmp, err) < 0)
        return -1;
    json_decref(tmp);
    return 0;
}

void mz_h_online_application_return(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"reasons", MZ_T_ARRAY, 1}, {NULL, 0, 0}};
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (visible(req, &id, &err) < 0 || mz_req_body(req, fields, &err) < 0 ||
        mz_online_return(req->db, registry(), &req->actor, id,
                         json_object_get(req->json, "reasons"), &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_online_application_accept(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {
        {"household_id", MZ_T_INT, 0},       {"identity_checked", MZ_T_BOOL, 1},
        {"relative_of_staff", MZ_T_BOOL, 0}, {"amount_fen", MZ_T_INT, 0},
        {"comment", MZ_T_TEXT, 0},           {NULL, 0, 0}};
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (visible(req, &id, &err) < 0 || mz_req_body(req, fields, &err) < 0)
        goto fail;
    mz_online_accept_input in = {.household_id = body_int(req, "household_id"),
                                 .identity_checked = mz_body_bool(req, "identity_checked") == 1,
                                 .relative_of_staff = mz_body_bool(req, "relative_of_staff") == 1,
                                 .amount_fen = body_int(req, "amount_fen"),
                                 .comment = mz_body_str(req, "comment")};
    if (json_object_get(req->json, "household_id") && in.household_id <= 0) {
        mz_error_set(&err, 400, "invalid_value", "household_id", "household_id 须为正整数");
        goto fail;
    }
    if (json_object_get(req->json, "amount_fen") && in.amount_fen <= 0) {
        mz_error_set(&err, 400, "invalid_value", "amount_fen", "救助金额须为正整数（分）");
        goto fail;
    }
    if (mz_online_accept(req->db, registry(), &req->actor, id, &in, mz_date_today(), &out, &err) <
        0)
        goto fail;
    mz_res_json(res, 200, out);
    return;
fail:
    mz_res_error(res, &err);
}

/* GET /resident/applications/{id}/notices/{nid}.pdf: an audited read (R_AUDITED). */
void mz_h_resident_notice_pdf(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id = 0, nid = 0;
    const char *file = req->nparams > 1 ? req->params[1] : "";
    char *end = NULL;
    mz_error_clear(&err);
    if (mz_req_param_id(req, 0, &id, &err) < 0)
        goto fail;
    long long v = strtoll(file, &end, 10);
    if (end == file || v <= 0 || strcmp(end, ".pdf") != 0) {
        mz_error_set(&err, 404, "not_found", NULL, "通知书不存在");
        goto fail;
    }
    nid = (int64_t)v;
    if (mz_online_resident_notice_pdf(req->db, registry(), &req->actor, id, nid, &res->body, &err) <
        0)
        goto fail;
    res->status = 200;
    res->content_type = "application/pdf";
    res->disposition =
        mz_arena_printf(req->arena, "attachment; filename=\"notice-%lld.pdf\"", (long long)nid);
    return;
fail:
    mz_buf_cleanup(&res->body);
    mz_buf_init(&res->body);
    mz_res_error(res, &err);
}
