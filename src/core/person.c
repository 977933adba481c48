/*
 * The person registry (see person.h), and the helpers the household registry
 * shares with it: scope patterns, text and date checks, audit history.
 */
#include "core/person.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/idnum.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "core/audit.h"

const char *const mz_person_activities[6] = {"eating",    "dressing", "transfer",
                                             "toileting", "walking",  "bathing"};

static const char *const disability_kinds[] = {"physical",     "visual", "hearing",  "speech",
                                               "intellectual", "mental", "multiple", NULL};
static const char *const labour_capacities[] = {"full", "partial", "none", NULL};

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

int mz_person_activity_index(const char *code)
{
    for (int i = 0; i < 6; i++)
        if (strcmp(code, mz_person_activities[i]) == 0)
            return i;
    return -1;
}

const char *mz_person_care_level(int self_care_unable)
{
    if (self_care_unable <= 0)
        return "self";
    return self_care_unable <= 3 ? "half" : "full";
}

void mz_person_input_init(mz_person_input *in)
{
    memset(in, 0, sizeof *in);
    in->field_prefix = "";
    in->serious_illness = in->self_care_unable = -1;
    in->in_school = in->detained = in->missing = in->supporter_able = -1;
}

/* ---- shared helpers ----------------------------------------------------- */

void mz_registry_scope(const mz_actor *actor, char out[16])
{
    snprintf(out, 16, "%s%%", actor->scope_prefix);
}

static int field_error(mz_error *err, int status, const char *code, const char *prefix,
                       const char *field, const char *msg)
{
    char f[64];
    snprintf(f, sizeof f, "%s%s", prefix ? prefix : "", field);
    return mz_error_set(err, status, code, f, "%s", msg);
}

int mz_registry_check_text(const char *s, size_t max, const char *prefix, const char *field,
                           const char *label, mz_error *err)
{
    char msg[160];
    size_t n = strlen(s);
    if (!mz_utf8_valid(s, n) || mz_utf8_has_control(s)) {
        snprintf(msg, sizeof msg, "%s含有无效字符", label);
        return field_error(err, 400, "invalid_value", prefix, field, msg);
    }
    size_t chars = mz_utf8_chars(s);
    if (chars < 1 || chars > max) {
        snprintf(msg, sizeof msg, "%s须为1至%zu个字符", label, max);
        return field_error(err, 400, "invalid_value", prefix, field, msg);
    }
    return 0;
}

int mz_registry_check_date(const char *s, const char *prefix, const char *field, mz_error *err)
{
    int d;
    if (mz_date_parse(s, &d) != 0)
        return field_error(err, 400, "invalid_value", prefix, field,
                           "日期须为 YYYY-MM-DD 格式的有效日期（1900至2199年）");
    return 0;
}

const char *mz_registry_id_text(int64_t id, char buf[24])
{
    snprintf(buf, 24, "%lld", (long long)id);
    return buf;
}

char *mz_registry_like(const char *q)
{
    mz_buf b;
    mz_buf_init(&b);
    mz_buf_putc(&b, '%');
    for (const char *p = q; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            mz_buf_putc(&b, '\\');
        mz_buf_putc(&b, *p);
    }
    mz_buf_putc(&b, '%');
    return mz_buf_steal(&b);
}

static json_t *parse_or_null(const char *s)
{
    json_t *j = s ? json_loads(s, 0, NULL) : NULL;
    return j ? j : json_null();
}

/* The entries of mz_registry_history, prepared. */
static mz_stmt *history_stmt(mz_db *db, const char *object_type, int64_t id, int limit,
                             const char *exclude_action)
{
    char idb[24];
    return mz_db_prepare_bind(
        db,
        "SELECT seq, at, actor_name, action, before_json, after_json, request_id FROM audit_log "
        "WHERE object_type = ? AND object_id = ? AND action <> ? ORDER BY seq DESC LIMIT ?",
        "ttti", object_type, mz_registry_id_text(id, idb), exclude_action ? exclude_action : "",
        (int64_t)limit);
}

int mz_registry_history(mz_db *db, const char *object_type, int64_t id, int limit,
                        const char *exclude_action, json_t **out, mz_error *err)
{
    mz_stmt *st = history_stmt(db, object_type, id, limit, exclude_action);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_t *items = json_array();
    int rc;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(
            items,
            json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:s?}", "seq", (json_int_t)mz_stmt_int64(st, 0),
                      "at", mz_stmt_text(st, 1), "actor_name", mz_stmt_text(st, 2), "action",
                      mz_stmt_text(st, 3), "before", parse_or_null(mz_stmt_text(st, 4)), "after",
                      parse_or_null(mz_stmt_text(st, 5)), "request_id", mz_stmt_text(st, 6)));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(items);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    *out = items;
    return 0;
}

/* A stored audit snapshot as mz_registry_history shows it: parsed and written again, null
 * when absent or not JSON. */
static void put_snapshot(mz_buf *b, const char *text)
{
    json_t *j = parse_or_null(text);
    mz_json_dump(b, j);
    json_decref(j);
}

