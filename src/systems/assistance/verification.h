/*
 * 家庭经济状况核对 (RULES.md §5): every member of a household matched
 * against the newest data of every department source (core/evidence.h), as
 * a versioned, immutable report per household, with its PDF, the changes
 * since the previous report, and a batch re-verification of every current
 * enrollment that opens 低保复核 cases for households no longer qualifying.
 *
 * Matching reads, per member and source, the rows of the newest as_of of
 * that (id_number, source) — every row of that date, whatever batch brought
 * them.  The rules (thresholds from policy, program dibao, on the day in
 * force for the household's village):
 *   death        a death record: the member died (issue "deceased", breaking
 *                unless the registry already records the death)
 *   vehicle      vehicles held on the day (no cancellation, or one after
 *                it); a member with a disability (registry or certificate)
 *                holding a kind listed in dibao.verify_vehicle_exempt_kinds
 *                is exempt; household non-exempt count > dibao.vehicle_limit
 *                → "vehicle_over_limit"
 *   property     住宅 held on the day are housing units; household count >
 *                dibao.housing_limit → "housing_over_limit"
 *   business     market entities not closed on the day; household count >
 *                dibao.verify_business_limit → "business_over_limit"
 *   deposit      balances summed; household total > dibao.
 *                financial_assets_months × dibao.standard_monthly × living
 *                members → "deposits_over_limit"
 *   pension, unemployment, tax
 *                the newest month's amounts, as monthly income by type
 *                (pension: 城乡居民 → basic_pension, else pension; tax: 工资
 *                薪金/劳务报酬/稿酬/特许权使用费 → wage, 经营所得 → business,
 *                财产租赁所得 → property, 其他 → other); a type whose verified
 *                amount exceeds the member's declared income items of that
 *                type on the day by more than dibao.verify_income_tolerance
 *                → "income_above_declared" (basic_pension is not compared:
 *                it is not counted income)
 *   disability   the newest certificate's category and grade against the
 *                registry → "disability_differs" (a notice, not breaking)
 *   hukou, social_insurance, housing_fund, medical
 *                shown with their values, no limit
 * Every issue except disability_differs breaks a limit: the batch opens a
 * review case for it.
 *
 * Reports are per household, version 1, 2, …; "changes" compares a report
 * with the household's previous version: findings (per member and source)
 * added (found now, not before), removed, changed (values differ), and
 * issues added and removed.  ID numbers are masked in every report.
 */
#ifndef MZ_SYSTEMS_ASSISTANCE_VERIFICATION_H
#define MZ_SYSTEMS_ASSISTANCE_VERIFICATION_H

#include <stdio.h>

#include <jansson.h>
#include <stdint.h>

#include "base/error.h"
#include "base/mem.h"
#include "core/actor.h"
#include "core/case.h"
#include "store/store.h"

/* One evidence row as matching reads it (texts NULL when absent). */
typedef struct mz_verify_record {
    const char *source, *as_of, *kind, *ref, *date_from, *date_to, *month, *note;
    int64_t batch_id, amount_fen, amount2_fen, qty;
    const char *id_number; /* whose row (loading only; matching reads the member's) */
} mz_verify_record;

/* Income types compared with the declared ones. */
enum {
    MZ_VERIFY_WAGE,
    MZ_VERIFY_BUSINESS,
    MZ_VERIFY_PROPERTY,
    MZ_VERIFY_PENSION,
    MZ_VERIFY_BASIC_PENSION,
    MZ_VERIFY_UNEMPLOYMENT,
    MZ_VERIFY_OTHER,
    MZ_VERIFY_NINCOME
};

typedef struct mz_verify_member {
    int64_t person_id;
    const char *id_number, *name, *relation;
    const char *disability_kind; /* registry code ("physical") or NULL */
    int disability_grade;
    const char *deceased_on;             /* registry, NULL when alive */
    int64_t declared[MZ_VERIFY_NINCOME]; /* declared monthly fen by type on the day */
    const mz_verify_record *records;     /* the newest rows of every source */
    int nrecords;
} mz_verify_member;

/* The policy thresholds matching applies (with the policy_params ids, for the report). */
typedef struct mz_verify_limits {
    int64_t standard_fen, financial_months, vehicle_limit, housing_limit, business_limit;
    int64_t income_tolerance_fen;
    char vehicle_exempt_kinds[512]; /* comma list of vehicle kinds */
} mz_verify_limits;

/*
 * The pure matching: members on day (YYYY-MM-DD) with their records →
 * {"members":[{person_id,id_number (masked),name,relation}],
 *  "findings":[{key,person_id,id_number,name,source,source_name,found,as_of,
 *               rows,text,values,flags,batch_ids}] (the sources with rows only; found
 *               is always true there, a source absent was not found),
 *  "issues":[{key,code,breaking,person_id|null,text,value,limit,param}],
 *  "verified_incomes":[{person_id,type,monthly_fen,declared_fen,source,
 *                       batch_ids}],
 *  "batch_ids":[…], "breaking":n, "summary":"…", "limits":{…}}.
 */
json_t *mz_verify_match(const mz_verify_member *members, int n, const mz_verify_limits *lim,
                        const char *day);
/*
 * The same matching reduced to {"issues":[…],"breaking":N} — the issues
 * exactly as mz_verify_match has them, without the findings' texts, values
 * and batches (what a preview of a city's batch needs).
 */
