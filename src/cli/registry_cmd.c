/*
 * `minzheng registry import DIR [--errors FILE]`: loads households, persons,
 * incomes, assets and enrollments from the CSV files in DIR
 * (docs/templates/registry.md; minzheng gen writes them) in one transaction,
 * all or nothing (core/registry_import.h).  Progress goes to stderr; with bad
 * rows nothing is imported, the first errors are printed and --errors writes
 * them all (up to 100,000) as a CSV report.
 */
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "cli/commands.h"
#include "core/registry_import.h"

static void progress(void *ctx, const char *file, int64_t rows)
{
    (void)ctx;
    fprintf(stderr, "\r%-16s %lld 行", file, (long long)rows);
    fflush(stderr);
}

static void csv_cell(FILE *f, const char *s, int last)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputs(last ? "\"\n" : "\",", f);
}

static int write_errors(const char *path, const mz_registry_import_report *r)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs("\xef\xbb\xbf文件,行号,列,内容,错误代码,错误说明\n", f);
    for (int i = 0; i < r->nerror; i++) {
        const mz_registry_import_error *e = &r->error[i];
        char row[24];
        snprintf(row, sizeof row, "%lld", (long long)e->row);
        csv_cell(f, e->file, 0);
        csv_cell(f, row, 0);
        csv_cell(f, e->column, 0);
        csv_cell(f, e->value, 0);
        csv_cell(f, e->code, 0);
        csv_cell(f, e->message, 1);
    }
    return fclose(f) == 0 ? 0 : -1;
}

int mz_cmd_registry(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv)
{
    (void)cfg;
    const char *errors = NULL;
    if (argc == 4 && strcmp(argv[2], "--errors") == 0)
        errors = argv[3];
    else if (argc != 2)
        argc = 0;
    if (argc < 2 || strcmp(argv[0], "import") != 0) {
        fputs("用法: minzheng registry import DIR [--errors FILE]\n", stderr);
        return 2;
    }
    mz_registry_import_options o = {
        .dir = argv[1], .today = mz_date_today(), .max_errors = 100000, .progress = progress};
    mz_registry_import_report r;
    mz_error err;
    mz_error_clear(&err);
    if (mz_db_begin(db) != MZ_DB_OK) {
        fprintf(stderr, "registry: %s\n", mz_db_errmsg(db));
        return 1;
    }
    int rc = mz_registry_import(db, cli, &o, &r, &err);
    fputc('\n', stderr);
    if (rc == 0 && mz_db_commit(db) != MZ_DB_OK) {
        mz_error_internal(&err, mz_db_errmsg(db));
        rc = -1;
    }
    if (rc < 0) {
        mz_db_rollback(db);
        fprintf(stderr, "registry: %s\n", err.message);
        for (int i = 0; i < r.nerror && i < 20; i++)
            fprintf(stderr, "  %s 第 %lld 行 %s：%s\n", r.error[i].file, (long long)r.error[i].row,
                    r.error[i].column, r.error[i].message);
        if (errors && r.nerror > 0) {
            if (write_errors(errors, &r) < 0)
                fprintf(stderr, "registry: 无法写入 %s\n", errors);
            else
                fprintf(stderr, "错误报告已写入 %s（%d 条）\n", errors, r.nerror);
        }
        mz_registry_import_report_free(&r);
        return 1;
    }
    printf("已导入 %lld 户、%lld 人、%lld 条收入、%lld 项资产、%lld 个保障对象",
           (long long)r.households, (long long)r.persons, (long long)r.incomes, (long long)r.assets,
           (long long)r.enrollments);
    if (r.edge_rows)
        printf("（低保边缘 %lld 行未存储：边缘尚无保障对象记录）", (long long)r.edge_rows);
    putchar('\n');
    mz_registry_import_report_free(&r);
    return 0;
}
