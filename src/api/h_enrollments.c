/*
 * The enrollment lifecycle over HTTP (core/enrollment.h): PATCH
 * /enrollments/{id} sets the review class (a classification, not money: a
 * direct audited edit), POST /reviews/schedule creates the 低保复核 cases due
 * today in the actor's subtree — what `minzheng review schedule` does for
 * the whole city.  Both run in the request's transaction.
 */
#include "api/api.h"
#include "base/date.h"
#include "core/enrollment.h"
#include "systems/assistance/case_types.h"

void mz_h_enrollment_patch(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"review_class", MZ_T_STRING, 1}, {NULL, 0, 0}};
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    /* Existence and scope first, so that a hidden enrollment is a plain 404. */
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_enrollment_get(req->db, &req->actor, id, &out, &err) < 0)
        goto fail;
    json_decref(out);
    out = NULL;
    if (mz_req_body(req, fields, &err) < 0 ||
        mz_enrollment_set_review_class(req->db, &req->actor, id, mz_body_str(req, "review_class"),
                                       &out, &err) < 0)
        goto fail;
    mz_res_json(res, 200, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_reviews_schedule(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{NULL, 0, 0}};
    mz_error err;
    int64_t created = 0;
    char day[11];
    int today = mz_date_today();
    /* No parameters: an empty body or {}. */
    if ((req->body_len > 0 && mz_req_body(req, fields, &err) < 0) ||
        mz_enrollment_schedule_reviews(req->db, mz_assist_case_registry(), &req->actor,
                                       mz_assist_case_dibao_review.code, today, &created,
                                       &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_date_format(today, day);
    mz_res_json(res, 200,
                json_pack("{s:s,s:s,s:I}", "date", day, "case_type",
                          mz_assist_case_dibao_review.code, "created", (json_int_t)created));
}
