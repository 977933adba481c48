/*
 * Accounts and authentication: argon2id password hashes (libsodium),
 * password rules, login with lockout, cookie sessions with CSRF tokens and an
 * idle timeout, bearer tokens for service accounts.  All state lives in the
 * database (sessions, failures, tokens) so that any number of minzheng
 * processes behind a load balancer agree on it.  Secrets handed out (session
 * cookies, bearer tokens) are stored only as SHA-256 hashes.
 */
#ifndef MZ_CORE_AUTH_H
#define MZ_CORE_AUTH_H

#include <stdint.h>

#include "base/error.h"
#include "core/actor.h"
#include "store/store.h"

/* Security settings; every one comes from configuration. */
typedef struct mz_security {
    int lockout_threshold;          /* failed logins that lock an account (5) */
    int lockout_minutes;            /* window and lock duration (15) */
    int idle_timeout_minutes;       /* session idle timeout (30) */
    int password_min_length;        /* characters (10) */
    int password_min_classes;       /* of lower, upper, digit, other (3) */
    unsigned long long pw_opslimit; /* argon2id cost */
    unsigned long long pw_memlimit; /* bytes */
} mz_security;

/* Fills s with the defaults above and libsodium's interactive argon2id cost. */
void mz_security_defaults(mz_security *s);

/* Calls sodium_init once; returns 0 or -1.  Safe from several threads. */
int mz_auth_init(void);

#define MZ_TOKEN_LEN 64 /* hex characters of a session / bearer token */

/* Hashes with argon2id into out (at least 128 bytes).  0 or -1 (out of memory). */
int mz_password_hash(const mz_security *s, const char *password, char *out, size_t outlen);
/* 1 when password matches the stored hash, 0 otherwise. */
int mz_password_verify(const char *hash, const char *password);
/* 0 when password follows the rules; -1 with err (400 weak_password, field) otherwise. */
int mz_password_check(const mz_security *s, const char *username, const char *password,
                      const char *field, mz_error *err);

/*
 * Logs in: checks the lockout window, the password and the account state,
 * records failures, creates a session, writes the audit entry; runs its own
 * transactions.  On success fills token (the cookie value) and csrf (both
 * MZ_TOKEN_LEN + 1 bytes) and *actor.  Errors: 401 auth_failed, 403
 * account_disabled, 423 account_locked, 500.
 */
int mz_auth_login(mz_db *db, const mz_security *s, const char *username, const char *password,
                  const char *request_id, char *token, char *csrf, mz_actor *actor, mz_error *err);

/*
 * Resolves a session cookie into an actor and its CSRF token.  Returns 0, or
 * -1 with err set to 401 unauthenticated (unknown, expired, user disabled).
 * Touches last_seen at most once a minute.
 */
int mz_auth_session(mz_db *db, const mz_security *s, const char *token, mz_actor *actor, char *csrf,
                    mz_error *err);
/* Resolves a bearer token; 0 or -1 with 401 unauthenticated. */
int mz_auth_bearer(mz_db *db, const char *token, mz_actor *actor, mz_error *err);
/* Ends the session (inside the caller's transaction, audited). */
int mz_auth_logout(mz_db *db, const mz_actor *actor, const char *token, mz_error *err);

/*
 * Loads user id into an actor: role, permissions, region, scope prefix.
 * Returns 0, 1 when there is no such user, -1 on a database error.
 */
int mz_actor_load(mz_db *db, int64_t user_id, mz_actor *actor);

/* Creates a bearer token for user_id (caller's transaction, audited). token: MZ_TOKEN_LEN + 1. */
int mz_token_create(mz_db *db, const mz_actor *actor, int64_t user_id, const char *name,
                    char *token, int64_t *token_id, mz_error *err);

/* Hex SHA-256 of s into out[65]. */
void mz_sha256_hex(const char *s, char *out);

#endif
