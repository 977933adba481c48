/*
 * 社会救助 rule functions (see rules.h for the contract and the arithmetic).
 *
 * The assessment runs in a fixed order, and the explanation follows it:
 * the date and standard, each member (counted or not and why), each income
 * item (counted or exempt), the employment cost, counted and per-capita
 * income, each asset and each asset test, then the program's own tests,
 * the amount, the approval level and the decision.  A program that is
 * excluded by another (edge by dibao and tekun, rigid by those and edge)
 * first runs the excluding tests, which appear in the explanation too.
 */
#include "systems/assistance/rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/mem.h"
#include "base/money.h"
#include "base/ratio.h"

/* ---- enumerations ----------------------------------------------------- */

struct code_label {
    const char *code;
    const char *label;
};

static const struct code_label programs[] = {
    {"dibao", "最低生活保障"},     {"tekun", "特困人员救助供养"}, {"edge", "低保边缘家庭"},
    {"rigid", "刚性支出困难家庭"}, {"temporary", "临时救助"},
};
static const struct code_label categories[] = {
    {"none", "不符合条件"},      {"dibao", "低保"},         {"dibao_single", "单人保"},
    {"dibao_taper", "低保渐退"}, {"tekun", "特困供养"},     {"edge", "低保边缘"},
    {"rigid", "刚性支出困难"},   {"temporary", "临时救助"},
};
static const struct code_label relations[] = {
    {"self", "本人"},
    {"spouse", "配偶"},
    {"child", "子女"},
    {"parent", "父母"},
    {"grandparent", "祖父母外祖父母"},
    {"grandchild", "孙子女外孙子女"},
    {"sibling", "兄弟姐妹"},
    {"other", "其他"},
};
static const struct code_label disabilities[] = {
    {"none", "无"},     {"physical", "肢体"},     {"visual", "视力"}, {"hearing", "听力"},
    {"speech", "言语"}, {"intellectual", "智力"}, {"mental", "精神"}, {"multiple", "多重"},
};
static const struct code_label labours[] = {
    {"full", "有劳动能力"}, {"partial", "部分丧失劳动能力"}, {"none", "无劳动能力"}};
static const struct code_label incomes[] = {
    {"wage", "工资性收入"},
    {"business", "经营净收入"},
    {"property", "财产净收入"},
    {"transfer", "转移净收入"},
    {"maintenance", "赡养（抚养、扶养）费"},
    {"pension", "养老金（离退休金）"},
    {"basic_pension", "城乡居民基础养老金"},
    {"unemployment", "失业保险金"},
    {"youfu", "优待抚恤金"},
    {"family_planning", "计划生育奖励扶助金"},
    {"scholarship", "奖学金"},
    {"bravery", "见义勇为奖励"},
    {"assistance", "政府救助金"},
    {"elderly_allowance", "高龄津贴"},
    {"other", "其他收入"},
};
static const struct code_label assets[] = {
    {"deposit", "存款"}, {"securities", "有价证券"}, {"vehicle", "机动车辆"},
    {"housing", "住房"}, {"business", "经营性资产"},
};
static const struct code_label temporaries[] = {{"emergency", "急难型"}, {"expenditure", "支出型"}};
static const struct code_label supports[] = {{"centralized", "集中供养"},
                                             {"dispersed", "分散供养"}};
static const struct code_label roundings[] = {
    {"none", "不取整（按分计发）"}, {"yuan_up", "向上取整到元"}, {"yuan_round", "四舍五入到元"}};
static const struct code_label approvals[] = {{"county", "县级民政部门审批"},
                                              {"township", "乡镇人民政府（街道办事处）审批"}};
static const struct code_label cares[] = {
    {"self", "全自理"}, {"half", "半护理"}, {"full", "全护理"}};

#define TABLE(t) *n = (int)(sizeof t / sizeof t[0]), t

static const struct code_label *table(enum mz_assist_enum e, int *n)
{
    switch (e) {
    case MZ_ASSIST_E_PROGRAM:
        return TABLE(programs);
    case MZ_ASSIST_E_CATEGORY:
        return TABLE(categories);
    case MZ_ASSIST_E_RELATION:
        return TABLE(relations);
    case MZ_ASSIST_E_DISABILITY:
        return TABLE(disabilities);
    case MZ_ASSIST_E_LABOUR:
        return TABLE(labours);
    case MZ_ASSIST_E_INCOME:
        return TABLE(incomes);
    case MZ_ASSIST_E_ASSET:
        return TABLE(assets);
    case MZ_ASSIST_E_TEMPORARY:
        return TABLE(temporaries);
    case MZ_ASSIST_E_SUPPORT:
        return TABLE(supports);
    case MZ_ASSIST_E_ROUNDING:
        return TABLE(roundings);
    case MZ_ASSIST_E_APPROVAL:
        return TABLE(approvals);
    case MZ_ASSIST_E_CARE:
        return TABLE(cares);
    }
    *n = 0;
    return NULL;
}

int mz_assist_enum_parse(enum mz_assist_enum e, const char *s)
{
    int n;
    const struct code_label *t = table(e, &n);
    for (int i = 0; s != NULL && i < n; i++)
        if (strcmp(t[i].code, s) == 0)
            return i;
    return -1;
}

const char *mz_assist_enum_code(enum mz_assist_enum e, int v)
{
    int n;
    const struct code_label *t = table(e, &n);
    return v >= 0 && v < n ? t[v].code : "";
}

const char *mz_assist_enum_label(enum mz_assist_enum e, int v)
{
    int n;
    const struct code_label *t = table(e, &n);
    return v >= 0 && v < n ? t[v].label : "";
}

int mz_assist_income_mask(const char *list, unsigned *mask)
{
    unsigned m = 0;
    char word[32];
    const char *p = list ? list : "";
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= sizeof word)
            return -1;
        memcpy(word, p, len);
        word[len] = '\0';
        int t = mz_assist_enum_parse(MZ_ASSIST_E_INCOME, word);
        if (t < 0)
            return -1;
        m |= 1u << t;
        p += len;
        if (*p == ',' && *++p == '\0')
            return -1;
    }
    *mask = m;
    return 0;
}

