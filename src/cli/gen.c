/*
 * The synthetic city: see gen.h for what it is and what it promises.
 *
 * How a household is made.  Ages are drawn from a per-year pyramid; a
 * household is first given a family type (an elder alone, a couple with
 * children, three generations, children left with their grandparents, …)
 * whose weights make the population come out at the pyramid's shares of
 * children, working-age adults and elders, and at a mean size near 2.9.  Each
 * role then draws its age from the pyramid within the range the role allows
 * (a child is at least 20 years younger than the parent), so the whole
 * population follows the pyramid closely without keeping people in pools.
 *
 * Who is poor.  Households are made eligible for 低保, 特困 or 低保边缘 as
 * they are made, by a running quota: while the share of persons so far is
 * under the target, a household of a suitable kind is taken with a fixed
 * chance (more often in villages than in towns, more often with a disabled
 * or seriously ill member).  Their counted incomes are then set so that the
 * default policy reaches that decision, and the enrollment's amount and basis
 * are what the rule functions compute from them.
 */
#include "cli/gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/date.h"
#include "base/idnum.h"
#include "base/mem.h"
#include "base/money.h"
#include "base/strnum.h"
#include "core/evidence.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_AGE 99
#define MAX_MEMBERS 8

/* ---- random numbers ---------------------------------------------------------------- */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna). */
static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n), n > 0 (Lemire's multiply; the tiny bias is irrelevant here). */
static uint64_t below(rng *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

static int64_t between(rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)below(r, (uint64_t)(hi - lo + 1));
}

static int per_mille(rng *r, int p)
{
    return (int)below(r, 1000) < p;
}

/* ---- the city's shape ------------------------------------------------------------ */

/*
 * Shares of the population by county-level unit, per mille, rounded from the
 * order of magnitude of the 2020 census (沭阳 is by far the largest); the ID
 * numbers' address code is the county's own, the development zone's people
 * carry 宿城区's.
 */
static const struct county_share {
    const char *code6;
    int per_mille;
    const char *id_prefix;
} county_shares[] = {
    {"321302", 160, "321302"}, {"321311", 130, "321311"}, {"321322", 310, "321322"},
    {"321323", 170, "321323"}, {"321324", 180, "321324"}, {"321371", 50, "321302"},
};

/*
 * A Jiangsu-like age pyramid: per mille of the population in each five-year
 * band 0–4 … 80–84, then 85–99 as one band.
 */
static const int pyramid[] = {46, 54, 53, 46, 48, 62, 83, 69, 64,
                              83, 90, 74, 56, 63, 46, 29, 24, 20};

/*
 * Family types with their weight per mille and the roles they hold.  Their
 * mean composition (children 0.53, adults 1.70, elders 0.65 per household) is
 * the pyramid's 18 / 59 / 23 % at a mean size of about 2.9.
 */
enum family {
    F_ELDER_ALONE,      /* an elder */
    F_ELDER_COUPLE,     /* two elders */
    F_COUPLE_CHILDREN,  /* two adults, 1–2 children */
    F_THREE_GEN,        /* two adults, 1–2 children, 1–2 of the head's parents */
    F_ADULT_ALONE,      /* an adult */
    F_ADULT_COUPLE,     /* two adults */
    F_LEFT_BEHIND,      /* 1–2 grandparents, 1–2 grandchildren */
    F_COUPLE_ADULT_KID, /* two adults of 45–59, 1–2 adult children */
    F_ELDER_ADULT_KID,  /* 1–2 elders and an adult child */
};
static const int family_weights[] = {70, 100, 200, 100, 50, 140, 50, 190, 100};

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
    "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
    "丁", "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜"};
static const char *const male_chars[] = {
    "建", "国", "强", "军", "海", "涛", "明", "德", "胜", "伟", "刚", "勇", "毅", "俊", "峰",
    "磊", "超", "浩", "宇", "杰", "文", "斌", "鹏", "辉", "华", "林", "波", "志", "永", "春"};
static const char *const female_chars[] = {
    "秀", "英", "桂", "兰", "玉", "梅", "丽", "娟", "春", "华", "美", "玲", "芳", "燕", "静",
    "敏", "婷", "雪", "琳", "霞", "红", "艳", "萍", "洁", "慧", "欣", "怡", "悦", "珍", "月"};
static const struct bank {
    const char *name, *bin;
} banks[] = {{"中国农业银行", "622848"}, {"中国建设银行", "621700"},
             {"中国工商银行", "622202"}, {"中国邮政储蓄银行", "621799"},
             {"江苏银行", "622173"},     {"宿迁农村商业银行", "622319"}};
static const char *const disability_kinds[] = {"physical", "visual",       "hearing", "speech",
                                               "mental",   "intellectual", "multiple"};
static const int disability_kind_weights[] = {500, 120, 120, 10, 100, 80, 70};

/* ---- the state of one run -------------------------------------------------------- */

typedef struct village {
    char code[13];
    char township[13];
    const char *name;          /* in the strings arena */
    const char *township_name; /* likewise */
    int urban;
    int households; /* made so far, for addresses */
} village;

typedef struct county {
    const struct county_share *share;
    int first, count; /* its villages: villages[first .. first+count) */
    uint64_t *cumul;  /* cumulative village weights */
    uint64_t total;
} county;

typedef struct member {
    int age, male;
    const char *relation;
    char id[19];
    char name[16];
    const char *disability; /* NULL none */
    int grade;
    const char *labour;
    int illness, self_care_unable, in_school;
    int64_t wage, business, pension, basic; /* monthly incomes written, fen */
} member;

typedef struct gen {
    const mz_gen_options *o;
    rng r;
    mz_arena *arena;
    village *villages;
    int nvillages;
    county counties[N(county_shares)];
    uint64_t age_cumul[MAX_AGE + 2];
    int asof_y, asof_m, asof_d;
    int first_birth; /* day number of the earliest possible birth */
    char since[11];  /* incomes and assets hold from this day: a year before as_of */
    uint16_t *seq;   /* per (county prefix, birth day, sex): numbers used */
    int seq_days;
    FILE *f_households, *f_persons, *f_incomes, *f_assets, *f_enrollments;
    mz_gen_counts c;
    /* Department data (see "department data" below). */
    rng e; /* its own stream, so that the registry files do not depend on it */
    FILE *f_ev[MZ_GEN_EV_N];
    int month; /* the month monthly records belong to: the one before as_of */
    char month_s[8];
    int64_t seq_death, seq_property, seq_plate, seq_credit;
    /* Running quotas of the planted discrepancies: households (persons) eligible so far. */
    int64_t elig_vehicle, elig_property, elig_business, elig_employment, elig_pension, elig_deposit,
        elig_disability, elig_medical;
} gen;

/* ---- regions ---------------------------------------------------------------------- */

