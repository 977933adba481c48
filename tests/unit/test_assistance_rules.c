/*
 * Tests for src/systems/assistance/rules.c: one table of households, each
 * with the decision, category, amount and per-capita income worked out by
 * hand, at every boundary the policy names (income exactly at the standard
 * and one fen under, exactly 1.5 × the standard, 渐退 months 6 and 7, a
 * member turning 60 or 18 on the date, deceased / detained / missing /
 * unborn members, financial assets exactly at the limit and one fen over,
 * exempt and non-exempt vehicles, a second housing unit, the 特困 care
 * levels at 0/1/3/4/6 activities, the 临时救助 cap and township limit), then
 * the explanation, overflow, and the enumerations.  No database: the params
 * are the shipped defaults (migration 002_policy.sql) set by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/date.h"
#include "systems/assistance/rules.h"

#define S 61000 /* 宿迁 2021 低保标准 in fen */

static void set(mz_assist_param *p, const char *program, const char *param, int64_t num,
                const char *text)
{
    memset(p, 0, sizeof *p);
    p->program = program;
    p->param = param;
    p->num = num;
    snprintf(p->text, sizeof p->text, "%s", text ? text : "");
    snprintf(p->effective_from, sizeof p->effective_from, "2000-01-01");
    if (text == NULL)
        snprintf(p->text, sizeof p->text, "%lld", (long long)num);
}

/* The shipped defaults, with the 宿迁 standard of 2020. */
static void defaults(mz_assist_params *p)
{
    memset(p, 0, sizeof *p);
    set(&p->dibao_standard, "dibao", "standard_monthly", S, NULL);
    set(&p->exempt_income_types, "dibao", "exempt_income_types", 0,
        "basic_pension,youfu,family_planning,scholarship,bravery,assistance,elderly_allowance");
    set(&p->financial_assets_months, "dibao", "financial_assets_months", 24, NULL);
    set(&p->vehicle_limit, "dibao", "vehicle_limit", 0, NULL);
    set(&p->housing_limit, "dibao", "housing_limit", 1, NULL);
    set(&p->single_income_ratio, "dibao", "single_person_income_ratio", 15000, NULL);
    set(&p->taper_months, "dibao", "taper_months", 6, NULL);
    set(&p->rounding, "dibao", "rounding", 0, "none");
    set(&p->township_approval, "dibao", "township_approval", 0, NULL);
    set(&p->tekun_basic_ratio, "tekun", "basic_ratio", 13000, NULL);
    set(&p->tekun_care_self, "tekun", "care_self", 0, NULL);
    set(&p->tekun_care_half, "tekun", "care_half", 30000, NULL);
    set(&p->tekun_care_full, "tekun", "care_full", 60000, NULL);
    set(&p->edge_income_ratio, "edge", "income_ratio", 15000, NULL);
    set(&p->rigid_disposable_monthly, "rigid", "disposable_income_monthly", 220000, NULL);
    set(&p->temp_multiplier_emergency, "temporary", "multiplier_emergency", 30000, NULL);
    set(&p->temp_multiplier_expenditure, "temporary", "multiplier_expenditure", 20000, NULL);
    set(&p->temp_cap, "temporary", "cap", 1000000, NULL);
    set(&p->temp_township_limit, "temporary", "township_limit", 100000, NULL);
    assert_int_equal(mz_assist_income_mask(p->exempt_income_types.text, &p->exempt_mask), 0);
    p->rounding_rule = MZ_ASSIST_ROUND_NONE;
}

static void yuan_up(mz_assist_params *p)
{
    p->rounding_rule = MZ_ASSIST_ROUND_YUAN_UP;
}
static void yuan_round(mz_assist_params *p)
{
    p->rounding_rule = MZ_ASSIST_ROUND_YUAN_ROUND;
}
static void township(mz_assist_params *p)
{
    p->township_approval.num = 1;
}
static void standard_61001(mz_assist_params *p)
{
    p->dibao_standard.num = 61001;
}
static void limit_549000(mz_assist_params *p)
{
    p->temp_township_limit.num = 549000;
}
static void limit_548999(mz_assist_params *p)
{
    p->temp_township_limit.num = 548999;
}
static void cap_549000(mz_assist_params *p)
{
    p->temp_cap.num = 549000;
}
static void cap_548999(mz_assist_params *p)
{
    p->temp_cap.num = 548999;
}
static void multiplier_12345(mz_assist_params *p)
{
    p->temp_multiplier_emergency.num = 12345;
}
static void taper_3(mz_assist_params *p)
{
    p->taper_months.num = 3;
}

#define MAXM 6
struct mem {
    const char *birth; /* YYYYMMDD */
    const char *rel;
    const char *dis; /* NULL: no disability */
    int grade, ill;
    const char *labour; /* NULL: full */
    int detained, missing, unable, supporter;
    const char *died; /* YYYY-MM-DD or NULL */
};
struct inc {
    int m; /* member number, from 1; 0 ends the list */
    const char *type;
    int64_t fen;
};
struct ast {
    const char *type; /* NULL ends the list */
    int64_t fen;
    int exempt;
};
struct row {
    const char *name;
    const char *program;
    const char *date; /* NULL: 2021-06-01 */
    struct mem m[MAXM];
    struct inc in[MAXM];
    struct ast as[MAXM];
    int applicant; /* member number; 0: the first */
    int64_t cost, rigid;
    int taper; /* months since the rise; 0: no taper */
    int64_t taper_amount;
    const char *temp;
    void (*tweak)(mz_assist_params *);
    /* expected */
    const char *cat;
    int64_t amount, pc;
    int counted;
    const char *covered;    /* member numbers, "123" */
    const char *superseded; /* NULL: none */
    const char *approval;   /* NULL: county */
};

#define A1 "19800101", "self"
#define A2 "19820202", "spouse"
#define K1 "20100303", "child"

