/*
 * The household registry (see household.h): households, dated membership,
 * dated economic items, the snapshot of a day, lists and profiles.  The four
 * item kinds share one code path driven by a table of descriptors (their
 * tables differ only in the amount column, a type list, and whether an item
 * may name a member or carry an exempt flag).
 */
#include "core/household.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/idnum.h"
#include "base/mem.h"
#include "base/money.h"
#include "core/audit.h"
#include "core/region.h"

const char *const mz_household_relations[] = {
    "self", "spouse", "child", "parent", "grandchild", "grandparent", "sibling", "other", NULL};

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static void today_text(char out[11])
{
    mz_date_format(mz_date_today(), out);
}

static int field_error(mz_error *err, int status, const char *code, const char *prefix,
                       const char *field, const char *msg)
{
    char f[64];
    snprintf(f, sizeof f, "%s%s", prefix ? prefix : "", field);
    return mz_error_set(err, status, code, f, "%s", msg);
}

/* ---- bank accounts ------------------------------------------------------------ */

static int luhn_ok(const char *s, size_t n)
{
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int d = s[n - 1 - i] - '0';
        if (i % 2 == 1) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return sum % 10 == 0;
}

int mz_bank_account_valid(const char *s)
{
    if (s == NULL)
        return 0;
    size_t n = strlen(s);
    if (n < 12 || n > 30 || strspn(s, "0123456789") != n)
        return 0;
    if (n >= 16 && n <= 19)
        return luhn_ok(s, n);
    return 1;
}

void mz_bank_account_mask(const char *s, char out[32])
{
    size_t n = s ? strlen(s) : 0;
    if (n > 30)
        n = 30;
    for (size_t i = 0; i < n; i++)
        out[i] = n >= 9 && (i < 4 || i >= n - 4) ? s[i] : '*';
    out[n] = '\0';
}

/* ---- households: rows and JSON ------------------------------------------------ */

#define HH_COLUMNS                                                                                 \
    "h.id, h.region_code, r.name, h.kind, h.address, h.bank_name, h.bank_account, "                \
    "h.head_person_id, hp.name, hp.id_number, h.created_at, h.updated_at "
#define HH_FROM                                                                                    \
    "FROM households h JOIN regions r ON r.code = h.region_code "                                  \
    "JOIN persons hp ON hp.id = h.head_person_id "

#define MEMBER_COLUMNS                                                                             \
    "m.id, m.person_id, p.name, p.id_number, p.gender, p.birth_date, m.relation, m.joined_on, "    \
    "m.left_on, p.deceased_on "

static json_t *member_json(mz_stmt *st)
{
    char masked[19];
    mz_idnum_mask(mz_stmt_text(st, 3), masked);
    return json_pack(
        "{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:s?}", "membership_id",
        (json_int_t)mz_stmt_int64(st, 0), "person_id", (json_int_t)mz_stmt_int64(st, 1), "name",
        mz_stmt_text(st, 2), "id_number_masked", masked, "gender", mz_stmt_text(st, 4),
        "birth_date", mz_stmt_text(st, 5), "relation", mz_stmt_text(st, 6), "joined_on",
        mz_stmt_text(st, 7), "left_on", mz_stmt_text(st, 8), "deceased_on", mz_stmt_text(st, 9));
}

/* Memberships of a household: on day (when not NULL) or all, head first. */
static int members_json(mz_db *db, int64_t id, const char *day, json_t **out, mz_error *err)
{
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT " MEMBER_COLUMNS "FROM household_members m JOIN persons p ON p.id = m.person_id "
        "WHERE m.household_id = ? AND (CAST(? AS TEXT) = '' OR (m.joined_on <= ? AND "
        "(m.left_on IS NULL OR m.left_on > ?))) "
        "ORDER BY CASE WHEN m.relation = 'self' THEN 0 ELSE 1 END, m.joined_on, m.id",
        "ittt", id, day ? day : "", day ? day : "", day ? day : "");
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_t *a = json_array();
    int rc;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(a, member_json(st));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(a);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    *out = a;
    return 0;
}

/* Loads a household in the actor's subtree (actor NULL: any) as JSON with its
 * members of today; region (may be NULL) gets its village code. */
static int load(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, char region[13],
                mz_error *err)
{
    char scope[16] = "%", today[11];
    if (actor)
        mz_registry_scope(actor, scope);
    mz_stmt *st = mz_db_prepare_bind(
        db, "SELECT " HH_COLUMNS HH_FROM "WHERE h.id = ? AND h.region_code LIKE ?", "it", id,
        scope);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    json_t *h = NULL;
    if (rc == MZ_DB_ROW) {
        char head_masked[19], bank_masked[32];
        const char *bank = mz_stmt_text(st, 6);
        mz_idnum_mask(mz_stmt_text(st, 9), head_masked);
        mz_bank_account_mask(bank, bank_masked);
        h = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s?,s:s?,s:{s:I,s:s,s:s},s:s,s:s}", "id",
                      (json_int_t)mz_stmt_int64(st, 0), "region_code", mz_stmt_text(st, 1),
                      "region_name", mz_stmt_text(st, 2), "kind", mz_stmt_text(st, 3), "address",
                      mz_stmt_text(st, 4), "bank_name", mz_stmt_text(st, 5), "bank_account_masked",
                      bank ? bank_masked : NULL, "head", "person_id",
                      (json_int_t)mz_stmt_int64(st, 7), "name", mz_stmt_text(st, 8),
                      "id_number_masked", head_masked, "created_at", mz_stmt_text(st, 10),
                      "updated_at", mz_stmt_text(st, 11));
        if (region)
            snprintf(region, 13, "%s", mz_stmt_text(st, 1));
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 404, "not_found", NULL, "家庭不存在");
    json_t *members = NULL;
    today_text(today);
    if (members_json(db, id, today, &members, err) < 0) {
        json_decref(h);
        return -1;
    }
    json_object_set_new(h, "members", members);
    if (out)
        *out = h;
    else
        json_decref(h);
    return 0;
}

