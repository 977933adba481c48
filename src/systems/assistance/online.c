/*
 * 网上申请 (see online.h).
 */
#include "systems/assistance/online.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/idnum.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "core/audit.h"
#include "core/household.h"
#include "core/person.h"
#include "core/region.h"
#include "core/resident.h"
#include "systems/assistance/rules.h"

/* The attachment kinds a resident may upload (declared by every assistance case type). */
static const char *const resident_kinds[] = {"id_card", "application_form", "other", NULL};

static const char *const status_names[][2] = {
    {"submitted", "已提交，等待村（居）受理"}, {"returned", "已退回"}, {"accepted", "已受理"}};

static const char *status_name(const char *code)
{
    for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
        if (strcmp(status_names[i][0], code) == 0)
            return status_names[i][1];
    return code;
}

static int in_list(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static const char *kind_name(const mz_case_registry *reg, const char *program, const char *kind)
{
    const mz_case_type *t = mz_case_type_find(reg, program);
    for (size_t i = 0; t && i < t->nattachment_kinds; i++)
        if (strcmp(t->attachment_kinds[i].code, kind) == 0)
            return t->attachment_kinds[i].name;
    return kind;
}

static const char *program_name(const mz_case_registry *reg, const char *program)
{
    const mz_case_type *t = mz_case_type_find(reg, program);
    return t ? t->name : program;
}

static const char *field_at(char *buf, size_t len, const char *array, size_t i, const char *key)
{
    snprintf(buf, len, "%s[%zu].%s", array, i, key);
    return buf;
}

/* Text of 1..max characters, valid UTF-8; multi-line when lines is set. */
static int check_text(const char *s, size_t max, int lines, const char *field, const char *label,
                      mz_error *err)
{
    if (s == NULL)
        return mz_error_set(err, 400, "missing_field", field, "请填写%s", label);
    size_t n = strlen(s);
    if (!mz_utf8_valid(s, n) || (!lines && mz_utf8_has_control(s)))
        return mz_error_set(err, 400, "invalid_value", field, "%s含有无效字符", label);
    size_t chars = mz_utf8_chars(s);
    if (chars < 1 || chars > max)
        return mz_error_set(err, 400, "invalid_value", field, "%s须为1至%zu个字符", label, max);
    return 0;
}

static int check_id(const char *s, const char *field, struct mz_idnum *id, mz_error *err)
{
    int rc = mz_idnum_check(s, id);
    if (rc != MZ_IDNUM_OK)
        return mz_error_set(err, 400, "invalid_value", field, "身份证号码有误：%s",
                            mz_idnum_strerror(rc));
    int birth = 0;
    if (mz_date_from_ymd(id->birth_year, id->birth_month, id->birth_day, &birth) < 0 ||
        birth > mz_date_today())
        return mz_error_set(err, 400, "invalid_value", field, "身份证号码有误：出生日期晚于今天");
    return 0;
}

static int check_fen(json_t *v, const char *field, int64_t min, mz_error *err)
{
    if (!json_is_integer(v) || json_integer_value(v) < min ||
        json_integer_value(v) > MZ_REGISTRY_MAX_FEN)
        return mz_error_set(err, 400, "invalid_value", field, "金额须为%lld至%lld分的整数",
                            (long long)min, (long long)MZ_REGISTRY_MAX_FEN);
    return 0;
}

/* The account holder's ID number (resident_accounts); 0 or -1. */
static int account_id_number(mz_db *db, int64_t user_id, char out[19], mz_error *err)
{
    char *s = NULL;
    int rc = mz_db_query_text(db, &s, "SELECT id_number FROM resident_accounts WHERE user_id = ?",
                              "i", user_id);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 403, "forbidden", NULL, "仅居民账户可以网上申请");
    snprintf(out, 19, "%s", s);
    mz_free(s);
    return 0;
}

/* Members: 1..50, valid and distinct ID numbers, relations of the registry,
 * exactly one head (self), the account holder among them.  *clean gets them
 * with normalised ID numbers. */
static int check_members(json_t *members, const char *holder, json_t **clean, mz_error *err)
{
    char f[48];
    size_t i, n = json_array_size(members);
    int heads = 0, holder_found = 0;
    if (!json_is_array(members) || n == 0)
        return mz_error_set(err, 400, "invalid_value", "members",
                            "请填写家庭成员（至少申请人本人）");
    if (n > MZ_ONLINE_MAX_ITEMS)
        return mz_error_set(err, 400, "invalid_value", "members", "家庭成员不能超过%d人",
                            MZ_ONLINE_MAX_ITEMS);
    *clean = json_array();
    for (i = 0; i < n; i++) {
        json_t *m = json_array_get(members, i);
        const char *name = json_string_value(json_object_get(m, "name"));
        const char *idn = json_string_value(json_object_get(m, "id_number"));
        const char *rel = json_string_value(json_object_get(m, "relation"));
        struct mz_idnum id;
        if (check_text(name, MZ_PERSON_NAME_MAX, 0, field_at(f, sizeof f, "members", i, "name"),
                       "姓名", err) < 0 ||
            check_id(idn, field_at(f, sizeof f, "members", i, "id_number"), &id, err) < 0)
            goto fail;
        if (!in_list(rel, mz_household_relations)) {
            mz_error_set(err, 400, "invalid_value", field_at(f, sizeof f, "members", i, "relation"),
                         "与户主关系须为 self、spouse、child、parent、grandchild、grandparent、"
                         "sibling、other 之一");
            goto fail;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(json_string_value(json_object_get(json_array_get(*clean, j), "id_number")),
                       id.normalized) == 0) {
                mz_error_set(err, 400, "invalid_value",
                             field_at(f, sizeof f, "members", i, "id_number"),
                             "家庭成员的身份证号码重复");
                goto fail;
            }
        heads += strcmp(rel, "self") == 0;
        holder_found |= strcmp(id.normalized, holder) == 0;
        json_array_append_new(*clean, json_pack("{s:s,s:s,s:s}", "name", name, "id_number",
                                                id.normalized, "relation", rel));
    }
    if (heads != 1) {
        mz_error_set(err, 400, "invalid_value", "members",
                     "家庭成员中须有且只有一位户主（与户主关系为 self）");
        goto fail;
    }
    if (!holder_found) {
        mz_error_set(err, 400, "invalid_value", "members", "家庭成员中须包括申请人本人");
        goto fail;
    }
    return 0;
fail:
    json_decref(*clean);
    *clean = NULL;
    return -1;
}

