/*
 * 社会救助 decision notices (see notices.h).  The wording follows the
 * procedures of RULES.md §1, §2 and §4: a refusal states its reasons and the
 * legal basis [A, E, F, H]; a refusal or a termination tells the applicant of
 * the right to administrative reconsideration within 60 days
 * (《中华人民共和国行政复议法》第二十条) or to sue within 6 months
 * (《中华人民共和国行政诉讼法》第四十六条), counted from receiving the notice;
 * an approval states the amount in yuan and fen, the month it starts and how
 * it was computed.  The applicant's ID number is printed masked: the notice
 * is served to the applicant, who knows it, and every download of it is
 * audited.
 */
#include "systems/assistance/notices.h"

#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/idnum.h"
#include "base/money.h"
#include "base/pdf.h"
#include "core/region.h"

struct program {
    const char *code, *name, *basis;
};

static const struct program programs[] = {
    {"dibao", "最低生活保障",
     "《社会救助暂行办法》（国务院令第649号）和《最低生活保障审核确认办法》"},
    {"tekun", "特困人员救助供养", "《社会救助暂行办法》（国务院令第649号）和《特困人员认定办法》"},
    {"temporary", "临时救助",
     "《社会救助暂行办法》（国务院令第649号）和《关于进一步加强和改进临时救助工作的意见》"},
};

static const char remedy[] =
    "如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，也可以自收到本通知书之"
    "日起六个月内依法向人民法院提起行政诉讼。";

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void day_text(int day, char *out, size_t len)
{
    int y, m, d;
    mz_date_to_ymd(day, &y, &m, &d);
    snprintf(out, len, "%d年%d月%d日", y, m, d);
}

/* "2026-04" as "2026年4月"; the text itself when it is not a month. */
static void month_text(const char *month, char *out, size_t len)
{
    int m;
    if (month && mz_month_parse(month, &m) == 0) {
        int y, mm, d;
        mz_date_to_ymd(mz_month_first_day(m), &y, &mm, &d);
        snprintf(out, len, "%d年%d月", y, mm);
    } else {
        snprintf(out, len, "%s", month ? month : "");
    }
}

/* fen as "830.01元". */
static void yuan_text(int64_t fen, char *out, size_t len)
{
    char y[32];
    mz_money_format(fen, y);
    snprintf(out, len, "%s元", y);
}

static int region_name(mz_db *db, const char *code, char *out, size_t len)
{
    mz_region r;
    int rc = mz_region_get(db, code, &r);
    if (rc < 0)
        return -1;
    snprintf(out, len, "%s", rc == MZ_DB_ROW ? r.name : "");
    return 0;
}

/* The region of code at level (3 county, 4 township) as a 12-digit code. */
static void ancestor(const char *code, int level, char out[13])
{
    size_t keep = level == 3 ? 6 : 9;
    snprintf(out, 13, "%.*s%.*s", (int)keep, code, (int)(12 - keep), "000000000000");
}

/* "宿城区幸福街道凤凰居委会": the village with its township and county. */
static int address(mz_db *db, const char *village, char *out, size_t len)
{
    char code[13], county[192], town[192], vil[192];
    ancestor(village, 3, code);
    if (region_name(db, code, county, sizeof county) < 0)
        return -1;
    ancestor(village, 4, code);
    if (region_name(db, code, town, sizeof town) < 0 ||
        region_name(db, village, vil, sizeof vil) < 0)
        return -1;
    snprintf(out, len, "%s%s%s", county, town, vil);
    return 0;
}

/* The deciding body: the actor's county 民政局 or township 人民政府; else the case's county. */
static int authority(mz_db *db, const mz_actor *actor, const char *village, char *out, size_t len)
{
    char code[13], name[192];
    int township = actor->level == 4;
    if (actor->level == 3 || township)
        snprintf(code, sizeof code, "%s", actor->region_code);
    else
        ancestor(village, 3, code);
    if (region_name(db, code, name, sizeof name) < 0)
        return -1;
    snprintf(out, len, "%s%s", name, township ? "人民政府" : "民政局");
    return 0;
}

