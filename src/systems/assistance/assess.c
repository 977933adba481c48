/*
 * The 社会救助 calculator (试算) on a request object: validates every nested
 * field of the household snapshot (naming it by its path, "household.
 * members[2].id_number"), or takes a stored household's snapshot from the
 * registry, loads the policy in force for the village on the date, runs the
 * rule function (rules.h) and renders the decision with its explanation.
 * POST /assessments calls it, and so does the case engine's 核对 step, so a
 * case records exactly what the calculator shows.  Nothing is written.
 */
#include <stdio.h>
#include <string.h>

#include "systems/assistance/assess.h"

#include <jansson.h>

#include "base/mem.h"
#include "base/date.h"
#include "base/idnum.h"
#include "core/household.h"
#include "core/region.h"
#include "systems/assistance/params.h"
#include "systems/assistance/rules.h"

/* Types of nested fields. */
enum { N_STRING = 1, N_STRING_OR_NULL, N_INT, N_BOOL, N_OBJECT_OR_NULL, N_ARRAY };

struct nfield {
    const char *name;
    int type;
    int required;
};

static const char *ntype_name(int t)
{
    switch (t) {
    case N_STRING:
        return "字符串";
    case N_STRING_OR_NULL:
        return "字符串或 null";
    case N_INT:
        return "整数";
    case N_BOOL:
        return "布尔值";
    case N_OBJECT_OR_NULL:
        return "对象或 null";
    default:
        return "数组";
    }
}

static int ntype_ok(int t, json_t *v)
{
    switch (t) {
    case N_STRING:
        return json_is_string(v);
    case N_STRING_OR_NULL:
        return json_is_string(v) || json_is_null(v);
    case N_INT:
        return json_is_integer(v);
    case N_BOOL:
        return json_is_boolean(v);
    case N_OBJECT_OR_NULL:
        return json_is_object(v) || json_is_null(v);
    default:
        return json_is_array(v);
    }
}

/* "household.members[2]" + "." + "id_number"; a top-level field is its name. */
static const char *path_of(char out[64], const char *base, const char *name)
{
    /* Paths are ASCII and fit the error's field; a longer one is cut. */
    if (snprintf(out, 64, "%s%s%s", base, base[0] ? "." : "", name) >= 64)
        out[63] = '\0';
    return out;
}

/* Known keys, their types and the required ones, for an object at path. */
static int check_object(json_t *obj, const char *path, const struct nfield *fields, mz_error *err)
{
    const char *key;
    json_t *v;
    char p[64];
    json_object_foreach(obj, key, v)
    {
        const struct nfield *f = fields;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        if (f->name == NULL)
            return mz_error_set(err, 400, "unknown_field", path_of(p, path, key),
                                "不支持的字段：%s", p);
        if (!ntype_ok(f->type, v))
            return mz_error_set(err, 400, "invalid_type", path_of(p, path, key), "字段 %s 须为%s",
                                p, ntype_name(f->type));
    }
    for (const struct nfield *f = fields; f->name; f++)
        if (f->required && json_object_get(obj, f->name) == NULL)
            return mz_error_set(err, 400, "missing_field", path_of(p, path, f->name),
                                "缺少必填字段：%s", p);
    return 0;
}

static int get_bool(json_t *obj, const char *name)
{
    return json_is_true(json_object_get(obj, name));
}

/* An optional amount in fen: 0..MZ_ASSIST_MAX_FEN (default 0), min when required is 1. */
static int get_fen(json_t *obj, const char *path, const char *name, int64_t min, int64_t *out,
                   mz_error *err)
{
    json_t *v = json_object_get(obj, name);
    char p[64];
    *out = v ? (int64_t)json_integer_value(v) : 0;
    if (v && (*out < min || *out > MZ_ASSIST_MAX_FEN))
        return mz_error_set(err, 400, "invalid_value", path_of(p, path, name),
                            "%s 须为 %lld 至 %lld 之间的整数（单位：分）", p, (long long)min,
                            (long long)MZ_ASSIST_MAX_FEN);
    return 0;
}

/* The code of a field in enumeration e, or 400 listing the accepted codes. */
static int get_enum(json_t *obj, const char *path, const char *name, enum mz_assist_enum e,
                    int first, int dflt, int *out, mz_error *err)
{
    json_t *v = json_object_get(obj, name);
    char p[64], list[256] = "";
    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    *out = mz_assist_enum_parse(e, json_string_value(v));
    if (*out >= first)
        return 0;
    for (int i = first; mz_assist_enum_code(e, i)[0]; i++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", len ? "、" : "", mz_assist_enum_code(e, i));
    }
    return mz_error_set(err, 400, "invalid_value", path_of(p, path, name), "%s 须为 %s 之一", p,
                        list);
}