/* Incomes or assets: 0..50 objects of a type of the assessment (enum e) and an amount. */
static int check_items(json_t *items, const char *array, enum mz_assist_enum e,
                       const char *amount_key, json_t **clean, mz_error *err)
{
    char f[48];
    size_t n = items ? json_array_size(items) : 0;
    if (items && !json_is_array(items))
        return mz_error_set(err, 400, "invalid_value", array, "%s须为数组", array);
    if (n > MZ_ONLINE_MAX_ITEMS)
        return mz_error_set(err, 400, "invalid_value", array, "%s不能超过%d项", array,
                            MZ_ONLINE_MAX_ITEMS);
    *clean = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_array_get(items, i);
        const char *type = json_string_value(json_object_get(it, "type"));
        const char *desc = json_string_value(json_object_get(it, "description"));
        if (mz_assist_enum_parse(e, type) < 0) {
            mz_error_set(err, 400, "invalid_value", field_at(f, sizeof f, array, i, "type"),
                         "类型 %s 不是可申报的类型", type ? type : "");
            goto fail;
        }
        if (check_fen(json_object_get(it, amount_key), field_at(f, sizeof f, array, i, amount_key),
                      0, err) < 0 ||
            (desc && check_text(desc, 64, 0, field_at(f, sizeof f, array, i, "description"), "说明",
                                err) < 0))
            goto fail;
        json_t *c = json_pack("{s:s,s:s,s:O}", "type", type, "type_name",
                              mz_assist_enum_label(e, mz_assist_enum_parse(e, type)), amount_key,
                              json_object_get(it, amount_key));
        if (desc)
            json_object_set_new(c, "description", json_string(desc));
        json_array_append_new(*clean, c);
    }
    return 0;
fail:
    json_decref(*clean);
    *clean = NULL;
    return -1;
}

static const char *id_text(int64_t id, char buf[24])
{
    snprintf(buf, 24, "%lld", (long long)id);
    return buf;
}

