/*
 * 低保 standard proposal (RULES.md §1, plan ch.3 §3): the monthly standard is
 * set yearly at 30–40 % of the previous year's per-capita consumption
 * expenditure.  This is a calculator for the bureau before it publishes a new
 * standard; the published figure itself is a policy row (dibao.
 * standard_monthly), entered like any other.
 *
 * Rounding, once, at the end: the monthly amount is rounded UP to the whole
 * yuan, the usual practice (standards are published in whole yuan, and
 * rounding down would put the standard below the share the plan names).
 */
#ifndef MZ_SYSTEMS_ASSISTANCE_STANDARD_H
#define MZ_SYSTEMS_ASSISTANCE_STANDARD_H

#include <jansson.h>
#include <stdint.h>

#include "base/error.h"

/* The share of consumption expenditure the plan allows, in basis points. */
#define MZ_DIBAO_STANDARD_RATIO_MIN 3000
#define MZ_DIBAO_STANDARD_RATIO_MAX 4000
/* The largest annual expenditure accepted: 100 million yuan, far above any real figure. */
#define MZ_DIBAO_STANDARD_EXPENDITURE_MAX INT64_C(10000000000)

typedef struct mz_dibao_standard {
    int64_t monthly_standard_fen; /* a whole number of yuan, in fen */
    json_t *explanation;          /* array of Chinese strings; the caller decrefs */
} mz_dibao_standard;

/*
 * monthly = ceil(expenditure_fen × ratio_bp / 10000 / 12 / 100) × 100 fen.
 * expenditure_fen (annual, per capita) must be 1..MZ_DIBAO_STANDARD_EXPENDITURE_MAX
 * (400 invalid_value, field "consumption_expenditure_annual"); ratio_bp must be
 * within 3000–4000 (400 invalid_value, field "ratio").  Pure: no database.
 */
int mz_dibao_standard_propose(int64_t expenditure_fen, int64_t ratio_bp, mz_dibao_standard *out,
                              mz_error *err);

#endif