int mz_registry_history_write(mz_db *db, const char *object_type, int64_t id, int limit,
                              const char *exclude_action, mz_buf *out, mz_error *err)
{
    size_t start = out->len;
    mz_stmt *st = history_stmt(db, object_type, id, limit, exclude_action);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc, n = 0;
    mz_buf_putc(out, '[');
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        mz_buf_puts(out, n++ ? ",{\"seq\":" : "{\"seq\":");
        mz_json_put_int(out, mz_stmt_int64(st, 0));
        mz_buf_puts(out, ",\"at\":");
        mz_json_put_str(out, mz_stmt_text(st, 1));
        mz_buf_puts(out, ",\"actor_name\":");
        mz_json_put_str(out, mz_stmt_text(st, 2));
        mz_buf_puts(out, ",\"action\":");
        mz_json_put_str(out, mz_stmt_text(st, 3));
        mz_buf_puts(out, ",\"before\":");
        put_snapshot(out, mz_stmt_text(st, 4));
        mz_buf_puts(out, ",\"after\":");
        put_snapshot(out, mz_stmt_text(st, 5));
        mz_buf_puts(out, ",\"request_id\":");
        mz_json_put_str(out, mz_stmt_text(st, 6));
        mz_buf_putc(out, '}');
    }
    mz_stmt_finalize(st);
    if (rc < 0) {
        mz_buf_truncate(out, start);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    mz_buf_putc(out, ']');
    return 0;
}

static void today_text(char out[11])
{
    mz_date_format(mz_date_today(), out);
}

/* ---- rows and JSON -------------------------------------------------------- */

#define PERSON_COLUMNS                                                                             \
    "p.id, p.id_number, p.name, p.gender, p.birth_date, p.disability_kind, p.disability_grade, "   \
    "p.labour_capacity, p.serious_illness, p.self_care_unable, p.self_care_activities, "           \
    "p.deceased_on, p.in_school, p.detained, p.missing, p.supporter_able, p.created_at, "          \
    "p.updated_at, p.created_region "

/* The stored state of a person, for updates. */
typedef struct person_row {
    int64_t id;
    char id_number[19];
    char name[256];
    char gender[2];
    char birth_date[11];
    char disability_kind[16]; /* "" none */
    int disability_grade;
    char labour_capacity[8];
    int serious_illness, self_care_unable;
    char activities[64];  /* "" unknown */
    char deceased_on[11]; /* "" alive */
    int in_school, detained, missing, supporter_able;
    char created_region[13];
} person_row;

static void row_from_stmt(mz_stmt *st, person_row *r)
{
    const char *s;
    memset(r, 0, sizeof *r);
    r->id = mz_stmt_int64(st, 0);
    snprintf(r->id_number, sizeof r->id_number, "%s", mz_stmt_text(st, 1));
    snprintf(r->name, sizeof r->name, "%s", mz_stmt_text(st, 2));
    snprintf(r->gender, sizeof r->gender, "%s", mz_stmt_text(st, 3));
    snprintf(r->birth_date, sizeof r->birth_date, "%s", mz_stmt_text(st, 4));
    s = mz_stmt_text(st, 5);
    snprintf(r->disability_kind, sizeof r->disability_kind, "%s", s ? s : "");
    r->disability_grade = (int)mz_stmt_int64(st, 6);
    snprintf(r->labour_capacity, sizeof r->labour_capacity, "%s", mz_stmt_text(st, 7));
    r->serious_illness = (int)mz_stmt_int64(st, 8);
    r->self_care_unable = (int)mz_stmt_int64(st, 9);
    s = mz_stmt_text(st, 10);
    snprintf(r->activities, sizeof r->activities, "%s", s ? s : "");
    s = mz_stmt_text(st, 11);
    snprintf(r->deceased_on, sizeof r->deceased_on, "%s", s ? s : "");
    r->in_school = (int)mz_stmt_int64(st, 12);
    r->detained = (int)mz_stmt_int64(st, 13);
    r->missing = (int)mz_stmt_int64(st, 14);
    r->supporter_able = (int)mz_stmt_int64(st, 15);
    s = mz_stmt_text(st, 18);
    snprintf(r->created_region, sizeof r->created_region, "%s", s ? s : "");
}

static json_t *activities_json(const char *list)
{
    if (list == NULL || *list == '\0')
        return json_null();
    json_t *a = json_array();
    char buf[64];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        json_array_append_new(a, json_string(t));
    return a;
}

