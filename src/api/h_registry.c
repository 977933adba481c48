/*
 * /persons and /households: the registry (一户一档, 一人一档).  Bodies are
 * checked here down to nested members ("members[1].id_number"), turned into
 * the core's input structs, and handed to core/person.c and core/household.c,
 * which check meaning and scope.  A record outside the caller's subtree is
 * looked up before the body is read, so that it answers 404 whatever the
 * body.  The two answers that carry full ID numbers (GET
 * /persons/{id}/id-number and the household snapshot) audit the view in their
 * own transaction.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/household.h"
#include "core/person.h"
#include "base/date.h"
#include "base/json.h"
#include "core/case.h"
#include "systems/assistance/case_types.h"

/* ---- nested bodies ------------------------------------------------------------ */

/* mz_json_check for an object nested at prefix ("members[1]." with its dot). */
static int check_object(json_t *obj, const mz_field *fields, const char *prefix, mz_error *err)
{
    char path[64];
    size_t n = strlen(prefix);
    snprintf(path, sizeof path, "%.*s", (int)(n > 0 && prefix[n - 1] == '.' ? n - 1 : n), prefix);
    return mz_json_check(obj, path, fields, err);
}

#define PERSON_ATTRIBUTE_FIELDS                                                                    \
    {"name", MZ_T_STRING, 0}, {"disability_kind", MZ_T_STRING_OR_NULL, 0},                         \
        {"disability_grade", MZ_T_INT, 0}, {"labour_capacity", MZ_T_STRING, 0},                    \
        {"serious_illness", MZ_T_BOOL, 0}, {"self_care_unable", MZ_T_INT, 0},                      \
        {"self_care_unable_activities", MZ_T_ARRAY, 0}, {"in_school", MZ_T_BOOL, 0},               \
        {"detained", MZ_T_BOOL, 0}, {"missing", MZ_T_BOOL, 0},                                     \
    {                                                                                              \
        "supporter_able", MZ_T_BOOL, 0                                                             \
    }
#define PERSON_IDENTITY_FIELDS                                                                     \
    {"id_number", MZ_T_STRING, 0}, {"gender", MZ_T_STRING, 0},                                     \
    {                                                                                              \
        "birth_date", MZ_T_STRING, 0                                                               \
    }

static const mz_field person_create_fields[] = {
    PERSON_IDENTITY_FIELDS, PERSON_ATTRIBUTE_FIELDS, {NULL, 0, 0}};
static const mz_field person_patch_fields[] = {
    PERSON_ATTRIBUTE_FIELDS, {"deceased_on", MZ_T_STRING_OR_NULL, 0}, {NULL, 0, 0}};
static const mz_field head_fields[] = {
    {"person_id", MZ_T_INT, 0}, PERSON_IDENTITY_FIELDS, PERSON_ATTRIBUTE_FIELDS, {NULL, 0, 0}};
static const mz_field member_fields[] = {
    {"person_id", MZ_T_INT, 0}, {"relation", MZ_T_STRING, 1}, {"joined_on", MZ_T_STRING, 0},
    PERSON_IDENTITY_FIELDS,     PERSON_ATTRIBUTE_FIELDS,      {NULL, 0, 0}};

/* A small integer from JSON; anything outside ±1000 becomes 1000, which every
 * range check refuses (and never the "not given" -1). */
static int small_int(json_t *v)
{
    json_int_t n = json_integer_value(v);
    return n >= 0 && n <= 1000 ? (int)n : 1000;
}

static int flag(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return v ? json_is_true(v) : -1;
}

/* Fills a person input from a type-checked object; activity codes are
 * checked here since they are a list. */