static const struct row rows[] = {
    /* ---- 低保: arithmetic ---- */
    {"3人 工资100001分：人均向下取整 33333，(61000−33333)×3", "dibao", .m = {{A1}, {A2}, {K1}},
     .in = {{1, "wage", 100001}}, .cat = "dibao", .amount = 83001, .pc = 33333, .counted = 3,
     .covered = "123"},
    {"人均收入恰为标准", "dibao", .m = {{A1}, {A2}, {K1}}, .in = {{1, "wage", 183000}},
     .cat = "none", .pc = 61000, .counted = 3},
    {"人均收入低于标准1分", "dibao", .m = {{A1}, {A2}, {K1}}, .in = {{1, "wage", 182999}},
     .cat = "dibao", .amount = 3, .pc = 60999, .counted = 3, .covered = "123"},
    {"1人 收入恰为标准", "dibao", .m = {{A1}}, .in = {{1, "pension", S}}, .cat = "none", .pc = S,
     .counted = 1},
    {"1人 收入低于标准1分", "dibao", .m = {{A1}}, .in = {{1, "pension", S - 1}}, .cat = "dibao",
     .amount = 1, .pc = S - 1, .counted = 1, .covered = "1"},
    {"豁免收入不计入", "dibao", .m = {{A1}},
     .in = {{1, "wage", 30000},
            {1, "basic_pension", 20000},
            {1, "youfu", 50000},
            {1, "scholarship", 10000},
            {1, "elderly_allowance", 90000}},
     .cat = "dibao", .amount = 31000, .pc = 30000, .counted = 1, .covered = "1"},
    {"就业成本从工资中扣除", "dibao", .m = {{A1}}, .in = {{1, "wage", 70000}}, .cost = 10000,
     .cat = "dibao", .amount = 1000, .pc = 60000, .counted = 1, .covered = "1"},
    {"就业成本以工资为限", "dibao", .m = {{A1}}, .in = {{1, "wage", 5000}, {1, "business", 20000}},
     .cost = 10000, .cat = "dibao", .amount = 41000, .pc = 20000, .counted = 1, .covered = "1"},
    {"向上取整到元", "dibao", .m = {{A1}, {A2}, {K1}}, .in = {{1, "wage", 100001}},
     .tweak = yuan_up, .cat = "dibao", .amount = 83100, .pc = 33333, .counted = 3,
     .covered = "123"},
    {"四舍五入到元（舍）", "dibao", .m = {{A1}, {A2}, {K1}}, .in = {{1, "wage", 100001}},
     .tweak = yuan_round, .cat = "dibao", .amount = 83000, .pc = 33333, .counted = 3,
     .covered = "123"},
    {"四舍五入到元（50分进）", "dibao", .m = {{A1}, {A2}, {K1}}, .in = {{1, "wage", 100050}},
     .tweak = yuan_round, .cat = "dibao", .amount = 83000, .pc = 33350, .counted = 3,
     .covered = "123"},
    {"审批下放乡镇", "dibao", .m = {{A1}}, .tweak = township, .cat = "dibao", .amount = S,
     .counted = 1, .covered = "1", .approval = "township"},

    /* ---- 低保: assets ---- */
    {"存款加证券恰为 24×标准×人数", "dibao", .m = {{A1}, {A2}, {K1}},
     .as = {{"deposit", 4000000}, {"securities", 392000}}, .cat = "dibao", .amount = 3 * S,
     .counted = 3, .covered = "123"},
    {"存款加证券超出1分", "dibao", .m = {{A1}, {A2}, {K1}},
     .as = {{"deposit", 4000000}, {"securities", 392001}}, .cat = "none", .counted = 3},
    {"豁免存款不计", "dibao", .m = {{A1}}, .as = {{"deposit", 99999999, 1}}, .cat = "dibao",
     .amount = S, .counted = 1, .covered = "1"},
    {"非豁免机动车", "dibao", .m = {{A1}}, .as = {{"vehicle", 5000000}}, .cat = "none",
     .counted = 1},
    {"豁免机动车（残疾人代步车）", "dibao", .m = {{A1}}, .as = {{"vehicle", 5000000, 1}},
     .cat = "dibao", .amount = S, .counted = 1, .covered = "1"},
    {"一套住房", "dibao", .m = {{A1}}, .as = {{"housing", 30000000}}, .cat = "dibao", .amount = S,
     .counted = 1, .covered = "1"},
    {"第二套住房", "dibao", .m = {{A1}}, .as = {{"housing", 30000000}, {"housing", 100}},
     .cat = "none", .counted = 1},
    {"第二套住房豁免", "dibao", .m = {{A1}}, .as = {{"housing", 30000000}, {"housing", 100, 1}},
     .cat = "dibao", .amount = S, .counted = 1, .covered = "1"},
    {"经营性资产只列示", "dibao", .m = {{A1}}, .as = {{"business", 90000000}}, .cat = "dibao",
     .amount = S, .counted = 1, .covered = "1"},

    /* ---- 低保: members ---- */
    {"成员试算日前死亡不计入", "dibao", .m = {{A1}, {A2}, {K1, .died = "2021-05-31"}},
     .in = {{1, "wage", 100001}}, .cat = "dibao", .amount = 22000, .pc = 50000, .counted = 2,
     .covered = "12"},
    {"成员试算当日死亡不计入", "dibao", .m = {{A1}, {A2}, {K1, .died = "2021-06-01"}},
     .in = {{1, "wage", 100001}}, .cat = "dibao", .amount = 22000, .pc = 50000, .counted = 2,
     .covered = "12"},
    {"成员试算日后死亡仍计入", "dibao", .m = {{A1}, {A2}, {K1, .died = "2021-06-02"}},
     .in = {{1, "wage", 100001}}, .cat = "dibao", .amount = 83001, .pc = 33333, .counted = 3,
     .covered = "123"},
    {"服刑成员及其收入不计入", "dibao", .m = {{A1}, {A2}, {K1, .detained = 1}},
     .in = {{1, "wage", 100001}, {3, "wage", 50000}}, .cat = "dibao", .amount = 22000, .pc = 50000,
     .counted = 2, .covered = "12"},
    {"失踪成员不计入", "dibao", .m = {{A1}, {A2, .missing = 1}, {K1}}, .in = {{1, "wage", 100001}},
     .cat = "dibao", .amount = 22000, .pc = 50000, .counted = 2, .covered = "13"},
    {"尚未出生不计入", "dibao", .m = {{A1}, {A2}, {"20210602", "child"}},
     .in = {{1, "wage", 100001}}, .cat = "dibao", .amount = 22000, .pc = 50000, .counted = 2,
     .covered = "12"},
    {"当日出生计入", "dibao", .m = {{A1}, {A2}, {"20210601", "child"}}, .in = {{1, "wage", 100001}},
     .cat = "dibao", .amount = 83001, .pc = 33333, .counted = 3, .covered = "123"},
    {"无计入成员", "dibao", .m = {{A1, .detained = 1}}, .cat = "none", .counted = 0},

    /* ---- 渐退 ---- */
    {"渐退第6个月保持原保障金", "dibao", .m = {{A1}, {A2}, {K1}}, .in = {{1, "wage", 200000}},
     .taper = 6, .taper_amount = 50000, .cat = "dibao_taper", .amount = 50000, .pc = 66666,
     .counted = 3, .covered = "123"},
    {"渐退第7个月停发", "dibao", .m = {{A1}, {A2}, {K1}}, .in = {{1, "wage", 200000}}, .taper = 7,
     .taper_amount = 50000, .cat = "none", .pc = 66666, .counted = 3},
    {"渐退第1个月", "dibao", .m = {{A1}, {A2}, {K1}}, .in = {{1, "business", 200000}}, .taper = 1,
     .taper_amount = 50000, .cat = "dibao_taper", .amount = 50000, .pc = 66666, .counted = 3,
     .covered = "123"},
    {"渐退期按政策为3个月：第4个月停发", "dibao", .m = {{A1}}, .in = {{1, "wage", 70000}},
     .taper = 4, .taper_amount = 20000, .tweak = taper_3, .cat = "none", .pc = 70000, .counted = 1},
    {"收入增加不是来自就业，不渐退", "dibao", .m = {{A1}, {A2}, {K1}},
     .in = {{1, "pension", 200000}}, .taper = 2, .taper_amount = 50000, .cat = "none", .pc = 66666,
     .counted = 3},
    {"渐退但收入仍低于标准：重新核定", "dibao", .m = {{A1}, {A2}, {K1}},
     .in = {{1, "wage", 100001}}, .taper = 2, .taper_amount = 50000, .cat = "dibao",
     .amount = 83001, .pc = 33333, .counted = 3, .covered = "123"},
    {"渐退但财产不符合", "dibao", .m = {{A1}}, .in = {{1, "wage", 70000}}, .as = {{"vehicle", 100}},
     .taper = 2, .taper_amount = 20000, .cat = "none", .pc = 70000, .counted = 1},

    /* ---- 单人保 ---- */
    {"单人保：一级肢体残疾成员", "dibao", .m = {{A1}, {A2, .dis = "physical", .grade = 1}, {K1}},
     .in = {{1, "wage", 183000}}, .cat = "dibao_single", .amount = S, .pc = S, .counted = 3,
     .covered = "2"},
    {"单人保：人均恰为1.5倍标准不适用", "dibao",
     .m = {{A1}, {A2, .dis = "physical", .grade = 1}, {K1}}, .in = {{1, "wage", 274500}},
     .cat = "none", .pc = 91500, .counted = 3},
    {"单人保：人均低于1.5倍标准1分", "dibao",
     .m = {{A1}, {A2, .dis = "physical", .grade = 1}, {K1}}, .in = {{1, "wage", 274499}},
     .cat = "dibao_single", .amount = S, .pc = 91499, .counted = 3, .covered = "2"},
    {"单人保：两名成员各自单独保障", "dibao",
     .m = {{A1}, {A2, .dis = "intellectual", .grade = 3}, {K1, .ill = 1}},
     .in = {{1, "wage", 183000}}, .cat = "dibao_single", .amount = 2 * S, .pc = S, .counted = 3,
     .covered = "23"},
    {"单人保：三级肢体残疾不适用", "dibao", .m = {{A1}, {A2, .dis = "physical", .grade = 3}, {K1}},
     .in = {{1, "wage", 183000}}, .cat = "none", .pc = S, .counted = 3},
    {"单人保：以本人收入核定", "dibao", .m = {{A1}, {A2, .dis = "mental", .grade = 2}, {K1}},
     .in = {{1, "wage", 182000}, {2, "pension", 1000}}, .cat = "dibao_single", .amount = 60000,
     .pc = S, .counted = 3, .covered = "2"},
    {"单人保：本人收入不低于标准", "dibao", .m = {{A1}, {A2, .dis = "visual", .grade = 1}, {K1}},
     .in = {{1, "wage", 122000}, {2, "pension", S}}, .cat = "none", .pc = S, .counted = 3},
    {"单人保：财产不符合", "dibao", .m = {{A1}, {A2, .dis = "physical", .grade = 1}, {K1}},
     .in = {{1, "wage", 183000}}, .as = {{"vehicle", 100}}, .cat = "none", .pc = S, .counted = 3},
    {"单人保：不计入的成员不适用", "dibao",
     .m = {{A1}, {A2, .dis = "physical", .grade = 1, .detained = 1}}, .in = {{1, "wage", 61000}},
     .cat = "none", .pc = S, .counted = 1},
    {"单人保：渐退期满后", "dibao", .m = {{A1}, {A2, .ill = 1}}, .in = {{1, "wage", 130000}},
     .taper = 7, .taper_amount = 30000, .cat = "dibao_single", .amount = S, .pc = 65000,
     .counted = 2, .covered = "2"},

/* ---- 特困 ---- */
#define TK(b) b, "self", .labour = "none"
    {"特困：当日年满60周岁", "tekun", .m = {{TK("19610601")}}, .cat = "tekun", .amount = 79300,
     .counted = 1, .covered = "1"},
    {"特困：差1天满60周岁", "tekun", .m = {{TK("19610602")}}, .cat = "none", .counted = 1},
    {"特困：当日年满18周岁", "tekun", .m = {{TK("20030601")}}, .cat = "none", .counted = 1},
    {"特困：差1天满18周岁", "tekun", .m = {{TK("20030602")}}, .cat = "tekun", .amount = 79300,
     .counted = 1, .covered = "1"},
    {"特困：三级智力残疾", "tekun", .m = {{TK("19800101"), .dis = "intellectual", .grade = 3}},
     .cat = "tekun", .amount = 79300, .counted = 1, .covered = "1"},
    {"特困：三级精神残疾", "tekun", .m = {{TK("19800101"), .dis = "mental", .grade = 3}},
     .cat = "tekun", .amount = 79300, .counted = 1, .covered = "1"},
    {"特困：四级智力残疾", "tekun", .m = {{TK("19800101"), .dis = "intellectual", .grade = 4}},
     .cat = "none", .counted = 1},
    {"特困：二级肢体残疾", "tekun", .m = {{TK("19800101"), .dis = "physical", .grade = 2}},
     .cat = "tekun", .amount = 79300, .counted = 1, .covered = "1"},
    {"特困：三级肢体残疾", "tekun", .m = {{TK("19800101"), .dis = "physical", .grade = 3}},
     .cat = "none", .counted = 1},
    {"特困：一级视力残疾", "tekun", .m = {{TK("19800101"), .dis = "visual", .grade = 1}},
     .cat = "tekun", .amount = 79300, .counted = 1, .covered = "1"},
    {"特困：二级视力残疾", "tekun", .m = {{TK("19800101"), .dis = "visual", .grade = 2}},
     .cat = "none", .counted = 1},
    {"特困：一级听力残疾不属于", "tekun", .m = {{TK("19800101"), .dis = "hearing", .grade = 1}},
     .cat = "none", .counted = 1},
    {"特困：1项不能自理 半护理", "tekun", .m = {{TK("19500101"), .unable = 1}}, .cat = "tekun",
     .amount = 109300, .counted = 1, .covered = "1"},
    {"特困：3项不能自理 半护理", "tekun", .m = {{TK("19500101"), .unable = 3}}, .cat = "tekun",
     .amount = 109300, .counted = 1, .covered = "1"},
    {"特困：4项不能自理 全护理", "tekun", .m = {{TK("19500101"), .unable = 4}}, .cat = "tekun",
     .amount = 139300, .counted = 1, .covered = "1"},
    {"特困：6项不能自理 全护理", "tekun", .m = {{TK("19500101"), .unable = 6}}, .cat = "tekun",
     .amount = 139300, .counted = 1, .covered = "1"},
    {"特困：部分劳动能力", "tekun", .m = {{"19500101", "self", .labour = "partial"}}, .cat = "none",
     .counted = 1},
    {"特困：有赡养能力的义务人", "tekun", .m = {{TK("19500101"), .supporter = 1}}, .cat = "none",
     .counted = 1},
    {"特困：本人收入恰为低保标准", "tekun", .m = {{TK("19500101")}}, .in = {{1, "pension", S}},
     .cat = "none", .pc = S, .counted = 1},
    {"特困：本人收入低于标准1分", "tekun", .m = {{TK("19500101")}}, .in = {{1, "pension", S - 1}},
     .cat = "tekun", .amount = 79300, .pc = S - 1, .counted = 1, .covered = "1"},
    {"特困：豁免收入不计", "tekun", .m = {{TK("19500101")}},
     .in = {{1, "elderly_allowance", 100000}}, .cat = "tekun", .amount = 79300, .counted = 1,
     .covered = "1"},
    {"特困：非豁免机动车", "tekun", .m = {{TK("19500101")}}, .as = {{"vehicle", 100}},
     .cat = "none", .counted = 1},
    {"特困：申请人为第二名成员", "tekun", .m = {{"19800101", "spouse"}, {TK("19500101")}},
     .in = {{1, "wage", 200000}}, .applicant = 2, .cat = "tekun", .amount = 79300, .counted = 2,
     .covered = "2"},
    {"特困：申请人已死亡", "tekun", .m = {{TK("19500101"), .died = "2021-01-01"}}, .cat = "none",
     .counted = 0},
    {"特困：基本生活标准向下取整", "tekun", .m = {{TK("19500101")}}, .tweak = standard_61001,
     .cat = "tekun", .amount = 79301, .counted = 1, .covered = "1"},

    /* ---- 低保边缘 ---- */
    {"边缘：收入恰为标准", "edge", .m = {{A1}}, .in = {{1, "wage", S}}, .cat = "edge", .pc = S,
     .counted = 1, .covered = "1"},
    {"边缘：低于1.5倍标准1分", "edge", .m = {{A1}}, .in = {{1, "wage", 91499}}, .cat = "edge",
     .pc = 91499, .counted = 1, .covered = "1"},
    {"边缘：恰为1.5倍标准", "edge", .m = {{A1}}, .in = {{1, "wage", 91500}}, .cat = "none",
     .pc = 91500, .counted = 1},
    {"边缘：符合低保", "edge", .m = {{A1}}, .in = {{1, "wage", S - 1}}, .cat = "none", .pc = S - 1,
     .counted = 1, .superseded = "dibao"},
    {"边缘：申请人符合特困", "edge", .m = {{TK("19500101")}, {"19800101", "child"}},
     .in = {{2, "wage", 130000}}, .cat = "none", .pc = 65000, .counted = 2, .superseded = "tekun"},
    {"边缘：渐退中的低保家庭", "edge", .m = {{A1}}, .in = {{1, "wage", 70000}}, .taper = 3,
     .taper_amount = 10000, .cat = "none", .pc = 70000, .counted = 1, .superseded = "dibao_taper"},
    {"边缘：财产不符合", "edge", .m = {{A1}}, .in = {{1, "wage", S}}, .as = {{"vehicle", 100}},
     .cat = "none", .pc = S, .counted = 1},

    /* ---- 刚性支出困难 ---- */
    {"刚性：(360万−1404001)÷36 低于标准", "rigid", .m = {{A1}, {A2}, {K1}},
     .in = {{1, "wage", 300000}}, .rigid = 1404001, .cat = "rigid", .pc = 100000, .counted = 3,
     .covered = "123"},
    {"刚性：恰为标准", "rigid", .m = {{A1}, {A2}, {K1}}, .in = {{1, "wage", 300000}},
     .rigid = 1404000, .cat = "none", .pc = 100000, .counted = 3},
    {"刚性：人均收入恰为可支配收入", "rigid", .m = {{A1}, {A2}, {K1}}, .in = {{1, "wage", 660000}},
     .rigid = 90000000, .cat = "none", .pc = 220000, .counted = 3},
    {"刚性：人均收入低于可支配收入", "rigid", .m = {{A1}, {A2}, {K1}}, .in = {{1, "wage", 659999}},
     .rigid = 6000000, .cat = "rigid", .pc = 219999, .counted = 3, .covered = "123"},
    {"刚性：无刚性支出", "rigid", .m = {{A1}}, .in = {{1, "wage", 100000}}, .cat = "none",
     .pc = 100000, .counted = 1},
    {"刚性：属于低保边缘", "rigid", .m = {{A1}, {A2}, {K1}}, .in = {{1, "wage", 183000}},
     .rigid = 9000000, .cat = "none", .pc = S, .counted = 3, .superseded = "edge"},
    {"刚性：不设财产条件", "rigid", .m = {{A1}}, .in = {{1, "wage", 100000}},
     .as = {{"vehicle", 100}}, .rigid = 1000000, .cat = "rigid", .pc = 100000, .counted = 1,
     .covered = "1"},

    /* ---- 临时救助 ---- */
    {"临时：急难型 3倍×标准×3人", "temporary", .m = {{A1}, {A2}, {K1}}, .temp = "emergency",
     .cat = "temporary", .amount = 549000, .counted = 3, .covered = "123"},
    {"临时：恰为乡镇审批额度", "temporary", .m = {{A1}, {A2}, {K1}}, .temp = "emergency",
     .tweak = limit_549000, .cat = "temporary", .amount = 549000, .counted = 3, .covered = "123",
     .approval = "township"},
    {"临时：超出乡镇审批额度1分", "temporary", .m = {{A1}, {A2}, {K1}}, .temp = "emergency",
     .tweak = limit_548999, .cat = "temporary", .amount = 549000, .counted = 3, .covered = "123"},
    {"临时：6人超过上限", "temporary",
     .m = {{A1}, {A2}, {K1}, {"19500101", "parent"}, {"19520101", "parent"}, {K1}},
     .temp = "emergency", .cat = "temporary", .amount = 1000000, .counted = 6, .covered = "123456"},
    {"临时：恰为上限", "temporary", .m = {{A1}, {A2}, {K1}}, .temp = "emergency",
     .tweak = cap_549000, .cat = "temporary", .amount = 549000, .counted = 3, .covered = "123"},
    {"临时：超过上限1分", "temporary", .m = {{A1}, {A2}, {K1}}, .temp = "emergency",
     .tweak = cap_548999, .cat = "temporary", .amount = 548999, .counted = 3, .covered = "123"},
    {"临时：支出型 收入低于可支配收入", "temporary", .m = {{A1}}, .in = {{1, "wage", 219999}},
     .temp = "expenditure", .cat = "temporary", .amount = 122000, .pc = 219999, .counted = 1,
     .covered = "1"},
    {"临时：支出型 收入恰为可支配收入", "temporary", .m = {{A1}}, .in = {{1, "wage", 220000}},
     .temp = "expenditure", .cat = "none", .pc = 220000, .counted = 1, .approval = "township"},
    {"临时：倍数非整，向下取整", "temporary", .m = {{A1}}, .temp = "emergency",
     .tweak = multiplier_12345, .cat = "temporary", .amount = 75304, .counted = 1, .covered = "1",
     .approval = "township"},
    {"临时：不审查财产", "temporary", .m = {{A1}}, .as = {{"vehicle", 100}}, .temp = "emergency",
     .cat = "temporary", .amount = 183000, .counted = 1, .covered = "1"},
};

