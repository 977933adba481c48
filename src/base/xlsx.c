/*
 * .xlsx reading.  The path through the package: xl/workbook.xml names the
 * sheets in order with a relationship id; xl/_rels/workbook.xml.rels maps the
 * first sheet's id to its part; xl/sharedStrings.xml holds the strings cells
 * refer to by index; the worksheet part holds <row>s of <c r="B3" t="s"><v>.
 * Each part is inflated through read_part(), which enforces the size and
 * ratio limits, and parsed by expat with element names stripped of any
 * namespace prefix (generators differ in which prefixes they use).
 */
#include <expat.h>
#include <stdio.h>
#include <string.h>
#include <zip.h>

#include "base/date.h"
#include "base/mem.h"
#include "base/strnum.h"
#include "base/xlsx.h"

struct pkg {
    zip_t *zip;
    const mz_table_limits *lim;
    size_t total; /* uncompressed bytes read so far */
    mz_error *err;
};

static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

static int too_large(struct pkg *p, const char *name)
{
    return mz_error_set(p->err, 413, "file_too_large", "file",
                        "工作簿内容 %s 解压后过大（超过限制或压缩比异常），已拒绝", name);
}

/*
 * Streams the part name through parser.  Returns 1 when read, 0 when the part
 * does not exist (and missing_ok), -1 with err set otherwise.
 */
static int read_part(struct pkg *p, const char *name, XML_Parser parser, int missing_ok, int *stop)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(p->zip, name, 0, &st) != 0) {
        if (missing_ok)
            return 0;
        return mz_error_set(p->err, 400, "file_invalid", "file",
                            "不是有效的 xlsx 工作簿（缺少 %s）", name);
    }
    if ((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) &&
        (st.size > p->lim->max_entry_bytes ||
         (st.comp_size > 0 && st.size / st.comp_size > (zip_uint64_t)p->lim->max_ratio &&
          st.size > 65536)))
        return too_large(p, name);
    zip_file_t *f = zip_fopen(p->zip, name, 0);
    if (f == NULL)
        return mz_error_set(p->err, 400, "file_invalid", "file", "无法读取工作簿内容 %s：%s", name,
                            zip_strerror(p->zip));
    char buf[65536];
    zip_int64_t n;
    size_t part = 0;
    int rc = 1;
    while ((n = zip_fread(f, buf, sizeof buf)) > 0) {
        part += (size_t)n;
        p->total += (size_t)n;
        if (part > p->lim->max_entry_bytes || p->total > p->lim->max_total_bytes ||
            (st.comp_size > 0 && part > 65536 &&
             part / st.comp_size > (zip_uint64_t)p->lim->max_ratio)) {
            rc = too_large(p, name);
            break;
        }
        if (XML_Parse(parser, buf, (int)n, 0) != XML_STATUS_OK) {
            if (!*stop)
                mz_error_set(p->err, 400, "file_invalid", "file", "工作簿 %s 的 XML 格式错误：%s",
                             name, XML_ErrorString(XML_GetErrorCode(parser)));
            rc = -1;
            break;
        }
    }
    if (rc == 1 && n < 0)
        rc = mz_error_set(p->err, 400, "file_invalid", "file", "无法解压工作簿内容 %s", name);
    if (rc == 1 && XML_Parse(parser, "", 0, 1) != XML_STATUS_OK)
        rc = *stop ? -1
                   : mz_error_set(p->err, 400, "file_invalid", "file",
                                  "工作簿 %s 的 XML 格式错误：%s", name,
                                  XML_ErrorString(XML_GetErrorCode(parser)));
    zip_fclose(f);
    return rc;
}

/* ---- workbook.xml and its relationships: the first sheet's part ---- */

struct wb {
    char rid[128];
    char target[512];
    int stop;
};

static void wb_start(void *data, const char *el, const char **atts)
{
    struct wb *w = data;
    const char *id = attr(atts, "id");
    if (strcmp(local(el), "sheet") == 0 && w->rid[0] == '\0' && id)
        snprintf(w->rid, sizeof w->rid, "%s", id);
}