int mz_household_get(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err)
{
    return load(db, actor, id, out, NULL, err);
}

/* ---- validation ------------------------------------------------------------------ */

/* A village in the actor's subtree; kind_out gets its kind. */
static int check_village(mz_db *db, const mz_actor *actor, const char *code, char kind_out[8],
                         mz_error *err)
{
    mz_region reg;
    if (mz_region_check(db, actor, code, "region_code", &reg, err) < 0)
        return -1;
    if (reg.level != MZ_LEVEL_VILLAGE)
        return mz_error_set(err, 400, "invalid_region", "region_code",
                            "家庭所在区划须为村（居）委会");
    snprintf(kind_out, 8, "%s", reg.kind[0] ? reg.kind : mz_region_kind_of(code));
    return 0;
}

static int check_kind(const char *kind, mz_error *err)
{
    if (strcmp(kind, "urban") != 0 && strcmp(kind, "rural") != 0)
        return mz_error_set(err, 400, "invalid_value", "kind", "城乡类别须为 urban 或 rural");
    return 0;
}

static int check_bank(const mz_household_input *in, mz_error *err)
{
    if (in->bank_name && *in->bank_name &&
        mz_registry_check_text(in->bank_name, 64, "", "bank_name", "开户银行", err) < 0)
        return -1;
    if (in->bank_account && *in->bank_account && !mz_bank_account_valid(in->bank_account))
        return mz_error_set(err, 400, "invalid_value", "bank_account",
                            "银行账号须为12至30位数字，16至19位的卡号须通过校验位检查");
    return 0;
}

static int check_relation(const char *relation, const char *prefix, mz_error *err)
{
    if (relation == NULL)
        return field_error(err, 400, "missing_field", prefix, "relation",
                           "缺少必填字段：与户主关系");
    if (!in_list(relation, mz_household_relations) || strcmp(relation, "self") == 0)
        return field_error(err, 400, "invalid_value", prefix, "relation",
                           "与户主关系须为 spouse、child、parent、grandchild、grandparent、"
                           "sibling、other 之一");
    return 0;
}

/* ---- membership ------------------------------------------------------------------ */

/* The person of a member: an existing visible person, or a new one. */
static int resolve_member(mz_db *db, const mz_actor *actor, const mz_member_input *m,
                          const char *region, int64_t *person_id, mz_error *err)
{
    if (m->person_id > 0) {
        mz_error e;
        if (mz_person_visible(db, actor, m->person_id, &e) < 0) {
            if (e.status != 404) {
                *err = e;
                return -1;
            }
            return field_error(err, 400, "invalid_value", m->field_prefix, "person_id",
                               "人员不存在");
        }
        *person_id = m->person_id;
        return 0;
    }
    mz_person_input p = m->person;
    p.field_prefix = m->field_prefix;
    return mz_person_insert(db, actor, &p, region, person_id, err);
}

/* Adds a membership after the checks: born and alive on the day, in no
 * household on that day or later.  The person's row is locked first. */
