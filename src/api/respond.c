/*
 * Request accessors and response builders shared by every handler, and the
 * one place where an mz_error becomes the API's JSON error body.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "base/json.h"
#include "base/strnum.h"
#include "base/utf8.h"

void mz_req_init(mz_req *req, mz_app *app)
{
    memset(req, 0, sizeof *req);
    req->app = app;
    req->arena = mz_arena_new();
}

void mz_req_cleanup(mz_req *req)
{
    json_decref(req->json);
    mz_arena_free(req->arena);
    req->json = NULL;
    req->arena = NULL;
}

void mz_res_init(mz_res *res)
{
    memset(res, 0, sizeof *res);
    mz_buf_init(&res->body);
}

void mz_res_cleanup(mz_res *res)
{
    mz_buf_cleanup(&res->body);
    mz_free(res->set_cookie);
    mz_free(res->file);
    res->set_cookie = res->file = NULL;
}

const char *mz_req_header(const mz_req *req, const char *name)
{
    for (int i = 0; i < req->nheaders; i++)
        if (strcasecmp(req->headers[i].key, name) == 0)
            return req->headers[i].value;
    return NULL;
}

const char *mz_req_query(const mz_req *req, const char *name)
{
    for (int i = 0; i < req->nquery; i++)
        if (strcmp(req->query[i].key, name) == 0)
            return req->query[i].value;
    return NULL;
}

int mz_req_query_int(const mz_req *req, const char *name, long long min, long long max,
                     long long dflt, long long *out, mz_error *err)
{
    const char *v = mz_req_query(req, name);
    int64_t n;
    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    if (mz_strtoi64(v, min, max, &n) != 0)
        return mz_error_set(err, 400, "invalid_parameter", name, "参数 %s 须为 %lld 至 %lld 的整数",
                            name, min, max);
    *out = n;
    return 0;
}

int mz_req_paging(const mz_req *req, int *page, int *page_size, mz_error *err)
{
    long long p, s;
    if (mz_req_query_int(req, "page", 1, 1000000, 1, &p, err) < 0 ||
        mz_req_query_int(req, "page_size", 1, 200, 20, &s, err) < 0)
        return -1;
    *page = (int)p;
    *page_size = (int)s;
    return 0;
}

int mz_req_param_id(const mz_req *req, int i, int64_t *out, mz_error *err)
{
    if (i >= req->nparams || mz_strtoi64(req->params[i], 1, INT64_MAX, out) != 0)
        return mz_error_set(err, 404, "not_found", NULL, "记录不存在");
    return 0;
}

void mz_res_json(mz_res *res, int status, json_t *j)
{
    res->status = status;
    res->content_type = MZ_JSON_TYPE;
    mz_buf_cleanup(&res->body);
    if (j)
        mz_json_dump(&res->body, j);
    else
        mz_buf_append(&res->body, "null", 4);
    json_decref(j);
}

void mz_res_error(mz_res *res, const mz_error *err)
{
    json_t *e = json_pack("{s:{s:s,s:s,s:s?}}", "error", "code", err->code ? err->code : "internal",
                          "message", err->message, "field", err->field[0] ? err->field : NULL);
    if (e == NULL) /* not valid UTF-8 after all: never answer without an error body */
        e = json_pack("{s:{s:s,s:s,s:n}}", "error", "code", "invalid_value", "message",
                      "请求内容无效");
    mz_res_json(res, err->status ? err->status : 500, e);
}

void mz_res_empty(mz_res *res, int status)
{
    res->status = status;
    res->content_type = NULL;
    mz_buf_cleanup(&res->body);
}
