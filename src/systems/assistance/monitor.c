/*
 * 动态监测: the monitoring rules, the alerts and their workflow, the
 * dashboard (see monitor.h for what each rule looks at).
 *
 * Each rule is one set-based query over the registry, the enrollments and
 * the newest department data of the actor's subtree; its rows are collected
 * first and then judged against the policy of their village (a cache keyed by
 * village, filled lazily per parameter), so a county's own threshold applies
 * to its villages.  An alert is inserted with ON CONFLICT on its dedupe key:
 * only a newly inserted alert acts (records a death, opens a case).
 */
#include "systems/assistance/monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/idnum.h"
#include "base/mem.h"
#include "core/audit.h"
#include "core/case.h"
#include "core/enrollment.h"
#include "core/evidence.h"
#include "core/person.h"
#include "core/policy.h"
#include "core/region.h"
#include "systems/assistance/case_types.h"

/* ---- policy of a village, cached ------------------------------------------- */

enum {
    P_DEATH_ON,
    P_ASSETS_ON,
    P_MEDICAL_ON,
    P_DISABILITY_ON,
    P_AGE_ON,
    P_EDGE_ON,
    P_TAPER_ON,
    P_BUSINESS_LIMIT,
    P_MEDICAL_THRESHOLD,
    P_MEDICAL_MONTHS,
    P_DISABILITY_GRADE,
    P_DISABILITY_DAYS,
    P_AGE,
    P_AGE_WINDOW,
    P_TAPER_AHEAD,
    P_VEHICLE_LIMIT,
    P_HOUSING_LIMIT,
    NPARAMS
};

static const struct {
    const char *program, *param;
} params[NPARAMS] = {
    {"monitor", "death_enabled"},        {"monitor", "assets_enabled"},
    {"monitor", "medical_enabled"},      {"monitor", "disability_enabled"},
    {"monitor", "age_enabled"},          {"monitor", "edge_unemployed_enabled"},
    {"monitor", "taper_end_enabled"},    {"monitor", "business_limit"},
    {"monitor", "medical_threshold"},    {"monitor", "medical_months"},
    {"monitor", "disability_max_grade"}, {"monitor", "disability_recent_days"},
    {"monitor", "elderly_age"},          {"monitor", "elderly_window_days"},
    {"monitor", "taper_ahead_months"},   {"dibao", "vehicle_limit"},
    {"dibao", "housing_limit"},
};

typedef struct pentry {
    char region[13];
    uint32_t have;
    int64_t v[NPARAMS];
} pentry;

typedef struct pcache {
    pentry *slots;
    size_t cap, used;
} pcache;

static size_t region_hash(const char *s)
{
    size_t h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static pentry *pcache_slot(pcache *c, const char *region)
{
    if (c->used * 2 >= c->cap) {
        pentry *old = c->slots;
        size_t oldcap = c->cap;
        c->cap = c->cap ? c->cap * 2 : 256;
        c->slots = mz_calloc(c->cap, sizeof *c->slots);
        c->used = 0;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].region[0]) {
                size_t j = region_hash(old[i].region) & (c->cap - 1);
                while (c->slots[j].region[0])
                    j = (j + 1) & (c->cap - 1);
                c->slots[j] = old[i];
                c->used++;
            }
        mz_free(old);
    }
    size_t j = region_hash(region) & (c->cap - 1);
    while (c->slots[j].region[0] && strcmp(c->slots[j].region, region) != 0)
        j = (j + 1) & (c->cap - 1);
    if (!c->slots[j].region[0]) {
        snprintf(c->slots[j].region, sizeof c->slots[j].region, "%s", region);
        c->used++;
    }
    return &c->slots[j];
}

typedef struct ctx {
    mz_db *db;
    const mz_actor *actor; /* the requester */
    mz_actor sys;          /* cli:monitor within the requester's subtree */
    int today;
    char day[11], month[8], like[16];
    pcache cache;
} ctx;

/* The value of parameter p in force for region today. */
static int param(ctx *c, const char *region, int p, int64_t *out, mz_error *err)
{
    pentry *e = pcache_slot(&c->cache, region);
    if (!(e->have & (1u << p))) {
        mz_policy_value v;
        if (mz_policy_get(c->db, params[p].program, params[p].param, region, c->day, &v, err) != 0)
            return -1;
        e->v[p] = v.num;
        e->have |= 1u << p;
    }
    *out = e->v[p];
    return 0;
}

/* ---- the rules ------------------------------------------------------------- */

typedef struct rule_decl {
    const char *code, *name;
    int enabled;       /* the P_*_ON parameter */
    const char *level; /* routed to */
    const char *candidate, *candidate_name;
    int (*run)(ctx *c, const struct rule_decl *r, mz_monitor_result *res, mz_error *err);
} rule_decl;

/* One candidate row of a rule. */
typedef struct cand {
    int64_t person_id, household_id, evidence_id, enrollment_id, n, amount;
    char region[13], as_of[11], day[11], text[64], name[96];
} cand;

typedef struct cands {
    cand *v;
    size_t n, cap;
} cands;

static cand *cands_add(cands *cs)
{
    if (cs->n == cs->cap) {
        cs->cap = cs->cap ? cs->cap * 2 : 64;
        cs->v = mz_realloc(cs->v, cs->cap * sizeof *cs->v);
    }
    cand *x = &cs->v[cs->n++];
    memset(x, 0, sizeof *x);
    return x;
}

static void copy_text(char *dst, size_t len, mz_stmt *st, int col)
{
    const char *s = mz_stmt_text(st, col);
    snprintf(dst, len, "%s", s ? s : "");
}

/*
 * Runs a query and collects its rows.  Columns, by position: person_id,
 * household_id, region, evidence_id, as_of, day, text, n, amount,
 * enrollment_id, name (fewer are fine).
 */
static int collect(ctx *c, mz_stmt *st, cands *cs, mz_error *err)
{
    int rc;
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(c->db));
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        cand *x = cands_add(cs);
        int nc = mz_stmt_column_count(st);
        x->person_id = mz_stmt_int64(st, 0);
        x->household_id = mz_stmt_int64(st, 1);
        copy_text(x->region, sizeof x->region, st, 2);
        if (nc > 3)
            x->evidence_id = mz_stmt_int64(st, 3);
        if (nc > 4)
            copy_text(x->as_of, sizeof x->as_of, st, 4);
        if (nc > 5)
            copy_text(x->day, sizeof x->day, st, 5);
        if (nc > 6)
            copy_text(x->text, sizeof x->text, st, 6);
        if (nc > 7)
            x->n = mz_stmt_int64(st, 7);
        if (nc > 8)
            x->amount = mz_stmt_int64(st, 8);
        if (nc > 9)
            x->enrollment_id = mz_stmt_int64(st, 9);
        if (nc > 10)
            copy_text(x->name, sizeof x->name, st, 10);
    }
    mz_stmt_finalize(st);
    return rc < 0 ? mz_error_internal(err, mz_db_errmsg(c->db)) : 0;
}