/* ---- results and the explanation --------------------------------------- */

void mz_assist_result_init(mz_assist_result *r)
{
    memset(r, 0, sizeof *r);
    r->care_level = -1;
}

void mz_assist_result_cleanup(mz_assist_result *r)
{
    for (int i = 0; i < r->nsteps; i++)
        mz_free(r->steps[i].text);
    mz_free(r->steps);
    r->steps = NULL;
    r->nsteps = r->capsteps = 0;
}

/* Everything one assessment works out before its program's own tests. */
struct ctx {
    const mz_assist_case *c;
    const mz_assist_params *p;
    mz_assist_result *r;
    mz_error *err;
    int final; /* 0 while running the tests of an excluding program */
    int counted[MZ_ASSIST_MAX_MEMBERS];
    int age[MZ_ASSIST_MAX_MEMBERS];
    int64_t own_income[MZ_ASSIST_MAX_MEMBERS]; /* counted items of each counted member */
    int n;                                     /* counted members */
    int64_t gross;                             /* counted items, before the employment cost */
    int64_t wage;                              /* counted wage items */
    int64_t employment;                        /* counted wage and business items */
    int64_t deduction;                         /* employment cost actually deducted */
    int64_t income;                            /* gross - deduction */
    int64_t pc;                                /* per-capita income */
    int assets_ok;
};

__attribute__((format(printf, 7, 8))) static void say(struct ctx *x, const char *code, int member,
                                                      const mz_assist_param *policy, int has_amount,
                                                      int64_t amount, const char *fmt, ...)
{
    mz_assist_result *r = x->r;
    mz_buf b;
    va_list ap;
    if (r->nsteps == r->capsteps) {
        r->capsteps = r->capsteps ? r->capsteps * 2 : 32;
        r->steps = mz_realloc(r->steps, (size_t)r->capsteps * sizeof r->steps[0]);
    }
    mz_buf_init(&b);
    va_start(ap, fmt);
    mz_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    r->steps[r->nsteps++] = (mz_assist_step){.step = code,
                                             .text = mz_buf_steal(&b),
                                             .has_amount = has_amount,
                                             .amount_fen = amount,
                                             .policy = policy,
                                             .member = member};
}

static int overflow(struct ctx *x)
{
    return mz_error_set(x->err, 400, "invalid_value", "household",
                        "金额过大，计算超出范围，请核对填写的金额");
}

static int add(struct ctx *x, int64_t a, int64_t b, int64_t *out)
{
    return mz_money_add(a, b, out) == 0 ? 0 : overflow(x);
}

static int mul(struct ctx *x, int64_t a, int64_t b, int64_t *out)
{
    return mz_money_mul(a, b, out) == 0 ? 0 : overflow(x);
}

/* amount × bp ÷ 10000 rounded down to the fen; *dropped is non-zero when a fraction was cut. */
static int apply_ratio(struct ctx *x, int64_t amount, int64_t bp, int64_t *out, int64_t *dropped)
{
    int64_t prod;
    if (mul(x, amount, bp, &prod) < 0)
        return -1;
    *out = prod / 10000;
    *dropped = prod % 10000;
    return 0;
}

/* Whether amount < bp × limit ÷ 10000, exactly. */
static int below_ratio(struct ctx *x, int64_t amount, int64_t limit, int64_t bp, int *below)
{
    int64_t a, b;
    if (mul(x, amount, 10000, &a) < 0 || mul(x, limit, bp, &b) < 0)
        return -1;
    *below = a < b;
    return 0;
}

/* "610.00" */
static const char *yuan(int64_t fen, char out[32])
{
    mz_money_format(fen, out);
    return out;
}

/* Basis points as a decimal: 15000 → "1.5", 30000 → "3". */
static const char *ratio(int64_t bp, char out[32])
{
    mz_ratio_format(bp, out);
    return out;
}

static const char *numeral(int grade)
{
    static const char *const n[] = {"", "一", "二", "三", "四"};
    return grade >= 1 && grade <= 4 ? n[grade] : "";
}

/* "成员2 321302********0012（配偶）" */
static const char *member_tag(const struct ctx *x, int i, char out[96])
{
    char masked[19];
    mz_idnum_mask(x->c->members[i].id.normalized, masked);
    snprintf(out, 96, "成员%d %s（%s）", i + 1, masked,
             mz_assist_enum_label(MZ_ASSIST_E_RELATION, x->c->members[i].relation));
    return out;
}

/* "一级肢体残疾" or "" */
static const char *disability_text(const mz_assist_member *m, char out[64])
{
    if (m->disability_kind == MZ_ASSIST_DIS_NONE) {
        out[0] = '\0';
        return out;
    }
    snprintf(out, 64, "%s级%s残疾", numeral(m->disability_grade),
             mz_assist_enum_label(MZ_ASSIST_E_DISABILITY, m->disability_kind));
    return out;
}

static const char *pass_text(int ok)
{
    return ok ? "符合" : "不符合";
}

/* ---- members, income, assets -------------------------------------------- */