static void rels_start(void *data, const char *el, const char **atts)
{
    struct wb *w = data;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
    if (strcmp(local(el), "Relationship") == 0 && id && target && strcmp(id, w->rid) == 0)
        snprintf(w->target, sizeof w->target, "%s", target);
}

/* ---- sharedStrings.xml ---- */

struct sst {
    struct pkg *p;
    char **s;
    size_t n, cap;
    mz_buf cur;
    int in_si, in_t, in_rph;
    int stop;
};

static void sst_start(void *data, const char *el, const char **atts)
{
    struct sst *s = data;
    const char *l = local(el);
    (void)atts;
    if (strcmp(l, "si") == 0) {
        s->in_si = 1;
        s->cur.len = 0;
    } else if (strcmp(l, "rPh") == 0) {
        s->in_rph = 1;
    } else if (strcmp(l, "t") == 0 && s->in_si && !s->in_rph) {
        s->in_t = 1;
    }
}

static void sst_end(void *data, const char *el)
{
    struct sst *s = data;
    const char *l = local(el);
    if (strcmp(l, "t") == 0) {
        s->in_t = 0;
    } else if (strcmp(l, "rPh") == 0) {
        s->in_rph = 0;
    } else if (strcmp(l, "si") == 0) {
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 256;
            s->s = mz_realloc(s->s, s->cap * sizeof *s->s);
        }
        s->s[s->n++] = mz_strndup(s->cur.data ? s->cur.data : "", s->cur.len);
        s->in_si = 0;
    }
}

static void sst_text(void *data, const char *txt, int len)
{
    struct sst *s = data;
    if (s->in_t && !s->stop) {
        if (s->cur.len + (size_t)len > s->p->lim->max_cell) {
            s->stop = 1;
            mz_error_set(s->p->err, 413, "file_too_large", "file",
                         "工作簿中有文字过长，单元格不能超过%zu字节", s->p->lim->max_cell);
            return;
        }
        mz_buf_append(&s->cur, txt, (size_t)len);
    }
}

/* ---- the worksheet ---- */

struct sheet {
    struct pkg *p;
    struct sst *sst;
    mz_table_row_fn row;
    void *ctx;
    XML_Parser parser;
    int stop;
    int64_t rownum, rows_seen;
    char **cells;
    unsigned char *numeric;
    int ncells;        /* cells used in the current row: highest column + 1 */
    int col;           /* column of the current <c> */
    char type[16];     /* t attribute of the current <c> */
    int in_v, in_is_t; /* collecting <v> or <is><t> text */
    mz_buf cur;
};

static void sheet_fail(struct sheet *s)
{
    s->stop = 1;
    XML_StopParser(s->parser, XML_FALSE);
}

/* Column index (0-based) of a cell reference such as "AB12", -1 when malformed. */
static int ref_col(const char *r)
{
    int c = 0, n = 0;
    while (*r >= 'A' && *r <= 'Z' && n < 4) {
        c = c * 26 + (*r - 'A' + 1);
        r++;
        n++;
    }
    return n == 0 || n == 4 ? -1 : c - 1;
}

static void clear_row(struct sheet *s)
{
    for (int i = 0; i < s->ncells; i++) {
        s->cells[i][0] = '\0';
        s->numeric[i] = 0;
    }
    s->ncells = 0;
}

