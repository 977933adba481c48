/*
 * `minzheng verify batch [--region CODE] [--batch-size N] [--stale-seconds N]`:
 * the batch re-verification of every current 低保 enrollment
 * (systems/assistance/verification.h) as the command-line actor, whose role
 * "cli" the 低保复核 type's creators list.  A job killed midway is resumed
 * from its cursor by the next run once its heartbeat is stale.
 */
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/strnum.h"
#include "cli/commands.h"
#include "systems/assistance/case_types.h"
#include "systems/assistance/verification.h"

static int usage(void)
{
    fputs("用法: minzheng verify batch [--region CODE] [--batch-size 1-5000] "
          "[--stale-seconds 0-86400]\n",
          stderr);
    return 2;
}

int mz_cmd_verify(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv)
{
    (void)cfg;
    mz_verify_batch_options o = {.stale_seconds = 120, .today = mz_date_today(), .batch_size = 200};
    if (argc < 1 || strcmp(argv[0], "batch") != 0)
        return usage();
    for (int i = 1; i < argc; i++) {
        int64_t v;
        if (i + 1 >= argc)
            return usage();
        if (strcmp(argv[i], "--region") == 0) {
            o.region_code = argv[++i];
        } else if (strcmp(argv[i], "--batch-size") == 0) {
            if (mz_strtoi64(argv[++i], 1, 5000, &v) != 0)
                return usage();
            o.batch_size = (int)v;
        } else if (strcmp(argv[i], "--stale-seconds") == 0) {
            if (mz_strtoi64(argv[++i], 0, 86400, &v) != 0)
                return usage();
            o.stale_seconds = (int)v;
        } else {
            return usage();
        }
    }
    mz_error err;
    mz_error_clear(&err);
    json_t *out = NULL;
    if (mz_verify_batch_run(db, mz_assist_case_registry(), cli, &o, &out, &err) < 0) {
        fprintf(stderr, "verify: %s\n", err.message);
        return 1;
    }
    printf("批量核对任务 %lld 完成（%s）：核对 %lld 户，%lld 户不再符合条件，新建复核 %lld 件\n",
           (long long)json_integer_value(json_object_get(out, "id")),
           json_string_value(json_object_get(out, "verified_on")),
           (long long)json_integer_value(json_object_get(out, "enrollments_done")),
           (long long)json_integer_value(json_object_get(out, "households_flagged")),
           (long long)json_integer_value(json_object_get(out, "cases_created")));
    json_decref(out);
    return 0;
}
