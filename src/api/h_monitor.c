/*
 * 动态监测 over HTTP (systems/assistance/monitor.h): POST /monitoring/runs
 * runs the rules over the actor's subtree in the request's transaction, the
 * alert list, one alert with the record that raised it, the workflow actions,
 * and the dashboard's aggregates.
 */
#include <string.h>

#include "api/api.h"
#include "base/date.h"
#include "systems/assistance/monitor.h"

void mz_h_monitoring_run(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"rule", MZ_T_STRING, 0}, {NULL, 0, 0}};
    mz_error err;
    json_t *out = NULL;
    if ((req->body_len > 0 && mz_req_body(req, fields, &err) < 0) ||
        mz_monitor_run(req->db, &req->actor, req->json ? mz_body_str(req, "rule") : NULL,
                       mz_date_today(), &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_alerts_list(mz_req *req, mz_res *res)
{
    mz_error err;
    json_t *out = NULL;
    mz_alert_filter f = {.rule = mz_req_query(req, "rule"),
                         .state = mz_req_query(req, "state"),
                         .region_code = mz_req_query(req, "region")};
    if (mz_req_paging(req, &f.page, &f.page_size, &err) < 0 ||
        mz_alert_list(req->db, &req->actor, &f, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_alert_get(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_alert_get(req->db, &req->actor, id, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_alert_action(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"action", MZ_T_STRING, 1},
                                      {"note", MZ_T_TEXT, 0},
                                      {"outcome", MZ_T_STRING, 0},
                                      {NULL, 0, 0}};
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    /* Existence and scope first, so that a hidden alert is a plain 404. */
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_alert_get(req->db, &req->actor, id, &out, &err) < 0)
        goto fail;
    json_decref(out);
    out = NULL;
    if (mz_req_body(req, fields, &err) < 0 ||
        mz_alert_act(req->db, &req->actor, id, mz_body_str(req, "action"), mz_body_str(req, "note"),
                     mz_body_str(req, "outcome"), &out, &err) < 0)
        goto fail;
    mz_res_json(res, 200, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_monitoring_dashboard(mz_req *req, mz_res *res)
{
    mz_error err;
    json_t *out = NULL;
    if (mz_monitor_dashboard(req->db, &req->actor, mz_req_query(req, "region"), mz_date_today(),
                             &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}
