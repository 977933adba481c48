/*
 * 社会救助 rule functions (RULES.md §1–4): 最低生活保障 (低保, with 单人保 and
 * 渐退), 特困人员救助供养, 低保边缘, 刚性支出困难 and 临时救助.  One call,
 * mz_assist_assess(), takes a household snapshot on a date (a case), the
 * policy in force (params) and the program asked for, and returns the
 * decision, the category, the monthly amount in fen and an explanation that
 * lists every factor in order, so that a case worker can check the result
 * by hand.
 *
 * The functions are pure: no database, no globals, no I/O.  params.c loads
 * the policy through core/policy; api/h_assessments.c builds the case from a
 * request; enrolment and payroll will call the same function.
 *
 * Arithmetic, stated once for every program:
 * - Money is int64 fen, ratios are basis points (15000 = 1.5), and there is
 *   no floating point.  Every sum or product of amounts that come from
 *   outside is overflow-checked; an overflow makes mz_assist_assess() fail
 *   with 400 invalid_value rather than compute a wrapped amount.
 * - Counted members: everyone in the snapshot except those deceased on or
 *   before the date, not yet born on the date, detained (服刑、强制隔离戒毒)
 *   or declared missing.  Ages come from the ID number on the date: a member
 *   whose 60th (18th) birthday is the date is 60 (18).
 * - Counted income: the monthly items of counted members whose type is not
 *   in dibao.exempt_income_types, less the monthly employment cost
 *   (就业成本), which is deducted from wage income only and at most down to
 *   zero wage income.  Per-capita income = counted income ÷ counted members,
 *   rounded down to the fen (the remainder is named in the explanation).
 * - A ratio applied to an amount (1.3 × standard, 1.5 × standard, the
 *   temporary-assistance multiplier) is amount × bp ÷ 10000 rounded down to
 *   the fen; 1.3 × 61000 = 79300 exactly.  Comparisons against a ratio are
 *   made exactly, by cross-multiplying (income × 10000 < standard × bp), so
 *   that rounding never decides eligibility.
 * - Asset tests: non-exempt deposits plus securities ≤
 *   dibao.financial_assets_months × standard × counted members (the per
 *   member limit times the members, compared exactly); non-exempt vehicles ≤
 *   dibao.vehicle_limit; non-exempt housing units ≤ dibao.housing_limit.
 *   Business assets are listed but not limited: no policy parameter limits
 *   them (property needed for production is exempt, RULES.md §1).  Exempt
 *   assets are listed and not counted.
 *
 * Decisions (category codes are stable; see mz_assist_enum_code):
 * - dibao: per-capita income < standard and the asset tests pass; amount =
 *   (standard − per-capita income) × counted members, then dibao.rounding
 *   (none: whole fen; yuan_up: up to the yuan; yuan_round: half up to the
 *   yuan).
 * - dibao_taper (渐退): the case carries a taper (the household is enrolled
 *   and its income rose above the standard through employment N months
 *   ago); per-capita income ≥ standard, the asset tests pass and counted
 *   income includes wage or business income; months 1..dibao.taper_months
 *   keep the enrolled amount, month taper_months + 1 ends it.
 * - dibao_single (单人保): the household fails only because per-capita
 *   income is ≥ standard but < dibao.single_person_income_ratio × standard;
 *   every counted member with a grade 1–2 disability, a grade 3
 *   intellectual or mental disability, or a serious illness is covered as a
 *   one-person household with their own counted income (employment cost is
 *   the household's and is not deducted), if that is below the standard.
 *   Each qualifying member is covered, not one chosen among them: the
 *   condition is a property of the person, RULES.md §1 attaches it to "a
 *   member" without a limit, and two severely disabled members of one
 *   household each meet it.  The amount is the sum of each one's
 *   (standard − own income), rounded per person by dibao.rounding.
 * - tekun: assessed for the applicant alone (the member named by the case;
 *   callers default it to the member with relation self, else the first):
 *   aged ≥ 60, or under 18, or disabled (intellectual or mental grade 1–3,
 *   physical grade 1–2, visual grade 1); labour capacity none; no supporter
 *   able to support; own counted income < the 低保 standard; asset tests of
 *   the snapshot pass.  Amount = standard × tekun.basic_ratio (rounded down)
 *   + the care amount of the self-care level: 0 activities unable →
 *   tekun.care_self, 1–3 → tekun.care_half, 4–6 → tekun.care_full.
 * - edge (低保边缘): the household is neither dibao (nor dibao_taper) nor is
 *   the applicant tekun; per-capita income < edge.income_ratio × standard;
 *   the asset tests pass.  A status: amount 0.
 * - rigid (刚性支出困难): none of dibao, tekun, edge; per-capita income <
 *   rigid.disposable_income_monthly; (counted income × 12 − annual rigid
 *   expenditure) ÷ 12 ÷ counted members < standard (compared exactly:
 *   annual income − rigid expenditure < 12 × counted members × standard).
 *   No asset test and amount 0.
 * - temporary: emergency (急难型) or expenditure (支出型; per-capita income
 *   must be < rigid.disposable_income_monthly).  Amount = multiplier × standard
 *   × counted members (rounded down), capped at temporary.cap; a one-off
 *   amount.  Approved by the township when amount ≤ temporary.township_limit,
 *   else by the county.
 * When the program asked for is excluded by one that applies first (edge
 * asked, the household qualifies for dibao), the result is not eligible,
 * category none, and superseded_by names the program that applies.
 * Approval level of every program but temporary: the county, or the township
 * when dibao.township_approval = 1.
 */