/* Whether the rule is switched on for the region. */
static int enabled(ctx *c, const rule_decl *r, const char *region, int *on, mz_error *err)
{
    int64_t v;
    if (param(c, region, r->enabled, &v, err) < 0)
        return -1;
    *on = v != 0;
    return 0;
}

/* Inserts an alert unless its key exists: *id > 0 for a new one, 0 when it existed. */
static int raise_alert(ctx *c, const rule_decl *r, const char *key, const cand *x, json_t *detail,
                       int64_t *id, mz_error *err)
{
    char at[21];
    char *d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(detail);
    mz_time_iso(time(NULL), at);
    *id = 0;
    int rc = mz_db_query_int64(
        c->db, id,
        "INSERT INTO monitor_alerts (rule, dedupe_key, person_id, household_id, region_code, "
        "route_level, candidate, evidence_id, evidence_as_of, detail, state, enrollment_id, "
        "created_at, updated_at) VALUES (?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, NULLIF(?, 0), "
        "NULLIF(?, ''), ?, 'triage', NULLIF(?, 0), ?, ?) ON CONFLICT (dedupe_key) DO NOTHING "
        "RETURNING id",
        "ttiitttittitt", r->code, key, x->person_id, x->household_id, x->region, r->level,
        r->candidate, x->evidence_id, x->as_of, d ? d : "{}", x->enrollment_id, at, at);
    free(d);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(c->db));
    if (rc != MZ_DB_ROW)
        *id = 0;
    return 0;
}

static int link_alert(ctx *c, int64_t alert, int64_t case_id, int64_t enrollment_id, mz_error *err)
{
    if (mz_db_run(c->db, NULL,
                  "UPDATE monitor_alerts SET case_id = COALESCE(NULLIF(?, 0), case_id), "
                  "enrollment_id = COALESCE(NULLIF(?, 0), enrollment_id) WHERE id = ?",
                  "iii", case_id, enrollment_id, alert) < 0)
        return mz_error_internal(err, mz_db_errmsg(c->db));
    return 0;
}

/* The household's open 低保复核, or a new one; *created says which. */
static int ensure_review(ctx *c, int64_t household, const char *payee, const char *reason,
                         int64_t *case_id, int *created, mz_error *err)
{
    *created = 0;
    int rc = mz_db_query_int64(c->db, case_id,
                               "SELECT id FROM cases WHERE case_type = ? AND household_id = ? AND "
                               "closed_at IS NULL ORDER BY id LIMIT 1",
                               "ti", mz_assist_case_dibao_review.code, household);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(c->db));
    if (rc == MZ_DB_ROW)
        return 0;
    json_t *data = json_pack("{s:s}", "reason", reason), *out = NULL;
    mz_case_input in = {.case_type = mz_assist_case_dibao_review.code,
                        .household_id = household,
                        .applicant_name = payee,
                        .channel = "online",
                        .data = data};
    rc = mz_case_create(c->db, mz_assist_case_registry(), &c->sys, &in, c->today, &out, err);
    json_decref(data);
    if (rc != 0)
        return -1;
    *case_id = (int64_t)json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    *created = 1;
    return 0;
}

/* Raises the alert of x and, when new and with a household, opens its 低保复核. */
static int raise_with_review(ctx *c, const rule_decl *r, const char *key, const cand *x,
                             json_t *detail, const char *reason, mz_monitor_result *res,
                             mz_error *err)
{
    int64_t id, case_id = 0;
    int created;
    if (raise_alert(c, r, key, x, detail, &id, err) < 0)
        return -1;
    if (id == 0)
        return 0;
    res->created++;
    if (ensure_review(c, x->household_id, x->name, reason, &case_id, &created, err) < 0)
        return -1;
    res->cases += created;
    return link_alert(c, id, case_id, 0, err);
}

static int rule_death(ctx *c, const rule_decl *r, mz_monitor_result *res, mz_error *err)
{
#define DEATH_FROM                                                                                 \
    "SELECT p.id, e.household_id, e.region_code, r.id, r.as_of, r.date_from, "                     \
    "COALESCE(p.deceased_on, ''), 0, 0, e.id, e.payee_name FROM evidence_records r JOIN persons "  \
    "p ON p.id_number = r.id_number "
#define DEATH_WHERE                                                                                \
    "WHERE r.source = 'death' AND r.date_from <= ? AND r.date_from >= p.birth_date AND "           \
    "e.status <> 'stopped' AND e.region_code LIKE ? "
    cands cs = {0};
    int rc = collect(
        c,
        mz_db_prepare_bind(
            c->db,
            DEATH_FROM "JOIN enrollments e ON e.person_id = p.id " DEATH_WHERE
                       "UNION ALL " DEATH_FROM "JOIN household_members m ON m.person_id = p.id AND "
                       "m.left_on IS NULL JOIN enrollments e ON e.household_id = "
                       "m.household_id AND e.person_id IS NULL " DEATH_WHERE "ORDER BY 1, 6, 10",
            "tttt", c->day, c->like, c->day, c->like),
        &cs, err);
#undef DEATH_FROM
#undef DEATH_WHERE
    int64_t *fresh = mz_calloc(cs.n + 1, sizeof *fresh);
    size_t nfresh = 0;
    for (size_t i = 0; i < cs.n && rc == 0; i++) {
        cand *x = &cs.v[i];
        if (i > 0 && cs.v[i - 1].person_id == x->person_id)
            continue;
        int on;
        if ((rc = enabled(c, r, x->region, &on, err)) < 0 || !on)
            continue;
        res->candidates++;
        char key[64];
        int64_t id;
        snprintf(key, sizeof key, "death:%lld", (long long)x->person_id);
        json_t *detail = json_pack("{s:s}", "death_date", x->day);
        if ((rc = raise_alert(c, r, key, x, detail, &id, err)) < 0 || id == 0)
            continue;
        res->created++;
        fresh[nfresh++] = id;
        if (x->text[0] == '\0')
            rc = mz_person_record_death(c->db, &c->sys, x->person_id, x->day, err);
    }
    int64_t stopped = 0;
    if (rc == 0 && nfresh > 0)
        rc = mz_enrollment_apply_deaths(c->db, &c->sys, &stopped, err);
    res->stopped += stopped;
    /* A household that lives on keeps its 低保 until a 复核 decides. */
    for (size_t i = 0; i < nfresh && rc == 0; i++) {
        int64_t person = 0, eid = 0, hh = 0, case_id = 0;
        char *payee = NULL;
        int created = 0;
        if (mz_db_query_int64(c->db, &person, "SELECT person_id FROM monitor_alerts WHERE id = ?",
                              "i", fresh[i]) != MZ_DB_ROW) {
            rc = mz_error_internal(err, mz_db_errmsg(c->db));
            break;
        }
        mz_stmt *st = mz_db_prepare_bind(
            c->db,
            "SELECT e.id, e.household_id, e.payee_name FROM enrollments e JOIN household_members "
            "m ON m.household_id = e.household_id AND m.person_id = ? AND m.left_on IS NULL "
            "WHERE e.program = 'dibao' AND e.person_id IS NULL AND e.status <> 'stopped' ORDER "
            "BY e.id LIMIT 1",
            "i", person);
        int s = st ? mz_stmt_step(st) : MZ_DB_ERROR;
        if (s == MZ_DB_ROW) {
            eid = mz_stmt_int64(st, 0);
            hh = mz_stmt_int64(st, 1);
            payee = mz_strdup(mz_stmt_text(st, 2));
        }
        mz_stmt_finalize(st);
        if (s < 0) {
            rc = mz_error_internal(err, mz_db_errmsg(c->db));
            break;
        }
        if (hh > 0) {
            rc = ensure_review(c, hh, payee, "动态监测：家庭成员死亡，复核家庭情况", &case_id,
                               &created, err);
            res->cases += created;
        }
        mz_free(payee);
        if (rc == 0)
            rc = link_alert(c, fresh[i], case_id, eid, err);
    }
    mz_free(fresh);
    mz_free(cs.v);
    return rc;
}

