/*
 * The HTTP API: requests and responses as plain structs, so that handlers are
 * ordinary functions that tests can call in-process (mz_api_handle) without a
 * socket; http.c is the only file that knows libmicrohttpd.
 *
 * One request = one transaction: the router opens it before a writing handler
 * and commits only when the handler answered below 400.
 */
#ifndef MZ_API_API_H
#define MZ_API_API_H

#include <jansson.h>
#include <stddef.h>

#include "base/error.h"
#include "base/mem.h"
#include "core/actor.h"
#include "core/auth.h"
#include "store/pool.h"

typedef struct mz_app {
    const char *db_url;
    mz_pool *pool;
    mz_security security;
    const char *web_root;     /* built UI (web/dist); NULL serves no UI */
    const char *openapi_path; /* docs/openapi.yaml */
    const char *data_dir;
    size_t max_body; /* bytes */
    /* Department data imports: the body limit of POST /api/v1/evidence/imports and the file
     * limit of the import (0: max_body). */
    size_t max_import_body;
    int max_json_depth;
    int cookie_secure; /* add Secure to the session cookie (behind TLS) */
} mz_app;

typedef struct mz_kv {
    const char *key;
    const char *value;
} mz_kv;

#define MZ_MAX_KV 64
#define MZ_MAX_PARAMS 4
#define MZ_MAX_HEADER_BYTES 8192 /* all request header names and values together */

typedef struct mz_req {
    mz_app *app;
    mz_arena *arena;
    mz_db *db;
    const char *method;
    const char *path;
    mz_kv query[MZ_MAX_KV];
    int nquery;
    mz_kv headers[MZ_MAX_KV];
    int nheaders;
    const char *body;
    size_t body_len;
    int body_too_large;
    char request_id[40];
    const char *params[MZ_MAX_PARAMS]; /* {x} parts of the matched route, in order */
    int nparams;
    mz_actor actor;
    int authenticated;
    int via_cookie;
    const char *session_token;
    char csrf[MZ_TOKEN_LEN + 1];
    json_t *json; /* the parsed body, owned by the request */
} mz_req;

typedef struct mz_res {
    int status;
    const char *content_type;
    mz_buf body;
    char *set_cookie;    /* one Set-Cookie value or NULL; malloc'd */
    char *file;          /* serve this file instead of body; malloc'd */
    int cache_immutable; /* static assets with hashed names */
    const char *allow;   /* Allow header of a 405, arena-owned */
    /* Content-Disposition of a download, arena-owned; NULL for none. */
    const char *disposition;
} mz_res;

void mz_req_init(mz_req *req, mz_app *app);
void mz_req_cleanup(mz_req *req);
void mz_res_init(mz_res *res);
void mz_res_cleanup(mz_res *res);

/* Routes and answers one request (see router.c). */
void mz_api_handle(mz_req *req, mz_res *res);

/* ---- helpers for handlers (respond.c) ---- */
const char *mz_req_header(const mz_req *req, const char *name); /* case-insensitive */
const char *mz_req_query(const mz_req *req, const char *name);
/* Bounded integer query parameter: default when absent, 400 invalid_parameter when bad. */
int mz_req_query_int(const mz_req *req, const char *name, long long min, long long max,
                     long long dflt, long long *out, mz_error *err);
/* page / page_size with the API's bounds. */
int mz_req_paging(const mz_req *req, int *page, int *page_size, mz_error *err);
/* A path parameter as a positive int64 id; 404 when malformed. */
int mz_req_param_id(const mz_req *req, int i, int64_t *out, mz_error *err);

/* Answers with JSON (steals j). */
void mz_res_json(mz_res *res, int status, json_t *j);
void mz_res_error(mz_res *res, const mz_error *err);
void mz_res_empty(mz_res *res, int status);
/* The content type of JSON answers, for a handler that writes its JSON into res->body itself
 * (the person profile). */
#define MZ_JSON_TYPE "application/json; charset=utf-8"

/* ---- request bodies (body.c) ---- */
/* MZ_T_TEXT is a string that may span lines (tab, CR, LF allowed); no other
 * string anywhere in a body may hold a control character. */
