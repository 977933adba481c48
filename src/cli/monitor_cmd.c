/*
 * `minzheng monitor run [--rule R] [--date YYYY-MM-DD]`: runs the monitoring
 * rules (systems/assistance/monitor.h) over the whole city as the
 * command-line actor, one transaction per rule with its audit entry
 * ('monitor.run' for that rule), so that a failure keeps the rules already
 * done (running again raises nothing twice: alerts are keyed), and prints
 * one line per rule.
 */
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "cli/commands.h"
#include "systems/assistance/monitor.h"

static int usage(void)
{
    fputs("用法: minzheng monitor run [--rule RULE] [--date YYYY-MM-DD]\n", stderr);
    return 2;
}

int mz_cmd_monitor(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv)
{
    (void)cfg;
    const char *only = NULL;
    int today = mz_date_today();
    if (argc < 1 || strcmp(argv[0], "run") != 0)
        return usage();
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rule") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--date") == 0 && i + 1 < argc) {
            /* A past day re-runs the rules as of then; the future has no data yet. */
            if (mz_date_parse(argv[++i], &today) != 0 || today > mz_date_today()) {
                fprintf(stderr, "monitor: --date 须为不晚于今天的 YYYY-MM-DD\n");
                return 2;
            }
        } else
            return usage();
    }
    int n;
    const char *const *codes = mz_monitor_rules(&n);
    mz_error err;
    mz_error_clear(&err);
    char day[11];
    mz_date_format(today, day);
    int64_t created = 0, found = 0;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (only && strcmp(only, codes[i]) != 0)
            continue;
        found = 1;
        mz_monitor_result res = {0};
        json_t *summary = NULL;
        /* The rule and its audit entry commit together. */
        if (mz_db_begin(db) != MZ_DB_OK ||
            mz_monitor_run_rule(db, cli, codes[i], today, &res, &err) != 0 ||
            (summary =
                 json_pack("{s:s,s:[{s:s,s:I,s:I,s:I,s:I}],s:I}", "date", day, "rules", "rule",
                           codes[i], "candidates", (json_int_t)res.candidates, "created",
                           (json_int_t)res.created, "cases", (json_int_t)res.cases, "stopped",
                           (json_int_t)res.stopped, "created", (json_int_t)res.created)) == NULL ||
            mz_monitor_audit_run(db, cli, summary, &err) != 0 || mz_db_commit(db) != MZ_DB_OK) {
            mz_db_rollback(db);
            fprintf(stderr, "monitor: %s: %s\n", codes[i],
                    err.message[0] ? err.message : mz_db_errmsg(db));
            rc = 1;
        }
        json_decref(summary);
        if (rc != 0)
            break;
        created += res.created;
        printf("%s: 命中 %lld，新预警 %lld，新建复核 %lld，停保 %lld\n", codes[i],
               (long long)res.candidates, (long long)res.created, (long long)res.cases,
               (long long)res.stopped);
    }
    if (rc == 0 && !found) {
        fprintf(stderr, "monitor: 监测规则 %s 不存在\n", only);
        rc = 2;
    }
    if (rc == 0)
        printf("%s 动态监测：新预警 %lld 条\n", day, (long long)created);
    return rc;
}