/* A resident ID number at path, normalised into out. */
static int get_idnum(json_t *obj, const char *path, const char *name, struct mz_idnum *out,
                     mz_error *err)
{
    char p[64];
    int rc = mz_idnum_check(json_string_value(json_object_get(obj, name)), out);
    if (rc != 0)
        return mz_error_set(err, 400, "invalid_id_number", path_of(p, path, name), "%s：%s", p,
                            mz_idnum_strerror(rc));
    return 0;
}

/* What one assessment reads: the request object, scratch memory, the store and the actor. */
struct in {
    mz_arena *arena;
    json_t *json;
    mz_db *db;
    const mz_actor *actor;
};

struct parsed {
    int64_t household_id; /* > 0: the snapshot came from the registry */
    int masked;           /* show ID numbers masked in the answer */
    mz_assist_case c;
    mz_assist_member *members;
    mz_assist_income *incomes;
    mz_assist_asset *assets;
};

static int parse_member(json_t *o, const char *path, mz_assist_member *m, mz_error *err)
{
    static const struct nfield fields[] = {{"id_number", N_STRING, 1},
                                           {"relation", N_STRING, 1},
                                           {"disability", N_OBJECT_OR_NULL, 0},
                                           {"serious_illness", N_BOOL, 0},
                                           {"labour_capacity", N_STRING, 0},
                                           {"detained", N_BOOL, 0},
                                           {"missing", N_BOOL, 0},
                                           {"in_school", N_BOOL, 0},
                                           {"self_care_unable", N_INT, 0},
                                           {"supporter_able", N_BOOL, 0},
                                           {"deceased_on", N_STRING_OR_NULL, 0},
                                           {"name", N_STRING, 0}, /* shown, not used */
                                           {NULL, 0, 0}};
    static const struct nfield dfields[] = {
        {"kind", N_STRING, 1}, {"grade", N_INT, 1}, {NULL, 0, 0}};
    char p[64], dpath[64];
    json_t *v;
    if (check_object(o, path, fields, err) < 0 ||
        get_idnum(o, path, "id_number", &m->id, err) < 0 ||
        get_enum(o, path, "relation", MZ_ASSIST_E_RELATION, 0, 0, &m->relation, err) < 0 ||
        get_enum(o, path, "labour_capacity", MZ_ASSIST_E_LABOUR, 0, MZ_ASSIST_LABOUR_FULL,
                 &m->labour_capacity, err) < 0)
        return -1;
    v = json_object_get(o, "disability");
    if (v && json_is_object(v)) {
        path_of(dpath, path, "disability");
        if (check_object(v, dpath, dfields, err) < 0 ||
            get_enum(v, dpath, "kind", MZ_ASSIST_E_DISABILITY, MZ_ASSIST_DIS_PHYSICAL, 0,
                     &m->disability_kind, err) < 0)
            return -1;
        json_int_t g = json_integer_value(json_object_get(v, "grade"));
        if (g < 1 || g > 4)
            return mz_error_set(err, 400, "invalid_value", path_of(p, dpath, "grade"),
                                "%s 须为 1 至 4 的残疾等级", p);
        m->disability_grade = (int)g;
    }
    v = json_object_get(o, "self_care_unable");
    if (v) {
        json_int_t n = json_integer_value(v);
        if (n < 0 || n > MZ_ASSIST_CARE_ACTIVITIES)
            return mz_error_set(err, 400, "invalid_value", path_of(p, path, "self_care_unable"),
                                "%s 须为 0 至 6（6项日常生活活动中不能自理的项数）", p);
        m->self_care_unable = (int)n;
    }
    v = json_object_get(o, "deceased_on");
    if (v && json_is_string(v)) {
        if (mz_date_parse(json_string_value(v), &m->deceased_on) != 0)
            return mz_error_set(err, 400, "invalid_value", path_of(p, path, "deceased_on"),
                                "%s 须为有效的 YYYY-MM-DD 日期", p);
        m->deceased = 1;
    }
    m->serious_illness = get_bool(o, "serious_illness");
    m->detained = get_bool(o, "detained");
    m->missing = get_bool(o, "missing");
    m->in_school = get_bool(o, "in_school");
    m->supporter_able = get_bool(o, "supporter_able");
    return 0;
}