enum {
    MZ_T_STRING = 1,
    MZ_T_TEXT,
    MZ_T_STRING_OR_NULL,
    MZ_T_INT,
    MZ_T_BOOL,
    MZ_T_OBJECT,
    MZ_T_ARRAY
};
typedef struct mz_field {
    const char *name;
    int type;
    int required;
} mz_field;
/*
 * Parses the body into req->json: must be a JSON object, valid UTF-8, nested at
 * most max_json_depth deep, with only the listed fields, each of its type,
 * the required ones present, and every string (nested ones too) free of
 * control characters (MZ_T_TEXT fields may hold tabs and line breaks).  fields ends with {NULL}.
 */
int mz_req_body(mz_req *req, const mz_field *fields, mz_error *err);
/*
 * The same checks for an object nested in a body (known fields, types,
 * required ones, no control characters); error fields are path + "." + key,
 * e.g. "members[1].id_number" ("" for the top level).
 */
int mz_json_check(json_t *obj, const char *path, const mz_field *fields, mz_error *err);
/* The string value of a body field, or NULL when absent or null. */
const char *mz_body_str(const mz_req *req, const char *name);
/* A boolean field: -1 when absent. */
int mz_body_bool(const mz_req *req, const char *name);

/* ---- handlers (h_*.c) ---- */
typedef void (*mz_handler)(mz_req *req, mz_res *res);
void mz_h_health(mz_req *, mz_res *);
void mz_h_openapi(mz_req *, mz_res *);
void mz_h_session_create(mz_req *, mz_res *);
void mz_h_session_get(mz_req *, mz_res *);
void mz_h_session_delete(mz_req *, mz_res *);
void mz_h_session_password(mz_req *, mz_res *);
void mz_h_roles_list(mz_req *, mz_res *);
void mz_h_regions_list(mz_req *, mz_res *);
void mz_h_region_get(mz_req *, mz_res *);
void mz_h_users_list(mz_req *, mz_res *);
void mz_h_users_create(mz_req *, mz_res *);
void mz_h_user_get(mz_req *, mz_res *);
void mz_h_user_patch(mz_req *, mz_res *);
void mz_h_user_password(mz_req *, mz_res *);
void mz_h_user_token(mz_req *, mz_res *);
void mz_h_audit_list(mz_req *, mz_res *);
void mz_h_audit_verify(mz_req *, mz_res *);
void mz_h_calendar_list(mz_req *, mz_res *);
void mz_h_calendar_add(mz_req *, mz_res *);
void mz_h_assessments_run(mz_req *, mz_res *);
void mz_h_policies_list(mz_req *, mz_res *);
void mz_h_policies_resolve(mz_req *, mz_res *);
void mz_h_policies_create(mz_req *, mz_res *);
void mz_h_policies_dibao_standard(mz_req *, mz_res *);
void mz_h_persons_list(mz_req *, mz_res *);
void mz_h_persons_create(mz_req *, mz_res *);
void mz_h_person_get(mz_req *, mz_res *);
void mz_h_person_patch(mz_req *, mz_res *);
void mz_h_person_id_number(mz_req *, mz_res *);
void mz_h_person_profile(mz_req *, mz_res *);
void mz_h_households_list(mz_req *, mz_res *);
void mz_h_households_create(mz_req *, mz_res *);
void mz_h_household_get(mz_req *, mz_res *);
void mz_h_household_patch(mz_req *, mz_res *);
void mz_h_household_profile(mz_req *, mz_res *);
void mz_h_household_member_add(mz_req *, mz_res *);
void mz_h_household_member_leave(mz_req *, mz_res *);
void mz_h_household_income_add(mz_req *, mz_res *);
void mz_h_household_employment_cost_add(mz_req *, mz_res *);
void mz_h_household_asset_add(mz_req *, mz_res *);
void mz_h_household_expenditure_add(mz_req *, mz_res *);
void mz_h_household_item_end(mz_req *, mz_res *);
void mz_h_household_snapshot(mz_req *, mz_res *);
void mz_h_cases_list(mz_req *, mz_res *);
void mz_h_cases_create(mz_req *, mz_res *);
void mz_h_case_get(mz_req *, mz_res *);
void mz_h_case_action(mz_req *, mz_res *);
void mz_h_case_attachment_add(mz_req *, mz_res *);
void mz_h_case_attachment_get(mz_req *, mz_res *);
void mz_h_case_objection_add(mz_req *, mz_res *);
void mz_h_inbox(mz_req *, mz_res *);
/* Decision notices and whole-process time limits of cases (h_cases.c). */
void mz_h_case_notices(mz_req *, mz_res *);
void mz_h_case_notice_pdf(mz_req *, mz_res *);
void mz_h_case_notice_serve(mz_req *, mz_res *);
void mz_h_case_extension(mz_req *, mz_res *);
void mz_h_enrollments_list(mz_req *, mz_res *);
void mz_h_enrollment_get(mz_req *, mz_res *);
void mz_h_payroll_runs_create(mz_req *, mz_res *);
void mz_h_payroll_runs_list(mz_req *, mz_res *);
void mz_h_payroll_run_get(mz_req *, mz_res *);
void mz_h_payroll_lines(mz_req *, mz_res *);
void mz_h_payroll_approve(mz_req *, mz_res *);
void mz_h_payroll_export_csv(mz_req *, mz_res *);
void mz_h_payroll_export_xlsx(mz_req *, mz_res *);
/* Enrollment lifecycle (h_enrollments.c) */
void mz_h_enrollment_patch(mz_req *, mz_res *);
void mz_h_reviews_schedule(mz_req *, mz_res *);
/* Department data (部门数据) import: h_evidence.c */
void mz_h_evidence_templates(mz_req *, mz_res *);
void mz_h_evidence_template_get(mz_req *, mz_res *);
void mz_h_evidence_import(mz_req *, mz_res *);
void mz_h_evidence_imports_list(mz_req *, mz_res *);
void mz_h_evidence_import_get(mz_req *, mz_res *);
void mz_h_evidence_errors_csv(mz_req *, mz_res *);
void mz_h_evidence_errors_xlsx(mz_req *, mz_res *);
/* 掌上办: resident accounts, online applications and their intake (h_resident.c) */
void mz_h_resident_register(mz_req *, mz_res *);
void mz_h_resident_account(mz_req *, mz_res *);
void mz_h_resident_regions(mz_req *, mz_res *);
void mz_h_resident_applications_create(mz_req *, mz_res *);
void mz_h_resident_applications_list(mz_req *, mz_res *);
void mz_h_resident_application_get(mz_req *, mz_res *);
void mz_h_resident_attachment_add(mz_req *, mz_res *);
void mz_h_resident_notice_pdf(mz_req *, mz_res *);
void mz_h_online_applications_list(mz_req *, mz_res *);
void mz_h_online_application_get(mz_req *, mz_res *);
void mz_h_online_attachment_get(mz_req *, mz_res *);
void mz_h_online_application_return(mz_req *, mz_res *);
void mz_h_online_application_accept(mz_req *, mz_res *);
/* 动态监测: monitoring runs, alerts and their workflow, the dashboard (h_monitor.c) */
void mz_h_monitoring_run(mz_req *, mz_res *);
void mz_h_monitoring_dashboard(mz_req *, mz_res *);
void mz_h_alerts_list(mz_req *, mz_res *);
void mz_h_alert_get(mz_req *, mz_res *);
void mz_h_alert_action(mz_req *, mz_res *);

/* 家庭经济状况核对: reports and batch re-verification (h_verification.c) */
void mz_h_verification_run(mz_req *, mz_res *);
void mz_h_verifications_list(mz_req *, mz_res *);
void mz_h_verification_get(mz_req *, mz_res *);
void mz_h_verification_batches_create(mz_req *, mz_res *);
void mz_h_verification_batches_list(mz_req *, mz_res *);
void mz_h_verification_batch_get(mz_req *, mz_res *);
void mz_h_verification_preview(mz_req *, mz_res *);
/* ---- the server (http.c) ---- */
/* Serves until SIGINT/SIGTERM.  listen is "host:port".  Returns 0 or -1. */
int mz_http_serve(mz_app *app, const char *listen, int threads);

#endif