/* Builds an ID number 321302 + birth + sequence + check character. */
static void make_id(const char *birth, int seq, char out[19])
{
    snprintf(out, 19, "321302%s%03d", birth, seq % 1000);
    out[17] = mz_idnum_check_char(out);
    out[18] = '\0';
}

struct built {
    mz_assist_member m[MAXM];
    mz_assist_income in[MAXM];
    mz_assist_asset as[MAXM];
    mz_assist_case c;
    mz_assist_params p;
};

static void build(const struct row *w, struct built *b)
{
    char id[19];
    memset(b, 0, sizeof *b);
    defaults(&b->p);
    if (w->tweak)
        w->tweak(&b->p);
    b->c.program = mz_assist_enum_parse(MZ_ASSIST_E_PROGRAM, w->program);
    assert_true(b->c.program >= 0);
    assert_int_equal(mz_date_parse(w->date ? w->date : "2021-06-01", &b->c.day), 0);
    for (int i = 0; i < MAXM && w->m[i].birth; i++) {
        const struct mem *s = &w->m[i];
        mz_assist_member *m = &b->m[i];
        make_id(s->birth, i + 11, id);
        assert_int_equal(mz_idnum_check(id, &m->id), 0);
        m->relation = mz_assist_enum_parse(MZ_ASSIST_E_RELATION, s->rel);
        m->disability_kind = s->dis ? mz_assist_enum_parse(MZ_ASSIST_E_DISABILITY, s->dis) : 0;
        m->disability_grade = s->grade;
        m->serious_illness = s->ill;
        m->labour_capacity = s->labour ? mz_assist_enum_parse(MZ_ASSIST_E_LABOUR, s->labour) : 0;
        m->detained = s->detained;
        m->missing = s->missing;
        m->self_care_unable = s->unable;
        m->supporter_able = s->supporter;
        if (s->died) {
            m->deceased = 1;
            assert_int_equal(mz_date_parse(s->died, &m->deceased_on), 0);
        }
        assert_true(m->relation >= 0 && m->disability_kind >= 0 && m->labour_capacity >= 0);
        b->c.nmembers++;
    }
    for (int i = 0; i < MAXM && w->in[i].m; i++) {
        b->in[i].member = w->in[i].m - 1;
        b->in[i].type = mz_assist_enum_parse(MZ_ASSIST_E_INCOME, w->in[i].type);
        b->in[i].monthly_fen = w->in[i].fen;
        assert_true(b->in[i].type >= 0);
        b->c.nincomes++;
    }
    for (int i = 0; i < MAXM && w->as[i].type; i++) {
        b->as[i].type = mz_assist_enum_parse(MZ_ASSIST_E_ASSET, w->as[i].type);
        b->as[i].value_fen = w->as[i].fen;
        b->as[i].exempt = w->as[i].exempt;
        assert_true(b->as[i].type >= 0);
        b->c.nassets++;
    }
    b->c.members = b->m;
    b->c.incomes = b->in;
    b->c.assets = b->as;
    b->c.applicant = w->applicant ? w->applicant - 1 : 0;
    b->c.employment_cost_monthly_fen = w->cost;
    b->c.rigid_expenditure_annual_fen = w->rigid;
    b->c.has_taper = w->taper > 0;
    b->c.taper_months_since_rise = w->taper;
    b->c.taper_enrolled_amount_fen = w->taper_amount;
    b->c.temporary_kind = w->temp ? mz_assist_enum_parse(MZ_ASSIST_E_TEMPORARY, w->temp) : 0;
    b->c.support_mode = -1;
}

