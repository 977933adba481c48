/*
 * /policies: the policy parameters (catalogue and values by region prefix
 * and effective date), the value in force for a region on a day, adding a
 * value, and the 低保 standard calculator.  Values travel in their human form
 * (see core/policy.c): yuan text, decimal ratios, digits, words.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/date.h"
#include "base/money.h"
#include "base/ratio.h"
#include "core/policy.h"
#include "core/region.h"
#include "systems/assistance/standard.h"

/* The catalogue item of param in a list answer, or NULL. */
static json_t *find_item(json_t *list, const char *param)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(list, "items"), i, item)
    {
        if (strcmp(json_string_value(json_object_get(item, "param")), param) == 0)
            return item;
    }
    return NULL;
}

static json_t *find_row(json_t *item, int64_t id)
{
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(item, "values"), i, row)
    {
        if (json_integer_value(json_object_get(row, "id")) == id)
            return row;
    }
    return NULL;
}

/*
 * Loads the catalogue item of program.param and its value row id as the
 * actor sees them (copies; the caller decrefs).  The row is always visible:
 * it was just added in the actor's subtree, or it decides for a region in it.
 */
static int load_row(mz_req *req, const char *program, const char *param, int64_t id, json_t **item,
                    json_t **row, mz_error *err)
{
    json_t *list = NULL;
    if (mz_policy_list(req->db, &req->actor, program, &list, err) < 0)
        return -1;
    json_t *it = find_item(list, param), *r = it ? find_row(it, id) : NULL;
    if (r == NULL) {
        json_decref(list);
        return mz_error_internal(err, "policy row not in the actor's list");
    }
    *item = json_incref(it);
    *row = json_incref(r);
    json_decref(list);
    return 0;
}

void mz_h_policies_list(mz_req *req, mz_res *res)
{
    mz_error err;
    int page, page_size;
    const char *program = mz_req_query(req, "program");
    json_t *list = NULL;
    if (mz_req_paging(req, &page, &page_size, &err) < 0)
        goto fail;
    if (program && (*program == '\0' || strlen(program) > 31)) {
        mz_error_set(&err, 400, "invalid_parameter", "program", "保障项目代码须为1至31个字符");
        goto fail;
    }
    if (mz_policy_list(req->db, &req->actor, program, &list, &err) < 0)
        goto fail;
    /* The catalogue is small: page over it in memory. */
    json_t *all = json_object_get(list, "items"), *items = json_array();
    size_t total = json_array_size(all);
    for (size_t i = (size_t)(page - 1) * (size_t)page_size;
         i < total && i < (size_t)page * (size_t)page_size; i++)
        json_array_append(items, json_array_get(all, i));
    json_decref(list);
    mz_res_json(res, 200,
                json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page",
                          page, "page_size", page_size));
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_policies_resolve(mz_req *req, mz_res *res)
{
    mz_error err;
    mz_region r;
    mz_policy_value v;
    char day[11];
    int d;
    const char *program = mz_req_query(req, "program"), *param = mz_req_query(req, "param");
    const char *region = mz_req_query(req, "region"), *date = mz_req_query(req, "date");
    json_t *item = NULL, *row = NULL;

    if (program == NULL || *program == '\0' || strlen(program) > 31) {
        mz_error_set(&err, 400, "invalid_parameter", "program", "请给出保障项目代码 program");
        goto fail;
    }
    if (param == NULL || *param == '\0' || strlen(param) > 63) {
        mz_error_set(&err, 400, "invalid_parameter", "param", "请给出参数代码 param");
        goto fail;
    }
    if (region == NULL)
        region = req->actor.region_code;
    if (!mz_region_code_valid(region)) {
        mz_error_set(&err, 400, "invalid_parameter", "region", "区划代码须为12位数字");
        goto fail;
    }
    /* Outside the caller's subtree looks exactly like a code that does not exist. */
    int rc = mz_actor_covers(&req->actor, region) ? mz_region_get(req->db, region, &r) : MZ_DB_OK;
    if (rc < 0) {
        mz_error_internal(&err, mz_db_errmsg(req->db));
        goto fail;
    }
    if (rc != MZ_DB_ROW) {
        mz_error_set(&err, 404, "not_found", "region", "区划 %s 不存在", region);
        goto fail;
    }
    if (date == NULL) {
        mz_date_format(mz_date_today(), day);
        date = day;
    } else if (mz_date_parse(date, &d) != 0) {
        mz_error_set(&err, 400, "invalid_parameter", "date", "日期须为有效的 YYYY-MM-DD");
        goto fail;
    }
    if (mz_policy_get(req->db, program, param, region, date, &v, &err) < 0 ||
        load_row(req, program, param, v.id, &item, &row, &err) < 0)
        goto fail;
    int numeric = strcmp(v.unit, "list") != 0 && strcmp(v.unit, "text") != 0;
    json_t *out =
        json_pack("{s:s,s:s,s:O,s:s,s:s,s:s,s:s,s:O,s:o,s:O}", "program", program, "param", param,
                  "name", json_object_get(item, "name"), "unit", v.unit, "region_code", region,
                  "region_name", r.name, "date", date, "value", json_object_get(row, "value"),
                  "num", numeric ? json_integer((json_int_t)v.num) : json_null(), "row", row);
    json_decref(item);
    json_decref(row);
    mz_res_json(res, 200, out);
    return;
fail:
    json_decref(item);
    json_decref(row);
    mz_res_error(res, &err);
}

