/*
 * 低收入人口动态监测 and 主动发现 [P ch.3 §1, §4; table 2 indicator 1]: rules
 * that read the registry, the enrollments and the newest department data
 * (core/evidence.h) and raise alerts, the alerts' workflow (研判 → 入户核实 →
 * 处置, or 排除) with the time of every step, and the aggregates of the
 * monitoring dashboard.
 *
 * The rules are declared here in code (what each one looks at); whether a
 * rule runs and its thresholds are policy parameters of the program
 * 'monitor' (migration 013), resolved for the subject's village on the day
 * of the run, so a county can switch a rule off or tune it from a date on:
 *
 *   death            a recipient (personal enrollment, or a current member of
 *                    an enrolled household) is dead in the 死亡 data: the
 *                    death is recorded on the person, the enrollments whose
 *                    people have all died stop from the next month
 *                    (mz_enrollment_apply_deaths; the payroll recovers months
 *                    paid after that), and a household that still has
 *                    members and a 低保 enrollment gets a 低保复核.  County.
 *   assets           a 低保 household's current members hold, in the newest
 *                    data, more non-exempt vehicles than dibao.vehicle_limit
 *                    (a 摩托车 of a registered disabled person is exempt as
 *                    a mobility vehicle), more 住宅 than dibao.housing_limit,
 *                    or more businesses in existence plus 商业/办公/工业
 *                    property than monitor.business_limit: a 低保复核.
 *                    Township.
 *   medical          a household with no enrollment (not stopped) whose
 *                    current members paid out of pocket, over the last
 *                    monitor.medical_months months (by admission date), more
 *                    than monitor.medical_threshold: a 刚性支出 / 临时救助
 *                    candidate.  Township.
 *   disability       a grade 1..monitor.disability_max_grade certificate
 *                    issued within monitor.disability_recent_days, valid, in
 *                    the newest disability data of a registry person: a 两项补贴
 *                    candidate.  County.
 *   age              a living registry person turned monitor.elderly_age
 *                    within the last monitor.elderly_window_days days (today
 *                    included): a 尊老金 candidate.  Township.
 *   edge_unemployed  a current member of a 低保边缘 household (one without an
 *                    enrollment whose most recent case that recorded an
 *                    assessment recorded category 'edge') receives
 *                    unemployment benefit in the newest data: a 低保 candidate
 *                    (re-assessment).  Township.
 *   taper_end        a 低保 enrollment in 渐退 whose last month is within
 *                    monitor.taper_ahead_months of this month: a 低保复核.
 *                    Township.
 *
 * Every alert has a dedupe key (rule, subject, and the evidence or date that
 * raised it), unique in the table, so a rule run twice raises nothing new.
 * Cases are opened only for a newly raised alert and never when the
 * household already has an open 低保复核.  Cases and deaths are written as
 * the system actor "cli:monitor" limited to the requester's subtree (the
 * case types name "cli" among their creators); the run itself is audited
 * under the requester ('monitor.run', with the counts).
 */
#ifndef MZ_ASSIST_MONITOR_H
#define MZ_ASSIST_MONITOR_H

#include <jansson.h>
#include <stdint.h>

#include "base/error.h"
#include "core/actor.h"
#include "store/store.h"

/* The rule codes in their fixed order; *n gets their number. */
const char *const *mz_monitor_rules(int *n);

typedef struct mz_monitor_result {
    int64_t candidates; /* subjects that matched (enabled in their region) */
    int64_t created;    /* new alerts */
    int64_t cases;      /* cases opened */
    int64_t stopped;    /* enrollments stopped (death) */
} mz_monitor_result;

/*
 * Runs one rule over the actor's subtree on day today (days since the epoch,
 * base/date.h) in the caller's transaction; res is added to.  400
 * invalid_value "rule" for an unknown rule.  Does not audit: see
 * mz_monitor_audit_run.
 */
int mz_monitor_run_rule(mz_db *db, const mz_actor *actor, const char *rule, int today,
                        mz_monitor_result *res, mz_error *err);

/*
 * Runs every rule (rule NULL) or one, in the caller's transaction, audits
 * 'monitor.run' and returns {"date", "rules": [{rule, name, candidates,
 * created, cases, stopped}], "created"}.
 */
int mz_monitor_run(mz_db *db, const mz_actor *actor, const char *rule, int today, json_t **out,
                   mz_error *err);

/* Appends the audit entry of a run (the CLI, which commits rule by rule). */
int mz_monitor_audit_run(mz_db *db, const mz_actor *actor, json_t *summary, mz_error *err);

typedef struct mz_alert_filter {
    const char *rule;        /* NULL any */
    const char *state;       /* NULL any; "open" = triage, visiting or disposing */
    const char *region_code; /* subtree, within the actor's; NULL any */
    int page, page_size;
} mz_alert_filter;

/* {"items","total","page","page_size"}, newest first, in the actor's subtree. 400 on a bad filter.
 */
int mz_alert_list(mz_db *db, const mz_actor *actor, const mz_alert_filter *f, json_t **out,
                  mz_error *err);

/* One alert with its detail and the department record that raised it; 404 outside the subtree. */
int mz_alert_get(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err);

/*
 * A workflow step (caller's transaction, audited 'alert.<action>'):
 *   triage   triage → visiting   note (研判意见) required
 *   visit    visiting → disposing note (入户核实情况) required
 *   dispose  disposing → disposed outcome (assistance, case, referral,
 *            no_action) and note required
 *   dismiss  triage or visiting → dismissed, note required
 * Only staff of the level the alert is routed to (403), within the subtree
 * (404); 400 naming the field for a bad action, missing note or outcome; 409
 * invalid_state when the step does not apply.  *out: the alert as from _get.
 */
int mz_alert_act(mz_db *db, const mz_actor *actor, int64_t id, const char *action, const char *note,
                 const char *outcome, json_t **out, mz_error *err);

/*
 * The dashboard of the subtree region_code (NULL: the actor's region; else
 * within the actor's subtree, 400 invalid_region): open alerts by rule and by
 * county, the ageing of open alerts (0–3, 4–7, 8–15, >15 days), the average
 * and median hours of each step, and indicator 1 (动态监测覆盖率): persons who
 * are current members of households with an enrollment not stopped, and how
 * many of them appear in department data with an as-of date within the last
 * monitor.coverage_days days.
 */
int mz_monitor_dashboard(mz_db *db, const mz_actor *actor, const char *region_code, int today,
                         json_t **out, mz_error *err);

#endif