static void dump(const mz_assist_result *r)
{
    for (int i = 0; i < r->nsteps; i++)
        print_message("    %-18s %s\n", r->steps[i].step, r->steps[i].text);
}

static void test_table(void **state)
{
    (void)state;
    struct built b;
    mz_error err;
    char covered[MAXM + 1];
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        const struct row *w = &rows[k];
        mz_assist_result r;
        build(w, &b);
        mz_assist_result_init(&r);
        mz_error_clear(&err);
        if (mz_assist_assess(&b.c, &b.p, &r, &err) != 0)
            fail_msg("row %zu %s: error %s %s", k, w->name, err.code, err.message);
        int n = 0;
        for (int i = 0; i < r.ncovered; i++)
            covered[n++] = (char)('1' + r.covered[i]);
        covered[n] = '\0';
        const char *cat = mz_assist_enum_code(MZ_ASSIST_E_CATEGORY, r.category);
        const char *sup = mz_assist_enum_code(MZ_ASSIST_E_CATEGORY, r.superseded_by);
        const char *appr = mz_assist_enum_code(MZ_ASSIST_E_APPROVAL, r.approval_level);
        if (strcmp(cat, w->cat) != 0 || r.monthly_amount_fen != w->amount ||
            r.per_capita_income_fen != w->pc || r.counted_members != w->counted ||
            strcmp(covered, w->covered ? w->covered : "") != 0 ||
            strcmp(sup, w->superseded ? w->superseded : "none") != 0 ||
            strcmp(appr, w->approval ? w->approval : "county") != 0 ||
            r.eligible != (strcmp(w->cat, "none") != 0) ||
            r.standard_fen != b.p.dibao_standard.num) {
            dump(&r);
            fail_msg("row %zu %s: got %s amount %lld pc %lld counted %d covered \"%s\" "
                     "superseded %s approval %s",
                     k, w->name, cat, (long long)r.monthly_amount_fen,
                     (long long)r.per_capita_income_fen, r.counted_members, covered, sup, appr);
        }
        mz_assist_result_cleanup(&r);
    }
}