static void count_members(struct ctx *x)
{
    int y, m, d;
    char tag[96], day[11], dis[64], notes[160];
    mz_date_to_ymd(x->c->day, &y, &m, &d);
    for (int i = 0; i < x->c->nmembers; i++) {
        const mz_assist_member *mb = &x->c->members[i];
        const char *why = NULL;
        x->age[i] = mz_idnum_age_on(&mb->id, y, m, d);
        member_tag(x, i, tag);
        if (mb->deceased && mb->deceased_on <= x->c->day) {
            mz_date_format(mb->deceased_on, day);
            say(x, "member", i, NULL, 0, 0, "%s：已于 %s 死亡，不计入共同生活家庭成员", tag, day);
            continue;
        }
        if (x->age[i] < 0) {
            why = "试算日期时尚未出生";
        } else if (mb->detained) {
            why = "正在服刑或强制隔离戒毒";
        } else if (mb->missing) {
            why = "已宣告失踪";
        }
        if (why) {
            say(x, "member", i, NULL, 0, 0, "%s：%s，不计入共同生活家庭成员", tag, why);
            continue;
        }
        x->counted[i] = 1;
        x->n++;
        disability_text(mb, dis);
        snprintf(notes, sizeof notes, "%s%s%s%s", dis[0] ? "，" : "", dis,
                 mb->serious_illness ? "，患重特大疾病" : "", mb->in_school ? "，在校就读" : "");
        if (mb->deceased) {
            mz_date_format(mb->deceased_on, day);
            say(x, "member", i, NULL, 0, 0, "%s：%d周岁%s，计入（死亡日期 %s 晚于试算日期）", tag,
                x->age[i], notes, day);
        } else {
            say(x, "member", i, NULL, 0, 0, "%s：%d周岁%s，计入", tag, x->age[i], notes);
        }
    }
    say(x, "members_counted", -1, NULL, 0, 0, "计入共同生活家庭成员 %d 人（共登记 %d 人）", x->n,
        x->c->nmembers);
}

static int count_income(struct ctx *x)
{
    const mz_assist_params *p = x->p;
    char tag[96], a[32], b[32], c[32];
    if (x->c->nincomes == 0)
        say(x, "income", -1, NULL, 1, 0, "家庭成员均未登记收入");
    for (int k = 0; k < x->c->nincomes; k++) {
        const mz_assist_income *in = &x->c->incomes[k];
        const char *type = mz_assist_enum_label(MZ_ASSIST_E_INCOME, in->type);
        if (in->member < 0)
            snprintf(tag, sizeof tag, "家庭共有");
        else
            member_tag(x, in->member, tag);
        if (in->member >= 0 && !x->counted[in->member]) {
            say(x, "income", in->member, NULL, 1, in->monthly_fen,
                "%s %s %s元/月：该成员不计入家庭成员，其收入不计入", tag, type,
                yuan(in->monthly_fen, a));
            continue;
        }
        if (p->exempt_mask & (1u << in->type)) {
            say(x, "income", in->member, &p->exempt_income_types, 1, in->monthly_fen,
                "%s %s %s元/月：属于不计入家庭收入的类型，不计入", tag, type,
                yuan(in->monthly_fen, a));
            continue;
        }
        say(x, "income", in->member, NULL, 1, in->monthly_fen, "%s %s %s元/月：计入", tag, type,
            yuan(in->monthly_fen, a));
        if (add(x, x->gross, in->monthly_fen, &x->gross) < 0 ||
            (in->member >= 0 &&
             add(x, x->own_income[in->member], in->monthly_fen, &x->own_income[in->member]) < 0))
            return -1;
        if (in->type == MZ_ASSIST_INC_WAGE && add(x, x->wage, in->monthly_fen, &x->wage) < 0)
            return -1;
        if ((in->type == MZ_ASSIST_INC_WAGE || in->type == MZ_ASSIST_INC_BUSINESS) &&
            add(x, x->employment, in->monthly_fen, &x->employment) < 0)
            return -1;
    }
    int64_t cost = x->c->employment_cost_monthly_fen;
    x->deduction = cost < x->wage ? cost : x->wage;
    if (cost == 0)
        say(x, "employment_cost", -1, NULL, 1, 0, "就业成本：无");
    else if (cost <= x->wage)
        say(x, "employment_cost", -1, NULL, 1, x->deduction,
            "就业成本 %s元/月，从计入的工资性收入 %s元中扣除", yuan(cost, a), yuan(x->wage, b));
    else
        say(x, "employment_cost", -1, NULL, 1, x->deduction,
            "就业成本 %s元/月，超过计入的工资性收入 %s元，以工资性收入为限扣除 %s元", yuan(cost, a),
            yuan(x->wage, b), yuan(x->deduction, c));
    x->income = x->gross - x->deduction;
    say(x, "counted_income", -1, NULL, 1, x->income, "家庭月计入收入 = %s − %s = %s元",
        yuan(x->gross, a), yuan(x->deduction, b), yuan(x->income, c));
    return 0;
}

static void per_capita(struct ctx *x)
{
    char a[32], b[32];
    x->pc = x->income / x->n;
    int64_t rem = x->income % x->n;
    if (rem == 0)
        say(x, "per_capita_income", -1, NULL, 1, x->pc, "人均月收入 = %s ÷ %d = %s元",
            yuan(x->income, a), x->n, yuan(x->pc, b));
    else
        say(x, "per_capita_income", -1, NULL, 1, x->pc,
            "人均月收入 = %s ÷ %d = %s元（向下取整到分，余 %lld 分不计）", yuan(x->income, a), x->n,
            yuan(x->pc, b), (long long)rem);
}

