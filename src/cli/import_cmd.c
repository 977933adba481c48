/*
 * `minzheng import`: department data from the command line (core/evidence.h).
 *
 *   minzheng import --source KIND [--mode all-or-nothing|valid-rows]
 *                   [--as-of YYYY-MM-DD] [--department NAME] FILE
 *   minzheng import --template KIND --format csv|xlsx --out FILE
 *   minzheng import --sources      the sources and their columns, as Markdown
 *
 * An import runs in one transaction as the command-line actor, prints its
 * progress to stderr every 10 000 rows and a summary at the end, and exits 1
 * when the file was refused (all-or-nothing with bad rows) or could not be
 * read, 0 otherwise (bad rows in valid-rows mode are reported, not fatal).
 * The file limit is the server's max_import_bytes.
 */
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "cli/commands.h"
#include "core/evidence.h"

static void progress(void *ctx, int64_t rows, int64_t rejected)
{
    (void)ctx;
    fprintf(stderr, "\r已处理 %lld 行，其中错误 %lld 行", (long long)rows, (long long)rejected);
}

static int read_file(const char *path, size_t max, mz_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "import: 无法打开 %s\n", path);
        return -1;
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (out->len + n > max) {
            fclose(f);
            fprintf(stderr, "import: 文件过大，不能超过%zu字节（max_import_bytes）\n", max);
            return -1;
        }
        mz_buf_append(out, chunk, n);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad)
        fprintf(stderr, "import: 读取 %s 失败\n", path);
    return bad ? -1 : 0;
}

static int sources_markdown(void)
{
    int n;
    const mz_ev_source *s = mz_ev_sources(&n);
    for (int i = 0; i < n; i++) {
        printf("## %s（%s）\n\n%s。默认部门：%s。模板：[%s.csv](%s.csv)\n\n", s[i].name, s[i].code,
               s[i].doc, s[i].department, s[i].code, s[i].code);
        printf("| 列名 | 英文别名 | 类型 | 必填 | 说明 |\n|---|---|---|---|---|\n");
        for (int c = 0; c < s[i].ncolumns; c++) {
            const mz_ev_column *col = &s[i].columns[c];
            printf("| %s | %s | %s | %s | %s", col->header, col->alias, mz_ev_type_name(col->type),
                   col->required ? "是" : "否", col->doc);
            if (col->type == MZ_EV_CODE) {
                printf("；取值：");
                for (const char *const *k = col->codes; *k; k++)
                    printf("%s%s", k == col->codes ? "" : "、", *k);
            } else if (col->type == MZ_EV_TEXT) {
                printf("；至多%lld个字", (long long)col->max);
            } else if (col->type == MZ_EV_INT) {
                printf("；%lld至%lld", (long long)col->min, (long long)col->max);
            }
            printf(" |\n");
        }
        printf("\n");
    }
    return 0;
}

static int write_template(const char *kind, const char *format, const char *out_path)
{
    const mz_ev_source *s = mz_ev_source_find(kind);
    mz_error err;
    mz_buf b;
    if (s == NULL || format == NULL || out_path == NULL ||
        (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0)) {
        fputs("用法: minzheng import --template KIND --format csv|xlsx --out FILE\n", stderr);
        return 2;
    }
    mz_buf_init(&b);
    int rc =
        strcmp(format, "csv") == 0 ? mz_ev_template_csv(s, &b) : mz_ev_template_xlsx(s, &b, &err);
    FILE *f = rc == 0 ? fopen(out_path, "wb") : NULL;
    if (f == NULL || fwrite(b.data, 1, b.len, f) != b.len) {
        fprintf(stderr, "import: 无法写入 %s\n", out_path);
        rc = -1;
    }
    if (f && fclose(f) != 0)
        rc = -1;
    mz_buf_cleanup(&b);
    return rc == 0 ? 0 : 1;
}

int mz_cmd_import(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv)
{
    const char *source = NULL, *mode = NULL, *as_of = NULL, *department = NULL, *file = NULL;
    const char *tmpl = NULL, *format = NULL, *out_path = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--sources") == 0)
            return sources_markdown();
        if (a[0] == '-' && a[1] == '-' && v == NULL)
            goto usage;
        if (strcmp(a, "--source") == 0)
            source = argv[++i];
        else if (strcmp(a, "--mode") == 0)
            mode = argv[++i];
        else if (strcmp(a, "--as-of") == 0)
            as_of = argv[++i];
        else if (strcmp(a, "--department") == 0)
            department = argv[++i];
        else if (strcmp(a, "--template") == 0)
            tmpl = argv[++i];
        else if (strcmp(a, "--format") == 0)
            format = argv[++i];
        else if (strcmp(a, "--out") == 0)
            out_path = argv[++i];
        else if (a[0] != '-' && file == NULL)
            file = a;
        else
            goto usage;
    }
    if (tmpl)
        return write_template(tmpl, format, out_path);
    if (source == NULL || file == NULL)
        goto usage;
    if (mode && strcmp(mode, "all-or-nothing") == 0)
        mode = "all_or_nothing";
    else if (mode && strcmp(mode, "valid-rows") == 0)
        mode = "valid_rows";

    mz_ev_import o;
    mz_ev_import_init(&o);
    o.source = source;
    o.mode = mode;
    o.as_of = as_of;
    o.department = department;
    o.file_name = file;
    o.limits.max_bytes = (size_t)cfg->max_import_body;
    o.progress = progress;

    mz_buf data;
    mz_buf_init(&data);
    mz_error err;
    mz_error_clear(&err);
    json_t *out = NULL;
    int existing = 0, rc = 1;
    if (read_file(file, o.limits.max_bytes, &data) < 0)
        goto done;
    if (mz_db_begin(db) != MZ_DB_OK) {
        fprintf(stderr, "import: %s\n", mz_db_errmsg(db));
        goto done;
    }
    if (mz_ev_import_file(db, cli, &o, data.data ? data.data : "", data.len, &out, &existing,
                          &err) < 0) {
        mz_db_rollback(db);
        fprintf(stderr, "\nimport: %s\n", err.message);
        goto done;
    }
    if (mz_db_commit(db) != MZ_DB_OK) {
        fprintf(stderr, "\nimport: %s\n", mz_db_errmsg(db));
        goto done;
    }
    const char *status = json_string_value(json_object_get(out, "status"));
    fprintf(stderr, "\n");
    printf("%s批次 %lld：%s，%s，截至 %s；共 %lld 行，导入 %lld 行，错误 %lld 行%s\n",
           existing ? "该文件已导入过，未作改动。" : "",
           (long long)json_integer_value(json_object_get(out, "id")),
           json_string_value(json_object_get(out, "source_name")),
           json_string_value(json_object_get(out, "department")),
           json_string_value(json_object_get(out, "as_of")),
           (long long)json_integer_value(json_object_get(out, "rows_total")),
           (long long)json_integer_value(json_object_get(out, "rows_accepted")),
           (long long)json_integer_value(json_object_get(out, "rows_rejected")),
           strcmp(status, "rejected") == 0 ? "；整批未导入（有错误行），错误报告见批次详情" : "");
    rc = strcmp(status, "rejected") == 0 ? 1 : 0;
done:
    json_decref(out);
    mz_buf_cleanup(&data);
    return rc;
usage:
    fputs("用法: minzheng import --source KIND [--mode all-or-nothing|valid-rows] "
          "[--as-of YYYY-MM-DD] [--department NAME] FILE\n"
          "      minzheng import --template KIND --format csv|xlsx --out FILE\n"
          "      minzheng import --sources\n",
          stderr);
    return 2;
}