/* The index of the member with this ID number, or -1. */
static int member_index(const struct parsed *ps, const struct mz_idnum *id)
{
    for (int i = 0; i < ps->c.nmembers; i++)
        if (strcmp(ps->members[i].id.normalized, id->normalized) == 0)
            return i;
    return -1;
}

static int parse_members(struct in *req, json_t *h, struct parsed *ps, mz_error *err)
{
    json_t *list = json_object_get(h, "members"), *o;
    char path[64], fp[64];
    size_t i;
    int self = -1;
    if (json_array_size(list) < 1 || json_array_size(list) > MZ_ASSIST_MAX_MEMBERS)
        return mz_error_set(err, 400, "invalid_value", "household.members",
                            "家庭成员须为 1 至 %d 人", MZ_ASSIST_MAX_MEMBERS);
    ps->members = mz_arena_alloc(req->arena, json_array_size(list) * sizeof ps->members[0]);
    ps->c.members = ps->members;
    json_array_foreach(list, i, o)
    {
        snprintf(path, sizeof path, "household.members[%zu]", i);
        if (!json_is_object(o))
            return mz_error_set(err, 400, "invalid_type", path, "字段 %s 须为对象", path);
        mz_assist_member *m = &ps->members[i];
        if (parse_member(o, path, m, err) < 0)
            return -1;
        int dup = member_index(ps, &m->id);
        if (dup >= 0)
            return mz_error_set(err, 400, "invalid_value", path_of(fp, path, "id_number"),
                                "身份证号码与第 %d 名成员重复", dup + 1);
        if (m->relation == MZ_ASSIST_REL_SELF) {
            if (self >= 0)
                return mz_error_set(err, 400, "invalid_value", path_of(fp, path, "relation"),
                                    "只能有一名成员的关系为 self（本人）");
            self = (int)i;
        }
        ps->c.nmembers++;
    }
    ps->c.applicant = self >= 0 ? self : 0;
    json_t *a = json_object_get(h, "applicant_id_number");
    if (a) {
        struct mz_idnum id;
        if (get_idnum(h, "household", "applicant_id_number", &id, err) < 0)
            return -1;
        ps->c.applicant = member_index(ps, &id);
        if (ps->c.applicant < 0)
            return mz_error_set(err, 400, "invalid_value", "household.applicant_id_number",
                                "申请人须为家庭成员之一");
    }
    return 0;
}

static int parse_incomes(struct in *req, json_t *h, struct parsed *ps, mz_error *err)
{
    static const struct nfield fields[] = {{"id_number", N_STRING_OR_NULL, 1},
                                           {"type", N_STRING, 1},
                                           {"monthly_fen", N_INT, 1},
                                           {NULL, 0, 0}};
    json_t *list = json_object_get(h, "incomes"), *o;
    char path[64], fp[64];
    size_t i;
    struct mz_idnum id;
    if (json_array_size(list) > MZ_ASSIST_MAX_INCOMES)
        return mz_error_set(err, 400, "invalid_value", "household.incomes", "收入最多 %d 项",
                            MZ_ASSIST_MAX_INCOMES);
    ps->incomes = mz_arena_alloc(req->arena, (json_array_size(list) + 1) * sizeof ps->incomes[0]);
    ps->c.incomes = ps->incomes;
    json_array_foreach(list, i, o)
    {
        mz_assist_income *in = &ps->incomes[i];
        snprintf(path, sizeof path, "household.incomes[%zu]", i);
        if (!json_is_object(o))
            return mz_error_set(err, 400, "invalid_type", path, "字段 %s 须为对象", path);
        /* id_number null: a household-level item, counted for the household. */
        int household_level = json_is_null(json_object_get(o, "id_number"));
        if (check_object(o, path, fields, err) < 0 ||
            (!household_level && get_idnum(o, path, "id_number", &id, err) < 0) ||
            get_enum(o, path, "type", MZ_ASSIST_E_INCOME, 0, 0, &in->type, err) < 0 ||
            get_fen(o, path, "monthly_fen", 0, &in->monthly_fen, err) < 0)
            return -1;
        in->member = household_level ? -1 : member_index(ps, &id);
        if (!household_level && in->member < 0)
            return mz_error_set(err, 400, "invalid_value", path_of(fp, path, "id_number"),
                                "收入须属于家庭成员，该身份证号码不在 household.members 中");
        ps->c.nincomes++;
    }
    return 0;
}

