/*
 * The actor: who is doing something, with which role, over which part of the
 * city.  Every core function that reads regional data or writes anything takes
 * one.  The scope prefix is the significant part of the actor's region code
 * (4 digits for the city, 6 for a county, 9 for a township, 12 for a village);
 * queries add `region_code LIKE prefix || '%'` so that data outside the
 * subtree is never loaded at all.
 */
#ifndef MZ_CORE_ACTOR_H
#define MZ_CORE_ACTOR_H

#include <stdint.h>

#define MZ_MAX_PERMS 64

typedef struct mz_actor {
    int64_t id;        /* users.id; 0 for the command line */
    char username[64]; /* "cli:root" for the command line */
    char display_name[192];
    char role[32];
    char region_code[13];
    char scope_prefix[13]; /* "" means the whole registry (command line) */
    int level;             /* region level of the actor's region */
    int must_change_password;
    int nperms;
    char perms[MZ_MAX_PERMS][48];
    char request_id[40]; /* for the audit log */
} mz_actor;

/* The command-line actor: every permission, whole registry.  user is the OS user. */
void mz_actor_init_cli(mz_actor *a, const char *user);
/* Whether the actor holds permission p ("module:entity:action"). The CLI actor holds all. */
int mz_actor_can(const mz_actor *a, const char *p);
/* Whether region code (12 digits) lies in the actor's subtree. */
int mz_actor_covers(const mz_actor *a, const char *region_code);

#endif