/* Person JSON from a PERSON_COLUMNS row: masked ID number only. */
static json_t *person_json(mz_stmt *st)
{
    char masked[19];
    mz_idnum_mask(mz_stmt_text(st, 1), masked);
    int unable = (int)mz_stmt_int64(st, 9);
    json_t *grade =
        mz_stmt_is_null(st, 6) ? json_null() : json_integer((json_int_t)mz_stmt_int64(st, 6));
    return json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:s?,s:o,s:s,s:b,s:i,s:o,s:s,s:s?,s:b,s:b,s:b,s:b,s:s,s:s}", "id",
        (json_int_t)mz_stmt_int64(st, 0), "id_number_masked", masked, "name", mz_stmt_text(st, 2),
        "gender", mz_stmt_text(st, 3), "birth_date", mz_stmt_text(st, 4), "disability_kind",
        mz_stmt_text(st, 5), "disability_grade", grade, "labour_capacity", mz_stmt_text(st, 7),
        "serious_illness", (int)mz_stmt_int64(st, 8), "self_care_unable", unable,
        "self_care_unable_activities", activities_json(mz_stmt_text(st, 10)), "self_care_level",
        mz_person_care_level(unable), "deceased_on", mz_stmt_text(st, 11), "in_school",
        (int)mz_stmt_int64(st, 12), "detained", (int)mz_stmt_int64(st, 13), "missing",
        (int)mz_stmt_int64(st, 14), "supporter_able", (int)mz_stmt_int64(st, 15), "created_at",
        mz_stmt_text(st, 16), "updated_at", mz_stmt_text(st, 17));
}

/* Loads a person visible to actor (NULL: any person) as JSON (out may be NULL)
 * and/or row (may be NULL). */
static int load(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, person_row *row,
                mz_error *err)
{
    char scope[16] = "%";
    if (actor)
        mz_registry_scope(actor, scope);
    mz_stmt *st = mz_db_prepare_bind(
        db, "SELECT " PERSON_COLUMNS "FROM persons p WHERE p.id = ? AND " MZ_PERSON_SCOPE_SQL,
        "itt", id, scope, scope);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW) {
        if (out)
            *out = person_json(st);
        if (row)
            row_from_stmt(st, row);
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 404, "not_found", NULL, "人员不存在");
    return 0;
}

int mz_person_visible(mz_db *db, const mz_actor *actor, int64_t id, mz_error *err)
{
    return load(db, actor, id, NULL, NULL, err);
}

/* The region an audit entry about the person carries: the village of the
 * person's latest household, or the creator's region; NULL when neither. */
static const char *person_region(mz_db *db, int64_t id, const char *fallback, char out[13])
{
    char *r = NULL;
    snprintf(out, 13, "%s", fallback);
    if (mz_db_query_text(db, &r,
                         "SELECT h.region_code FROM household_members m JOIN households h ON "
                         "h.id = m.household_id WHERE m.person_id = ? ORDER BY m.joined_on DESC, "
                         "m.id DESC LIMIT 1",
                         "i", id) == MZ_DB_ROW &&
        r)
        snprintf(out, 13, "%s", r);
    mz_free(r);
    return out[0] ? out : NULL;
}

/* ---- validation ------------------------------------------------------------ */

static unsigned popcount6(unsigned mask)
{
    unsigned n = 0;
    for (int i = 0; i < 6; i++)
        n += (mask >> i) & 1u;
    return n;
}

/* Checks what creation and update share. */
static int check_common(const mz_person_input *in, mz_error *err)
{
    const char *px = in->field_prefix;
    if (in->name &&
        mz_registry_check_text(in->name, MZ_PERSON_NAME_MAX, px, "name", "姓名", err) < 0)
        return -1;
    if (in->disability_set) {
        if (in->disability_kind == NULL) {
            if (in->disability_grade != 0)
                return field_error(err, 400, "invalid_value", px, "disability_grade",
                                   "未填写残疾类别时不能填写残疾等级");
        } else {
            if (!in_list(in->disability_kind, disability_kinds))
                return field_error(err, 400, "invalid_value", px, "disability_kind",
                                   "残疾类别须为 physical、visual、hearing、speech、"
                                   "intellectual、mental、multiple 之一");
            if (in->disability_grade < 1 || in->disability_grade > 4)
                return field_error(err, 400, "invalid_value", px, "disability_grade",
                                   "残疾等级须为1至4级");
        }
    }
    if (in->labour_capacity && !in_list(in->labour_capacity, labour_capacities))
        return field_error(err, 400, "invalid_value", px, "labour_capacity",
                           "劳动能力须为 full（有）、partial（部分）、none（无）之一");
    if (in->self_care_unable != -1 && (in->self_care_unable < 0 || in->self_care_unable > 6))
        return field_error(err, 400, "invalid_value", px, "self_care_unable",
                           "不能自理的日常活动项数须为0至6");
    if (in->self_care_set && in->self_care_activities >= (1u << 6))
        return field_error(err, 400, "invalid_value", px, "self_care_unable_activities",
                           "日常活动项目无效");
    if (in->self_care_set && in->self_care_unable != -1 &&
        (unsigned)in->self_care_unable != popcount6(in->self_care_activities))
        return field_error(err, 400, "invalid_value", px, "self_care_unable",
                           "不能自理的项数与所列日常活动不一致");
    return 0;
}

