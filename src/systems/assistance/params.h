/*
 * The policy values the 社会救助 rules read (rules.h, mz_assist_params), for
 * one region on one date, loaded through core/policy.  Each value keeps the
 * policy row it came from (id, region prefix, effective date), so that the
 * explanation of an assessment can cite it.  This is the only place where
 * the rules meet the database.
 */
#ifndef MZ_SYSTEMS_ASSISTANCE_PARAMS_H
#define MZ_SYSTEMS_ASSISTANCE_PARAMS_H

#include "base/error.h"
#include "store/store.h"
#include "systems/assistance/rules.h"

/*
 * Fills *out with every value of mz_assist_params in force for region_code
 * (12 digits, already checked by the caller) on day (YYYY-MM-DD), and the
 * derived exempt_mask and rounding_rule.  Returns 0, or -1 with err set:
 * 404 not_found with field "program.param" (e.g. "dibao.standard_monthly")
 * when no value of that parameter is in force there on that day; 500
 * internal when a stored value does not read as its unit (a unit other than
 * the catalogue's, a list word that is no income type, an unknown rounding
 * rule) or the database fails.  *out is unspecified on error.
 */
int mz_assist_params_load(mz_db *db, const char *region_code, const char *day,
                          mz_assist_params *out, mz_error *err);

#endif