static int asset_tests(struct ctx *x)
{
    const mz_assist_params *p = x->p;
    int64_t financial = 0, business = 0, limit;
    int vehicles = 0, housing = 0, any_business = 0;
    char a[32], b[32], c[32];
    for (int k = 0; k < x->c->nassets; k++) {
        const mz_assist_asset *as = &x->c->assets[k];
        const char *type = mz_assist_enum_label(MZ_ASSIST_E_ASSET, as->type);
        if (as->exempt) {
            say(x, "asset", -1, NULL, 1, as->value_fen, "资产%d：%s %s元，豁免，不计入", k + 1,
                type, yuan(as->value_fen, a));
            continue;
        }
        say(x, "asset", -1, NULL, 1, as->value_fen, "资产%d：%s %s元，计入", k + 1, type,
            yuan(as->value_fen, a));
        switch (as->type) {
        case MZ_ASSIST_ASSET_DEPOSIT:
        case MZ_ASSIST_ASSET_SECURITIES:
            if (add(x, financial, as->value_fen, &financial) < 0)
                return -1;
            break;
        case MZ_ASSIST_ASSET_VEHICLE:
            vehicles++;
            break;
        case MZ_ASSIST_ASSET_HOUSING:
            housing++;
            break;
        default:
            any_business = 1;
            if (add(x, business, as->value_fen, &business) < 0)
                return -1;
            break;
        }
    }
    if (mul(x, p->financial_assets_months.num, p->dibao_standard.num, &limit) < 0 ||
        mul(x, limit, x->n, &limit) < 0)
        return -1;
    int fin_ok = financial <= limit, veh_ok = vehicles <= p->vehicle_limit.num,
        house_ok = housing <= p->housing_limit.num;
    say(x, "asset_financial", -1, &p->financial_assets_months, 1, financial,
        "存款与有价证券合计 %s元，上限 = %lld个月 × %s × %d人 = %s元：%s", yuan(financial, a),
        (long long)p->financial_assets_months.num, yuan(p->dibao_standard.num, b), x->n,
        yuan(limit, c), pass_text(fin_ok));
    say(x, "asset_vehicle", -1, &p->vehicle_limit, 0, 0, "非豁免机动车辆 %d 辆，上限 %lld 辆：%s",
        vehicles, (long long)p->vehicle_limit.num, pass_text(veh_ok));
    say(x, "asset_housing", -1, &p->housing_limit, 0, 0, "非豁免住房 %d 套，上限 %lld 套：%s",
        housing, (long long)p->housing_limit.num, pass_text(house_ok));
    if (any_business)
        say(x, "asset_business", -1, NULL, 1, business, "经营性资产 %s元：政策未设限额，仅列示",
            yuan(business, a));
    x->assets_ok = fin_ok && veh_ok && house_ok;
    say(x, "assets", -1, NULL, 0, 0, "家庭财产状况：%s规定", pass_text(x->assets_ok));
    return 0;
}

/* ---- programs ----------------------------------------------------------- */

static int64_t round_amount(int rule, int64_t a)
{
    switch (rule) {
    case MZ_ASSIST_ROUND_YUAN_UP:
        return (a + 99) / 100 * 100;
    case MZ_ASSIST_ROUND_YUAN_ROUND:
        return (a + 50) / 100 * 100;
    default:
        return a;
    }
}

/* The amount rounded by dibao.rounding, explained when it changes anything. */
static int64_t rounded(struct ctx *x, int64_t a, int member)
{
    char b1[32], b2[32];
    int64_t r = round_amount(x->p->rounding_rule, a);
    say(x, "rounding", member, &x->p->rounding, 1, r, "取整规则：%s，%s元 → %s元",
        mz_assist_enum_label(MZ_ASSIST_E_ROUNDING, x->p->rounding_rule), yuan(a, b1), yuan(r, b2));
    return r;
}

/* 低保 for the household as a whole (with 渐退): CAT_DIBAO, CAT_DIBAO_TAPER or CAT_NONE. */
static int dibao_household(struct ctx *x, int64_t *amount)
{
    const mz_assist_params *p = x->p;
    int64_t s = p->dibao_standard.num, diff, a;
    char b1[32], b2[32], b3[32];
    int below = x->pc < s;
    say(x, "dibao_income", -1, &p->dibao_standard, 1, x->pc, "人均月收入 %s元 %s 低保标准 %s元",
        yuan(x->pc, b1), below ? "<" : "≥", yuan(s, b2));
    if (below) {
        if (x->c->has_taper)
            say(x, "taper", -1, &p->taper_months, 0, 0,
                "人均月收入仍低于低保标准，按低保重新核定，不适用渐退");
        if (!x->assets_ok) {
            say(x, "dibao_test", -1, NULL, 0, 0, "财产状况不符合规定，不符合低保条件");
            return MZ_ASSIST_CAT_NONE;
        }
        say(x, "dibao_test", -1, NULL, 0, 0,
            "人均月收入低于低保标准且财产状况符合规定：符合低保条件");
        if (!x->final)
            return MZ_ASSIST_CAT_DIBAO;
        diff = s - x->pc;
        if (mul(x, diff, x->n, &a) < 0)
            return -1;
        say(x, "dibao_amount", -1, NULL, 1, a, "月保障金 = (%s − %s) × %d人 = %s元", yuan(s, b1),
            yuan(x->pc, b2), x->n, yuan(a, b3));
        *amount = rounded(x, a, -1);
        return MZ_ASSIST_CAT_DIBAO;
    }
    say(x, "dibao_test", -1, NULL, 0, 0, "人均月收入不低于低保标准，家庭不符合低保条件");
    if (!x->c->has_taper)
        return MZ_ASSIST_CAT_NONE;
    int m = x->c->taper_months_since_rise;
    if (!x->assets_ok) {
        say(x, "taper", -1, &p->taper_months, 0, 0, "渐退：财产状况不符合规定，不适用渐退");
        return MZ_ASSIST_CAT_NONE;
    }
    if (x->employment == 0) {
        say(x, "taper", -1, &p->taper_months, 0, 0,
            "渐退：计入收入中没有工资性或经营性收入，收入增加不是来自就业，不适用渐退");
        return MZ_ASSIST_CAT_NONE;
    }
    if (m > p->taper_months.num) {
        say(x, "taper", -1, &p->taper_months, 0, 0,
            "渐退：收入因就业超过低保标准已 %d 个月，超过渐退期 %lld 个月，渐退期满停发", m,
            (long long)p->taper_months.num);
        return MZ_ASSIST_CAT_NONE;
    }
    *amount = x->c->taper_enrolled_amount_fen;
    say(x, "taper", -1, &p->taper_months, 1, *amount,
        "渐退：收入因就业超过低保标准后的第 %d 个月（渐退期 %lld 个月），保持原月保障金 %s元", m,
        (long long)p->taper_months.num, yuan(*amount, b1));
    return MZ_ASSIST_CAT_DIBAO_TAPER;
}