static int parse_assets(struct in *req, json_t *h, struct parsed *ps, mz_error *err)
{
    static const struct nfield fields[] = {
        {"type", N_STRING, 1}, {"value_fen", N_INT, 1}, {"exempt", N_BOOL, 0}, {NULL, 0, 0}};
    json_t *list = json_object_get(h, "assets"), *o;
    char path[64];
    size_t i;
    if (json_array_size(list) > MZ_ASSIST_MAX_ASSETS)
        return mz_error_set(err, 400, "invalid_value", "household.assets", "财产最多 %d 项",
                            MZ_ASSIST_MAX_ASSETS);
    ps->assets = mz_arena_alloc(req->arena, (json_array_size(list) + 1) * sizeof ps->assets[0]);
    ps->c.assets = ps->assets;
    json_array_foreach(list, i, o)
    {
        mz_assist_asset *as = &ps->assets[i];
        snprintf(path, sizeof path, "household.assets[%zu]", i);
        if (!json_is_object(o))
            return mz_error_set(err, 400, "invalid_type", path, "字段 %s 须为对象", path);
        if (check_object(o, path, fields, err) < 0 ||
            get_enum(o, path, "type", MZ_ASSIST_E_ASSET, 0, 0, &as->type, err) < 0 ||
            get_fen(o, path, "value_fen", 0, &as->value_fen, err) < 0)
            return -1;
        as->exempt = get_bool(o, "exempt");
        ps->c.nassets++;
    }
    return 0;
}

static int parse_household(struct in *req, struct parsed *ps, mz_error *err)
{
    static const struct nfield fields[] = {{"members", N_ARRAY, 1},
                                           {"incomes", N_ARRAY, 0},
                                           {"assets", N_ARRAY, 0},
                                           {"employment_cost_monthly_fen", N_INT, 0},
                                           {"rigid_expenditure_annual_fen", N_INT, 0},
                                           {"applicant_id_number", N_STRING, 0},
                                           {NULL, 0, 0}};
    json_t *h = json_object_get(req->json, "household");
    if (check_object(h, "household", fields, err) < 0 || parse_members(req, h, ps, err) < 0 ||
        parse_incomes(req, h, ps, err) < 0 || parse_assets(req, h, ps, err) < 0 ||
        get_fen(h, "household", "employment_cost_monthly_fen", 0,
                &ps->c.employment_cost_monthly_fen, err) < 0 ||
        get_fen(h, "household", "rigid_expenditure_annual_fen", 0,
                &ps->c.rigid_expenditure_annual_fen, err) < 0)
        return -1;
    return 0;
}

/* taper, temporary and tekun: each only with the programs it belongs to. */
static int parse_program_parts(struct in *req, struct parsed *ps, mz_error *err)
{
    static const struct nfield taper_fields[] = {
        {"enrolled_amount_fen", N_INT, 1}, {"months_since_income_rise", N_INT, 1}, {NULL, 0, 0}};
    static const struct nfield temp_fields[] = {{"kind", N_STRING, 1}, {NULL, 0, 0}};
    static const struct nfield tekun_fields[] = {{"support_mode", N_STRING, 1}, {NULL, 0, 0}};
    int prog = ps->c.program;
    json_t *taper = json_object_get(req->json, "taper");
    json_t *temp = json_object_get(req->json, "temporary");
    json_t *tk = json_object_get(req->json, "tekun");

    ps->c.support_mode = -1;
    if (taper) {
        if (prog != MZ_ASSIST_DIBAO && prog != MZ_ASSIST_EDGE && prog != MZ_ASSIST_RIGID)
            return mz_error_set(err, 400, "invalid_value", "taper",
                                "渐退信息只用于低保、低保边缘和刚性支出困难试算");
        if (check_object(taper, "taper", taper_fields, err) < 0 ||
            get_fen(taper, "taper", "enrolled_amount_fen", 1, &ps->c.taper_enrolled_amount_fen,
                    err) < 0)
            return -1;
        json_int_t m = json_integer_value(json_object_get(taper, "months_since_income_rise"));
        if (m < 1 || m > MZ_ASSIST_MAX_TAPER_MONTHS)
            return mz_error_set(err, 400, "invalid_value", "taper.months_since_income_rise",
                                "taper.months_since_income_rise 须为 1 至 %d（收入因就业超过"
                                "低保标准后的第几个月）",
                                MZ_ASSIST_MAX_TAPER_MONTHS);
        ps->c.has_taper = 1;
        ps->c.taper_months_since_rise = (int)m;
    }
    if (prog == MZ_ASSIST_TEMPORARY && temp == NULL)
        return mz_error_set(err, 400, "missing_field", "temporary",
                            "临时救助试算须填写 temporary.kind（emergency 或 expenditure）");
    if (temp) {
        if (prog != MZ_ASSIST_TEMPORARY)
            return mz_error_set(err, 400, "invalid_value", "temporary",
                                "temporary 只用于临时救助试算");
        if (check_object(temp, "temporary", temp_fields, err) < 0 ||
            get_enum(temp, "temporary", "kind", MZ_ASSIST_E_TEMPORARY, 0, 0, &ps->c.temporary_kind,
                     err) < 0)
            return -1;
    }
    if (tk) {
        if (prog != MZ_ASSIST_TEKUN)
            return mz_error_set(err, 400, "invalid_value", "tekun", "tekun 只用于特困供养试算");
        if (check_object(tk, "tekun", tekun_fields, err) < 0 ||
            get_enum(tk, "tekun", "support_mode", MZ_ASSIST_E_SUPPORT, 0, 0, &ps->c.support_mode,
                     err) < 0)
            return -1;
    }
    return 0;
}

