/*
 * Staff accounts (see user.h).
 */
#include "core/user.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "core/audit.h"
#include "core/region.h"

static const char *level_key(int level)
{
    static const char *keys[] = {"", "province", "city", "county", "township", "village"};
    return level >= 1 && level <= 5 ? keys[level] : "";
}

#define USER_COLUMNS                                                                               \
    "u.id, u.username, u.display_name, u.role_code, ro.name, u.region_code, re.name, u.phone, "    \
    "u.disabled, u.must_change_password, u.created_at, u.last_login_at "
#define USER_FROM                                                                                  \
    "FROM users u JOIN roles ro ON ro.code = u.role_code "                                         \
    "JOIN regions re ON re.code = u.region_code "

static json_t *user_from_row(mz_stmt *st)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:b,s:b,s:s,s:s?}", "id",
                     (json_int_t)mz_stmt_int64(st, 0), "username", mz_stmt_text(st, 1),
                     "display_name", mz_stmt_text(st, 2), "role", mz_stmt_text(st, 3), "role_name",
                     mz_stmt_text(st, 4), "region_code", mz_stmt_text(st, 5), "region_name",
                     mz_stmt_text(st, 6), "phone", mz_stmt_text(st, 7), "disabled",
                     (int)mz_stmt_int64(st, 8), "must_change_password", (int)mz_stmt_int64(st, 9),
                     "created_at", mz_stmt_text(st, 10), "last_login_at", mz_stmt_text(st, 11));
}

/* Resident accounts (core/resident.h) are not staff: staff management never
 * lists, shows or changes them. */
#define STAFF_ONLY "AND u.role_code <> 'resident' "

/* Loads a user inside the actor's subtree (any user when self is set: the
 * actor's own account); 404 otherwise. */
static int load_user(mz_db *db, const mz_actor *actor, int64_t id, int self, json_t **out,
                     mz_error *err)
{
    char like[16];
    snprintf(like, sizeof like, "%s%%", actor->scope_prefix);
    mz_stmt *st =
        self ? mz_db_prepare_bind(db, "SELECT " USER_COLUMNS USER_FROM "WHERE u.id = ?", "i", id)
             : mz_db_prepare_bind(db,
                                  "SELECT " USER_COLUMNS USER_FROM
                                  "WHERE u.id = ? AND u.region_code LIKE ? " STAFF_ONLY,
                                  "it", id, like);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW)
        *out = user_from_row(st);
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 404, "not_found", NULL, "用户不存在");
    return 0;
}

static int load(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err)
{
    return load_user(db, actor, id, 0, out, err);
}

int mz_user_get(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err)
{
    return load(db, actor, id, out, err);
}

int mz_user_find(mz_db *db, const mz_actor *actor, const char *username, int64_t *id, mz_error *err)
{
    char like[16];
    snprintf(like, sizeof like, "%s%%", actor->scope_prefix);
    int rc = mz_db_query_int64(
        db, id, "SELECT id FROM users u WHERE username = ? AND region_code LIKE ? " STAFF_ONLY,
        "tt", username, like);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 404, "not_found", "username", "用户 %s 不存在", username);
    return 0;
}

