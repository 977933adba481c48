/*
 * Policy as data (see policy.h): looking up the value in force, adding a
 * value, and the catalogue with its values for the editor.
 *
 * Two forms of a value.  policy_params.value holds the stored form the
 * header describes (fen and basis points as integers).  People and the API
 * use the human form, which mz_policy_add takes and the JSON answers show as
 * "value": fen as yuan text ("650.00"), ratio as a decimal ("1.3", "0.35"),
 * int as digits, list as a comma list of allowed words, text as one allowed
 * word (or free text when the catalogue names no words).  The conversion is
 * exact both ways (base/money, base/ratio), so what was entered is what is
 * stored.
 *
 * Region prefixes.  A value is set for a region's subtree: the prefix is the
 * significant part of a 12-digit code ("3213" 宿迁市, "321302" 宿城区).  Only
 * the command-line actor may set the national default (prefix ""), because
 * no staff account's scope is wider than the city.
 */
#include "core/policy.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/mem.h"
#include "base/money.h"
#include "base/ratio.h"
#include "base/strnum.h"
#include "base/utf8.h"
#include "core/audit.h"
#include "core/region.h"

#define VALUE_MAX_BYTES 500 /* fits mz_policy_value.text */
#define NOTE_MAX_CHARS 200
#define NATIONAL_NAME "全国默认"

/* A catalogue row: what a parameter is and which values it takes. */
typedef struct catalog {
    char unit[8];
    int has_min, has_max;
    int64_t min, max;
    char allowed[1024]; /* comma list of words, "" when the catalogue names none */
    int has_allowed;
    char name[192];
} catalog;

static const char *unit_name(const char *unit)
{
    if (strcmp(unit, "fen") == 0)
        return "金额（元）";
    if (strcmp(unit, "ratio") == 0)
        return "比例（倍数）";
    if (strcmp(unit, "int") == 0)
        return "整数";
    if (strcmp(unit, "list") == 0)
        return "词表";
    return "文本";
}

static int unit_is_number(const char *unit)
{
    return strcmp(unit, "fen") == 0 || strcmp(unit, "ratio") == 0 || strcmp(unit, "int") == 0;
}

/* The human form of a number of a numeric unit. */
static void human_number(const char *unit, int64_t num, char out[32])
{
    if (strcmp(unit, "fen") == 0)
        mz_money_format(num, out);
    else if (strcmp(unit, "ratio") == 0)
        mz_ratio_format(num, out);
    else
        snprintf(out, 32, "%" PRId64, num);
}

/* Reads a stored value: the number of a numeric unit (0 for list / text).  0 or -1 when corrupt. */
static int stored_parse(const char *unit, const char *stored, int64_t *num)
{
    *num = 0;
    if (!unit_is_number(unit))
        return 0;
    return mz_strtoi64(stored, INT64_MIN, INT64_MAX, num) == 0 ? 0 : -1;
}

/* The human form of a stored value, or NULL when it does not read for its unit. */
static json_t *human_json(const char *unit, const char *stored)
{
    char buf[32];
    int64_t num;
    if (stored_parse(unit, stored, &num) < 0)
        return json_null();
    if (!unit_is_number(unit))
        return json_string(stored);
    human_number(unit, num, buf);
    return json_string(buf);
}

/* Whether the len bytes at word are one of the words of the comma list. */
static int word_allowed(const char *list, const char *word, size_t len)
{
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && strncmp(p, word, len) == 0)
            return 1;
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

static int catalog_load(mz_db *db, const char *program, const char *param, catalog *c,
                        mz_error *err)
{
    int64_t n = 0;
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT unit, min_value, max_value, allowed, name "
                                     "FROM policy_catalog WHERE program = ? AND param = ?",
                                     "tt", program, param);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW) {
        const char *allowed = mz_stmt_text(st, 3);
        memset(c, 0, sizeof *c);
        snprintf(c->unit, sizeof c->unit, "%s", mz_stmt_text(st, 0));
        c->has_min = !mz_stmt_is_null(st, 1);
        c->min = mz_stmt_int64(st, 1);
        c->has_max = !mz_stmt_is_null(st, 2);
        c->max = mz_stmt_int64(st, 2);
        c->has_allowed = allowed != NULL && *allowed != '\0';
        snprintf(c->allowed, sizeof c->allowed, "%s", allowed ? allowed : "");
        snprintf(c->name, sizeof c->name, "%s", mz_stmt_text(st, 4));
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc == MZ_DB_ROW)
        return 0;
    if (mz_db_query_int64(db, &n, "SELECT COUNT(*) FROM policy_catalog WHERE program = ?", "t",
                          program) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (n == 0)
        return mz_error_set(err, 400, "invalid_value", "program", "保障项目 %.40s 不存在", program);
    return mz_error_set(err, 400, "invalid_value", "param", "保障项目 %.40s 没有参数 %.60s",
                        program, param);
}