int mz_person_check_new(const mz_person_input *in, mz_error *err)
{
    const char *px = in->field_prefix;
    struct mz_idnum idn;
    char birth[11], today[11];
    if (in->id_number == NULL)
        return field_error(err, 400, "missing_field", px, "id_number", "缺少必填字段：身份证号");
    int rc = mz_idnum_check(in->id_number, &idn);
    if (rc != 0)
        return field_error(err, 400, "invalid_id_number", px, "id_number", mz_idnum_strerror(rc));
    snprintf(birth, sizeof birth, "%04d-%02d-%02d", idn.birth_year, idn.birth_month, idn.birth_day);
    today_text(today);
    if (strcmp(birth, today) > 0)
        return field_error(err, 400, "invalid_id_number", px, "id_number",
                           "身份证号中的出生日期晚于今天");
    if (in->name == NULL)
        return field_error(err, 400, "missing_field", px, "name", "缺少必填字段：姓名");
    if (in->gender) {
        if (strcmp(in->gender, "M") != 0 && strcmp(in->gender, "F") != 0)
            return field_error(err, 400, "invalid_value", px, "gender",
                               "性别须为 M（男）或 F（女）");
        if (in->gender[0] != idn.gender)
            return field_error(err, 400, "invalid_value", px, "gender", "性别与身份证号不符");
    }
    if (in->birth_date) {
        if (mz_registry_check_date(in->birth_date, px, "birth_date", err) < 0)
            return -1;
        if (strcmp(in->birth_date, birth) != 0)
            return field_error(err, 400, "invalid_value", px, "birth_date",
                               "出生日期与身份证号不符");
    }
    if (in->deceased_set)
        return field_error(err, 400, "unknown_field", px, "deceased_on",
                           "新建人员时不能登记死亡日期");
    return check_common(in, err);
}

/* Checks a death day against the birth date and today. */
static int check_death(const char *day, const char *birth, const char *px, mz_error *err)
{
    char today[11];
    if (mz_registry_check_date(day, px, "deceased_on", err) < 0)
        return -1;
    today_text(today);
    if (strcmp(day, birth) < 0)
        return field_error(err, 400, "invalid_value", px, "deceased_on",
                           "死亡日期不能早于出生日期");
    if (strcmp(day, today) > 0)
        return field_error(err, 400, "invalid_value", px, "deceased_on", "死亡日期不能晚于今天");
    return 0;
}

/* The comma list of a mask's activities into out ("" for none). */
static void activities_text(unsigned mask, char out[64])
{
    out[0] = '\0';
    for (int i = 0; i < 6; i++)
        if (mask & (1u << i)) {
            if (out[0])
                strcat(out, ",");
            strcat(out, mz_person_activities[i]);
        }
}

/* ---- writes ------------------------------------------------------------------ */

