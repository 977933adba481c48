/*
 * `minzheng payroll run|approve|export`: the monthly payroll from the shell
 * (see core/payroll.h).  run pays the amounts of the policy in force in
 * each month (systems/assistance/amount.h), prints its progress to stderr
 * and the control totals to stdout; a run killed midway is resumed by the
 * next run once its heartbeat is stale (--stale-seconds, default 120).  approve acts as the
 * command-line actor "cli:<os user>", so the OS user who ran a month cannot
 * approve it.  export writes the bank file to --out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/money.h"
#include "base/strnum.h"
#include "cli/commands.h"
#include "core/payroll.h"
#include "systems/assistance/amount.h"

static const char *opt(int argc, char **argv, const char *name)
{
    for (int i = 0; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

static void progress(void *arg, const char *phase, int64_t lines)
{
    (void)arg;
    fprintf(stderr, "payroll: %s, %lld 条新明细\n", phase, (long long)lines);
}

static const char *kind_label(const char *kind)
{
    return strcmp(kind, "regular") == 0 ? "正常" : strcmp(kind, "back_pay") == 0 ? "补发" : "追缴";
}

static void print_totals(json_t *run)
{
    char yuan[32];
    size_t i;
    json_t *t;
    mz_money_format((int64_t)json_integer_value(json_object_get(run, "total_fen")), yuan);
    printf("%s 发放：%s，%lld 条，合计 %s 元\n", json_string_value(json_object_get(run, "month")),
           json_string_value(json_object_get(run, "state")),
           (long long)json_integer_value(json_object_get(run, "line_count")), yuan);
    printf("%-18s %-14s %-6s %8s %16s\n", "项目", "县区", "类别", "笔数", "金额（元）");
    json_array_foreach(json_object_get(run, "totals"), i, t)
    {
        mz_money_format((int64_t)json_integer_value(json_object_get(t, "amount_fen")), yuan);
        printf("%-18s %-14s %-6s %8lld %16s\n",
               json_string_value(json_object_get(t, "program_name")),
               json_string_value(json_object_get(t, "region_name")),
               kind_label(json_string_value(json_object_get(t, "kind"))),
               (long long)json_integer_value(json_object_get(t, "lines")), yuan);
    }
}

static int fail(const mz_error *err)
{
    fprintf(stderr, "payroll: %s\n", err->message);
    return 1;
}

static int cmd_run(mz_db *db, const char *url, const mz_actor *cli, const char *month, int argc,
                   char **argv)
{
    /*
     * 50,000 lines per transaction: each commit writes every page the batch changed, and the
     * lines' region index takes a change on most of its pages in any batch of a thousand lines
     * (lines come in enrollment order, regions at random): at 5 million persons a run in
     * batches of 1,000 made 38,000 writes (17,000 WAL frames), in batches of 5,000 16,000, and
     * its lines were written with a third less CPU in one transaction than in batches of 5,000.
     * A batch holds the write lock for about a quarter of a second; the web's writes wait
     * (busy timeout) rather than fail.
     */
    mz_payroll_options o = {.batch_size = 50000,
                            .stale_seconds = 120,
                            .progress = progress,
                            .amount = mz_assist_payroll_amount,
                            .url = url};
    const char *stale = opt(argc, argv, "--stale-seconds");
    mz_error err;
    json_t *out = NULL;
    int64_t v;
    mz_error_clear(&err);
    if (stale) {
        if (mz_strtoi64(stale, 0, 86400, &v) != 0) {
            fputs("payroll: --stale-seconds 须为 0-86400 的整数\n", stderr);
            return 2;
        }
        o.stale_seconds = (int)v;
    }
    o.amount_arg = mz_assist_params_cache_new();
    int rc = mz_payroll_run(db, cli, month, &o, &out, &err);
    mz_assist_params_cache_free(o.amount_arg);
    if (rc != 0)
        return fail(&err);
    if (!json_is_true(json_object_get(out, "generated_now")))
        printf("%s 已生成，本次未作改动\n", month);
    print_totals(out);
    json_decref(out);
    return 0;
}

static int cmd_approve(mz_db *db, const mz_actor *cli, const char *month)
{
    mz_error err;
    json_t *out = NULL;
    mz_error_clear(&err);
    if (mz_db_begin(db) != MZ_DB_OK) {
        fprintf(stderr, "payroll: %s\n", mz_db_errmsg(db));
        return 1;
    }
    if (mz_payroll_approve(db, cli, month, &out, &err) != 0) {
        mz_db_rollback(db);
        return fail(&err);
    }
    if (mz_db_commit(db) != MZ_DB_OK) {
        json_decref(out);
        fprintf(stderr, "payroll: %s\n", mz_db_errmsg(db));
        return 1;
    }
    print_totals(out);
    json_decref(out);
    return 0;
}

static int cmd_export(mz_db *db, const mz_actor *cli, const char *month, int argc, char **argv)
{
    const char *format = opt(argc, argv, "--format"), *path = opt(argc, argv, "--out");
    mz_error err;
    mz_buf b;
    int rc = 1;
    if (format == NULL || path == NULL) {
        fputs("用法: minzheng payroll export --month YYYY-MM --format csv|xlsx --out FILE\n",
              stderr);
        return 2;
    }
    mz_error_clear(&err);
    mz_buf_init(&b);
    if (mz_db_begin(db) != MZ_DB_OK) {
        fprintf(stderr, "payroll: %s\n", mz_db_errmsg(db));
        goto out;
    }
    if (mz_payroll_export(db, cli, month, format, &b, &err) != 0) {
        mz_db_rollback(db);
        fail(&err);
        goto out;
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0) {
        if (f)
            fclose(f);
        mz_db_rollback(db);
        fprintf(stderr, "payroll: 不能写入 %s\n", path);
        goto out;
    }
    if (mz_db_commit(db) != MZ_DB_OK) {
        fprintf(stderr, "payroll: %s\n", mz_db_errmsg(db));
        goto out;
    }
    printf("已导出 %s（%zu 字节）\n", path, b.len);
    rc = 0;
out:
    mz_buf_cleanup(&b);
    return rc;
}

int mz_cmd_payroll(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv)
{
    const char *month = opt(argc, argv, "--month");
    if (argc < 1 || month == NULL) {
        fputs("用法: minzheng payroll run|approve|export --month YYYY-MM …\n", stderr);
        return 2;
    }
    if (strcmp(argv[0], "run") == 0)
        return cmd_run(db, cfg->db, cli, month, argc, argv);
    if (strcmp(argv[0], "approve") == 0)
        return cmd_approve(db, cli, month);
    if (strcmp(argv[0], "export") == 0)
        return cmd_export(db, cli, month, argc, argv);
    fprintf(stderr, "payroll: 未知子命令 %s\n", argv[0]);
    return 2;
}
