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

#define CACHE_SLOTS 4096 /* power of two, well above the distinct keys × months of one run */
#define MAX_PREFIXES 512 /* distinct region prefixes of the policy table kept for the key */

/*
 * Two villages get the same params on a day when the same region prefixes of
 * the policy table apply to both (the params are resolved among exactly
 * those: most specific, then latest), so the cache is keyed by the day and
 * that set of prefixes — a city of 1,440 villages under a policy set for the
 * city and a few counties loads a handful of param sets, not 1,440.
 */
struct slot {
    char key[112]; /* day (10), then "|prefix" for each applicable prefix; "" empty */
    mz_assist_params params;
};

struct mz_assist_params_cache {
    struct slot *slots;
    int used;
    char **prefixes; /* the policy table's distinct region prefixes; NULL until loaded */
    int nprefixes;   /* -1: too many to key by, the key is the village itself */
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
    for (int i = 0; i < c->nprefixes; i++)
        mz_free(c->prefixes[i]);
    mz_free(c->prefixes);
    mz_free(c->slots);
    mz_free(c);
}

static int load_prefixes(mz_assist_params_cache *c, mz_db *db, mz_error *err)
{
    mz_stmt *st = mz_db_prepare(db, "SELECT DISTINCT region_prefix FROM policy_params");
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    c->prefixes = mz_calloc(MAX_PREFIXES, sizeof *c->prefixes);
    int rc;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        const char *p = mz_stmt_text(st, 0);
        if (c->nprefixes == MAX_PREFIXES || strlen(p) > 12) {
            c->nprefixes = -1;
            break;
        }
        c->prefixes[c->nprefixes++] = mz_strdup(p);
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (c->nprefixes < 0)
        for (int i = 0; i < MAX_PREFIXES && c->prefixes[i]; i++) {
            mz_free(c->prefixes[i]);
            c->prefixes[i] = NULL;
        }
    return 0;
}

/* The cache key of region on day (see struct slot); 0, or -1 when it would not fit. */
static int params_key(const mz_assist_params_cache *c, const char *region, const char *day,
                      char key[112])
{
    size_t n = strnlen(day, 10); /* once per line of a payroll: no snprintf */
    memcpy(key, day, n);
    key[n] = '\0';
    if (c->nprefixes < 0)
        return snprintf(key + n, 112 - n, "|%.12s", region) < 0 ? -1 : 0;
    for (int i = 0; i < c->nprefixes; i++) {
        size_t len = strlen(c->prefixes[i]);
        if (strncmp(region, c->prefixes[i], len) != 0)
            continue;
        if (n + len + 2 > 112)
            return -1;
        key[n++] = '|';
        memcpy(key + n, c->prefixes[i], len + 1);
        n += len;
    }
    return 0;
}

/* The params for region on day, from the cache or loaded into it; 1 when not cached. */
static int cached_params(mz_assist_params_cache *c, mz_db *db, const char *region, const char *day,
                         const mz_assist_params **out, mz_error *err)
{
    char key[112];
    uint32_t h = 2166136261u;
    if (c->prefixes == NULL && load_prefixes(c, db, err) < 0)
        return -1;
    if (params_key(c, region, day, key) < 0)
        return 1;
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

int mz_assist_params_cached(mz_assist_params_cache *c, mz_db *db, const char *region,
                            const char *day, mz_assist_params *own, const mz_assist_params **out,
                            mz_error *err)
{
    int rc = cached_params(c, db, region, day, out, err);
    if (rc == 1) {
        if (mz_assist_params_load(db, region, day, own, err) < 0)
            return -1;
        *out = own;
        rc = 0;
    }
    return rc;
}

int mz_assist_payroll_amount(void *cache, mz_db *db, const mz_payroll_basis *b, const char *month,
                             mz_payroll_amount *out, mz_error *err)
{
    mz_assist_params own;
    const mz_assist_params *p = NULL;
    char day[11];
    int64_t amount;
    size_t mlen = strnlen(month, 7);
    memcpy(day, month, mlen);
    memcpy(day + mlen, "-01", 4);
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