/* The corrected submission: the actor's own, returned, not corrected yet. */
static int check_corrects(mz_db *db, const mz_actor *actor, int64_t id, mz_error *err)
{
    char *status = NULL;
    int64_t later = 0;
    int rc = mz_db_query_text(db, &status,
                              "SELECT status FROM online_applications WHERE id = ? AND "
                              "account_id = ?",
                              "ii", id, actor->id);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    int returned = rc == MZ_DB_ROW && strcmp(status, "returned") == 0;
    mz_free(status);
    if (!returned)
        return mz_error_set(err, 400, "invalid_value", "corrects_id", "只能更正自己被退回的申请");
    if (mz_db_query_int64(db, &later,
                          "SELECT COUNT(*) FROM online_applications WHERE corrects_id = ?", "i",
                          id) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (later)
        return mz_error_set(err, 409, "conflict", "corrects_id", "该退回的申请已重新提交过");
    return 0;
}

int mz_online_submit(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                     const mz_online_input *in, json_t **out, mz_error *err)
{
    char holder[19], at[21], idb[24];
    json_t *members = NULL, *incomes = NULL, *assets = NULL, *data = NULL;
    char *name = NULL, *dumped = NULL;
    mz_region village;
    int64_t id = 0;
    int rc = -1;

    if (account_id_number(db, actor->id, holder, err) < 0)
        return -1;
    if (!in_list(in->program, (const char *const[]){"dibao", "tekun", "temporary", NULL}))
        return mz_error_set(err, 400, "invalid_value", "program",
                            "申请项目须为 dibao（低保）、tekun（特困）或 temporary（临时救助）");
    if (in->consent != 1)
        return mz_error_set(err, 400, "invalid_value", "authorisation_consent",
                            "请阅读并同意《家庭经济状况核对授权书》后再提交");
    if (strcmp(in->program, "temporary") == 0) {
        if (!in_list(in->kind, (const char *const[]){"emergency", "expenditure", NULL}))
            return mz_error_set(err, 400, "invalid_value", "kind",
                                "临时救助须选择 emergency（急难型）或 expenditure（支出型）");
        if (in->requested_amount_fen < 1 || in->requested_amount_fen > MZ_REGISTRY_MAX_FEN)
            return mz_error_set(err, 400, "invalid_value", "requested_amount_fen",
                                "临时救助须填写申请金额（1至%lld分）",
                                (long long)MZ_REGISTRY_MAX_FEN);
    } else if (in->kind || in->requested_amount_fen) {
        return mz_error_set(err, 400, "invalid_value", in->kind ? "kind" : "requested_amount_fen",
                            "只有临时救助填写救助类型和申请金额");
    }
    if (in->region_code == NULL)
        return mz_error_set(err, 400, "missing_field", "region_code", "请选择所在村（居）");
    if (!mz_region_code_valid(in->region_code))
        return mz_error_set(err, 400, "invalid_region", "region_code", "区划代码须为12位数字");
    int grc = mz_region_get(db, in->region_code, &village);
    if (grc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (grc != MZ_DB_ROW || village.level != 5)
        return mz_error_set(err, 400, "invalid_region", "region_code",
                            "区划代码 %s 不是本市的村（居）", in->region_code);
    if (check_text(in->address, 128, 0, "address", "住址", err) < 0)
        return -1;
    if (in->phone == NULL || !mz_mobile_valid(in->phone))
        return mz_error_set(err, 400, "invalid_value", "phone", "联系电话须为1开头的11位手机号");
    if (check_text(in->reason, 500, 1, "reason", "申请理由", err) < 0)
        return -1;
    if (in->corrects_id && check_corrects(db, actor, in->corrects_id, err) < 0)
        return -1;
    if (check_members(in->members, holder, &members, err) < 0 ||
        check_items(in->incomes, "incomes", MZ_ASSIST_E_INCOME, "monthly_fen", &incomes, err) < 0 ||
        check_items(in->assets, "assets", MZ_ASSIST_E_ASSET, "value_fen", &assets, err) < 0)
        goto out;

    if (mz_db_query_text(db, &name, "SELECT display_name FROM users WHERE id = ?", "i",
                         actor->id) != MZ_DB_ROW) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    data =
        json_pack("{s:s,s:s,s:s,s:O,s:O,s:O}", "address", in->address, "phone", in->phone, "reason",
                  in->reason, "members", members, "incomes", incomes, "assets", assets);
    if (in->kind) {
        json_object_set_new(data, "kind", json_string(in->kind));
        json_object_set_new(data, "requested_amount_fen",
                            json_integer((json_int_t)in->requested_amount_fen));
    }
    dumped = json_dumps(data, JSON_COMPACT);
    mz_time_iso(time(NULL), at);
    if (mz_db_query_int64(db, &id,
                          "INSERT INTO online_applications (account_id, program, region_code, "
                          "applicant_name, status, data, consent_at, corrects_id, created_at, "
                          "updated_at) VALUES (?, ?, ?, ?, 'submitted', ?, ?, "
                          "NULLIF(CAST(? AS BIGINT), 0), ?, ?) RETURNING id",
                          "itttttitt", actor->id, in->program, in->region_code, name, dumped, at,
                          in->corrects_id, at, at) != MZ_DB_ROW) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    json_t *after = json_pack("{s:s,s:s,s:I,s:s,s:I}", "program", in->program, "region_code",
                              in->region_code, "members", (json_int_t)json_array_size(members),
                              "consent_at", at, "corrects_id", (json_int_t)in->corrects_id);
    rc = mz_audit_append(db, actor, "online_application.submit", "online_application",
                         id_text(id, idb), in->region_code, NULL, after, err);
    json_decref(after);
    if (rc == 0)
        rc = mz_online_resident_get(db, reg, actor, id, out, err);
out:
    json_decref(members);
    json_decref(incomes);
    json_decref(assets);
    json_decref(data);
    mz_free(name);
    free(dumped);
    return rc;
}

/* ---- reading --------------------------------------------------------------------- */

#define APP_COLUMNS                                                                                \
    "a.id, a.account_id, a.program, a.region_code, r.name, a.applicant_name, a.status, a.data, "   \
    "a.consent_at, a.corrects_id, a.return_reasons, a.handled_at, a.case_id, a.household_id, "     \
    "a.created_at, a.updated_at, "                                                                 \
    "(SELECT MIN(b.id) FROM online_applications b WHERE b.corrects_id = a.id), "                   \
    "(SELECT COUNT(*) FROM online_application_attachments t WHERE t.application_id = a.id) "
#define APP_FROM "FROM online_applications a JOIN regions r ON r.code = a.region_code "

static json_t *parse(const char *s)
{
    json_t *j = s ? json_loads(s, 0, NULL) : NULL;
    return j ? j : json_null();
}

static json_t *app_from_row(const mz_case_registry *reg, mz_stmt *st)
{
    const char *program = mz_stmt_text(st, 2), *status = mz_stmt_text(st, 6);
    json_t *a = json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:o,s:o,s:s?,s:o,s:o,s:s,s:s,s:o,s:I}", "id",
        (json_int_t)mz_stmt_int64(st, 0), "program", program, "program_name",
        program_name(reg, program), "region_code", mz_stmt_text(st, 3), "region_name",
        mz_stmt_text(st, 4), "applicant_name", mz_stmt_text(st, 5), "status", status, "status_name",
        status_name(status), "data", parse(mz_stmt_text(st, 7)), "consent_at", mz_stmt_text(st, 8),
        "corrects_id", mz_stmt_is_null(st, 9) ? json_null() : json_integer(mz_stmt_int64(st, 9)),
        "return_reasons", mz_stmt_is_null(st, 10) ? json_null() : parse(mz_stmt_text(st, 10)),
        "handled_at", mz_stmt_text(st, 11), "case_id",
        mz_stmt_is_null(st, 12) ? json_null() : json_integer(mz_stmt_int64(st, 12)), "household_id",
        mz_stmt_is_null(st, 13) ? json_null() : json_integer(mz_stmt_int64(st, 13)), "created_at",
        mz_stmt_text(st, 14), "updated_at", mz_stmt_text(st, 15), "corrected_by",
        mz_stmt_is_null(st, 16) ? json_null() : json_integer(mz_stmt_int64(st, 16)),
        "attachment_count", (json_int_t)mz_stmt_int64(st, 17));
    return a;
}