/* Checks a number against the catalogue's bounds. */
static int check_bounds(const catalog *c, int64_t num, mz_error *err)
{
    char lo[32], hi[32];
    if ((!c->has_min || num >= c->min) && (!c->has_max || num <= c->max))
        return 0;
    human_number(c->unit, c->min, lo);
    human_number(c->unit, c->max, hi);
    if (c->has_min && c->has_max)
        return mz_error_set(err, 400, "invalid_value", "value", "%s须在 %s 至 %s 之间", c->name, lo,
                            hi);
    if (c->has_min)
        return mz_error_set(err, 400, "invalid_value", "value", "%s不能小于 %s", c->name, lo);
    return mz_error_set(err, 400, "invalid_value", "value", "%s不能大于 %s", c->name, hi);
}

/* A comma list: one or more allowed words, none twice. */
static int check_list(const catalog *c, const char *value, mz_error *err)
{
    for (const char *p = value;;) {
        size_t n = strcspn(p, ",");
        if (n == 0)
            return mz_error_set(err, 400, "invalid_value", "value",
                                "词表须为以英文逗号分隔的一个或多个词，不能有空项");
        int known = c->has_allowed ? word_allowed(c->allowed, p, n)
                                   : strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
        if (!known)
            return mz_error_set(err, 400, "invalid_value", "value", "“%.*s”不是%s允许的词",
                                (int)(n > 40 ? 40 : n), p, c->name);
        for (const char *q = value; q < p;) {
            size_t m = strcspn(q, ",");
            if (m == n && strncmp(q, p, n) == 0)
                return mz_error_set(err, 400, "invalid_value", "value", "“%.*s”重复出现",
                                    (int)(n > 40 ? 40 : n), p);
            q += m + 1;
        }
        p += n;
        if (*p == '\0')
            return 0;
        p++;
    }
}

static int check_text(const catalog *c, const char *value, mz_error *err)
{
    size_t n = strlen(value);
    if (c->has_allowed) {
        if (n == 0 || !word_allowed(c->allowed, value, n))
            return mz_error_set(err, 400, "invalid_value", "value", "%s须为以下之一：%.120s",
                                c->name, c->allowed);
        return 0;
    }
    if (n == 0 || !mz_utf8_valid(value, n) || mz_utf8_has_control(value))
        return mz_error_set(err, 400, "invalid_value", "value", "取值须为不含控制字符的非空文本");
    return 0;
}

/*
 * Validates a value in human form against the catalogue and writes its
 * stored form into stored (at least 512 bytes).
 */
static int value_to_stored(const catalog *c, const char *value, char *stored, size_t len,
                           mz_error *err)
{
    int64_t num = 0;
    int rc;
    if (strlen(value) > VALUE_MAX_BYTES)
        return mz_error_set(err, 400, "invalid_value", "value", "取值不能超过%d字节",
                            VALUE_MAX_BYTES);
    if (strcmp(c->unit, "fen") == 0) {
        rc = mz_money_parse(value, &num);
        if (rc == MZ_MONEY_EFORMAT)
            return mz_error_set(err, 400, "invalid_value", "value",
                                "%s须为以元为单位的金额，最多两位小数，如 650 或 650.50", c->name);
    } else if (strcmp(c->unit, "ratio") == 0) {
        rc = mz_ratio_parse(value, &num);
        if (rc == MZ_RATIO_EFORMAT)
            return mz_error_set(err, 400, "invalid_value", "value",
                                "%s须为倍数，最多四位小数，如 1.3 或 0.35", c->name);
    } else if (strcmp(c->unit, "int") == 0) {
        rc = mz_strtoi64(value, INT64_MIN, INT64_MAX, &num);
        if (rc == MZ_STRNUM_EINVAL)
            return mz_error_set(err, 400, "invalid_value", "value", "%s须为整数", c->name);
    } else if (strcmp(c->unit, "list") == 0) {
        if (check_list(c, value, err) < 0)
            return -1;
        snprintf(stored, len, "%s", value);
        return 0;
    } else {
        if (check_text(c, value, err) < 0)
            return -1;
        snprintf(stored, len, "%s", value);
        return 0;
    }
    if (rc != 0) /* a well-formed number beyond int64_t: certainly beyond the bounds */
        return mz_error_set(err, 400, "invalid_value", "value", "%s超出允许范围", c->name);
    if (check_bounds(c, num, err) < 0)
        return -1;
    snprintf(stored, len, "%" PRId64, num);
    return 0;
}