/* "张三（身份证号码：321302********1234）" or the name alone. */
static int addressee(mz_db *db, json_t *row, char *out, size_t len)
{
    const char *name = str(row, "applicant_name");
    json_t *pid = json_object_get(row, "applicant_person_id");
    char *id = NULL, masked[19];
    if (json_is_integer(pid)) {
        if (mz_db_query_text(db, &id, "SELECT id_number FROM persons WHERE id = ?", "i",
                             (int64_t)json_integer_value(pid)) < 0)
            return -1;
    }
    if (id) {
        mz_idnum_mask(id, masked);
        snprintf(out, len, "%s（身份证号码：%s）：", name ? name : "", masked);
    } else {
        snprintf(out, len, "%s：", name ? name : "");
    }
    mz_free(id);
    return 0;
}

/* The reasons of the decision: the action's data.reasons, else the recorded refusal reasons. */
static json_t *reasons_of(json_t *row, json_t *action_data)
{
    json_t *r = json_object_get(action_data, "reasons");
    if (!json_is_array(r))
        r = json_object_get(json_object_get(row, "data"), "refusal_reasons");
    return json_is_array(r) ? r : NULL;
}

static void add_reasons(mz_pdf *pdf, json_t *reasons)
{
    size_t i;
    json_t *v;
    char line[1024];
    json_array_foreach(reasons, i, v)
    {
        snprintf(line, sizeof line, "%zu. %s", i + 1,
                 json_string_value(v) ? json_string_value(v) : "");
        mz_pdf_paragraph(pdf, line, 1);
    }
}

/* The approval's amount, basis and computation. */
static void approval_body(mz_pdf *pdf, const struct program *p, json_t *row)
{
    json_t *data = json_object_get(row, "data"), *a = json_object_get(data, "assessment");
    char text[512], amount[64], month[32];
    int one_off = strcmp(p->code, "temporary") == 0;
    json_t *fen =
        one_off ? json_object_get(data, "amount_fen") : json_object_get(a, "monthly_amount_fen");
    mz_pdf_kv(pdf, "保障项目", p->name);
    if (json_is_string(json_object_get(a, "category_name")))
        mz_pdf_kv(pdf, "保障类别", str(a, "category_name"));
    if (json_is_integer(json_object_get(a, "counted_members")) && !one_off) {
        snprintf(text, sizeof text, "%lld人",
                 (long long)json_integer_value(json_object_get(a, "counted_members")));
        mz_pdf_kv(pdf, "保障人数", text);
    }
    if (json_is_integer(fen)) {
        yuan_text((int64_t)json_integer_value(fen), amount, sizeof amount);
        mz_pdf_kv(pdf, one_off ? "救助金额" : "月保障金额", amount);
    }
    if (one_off) {
        mz_pdf_kv(pdf, "发放方式", "一次性发放");
    } else {
        month_text(str(data, "enrollment_from"), month, sizeof month);
        snprintf(text, sizeof text, "%s起按月发放", month);
        mz_pdf_kv(pdf, "起始月份", text);
    }
    /* The computation in brief: the standard, the income counted, the calculator's conclusion. */
    json_t *standard = json_object_get(a, "standard_fen"),
           *steps = json_object_get(a, "explanation");
    if (json_is_integer(standard) && json_integer_value(standard) > 0) {
        yuan_text((int64_t)json_integer_value(standard), amount, sizeof amount);
        snprintf(text, sizeof text, "%s/人·月", amount);
        mz_pdf_kv(pdf, "当地低保标准", text);
    }
    if (!one_off && json_is_integer(json_object_get(a, "counted_income_fen"))) {
        yuan_text((int64_t)json_integer_value(json_object_get(a, "counted_income_fen")), amount,
                  sizeof amount);
        mz_pdf_kv(pdf, "家庭月计入收入", amount);
    }
    if (!one_off && json_is_integer(json_object_get(a, "per_capita_income_fen"))) {
        yuan_text((int64_t)json_integer_value(json_object_get(a, "per_capita_income_fen")), amount,
                  sizeof amount);
        mz_pdf_kv(pdf, "人均月收入", amount);
    }
    if (json_is_array(steps) && json_array_size(steps) > 0) {
        const char *last = str(json_array_get(steps, json_array_size(steps) - 1), "text");
        if (last)
            mz_pdf_kv(pdf, "核算结论", last);
    }
    mz_pdf_paragraph(pdf,
                     one_off ? "救助金通过金融机构或以现金方式一次性发放。"
                             : "保障金按月通过金融机构发放。家庭人口、收入、财产状况发生变化的，"
                               "应当及时告知乡镇人民政府（街道办事处）。",
                     1);
}

