/*
 * Subcommands that work on an open, migrated database as the CLI actor.
 * Each returns a process exit code (0 success, 1 failure, 2 usage).
 */
#ifndef MZ_CLI_COMMANDS_H
#define MZ_CLI_COMMANDS_H

#include "cli/config.h"
#include "core/actor.h"
#include "store/store.h"

int mz_cmd_user(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv);
int mz_cmd_demo(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv);

/* A random password that satisfies the password rules: 16 characters, all four classes. */
void mz_random_password(char out[17]);

#endif