/* Every income type alone, 1000 yuan a month for one person: eligible exactly when exempt. */
static void test_income_types(void **state)
{
    (void)state;
    static const char *const exempt[] = {"basic_pension",    "youfu",   "family_planning",
                                         "scholarship",      "bravery", "assistance",
                                         "elderly_allowance"};
    for (int t = 0; t < MZ_ASSIST_INC_COUNT; t++) {
        struct row w = {"income type", "dibao", .m = {{A1}}};
        struct built b;
        mz_assist_result r;
        mz_error err;
        int is_exempt = 0;
        w.in[0] = (struct inc){1, mz_assist_enum_code(MZ_ASSIST_E_INCOME, t), 100000};
        for (size_t i = 0; i < sizeof exempt / sizeof exempt[0]; i++)
            is_exempt |= strcmp(exempt[i], w.in[0].type) == 0;
        build(&w, &b);
        mz_assist_result_init(&r);
        assert_int_equal(mz_assist_assess(&b.c, &b.p, &r, &err), 0);
        if (r.eligible != is_exempt)
            fail_msg("income type %s: eligible %d", w.in[0].type, r.eligible);
        assert_int_equal(r.counted_income_fen, is_exempt ? 0 : 100000);
        mz_assist_result_cleanup(&r);
    }
}