static int single_qualifies(const mz_assist_member *m)
{
    if (m->serious_illness)
        return 1;
    if (m->disability_kind == MZ_ASSIST_DIS_NONE)
        return 0;
    if (m->disability_grade == 1 || m->disability_grade == 2)
        return 1;
    return m->disability_grade == 3 && (m->disability_kind == MZ_ASSIST_DIS_INTELLECTUAL ||
                                        m->disability_kind == MZ_ASSIST_DIS_MENTAL);
}

/* 单人保: CAT_DIBAO_SINGLE with the covered members, or CAT_NONE. */
static int dibao_single(struct ctx *x, int64_t *amount)
{
    const mz_assist_params *p = x->p;
    int64_t s = p->dibao_standard.num, limit, dropped, total = 0;
    char b1[32], b2[32], b3[32], b4[32], tag[96], dis[64];
    int below, any = 0;
    if (!x->assets_ok) {
        say(x, "single_test", -1, NULL, 0, 0, "财产状况不符合规定，不适用单人保");
        return MZ_ASSIST_CAT_NONE;
    }
    if (apply_ratio(x, s, p->single_income_ratio.num, &limit, &dropped) < 0 ||
        below_ratio(x, x->pc, s, p->single_income_ratio.num, &below) < 0)
        return -1;
    if (!below) {
        say(x, "single_test", -1, &p->single_income_ratio, 1, limit,
            "人均月收入 %s元 ≥ %s × 低保标准 = %s元，不适用单人保", yuan(x->pc, b1),
            ratio(p->single_income_ratio.num, b2), yuan(limit, b3));
        return MZ_ASSIST_CAT_NONE;
    }
    say(x, "single_test", -1, &p->single_income_ratio, 1, limit,
        "人均月收入 %s元 < %s × 低保标准 = %s元，家庭仅因收入不符合低保条件：审查单人保（重度残疾、"
        "重病成员单独按一人户核定，以本人计入收入计算，不扣除家庭就业成本）",
        yuan(x->pc, b1), ratio(p->single_income_ratio.num, b2), yuan(limit, b3));
    for (int i = 0; i < x->c->nmembers; i++) {
        const mz_assist_member *m = &x->c->members[i];
        if (!x->counted[i] || !single_qualifies(m))
            continue;
        any = 1;
        member_tag(x, i, tag);
        disability_text(m, dis);
        const char *why = dis[0] ? dis : "患重特大疾病";
        int64_t own = x->own_income[i];
        if (own >= s) {
            say(x, "single_member", i, &p->dibao_standard, 1, own,
                "%s，%s：本人月计入收入 %s元 ≥ 低保标准 %s元，不予单人保", tag, why, yuan(own, b1),
                yuan(s, b2));
            continue;
        }
        say(x, "single_member", i, &p->dibao_standard, 1, s - own,
            "%s，%s：本人月计入收入 %s元 < 低保标准，按一人户保障：%s − %s = %s元", tag, why,
            yuan(own, b1), yuan(s, b2), yuan(own, b3), yuan(s - own, b4));
        if (add(x, total, rounded(x, s - own, i), &total) < 0)
            return -1;
        x->r->covered[x->r->ncovered++] = i;
    }
    if (!any) {
        say(x, "single_test", -1, NULL, 0, 0,
            "没有一二级残疾、三级智力或精神残疾、重特大疾病的计入成员，不适用单人保");
        return MZ_ASSIST_CAT_NONE;
    }
    if (x->r->ncovered == 0)
        return MZ_ASSIST_CAT_NONE;
    if (x->r->ncovered > 1)
        say(x, "single_amount", -1, NULL, 1, total, "单人保月保障金合计 %s元（%d人）",
            yuan(total, b1), x->r->ncovered);
    *amount = total;
    return MZ_ASSIST_CAT_DIBAO_SINGLE;
}

static int tekun_disabled(const mz_assist_member *m)
{
    switch (m->disability_kind) {
    case MZ_ASSIST_DIS_INTELLECTUAL:
    case MZ_ASSIST_DIS_MENTAL:
        return m->disability_grade >= 1 && m->disability_grade <= 3;
    case MZ_ASSIST_DIS_PHYSICAL:
        return m->disability_grade >= 1 && m->disability_grade <= 2;
    case MZ_ASSIST_DIS_VISUAL:
        return m->disability_grade == 1;
    default:
        return 0;
    }
}

