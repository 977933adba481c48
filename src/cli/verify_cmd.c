/*
 * `minzheng verify batch [--region CODE] [--batch-size N] [--stale-seconds N]`:
 * the batch re-verification of every current 低保 enrollment
 * (systems/assistance/verification.h) as the command-line actor, whose role
 * "cli" the 低保复核 type's creators list.  A job killed midway is resumed
 * from its cursor by the next run once its heartbeat is stale.
 *
 * `minzheng verify batch --preview [--region CODE] [--threads N] [--issues FILE]`:
 * 预核对 — the same matching without storing anything, on N connections in
 * parallel (default: the machine's processors, at most 8); FILE gets every
 * issue as CSV (enrollment, household, region, code, breaking, person, type,
 * value, limit), in enrollment order.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/date.h"
#include "base/strnum.h"
#include "cli/commands.h"
#include "systems/assistance/case_types.h"
#include "systems/assistance/verification.h"

static int usage(void)
{
    fputs("用法: minzheng verify batch [--region CODE] [--batch-size 1-5000] "
          "[--stale-seconds 0-86400]\n"
          "      minzheng verify batch --preview [--region CODE] [--threads 1-8] "
          "[--issues FILE]\n",
          stderr);
    return 2;
}

/* 预核对: prints the counts; --issues FILE gets every issue. */
static int preview(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    mz_verify_preview_options o = {.today = mz_date_today(),
                                   .threads = cpus < 1   ? 1
                                              : cpus > 8 ? 8
                                                         : (int)cpus,
                                   .url = cfg->db};
    const char *issues = NULL;
    for (int i = 1; i < argc; i++) {
        int64_t v;
        if (strcmp(argv[i], "--preview") == 0)
            continue;
        if (i + 1 >= argc)
            return usage();
        if (strcmp(argv[i], "--region") == 0) {
            o.region_code = argv[++i];
        } else if (strcmp(argv[i], "--threads") == 0) {
            if (mz_strtoi64(argv[++i], 1, 8, &v) != 0)
                return usage();
            o.threads = (int)v;
        } else if (strcmp(argv[i], "--batch-size") == 0) {
            if (mz_strtoi64(argv[++i], 1, 5000, &v) != 0)
                return usage();
            o.batch_size = (int)v;
        } else if (strcmp(argv[i], "--issues") == 0) {
            issues = argv[++i];
        } else {
            return usage();
        }
    }
    if (issues && (o.issues_csv = fopen(issues, "w")) == NULL) {
        fprintf(stderr, "verify: 无法写入 %s: %s\n", issues, strerror(errno));
        return 1;
    }
    if (o.issues_csv)
        fputs("enrollment_id,household_id,region_code,code,breaking,person_id,type,value,limit\n",
              o.issues_csv);
    mz_error err;
    mz_error_clear(&err);
    json_t *out = NULL;
    int rc = mz_verify_batch_preview(db, cli, &o, &out, &err);
    if (o.issues_csv && fclose(o.issues_csv) != 0 && rc == 0) {
        fprintf(stderr, "verify: 无法写入 %s: %s\n", issues, strerror(errno));
        json_decref(out);
        return 1;
    }
    if (rc < 0) {
        fprintf(stderr, "verify: %s\n", err.message);
        return 1;
    }
    printf("预核对（%s，未保存）：核对 %lld 户，%lld 户不再符合条件，问题 %lld 项（超出政策 %lld "
           "项），%d 路并行\n",
           json_string_value(json_object_get(out, "verified_on")),
           (long long)json_integer_value(json_object_get(out, "households")),
           (long long)json_integer_value(json_object_get(out, "households_flagged")),
           (long long)json_integer_value(json_object_get(out, "issues")),
           (long long)json_integer_value(json_object_get(out, "breaking")),
           (int)json_integer_value(json_object_get(out, "threads")));
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(out, "by_code"), k, v)
    {
        printf("  %s %lld\n", k, (long long)json_integer_value(v));
    }
    json_decref(out);
    return 0;
}

int mz_cmd_verify(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv)
{
    mz_verify_batch_options o = {.stale_seconds = 120, .today = mz_date_today(), .batch_size = 200};
    if (argc < 1 || strcmp(argv[0], "batch") != 0)
        return usage();
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--preview") == 0)
            return preview(db, cfg, cli, argc, argv);
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
