/*
 * CSV reading: encoding detection, conversion to UTF-8, then libcsv with
 * callbacks that collect one record's fields and hand the record to the
 * caller.  The input is fed to libcsv in chunks so that an error found in a
 * callback (a limit, or the caller stopping) ends the reading promptly.
 */
#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "base/csv.h"
#include "base/mem.h"
#include "base/utf8.h"

struct reader {
    const mz_table_limits *lim;
    mz_table_row_fn row;
    void *ctx;
    mz_error *err;
    int failed;
    int64_t rownum; /* records seen, empty lines included */
    int last_term;  /* the character that ended the previous record */
    char **cells;
    int ncells, cap;
    unsigned char *numeric;
};

static void on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    if (r->failed)
        return;
    if (len > r->lim->max_cell) {
        r->failed = 1;
        mz_error_set(r->err, 413, "file_too_large", NULL,
                     "第%lld行第%d列内容过长，单元格不能超过%zu字节", (long long)r->rownum + 1,
                     r->ncells + 1, r->lim->max_cell);
        return;
    }
    if (r->ncells >= r->lim->max_cols) {
        r->failed = 1;
        mz_error_set(r->err, 413, "file_too_large", NULL, "第%lld行列数过多，不能超过%d列",
                     (long long)r->rownum + 1, r->lim->max_cols);
        return;
    }
    if (r->ncells == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->cells = mz_realloc(r->cells, (size_t)r->cap * sizeof *r->cells);
        r->numeric = mz_realloc(r->numeric, (size_t)r->cap);
    }
    r->cells[r->ncells] = mz_strndup(s ? s : "", s ? len : 0);
    r->numeric[r->ncells] = 0;
    r->ncells++;
}

static void clear_cells(struct reader *r)
{
    for (int i = 0; i < r->ncells; i++)
        mz_free(r->cells[i]);
    r->ncells = 0;
}

static void on_record(int c, void *data)
{
    struct reader *r = data;
    /* With CSV_REPALL_NL an empty line is a record without fields; the LF of a CRLF is not. */
    int crlf_tail = r->ncells == 0 && c == '\n' && r->last_term == '\r';
    r->last_term = c;
    if (crlf_tail)
        return;
    r->rownum++;
    if (r->failed) {
        clear_cells(r);
        return;
    }
    int empty = 1;
    for (int i = 0; i < r->ncells && empty; i++)
        empty = r->cells[i][0] == '\0';
    if (!empty) {
        if (r->rownum > r->lim->max_rows) {
            r->failed = 1;
            mz_error_set(r->err, 413, "file_too_large", NULL, "行数过多，不能超过%lld行",
                         (long long)r->lim->max_rows);
        } else if (r->row(r->ctx, r->rownum, r->ncells, (const char *const *)r->cells, r->numeric,
                          r->err) < 0) {
            r->failed = 1;
        }
    }
    clear_cells(r);
}

/* Converts GB18030 to UTF-8 into out; -1 when the bytes are not GB18030. */
static int from_gb18030(const char *data, size_t len, mz_buf *out)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return -1;
    char chunk[16384];
    char *in = (char *)(uintptr_t)data;
    size_t inleft = len;
    int rc = 0;
    while (inleft > 0) {
        char *o = chunk;
        size_t oleft = sizeof chunk;
        size_t n = iconv(cd, &in, &inleft, &o, &oleft);
        mz_buf_append(out, chunk, sizeof chunk - oleft);
        if (n == (size_t)-1 && errno != E2BIG) {
            rc = -1;
            break;
        }
    }
    iconv_close(cd);
    return rc;
}

int mz_csv_read(const char *data, size_t len, const mz_table_limits *lim, mz_table_row_fn row,
                void *ctx, const char **encoding, mz_error *err)
{
    mz_buf conv;
    mz_buf_init(&conv);
    const char *enc = "UTF-8";
    if (len > lim->max_bytes)
        return mz_error_set(err, 413, "file_too_large", "file", "文件过大，不能超过%zu字节",
                            lim->max_bytes);
    if (len >= 2 && ((unsigned char)data[0] == 0xFF || (unsigned char)data[0] == 0xFE) &&
        ((unsigned char)data[1] == 0xFE || (unsigned char)data[1] == 0xFF))
        return mz_error_set(err, 400, "file_invalid", "file",
                            "文件为 UTF-16 编码，请另存为“CSV UTF-8”或普通 CSV");
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    if (memchr(data, '\0', len) != NULL)
        return mz_error_set(err, 400, "file_invalid", "file", "文件含有空字符，不是文本文件");
    if (!mz_utf8_valid(data, len)) {
        if (from_gb18030(data, len, &conv) < 0 || !mz_utf8_valid(conv.data, conv.len)) {
            mz_buf_cleanup(&conv);
            return mz_error_set(err, 400, "file_invalid", "file",
                                "文件编码无法识别，须为 UTF-8 或 GB18030（GBK）");
        }
        data = conv.data ? conv.data : "";
        len = conv.len;
        enc = "GB18030";
    }
    if (encoding)
        *encoding = enc;

    struct csv_parser p;
    struct reader r = {.lim = lim, .row = row, .ctx = ctx, .err = err};
    int rc = 0;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
        mz_buf_cleanup(&conv);
        return mz_error_internal(err, "csv_init");
    }
    size_t off = 0;
    while (off < len && !r.failed) {
        size_t n = len - off < 65536 ? len - off : 65536;
        if (csv_parse(&p, data + off, n, on_field, on_record, &r) != n) {
            if (!r.failed)
                mz_error_set(err, 400, "file_invalid", "file",
                             "CSV 格式错误（第%lld行附近：%s），请检查引号是否成对",
                             (long long)r.rownum + 1, csv_strerror(csv_error(&p)));
            r.failed = 1;
        }
        off += n;
    }
    if (!r.failed && csv_fini(&p, on_field, on_record, &r) != 0) {
        if (!r.failed)
            mz_error_set(err, 400, "file_invalid", "file",
                         "CSV 格式错误（第%lld行附近：%s），请检查引号是否成对",
                         (long long)r.rownum + 1, csv_strerror(csv_error(&p)));
        r.failed = 1;
    }
    if (r.failed)
        rc = -1;
    clear_cells(&r);
    mz_free(r.cells);
    mz_free(r.numeric);
    csv_free(&p);
    mz_buf_cleanup(&conv);
    return rc;
}