json_t *mz_verify_issues(const mz_verify_member *members, int n, const mz_verify_limits *lim,
                         const char *day);

/* {"previous_version", "findings_added","findings_removed","findings_changed",
 *  "issues_added","issues_removed"} between two findings objects (prev may be NULL). */
json_t *mz_verify_changes(json_t *prev, int64_t prev_version, json_t *cur);

/*
 * Runs the verification of case id on today: 404 outside the actor's subtree
 * or without a household; 409 authorisation_missing when the case's 核对授权书
 * is not on record.  Stores the next version for the household (audited
 * 'verification.run').  Caller's transaction.  *out: the report as from _get.
 */
int mz_verify_case_run(mz_db *db, const mz_actor *actor, int64_t case_id, int today, json_t **out,
                       mz_error *err);
/* {"items":[report without findings…]} of the case, newest first.  404 outside the subtree. */
int mz_verify_case_list(mz_db *db, const mz_actor *actor, int64_t case_id, json_t **out,
                        mz_error *err);
/* Report vid of case id with "findings" and "changes" against the household's previous version. */
int mz_verify_case_get(mz_db *db, const mz_actor *actor, int64_t case_id, int64_t vid, json_t **out,
                       mz_error *err);
/* The report as a Chinese PDF appended to out; audited 'verification.pdf' (caller's transaction).
 */
int mz_verify_case_pdf(mz_db *db, const mz_actor *actor, int64_t case_id, int64_t vid, mz_buf *out,
                       mz_error *err);

/*
 * Feeding the 核对 computation (the case engine's assess hook): the newest
 * report of the household verified on or before day decides.  For every
 * member and income type whose verified monthly amount is higher than the
 * declared one (basic_pension excepted: it is not counted), the registry's
 * items of that member and type are replaced by one item of the verified
 * amount, so the calculator counts the higher value.  request is the hook's
 * {"program","date","household_id"}: when something is replaced it becomes
 * {"program","date","region","household"} (the registry's snapshot on day,
 * adjusted) and *applied gets {"report_id","version","verified_on",
 * "steps":[explanation steps naming the value used and its batches]}; else
 * request is untouched and *applied NULL.  -1 with err on failure.
 */
int mz_verify_apply_to_request(mz_db *db, const mz_actor *actor, int64_t household_id,
                               const char *day, json_t *request, json_t **applied, mz_error *err);
/*
 * The calculator's answer on an adjusted request made to look like one on
 * the stored household: ID numbers masked, "household_id" set, the
 * verification steps put first in the explanation and the rest of applied
 * kept as "verification".  Takes applied.
 */
void mz_verify_finish_assessment(json_t *out, int64_t household_id, json_t *applied);

typedef struct mz_verify_batch_options {
    const char *region_code; /* NULL or "": the actor's region */
    int batch_size;          /* enrollments per transaction; 0: 200 */
    int stale_seconds;       /* a running job's heartbeat older than this may be taken over */
    int today;               /* day matched against */
    int pause_ms;            /* pause after every step (tests); 0 none */
} mz_verify_batch_options;

/*
 * The batch re-verification: a running job (any region) is resumed from its
 * cursor when its heartbeat is stale and its region lies in the actor's
 * subtree (409 verification_busy while fresh, or for another's region);
 * else a new job over the current (in_force, taper) enrollments of 低保 in
 * the region.  Each step is its own transaction: the next batch_size
 * enrollments after the cursor, their households matched with one query per
 * step, a report per household, and for a household with a breaking issue a
 * finding row and a 低保复核 case (reg's type dibao_review; none when one is
 * open for the household).  *out: the job as from _get.
 */
int mz_verify_batch_run(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                        const mz_verify_batch_options *o, json_t **out, mz_error *err);
typedef struct mz_verify_preview_options {
    const char *region_code; /* NULL or "": the actor's region */
    int batch_size;          /* households per query step; 0: 1000 */
    int today;               /* day matched against */
    int threads;             /* connections working in parallel, 1-8; 0: 1 */
    const char *url;         /* the database, for the connections after the first (db) */
    FILE *issues_csv;        /* NULL, or every issue found, as CSV in enrollment order */
    int list_limit;          /* households with issues listed in *out, at most; 0 none */
} mz_verify_preview_options;

/*
 * 预核对: the batch's matching without its writes — every current 低保
 * household of the region matched exactly as mz_verify_batch_run would, but
 * no report, finding or case is stored, so staff can see what a batch would
 * flag before running it.  The enrollments are split into o->threads
 * contiguous ranges, each matched on its own connection (the first is db).
 * *out: {"verified_on","region_code","households","households_flagged",
 * "issues","breaking","by_code":{code:count},"threads","listed":[{"enrollment_id",
 * "household_id","region_code","breaking","issues":[issue…]}…],"truncated"}: the
 * first list_limit households with an issue, in enrollment order, their
 * issues as mz_verify_match has them.
 */
int mz_verify_batch_preview(mz_db *db, const mz_actor *actor, const mz_verify_preview_options *o,
                            json_t **out, mz_error *err);

/* {"items":[job…]} newest first, in the actor's subtree. */
int mz_verify_batch_list(mz_db *db, const mz_actor *actor, json_t **out, mz_error *err);
/* One job with its "findings" (households flagged, in the actor's subtree).  404 when absent. */
int mz_verify_batch_get(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err);

#endif