static int rule_assets(ctx *c, const rule_decl *r, mz_monitor_result *res, mz_error *err)
{
    cands cs = {0};
    int rc = collect(
        c,
        mz_db_prepare_bind(
            c->db,
            "SELECT 0, e.household_id, e.region_code, MAX(r.id), MAX(r.as_of), '', CASE WHEN "
            "r.source = 'vehicle' THEN 'vehicle' WHEN r.source = 'property' AND r.kind = '住宅' "
            "THEN 'housing' ELSE 'business' END, COUNT(DISTINCT r.id), 0, MIN(e.id), "
            "MIN(e.payee_name) FROM enrollments e JOIN household_members m ON m.household_id = "
            "e.household_id AND m.left_on IS NULL JOIN persons p ON p.id = m.person_id JOIN "
            "evidence_records r ON r.id_number = p.id_number WHERE e.program = 'dibao' AND "
            "e.person_id IS NULL AND e.status <> 'stopped' AND (e.to_month IS NULL OR e.to_month "
            ">= ?) AND e.region_code LIKE ? AND r.source IN ('vehicle', 'property', 'business') "
            "AND r.as_of = (SELECT MAX(r2.as_of) FROM evidence_records r2 WHERE r2.id_number = "
            "r.id_number AND r2.source = r.source) AND (r.date_to IS NULL OR r.date_to > ?) AND "
            "(r.source <> 'property' OR r.kind IN ('住宅', '商业', '办公', '工业')) AND NOT "
            "(r.source = 'vehicle' AND r.kind = '摩托车' AND p.disability_kind IS NOT NULL) "
            "GROUP BY 2, 3, 7 ORDER BY 2, 7",
            "ttt", c->month, c->like, c->day),
        &cs, err);
    for (size_t i = 0; i < cs.n && rc == 0; i++) {
        cand *x = &cs.v[i];
        int on;
        int64_t limit;
        int p = strcmp(x->text, "vehicle") == 0   ? P_VEHICLE_LIMIT
                : strcmp(x->text, "housing") == 0 ? P_HOUSING_LIMIT
                                                  : P_BUSINESS_LIMIT;
        if ((rc = enabled(c, r, x->region, &on, err)) < 0 || !on ||
            (rc = param(c, x->region, p, &limit, err)) < 0 || x->n <= limit)
            continue;
        res->candidates++;
        char key[96];
        snprintf(key, sizeof key, "assets:%lld:%s:%s", (long long)x->household_id, x->text,
                 x->as_of);
        json_t *detail = json_pack("{s:s,s:I,s:I}", "class", x->text, "count", (json_int_t)x->n,
                                   "limit", (json_int_t)limit);
        x->enrollment_id = 0;
        rc = raise_with_review(c, r, key, x, detail, "动态监测：家庭财产超出规定，复核家庭情况",
                               res, err);
    }
    mz_free(cs.v);
    return rc;
}

static int rule_medical(ctx *c, const rule_decl *r, mz_monitor_result *res, mz_error *err)
{
    char oldest[11];
    mz_date_format(mz_date_add_months(c->today, -24), oldest);
    cands cs = {0};
    /* One row per stay, however many batches repeat it. */
    int rc = collect(
        c,
        mz_db_prepare_bind(
            c->db,
            "SELECT 0, m.household_id, h.region_code, MAX(r.id), MAX(r.as_of), r.date_from, "
            "p.id_number, 0, r.amount_fen FROM evidence_records r JOIN persons p ON p.id_number "
            "= r.id_number JOIN household_members m ON m.person_id = p.id AND m.left_on IS NULL "
            "JOIN households h ON h.id = m.household_id WHERE r.source = 'medical' AND "
            "r.date_from >= ? AND r.date_from <= ? AND h.region_code LIKE ? AND NOT EXISTS "
            "(SELECT 1 FROM enrollments e WHERE e.household_id = h.id AND e.status <> "
            "'stopped') GROUP BY m.household_id, h.region_code, p.id_number, r.kind, "
            "r.date_from, r.date_to, r.amount_fen ORDER BY 2, 6",
            "ttt", oldest, c->day, c->like),
        &cs, err);
    for (size_t i = 0; i < cs.n && rc == 0;) {
        size_t j = i;
        while (j < cs.n && cs.v[j].household_id == cs.v[i].household_id)
            j++;
        cand *x = &cs.v[i];
        int on;
        int64_t months, threshold, sum = 0, stays = 0, last_id = 0;
        char cutoff[11], last_day[11] = "", as_of[11] = "";
        if ((rc = enabled(c, r, x->region, &on, err)) < 0 || !on ||
            (rc = param(c, x->region, P_MEDICAL_MONTHS, &months, err)) < 0 ||
            (rc = param(c, x->region, P_MEDICAL_THRESHOLD, &threshold, err)) < 0) {
            i = j;
            continue;
        }
        mz_date_format(mz_date_add_months(c->today, -(int)months), cutoff);
        for (size_t k = i; k < j; k++)
            if (strcmp(cs.v[k].day, cutoff) >= 0) {
                sum += cs.v[k].amount;
                stays++;
                snprintf(last_day, sizeof last_day, "%s", cs.v[k].day);
                if (cs.v[k].evidence_id > last_id)
                    last_id = cs.v[k].evidence_id;
                if (strcmp(cs.v[k].as_of, as_of) > 0)
                    snprintf(as_of, sizeof as_of, "%s", cs.v[k].as_of);
            }
        if (sum > threshold) {
            res->candidates++;
            char key[64];
            int64_t id;
            cand a = *x;
            a.evidence_id = last_id;
            snprintf(a.as_of, sizeof a.as_of, "%s", as_of);
            snprintf(key, sizeof key, "medical:%lld:%s", (long long)x->household_id, last_day);
            json_t *detail =
                json_pack("{s:I,s:I,s:I,s:I,s:s}", "out_of_pocket_fen", (json_int_t)sum,
                          "threshold_fen", (json_int_t)threshold, "months", (json_int_t)months,
                          "stays", (json_int_t)stays, "since", cutoff);
            rc = raise_alert(c, r, key, &a, detail, &id, err);
            if (rc == 0 && id > 0)
                res->created++;
        }
        i = j;
    }
    mz_free(cs.v);
    return rc;
}

