/*
 * Loading the 社会救助 policy values (see params.h).  The table below names
 * every value of mz_assist_params with the unit the catalogue gives it
 * (migration 002_policy.sql); a stored value of another unit is refused
 * rather than read as something it is not.
 */
#include "systems/assistance/params.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/policy.h"

static const struct {
    size_t offset;
    const char *program;
    const char *param;
    const char *unit;
} wanted[] = {
    {offsetof(mz_assist_params, dibao_standard), "dibao", "standard_monthly", "fen"},
    {offsetof(mz_assist_params, exempt_income_types), "dibao", "exempt_income_types", "list"},
    {offsetof(mz_assist_params, financial_assets_months), "dibao", "financial_assets_months",
     "int"},
    {offsetof(mz_assist_params, vehicle_limit), "dibao", "vehicle_limit", "int"},
    {offsetof(mz_assist_params, housing_limit), "dibao", "housing_limit", "int"},
    {offsetof(mz_assist_params, single_income_ratio), "dibao", "single_person_income_ratio",
     "ratio"},
    {offsetof(mz_assist_params, taper_months), "dibao", "taper_months", "int"},
    {offsetof(mz_assist_params, rounding), "dibao", "rounding", "text"},
    {offsetof(mz_assist_params, township_approval), "dibao", "township_approval", "int"},
    {offsetof(mz_assist_params, tekun_basic_ratio), "tekun", "basic_ratio", "ratio"},
    {offsetof(mz_assist_params, tekun_care_self), "tekun", "care_self", "fen"},
    {offsetof(mz_assist_params, tekun_care_half), "tekun", "care_half", "fen"},
    {offsetof(mz_assist_params, tekun_care_full), "tekun", "care_full", "fen"},
    {offsetof(mz_assist_params, edge_income_ratio), "edge", "income_ratio", "ratio"},
    {offsetof(mz_assist_params, rigid_disposable_monthly), "rigid", "disposable_income_monthly",
     "fen"},
    {offsetof(mz_assist_params, temp_multiplier_emergency), "temporary", "multiplier_emergency",
     "ratio"},
    {offsetof(mz_assist_params, temp_multiplier_expenditure), "temporary", "multiplier_expenditure",
     "ratio"},
    {offsetof(mz_assist_params, temp_cap), "temporary", "cap", "fen"},
    {offsetof(mz_assist_params, temp_township_limit), "temporary", "township_limit", "fen"},
    {offsetof(mz_assist_params, verify_income_tolerance), "dibao", "verify_income_tolerance",
     "fen"},
    {offsetof(mz_assist_params, verify_business_limit), "dibao", "verify_business_limit", "int"},
    {offsetof(mz_assist_params, verify_vehicle_exempt_kinds), "dibao",
     "verify_vehicle_exempt_kinds", "list"},
};

int mz_assist_params_load(mz_db *db, const char *region_code, const char *day,
                          mz_assist_params *out, mz_error *err)
{
    mz_policy_value v;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        mz_assist_param *p = (mz_assist_param *)((char *)out + wanted[i].offset);
        if (mz_policy_get(db, wanted[i].program, wanted[i].param, region_code, day, &v, err) < 0) {
            if (err->status == 404)
                snprintf(err->field, sizeof err->field, "%s.%s", wanted[i].program,
                         wanted[i].param);
            return -1;
        }
        if (strcmp(v.unit, wanted[i].unit) != 0)
            return mz_error_set(err, 500, "internal", NULL, "政策参数 %s.%s 的单位不是 %s",
                                wanted[i].program, wanted[i].param, wanted[i].unit);
        p->program = wanted[i].program;
        p->param = wanted[i].param;
        p->num = v.num;
        p->id = v.id;
        snprintf(p->text, sizeof p->text, "%s", v.text);
        snprintf(p->region_prefix, sizeof p->region_prefix, "%s", v.region_prefix);
        snprintf(p->effective_from, sizeof p->effective_from, "%s", v.effective_from);
    }
    if (mz_assist_income_mask(out->exempt_income_types.text, &out->exempt_mask) < 0)
        return mz_error_set(err, 500, "internal", NULL,
                            "政策参数 dibao.exempt_income_types 含有未知的收入类型：%s",
                            out->exempt_income_types.text);
    out->rounding_rule = mz_assist_enum_parse(MZ_ASSIST_E_ROUNDING, out->rounding.text);
    if (out->rounding_rule < 0)
        return mz_error_set(err, 500, "internal", NULL, "政策参数 dibao.rounding 的取值无效：%s",
                            out->rounding.text);
    return 0;
}
