/*
 * Small endpoints: health, the OpenAPI document, roles, the calendar.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/calendar.h"
#include "base/date.h"
#include "store/migrate.h"

void mz_h_health(mz_req *req, mz_res *res)
{
    mz_error err;
    int v = mz_schema_version(req->db);
    if (v < 0) {
        mz_error_internal(&err, mz_db_errmsg(req->db));
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200,
                json_pack("{s:s,s:s,s:s,s:i,s:i}", "status", "ok", "version", MZ_VERSION, "store",
                          mz_db_kind_name(req->db), "schema_version", v, "schema_latest",
                          mz_schema_latest()));
}

void mz_h_openapi(mz_req *req, mz_res *res)
{
    mz_error err;
    if (req->app->openapi_path == NULL) {
        mz_error_set(&err, 404, "not_found", NULL, "未找到接口说明文件");
        mz_res_error(res, &err);
        return;
    }
    res->status = 200;
    res->content_type = "application/yaml; charset=utf-8";
    res->file = mz_strdup(req->app->openapi_path);
}

void mz_h_roles_list(mz_req *req, mz_res *res)
{
    mz_error err;
    json_t *items = json_array(), *by_code = json_object();
    int rc;
    mz_stmt *st = mz_db_prepare(req->db, "SELECT code, name, levels FROM roles ORDER BY sort");
    if (st == NULL)
        goto fail;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        json_t *levels = json_array();
        char *l = mz_strdup(mz_stmt_text(st, 2));
        for (char *save = NULL, *t = strtok_r(l, ",", &save); t; t = strtok_r(NULL, ",", &save))
            json_array_append_new(levels, json_string(t));
        mz_free(l);
        json_t *role = json_pack("{s:s,s:s,s:o,s:[]}", "code", mz_stmt_text(st, 0), "name",
                                 mz_stmt_text(st, 1), "levels", levels, "permissions");
        json_array_append_new(items, role);
        json_object_set(by_code, mz_stmt_text(st, 0), role);
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        goto fail;
    st = mz_db_prepare(req->db,
                       "SELECT role_code, permission FROM role_permissions ORDER BY permission");
    if (st == NULL)
        goto fail;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        json_t *role = json_object_get(by_code, mz_stmt_text(st, 0));
        if (role)
            json_array_append_new(json_object_get(role, "permissions"),
                                  json_string(mz_stmt_text(st, 1)));
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        goto fail;
    json_decref(by_code);
    size_t n = json_array_size(items);
    mz_res_json(res, 200,
                json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)n, "page", 1,
                          "page_size", (int)n));
    return;
fail:
    json_decref(items);
    json_decref(by_code);
    mz_error_internal(&err, mz_db_errmsg(req->db));
    mz_res_error(res, &err);
}

void mz_h_calendar_list(mz_req *req, mz_res *res)
{
    mz_error err;
    long long year;
    json_t *items = json_array();
    if (mz_req_query_int(req, "year", 1900, 2199, 0, &year, &err) < 0)
        goto fail;
    if (year == 0) {
        mz_error_set(&err, 400, "invalid_parameter", "year", "请提供年份 year");
        goto fail;
    }
    char from[12], to[12];
    snprintf(from, sizeof from, "%04lld-01-01", year);
    snprintf(to, sizeof to, "%04lld-12-31", year);
    mz_stmt *st = mz_db_prepare_bind(
        req->db,
        "SELECT day, kind, name FROM calendar_days WHERE day >= ? AND day <= ? ORDER BY day", "tt",
        from, to);
    int rc = MZ_DB_ERROR;
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(items, json_pack("{s:s,s:s,s:s}", "day", mz_stmt_text(st, 0), "kind",
                                               mz_stmt_text(st, 1), "name", mz_stmt_text(st, 2)));
    mz_stmt_finalize(st);
    if (rc < 0) {
        mz_error_internal(&err, mz_db_errmsg(req->db));
        goto fail;
    }
    size_t n = json_array_size(items);
    mz_res_json(res, 200,
                json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)n, "page", 1,
                          "page_size", (int)n));
    return;
fail:
    json_decref(items);
    mz_res_error(res, &err);
}

/* Builds the calendar from the database rows (a few hundred; cheap). */
static mz_calendar *load_calendar(mz_db *db)
{
    mz_calendar *cal = mz_calendar_new();
    mz_stmt *st = mz_db_prepare(db, "SELECT day, kind FROM calendar_days");
    int rc = MZ_DB_ERROR, day;
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW)
        if (mz_date_parse(mz_stmt_text(st, 0), &day) == 0)
            mz_calendar_set(cal, day,
                            strcmp(mz_stmt_text(st, 1), "holiday") == 0 ? MZ_CAL_HOLIDAY
                                                                        : MZ_CAL_WORKDAY);
    mz_stmt_finalize(st);
    if (rc < 0) {
        mz_calendar_free(cal);
        return NULL;
    }
    return cal;
}

void mz_h_calendar_add(mz_req *req, mz_res *res)
{
    mz_error err;
    const char *from = mz_req_query(req, "from");
    long long days;
    int from_day, out_day;
    char out[11];
    if (from == NULL || mz_date_parse(from, &from_day) != 0) {
        mz_error_set(&err, 400, "invalid_parameter", "from", "from 须为 YYYY-MM-DD 格式的日期");
        goto fail;
    }
    if (mz_req_query_int(req, "days", 0, 365, -1, &days, &err) < 0)
        goto fail;
    if (days < 0) {
        mz_error_set(&err, 400, "invalid_parameter", "days", "请提供工作日天数 days");
        goto fail;
    }
    mz_calendar *cal = load_calendar(req->db);
    if (cal == NULL) {
        mz_error_internal(&err, mz_db_errmsg(req->db));
        goto fail;
    }
    int rc = mz_calendar_add_workdays(cal, from_day, (int)days, &out_day);
    mz_calendar_free(cal);
    if (rc != 0) {
        mz_error_set(&err, 400, "invalid_parameter", "days", "超出日历范围");
        goto fail;
    }
    mz_date_format(out_day, out);
    mz_res_json(res, 200,
                json_pack("{s:s,s:I,s:s}", "from", from, "days", (json_int_t)days, "date", out));
    return;
fail:
    mz_res_error(res, &err);
}
