/*
 * /enrollments and /payroll: the enrollments (core/enrollment.h) and the
 * monthly payroll (core/payroll.h) over HTTP.  POST /payroll/runs runs the
 * generation job with its own transactions (a batch each), so its route is
 * R_OWN_TX.  The bank files are GET downloads (a link in the UI, no CSRF
 * header to send): the handler opens its own transaction, because an export
 * marks the month exported and is audited with the full account numbers.
 */
#include <string.h>

#include "api/api.h"
#include "core/enrollment.h"
#include "core/payroll.h"
#include "systems/assistance/amount.h"

void mz_h_enrollments_list(mz_req *req, mz_res *res)
{
    mz_error err;
    long long hh;
    mz_enrollment_filter f = {.program = mz_req_query(req, "program"),
                              .status = mz_req_query(req, "status"),
                              .region_code = mz_req_query(req, "region")};
    json_t *out = NULL;
    if (mz_req_paging(req, &f.page, &f.page_size, &err) < 0 ||
        mz_req_query_int(req, "household_id", 1, INT64_MAX, 0, &hh, &err) < 0)
        goto fail;
    f.household_id = (int64_t)hh;
    if ((f.program && strlen(f.program) > 40) || (f.status && strlen(f.status) > 40)) {
        mz_error_set(&err, 400, "invalid_parameter",
                     f.program && strlen(f.program) > 40 ? "program" : "status", "参数过长");
        goto fail;
    }
    if (mz_enrollment_list(req->db, &req->actor, &f, &out, &err) < 0)
        goto fail;
    mz_res_json(res, 200, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_enrollment_get(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_enrollment_get(req->db, &req->actor, id, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_payroll_runs_create(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"month", MZ_T_STRING, 1}, {NULL, 0, 0}};
    mz_payroll_options opt = {.stale_seconds = -1, .amount = mz_assist_payroll_amount};
    mz_error err;
    json_t *out = NULL;
    int rc;
    mz_error_clear(&err);
    if (mz_req_body(req, fields, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    opt.amount_arg = mz_assist_params_cache_new();
    rc = mz_payroll_run(req->db, &req->actor, mz_body_str(req, "month"), &opt, &out, &err);
    mz_assist_params_cache_free(opt.amount_arg);
    if (rc < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, json_is_true(json_object_get(out, "generated_now")) ? 201 : 200, out);
}

void mz_h_payroll_runs_list(mz_req *req, mz_res *res)
{
    mz_error err;
    int page, size;
    json_t *out = NULL;
    if (mz_req_paging(req, &page, &size, &err) < 0 ||
        mz_payroll_list(req->db, &req->actor, page, size, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_payroll_run_get(mz_req *req, mz_res *res)
{
    mz_error err;
    json_t *out = NULL;
    if (mz_payroll_get(req->db, &req->actor, req->params[0], &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_payroll_lines(mz_req *req, mz_res *res)
{
    mz_error err;
    int page, size;
    json_t *out = NULL;
    if (mz_req_paging(req, &page, &size, &err) < 0 ||
        mz_payroll_lines(req->db, &req->actor, req->params[0], page, size, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_payroll_approve(mz_req *req, mz_res *res)
{
    mz_error err;
    json_t *out = NULL;
    if (mz_payroll_approve(req->db, &req->actor, req->params[0], &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

static void export(mz_req *req, mz_res *res, const char *format, const char *mime)
{
    mz_error err;
    mz_error_clear(&err);
    if (mz_db_begin(req->db) < 0) {
        mz_error_internal(&err, mz_db_errmsg(req->db));
        goto fail;
    }
    if (mz_payroll_export(req->db, &req->actor, req->params[0], format, &res->body, &err) < 0) {
        mz_db_rollback(req->db);
        goto fail;
    }
    if (mz_db_commit(req->db) < 0) {
        mz_error_internal(&err, mz_db_errmsg(req->db));
        goto fail;
    }
    res->status = 200;
    res->content_type = mime;
    res->disposition = mz_arena_printf(req->arena, "attachment; filename=\"payroll-%s.%s\"",
                                       req->params[0], format);
    return;
fail:
    mz_buf_cleanup(&res->body);
    mz_buf_init(&res->body);
    mz_res_error(res, &err);
}

void mz_h_payroll_export_csv(mz_req *req, mz_res *res)
{
    export(req, res, "csv", "text/csv; charset=utf-8");
}

void mz_h_payroll_export_xlsx(mz_req *req, mz_res *res)
{
    export(req, res, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}
