/*
 * Request bodies: every check happens here, before a handler sees a value.
 * Order: encoding, depth (counted on the raw text so that a hostile document
 * costs nothing to refuse), JSON syntax, shape (object, known fields, types,
 * required fields), then strings free of control characters.
 */
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "base/utf8.h"

/* Nesting depth of the raw JSON text, brackets inside strings ignored. */
static int json_depth(const char *s, size_t n, int limit)
{
    int depth = 0, in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > limit)
                return depth;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return depth < 0 ? 0 : depth;
}

/* Whether any string in v (recursively) holds a control character.  Multi-line
 * text (MZ_T_TEXT) may hold tabs and newlines. */
static int has_control(json_t *v, int multiline)
{
    const char *k;
    json_t *x;
    size_t i;
    if (json_is_string(v)) {
        const unsigned char *p = (const unsigned char *)json_string_value(v);
        for (; *p; p++) {
            if (multiline && (*p == '\n' || *p == '\t' || *p == '\r'))
                continue;
            if (*p < 0x20 || *p == 0x7f || (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F))
                return 1;
        }
        return 0;
    }
    if (json_is_object(v)) {
        json_object_foreach(v, k, x)
        {
            if (mz_utf8_has_control(k) || has_control(x, multiline))
                return 1;
        }
    }
    if (json_is_array(v)) {
        json_array_foreach(v, i, x)
        {
            if (has_control(x, multiline))
                return 1;
        }
    }
    return 0;
}

static const mz_field *find_field(const mz_field *fields, const char *name)
{
    for (const mz_field *f = fields; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static int type_ok(const mz_field *f, json_t *v)
{
    switch (f->type) {
    case MZ_T_STRING:
    case MZ_T_TEXT:
        return json_is_string(v);
    case MZ_T_STRING_OR_NULL:
        return json_is_string(v) || json_is_null(v);
    case MZ_T_INT:
        return json_is_integer(v);
    case MZ_T_BOOL:
        return json_is_boolean(v);
    case MZ_T_OBJECT:
        return json_is_object(v);
    case MZ_T_ARRAY:
        return json_is_array(v);
    }
    return 0;
}

static const char *type_name(int t)
{
    switch (t) {
    case MZ_T_STRING:
    case MZ_T_TEXT:
        return "字符串";
    case MZ_T_STRING_OR_NULL:
        return "字符串或 null";
    case MZ_T_INT:
        return "整数";
    case MZ_T_BOOL:
        return "布尔值";
    case MZ_T_OBJECT:
        return "对象";
    case MZ_T_ARRAY:
        return "数组";
    }
    return "";
}

/* path + "." + key into f; field paths are ASCII and a longer one is cut. */
static const char *field_path(char f[64], const char *path, const char *key)
{
    if (snprintf(f, 64, "%s%s%s", path, path[0] ? "." : "", key) >= 64)
        f[63] = '\0';
    return f;
}

int mz_json_check(json_t *obj, const char *path, const mz_field *fields, mz_error *err)
{
    const char *key;
    json_t *v;
    char f[64];
    json_object_foreach(obj, key, v)
    {
        const mz_field *fd = find_field(fields, key);
        if (mz_utf8_has_control(key))
            return mz_error_set(err, 400, "unknown_field", path[0] ? path : NULL,
                                "字段名含有控制字符");
        field_path(f, path, key);
        if (fd == NULL)
            return mz_error_set(err, 400, "unknown_field", f, "不支持的字段：%s", f);
        if (!type_ok(fd, v))
            return mz_error_set(err, 400, "invalid_type", f, "字段 %s 须为%s", f,
                                type_name(fd->type));
        if (has_control(v, fd->type == MZ_T_TEXT))
            return mz_error_set(err, 400, "invalid_value", f, "字段 %s 含有控制字符", f);
    }
    for (const mz_field *fd = fields; fd->name; fd++)
        if (fd->required && json_object_get(obj, fd->name) == NULL) {
            field_path(f, path, fd->name);
            return mz_error_set(err, 400, "missing_field", f, "缺少必填字段：%s", f);
        }
    return 0;
}

int mz_req_body(mz_req *req, const mz_field *fields, mz_error *err)
{
    json_error_t je;
    const char *ct = mz_req_header(req, "Content-Type");
    if (req->body_too_large)
        return mz_error_set(err, 413, "body_too_large", NULL, "请求内容过大，不能超过%zu字节",
                            req->app->max_body);
    if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0)
        return mz_error_set(err, 415, "unsupported_media_type", NULL,
                            "请求内容类型须为 application/json");
    if (!mz_utf8_valid(req->body ? req->body : "", req->body_len))
        return mz_error_set(err, 400, "invalid_json", NULL, "请求内容不是有效的 UTF-8 编码");
    if (json_depth(req->body, req->body_len, req->app->max_json_depth) > req->app->max_json_depth)
        return mz_error_set(err, 400, "json_too_deep", NULL, "JSON 嵌套层数不能超过%d层",
                            req->app->max_json_depth);
    req->json = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &je);
    if (req->json == NULL)
        return mz_error_set(err, 400, "invalid_json", NULL, "JSON 格式错误（第%d行第%d列）",
                            je.line, je.column);
    if (!json_is_object(req->json))
        return mz_error_set(err, 400, "invalid_json", NULL, "请求内容须为 JSON 对象");
    return mz_json_check(req->json, "", fields, err);
}

const char *mz_body_str(const mz_req *req, const char *name)
{
    return json_string_value(json_object_get(req->json, name));
}

int mz_body_bool(const mz_req *req, const char *name)
{
    json_t *v = json_object_get(req->json, name);
    return v ? json_is_true(v) : -1;
}