/* Registry persons with a current household, joined to the newest records of one source. */
#define NEWEST_OF_PERSON(source)                                                                   \
    "FROM evidence_records r JOIN persons p ON p.id_number = r.id_number JOIN household_members "  \
    "m ON m.person_id = p.id AND m.left_on IS NULL JOIN households h ON h.id = m.household_id "    \
    "WHERE r.source = '" source "' AND p.deceased_on IS NULL AND h.region_code LIKE ? AND "        \
    "r.as_of = (SELECT MAX(r2.as_of) FROM evidence_records r2 WHERE r2.id_number = r.id_number "   \
    "AND r2.source = r.source) "

static int rule_disability(ctx *c, const rule_decl *r, mz_monitor_result *res, mz_error *err)
{
    cands cs = {0};
    int rc = collect(c,
                     mz_db_prepare_bind(c->db,
                                        "SELECT p.id, h.id, h.region_code, r.id, r.as_of, "
                                        "COALESCE(r.date_from, r.as_of), r.ref, r.qty, 0, 0, "
                                        "r.kind " NEWEST_OF_PERSON(
                                            "disability") "AND (r.date_to IS NULL OR r.date_to >= "
                                                          "?) AND COALESCE(r.date_from, r.as_of) "
                                                          "<= ? ORDER BY 1, 4",
                                        "ttt", c->like, c->day, c->day),
                     &cs, err);
    for (size_t i = 0; i < cs.n && rc == 0; i++) {
        cand *x = &cs.v[i];
        int on, issued;
        int64_t grade, days;
        if ((rc = enabled(c, r, x->region, &on, err)) < 0 || !on ||
            (rc = param(c, x->region, P_DISABILITY_GRADE, &grade, err)) < 0 ||
            (rc = param(c, x->region, P_DISABILITY_DAYS, &days, err)) < 0)
            continue;
        if (x->n < 1 || x->n > grade || mz_date_parse(x->day, &issued) != 0 ||
            issued <= c->today - days)
            continue;
        res->candidates++;
        char key[96];
        int64_t id;
        snprintf(key, sizeof key, "disability:%lld:%s", (long long)x->person_id, x->text);
        json_t *detail = json_pack("{s:I,s:s,s:s}", "grade", (json_int_t)x->n, "kind", x->name,
                                   "issued_on", x->day);
        if ((rc = raise_alert(c, r, key, x, detail, &id, err)) == 0 && id > 0)
            res->created++;
    }
    mz_free(cs.v);
    return rc;
}

static int rule_age(ctx *c, const rule_decl *r, mz_monitor_result *res, mz_error *err)
{
    char young[11], old[11];
    /* The widest the parameters allow: 60 to 120 years, a window of up to 366 days. */
    mz_date_format(mz_date_add_months(c->today, -60 * 12), young);
    mz_date_format(mz_date_add_months(c->today, -121 * 12) - 1, old);
    cands cs = {0};
    int rc = collect(c,
                     mz_db_prepare_bind(c->db,
                                        "SELECT p.id, h.id, h.region_code, 0, '', p.birth_date "
                                        "FROM persons p JOIN household_members m ON m.person_id = "
                                        "p.id AND m.left_on IS NULL JOIN households h ON h.id = "
                                        "m.household_id WHERE p.deceased_on IS NULL AND "
                                        "p.birth_date <= ? AND p.birth_date > ? AND h.region_code "
                                        "LIKE ? ORDER BY 1",
                                        "ttt", young, old, c->like),
                     &cs, err);
    for (size_t i = 0; i < cs.n && rc == 0; i++) {
        cand *x = &cs.v[i];
        int on, birth;
        int64_t age, window;
        if ((rc = enabled(c, r, x->region, &on, err)) < 0 || !on ||
            (rc = param(c, x->region, P_AGE, &age, err)) < 0 ||
            (rc = param(c, x->region, P_AGE_WINDOW, &window, err)) < 0)
            continue;
        if (mz_date_parse(x->day, &birth) != 0)
            continue;
        int turned = mz_date_add_months(birth, (int)age * 12);
        if (turned > c->today || turned <= c->today - window)
            continue;
        res->candidates++;
        char key[64], on_day[11];
        int64_t id;
        mz_date_format(turned, on_day);
        snprintf(key, sizeof key, "age:%lld:%lld", (long long)x->person_id, (long long)age);
        json_t *detail = json_pack("{s:s,s:I,s:s}", "birth_date", x->day, "age", (json_int_t)age,
                                   "turned_on", on_day);
        if ((rc = raise_alert(c, r, key, x, detail, &id, err)) == 0 && id > 0)
            res->created++;
    }
    mz_free(cs.v);
    return rc;
}

/*
 * Whether the household is 低保边缘: no stored status exists, so the most
 * recent of its cases that recorded an assessment must have found 'edge'.
 */
static int household_is_edge(ctx *c, int64_t household, int *edge, mz_error *err)
{
    int rc;
    *edge = -1;
    mz_stmt *st = mz_db_prepare_bind(
        c->db, "SELECT data FROM cases WHERE household_id = ? ORDER BY id DESC", "i", household);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(c->db));
    while (*edge < 0 && (rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        json_t *data = json_loads(mz_stmt_text(st, 0), 0, NULL);
        json_t *a = json_object_get(data, "assessment");
        if (json_is_object(a)) {
            const char *cat = json_string_value(json_object_get(a, "category"));
            *edge = cat != NULL && strcmp(cat, "edge") == 0;
        }
        json_decref(data);
    }
    mz_stmt_finalize(st);
    if (*edge < 0) {
        if (rc < 0)
            return mz_error_internal(err, mz_db_errmsg(c->db));
        *edge = 0;
    }
    return 0;
}

static int rule_edge_unemployed(ctx *c, const rule_decl *r, mz_monitor_result *res, mz_error *err)
{
    cands cs = {0};
    int rc = collect(
        c,
        mz_db_prepare_bind(c->db,
                           "SELECT p.id, h.id, h.region_code, r.id, r.as_of, COALESCE(r.date_from, "
                           "''), COALESCE(r.date_to, ''), 0, r.amount_fen " NEWEST_OF_PERSON(
                               "unemployment") "AND (r.date_to IS NULL OR r.date_to >= ?) AND "
                                               "(r.date_from IS NULL OR r.date_from <= ?) AND NOT "
                                               "EXISTS (SELECT 1 FROM enrollments e WHERE "
                                               "e.household_id = h.id AND e.status <> 'stopped') "
                                               "ORDER BY 1, 4",
                           "ttt", c->like, c->day, c->day),
        &cs, err);
    for (size_t i = 0; i < cs.n && rc == 0; i++) {
        cand *x = &cs.v[i];
        int on, edge;
        if (i > 0 && cs.v[i - 1].person_id == x->person_id)
            continue;
        if ((rc = enabled(c, r, x->region, &on, err)) < 0 || !on ||
            (rc = household_is_edge(c, x->household_id, &edge, err)) < 0 || !edge)
            continue;
        res->candidates++;
        char key[64];
        int64_t id;
        snprintf(key, sizeof key, "edge_unemployed:%lld:%s", (long long)x->person_id, x->as_of);
        json_t *detail = json_pack("{s:s,s:s,s:I}", "benefit_from", x->day, "benefit_until",
                                   x->text, "monthly_benefit_fen", (json_int_t)x->amount);
        if ((rc = raise_alert(c, r, key, x, detail, &id, err)) == 0 && id > 0)
            res->created++;
    }
    mz_free(cs.v);
    return rc;
}

