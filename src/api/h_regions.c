/*
 * /regions: browse and search the registry within the caller's subtree.
 * A region outside the subtree is "not found", never "forbidden".
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/utf8.h"
#include "core/region.h"

static int visible(mz_req *req, const char *code, const char *field, mz_region *r, mz_error *err)
{
    if (!mz_region_code_valid(code))
        return mz_error_set(err, 400, "invalid_parameter", field, "区划代码须为12位数字");
    int rc = mz_actor_covers(&req->actor, code) ? mz_region_get(req->db, code, r) : MZ_DB_OK;
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(req->db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 404, "not_found", field, "区划 %s 不存在", code);
    return 0;
}

static json_t *list_answer(json_t *items, long long total, int page, int page_size)
{
    return json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page", page,
                     "page_size", page_size);
}

#define COLS                                                                                       \
    "SELECT r.code, r.name, r.level, r.parent_code, r.kind, "                                      \
    "CASE WHEN EXISTS (SELECT 1 FROM regions c WHERE c.parent_code = r.code) THEN 1 ELSE 0 END "   \
    "FROM regions r "

static void row_region(mz_stmt *st, mz_region *r)
{
    const char *parent = mz_stmt_text(st, 3), *kind = mz_stmt_text(st, 4);
    snprintf(r->code, sizeof r->code, "%s", mz_stmt_text(st, 0));
    snprintf(r->name, sizeof r->name, "%s", mz_stmt_text(st, 1));
    r->level = (int)mz_stmt_int64(st, 2);
    snprintf(r->parent_code, sizeof r->parent_code, "%s", parent ? parent : "");
    snprintf(r->kind, sizeof r->kind, "%s", kind ? kind : "");
    r->has_children = (int)mz_stmt_int64(st, 5);
}

/* Runs a region query and collects the rows. */
static int collect(mz_req *req, mz_stmt *st, json_t *items, mz_error *err)
{
    mz_region r;
    int rc;
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(req->db));
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        row_region(st, &r);
        json_array_append_new(items, mz_region_json(&r));
    }
    mz_stmt_finalize(st);
    return rc < 0 ? mz_error_internal(err, mz_db_errmsg(req->db)) : 0;
}

void mz_h_regions_list(mz_req *req, mz_res *res)
{
    mz_error err;
    mz_region r;
    int page, page_size;
    const char *parent = mz_req_query(req, "parent"), *q = mz_req_query(req, "q");
    const char *code = mz_req_query(req, "code");
    json_t *items = json_array();
    long long total = 0;

    if (mz_req_paging(req, &page, &page_size, &err) < 0)
        goto fail;
    if (parent) {
        if (visible(req, parent, "parent", &r, &err) < 0 ||
            collect(req,
                    mz_db_prepare_bind(req->db, COLS "WHERE r.parent_code = ? ORDER BY r.code", "t",
                                       parent),
                    items, &err) < 0)
            goto fail;
        total = (long long)json_array_size(items);
        page = 1;
        page_size = (int)total;
    } else if (q) {
        size_t n = strlen(q);
        if (n == 0 || n > 64 || !mz_utf8_valid(q, n) || strpbrk(q, "%_\\")) {
            mz_error_set(&err, 400, "invalid_parameter", "q",
                         "搜索内容须为1至64个字符，且不含 %% _ \\");
            goto fail;
        }
        char scope[16], *like = mz_arena_printf(req->arena, "%%%s%%", q);
        int64_t cnt = 0;
        snprintf(scope, sizeof scope, "%s%%", req->actor.scope_prefix);
        if (mz_db_query_int64(
                req->db, &cnt,
                "SELECT COUNT(*) FROM regions r WHERE r.code LIKE ? AND r.name LIKE ?", "tt", scope,
                like) < 0) {
            mz_error_internal(&err, mz_db_errmsg(req->db));
            goto fail;
        }
        total = cnt;
        if (collect(req,
                    mz_db_prepare_bind(req->db,
                                       COLS "WHERE r.code LIKE ? AND r.name LIKE ? "
                                            "ORDER BY r.level, r.code LIMIT ? OFFSET ?",
                                       "ttii", scope, like, (int64_t)page_size,
                                       (int64_t)(page - 1) * page_size),
                    items, &err) < 0)
            goto fail;
    } else {
        const char *one = code ? code : req->actor.region_code;
        if (visible(req, one, code ? "code" : NULL, &r, &err) < 0)
            goto fail;
        json_array_append_new(items, mz_region_json(&r));
        total = 1;
        page = page_size = 1;
    }
    mz_res_json(res, 200, list_answer(items, total, page, page_size));
    return;
fail:
    json_decref(items);
    mz_res_error(res, &err);
}

void mz_h_region_get(mz_req *req, mz_res *res)
{
    mz_error err;
    mz_region r, a;
    if (visible(req, req->params[0], "code", &r, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    json_t *out = mz_region_json(&r), *path = json_array();
    /* Walk up to the root; the registry is at most five levels deep. */
    json_array_append_new(path, mz_region_json(&r));
    a = r;
    for (int i = 0; i < 6 && a.parent_code[0]; i++) {
        char parent[13];
        snprintf(parent, sizeof parent, "%s", a.parent_code);
        if (mz_region_get(req->db, parent, &a) != MZ_DB_ROW)
            break;
        json_array_insert_new(path, 0, mz_region_json(&a));
    }
    json_object_set_new(out, "path", path);
    mz_res_json(res, 200, out);
}
