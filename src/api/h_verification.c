/*
 * 家庭经济状况核对 over HTTP (systems/assistance/verification.h): a case's
 * reports — run, list, one with its changes, its PDF (an audited download:
 * the handler opens its own transaction) — and the batch re-verification
 * jobs, which run synchronously in the request, one transaction per step,
 * so that another request sees their progress; and the 预核对 of a batch,
 * which stores nothing and so is no write (no CSRF, no transaction): it reads
 * on its own connections, some in parallel.  "Today" is mz_date_today().
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "base/date.h"
#include "systems/assistance/case_types.h"
#include "systems/assistance/verification.h"

void mz_h_verification_run(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{NULL, 0, 0}};
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    mz_error_clear(&err);
    if (mz_req_param_id(req, 0, &id, &err) < 0 || mz_req_body(req, fields, &err) < 0 ||
        mz_verify_case_run(req->db, &req->actor, id, mz_date_today(), &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 201, out);
}

void mz_h_verifications_list(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_verify_case_list(req->db, &req->actor, id, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

/* "{vid}" or "{vid}.pdf": *vid and *pdf; 404 for anything else. */
static int report_file(const char *s, int64_t *vid, int *pdf, mz_error *err)
{
    size_t n = strlen(s);
    long long v = 0;
    *pdf = n > 4 && strcmp(s + n - 4, ".pdf") == 0;
    if (*pdf)
        n -= 4;
    if (n < 1 || n > 18)
        return mz_error_set(err, 404, "not_found", NULL, "核对报告不存在");
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return mz_error_set(err, 404, "not_found", NULL, "核对报告不存在");
        v = v * 10 + (s[i] - '0');
    }
    if (v < 1)
        return mz_error_set(err, 404, "not_found", NULL, "核对报告不存在");
    *vid = v;
    return 0;
}

void mz_h_verification_get(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id = 0, vid = 0;
    int pdf = 0;
    json_t *out = NULL;
    mz_error_clear(&err);
    if (mz_req_param_id(req, 0, &id, &err) < 0 || report_file(req->params[1], &vid, &pdf, &err) < 0)
        goto fail;
    if (!pdf) {
        if (mz_verify_case_get(req->db, &req->actor, id, vid, &out, &err) < 0)
            goto fail;
        mz_res_json(res, 200, out);
        return;
    }
    if (mz_verify_case_pdf(req->db, &req->actor, id, vid, &res->body, &err) < 0)
        goto fail;
    res->status = 200;
    res->content_type = "application/pdf";
    res->disposition = mz_arena_printf(req->arena, "attachment; filename=\"verification-%lld.pdf\"",
                                       (long long)vid);
    return;
fail:
    mz_buf_cleanup(&res->body);
    mz_buf_init(&res->body);
    mz_res_error(res, &err);
}

void mz_h_verification_batches_create(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"region", MZ_T_STRING, 0}, {NULL, 0, 0}};
    mz_verify_batch_options o = {.stale_seconds = 120, .today = mz_date_today()};
    mz_error err;
    json_t *out = NULL;
    mz_error_clear(&err);
    if (mz_req_body(req, fields, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    o.region_code = mz_body_str(req, "region");
    if (mz_verify_batch_run(req->db, mz_assist_case_registry(), &req->actor, &o, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 201, out);
}

void mz_h_verification_batches_list(mz_req *req, mz_res *res)
{
    mz_error err;
    json_t *out = NULL;
    if (mz_verify_batch_list(req->db, &req->actor, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_verification_batch_get(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_verify_batch_get(req->db, &req->actor, id, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

/* The households with issues a preview lists in its answer. */
#define PREVIEW_LIST_LIMIT 500

void mz_h_verification_preview(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"region", MZ_T_STRING, 0}, {NULL, 0, 0}};
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    /* Half the machine at most: the server's other requests go on meanwhile. */
    mz_verify_preview_options o = {.today = mz_date_today(),
                                   .threads = cpus < 4    ? 1
                                              : cpus > 16 ? 8
                                                          : (int)(cpus / 2),
                                   .url = req->app->db_url,
                                   .list_limit = PREVIEW_LIST_LIMIT};
    mz_error err;
    json_t *out = NULL;
    mz_error_clear(&err);
    if (mz_req_body(req, fields, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    o.region_code = mz_body_str(req, "region");
    if (mz_verify_batch_preview(req->db, &req->actor, &o, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}
