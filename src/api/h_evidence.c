/*
 * /evidence: department data (core/evidence.h) over HTTP.  The templates are
 * downloads generated from the source declarations.  An import is the file
 * itself as the request body (CSV or .xlsx, told apart by its bytes; any
 * Content-Type) with the batch's details as query parameters, so that a
 * 50 MB file is neither base64-inflated nor held twice; its body limit is
 * the server's max_import_bytes (http.c), larger than that of JSON requests.
 * The import runs synchronously in the request's transaction.  The error
 * reports are GET downloads that quote cells (ID numbers among them), so
 * they are audited and the handler opens its own transaction.
 */
#include <string.h>

#include "api/api.h"
#include "core/evidence.h"

void mz_h_evidence_templates(mz_req *req, mz_res *res)
{
    (void)req;
    mz_res_json(res, 200, mz_ev_sources_json());
}

void mz_h_evidence_template_get(mz_req *req, mz_res *res)
{
    mz_error err;
    const char *file = req->params[0], *dot = strrchr(file, '.');
    char kind[64];
    const mz_ev_source *s = NULL;
    if (dot && (size_t)(dot - file) < sizeof kind) {
        memcpy(kind, file, (size_t)(dot - file));
        kind[dot - file] = '\0';
        s = mz_ev_source_find(kind);
    }
    if (s == NULL || (strcmp(dot, ".csv") != 0 && strcmp(dot, ".xlsx") != 0)) {
        mz_error_set(&err, 404, "not_found", "kind",
                     "没有这个模板：%s（应为 来源代码.csv 或 .xlsx）", file);
        mz_res_error(res, &err);
        return;
    }
    if (strcmp(dot, ".csv") == 0) {
        mz_ev_template_csv(s, &res->body);
        res->content_type = "text/csv; charset=utf-8";
    } else {
        if (mz_ev_template_xlsx(s, &res->body, &err) < 0) {
            mz_res_error(res, &err);
            return;
        }
        res->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    }
    res->status = 200;
    res->disposition = mz_arena_printf(req->arena, "attachment; filename=\"template-%s\"", file);
}

void mz_h_evidence_import(mz_req *req, mz_res *res)
{
    mz_error err;
    mz_ev_import o;
    json_t *out = NULL;
    int existing = 0;
    mz_ev_import_init(&o);
    o.source = mz_req_query(req, "source");
    o.department = mz_req_query(req, "department");
    o.as_of = mz_req_query(req, "as_of");
    o.mode = mz_req_query(req, "mode");
    o.file_name = mz_req_query(req, "file_name");
    o.limits.max_bytes =
        req->app->max_import_body > 0 ? req->app->max_import_body : req->app->max_body;
    if (req->body_too_large) {
        mz_error_set(&err, 413, "body_too_large", "file", "文件过大，不能超过%zu字节",
                     o.limits.max_bytes);
        goto fail;
    }
    if (o.source == NULL) {
        mz_error_set(&err, 400, "invalid_parameter", "source", "缺少数据来源 source");
        goto fail;
    }
    if (mz_ev_import_file(req->db, &req->actor, &o, req->body ? req->body : "", req->body_len, &out,
                          &existing, &err) < 0)
        goto fail;
    json_object_set_new(out, "existing", json_boolean(existing));
    mz_res_json(res, existing ? 200 : 201, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_evidence_imports_list(mz_req *req, mz_res *res)
{
    mz_error err;
    int page, size;
    json_t *out = NULL;
    if (mz_req_paging(req, &page, &size, &err) < 0 ||
        mz_ev_batches_list(req->db, &req->actor, mz_req_query(req, "source"), page, size, &out,
                           &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_evidence_import_get(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    long long limit;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_req_query_int(req, "error_limit", 0, 1000, 200, &limit, &err) < 0 ||
        mz_ev_batch_get(req->db, &req->actor, id, (int)limit, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

static void errors_export(mz_req *req, mz_res *res, const char *format, const char *mime)
{
    mz_error err;
    int64_t id;
    mz_error_clear(&err);
    if (mz_req_param_id(req, 0, &id, &err) < 0)
        goto fail;
    if (mz_ev_errors_export(req->db, &req->actor, id, format, &res->body, &err) < 0)
        goto fail;
    res->status = 200;
    res->content_type = mime;
    res->disposition = mz_arena_printf(req->arena, "attachment; filename=\"import-%lld-errors.%s\"",
                                       (long long)id, format);
    return;
fail:
    mz_buf_cleanup(&res->body);
    mz_buf_init(&res->body);
    mz_res_error(res, &err);
}

void mz_h_evidence_errors_csv(mz_req *req, mz_res *res)
{
    errors_export(req, res, "csv", "text/csv; charset=utf-8");
}

void mz_h_evidence_errors_xlsx(mz_req *req, mz_res *res)
{
    errors_export(req, res, "xlsx",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}
