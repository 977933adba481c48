/*
 * The router: matches a request to a route, authenticates (session cookie
 * with CSRF for writes, or bearer token), checks the route's permission in
 * one place, runs the handler inside one transaction for writes, and maps
 * every failure to the API's error body.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"

enum {
    R_PUBLIC = 1,    /* no authentication */
    R_WRITE = 2,     /* runs in a transaction; CSRF checked for cookie sessions */
    R_OWN_TX = 4,    /* handler manages its own transactions */
    R_PW_CHANGE = 8, /* allowed while the user must change the password */
    R_READ = 16,     /* only reads: its statements share one read snapshot (mz_db_begin_read) */
    R_AUDITED = 32,  /* a read that is audited (a download, a full ID number): runs in a
                      * transaction committed after the handler, like a write, without CSRF */
};

struct route {
    const char *method;
    const char *pattern;
    mz_handler fn;
    const char *perm; /* NULL: any authenticated user */
    int flags;
};

static const struct route routes[] = {
    {"GET", "/api/v1/health", mz_h_health, NULL, R_PUBLIC},
    {"GET", "/api/v1/openapi.yaml", mz_h_openapi, NULL, R_PUBLIC},
    {"POST", "/api/v1/session", mz_h_session_create, NULL, R_PUBLIC | R_OWN_TX},
    {"GET", "/api/v1/session", mz_h_session_get, NULL, R_PW_CHANGE},
    {"DELETE", "/api/v1/session", mz_h_session_delete, NULL, R_WRITE | R_PW_CHANGE},
    {"POST", "/api/v1/session/password", mz_h_session_password, NULL, R_WRITE | R_PW_CHANGE},
    {"GET", "/api/v1/roles", mz_h_roles_list, "sys:role:read", 0},
    {"GET", "/api/v1/regions", mz_h_regions_list, "sys:region:read", 0},
    {"GET", "/api/v1/regions/{code}", mz_h_region_get, "sys:region:read", 0},
    {"GET", "/api/v1/users", mz_h_users_list, "sys:user:read", 0},
    {"POST", "/api/v1/users", mz_h_users_create, "sys:user:create", R_WRITE},
    {"GET", "/api/v1/users/{id}", mz_h_user_get, "sys:user:read", 0},
    {"PATCH", "/api/v1/users/{id}", mz_h_user_patch, "sys:user:update", R_WRITE},
    {"POST", "/api/v1/users/{id}/password", mz_h_user_password, "sys:user:reset_password", R_WRITE},
    {"POST", "/api/v1/users/{id}/tokens", mz_h_user_token, "sys:token:create", R_WRITE},
    {"GET", "/api/v1/audit", mz_h_audit_list, "sys:audit:read", 0},
    {"GET", "/api/v1/audit/verify", mz_h_audit_verify, "sys:audit:verify", 0},
    {"GET", "/api/v1/calendar", mz_h_calendar_list, "sys:calendar:read", 0},
    {"GET", "/api/v1/calendar/add-workdays", mz_h_calendar_add, "sys:calendar:read", 0},
    {"POST", "/api/v1/assessments", mz_h_assessments_run, "assist:assessment:run", 0},
    {"GET", "/api/v1/policies", mz_h_policies_list, "policy:param:read", 0},
    {"POST", "/api/v1/policies", mz_h_policies_create, "policy:param:create", R_WRITE},
    {"GET", "/api/v1/policies/resolve", mz_h_policies_resolve, "policy:param:read", 0},
    {"POST", "/api/v1/policies/dibao-standard-proposal", mz_h_policies_dibao_standard,
     "policy:param:read", 0},
    {"GET", "/api/v1/persons", mz_h_persons_list, "registry:person:read", 0},
    {"POST", "/api/v1/persons", mz_h_persons_create, "registry:person:create", R_WRITE},
    {"GET", "/api/v1/persons/{id}", mz_h_person_get, "registry:person:read", R_READ},
    {"PATCH", "/api/v1/persons/{id}", mz_h_person_patch, "registry:person:update", R_WRITE},
    /* Audited reads of full ID numbers: the handlers open their own transaction. */
    {"GET", "/api/v1/persons/{id}/id-number", mz_h_person_id_number, "registry:person:view_id", 0},
    {"GET", "/api/v1/persons/{id}/profile", mz_h_person_profile, "registry:person:read", R_READ},
    {"GET", "/api/v1/households", mz_h_households_list, "registry:household:read", 0},
    {"POST", "/api/v1/households", mz_h_households_create, "registry:household:create", R_WRITE},
    {"GET", "/api/v1/households/{id}", mz_h_household_get, "registry:household:read", R_READ},
    {"PATCH", "/api/v1/households/{id}", mz_h_household_patch, "registry:household:update",
     R_WRITE},
    {"GET", "/api/v1/households/{id}/profile", mz_h_household_profile, "registry:household:read",
     0},
    {"GET", "/api/v1/households/{id}/snapshot", mz_h_household_snapshot, "registry:person:view_id",
     0},
    {"POST", "/api/v1/households/{id}/members", mz_h_household_member_add,
     "registry:household:update", R_WRITE},
    {"POST", "/api/v1/households/{id}/members/{person_id}/leave", mz_h_household_member_leave,
     "registry:household:update", R_WRITE},
    {"POST", "/api/v1/households/{id}/incomes", mz_h_household_income_add,
     "registry:household:update", R_WRITE},
    {"POST", "/api/v1/households/{id}/employment-costs", mz_h_household_employment_cost_add,
     "registry:household:update", R_WRITE},
    {"POST", "/api/v1/households/{id}/assets", mz_h_household_asset_add,
     "registry:household:update", R_WRITE},
    {"POST", "/api/v1/households/{id}/expenditures", mz_h_household_expenditure_add,
     "registry:household:update", R_WRITE},
    {"POST", "/api/v1/households/{id}/items/{kind}/{item_id}/end", mz_h_household_item_end,
     "registry:household:update", R_WRITE},
    {"GET", "/api/v1/cases", mz_h_cases_list, "case:case:read", R_READ},
    {"POST", "/api/v1/cases", mz_h_cases_create, "case:case:create", R_WRITE},
    {"GET", "/api/v1/cases/{id}", mz_h_case_get, "case:case:read", R_READ},
    {"POST", "/api/v1/cases/{id}/actions", mz_h_case_action, "case:case:act", R_WRITE},
    {"POST", "/api/v1/cases/{id}/attachments", mz_h_case_attachment_add, "case:case:act", R_WRITE},
    /* An audited read. */
    {"GET", "/api/v1/cases/{id}/attachments/{aid}", mz_h_case_attachment_get, "case:case:read",
     R_AUDITED},
    {"POST", "/api/v1/cases/{id}/objections", mz_h_case_objection_add, "case:case:act", R_WRITE},
    {"GET", "/api/v1/inbox", mz_h_inbox, "case:case:read", R_READ},
    /* Decision notices (the PDF download is an audited read) and the
     * whole-process time limit's extension. */
    {"GET", "/api/v1/cases/{id}/notices", mz_h_case_notices, "case:case:read", 0},
    {"GET", "/api/v1/cases/{id}/notices/{file}", mz_h_case_notice_pdf, "case:case:read", R_AUDITED},
    {"POST", "/api/v1/cases/{id}/notices/{nid}/service", mz_h_case_notice_serve, "case:case:act",
     R_WRITE},
    {"POST", "/api/v1/cases/{id}/extension", mz_h_case_extension, "case:case:act", R_WRITE},
    {"GET", "/api/v1/enrollments", mz_h_enrollments_list, "assist:enrollment:read", 0},
    {"GET", "/api/v1/enrollments/{id}", mz_h_enrollment_get, "assist:enrollment:read", 0},
    {"POST", "/api/v1/payroll/runs", mz_h_payroll_runs_create, "payroll:run:create",
     R_WRITE | R_OWN_TX},
    {"GET", "/api/v1/payroll/runs", mz_h_payroll_runs_list, "payroll:run:read", 0},
    {"GET", "/api/v1/payroll/runs/{month}", mz_h_payroll_run_get, "payroll:run:read", 0},
    {"GET", "/api/v1/payroll/runs/{month}/lines", mz_h_payroll_lines, "payroll:run:read", 0},
    {"POST", "/api/v1/payroll/runs/{month}/approve", mz_h_payroll_approve, "payroll:run:approve",
     R_WRITE},
    /* Downloads: the handler opens its own transaction (the export is marked and audited). */
    {"GET", "/api/v1/payroll/runs/{month}/export.csv", mz_h_payroll_export_csv,
     "payroll:run:export", R_OWN_TX},
    {"GET", "/api/v1/payroll/runs/{month}/export.xlsx", mz_h_payroll_export_xlsx,
     "payroll:run:export", R_OWN_TX},
    /* Enrollment lifecycle: review class, scheduling the due reviews. */
    {"PATCH", "/api/v1/enrollments/{id}", mz_h_enrollment_patch, "assist:enrollment:classify",
     R_WRITE},
    {"POST", "/api/v1/reviews/schedule", mz_h_reviews_schedule, "assist:review:schedule", R_WRITE},
    /* Department data (部门数据) import.  The import's body is the file (http.c allows it
     * max_import_bytes); the error reports are audited downloads. */
    {"GET", "/api/v1/evidence/templates", mz_h_evidence_templates, "evidence:import:read", 0},
    {"GET", "/api/v1/evidence/templates/{file}", mz_h_evidence_template_get, "evidence:import:read",
     0},
    {"POST", "/api/v1/evidence/imports", mz_h_evidence_import, "evidence:import:create", R_WRITE},
    {"GET", "/api/v1/evidence/imports", mz_h_evidence_imports_list, "evidence:import:read", 0},
    {"GET", "/api/v1/evidence/imports/{id}", mz_h_evidence_import_get, "evidence:import:read", 0},
    {"GET", "/api/v1/evidence/imports/{id}/errors.csv", mz_h_evidence_errors_csv,
     "evidence:import:read", R_AUDITED},
    {"GET", "/api/v1/evidence/imports/{id}/errors.xlsx", mz_h_evidence_errors_xlsx,
     "evidence:import:read", R_AUDITED},
    /* 动态监测: the rules' runs, the alerts and their workflow, the dashboard. */
    {"POST", "/api/v1/monitoring/runs", mz_h_monitoring_run, "monitor:run:create", R_WRITE},
    {"GET", "/api/v1/monitoring/dashboard", mz_h_monitoring_dashboard, "monitor:alert:read", 0},
    {"GET", "/api/v1/alerts", mz_h_alerts_list, "monitor:alert:read", 0},
    {"GET", "/api/v1/alerts/{id}", mz_h_alert_get, "monitor:alert:read", 0},
    {"POST", "/api/v1/alerts/{id}/actions", mz_h_alert_action, "monitor:alert:act", R_WRITE},
    /* 掌上办: residents register (own transactions: the attempt counts whatever
     * the outcome), apply online and follow; staff take online applications in. */
    {"POST", "/api/v1/resident/register", mz_h_resident_register, NULL, R_PUBLIC | R_OWN_TX},
    {"GET", "/api/v1/resident/account", mz_h_resident_account, "resident:application:read", 0},
    {"GET", "/api/v1/resident/regions", mz_h_resident_regions, "resident:application:create", 0},
    {"POST", "/api/v1/resident/applications", mz_h_resident_applications_create,
     "resident:application:create", R_WRITE},
    {"GET", "/api/v1/resident/applications", mz_h_resident_applications_list,
     "resident:application:read", 0},
    {"GET", "/api/v1/resident/applications/{id}", mz_h_resident_application_get,
     "resident:application:read", 0},
    {"POST", "/api/v1/resident/applications/{id}/attachments", mz_h_resident_attachment_add,
     "resident:application:create", R_WRITE},
    /* The decision notice of the resident's own case: an audited read. */
    {"GET", "/api/v1/resident/applications/{id}/notices/{file}", mz_h_resident_notice_pdf,
     "resident:application:read", R_AUDITED},
    {"GET", "/api/v1/online-applications", mz_h_online_applications_list,
     "assist:online_application:read", 0},
    {"GET", "/api/v1/online-applications/{id}", mz_h_online_application_get,
     "assist:online_application:read", 0},
    /* An audited read. */
    {"GET", "/api/v1/online-applications/{id}/attachments/{aid}", mz_h_online_attachment_get,
     "assist:online_application:read", R_AUDITED},
    {"POST", "/api/v1/online-applications/{id}/return", mz_h_online_application_return,
     "assist:online_application:handle", R_WRITE},
    {"POST", "/api/v1/online-applications/{id}/accept", mz_h_online_application_accept,
     "assist:online_application:handle", R_WRITE},
    /* 家庭经济状况核对 (h_verification.c): a case's versioned reports, their PDF (an
     * audited download), batch re-verification jobs. */
    {"POST", "/api/v1/cases/{id}/verification", mz_h_verification_run, "assist:verification:run",
     R_WRITE},
    {"GET", "/api/v1/cases/{id}/verifications", mz_h_verifications_list, "assist:verification:read",
     0},
    {"GET", "/api/v1/cases/{id}/verifications/{file}", mz_h_verification_get,
     "assist:verification:read", R_AUDITED},
    {"POST", "/api/v1/verification/batches", mz_h_verification_batches_create,
     "assist:verification:batch", R_WRITE | R_OWN_TX},
    {"GET", "/api/v1/verification/batches", mz_h_verification_batches_list,
     "assist:verification:read", 0},
    {"GET", "/api/v1/verification/batches/{id}", mz_h_verification_batch_get,
     "assist:verification:read", 0},
    /* 预核对: the batch's matching, nothing stored (no write: no transaction, no CSRF). */
    {"POST", "/api/v1/verification/previews", mz_h_verification_preview,
     "assist:verification:batch", 0},
};

