/*
 * Resident accounts (掌上办): a resident registers with their ID number,
 * name, mobile number and a password, logs in with the ID number as the
 * username, and applies online (systems/assistance/online.h).  A resident
 * account is a users row with role MZ_ROLE_RESIDENT, so login, lockout,
 * sessions, password rules and the audit log are those of core/auth.h; this
 * module adds what only a resident has (resident_accounts) and registration.
 *
 * Scope: mz_actor_load() gives a resident actor a scope that covers no region
 * (MZ_RESIDENT_SCOPE), so that every region-scoped query returns nothing for
 * them even if a route forgot its permission, and their audit name shows the
 * ID number masked.  A resident reaches only their own account and their own
 * submissions, which the functions here and in online.h select by actor id.
 *
 * Identity: the provincial 政务服务 real-name service cannot be reached from
 * here, so a new account has identity_verified = 0.  Staff who accept an
 * application (受理) confirm the applicant's ID card in person, which sets it
 * (mz_resident_verify_identity).
 *
 * An ID number that has an account already is answered plainly (409 "该身份证号
 * 已注册，请直接登录"): a resident needs to know to log in instead, and ID
 * numbers are not secret from the people around a resident anyway.  What
 * limits probing is the attempt limit: more than the security settings'
 * lockout_threshold attempts with one ID number within lockout_minutes are
 * refused with 429 (behind nginx, limit_req on the registration path adds a
 * limit per client address, which this process does not see).
 */
#ifndef MZ_CORE_RESIDENT_H
#define MZ_CORE_RESIDENT_H

#include <jansson.h>
#include <stdint.h>

#include "base/error.h"
#include "core/actor.h"
#include "core/auth.h"
#include "store/store.h"

#define MZ_ROLE_RESIDENT "resident"
/* The scope prefix of a resident actor: no region code starts with it. */
#define MZ_RESIDENT_SCOPE "-"

/* 1 when the actor is a resident (not staff, not the command line). */
int mz_actor_is_resident(const mz_actor *actor);

/* 1 when s is a mainland mobile number: 11 digits, "1" then 3-9. */
int mz_mobile_valid(const char *s);

typedef struct mz_resident_registration {
    const char *id_number;
    const char *name;
    const char *mobile;
    const char *password;
} mz_resident_registration;

/*
 * Registers a resident: checks the ID number (form, checksum, birth date not
 * after today; 400 invalid_value id_number), counts the attempt (429
 * too_many_attempts past the limit), checks name (1-64 characters), mobile
 * and password (400 naming the field), refuses an ID number with an account
 * (409 conflict id_number), then creates the account, audited
 * 'resident.register'.  Runs its own transactions (the attempt is recorded
 * whatever the outcome).  *out: the account as from mz_resident_account_get.
 */
int mz_resident_register(mz_db *db, const mz_security *s, const mz_resident_registration *in,
                         const char *request_id, json_t **out, mz_error *err);

/* The actor's own account: {"user_id","id_number","name","mobile","gender",
 * "birth_date","identity_verified","created_at"}.  404 for a non-resident. */
int mz_resident_account_get(mz_db *db, const mz_actor *actor, json_t **out, mz_error *err);

/* Records that staff saw the account holder's ID card in person (no change
 * when already verified).  Caller's transaction, audited
 * 'resident.identity_verified'. */
int mz_resident_verify_identity(mz_db *db, const mz_actor *actor, int64_t account_id,
                                const char *region_code, mz_error *err);

#endif
