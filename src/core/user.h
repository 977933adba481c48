/*
 * Staff accounts: create, read, list, change, disable, reset passwords.
 * Every function is limited to the actor's region subtree in SQL: a user
 * outside it is "not found", exactly like one that does not exist.  Every
 * change is audited in the caller's transaction (before and after, never a
 * password or its hash).
 */
#ifndef MZ_CORE_USER_H
#define MZ_CORE_USER_H

#include <jansson.h>
#include <stdint.h>

#include "base/error.h"
#include "core/actor.h"
#include "core/auth.h"
#include "store/store.h"

/* Fields of a new or changed user; NULL means "not given". */
typedef struct mz_user_input {
    const char *username;
    const char *display_name;
    const char *role;
    const char *region_code;
    const char *password;
    const char *phone; /* "" clears the phone */
    int disabled;      /* -1 not given, 0, 1 */
} mz_user_input;

/* Creates a user; *out gets the new user as JSON (caller decrefs).  Caller's transaction. */
int mz_user_create(mz_db *db, const mz_security *s, const mz_actor *actor, const mz_user_input *in,
                   json_t **out, mz_error *err);
/* 404 not_found outside the subtree. */
int mz_user_get(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err);
/* Changes display_name, role, region_code, phone, disabled.  Caller's transaction. */
int mz_user_update(mz_db *db, const mz_actor *actor, int64_t id, const mz_user_input *in,
                   json_t **out, mz_error *err);
/* Sets a new password that the user must change at the next login.  Caller's transaction. */
int mz_user_reset_password(mz_db *db, const mz_security *s, const mz_actor *actor, int64_t id,
                           const char *password, mz_error *err);
/* The actor changes their own password.  Caller's transaction. */
int mz_user_change_password(mz_db *db, const mz_security *s, const mz_actor *actor,
                            const char *old_password, const char *new_password, mz_error *err);
/* Finds a user id by username within the actor's subtree: 0, or -1 with 404. */
int mz_user_find(mz_db *db, const mz_actor *actor, const char *username, int64_t *id,
                 mz_error *err);

typedef struct mz_user_filter {
    const char *q; /* substring of username or display_name */
    const char *role;
    const char *region_code; /* subtree, intersected with the actor's */
    int disabled;            /* -1 any */
    int page, page_size;
} mz_user_filter;

/* {"items":[…],"total":N,"page":P,"page_size":S} */
int mz_user_list(mz_db *db, const mz_actor *actor, const mz_user_filter *f, json_t **out,
                 mz_error *err);

/* The session answer's user object, with permissions. */
json_t *mz_user_session_json(mz_db *db, const mz_actor *actor);

#endif