/* Loads one submission: the resident's own (resident set) or one in the staff actor's subtree. */
static int load(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                int resident, json_t **out, mz_error *err)
{
    char like[16];
    mz_stmt *st;
    if (resident) {
        st = mz_db_prepare_bind(db,
                                "SELECT " APP_COLUMNS APP_FROM "WHERE a.id = ? AND "
                                "a.account_id = ?",
                                "ii", id, actor->id);
    } else {
        mz_registry_scope(actor, like);
        st = mz_db_prepare_bind(db,
                                "SELECT " APP_COLUMNS APP_FROM "WHERE a.id = ? AND "
                                "a.region_code LIKE ?",
                                "it", id, like);
    }
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW)
        *out = app_from_row(reg, st);
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 404, "not_found", NULL, "网上申请不存在");
    return 0;
}

static int add_attachments(mz_db *db, const mz_case_registry *reg, json_t *a, mz_error *err)
{
    const char *program = json_string_value(json_object_get(a, "program"));
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT id, kind, filename, mime_type, sha256, size, at FROM "
                                     "online_application_attachments WHERE application_id = ? "
                                     "ORDER BY id",
                                     "i", (int64_t)json_integer_value(json_object_get(a, "id")));
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_t *items = json_array();
    int rc;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(
            items,
            json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "id", (json_int_t)mz_stmt_int64(st, 0),
                      "kind", mz_stmt_text(st, 1), "kind_name",
                      kind_name(reg, program, mz_stmt_text(st, 1)), "filename", mz_stmt_text(st, 2),
                      "mime_type", mz_stmt_text(st, 3), "sha256", mz_stmt_text(st, 4), "size",
                      (json_int_t)mz_stmt_int64(st, 5), "at", mz_stmt_text(st, 6)));
    mz_stmt_finalize(st);
    json_object_set_new(a, "attachments", items);
    json_t *kinds = json_array();
    for (size_t i = 0; resident_kinds[i]; i++)
        json_array_append_new(kinds, json_pack("{s:s,s:s}", "code", resident_kinds[i], "name",
                                               kind_name(reg, program, resident_kinds[i])));
    json_object_set_new(a, "attachment_kinds", kinds);
    return rc < 0 ? mz_error_internal(err, mz_db_errmsg(db)) : 0;
}

static const mz_case_state *state_of(const mz_case_type *t, const char *code)
{
    for (size_t i = 0; t && code && i < t->nstates; i++)
        if (strcmp(t->states[i].code, code) == 0)
            return &t->states[i];
    return NULL;
}

/*
 * The case behind an accepted submission as the resident sees it: the
 * state's name, each step's date and the state it led to, the outcome; no
 * staff names, comments or data.
 */
static int add_case_progress(mz_db *db, const mz_case_registry *reg, json_t *a, mz_error *err)
{
    json_t *cid = json_object_get(a, "case_id");
    if (!json_is_integer(cid))
        return 0;
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT case_type, state, outcome, closed_at, deadline_on "
                                     "FROM cases WHERE id = ?",
                                     "i", (int64_t)json_integer_value(cid));
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    const mz_case_type *t = NULL;
    json_t *c = NULL;
    if (rc == MZ_DB_ROW) {
        t = mz_case_type_find(reg, mz_stmt_text(st, 0));
        const mz_case_state *s = state_of(t, mz_stmt_text(st, 1));
        c = json_pack("{s:I,s:s,s:s,s:b,s:s?,s:s?,s:s?}", "id", json_integer_value(cid), "state",
                      mz_stmt_text(st, 1), "state_name", s ? s->name : mz_stmt_text(st, 1),
                      "closed", !mz_stmt_is_null(st, 3), "outcome", mz_stmt_text(st, 2),
                      "closed_at", mz_stmt_text(st, 3), "deadline_on", mz_stmt_text(st, 4));
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (c == NULL)
        return 0;
    st = mz_db_prepare_bind(db,
                            "SELECT to_state, at FROM case_events WHERE case_id = ? "
                            "ORDER BY seq",
                            "i", (int64_t)json_integer_value(cid));
    if (st == NULL) {
        json_decref(c);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    json_t *steps = json_array();
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        const mz_case_state *s = state_of(t, mz_stmt_text(st, 0));
        const char *at = mz_stmt_text(st, 1);
        json_array_append_new(steps, json_pack("{s:s%,s:s}", "date", at, (size_t)10, "state_name",
                                               s ? s->name : mz_stmt_text(st, 0)));
    }
    mz_stmt_finalize(st);
    json_object_set_new(c, "history", steps);
    json_object_set_new(a, "case", c);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    /* The decision notices addressed to the applicant. */
    st = mz_db_prepare_bind(db,
                            "SELECT id, title, number, issued_on, served_on FROM case_notices "
                            "WHERE case_id = ? ORDER BY id",
                            "i", (int64_t)json_integer_value(cid));
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_t *notices = json_array();
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(
            notices, json_pack("{s:I,s:s,s:s,s:s,s:s?}", "id", (json_int_t)mz_stmt_int64(st, 0),
                               "title", mz_stmt_text(st, 1), "number", mz_stmt_text(st, 2),
                               "issued_on", mz_stmt_text(st, 3), "served_on", mz_stmt_text(st, 4)));
    mz_stmt_finalize(st);
    json_object_set_new(c, "notices", notices);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_object_set_new(
        a, "status_name",
        json_sprintf("已受理 · %s", json_string_value(json_object_get(c, "state_name"))));
    return 0;
}

