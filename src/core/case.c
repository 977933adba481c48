/*
 * The case engine (see case.h).  A case is loaded as a JSON object (the row
 * of cases joined with its region's name), guards read that object and the
 * action's data, effects change it, and one UPDATE writes it back under the
 * condition that the state is still the one the transition left, so that two
 * people acting at once cannot both move the same case.
 */
#include "core/case.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/calendar.h"
#include "base/date.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "core/audit.h"
#include "core/enrollment.h"
#include "core/policy.h"
#include "core/region.h"
#include "store/query.h"

/* ---- declarations ------------------------------------------------------- */

/* Whether word is an element of the comma list (NULL or "" is empty). */
static int list_has(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, word, n) == 0)
            return 1;
        p = end ? end + 1 : p + len;
    }
    return 0;
}

/* Copies the i-th element of a comma list into out; 0 when there is none. */
static int list_item(const char *list, size_t i, char *out, size_t outlen)
{
    const char *p = list;
    for (size_t k = 0; p && *p; k++) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (k == i) {
            snprintf(out, outlen, "%.*s", (int)len, p);
            return 1;
        }
        p = end ? end + 1 : p + len;
    }
    return 0;
}

const mz_case_type *mz_case_type_find(const mz_case_registry *reg, const char *code)
{
    for (size_t i = 0; code && i < reg->ntypes; i++)
        if (strcmp(reg->types[i]->code, code) == 0)
            return reg->types[i];
    return NULL;
}

static const mz_case_state *state_find(const mz_case_type *t, const char *code)
{
    for (size_t i = 0; code && i < t->nstates; i++)
        if (strcmp(t->states[i].code, code) == 0)
            return &t->states[i];
    return NULL;
}

static const char *kind_name(const mz_case_type *t, const char *code)
{
    for (size_t i = 0; i < t->nattachment_kinds; i++)
        if (strcmp(t->attachment_kinds[i].code, code) == 0)
            return t->attachment_kinds[i].name;
    return NULL;
}

static const char *level_key(int level)
{
    return level == MZ_CASE_COUNTY     ? "county"
           : level == MZ_CASE_TOWNSHIP ? "township"
           : level == MZ_CASE_VILLAGE  ? "village"
                                       : "";
}

/* Whether the actor's role and level are the ones the transition names. */
static int actor_fits(const mz_actor *a, const mz_case_transition *tr)
{
    char role[40];
    snprintf(role, sizeof role, "%s_%s", level_key(tr->level), tr->role);
    return a->level == tr->level && strcmp(a->role, role) == 0;
}

/* ---- context of one transition ----------------------------------------- */

typedef struct ctx {
    mz_db *db;
    const mz_case_type *type;
    const mz_actor *actor;
    json_t *row;  /* the case; effects change it */
    json_t *data; /* the action's data (an object) */
    const char *comment;
    int today;
    int for_display;             /* evaluating for the list of possible actions: no data yet */
    const mz_case_registry *reg; /* for the assess hook; NULL while displaying */
    int assessed;                /* the hook already ran for this action */
} ctx;

static const char *row_str(json_t *row, const char *key)
{
    return json_string_value(json_object_get(row, key));
}

static int row_int(json_t *row, const char *key)
{
    json_t *v = json_object_get(row, key);
    return json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0);
}

static json_t *row_data(json_t *row)
{
    return json_object_get(row, "data");
}

/* An array of 1..max distinct non-empty texts of at most 200 characters, or -1. */
static int text_list(json_t *v, size_t max)
{
    size_t i, j;
    json_t *x;
    if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > max)
        return -1;
    json_array_foreach(v, i, x)
    {
        const char *s = json_string_value(x);
        if (s == NULL || *s == '\0' || mz_utf8_chars(s) > 200)
            return -1;
        for (j = 0; j < i; j++)
            if (strcmp(json_string_value(json_array_get(v, j)), s) == 0)
                return -1;
    }
    return (int)json_array_size(v);
}

static int64_t case_id(const ctx *c)
{
    return (int64_t)json_integer_value(json_object_get(c->row, "id"));
}