#ifndef MZ_SYSTEMS_ASSISTANCE_RULES_H
#define MZ_SYSTEMS_ASSISTANCE_RULES_H

#include <stdint.h>

#include "base/error.h"
#include "base/idnum.h"

#define MZ_ASSIST_MAX_MEMBERS 20
#define MZ_ASSIST_MAX_INCOMES 100
#define MZ_ASSIST_MAX_ASSETS 100
/* The largest amount a case may carry in any one field: 10 亿元 in fen. */
#define MZ_ASSIST_MAX_FEN INT64_C(100000000000)
#define MZ_ASSIST_MAX_TAPER_MONTHS 240
#define MZ_ASSIST_CARE_ACTIVITIES 6

/* The enumerations a case and a result use; codes and Chinese labels below. */
enum mz_assist_enum {
    MZ_ASSIST_E_PROGRAM,    /* dibao tekun edge rigid temporary */
    MZ_ASSIST_E_CATEGORY,   /* none dibao dibao_single dibao_taper tekun edge rigid temporary */
    MZ_ASSIST_E_RELATION,   /* self spouse child parent grandparent grandchild sibling other */
    MZ_ASSIST_E_DISABILITY, /* none physical visual hearing speech intellectual mental multiple */
    MZ_ASSIST_E_LABOUR,     /* full partial none */
    MZ_ASSIST_E_INCOME,     /* wage … other, see mz_assist_income_type */
    MZ_ASSIST_E_ASSET,      /* deposit securities vehicle housing business */
    MZ_ASSIST_E_TEMPORARY,  /* emergency expenditure */
    MZ_ASSIST_E_SUPPORT,    /* centralized dispersed (集中 / 分散供养) */
    MZ_ASSIST_E_ROUNDING,   /* none yuan_up yuan_round */
    MZ_ASSIST_E_APPROVAL,   /* county township */
    MZ_ASSIST_E_CARE,       /* self half full (全自理 / 半护理 / 全护理) */
};