static json_t *policy_json(const mz_assist_param *p)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)p->id, "program", p->program,
                     "param", p->param, "value", p->text, "region_prefix", p->region_prefix,
                     "effective_from", p->effective_from);
}

/* A member's ID number as the answer shows it: full for a snapshot the caller
 * typed in, masked for a stored household (the registry shows full numbers only
 * through its audited endpoints). */
static json_t *id_json(const struct parsed *ps, int i)
{
    char masked[19];
    if (!ps->masked)
        return json_string(ps->members[i].id.normalized);
    mz_idnum_mask(ps->members[i].id.normalized, masked);
    return json_string(masked);
}

static json_t *render(const struct parsed *ps, const mz_region *region, const char *date,
                      const mz_assist_result *r)
{
    json_t *covered = json_array(), *steps = json_array();
    for (int i = 0; i < r->ncovered; i++)
        json_array_append_new(covered, id_json(ps, r->covered[i]));
    for (int i = 0; i < r->nsteps; i++) {
        const mz_assist_step *s = &r->steps[i];
        json_t *o = json_pack("{s:s,s:s}", "step", s->step, "text", s->text);
        if (s->has_amount)
            json_object_set_new(o, "amount_fen", json_integer((json_int_t)s->amount_fen));
        if (s->member >= 0)
            json_object_set_new(o, "id_number", id_json(ps, s->member));
        if (s->policy)
            json_object_set_new(o, "policy", policy_json(s->policy));
        json_array_append_new(steps, o);
    }
    int prog = ps->c.program;
    json_t *out = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:o,s:o,s:I,s:s,s:i,s:I,s:o,s:I,s:s,s:s,s:o,s:o}",
        "program", mz_assist_enum_code(MZ_ASSIST_E_PROGRAM, prog), "program_name",
        mz_assist_enum_label(MZ_ASSIST_E_PROGRAM, prog), "date", date, "region", region->code,
        "region_name", region->name, "eligible", r->eligible, "category",
        mz_assist_enum_code(MZ_ASSIST_E_CATEGORY, r->category), "category_name",
        mz_assist_enum_label(MZ_ASSIST_E_CATEGORY, r->category), "superseded_by",
        r->superseded_by != MZ_ASSIST_CAT_NONE
            ? json_string(mz_assist_enum_code(MZ_ASSIST_E_CATEGORY, r->superseded_by))
            : json_null(),
        "covered_id_numbers", covered, "monthly_amount_fen", (json_int_t)r->monthly_amount_fen,
        "amount_kind", prog == MZ_ASSIST_TEMPORARY ? "one_off" : "monthly", "counted_members",
        r->counted_members, "counted_income_fen", (json_int_t)r->counted_income_fen,
        "per_capita_income_fen",
        r->counted_members > 0 ? json_integer((json_int_t)r->per_capita_income_fen) : json_null(),
        "standard_fen", (json_int_t)r->standard_fen, "approval_level",
        mz_assist_enum_code(MZ_ASSIST_E_APPROVAL, r->approval_level), "approval_level_name",
        mz_assist_enum_label(MZ_ASSIST_E_APPROVAL, r->approval_level), "care_level",
        r->care_level >= 0 ? json_string(mz_assist_enum_code(MZ_ASSIST_E_CARE, r->care_level))
                           : json_null(),
        "support_mode",
        ps->c.support_mode >= 0
            ? json_string(mz_assist_enum_code(MZ_ASSIST_E_SUPPORT, ps->c.support_mode))
            : json_null());
    json_object_set_new(out, "applicant_id_number", id_json(ps, ps->c.applicant));
    if (ps->household_id > 0)
        json_object_set_new(out, "household_id", json_integer((json_int_t)ps->household_id));
    json_object_set_new(out, "explanation", steps);
    return out;
}