/* The amount of the action's data, else the case's; 0 when neither. */
static int64_t amount_of(const ctx *c)
{
    json_t *v = c->data ? json_object_get(c->data, "amount_fen") : NULL;
    if (v == NULL)
        v = json_object_get(row_data(c->row), "amount_fen");
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static int g_authorisation_recorded(ctx *c, mz_error *err)
{
    if (row_int(c->row, "authorisation_recorded"))
        return 0;
    return mz_error_set(err, 409, "guard_failed", "authorisation_recorded",
                        "尚未记录申请人签署的家庭经济状况核对授权书");
}

static int g_first_supplement(ctx *c, mz_error *err)
{
    int64_t n = 0;
    if (mz_db_query_int64(c->db, &n,
                          "SELECT COUNT(*) FROM case_events WHERE case_id = ? AND action = ?", "it",
                          case_id(c), "supplement") < 0)
        return mz_error_internal(err, mz_db_errmsg(c->db));
    if (n > 0)
        return mz_error_set(err, 409, "guard_failed", "action",
                            "补正材料须一次性告知，本案已告知过一次");
    return 0;
}

static int g_missing_listed(ctx *c, mz_error *err)
{
    if (text_list(json_object_get(c->data, "missing"), 50) < 0)
        return mz_error_set(err, 400, "invalid_value", "data.missing",
                            "须一次性列明所缺材料（1至50项，各不相同，每项不超过200字）");
    return 0;
}

static int g_two_investigators(ctx *c, mz_error *err)
{
    if (text_list(json_object_get(c->data, "investigators"), 20) < 2)
        return mz_error_set(err, 400, "invalid_value", "data.investigators",
                            "入户调查须记录至少两名不同的调查人员");
    return 0;
}

static int g_not_relative_or_visited(ctx *c, mz_error *err)
{
    if (!row_int(c->row, "relative_of_staff") || row_int(c->row, "visited"))
        return 0;
    return mz_error_set(err, 409, "guard_failed", "relative_of_staff",
                        "经办人员或村干部近亲属的申请必须入户调查，不能免于入户");
}

static int g_assessment_given(ctx *c, mz_error *err)
{
    json_t *hh = json_object_get(c->row, "household_id");
    if (json_is_integer(hh) && c->for_display)
        return 0; /* computed when the action is taken */
    if (json_is_integer(hh) && c->reg && c->reg->assess) {
        json_t *a = NULL;
        if (c->assessed)
            return 0;
        if (c->reg->assess(c->db, c->actor, c->type->policy_program, json_integer_value(hh),
                           c->today, &a, err) < 0)
            return -1;
        json_object_set_new(c->data, "assessment", a);
        c->assessed = 1;
        return 0;
    }
    if (!json_is_object(json_object_get(c->data, "assessment")))
        return mz_error_set(err, 400, "invalid_value", "data.assessment",
                            "须提供信息核对结果（assessment 对象）");
    return 0;
}

static int open_objections(ctx *c, int64_t *n, mz_error *err)
{
    if (mz_db_query_int64(c->db, n,
                          "SELECT COUNT(*) FROM case_objections WHERE case_id = ? AND resolution "
                          "IS NULL",
                          "i", case_id(c)) < 0)
        return mz_error_internal(err, mz_db_errmsg(c->db));
    return 0;
}

static int g_publicity_over(ctx *c, mz_error *err)
{
    int until;
    int64_t n = 0;
    const char *u = row_str(c->row, "publicity_until");
    if (u == NULL || mz_date_parse(u, &until) != 0 || c->today <= until)
        return mz_error_set(err, 409, "guard_failed", "publicity_until", "公示期至 %s，尚未结束",
                            u ? u : "（未开始）");
    if (open_objections(c, &n, err) < 0)
        return -1;
    if (n > 0)
        return mz_error_set(err, 409, "guard_failed", "objections",
                            "公示期间有未处理的异议，须先重新调查或组织民主评议");
    return 0;
}

static int g_open_objection(ctx *c, mz_error *err)
{
    int64_t n = 0;
    if (open_objections(c, &n, err) < 0)
        return -1;
    if (n == 0)
        return mz_error_set(err, 409, "guard_failed", "objections", "没有待处理的异议");
    return 0;
}

/* policy <program>.township_approval for the case's region today: 1 or 0. */
static int township_approves(ctx *c, int *yes, mz_error *err)
{
    mz_policy_value v;
    mz_error e;
    char day[11];
    mz_date_format(c->today, day);
    mz_error_clear(&e);
    if (mz_policy_get(c->db, c->type->policy_program, "township_approval",
                      row_str(c->row, "region_code"), day, &v, &e) < 0) {
        if (e.status != 404)
            return mz_error_internal(err, e.message);
        *yes = 0;
        return 0;
    }
    *yes = v.num == 1;
    return 0;
}

static int g_approval_by_township(ctx *c, mz_error *err)
{
    int yes;
    if (township_approves(c, &yes, err) < 0)
        return -1;
    return yes ? 0
               : mz_error_set(err, 409, "guard_failed", "approval_level",
                              "本地区未将审批权下放乡镇，由县级审批");
}

static int g_approval_by_county(ctx *c, mz_error *err)
{
    int yes;
    if (township_approves(c, &yes, err) < 0)
        return -1;
    return !yes ? 0
                : mz_error_set(err, 409, "guard_failed", "approval_level",
                               "本地区审批权已下放乡镇，由乡镇审批");
}

static int g_reasons_given(ctx *c, mz_error *err)
{
    if (text_list(json_object_get(c->data, "reasons"), 20) < 0)
        return mz_error_set(err, 400, "invalid_value", "data.reasons",
                            "须写明理由（1至20条，各不相同，每条不超过200字）");
    return 0;
}

static int g_comment_given(ctx *c, mz_error *err)
{
    if (c->comment == NULL || *c->comment == '\0')
        return mz_error_set(err, 400, "missing_field", "comment", "须填写说明");
    return 0;
}

static int g_amount_given(ctx *c, mz_error *err)
{
    int64_t a = amount_of(c);
    if (a < 1 || a > 100000000000LL)
        return mz_error_set(err, 400, "invalid_value", "data.amount_fen",
                            "救助金额须为1分至10亿元之间的整数（单位：分）");
    return 0;
}

static int township_limit(ctx *c, int64_t *limit, mz_error *err)
{
    mz_policy_value v;
    mz_error e;
    char day[11];
    mz_date_format(c->today, day);
    mz_error_clear(&e);
    if (mz_policy_get(c->db, c->type->policy_program, "township_limit",
                      row_str(c->row, "region_code"), day, &v, &e) < 0) {
        if (e.status != 404)
            return mz_error_internal(err, e.message);
        *limit = 0; /* no limit set: nothing is within the township's power */
        return 0;
    }
    *limit = v.num;
    return 0;
}

static int g_amount_within(ctx *c, mz_error *err)
{
    int64_t limit;
    if (township_limit(c, &limit, err) < 0)
        return -1;
    if (amount_of(c) <= limit)
        return 0;
    return mz_error_set(err, 409, "guard_failed", "data.amount_fen",
                        "金额超过乡镇审批额度 %lld.%02lld 元，须报县级审批",
                        (long long)(limit / 100), (long long)(limit % 100));
}

static int g_amount_over(ctx *c, mz_error *err)
{
    int64_t limit;
    if (township_limit(c, &limit, err) < 0)
        return -1;
    if (amount_of(c) > limit)
        return 0;
    return mz_error_set(err, 409, "guard_failed", "data.amount_fen",
                        "金额在乡镇审批额度内，由乡镇审批");
}

static int g_emergency(ctx *c, mz_error *err)
{
    const char *k = json_string_value(json_object_get(row_data(c->row), "kind"));
    if (k && strcmp(k, "emergency") == 0)
        return 0;
    return mz_error_set(err, 409, "guard_failed", "kind", "只有急难型救助可以先行救助");
}

static int g_not_emergency(ctx *c, mz_error *err)
{
    const char *k = json_string_value(json_object_get(row_data(c->row), "kind"));
    if (k == NULL || strcmp(k, "emergency") != 0)
        return 0;
    return mz_error_set(err, 409, "guard_failed", "kind", "急难型救助先行救助后补齐材料");
}

static int g_kind_given(ctx *c, mz_error *err)
{
    const char *k = json_string_value(json_object_get(c->data, "kind"));
    if (k && (strcmp(k, "emergency") == 0 || strcmp(k, "expenditure") == 0))
        return 0;
    return mz_error_set(err, 400, "invalid_value", "data.kind",
                        "救助类型须为 emergency（急难型）或 expenditure（支出型）");
}

/* Enrollment lifecycle: the 复核/调整 assessment found 渐退 (category dibao_taper). */
static int g_taper_assessed(ctx *c, mz_error *err)
{
    json_t *a = json_object_get(row_data(c->row), "assessment");
    const char *cat = json_string_value(json_object_get(a, "category"));
    if (cat && strcmp(cat, "dibao_taper") == 0)
        return 0;
    return mz_error_set(err, 409, "guard_failed", "data.assessment.category",
                        "核对结果不是低保渐退（收入因就业超过低保标准），不能按渐退办理");
}

struct guard {
    const char *name;
    int (*fn)(ctx *, mz_error *);
    int needs_data; /* reads the action's data or comment: not evaluated for display */
};

static const struct guard guards[] = {
    {"authorisation_recorded", g_authorisation_recorded, 0},
    {"first_supplement", g_first_supplement, 0},
    {"missing_listed", g_missing_listed, 1},
    {"two_investigators", g_two_investigators, 1},
    {"not_relative_or_visited", g_not_relative_or_visited, 0},
    {"assessment_given", g_assessment_given, 1},
    {"publicity_over_without_open_objections", g_publicity_over, 0},
    {"open_objection", g_open_objection, 0},
    {"approval_by_township", g_approval_by_township, 0},
    {"approval_by_county", g_approval_by_county, 0},
    {"reasons_given", g_reasons_given, 1},
    {"comment_given", g_comment_given, 1},
    {"amount_given", g_amount_given, 1},
    {"amount_within_township_limit", g_amount_within, 1},
    {"amount_over_township_limit", g_amount_over, 1},
    {"emergency", g_emergency, 0},
    {"not_emergency", g_not_emergency, 0},
    {"kind_given", g_kind_given, 1},
    /* enrollment lifecycle */
    {"taper_assessed", g_taper_assessed, 0},
};

static const struct guard *guard_find(const char *name)
{
    for (size_t i = 0; i < sizeof guards / sizeof guards[0]; i++)
        if (strcmp(guards[i].name, name) == 0)
            return &guards[i];
    return NULL;
}

/* Evaluates a guard list; returns the number that held before the first failure, or -1
 * with err set when one failed (*passed still counts those that held). */
static int check_guards(ctx *c, const char *list, int *passed, mz_error *err)
{
    char name[64];
    *passed = 0;
    for (size_t i = 0; list_item(list, i, name, sizeof name); i++) {
        const struct guard *g = guard_find(name);
        if (g == NULL)
            return mz_error_internal(err, name);
        if (c->for_display && g->needs_data)
            continue;
        if (g->fn(c, err) < 0)
            return -1;
        (*passed)++;
    }
    return 0;
}

/* ---- effects ------------------------------------------------------------ */

static void set_data(ctx *c, const char *key, json_t *v)
{
    json_object_set_new(row_data(c->row), key, v);
}

static int e_record_missing(ctx *c, mz_error *err)
{
    (void)err;
    set_data(c, "missing_materials", json_deep_copy(json_object_get(c->data, "missing")));
    return 0;
}

static int e_record_authorisation(ctx *c, mz_error *err)
{
    json_t *v = json_object_get(c->data, "authorisation_recorded");
    if (v && !json_is_boolean(v))
        return mz_error_set(err, 400, "invalid_type", "data.authorisation_recorded",
                            "authorisation_recorded 须为布尔值");
    if (json_is_true(v))
        json_object_set_new(c->row, "authorisation_recorded", json_true());
    return 0;
}

static int e_record_visit(ctx *c, mz_error *err)
{
    (void)err;
    json_object_set_new(c->row, "visited", json_true());
    set_data(c, "investigators", json_deep_copy(json_object_get(c->data, "investigators")));
    return 0;
}

static int e_record_assessment(ctx *c, mz_error *err)
{
    (void)err;
    set_data(c, "assessment", json_deep_copy(json_object_get(c->data, "assessment")));
    return 0;
}

static int e_record_amount(ctx *c, mz_error *err)
{
    (void)err;
    set_data(c, "amount_fen", json_integer((json_int_t)amount_of(c)));
    return 0;
}

static int e_record_payment(ctx *c, mz_error *err)
{
    char day[11];
    (void)err;
    mz_date_format(c->today, day);
    set_data(c, "paid_fen", json_integer((json_int_t)amount_of(c)));
    set_data(c, "paid_on", json_string(day));
    return 0;
}

static int e_record_reason(ctx *c, mz_error *err)
{
    json_t *v = json_object_get(c->data, "reason");
    if (v == NULL)
        return 0;
    const char *s = json_string_value(v);
    if (s == NULL || *s == '\0' || mz_utf8_chars(s) > 500)
        return mz_error_set(err, 400, "invalid_value", "data.reason", "理由须为1至500个字符的文字");
    set_data(c, "reason", json_string(s));
    return 0;
}

static int e_open_publicity(ctx *c, mz_error *err)
{
    char from[11], until[11];
    (void)err;
    mz_date_format(c->today, from);
    mz_date_format(c->today + c->type->publicity_days - 1, until);
    json_object_set_new(c->row, "publicity_from", json_string(from));
    json_object_set_new(c->row, "publicity_until", json_string(until));
    return 0;
}

static int resolve_objections(ctx *c, const char *how, mz_error *err)
{
    char at[21];
    mz_time_iso(time(NULL), at);
    if (mz_db_run(c->db, NULL,
                  "UPDATE case_objections SET resolution = ?, resolved_at = ? "
                  "WHERE case_id = ? AND resolution IS NULL",
                  "tti", how, at, case_id(c)) < 0)
        return mz_error_internal(err, mz_db_errmsg(c->db));
    return 0;
}

static int e_objections_reinvestigate(ctx *c, mz_error *err)
{
    return resolve_objections(c, "reinvestigate", err);
}

static int e_objections_deliberated(ctx *c, mz_error *err)
{
    return resolve_objections(c, "deliberated", err);
}

static int e_approve(ctx *c, mz_error *err)
{
    char month[8];
    mz_month_format(mz_month_of(c->today) + 1, month);
    json_object_set_new(c->row, "outcome", json_string("approved"));
    set_data(c, "enrollment_from", json_string(month));
    return mz_enrollment_create_from_case(c->db, c->actor, c->row, c->type->policy_program, month,
                                          NULL, err);
}

static int e_refuse(ctx *c, mz_error *err)
{
    (void)err;
    json_object_set_new(c->row, "outcome", json_string("refused"));
    set_data(c, "refusal_reasons", json_deep_copy(json_object_get(c->data, "reasons")));
    return 0;
}

static int e_grant(ctx *c, mz_error *err)
{
    (void)err;
    json_object_set_new(c->row, "outcome", json_string("approved"));
    return 0;
}

static int e_terminate(ctx *c, mz_error *err)
{
    char month[8];
    mz_month_format(mz_month_of(c->today) + 1, month);
    json_object_set_new(c->row, "outcome", json_string("terminated"));
    set_data(c, "terminated_from", json_string(month));
    return mz_enrollment_stop_for_case(c->db, c->actor, c->row, c->type->policy_program, month,
                                       "终止", NULL, err);
}

static int e_adjust(ctx *c, mz_error *err)
{
    char month[8];
    mz_month_format(mz_month_of(c->today) + 1, month);
    json_object_set_new(c->row, "outcome", json_string("adjusted"));
    set_data(c, "adjusted_from", json_string(month));
    return mz_enrollment_adjust_for_case(c->db, c->actor, c->row, c->type->policy_program, month,
                                         c->type->name, NULL, err);
}

/* ---- enrollment lifecycle effects (渐退, 暂停, 恢复), each from the next month ---- */

static int e_taper(ctx *c, mz_error *err)
{
    char month[8];
    mz_month_format(mz_month_of(c->today) + 1, month);
    json_object_set_new(c->row, "outcome", json_string("tapered"));
    set_data(c, "taper_from", json_string(month));
    return mz_enrollment_taper_for_case(c->db, c->actor, c->row, c->type->policy_program, month,
                                        c->today, NULL, err);
}

static int e_suspend(ctx *c, mz_error *err)
{
    char month[8];
    mz_month_format(mz_month_of(c->today) + 1, month);
    json_object_set_new(c->row, "outcome", json_string("suspended"));
    set_data(c, "suspended_from", json_string(month));
    set_data(c, "suspension_reasons", json_deep_copy(json_object_get(c->data, "reasons")));
    return mz_enrollment_suspend_for_case(c->db, c->actor, c->row, c->data, c->type->policy_program,
                                          month, NULL, err);
}

static int resume(ctx *c, int back_pay, mz_error *err)
{
    char month[8];
    mz_month_format(mz_month_of(c->today) + 1, month);
    json_object_set_new(c->row, "outcome", json_string("resumed"));
    set_data(c, "resumed_from", json_string(month));
    set_data(c, "back_pay", json_boolean(back_pay));
    return mz_enrollment_resume_for_case(c->db, c->actor, c->row, c->type->policy_program, month,
                                         back_pay, c->comment ? c->comment : "恢复发放", NULL, err);
}

static int e_resume(ctx *c, mz_error *err)
{
    return resume(c, 0, err);
}

static int e_resume_back_pay(ctx *c, mz_error *err)
{
    return resume(c, 1, err);
}

static int e_keep(ctx *c, mz_error *err)
{
    (void)err;
    json_object_set_new(c->row, "outcome", json_string("kept"));
    return 0;
}

struct effect {
    const char *name;
    int (*fn)(ctx *, mz_error *);
};

static const struct effect effects[] = {
    {"record_missing", e_record_missing},
    {"record_authorisation", e_record_authorisation},
    {"record_visit", e_record_visit},
    {"record_assessment", e_record_assessment},
    {"record_amount", e_record_amount},
    {"record_payment", e_record_payment},
    {"record_reason", e_record_reason},
    {"open_publicity", e_open_publicity},
    {"objections_reinvestigate", e_objections_reinvestigate},
    {"objections_deliberated", e_objections_deliberated},
    {"approve", e_approve},
    {"refuse", e_refuse},
    {"grant", e_grant},
    {"terminate", e_terminate},
    {"keep", e_keep},
    {"adjust", e_adjust},
    /* enrollment lifecycle */
    {"taper", e_taper},
    {"suspend", e_suspend},
    {"resume", e_resume},
    {"resume_back_pay", e_resume_back_pay},
};

static const struct effect *effect_find(const char *name)
{
    for (size_t i = 0; i < sizeof effects / sizeof effects[0]; i++)
        if (strcmp(effects[i].name, name) == 0)
            return &effects[i];
    return NULL;
}

int mz_case_type_check(const mz_case_type *t, char *msg, size_t msglen)
{
    char name[64];
    for (size_t i = 0; i < t->nstates; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->states[i].code, t->states[j].code) == 0) {
                snprintf(msg, msglen, "%s: state %s declared twice", t->code, t->states[i].code);
                return -1;
            }
    if (state_find(t, t->initial) == NULL) {
        snprintf(msg, msglen, "%s: initial state %s not declared", t->code, t->initial);
        return -1;
    }
    for (size_t i = 0; list_item(t->create_guards, i, name, sizeof name); i++)
        if (guard_find(name) == NULL) {
            snprintf(msg, msglen, "%s: unknown creation guard %s", t->code, name);
            return -1;
        }
    for (size_t i = 0; i < t->ntransitions; i++) {
        const mz_case_transition *tr = &t->transitions[i];
        if (state_find(t, tr->from) == NULL || state_find(t, tr->to) == NULL ||
            state_find(t, tr->from)->final) {
            snprintf(msg, msglen, "%s: %s leaves %s for %s: undeclared or final state", t->code,
                     tr->action, tr->from, tr->to);
            return -1;
        }
        if ((strcmp(tr->role, "worker") != 0 && strcmp(tr->role, "approver") != 0) ||
            *level_key(tr->level) == '\0' ||
            (tr->level == MZ_CASE_VILLAGE && strcmp(tr->role, "worker") != 0)) {
            snprintf(msg, msglen, "%s: %s: no such role %s at level %d", t->code, tr->action,
                     tr->role, tr->level);
            return -1;
        }
        for (size_t k = 0; list_item(tr->guards, k, name, sizeof name); k++)
            if (guard_find(name) == NULL) {
                snprintf(msg, msglen, "%s: %s: unknown guard %s", t->code, tr->action, name);
                return -1;
            }
        for (size_t k = 0; list_item(tr->effects, k, name, sizeof name); k++)
            if (effect_find(name) == NULL) {
                snprintf(msg, msglen, "%s: %s: unknown effect %s", t->code, tr->action, name);
                return -1;
            }
        for (size_t k = 0; list_item(tr->attachments, k, name, sizeof name); k++)
            if (kind_name(t, name) == NULL) {
                snprintf(msg, msglen, "%s: %s: undeclared attachment kind %s", t->code, tr->action,
                         name);
                return -1;
            }
    }
    return 0;
}