static int load_regions(gen *g, mz_error *err)
{
    FILE *f = fopen(g->o->regions, "r");
    if (f == NULL)
        return mz_error_set(err, 400, "invalid_value", "regions", "无法读取区划文件 %s: %s",
                            g->o->regions, strerror(errno));
    char line[512];
    int cap = 2048, ntown = 0;
    struct town {
        char code[13];
        const char *name;
    } *towns = mz_calloc(512, sizeof *towns);
    g->villages = mz_calloc((size_t)cap, sizeof *g->villages);
    while (fgets(line, sizeof line, f)) {
        char *fields[5] = {0};
        int nf = 0;
        line[strcspn(line, "\r\n")] = '\0';
        for (char *p = line, *tok; nf < 5 && (tok = strsep(&p, ",")) != NULL;)
            fields[nf++] = tok;
        if (nf < 5 || strlen(fields[0]) != 12)
            continue; /* the header */
        if (strcmp(fields[2], "4") == 0 && ntown < 512) {
            memcpy(towns[ntown].code, fields[0], 13);
            towns[ntown++].name = mz_arena_strdup(g->arena, fields[1]);
        } else if (strcmp(fields[2], "5") == 0 && g->nvillages < cap) {
            village *v = &g->villages[g->nvillages++];
            memcpy(v->code, fields[0], 13);
            memcpy(v->township, fields[3], 12);
            v->township[12] = '\0';
            v->name = mz_arena_strdup(g->arena, fields[1]);
            v->urban = strcmp(fields[4], "urban") == 0;
        }
    }
    fclose(f);
    for (int i = 0; i < g->nvillages; i++) {
        village *v = &g->villages[i];
        v->township_name = "";
        for (int t = 0; t < ntown; t++)
            if (strcmp(towns[t].code, v->township) == 0)
                v->township_name = towns[t].name;
    }
    mz_free(towns);
    /* Villages are sorted by code in the file, so a county's are contiguous. */
    for (size_t k = 0; k < N(county_shares); k++) {
        county *c = &g->counties[k];
        c->share = &county_shares[k];
        c->first = -1;
        for (int i = 0; i < g->nvillages; i++)
            if (strncmp(g->villages[i].code, c->share->code6, 6) == 0) {
                if (c->first < 0)
                    c->first = i;
                c->count = i - c->first + 1;
            }
        if (c->first < 0) {
            return mz_error_set(err, 400, "invalid_value", "regions",
                                "区划文件 %s 中没有 %s 的村（社区）", g->o->regions,
                                c->share->code6);
        }
        c->cumul = mz_calloc((size_t)c->count, sizeof *c->cumul);
        for (int i = 0; i < c->count; i++) {
            /* Communities in towns are denser than villages. */
            uint64_t w =
                (uint64_t)between(&g->r, 60, 140) * (g->villages[c->first + i].urban ? 2 : 1);
            c->total += w;
            c->cumul[i] = c->total;
        }
    }
    return 0;
}

static village *pick_village(gen *g)
{
    int x = (int)below(&g->r, 1000), k = 0, acc = 0;
    for (; k < (int)N(county_shares) - 1; k++) {
        acc += county_shares[k].per_mille;
        if (x < acc)
            break;
    }
    county *c = &g->counties[k];
    uint64_t y = below(&g->r, c->total);
    int lo = 0, hi = c->count - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (c->cumul[mid] > y)
            hi = mid;
        else
            lo = mid + 1;
    }
    return &g->villages[c->first + lo];
}

static const county *county_of(const gen *g, const village *v)
{
    for (size_t k = 0; k < N(county_shares); k++)
        if (strncmp(v->code, county_shares[k].code6, 6) == 0)
            return &g->counties[k];
    return &g->counties[0];
}

/* ---- people ----------------------------------------------------------------------- */

static void build_age_table(gen *g)
{
    g->age_cumul[0] = 0;
    for (int a = 0; a <= MAX_AGE; a++) {
        int band = a / 5 < (int)N(pyramid) - 1 ? a / 5 : (int)N(pyramid) - 1;
        int width = band == (int)N(pyramid) - 1 ? MAX_AGE + 1 - 5 * band : 5;
        /* 60 is divisible by both widths (5 and 15): integer weights per year. */
        g->age_cumul[a + 1] = g->age_cumul[a] + (uint64_t)pyramid[band] * 60 / (uint64_t)width;
    }
}

/* An age in [lo, hi] (clamped to 0..MAX_AGE) drawn from the pyramid. */
static int draw_age(gen *g, int lo, int hi)
{
    if (lo < 0)
        lo = 0;
    if (hi > MAX_AGE)
        hi = MAX_AGE;
    if (hi < lo)
        hi = lo;
    uint64_t base = g->age_cumul[lo], span = g->age_cumul[hi + 1] - base;
    uint64_t y = base + below(&g->r, span);
    int a = lo;
    while (a < hi && g->age_cumul[a + 1] <= y)
        a++;
    return a;
}

static void make_id(gen *g, const county *c, member *m)
{
    int anniversary;
    if (mz_date_from_ymd(g->asof_y - m->age, g->asof_m, g->asof_d, &anniversary) < 0)
        mz_date_from_ymd(g->asof_y - m->age, g->asof_m, 28, &anniversary); /* 29 February */
    int offset = (int)below(&g->r, 365), born = anniversary - offset;
    /* Counters are per address code: the development zone's people share 宿城区's. */
    size_t k = 0;
    while (strcmp(county_shares[k].id_prefix, c->share->id_prefix) != 0)
        k++;
    for (;;) {
        size_t slot =
            ((k * (size_t)g->seq_days) + (size_t)(born - g->first_birth)) * 2 + (size_t)m->male;
        /* Men take the odd numbers 001–999, women the even 002–998. */
        if (g->seq[slot] < (m->male ? 500 : 499)) {
            unsigned n = 2u * g->seq[slot]++ + (m->male ? 1u : 2u);
            int y, mo, d;
            char first17[18];
            mz_date_to_ymd(born, &y, &mo, &d);
            snprintf(first17, sizeof first17, "%s%04d%02d%02d%03u", c->share->id_prefix, y, mo, d,
                     n);
            memcpy(m->id, first17, 17);
            m->id[17] = mz_idnum_check_char(first17);
            m->id[18] = '\0';
            return;
        }
        born += offset < 182 ? -1 : 1; /* that day is full: the next one, same age */
    }
}

static void make_name(gen *g, member *m, const char *surname)
{
    const char *const *pool = m->male ? male_chars : female_chars;
    size_t n = m->male ? N(male_chars) : N(female_chars);
    if (per_mille(&g->r, 300))
        snprintf(m->name, sizeof m->name, "%s%s", surname, pool[below(&g->r, n)]);
    else
        snprintf(m->name, sizeof m->name, "%s%s%s", surname, pool[below(&g->r, n)],
                 pool[below(&g->r, n)]);
}

/* Disability, labour capacity, illness, self-care and school, by age. */
static void make_conditions(gen *g, member *m)
{
    int p_disabled = m->age >= 60 ? 70 : m->age >= 18 ? 25 : 10;
    m->disability = NULL;
    m->grade = 0;
    if (per_mille(&g->r, p_disabled)) {
        int x = (int)below(&g->r, 1000), acc = 0;
        size_t k = 0;
        for (; k < N(disability_kinds) - 1; k++) {
            acc += disability_kind_weights[k];
            if (x < acc)
                break;
        }
        m->disability = disability_kinds[k];
        int y = (int)below(&g->r, 100);
        m->grade = y < 10 ? 1 : y < 30 ? 2 : y < 60 ? 3 : 4;
    }
    m->illness = per_mille(&g->r, m->age >= 60 ? 40 : 10);
    if (m->age < 16 || m->age >= 70 || (m->disability && m->grade <= 2))
        m->labour = "none";
    else if (m->age >= 60 || m->illness || m->disability)
        m->labour = per_mille(&g->r, 500) ? "partial" : "none";
    else
        m->labour = per_mille(&g->r, 960) ? "full" : "partial";
    m->self_care_unable = 0;
    if ((m->age >= 80 && per_mille(&g->r, 200)) || (m->disability && m->grade <= 2))
        m->self_care_unable = (int)between(&g->r, 1, 6);
    m->in_school =
        (m->age >= 6 && m->age <= 17) || (m->age >= 18 && m->age <= 22 && per_mille(&g->r, 450));
}

/* ---- households ------------------------------------------------------------------- */

typedef struct household {
    member m[MAX_MEMBERS];
    int n;
    enum family type;
    village *v;
    char no[24];
    /* What was written, for the department data to agree with. */
    const char *program; /* "dibao", "tekun", "edge" or NULL */
    const char *bank;
    char account[20], address[192];
    int nhousing, nvehicle, nbusiness;
    int64_t housing[4], vehicle[4], business_value, deposit; /* fen; deposit -1 none */
    int vehicle_exempt[4];
} household;