static int person_from_json(json_t *o, const char *prefix, mz_person_input *in, mz_error *err)
{
    json_t *v;
    char f[64];
    mz_person_input_init(in);
    in->field_prefix = prefix;
    in->id_number = json_string_value(json_object_get(o, "id_number"));
    in->name = json_string_value(json_object_get(o, "name"));
    in->gender = json_string_value(json_object_get(o, "gender"));
    in->birth_date = json_string_value(json_object_get(o, "birth_date"));
    if (json_object_get(o, "disability_kind")) {
        in->disability_set = 1;
        in->disability_kind = json_string_value(json_object_get(o, "disability_kind"));
        if ((v = json_object_get(o, "disability_grade")))
            in->disability_grade = small_int(v);
        else if (in->disability_kind) {
            snprintf(f, sizeof f, "%sdisability_grade", prefix);
            return mz_error_set(err, 400, "missing_field", f, "填写残疾类别时须填写残疾等级");
        }
    } else if (json_object_get(o, "disability_grade")) {
        snprintf(f, sizeof f, "%sdisability_kind", prefix);
        return mz_error_set(err, 400, "missing_field", f, "填写残疾等级时须填写残疾类别");
    }
    in->labour_capacity = json_string_value(json_object_get(o, "labour_capacity"));
    in->serious_illness = flag(o, "serious_illness");
    if ((v = json_object_get(o, "self_care_unable")))
        in->self_care_unable = small_int(v);
    if ((v = json_object_get(o, "self_care_unable_activities"))) {
        size_t i;
        json_t *a;
        in->self_care_set = 1;
        json_array_foreach(v, i, a)
        {
            int k = json_is_string(a) ? mz_person_activity_index(json_string_value(a)) : -1;
            if (k < 0 || (in->self_care_activities & (1u << k))) {
                snprintf(f, sizeof f, "%sself_care_unable_activities[%zu]", prefix, i);
                return mz_error_set(err, 400, "invalid_value", f,
                                    "日常活动须为 eating、dressing、transfer、toileting、"
                                    "walking、bathing 之一，且不能重复");
            }
            in->self_care_activities |= 1u << k;
        }
    }
    in->in_school = flag(o, "in_school");
    in->detained = flag(o, "detained");
    in->missing = flag(o, "missing");
    in->supporter_able = flag(o, "supporter_able");
    if ((v = json_object_get(o, "deceased_on"))) {
        in->deceased_set = 1;
        in->deceased_on = json_string_value(v);
    }
    return 0;
}

/* A member object (head or one of members[]) into m; prefix is kept in the
 * arena so that errors raised later can name it. */
static int member_from_json(mz_req *req, json_t *o, const char *prefix, int is_head,
                            mz_member_input *m, mz_error *err)
{
    char f[64];
    memset(m, 0, sizeof *m);
    m->field_prefix = mz_arena_strdup(req->arena, prefix);
    if (!json_is_object(o)) {
        snprintf(f, sizeof f, "%.*s", (int)strlen(prefix) - 1, prefix);
        return mz_error_set(err, 400, "invalid_type", f, "字段 %s 须为对象", f);
    }
    if (check_object(o, is_head ? head_fields : member_fields, m->field_prefix, err) < 0 ||
        person_from_json(o, m->field_prefix, &m->person, err) < 0)
        return -1;
    json_t *pid = json_object_get(o, "person_id");
    if (pid) {
        const char *other = NULL;
        const char *k;
        json_t *v;
        json_object_foreach(o, k, v)
        {
            if (strcmp(k, "person_id") != 0 && strcmp(k, "relation") != 0 &&
                strcmp(k, "joined_on") != 0)
                other = k;
        }
        snprintf(f, sizeof f, "%s%s", m->field_prefix, other ? other : "person_id");
        if (other)
            return mz_error_set(err, 400, "invalid_value", f,
                                "选择已登记人员（person_id）时不能同时填写人员信息");
        if (json_integer_value(pid) <= 0)
            return mz_error_set(err, 400, "invalid_value", f, "人员不存在");
        m->person_id = (int64_t)json_integer_value(pid);
    } else if (json_object_get(o, "id_number") == NULL || json_object_get(o, "name") == NULL) {
        snprintf(f, sizeof f, "%s%s", m->field_prefix,
                 json_object_get(o, "id_number") == NULL ? "id_number" : "name");
        return mz_error_set(err, 400, "missing_field", f,
                            "须选择已登记人员（person_id）或填写身份证号和姓名");
    }
    m->relation = is_head ? "self" : json_string_value(json_object_get(o, "relation"));
    m->joined_on = json_string_value(json_object_get(o, "joined_on"));
    return 0;
}

/* New persons need registry:person:create as well. */
static int can_create_person(const mz_req *req, const mz_member_input *m, mz_error *err)
{
    if (m->person_id == 0 && !mz_actor_can(&req->actor, "registry:person:create"))
        return mz_error_set(err, 403, "forbidden", NULL, "您没有执行此操作的权限");
    return 0;
}