enum { MZ_ASSIST_DIBAO, MZ_ASSIST_TEKUN, MZ_ASSIST_EDGE, MZ_ASSIST_RIGID, MZ_ASSIST_TEMPORARY };
enum {
    MZ_ASSIST_CAT_NONE,
    MZ_ASSIST_CAT_DIBAO,
    MZ_ASSIST_CAT_DIBAO_SINGLE,
    MZ_ASSIST_CAT_DIBAO_TAPER,
    MZ_ASSIST_CAT_TEKUN,
    MZ_ASSIST_CAT_EDGE,
    MZ_ASSIST_CAT_RIGID,
    MZ_ASSIST_CAT_TEMPORARY,
};
enum {
    MZ_ASSIST_REL_SELF,
    MZ_ASSIST_REL_SPOUSE,
    MZ_ASSIST_REL_CHILD,
    MZ_ASSIST_REL_PARENT,
    MZ_ASSIST_REL_GRANDPARENT,
    MZ_ASSIST_REL_GRANDCHILD,
    MZ_ASSIST_REL_SIBLING,
    MZ_ASSIST_REL_OTHER,
};
enum {
    MZ_ASSIST_DIS_NONE,
    MZ_ASSIST_DIS_PHYSICAL,
    MZ_ASSIST_DIS_VISUAL,
    MZ_ASSIST_DIS_HEARING,
    MZ_ASSIST_DIS_SPEECH,
    MZ_ASSIST_DIS_INTELLECTUAL,
    MZ_ASSIST_DIS_MENTAL,
    MZ_ASSIST_DIS_MULTIPLE,
};
enum { MZ_ASSIST_LABOUR_FULL, MZ_ASSIST_LABOUR_PARTIAL, MZ_ASSIST_LABOUR_NONE };
enum mz_assist_income_type {
    MZ_ASSIST_INC_WAGE,
    MZ_ASSIST_INC_BUSINESS,
    MZ_ASSIST_INC_PROPERTY,
    MZ_ASSIST_INC_TRANSFER,
    MZ_ASSIST_INC_MAINTENANCE,
    MZ_ASSIST_INC_PENSION,
    MZ_ASSIST_INC_BASIC_PENSION,
    MZ_ASSIST_INC_UNEMPLOYMENT,
    MZ_ASSIST_INC_YOUFU,
    MZ_ASSIST_INC_FAMILY_PLANNING,
    MZ_ASSIST_INC_SCHOLARSHIP,
    MZ_ASSIST_INC_BRAVERY,
    MZ_ASSIST_INC_ASSISTANCE,
    MZ_ASSIST_INC_ELDERLY_ALLOWANCE,
    MZ_ASSIST_INC_OTHER,
    MZ_ASSIST_INC_COUNT
};
enum {
    MZ_ASSIST_ASSET_DEPOSIT,
    MZ_ASSIST_ASSET_SECURITIES,
    MZ_ASSIST_ASSET_VEHICLE,
    MZ_ASSIST_ASSET_HOUSING,
    MZ_ASSIST_ASSET_BUSINESS,
};
enum { MZ_ASSIST_TEMP_EMERGENCY, MZ_ASSIST_TEMP_EXPENDITURE };
enum { MZ_ASSIST_SUPPORT_CENTRALIZED, MZ_ASSIST_SUPPORT_DISPERSED };
enum { MZ_ASSIST_ROUND_NONE, MZ_ASSIST_ROUND_YUAN_UP, MZ_ASSIST_ROUND_YUAN_ROUND };
enum { MZ_ASSIST_APPROVAL_COUNTY, MZ_ASSIST_APPROVAL_TOWNSHIP };
enum { MZ_ASSIST_CARE_SELF, MZ_ASSIST_CARE_HALF, MZ_ASSIST_CARE_FULL };

/* The value of code s in enumeration e, or -1 when s (NULL included) is not one of its codes. */
int mz_assist_enum_parse(enum mz_assist_enum e, const char *s);
/* The code ("dibao_single") and the Chinese label ("单人保") of value v; "" when out of range. */
const char *mz_assist_enum_code(enum mz_assist_enum e, int v);
const char *mz_assist_enum_label(enum mz_assist_enum e, int v);