int mz_person_insert(mz_db *db, const mz_actor *actor, const mz_person_input *in,
                     const char *audit_region, int64_t *id, mz_error *err)
{
    struct mz_idnum idn;
    char birth[11], at[21], idb[24], acts[64] = "";
    int64_t exists = 0;
    json_t *after = NULL;

    if (mz_person_check_new(in, err) < 0)
        return -1;
    mz_idnum_check(in->id_number, &idn);
    snprintf(birth, sizeof birth, "%04d-%02d-%02d", idn.birth_year, idn.birth_month, idn.birth_day);
    int rc = mz_db_query_int64(db, &exists, "SELECT COUNT(*) FROM persons WHERE id_number = ?", "t",
                               idn.normalized);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (exists)
        return field_error(err, 409, "conflict", in->field_prefix, "id_number", "该身份证号已登记");
    int unable = in->self_care_unable > 0 ? in->self_care_unable : 0;
    if (in->self_care_set) {
        activities_text(in->self_care_activities, acts);
        unable = (int)popcount6(in->self_care_activities);
    }
    const char *kind = in->disability_set ? in->disability_kind : NULL;
    char gender[2] = {idn.gender, '\0'};
    mz_time_iso(time(NULL), at);
    rc = mz_db_query_int64(
        db, id,
        "INSERT INTO persons (id_number, name, gender, birth_date, disability_kind, "
        "disability_grade, labour_capacity, serious_illness, self_care_unable, "
        "self_care_activities, in_school, detained, missing, supporter_able, created_region, "
        "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?) RETURNING id",
        "tttttitiitiiiitiit", idn.normalized, in->name, gender, birth, kind,
        (int64_t)(kind ? in->disability_grade : 0),
        in->labour_capacity ? in->labour_capacity : "full", (int64_t)(in->serious_illness == 1),
        (int64_t)unable, in->self_care_set && acts[0] ? acts : NULL, (int64_t)(in->in_school == 1),
        (int64_t)(in->detained == 1), (int64_t)(in->missing == 1),
        (int64_t)(in->supporter_able == 1), actor->region_code, actor->id, at, at);
    if (rc == MZ_DB_CONSTRAINT)
        return field_error(err, 409, "conflict", in->field_prefix, "id_number", "该身份证号已登记");
    if (rc != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (load(db, NULL, *id, &after, NULL, err) < 0)
        return -1;
    rc = mz_audit_append(db, actor, "person.create", "person", mz_registry_id_text(*id, idb),
                         audit_region, NULL, after, err);
    json_decref(after);
    return rc;
}

int mz_person_create(mz_db *db, const mz_actor *actor, const mz_person_input *in, json_t **out,
                     mz_error *err)
{
    int64_t id = 0;
    if (mz_person_insert(db, actor, in, actor->region_code[0] ? actor->region_code : NULL, &id,
                         err) < 0)
        return -1;
    return mz_person_get(db, actor, id, out, err);
}

int mz_person_update(mz_db *db, const mz_actor *actor, int64_t id, const mz_person_input *in,
                     json_t **out, mz_error *err)
{
    person_row r;
    json_t *before = NULL;
    char at[21], idb[24], region[13];
    const char *px = in->field_prefix;
    int rc = -1;

    if (load(db, actor, id, &before, &r, err) < 0)
        return -1;
    if (in->id_number || in->gender || in->birth_date) {
        field_error(err, 400, "invalid_value", px,
                    in->id_number ? "id_number"
                    : in->gender  ? "gender"
                                  : "birth_date",
                    "身份证号、性别和出生日期不能修改");
        goto out;
    }
    if (check_common(in, err) < 0 || (in->deceased_set && in->deceased_on &&
                                      check_death(in->deceased_on, r.birth_date, px, err) < 0))
        goto out;
    if (in->name)
        snprintf(r.name, sizeof r.name, "%s", in->name);
    if (in->disability_set) {
        snprintf(r.disability_kind, sizeof r.disability_kind, "%s",
                 in->disability_kind ? in->disability_kind : "");
        r.disability_grade = in->disability_kind ? in->disability_grade : 0;
    }
    if (in->labour_capacity)
        snprintf(r.labour_capacity, sizeof r.labour_capacity, "%s", in->labour_capacity);
    if (in->serious_illness != -1)
        r.serious_illness = in->serious_illness;
    if (in->self_care_set) {
        activities_text(in->self_care_activities, r.activities);
        r.self_care_unable = (int)popcount6(in->self_care_activities);
    } else if (in->self_care_unable != -1 && in->self_care_unable != r.self_care_unable) {
        r.self_care_unable = in->self_care_unable;
        r.activities[0] = '\0'; /* which activities is no longer known */
    }
    if (in->in_school != -1)
        r.in_school = in->in_school;
    if (in->detained != -1)
        r.detained = in->detained;
    if (in->missing != -1)
        r.missing = in->missing;
    if (in->supporter_able != -1)
        r.supporter_able = in->supporter_able;
    int death = 0;
    if (in->deceased_set) {
        death = in->deceased_on && r.deceased_on[0] == '\0';
        snprintf(r.deceased_on, sizeof r.deceased_on, "%s", in->deceased_on ? in->deceased_on : "");
    }
    mz_time_iso(time(NULL), at);
    if (mz_db_run(db, NULL,
                  "UPDATE persons SET name = ?, disability_kind = ?, disability_grade = NULLIF(?, "
                  "0), labour_capacity = ?, serious_illness = ?, self_care_unable = ?, "
                  "self_care_activities = ?, deceased_on = ?, in_school = ?, detained = ?, "
                  "missing = ?, supporter_able = ?, updated_at = ? WHERE id = ?",
                  "ttitiittiiiiti", r.name, r.disability_kind[0] ? r.disability_kind : NULL,
                  (int64_t)r.disability_grade, r.labour_capacity, (int64_t)r.serious_illness,
                  (int64_t)r.self_care_unable, r.activities[0] ? r.activities : NULL,
                  r.deceased_on[0] ? r.deceased_on : NULL, (int64_t)r.in_school,
                  (int64_t)r.detained, (int64_t)r.missing, (int64_t)r.supporter_able, at, id) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (mz_person_get(db, actor, id, out, err) < 0)
        goto out;
    json_t *after = json_deep_copy(*out);
    json_object_del(after, "household");
    rc = mz_audit_append(db, actor, death ? "person.death" : "person.update", "person",
                         mz_registry_id_text(id, idb),
                         person_region(db, id, r.created_region, region), before, after, err);
    json_decref(after);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
out:
    json_decref(before);
    return rc;
}

int mz_person_record_death(mz_db *db, const mz_actor *actor, int64_t id, const char *day,
                           mz_error *err)
{
    mz_person_input in;
    json_t *out = NULL;
    mz_person_input_init(&in);
    in.deceased_set = 1;
    in.deceased_on = day;
    if (day == NULL)
        return mz_error_set(err, 400, "missing_field", "deceased_on", "缺少必填字段：死亡日期");
    int rc = mz_person_update(db, actor, id, &in, &out, err);
    json_decref(out);
    return rc;
}

int mz_person_audit_view(mz_db *db, const mz_actor *actor, int64_t id, const char *region,
                         const char *via, int64_t household_id, const char *day, mz_error *err)
{
    char idb[24];
    json_t *after = json_pack("{s:s}", "via", via);
    if (household_id > 0)
        json_object_set_new(after, "household_id", json_integer((json_int_t)household_id));
    if (day)
        json_object_set_new(after, "date", json_string(day));
    int rc = mz_audit_append(db, actor, "person.view_id", "person", mz_registry_id_text(id, idb),
                             region, NULL, after, err);
    json_decref(after);
    return rc;
}

int mz_person_id_number(mz_db *db, const mz_actor *actor, int64_t id, char out[19], mz_error *err)
{
    person_row r;
    char region[13];
    if (load(db, actor, id, NULL, &r, err) < 0)
        return -1;
    if (mz_person_audit_view(db, actor, id, person_region(db, id, r.created_region, region),
                             "id_number", 0, NULL, err) < 0)
        return -1;
    snprintf(out, 19, "%s", r.id_number);
    return 0;
}

/* ---- reads ------------------------------------------------------------------- */

/* The person's household on today, when it lies in the actor's subtree, or null. */
static json_t *current_household(mz_db *db, const mz_actor *actor, int64_t id)
{
    char today[11], scope[16];
    json_t *h = json_null();
    today_text(today);
    mz_registry_scope(actor, scope);
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT h.id, h.region_code, r.name, m.relation, m.joined_on FROM household_members m "
        "JOIN households h ON h.id = m.household_id JOIN regions r ON r.code = h.region_code "
        "WHERE m.person_id = ? AND m.joined_on <= ? AND (m.left_on IS NULL OR m.left_on > ?) "
        "AND h.region_code LIKE ? ORDER BY m.id LIMIT 1",
        "ittt", id, today, today, scope);
    if (st != NULL && mz_stmt_step(st) == MZ_DB_ROW)
        h = json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)mz_stmt_int64(st, 0),
                      "region_code", mz_stmt_text(st, 1), "region_name", mz_stmt_text(st, 2),
                      "relation", mz_stmt_text(st, 3), "joined_on", mz_stmt_text(st, 4));
    mz_stmt_finalize(st);
    return h;
}

