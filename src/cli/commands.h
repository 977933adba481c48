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
/* payroll run|approve|export (cli/payroll_cmd.c) */
int mz_cmd_payroll(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv);
/* registry import DIR (cli/registry_cmd.c): households and persons in bulk, all or nothing */
int mz_cmd_registry(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv);
/* verify batch (cli/verify_cmd.c): batch re-verification of current 低保 enrollments */
int mz_cmd_verify(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv);
/* review schedule (cli/review_cmd.c): the 低保复核 cases due today */
int mz_cmd_review(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv);
/* import (cli/import_cmd.c): department data (部门数据) files, templates, the source list */
int mz_cmd_import(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv);
/* monitor run (cli/monitor_cmd.c): 动态监测, the monitoring rules over the city */
int mz_cmd_monitor(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv);

/*
 * Loads the 社会救助 demo data of 幸福街道 (src/cli/demo_assist.c) as the demo
 * staff, working the cases on days before today, in its own transaction.
 * Returns 0 when loaded, 1 when the township has households already (nothing
 * is done), -1 with err on failure.  Prints a one-line summary.
 */
int mz_demo_assistance(mz_db *db, const mz_config *cfg, int today, mz_error *err);

/* A random password that satisfies the password rules: 16 characters, all four classes. */
void mz_random_password(char out[17]);

/*
 * 掌上办 demo data (src/cli/demo_resident.c): one resident account, its
 * password appended to password_file, with an accepted 临时救助 and a waiting
 * 低保 online application in 凤凰居委会.  Needs the demo staff.  0 or -1.
 */
int mz_demo_resident(mz_db *db, const mz_config *cfg, const char *password_file, mz_error *err);

#endif