void mz_h_policies_create(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"program", MZ_T_STRING, 1},
                                      {"param", MZ_T_STRING, 1},
                                      {"region_code", MZ_T_STRING_OR_NULL, 0},
                                      {"effective_from", MZ_T_STRING, 1},
                                      {"value", MZ_T_STRING, 1},
                                      {"note", MZ_T_STRING_OR_NULL, 0},
                                      {NULL, 0, 0}};
    mz_error err;
    int64_t id;
    json_t *item = NULL, *row = NULL;
    if (mz_req_body(req, fields, &err) < 0)
        goto fail;
    const char *program = mz_body_str(req, "program"), *param = mz_body_str(req, "param");
    if (mz_policy_add(req->db, &req->actor, program, param, mz_body_str(req, "region_code"),
                      mz_body_str(req, "effective_from"), mz_body_str(req, "value"),
                      mz_body_str(req, "note"), &id, &err) < 0 ||
        load_row(req, program, param, id, &item, &row, &err) < 0)
        goto fail;
    json_decref(item);
    mz_res_json(res, 201, row);
    return;
fail:
    json_decref(item);
    json_decref(row);
    mz_res_error(res, &err);
}

void mz_h_policies_dibao_standard(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"consumption_expenditure_annual", MZ_T_STRING, 1},
                                      {"ratio", MZ_T_STRING, 1},
                                      {NULL, 0, 0}};
    mz_error err;
    mz_dibao_standard s = {0};
    int64_t expenditure, ratio;
    char exp_text[32], ratio_text[32], monthly[32];
    if (mz_req_body(req, fields, &err) < 0)
        goto fail;
    if (mz_money_parse(mz_body_str(req, "consumption_expenditure_annual"), &expenditure) != 0) {
        mz_error_set(&err, 400, "invalid_value", "consumption_expenditure_annual",
                     "上年度人均消费支出须为以元为单位的金额，最多两位小数，如 25000.00");
        goto fail;
    }
    if (mz_ratio_parse(mz_body_str(req, "ratio"), &ratio) != 0) {
        mz_error_set(&err, 400, "invalid_value", "ratio",
                     "测算比例须为小数，最多四位小数，如 0.35 表示 35%%");
        goto fail;
    }
    if (mz_dibao_standard_propose(expenditure, ratio, &s, &err) < 0)
        goto fail;
    mz_money_format(expenditure, exp_text);
    mz_ratio_format(ratio, ratio_text);
    mz_money_format(s.monthly_standard_fen, monthly);
    mz_res_json(res, 200,
                json_pack("{s:s,s:I,s:s,s:I,s:I,s:s,s:s,s:o}", "consumption_expenditure_annual",
                          exp_text, "consumption_expenditure_annual_fen", (json_int_t)expenditure,
                          "ratio", ratio_text, "ratio_bp", (json_int_t)ratio,
                          "monthly_standard_fen", (json_int_t)s.monthly_standard_fen,
                          "monthly_standard", monthly, "rounding", "yuan_up", "explanation",
                          s.explanation));
    return;
fail:
    mz_res_error(res, &err);
}
