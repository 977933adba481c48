/*
 * /audit: search the hash-chained log and verify the chain.  Auditors see
 * entries about their own subtree and entries with no region (logins).
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/date.h"
#include "core/audit.h"

static json_t *parse_or_null(const char *s)
{
    return s ? json_loads(s, 0, NULL) : json_null();
}

void mz_h_audit_list(mz_req *req, mz_res *res)
{
    mz_error err;
    int page, page_size, from_day = 0, to_day = 0;
    const char *actor = mz_req_query(req, "actor"), *action = mz_req_query(req, "action");
    const char *otype = mz_req_query(req, "object_type"), *oid = mz_req_query(req, "object_id");
    const char *from = mz_req_query(req, "from"), *to = mz_req_query(req, "to");
    char from_s[11] = "", to_s[11] = "", scope[16];
    json_t *items = json_array();
    int64_t total = 0;
    mz_stmt *st = NULL;

    if (mz_req_paging(req, &page, &page_size, &err) < 0)
        goto fail;
    if (from && mz_date_parse(from, &from_day) != 0) {
        mz_error_set(&err, 400, "invalid_parameter", "from", "日期格式须为 YYYY-MM-DD");
        goto fail;
    }
    if (to && mz_date_parse(to, &to_day) != 0) {
        mz_error_set(&err, 400, "invalid_parameter", "to", "日期格式须为 YYYY-MM-DD");
        goto fail;
    }
    if (from)
        mz_date_format(from_day, from_s);
    if (to)
        mz_date_format(to_day + 1, to_s); /* exclusive upper bound: the day after */
    snprintf(scope, sizeof scope, "%s%%", req->actor.scope_prefix);
#define AUDIT_WHERE                                                                                \
    "WHERE (region_code IS NULL OR region_code LIKE ?) AND (? = '' OR actor_name = ?) "            \
    "AND (? = '' OR action = ?) AND (? = '' OR object_type = ?) AND (? = '' OR object_id = ?) "    \
    "AND (? = '' OR at >= ?) AND (? = '' OR at < ?) "
#define AUDIT_ARGS                                                                                 \
    scope, actor ? actor : "", actor ? actor : "", action ? action : "", action ? action : "",     \
        otype ? otype : "", otype ? otype : "", oid ? oid : "", oid ? oid : "", from_s, from_s,    \
        to_s, to_s
    if (mz_db_query_int64(req->db, &total, "SELECT COUNT(*) FROM audit_log " AUDIT_WHERE,
                          "ttttttttttttt", AUDIT_ARGS) < 0) {
        mz_error_internal(&err, mz_db_errmsg(req->db));
        goto fail;
    }
    st = mz_db_prepare_bind(req->db,
                            "SELECT seq, at, actor_id, actor_name, action, object_type, object_id, "
                            "region_code, before_json, after_json, request_id, hash "
                            "FROM audit_log " AUDIT_WHERE "ORDER BY seq DESC LIMIT ? OFFSET ?",
                            "tttttttttttttii", AUDIT_ARGS, (int64_t)page_size,
                            (int64_t)(page - 1) * page_size);
    if (st == NULL) {
        mz_error_internal(&err, mz_db_errmsg(req->db));
        goto fail;
    }
    int rc;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        json_array_append_new(
            items, json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s?,s:s?,s:o,s:o,s:s?,s:s}", "seq",
                             (json_int_t)mz_stmt_int64(st, 0), "at", mz_stmt_text(st, 1),
                             "actor_id", (json_int_t)mz_stmt_int64(st, 2), "actor_name",
                             mz_stmt_text(st, 3), "action", mz_stmt_text(st, 4), "object_type",
                             mz_stmt_text(st, 5), "object_id", mz_stmt_text(st, 6), "region_code",
                             mz_stmt_text(st, 7), "before", parse_or_null(mz_stmt_text(st, 8)),
                             "after", parse_or_null(mz_stmt_text(st, 9)), "request_id",
                             mz_stmt_text(st, 10), "hash", mz_stmt_text(st, 11)));
    }
    mz_stmt_finalize(st);
    if (rc < 0) {
        mz_error_internal(&err, mz_db_errmsg(req->db));
        goto fail;
    }
    mz_res_json(res, 200,
                json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page",
                          page, "page_size", page_size));
    return;
fail:
    json_decref(items);
    mz_res_error(res, &err);
}

void mz_h_audit_verify(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t checked, broken;
    if (mz_audit_verify(req->db, &checked, &broken) < 0) {
        mz_error_internal(&err, mz_db_errmsg(req->db));
        mz_res_error(res, &err);
        return;
    }
    json_t *fb = broken ? json_integer(broken) : json_null();
    mz_res_json(res, 200,
                json_pack("{s:b,s:I,s:o}", "ok", broken == 0, "checked", (json_int_t)checked,
                          "first_broken", fb));
}