int mz_online_resident_get(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                           int64_t id, json_t **out, mz_error *err)
{
    if (load(db, reg, actor, id, 1, out, err) < 0)
        return -1;
    if (add_attachments(db, reg, *out, err) < 0 || add_case_progress(db, reg, *out, err) < 0) {
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int mz_online_resident_notice_pdf(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                                  int64_t id, int64_t nid, mz_buf *out, mz_error *err)
{
    json_t *a = NULL;
    if (load(db, reg, actor, id, 1, &a, err) < 0)
        return -1;
    json_t *cid = json_object_get(a, "case_id");
    int64_t case_id = json_is_integer(cid) ? (int64_t)json_integer_value(cid) : 0;
    json_decref(a);
    if (case_id == 0)
        return mz_error_set(err, 404, "not_found", NULL, "通知书不存在");
    return mz_case_notice_pdf_for_party(db, actor, case_id, nid, out, err);
}

int mz_online_resident_list(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                            json_t **out, mz_error *err)
{
    mz_stmt *st = mz_db_prepare_bind(
        db, "SELECT " APP_COLUMNS APP_FROM "WHERE a.account_id = ? ORDER BY a.id DESC LIMIT 200",
        "i", actor->id);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_t *items = json_array();
    int rc;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(items, app_from_row(reg, st));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(items);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    size_t i;
    json_t *a;
    json_array_foreach(items, i, a) if (add_case_progress(db, reg, a, err) < 0)
    {
        json_decref(items);
        return -1;
    }
    *out = json_pack("{s:o}", "items", items);
    return 0;
}

/* Staff see the declared ID numbers masked. */
static void mask_members(json_t *a)
{
    json_t *members = json_object_get(json_object_get(a, "data"), "members"), *m;
    size_t i;
    json_array_foreach(members, i, m)
    {
        char masked[19];
        mz_idnum_mask(json_string_value(json_object_get(m, "id_number")), masked);
        json_object_set_new(m, "id_number_masked", json_string(masked));
        json_object_del(m, "id_number");
    }
}

int mz_online_get(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                  json_t **out, mz_error *err)
{
    if (load(db, reg, actor, id, 0, out, err) < 0)
        return -1;
    mask_members(*out);
    int64_t verified = 0;
    int rc = mz_db_query_int64(db, &verified,
                               "SELECT r.identity_verified FROM resident_accounts r JOIN "
                               "online_applications a ON a.account_id = r.user_id WHERE a.id = ?",
                               "i", id) < 0
                 ? mz_error_internal(err, mz_db_errmsg(db))
                 : add_attachments(db, reg, *out, err);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    json_object_set_new(*out, "identity_verified", json_boolean(verified));
    return 0;
}

int mz_online_list(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                   const mz_online_filter *f, json_t **out, mz_error *err)
{
    char like[16];
    const char *status = f->status ? f->status : "";
    int64_t total = 0;
    if (*status &&
        !in_list(status, (const char *const[]){"submitted", "returned", "accepted", NULL}))
        return mz_error_set(err, 400, "invalid_parameter", "status",
                            "status 须为 submitted、returned 或 accepted");
    mz_registry_scope(actor, like);
    if (mz_db_query_int64(db, &total,
                          "SELECT COUNT(*) FROM online_applications a WHERE a.region_code LIKE ? "
                          "AND (? = '' OR a.status = ?)",
                          "ttt", like, status, status) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT " APP_COLUMNS APP_FROM "WHERE a.region_code LIKE ? AND (? = '' OR a.status = ?) "
        "ORDER BY CASE WHEN a.status = 'submitted' THEN 0 ELSE 1 END, a.id LIMIT ? OFFSET ?",
        "tttii", like, status, status, (int64_t)f->page_size,
        (int64_t)(f->page - 1) * f->page_size);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_t *items = json_array();
    int rc;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        json_t *a = app_from_row(reg, st);
        json_t *data = json_object_get(a, "data");
        json_object_set_new(
            a, "member_count",
            json_integer((json_int_t)json_array_size(json_object_get(data, "members"))));
        json_object_del(a, "data");
        json_array_append_new(items, a);
    }
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(items);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    *out = json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page",
                     f->page, "page_size", f->page_size);
    return 0;
}