static void sheet_start(void *data, const char *el, const char **atts)
{
    struct sheet *s = data;
    const char *l = local(el);
    if (s->stop)
        return;
    if (strcmp(l, "row") == 0) {
        const char *r = attr(atts, "r");
        int64_t n;
        s->rownum = r && mz_strtoi64(r, 1, 1048576, &n) == 0 ? n : s->rownum + 1;
        s->col = -1;
        clear_row(s);
    } else if (strcmp(l, "c") == 0) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t");
        int c = r ? ref_col(r) : s->col + 1;
        if (c < 0) {
            mz_error_set(s->p->err, 400, "file_invalid", "file", "工作簿第%lld行的单元格引用无效",
                         (long long)s->rownum);
            sheet_fail(s);
            return;
        }
        if (c >= s->p->lim->max_cols) {
            mz_error_set(s->p->err, 413, "file_too_large", NULL, "第%lld行列数过多，不能超过%d列",
                         (long long)s->rownum, s->p->lim->max_cols);
            sheet_fail(s);
            return;
        }
        s->col = c;
        snprintf(s->type, sizeof s->type, "%s", t ? t : "n");
        s->cur.len = 0;
    } else if (strcmp(l, "v") == 0) {
        s->in_v = 1;
    } else if (strcmp(l, "t") == 0) {
        s->in_is_t = 1;
    }
}

static void sheet_text(void *data, const char *txt, int len)
{
    struct sheet *s = data;
    if (s->stop || !(s->in_v || s->in_is_t))
        return;
    if (s->cur.len + (size_t)len > s->p->lim->max_cell) {
        mz_error_set(s->p->err, 413, "file_too_large", NULL,
                     "第%lld行第%d列内容过长，单元格不能超过%zu字节", (long long)s->rownum,
                     s->col + 1, s->p->lim->max_cell);
        sheet_fail(s);
        return;
    }
    mz_buf_append(&s->cur, txt, (size_t)len);
}

/* Stores the finished cell's value as text in its column. */
static void put_cell(struct sheet *s)
{
    const char *v = s->cur.data ? s->cur.data : "";
    size_t vlen = s->cur.len;
    int numeric = 0;
    if (strcmp(s->type, "s") == 0) {
        int64_t i;
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%.*s", (int)(vlen < 31 ? vlen : 31), v);
        if (mz_strtoi64(tmp, 0, (int64_t)s->sst->n - 1, &i) != 0) {
            mz_error_set(s->p->err, 400, "file_invalid", "file",
                         "工作簿第%lld行引用了不存在的共享字符串", (long long)s->rownum);
            sheet_fail(s);
            return;
        }
        v = s->sst->s[i];
        vlen = strlen(v);
    } else if (strcmp(s->type, "n") == 0) {
        numeric = 1;
    }
    for (int i = s->ncells; i <= s->col; i++) {
        s->cells[i][0] = '\0';
        s->numeric[i] = 0;
    }
    if (s->col + 1 > s->ncells)
        s->ncells = s->col + 1;
    s->cells[s->col] = mz_realloc(s->cells[s->col], vlen + 1);
    memcpy(s->cells[s->col], v, vlen);
    s->cells[s->col][vlen] = '\0';
    s->numeric[s->col] = (unsigned char)(numeric && vlen > 0);
}

static void sheet_end(void *data, const char *el)
{
    struct sheet *s = data;
    const char *l = local(el);
    if (s->stop)
        return;
    if (strcmp(l, "v") == 0) {
        s->in_v = 0;
    } else if (strcmp(l, "t") == 0) {
        s->in_is_t = 0;
    } else if (strcmp(l, "c") == 0) {
        if (s->cur.len > 0)
            put_cell(s);
    } else if (strcmp(l, "row") == 0) {
        int empty = 1;
        for (int i = 0; i < s->ncells && empty; i++)
            empty = s->cells[i][0] == '\0';
        if (empty)
            return;
        if (++s->rows_seen > s->p->lim->max_rows) {
            mz_error_set(s->p->err, 413, "file_too_large", NULL, "行数过多，不能超过%lld行",
                         (long long)s->p->lim->max_rows);
            sheet_fail(s);
            return;
        }
        if (s->row(s->ctx, s->rownum, s->ncells, (const char *const *)s->cells, s->numeric,
                   s->p->err) < 0)
            sheet_fail(s);
    }
}

/* The part name of a relationship target relative to xl/. */
static void part_name(const char *target, char *out, size_t len)
{
    if (target[0] == '/')
        snprintf(out, len, "%s", target + 1);
    else
        snprintf(out, len, "xl/%s", target);
}