/* 特困 for the applicant: CAT_TEKUN or CAT_NONE. */
static int tekun(struct ctx *x, int64_t *amount)
{
    const mz_assist_params *p = x->p;
    int i = x->c->applicant;
    const mz_assist_member *m = &x->c->members[i];
    int64_t s = p->dibao_standard.num, basic, dropped, care;
    char tag[96], dis[64], b1[32], b2[32], b3[32];
    int ok = 1;

    member_tag(x, i, tag);
    if (!x->counted[i]) {
        say(x, "tekun_applicant", i, NULL, 0, 0,
            "特困供养按申请人本人认定：%s 不计入家庭成员，不符合", tag);
        return MZ_ASSIST_CAT_NONE;
    }
    say(x, "tekun_applicant", i, NULL, 0, 0, "特困供养按申请人本人认定：%s", tag);
    disability_text(m, dis);
    if (x->age[i] >= 60)
        say(x, "tekun_person", i, NULL, 0, 0, "%d周岁，年满60周岁的老年人：符合", x->age[i]);
    else if (x->age[i] < 18)
        say(x, "tekun_person", i, NULL, 0, 0, "%d周岁，未满18周岁的未成年人：符合", x->age[i]);
    else if (tekun_disabled(m))
        say(x, "tekun_person", i, NULL, 0, 0, "%d周岁，%s：符合", x->age[i], dis);
    else {
        ok = 0;
        say(x, "tekun_person", i, NULL, 0, 0,
            "%d周岁，%"
            "s：不属于老年人、未成年人或一至三级智力精神残疾、一二级肢体残疾、一级视力残疾人，"
            "不符合",
            x->age[i], dis[0] ? dis : "无残疾");
    }
    int no_labour = m->labour_capacity == MZ_ASSIST_LABOUR_NONE;
    ok &= no_labour;
    say(x, "tekun_labour", i, NULL, 0, 0, "劳动能力：%s，%s",
        mz_assist_enum_label(MZ_ASSIST_E_LABOUR, m->labour_capacity), pass_text(no_labour));
    ok &= !m->supporter_able;
    say(x, "tekun_supporter", i, NULL, 0, 0, "%s：%s",
        m->supporter_able ? "有具备赡养、抚养、扶养能力的法定义务人"
                          : "无具备赡养、抚养、扶养能力的法定义务人",
        pass_text(!m->supporter_able));
    int poor = x->own_income[i] < s;
    ok &= poor;
    say(x, "tekun_income", i, &p->dibao_standard, 1, x->own_income[i],
        "本人月计入收入 %s元 %s 低保标准 %s元：%s", yuan(x->own_income[i], b1), poor ? "<" : "≥",
        yuan(s, b2), pass_text(poor));
    ok &= x->assets_ok;
    say(x, "tekun_assets", i, NULL, 0, 0, "财产状况：%s", pass_text(x->assets_ok));
    if (!ok)
        return MZ_ASSIST_CAT_NONE;
    if (!x->final)
        return MZ_ASSIST_CAT_TEKUN;

    if (apply_ratio(x, s, p->tekun_basic_ratio.num, &basic, &dropped) < 0)
        return -1;
    say(x, "tekun_basic", i, &p->tekun_basic_ratio, 1, basic, "基本生活标准 = %s × %s = %s元%s",
        yuan(s, b1), ratio(p->tekun_basic_ratio.num, b2), yuan(basic, b3),
        dropped ? "（向下取整到分）" : "");
    int level = m->self_care_unable == 0   ? MZ_ASSIST_CARE_SELF
                : m->self_care_unable <= 3 ? MZ_ASSIST_CARE_HALF
                                           : MZ_ASSIST_CARE_FULL;
    const mz_assist_param *cp = level == MZ_ASSIST_CARE_SELF   ? &p->tekun_care_self
                                : level == MZ_ASSIST_CARE_HALF ? &p->tekun_care_half
                                                               : &p->tekun_care_full;
    care = cp->num;
    x->r->care_level = level;
    say(x, "tekun_care", i, cp, 1, care,
        "生活自理能力：6项日常活动中 %d 项不能自理，%s，照料护理标准 %s元", m->self_care_unable,
        mz_assist_enum_label(MZ_ASSIST_E_CARE, level), yuan(care, b1));
    if (add(x, basic, care, amount) < 0)
        return -1;
    say(x, "tekun_amount", i, NULL, 1, *amount, "月供养金 = %s + %s = %s元", yuan(basic, b1),
        yuan(care, b2), yuan(*amount, b3));
    if (x->c->support_mode >= 0)
        say(x, "tekun_support", i, NULL, 0, 0, "供养方式：%s",
            mz_assist_enum_label(MZ_ASSIST_E_SUPPORT, x->c->support_mode));
    else
        say(x, "tekun_support", i, NULL, 0, 0, "供养方式：未登记（集中供养或分散供养由本人选择）");
    return MZ_ASSIST_CAT_TEKUN;
}

static int edge(struct ctx *x)
{
    const mz_assist_params *p = x->p;
    int64_t limit, dropped;
    int below;
    char b1[32], b2[32], b3[32];
    if (apply_ratio(x, p->dibao_standard.num, p->edge_income_ratio.num, &limit, &dropped) < 0 ||
        below_ratio(x, x->pc, p->dibao_standard.num, p->edge_income_ratio.num, &below) < 0)
        return -1;
    say(x, "edge_income", -1, &p->edge_income_ratio, 1, limit,
        "人均月收入 %s元 %s %s × 低保标准 = %s元%s", yuan(x->pc, b1), below ? "<" : "≥",
        ratio(p->edge_income_ratio.num, b2), yuan(limit, b3), dropped ? "（向下取整到分）" : "");
    int ok = below && x->assets_ok;
    say(x, "edge_test", -1, NULL, 0, 0, "低保边缘家庭：收入%s，财产状况%s：%s",
        below ? "符合" : "不符合", pass_text(x->assets_ok), pass_text(ok));
    return ok ? MZ_ASSIST_CAT_EDGE : MZ_ASSIST_CAT_NONE;
}

static int rigid(struct ctx *x)
{
    const mz_assist_params *p = x->p;
    int64_t d = p->rigid_disposable_monthly.num, s = p->dibao_standard.num;
    int64_t rigid_annual = x->c->rigid_expenditure_annual_fen, annual, net, threshold, q;
    int64_t divisor = 12 * (int64_t)x->n;
    char b1[32], b2[32], b3[32], b4[32];
    int income_ok = x->pc < d;
    say(x, "rigid_income", -1, &p->rigid_disposable_monthly, 1, x->pc,
        "人均月收入 %s元 %s 上年度当地居民人均可支配收入（月）%s元：%s", yuan(x->pc, b1),
        income_ok ? "<" : "≥", yuan(d, b2), pass_text(income_ok));
    if (mul(x, x->income, 12, &annual) < 0 || mul(x, divisor, s, &threshold) < 0)
        return -1;
    net = annual - rigid_annual; /* annual ≥ 0 and 0 ≤ rigid_annual ≤ MZ_ASSIST_MAX_FEN */
    q = net / divisor;
    if (net % divisor != 0 && net < 0)
        q--; /* rounded down, also below zero */
    int ok = net < threshold;
    say(x, "rigid_annual", -1, NULL, 1, annual, "家庭年收入 = %s × 12 = %s元；年刚性支出 %s元",
        yuan(x->income, b1), yuan(annual, b2), yuan(rigid_annual, b3));
    say(x, "rigid_expenditure", -1, &p->dibao_standard, 1, q,
        "(%s − %s) ÷ 12 ÷ %d人 = %s元%s %s 低保标准 %s元：%s", yuan(annual, b1),
        yuan(rigid_annual, b2), x->n, yuan(q, b3), net % divisor ? "（向下取整到分）" : "",
        ok ? "<" : "≥", yuan(s, b4), pass_text(ok));
    return income_ok && ok ? MZ_ASSIST_CAT_RIGID : MZ_ASSIST_CAT_NONE;
}