static const mz_assist_step *find_step(const mz_assist_result *r, const char *code, int nth)
{
    for (int i = 0; i < r->nsteps; i++)
        if (strcmp(r->steps[i].step, code) == 0 && nth-- == 0)
            return &r->steps[i];
    return NULL;
}

/* The explanation of the 3-person household lists every factor, in order, with the arithmetic. */
static void test_explanation(void **state)
{
    (void)state;
    static const char *const order[] = {"program",
                                        "standard",
                                        "member",
                                        "member",
                                        "member",
                                        "members_counted",
                                        "income",
                                        "income",
                                        "employment_cost",
                                        "counted_income",
                                        "per_capita_income",
                                        "asset",
                                        "asset_financial",
                                        "asset_vehicle",
                                        "asset_housing",
                                        "assets",
                                        "dibao_income",
                                        "dibao_test",
                                        "dibao_amount",
                                        "rounding",
                                        "approval",
                                        "decision"};
    struct row w = {"explanation", "dibao", .m = {{A1}, {A2}, {K1}},
                    .in = {{1, "wage", 100001}, {2, "basic_pension", 20000}},
                    .as = {{"deposit", 100000}}};
    struct built b;
    mz_assist_result r;
    mz_error err;
    build(&w, &b);
    mz_assist_result_init(&r);
    assert_int_equal(mz_assist_assess(&b.c, &b.p, &r, &err), 0);
    if (r.nsteps != (int)(sizeof order / sizeof order[0])) {
        dump(&r);
        fail_msg("%d steps", r.nsteps);
    }
    for (int i = 0; i < r.nsteps; i++) {
        assert_string_equal(r.steps[i].step, order[i]);
        assert_true(strlen(r.steps[i].text) > 0);
    }
    const mz_assist_step *s = find_step(&r, "standard", 0);
    assert_ptr_equal(s->policy, &b.p.dibao_standard);
    assert_int_equal(s->amount_fen, S);
    s = find_step(&r, "member", 0);
    assert_int_equal(s->member, 0);
    assert_non_null(strstr(s->text, "321302********"));
    assert_non_null(strstr(s->text, "41周岁，计入"));
    s = find_step(&r, "income", 1);
    assert_ptr_equal(s->policy, &b.p.exempt_income_types);
    assert_non_null(strstr(s->text, "不计入"));
    s = find_step(&r, "per_capita_income", 0);
    assert_int_equal(s->amount_fen, 33333);
    assert_non_null(strstr(s->text, "1000.01 ÷ 3 = 333.33元"));
    assert_non_null(strstr(s->text, "余 2 分"));
    s = find_step(&r, "asset_financial", 0);
    assert_ptr_equal(s->policy, &b.p.financial_assets_months);
    assert_non_null(strstr(s->text, "24个月 × 610.00 × 3人 = 43920.00元：符合"));
    s = find_step(&r, "dibao_amount", 0);
    assert_int_equal(s->amount_fen, 83001);
    assert_non_null(strstr(s->text, "(610.00 − 333.33) × 3人 = 830.01元"));
    s = find_step(&r, "rounding", 0);
    assert_ptr_equal(s->policy, &b.p.rounding);
    s = find_step(&r, "approval", 0);
    assert_ptr_equal(s->policy, &b.p.township_approval);
    mz_assist_result_cleanup(&r);
}