static int add_membership(mz_db *db, int64_t household_id, int64_t person_id, const char *relation,
                          const char *joined_on, const char *prefix, int64_t *membership_id,
                          mz_error *err)
{
    char at[21];
    int64_t n = 0;
    if (mz_registry_check_date(joined_on, prefix, "joined_on", err) < 0)
        return -1;
    if (mz_db_run(db, NULL, "UPDATE persons SET updated_at = updated_at WHERE id = ?", "i",
                  person_id) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    mz_stmt *st = mz_db_prepare_bind(db, "SELECT birth_date, deceased_on FROM persons WHERE id = ?",
                                     "i", person_id);
    if (st == NULL || mz_stmt_step(st) != MZ_DB_ROW) {
        mz_stmt_finalize(st);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    int before_birth = strcmp(joined_on, mz_stmt_text(st, 0)) < 0;
    const char *dead = mz_stmt_text(st, 1);
    int after_death = dead && strcmp(joined_on, dead) >= 0;
    mz_stmt_finalize(st);
    if (before_birth)
        return field_error(err, 400, "invalid_value", prefix, "joined_on",
                           "加入日期不能早于出生日期");
    if (after_death)
        return field_error(err, 400, "invalid_value", prefix, "joined_on",
                           "已死亡人员不能在死亡之后加入家庭");
    if (mz_db_query_int64(db, &n,
                          "SELECT COUNT(*) FROM household_members WHERE person_id = ? AND "
                          "(left_on IS NULL OR left_on > ?)",
                          "it", person_id, joined_on) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (n > 0)
        return field_error(err, 409, "conflict", prefix, "person_id",
                           "该人员在此日期或之后已是其他家庭（或本户）的成员");
    mz_time_iso(time(NULL), at);
    if (mz_db_query_int64(db, membership_id,
                          "INSERT INTO household_members (household_id, person_id, relation, "
                          "joined_on, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                          "iittt", household_id, person_id, relation, joined_on, at) != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(db));
    return 0;
}

static int membership_json(mz_db *db, int64_t membership_id, json_t **out, mz_error *err)
{
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT " MEMBER_COLUMNS
                                     "FROM household_members m JOIN persons p ON p.id = "
                                     "m.person_id WHERE m.id = ?",
                                     "i", membership_id);
    if (st == NULL || mz_stmt_step(st) != MZ_DB_ROW) {
        mz_stmt_finalize(st);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    *out = member_json(st);
    mz_stmt_finalize(st);
    return 0;
}

static int same_person(const mz_member_input *a, const mz_member_input *b)
{
    struct mz_idnum x, y;
    if (a->person_id > 0 || b->person_id > 0)
        return a->person_id == b->person_id;
    return a->person.id_number && b->person.id_number &&
           mz_idnum_check(a->person.id_number, &x) == 0 &&
           mz_idnum_check(b->person.id_number, &y) == 0 && strcmp(x.normalized, y.normalized) == 0;
}

/* Refuses the same person twice in one creation (by id or ID number). */
static int check_distinct(const mz_household_input *in, mz_error *err)
{
    for (int i = 0; i < in->nmembers; i++) {
        const mz_member_input *a = &in->members[i];
        for (int j = -1; j < i; j++) {
            const mz_member_input *b = j < 0 ? &in->head : &in->members[j];
            if (same_person(a, b))
                return field_error(err, 400, "invalid_value", a->field_prefix,
                                   a->person_id > 0 ? "person_id" : "id_number",
                                   "同一人员不能重复列为家庭成员");
        }
    }
    return 0;
}

/* ---- households: writes ---------------------------------------------------------- */

int mz_household_create(mz_db *db, const mz_actor *actor, const mz_household_input *in,
                        json_t **out, mz_error *err)
{
    char kind[8], at[21], idb[24];
    int64_t head = 0, id = 0, mid = 0;

    if (in->region_code == NULL)
        return mz_error_set(err, 400, "missing_field", "region_code", "缺少必填字段：所在村（居）");
    if (check_village(db, actor, in->region_code, kind, err) < 0)
        return -1;
    if (in->kind) {
        if (check_kind(in->kind, err) < 0)
            return -1;
        snprintf(kind, sizeof kind, "%s", in->kind);
    }
    if (in->address == NULL)
        return mz_error_set(err, 400, "missing_field", "address", "缺少必填字段：住址");
    if (mz_registry_check_text(in->address, 128, "", "address", "住址", err) < 0 ||
        check_bank(in, err) < 0)
        return -1;
    if (in->joined_on == NULL)
        return mz_error_set(err, 400, "missing_field", "joined_on", "缺少必填字段：建档日期");
    if (mz_registry_check_date(in->joined_on, "", "joined_on", err) < 0)
        return -1;
    if (in->nmembers < 0 || in->nmembers > MZ_HOUSEHOLD_MAX_MEMBERS)
        return mz_error_set(err, 400, "invalid_value", "members", "家庭成员不能超过%d人",
                            MZ_HOUSEHOLD_MAX_MEMBERS);
    for (int i = 0; i < in->nmembers; i++)
        if (check_relation(in->members[i].relation, in->members[i].field_prefix, err) < 0 ||
            (in->members[i].joined_on &&
             mz_registry_check_date(in->members[i].joined_on, in->members[i].field_prefix,
                                    "joined_on", err) < 0))
            return -1;
    if (check_distinct(in, err) < 0)
        return -1;

    if (resolve_member(db, actor, &in->head, in->region_code, &head, err) < 0)
        return -1;
    mz_time_iso(time(NULL), at);
    if (mz_db_query_int64(db, &id,
                          "INSERT INTO households (region_code, kind, address, bank_name, "
                          "bank_account, head_person_id, created_by, created_at, updated_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          "tttttiitt", in->region_code, kind, in->address,
                          in->bank_name && *in->bank_name ? in->bank_name : NULL,
                          in->bank_account && *in->bank_account ? in->bank_account : NULL, head,
                          actor->id, at, at) != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (add_membership(db, id, head, "self", in->joined_on, in->head.field_prefix, &mid, err) < 0)
        return -1;
    for (int i = 0; i < in->nmembers; i++) {
        const mz_member_input *m = &in->members[i];
        int64_t pid = 0;
        if (resolve_member(db, actor, m, in->region_code, &pid, err) < 0 ||
            add_membership(db, id, pid, m->relation, m->joined_on ? m->joined_on : in->joined_on,
                           m->field_prefix, &mid, err) < 0)
            return -1;
    }
    if (load(db, actor, id, out, NULL, err) < 0)
        return -1;
    if (mz_audit_append(db, actor, "household.create", "household", mz_registry_id_text(id, idb),
                        in->region_code, NULL, *out, err) < 0) {
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int mz_household_update(mz_db *db, const mz_actor *actor, int64_t id, const mz_household_input *in,
                        json_t **out, mz_error *err)
{
    json_t *before = NULL;
    char region[13], kind[8] = "", at[21], idb[24];
    int rc = -1;

    if (load(db, actor, id, &before, region, err) < 0)
        return -1;
    if (in->region_code) {
        if (check_village(db, actor, in->region_code, kind, err) < 0)
            goto out;
        snprintf(region, sizeof region, "%s", in->region_code);
    }
    if (in->kind) {
        if (check_kind(in->kind, err) < 0)
            goto out;
        snprintf(kind, sizeof kind, "%s", in->kind);
    }
    if ((in->address && mz_registry_check_text(in->address, 128, "", "address", "住址", err) < 0) ||
        check_bank(in, err) < 0)
        goto out;
    mz_time_iso(time(NULL), at);
    if (mz_db_run(db, NULL,
                  "UPDATE households SET region_code = ?, kind = COALESCE(?, kind), "
                  "address = COALESCE(?, address), "
                  "bank_name = CASE WHEN ? = 1 THEN ? ELSE bank_name END, "
                  "bank_account = CASE WHEN ? = 1 THEN ? ELSE bank_account END, updated_at = ? "
                  "WHERE id = ?",
                  "tttititti", region, kind[0] ? kind : NULL, in->address,
                  (int64_t)(in->bank_name != NULL),
                  in->bank_name && *in->bank_name ? in->bank_name : NULL,
                  (int64_t)(in->bank_account != NULL),
                  in->bank_account && *in->bank_account ? in->bank_account : NULL, at, id) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (load(db, actor, id, out, NULL, err) < 0)
        goto out;
    rc = mz_audit_append(db, actor, "household.update", "household", mz_registry_id_text(id, idb),
                         region, before, *out, err);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
out:
    json_decref(before);
    return rc;
}

int mz_household_add_member(mz_db *db, const mz_actor *actor, int64_t id, const mz_member_input *m,
                            json_t **out, mz_error *err)
{
    char region[13], idb[24];
    int64_t pid = 0, mid = 0;
    if (load(db, actor, id, NULL, region, err) < 0)
        return -1;
    if (check_relation(m->relation, m->field_prefix, err) < 0)
        return -1;
    if (m->joined_on == NULL)
        return field_error(err, 400, "missing_field", m->field_prefix, "joined_on",
                           "缺少必填字段：加入日期");
    if (mz_registry_check_date(m->joined_on, m->field_prefix, "joined_on", err) < 0 ||
        resolve_member(db, actor, m, region, &pid, err) < 0 ||
        add_membership(db, id, pid, m->relation, m->joined_on, m->field_prefix, &mid, err) < 0 ||
        membership_json(db, mid, out, err) < 0)
        return -1;
    if (mz_audit_append(db, actor, "household.member_add", "household",
                        mz_registry_id_text(id, idb), region, NULL, *out, err) < 0) {
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int mz_household_member_leave(mz_db *db, const mz_actor *actor, int64_t id, int64_t person_id,
                              const char *day, json_t **out, mz_error *err)
{
    char region[13], idb[24];
    json_t *h = NULL, *before = NULL;
    int64_t mid = 0, any = 0;
    int rc = -1;

    if (load(db, actor, id, &h, region, err) < 0)
        return -1;
    int64_t head = json_integer_value(json_object_get(json_object_get(h, "head"), "person_id"));
    json_decref(h);
    if (mz_db_query_int64(db, &any,
                          "SELECT COUNT(*) FROM household_members WHERE household_id = ? AND "
                          "person_id = ?",
                          "ii", id, person_id) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (any == 0)
        return mz_error_set(err, 404, "not_found", NULL, "该人员不是本户成员");
    if (day == NULL)
        return mz_error_set(err, 400, "missing_field", "on", "缺少必填字段：迁出日期");
    if (mz_registry_check_date(day, "", "on", err) < 0)
        return -1;
    rc = mz_db_query_int64(db, &mid,
                           "SELECT id FROM household_members WHERE household_id = ? AND "
                           "person_id = ? AND left_on IS NULL",
                           "ii", id, person_id);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 409, "conflict", NULL, "该人员已迁出本户");
    if (person_id == head)
        return mz_error_set(err, 400, "invalid_value", "person_id", "户主不能迁出");
    if (membership_json(db, mid, &before, err) < 0)
        return -1;
    rc = -1;
    if (strcmp(day, json_string_value(json_object_get(before, "joined_on"))) <= 0) {
        mz_error_set(err, 400, "invalid_value", "on", "迁出日期须晚于加入日期");
        goto out;
    }
    if (mz_db_run(db, NULL, "UPDATE household_members SET left_on = ? WHERE id = ?", "ti", day,
                  mid) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (membership_json(db, mid, out, err) < 0)
        goto out;
    rc = mz_audit_append(db, actor, "household.member_leave", "household",
                         mz_registry_id_text(id, idb), region, before, *out, err);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
out:
    json_decref(before);
    return rc;
}

/* ---- economic items ---------------------------------------------------------------- */

static const char *const income_types[] = {
    "wage",        "business",          "property",      "transfer",
    "maintenance", "pension",           "basic_pension", "unemployment",
    "youfu",       "family_planning",   "scholarship",   "bravery",
    "assistance",  "elderly_allowance", "other",         NULL};
static const char *const asset_types[] = {"deposit", "securities", "vehicle",
                                          "housing", "business",   NULL};
static const char *const expenditure_types[] = {"medical", "education", "rehabilitation", "other",
                                                NULL};

struct item_kind {
    const char *kind; /* path word */
    const char *key;  /* key in the profile's "items" */
    const char *table;
    const char *amount;       /* amount column and JSON key */
    const char *const *types; /* NULL: the kind has no type */
    int has_person, has_exempt, has_source;
    const char *text;       /* note or description */
    const char *types_text; /* for the error message */
};

static const struct item_kind item_kinds[] = {
    {"incomes", "incomes", "income_items", "monthly_fen", income_types, 1, 0, 1, "note",
     "wage、business、property、transfer、maintenance、pension、basic_pension、unemployment、"
     "youfu、family_planning、scholarship、bravery、assistance、elderly_allowance、other"},
    {"employment-costs", "employment_costs", "employment_costs", "monthly_fen", NULL, 1, 0, 0,
     "note", ""},
    {"assets", "assets", "assets", "value_fen", asset_types, 0, 1, 0, "description",
     "deposit、securities、vehicle、housing、business"},
    {"expenditures", "expenditures", "rigid_expenditures", "annual_fen", expenditure_types, 1, 0, 0,
     "note", "medical、education、rehabilitation、other"},
};

static const struct item_kind *item_kind(const char *kind)
{
    for (size_t i = 0; i < sizeof item_kinds / sizeof item_kinds[0]; i++)
        if (kind && strcmp(item_kinds[i].kind, kind) == 0)
            return &item_kinds[i];
    return NULL;
}

int mz_household_item_kind_valid(const char *kind)
{
    return item_kind(kind) != NULL;
}

/* "SELECT … FROM <table> i LEFT JOIN persons p …" for a kind; columns: id,
 * type, person_id, person name, amount, exempt, text, valid_from, valid_to,
 * source, created_at. */
static void item_select(const struct item_kind *k, char *buf, size_t n)
{
    snprintf(buf, n,
             "SELECT i.id, %s, %s, p.name, i.%s, %s, i.%s, i.valid_from, i.valid_to, %s, "
             "i.created_at FROM %s i LEFT JOIN persons p ON %s ",
             k->types ? "i.type" : "NULL", k->has_person ? "i.person_id" : "NULL", k->amount,
             k->has_exempt ? "i.exempt" : "0", k->text, k->has_source ? "i.source" : "NULL",
             k->table, k->has_person ? "p.id = i.person_id" : "1 = 0");
}

static json_t *item_json(const struct item_kind *k, mz_stmt *st)
{
    json_t *j = json_pack("{s:I,s:s,s:I,s:s?,s:s,s:s?}", "id", (json_int_t)mz_stmt_int64(st, 0),
                          "kind", k->kind, k->amount, (json_int_t)mz_stmt_int64(st, 4), k->text,
                          mz_stmt_text(st, 6), "valid_from", mz_stmt_text(st, 7), "valid_to",
                          mz_stmt_text(st, 8));
    json_object_set_new(j, "created_at", json_string(mz_stmt_text(st, 10)));
    if (k->types)
        json_object_set_new(j, "type", json_string(mz_stmt_text(st, 1)));
    if (k->has_person) {
        json_object_set_new(
            j, "person_id",
            mz_stmt_is_null(st, 2) ? json_null() : json_integer((json_int_t)mz_stmt_int64(st, 2)));
        json_object_set_new(j, "person_name",
                            mz_stmt_is_null(st, 3) ? json_null()
                                                   : json_string(mz_stmt_text(st, 3)));
    }
    if (k->has_exempt)
        json_object_set_new(j, "exempt", json_boolean(mz_stmt_int64(st, 5)));
    if (k->has_source)
        json_object_set_new(j, "source", json_string(mz_stmt_text(st, 9)));
    return j;
}

/* Items of a household, all (item_id 0) or one; *out an array. */
static int items_json(mz_db *db, const struct item_kind *k, int64_t household_id, int64_t item_id,
                      json_t **out, mz_error *err)
{
    char sql[768];
    size_t n;
    item_select(k, sql, sizeof sql);
    n = strlen(sql);
    snprintf(sql + n, sizeof sql - n,
             "WHERE i.household_id = ? AND (? = 0 OR i.id = ?) ORDER BY i.valid_from, i.id");
    mz_stmt *st = mz_db_prepare_bind(db, sql, "iii", household_id, item_id, item_id);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_t *a = json_array();
    int rc;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(a, item_json(k, st));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(a);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    *out = a;
    return 0;
}

static int item_one(mz_db *db, const struct item_kind *k, int64_t household_id, int64_t item_id,
                    json_t **out, mz_error *err)
{
    json_t *a = NULL;
    if (items_json(db, k, household_id, item_id, &a, err) < 0)
        return -1;
    if (json_array_size(a) != 1) {
        json_decref(a);
        return mz_error_set(err, 404, "not_found", NULL, "记录不存在");
    }
    *out = json_incref(json_array_get(a, 0));
    json_decref(a);
    return 0;
}

static int check_item(mz_db *db, const struct item_kind *k, int64_t household_id,
                      const mz_item_input *in, mz_error *err)
{
    char msg[256];
    if (k->types) {
        if (in->type == NULL)
            return mz_error_set(err, 400, "missing_field", "type", "缺少必填字段：类型");
        if (!in_list(in->type, k->types)) {
            snprintf(msg, sizeof msg, "类型须为 %s 之一", k->types_text);
            return mz_error_set(err, 400, "invalid_value", "type", "%s", msg);
        }
    } else if (in->type) {
        return mz_error_set(err, 400, "unknown_field", "type", "不支持的字段：type");
    }
    if (in->amount_fen < 0 || in->amount_fen > MZ_REGISTRY_MAX_FEN)
        return mz_error_set(err, 400, "invalid_value", k->amount,
                            "金额须为0至100000000000分（10亿元）之间的整数（单位：分）");
    if (in->valid_from == NULL)
        return mz_error_set(err, 400, "missing_field", "valid_from", "缺少必填字段：起始日期");
    if (mz_registry_check_date(in->valid_from, "", "valid_from", err) < 0)
        return -1;
    if (in->valid_to) {
        if (mz_registry_check_date(in->valid_to, "", "valid_to", err) < 0)
            return -1;
        if (strcmp(in->valid_to, in->valid_from) <= 0)
            return mz_error_set(err, 400, "invalid_value", "valid_to", "终止日期须晚于起始日期");
    }
    if (in->note && *in->note &&
        mz_registry_check_text(in->note, 200, "", k->text, "说明", err) < 0)
        return -1;
    if (in->person_id > 0) {
        int64_t n = 0;
        if (!k->has_person)
            return mz_error_set(err, 400, "unknown_field", "person_id", "不支持的字段：person_id");
        if (mz_db_query_int64(db, &n,
                              "SELECT COUNT(*) FROM household_members WHERE household_id = ? AND "
                              "person_id = ? AND joined_on < ? AND (left_on IS NULL OR left_on > "
                              "?)",
                              "iitt", household_id, in->person_id,
                              in->valid_to ? in->valid_to : "9999-12-31", in->valid_from) < 0)
            return mz_error_internal(err, mz_db_errmsg(db));
        if (n == 0)
            return mz_error_set(err, 400, "invalid_value", "person_id",
                                "该人员在此期间不是本户成员");
    }
    return 0;
}

int mz_household_item_add(mz_db *db, const mz_actor *actor, int64_t id, const char *kind,
                          const mz_item_input *in, json_t **out, mz_error *err)
{
    const struct item_kind *k = item_kind(kind);
    char region[13], idb[24], at[21], sql[512];
    int64_t item_id = 0;
    if (k == NULL)
        return mz_error_set(err, 404, "not_found", NULL, "记录不存在");
    if (load(db, actor, id, NULL, region, err) < 0 || check_item(db, k, id, in, err) < 0)
        return -1;
    mz_time_iso(time(NULL), at);
    /* Every kind's table has these columns; type, person_id, exempt and source
     * where the kind has them (the others bind a value that is ignored). */
    snprintf(sql, sizeof sql,
             "INSERT INTO %s (household_id, %s%s%s%s, %s, valid_from, valid_to, created_at) "
             "VALUES (?, %s%s%s?, ?, ?, ?, ?) RETURNING id",
             k->table, k->types ? "type, " : "", k->has_person ? "person_id, " : "",
             k->has_exempt ? "exempt, " : "", k->amount, k->text, k->types ? "?, " : "",
             k->has_person ? "?, " : "", k->has_exempt ? "?, " : "");
    mz_stmt *st = mz_db_prepare(db, sql);
    int i = 1;
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    mz_stmt_bind_int64(st, i++, id);
    if (k->types)
        mz_stmt_bind_text(st, i++, in->type);
    if (k->has_person) {
        if (in->person_id > 0)
            mz_stmt_bind_int64(st, i++, in->person_id);
        else
            mz_stmt_bind_null(st, i++);
    }
    if (k->has_exempt)
        mz_stmt_bind_int64(st, i++, in->exempt ? 1 : 0);
    mz_stmt_bind_int64(st, i++, in->amount_fen);
    mz_stmt_bind_text(st, i++, in->note && *in->note ? in->note : NULL);
    mz_stmt_bind_text(st, i++, in->valid_from);
    mz_stmt_bind_text(st, i++, in->valid_to);
    mz_stmt_bind_text(st, i++, at);
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW)
        item_id = mz_stmt_int64(st, 0);
    mz_stmt_finalize(st);
    if (rc != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (item_one(db, k, id, item_id, out, err) < 0)
        return -1;
    if (mz_audit_append(db, actor, "household.item_add", "household", mz_registry_id_text(id, idb),
                        region, NULL, *out, err) < 0) {
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int mz_household_item_end(mz_db *db, const mz_actor *actor, int64_t id, const char *kind,
                          int64_t item_id, const char *day, json_t **out, mz_error *err)
{
    const struct item_kind *k = item_kind(kind);
    char region[13], idb[24], sql[128];
    json_t *before = NULL;
    int rc = -1;
    if (k == NULL)
        return mz_error_set(err, 404, "not_found", NULL, "记录不存在");
    if (load(db, actor, id, NULL, region, err) < 0 ||
        item_one(db, k, id, item_id, &before, err) < 0)
        return -1;
    if (!json_is_null(json_object_get(before, "valid_to"))) {
        mz_error_set(err, 409, "conflict", NULL, "该项目已终止");
        goto out;
    }
    if (day == NULL) {
        mz_error_set(err, 400, "missing_field", "on", "缺少必填字段：终止日期");
        goto out;
    }
    if (mz_registry_check_date(day, "", "on", err) < 0)
        goto out;
    if (strcmp(day, json_string_value(json_object_get(before, "valid_from"))) <= 0) {
        mz_error_set(err, 400, "invalid_value", "on", "终止日期须晚于起始日期");
        goto out;
    }
    snprintf(sql, sizeof sql, "UPDATE %s SET valid_to = ? WHERE id = ?", k->table);
    if (mz_db_run(db, NULL, sql, "ti", day, item_id) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (item_one(db, k, id, item_id, out, err) < 0)
        goto out;
    rc = mz_audit_append(db, actor, "household.item_end", "household", mz_registry_id_text(id, idb),
                         region, before, *out, err);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
out:
    json_decref(before);
    return rc;
}

/* ---- the snapshot ------------------------------------------------------------------ */

/* The item (alias i) names no person, or one who is a member on day; binds
 * day twice. */
#define ITEM_MEMBER_ON_DAY                                                                         \
    "(i.person_id IS NULL OR EXISTS (SELECT 1 FROM household_members im WHERE "                    \
    "im.household_id = i.household_id AND im.person_id = i.person_id AND im.joined_on <= ? AND "   \
    "(im.left_on IS NULL OR im.left_on > ?))) "
/* The item applies on day; binds day twice. */
#define ITEM_ON_DAY "i.valid_from <= ? AND (i.valid_to IS NULL OR i.valid_to > ?) "

/* Sum of column amount of table over the items applying on day. */
static int sum_on_day(mz_db *db, const char *table, const char *amount, int64_t id, const char *day,
                      int64_t *total, mz_error *err)
{
    char sql[640];
    snprintf(sql, sizeof sql,
             "SELECT i.%s FROM %s i WHERE i.household_id = ? AND " ITEM_ON_DAY
             "AND " ITEM_MEMBER_ON_DAY,
             amount, table);
    mz_stmt *st = mz_db_prepare_bind(db, sql, "itttt", id, day, day, day, day);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc;
    *total = 0;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        if (mz_money_add(*total, mz_stmt_int64(st, 0), total) != 0) {
            mz_stmt_finalize(st);
            return mz_error_internal(err, "registry sum overflows");
        }
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    return 0;
}

int mz_household_snapshot(mz_db *db, const mz_actor *actor, int64_t id, const char *day,
                          int audit_view, json_t **out, mz_error *err)
{
    char region[13];
    json_t *members = NULL, *incomes = NULL, *assets = NULL;
    int64_t employment = 0, rigid = 0;
    mz_stmt *st = NULL;
    int rc;

    if (load(db, actor, id, NULL, region, err) < 0)
        return -1;
    if (day == NULL)
        return mz_error_set(err, 400, "invalid_parameter", "date", "缺少参数 date（YYYY-MM-DD）");
    int d;
    if (mz_date_parse(day, &d) != 0)
        return mz_error_set(err, 400, "invalid_parameter", "date",
                            "参数 date 须为 YYYY-MM-DD 格式的有效日期");

    st = mz_db_prepare_bind(
        db,
        "SELECT p.id, p.id_number, p.name, m.relation, p.disability_kind, p.disability_grade, "
        "p.serious_illness, p.labour_capacity, p.detained, p.missing, p.in_school, "
        "p.self_care_unable, p.supporter_able, p.deceased_on FROM household_members m JOIN "
        "persons p ON p.id = m.person_id WHERE m.household_id = ? AND m.joined_on <= ? AND "
        "(m.left_on IS NULL OR m.left_on > ?) "
        "ORDER BY CASE WHEN m.relation = 'self' THEN 0 ELSE 1 END, m.joined_on, m.id",
        "itt", id, day, day);
    if (st == NULL)
        goto dberr;
    members = json_array();
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        const char *dead = mz_stmt_text(st, 13);
        json_t *dis = mz_stmt_is_null(st, 4) ? json_null()
                                             : json_pack("{s:s,s:I}", "kind", mz_stmt_text(st, 4),
                                                         "grade", (json_int_t)mz_stmt_int64(st, 5));
        json_array_append_new(
            members,
            json_pack("{s:s,s:s,s:s,s:o,s:b,s:s,s:b,s:b,s:b,s:i,s:b,s:s?}", "id_number",
                      mz_stmt_text(st, 1), "name", mz_stmt_text(st, 2), "relation",
                      mz_stmt_text(st, 3), "disability", dis, "serious_illness",
                      (int)mz_stmt_int64(st, 6), "labour_capacity", mz_stmt_text(st, 7), "detained",
                      (int)mz_stmt_int64(st, 8), "missing", (int)mz_stmt_int64(st, 9), "in_school",
                      (int)mz_stmt_int64(st, 10), "self_care_unable", (int)mz_stmt_int64(st, 11),
                      "supporter_able", (int)mz_stmt_int64(st, 12), "deceased_on",
                      dead && strcmp(dead, day) <= 0 ? dead : NULL));
        if (audit_view && mz_person_audit_view(db, actor, mz_stmt_int64(st, 0), region,
                                               "household_snapshot", id, day, err) < 0)
            goto fail;
    }
    mz_stmt_finalize(st);
    st = NULL;
    if (rc < 0)
        goto dberr;

    st = mz_db_prepare_bind(db,
                            "SELECT p.id_number, i.type, i.monthly_fen FROM income_items i LEFT "
                            "JOIN persons p ON p.id = i.person_id WHERE i.household_id = ? "
                            "AND " ITEM_ON_DAY "AND " ITEM_MEMBER_ON_DAY "ORDER BY i.id",
                            "itttt", id, day, day, day, day);
    if (st == NULL)
        goto dberr;
    incomes = json_array();
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(incomes, json_pack("{s:s?,s:s,s:I}", "id_number", mz_stmt_text(st, 0),
                                                 "type", mz_stmt_text(st, 1), "monthly_fen",
                                                 (json_int_t)mz_stmt_int64(st, 2)));
    mz_stmt_finalize(st);
    st = NULL;
    if (rc < 0)
        goto dberr;

    st = mz_db_prepare_bind(db,
                            "SELECT i.type, i.value_fen, i.exempt FROM assets i WHERE "
                            "i.household_id = ? AND " ITEM_ON_DAY "ORDER BY i.id",
                            "itt", id, day, day);
    if (st == NULL)
        goto dberr;
    assets = json_array();
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(assets, json_pack("{s:s,s:I,s:b}", "type", mz_stmt_text(st, 0),
                                                "value_fen", (json_int_t)mz_stmt_int64(st, 1),
                                                "exempt", (int)mz_stmt_int64(st, 2)));
    mz_stmt_finalize(st);
    st = NULL;
    if (rc < 0)
        goto dberr;

    if (sum_on_day(db, "employment_costs", "monthly_fen", id, day, &employment, err) < 0 ||
        sum_on_day(db, "rigid_expenditures", "annual_fen", id, day, &rigid, err) < 0)
        goto fail;
    *out = json_pack("{s:s,s:{s:o,s:o,s:I,s:o,s:I}}", "region", region, "household", "members",
                     members, "incomes", incomes, "employment_cost_monthly_fen",
                     (json_int_t)employment, "assets", assets, "rigid_expenditure_annual_fen",
                     (json_int_t)rigid);
    return 0;
dberr:
    mz_error_internal(err, mz_db_errmsg(db));
fail:
    mz_stmt_finalize(st);
    json_decref(members);
    json_decref(incomes);
    json_decref(assets);
    return -1;
}

/* ---- lists and profiles ---------------------------------------------------------- */

#define LIST_WHERE                                                                                 \
    "WHERE h.region_code LIKE ? AND (CAST(? AS TEXT) = '' OR h.region_code LIKE ?) "               \
    "AND (CAST(? AS TEXT) = '' OR hp.name LIKE ? ESCAPE '\\') "                                    \
    "AND (CAST(? AS TEXT) = '' OR EXISTS (SELECT 1 FROM household_members qm JOIN persons qp ON "  \
    "qp.id = qm.person_id WHERE qm.household_id = h.id AND qp.id_number = ?)) "

int mz_household_list(mz_db *db, const mz_actor *actor, const mz_household_filter *f, json_t **out,
                      mz_error *err)
{
    char scope[16], sub[16] = "", today[11];
    struct mz_idnum idn;
    const char *q = f->q ? f->q : "", *qid = "", *qname = "";
    char *like = NULL;
    int64_t total = 0;
    json_t *items = NULL;
    mz_stmt *st = NULL;
    int rc = -1;

    mz_registry_scope(actor, scope);
    today_text(today);
    if (f->region_code) {
        char p[13];
        if (mz_region_level_of(f->region_code) < 0)
            return mz_error_set(err, 400, "invalid_parameter", "region", "区划代码须为12位数字");
        mz_region_prefix(f->region_code, p);
        snprintf(sub, sizeof sub, "%s%%", p);
    }
    if (*q && mz_idnum_check(q, &idn) == 0) {
        qid = idn.normalized;
    } else if (*q) {
        like = mz_registry_like(q);
        qname = like;
    }
    if (mz_db_query_int64(db, &total, "SELECT COUNT(*) " HH_FROM LIST_WHERE, "ttttttt", scope, sub,
                          sub, qname, qname, qid, qid) < 0) {
        rc = mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    st = mz_db_prepare_bind(
        db,
        "SELECT h.id, h.region_code, r.name, h.kind, h.address, h.head_person_id, hp.name, "
        "hp.id_number, (SELECT COUNT(*) FROM household_members cm WHERE cm.household_id = h.id "
        "AND cm.joined_on <= ? AND (cm.left_on IS NULL OR cm.left_on > ?)), h.created_at " HH_FROM
            LIST_WHERE "ORDER BY h.id LIMIT ? OFFSET ?",
        "tttttttttii", today, today, scope, sub, sub, qname, qname, qid, qid, (int64_t)f->page_size,
        (int64_t)(f->page - 1) * f->page_size);
    if (st == NULL) {
        rc = mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    items = json_array();
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        char masked[19];
        mz_idnum_mask(mz_stmt_text(st, 7), masked);
        json_array_append_new(
            items,
            json_pack("{s:I,s:s,s:s,s:s,s:s,s:{s:I,s:s,s:s},s:I,s:s}", "id",
                      (json_int_t)mz_stmt_int64(st, 0), "region_code", mz_stmt_text(st, 1),
                      "region_name", mz_stmt_text(st, 2), "kind", mz_stmt_text(st, 3), "address",
                      mz_stmt_text(st, 4), "head", "person_id", (json_int_t)mz_stmt_int64(st, 5),
                      "name", mz_stmt_text(st, 6), "id_number_masked", masked, "member_count",
                      (json_int_t)mz_stmt_int64(st, 8), "created_at", mz_stmt_text(st, 9)));
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

int mz_household_profile(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err)
{
    json_t *h = NULL, *members = NULL, *items = NULL, *history = NULL;
    if (load(db, actor, id, &h, NULL, err) < 0)
        return -1;
    if (members_json(db, id, NULL, &members, err) < 0)
        goto fail;
    items = json_object();
    for (size_t i = 0; i < sizeof item_kinds / sizeof item_kinds[0]; i++) {
        json_t *a = NULL;
        if (items_json(db, &item_kinds[i], id, 0, &a, err) < 0)
            goto fail;
        json_object_set_new(items, item_kinds[i].key, a);
    }
    if (mz_registry_history(db, "household", id, 200, NULL, &history, err) < 0)
        goto fail;
    *out = json_pack("{s:o,s:o,s:o,s:o}", "household", h, "members", members, "items", items,
                     "history", history);
    return 0;
fail:
    json_decref(h);
    json_decref(members);
    json_decref(items);
    return -1;
}
