/*
 * Enrollments (保障对象): a household or a person in a program (低保, 特困)
 * from a month to a month, with a monthly amount in fen.  An enrollment is
 * created only by the approval of a case, and its amount and end change only
 * through cases (调整, 终止) or a recorded death; every change is kept in
 * enrollment_changes with the case that made it.
 *
 * Status: 'in_force' (在保), 'taper' (渐退: the amount is kept until
 * to_month, then 渐退期满 ends it), 'suspended' (暂停: not paid until a
 * resumption), 'stopped' (停保).  The amount, basis and payment status are
 * kept per period in enrollment_periods (migration 008): each decision adds
 * a period from the month it takes effect, and the payroll (payroll.h) pays
 * a month from_month <= month <= to_month (or open) with the period in force
 * in that month, unless that period is 'suspended'.  So 补发 for a month
 * before an adjustment pays the old amount, and suspended months are not
 * paid, not even as back pay, unless a resumption with back pay reaches
 * back over them.
 *
 * 特困 support is personal: its enrollment names the person (and the
 * household, for the bank account).  Other programs enroll the household.
 *
 * Functions that write run in the caller's transaction and audit there.
 * Reads are limited to the actor's region subtree in SQL: outside it an
 * enrollment is 404, like one that does not exist.
 */
#ifndef MZ_CORE_ENROLLMENT_H
#define MZ_CORE_ENROLLMENT_H

#include <jansson.h>
#include <stdint.h>

#include "base/error.h"
#include "core/actor.h"
#include "core/case.h"
#include "store/store.h"

/*
 * Creates the enrollment of an approved case: case_row is the case as the
 * engine loads it (id, region_code, household_id, applicant_person_id,
 * applicant_name, data), program the case type's policy program, from_month
 * "YYYY-MM".  The amount is the case's recorded assessment,
 * data.assessment.monthly_amount_fen (1..10^11); without it 409
 * amount_missing.  The basis the payroll recomputes the amount from under
 * each month's policy (core/payroll.h) is recorded too: the assessment's
 * category, counted_members, per_capita_income_fen and care_level, each
 * NULL when absent, and all NULL for a case without a household, whose
 * assessment the caller typed rather than the calculator computed.  A case enrolls once (409
 * conflict otherwise).  Audited 'enrollment.create'.  *id_out (may be NULL) gets the new id.
 */
int mz_enrollment_create_from_case(mz_db *db, const mz_actor *actor, json_t *case_row,
                                   const char *program, const char *from_month, int64_t *id_out,
                                   mz_error *err);

/*
 * Stops, from from_month on, the enrollments in program of the case's person
 * (personal programs) or household that are not stopped yet: to_month becomes
 * the month before, status 'stopped'.  A case naming neither, or with nothing
 * enrolled, stops nothing.  Audited 'enrollment.stop' for each.  *stopped
 * (may be NULL) counts them.
 */
int mz_enrollment_stop_for_case(mz_db *db, const mz_actor *actor, json_t *case_row,
                                const char *program, const char *from_month, const char *reason,
                                int64_t *stopped, mz_error *err);

/*
 * Adjusts, from from_month on, the household's enrollments in program that
 * are not stopped (a 复核's 'adjust'): the monthly amount and the basis become
 * those of the case's recorded assessment (data.assessment, as
 * mz_enrollment_create_from_case reads it), a new period; months before
 * from_month keep their amount, also when paid later as 补发.  A suspended
 * enrollment stays suspended; one in 渐退 is in force again, open-ended.
 * 409 amount_missing without an amount in 1..10^11, 409 guard_failed when
 * the assessment is dibao_taper (that is a taper), 409 not_enrolled when
 * nothing is enrolled.  One enrollment_changes row (kind
 * 'adjust', the case id) and an audit entry 'enrollment.adjust' for each.
 * *adjusted (may be NULL) counts them.
 */
int mz_enrollment_adjust_for_case(mz_db *db, const mz_actor *actor, json_t *case_row,
                                  const char *program, const char *from_month, const char *reason,
                                  int64_t *adjusted, mz_error *err);

/*
 * 渐退 (a 复核's or an 调整's 'taper'): the case's recorded assessment must
 * be category dibao_taper (per-capita income at or above the standard, the
 * rise from employment; see systems/assistance/case_types.c for the test)
 * else 409 guard_failed; the household's enrollments in program with status
 * in_force keep their amount from from_month for policy <program>.
 * taper_months (in force for the case's region on today; 0 is 409) months:
 * status 'taper', to_month = from_month + taper_months − 1, a period 'taper'.
 * 409 not_enrolled when none is in force.  Change kind 'taper', audited
 * 'enrollment.taper'.  *tapered (may be NULL) counts them.
 */