int mz_assist_notice(mz_db *db, const mz_actor *actor, const mz_case_type *type, json_t *row,
                     json_t *action_data, const char *kind, const char *number, int day,
                     mz_case_notice_doc *doc, mz_error *err)
{
    const struct program *p = NULL;
    const char *village = str(row, "region_code");
    char to[512], addr[600], body_from[96], text[2048], issuer[256], date[64], month[32];
    char msg[128];
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++)
        if (strcmp(programs[i].code, type->policy_program) == 0)
            p = &programs[i];
    if (p == NULL)
        return 0;
    int approval = strcmp(kind, "approval") == 0, refusal = strcmp(kind, "refusal") == 0;
    if (approval)
        snprintf(doc->title, sizeof doc->title, "%s批准通知书", p->name);
    else if (refusal)
        snprintf(doc->title, sizeof doc->title, "%s不予批准通知书", p->name);
    else
        snprintf(doc->title, sizeof doc->title, "终止%s通知书", p->name);
    if (addressee(db, row, to, sizeof to) < 0 || address(db, village, addr, sizeof addr) < 0 ||
        authority(db, actor, village, issuer, sizeof issuer) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    day_text(day, date, sizeof date);
    /* The case's number, and its type when it is not the program itself (低保复核). */
    snprintf(body_from, sizeof body_from, "（事项编号：%lld%s%s）",
             (long long)json_integer_value(json_object_get(row, "id")),
             strcmp(type->name, p->name) != 0 ? "，" : "",
             strcmp(type->name, p->name) != 0 ? type->name : "");

    mz_pdf *pdf = mz_pdf_new(doc->title, day);
    mz_pdf_title(pdf, doc->title);
    mz_pdf_centered(pdf, number);
    mz_pdf_paragraph(pdf, to, 0);
    mz_pdf_kv(pdf, "住址", addr);
    if (approval) {
        snprintf(text, sizeof text,
                 "你（你家庭）申请的%s%s，经调查核实、家庭经济状况核对和审核，符合条件，决定"
                 "予以批准。具体如下：",
                 p->name, body_from);
        mz_pdf_paragraph(pdf, text, 1);
        approval_body(pdf, p, row);
    } else {
        json_t *reasons = reasons_of(row, action_data);
        if (refusal) {
            snprintf(text, sizeof text,
                     "你（你家庭）申请的%s%s，经审核，不符合%s条件，决定不予批准。理由如下：",
                     p->name, body_from, p->name);
        } else {
            month_text(str(json_object_get(row, "data"), "terminated_from"), month, sizeof month);
            snprintf(text, sizeof text,
                     "你（你家庭）享受的%s%s，经核实，已不再符合条件，决定自%s起终止。理由如下：",
                     p->name, body_from, month);
        }
        mz_pdf_paragraph(pdf, text, 1);
        if (reasons)
            add_reasons(pdf, reasons);
        snprintf(text, sizeof text, "本决定依据%s的有关规定作出。", p->basis);
        mz_pdf_paragraph(pdf, text, 1);
        mz_pdf_paragraph(pdf, remedy, 1);
    }
    mz_pdf_space(pdf, 24);
    mz_pdf_right(pdf, issuer);
    mz_pdf_right(pdf, date);
    int rc = mz_pdf_render(pdf, &doc->pdf, NULL, msg, sizeof msg);
    mz_pdf_free(pdf);
    if (rc < 0)
        return mz_error_internal(err, msg);
    return 1;
}