int mz_person_get(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err)
{
    if (load(db, actor, id, out, NULL, err) < 0)
        return -1;
    json_object_set_new(*out, "household", current_household(db, actor, id));
    return 0;
}

#define LIST_FROM                                                                                  \
    "FROM persons p "                                                                              \
    "LEFT JOIN household_members cm ON cm.person_id = p.id AND cm.joined_on <= ? AND "             \
    "(cm.left_on IS NULL OR cm.left_on > ?) "                                                      \
    "LEFT JOIN households ch ON ch.id = cm.household_id AND ch.region_code LIKE ? "                \
    "LEFT JOIN regions cr ON cr.code = ch.region_code "                                            \
    "WHERE " MZ_PERSON_SCOPE_SQL " AND (CAST(? AS TEXT) = '' OR p.name LIKE ? ESCAPE '\\') "       \
    "AND (CAST(? AS TEXT) = '' OR p.id_number = ?) "

int mz_person_list(mz_db *db, const mz_actor *actor, const mz_person_filter *f, json_t **out,
                   mz_error *err)
{
    char scope[16], today[11];
    struct mz_idnum idn;
    const char *q = f->q ? f->q : "";
    const char *qid = "", *qname = "";
    char *like = NULL;
    int64_t total = 0;
    json_t *items = NULL;
    mz_stmt *st = NULL;
    int rc = -1;

    mz_registry_scope(actor, scope);
    today_text(today);
    if (*q && mz_idnum_check(q, &idn) == 0) {
        qid = idn.normalized;
    } else if (*q) {
        like = mz_registry_like(q);
        qname = like;
    }
    if (mz_db_query_int64(db, &total, "SELECT COUNT(*) " LIST_FROM, "ttttttttt", today, today,
                          scope, scope, scope, qname, qname, qid, qid) < 0) {
        rc = mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    st = mz_db_prepare_bind(db,
                            "SELECT p.id, p.id_number, p.name, p.gender, p.birth_date, "
                            "p.deceased_on, ch.id, ch.region_code, cr.name, cm.relation " LIST_FROM
                            "ORDER BY p.id LIMIT ? OFFSET ?",
                            "tttttttttii", today, today, scope, scope, scope, qname, qname, qid,
                            qid, (int64_t)f->page_size, (int64_t)(f->page - 1) * f->page_size);
    if (st == NULL) {
        rc = mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    items = json_array();
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        char masked[19];
        mz_idnum_mask(mz_stmt_text(st, 1), masked);
        json_t *h = mz_stmt_is_null(st, 6)
                        ? json_null()
                        : json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)mz_stmt_int64(st, 6),
                                    "region_code", mz_stmt_text(st, 7), "region_name",
                                    mz_stmt_text(st, 8), "relation", mz_stmt_text(st, 9));
        json_array_append_new(items,
                              json_pack("{s:I,s:s,s:s,s:s,s:s,s:s?,s:o}", "id",
                                        (json_int_t)mz_stmt_int64(st, 0), "id_number_masked",
                                        masked, "name", mz_stmt_text(st, 2), "gender",
                                        mz_stmt_text(st, 3), "birth_date", mz_stmt_text(st, 4),
                                        "deceased_on", mz_stmt_text(st, 5), "household", h));
    }
    if (rc < 0) {
        rc = mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    *out = json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page",
                     f->page, "page_size", f->page_size);
    items = NULL;
    rc = 0;