static int rule_taper_end(ctx *c, const rule_decl *r, mz_monitor_result *res, mz_error *err)
{
    cands cs = {0};
    int rc = collect(c,
                     mz_db_prepare_bind(c->db,
                                        "SELECT 0, e.household_id, e.region_code, 0, '', "
                                        "e.to_month, '', 0, 0, e.id, e.payee_name FROM "
                                        "enrollments e WHERE e.program = 'dibao' AND e.person_id "
                                        "IS NULL AND e.status = 'taper' AND e.to_month >= ? AND "
                                        "e.region_code LIKE ? ORDER BY e.id",
                                        "tt", c->month, c->like),
                     &cs, err);
    for (size_t i = 0; i < cs.n && rc == 0; i++) {
        cand *x = &cs.v[i];
        int on, last;
        int64_t ahead;
        if ((rc = enabled(c, r, x->region, &on, err)) < 0 || !on ||
            (rc = param(c, x->region, P_TAPER_AHEAD, &ahead, err)) < 0)
            continue;
        if (mz_month_parse(x->day, &last) != 0 || last > mz_month_of(c->today) + ahead)
            continue;
        res->candidates++;
        char key[64];
        snprintf(key, sizeof key, "taper_end:%lld:%s", (long long)x->enrollment_id, x->day);
        json_t *detail = json_pack("{s:s}", "taper_last_month", x->day);
        rc =
            raise_with_review(c, r, key, x, detail, "动态监测：渐退期将满，复核家庭情况", res, err);
    }
    mz_free(cs.v);
    return rc;
}

static const rule_decl rules[] = {
    {"death", "保障对象死亡", P_DEATH_ON, "county", "death_stop", "停发并复核", rule_death},
    {"assets", "保障家庭财产超限", P_ASSETS_ON, "township", "dibao_review", "低保复核",
     rule_assets},
    {"medical", "未受助家庭医疗自付高", P_MEDICAL_ON, "township", "rigid_temporary",
     "刚性支出困难 / 临时救助", rule_medical},
    {"disability", "新办一二级残疾证", P_DISABILITY_ON, "county", "disability_subsidies",
     "残疾人两项补贴", rule_disability},
    {"age", "年满高龄", P_AGE_ON, "township", "elderly_allowance", "尊老金", rule_age},
    {"edge_unemployed", "低保边缘家庭成员失业", P_EDGE_ON, "township", "dibao", "低保（重新评估）",
     rule_edge_unemployed},
    {"taper_end", "渐退期将满", P_TAPER_ON, "township", "dibao_review", "低保复核", rule_taper_end},
};
#define NRULES (sizeof rules / sizeof rules[0])

static const char *const rule_codes[] = {"death", "assets",          "medical",   "disability",
                                         "age",   "edge_unemployed", "taper_end", NULL};

const char *const *mz_monitor_rules(int *n)
{
    if (n)
        *n = (int)NRULES;
    return rule_codes;
}

static const rule_decl *rule_find(const char *code)
{
    for (size_t i = 0; code && i < NRULES; i++)
        if (strcmp(rules[i].code, code) == 0)
            return &rules[i];
    return NULL;
}

static void ctx_init(ctx *c, mz_db *db, const mz_actor *actor, int today)
{
    memset(c, 0, sizeof *c);
    c->db = db;
    c->actor = actor;
    c->today = today;
    mz_actor_init_cli(&c->sys, "monitor");
    snprintf(c->sys.scope_prefix, sizeof c->sys.scope_prefix, "%s", actor->scope_prefix);
    snprintf(c->sys.request_id, sizeof c->sys.request_id, "%s", actor->request_id);
    mz_date_format(today, c->day);
    mz_month_format(mz_month_of(today), c->month);
    snprintf(c->like, sizeof c->like, "%s%%", actor->scope_prefix);
}

int mz_monitor_run_rule(mz_db *db, const mz_actor *actor, const char *rule, int today,
                        mz_monitor_result *res, mz_error *err)
{
    const rule_decl *r = rule_find(rule);
    if (r == NULL)
        return mz_error_set(err, 400, "invalid_value", "rule", "监测规则 %s 不存在",
                            rule ? rule : "");
    ctx c;
    ctx_init(&c, db, actor, today);
    int rc = r->run(&c, r, res, err);
    mz_free(c.cache.slots);
    return rc;
}

int mz_monitor_audit_run(mz_db *db, const mz_actor *actor, json_t *summary, mz_error *err)
{
    return mz_audit_append(db, actor, "monitor.run", "monitor_run",
                           json_string_value(json_object_get(summary, "date")),
                           actor->region_code[0] ? actor->region_code : NULL, NULL, summary, err);
}

int mz_monitor_run(mz_db *db, const mz_actor *actor, const char *rule, int today, json_t **out,
                   mz_error *err)
{
    char day[11];
    if (rule && rule_find(rule) == NULL)
        return mz_error_set(err, 400, "invalid_value", "rule", "监测规则 %s 不存在", rule);
    mz_date_format(today, day);
    json_t *list = json_array();
    int64_t created = 0;
    for (size_t i = 0; i < NRULES; i++) {
        if (rule && strcmp(rule, rules[i].code) != 0)
            continue;
        mz_monitor_result res = {0};
        if (mz_monitor_run_rule(db, actor, rules[i].code, today, &res, err) < 0) {
            json_decref(list);
            return -1;
        }
        created += res.created;
        json_array_append_new(list,
                              json_pack("{s:s,s:s,s:I,s:I,s:I,s:I}", "rule", rules[i].code, "name",
                                        rules[i].name, "candidates", (json_int_t)res.candidates,
                                        "created", (json_int_t)res.created, "cases",
                                        (json_int_t)res.cases, "stopped", (json_int_t)res.stopped));
    }
    json_t *summary =
        json_pack("{s:s,s:o,s:I}", "date", day, "rules", list, "created", (json_int_t)created);
    if (mz_monitor_audit_run(db, actor, summary, err) < 0) {
        json_decref(summary);
        return -1;
    }
    *out = summary;
    return 0;
}

/* ---- alerts ---------------------------------------------------------------- */

static const struct {
    const char *code, *name;
} state_names[] = {{"triage", "待研判"},
                   {"visiting", "待入户核实"},
                   {"disposing", "待处置"},
                   {"disposed", "已处置"},
                   {"dismissed", "已排除"}},
  outcome_names[] = {{"assistance", "已纳入救助帮扶"},
                     {"case", "已按事项办理"},
                     {"referral", "已转相关部门"},
                     {"no_action", "核实无需处置"}};