/* Tests with their own arithmetic lines: 特困 basic × 1.3, the rigid expenditure, a temporary cap.
 */
static void test_explanation_programs(void **state)
{
    (void)state;
    struct built b;
    mz_assist_result r;
    mz_error err;
    const mz_assist_step *s;

    struct row tk = {"tekun", "tekun", .m = {{TK("19500101"), .unable = 4}}};
    build(&tk, &b);
    b.c.support_mode = MZ_ASSIST_SUPPORT_CENTRALIZED;
    mz_assist_result_init(&r);
    assert_int_equal(mz_assist_assess(&b.c, &b.p, &r, &err), 0);
    assert_int_equal(r.care_level, MZ_ASSIST_CARE_FULL);
    s = find_step(&r, "tekun_basic", 0);
    assert_ptr_equal(s->policy, &b.p.tekun_basic_ratio);
    assert_non_null(strstr(s->text, "610.00 × 1.3 = 793.00元"));
    s = find_step(&r, "tekun_care", 0);
    assert_ptr_equal(s->policy, &b.p.tekun_care_full);
    assert_non_null(strstr(s->text, "4 项不能自理，全护理"));
    s = find_step(&r, "tekun_support", 0);
    assert_non_null(strstr(s->text, "集中供养"));
    mz_assist_result_cleanup(&r);

    struct row rg = {"rigid", "rigid", .m = {{A1}, {A2}, {K1}}, .in = {{1, "wage", 300000}},
                     .rigid = 1404001};
    build(&rg, &b);
    mz_assist_result_init(&r);
    assert_int_equal(mz_assist_assess(&b.c, &b.p, &r, &err), 0);
    assert_non_null(find_step(&r, "exclusion", 0));
    assert_non_null(find_step(&r, "edge_test", 0));
    s = find_step(&r, "rigid_expenditure", 0);
    assert_int_equal(s->amount_fen, 60999);
    assert_non_null(strstr(s->text, "(36000.00 − 14040.01) ÷ 12 ÷ 3人 = 609.99元"));
    mz_assist_result_cleanup(&r);

    struct row tp = {"temporary", "temporary", .m = {{A1}, {A2}, {K1}}, .temp = "emergency",
                     .tweak = cap_548999};
    build(&tp, &b);
    mz_assist_result_init(&r);
    assert_int_equal(mz_assist_assess(&b.c, &b.p, &r, &err), 0);
    s = find_step(&r, "temporary_amount", 0);
    assert_non_null(strstr(s->text, "3 × 610.00 × 3人 = 5490.00元"));
    s = find_step(&r, "temporary_cap", 0);
    assert_ptr_equal(s->policy, &b.p.temp_cap);
    assert_int_equal(s->amount_fen, 548999);
    assert_null(find_step(&r, "assets", 0));
    mz_assist_result_cleanup(&r);

    /* A member of a 单人保 household is named in the step that covers them. */
    struct row sg = {"single", "dibao", .m = {{A1}, {A2, .dis = "physical", .grade = 1}, {K1}},
                     .in = {{1, "wage", 183000}}};
    build(&sg, &b);
    mz_assist_result_init(&r);
    assert_int_equal(mz_assist_assess(&b.c, &b.p, &r, &err), 0);
    s = find_step(&r, "single_member", 0);
    assert_int_equal(s->member, 1);
    assert_non_null(strstr(s->text, "一级肢体残疾"));
    assert_non_null(strstr(s->text, "按一人户保障"));
    mz_assist_result_cleanup(&r);
}