out:
    json_decref(items);
    mz_stmt_finalize(st);
    mz_free(like);
    return rc;
}

/* ",\"key\":" and a string (null when NULL), an integer or a boolean: a member of an answer
 * written straight from a statement's columns. */
static void put_str(mz_buf *b, const char *member, const char *s)
{
    mz_buf_puts(b, member);
    mz_json_put_str(b, s);
}

static void put_int(mz_buf *b, const char *member, int64_t v)
{
    mz_buf_puts(b, member);
    mz_json_put_int(b, v);
}

static void put_bool(mz_buf *b, const char *member, int v)
{
    mz_buf_puts(b, member);
    mz_buf_puts(b, v ? "true" : "false");
}

/*
 * person_json's members, in its order, from a PERSON_COLUMNS row, as "{…" without the
 * closing brace (the profile adds "household").
 */
static void put_person(mz_buf *b, mz_stmt *st)
{
    char masked[19];
    mz_idnum_mask(mz_stmt_text(st, 1), masked);
    int unable = (int)mz_stmt_int64(st, 9);
    put_int(b, "{\"id\":", mz_stmt_int64(st, 0));
    put_str(b, ",\"id_number_masked\":", masked);
    put_str(b, ",\"name\":", mz_stmt_text(st, 2));
    put_str(b, ",\"gender\":", mz_stmt_text(st, 3));
    put_str(b, ",\"birth_date\":", mz_stmt_text(st, 4));
    put_str(b, ",\"disability_kind\":", mz_stmt_text(st, 5));
    if (mz_stmt_is_null(st, 6))
        mz_buf_puts(b, ",\"disability_grade\":null");
    else
        put_int(b, ",\"disability_grade\":", mz_stmt_int64(st, 6));
    put_str(b, ",\"labour_capacity\":", mz_stmt_text(st, 7));
    put_bool(b, ",\"serious_illness\":", (int)mz_stmt_int64(st, 8));
    put_int(b, ",\"self_care_unable\":", unable);
    /* activities_json: the comma list's non-empty items, null when there is no list */
    const char *list = mz_stmt_text(st, 10);
    mz_buf_puts(b, ",\"self_care_unable_activities\":");
    if (list == NULL || *list == '\0') {
        mz_buf_puts(b, "null");
    } else {
        char buf[64];
        int n = 0;
        snprintf(buf, sizeof buf, "%s", list);
        mz_buf_putc(b, '[');
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (n++)
                mz_buf_putc(b, ',');
            mz_json_put_str(b, t);
        }
        mz_buf_putc(b, ']');
    }
    put_str(b, ",\"self_care_level\":", mz_person_care_level(unable));
    put_str(b, ",\"deceased_on\":", mz_stmt_text(st, 11));
    put_bool(b, ",\"in_school\":", (int)mz_stmt_int64(st, 12));
    put_bool(b, ",\"detained\":", (int)mz_stmt_int64(st, 13));
    put_bool(b, ",\"missing\":", (int)mz_stmt_int64(st, 14));
    put_bool(b, ",\"supporter_able\":", (int)mz_stmt_int64(st, 15));
    put_str(b, ",\"created_at\":", mz_stmt_text(st, 16));
    put_str(b, ",\"updated_at\":", mz_stmt_text(st, 17));
}

/* A household of the profile: its text in the households buffer, and its sort key. */
struct membership {
    char joined_on[11]; /* YYYY-MM-DD (validated dates) */
    int64_t member;     /* household_members.id */
    size_t at, len;
};

static int membership_cmp(const void *a, const void *b)
{
    const struct membership *x = a, *y = b;
    int c = strcmp(x->joined_on, y->joined_on);
    return c ? c : (x->member > y->member) - (x->member < y->member);
}