static member *add(household *h, const char *relation, int age, int male)
{
    member *m = &h->m[h->n++];
    memset(m, 0, sizeof *m);
    m->relation = relation;
    m->age = age;
    m->male = male;
    return m;
}

static enum family draw_family(gen *g)
{
    int x = (int)below(&g->r, 1000), acc = 0;
    for (size_t k = 0; k < N(family_weights); k++) {
        acc += family_weights[k];
        if (x < acc)
            return (enum family)k;
    }
    return F_ADULT_COUPLE;
}

/* The members of a household of type t, ages and sexes only. */
static void make_members(gen *g, household *h)
{
    int male = per_mille(&g->r, 600), age, kids, i;
    member *head;
    switch (h->type) {
    case F_ELDER_ALONE:
        add(h, "self", draw_age(g, 60, MAX_AGE), per_mille(&g->r, 420));
        break;
    case F_ELDER_COUPLE:
        age = draw_age(g, 62, MAX_AGE);
        add(h, "self", age, 1);
        add(h, "spouse", draw_age(g, 60, age + 3), 0);
        break;
    case F_COUPLE_CHILDREN:
    case F_THREE_GEN:
        head = add(h, "self", draw_age(g, 25, 59), male);
        add(h, "spouse",
            draw_age(g, head->age - 5 < 22 ? 22 : head->age - 5,
                     head->age + 5 > 59 ? 59 : head->age + 5),
            !male);
        kids = 1 + per_mille(&g->r, 500);
        for (i = 0; i < kids; i++)
            add(h, "child", draw_age(g, head->age - 40, head->age - 20 < 17 ? head->age - 20 : 17),
                per_mille(&g->r, 520));
        if (h->type == F_THREE_GEN) {
            int lo = head->age + 22 < 60 ? 60 : head->age + 22;
            int parents = 1 + per_mille(&g->r, 500);
            for (i = 0; i < parents; i++)
                add(h, "parent", draw_age(g, lo, lo + 15), i == 0 ? per_mille(&g->r, 450) : 0);
        }
        break;
    case F_ADULT_ALONE:
        add(h, "self", draw_age(g, 18, 59), per_mille(&g->r, 600));
        break;
    case F_ADULT_COUPLE:
        head = add(h, "self", draw_age(g, 20, 59), 1);
        add(h, "spouse",
            draw_age(g, head->age - 5 < 20 ? 20 : head->age - 5,
                     head->age + 3 > 59 ? 59 : head->age + 3),
            0);
        break;
    case F_LEFT_BEHIND:
        head = add(h, "self", draw_age(g, 60, 80), male);
        if (per_mille(&g->r, 600))
            add(h, "spouse", draw_age(g, 60, 80), !male);
        kids = 1 + per_mille(&g->r, 500);
        for (i = 0; i < kids; i++)
            add(h, "grandchild", draw_age(g, 0, 17), per_mille(&g->r, 520));
        break;
    case F_COUPLE_ADULT_KID:
        head = add(h, "self", draw_age(g, 45, 59), 1);
        add(h, "spouse", draw_age(g, 43, 59), 0);
        kids = 1 + per_mille(&g->r, 500);
        for (i = 0; i < kids; i++)
            add(h, "child", draw_age(g, 18, head->age - 20), per_mille(&g->r, 520));
        break;
    case F_ELDER_ADULT_KID:
        head = add(h, "self", draw_age(g, 62, MAX_AGE), male);
        if (per_mille(&g->r, 500))
            add(h, "spouse", draw_age(g, 60, MAX_AGE), !male);
        add(h, "child", draw_age(g, 18, head->age - 20 > 59 ? 59 : head->age - 20),
            per_mille(&g->r, 520));
        break;
    }
}

/* ---- money ------------------------------------------------------------------------ */

static void yuan(int64_t fen, char out[32])
{
    mz_money_format(fen, out);
}

static void income(gen *g, household *h, const member *m, const char *type, int64_t fen)
{
    char y[32];
    if (fen <= 0)
        return;
    member *w = &h->m[m - h->m];
    if (strcmp(type, "wage") == 0)
        w->wage += fen;
    else if (strcmp(type, "business") == 0)
        w->business += fen;
    else if (strcmp(type, "pension") == 0)
        w->pension += fen;
    else if (strcmp(type, "basic_pension") == 0)
        w->basic += fen;
    yuan(fen, y);
    fprintf(g->f_incomes, "%s,%s,%s,%s,%s\n", h->no, m->id, type, y, g->since);
    g->c.incomes++;
}

static void asset(gen *g, household *h, const char *type, int64_t fen, int exempt)
{
    char y[32];
    if (strcmp(type, "housing") == 0 && h->nhousing < 4)
        h->housing[h->nhousing++] = fen;
    else if (strcmp(type, "vehicle") == 0 && h->nvehicle < 4) {
        h->vehicle_exempt[h->nvehicle] = exempt;
        h->vehicle[h->nvehicle++] = fen;
    } else if (strcmp(type, "business") == 0) {
        h->nbusiness++;
        h->business_value = fen;
    } else if (strcmp(type, "deposit") == 0)
        h->deposit = fen;
    yuan(fen, y);
    fprintf(g->f_assets, "%s,%s,%s,%d,%s\n", h->no, type, y, exempt, g->since);
    g->c.assets++;
}

/* Is m someone whose work income could count: an adult of working age able to work. */
static int can_work(const member *m)
{
    return m->age >= 18 && m->age < 60 && strcmp(m->labour, "none") != 0 && !m->in_school;
}

/* Exempt incomes everyone of the kind gets: elders' basic pension in villages, etc. */
static void exempt_incomes(gen *g, household *h)
{
    for (int i = 0; i < h->n; i++) {
        const member *m = &h->m[i];
        if (m->age >= 60)
            income(g, h, m, "basic_pension", between(&g->r, 18000, 30000));
        if (m->age >= 80)
            income(g, h, m, "elderly_allowance", 5000);
    }
}

/*
 * A household with counted monthly income total, spread over those who can
 * work (wages), else as maintenance paid to the head; exempt incomes beside.
 */
static void counted_income(gen *g, household *h, int64_t total)
{
    int workers[MAX_MEMBERS], nw = 0;
    for (int i = 0; i < h->n; i++)
        if (can_work(&h->m[i]))
            workers[nw++] = i;
    if (nw == 0) {
        income(g, h, &h->m[0], "maintenance", total);
    } else {
        int64_t each = total / nw, rest = total - each * nw;
        for (int i = 0; i < nw; i++)
            income(g, h, &h->m[workers[i]], "wage", each + (i == 0 ? rest : 0));
    }
    exempt_incomes(g, h);
}

static void ordinary_economy(gen *g, household *h)
{
    int urban = h->v->urban;
    for (int i = 0; i < h->n; i++) {
        const member *m = &h->m[i];
        if (can_work(m) && per_mille(&g->r, 850)) {
            int64_t lo = urban ? 300000 : 200000, hi = urban ? 900000 : 600000;
            if (strcmp(m->labour, "partial") == 0)
                lo /= 2, hi /= 3;
            if (per_mille(&g->r, 150))
                income(g, h, m, "business", between(&g->r, lo, hi * 2));
            else
                income(g, h, m, "wage", between(&g->r, lo, hi));
        } else if (m->age >= 60 && urban && per_mille(&g->r, 500)) {
            income(g, h, m, "pension", between(&g->r, 250000, 450000));
        }
    }
    exempt_incomes(g, h);
    if (per_mille(&g->r, 700))
        asset(g, h, "deposit", between(&g->r, 500000, 30000000), 0);
    if (per_mille(&g->r, 120))
        asset(g, h, "securities", between(&g->r, 1000000, 20000000), 0);
    if (per_mille(&g->r, 350))
        asset(g, h, "vehicle", between(&g->r, 3000000, 30000000), 0);
    asset(g, h, "housing", between(&g->r, 15000000, 150000000), 0);
    if (per_mille(&g->r, 150))
        asset(g, h, "housing", between(&g->r, 15000000, 150000000), 0);
    if (per_mille(&g->r, 50))
        asset(g, h, "business", between(&g->r, 2000000, 50000000), 0);
}