/* Amounts that do not fit int64 make the assessment fail with 400, never wrap. */
static void test_overflow(void **state)
{
    (void)state;
    struct row w = {"overflow", "dibao", .m = {{A1}, {A2}},
                    .in = {{1, "wage", INT64_MAX}, {2, "wage", 1}}};
    struct built b;
    mz_assist_result r;
    mz_error err;
    build(&w, &b);
    mz_assist_result_init(&r);
    mz_error_clear(&err);
    assert_int_equal(mz_assist_assess(&b.c, &b.p, &r, &err), -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.code, "invalid_value");
    mz_assist_result_cleanup(&r);

    /* The asset limit: 24 × a huge standard × 20 members. */
    struct row v = {"overflow", "dibao", .m = {{A1}}};
    build(&v, &b);
    b.p.dibao_standard.num = INT64_MAX / 10;
    mz_assist_result_init(&r);
    mz_error_clear(&err);
    assert_int_equal(mz_assist_assess(&b.c, &b.p, &r, &err), -1);
    assert_int_equal(err.status, 400);
    mz_assist_result_cleanup(&r);

    /* A case outside its documented ranges is the caller's bug: 500. */
    build(&v, &b);
    b.c.applicant = 5;
    mz_assist_result_init(&r);
    mz_error_clear(&err);
    assert_int_equal(mz_assist_assess(&b.c, &b.p, &r, &err), -1);
    assert_int_equal(err.status, 500);
    mz_assist_result_cleanup(&r);
}

static void test_enums(void **state)
{
    (void)state;
    static const struct {
        enum mz_assist_enum e;
        const char *code;
        int value;
    } cases[] = {
        {MZ_ASSIST_E_PROGRAM, "dibao", MZ_ASSIST_DIBAO},
        {MZ_ASSIST_E_PROGRAM, "temporary", MZ_ASSIST_TEMPORARY},
        {MZ_ASSIST_E_PROGRAM, "Dibao", -1},
        {MZ_ASSIST_E_PROGRAM, "", -1},
        {MZ_ASSIST_E_PROGRAM, NULL, -1},
        {MZ_ASSIST_E_CATEGORY, "dibao_single", MZ_ASSIST_CAT_DIBAO_SINGLE},
        {MZ_ASSIST_E_CATEGORY, "dibao_taper", MZ_ASSIST_CAT_DIBAO_TAPER},
        {MZ_ASSIST_E_CATEGORY, "none", MZ_ASSIST_CAT_NONE},
        {MZ_ASSIST_E_INCOME, "wage", MZ_ASSIST_INC_WAGE},
        {MZ_ASSIST_E_INCOME, "elderly_allowance", MZ_ASSIST_INC_ELDERLY_ALLOWANCE},
        {MZ_ASSIST_E_INCOME, "other", MZ_ASSIST_INC_OTHER},
        {MZ_ASSIST_E_INCOME, "salary", -1},
        {MZ_ASSIST_E_ASSET, "business", MZ_ASSIST_ASSET_BUSINESS},
        {MZ_ASSIST_E_LABOUR, "none", MZ_ASSIST_LABOUR_NONE},
        {MZ_ASSIST_E_DISABILITY, "multiple", MZ_ASSIST_DIS_MULTIPLE},
        {MZ_ASSIST_E_RELATION, "self", MZ_ASSIST_REL_SELF},
        {MZ_ASSIST_E_TEMPORARY, "expenditure", MZ_ASSIST_TEMP_EXPENDITURE},
        {MZ_ASSIST_E_SUPPORT, "dispersed", MZ_ASSIST_SUPPORT_DISPERSED},
        {MZ_ASSIST_E_ROUNDING, "yuan_round", MZ_ASSIST_ROUND_YUAN_ROUND},
        {MZ_ASSIST_E_APPROVAL, "township", MZ_ASSIST_APPROVAL_TOWNSHIP},
        {MZ_ASSIST_E_CARE, "half", MZ_ASSIST_CARE_HALF},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int v = mz_assist_enum_parse(cases[i].e, cases[i].code);
        if (v != cases[i].value)
            fail_msg("case %zu %s: %d", i, cases[i].code ? cases[i].code : "(null)", v);
        if (v >= 0) {
            assert_string_equal(mz_assist_enum_code(cases[i].e, v), cases[i].code);
            assert_true(strlen(mz_assist_enum_label(cases[i].e, v)) > 0);
        }
    }
    assert_string_equal(mz_assist_enum_code(MZ_ASSIST_E_CARE, 3), "");
    assert_string_equal(mz_assist_enum_label(MZ_ASSIST_E_CARE, -1), "");
    assert_string_equal(mz_assist_enum_label(MZ_ASSIST_E_CATEGORY, MZ_ASSIST_CAT_DIBAO_SINGLE),
                        "单人保");
}

static void test_income_mask(void **state)
{
    (void)state;
    static const struct {
        const char *list;
        int rc;
        unsigned mask;
    } cases[] = {
        {"", 0, 0},
        {NULL, 0, 0},
        {"wage", 0, 1u << MZ_ASSIST_INC_WAGE},
        {"basic_pension,youfu", 0,
         (1u << MZ_ASSIST_INC_BASIC_PENSION) | (1u << MZ_ASSIST_INC_YOUFU)},
        {"youfu,youfu", 0, 1u << MZ_ASSIST_INC_YOUFU},
        {"youfu,", -1, 0},
        {",youfu", -1, 0},
        {"youfu,,wage", -1, 0},
        {"youfu, wage", -1, 0},
        {"salary", -1, 0},
        {"a_very_long_word_that_is_no_income_type_at_all", -1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned mask = 0xdead;
        int rc = mz_assist_income_mask(cases[i].list, &mask);
        if (rc != cases[i].rc)
            fail_msg("case %zu \"%s\": %d", i, cases[i].list ? cases[i].list : "(null)", rc);
        assert_int_equal(mask, rc == 0 ? cases[i].mask : 0xdead);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),       cmocka_unit_test(test_income_types),
        cmocka_unit_test(test_explanation), cmocka_unit_test(test_explanation_programs),
        cmocka_unit_test(test_overflow),    cmocka_unit_test(test_enums),
        cmocka_unit_test(test_income_mask),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