/* ---- loading ------------------------------------------------------------ */

#define CASE_COLUMNS                                                                               \
    "c.id, c.case_type, c.state, c.region_code, r.name, c.household_id, c.applicant_person_id, "   \
    "c.applicant_name, c.channel, c.relative_of_staff, c.authorisation_recorded, c.visited, "      \
    "c.publicity_from, c.publicity_until, c.deadline_on, c.outcome, c.created_by, c.created_at, "  \
    "c.updated_at, c.closed_at, c.data "
#define CASE_FROM "FROM cases c JOIN regions r ON r.code = c.region_code "

static json_t *nullable_id(mz_stmt *st, int col)
{
    return mz_stmt_is_null(st, col) ? json_null() : json_integer(mz_stmt_int64(st, col));
}

static json_t *case_from_row(const mz_case_registry *reg, mz_stmt *st, int today)
{
    json_t *data = json_loads(mz_stmt_text(st, 20), 0, NULL);
    const mz_case_type *t = mz_case_type_find(reg, mz_stmt_text(st, 1));
    const mz_case_state *s = t ? state_find(t, mz_stmt_text(st, 2)) : NULL;
    const char *deadline = mz_stmt_text(st, 14);
    int due, overdue = 0;
    if (deadline && mz_stmt_is_null(st, 19) && mz_date_parse(deadline, &due) == 0)
        overdue = due < today;
    return json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:b,s:b,s:b,s:s?,s:s?,s:s?,s:b,s:s?,s:o,"
        "s:s,s:s,s:s?,s:o}",
        "id", (json_int_t)mz_stmt_int64(st, 0), "case_type", mz_stmt_text(st, 1), "case_type_name",
        t ? t->name : mz_stmt_text(st, 1), "state", mz_stmt_text(st, 2), "state_name",
        s ? s->name : mz_stmt_text(st, 2), "region_code", mz_stmt_text(st, 3), "region_name",
        mz_stmt_text(st, 4), "household_id", nullable_id(st, 5), "applicant_person_id",
        nullable_id(st, 6), "applicant_name", mz_stmt_text(st, 7), "channel", mz_stmt_text(st, 8),
        "relative_of_staff", (int)mz_stmt_int64(st, 9), "authorisation_recorded",
        (int)mz_stmt_int64(st, 10), "visited", (int)mz_stmt_int64(st, 11), "publicity_from",
        mz_stmt_text(st, 12), "publicity_until", mz_stmt_text(st, 13), "deadline_on", deadline,
        "overdue", overdue, "outcome", mz_stmt_text(st, 15), "created_by", nullable_id(st, 16),
        "created_at", mz_stmt_text(st, 17), "updated_at", mz_stmt_text(st, 18), "closed_at",
        mz_stmt_text(st, 19), "data", json_is_object(data) ? data : json_object());
}

static void scope_like(const mz_actor *actor, char like[16])
{
    snprintf(like, 16, "%s%%", actor->scope_prefix);
}

/* Loads a case inside the actor's subtree; 404 otherwise. */
static int load(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                int today, json_t **out, mz_error *err)
{
    char like[16];
    scope_like(actor, like);
    mz_stmt *st = mz_db_prepare_bind(
        db, "SELECT " CASE_COLUMNS CASE_FROM "WHERE c.id = ? AND c.region_code LIKE ?", "it", id,
        like);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW)
        *out = case_from_row(reg, st, today);
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 404, "not_found", NULL, "事项不存在");
    return 0;
}

static int load_calendar(mz_db *db, mz_calendar **out, mz_error *err)
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
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    *out = cal;
    return 0;
}

/* The deadline of entering state s today, into row.deadline_on (null for none). */
static int set_deadline(mz_db *db, json_t *row, const mz_case_state *s, int today, mz_error *err)
{
    char out[11];
    if (s->final || (!s->publicity && s->deadline_workdays <= 0)) {
        json_object_set_new(row, "deadline_on", json_null());
        return 0;
    }
    if (s->publicity) {
        json_object_set(row, "deadline_on", json_object_get(row, "publicity_until"));
        return 0;
    }
    mz_calendar *cal = NULL;
    int due = 0;
    if (load_calendar(db, &cal, err) < 0)
        return -1;
    int rc = mz_calendar_add_workdays(cal, today, s->deadline_workdays, &due);
    mz_calendar_free(cal);
    if (rc != 0)
        return mz_error_set(err, 400, "invalid_value", NULL, "期限超出日历范围");
    mz_date_format(due, out);
    json_object_set_new(row, "deadline_on", json_string(out));
    return 0;
}

/* ---- notices and the whole-process time limit --------------------------- */

static const char *id_text(int64_t id, char buf[24]);
static int check_text(const char *s, size_t max, const char *field, int required, mz_error *err);

/* An int policy parameter of the case's program for its region on day; *found 0 when unset. */
static int policy_int(mz_db *db, const mz_case_type *t, const char *param, const char *region,
                      int day, int64_t *v, int *found, mz_error *err)
{
    mz_policy_value pv;
    mz_error e;
    char d[11];
    mz_date_format(day, d);
    mz_error_clear(&e);
    *found = 0;
    if (mz_policy_get(db, t->policy_program, param, region, d, &pv, &e) < 0) {
        if (e.status != 404)
            return mz_error_internal(err, e.message);
        return 0;
    }
    *found = 1;
    *v = pv.num;
    return 0;
}

/* The clock of an accepted case: started by "accept", stopped by the decision or the closing. */
static int clock_after_act(ctx *c, const char *action, int decided, const mz_case_state *to,
                           mz_error *err)
{
    char day[11], due_s[11];
    int64_t id = case_id(c), limit = 0, n = 0, delegated = 0;
    int found = 0, due;
    const char *region = row_str(c->row, "region_code");
    mz_date_format(c->today, day);
    if (strcmp(action, "accept") == 0) {
        if (mz_db_query_int64(c->db, &n, "SELECT COUNT(*) FROM case_time_limits WHERE case_id = ?",
                              "i", id) < 0)
            return mz_error_internal(err, mz_db_errmsg(c->db));
        if (n > 0)
            return 0;
        if (policy_int(c->db, c->type, "township_approval", region, c->today, &delegated, &found,
                       err) < 0)
            return -1;
        found = 0;
        if (delegated == 1 && policy_int(c->db, c->type, "process_limit_township_workdays", region,
                                         c->today, &limit, &found, err) < 0)
            return -1;
        if (!found && policy_int(c->db, c->type, "process_limit_workdays", region, c->today, &limit,
                                 &found, err) < 0)
            return -1;
        if (!found || limit <= 0)
            return 0;
        mz_calendar *cal = NULL;
        if (load_calendar(c->db, &cal, err) < 0)
            return -1;
        int rc = mz_calendar_add_workdays(cal, c->today, (int)limit, &due);
        mz_calendar_free(cal);
        if (rc != 0)
            return mz_error_set(err, 400, "invalid_value", NULL, "期限超出日历范围");
        mz_date_format(due, due_s);
        if (mz_db_run(c->db, NULL,
                      "INSERT INTO case_time_limits (case_id, accepted_on, limit_workdays, "
                      "due_on) VALUES (?, ?, ?, ?)",
                      "itit", id, day, limit, due_s) < 0)
            return mz_error_internal(err, mz_db_errmsg(c->db));
        return 0;
    }
    if (!decided && !to->final)
        return 0;
    if (mz_db_run(c->db, NULL,
                  "UPDATE case_time_limits SET stopped_on = ? WHERE case_id = ? AND stopped_on "
                  "IS NULL",
                  "ti", day, id) < 0)
        return mz_error_internal(err, mz_db_errmsg(c->db));
    return 0;
}

static const char *notice_kind_of(const char *outcome)
{
    if (outcome == NULL)
        return NULL;
    return strcmp(outcome, "approved") == 0     ? "approval"
           : strcmp(outcome, "refused") == 0    ? "refusal"
           : strcmp(outcome, "terminated") == 0 ? "termination"
                                                : NULL;
}

