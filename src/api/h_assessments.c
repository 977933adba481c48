/*
 * POST /assessments: the 社会救助 calculator (试算).  The top-level fields are
 * checked here; the nested household, the policy and the rules are the
 * business system's (systems/assistance/assess.h).  Nothing is written and
 * nothing is audited, so the route needs no transaction.
 */
#include "api/api.h"
#include "systems/assistance/assess.h"

void mz_h_assessments_run(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {
        {"program", MZ_T_STRING, 1},   {"date", MZ_T_STRING, 1},      {"region", MZ_T_STRING, 0},
        {"household", MZ_T_OBJECT, 0}, {"household_id", MZ_T_INT, 0}, {"taper", MZ_T_OBJECT, 0},
        {"temporary", MZ_T_OBJECT, 0}, {"tekun", MZ_T_OBJECT, 0},     {NULL, 0, 0}};
    mz_error err;
    json_t *out = NULL;
    mz_error_clear(&err);
    if (mz_req_body(req, fields, &err) < 0 ||
        mz_assist_assess_request(req->db, &req->actor, req->arena, req->json, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}
