/*
 * Enrollment amounts under the policy of a month (see amount.h).
 */
#include "systems/assistance/amount.h"

#include "base/mem.h"

#include <string.h>

#include <stdio.h>

#include "base/money.h"
#include "systems/assistance/params.h"

static int overflow(mz_error *err)
{
    return mz_error_set(err, 400, "invalid_value", "enrollment",
                        "保障金额计算超出范围，请核对该保障对象的核定依据");
}

int mz_assist_basis_amount(const mz_payroll_basis *b, const mz_assist_params *p, int64_t *amount,
                           mz_error *err)
{
    int64_t s = p->dibao_standard.num, a;
    int category = mz_assist_enum_parse(MZ_ASSIST_E_CATEGORY, b->category);
    if (category == MZ_ASSIST_CAT_DIBAO) {
        if (b->counted_members < 1 || b->per_capita_income_fen < 0)
            return 0;
        if (s <= b->per_capita_income_fen) {
            *amount = 0;
            return 1;
        }
        if (mz_money_mul(s - b->per_capita_income_fen, b->counted_members, &a) != 0)
            return overflow(err);
        *amount = mz_assist_round(p->rounding_rule, a);
        return 1;
    }
    if (category == MZ_ASSIST_CAT_TEKUN) {
        int level = mz_assist_enum_parse(MZ_ASSIST_E_CARE, b->care_level);
        if (level < 0)
            return 0;
        int64_t care = level == MZ_ASSIST_CARE_SELF   ? p->tekun_care_self.num
                       : level == MZ_ASSIST_CARE_HALF ? p->tekun_care_half.num
                                                      : p->tekun_care_full.num;
        if (mz_money_mul(s, p->tekun_basic_ratio.num, &a) != 0 ||
            mz_money_add(a / 10000, care, amount) != 0)
            return overflow(err);
        return 1;
    }
    return 0;
}

#define CACHE_SLOTS 4096 /* power of two, well above villages × months of one run */

struct slot {
    char key[24]; /* region code (12) + day (10); "" empty */
    mz_assist_params params;
};

struct mz_assist_params_cache {
    struct slot *slots;
    int used;
};

mz_assist_params_cache *mz_assist_params_cache_new(void)
{
    mz_assist_params_cache *c = mz_calloc(1, sizeof *c);
    c->slots = mz_calloc(CACHE_SLOTS, sizeof c->slots[0]);
    return c;
}

void mz_assist_params_cache_free(mz_assist_params_cache *c)
{
    if (c == NULL)
        return;
    mz_free(c->slots);
    mz_free(c);
}

/* The params for region on day, from the cache or loaded into it. */
static int cached_params(mz_assist_params_cache *c, mz_db *db, const char *region, const char *day,
                         const mz_assist_params **out, mz_error *err)
{
    char key[24];
    uint32_t h = 2166136261u;
    snprintf(key, sizeof key, "%.12s%.10s", region, day);
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (uint32_t i = 0; i < CACHE_SLOTS; i++) {
        struct slot *s = &c->slots[(h + i) & (CACHE_SLOTS - 1)];
        if (strcmp(s->key, key) == 0) {
            *out = &s->params;
            return 0;
        }
        if (s->key[0] == '\0') {
            if (c->used >= CACHE_SLOTS / 2)
                break; /* full enough: load without keeping */
            if (mz_assist_params_load(db, region, day, &s->params, err) < 0)
                return -1;
            memcpy(s->key, key, sizeof key);
            c->used++;
            *out = &s->params;
            return 0;
        }
    }
    return 1;
}

int mz_assist_payroll_amount(void *cache, mz_db *db, const mz_payroll_basis *b, const char *month,
                             mz_payroll_amount *out, mz_error *err)
{
    mz_assist_params own;
    const mz_assist_params *p = NULL;
    char day[11];
    int64_t amount;
    snprintf(day, sizeof day, "%.7s-01", month);
    int rc = cache ? cached_params(cache, db, b->region_code, day, &p, err) : 1;
    if (rc < 0)
        return -1;
    if (rc == 1) {
        if (mz_assist_params_load(db, b->region_code, day, &own, err) < 0)
            return -1;
        p = &own;
    }
    rc = mz_assist_basis_amount(b, p, &amount, err);
    if (rc == 1)
        *out = (mz_payroll_amount){.amount_fen = amount,
                                   .standard_fen = p->dibao_standard.num,
                                   .policy_id = p->dibao_standard.id};
    return rc;
}