/* The notice of the decision just taken, rendered by the registry's hook and stored. */
static int issue_notice(ctx *c, const char *kind, mz_error *err)
{
    static const struct {
        const char *kind, *letter;
    } letters[] = {{"approval", "准"}, {"refusal", "否"}, {"termination", "终"}};
    const char *region = row_str(c->row, "region_code"), *letter = "";
    char county[7], prefix[96], number[128], like[112], at[21], day[11], due_s[11], idb[24];
    int y, m, d, found = 0, rc = -1;
    int64_t seq = 0, nid = 0, service_days = 0;
    char *b64 = NULL, *due = NULL;
    unsigned char hash[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    mz_case_notice_doc doc;

    for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
        if (strcmp(letters[i].kind, kind) == 0)
            letter = letters[i].letter;
    snprintf(county, sizeof county, "%.6s", region);
    mz_date_to_ymd(c->today, &y, &m, &d);
    mz_date_format(c->today, day);
    snprintf(prefix, sizeof prefix, "%s〔%d〕%s字第", county, y, letter);
    snprintf(like, sizeof like, "%s%%", prefix);
    if (mz_db_query_int64(c->db, &seq, "SELECT COUNT(*) FROM case_notices WHERE number LIKE ?", "t",
                          like) < 0)
        return mz_error_internal(err, mz_db_errmsg(c->db));
    snprintf(number, sizeof number, "%s%05lld号", prefix, (long long)seq + 1);

    mz_buf_init(&doc.pdf);
    doc.title[0] = '\0';
    int made = c->reg->notice(c->db, c->actor, c->type, c->row, c->data, kind, number, c->today,
                              &doc, err);
    if (made <= 0) {
        rc = made;
        goto out;
    }
    if (strcmp(kind, "refusal") == 0) {
        if (policy_int(c->db, c->type, "refusal_notice_workdays", region, c->today, &service_days,
                       &found, err) < 0)
            goto out;
        if (found && service_days > 0) {
            mz_calendar *cal = NULL;
            int due_day;
            if (load_calendar(c->db, &cal, err) < 0)
                goto out;
            int crc = mz_calendar_add_workdays(cal, c->today, (int)service_days, &due_day);
            mz_calendar_free(cal);
            if (crc != 0) {
                mz_error_set(err, 400, "invalid_value", NULL, "期限超出日历范围");
                goto out;
            }
            mz_date_format(due_day, due_s);
            due = due_s;
        }
    }
    size_t b64len = sodium_base64_encoded_len(doc.pdf.len, sodium_base64_VARIANT_ORIGINAL);
    b64 = mz_malloc(b64len);
    sodium_bin2base64(b64, b64len, (const unsigned char *)doc.pdf.data, doc.pdf.len,
                      sodium_base64_VARIANT_ORIGINAL);
    crypto_hash_sha256(hash, (const unsigned char *)doc.pdf.data, doc.pdf.len);
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    mz_time_iso(time(NULL), at);
    int qrc = mz_db_query_int64(
        c->db, &nid,
        "INSERT INTO case_notices (case_id, kind, number, title, issued_on, service_due_on, "
        "sha256, size, content, issued_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?) RETURNING id",
        "ittttttitit", case_id(c), kind, number, doc.title, day, due, hex, (int64_t)doc.pdf.len,
        b64, (int64_t)c->actor->id, at);
    if (qrc == MZ_DB_CONSTRAINT) {
        mz_error_set(err, 409, "conflict", NULL, "通知书编号正被占用，请重试");
        goto out;
    }
    if (qrc != MZ_DB_ROW) {
        mz_error_internal(err, mz_db_errmsg(c->db));
        goto out;
    }
    json_t *after =
        json_pack("{s:I,s:s,s:s,s:s,s:s,s:s?}", "notice_id", (json_int_t)nid, "kind", kind,
                  "number", number, "sha256", hex, "issued_on", day, "service_due_on", due);
    rc = mz_audit_append(c->db, c->actor, "case.notice_issue", "case", id_text(case_id(c), idb),
                         region, NULL, after, err);
    json_decref(after);
out:
    mz_free(b64);
    mz_buf_cleanup(&doc.pdf);
    return rc;
}

/* After a transition: the clock, and the notice of a decision. */
static int after_act(ctx *c, const char *action, json_t *prev_outcome, const mz_case_state *to,
                     mz_error *err)
{
    const char *now = row_str(c->row, "outcome"), *before = json_string_value(prev_outcome);
    int decided = now != NULL && (before == NULL || strcmp(before, now) != 0);
    if (clock_after_act(c, action, decided, to, err) < 0)
        return -1;
    const char *kind = decided ? notice_kind_of(now) : NULL;
    if (kind == NULL || c->reg == NULL || c->reg->notice == NULL)
        return 0;
    return issue_notice(c, kind, err) < 0 ? -1 : 0;
}

/* The time-limit view of a case (or null) into c["time_limit"], with cal for the counting. */
#define LIMIT_COLUMNS                                                                              \
    "case_id, accepted_on, limit_workdays, extension_days, extension_reason, extended_at, "        \
    "due_on, stopped_on "

/* The time_limit object of a case_time_limits row read with LIMIT_COLUMNS. */
static json_t *time_limit_from_row(const mz_calendar *cal, mz_stmt *st, int today)
{
    int due = 0, stop = 0;
    if (mz_date_parse(mz_stmt_text(st, 6), &due) != 0)
        return json_null();
    const char *stopped = mz_stmt_text(st, 7);
    int running = stopped == NULL || mz_date_parse(stopped, &stop) != 0;
    int end = running ? today : stop;
    int late = mz_calendar_workdays_between(cal, due, end);
    return json_pack(
        "{s:s,s:I,s:I,s:s?,s:s?,s:s,s:s?,s:b,s:o,s:b,s:i}", "accepted_on", mz_stmt_text(st, 1),
        "limit_workdays", (json_int_t)mz_stmt_int64(st, 2), "extension_days",
        (json_int_t)mz_stmt_int64(st, 3), "extension_reason", mz_stmt_text(st, 4), "extended_at",
        mz_stmt_text(st, 5), "due_on", mz_stmt_text(st, 6), "stopped_on", stopped, "running",
        running, "remaining_workdays",
        running ? json_integer(mz_calendar_workdays_between(cal, today, due)) : json_null(),
        "overdue", end > due, "overdue_workdays", end > due ? late : 0);
}

#define NOTICE_COLUMNS                                                                             \
    "id, kind, number, title, issued_on, service_due_on, served_on, service_method, "              \
    "service_recipient, service_note, service_recorded_at, sha256, size "

/* A notice read with NOTICE_COLUMNS from column o on. */
static json_t *notice_from_row(mz_stmt *st, int o, int today)
{
    const char *due = mz_stmt_text(st, o + 5), *served = mz_stmt_text(st, o + 6);
    int d, s, overdue = 0;
    if (due && mz_date_parse(due, &d) == 0)
        overdue = served ? (mz_date_parse(served, &s) == 0 && s > d) : today > d;
    return json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:b,s:s,s:I}", "id",
        (json_int_t)mz_stmt_int64(st, o + 0), "kind", mz_stmt_text(st, o + 1), "number",
        mz_stmt_text(st, o + 2), "title", mz_stmt_text(st, o + 3), "issued_on",
        mz_stmt_text(st, o + 4), "service_due_on", due, "served_on", served, "service_method",
        mz_stmt_text(st, o + 7), "service_recipient", mz_stmt_text(st, o + 8), "service_note",
        mz_stmt_text(st, o + 9), "service_recorded_at", mz_stmt_text(st, o + 10), "service_overdue",
        overdue, "sha256", mz_stmt_text(st, o + 11), "size", (json_int_t)mz_stmt_int64(st, o + 12));
}

/* "SELECT <columns> FROM <table> WHERE case_id IN (the ids of items)<tail>", prepared. */
static mz_stmt *for_cases(mz_db *db, const char *head, json_t *items, const char *tail)
{
    mz_query q;
    mz_query_init(&q, head);
    for (size_t i = 0; i < json_array_size(items); i++)
        mz_query_add(&q, i ? ",?" : "?", "i",
                     (int64_t)json_integer_value(json_object_get(json_array_get(items, i), "id")));
    mz_query_add(&q, tail, "");
    mz_stmt *st = mz_query_prepare(db, &q);
    mz_query_cleanup(&q);
    return st;
}

/* The item of items whose id is id, or NULL. */
static json_t *item_of(json_t *items, int64_t id)
{
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *c = json_array_get(items, i);
        if ((int64_t)json_integer_value(json_object_get(c, "id")) == id)
            return c;
    }
    return NULL;
}

/*
 * time_limit, notices and notice_overdue of every case of a list (notices only
 * when keep): two queries for the whole page, and the calendar only when a
 * case has a time limit.
 */
static int add_limits_to_list(mz_db *db, json_t *items, int today, int keep, mz_error *err)
{
    mz_calendar *cal = NULL;
    size_t n = json_array_size(items);
    int rc = MZ_DB_ERROR;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(items, i);
        json_object_set_new(c, "time_limit", json_null());
        json_object_set_new(c, "notices", json_array());
        json_object_set_new(c, "notice_overdue", json_false());
    }
    mz_stmt *st = for_cases(db, "SELECT " LIMIT_COLUMNS "FROM case_time_limits WHERE case_id IN (",
                            items, ")");
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        json_t *c = item_of(items, mz_stmt_int64(st, 0));
        if (c == NULL)
            continue;
        if (cal == NULL && load_calendar(db, &cal, err) < 0) {
            mz_stmt_finalize(st);
            return -1;
        }
        json_object_set_new(c, "time_limit", time_limit_from_row(cal, st, today));
    }
    mz_stmt_finalize(st);
    mz_calendar_free(cal);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    st = for_cases(db, "SELECT case_id, " NOTICE_COLUMNS "FROM case_notices WHERE case_id IN (",
                   items, ") ORDER BY id");
    rc = MZ_DB_ERROR;
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        json_t *c = item_of(items, mz_stmt_int64(st, 0)), *notice;
        if (c == NULL)
            continue;
        notice = notice_from_row(st, 1, today);
        if (json_is_true(json_object_get(notice, "service_overdue")) &&
            json_is_null(json_object_get(notice, "served_on")))
            json_object_set_new(c, "notice_overdue", json_true());
        json_array_append_new(json_object_get(c, "notices"), notice);
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (!keep)
        for (size_t i = 0; i < n; i++)
            json_object_del(json_array_get(items, i), "notices");
    return 0;
}

/* The case's notices (without bytes) into c["notices"], and c["notice_overdue"]. */
static int add_notices(mz_db *db, json_t *c, int today, mz_error *err)
{
    json_t *one = json_pack("[O]", c);
    int rc = add_limits_to_list(db, one, today, 1, err);
    json_decref(one);
    return rc;
}

static int add_limits(mz_db *db, json_t *c, int today, mz_error *err)
{
    json_t *one = json_pack("[O]", c);
    int rc = add_limits_to_list(db, one, today, 1, err);
    json_decref(one);
    return rc;
}

int mz_case_notices(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                    int today, json_t **out, mz_error *err)
{
    json_t *row = NULL;
    if (load(db, reg, actor, id, today, &row, err) < 0)
        return -1;
    int rc = add_notices(db, row, today, err);
    if (rc == 0)
        *out = json_pack("{s:O,s:O}", "items", json_object_get(row, "notices"), "notice_overdue",
                         json_object_get(row, "notice_overdue"));
    json_decref(row);
    return rc;
}

