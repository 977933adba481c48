/*
 * Request accessors and response builders shared by every handler, and the
 * one place where an mz_error becomes the API's JSON error body.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
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

/*
 * The answer's JSON, written straight into the body: the same bytes as
 * json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) (keys in insertion order, UTF-8 as is,
 * '"', '\\' and control characters escaped as jansson does), without its per-character
 * callbacks and the copy (perf: json_dumps was a tenth of a person profile, a fifth of a case
 * list page).  jansson has checked every string's UTF-8 when it was made.
 */
static void dump_string(mz_buf *b, const char *s, size_t n)
{
    size_t run = 0;
    mz_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        mz_buf_append(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            mz_buf_append(b, "\\\"", 2);
            break;
        case '\\':
            mz_buf_append(b, "\\\\", 2);
            break;
        case '\b':
            mz_buf_append(b, "\\b", 2);
            break;
        case '\f':
            mz_buf_append(b, "\\f", 2);
            break;
        case '\n':
            mz_buf_append(b, "\\n", 2);
            break;
        case '\r':
            mz_buf_append(b, "\\r", 2);
            break;
        case '\t':
            mz_buf_append(b, "\\t", 2);
            break;
        default:
            mz_buf_printf(b, "\\u%04X", (unsigned)c);
            break;
        }
    }
    mz_buf_append(b, s + run, n - run);
    mz_buf_putc(b, '"');
}

static void dump_integer(mz_buf *b, json_int_t v)
{
    char d[24], *p = d + sizeof d;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    mz_buf_append(b, p, (size_t)(d + sizeof d - p));
}

static void dump_json(mz_buf *b, json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        int first = 1;
        mz_buf_putc(b, '{');
        for (void *it = json_object_iter(j); it; it = json_object_iter_next(j, it)) {
            if (!first)
                mz_buf_putc(b, ',');
            first = 0;
            dump_string(b, json_object_iter_key(it), json_object_iter_key_len(it));
            mz_buf_putc(b, ':');
            dump_json(b, json_object_iter_value(it));
        }
        mz_buf_putc(b, '}');
        break;
    }
    case JSON_ARRAY:
        mz_buf_putc(b, '[');
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i)
                mz_buf_putc(b, ',');
            dump_json(b, json_array_get(j, i));
        }
        mz_buf_putc(b, ']');
        break;
    case JSON_STRING:
        dump_string(b, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        dump_integer(b, json_integer_value(j));
        break;
    case JSON_REAL: {
        /* Rare in answers: jansson's own shortest round-trip form. */
        char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        mz_buf_puts(b, s ? s : "null");
        free(s);
        break;
    }
    case JSON_TRUE:
        mz_buf_append(b, "true", 4);
        break;
    case JSON_FALSE:
        mz_buf_append(b, "false", 5);
        break;
    case JSON_NULL:
        mz_buf_append(b, "null", 4);
        break;
    }
}

void mz_res_json(mz_res *res, int status, json_t *j)
{
    res->status = status;
    res->content_type = "application/json; charset=utf-8";
    mz_buf_cleanup(&res->body);
    if (j)
        dump_json(&res->body, j);
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