static const char *state_name(const char *code)
{
    for (size_t i = 0; code && i < sizeof state_names / sizeof state_names[0]; i++)
        if (strcmp(state_names[i].code, code) == 0)
            return state_names[i].name;
    return NULL;
}

static const char *outcome_name(const char *code)
{
    for (size_t i = 0; code && i < sizeof outcome_names / sizeof outcome_names[0]; i++)
        if (strcmp(outcome_names[i].code, code) == 0)
            return outcome_names[i].name;
    return NULL;
}

#define ALERT_COLUMNS                                                                              \
    "a.id, a.rule, a.state, a.route_level, a.region_code, rg.name, a.candidate, a.person_id, "     \
    "p.name, a.household_id, a.case_id, a.enrollment_id, a.outcome, a.created_at, a.triaged_at, "  \
    "a.visited_at, a.closed_at, a.evidence_as_of, a.evidence_id, a.detail, a.triage_note, "        \
    "a.visit_note, a.disposal_note "
#define ALERT_FROM                                                                                 \
    "FROM monitor_alerts a JOIN regions rg ON rg.code = a.region_code LEFT JOIN persons p ON "     \
    "p.id = a.person_id "

static json_t *opt_int(mz_stmt *st, int col)
{
    return mz_stmt_is_null(st, col) ? json_null() : json_integer(mz_stmt_int64(st, col));
}

static json_t *opt_text(mz_stmt *st, int col)
{
    const char *s = mz_stmt_text(st, col);
    return s ? json_string(s) : json_null();
}

static int days_open(const char *created_at, int today)
{
    int d;
    char day[11];
    snprintf(day, sizeof day, "%.10s", created_at ? created_at : "");
    return mz_date_parse(day, &d) == 0 ? today - d : 0;
}

static json_t *alert_from_row(mz_stmt *st, int full, int today)
{
    const rule_decl *r = rule_find(mz_stmt_text(st, 1));
    const char *state = mz_stmt_text(st, 2), *outcome = mz_stmt_text(st, 12);
    int open = strcmp(state, "disposed") != 0 && strcmp(state, "dismissed") != 0;
    json_t *o = json_pack(
        "{s:I,s:s,s:s,s:s,s:s?,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:s?,s:o,s:o,s:o,s:o,"
        "s:o,s:b,s:i}",
        "id", (json_int_t)mz_stmt_int64(st, 0), "rule", mz_stmt_text(st, 1), "rule_name",
        r ? r->name : "", "state", state, "state_name", state_name(state), "route_level",
        mz_stmt_text(st, 3), "region_code", mz_stmt_text(st, 4), "region_name", mz_stmt_text(st, 5),
        "candidate", mz_stmt_text(st, 6), "candidate_name", r ? r->candidate_name : "", "person_id",
        opt_int(st, 7), "person_name", opt_text(st, 8), "household_id", opt_int(st, 9), "case_id",
        opt_int(st, 10), "enrollment_id", opt_int(st, 11), "outcome", opt_text(st, 12),
        "outcome_name", outcome_name(outcome), "created_at", opt_text(st, 13), "triaged_at",
        opt_text(st, 14), "visited_at", opt_text(st, 15), "closed_at", opt_text(st, 16),
        "evidence_as_of", opt_text(st, 17), "open", open, "days_open",
        open ? days_open(mz_stmt_text(st, 13), today) : 0);
    if (full) {
        json_t *detail = json_loads(mz_stmt_text(st, 19), 0, NULL);
        json_object_set_new(o, "detail", detail ? detail : json_object());
        json_object_set_new(o, "evidence_id", opt_int(st, 18));
        json_object_set_new(o, "triage_note", opt_text(st, 20));
        json_object_set_new(o, "visit_note", opt_text(st, 21));
        json_object_set_new(o, "disposal_note", opt_text(st, 22));
    }
    return o;
}

int mz_alert_list(mz_db *db, const mz_actor *actor, const mz_alert_filter *f, json_t **out,
                  mz_error *err)
{
    char scope[16], sub[16] = "";
    const char *rule = f->rule ? f->rule : "", *state = f->state ? f->state : "";
    int64_t total = 0, open = strcmp(state, "open") == 0;
    int today = mz_date_today();
    if (*rule && rule_find(rule) == NULL)
        return mz_error_set(err, 400, "invalid_parameter", "rule", "监测规则 %s 不存在", rule);
    if (*state && !open && state_name(state) == NULL)
        return mz_error_set(err, 400, "invalid_parameter", "state",
                            "状态须为 open、triage、visiting、disposing、disposed 或 dismissed");
    if (open)
        state = "";
    if (f->region_code) {
        char p[13];
        if (mz_region_level_of(f->region_code) < 0)
            return mz_error_set(err, 400, "invalid_parameter", "region", "区划代码须为12位数字");
        mz_region_prefix(f->region_code, p);
        snprintf(sub, sizeof sub, "%s%%", p);
    }
    snprintf(scope, sizeof scope, "%s%%", actor->scope_prefix);
#define LIST_WHERE                                                                                 \
    "WHERE a.region_code LIKE ? AND (? = '' OR a.region_code LIKE ?) AND (? = '' OR a.rule = ?) "  \
    "AND (? = '' OR a.state = ?) AND (? = 0 OR a.state IN ('triage', 'visiting', 'disposing')) "
    if (mz_db_query_int64(db, &total, "SELECT COUNT(*) FROM monitor_alerts a " LIST_WHERE,
                          "ttttttti", scope, sub, sub, rule, rule, state, state, open) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    mz_stmt *st = mz_db_prepare_bind(
        db, "SELECT " ALERT_COLUMNS ALERT_FROM LIST_WHERE "ORDER BY a.id DESC LIMIT ? OFFSET ?",
        "ttttttti"
        "ii",
        scope, sub, sub, rule, rule, state, state, open, (int64_t)f->page_size,
        (int64_t)(f->page - 1) * f->page_size);
#undef LIST_WHERE
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_t *items = json_array();
    int rc;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(items, alert_from_row(st, 0, today));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(items);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    *out = json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page",
                     f->page, "page_size", f->page_size);
    return 0;
}

