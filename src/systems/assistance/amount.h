/*
 * The monthly amount of an enrollment under the policy in force in a month,
 * from the basis recorded at approval (core/payroll.h, mz_payroll_basis),
 * with the arithmetic of the assessment (rules.h):
 * - dibao: (standard − per-capita income) × counted members, then
 *   dibao.rounding; 0 when the standard is not above the income.
 * - tekun: standard × tekun.basic_ratio (rounded down to the fen) + the
 *   care amount of the recorded care level.
 * Other categories (dibao_single, whose amount is per covered member, and
 * dibao_taper, which keeps the enrolled amount) and an incomplete basis do
 * not determine an amount: they keep the amount fixed at approval.
 */
#ifndef MZ_SYSTEMS_ASSISTANCE_AMOUNT_H
#define MZ_SYSTEMS_ASSISTANCE_AMOUNT_H

#include <stdint.h>

#include "base/error.h"
#include "core/payroll.h"
#include "store/store.h"
#include "systems/assistance/rules.h"

/*
 * Pure: the amount of basis b under params p into *amount.  Returns 1, 0
 * when b does not determine an amount (*amount untouched), or -1 with err
 * 400 invalid_value when the arithmetic overflows int64.
 */
int mz_assist_basis_amount(const mz_payroll_basis *b, const mz_assist_params *p, int64_t *amount,
                           mz_error *err);

/*
 * The policy in force per (village, day), loaded once for one payroll run:
 * a city has some 1,400 villages, a run has one line per enrollment.  Use a
 * cache for one run only, so that a policy added later is seen by the next.
 */
typedef struct mz_assist_params_cache mz_assist_params_cache;
mz_assist_params_cache *mz_assist_params_cache_new(void);
void mz_assist_params_cache_free(mz_assist_params_cache *c); /* NULL is fine */

/*
 * The params in force for region (a village) on day through c: *out points
 * into the cache, or into own when the cache could not keep them.  0, or -1
 * with err as mz_assist_params_load sets it.
 */
int mz_assist_params_cached(mz_assist_params_cache *c, mz_db *db, const char *region,
                            const char *day, mz_assist_params *own, const mz_assist_params **out,
                            mz_error *err);

/*
 * The payroll's amount hook (mz_payroll_options.amount, with amount_arg a
 * mz_assist_params_cache or NULL): the params in force for the enrollment's
 * village on the first day of month, then mz_assist_basis_amount; out names
 * the 低保 standard and its policy row.  Returns as the hook must; a policy
 * that cannot be loaded is an error.
 */
int mz_assist_payroll_amount(void *cache, mz_db *db, const mz_payroll_basis *b, const char *month,
                             mz_payroll_amount *out, mz_error *err);

#endif
