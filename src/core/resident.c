/*
 * Resident accounts (see resident.h).
 */
#include "core/resident.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/idnum.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "core/audit.h"

int mz_actor_is_resident(const mz_actor *actor)
{
    return actor->id > 0 && strcmp(actor->role, MZ_ROLE_RESIDENT) == 0;
}

int mz_mobile_valid(const char *s)
{
    return s && strlen(s) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' &&
           strspn(s, "0123456789") == 11;
}

/* The ID number's form and birth date (not after today); fills *id. */
static int check_id_number(const char *s, struct mz_idnum *id, mz_error *err)
{
    int rc = mz_idnum_check(s, id);
    if (rc != MZ_IDNUM_OK)
        return mz_error_set(err, 400, "invalid_value", "id_number", "身份证号码有误：%s",
                            mz_idnum_strerror(rc));
    int birth = 0;
    if (mz_date_from_ymd(id->birth_year, id->birth_month, id->birth_day, &birth) < 0 ||
        birth > mz_date_today())
        return mz_error_set(err, 400, "invalid_value", "id_number",
                            "身份证号码有误：出生日期晚于今天");
    return 0;
}

static int check_name(const char *s, mz_error *err)
{
    size_t n = strlen(s);
    if (!mz_utf8_valid(s, n) || mz_utf8_has_control(s))
        return mz_error_set(err, 400, "invalid_value", "name", "姓名含有无效字符");
    size_t chars = mz_utf8_chars(s);
    if (chars < 1 || chars > 64)
        return mz_error_set(err, 400, "invalid_value", "name", "姓名须为1至64个字符");
    return 0;
}

/*
 * Counts this attempt and answers 429 when the ID number has had
 * lockout_threshold attempts within lockout_minutes already.  Its own
 * transaction, so a refused registration still counts.
 */