/* The PDF of notice nid of case id, audited as the actor's view; like: the region scope. */
static int notice_pdf(mz_db *db, const mz_actor *actor, int64_t id, int64_t nid, const char *like,
                      mz_buf *out, mz_error *err)
{
    char idb[24];
    char *b64 = NULL, *region = NULL, *num = NULL, *sha = NULL;
    unsigned char *bytes = NULL;
    size_t n = 0;
    int rc = -1;
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT n.content, c.region_code, n.number, n.sha256, n.kind FROM case_notices n "
        "JOIN cases c ON c.id = n.case_id WHERE n.id = ? AND n.case_id = ? AND c.region_code "
        "LIKE ?",
        "iit", nid, id, like);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int src = mz_stmt_step(st);
    if (src == MZ_DB_ROW) {
        b64 = mz_strdup(mz_stmt_text(st, 0));
        region = mz_strdup(mz_stmt_text(st, 1));
        num = mz_strdup(mz_stmt_text(st, 2));
        sha = mz_strdup(mz_stmt_text(st, 3));
    }
    mz_stmt_finalize(st);
    if (src < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (src != MZ_DB_ROW)
        return mz_error_set(err, 404, "not_found", NULL, "通知书不存在");
    size_t len = strlen(b64);
    bytes = mz_malloc(len / 4 * 3 + 3);
    if (sodium_base642bin(bytes, len / 4 * 3 + 3, b64, len, NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        mz_error_internal(err, "stored notice is not base64");
        goto out;
    }
    json_t *view =
        json_pack("{s:I,s:s,s:s}", "notice_id", (json_int_t)nid, "number", num, "sha256", sha);
    rc = mz_audit_append(db, actor, "case.notice_view", "case", id_text(id, idb), region, NULL,
                         view, err);
    json_decref(view);
    if (rc == 0)
        mz_buf_append(out, bytes, n);
out:
    mz_free(bytes);
    mz_free(b64);
    mz_free(region);
    mz_free(num);
    mz_free(sha);
    return rc;
}

int mz_case_notice_pdf(mz_db *db, const mz_actor *actor, int64_t id, int64_t nid, mz_buf *out,
                       mz_error *err)
{
    char like[16];
    scope_like(actor, like);
    return notice_pdf(db, actor, id, nid, like, out, err);
}

int mz_case_notice_pdf_for_party(mz_db *db, const mz_actor *actor, int64_t id, int64_t nid,
                                 mz_buf *out, mz_error *err)
{
    return notice_pdf(db, actor, id, nid, "%", out, err);
}

static const struct {
    const char *code, *name;
} service_methods[] = {
    {"direct", "直接送达"},    {"post", "邮寄送达"},       {"left", "留置送达"},
    {"entrusted", "委托送达"}, {"electronic", "电子送达"}, {"announcement", "公告送达"},
};

int mz_case_notice_serve(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                         int64_t nid, const char *served_on, const char *method,
                         const char *recipient, const char *note, int today, json_t **out,
                         mz_error *err)
{
    json_t *row = NULL;
    char *issued = NULL, *served = NULL, at[21], idb[24];
    int day, issued_day, known = 0, rc = -1;
    if (load(db, reg, actor, id, today, &row, err) < 0)
        return -1;
    int qrc = mz_db_query_text(db, &issued,
                               "SELECT issued_on FROM case_notices WHERE id = ? AND case_id = ?",
                               "ii", nid, id);
    if (qrc < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (qrc != MZ_DB_ROW || issued == NULL) {
        mz_error_set(err, 404, "not_found", NULL, "通知书不存在");
        goto out;
    }
    if (mz_db_query_text(db, &served, "SELECT served_on FROM case_notices WHERE id = ?", "i", nid) <
        0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (served_on == NULL) {
        mz_error_set(err, 400, "missing_field", "served_on", "缺少字段 served_on");
        goto out;
    }
    if (mz_date_parse(served_on, &day) != 0) {
        mz_error_set(err, 400, "invalid_value", "served_on", "送达日期须为 YYYY-MM-DD 格式的日期");
        goto out;
    }
    mz_date_parse(issued, &issued_day);
    if (day < issued_day || day > today) {
        mz_error_set(err, 400, "invalid_value", "served_on",
                     "送达日期须在通知书出具日（%s）至今天之间", issued);
        goto out;
    }
    for (size_t i = 0; method && i < sizeof service_methods / sizeof service_methods[0]; i++)
        known |= strcmp(service_methods[i].code, method) == 0;
    if (!known) {
        mz_error_set(err, 400, "invalid_value", "method",
                     "送达方式须为 direct（直接）、post（邮寄）、left（留置）、entrusted（委托）、"
                     "electronic（电子）或 announcement（公告）");
        goto out;
    }
    if (check_text(recipient, 64, "recipient", 0, err) < 0 ||
        check_text(note, 500, "note", 0, err) < 0)
        goto out;
    if (served != NULL) {
        mz_error_set(err, 409, "already_served", NULL, "该通知书已于 %s 登记送达", served);
        goto out;
    }
    mz_time_iso(time(NULL), at);
    int64_t changed = 0;
    if (mz_db_run(db, &changed,
                  "UPDATE case_notices SET served_on = ?, service_method = ?, service_recipient "
                  "= ?, service_note = ?, service_recorded_by = NULLIF(CAST(? AS BIGINT), 0), "
                  "service_recorded_at = ? WHERE id = ? AND served_on IS NULL",
                  "ttttiti", served_on, method, recipient, note, (int64_t)actor->id, at, nid) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (changed != 1) {
        mz_error_set(err, 409, "already_served", NULL, "该通知书已登记送达");
        goto out;
    }
    json_t *after = json_pack("{s:I,s:s,s:s,s:s?,s:s?}", "notice_id", (json_int_t)nid, "served_on",
                              served_on, "method", method, "recipient", recipient, "note", note);
    rc = mz_audit_append(db, actor, "case.notice_service", "case", id_text(id, idb),
                         row_str(row, "region_code"), NULL, after, err);
    json_decref(after);
    if (rc == 0) {
        mz_stmt *st = mz_db_prepare_bind(
            db, "SELECT " NOTICE_COLUMNS "FROM case_notices WHERE id = ?", "i", nid);
        if (st == NULL || mz_stmt_step(st) != MZ_DB_ROW) {
            rc = mz_error_internal(err, mz_db_errmsg(db));
        } else {
            *out = notice_from_row(st, 0, today);
        }
        mz_stmt_finalize(st);
    }
out:
    json_decref(row);
    mz_free(issued);
    mz_free(served);
    return rc;
}

int mz_case_extend(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                   int64_t days, const char *reason, int today, json_t **out, mz_error *err)
{
    json_t *row = NULL, *before = NULL;
    char *accepted = NULL, *stopped = NULL, *old_due = NULL, at[21], due_s[11], idb[24];
    int64_t limit = 0, extension = 0, max = 0;
    int found = 0, rc = -1, acc, due;
    if (load(db, reg, actor, id, today, &row, err) < 0)
        return -1;
    const mz_case_type *t = mz_case_type_find(reg, row_str(row, "case_type"));
    if (t == NULL) {
        mz_error_internal(err, "case of an unregistered type");
        goto out;
    }
    if ((strcmp(actor->role, "county_approver") != 0 || actor->level != MZ_CASE_COUNTY) &&
        (strcmp(actor->role, "township_approver") != 0 || actor->level != MZ_CASE_TOWNSHIP)) {
        mz_error_set(err, 403, "forbidden", NULL, "只有县级或乡镇审批人员可以延长办理时限");
        goto out;
    }
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT accepted_on, limit_workdays, extension_days, "
                                     "stopped_on, due_on FROM case_time_limits WHERE case_id = ?",
                                     "i", id);
    if (st == NULL) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    int src = mz_stmt_step(st);
    if (src == MZ_DB_ROW) {
        accepted = mz_strdup(mz_stmt_text(st, 0));
        limit = mz_stmt_int64(st, 1);
        extension = mz_stmt_int64(st, 2);
        stopped = mz_strdup(mz_stmt_text(st, 3));
        old_due = mz_strdup(mz_stmt_text(st, 4));
    }
    mz_stmt_finalize(st);
    if (src < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (src != MZ_DB_ROW || stopped != NULL) {
        mz_error_set(err, 409, "invalid_transition", NULL,
                     src != MZ_DB_ROW ? "事项未受理或没有法定办理时限，不能延期"
                                      : "事项已作出决定或已办结，不能延期");
        goto out;
    }
    if (extension > 0) {
        mz_error_set(err, 409, "invalid_transition", NULL, "办理时限已延长过一次，不能再次延期");
        goto out;
    }
    if (policy_int(db, t, "process_extension_max_workdays", row_str(row, "region_code"), today,
                   &max, &found, err) < 0)
        goto out;
    if (!found || max <= 0) {
        mz_error_set(err, 409, "guard_failed", "days", "本地区未规定可延长的办理时限");
        goto out;
    }
    if (days < 1 || days > max) {
        mz_error_set(err, 400, "invalid_value", "days", "延长天数须为1至%lld个工作日",
                     (long long)max);
        goto out;
    }
    if (reason == NULL || *reason == '\0') {
        mz_error_set(err, 400, "missing_field", "reason", "须写明延期理由");
        goto out;
    }
    if (check_text(reason, 500, "reason", 1, err) < 0)
        goto out;
    mz_calendar *cal = NULL;
    if (mz_date_parse(accepted, &acc) != 0) {
        mz_error_internal(err, "case_time_limits.accepted_on is not a date");
        goto out;
    }
    if (load_calendar(db, &cal, err) < 0)
        goto out;
    int crc = mz_calendar_add_workdays(cal, acc, (int)(limit + days), &due);
    mz_calendar_free(cal);
    if (crc != 0) {
        mz_error_set(err, 400, "invalid_value", "days", "期限超出日历范围");
        goto out;
    }
    mz_date_format(due, due_s);
    mz_time_iso(time(NULL), at);
    if (mz_db_run(db, NULL,
                  "UPDATE case_time_limits SET extension_days = ?, extension_reason = ?, "
                  "extended_by = NULLIF(CAST(? AS BIGINT), 0), extended_at = ?, due_on = ? "
                  "WHERE case_id = ?",
                  "ititti", days, reason, (int64_t)actor->id, at, due_s, id) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    before = json_pack("{s:s}", "due_on", old_due);
    json_t *after = json_pack("{s:I,s:s,s:s}", "extension_days", (json_int_t)days, "reason", reason,
                              "due_on", due_s);
    rc = mz_audit_append(db, actor, "case.extension", "case", id_text(id, idb),
                         row_str(row, "region_code"), before, after, err);
    json_decref(after);
    if (rc == 0)
        rc = mz_case_get(db, reg, actor, id, today, out, err);
out:
    json_decref(row);
    json_decref(before);
    mz_free(accepted);
    mz_free(stopped);
    mz_free(old_due);
    return rc;
}

/* ---- next actions ------------------------------------------------------- */

static int has_attachments(mz_db *db, int64_t id, const mz_case_type *t,
                           const mz_case_transition *tr, mz_error *err)
{
    char kind[64];
    for (size_t i = 0; list_item(tr->attachments, i, kind, sizeof kind); i++) {
        int64_t n = 0;
        if (mz_db_query_int64(
                db, &n, "SELECT COUNT(*) FROM case_attachments WHERE case_id = ? AND kind = ?",
                "it", id, kind) < 0)
            return mz_error_internal(err, mz_db_errmsg(db));
        if (n == 0)
            return mz_error_set(err, 409, "attachment_missing", "attachments", "缺少附件：%s",
                                kind_name(t, kind));
    }
    return 0;
}

static json_t *keys_json(const char *list)
{
    char k[64];
    json_t *a = json_array();
    for (size_t i = 0; list_item(list, i, k, sizeof k); i++)
        json_array_append_new(a, json_string(k));
    return a;
}

/*
 * The actions the actor may take on the case now, one per action: where
 * several transitions share an action (the approval level chosen by policy),
 * the first whose state guards hold.  "blocked" says why it cannot be taken
 * yet (a state guard or a missing attachment), else null.
 */
static int next_actions(mz_db *db, const mz_case_type *t, const mz_actor *actor, json_t *row,
                        int today, json_t **out, mz_error *err)
{
    json_t *list = json_array();
    const char *state = row_str(row, "state");
    ctx c = {db, t, actor, row, NULL, NULL, today, 1, NULL, 0};
    if (!mz_actor_can(actor, "case:case:act") || row_str(row, "closed_at") != NULL)
        goto done;
    for (size_t i = 0; i < t->ntransitions; i++) {
        const mz_case_transition *tr = &t->transitions[i];
        int dup = 0, passed;
        mz_error e;
        if (strcmp(tr->from, state) != 0 || !actor_fits(actor, tr))
            continue;
        for (size_t j = 0; j < json_array_size(list); j++)
            if (strcmp(json_string_value(json_object_get(json_array_get(list, j), "action")),
                       tr->action) == 0)
                dup = 1;
        if (dup)
            continue;
        /* Among transitions sharing the action, take the first whose state guards hold. */
        const mz_case_transition *pick = NULL;
        for (size_t j = i; j < t->ntransitions && pick == NULL; j++) {
            const mz_case_transition *o = &t->transitions[j];
            mz_error_clear(&e);
            if (strcmp(o->from, state) == 0 && strcmp(o->action, tr->action) == 0 &&
                actor_fits(actor, o) && check_guards(&c, o->guards, &passed, &e) == 0)
                pick = o;
            else if (e.status >= 500)
                goto fail;
        }
        mz_error_clear(&e);
        int64_t id = (int64_t)json_integer_value(json_object_get(row, "id"));
        int rc =
            pick ? has_attachments(db, id, t, pick, &e) : check_guards(&c, tr->guards, &passed, &e);
        if (rc < 0 && e.status >= 500)
            goto fail;
        const mz_case_transition *show = pick ? pick : tr;
        const mz_case_state *to = state_find(t, show->to);
        json_array_append_new(
            list, json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:s?}", "action", show->action, "name",
                            show->name, "to_state", show->to, "to_state_name", to->name, "guards",
                            keys_json(show->guards), "data_keys", keys_json(show->data_keys),
                            "attachments", keys_json(show->attachments), "blocked",
                            rc < 0 ? e.message : NULL));
        continue;
    fail:
        json_decref(list);
        *err = e;
        return -1;
    }
done:
    *out = list;
    return 0;
}

/* ---- reading ------------------------------------------------------------ */

static int add_history(mz_db *db, const mz_case_type *t, json_t *c, mz_error *err)
{
    json_t *items = json_array();
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT seq, from_state, to_state, action, actor_id, actor_name, actor_role, at, comment, "
        "data FROM case_events WHERE case_id = ? ORDER BY seq",
        "i", (int64_t)json_integer_value(json_object_get(c, "id")));
    int rc = MZ_DB_ERROR;
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        const mz_case_state *from = state_find(t, mz_stmt_text(st, 1));
        const mz_case_state *to = state_find(t, mz_stmt_text(st, 2));
        const char *action = mz_stmt_text(st, 3), *action_name = "提交申请";
        for (size_t i = 0; i < t->ntransitions; i++)
            if (strcmp(t->transitions[i].action, action) == 0)
                action_name = t->transitions[i].name;
        json_t *data = json_loads(mz_stmt_text(st, 9), 0, NULL);
        json_array_append_new(
            items,
            json_pack("{s:I,s:s?,s:s?,s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:s?,s:o}", "seq",
                      (json_int_t)mz_stmt_int64(st, 0), "from_state", mz_stmt_text(st, 1),
                      "from_state_name", from ? from->name : NULL, "to_state", mz_stmt_text(st, 2),
                      "to_state_name", to ? to->name : mz_stmt_text(st, 2), "action", action,
                      "action_name", action_name, "actor_id", nullable_id(st, 4), "actor_name",
                      mz_stmt_text(st, 5), "actor_role", mz_stmt_text(st, 6), "at",
                      mz_stmt_text(st, 7), "comment", mz_stmt_text(st, 8), "data",
                      json_is_object(data) ? data : json_object()));
    }
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(items);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    json_object_set_new(c, "history", items);
    return 0;
}

static json_t *attachment_from_row(const mz_case_type *t, mz_stmt *st)
{
    const char *kn = t ? kind_name(t, mz_stmt_text(st, 1)) : NULL;
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:o,s:s}", "id",
                     (json_int_t)mz_stmt_int64(st, 0), "kind", mz_stmt_text(st, 1), "kind_name",
                     kn ? kn : mz_stmt_text(st, 1), "filename", mz_stmt_text(st, 2), "mime_type",
                     mz_stmt_text(st, 3), "sha256", mz_stmt_text(st, 4), "size",
                     (json_int_t)mz_stmt_int64(st, 5), "uploaded_by", nullable_id(st, 6), "at",
                     mz_stmt_text(st, 7));
}