/* Assets that pass the tests: small deposits, at most one home, a disability vehicle. */
static void modest_assets(gen *g, household *h)
{
    int64_t limit = 24 * g->o->standard_fen * h->n;
    if (per_mille(&g->r, 600))
        asset(g, h, "deposit", between(&g->r, 10000, limit / 2), 0);
    if (per_mille(&g->r, 800))
        asset(g, h, "housing", between(&g->r, 3000000, 20000000), 0);
    for (int i = 0; i < h->n; i++)
        if (h->m[i].disability && h->m[i].grade <= 2 &&
            strcmp(h->m[i].disability, "physical") == 0 && per_mille(&g->r, 100)) {
            asset(g, h, "vehicle", between(&g->r, 500000, 2000000), 1);
            break;
        }
}

static void enrollment(gen *g, const household *h, const member *m, const char *program,
                       const char *category, int counted, int64_t pci, const char *care,
                       int64_t amount)
{
    char a[32], p[32] = "";
    int y = g->asof_y, mo = g->asof_m - 1 - (int)below(&g->r, 36);
    while (mo < 1)
        mo += 12, y--;
    yuan(amount, a);
    if (pci >= 0)
        yuan(pci, p);
    fprintf(g->f_enrollments, "%s,%s,%s,%s,%d,%s,%s,%s,%04d-%02d\n", h->no, m->id, program,
            category, counted, p, care, a, y, mo);
}

static const char *care_level(int unable)
{
    return unable == 0 ? "self" : unable <= 3 ? "half" : "full";
}

/* 特困 candidates: an elder alone, or an adult alone unable to work because disabled. */
static int tekun_candidate(const household *h)
{
    const member *m = &h->m[0];
    return h->n == 1 && strcmp(m->labour, "none") == 0 &&
           (m->age >= 60 || (m->disability && m->grade <= 2));
}

static int vulnerable(const household *h)
{
    for (int i = 0; i < h->n; i++)
        if (h->m[i].illness || (h->m[i].disability && h->m[i].grade <= 2) || h->m[i].age >= 70)
            return 1;
    return 0;
}

static void economy(gen *g, household *h, int64_t made)
{
    int64_t s = g->o->standard_fen, n = h->n;
    /* Running quotas, per mille of the persons made so far. */
    int want_tekun = g->c.tekun_persons * 1000 < 4 * made;
    int want_dibao = g->c.dibao_persons * 1000 < 30 * made;
    int want_edge = g->c.edge_persons * 1000 < 40 * made;
    int bias = (h->v->urban ? 0 : 150) + (vulnerable(h) ? 250 : 0);
    if (want_tekun && tekun_candidate(h) && per_mille(&g->r, 400)) {
        const member *m = &h->m[0];
        int64_t care = m->self_care_unable == 0 ? 0 : m->self_care_unable <= 3 ? 30000 : 60000;
        counted_income(g, h, between(&g->r, 0, s / 3));
        modest_assets(g, h);
        enrollment(g, h, m, "tekun", "tekun", 1, -1, care_level(m->self_care_unable),
                   s * 13000 / 10000 + care);
        h->program = "tekun";
        g->c.tekun_persons++;
        return;
    }
    if (want_dibao && per_mille(&g->r, 80 + bias)) {
        int64_t pci = s * between(&g->r, 20, 95) / 100;
        if (pci >= s)
            pci = s - 1;
        counted_income(g, h, pci * n + (int64_t)below(&g->r, (uint64_t)n));
        modest_assets(g, h);
        enrollment(g, h, &h->m[0], "dibao", "dibao", (int)n, pci, "", (s - pci) * n);
        h->program = "dibao";
        g->c.dibao_households++;
        g->c.dibao_persons += n;
        return;
    }
    if (want_edge && per_mille(&g->r, 80 + bias)) {
        int64_t pci = s + s * between(&g->r, 0, 49) / 100;
        counted_income(g, h, pci * n + (int64_t)below(&g->r, (uint64_t)n));
        modest_assets(g, h);
        enrollment(g, h, &h->m[0], "edge", "edge", (int)n, pci, "", 0);
        h->program = "edge";
        g->c.edge_households++;
        g->c.edge_persons += n;
        return;
    }
    ordinary_economy(g, h);
}

static void bank_account(rng *r, const struct bank *b, char out[20])
{
    int sum = 0;
    memcpy(out, b->bin, 6);
    for (int i = 6; i < 18; i++)
        out[i] = (char)('0' + below(r, 10));
    for (int i = 17, dbl = 1; i >= 0; i--, dbl = !dbl) {
        int v = out[i] - '0';
        if (dbl && (v *= 2) > 9)
            v -= 9;
        sum += v;
    }
    out[18] = (char)('0' + (10 - sum % 10) % 10);
    out[19] = '\0';
}

static void write_household(gen *g, household *h)
{
    const struct bank *b = &banks[below(&g->r, N(banks))];
    char *account = h->account, *address = h->address;
    int no = ++h->v->households;
    h->bank = b->name;
    h->deposit = -1;
    bank_account(&g->r, b, account);
    if (h->v->urban)
        snprintf(address, sizeof h->address, "%s%s%d幢%d室", h->v->township_name, h->v->name,
                 1 + no / 60, 101 + no % 60);
    else
        snprintf(address, sizeof h->address, "%s%s%d组%d号", h->v->township_name, h->v->name,
                 1 + no / 40, 1 + no % 40);
    fprintf(g->f_households, "%s,%s,%s,%s,%s,%s\n", h->no, h->v->code,
            h->v->urban ? "urban" : "rural", address, b->name, account);
    for (int i = 0; i < h->n; i++) {
        const member *m = &h->m[i];
        char grade[2] = {m->disability ? (char)('0' + m->grade) : '\0', '\0'};
        fprintf(g->f_persons, "%s,%s,%s,%.4s-%.2s-%.2s,%s,%s,%.4s-%.2s-%.2s,%s,%s,%s,%d,%d,%d\n",
                m->id, m->name, m->male ? "M" : "F", m->id + 6, m->id + 10, m->id + 12, h->no,
                m->relation, m->id + 6, m->id + 10, m->id + 12, m->disability ? m->disability : "",
                grade, m->labour, m->illness, m->self_care_unable, m->in_school);
        if (m->age >= 80)
            g->c.aged80++;
        if (m->age >= 60)
            g->c.aged60++;
        if (m->age < 18)
            g->c.under18++;
    }
}

/* ---- department data -------------------------------------------------------------- */

/*
 * The departments' records about the households just written, into
 * evidence/<kind>.csv in each source's template (core/evidence_sources.c).
 * Monthly records (pensions, contributions, benefits, tax) are for the month
 * before as_of; events (deaths, hospital stays) fall in the year before it.
 * All draws come from g->e.  docs/templates/synthetic.md lists the rates.
 */

const char *const mz_gen_ev_sources[MZ_GEN_EV_N] = {
    "death",   "pension",  "social_insurance", "unemployment", "medical", "property",
    "vehicle", "business", "housing_fund",     "tax",          "deposit", "disability"};
enum {
    EV_DEATH,
    EV_PENSION,
    EV_SOCIAL,
    EV_UNEMPLOYMENT,
    EV_MEDICAL,
    EV_PROPERTY,
    EV_VEHICLE,
    EV_BUSINESS,
    EV_FUND,
    EV_TAX,
    EV_DEPOSIT,
    EV_DISABILITY
};