static int temporary(struct ctx *x, int64_t *amount)
{
    const mz_assist_params *p = x->p;
    int kind = x->c->temporary_kind;
    const mz_assist_param *mp = kind == MZ_ASSIST_TEMP_EMERGENCY ? &p->temp_multiplier_emergency
                                                                 : &p->temp_multiplier_expenditure;
    int64_t s = p->dibao_standard.num, base, a, dropped;
    char b1[32], b2[32], b3[32];
    say(x, "temporary_kind", -1, NULL, 0, 0, "救助类型：%s",
        mz_assist_enum_label(MZ_ASSIST_E_TEMPORARY, kind));
    if (kind == MZ_ASSIST_TEMP_EXPENDITURE) {
        int ok = x->pc < p->rigid_disposable_monthly.num;
        say(x, "temporary_income", -1, &p->rigid_disposable_monthly, 1, x->pc,
            "支出型：人均月收入 %s元 %s 上年度当地居民人均可支配收入（月）%s元：%s",
            yuan(x->pc, b1), ok ? "<" : "≥", yuan(p->rigid_disposable_monthly.num, b2),
            pass_text(ok));
        if (!ok)
            return MZ_ASSIST_CAT_NONE;
    }
    if (mul(x, s, x->n, &base) < 0 || apply_ratio(x, base, mp->num, &a, &dropped) < 0)
        return -1;
    say(x, "temporary_amount", -1, mp, 1, a, "救助金额 = %s × %s × %d人 = %s元%s",
        ratio(mp->num, b1), yuan(s, b2), x->n, yuan(a, b3), dropped ? "（向下取整到分）" : "");
    if (a > p->temp_cap.num) {
        a = p->temp_cap.num;
        say(x, "temporary_cap", -1, &p->temp_cap, 1, a, "超过单次救助上限，按上限 %s元 发放",
            yuan(a, b1));
    } else {
        say(x, "temporary_cap", -1, &p->temp_cap, 1, a, "未超过单次救助上限 %s元",
            yuan(p->temp_cap.num, b1));
    }
    *amount = a;
    return MZ_ASSIST_CAT_TEMPORARY;
}

/* ---- the whole assessment ---------------------------------------------- */

static int check_inputs(const mz_assist_case *c, const mz_assist_params *p, mz_error *err)
{
    int ok = c->program >= MZ_ASSIST_DIBAO && c->program <= MZ_ASSIST_TEMPORARY &&
             c->nmembers >= 1 && c->nmembers <= MZ_ASSIST_MAX_MEMBERS && c->nincomes >= 0 &&
             c->nincomes <= MZ_ASSIST_MAX_INCOMES && c->nassets >= 0 &&
             c->nassets <= MZ_ASSIST_MAX_ASSETS && c->applicant >= 0 &&
             c->applicant < c->nmembers && c->employment_cost_monthly_fen >= 0 &&
             c->rigid_expenditure_annual_fen >= 0 && c->taper_enrolled_amount_fen >= 0 &&
             p->dibao_standard.num > 0 && p->financial_assets_months.num >= 0 &&
             p->single_income_ratio.num >= 0 && p->taper_months.num >= 0 &&
             p->tekun_basic_ratio.num >= 0 && p->edge_income_ratio.num >= 0 &&
             p->temp_multiplier_emergency.num >= 0 && p->temp_multiplier_expenditure.num >= 0 &&
             p->temp_cap.num >= 0 && p->rounding_rule >= MZ_ASSIST_ROUND_NONE &&
             p->rounding_rule <= MZ_ASSIST_ROUND_YUAN_ROUND;
    for (int i = 0; ok && i < c->nincomes; i++)
        ok = c->incomes[i].member >= -1 && c->incomes[i].member < c->nmembers &&
             c->incomes[i].type >= 0 && c->incomes[i].type < MZ_ASSIST_INC_COUNT &&
             c->incomes[i].monthly_fen >= 0;
    for (int i = 0; ok && i < c->nassets; i++)
        ok = c->assets[i].value_fen >= 0;
    for (int i = 0; ok && i < c->nmembers; i++)
        ok = c->members[i].self_care_unable >= 0 &&
             c->members[i].self_care_unable <= MZ_ASSIST_CARE_ACTIVITIES;
    if (!ok)
        return mz_error_set(err, 500, "internal", NULL, "救助试算的输入超出约定范围");
    return 0;
}

/* The category a program asked for is excluded by, or CAT_NONE; -1 on error. */
static int excluded_by(struct ctx *x)
{
    int64_t ignored = 0;
    int prog = x->c->program, cat;
    if (prog != MZ_ASSIST_EDGE && prog != MZ_ASSIST_RIGID)
        return MZ_ASSIST_CAT_NONE;
    x->final = 0;
    say(x, "exclusion", -1, NULL, 0, 0, "先审查是否符合低保、特困供养%s条件",
        prog == MZ_ASSIST_RIGID ? "、低保边缘" : "");
    cat = dibao_household(x, &ignored);
    if (cat == MZ_ASSIST_CAT_NONE)
        cat = tekun(x, &ignored);
    if (cat == MZ_ASSIST_CAT_NONE && prog == MZ_ASSIST_RIGID)
        cat = edge(x);
    x->final = 1;
    return cat;
}