int mz_person_profile(mz_db *db, const mz_actor *actor, int64_t id, mz_buf *out, int *applied,
                      mz_error *err)
{
    size_t start = out->len;
    char scope[16], today[11], idb[24];
    int64_t current_member = 0;
    int rc, found = 0, current = 0, changed = 0;
    mz_buf households, household;
    struct membership first[4], *rows = first;
    size_t n = 0, cap = sizeof first / sizeof first[0];
    mz_registry_scope(actor, scope);
    today_text(today);
    /*
     * The person (as load() reads it) and, one row each, all the person's households in the
     * subtree, in one statement.  The scope is MZ_PERSON_SCOPE_SQL's, read from the same
     * joins instead of two more subqueries: a row per membership of a household in the
     * subtree (h not NULL), or the person's one row without memberships (m NULL) when
     * created in the subtree; a person with neither has no row.  The current household (what
     * current_household selects: a membership begun by today and not ended, the oldest such)
     * is among them.  With them, whether the person has a history of changes and whether any
     * case names the person as its applicant: most have neither, and two index lookups here
     * cost less than two more statements finding nothing (perf: a tenth of a profile).  The
     * head of household's name is read from the person's own row when the person is the head
     * (a third of the profiles): each row of persons sought is a random page of a large table.
     */
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT " PERSON_COLUMNS ", m.household_id, h.region_code, r.name, h.address, "
        "CASE WHEN h.head_person_id = p.id THEN p.name ELSE (SELECT hp.name FROM persons hp "
        "WHERE hp.id = h.head_person_id) END, "
        "m.relation, m.joined_on, m.left_on, m.id, "
        "EXISTS (SELECT 1 FROM audit_log a WHERE a.object_type = 'person' AND a.object_id = ? "
        "AND a.action <> 'person.view_id'), "
        "EXISTS (SELECT 1 FROM cases c WHERE c.applicant_person_id = ?) FROM persons p "
        "LEFT JOIN household_members m ON m.person_id = p.id "
        "LEFT JOIN households h ON h.id = m.household_id AND h.region_code LIKE ? "
        "LEFT JOIN regions r ON r.code = h.region_code "
        "WHERE p.id = ? AND (h.id IS NOT NULL OR (m.id IS NULL AND p.created_region LIKE ?))",
        "titit", mz_registry_id_text(id, idb), id, scope, id, scope);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    /* The households and the current household are written aside while the rows come: the
     * person object, written first, ends with the current household.  The households are put
     * in order (joined_on, then membership) afterwards: an ORDER BY would have SQLite build and
     * drop a sorter for the one or two rows of a person (4 % of a profile's instructions). */
    mz_buf_init(&households);
    mz_buf_init(&household);
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        enum { H = 19 }; /* the first column after PERSON_COLUMNS */
        if (!found) {
            found = 1;
            changed = (int)mz_stmt_int64(st, H + 9);
            if (applied)
                *applied = (int)mz_stmt_int64(st, H + 10);
            mz_buf_puts(out, "{\"person\":");
            put_person(out, st);
        }
        if (mz_stmt_is_null(st, H + 1) || mz_stmt_is_null(st, H + 2) || mz_stmt_is_null(st, H + 4))
            continue;
        const char *joined = mz_stmt_text(st, H + 6), *left = mz_stmt_text(st, H + 7);
        int64_t member = mz_stmt_int64(st, H + 8);
        if (strcmp(joined, today) <= 0 && (left == NULL || strcmp(left, today) > 0) &&
            (!current || member < current_member)) {
            mz_buf_truncate(&household, 0);
            put_int(&household, "{\"id\":", mz_stmt_int64(st, H));
            put_str(&household, ",\"region_code\":", mz_stmt_text(st, H + 1));
            put_str(&household, ",\"region_name\":", mz_stmt_text(st, H + 2));
            put_str(&household, ",\"relation\":", mz_stmt_text(st, H + 5));
            put_str(&household, ",\"joined_on\":", joined);
            mz_buf_putc(&household, '}');
            current = 1;
            current_member = member;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            rows = rows == first ? memcpy(mz_malloc(cap * sizeof *rows), first, sizeof first)
                                 : mz_realloc(rows, cap * sizeof *rows);
        }
        struct membership *row = &rows[n++];
        snprintf(row->joined_on, sizeof row->joined_on, "%s", joined);
        row->member = member;
        row->at = households.len;
        put_int(&households, "{\"household_id\":", mz_stmt_int64(st, H));
        put_str(&households, ",\"region_code\":", mz_stmt_text(st, H + 1));
        put_str(&households, ",\"region_name\":", mz_stmt_text(st, H + 2));
        put_str(&households, ",\"address\":", mz_stmt_text(st, H + 3));
        put_str(&households, ",\"head_name\":", mz_stmt_text(st, H + 4));
        put_str(&households, ",\"relation\":", mz_stmt_text(st, H + 5));
        put_str(&households, ",\"joined_on\":", joined);
        put_str(&households, ",\"left_on\":", left);
        mz_buf_putc(&households, '}');
        row->len = households.len - row->at;
    }
    mz_stmt_finalize(st);
    if (rc < 0) {
        rc = mz_error_internal(err, mz_db_errmsg(db));
        goto fail;
    }
    if (!found) {
        rc = mz_error_set(err, 404, "not_found", NULL, "人员不存在");
        goto fail;
    }
    mz_buf_puts(out, ",\"household\":");
    if (current)
        mz_buf_append(out, household.data, household.len);
    else
        mz_buf_puts(out, "null");
    mz_buf_puts(out, "},\"households\":[");
    qsort(rows, n, sizeof *rows, membership_cmp);
    for (size_t i = 0; i < n; i++) {
        if (i)
            mz_buf_putc(out, ',');
        mz_buf_append(out, households.data + rows[i].at, rows[i].len);
    }
    mz_buf_puts(out, "],\"history\":");
    if (!changed)
        mz_buf_puts(out, "[]");
    else if (mz_registry_history_write(db, "person", id, 200, "person.view_id", out, err) < 0)
        goto fail;
    rc = 0;
    goto out;
fail:
    mz_buf_truncate(out, start);
    rc = -1;
out:
    if (rows != first)
        mz_free(rows);
    mz_buf_cleanup(&households);
    mz_buf_cleanup(&household);
    return rc;
}