int mz_xlsx_read(const char *data, size_t len, const mz_table_limits *lim, mz_table_row_fn row,
                 void *ctx, mz_error *err)
{
    struct pkg p = {.lim = lim, .err = err};
    struct wb w = {{0}, {0}, 0};
    struct sst sst = {.p = &p};
    struct sheet sh = {.p = &p, .sst = &sst, .row = row, .ctx = ctx};
    XML_Parser x = NULL;
    char sheet_part[600];
    int rc = -1;
    zip_error_t ze;

    if (len > lim->max_bytes)
        return mz_error_set(err, 413, "file_too_large", "file", "文件过大，不能超过%zu字节",
                            lim->max_bytes);
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (src != NULL) {
        p.zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
        if (p.zip == NULL)
            zip_source_free(src);
    }
    zip_error_fini(&ze);
    if (p.zip == NULL)
        return mz_error_set(err, 400, "file_invalid", "file", "不是有效的 xlsx 工作簿");
    mz_buf_init(&sst.cur);
    mz_buf_init(&sh.cur);

    x = XML_ParserCreate("UTF-8");
    XML_SetUserData(x, &w);
    XML_SetStartElementHandler(x, wb_start);
    if (read_part(&p, "xl/workbook.xml", x, 0, &w.stop) < 0)
        goto done;
    XML_ParserFree(x);
    x = XML_ParserCreate("UTF-8");
    XML_SetUserData(x, &w);
    XML_SetStartElementHandler(x, rels_start);
    if (read_part(&p, "xl/_rels/workbook.xml.rels", x, 0, &w.stop) < 0)
        goto done;
    if (w.target[0] == '\0') {
        mz_error_set(err, 400, "file_invalid", "file", "工作簿中没有工作表");
        goto done;
    }
    part_name(w.target, sheet_part, sizeof sheet_part);

    XML_ParserFree(x);
    x = XML_ParserCreate("UTF-8");
    XML_SetUserData(x, &sst);
    XML_SetElementHandler(x, sst_start, sst_end);
    XML_SetCharacterDataHandler(x, sst_text);
    if (read_part(&p, "xl/sharedStrings.xml", x, 1, &sst.stop) < 0 || sst.stop)
        goto done;

    XML_ParserFree(x);
    x = XML_ParserCreate("UTF-8");
    sh.parser = x;
    sh.cells = mz_calloc((size_t)lim->max_cols, sizeof *sh.cells);
    sh.numeric = mz_calloc((size_t)lim->max_cols, 1);
    for (int i = 0; i < lim->max_cols; i++)
        sh.cells[i] = mz_calloc(1, 1);
    XML_SetUserData(x, &sh);
    XML_SetElementHandler(x, sheet_start, sheet_end);
    XML_SetCharacterDataHandler(x, sheet_text);
    if (read_part(&p, sheet_part, x, 0, &sh.stop) < 0)
        goto done;
    rc = 0;
done:
    if (x)
        XML_ParserFree(x);
    if (sh.cells) {
        for (int i = 0; i < lim->max_cols; i++)
            mz_free(sh.cells[i]);
        mz_free(sh.cells);
    }
    mz_free(sh.numeric);
    for (size_t i = 0; i < sst.n; i++)
        mz_free(sst.s[i]);
    mz_free(sst.s);
    mz_buf_cleanup(&sst.cur);
    mz_buf_cleanup(&sh.cur);
    zip_discard(p.zip);
    return rc;
}

int mz_xlsx_serial_date(const char *s, int *days)
{
    char tmp[16];
    size_t n = strlen(s);
    if (n >= 3 && n < sizeof tmp && strcmp(s + n - 2, ".0") == 0) {
        memcpy(tmp, s, n - 2);
        tmp[n - 2] = '\0';
        s = tmp;
    }
    int64_t v;
    /* Serial 61 is 1900-03-01; 25569 is 1970-01-01, day 0. */
    if (mz_strtoi64(s, 61, 25569 + MZ_DATE_MAX, &v) != 0)
        return -1;
    *days = (int)(v - 25569);
    return 0;
}