/* The department record that raised the alert, ID number masked. */
static int evidence_json(mz_db *db, int64_t id, json_t **out, mz_error *err)
{
    *out = json_null();
    if (id <= 0)
        return 0;
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT r.source, b.department, r.as_of, r.id_number, r.name, r.ref, r.kind, r.date_from, "
        "r.date_to, r.month, r.amount_fen, r.amount2_fen, r.qty, r.note, r.batch_id, b.file_name "
        "FROM evidence_records r JOIN evidence_batches b ON b.id = r.batch_id WHERE r.id = ?",
        "i", id);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW) {
        char masked[19];
        mz_idnum_mask(mz_stmt_text(st, 3), masked);
        const mz_ev_source *src = mz_ev_source_find(mz_stmt_text(st, 0));
        json_decref(*out);
        *out = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I,"
                         "s:s}",
                         "id", (json_int_t)id, "source", mz_stmt_text(st, 0), "source_name",
                         src ? src->name : "", "department", mz_stmt_text(st, 1), "as_of",
                         mz_stmt_text(st, 2), "id_number", masked, "name", mz_stmt_text(st, 4),
                         "ref", opt_text(st, 5), "kind", opt_text(st, 6), "date_from",
                         opt_text(st, 7), "date_to", opt_text(st, 8), "month", opt_text(st, 9),
                         "amount_fen", opt_int(st, 10), "amount2_fen", opt_int(st, 11), "qty",
                         opt_int(st, 12), "note", opt_text(st, 13), "batch_id",
                         (json_int_t)mz_stmt_int64(st, 14), "file_name", mz_stmt_text(st, 15));
    }
    mz_stmt_finalize(st);
    return rc < 0 ? mz_error_internal(err, mz_db_errmsg(db)) : 0;
}

int mz_alert_get(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err)
{
    char scope[16];
    snprintf(scope, sizeof scope, "%s%%", actor->scope_prefix);
    mz_stmt *st = mz_db_prepare_bind(
        db, "SELECT " ALERT_COLUMNS ALERT_FROM "WHERE a.id = ? AND a.region_code LIKE ?", "it", id,
        scope);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    json_t *o = rc == MZ_DB_ROW ? alert_from_row(st, 1, mz_date_today()) : NULL;
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (o == NULL)
        return mz_error_set(err, 404, "not_found", NULL, "预警不存在");
    json_t *ev;
    if (evidence_json(db, (int64_t)json_integer_value(json_object_get(o, "evidence_id")), &ev,
                      err) < 0) {
        json_decref(o);
        return -1;
    }
    json_object_set_new(o, "evidence", ev);
    *out = o;
    return 0;
}

int mz_alert_act(mz_db *db, const mz_actor *actor, int64_t id, const char *action, const char *note,
                 const char *outcome, json_t **out, mz_error *err)
{
    static const struct {
        const char *action, *from1, *from2, *to, *time_col, *note_col;
    } steps[] = {
        {"triage", "triage", NULL, "visiting", "triaged_at", "triage_note"},
        {"visit", "visiting", NULL, "disposing", "visited_at", "visit_note"},
        {"dispose", "disposing", NULL, "disposed", "closed_at", "disposal_note"},
        {"dismiss", "triage", "visiting", "dismissed", "closed_at", "disposal_note"},
    };
    json_t *before = NULL, *after = NULL;
    size_t k;
    char at[21], idb[24], sql[256];
    for (k = 0; k < sizeof steps / sizeof steps[0]; k++)
        if (action && strcmp(steps[k].action, action) == 0)
            break;
    if (mz_alert_get(db, actor, id, &before, err) < 0)
        return -1;
    int rc = -1;
    const char *state = json_string_value(json_object_get(before, "state"));
    const char *level = json_string_value(json_object_get(before, "route_level"));
    int want = strcmp(level, "county") == 0 ? MZ_CASE_COUNTY : MZ_CASE_TOWNSHIP;
    if (k == sizeof steps / sizeof steps[0]) {
        mz_error_set(
            err, 400, "invalid_value", "action",
            "操作须为 triage（研判）、visit（入户核实）、dispose（处置）或 dismiss（排除）");
        goto out;
    }
    if (actor->level != want) {
        mz_error_set(err, 403, "forbidden", NULL, "该预警由%s级处理",
                     want == MZ_CASE_COUNTY ? "县" : "乡镇");
        goto out;
    }
    if (note == NULL || *note == '\0') {
        mz_error_set(err, 400, "missing_field", "note", "缺少字段 note（处理意见）");
        goto out;
    }
    if (strlen(note) > 3000) {
        mz_error_set(err, 400, "invalid_value", "note", "处理意见不能超过1000字");
        goto out;
    }
    if (strcmp(action, "dispose") == 0 && outcome_name(outcome) == NULL) {
        mz_error_set(err, 400, outcome ? "invalid_value" : "missing_field", "outcome",
                     "处置结果须为 assistance、case、referral 或 no_action");
        goto out;
    }
    if (strcmp(action, "dispose") != 0 && outcome != NULL) {
        mz_error_set(err, 400, "unknown_field", "outcome", "只有处置时填写处置结果");
        goto out;
    }
    if (strcmp(state, steps[k].from1) != 0 &&
        (steps[k].from2 == NULL || strcmp(state, steps[k].from2) != 0)) {
        mz_error_set(err, 409, "invalid_state", "action", "预警当前为%s，不能%s", state_name(state),
                     action);
        goto out;
    }
    mz_time_iso(time(NULL), at);
    snprintf(sql, sizeof sql,
             "UPDATE monitor_alerts SET state = ?, %s = ?, %s = ?, outcome = ?, updated_at = ? "
             "WHERE id = ? AND state = ?",
             steps[k].time_col, steps[k].note_col);
    int64_t changed = 0;
    if (mz_db_run(db, &changed, sql, "ttttiit", steps[k].to, at, note, outcome, at, id, state) <
        0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (changed != 1) {
        mz_error_set(err, 409, "conflict", NULL, "预警已被他人处理，请刷新");
        goto out;
    }
    if (mz_alert_get(db, actor, id, &after, err) < 0)
        goto out;
    char act[32];
    snprintf(act, sizeof act, "alert.%s", action);
    snprintf(idb, sizeof idb, "%lld", (long long)id);
    if (mz_audit_append(db, actor, act, "alert", idb,
                        json_string_value(json_object_get(before, "region_code")), before, after,
                        err) < 0)
        goto out;
    *out = after;
    after = NULL;
    rc = 0;
out:
    json_decref(before);
    json_decref(after);
    return rc;
}

/* ---- dashboard ------------------------------------------------------------- */

static int64_t iso_seconds(const char *s)
{
    int y, mo, d, h, mi, se, days;
    if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) != 6 ||
        mz_date_from_ymd(y, mo, d, &days) != 0)
        return -1;
    return (int64_t)days * 86400 + h * 3600 + mi * 60 + se;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* {step, name, count, avg_hours, median_hours} of the durations in v (seconds). */
static json_t *step_json(const char *step, const char *name, int64_t *v, size_t n)
{
    double sum = 0, median = 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)v[i];
    if (n > 0) {
        qsort(v, n, sizeof *v, cmp_i64);
        median = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
    }
    json_t *o = json_pack("{s:s,s:s,s:I}", "step", step, "name", name, "count", (json_int_t)n);
    json_object_set_new(o, "avg_hours", n ? json_real(sum / (double)n / 3600.0) : json_null());
    json_object_set_new(o, "median_hours", n ? json_real(median / 3600.0) : json_null());
    return o;
}

