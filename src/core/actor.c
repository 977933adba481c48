/*
 * Permission and scope checks, in one place (see actor.h).
 */
#include "core/actor.h"

#include <stdio.h>
#include <string.h>

void mz_actor_init_cli(mz_actor *a, const char *user)
{
    memset(a, 0, sizeof *a);
    snprintf(a->username, sizeof a->username, "cli:%s", user && *user ? user : "unknown");
    snprintf(a->display_name, sizeof a->display_name, "命令行");
    snprintf(a->role, sizeof a->role, "cli");
    a->level = 0;
}

int mz_actor_can(const mz_actor *a, const char *p)
{
    if (a->id == 0 && strcmp(a->role, "cli") == 0)
        return 1;
    for (int i = 0; i < a->nperms; i++)
        if (strcmp(a->perms[i], p) == 0)
            return 1;
    return 0;
}

int mz_actor_covers(const mz_actor *a, const char *region_code)
{
    if (region_code == NULL)
        return 0;
    return strncmp(region_code, a->scope_prefix, strlen(a->scope_prefix)) == 0;
}
