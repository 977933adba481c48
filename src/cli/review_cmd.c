/*
 * `minzheng review schedule`: creates the 低保复核 cases that are due today
 * (core/enrollment.h, mz_enrollment_schedule_reviews) as the command-line
 * actor, whose role "cli" the type's creators list, in one transaction, and
 * prints how many.  Running it again the same day creates nothing.
 */
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "cli/commands.h"
#include "core/enrollment.h"
#include "systems/assistance/case_types.h"

int mz_cmd_review(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv)
{
    (void)cfg;
    if (argc != 1 || strcmp(argv[0], "schedule") != 0) {
        fputs("用法: minzheng review schedule\n", stderr);
        return 2;
    }
    mz_error err;
    mz_error_clear(&err);
    int64_t created = 0;
    char day[11];
    int today = mz_date_today();
    mz_date_format(today, day);
    if (mz_db_begin(db) != MZ_DB_OK) {
        fprintf(stderr, "review: %s\n", mz_db_errmsg(db));
        return 1;
    }
    if (mz_enrollment_schedule_reviews(db, mz_assist_case_registry(), cli,
                                       mz_assist_case_dibao_review.code, today, &created,
                                       &err) != 0) {
        mz_db_rollback(db);
        fprintf(stderr, "review: %s\n", err.message);
        return 1;
    }
    if (mz_db_commit(db) != MZ_DB_OK) {
        fprintf(stderr, "review: %s\n", mz_db_errmsg(db));
        return 1;
    }
    printf("%s 复核排期：新建 %lld 件低保复核\n", day, (long long)created);
    return 0;
}