int mz_enrollment_taper_for_case(mz_db *db, const mz_actor *actor, json_t *case_row,
                                 const char *program, const char *from_month, int today,
                                 int64_t *tapered, mz_error *err);

/*
 * 暂停: the household's enrollments in program with status in_force are not
 * paid from from_month on (status 'suspended', a period 'suspended'); the
 * reason is the action's data.reasons joined.  409 not_enrolled when none.
 * Change kind 'suspend', audited 'enrollment.suspend'.
 */
int mz_enrollment_suspend_for_case(mz_db *db, const mz_actor *actor, json_t *case_row, json_t *data,
                                   const char *program, const char *from_month, int64_t *suspended,
                                   mz_error *err);

/*
 * 恢复: the household's suspended enrollments in program are paid again
 * (status in_force, a period in_force with the amount and basis they had)
 * from from_month, or, with back_pay, from the first month of the latest
 * suspension, so that the payroll's 补发 pays the suspended months.  409
 * not_suspended when none is suspended.  Change kind 'resume', audited
 * 'enrollment.resume'.
 */
int mz_enrollment_resume_for_case(mz_db *db, const mz_actor *actor, json_t *case_row,
                                  const char *program, const char *from_month, int back_pay,
                                  const char *reason, int64_t *resumed, mz_error *err);

/*
 * Ends the exit periods over before month ("YYYY-MM"): enrollments in 渐退
 * whose to_month is before it become 'stopped', reason 渐退期满 (change kind
 * 'stop' without a case, audited 'enrollment.stop').  The payroll calls it
 * before it generates a month.
 */
int mz_enrollment_expire_tapers(mz_db *db, const mz_actor *actor, const char *month,
                                int64_t *expired, mz_error *err);

/*
 * Sets the review class of an enrollment in the actor's subtree ('A', 'B'
 * or 'C'; else 400 invalid_value "review_class"; 404 outside the subtree,
 * 409 invalid_state when stopped): a classification, not money, so a direct
 * edit, recorded as a change of kind 'classify' and audited
 * 'enrollment.classify'.  The next review day is not moved: the new class
 * counts from the next scheduling.  *out: the enrollment as from _get.
 */
int mz_enrollment_set_review_class(mz_db *db, const mz_actor *actor, int64_t id,
                                   const char *review_class, json_t **out, mz_error *err);

/*
 * Schedules the periodic reviews (复核, A Art 31): for every enrollment in
 * the actor's subtree in case_type's policy program, in force (status
 * 'in_force' or 'taper', not ended before today's month) and due
 * (next_review_on NULL or on/before today), without an open case of that
 * type for its household, creates a case_type case for the household (as
 * actor: the type's creators must list the actor's role — the command line
 * is role "cli") and sets next_review_on to today plus the months of its
 * review_class from the policy in force today for its region: review.
 * months_class_a, _b, or for class C months_class_c_urban / _c_rural by the
 * region's kind.  Idempotent within a day.  Caller's transaction.  *created
 * (may be NULL) counts the new cases.
 */
int mz_enrollment_schedule_reviews(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                                   const char *case_type, int today, int64_t *created,
                                   mz_error *err);

/*
 * Applies the recorded deaths: a personal enrollment whose person has died,
 * or a household enrollment whose current members have all died, stops from
 * the month after the (last) death.  Months already paid after that are
 * recovered by the payroll.  Audited 'enrollment.stop' for each.
 */
int mz_enrollment_apply_deaths(mz_db *db, const mz_actor *actor, int64_t *stopped, mz_error *err);

typedef struct mz_enrollment_filter {
    const char *program;     /* NULL any */
    const char *status;      /* NULL any */
    const char *region_code; /* subtree, intersected with the actor's; NULL any */
    int64_t household_id;    /* 0 any */
    int page, page_size;
} mz_enrollment_filter;

/* {"items":[enrollment…],"total","page","page_size"}, newest first. */
int mz_enrollment_list(mz_db *db, const mz_actor *actor, const mz_enrollment_filter *f,
                       json_t **out, mz_error *err);

/*
 * One enrollment with "changes" (oldest first) and "periods" (the amount
 * history, by from_month, a later decision about the same month after the
 * earlier one); 404 outside the subtree.
 */
int mz_enrollment_get(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err);

#endif