static int dashboard_counts(mz_db *db, const char *sql, const char *like, json_t *arr,
                            const char *key, mz_error *err)
{
    mz_stmt *st = mz_db_prepare_bind(db, sql, "t", like);
    int rc;
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        const char *code = mz_stmt_text(st, 0);
        const rule_decl *r = rule_find(code);
        const char *name = mz_stmt_text(st, 1) ? mz_stmt_text(st, 1) : (r ? r->name : code);
        json_array_append_new(arr, json_pack("{s:s,s:s,s:I}", key, code, "name", name, "count",
                                             (json_int_t)mz_stmt_int64(st, 2)));
    }
    mz_stmt_finalize(st);
    return rc < 0 ? mz_error_internal(err, mz_db_errmsg(db)) : 0;
}

int mz_monitor_dashboard(mz_db *db, const mz_actor *actor, const char *region_code, int today,
                         json_t **out, mz_error *err)
{
    char like[16], prefix[13], day[11], since[11], month[8];
    const char *region = region_code ? region_code : actor->region_code;
    mz_policy_value days;
    if (region_code && mz_region_check(db, actor, region_code, "region", NULL, err) < 0)
        return -1;
    if (mz_region_level_of(region) < 0)
        region = "321300000000";
    mz_region_prefix(region, prefix);
    snprintf(like, sizeof like, "%s%%", region_code ? prefix : actor->scope_prefix);
    mz_date_format(today, day);
    mz_month_format(mz_month_of(today), month);
    if (mz_policy_get(db, "monitor", "coverage_days", region, day, &days, err) != 0)
        return -1;
    mz_date_format(today - (int)days.num, since);

    json_t *by_rule = json_array(), *by_county = json_array(), *ageing = json_array(),
           *response = json_array();
    json_t *o =
        json_pack("{s:s,s:s,s:o,s:o,s:o,s:o}", "region_code", region, "date", day, "open_by_rule",
                  by_rule, "open_by_county", by_county, "ageing", ageing, "response", response);
    int rc = -1;
#define OPEN "a.state IN ('triage', 'visiting', 'disposing')"
    if (dashboard_counts(db,
                         "SELECT a.rule, NULL, COUNT(*) FROM monitor_alerts a WHERE " OPEN
                         " AND a.region_code LIKE ? GROUP BY a.rule ORDER BY 1",
                         like, by_rule, "rule", err) < 0 ||
        dashboard_counts(db,
                         "SELECT c.code, c.name, COUNT(*) FROM monitor_alerts a JOIN regions c ON "
                         "c.code = SUBSTR(a.region_code, 1, 6) || '000000' WHERE " OPEN
                         " AND a.region_code LIKE ? GROUP BY c.code, c.name ORDER BY 1",
                         like, by_county, "region_code", err) < 0)
        goto out;

    /* Ageing of the open alerts, and the durations of the steps taken. */
    int64_t buckets[4] = {0}, totals[3] = {0};
    int64_t *steps[3];
    size_t nsteps[3] = {0}, cap = 0;
    for (int i = 0; i < 3; i++)
        steps[i] = NULL;
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT a.state, a.created_at, a.triaged_at, a.visited_at, "
                                     "a.closed_at FROM monitor_alerts a WHERE a.region_code LIKE ?",
                                     "t", like);
    if (st == NULL) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    int s;
    while ((s = mz_stmt_step(st)) == MZ_DB_ROW) {
        const char *state = mz_stmt_text(st, 0);
        int64_t t[4];
        for (int i = 0; i < 4; i++)
            t[i] = iso_seconds(mz_stmt_text(st, 1 + i));
        if (nsteps[0] == cap || nsteps[1] == cap || nsteps[2] == cap) {
            cap = cap ? cap * 2 : 64;
            for (int i = 0; i < 3; i++)
                steps[i] = mz_realloc(steps[i], cap * sizeof *steps[i]);
        }
        if (strcmp(state, "disposed") == 0)
            totals[1]++;
        else if (strcmp(state, "dismissed") == 0)
            totals[2]++;
        else {
            totals[0]++;
            int d = days_open(mz_stmt_text(st, 1), today);
            buckets[d <= 3 ? 0 : d <= 7 ? 1 : d <= 15 ? 2 : 3]++;
        }
        if (t[1] >= 0 && t[0] >= 0)
            steps[0][nsteps[0]++] = t[1] - t[0];
        if (t[2] >= 0 && t[1] >= 0)
            steps[1][nsteps[1]++] = t[2] - t[1];
        if (strcmp(state, "disposed") == 0 && t[3] >= 0 && t[2] >= 0)
            steps[2][nsteps[2]++] = t[3] - t[2];
    }
    mz_stmt_finalize(st);
    static const char *const bucket_names[] = {"0-3", "4-7", "8-15", ">15"};
    for (int i = 0; i < 4; i++)
        json_array_append_new(ageing, json_pack("{s:s,s:I}", "bucket", bucket_names[i], "count",
                                                (json_int_t)buckets[i]));
    json_array_append_new(response, step_json("triage", "研判", steps[0], nsteps[0]));
    json_array_append_new(response, step_json("visit", "入户核实", steps[1], nsteps[1]));
    json_array_append_new(response, step_json("dispose", "处置", steps[2], nsteps[2]));
    for (int i = 0; i < 3; i++)
        mz_free(steps[i]);
    if (s < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    json_object_set_new(o, "totals",
                        json_pack("{s:I,s:I,s:I}", "open", (json_int_t)totals[0], "disposed",
                                  (json_int_t)totals[1], "dismissed", (json_int_t)totals[2]));

    /* Indicator 1: the monitored population and how much of it was matched lately. */
    int64_t monitored = 0, matched = 0;
    st = mz_db_prepare_bind(
        db,
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM evidence_records r WHERE "
        "r.id_number = p.id_number AND r.as_of >= ?) THEN 1 ELSE 0 END), 0) FROM persons p WHERE "
        "p.deceased_on IS NULL AND EXISTS (SELECT 1 FROM household_members m JOIN enrollments e "
        "ON e.household_id = m.household_id WHERE m.person_id = p.id AND m.left_on IS NULL AND "
        "e.status <> 'stopped' AND (e.to_month IS NULL OR e.to_month >= ?) AND e.region_code "
        "LIKE ?)",
        "ttt", since, month, like);
    if (st == NULL || (s = mz_stmt_step(st)) < 0) {
        mz_stmt_finalize(st);
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    monitored = mz_stmt_int64(st, 0);
    matched = mz_stmt_int64(st, 1);
    mz_stmt_finalize(st);
    json_t *cov = json_pack(
        "{s:I,s:I,s:I,s:s,s:s}", "monitored", (json_int_t)monitored, "matched", (json_int_t)matched,
        "days", (json_int_t)days.num, "since", since, "formula",
        "在保（低保、特困，未停保）家庭现有成员中，近N天部门数据中有其记录的人数 ÷ 全部人数");
    json_object_set_new(cov, "rate",
                        monitored ? json_real((double)matched / (double)monitored) : json_null());
    json_object_set_new(cov, "target", json_real(1.0));
    json_object_set_new(o, "coverage", cov);
    rc = 0;
#undef OPEN
out:
    if (rc < 0)
        json_decref(o);
    else
        *out = o;
    return rc;
}