int mz_online_attachment_get(mz_db *db, const mz_actor *actor, int64_t id, int64_t aid,
                             json_t **out, mz_error *err)
{
    char like[16], idb[24];
    mz_registry_scope(actor, like);
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT t.id, t.kind, t.filename, t.mime_type, t.sha256, t.size, t.content, "
        "a.region_code FROM online_application_attachments t "
        "JOIN online_applications a ON a.id = t.application_id "
        "WHERE t.id = ? AND a.id = ? AND a.region_code LIKE ?",
        "iit", aid, id, like);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    char region[13] = "";
    if (rc == MZ_DB_ROW) {
        *out = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:s}", "id", (json_int_t)mz_stmt_int64(st, 0),
                         "kind", mz_stmt_text(st, 1), "filename", mz_stmt_text(st, 2), "mime_type",
                         mz_stmt_text(st, 3), "sha256", mz_stmt_text(st, 4), "size",
                         (json_int_t)mz_stmt_int64(st, 5), "content", mz_stmt_text(st, 6));
        snprintf(region, sizeof region, "%s", mz_stmt_text(st, 7));
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 404, "not_found", NULL, "附件不存在");
    json_t *view = json_pack("{s:I,s:O}", "attachment_id", (json_int_t)aid, "filename",
                             json_object_get(*out, "filename"));
    rc = mz_audit_append(db, actor, "online_application.attachment_view", "online_application",
                         id_text(id, idb), region, NULL, view, err);
    json_decref(view);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- attachments --------------------------------------------------------------- */

int mz_online_attachment_add(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                             int64_t id, const char *kind, const char *filename,
                             const char *content_base64, json_t **out, mz_error *err)
{
    json_t *a = NULL;
    char hex[2 * crypto_hash_sha256_BYTES + 1], at[21], idb[24];
    int64_t aid = 0, count = 0;
    int rc = -1;

    if (load(db, reg, actor, id, 1, &a, err) < 0)
        return -1;
    const char *program = json_string_value(json_object_get(a, "program"));
    if (strcmp(json_string_value(json_object_get(a, "status")), "submitted") != 0) {
        mz_error_set(err, 409, "invalid_state", NULL, "申请已%s，不能再上传材料",
                     strcmp(json_string_value(json_object_get(a, "status")), "returned") == 0
                         ? "退回"
                         : "受理");
        goto out;
    }
    if (!in_list(kind, resident_kinds)) {
        mz_error_set(
            err, 400, "invalid_value", "kind",
            "材料类别须为 id_card（身份证明）、application_form（申请书）或 other（其他材料）");
        goto out;
    }
    if (check_text(filename, 100, 0, "filename", "文件名", err) < 0)
        goto out;
    if (strpbrk(filename, "/\\") != NULL) {
        mz_error_set(err, 400, "invalid_value", "filename", "文件名不能含有路径分隔符");
        goto out;
    }
    if (mz_db_query_int64(db, &count,
                          "SELECT COUNT(*) FROM online_application_attachments "
                          "WHERE application_id = ?",
                          "i", id) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (count >= MZ_ONLINE_MAX_ATTACHMENTS) {
        mz_error_set(err, 409, "conflict", NULL, "每份申请最多上传%d份材料",
                     MZ_ONLINE_MAX_ATTACHMENTS);
        goto out;
    }
    const char *mime = NULL;
    int64_t size = 0;
    if (mz_case_attachment_check(content_base64, &mime, &size, hex, err) < 0)
        goto out;
    mz_time_iso(time(NULL), at);
    if (mz_db_query_int64(db, &aid,
                          "INSERT INTO online_application_attachments (application_id, kind, "
                          "filename, mime_type, sha256, size, content, at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          "ittttitt", id, kind, filename, mime, hex, size, content_base64,
                          at) != MZ_DB_ROW) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    *out = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "id", (json_int_t)aid, "kind", kind,
                     "kind_name", kind_name(reg, program, kind), "filename", filename, "mime_type",
                     mime, "sha256", hex, "size", (json_int_t)size, "at", at);
    json_t *after = json_pack("{s:I,s:s,s:s,s:s,s:I}", "attachment_id", (json_int_t)aid, "kind",
                              kind, "filename", filename, "sha256", hex, "size", (json_int_t)size);
    rc = mz_audit_append(db, actor, "online_application.attachment_add", "online_application",
                         id_text(id, idb), json_string_value(json_object_get(a, "region_code")),
                         NULL, after, err);
    json_decref(after);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
out:
    json_decref(a);
    return rc;
}

/* ---- intake ---------------------------------------------------------------------- */

/* Loads a staff-visible submission that is still waiting; 409 invalid_state otherwise. */
static int load_waiting(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                        json_t **a, mz_error *err)
{
    if (load(db, reg, actor, id, 0, a, err) < 0)
        return -1;
    const char *status = json_string_value(json_object_get(*a, "status"));
    if (strcmp(status, "submitted") != 0) {
        mz_error_set(err, 409, "invalid_state", NULL, "该网上申请%s，不能再处理",
                     strcmp(status, "returned") == 0 ? "已退回" : "已受理");
        json_decref(*a);
        *a = NULL;
        return -1;
    }
    return 0;
}