int mz_assist_assess(const mz_assist_case *c, const mz_assist_params *p, mz_assist_result *r,
                     mz_error *err)
{
    struct ctx x = {.c = c, .p = p, .r = r, .err = err, .final = 1};
    int64_t amount = 0;
    int cat = MZ_ASSIST_CAT_NONE;
    char b1[32], b2[32], day[11];

    if (check_inputs(c, p, err) < 0)
        return -1;
    r->standard_fen = p->dibao_standard.num;
    mz_date_format(c->day, day);
    say(&x, "program", -1, NULL, 0, 0, "试算项目：%s；试算日期：%s",
        mz_assist_enum_label(MZ_ASSIST_E_PROGRAM, c->program), day);
    say(&x, "standard", -1, &p->dibao_standard, 1, p->dibao_standard.num, "低保标准 %s元/人·月",
        yuan(p->dibao_standard.num, b1));
    count_members(&x);
    if (count_income(&x) < 0)
        return -1;
    r->counted_members = x.n;
    r->counted_income_fen = x.income;
    if (x.n == 0) {
        say(&x, "decision", -1, NULL, 0, 0, "结论：没有计入的家庭成员，无法核定，不符合%s条件",
            mz_assist_enum_label(MZ_ASSIST_E_PROGRAM, c->program));
        r->category = MZ_ASSIST_CAT_NONE;
        r->superseded_by = MZ_ASSIST_CAT_NONE;
        r->approval_level = MZ_ASSIST_APPROVAL_COUNTY;
        return 0;
    }
    per_capita(&x);
    r->per_capita_income_fen = x.pc;
    if (c->program != MZ_ASSIST_TEMPORARY && asset_tests(&x) < 0)
        return -1;

    int excl = excluded_by(&x);
    if (excl < 0)
        return -1;
    if (excl != MZ_ASSIST_CAT_NONE) {
        r->superseded_by = excl;
    } else {
        switch (c->program) {
        case MZ_ASSIST_DIBAO:
            cat = dibao_household(&x, &amount);
            if (cat == MZ_ASSIST_CAT_NONE && x.pc >= p->dibao_standard.num)
                cat = dibao_single(&x, &amount);
            break;
        case MZ_ASSIST_TEKUN:
            cat = tekun(&x, &amount);
            r->per_capita_income_fen = x.own_income[c->applicant];
            break;
        case MZ_ASSIST_EDGE:
            cat = edge(&x);
            break;
        case MZ_ASSIST_RIGID:
            cat = rigid(&x);
            break;
        default:
            cat = temporary(&x, &amount);
            break;
        }
        if (cat < 0)
            return -1;
    }
    r->category = cat;
    r->eligible = cat != MZ_ASSIST_CAT_NONE;
    r->monthly_amount_fen = r->eligible ? amount : 0;
    if (cat == MZ_ASSIST_CAT_TEKUN) {
        r->ncovered = 1;
        r->covered[0] = c->applicant;
    } else if (cat != MZ_ASSIST_CAT_DIBAO_SINGLE && r->eligible) {
        r->ncovered = 0;
        for (int i = 0; i < c->nmembers; i++)
            if (x.counted[i])
                r->covered[r->ncovered++] = i;
    } else if (!r->eligible) {
        r->ncovered = 0;
    }

    if (c->program == MZ_ASSIST_TEMPORARY) {
        int township = r->monthly_amount_fen <= p->temp_township_limit.num;
        r->approval_level = township ? MZ_ASSIST_APPROVAL_TOWNSHIP : MZ_ASSIST_APPROVAL_COUNTY;
        say(&x, "approval", -1, &p->temp_township_limit, 1, p->temp_township_limit.num,
            "救助金额 %s元 %s 乡镇审批额度 %s元：%s", yuan(r->monthly_amount_fen, b1),
            township ? "≤" : ">", yuan(p->temp_township_limit.num, b2),
            mz_assist_enum_label(MZ_ASSIST_E_APPROVAL, r->approval_level));
    } else {
        r->approval_level =
            p->township_approval.num == 1 ? MZ_ASSIST_APPROVAL_TOWNSHIP : MZ_ASSIST_APPROVAL_COUNTY;
        say(&x, "approval", -1, &p->township_approval, 0, 0, "审批层级：%s",
            mz_assist_enum_label(MZ_ASSIST_E_APPROVAL, r->approval_level));
    }

    const char *prog = mz_assist_enum_label(MZ_ASSIST_E_PROGRAM, c->program);
    if (r->superseded_by != MZ_ASSIST_CAT_NONE)
        say(&x, "decision", -1, NULL, 0, 0, "结论：符合%s条件，应按%s办理，不认定为%s",
            mz_assist_enum_label(MZ_ASSIST_E_CATEGORY, r->superseded_by),
            mz_assist_enum_label(MZ_ASSIST_E_CATEGORY, r->superseded_by), prog);
    else if (!r->eligible)
        say(&x, "decision", -1, NULL, 0, 0, "结论：不符合%s条件", prog);
    else if (cat == MZ_ASSIST_CAT_EDGE || cat == MZ_ASSIST_CAT_RIGID)
        say(&x, "decision", -1, NULL, 0, 0, "结论：认定为%s（身份认定，不按月发放现金）",
            mz_assist_enum_label(MZ_ASSIST_E_CATEGORY, cat));
    else
        say(&x, "decision", -1, NULL, 1, r->monthly_amount_fen, "结论：%s，%s %s元",
            mz_assist_enum_label(MZ_ASSIST_E_CATEGORY, cat),
            cat == MZ_ASSIST_CAT_TEMPORARY ? "一次性救助金" : "月保障金",
            yuan(r->monthly_amount_fen, b1));
    return 0;
}

int64_t mz_assist_round(int rule, int64_t fen)
{
    return round_amount(rule, fen);
}