#define ATTACHMENT_COLUMNS "id, kind, filename, mime_type, sha256, size, uploaded_by, at "

static int add_attachments(mz_db *db, const mz_case_type *t, json_t *c, mz_error *err)
{
    json_t *items = json_array();
    mz_stmt *st = mz_db_prepare_bind(
        db, "SELECT " ATTACHMENT_COLUMNS "FROM case_attachments WHERE case_id = ? ORDER BY id", "i",
        (int64_t)json_integer_value(json_object_get(c, "id")));
    int rc = MZ_DB_ERROR;
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(items, attachment_from_row(t, st));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(items);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    json_object_set_new(c, "attachments", items);
    json_t *kinds = json_array();
    for (size_t i = 0; i < t->nattachment_kinds; i++)
        json_array_append_new(kinds, json_pack("{s:s,s:s}", "code", t->attachment_kinds[i].code,
                                               "name", t->attachment_kinds[i].name));
    json_object_set_new(c, "attachment_kinds", kinds);
    return 0;
}

static int add_objections(mz_db *db, json_t *c, mz_error *err)
{
    json_t *items = json_array();
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT id, text, raised_on, recorded_by, resolution, resolved_at FROM case_objections "
        "WHERE case_id = ? ORDER BY id",
        "i", (int64_t)json_integer_value(json_object_get(c, "id")));
    int rc = MZ_DB_ERROR;
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(
            items, json_pack("{s:I,s:s,s:s,s:o,s:s?,s:s?}", "id", (json_int_t)mz_stmt_int64(st, 0),
                             "text", mz_stmt_text(st, 1), "raised_on", mz_stmt_text(st, 2),
                             "recorded_by", nullable_id(st, 3), "resolution", mz_stmt_text(st, 4),
                             "resolved_at", mz_stmt_text(st, 5)));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(items);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    json_object_set_new(c, "objections", items);
    return 0;
}

int mz_case_get(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                int today, json_t **out, mz_error *err)
{
    json_t *c = NULL, *actions = NULL;
    if (load(db, reg, actor, id, today, &c, err) < 0)
        return -1;
    const mz_case_type *t = mz_case_type_find(reg, row_str(c, "case_type"));
    if (t == NULL) {
        json_decref(c);
        return mz_error_internal(err, "case of an unregistered type");
    }
    const mz_case_state *s = state_find(t, row_str(c, "state"));
    json_object_set_new(c, "final", json_boolean(s && s->final));
    if (add_history(db, t, c, err) < 0 || add_attachments(db, t, c, err) < 0 ||
        add_objections(db, c, err) < 0 || add_limits(db, c, today, err) < 0 ||
        next_actions(db, t, actor, c, today, &actions, err) < 0) {
        json_decref(c);
        return -1;
    }
    json_object_set_new(c, "actions", actions);
    *out = c;
    return 0;
}

/* ---- writing ------------------------------------------------------------ */

static int check_text(const char *s, size_t max, const char *field, int required, mz_error *err)
{
    if (s == NULL) {
        if (required)
            return mz_error_set(err, 400, "missing_field", field, "缺少字段 %s", field);
        return 0;
    }
    size_t n = mz_utf8_chars(s);
    if ((required && n == 0) || n > max)
        return mz_error_set(err, 400, "invalid_value", field, "%s 须为%s至%zu个字符", field,
                            required ? "1" : "0", max);
    return 0;
}

/* data is an object whose keys are all in list. */
static int check_keys(json_t *data, const char *list, mz_error *err)
{
    const char *k;
    json_t *v;
    char field[64];
    if (data == NULL)
        return 0;
    if (!json_is_object(data))
        return mz_error_set(err, 400, "invalid_type", "data", "data 须为对象");
    json_object_foreach(data, k, v)
    {
        if (!list_has(list, k)) {
            snprintf(field, sizeof field, "data.%s", k);
            return mz_error_set(err, 400, "unknown_field", field, "此操作不接受字段 %s", field);
        }
    }
    return 0;
}

static char *dump(json_t *j)
{
    return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
}

static int add_event(mz_db *db, const mz_actor *actor, int64_t id, const char *from, const char *to,
                     const char *action, const char *comment, json_t *data, mz_error *err)
{
    char at[21];
    int64_t seq = 0;
    mz_time_iso(time(NULL), at);
    char *d = data ? dump(data) : NULL;
    int rc = mz_db_query_int64(
        db, &seq, "SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = ?", "i", id);
    if (rc == MZ_DB_ROW)
        rc = mz_db_run(db, NULL,
                       "INSERT INTO case_events (case_id, seq, from_state, to_state, action, "
                       "actor_id, actor_name, actor_role, at, comment, data) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       "iitttittttt", id, seq, from, to, action, (int64_t)actor->id,
                       actor->username, actor->role, at, comment, d ? d : "{}");
    free(d);
    if (rc == MZ_DB_CONSTRAINT)
        return mz_error_set(err, 409, "conflict", NULL, "事项正被他人办理，请刷新后重试");
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    return 0;
}

static const char *id_text(int64_t id, char buf[24])
{
    snprintf(buf, 24, "%lld", (long long)id);
    return buf;
}

/* The household (in the actor's subtree) and its village; 400 when not found. */
static int household_region(mz_db *db, const mz_actor *actor, int64_t hid, char region[13],
                            mz_error *err)
{
    char like[16], *code = NULL;
    scope_like(actor, like);
    int rc = mz_db_query_text(db, &code,
                              "SELECT region_code FROM households WHERE id = ? AND region_code "
                              "LIKE ?",
                              "it", hid, like);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW || code == NULL) {
        mz_free(code);
        return mz_error_set(err, 400, "invalid_value", "household_id", "家庭 %lld 不存在",
                            (long long)hid);
    }
    snprintf(region, 13, "%s", code);
    mz_free(code);
    return 0;
}

int mz_case_create(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                   const mz_case_input *in, int today, json_t **out, mz_error *err)
{
    const mz_case_type *t = mz_case_type_find(reg, in->case_type);
    char hh_region[13] = "", at[21], idb[24];
    const char *region = in->region_code;
    json_t *row = NULL, *data = NULL;
    int64_t id = 0;
    int rc = -1, passed;

    if (t == NULL)
        return mz_error_set(err, 400, "invalid_value", "case_type", "事项类型 %s 不存在",
                            in->case_type ? in->case_type : "");
    if (!list_has(t->creators, actor->role))
        return mz_error_set(err, 403, "forbidden", NULL, "您的角色不能登记%s申请", t->name);
    if (in->channel == NULL ||
        (strcmp(in->channel, "online") != 0 && strcmp(in->channel, "village") != 0))
        return mz_error_set(err, 400, "invalid_value", "channel",
                            "申请渠道须为 online（网上申请）或 village（村居代办）");
    if (strcmp(in->channel, "village") == 0 && actor->level != MZ_CASE_VILLAGE)
        return mz_error_set(err, 400, "invalid_value", "channel", "代办申请由村居协理员录入");
    if (in->household_id > 0) {
        if (household_region(db, actor, in->household_id, hh_region, err) < 0)
            return -1;
        if (region && strcmp(region, hh_region) != 0)
            return mz_error_set(err, 400, "invalid_region", "region_code",
                                "区划须为该家庭所在的村居");
        region = hh_region;
    }
    if (region == NULL)
        return mz_error_set(err, 400, "missing_field", "region_code", "缺少字段 region_code");
    if (mz_region_check(db, actor, region, "region_code", NULL, err) < 0)
        return -1;
    if (mz_region_level_of(region) != MZ_CASE_VILLAGE)
        return mz_error_set(err, 400, "invalid_region", "region_code",
                            "申请须登记在申请人所在的村居");
    if (in->applicant_person_id > 0) {
        int64_t n = 0;
        if (in->household_id <= 0)
            return mz_error_set(err, 400, "invalid_value", "applicant_person_id",
                                "指定申请人须同时指定家庭");
        if (mz_db_query_int64(db, &n,
                              "SELECT COUNT(*) FROM household_members WHERE household_id = ? AND "
                              "person_id = ? AND left_on IS NULL",
                              "ii", in->household_id, in->applicant_person_id) < 0)
            return mz_error_internal(err, mz_db_errmsg(db));
        if (n == 0)
            return mz_error_set(err, 400, "invalid_value", "applicant_person_id",
                                "申请人须为该家庭的现有成员");
    }
    if (check_text(in->applicant_name, 64, "applicant_name", 1, err) < 0 ||
        check_text(in->comment, 1000, "comment", 0, err) < 0 ||
        check_keys(in->data, t->create_data_keys, err) < 0)
        return -1;
    data = in->data ? json_deep_copy(in->data) : json_object();
    row = json_pack("{s:s,s:O}", "region_code", region, "data", data);
    ctx c = {db, t, actor, row, data, in->comment, today, 0, reg, 0};
    if (check_guards(&c, t->create_guards, &passed, err) < 0)
        goto out;
    const mz_case_state *s = state_find(t, t->initial);
    if (set_deadline(db, row, s, today, err) < 0)
        goto out;
    mz_time_iso(time(NULL), at);
    char *d = dump(data);
    int qrc = mz_db_query_int64(
        db, &id,
        "INSERT INTO cases (case_type, state, region_code, household_id, applicant_person_id, "
        "applicant_name, channel, relative_of_staff, authorisation_recorded, deadline_on, "
        "created_by, created_at, updated_at, data) "
        "VALUES (?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, "
        "?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?) "
        "RETURNING id",
        "tttiittiitittt", t->code, t->initial, region, in->household_id, in->applicant_person_id,
        in->applicant_name, in->channel, (int64_t) !!in->relative_of_staff,
        (int64_t) !!in->authorisation_recorded, row_str(row, "deadline_on"), (int64_t)actor->id, at,
        at, d);
    free(d);
    if (qrc != MZ_DB_ROW) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (add_event(db, actor, id, NULL, t->initial, "create", in->comment, data, err) < 0 ||
        mz_case_get(db, reg, actor, id, today, out, err) < 0)
        goto out;
    json_t *after = json_pack("{s:s,s:s,s:s,s:b,s:b,s:O}", "case_type", t->code, "state",
                              t->initial, "applicant_name", in->applicant_name, "relative_of_staff",
                              !!in->relative_of_staff, "authorisation_recorded",
                              !!in->authorisation_recorded, "data", data);
    rc = mz_audit_append(db, actor, "case.create", "case", id_text(id, idb), region, NULL, after,
                         err);
    json_decref(after);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
out:
    json_decref(row);
    json_decref(data);
    return rc;
}