static int check_note(const char *note, mz_error *err)
{
    size_t n = strlen(note);
    if (!mz_utf8_valid(note, n) || mz_utf8_has_control(note))
        return mz_error_set(err, 400, "invalid_value", "note", "备注含有无效字符");
    if (mz_utf8_chars(note) > NOTE_MAX_CHARS)
        return mz_error_set(err, 400, "invalid_value", "note", "备注不能超过%d个字符",
                            NOTE_MAX_CHARS);
    return 0;
}

/* ---- rows as JSON -------------------------------------------------------- */

#define ROW_COLUMNS                                                                                \
    "p.id, p.program, p.param, c.unit, p.region_prefix, r.name, p.effective_from, p.value, "       \
    "p.note, p.created_by, p.created_at "
#define ROW_FROM                                                                                   \
    "FROM policy_params p "                                                                        \
    "JOIN policy_catalog c ON c.program = p.program AND c.param = p.param "                        \
    "LEFT JOIN regions r ON p.region_prefix <> '' "                                                \
    "AND r.code = SUBSTR(p.region_prefix || '000000000000', 1, 12) "

static json_t *row_json(mz_stmt *st)
{
    const char *unit = mz_stmt_text(st, 3), *prefix = mz_stmt_text(st, 4);
    const char *region_name = *prefix ? mz_stmt_text(st, 5) : NATIONAL_NAME;
    char code[13] = "";
    if (*prefix) {
        size_t n = strnlen(prefix, 12);
        memcpy(code, prefix, n);
        memset(code + n, '0', 12 - n);
        code[12] = '\0';
    }
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s?,s:s?,s:s,s:o,s:s,s:s?,s:s,s:s}", "id",
                     (json_int_t)mz_stmt_int64(st, 0), "program", mz_stmt_text(st, 1), "param",
                     mz_stmt_text(st, 2), "unit", unit, "region_prefix", prefix, "region_code",
                     *prefix ? code : NULL, "region_name", region_name, "effective_from",
                     mz_stmt_text(st, 6), "value", human_json(unit, mz_stmt_text(st, 7)), "stored",
                     mz_stmt_text(st, 7), "note", mz_stmt_text(st, 8), "created_by",
                     mz_stmt_text(st, 9), "created_at", mz_stmt_text(st, 10));
}

static int row_load(mz_db *db, int64_t id, json_t **out, mz_error *err)
{
    mz_stmt *st = mz_db_prepare_bind(db, "SELECT " ROW_COLUMNS ROW_FROM "WHERE p.id = ?", "i", id);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW)
        *out = row_json(st);
    mz_stmt_finalize(st);
    if (rc != MZ_DB_ROW)
        return mz_error_internal(err, rc < 0 ? mz_db_errmsg(db) : "policy row vanished");
    return 0;
}

/* ---- the value in force ---------------------------------------------------- */

/*
 * The deciding row for region_code on day: longest prefix first, then the
 * latest effective date not after day.  MZ_DB_ROW with out filled (num not
 * parsed yet), MZ_DB_OK when none applies, negative on error.
 */
static int lookup(mz_db *db, const char *program, const char *param, const char *region_code,
                  const char *day, mz_policy_value *out)
{
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT p.id, p.region_prefix, p.effective_from, p.value, c.unit "
        "FROM policy_params p "
        "JOIN policy_catalog c ON c.program = p.program AND c.param = p.param "
        "WHERE p.program = ? AND p.param = ? AND CAST(? AS TEXT) LIKE (p.region_prefix || '%') "
        "AND p.effective_from <= ? "
        "ORDER BY LENGTH(p.region_prefix) DESC, p.effective_from DESC LIMIT 1",
        "tttt", program, param, region_code, day);
    if (st == NULL)
        return MZ_DB_ERROR;
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW) {
        memset(out, 0, sizeof *out);
        snprintf(out->program, sizeof out->program, "%s", program);
        snprintf(out->param, sizeof out->param, "%s", param);
        out->id = mz_stmt_int64(st, 0);
        snprintf(out->region_prefix, sizeof out->region_prefix, "%s", mz_stmt_text(st, 1));
        snprintf(out->effective_from, sizeof out->effective_from, "%s", mz_stmt_text(st, 2));
        snprintf(out->text, sizeof out->text, "%s", mz_stmt_text(st, 3));
        snprintf(out->unit, sizeof out->unit, "%s", mz_stmt_text(st, 4));
    }
    mz_stmt_finalize(st);
    return rc;
}