/* Planted discrepancies, per mille of the households (persons) each can concern. */
#define PLANT_VEHICLE 40    /* 低保 households: a car the registry does not know */
#define PLANT_PROPERTY 30   /* 低保 and 边缘 households: a second, undeclared home */
#define PLANT_BUSINESS 20   /* 低保 households: a running 个体工商户 */
#define PLANT_EMPLOYMENT 30 /* 低保 households with a member able to work: insured employment */
#define PLANT_PENSION 50    /* 低保 households with a member aged 60+: an undeclared pension */
#define PLANT_DEPOSIT 30    /* 低保 households: a large deposit at another bank */
#define PLANT_DISABILITY 2  /* persons without disability: a new grade 1–2 certificate */
#define PLANT_MEDICAL 5     /* households without enrollment: a very costly hospital stay */

/* A running quota: exactly ceil(eligible × per_mille / 1000) of the eligible are taken. */
static int quota(int64_t *planted, int64_t *eligible, int per_mille)
{
    (*eligible)++;
    if (*planted * 1000 < (int64_t)per_mille * *eligible) {
        (*planted)++;
        return 1;
    }
    return 0;
}

static void ev_row(gen *g, int k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void ev_row(gen *g, int k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(g->f_ev[k], fmt, ap);
    va_end(ap);
    fputc('\n', g->f_ev[k]);
    g->c.ev[k]++;
    g->c.ev_total++;
}

static const char *const firm_a[] = {"华达", "恒远", "金鼎", "苏宿", "洋河", "骆马湖",
                                     "运河", "楚风", "宏图", "嘉禾", "鼎盛", "新源"};
static const char *const firm_b[] = {"物流", "纺织", "电子", "食品", "建材", "商贸",
                                     "机械", "酒业", "家具", "服饰", "农业", "科技"};
static const char *const shop_kinds[] = {"便利店",     "五金店", "餐馆",   "理发店",  "水果店",
                                         "建材经营部", "农资店", "服装店", "电动车行"};
/* Parallel to county_shares: each county's own hospital. */
static const char *const county_hospitals[] = {"宿城区人民医院", "宿豫区人民医院",
                                               "沭阳县人民医院", "泗阳县人民医院",
                                               "泗洪县人民医院", "宿迁市钟吾医院"};
static const char *const city_hospitals[] = {"宿迁市第一人民医院", "宿迁市中医院",
                                             "南京鼓楼医院集团宿迁医院"};

static void employer(gen *g, char out[64])
{
    snprintf(out, 64, "宿迁市%s%s有限公司", firm_a[below(&g->e, N(firm_a))],
             firm_b[below(&g->e, N(firm_b))]);
}

static void day_text(int day, char out[11])
{
    mz_date_format(day, out);
}

/* A day in the year before as_of, at least margin days before it. */
static int past_day(gen *g, int margin)
{
    return g->o->as_of - margin - (int)below(&g->e, (uint64_t)(365 - margin));
}

/* Money as the templates write it: yuan with two decimals. */
#define Y(fen, buf) (yuan((fen), (buf)), (buf))

static const char *hospital(gen *g, const household *h)
{
    if (per_mille(&g->e, 400))
        return city_hospitals[below(&g->e, N(city_hospitals))];
    return county_hospitals[county_of(g, h->v) - g->counties];
}

/* A plate of 宿迁 (苏N) with five characters, distinct for the first 34⁵ vehicles. */
static void plate(gen *g, char out[16])
{
    static const char cs[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    uint64_t x = ((uint64_t)g->seq_plate++ * 1000003u + 777u) % 45435424u; /* 34⁵ */
    char body[6];
    for (int i = 4; i >= 0; i--, x /= 34)
        body[i] = cs[x % 34];
    body[5] = '\0';
    snprintf(out, 16, "苏N%s", body);
}

/* A 统一社会信用代码 (GB 32100, check character included), distinct per registration. */
static void credit_code(gen *g, const household *h, int company, char out[19])
{
    static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    uint64_t x = ((uint64_t)g->seq_credit++ * 1000003u + 4242u) % 1000000000u;
    snprintf(out, 19, "9%c%.6s%09llu", company ? '1' : '2', h->v->code, (unsigned long long)x);
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (int)(strchr(cs, out[i]) - cs) * w[i];
    out[17] = cs[(31 - sum % 31) % 31];
    out[18] = '\0';
}

/* The day a person born as the ID says reaches age years (the 1st of that month). */
static void birthday_month(const member *m, int years, char out[11])
{
    int y =
        (m->id[6] - '0') * 1000 + (m->id[7] - '0') * 100 + (m->id[8] - '0') * 10 + (m->id[9] - '0');
    int day;
    mz_date_from_ymd(y + years, (m->id[10] - '0') * 10 + (m->id[11] - '0'), 1, &day);
    mz_date_format(day, out);
}

static const char *disability_zh(const char *kind)
{
    static const char *const en[] = {"physical", "visual",       "hearing", "speech",
                                     "mental",   "intellectual", "multiple"};
    static const char *const zh[] = {"肢体", "视力", "听力", "言语", "精神", "智力", "多重"};
    for (size_t i = 0; i < N(en); i++)
        if (strcmp(kind, en[i]) == 0)
            return zh[i];
    return "多重";
}

static void certificate(gen *g, const member *m, const char *kind, int grade, int issued)
{
    static const char *const zh[] = {"视力", "听力", "言语", "肢体", "智力", "精神", "多重"};
    int digit = 7;
    for (size_t i = 0; i < N(zh); i++)
        if (strcmp(kind, zh[i]) == 0)
            digit = (int)i + 1;
    char on[11], until[11];
    day_text(issued, on);
    int y, mo, d, end;
    mz_date_to_ymd(issued, &y, &mo, &d);
    if (mz_date_from_ymd(y + 10, mo, d, &end) < 0)
        mz_date_from_ymd(y + 10, mo, 28, &end);
    day_text(end - 1, until);
    ev_row(g, EV_DISABILITY, "%s,%s,%s%d%d,%s,%d,%s,%s", m->id, m->name, m->id, digit, grade, kind,
           grade, on, until);
}

static void contribution(gen *g, const member *m, int64_t base, const char *firm)
{
    char b[32], a[32];
    ev_row(g, EV_SOCIAL, "%s,%s,养老,%s,%s,%s,%s", m->id, m->name, g->month_s, Y(base, b),
           Y(base * 24 / 100, a), firm);
    ev_row(g, EV_SOCIAL, "%s,%s,医疗,%s,%s,%s,%s", m->id, m->name, g->month_s, Y(base, b),
           Y(base * 10 / 100, a), firm);
}

static void wage_tax(gen *g, const member *m, int64_t wage, const char *payer)
{
    char a[32], t[32];
    ev_row(g, EV_TAX, "%s,%s,%s,工资薪金,%s,%s,%s", m->id, m->name, g->month_s, Y(wage, a),
           Y(wage > 500000 ? (wage - 500000) * 3 / 100 : 0, t), payer);
}

static void stay(gen *g, const household *h, const member *m, int64_t total, int64_t own)
{
    char in[11], out[11], a[32], b[32];
    int day = past_day(g, 30);
    day_text(day, in);
    day_text(day + (int)between(&g->e, 3, 20), out);
    ev_row(g, EV_MEDICAL, "%s,%s,住院,%s,%s,%s,%s,%s", m->id, m->name, in, out, Y(total, a),
           Y(own, b), hospital(g, h));
}

static void home(gen *g, const household *h, int64_t area, const char *where, int cancelled)
{
    char on[11], off[11] = "";
    int day = g->o->as_of - 30 - (int)below(&g->e, 20 * 365), y, mo, d;
    day_text(day, on);
    mz_date_to_ymd(day, &y, &mo, &d);
    if (cancelled)
        day_text(past_day(g, 1), off);
    ev_row(g, EV_PROPERTY, "%s,%s,苏(%04d)宿迁市不动产权第%07lld号,住宅,%lld.%02lld,%s,%s,%s",
           h->m[0].id, h->m[0].name, y, (long long)++g->seq_property, (long long)(area / 100),
           (long long)(area % 100), where, on, off);
}

static void car(gen *g, const member *m, const char *kind, int64_t value)
{
    char p[16], on[11], v[32];
    plate(g, p);
    day_text(g->o->as_of - 30 - (int)below(&g->e, 10 * 365), on);
    ev_row(g, EV_VEHICLE, "%s,%s,%s,%s,%s,%s,", m->id, m->name, p, kind, on, Y(value, v));
}

static void registration(gen *g, const household *h, const member *m, int company, int64_t capital)
{
    char code[19], on[11], c[32];
    credit_code(g, h, company, code);
    day_text(g->o->as_of - 60 - (int)below(&g->e, 12 * 365), on);
    if (company)
        ev_row(g, EV_BUSINESS, "%s,%s,%s,宿迁市%s%s有限公司,有限责任公司,%s,%s,", m->id, m->name,
               code, firm_a[below(&g->e, N(firm_a))], firm_b[below(&g->e, N(firm_b))],
               Y(capital, c), on);
    else
        ev_row(g, EV_BUSINESS, "%s,%s,%s,%s%s%s,个体工商户,%s,%s,", m->id, m->name, code,
               h->v->township_name, m->name, shop_kinds[below(&g->e, N(shop_kinds))], Y(capital, c),
               on);
}

static void deposit(gen *g, const household *h, const char *bank, const char *account,
                    int64_t balance)
{
    char on[11], b[32];
    day_text(g->o->as_of - 1, on);
    ev_row(g, EV_DEPOSIT, "%s,%s,%s宿迁分行,%s,%s,%s", h->m[0].id, h->m[0].name, bank, account,
           Y(balance, b), on);
}

/* The first member who did not die for whom ok() holds, from member `from` on, round; or NULL. */
static const member *first_member(const household *h, const int *dead, int from,
                                  int (*ok)(const member *))
{
    for (int k = 0; k < h->n; k++) {
        int i = (from + k) % h->n;
        if (!dead[i] && ok(&h->m[i]))
            return &h->m[i];
    }
    return NULL;
}

static int anyone(const member *m)
{
    (void)m;
    return 1;
}

static int is_elder(const member *m)
{
    return m->age >= 60 && m->pension == 0;
}

static void evidence(gen *g, household *h)
{
    rng *r = &g->e;
    int dibao = h->program && strcmp(h->program, "dibao") == 0;
    int low = dibao || (h->program && strcmp(h->program, "edge") == 0);
    int dead[MAX_MEMBERS];  /* died in the year before as_of */
    int alive[MAX_MEMBERS]; /* still alive on the first day of the month of the records */
    int month_start = mz_month_first_day(g->month);
    char a[32], b[32], on[11], off[11], firm[64];

    /* Deaths: by age, about 0.7 % of the population in a year. */
    for (int i = 0; i < h->n; i++) {
        const member *m = &h->m[i];
        int p = m->age < 60 ? 2 : m->age < 80 ? 15 : 60;
        alive[i] = 1;
        dead[i] = 0;
        if (!per_mille(r, p))
            continue;
        int day = past_day(g, 1);
        static const char *const channels[] = {"公安", "公安", "卫健", "殡葬"};
        day_text(day, on);
        ev_row(g, EV_DEATH, "%s,%s,%s,%s,D%.6s%.4s%06lld,%s", m->id, m->name, on,
               channels[below(r, N(channels))], m->id, on, (long long)++g->seq_death,
               per_mille(r, 600) ? hospital(g, h) : "家中");
        g->c.deaths++;
        if (h->program)
            g->c.deaths_enrolled++;
        dead[i] = 1;
        alive[i] = day >= month_start;
    }

    /* Pensions, contributions, wages' tax, housing fund, unemployment benefit. */
    for (int i = 0; i < h->n; i++) {
        const member *m = &h->m[i];
        if (!alive[i])
            continue;
        if (m->basic > 0) {
            birthday_month(m, 60, on);
            ev_row(g, EV_PENSION, "%s,%s,城乡居民,%s,%s,%s", m->id, m->name, g->month_s,
                   Y(m->basic, a), on);
        }
        if (m->pension > 0) {
            birthday_month(m, 60, on);
            ev_row(g, EV_PENSION, "%s,%s,%s,%s,%s,%s", m->id, m->name,
                   per_mille(r, 150) ? "机关事业" : "企业职工", g->month_s, Y(m->pension, a), on);
        }
        if (h->program)
            continue; /* the declared wages of the poor are informal work, uninsured */
        if (m->wage > 0 && per_mille(r, h->v->urban ? 700 : 400)) {
            int64_t base = m->wage < 450000 ? 450000 : m->wage > 2400000 ? 2400000 : m->wage;
            employer(g, firm);
            contribution(g, m, base, firm);
            wage_tax(g, m, m->wage, firm);
            if (h->v->urban && per_mille(r, 500))
                ev_row(g, EV_FUND, "%s,%s,%s,%s,%s,%s", m->id, m->name, g->month_s,
                       Y(base * 24 / 100, a), Y(base * 24 / 100 * between(r, 6, 120), b), firm);
        }
        if (m->business > 0) {
            ev_row(g, EV_TAX, "%s,%s,%s,经营所得,%s,%s,", m->id, m->name, g->month_s,
                   Y(m->business, a), Y(m->business / 100, b));
            registration(g, h, m, per_mille(r, 100), between(r, 1000000, 50000000));
        }
        if (can_work(m) && m->wage == 0 && m->business == 0 && per_mille(r, 200)) {
            int start = past_day(g, 31);
            day_text(start, on);
            day_text(start + 364, off);
            ev_row(g, EV_UNEMPLOYMENT, "%s,%s,%s,1880.00,%s,%s", m->id, m->name, g->month_s, on,
                   off);
        }
    }
    if (!h->program && h->nbusiness > 0)
        registration(g, h, &h->m[0], 1, h->business_value);

    /* Hospital stays and chronic outpatient care in the year before as_of, of the living. */
    for (int i = 0; i < h->n; i++) {
        const member *m = &h->m[i];
        if (dead[i])
            continue;
        int p = m->age < 18 ? 60 : m->age < 60 ? 100 : m->age < 80 ? 250 : 400;
        if (per_mille(r, p + (m->illness ? 300 : 0))) {
            int64_t total = between(r, 300000, m->illness ? 8000000 : 4000000);
            stay(g, h, m, total, total * between(r, 20, 45) / 100);
        }
        if (m->illness) {
            int64_t total = between(r, 100000, 600000);
            day_text(past_day(g, 1), on);
            ev_row(g, EV_MEDICAL, "%s,%s,门诊慢特病,%s,,%s,%s,%s", m->id, m->name, on, Y(total, a),
                   Y(total * between(r, 20, 40) / 100, b), hospital(g, h));
        }
    }
    const member *patient = first_member(h, dead, (int)below(r, (uint64_t)h->n), anyone);
    if (!h->program && patient && quota(&g->c.planted_medical, &g->elig_medical, PLANT_MEDICAL)) {
        int64_t total = between(r, 20000000, 60000000);
        stay(g, h, patient, total, between(r, 4000000, 15000000));
    }

    /* Property: each declared home, the first at the household's address; a few sold ones. */
    for (int k = 0; k < h->nhousing; k++) {
        char where[192];
        int64_t area = h->housing[k] < 25000000 ? between(r, 3500, 9000) : between(r, 5000, 14000);
        if (k == 0)
            snprintf(where, sizeof where, "%s", h->address);
        else
            snprintf(where, sizeof where, "%s新城花园%d幢%d室", h->v->township_name,
                     (int)between(r, 1, 30), (int)between(r, 101, 2802));
        home(g, h, area, where, 0);
    }
    if (per_mille(r, 20)) {
        char where[192];
        snprintf(where, sizeof where, "%s老街%d号", h->v->township_name, (int)between(r, 1, 300));
        home(g, h, between(r, 5000, 12000), where, 1);
    }
    if (low && quota(&g->c.planted_property, &g->elig_property, PLANT_PROPERTY)) {
        char where[192];
        snprintf(where, sizeof where, "宿城区%s小区%d幢%d室", firm_a[below(r, N(firm_a))],
                 (int)between(r, 1, 30), (int)between(r, 101, 2802));
        home(g, h, between(r, 6000, 12000), where, 0);
    }

    /* Vehicles: each declared one (a disability vehicle is the disabled member's, 其他). */
    for (int k = 0; k < h->nvehicle; k++) {
        const member *owner = &h->m[0];
        if (h->vehicle_exempt[k]) {
            for (int i = 0; i < h->n; i++)
                if (h->m[i].disability && h->m[i].grade <= 2 &&
                    strcmp(h->m[i].disability, "physical") == 0) {
                    owner = &h->m[i];
                    break;
                }
            car(g, owner, "其他", h->vehicle[k]);
        } else {
            for (int i = 0; i < h->n; i++)
                if (h->m[i].age >= 18 && h->m[i].age < 70) {
                    owner = &h->m[i];
                    break;
                }
            car(g, owner, per_mille(r, 900) ? "小型汽车" : "低速汽车", h->vehicle[k]);
        }
    }

    /* Deposits: the declared balance at the household's bank. */
    if (h->deposit >= 0)
        deposit(g, h, h->bank, h->account, h->deposit);

    /* Disability certificates: everyone disabled in the registry. */
    for (int i = 0; i < h->n; i++) {
        const member *m = &h->m[i];
        if (m->disability) {
            certificate(g, m, disability_zh(m->disability), m->grade,
                        g->o->as_of - 30 - (int)below(r, 9 * 365));
        } else if (!dead[i] &&
                   quota(&g->c.planted_disability, &g->elig_disability, PLANT_DISABILITY)) {
            static const char *const severe[] = {"肢体", "精神", "智力", "视力", "多重"};
            certificate(g, m, severe[below(r, N(severe))], (int)between(r, 1, 2), past_day(g, 1));
        }
    }

    /* The discrepancies planted in 低保 households. */
    if (!dibao)
        return;
    if (quota(&g->c.planted_vehicle, &g->elig_vehicle, PLANT_VEHICLE)) {
        const member *owner = &h->m[0];
        car(g, owner, "小型汽车", between(r, 5000000, 15000000));
    }
    if (quota(&g->c.planted_business, &g->elig_business, PLANT_BUSINESS))
        registration(g, h, &h->m[0], 0, between(r, 1000000, 5000000));
    if (quota(&g->c.planted_deposit, &g->elig_deposit, PLANT_DEPOSIT)) {
        const struct bank *other = &banks[below(r, N(banks))];
        char acct[20];
        if (strcmp(other->name, h->bank) == 0)
            other = &banks[(other - banks + 1) % (long)N(banks)];
        bank_account(r, other, acct);
        deposit(g, h, other->name, acct, between(r, 5000000, 20000000));
    }
    const member *worker = first_member(h, dead, 0, can_work);
    if (worker && quota(&g->c.planted_employment, &g->elig_employment, PLANT_EMPLOYMENT)) {
        int64_t base = between(r, 450000, 800000);
        employer(g, firm);
        contribution(g, worker, base, firm);
        wage_tax(g, worker, base, firm);
    }
    const member *elder = first_member(h, dead, 0, is_elder);
    if (elder && quota(&g->c.planted_pension, &g->elig_pension, PLANT_PENSION)) {
        birthday_month(elder, 60, on);
        ev_row(g, EV_PENSION, "%s,%s,企业职工,%s,%s,%s", elder->id, elder->name, g->month_s,
               Y(between(r, 150000, 350000), a), on);
    }
}

/* ---- the run ---------------------------------------------------------------------- */

static FILE *open_out(const char *dir, const char *name, const char *header, mz_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        mz_error_set(err, 500, "internal", "out", "无法写入 %s: %s", path, strerror(errno));
        return NULL;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    fputs(header, f);
    return f;
}

static int close_out(FILE **f, int ok)
{
    if (*f == NULL)
        return ok;
    if (ferror(*f))
        ok = 0;
    if (fclose(*f) != 0)
        ok = 0;
    *f = NULL;
    return ok;
}

/* OUT/evidence/<kind>.csv, each with its template's header row. */
static int open_evidence(gen *g, mz_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/evidence", g->o->out_dir);
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return mz_error_set(err, 500, "internal", "out", "无法建立目录 %s: %s", dir,
                            strerror(errno));
    for (int k = 0; k < MZ_GEN_EV_N; k++) {
        const mz_ev_source *s = mz_ev_source_find(mz_gen_ev_sources[k]);
        char name[64], header[1024];
        size_t off = 0;
        for (int c = 0; c < s->ncolumns; c++)
            off += (size_t)snprintf(header + off, sizeof header - off, "%s%s", c ? "," : "",
                                    s->columns[c].header);
        snprintf(header + off, sizeof header - off, "\n");
        snprintf(name, sizeof name, "%s.csv", s->code);
        if ((g->f_ev[k] = open_out(dir, name, header, err)) == NULL)
            return -1;
    }
    return 0;
}

static int write_manifest(gen *g, mz_error *err)
{
    char path[4096], asof[11], std[32];
    snprintf(path, sizeof path, "%s/manifest.txt", g->o->out_dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return mz_error_set(err, 500, "internal", "out", "无法写入 %s", path);
    mz_date_format(g->o->as_of, asof);
    yuan(g->o->standard_fen, std);
    const mz_gen_counts *c = &g->c;
    fprintf(f,
            "minzheng gen\npersons_requested=%" PRId64 "\nseed=%" PRIu64
            "\nas_of=%s\nstandard_yuan=%s\n"
            "persons=%" PRId64 "\nhouseholds=%" PRId64 "\nincomes=%" PRId64 "\nassets=%" PRId64
            "\ndibao_households=%" PRId64 "\ndibao_persons=%" PRId64 "\ntekun_persons=%" PRId64
            "\nedge_households=%" PRId64 "\nedge_persons=%" PRId64 "\nunder18=%" PRId64
            "\naged60=%" PRId64 "\naged80=%" PRId64 "\n",
            g->o->persons, g->o->seed, asof, std, c->persons, c->households, c->incomes, c->assets,
            c->dibao_households, c->dibao_persons, c->tekun_persons, c->edge_households,
            c->edge_persons, c->under18, c->aged60, c->aged80);
    for (int k = 0; k < MZ_GEN_EV_N; k++)
        fprintf(f, "evidence_%s=%" PRId64 "\n", mz_gen_ev_sources[k], c->ev[k]);
    fprintf(f,
            "evidence_total=%" PRId64 "\ndeaths=%" PRId64 "\ndeaths_enrolled=%" PRId64
            "\nplanted_vehicle=%" PRId64 "\nplanted_property=%" PRId64 "\nplanted_business=%" PRId64
            "\nplanted_employment=%" PRId64 "\nplanted_pension=%" PRId64
            "\nplanted_deposit=%" PRId64 "\nplanted_disability=%" PRId64
            "\nplanted_medical=%" PRId64 "\n",
            c->ev_total, c->deaths, c->deaths_enrolled, c->planted_vehicle, c->planted_property,
            c->planted_business, c->planted_employment, c->planted_pension, c->planted_deposit,
            c->planted_disability, c->planted_medical);
    if (fclose(f) != 0)
        return mz_error_set(err, 500, "internal", "out", "无法写入 %s", path);
    return 0;
}

int mz_gen_city(const mz_gen_options *o, mz_gen_counts *counts, mz_error *err)
{
    if (o->persons < 1 || o->persons > 100000000)
        return mz_error_set(err, 400, "invalid_value", "persons", "人数须在 1 到 1 亿之间");
    if (o->standard_fen < 10000 || o->standard_fen > 1000000)
        return mz_error_set(err, 400, "invalid_value", "standard",
                            "低保标准须在 100 元到 10000 元之间");
    if (o->out_dir == NULL || mkdir(o->out_dir, 0755) < 0) {
        if (o->out_dir == NULL || errno != EEXIST)
            return mz_error_set(err, 400, "invalid_value", "out", "无法建立输出目录 %s",
                                o->out_dir ? o->out_dir : "");
    }
    gen g;
    memset(&g, 0, sizeof g);
    g.o = o;
    rng_seed(&g.r, o->seed);
    rng_seed(&g.e, o->seed ^ 0x65766964656e6365ULL); /* "evidence" */
    g.arena = mz_arena_new();
    mz_date_to_ymd(o->as_of, &g.asof_y, &g.asof_m, &g.asof_d);
    int rc = -1, ok = 1;
    if (load_regions(&g, err) < 0)
        goto done;
    build_age_table(&g);
    {
        int since;
        if (mz_date_from_ymd(g.asof_y - 1, g.asof_m, g.asof_d, &since) < 0)
            mz_date_from_ymd(g.asof_y - 1, g.asof_m, 28, &since);
        mz_date_format(since, g.since);
    }
    mz_date_from_ymd(g.asof_y - MAX_AGE - 2, 1, 1, &g.first_birth);
    g.seq_days = o->as_of - g.first_birth + 400;
    g.seq = mz_calloc((size_t)g.seq_days * N(county_shares) * 2, sizeof *g.seq);
    if (!(g.f_households = open_out(o->out_dir, "households.csv",
                                    "户编号,行政区划代码,城乡,住址,开户银行,银行账号\n", err)) ||
        !(g.f_persons =
              open_out(o->out_dir, "persons.csv",
                       "身份证号,姓名,性别,出生日期,户编号,与户主关系,入户日期,残疾类别,残疾等级,"
                       "劳动能力,患重病,不能自理项数,在校\n",
                       err)) ||
        !(g.f_incomes = open_out(o->out_dir, "incomes.csv",
                                 "户编号,身份证号,收入类型,月收入,起始日期\n", err)) ||
        !(g.f_assets =
              open_out(o->out_dir, "assets.csv", "户编号,资产类型,价值,豁免,起始日期\n", err)) ||
        !(g.f_enrollments = open_out(o->out_dir, "enrollments.csv",
                                     "户编号,身份证号,项目,类别,计算人数,人均收入,护理等级,"
                                     "月金额,起始月份\n",
                                     err)))
        goto done;
    g.month = mz_month_of(o->as_of) - 1;
    mz_month_format(g.month, g.month_s);
    if (open_evidence(&g, err) < 0)
        goto done;
    household h;
    int64_t next_progress = 1000000;
    while (g.c.persons < o->persons) {
        memset(&h, 0, sizeof h);
        h.type = draw_family(&g);
        h.v = pick_village(&g);
        make_members(&g, &h);
        if (h.n > o->persons - g.c.persons)
            h.n = (int)(o->persons - g.c.persons); /* the last household is cut to size */
        const county *c = county_of(&g, h.v);
        const char *surname = surnames[below(&g.r, N(surnames))];
        for (int i = 0; i < h.n; i++) {
            member *m = &h.m[i];
            /* Children and grandchildren carry the family name; spouses and parents their own. */
            int family = strcmp(m->relation, "self") == 0 || strcmp(m->relation, "child") == 0 ||
                         strcmp(m->relation, "grandchild") == 0;
            make_name(&g, m, family ? surname : surnames[below(&g.r, N(surnames))]);
            make_id(&g, c, m);
            make_conditions(&g, m);
        }
        snprintf(h.no, sizeof h.no, "H%010" PRId64, g.c.households + 1);
        g.c.households++;
        g.c.persons += h.n;
        write_household(&g, &h);
        economy(&g, &h, g.c.persons);
        evidence(&g, &h);
        if (o->progress && g.c.persons >= next_progress) {
            fprintf(stderr, "\r已生成 %" PRId64 " 人", g.c.persons);
            next_progress += 1000000;
        }
    }
    if (o->progress)
        fputc('\n', stderr);
    rc = 0;
done:
    ok = close_out(&g.f_households, ok);
    ok = close_out(&g.f_persons, ok);
    ok = close_out(&g.f_incomes, ok);
    ok = close_out(&g.f_assets, ok);
    ok = close_out(&g.f_enrollments, ok);
    for (int k = 0; k < MZ_GEN_EV_N; k++)
        ok = close_out(&g.f_ev[k], ok);
    if (rc == 0 && !ok)
        rc = mz_error_set(err, 500, "internal", "out", "写入 %s 失败", o->out_dir);
    if (rc == 0)
        rc = write_manifest(&g, err);
    if (rc == 0 && counts)
        *counts = g.c;
    for (size_t k = 0; k < N(county_shares); k++)
        mz_free(g.counties[k].cumul);
    mz_free(g.seq);
    mz_free(g.villages);
    mz_arena_free(g.arena);
    return rc;
}

int mz_cmd_gen(const char *data_dir, int argc, char **argv)
{
    mz_gen_options o;
    mz_error err;
    char regions[4096];
    memset(&o, 0, sizeof o);
    snprintf(regions, sizeof regions, "%s/regions/321300.csv", data_dir);
    o.regions = regions;
    o.standard_fen = 61000;
    o.progress = 1;
    mz_date_from_ymd(2026, 1, 1, &o.as_of);
    int have_persons = 0;
    for (int i = 0; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        int64_t n;
        if (strcmp(k, "--persons") == 0 && mz_strtoi64(v, 1, 100000000, &n) == 0) {
            o.persons = n;
            have_persons = 1;
        } else if (strcmp(k, "--seed") == 0 && mz_strtoi64(v, 0, INT64_MAX, &n) == 0) {
            o.seed = (uint64_t)n;
        } else if (strcmp(k, "--out") == 0) {
            o.out_dir = v;
        } else if (strcmp(k, "--as-of") == 0 && mz_date_parse(v, &o.as_of) == 0) {
        } else if (strcmp(k, "--standard") == 0 && mz_money_parse(v, &o.standard_fen) == 0) {
        } else if (strcmp(k, "--regions") == 0) {
            o.regions = v;
        } else {
            fprintf(stderr, "minzheng gen: 参数 %s %s 无效\n", k, v);
            return 2;
        }
    }
    if (argc % 2 != 0 || !have_persons || o.out_dir == NULL) {
        fputs("用法: minzheng gen --persons N --seed S --out DIR [--as-of YYYY-MM-DD] "
              "[--standard 元] [--regions FILE]\n",
              stderr);
        return 2;
    }
    mz_gen_counts c;
    if (mz_gen_city(&o, &c, &err) < 0) {
        fprintf(stderr, "minzheng gen: %s\n", err.message);
        return 1;
    }
    printf("已生成 %" PRId64 " 人、%" PRId64 " 户（低保 %" PRId64 " 户 %" PRId64
           " 人，特困 %" PRId64 " 人，边缘 %" PRId64 " 户）及部门数据 %" PRId64 " 条于 %s\n",
           c.persons, c.households, c.dibao_households, c.dibao_persons, c.tekun_persons,
           c.edge_households, c.ev_total, o.out_dir);
    return 0;
}