int mz_online_return(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                     json_t *reasons, json_t **out, mz_error *err)
{
    json_t *a = NULL, *clean = NULL;
    char at[21], idb[24], f[32];
    char *dumped = NULL;
    int rc = -1;
    size_t i, n = json_array_size(reasons);

    if (load_waiting(db, reg, actor, id, &a, err) < 0)
        return -1;
    if (!json_is_array(reasons) || n < 1 || n > 20) {
        mz_error_set(err, 400, "invalid_value", "reasons", "请填写1至20条退回原因");
        goto out;
    }
    clean = json_array();
    for (i = 0; i < n; i++) {
        const char *r = json_string_value(json_array_get(reasons, i));
        snprintf(f, sizeof f, "reasons[%zu]", i);
        if (check_text(r, 200, 0, f, "退回原因", err) < 0)
            goto out;
        json_array_append_new(clean, json_string(r));
    }
    dumped = json_dumps(clean, JSON_COMPACT);
    mz_time_iso(time(NULL), at);
    if (mz_db_run(db, NULL,
                  "UPDATE online_applications SET status = 'returned', return_reasons = ?, "
                  "handled_by = ?, handled_at = ?, updated_at = ? WHERE id = ?",
                  "titti", dumped, (int64_t)actor->id, at, at, id) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    json_t *after = json_pack("{s:s,s:O}", "status", "returned", "reasons", clean);
    rc = mz_audit_append(db, actor, "online_application.return", "online_application",
                         id_text(id, idb), json_string_value(json_object_get(a, "region_code")),
                         NULL, after, err);
    json_decref(after);
    if (rc == 0)
        rc = mz_online_get(db, reg, actor, id, out, err);
out:
    free(dumped);
    json_decref(clean);
    json_decref(a);
    return rc;
}

/* The full declared data (staff view masks it): the row's own column. */
static int declared(mz_db *db, int64_t id, json_t **data, int64_t *account, mz_error *err)
{
    char *s = NULL;
    if (mz_db_query_text(db, &s, "SELECT data FROM online_applications WHERE id = ?", "i", id) !=
            MZ_DB_ROW ||
        mz_db_query_int64(db, account, "SELECT account_id FROM online_applications WHERE id = ?",
                          "i", id) != MZ_DB_ROW) {
        mz_free(s);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    *data = json_loads(s, 0, NULL);
    mz_free(s);
    return *data ? 0 : mz_error_internal(err, "online application data is not JSON");
}

/* The id of a person with this ID number visible to the actor, or 0. */
static int visible_person(mz_db *db, const mz_actor *actor, const char *id_number, int64_t *pid,
                          mz_error *err)
{
    json_t *list = NULL;
    mz_person_filter f = {.q = id_number, .page = 1, .page_size = 1};
    *pid = 0;
    if (mz_person_list(db, actor, &f, &list, err) < 0)
        return -1;
    json_t *first = json_array_get(json_object_get(list, "items"), 0);
    if (first)
        *pid = (int64_t)json_integer_value(json_object_get(first, "id"));
    json_decref(list);
    return 0;
}

/* Creates the household from the declared members, incomes and assets. */
static int create_household(mz_db *db, const mz_actor *actor, const char *region, json_t *data,
                            const char *today, int64_t *household_id, mz_error *err)
{
    json_t *members = json_object_get(data, "members"), *m, *hh = NULL, *item = NULL;
    size_t n = json_array_size(members), i;
    mz_member_input *rest = mz_calloc(n, sizeof *rest);
    char(*prefixes)[40] = mz_calloc(n, sizeof *prefixes);
    mz_household_input in;
    int nrest = 0, rc = -1;
    memset(&in, 0, sizeof in);
    in.region_code = region;
    in.address = json_string_value(json_object_get(data, "address"));
    in.joined_on = today;
    json_array_foreach(members, i, m)
    {
        int head = strcmp(json_string_value(json_object_get(m, "relation")), "self") == 0;
        mz_member_input *mi = head ? &in.head : &rest[nrest++];
        snprintf(prefixes[i], sizeof prefixes[i], "members[%zu].", i);
        mi->field_prefix = prefixes[i];
        mi->relation = json_string_value(json_object_get(m, "relation"));
        mz_person_input_init(&mi->person);
        mi->person.field_prefix = prefixes[i];
        if (visible_person(db, actor, json_string_value(json_object_get(m, "id_number")),
                           &mi->person_id, err) < 0)
            goto out;
        if (mi->person_id == 0) {
            mi->person.id_number = json_string_value(json_object_get(m, "id_number"));
            mi->person.name = json_string_value(json_object_get(m, "name"));
        }
    }
    in.members = rest;
    in.nmembers = nrest;
    if (mz_household_create(db, actor, &in, &hh, err) < 0)
        goto out;
    *household_id = (int64_t)json_integer_value(json_object_get(hh, "id"));
    json_array_foreach(json_object_get(data, "incomes"), i, m)
    {
        mz_item_input it = {.type = json_string_value(json_object_get(m, "type")),
                            .amount_fen = json_integer_value(json_object_get(m, "monthly_fen")),
                            .note = "居民网上申请申报",
                            .valid_from = today};
        if (it.amount_fen == 0)
            continue;
        if (mz_household_item_add(db, actor, *household_id, "incomes", &it, &item, err) < 0)
            goto out;
        json_decref(item);
        item = NULL;
    }
    json_array_foreach(json_object_get(data, "assets"), i, m)
    {
        const char *desc = json_string_value(json_object_get(m, "description"));
        mz_item_input it = {.type = json_string_value(json_object_get(m, "type")),
                            .amount_fen = json_integer_value(json_object_get(m, "value_fen")),
                            .note = desc ? desc : "居民网上申请申报",
                            .valid_from = today};
        if (mz_household_item_add(db, actor, *household_id, "assets", &it, &item, err) < 0)
            goto out;
        json_decref(item);
        item = NULL;
    }
    rc = 0;
out:
    json_decref(hh);
    mz_free(rest);
    mz_free(prefixes);
    return rc;
}

/* The applicant's person id when they are a current member of the household, else 0. */
static int applicant_in_household(mz_db *db, int64_t household_id, int64_t account, int64_t *pid,
                                  mz_error *err)
{
    *pid = 0;
    int rc = mz_db_query_int64(db, pid,
                               "SELECT p.id FROM persons p JOIN household_members m ON "
                               "m.person_id = p.id JOIN resident_accounts r ON r.id_number = "
                               "p.id_number WHERE m.household_id = ? AND m.left_on IS NULL AND "
                               "r.user_id = ?",
                               "ii", household_id, account);
    return rc < 0 ? mz_error_internal(err, mz_db_errmsg(db)) : 0;
}

int mz_online_accept(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                     const mz_online_accept_input *in, int today, json_t **out, mz_error *err)
{
    json_t *a = NULL, *data = NULL, *cdata = NULL, *c = NULL, *att = NULL, *files = NULL;
    char day[11], at[21], idb[24], region_hh[13];
    char comment[128];
    int64_t account = 0, household = in->household_id, applicant = 0, case_id = 0;
    mz_stmt *st = NULL;
    int rc = -1;

    if (load_waiting(db, reg, actor, id, &a, err) < 0)
        return -1;
    const char *region = json_string_value(json_object_get(a, "region_code"));
    const char *program = json_string_value(json_object_get(a, "program"));
    if (in->identity_checked != 1) {
        mz_error_set(err, 400, "invalid_value", "identity_checked",
                     "受理前须当面核验申请人的身份证件");
        goto out;
    }
    if (declared(db, id, &data, &account, err) < 0)
        goto out;
    mz_date_format(today, day);
    if (household > 0) {
        json_t *hh = NULL;
        if (mz_household_get(db, actor, household, &hh, err) < 0) {
            mz_error_set(err, 400, "invalid_value", "household_id",
                         "家庭档案 %lld 不存在或不在您的管辖范围内", (long long)household);
            goto out;
        }
        snprintf(region_hh, sizeof region_hh, "%s",
                 json_string_value(json_object_get(hh, "region_code")));
        json_decref(hh);
        if (strcmp(region_hh, region) != 0) {
            mz_error_set(err, 400, "invalid_value", "household_id",
                         "该家庭档案不在申请所选的村（居）");
            goto out;
        }
    } else if (create_household(db, actor, region, data, day, &household, err) < 0) {
        goto out;
    }
    if (applicant_in_household(db, household, account, &applicant, err) < 0)
        goto out;

    cdata = json_pack("{s:O}", "reason", json_object_get(data, "reason"));
    if (strcmp(program, "temporary") == 0) {
        json_object_set(cdata, "kind", json_object_get(data, "kind"));
        json_object_set_new(cdata, "amount_fen",
                            in->amount_fen > 0
                                ? json_integer((json_int_t)in->amount_fen)
                                : json_deep_copy(json_object_get(data, "requested_amount_fen")));
    } else if (in->amount_fen) {
        mz_error_set(err, 400, "unknown_field", "amount_fen", "只有临时救助填写救助金额");
        goto out;
    }
    snprintf(comment, sizeof comment, "网上申请第%lld号受理", (long long)id);
    mz_case_input ci = {.case_type = program,
                        .household_id = household,
                        .applicant_person_id = applicant,
                        .applicant_name = json_string_value(json_object_get(a, "applicant_name")),
                        .channel = "online",
                        .relative_of_staff = in->relative_of_staff,
                        .authorisation_recorded = 1,
                        .data = cdata,
                        .comment = in->comment && *in->comment ? in->comment : comment};
    if (mz_case_create(db, reg, actor, &ci, today, &c, err) < 0)
        goto out;
    case_id = (int64_t)json_integer_value(json_object_get(c, "id"));

    /* Read all first, then copy: one statement at a time on the connection. */
    st = mz_db_prepare_bind(db,
                            "SELECT kind, filename, content FROM online_application_attachments "
                            "WHERE application_id = ? ORDER BY id",
                            "i", id);
    if (st == NULL) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    files = json_array();
    int step;
    while ((step = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(files,
                              json_pack("{s:s,s:s,s:s}", "kind", mz_stmt_text(st, 0), "filename",
                                        mz_stmt_text(st, 1), "content", mz_stmt_text(st, 2)));
    mz_stmt_finalize(st);
    st = NULL;
    if (step < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f)
    {
        if (mz_case_attachment_add(db, reg, actor, case_id,
                                   json_string_value(json_object_get(f, "kind")),
                                   json_string_value(json_object_get(f, "filename")),
                                   json_string_value(json_object_get(f, "content")), &att, err) < 0)
            goto out;
        json_decref(att);
        att = NULL;
    }
    if (mz_resident_verify_identity(db, actor, account, region, err) < 0)
        goto out;
    mz_time_iso(time(NULL), at);
    if (mz_db_run(db, NULL,
                  "UPDATE online_applications SET status = 'accepted', case_id = ?, "
                  "household_id = ?, handled_by = ?, handled_at = ?, updated_at = ? WHERE id = ?",
                  "iiitti", case_id, household, (int64_t)actor->id, at, at, id) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    json_t *after = json_pack("{s:s,s:I,s:I,s:b}", "status", "accepted", "case_id",
                              (json_int_t)case_id, "household_id", (json_int_t)household,
                              "household_created", in->household_id == 0);
    rc = mz_audit_append(db, actor, "online_application.accept", "online_application",
                         id_text(id, idb), region, NULL, after, err);
    json_decref(after);
    if (rc == 0)
        rc = mz_online_get(db, reg, actor, id, out, err);
out:
    mz_stmt_finalize(st);
    json_decref(files);
    json_decref(c);
    json_decref(cdata);
    json_decref(data);
    json_decref(a);
    return rc;
}