/*
 * The bit mask (1 << mz_assist_income_type) of a comma-separated list of
 * income type codes ("basic_pension,youfu"; "" is the empty list).  Returns
 * 0, or -1 when a word is not an income type (*mask untouched).
 */
int mz_assist_income_mask(const char *list, unsigned *mask);

/* One policy value as the rules use it, with where it came from. */
typedef struct mz_assist_param {
    const char *program;     /* "dibao", a string literal */
    const char *param;       /* "standard_monthly", a string literal */
    int64_t num;             /* fen / basis points / count */
    char text[512];          /* the value as stored ("61000", "none", "basic_pension,…") */
    int64_t id;              /* policy_params.id; 0 when not from the database */
    char region_prefix[13];  /* "" national default, "3213" 宿迁市 … */
    char effective_from[11]; /* YYYY-MM-DD */
} mz_assist_param;

/* Every policy value the rules read (units as in migration 002_policy.sql). */
typedef struct mz_assist_params {
    mz_assist_param dibao_standard;              /* dibao.standard_monthly, fen */
    mz_assist_param exempt_income_types;         /* dibao.exempt_income_types, list */
    mz_assist_param financial_assets_months;     /* dibao.financial_assets_months, int */
    mz_assist_param vehicle_limit;               /* dibao.vehicle_limit, int */
    mz_assist_param housing_limit;               /* dibao.housing_limit, int */
    mz_assist_param single_income_ratio;         /* dibao.single_person_income_ratio, bp */
    mz_assist_param taper_months;                /* dibao.taper_months, int */
    mz_assist_param rounding;                    /* dibao.rounding, text */
    mz_assist_param township_approval;           /* dibao.township_approval, 0/1 */
    mz_assist_param tekun_basic_ratio;           /* tekun.basic_ratio, bp */
    mz_assist_param tekun_care_self;             /* tekun.care_self, fen */
    mz_assist_param tekun_care_half;             /* tekun.care_half, fen */
    mz_assist_param tekun_care_full;             /* tekun.care_full, fen */
    mz_assist_param edge_income_ratio;           /* edge.income_ratio, bp */
    mz_assist_param rigid_disposable_monthly;    /* rigid.disposable_income_monthly, fen */
    mz_assist_param temp_multiplier_emergency;   /* temporary.multiplier_emergency, bp */
    mz_assist_param temp_multiplier_expenditure; /* temporary.multiplier_expenditure, bp */
    mz_assist_param temp_cap;                    /* temporary.cap, fen */
    mz_assist_param temp_township_limit;         /* temporary.township_limit, fen */
    mz_assist_param verify_income_tolerance;     /* dibao.verify_income_tolerance, fen */
    mz_assist_param verify_business_limit;       /* dibao.verify_business_limit, int */
    mz_assist_param verify_vehicle_exempt_kinds; /* dibao.verify_vehicle_exempt_kinds, list */
    /* Derived from the text values above by whoever fills the struct. */
    unsigned exempt_mask; /* mz_assist_income_mask(exempt_income_types.text) */
    int rounding_rule;    /* MZ_ASSIST_ROUND_* of rounding.text */
} mz_assist_params;

typedef struct mz_assist_member {
    struct mz_idnum id;   /* validated by the caller */
    int relation;         /* MZ_ASSIST_REL_* */
    int disability_kind;  /* MZ_ASSIST_DIS_*, NONE when not disabled */
    int disability_grade; /* 1–4; 0 when not disabled */
    int serious_illness;  /* 重特大疾病 */
    int labour_capacity;  /* MZ_ASSIST_LABOUR_* */
    int detained;         /* 服刑、强制隔离戒毒 */
    int missing;          /* 宣告失踪 */
    int in_school;
    int self_care_unable; /* 0–6 of the six daily activities not done alone */
    int supporter_able;   /* a legally obliged supporter able to support exists (recorded) */
    int deceased;         /* 1 when deceased_on holds the date of death */
    int deceased_on;      /* day number (base/date.h) */
} mz_assist_member;