/* The changing part of a case, for the audit log. */
static json_t *audit_view(json_t *row)
{
    return json_pack("{s:O,s:O,s:O,s:O}", "state", json_object_get(row, "state"), "deadline_on",
                     json_object_get(row, "deadline_on"), "outcome",
                     json_object_get(row, "outcome"), "data", json_object_get(row, "data"));
}

int mz_case_act(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                const char *action, const char *comment, json_t *data, int today, json_t **out,
                mz_error *err)
{
    json_t *row = NULL, *before = NULL, *after = NULL, *empty = json_object();
    const mz_case_transition *chosen = NULL;
    char at[21], idb[24], *d = NULL;
    int rc = -1, known = 0, best = -1;
    mz_error first;

    mz_error_clear(&first);
    if (load(db, reg, actor, id, today, &row, err) < 0)
        goto out;
    const mz_case_type *t = mz_case_type_find(reg, row_str(row, "case_type"));
    if (t == NULL) {
        mz_error_internal(err, "case of an unregistered type");
        goto out;
    }
    const char *from = row_str(row, "state");
    for (size_t i = 0; i < t->ntransitions; i++)
        known |= strcmp(t->transitions[i].action, action) == 0;
    if (!known) {
        mz_error_set(err, 400, "invalid_value", "action", "%s没有 %s 这一操作", t->name, action);
        goto out;
    }
    const mz_case_state *fs = state_find(t, from);
    int any_from = 0, any_fit = 0;
    for (size_t i = 0; i < t->ntransitions; i++) {
        const mz_case_transition *tr = &t->transitions[i];
        if (strcmp(tr->from, from) != 0 || strcmp(tr->action, action) != 0)
            continue;
        any_from = 1;
        if (!actor_fits(actor, tr))
            continue;
        any_fit = 1;
    }
    if (!any_from) {
        mz_error_set(err, 409, "invalid_transition", "action", "事项处于“%s”，不能%s",
                     fs ? fs->name : from, action);
        goto out;
    }
    if (!any_fit) {
        mz_error_set(err, 403, "forbidden", "action", "您的角色或层级不能在“%s”办理此操作",
                     fs ? fs->name : from);
        goto out;
    }
    if (check_text(comment, 1000, "comment", 0, err) < 0)
        goto out;
    /* Data keys: the union of what the fitting transitions declare. */
    if (data) {
        const char *k;
        json_t *v;
        char field[64];
        if (!json_is_object(data)) {
            mz_error_set(err, 400, "invalid_type", "data", "data 须为对象");
            goto out;
        }
        json_object_foreach(data, k, v)
        {
            int ok = 0;
            for (size_t i = 0; i < t->ntransitions; i++) {
                const mz_case_transition *tr = &t->transitions[i];
                ok |= strcmp(tr->from, from) == 0 && strcmp(tr->action, action) == 0 &&
                      actor_fits(actor, tr) && list_has(tr->data_keys, k);
            }
            if (!ok) {
                snprintf(field, sizeof field, "data.%s", k);
                mz_error_set(err, 400, "unknown_field", field, "此操作不接受字段 %s", field);
                goto out;
            }
        }
    }
    ctx c = {db, t, actor, row, data ? data : empty, comment, today, 0, reg, 0};
    for (size_t i = 0; i < t->ntransitions && chosen == NULL; i++) {
        const mz_case_transition *tr = &t->transitions[i];
        int passed;
        mz_error e;
        if (strcmp(tr->from, from) != 0 || strcmp(tr->action, action) != 0 ||
            !actor_fits(actor, tr))
            continue;
        mz_error_clear(&e);
        if (check_guards(&c, tr->guards, &passed, &e) == 0) {
            chosen = tr;
        } else {
            if (e.status >= 500) {
                *err = e;
                goto out;
            }
            /* Report the refusal of the transition that came closest. */
            if (passed > best) {
                best = passed;
                first = e;
            }
        }
    }
    if (chosen == NULL) {
        *err = first;
        goto out;
    }
    if (has_attachments(db, id, t, chosen, err) < 0)
        goto out;
    before = audit_view(row);
    char effect[64];
    for (size_t i = 0; list_item(chosen->effects, i, effect, sizeof effect); i++)
        if (effect_find(effect)->fn(&c, err) < 0)
            goto out;
    const mz_case_state *to = state_find(t, chosen->to);
    json_object_set_new(row, "state", json_string(to->code));
    if (set_deadline(db, row, to, today, err) < 0)
        goto out;
    mz_time_iso(time(NULL), at);
    d = dump(row_data(row));
    int64_t changed = 0;
    if (mz_db_run(db, &changed,
                  "UPDATE cases SET state = ?, authorisation_recorded = ?, visited = ?, "
                  "publicity_from = ?, publicity_until = ?, deadline_on = ?, outcome = ?, "
                  "updated_at = ?, closed_at = ?, data = ? WHERE id = ? AND state = ?",
                  "tiitttttttit", to->code, (int64_t)row_int(row, "authorisation_recorded"),
                  (int64_t)row_int(row, "visited"), row_str(row, "publicity_from"),
                  row_str(row, "publicity_until"), row_str(row, "deadline_on"),
                  row_str(row, "outcome"), at, to->final ? at : NULL, d, id, from) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (changed != 1) {
        mz_error_set(err, 409, "conflict", NULL, "事项正被他人办理，请刷新后重试");
        goto out;
    }
    if (add_event(db, actor, id, from, to->code, action, comment, data, err) < 0 ||
        after_act(&c, action, json_object_get(before, "outcome"), to, err) < 0)
        goto out;
    after = audit_view(row);
    json_object_set(after, "action_data", data ? data : empty);
    char audit_action[80];
    snprintf(audit_action, sizeof audit_action, "case.%s", action);
    if (mz_audit_append(db, actor, audit_action, "case", id_text(id, idb),
                        row_str(row, "region_code"), before, after, err) < 0 ||
        mz_case_get(db, reg, actor, id, today, out, err) < 0)
        goto out;
    rc = 0;
out:
    free(d);
    json_decref(row);
    json_decref(before);
    json_decref(after);
    json_decref(empty);
    return rc;
}

/* ---- lists -------------------------------------------------------------- */

static int run_list(mz_db *db, const mz_case_registry *reg, mz_stmt *st, int today, json_t **items,
                    mz_error *err)
{
    int rc;
    *items = json_array();
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(*items, case_from_row(reg, st, today));
    if (rc < 0) {
        json_decref(*items);
        *items = NULL;
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    return 0;
}

/* The list's WHERE: only the filters given, so that the planner can use their indexes. */
static void list_where(mz_query *q, const mz_actor *actor, const mz_case_filter *f, const char *sub,
                       const char *day)
{
    /* One range, the narrower of the scope and the filter: with two on the same column the
     * planner, not seeing the values, may use the wider one and filter the rest row by row. */
    const char *scope = actor->scope_prefix;
    if (*sub == '\0' || strncmp(scope, sub, strlen(sub)) == 0)
        mz_query_region(q, "c.region_code", scope);
    else if (strncmp(sub, scope, strlen(scope)) == 0)
        mz_query_region(q, "c.region_code", sub);
    else
        mz_query_add(q, " AND 1 = 0", ""); /* a filter outside the scope: nothing */
    if (f->case_type && *f->case_type)
        mz_query_add(q, " AND c.case_type = ?", "t", f->case_type);
    if (f->state && *f->state)
        mz_query_add(q, " AND c.state = ?", "t", f->state);
    if (f->relative_of_staff >= 0)
        mz_query_add(q, " AND c.relative_of_staff = ?", "i", (int64_t)f->relative_of_staff);
    if (f->open == 1)
        mz_query_add(q, " AND c.closed_at IS NULL", "");
    else if (f->open == 0)
        mz_query_add(q, " AND c.closed_at IS NOT NULL", "");
    if (f->household_id)
        mz_query_add(q, " AND c.household_id = ?", "i", f->household_id);
    if (f->applicant_person_id)
        mz_query_add(q, " AND c.applicant_person_id = ?", "i", f->applicant_person_id);
    if (f->overdue == 1)
        mz_query_add(q,
                     " AND (c.id IN (SELECT case_id FROM case_time_limits WHERE stopped_on IS NULL "
                     "AND due_on < ?) OR c.id IN (SELECT case_id FROM case_notices WHERE "
                     "served_on IS NULL AND service_due_on < ?))",
                     "tt", day, day);
}

int mz_case_list(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                 const mz_case_filter *f, int today, json_t **out, mz_error *err)
{
    char sub[13] = "", day[11];
    const char *type = f->case_type ? f->case_type : "";
    int64_t total = 0;
    json_t *items = NULL;
    mz_query q;
    if (f->region_code) {
        if (mz_region_level_of(f->region_code) < 0)
            return mz_error_set(err, 400, "invalid_parameter", "region", "区划代码须为12位数字");
        mz_region_prefix(f->region_code, sub);
    }
    if (*type && mz_case_type_find(reg, type) == NULL)
        return mz_error_set(err, 400, "invalid_parameter", "type", "事项类型 %s 不存在", type);
    mz_date_format(today, day);
    mz_stmt *st;
    int rc;
    if (!f->no_total) {
        mz_query_init(&q, "SELECT COUNT(*) FROM cases c WHERE 1 = 1");
        list_where(&q, actor, f, sub, day);
        st = mz_query_prepare(db, &q);
        rc = st ? mz_stmt_step(st) : MZ_DB_ERROR;
        if (rc == MZ_DB_ROW)
            total = mz_stmt_int64(st, 0);
        mz_stmt_finalize(st);
        mz_query_cleanup(&q);
        if (rc != MZ_DB_ROW)
            return mz_error_internal(err, mz_db_errmsg(db));
    }
    /* The page's ids first, from the indexes alone, then only their rows: ordering whole rows
     * (perf: a township's every case read, sorted and dropped but twenty) cost a fifth of a
     * page.  The cases of one household or one applicant (a profile's) are few and come from
     * their index in id order: those are read directly, without the subquery's temporary
     * table (perf: opening and dropping it was a third of a person profile's case list).
     * The ids come from cases alone: the filters are all on its columns, and every case's
     * region exists (a foreign key), so joining the regions there only sought one row of
     * regions for each case of the range (wrk at 5 million: 1,900-2,100 -> 2,500 pages a
     * second). */
    int direct = f->household_id || f->applicant_person_id;
    mz_query_init(&q, direct ? "SELECT " CASE_COLUMNS CASE_FROM "WHERE 1 = 1"
                             : "SELECT " CASE_COLUMNS CASE_FROM
                               "WHERE c.id IN (SELECT c.id FROM cases c WHERE 1 = 1");
    list_where(&q, actor, f, sub, day);
    mz_query_add(&q,
                 direct ? " ORDER BY c.id DESC LIMIT ? OFFSET ?"
                        : " ORDER BY c.id DESC LIMIT ? OFFSET ?) ORDER BY c.id DESC",
                 "ii", (int64_t)f->page_size, (int64_t)(f->page - 1) * f->page_size);
    st = mz_query_prepare(db, &q);
    mz_query_cleanup(&q);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    rc = run_list(db, reg, st, today, &items, err);
    mz_stmt_finalize(st);
    if (rc == 0 && add_limits_to_list(db, items, today, 0, err) < 0) {
        json_decref(items);
        rc = -1;
    }
    if (rc < 0)
        return -1;
    *out = json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page",
                     f->page, "page_size", f->page_size);
    return 0;
}

/* Binds the (case_type, state) pairs the actor may act on after index *idx. */
static void bind_pairs(mz_stmt *st, const mz_case_registry *reg, const mz_actor *actor, int *idx)
{
    for (size_t i = 0; i < reg->ntypes; i++)
        for (size_t j = 0; j < reg->types[i]->ntransitions; j++) {
            const mz_case_transition *tr = &reg->types[i]->transitions[j];
            if (!actor_fits(actor, tr))
                continue;
            mz_stmt_bind_text(st, (*idx)++, reg->types[i]->code);
            mz_stmt_bind_text(st, (*idx)++, tr->from);
        }
}

int mz_case_inbox(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int page,
                  int page_size, int today, json_t **out, mz_error *err)
{
    mz_buf where;
    char scope[16];
    int npairs = 0, idx;
    int64_t total = 0;
    json_t *items = NULL;
    mz_stmt *st = NULL;

    scope_like(actor, scope);
    mz_buf_init(&where);
    mz_buf_puts(&where, "WHERE c.closed_at IS NULL AND c.region_code LIKE ? AND (");
    for (size_t i = 0; i < reg->ntypes; i++)
        for (size_t j = 0; j < reg->types[i]->ntransitions; j++)
            if (actor_fits(actor, &reg->types[i]->transitions[j]))
                mz_buf_printf(&where, "%s(c.case_type = ? AND c.state = ?)",
                              npairs++ ? " OR " : "");
    mz_buf_puts(&where, ") ");
    if (!mz_actor_can(actor, "case:case:act") || npairs == 0) {
        mz_buf_cleanup(&where);
        *out = json_pack("{s:[],s:i,s:i,s:i}", "items", "total", 0, "page", page, "page_size",
                         page_size);
        return 0;
    }
    char *count_sql = mz_malloc(where.len + 64), *sql = mz_malloc(where.len + 512);
    snprintf(count_sql, where.len + 64, "SELECT COUNT(*) FROM cases c %s", where.data);
    snprintf(sql, where.len + 512,
             "SELECT " CASE_COLUMNS CASE_FROM
             "%s ORDER BY c.deadline_on IS NULL, c.deadline_on, c.id LIMIT ? OFFSET ?",
             where.data);
    mz_buf_cleanup(&where);
    int rc = -1;
    st = mz_db_prepare(db, count_sql);
    if (st == NULL)
        goto dberr;
    mz_stmt_bind_text(st, 1, scope);
    idx = 2;
    bind_pairs(st, reg, actor, &idx);
    if (mz_stmt_step(st) != MZ_DB_ROW)
        goto dberr;
    total = mz_stmt_int64(st, 0);
    mz_stmt_finalize(st);
    st = mz_db_prepare(db, sql);
    if (st == NULL)
        goto dberr;
    mz_stmt_bind_text(st, 1, scope);
    idx = 2;
    bind_pairs(st, reg, actor, &idx);
    mz_stmt_bind_int64(st, idx++, page_size);
    mz_stmt_bind_int64(st, idx, (int64_t)(page - 1) * page_size);
    if (run_list(db, reg, st, today, &items, err) < 0 ||
        add_limits_to_list(db, items, today, 0, err) < 0)
        goto out;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *c = json_array_get(items, i), *actions = NULL;
        if (next_actions(db, mz_case_type_find(reg, row_str(c, "case_type")), actor, c, today,
                         &actions, err) < 0)
            goto out;
        json_object_set_new(c, "actions", actions);
    }
    *out = json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page", page,
                     "page_size", page_size);
    items = NULL;
    rc = 0;
    goto out;