static int check_q(const char *q, mz_error *err)
{
    if (q && strlen(q) > 64)
        return mz_error_set(err, 400, "invalid_parameter", "q", "搜索内容不能超过64个字符");
    return 0;
}

/* Ends a handler's own transaction: commits when rc is 0, else rolls back. */
static int commit_or_fail(mz_req *req, int rc, mz_error *err)
{
    if (rc < 0) {
        mz_db_rollback(req->db);
        return -1;
    }
    int c = mz_db_commit(req->db);
    if (c < 0) {
        mz_db_rollback(req->db);
        if (c == MZ_DB_BUSY)
            return mz_error_set(err, 503, "busy", NULL, "系统繁忙，请稍后重试");
        return mz_error_internal(err, mz_db_errmsg(req->db));
    }
    return 0;
}

/* ---- /persons ----------------------------------------------------------------------- */

void mz_h_persons_list(mz_req *req, mz_res *res)
{
    mz_error err;
    mz_person_filter f = {.q = mz_req_query(req, "q")};
    json_t *out = NULL;
    if (mz_req_paging(req, &f.page, &f.page_size, &err) < 0 || check_q(f.q, &err) < 0 ||
        mz_person_list(req->db, &req->actor, &f, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_persons_create(mz_req *req, mz_res *res)
{
    mz_error err;
    mz_person_input in;
    json_t *out = NULL;
    if (mz_req_body(req, person_create_fields, &err) < 0 ||
        person_from_json(req->json, "", &in, &err) < 0)
        goto fail;
    if (in.id_number == NULL || in.name == NULL) {
        const char *f = in.id_number == NULL ? "id_number" : "name";
        mz_error_set(&err, 400, "missing_field", f, "缺少必填字段：%s", f);
        goto fail;
    }
    if (mz_person_create(req->db, &req->actor, &in, &out, &err) < 0)
        goto fail;
    mz_res_json(res, 201, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_person_get(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_person_get(req->db, &req->actor, id, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_person_patch(mz_req *req, mz_res *res)
{
    mz_error err;
    mz_person_input in;
    int64_t id;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_person_visible(req->db, &req->actor, id, &err) < 0 ||
        mz_req_body(req, person_patch_fields, &err) < 0 ||
        person_from_json(req->json, "", &in, &err) < 0 ||
        mz_person_update(req->db, &req->actor, id, &in, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_person_id_number(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    char number[19];
    if (mz_req_param_id(req, 0, &id, &err) < 0)
        goto fail;
    if (mz_db_begin(req->db) < 0) {
        mz_error_internal(&err, mz_db_errmsg(req->db));
        goto fail;
    }
    if (commit_or_fail(req, mz_person_id_number(req->db, &req->actor, id, number, &err), &err) < 0)
        goto fail;
    mz_res_json(res, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "id_number", number));
    return;
fail:
    mz_res_error(res, &err);
}

/*
 * The applications (事项) about a household or person, for its profile: at
 * most the 50 newest, only for callers who may read cases (*items NULL for
 * others), within their subtree like every case query.
 */
static int profile_cases(mz_req *req, int64_t household_id, int64_t person_id, json_t **items,
                         mz_error *err)
{
    json_t *list = NULL;
    *items = NULL;
    if (!mz_actor_can(&req->actor, "case:case:read"))
        return 0;
    mz_case_filter f = {.relative_of_staff = -1,
                        .open = -1,
                        .household_id = household_id,
                        .applicant_person_id = person_id,
                        .page = 1,
                        .page_size = 50,
                        .no_total = 1};
    if (mz_case_list(req->db, mz_assist_case_registry(), &req->actor, &f, mz_date_today(), &list,
                     err) < 0)
        return -1;
    *items = json_incref(json_object_get(list, "items"));
    json_decref(list);
    return 0;
}

static int add_cases(mz_req *req, json_t *profile, int64_t household_id, mz_error *err)
{
    json_t *items;
    if (profile_cases(req, household_id, 0, &items, err) < 0)
        return -1;
    if (items)
        json_object_set_new(profile, "cases", items);
    return 0;
}

/* The profile is written straight into the answer (mz_person_profile), its cases after it:
 * none to read when no case names the person as its applicant. */
void mz_h_person_profile(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    int applied = 0;
    json_t *cases = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_person_profile(req->db, &req->actor, id, &res->body, &applied, &err) < 0 ||
        (applied && profile_cases(req, 0, id, &cases, &err) < 0)) {
        mz_res_error(res, &err);
        return;
    }
    if (cases) {
        mz_buf_puts(&res->body, ",\"cases\":");
        mz_json_dump(&res->body, cases);
        json_decref(cases);
    } else if (!applied && mz_actor_can(&req->actor, "case:case:read")) {
        mz_buf_puts(&res->body, ",\"cases\":[]");
    }
    mz_buf_putc(&res->body, '}');
    res->status = 200;
    res->content_type = MZ_JSON_TYPE;
}

/* ---- /households ---------------------------------------------------------------------- */

void mz_h_households_list(mz_req *req, mz_res *res)
{
    mz_error err;
    mz_household_filter f = {.q = mz_req_query(req, "q"),
                             .region_code = mz_req_query(req, "region")};
    json_t *out = NULL;
    if (mz_req_paging(req, &f.page, &f.page_size, &err) < 0 || check_q(f.q, &err) < 0 ||
        mz_household_list(req->db, &req->actor, &f, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

/* "" for JSON null (clears), the string, or NULL when absent. */
static const char *clearable(const mz_req *req, const char *k)
{
    json_t *v = json_object_get(req->json, k);
    return v ? (json_is_null(v) ? "" : json_string_value(v)) : NULL;
}

void mz_h_households_create(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"region_code", MZ_T_STRING, 1},
                                      {"kind", MZ_T_STRING, 0},
                                      {"address", MZ_T_STRING, 1},
                                      {"bank_name", MZ_T_STRING_OR_NULL, 0},
                                      {"bank_account", MZ_T_STRING_OR_NULL, 0},
                                      {"joined_on", MZ_T_STRING, 1},
                                      {"head", MZ_T_OBJECT, 1},
                                      {"members", MZ_T_ARRAY, 0},
                                      {NULL, 0, 0}};
    mz_error err;
    mz_household_input in;
    json_t *out = NULL, *members;
    char prefix[32];

    memset(&in, 0, sizeof in);
    if (mz_req_body(req, fields, &err) < 0)
        goto fail;
    in.region_code = mz_body_str(req, "region_code");
    in.kind = mz_body_str(req, "kind");
    in.address = mz_body_str(req, "address");
    in.bank_name = clearable(req, "bank_name");
    in.bank_account = clearable(req, "bank_account");
    in.joined_on = mz_body_str(req, "joined_on");
    if (member_from_json(req, json_object_get(req->json, "head"), "head.", 1, &in.head, &err) < 0 ||
        can_create_person(req, &in.head, &err) < 0)
        goto fail;
    members = json_object_get(req->json, "members");
    if (json_array_size(members) > MZ_HOUSEHOLD_MAX_MEMBERS) {
        mz_error_set(&err, 400, "invalid_value", "members", "家庭成员不能超过%d人",
                     MZ_HOUSEHOLD_MAX_MEMBERS);
        goto fail;
    }
    in.nmembers = (int)json_array_size(members);
    in.members = mz_arena_alloc(req->arena, sizeof *in.members * (size_t)(in.nmembers + 1));
    for (int i = 0; i < in.nmembers; i++) {
        snprintf(prefix, sizeof prefix, "members[%d].", i);
        if (member_from_json(req, json_array_get(members, (size_t)i), prefix, 0, &in.members[i],
                             &err) < 0 ||
            can_create_person(req, &in.members[i], &err) < 0)
            goto fail;
    }
    if (mz_household_create(req->db, &req->actor, &in, &out, &err) < 0)
        goto fail;
    mz_res_json(res, 201, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_household_get(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_household_get(req->db, &req->actor, id, &out, &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

/* The household of path parameter 0, visible to the caller; 404 otherwise. */
static int household_param(mz_req *req, int64_t *id, mz_error *err)
{
    json_t *h = NULL;
    if (mz_req_param_id(req, 0, id, err) < 0 ||
        mz_household_get(req->db, &req->actor, *id, &h, err) < 0)
        return -1;
    json_decref(h);
    return 0;
}

void mz_h_household_patch(mz_req *req, mz_res *res)
{
    static const mz_field fields[] = {{"region_code", MZ_T_STRING, 0},
                                      {"kind", MZ_T_STRING, 0},
                                      {"address", MZ_T_STRING, 0},
                                      {"bank_name", MZ_T_STRING_OR_NULL, 0},
                                      {"bank_account", MZ_T_STRING_OR_NULL, 0},
                                      {NULL, 0, 0}};
    mz_error err;
    mz_household_input in;
    int64_t id;
    json_t *out = NULL;
    memset(&in, 0, sizeof in);
    if (household_param(req, &id, &err) < 0 || mz_req_body(req, fields, &err) < 0)
        goto fail;
    in.region_code = mz_body_str(req, "region_code");
    in.kind = mz_body_str(req, "kind");
    in.address = mz_body_str(req, "address");
    in.bank_name = clearable(req, "bank_name");
    in.bank_account = clearable(req, "bank_account");
    if (mz_household_update(req->db, &req->actor, id, &in, &out, &err) < 0)
        goto fail;
    mz_res_json(res, 200, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_household_profile(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (mz_req_param_id(req, 0, &id, &err) < 0 ||
        mz_household_profile(req->db, &req->actor, id, &out, &err) < 0 ||
        add_cases(req, out, id, &err) < 0) {
        json_decref(out);
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

void mz_h_household_member_add(mz_req *req, mz_res *res)
{
    mz_error err;
    mz_member_input m;
    int64_t id;
    json_t *out = NULL;
    if (household_param(req, &id, &err) < 0)
        goto fail;
    if (mz_req_body(req, member_fields, &err) < 0 ||
        member_from_json(req, req->json, "", 0, &m, &err) < 0 ||
        can_create_person(req, &m, &err) < 0)
        goto fail;
    if (m.joined_on == NULL) {
        mz_error_set(&err, 400, "missing_field", "joined_on", "缺少必填字段：joined_on");
        goto fail;
    }
    if (mz_household_add_member(req->db, &req->actor, id, &m, &out, &err) < 0)
        goto fail;
    mz_res_json(res, 201, out);
    return;
fail:
    mz_res_error(res, &err);
}

static const mz_field on_fields[] = {{"on", MZ_T_STRING, 1}, {NULL, 0, 0}};

void mz_h_household_member_leave(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id, person_id;
    json_t *out = NULL;
    if (household_param(req, &id, &err) < 0 || mz_req_param_id(req, 1, &person_id, &err) < 0 ||
        mz_req_body(req, on_fields, &err) < 0 ||
        mz_household_member_leave(req->db, &req->actor, id, person_id, mz_body_str(req, "on"), &out,
                                  &err) < 0) {
        mz_res_error(res, &err);
        return;
    }
    mz_res_json(res, 200, out);
}

/* POST /households/{id}/<kind>: one body shape per kind. */
static void item_add(mz_req *req, mz_res *res, const char *kind)
{
    static const mz_field income[] = {{"type", MZ_T_STRING, 1},
                                      {"person_id", MZ_T_INT, 0},
                                      {"monthly_fen", MZ_T_INT, 1},
                                      {"valid_from", MZ_T_STRING, 1},
                                      {"valid_to", MZ_T_STRING_OR_NULL, 0},
                                      {"note", MZ_T_STRING_OR_NULL, 0},
                                      {NULL, 0, 0}};
    static const mz_field cost[] = {
        {"person_id", MZ_T_INT, 0},       {"monthly_fen", MZ_T_INT, 1},
        {"valid_from", MZ_T_STRING, 1},   {"valid_to", MZ_T_STRING_OR_NULL, 0},
        {"note", MZ_T_STRING_OR_NULL, 0}, {NULL, 0, 0}};
    static const mz_field asset[] = {{"type", MZ_T_STRING, 1},
                                     {"value_fen", MZ_T_INT, 1},
                                     {"exempt", MZ_T_BOOL, 0},
                                     {"description", MZ_T_STRING_OR_NULL, 0},
                                     {"valid_from", MZ_T_STRING, 1},
                                     {"valid_to", MZ_T_STRING_OR_NULL, 0},
                                     {NULL, 0, 0}};
    static const mz_field expenditure[] = {{"type", MZ_T_STRING, 1},
                                           {"person_id", MZ_T_INT, 0},
                                           {"annual_fen", MZ_T_INT, 1},
                                           {"valid_from", MZ_T_STRING, 1},
                                           {"valid_to", MZ_T_STRING_OR_NULL, 0},
                                           {"note", MZ_T_STRING_OR_NULL, 0},
                                           {NULL, 0, 0}};
    const mz_field *fields = strcmp(kind, "incomes") == 0            ? income
                             : strcmp(kind, "employment-costs") == 0 ? cost
                             : strcmp(kind, "assets") == 0           ? asset
                                                                     : expenditure;
    const char *amount = strcmp(kind, "assets") == 0         ? "value_fen"
                         : strcmp(kind, "expenditures") == 0 ? "annual_fen"
                                                             : "monthly_fen";
    mz_error err;
    mz_item_input in;
    int64_t id;
    json_t *out = NULL, *pid;
    memset(&in, 0, sizeof in);
    if (household_param(req, &id, &err) < 0 || mz_req_body(req, fields, &err) < 0)
        goto fail;
    in.type = mz_body_str(req, "type");
    in.amount_fen = (int64_t)json_integer_value(json_object_get(req->json, amount));
    in.exempt = mz_body_bool(req, "exempt") == 1;
    in.note = mz_body_str(req, strcmp(kind, "assets") == 0 ? "description" : "note");
    in.valid_from = mz_body_str(req, "valid_from");
    in.valid_to = mz_body_str(req, "valid_to");
    if ((pid = json_object_get(req->json, "person_id"))) {
        if (json_integer_value(pid) <= 0) {
            mz_error_set(&err, 400, "invalid_value", "person_id", "该人员在此期间不是本户成员");
            goto fail;
        }
        in.person_id = (int64_t)json_integer_value(pid);
    }
    if (mz_household_item_add(req->db, &req->actor, id, kind, &in, &out, &err) < 0)
        goto fail;
    mz_res_json(res, 201, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_household_income_add(mz_req *req, mz_res *res)
{
    item_add(req, res, "incomes");
}

void mz_h_household_employment_cost_add(mz_req *req, mz_res *res)
{
    item_add(req, res, "employment-costs");
}

void mz_h_household_asset_add(mz_req *req, mz_res *res)
{
    item_add(req, res, "assets");
}

void mz_h_household_expenditure_add(mz_req *req, mz_res *res)
{
    item_add(req, res, "expenditures");
}

void mz_h_household_item_end(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id, item_id;
    json_t *out = NULL;
    const char *kind = req->nparams > 1 ? req->params[1] : NULL;
    if (household_param(req, &id, &err) < 0)
        goto fail;
    if (!mz_household_item_kind_valid(kind) || mz_req_param_id(req, 2, &item_id, &err) < 0) {
        mz_error_set(&err, 404, "not_found", NULL, "记录不存在");
        goto fail;
    }
    if (mz_req_body(req, on_fields, &err) < 0 ||
        mz_household_item_end(req->db, &req->actor, id, kind, item_id, mz_body_str(req, "on"), &out,
                              &err) < 0)
        goto fail;
    mz_res_json(res, 200, out);
    return;
fail:
    mz_res_error(res, &err);
}

void mz_h_household_snapshot(mz_req *req, mz_res *res)
{
    mz_error err;
    int64_t id;
    json_t *out = NULL;
    if (!mz_actor_can(&req->actor, "registry:household:read")) {
        mz_error_set(&err, 403, "forbidden", NULL, "您没有执行此操作的权限");
        goto fail;
    }
    if (household_param(req, &id, &err) < 0)
        goto fail;
    if (mz_db_begin(req->db) < 0) {
        mz_error_internal(&err, mz_db_errmsg(req->db));
        goto fail;
    }
    if (commit_or_fail(req,
                       mz_household_snapshot(req->db, &req->actor, id, mz_req_query(req, "date"), 1,
                                             &out, &err),
                       &err) < 0) {
        json_decref(out);
        goto fail;
    }
    mz_res_json(res, 200, out);
    return;
fail:
    mz_res_error(res, &err);
}