/*
 * household_id instead of household: the registry's snapshot of that household
 * on the date (core/household.h) becomes the request's household and region,
 * so a stored household goes through exactly the same checks as a typed one.
 * Its ID numbers are masked in the answer; the snapshot is not a view of full
 * numbers that reaches a person, so it is not audited as one.
 */
static int load_stored(struct in *req, struct parsed *ps, const char *date, mz_error *err)
{
    json_t *hid = json_object_get(req->json, "household_id"), *snap = NULL;
    int has_household = json_object_get(req->json, "household") != NULL;
    if (hid == NULL) {
        if (!has_household)
            return mz_error_set(err, 400, "missing_field", "household",
                                "须提供 household（家庭情况）或 household_id（已登记家庭）");
        return 0;
    }
    if (has_household || json_object_get(req->json, "region"))
        return mz_error_set(err, 400, "invalid_value", "household_id",
                            "household_id 不能与 household 或 region 同时提供");
    if (!mz_actor_can(req->actor, "registry:household:read"))
        return mz_error_set(err, 403, "forbidden", NULL, "您没有查看家庭档案的权限");
    ps->household_id = json_integer_value(hid);
    if (ps->household_id <= 0)
        return mz_error_set(err, 404, "not_found", "household_id", "家庭不存在");
    if (mz_household_snapshot(req->db, req->actor, ps->household_id, date, 0, &snap, err) < 0)
        return -1;
    json_object_set(req->json, "region", json_object_get(snap, "region"));
    json_object_set(req->json, "household", json_object_get(snap, "household"));
    json_decref(snap);
    ps->masked = 1;
    return 0;
}

int mz_assist_assess_request(mz_db *db, const mz_actor *actor, mz_arena *arena, json_t *request,
                             json_t **out, mz_error *err)
{
    struct in in = {arena, request, db, actor}, *req = &in;
    mz_region region;
    mz_assist_params *params = mz_arena_alloc(arena, sizeof *params);
    mz_assist_result r;
    struct parsed ps;
    const char *date;
    int rc = -1;

    mz_assist_result_init(&r);
    memset(&ps, 0, sizeof ps);
    if (get_enum(req->json, "", "program", MZ_ASSIST_E_PROGRAM, 0, 0, &ps.c.program, err) < 0)
        goto out;
    date = json_string_value(json_object_get(req->json, "date"));
    if (date == NULL || mz_date_parse(date, &ps.c.day) != 0) {
        mz_error_set(err, 400, "invalid_value", "date", "date 须为有效的 YYYY-MM-DD 日期");
        goto out;
    }
    if (load_stored(req, &ps, date, err) < 0)
        goto out;
    if (json_string_value(json_object_get(req->json, "region")) == NULL) {
        mz_error_set(err, 400, "missing_field", "region", "缺少必填字段：region");
        goto out;
    }
    if (mz_region_check(req->db, req->actor,
                        json_string_value(json_object_get(req->json, "region")), "region", &region,
                        err) < 0)
        goto out;
    if (region.level != MZ_LEVEL_VILLAGE) {
        mz_error_set(err, 400, "invalid_region", "region", "试算须选择村（社区）级区划，%s 是%s",
                     region.code, mz_region_level_name(region.level));
        goto out;
    }
    if (parse_household(req, &ps, err) < 0 || parse_program_parts(req, &ps, err) < 0)
        goto out;
    if (mz_assist_params_load(req->db, region.code, date, params, err) < 0) {
        if (err->status == 404) {
            err->status = 400;
            err->code = "invalid_value";
            snprintf(err->field, sizeof err->field, "date");
        }
        goto out;
    }
    if (mz_assist_assess(&ps.c, params, &r, err) < 0)
        goto out;
    *out = render(&ps, &region, date, &r);
    rc = 0;
out:
    mz_assist_result_cleanup(&r);
    return rc;
}