dberr:
    mz_error_internal(err, mz_db_errmsg(db));
out:
    json_decref(items);
    mz_stmt_finalize(st);
    mz_free(count_sql);
    mz_free(sql);
    return rc;
}

/* ---- attachments and objections ---------------------------------------- */

static const char *sniff_mime(const unsigned char *b, size_t n)
{
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    if (n >= 5 && memcmp(b, "%PDF-", 5) == 0)
        return "application/pdf";
    if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
        return "image/jpeg";
    if (n >= sizeof png && memcmp(b, png, sizeof png) == 0)
        return "image/png";
    return NULL;
}

int mz_case_attachment_check(const char *content_base64, const char **mime, int64_t *size,
                             char sha256_hex[65], mz_error *err)
{
    size_t n = 0, b64len = content_base64 ? strlen(content_base64) : 0;
    unsigned char hash[crypto_hash_sha256_BYTES];
    if (b64len > (MZ_CASE_ATTACHMENT_MAX + 2) / 3 * 4)
        return mz_error_set(err, 413, "attachment_too_large", "content", "附件不能超过%d KB",
                            MZ_CASE_ATTACHMENT_MAX / 1024);
    unsigned char *bytes = mz_malloc(b64len / 4 * 3 + 3);
    int rc = -1;
    if (b64len == 0 ||
        sodium_base642bin(bytes, b64len / 4 * 3 + 3, content_base64, b64len, NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        n == 0)
        mz_error_set(err, 400, "invalid_value", "content", "附件内容须为非空的 Base64 编码");
    else if (n > MZ_CASE_ATTACHMENT_MAX)
        mz_error_set(err, 413, "attachment_too_large", "content", "附件不能超过%d KB",
                     MZ_CASE_ATTACHMENT_MAX / 1024);
    else if ((*mime = sniff_mime(bytes, n)) == NULL)
        mz_error_set(err, 400, "invalid_value", "content", "附件须为 PDF、JPEG 或 PNG 文件");
    else {
        crypto_hash_sha256(hash, bytes, n);
        sodium_bin2hex(sha256_hex, 65, hash, sizeof hash);
        *size = (int64_t)n;
        rc = 0;
    }
    mz_free(bytes);
    return rc;
}

int mz_case_attachment_add(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                           int64_t id, const char *kind, const char *filename,
                           const char *content_base64, json_t **out, mz_error *err)
{
    json_t *row = NULL;
    char hex[2 * crypto_hash_sha256_BYTES + 1], at[21], idb[24];
    int64_t aid = 0;
    int rc = -1;

    if (load(db, reg, actor, id, mz_date_today(), &row, err) < 0)
        return -1;
    const mz_case_type *t = mz_case_type_find(reg, row_str(row, "case_type"));
    if (t == NULL) {
        mz_error_internal(err, "case of an unregistered type");
        goto out;
    }
    if (row_str(row, "closed_at") != NULL) {
        mz_error_set(err, 409, "invalid_transition", NULL, "事项已办结，不能再添加附件");
        goto out;
    }
    if (kind == NULL || kind_name(t, kind) == NULL) {
        mz_error_set(err, 400, "invalid_value", "kind", "%s没有 %s 这类附件", t->name,
                     kind ? kind : "");
        goto out;
    }
    if (check_text(filename, 100, "filename", 1, err) < 0)
        goto out;
    if (strpbrk(filename, "/\\") != NULL) {
        mz_error_set(err, 400, "invalid_value", "filename", "文件名不能含有路径分隔符");
        goto out;
    }
    const char *mime = NULL;
    int64_t size = 0;
    if (mz_case_attachment_check(content_base64, &mime, &size, hex, err) < 0)
        goto out;
    mz_time_iso(time(NULL), at);
    if (mz_db_query_int64(
            db, &aid,
            "INSERT INTO case_attachments (case_id, kind, filename, mime_type, "
            "sha256, size, content, uploaded_by, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?) RETURNING id",
            "ittttitit", id, kind, filename, mime, hex, size, content_base64, (int64_t)actor->id,
            at) != MZ_DB_ROW) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    *out = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "id", (json_int_t)aid, "kind", kind,
                     "kind_name", kind_name(t, kind), "filename", filename, "mime_type", mime,
                     "sha256", hex, "size", (json_int_t)size, "uploaded_by", (json_int_t)actor->id,
                     "at", at);
    json_t *after = json_pack("{s:I,s:s,s:s,s:s,s:I}", "attachment_id", (json_int_t)aid, "kind",
                              kind, "filename", filename, "sha256", hex, "size", (json_int_t)size);
    rc = mz_audit_append(db, actor, "case.attachment_add", "case", id_text(id, idb),
                         row_str(row, "region_code"), NULL, after, err);
    json_decref(after);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
out:
    json_decref(row);
    return rc;
}

int mz_case_attachment_get(mz_db *db, const mz_actor *actor, int64_t id, int64_t aid, json_t **out,
                           mz_error *err)
{
    char like[16], idb[24];
    json_t *a = NULL;
    char *region = NULL;
    scope_like(actor, like);
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT a.id, a.kind, a.filename, a.mime_type, a.sha256, a.size, a.uploaded_by, a.at, "
        "a.content, c.region_code FROM case_attachments a JOIN cases c ON c.id = a.case_id "
        "WHERE a.id = ? AND a.case_id = ? AND c.region_code LIKE ?",
        "iit", aid, id, like);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW) {
        a = attachment_from_row(NULL, st);
        json_object_set_new(a, "content", json_string(mz_stmt_text(st, 8)));
        region = mz_strdup(mz_stmt_text(st, 9));
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 404, "not_found", NULL, "附件不存在");
    json_t *view = json_pack("{s:I,s:O,s:O}", "attachment_id", (json_int_t)aid, "kind",
                             json_object_get(a, "kind"), "sha256", json_object_get(a, "sha256"));
    rc = mz_audit_append(db, actor, "case.attachment_view", "case", id_text(id, idb), region, NULL,
                         view, err);
    json_decref(view);
    mz_free(region);
    if (rc < 0) {
        json_decref(a);
        return -1;
    }
    *out = a;
    return 0;
}

int mz_case_objection_add(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                          const char *text, int today, json_t **out, mz_error *err)
{
    json_t *row = NULL;
    char day[11], idb[24];
    int64_t oid = 0;
    int rc = -1, from, until;

    if (load(db, reg, actor, id, today, &row, err) < 0)
        return -1;
    const mz_case_type *t = mz_case_type_find(reg, row_str(row, "case_type"));
    const mz_case_state *s = t ? state_find(t, row_str(row, "state")) : NULL;
    const char *pf = row_str(row, "publicity_from"), *pu = row_str(row, "publicity_until");
    if (s == NULL || !s->publicity || pf == NULL || pu == NULL || mz_date_parse(pf, &from) != 0 ||
        mz_date_parse(pu, &until) != 0 || today < from || today > until) {
        mz_error_set(err, 409, "invalid_transition", NULL, "事项不在公示期内，不能登记异议");
        goto out;
    }
    if (check_text(text, 1000, "text", 1, err) < 0)
        goto out;
    mz_date_format(today, day);
    if (mz_db_query_int64(db, &oid,
                          "INSERT INTO case_objections (case_id, text, raised_on, recorded_by) "
                          "VALUES (?, ?, ?, NULLIF(CAST(? AS BIGINT), 0)) RETURNING id",
                          "itti", id, text, day, (int64_t)actor->id) != MZ_DB_ROW) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    json_t *after =
        json_pack("{s:I,s:s,s:s}", "objection_id", (json_int_t)oid, "text", text, "raised_on", day);
    rc = mz_audit_append(db, actor, "case.objection", "case", id_text(id, idb),
                         row_str(row, "region_code"), NULL, after, err);
    json_decref(after);
    if (rc == 0)
        *out =
            json_pack("{s:I,s:s,s:s,s:I,s:n,s:n}", "id", (json_int_t)oid, "text", text, "raised_on",
                      day, "recorded_by", (json_int_t)actor->id, "resolution", "resolved_at");
out:
    json_decref(row);
    return rc;
}