static int count_attempt(mz_db *db, const mz_security *s, const char *id_number, mz_error *err)
{
    int64_t n = 0;
    time_t now = time(NULL);
    if (mz_db_query_int64(db, &n,
                          "SELECT COUNT(*) FROM resident_register_attempts "
                          "WHERE id_number = ? AND at_epoch > ?",
                          "ti", id_number, (int64_t)(now - s->lockout_minutes * 60)) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (n >= s->lockout_threshold)
        return mz_error_set(err, 429, "too_many_attempts", "id_number",
                            "该身份证号注册尝试过于频繁，请%d分钟后再试", s->lockout_minutes);
    if (mz_db_begin(db) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (mz_db_run(db, NULL,
                  "INSERT INTO resident_register_attempts (id_number, at_epoch) VALUES (?, ?)",
                  "ti", id_number, (int64_t)now) < 0 ||
        mz_db_run(db, NULL, "DELETE FROM resident_register_attempts WHERE at_epoch < ?", "i",
                  (int64_t)(now - s->lockout_minutes * 60)) < 0 ||
        mz_db_commit(db) < 0) {
        mz_db_rollback(db);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    return 0;
}

int mz_resident_register(mz_db *db, const mz_security *s, const mz_resident_registration *in,
                         const char *request_id, json_t **out, mz_error *err)
{
    struct mz_idnum id;
    char hash[256], at[21], birth[11], idb[24], masked[19];
    int64_t exists = 0, uid = 0;
    char *root = NULL;
    mz_actor actor;

    if (check_id_number(in->id_number, &id, err) < 0 ||
        count_attempt(db, s, id.normalized, err) < 0 || check_name(in->name, err) < 0)
        return -1;
    if (!mz_mobile_valid(in->mobile))
        return mz_error_set(err, 400, "invalid_value", "mobile", "手机号码须为1开头的11位手机号");
    if (mz_password_check(s, id.normalized, in->password, "password", err) < 0)
        return -1;
    if (mz_db_query_int64(db, &exists, "SELECT COUNT(*) FROM users WHERE username = ?", "t",
                          id.normalized) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (exists)
        return mz_error_set(err, 409, "conflict", "id_number", "该身份证号已注册，请直接登录");
    /* users.region_code must name a region; a resident's scope ignores it, so
     * the account sits at the root of the registry. */
    int rc = mz_db_query_text(db, &root,
                              "SELECT code FROM regions WHERE parent_code IS NULL "
                              "ORDER BY level, code LIMIT 1",
                              "");
    if (rc != MZ_DB_ROW)
        return rc < 0 ? mz_error_internal(err, mz_db_errmsg(db))
                      : mz_error_internal(err, "the region registry is empty");
    if (mz_password_hash(s, in->password, hash, sizeof hash) < 0) {
        mz_free(root);
        return mz_error_internal(err, "password hashing failed");
    }
    snprintf(birth, sizeof birth, "%04d-%02d-%02d", id.birth_year, id.birth_month, id.birth_day);
    mz_time_iso(time(NULL), at);
    if (mz_db_begin(db) < 0) {
        mz_wipe(hash, sizeof hash);
        mz_free(root);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    rc = mz_db_query_int64(db, &uid,
                           "INSERT INTO users (username, display_name, password_hash, role_code, "
                           "region_code, phone, created_at, updated_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                           "tttttttt", id.normalized, in->name, hash, MZ_ROLE_RESIDENT, root,
                           in->mobile, at, at);
    mz_wipe(hash, sizeof hash);
    mz_free(root);
    if (rc == MZ_DB_CONSTRAINT) {
        mz_error_set(err, 409, "conflict", "id_number", "该身份证号已注册，请直接登录");
        goto fail;
    }
    if (rc != MZ_DB_ROW ||
        mz_db_run(db, NULL,
                  "INSERT INTO resident_accounts (user_id, id_number, gender, birth_date, "
                  "created_at) VALUES (?, ?, ?, ?, ?)",
                  "itttt", uid, id.normalized, id.gender == 'M' ? "M" : "F", birth, at) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto fail;
    }
    if (mz_actor_load(db, uid, &actor) != 0) {
        mz_error_internal(err, "resident account vanished during registration");
        goto fail;
    }
    snprintf(actor.request_id, sizeof actor.request_id, "%s", request_id ? request_id : "");
    mz_idnum_mask(id.normalized, masked);
    json_t *after = json_pack("{s:s,s:s,s:i}", "id_number_masked", masked, "name", in->name,
                              "identity_verified", 0);
    snprintf(idb, sizeof idb, "%lld", (long long)uid);
    rc = mz_audit_append(db, &actor, "resident.register", "user", idb, NULL, NULL, after, err);
    json_decref(after);
    if (rc < 0)
        goto fail;
    if (mz_db_commit(db) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto fail;
    }
    return mz_resident_account_get(db, &actor, out, err);
fail:
    mz_db_rollback(db);
    return -1;
}

int mz_resident_account_get(mz_db *db, const mz_actor *actor, json_t **out, mz_error *err)
{
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT u.id, r.id_number, u.display_name, u.phone, r.gender, r.birth_date, "
        "r.identity_verified, r.created_at FROM users u "
        "JOIN resident_accounts r ON r.user_id = u.id WHERE u.id = ?",
        "i", actor->id);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW)
        *out = json_pack(
            "{s:I,s:s,s:s,s:s?,s:s,s:s,s:b,s:s}", "user_id", (json_int_t)mz_stmt_int64(st, 0),
            "id_number", mz_stmt_text(st, 1), "name", mz_stmt_text(st, 2), "mobile",
            mz_stmt_text(st, 3), "gender", mz_stmt_text(st, 4), "birth_date", mz_stmt_text(st, 5),
            "identity_verified", (int)mz_stmt_int64(st, 6), "created_at", mz_stmt_text(st, 7));
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 404, "not_found", NULL, "居民账户不存在");
    return 0;
}

int mz_resident_verify_identity(mz_db *db, const mz_actor *actor, int64_t account_id,
                                const char *region_code, mz_error *err)
{
    char at[21], idb[24];
    int64_t changed = 0;
    mz_time_iso(time(NULL), at);
    if (mz_db_run(db, &changed,
                  "UPDATE resident_accounts SET identity_verified = 1, verified_by = "
                  "NULLIF(CAST(? AS BIGINT), 0), verified_at = ? "
                  "WHERE user_id = ? AND identity_verified = 0",
                  "iti", (int64_t)actor->id, at, account_id) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (changed == 0)
        return 0;
    snprintf(idb, sizeof idb, "%lld", (long long)account_id);
    json_t *after = json_pack("{s:i,s:s}", "identity_verified", 1, "how", "受理时当面核验身份证件");
    int rc = mz_audit_append(db, actor, "resident.identity_verified", "user", idb, region_code,
                             NULL, after, err);
    json_decref(after);
    return rc;
}
