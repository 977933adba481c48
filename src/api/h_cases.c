/*
 * /cases and /inbox: the case engine (core/case.h) over HTTP, with the case
 * types of the business systems (for now 社会救助, systems/assistance).
 * "Today" is mz_date_today(), the date in China.
 */
#include <stdint.h>
#include <string.h>

#include "api/api.h"
#include "base/date.h"
#include "core/case.h"
#include "systems/assistance/case_types.h"

static const mz_case_registry *registry(void)
{
    return mz_assist_case_registry();
}

/* A boolean query parameter: -1 absent, 0, 1; 400 for anything else. */
static int query_bool(const mz_req *req, const char *name, int *out, mz_error *err)
{
    const char *v = mz_req_query(req, name);
    *out = -1;
    if (v == NULL)
        return 0;
    if (strcmp(v, "true") == 0)
        *out = 1;
    else if (strcmp(v, "false") == 0)
        *out = 0;
    else
        return mz_error_set(err, 400, "invalid_parameter", name, "%s 须为 true 或 false", name);
    return 0;
}

/* overdue=1 (or true): only cases past a time limit; 0, false or absent: any. */
static int query_overdue(const mz_req *req, int *out, mz_error *err)
{
    const char *v = mz_req_query(req, "overdue");
    *out = 0;
    if (v == NULL || strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
        return 0;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0) {
        *out = 1;
        return 0;
    }
    return mz_error_set(err, 400, "invalid_parameter", "overdue", "overdue 须为 1 或 0");
}

void mz_h_cases_list(mz_req *req, mz_res *res)
{
    mz_error err;
    mz_case_filter f = {.case_type = mz_req_query(req, "type"),
                        .state = mz_req_query(req, "state"),
                        .region_code = mz_req_query(req, "region")};
    json_t *out = NULL;
    if (mz_req_paging(req, &f.page, &f.page_size, &err) < 0 ||
        query_bool(req, "relative_of_staff", &f.relative_of_staff, &err) < 0 ||
        query_bool(req, "open", &f.open, &err) < 0 || query_overdue(req, &f.overdue, &err) < 0)
        goto fail;
    if (f.state && strlen(f.state) > 40) {
        mz_error_set(&err, 400, "invalid_parameter", "state", "state 过长");
        goto fail;
    }
    if (mz_case_list(req->db, registry(), &req->actor, &f, mz_date_today(), &out, &err) < 0)
        goto fail;
    mz_res_json(res, 200, out);
    return;
fail:
    mz_res_error(res, &err);
}

/* An optional positive id field; 0 when absent or null. */
static int body_id(const mz_req *req, const char *name, int64_t *out, mz_error *err)
{
    json_t *v = json_object_get(req->json, name);
    *out = 0;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 1)
        return mz_error_set(err, 400, "invalid_value", name, "%s 须为正整数", name);
    *out = (int64_t)json_integer_value(v);
    return 0;
}