static int check_username(const char *u, mz_error *err)
{
    size_t n = strlen(u);
    if (n < 3 || n > 32)
        return mz_error_set(err, 400, "invalid_value", "username", "用户名须为3至32个字符");
    if (!((u[0] >= 'a' && u[0] <= 'z') || (u[0] >= 'A' && u[0] <= 'Z')))
        return mz_error_set(err, 400, "invalid_value", "username", "用户名须以英文字母开头");
    if (strspn(u, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
        return mz_error_set(err, 400, "invalid_value", "username",
                            "用户名只能包含英文字母、数字、下划线、点和连字符");
    return 0;
}

static int check_display_name(const char *s, mz_error *err)
{
    size_t n = strlen(s);
    if (!mz_utf8_valid(s, n) || mz_utf8_has_control(s))
        return mz_error_set(err, 400, "invalid_value", "display_name", "姓名含有无效字符");
    size_t chars = mz_utf8_chars(s);
    if (chars < 1 || chars > 64)
        return mz_error_set(err, 400, "invalid_value", "display_name", "姓名须为1至64个字符");
    return 0;
}

static int check_phone(const char *p, mz_error *err)
{
    if (*p == '\0')
        return 0;
    if (strlen(p) != 11 || p[0] != '1' || strspn(p, "0123456789") != 11)
        return mz_error_set(err, 400, "invalid_value", "phone", "手机号码须为1开头的11位数字");
    return 0;
}

/* The role exists and may be held at the region's level. */
static int check_role(mz_db *db, const char *role, const char *region_code, mz_error *err)
{
    char *levels = NULL;
    int rc = mz_db_query_text(db, &levels, "SELECT levels FROM roles WHERE code = ?", "t", role);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 400, "invalid_value", "role", "角色 %s 不存在", role);
    const char *want = level_key(mz_region_level_of(region_code));
    int ok = 0;
    for (char *save = NULL, *t = strtok_r(levels, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (strcmp(t, want) == 0)
            ok = 1;
    mz_free(levels);
    if (!ok)
        return mz_error_set(err, 400, "role_level_mismatch", "role", "该角色不能设在%s级区划",
                            mz_region_level_name(mz_region_level_of(region_code)));
    return 0;
}

static const char *id_text(int64_t id, char buf[24])
{
    snprintf(buf, 24, "%lld", (long long)id);
    return buf;
}

int mz_user_create(mz_db *db, const mz_security *s, const mz_actor *actor, const mz_user_input *in,
                   json_t **out, mz_error *err)
{
    char hash[256], at[21], idb[24];
    int64_t id = 0, exists = 0;
    if (check_username(in->username, err) < 0 || check_display_name(in->display_name, err) < 0 ||
        (in->phone && check_phone(in->phone, err) < 0) ||
        mz_region_check(db, actor, in->region_code, "region_code", NULL, err) < 0 ||
        check_role(db, in->role, in->region_code, err) < 0 ||
        mz_password_check(s, in->username, in->password, "password", err) < 0)
        return -1;
    int rc = mz_db_query_int64(db, &exists, "SELECT COUNT(*) FROM users WHERE username = ?", "t",
                               in->username);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (exists)
        return mz_error_set(err, 409, "conflict", "username", "用户名 %s 已被使用", in->username);
    if (mz_password_hash(s, in->password, hash, sizeof hash) < 0)
        return mz_error_internal(err, "password hashing failed");
    mz_time_iso(time(NULL), at);
    rc = mz_db_query_int64(db, &id,
                           "INSERT INTO users (username, display_name, password_hash, role_code, "
                           "region_code, phone, created_at, updated_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                           "tttttttt", in->username, in->display_name, hash, in->role,
                           in->region_code, in->phone && *in->phone ? in->phone : NULL, at, at);
    mz_wipe(hash, sizeof hash);
    if (rc == MZ_DB_CONSTRAINT)
        return mz_error_set(err, 409, "conflict", "username", "用户名 %s 已被使用", in->username);
    if (rc != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (load(db, actor, id, out, err) < 0)
        return -1;
    if (mz_audit_append(db, actor, "user.create", "user", id_text(id, idb), in->region_code, NULL,
                        *out, err) < 0) {
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int mz_user_update(mz_db *db, const mz_actor *actor, int64_t id, const mz_user_input *in,
                   json_t **out, mz_error *err)
{
    json_t *before = NULL;
    char at[21], idb[24];
    int rc = -1;
    if (load(db, actor, id, &before, err) < 0)
        return -1;
    const char *region = in->region_code
                             ? in->region_code
                             : json_string_value(json_object_get(before, "region_code"));
    const char *role = in->role ? in->role : json_string_value(json_object_get(before, "role"));
    if ((in->display_name && check_display_name(in->display_name, err) < 0) ||
        (in->phone && check_phone(in->phone, err) < 0) ||
        (in->region_code &&
         mz_region_check(db, actor, in->region_code, "region_code", NULL, err) < 0) ||
        ((in->role || in->region_code) && check_role(db, role, region, err) < 0))
        goto out;
    if (id == actor->id && in->disabled == 1) {
        mz_error_set(err, 400, "invalid_value", "disabled", "不能停用自己的账户");
        goto out;
    }
    mz_time_iso(time(NULL), at);
    if (mz_db_run(db, NULL,
                  "UPDATE users SET display_name = COALESCE(?, display_name), role_code = ?, "
                  "region_code = ?, phone = CASE WHEN ? = 1 THEN ? ELSE phone END, "
                  "disabled = CASE WHEN ? >= 0 THEN ? ELSE disabled END, updated_at = ? "
                  "WHERE id = ?",
                  "tttitiiti", in->display_name, role, region, (int64_t)(in->phone != NULL),
                  in->phone && *in->phone ? in->phone : NULL, (int64_t)in->disabled,
                  (int64_t)in->disabled, at, id) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    /* Disabling ends every open session of the account at once. */
    if (in->disabled == 1 &&
        mz_db_run(db, NULL, "DELETE FROM sessions WHERE user_id = ?", "i", id) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (load(db, actor, id, out, err) < 0) {
        /* Moved out of the actor's own subtree: the actor may not see it any more. */
        goto out;
    }
    rc = mz_audit_append(db, actor, in->disabled == 1 ? "user.disable" : "user.update", "user",
                         id_text(id, idb), region, before, *out, err);
out:
    json_decref(before);
    return rc;
}

int mz_user_reset_password(mz_db *db, const mz_security *s, const mz_actor *actor, int64_t id,
                           const char *password, mz_error *err)
{
    json_t *u = NULL;
    char hash[256], at[21], idb[24];
    if (load(db, actor, id, &u, err) < 0)
        return -1;
    int rc = -1;
    if (mz_password_check(s, json_string_value(json_object_get(u, "username")), password,
                          "password", err) < 0)
        goto out;
    if (mz_password_hash(s, password, hash, sizeof hash) < 0) {
        mz_error_internal(err, "password hashing failed");
        goto out;
    }
    mz_time_iso(time(NULL), at);
    rc = mz_db_run(db, NULL,
                   "UPDATE users SET password_hash = ?, must_change_password = 1, updated_at = ? "
                   "WHERE id = ?",
                   "tti", hash, at, id);
    mz_wipe(hash, sizeof hash);
    if (rc < 0 || mz_db_run(db, NULL, "DELETE FROM sessions WHERE user_id = ?", "i", id) < 0 ||
        mz_db_run(db, NULL, "DELETE FROM login_failures WHERE username = ?", "t",
                  json_string_value(json_object_get(u, "username"))) < 0) {
        rc = mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    rc = mz_audit_append(db, actor, "user.reset_password", "user", id_text(id, idb),
                         json_string_value(json_object_get(u, "region_code")), NULL, NULL, err);
out:
    json_decref(u);
    return rc;
}

int mz_user_change_password(mz_db *db, const mz_security *s, const mz_actor *actor,
                            const char *old_password, const char *new_password, mz_error *err)
{
    char *stored = NULL, *username = NULL, hash[256], at[21], idb[24];
    int rc = mz_db_query_text(db, &stored, "SELECT password_hash FROM users WHERE id = ?", "i",
                              actor->id);
    if (rc != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(db));
    /* The stored username: a resident actor's name is shown masked (resident.h). */
    rc = mz_db_query_text(db, &username, "SELECT username FROM users WHERE id = ?", "i", actor->id);
    if (rc != MZ_DB_ROW) {
        mz_free(stored);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    int ok = mz_password_verify(stored, old_password);
    mz_free(stored);
    if (!ok)
        rc = mz_error_set(err, 400, "invalid_value", "old_password", "原密码不正确");
    else if (strcmp(old_password, new_password) == 0)
        rc = mz_error_set(err, 400, "weak_password", "new_password", "新密码不能与原密码相同");
    else
        rc = mz_password_check(s, username, new_password, "new_password", err);
    mz_free(username);
    if (rc < 0)
        return -1;
    if (mz_password_hash(s, new_password, hash, sizeof hash) < 0)
        return mz_error_internal(err, "password hashing failed");
    mz_time_iso(time(NULL), at);
    rc = mz_db_run(db, NULL,
                   "UPDATE users SET password_hash = ?, must_change_password = 0, updated_at = ? "
                   "WHERE id = ?",
                   "tti", hash, at, actor->id);
    mz_wipe(hash, sizeof hash);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    return mz_audit_append(db, actor, "user.change_password", "user", id_text(actor->id, idb),
                           actor->region_code, NULL, NULL, err);
}

/* Appends "LOWER(col) LIKE ?"-style escaping of a user's search text. */
static char *like_pattern(const char *q)
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

#define LIST_WHERE                                                                                 \
    "WHERE u.role_code <> 'resident' AND u.region_code LIKE ? AND (? = '' OR u.region_code LIKE "  \
    "?) "                                                                                          \
    "AND (? = '' OR LOWER(u.username) LIKE LOWER(?) ESCAPE '\\' "                                  \
    "     OR u.display_name LIKE ? ESCAPE '\\') "                                                  \
    "AND (? = '' OR u.role_code = ?) AND (? < 0 OR u.disabled = ?) "

int mz_user_list(mz_db *db, const mz_actor *actor, const mz_user_filter *f, json_t **out,
                 mz_error *err)
{
    char scope[16], sub[16] = "";
    char *q = like_pattern(f->q ? f->q : "");
    const char *qq = f->q && *f->q ? q : "";
    const char *role = f->role ? f->role : "";
    int64_t total = 0;
    int rc = -1;
    mz_stmt *st = NULL;
    json_t *items = NULL;

    snprintf(scope, sizeof scope, "%s%%", actor->scope_prefix);
    if (f->region_code) {
        char p[13];
        if (mz_region_level_of(f->region_code) < 0) {
            rc = mz_error_set(err, 400, "invalid_parameter", "region", "区划代码须为12位数字");
            goto out;
        }
        mz_region_prefix(f->region_code, p);
        snprintf(sub, sizeof sub, "%s%%", p);
    }
    if (mz_db_query_int64(db, &total, "SELECT COUNT(*) FROM users u " LIST_WHERE, "ttttttttii",
                          scope, sub, sub, qq, qq, qq, role, role, (int64_t)f->disabled,
                          (int64_t)f->disabled) < 0) {
        rc = mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    st = mz_db_prepare_bind(
        db, "SELECT " USER_COLUMNS USER_FROM LIST_WHERE "ORDER BY u.id LIMIT ? OFFSET ?",
        "ttttttttiiii", scope, sub, sub, qq, qq, qq, role, role, (int64_t)f->disabled,
        (int64_t)f->disabled, (int64_t)f->page_size, (int64_t)(f->page - 1) * f->page_size);
    if (st == NULL) {
        rc = mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    items = json_array();
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(items, user_from_row(st));
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
    mz_free(q);
    return rc;
}

json_t *mz_user_session_json(mz_db *db, const mz_actor *actor)
{
    json_t *u = NULL;
    mz_error e;
    if (load_user(db, actor, actor->id, 1, &u, &e) < 0)
        return NULL;
    json_t *perms = json_array();
    for (int i = 0; i < actor->nperms; i++)
        json_array_append_new(perms, json_string(actor->perms[i]));
    json_object_set_new(u, "permissions", perms);
    json_object_set_new(u, "region_level", json_integer(actor->level));
    return u;
}