/* Matches path against pattern, collecting {x} parts into req->params. */
static int match(const char *pattern, const char *path, mz_req *req)
{
    const char *p = pattern, *s = path;
    int n = 0;
    while (*p && *s) {
        if (*p == '{') {
            const char *end = strchr(s, '/');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            if (len == 0 || n >= MZ_MAX_PARAMS)
                return 0;
            req->params[n++] = mz_arena_strndup(req->arena, s, len);
            s += len;
            p = strchr(p, '}') + 1;
        } else if (*p++ != *s++) {
            return 0;
        }
    }
    if (*p || *s)
        return 0;
    req->nparams = n;
    return 1;
}

static const char *cookie_value(const mz_req *req, const char *name, char *buf, size_t len)
{
    const char *c = mz_req_header(req, "Cookie");
    size_t nl = strlen(name);
    while (c && *c) {
        while (*c == ' ' || *c == ';')
            c++;
        if (strncmp(c, name, nl) == 0 && c[nl] == '=') {
            const char *v = c + nl + 1, *end = strchr(v, ';');
            size_t vl = end ? (size_t)(end - v) : strlen(v);
            if (vl >= len)
                return NULL;
            memcpy(buf, v, vl);
            buf[vl] = '\0';
            return buf;
        }
        c = strchr(c, ';');
    }
    return NULL;
}