void mz_h_cases_create(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"case_type", MZ_T_STRING, 1},
                                      {"region_code", MZ_T_STRING_OR_NULL, 0},
                                      {"household_id", MZ_T_INT, 0},
                                      {"applicant_person_id", MZ_T_INT, 0},
                                      {"applicant_name", MZ_T_STRING, 1},
                                      {"channel", MZ_T_STRING, 1},
                                      {"relative_of_staff", MZ_T_BOOL, 0},
                                      {"authorisation_recorded", MZ_T_BOOL, 0},
                                      {"data", MZ_T_OBJECT, 0},
                                      {"comment", MZ_T_TEXT, 0},
                                      {NULL, 0, 0}};
    mz_error err;
    json_t *out = NULL;
    mz_case_input in;
    memset(&in, 0, sizeof in);
    if (mz_req_body(req, fields, &err) < 0 ||
        body_id(req, "household_id", &in.household_id, &err) < 0 ||
        body_id(req, "applicant_person_id", &in.applicant_person_id, &err) < 0)
        goto fail;
    in.case_type = mz_body_str(req, "case_type");
    in.region_code = mz_body_str(req, "region_code");
    in.applicant_name = mz_body_str(req, "applicant_name");
    in.channel = mz_body_str(req, "channel");
    in.relative_of_staff = mz_body_bool(req, "relative_of_staff") == 1;
    in.authorisation_recorded = mz_body_bool(req, "authorisation_recorded") == 1;
    in.data = json_object_get(req->json, "data");
    in.comment = mz_body_str(req, "comment");
    if (mz_case_create(req->db, registry(), &req->actor, &in, mz_date_today(), &out, &err) < 0)
        goto fail;
    mz_res_json(res, 201, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_case_get(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_case_get(req->db, registry(), &req->actor, id, mz_date_today(), &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

/* Existence and scope first, so that a hidden case is a plain 404 whatever the body. */
static int case_visible(mz_req *req, int64_t *id, mz_error *err)
{
    json_t *tmp = NULL;
    if (mz_req_param_id(req, 0, id, err) < 0 ||
        mz_case_get(req->db, registry(), &req->actor, *id, mz_date_today(), &tmp, err) < 0)
        return -1;
    json_decref(tmp);
    return 0;
}

void mz_h_case_action(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"action", MZ_T_STRING, 1},
                                      {"comment", MZ_T_TEXT, 0},
                                      {"data", MZ_T_OBJECT, 0},
                                      {NULL, 0, 0}};
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (case_visible(req, &id, &err) < 0 || mz_req_body(req, fields, &err) < 0 ||
        mz_case_act(req->db, registry(), &req->actor, id, mz_body_str(req, "action"),
                    mz_body_str(req, "comment"), json_object_get(req->json, "data"),
                    mz_date_today(), &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_case_attachment_add(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"kind", MZ_T_STRING, 1},
                                      {"filename", MZ_T_STRING, 1},
                                      {"content", MZ_T_STRING, 1},
                                      {NULL, 0, 0}};
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (case_visible(req, &id, &err) < 0 || mz_req_body(req, fields, &err) < 0 ||
        mz_case_attachment_add(req->db, registry(), &req->actor, id, mz_body_str(req, "kind"),
                               mz_body_str(req, "filename"), mz_body_str(req, "content"), &out,
                               &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 201, out);
}

/* An audited read (R_AUDITED). */
void mz_h_case_attachment_get(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id, aid;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 || mz_req_param_id(req, 1, &aid, &err) < 0)
        goto fail;
    if (mz_case_attachment_get(req->db, &req->actor, id, aid, &out, &err) < 0)
        goto fail;
    mz_res_json(res, 200, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_case_objection_add(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"text", MZ_T_TEXT, 1}, {NULL, 0, 0}};
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (case_visible(req, &id, &err) < 0 || mz_req_body(req, fields, &err) < 0 ||
        mz_case_objection_add(req->db, registry(), &req->actor, id, mz_body_str(req, "text"),
                              mz_date_today(), &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 201, out);
}

void mz_h_inbox(mz_req *req, mz_res *res)
{
    mz_error err;
    int page, page_size;
    json_t *out = NULL;
    if (mz_req_paging(req, &page, &page_size, &err) < 0 ||
        mz_case_inbox(req->db, registry(), &req->actor, page, page_size, mz_date_today(), &out,
                      &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

/* ---- decision notices and time limits ----------------------------------- */

void mz_h_case_notices(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_case_notices(req->db, registry(), &req->actor, id, mz_date_today(), &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

/* "{nid}.pdf": the notice id, 404 for anything else. */
static int notice_file_id(const mz_req *req, int64_t *nid, mz_error *err)
{
    const char *s = req->params[1];
    size_t n = strlen(s);
    long long v = 0;
    if (n < 5 || n > 22 || strcmp(s + n - 4, ".pdf") != 0)
        return mz_error_set(err, 404, "not_found", NULL, "通知书不存在");
    for (size_t i = 0; i < n - 4; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (INT64_MAX - 9) / 10)
            return mz_error_set(err, 404, "not_found", NULL, "通知书不存在");
        v = v * 10 + (s[i] - '0');
    }
    if (v < 1)
        return mz_error_set(err, 404, "not_found", NULL, "通知书不存在");
    *nid = v;
    return 0;
}

/* An audited download: the handler opens its own transaction. */
void mz_h_case_notice_pdf(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id = 0, nid = 0;
    mz_error_clear(&err);
    if (mz_req_param_id(req, 0, &id, &err) < 0 || notice_file_id(req, &nid, &err) < 0)
        goto fail;
    if (mz_case_notice_pdf(req->db, &req->actor, id, nid, &res->body, &err) < 0)
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

void mz_h_case_notice_serve(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"served_on", MZ_T_STRING, 1},
                                      {"method", MZ_T_STRING, 1},
                                      {"recipient", MZ_T_STRING_OR_NULL, 0},
                                      {"note", MZ_T_TEXT, 0},
                                      {NULL, 0, 0}};
    mz_error err;
    int64_t id, nid;
    json_t *out = NULL;
    if (case_visible(req, &id, &err) < 0 || mz_req_param_id(req, 1, &nid, &err) < 0 ||
        mz_req_body(req, fields, &err) < 0 ||
        mz_case_notice_serve(req->db, registry(), &req->actor, id, nid,
                             mz_body_str(req, "served_on"), mz_body_str(req, "method"),
                             mz_body_str(req, "recipient"), mz_body_str(req, "note"),
                             mz_date_today(), &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_case_extension(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {
        {"days", MZ_T_INT, 1}, {"reason", MZ_T_TEXT, 1}, {NULL, 0, 0}};
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (case_visible(req, &id, &err) < 0 || mz_req_body(req, fields, &err) < 0 ||
        mz_case_extend(req->db, registry(), &req->actor, id,
                       (int64_t)json_integer_value(json_object_get(req->json, "days")),
                       mz_body_str(req, "reason"), mz_date_today(), &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}