int mz_policy_get(mz_db *db, const char *program, const char *param, const char *region_code,
                  const char *day, mz_policy_value *out, mz_error *err)
{
    int d;
    if (!mz_region_code_valid(region_code))
        return mz_error_set(err, 400, "invalid_region", "region", "区划代码须为12位数字");
    if (mz_date_parse(day, &d) != 0)
        return mz_error_set(err, 400, "invalid_value", "date", "日期须为有效的 YYYY-MM-DD");
    int rc = lookup(db, program, param, region_code, day, out);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 404, "not_found", "param",
                            "政策参数 %.32s.%.64s 对区划 %s 在 %s 没有适用的取值", program, param,
                            region_code, day);
    if (stored_parse(out->unit, out->text, &out->num) < 0)
        return mz_error_set(err, 400, "invalid_value", "param",
                            "数据损坏：政策参数 %.32s.%.64s 第 %" PRId64
                            " 条取值“%.32s”不是有效的%s，请系统管理员核查",
                            program, param, out->id, out->text, unit_name(out->unit));
    return 0;
}

/* ---- adding a value -------------------------------------------------------- */

int mz_policy_add(mz_db *db, const mz_actor *actor, const char *program, const char *param,
                  const char *region_code, const char *effective_from, const char *value,
                  const char *note, int64_t *id, mz_error *err)
{
    catalog c;
    char prefix[13] = "", stored[512], at[21], idb[24];
    int64_t exists = 0;
    json_t *after = NULL;
    int d;

    if (catalog_load(db, program, param, &c, err) < 0)
        return -1;
    if (region_code == NULL || *region_code == '\0') {
        if (actor->id != 0 || strcmp(actor->role, "cli") != 0)
            return mz_error_set(err, 400, "invalid_region", "region_code",
                                "全国默认值只能由系统管理员在命令行设置，请选择区划");
        region_code = NULL;
    } else {
        if (mz_region_check(db, actor, region_code, "region_code", NULL, err) < 0)
            return -1;
        mz_region_prefix(region_code, prefix);
    }
    if (mz_date_parse(effective_from, &d) != 0)
        return mz_error_set(err, 400, "invalid_value", "effective_from",
                            "生效日期须为有效的 YYYY-MM-DD 日期（1900–2199年）");
    if (value_to_stored(&c, value, stored, sizeof stored, err) < 0)
        return -1;
    if (note && check_note(note, err) < 0)
        return -1;
    if (mz_db_query_int64(db, &exists,
                          "SELECT COUNT(*) FROM policy_params WHERE program = ? AND param = ? "
                          "AND region_prefix = ? AND effective_from = ?",
                          "tttt", program, param, prefix, effective_from) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (exists)
        return mz_error_set(err, 409, "conflict", "effective_from",
                            "%s在该区划自 %s 起已有取值；取值只增不改，请另选生效日期", c.name,
                            effective_from);
    mz_time_iso(time(NULL), at);
    int rc = mz_db_query_int64(db, id,
                               "INSERT INTO policy_params (program, param, region_prefix, "
                               "effective_from, value, note, created_by, created_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                               "tttttttt", program, param, prefix, effective_from, stored,
                               note && *note ? note : NULL, actor->username, at);
    if (rc == MZ_DB_CONSTRAINT)
        return mz_error_set(err, 409, "conflict", "effective_from", "%s在该区划自 %s 起已有取值",
                            c.name, effective_from);
    if (rc != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (row_load(db, *id, &after, err) < 0)
        return -1;
    snprintf(idb, sizeof idb, "%" PRId64, *id);
    rc = mz_audit_append(db, actor, "policy.add", "policy_param", idb, region_code, NULL, after,
                         err);
    json_decref(after);
    return rc;
}

/* ---- the catalogue for the editor ------------------------------------------ */

static json_t *catalog_item(mz_stmt *st)
{
    const char *unit = mz_stmt_text(st, 2), *allowed = mz_stmt_text(st, 5);
    char lo[32], hi[32];
    json_t *words = json_null();
    if (!mz_stmt_is_null(st, 3))
        human_number(unit, mz_stmt_int64(st, 3), lo);
    if (!mz_stmt_is_null(st, 4))
        human_number(unit, mz_stmt_int64(st, 4), hi);
    if (allowed && *allowed) {
        words = json_array();
        for (const char *p = allowed; *p;) {
            size_t n = strcspn(p, ",");
            json_array_append_new(words, json_stringn(p, n));
            p += n;
            if (*p == ',')
                p++;
        }
    }
    return json_pack("{s:s,s:s,s:s,s:s,s:s?,s:s?,s:o,s:s,s:I,s:n,s:[]}", "program",
                     mz_stmt_text(st, 0), "param", mz_stmt_text(st, 1), "name", mz_stmt_text(st, 6),
                     "unit", unit, "min_value", mz_stmt_is_null(st, 3) ? NULL : lo, "max_value",
                     mz_stmt_is_null(st, 4) ? NULL : hi, "allowed", words, "source",
                     mz_stmt_text(st, 7), "sort", (json_int_t)mz_stmt_int64(st, 8), "in_force",
                     "values");
}

/* Sets item.in_force to the copy of the value row that decides for the actor's region today. */
static int set_in_force(mz_db *db, const mz_actor *actor, const char *today, json_t *item,
                        mz_error *err)
{
    mz_policy_value v;
    size_t i;
    json_t *row;
    if (!mz_region_code_valid(actor->region_code))
        return 0;
    int rc =
        lookup(db, json_string_value(json_object_get(item, "program")),
               json_string_value(json_object_get(item, "param")), actor->region_code, today, &v);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return 0;
    json_array_foreach(json_object_get(item, "values"), i, row)
    {
        if (json_integer_value(json_object_get(row, "id")) == v.id) {
            json_object_set_new(item, "in_force", json_deep_copy(row));
            break;
        }
    }
    return 0;
}

int mz_policy_list(mz_db *db, const mz_actor *actor, const char *program, json_t **out,
                   mz_error *err)
{
    const char *prog = program ? program : "";
    char scope[16], today[11], key[128];
    json_t *items = json_array(), *by_key = json_object(), *item;
    mz_stmt *st = NULL;
    int64_t n = 0;
    size_t i;
    int rc;

    if (*prog) {
        if (mz_db_query_int64(db, &n, "SELECT COUNT(*) FROM policy_catalog WHERE program = ?", "t",
                              prog) < 0)
            goto db_fail;
        if (n == 0) {
            rc = mz_error_set(err, 400, "invalid_parameter", "program", "保障项目 %.40s 不存在",
                              prog);
            goto out;
        }
    }
    st = mz_db_prepare_bind(db,
                            "SELECT program, param, unit, min_value, max_value, allowed, name, "
                            "source, sort FROM policy_catalog "
                            "WHERE CAST(? AS TEXT) = '' OR program = ? ORDER BY program, sort",
                            "tt", prog, prog);
    if (st == NULL)
        goto db_fail;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        item = catalog_item(st);
        snprintf(key, sizeof key, "%s.%s", mz_stmt_text(st, 0), mz_stmt_text(st, 1));
        json_object_set(by_key, key, json_object_get(item, "values"));
        json_array_append_new(items, item);
    }
    mz_stmt_finalize(st);
    st = NULL;
    if (rc < 0)
        goto db_fail;

    /* Rows for the actor: national, those above its region, and those inside its subtree. */
    snprintf(scope, sizeof scope, "%s%%", actor->scope_prefix);
    st = mz_db_prepare_bind(db,
                            "SELECT " ROW_COLUMNS ROW_FROM
                            "WHERE (CAST(? AS TEXT) = '' OR p.program = ?) "
                            "AND (p.region_prefix = '' "
                            "     OR CAST(? AS TEXT) LIKE (p.region_prefix || '%') "
                            "     OR p.region_prefix LIKE ?) "
                            "ORDER BY p.effective_from DESC, LENGTH(p.region_prefix) DESC, "
                            "p.id DESC",
                            "tttt", prog, prog, actor->region_code, scope);
    if (st == NULL)
        goto db_fail;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        snprintf(key, sizeof key, "%s.%s", mz_stmt_text(st, 1), mz_stmt_text(st, 2));
        json_array_append_new(json_object_get(by_key, key), row_json(st));
    }
    mz_stmt_finalize(st);
    st = NULL;
    if (rc < 0)
        goto db_fail;

    mz_date_format(mz_date_today(), today);
    json_array_foreach(items, i, item)
    {
        if (set_in_force(db, actor, today, item, err) < 0) {
            rc = -1;
            goto out;
        }
    }
    *out = json_pack("{s:o}", "items", items);
    items = NULL;
    rc = 0;
    goto out;
db_fail:
    rc = mz_error_internal(err, mz_db_errmsg(db));
out:
    mz_stmt_finalize(st);
    json_decref(by_key);
    json_decref(items);
    return rc;
}