static int authenticate(mz_req *req, int write, mz_error *err)
{
    const char *auth = mz_req_header(req, "Authorization");
    mz_app *app = req->app;
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
        if (mz_auth_bearer(req->db, auth + 7, &req->actor, err) < 0)
            return -1;
    } else {
        char buf[MZ_TOKEN_LEN + 2];
        const char *tok = cookie_value(req, "mz_session", buf, sizeof buf);
        if (tok == NULL)
            return mz_error_set(err, 401, "unauthenticated", NULL,
                                "未登录或登录已过期，请重新登录");
        if (mz_auth_session(req->db, &app->security, tok, &req->actor, req->csrf, err) < 0)
            return -1;
        req->via_cookie = 1;
        req->session_token = mz_arena_strdup(req->arena, tok);
        if (write) {
            const char *h = mz_req_header(req, "X-CSRF-Token");
            if (h == NULL || strcmp(h, req->csrf) != 0)
                return mz_error_set(err, 403, "csrf_failed", NULL,
                                    "请求校验失败（缺少或错误的 X-CSRF-Token），请刷新页面后重试");
        }
    }
    req->authenticated = 1;
    snprintf(req->actor.request_id, sizeof req->actor.request_id, "%s", req->request_id);
    return 0;
}

static void dispatch(mz_req *req, mz_res *res, const struct route *r)
{
    mz_error err;
    mz_error_clear(&err);
    int write = (r->flags & R_WRITE) != 0, tx = write || (r->flags & R_AUDITED);
    char dberr[256];

    req->db = mz_pool_get(req->app->pool, dberr, sizeof dberr);
    if (req->db == NULL) {
        mz_error_internal(&err, dberr);
        mz_res_error(res, &err);
        return;
    }
    /* A read-only route's statements, the session's or token's included, share one read
     * snapshot (on SQLite one WAL read lock, not one per statement). */
    if (r->flags & R_READ)
        mz_db_begin_read(req->db);
    if (!(r->flags & R_PUBLIC)) {
        if (authenticate(req, write || strcmp(req->method, "GET") != 0, &err) < 0)
            goto fail;
        if (req->actor.must_change_password && !(r->flags & R_PW_CHANGE)) {
            mz_error_set(&err, 403, "password_change_required", NULL, "请先修改初始密码");
            goto fail;
        }
        if (r->perm && !mz_actor_can(&req->actor, r->perm)) {
            mz_error_set(&err, 403, "forbidden", NULL, "您没有执行此操作的权限");
            goto fail;
        }
    } else {
        snprintf(req->actor.request_id, sizeof req->actor.request_id, "%s", req->request_id);
    }
    if (tx && !(r->flags & R_OWN_TX)) {
        if (mz_db_begin(req->db) < 0) {
            mz_error_internal(&err, mz_db_errmsg(req->db));
            goto fail;
        }
        r->fn(req, res);
        if (res->status < 400) {
            int rc = mz_db_commit(req->db);
            if (rc < 0) {
                mz_db_rollback(req->db);
                mz_res_cleanup(res);
                mz_res_init(res);
                if (rc == MZ_DB_BUSY)
                    mz_error_set(&err, 503, "busy", NULL, "系统繁忙，请稍后重试");
                else
                    mz_error_internal(&err, mz_db_errmsg(req->db));
                goto fail;
            }
        } else {
            mz_db_rollback(req->db);
        }
    } else {
        if (r->flags & R_READ)
            mz_db_begin_read(req->db);
        r->fn(req, res);
        mz_db_end_read(req->db);
    }
    mz_pool_put(req->app->pool, req->db, res->status >= 500);
    req->db = NULL;
    return;
fail:
    mz_db_end_read(req->db);
    mz_res_error(res, &err);
    mz_pool_put(req->app->pool, req->db, err.status >= 500);
    req->db = NULL;
}

void mz_api_handle(mz_req *req, mz_res *res)
{
    mz_error err;
    mz_buf allow;
    mz_buf_init(&allow);
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (!match(routes[i].pattern, req->path, req))
            continue;
        if (strcmp(routes[i].method, req->method) == 0) {
            mz_buf_cleanup(&allow);
            dispatch(req, res, &routes[i]);
            return;
        }
        mz_buf_printf(&allow, "%s%s", allow.len ? ", " : "", routes[i].method);
    }
    if (allow.len) {
        mz_error_set(&err, 405, "method_not_allowed", NULL, "不支持的请求方法：%s", req->method);
        res->allow = mz_arena_strdup(req->arena, allow.data);
        mz_buf_cleanup(&allow);
    } else
        mz_error_set(&err, 404, "not_found", NULL, "接口不存在：%s", req->path);
    mz_res_error(res, &err);
}