typedef struct mz_assist_income {
    int member; /* index into the case's members; -1 for a household-level item
                   (e.g. rent of a shared property), counted unless its type is exempt */
    int type;   /* enum mz_assist_income_type */
    int64_t monthly_fen;
} mz_assist_income;

typedef struct mz_assist_asset {
    int type; /* MZ_ASSIST_ASSET_* */
    int64_t value_fen;
    int exempt; /* e.g. a disabled person's mobility vehicle, production property */
} mz_assist_asset;

/* A household snapshot on a date and the program asked for.  Amounts are ≥ 0. */
typedef struct mz_assist_case {
    int program; /* MZ_ASSIST_DIBAO … */
    int day;     /* the assessment date, a day number */
    const mz_assist_member *members;
    int nmembers; /* 1..MZ_ASSIST_MAX_MEMBERS */
    const mz_assist_income *incomes;
    int nincomes;
    const mz_assist_asset *assets;
    int nassets;
    int applicant; /* index of the member assessed for 特困 */
    int64_t employment_cost_monthly_fen;
    int64_t rigid_expenditure_annual_fen;
    int has_taper; /* enrolled in 低保, income rose above the standard through employment */
    int64_t taper_enrolled_amount_fen;
    int taper_months_since_rise; /* 1 = the first month after the rise */
    int temporary_kind;          /* MZ_ASSIST_TEMP_*, for temporary */
    int support_mode;            /* MZ_ASSIST_SUPPORT_*, or -1 when not recorded */
} mz_assist_case;

/* One line of the explanation. */
typedef struct mz_assist_step {
    const char *step; /* stable code: "member", "income", "per_capita_income", … */
    char *text;       /* Chinese, owned by the result */
    int has_amount;
    int64_t amount_fen;
    const mz_assist_param *policy; /* the value cited, inside the params passed; or NULL */
    int member;                    /* index of the member concerned, or -1 */
} mz_assist_step;

typedef struct mz_assist_result {
    int eligible;
    int category;      /* MZ_ASSIST_CAT_* */
    int superseded_by; /* the category that applies first and excludes the program asked, or NONE */
    int covered[MZ_ASSIST_MAX_MEMBERS]; /* member indices, in case order */
    int ncovered;
    int64_t monthly_amount_fen; /* temporary: the one-off amount */
    int counted_members;
    int64_t counted_income_fen;    /* household, after the employment cost */
    int64_t per_capita_income_fen; /* tekun: the applicant's own income; 0 when no member counts */
    int64_t standard_fen;
    int approval_level; /* MZ_ASSIST_APPROVAL_* */
    int care_level;     /* tekun: MZ_ASSIST_CARE_*; -1 otherwise */
    mz_assist_step *steps;
    int nsteps, capsteps;
} mz_assist_result;

void mz_assist_result_init(mz_assist_result *r);
/* Frees the explanation; r may be reused after mz_assist_result_init(). */
void mz_assist_result_cleanup(mz_assist_result *r);

/*
 * Assesses case c under params p into r (initialised by the caller).  The
 * explanation's policy pointers point into p, which must outlive r.
 * Returns 0, or -1 with err set: 400 invalid_value (field "household") when
 * an amount overflows int64, 500 internal when the case or the params break
 * their documented ranges (a bug in the caller).  On error r holds a partial
 * explanation and no decision; clean it up as usual.
 */
int mz_assist_assess(const mz_assist_case *c, const mz_assist_params *p, mz_assist_result *r,
                     mz_error *err);

/* fen rounded by rule (MZ_ASSIST_ROUND_*), as the assessment rounds a 低保 amount. */
int64_t mz_assist_round(int rule, int64_t fen);

#endif
