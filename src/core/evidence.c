/*
 * Department data import.  The file is read row by row (base/csv, base/xlsx);
 * the first row is the header, mapped to the source's columns by Chinese name
 * or English alias; every later row is validated column by column
 * (mz_ev_cell) and, when valid, streamed into evidence_records through the
 * store's bulk insert (multi-row INSERTs on SQLite, COPY on PostgreSQL;
 * integers as integers), which is what keeps a validated import close to the
 * speed of a raw bulk load, all in the caller's one transaction.  The errors are kept
 * in memory (up to max_errors_stored) and written after the records, since
 * nothing else may run on the connection while a COPY is open.
 *
 * All-or-nothing: after the first bad row nothing more is written, the rows
 * written before it are deleted at the end, and the batch is stored as
 * 'rejected' with its error report, so that the report can be downloaded
 * and the corrected file imported.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/csv.h"
#include "base/date.h"
#include "base/idnum.h"
#include "base/money.h"
#include "base/strnum.h"
#include "base/utf8.h"
#include "base/xlsx.h"
#include "core/audit.h"
#include "core/evidence.h"

#define CELL_MAX 256

/* ---- cells ---- */

static int fail(const char **code, char *msg, size_t msglen, const char *c, const char *fmt,
                const char *arg)
{
    *code = c;
    snprintf(msg, msglen, fmt, arg);
    return -1;
}

/* Reads up to three numbers separated by sep ("2025/3/1"); returns how many. */
static int split_ymd(const char *s, char sep, int v[3])
{
    int n = 0;
    while (n < 3) {
        if (!isdigit((unsigned char)*s))
            return -1;
        long x = 0;
        int digits = 0;
        while (isdigit((unsigned char)*s) && digits < 5) {
            x = x * 10 + (*s++ - '0');
            digits++;
        }
        v[n++] = (int)x;
        if (*s == '\0')
            return n;
        if (*s != sep)
            return -1;
        s++;
    }
    return -1;
}

static int parse_date(const char *s, int numeric, int *days)
{
    int v[3];
    if (numeric)
        return mz_xlsx_serial_date(s, days);
    if (mz_date_parse(s, days) == 0)
        return 0;
    size_t n = strlen(s);
    if (n == 8 && strspn(s, "0123456789") == 8) {
        int64_t x;
        mz_strtoi64(s, 0, 99999999, &x);
        return mz_date_from_ymd((int)(x / 10000), (int)(x / 100 % 100), (int)(x % 100), days) == 0
                   ? 0
                   : -1;
    }
    if ((split_ymd(s, '/', v) == 3 || split_ymd(s, '-', v) == 3 || split_ymd(s, '.', v) == 3) &&
        v[0] >= 1000)
        return mz_date_from_ymd(v[0], v[1], v[2], days) == 0 ? 0 : -1;
    return -1;
}

static int parse_month(const char *s, int numeric, int *month)
{
    int v[3], days;
    if (numeric) {
        if (mz_xlsx_serial_date(s, &days) < 0)
            return -1;
        *month = mz_month_of(days);
        return 0;
    }
    if (mz_month_parse(s, month) == 0)
        return 0;
    if (strlen(s) == 6 && strspn(s, "0123456789") == 6) {
        int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        int m = (s[4] - '0') * 10 + (s[5] - '0');
        if (m < 1 || m > 12 || y < MZ_DATE_MIN_YEAR || y > MZ_DATE_MAX_YEAR)
            return -1;
        *month = y * 12 + m - 1;
        return 0;
    }
    int n = split_ymd(s, '/', v);
    if (n < 0)
        n = split_ymd(s, '-', v);
    if (n == 3 && parse_date(s, 0, &days) == 0) { /* a whole date: its month */
        *month = mz_month_of(days);
        return 0;
    }
    if (n != 2 || v[1] < 1 || v[1] > 12 || v[0] < MZ_DATE_MIN_YEAR || v[0] > MZ_DATE_MAX_YEAR)
        return -1;
    *month = v[0] * 12 + v[1] - 1;
    return 0;
}

/*
 * An amount stored as a number in a workbook is a binary double, which Excel
 * writes with up to 17 significant digits: a SUM of 0.10 and 0.20 arrives as
 * "0.30000000000000004", 58230.4 - 0.01 as "58230.389999999999".  Such text is
 * read as the two-decimal amount it is within a millionth of, exactly, by
 * digits: the first two decimals, then one unit more when the rest begins
 * with 9999 and the same when it begins with 0000; anything else is refused.
 */
static int numeric_amount(const char *v, int64_t *out)
{
    const char *dot = strchr(v, '.');
    char head[64];
    if (dot == NULL || strlen(dot + 1) <= 2 || (size_t)(dot - v) + 3 >= sizeof head ||
        strspn(dot + 1, "0123456789") != strlen(dot + 1))
        return mz_money_parse(v, out);
    const char *rest = dot + 3;
    int up = strncmp(rest, "9999", 4) == 0;
    if (!up && strncmp(rest, "0000", 4) != 0)
        return MZ_MONEY_EFORMAT;
    memcpy(head, v, (size_t)(rest - v));
    head[rest - v] = '\0';
    int64_t x;
    int rc = mz_money_parse(head, &x);
    if (rc != 0)
        return rc;
    if (up)
        x += v[0] == '-' ? -1 : 1;
    *out = x;
    return 0;
}

int mz_ev_cell(const mz_ev_column *col, const char *cell, int numeric, char *out, size_t outlen,
               const char **code, char *msg, size_t msglen)
{
    char v[CELL_MAX + 8];
    size_t n = strlen(cell);
    while (n > 0 && (cell[n - 1] == ' ' || cell[n - 1] == '\t'))
        n--;
    while (n > 0 && (*cell == ' ' || *cell == '\t')) {
        cell++;
        n--;
    }
    out[0] = '\0';
    if (n == 0)
        return col->required ? fail(code, msg, msglen, "required", "%s为必填项", col->header) : 0;
    if (n > CELL_MAX)
        return fail(code, msg, msglen, "too_long", "%s过长", col->header);
    memcpy(v, cell, n);
    v[n] = '\0';
    if (mz_utf8_has_control(v))
        return fail(code, msg, msglen, "invalid_text", "%s含有换行或控制字符", col->header);

    switch (col->type) {
    case MZ_EV_ID_NUMBER: {
        struct mz_idnum id;
        int rc = mz_idnum_check(v, &id);
        if (rc != 0) {
            *code = "invalid_id_number";
            snprintf(msg, msglen, "身份证号无效：%s%s", mz_idnum_strerror(rc),
                     numeric ? "（该单元格为数字格式，请在 Excel 中设为文本后重新录入）" : "");
            return -1;
        }
        snprintf(out, outlen, "%s", id.normalized);
        return 0;
    }
    case MZ_EV_NAME:
        if (mz_utf8_chars(v) > 50)
            return fail(code, msg, msglen, "too_long", "%s不能超过50个字", col->header);
        snprintf(out, outlen, "%s", v);
        return 0;
    case MZ_EV_TEXT:
        if ((int64_t)mz_utf8_chars(v) > col->max) {
            *code = "too_long";
            snprintf(msg, msglen, "%s不能超过%lld个字", col->header, (long long)col->max);
            return -1;
        }
        snprintf(out, outlen, "%s", v);
        return 0;
    case MZ_EV_DATE: {
        int d;
        if (parse_date(v, numeric, &d) < 0)
            return fail(code, msg, msglen, "invalid_date",
                        "%s不是有效日期（应为 2025-03-01、2025/3/1 或 20250301）", col->header);
        mz_date_format(d, out);
        return 0;
    }
    case MZ_EV_MONTH: {
        int m;
        if (parse_month(v, numeric, &m) < 0)
            return fail(code, msg, msglen, "invalid_month",
                        "%s不是有效月份（应为 2025-03、2025/3 或 202503）", col->header);
        mz_month_format(m, out);
        return 0;
    }
    case MZ_EV_MONEY:
    case MZ_EV_DECIMAL2: {
        int64_t x;
        int rc = numeric ? numeric_amount(v, &x) : mz_money_parse(v, &x);
        if (rc == MZ_MONEY_EFORMAT)
            return fail(code, msg, msglen, "invalid_amount",
                        col->type == MZ_EV_MONEY
                            ? "%s须为以元为单位、至多两位小数的数字（如 1234.50），不带逗号或符号"
                            : "%s须为至多两位小数的数字（如 89.56）",
                        col->header);
        if (rc != 0 || x < col->min || x > col->max)
            return fail(code, msg, msglen, "out_of_range", "%s超出合理范围", col->header);
        snprintf(out, outlen, "%lld", (long long)x);
        return 0;
    }
    case MZ_EV_INT: {
        int64_t x;
        if (numeric && n > 2 && strcmp(v + n - 2, ".0") == 0)
            v[n - 2] = '\0';
        if (mz_strtoi64(v, col->min, col->max, &x) != 0) {
            *code = "out_of_range";
            snprintf(msg, msglen, "%s须为%lld至%lld之间的整数", col->header, (long long)col->min,
                     (long long)col->max);
            return -1;
        }
        snprintf(out, outlen, "%lld", (long long)x);
        return 0;
    }
    case MZ_EV_CODE:
        for (const char *const *c = col->codes; *c; c++)
            if (strcmp(*c, v) == 0) {
                snprintf(out, outlen, "%s", v);
                return 0;
            }
        *code = "invalid_code";
        {
            size_t off = (size_t)snprintf(msg, msglen, "%s须为以下之一：", col->header);
            for (const char *const *c = col->codes; *c && off < msglen; c++)
                off += (size_t)snprintf(msg + off, msglen - off, "%s%s",
                                        c == col->codes ? "" : "、", *c);
        }
        return -1;
    }
    return fail(code, msg, msglen, "invalid_value", "%s无法识别", col->header);
}

/* ---- templates ---- */

static void csv_field(mz_buf *b, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        mz_buf_puts(b, s);
        return;
    }
    mz_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            mz_buf_putc(b, '"');
        mz_buf_putc(b, *s);
    }
    mz_buf_putc(b, '"');
}

int mz_ev_template_csv(const mz_ev_source *s, mz_buf *out)
{
    mz_buf_puts(out, "\xEF\xBB\xBF");
    for (int r = -1; r < 2; r++) {
        for (int c = 0; c < s->ncolumns; c++) {
            if (c)
                mz_buf_putc(out, ',');
            csv_field(out, r < 0 ? s->columns[c].header : s->columns[c].example[r]);
        }
        mz_buf_puts(out, "\r\n");
    }
    return 0;
}

/* Writes the workbook built by fill into out through a temporary file. */
static int xlsx_to_buf(const char *sheet, int (*fill)(lxw_workbook *, lxw_worksheet *, void *),
                       void *ctx, mz_buf *out, mz_error *err)
{
    char path[] = "/tmp/mz_evidence_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return mz_error_internal(err, "evidence: mkstemp");
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, sheet) : NULL;
    if (ws == NULL) {
        workbook_close(wb);
        unlink(path);
        return mz_error_internal(err, "evidence: workbook_new");
    }
    int rc = fill(wb, ws, ctx);
    lxw_error xe = workbook_close(wb);
    if (rc < 0 || xe != LXW_NO_ERROR) {
        unlink(path);
        return rc < 0 ? -1 : mz_error_internal(err, lxw_strerror(xe));
    }
    FILE *f = fopen(path, "rb");
    char chunk[8192];
    size_t n;
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        mz_buf_append(out, chunk, n);
    int bad = f == NULL || ferror(f);
    if (f)
        fclose(f);
    unlink(path);
    return bad ? mz_error_internal(err, "evidence: reading the workbook") : 0;
}

static int fill_template(lxw_workbook *wb, lxw_worksheet *ws, void *ctx)
{
    const mz_ev_source *s = ctx;
    lxw_format *bold = workbook_add_format(wb), *text = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_num_format(text, "@");
    for (int c = 0; c < s->ncolumns; c++) {
        const mz_ev_column *col = &s->columns[c];
        /* Text format keeps ID numbers and codes from turning into numbers in Excel. */
        int as_text = col->type == MZ_EV_ID_NUMBER || col->type == MZ_EV_TEXT ||
                      col->type == MZ_EV_DATE || col->type == MZ_EV_MONTH;
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, col->type == MZ_EV_ID_NUMBER ? 22 : 16,
                             as_text ? text : NULL);
        worksheet_write_string(ws, 0, (lxw_col_t)c, col->header, bold);
        for (int r = 0; r < 2; r++)
            if (col->example[r][0])
                worksheet_write_string(ws, (lxw_row_t)r + 1, (lxw_col_t)c, col->example[r],
                                       as_text ? text : NULL);
    }
    return 0;
}

int mz_ev_template_xlsx(const mz_ev_source *s, mz_buf *out, mz_error *err)
{
    return xlsx_to_buf(s->name, fill_template, (void *)(uintptr_t)s, out, err);
}

json_t *mz_ev_sources_json(void)
{
    int n;
    const mz_ev_source *src = mz_ev_sources(&n);
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *cols = json_array();
        for (int c = 0; c < src[i].ncolumns; c++) {
            const mz_ev_column *col = &src[i].columns[c];
            json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "header", col->header, "alias",
                                  col->alias, "type", mz_ev_type_name(col->type), "type_code",
                                  col->type == MZ_EV_ID_NUMBER  ? "id_number"
                                  : col->type == MZ_EV_NAME     ? "name"
                                  : col->type == MZ_EV_DATE     ? "date"
                                  : col->type == MZ_EV_MONTH    ? "month"
                                  : col->type == MZ_EV_MONEY    ? "money"
                                  : col->type == MZ_EV_DECIMAL2 ? "decimal2"
                                  : col->type == MZ_EV_INT      ? "int"
                                  : col->type == MZ_EV_CODE     ? "code"
                                                                : "text",
                                  "required", col->required, "description", col->doc);
            if (col->type == MZ_EV_CODE) {
                json_t *codes = json_array();
                for (const char *const *k = col->codes; *k; k++)
                    json_array_append_new(codes, json_string(*k));
                json_object_set_new(o, "codes", codes);
            } else if (col->type == MZ_EV_TEXT) {
                json_object_set_new(o, "max_length", json_integer(col->max));
            } else if (col->type == MZ_EV_INT) {
                json_object_set_new(o, "min", json_integer(col->min));
                json_object_set_new(o, "max", json_integer(col->max));
            }
            json_array_append_new(cols, o);
        }
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:o}", "code", src[i].code,
                                               "name", src[i].name, "department", src[i].department,
                                               "description", src[i].doc, "columns", cols));
    }
    return json_pack("{s:o}", "items", items);
}

/* ---- import ---- */

struct ev_error {
    int64_t row;
    char col[64];
    char value[80];
    const char *code; /* a string literal */
    char msg[256];
};

struct imp {
    mz_db *db;
    const mz_ev_source *src;
    const mz_ev_import *o;
    int64_t batch_id;
    char batch_text[24];
    char as_of[11];
    int have_header;
    int map[64]; /* template column -> file column, -1 when the file lacks it */
    int nheader; /* columns in the file's header row */
    int64_t rows_total, accepted, rejected, errors_total;
    int valid_rows; /* the mode: keep the valid rows of a file with bad ones */
    int failing;    /* all-or-nothing and a bad row seen: write no more records */
    mz_bulk *bulk;
    char vals[MZ_EV_NSLOTS][CELL_MAX + 8];
    int64_t nums[MZ_EV_NSLOTS]; /* the value of a slot filled by a number column */
    char is_num[MZ_EV_NSLOTS];  /* 1: nums holds it (vals has its text) */
    struct ev_error *errors;
    int64_t nerrors, errors_cap;
    mz_error *err;
};

static int db_fail(struct imp *m)
{
    return mz_error_internal(m->err, mz_db_errmsg(m->db));
}

/* The first at most 64 bytes of s, cut at a character boundary. */
static void excerpt(const char *s, char out[80])
{
    size_t n = strlen(s);
    if (n > 64) {
        n = 64;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, s, n);
    out[n] = '\0';
    if (mz_utf8_has_control(out))
        for (char *p = out; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7F)
                *p = ' ';
}

static void add_error(struct imp *m, int64_t row, const char *col, const char *value,
                      const char *code, const char *msg)
{
    m->errors_total++;
    if (m->nerrors >= m->o->max_errors_stored)
        return;
    if (m->nerrors == m->errors_cap) {
        m->errors_cap = m->errors_cap ? m->errors_cap * 2 : 64;
        m->errors = mz_realloc(m->errors, (size_t)m->errors_cap * sizeof *m->errors);
    }
    struct ev_error *e = &m->errors[m->nerrors++];
    e->row = row;
    snprintf(e->col, sizeof e->col, "%s", col);
    excerpt(value ? value : "", e->value);
    e->code = code;
    snprintf(e->msg, sizeof e->msg, "%s", msg);
}

static int store_errors(struct imp *m)
{
    mz_stmt *st = mz_db_prepare(m->db, "INSERT INTO evidence_errors (batch_id, row_no, col_name, "
                                       "value, code, message) VALUES (?, ?, ?, ?, ?, ?)");
    int rc = st ? MZ_DB_OK : MZ_DB_ERROR;
    for (int64_t i = 0; i < m->nerrors && rc >= 0; i++) {
        const struct ev_error *e = &m->errors[i];
        mz_stmt_reset(st);
        mz_stmt_bind_int64(st, 1, m->batch_id);
        mz_stmt_bind_int64(st, 2, e->row);
        mz_stmt_bind_text(st, 3, e->col);
        mz_stmt_bind_text(st, 4, e->value);
        mz_stmt_bind_text(st, 5, e->code);
        mz_stmt_bind_text(st, 6, e->msg);
        rc = mz_stmt_step(st);
    }
    mz_stmt_finalize(st);
    return rc < 0 ? db_fail(m) : 0;
}

/* Streams one valid row into the bulk insert: integers (batch, row, amounts) as integers. */
static int write_record(struct imp *m, int64_t row)
{
    char types[4 + MZ_EV_NSLOTS + 1] = "ttti";
    mz_bulk_value v[4 + MZ_EV_NSLOTS];
    types[0] = 'i';
    v[0].i = m->batch_id;
    v[1].s = m->src->code;
    v[2].s = m->as_of;
    v[3].i = row;
    for (int k = 0; k < MZ_EV_NSLOTS; k++) {
        types[4 + k] = m->vals[k][0] == '\0' ? 'n' : m->is_num[k] ? 'i' : 't';
        v[4 + k].s = m->vals[k];
        v[4 + k].i = m->nums[k];
    }
    types[4 + MZ_EV_NSLOTS] = '\0';
    return mz_bulk_add(m->bulk, types, v) < 0 ? db_fail(m) : 0;
}

/* Whether header cell h names col: the Chinese header (a unit in brackets after it is fine) or the
 * alias. */
static int header_matches(const mz_ev_column *col, const char *h)
{
    size_t n = strlen(col->header);
    if (strcasecmp(h, col->alias) == 0 || strcmp(h, col->header) == 0)
        return 1;
    return strncmp(h, col->header, n) == 0 && (strncmp(h + n, "（", 3) == 0 || h[n] == '(');
}

static int read_header(struct imp *m, int64_t row, int ncells, const char *const *cells)
{
    const mz_ev_source *s = m->src;
    for (int c = 0; c < s->ncolumns; c++)
        m->map[c] = -1;
    m->nheader = ncells;
    for (int i = 0; i < ncells; i++) {
        char h[CELL_MAX + 8];
        const char *v = cells[i];
        while (*v == ' ')
            v++;
        snprintf(h, sizeof h, "%s", v);
        for (size_t n = strlen(h); n > 0 && h[n - 1] == ' '; n--)
            h[n - 1] = '\0';
        if (h[0] == '\0')
            continue;
        int found = -1;
        for (int c = 0; c < s->ncolumns && found < 0; c++)
            if (header_matches(&s->columns[c], h))
                found = c;
        if (found < 0)
            return mz_error_set(m->err, 400, "unknown_column", "file",
                                "第%lld行第%d列“%s”不是“%s”模板中的列，请使用 %s 模板",
                                (long long)row, i + 1, h, s->name, s->code);
        if (m->map[found] >= 0)
            return mz_error_set(m->err, 400, "duplicate_column", "file", "列“%s”出现了两次",
                                s->columns[found].header);
        m->map[found] = i;
    }
    for (int c = 0; c < s->ncolumns; c++)
        if (m->map[c] < 0 && s->columns[c].required)
            return mz_error_set(m->err, 400, "missing_column", "file",
                                "文件缺少必填列“%s”（第一行须为“%s”模板的表头）",
                                s->columns[c].header, s->name);
    m->have_header = 1;
    return 0;
}

static int on_row(void *ctx, int64_t row, int ncells, const char *const *cells,
                  const unsigned char *numeric, mz_error *err)
{
    struct imp *m = ctx;
    (void)err;
    if (!m->have_header)
        return read_header(m, row, ncells, cells);
    const mz_ev_source *s = m->src;
    char(*vals)[CELL_MAX + 8] = m->vals;
    int bad = 0;
    m->rows_total++;
    for (int k = 0; k < MZ_EV_NSLOTS; k++) {
        vals[k][0] = '\0';
        m->is_num[k] = 0;
    }
    for (int c = 0; c < s->ncolumns; c++) {
        const mz_ev_column *col = &s->columns[c];
        int i = m->map[c];
        const char *cell = i >= 0 && i < ncells ? cells[i] : "";
        const char *code;
        char msg[256];
        if (mz_ev_cell(col, cell, i >= 0 && i < ncells && numeric[i], vals[col->slot],
                       sizeof vals[col->slot], &code, msg, sizeof msg) < 0) {
            bad = 1;
            add_error(m, row, col->header, cell, code, msg);
        } else if (col->type == MZ_EV_MONEY || col->type == MZ_EV_DECIMAL2 ||
                   col->type == MZ_EV_INT) {
            m->is_num[col->slot] = 1;
            m->nums[col->slot] = strtoll(vals[col->slot], NULL, 10);
        }
    }
    for (int i = m->nheader; i < ncells; i++)
        if (cells[i][0] != '\0') {
            char name[32], msg[96];
            snprintf(name, sizeof name, "第%d列", i + 1);
            snprintf(msg, sizeof msg, "第%d列在表头之外，请删除多余的内容", i + 1);
            bad = 1;
            add_error(m, row, name, cells[i], "extra_cell", msg);
            break;
        }
    if (bad) {
        m->rejected++;
        if (!m->valid_rows)
            m->failing = 1;
    } else {
        m->accepted++;
        if (!m->failing && write_record(m, row) < 0)
            return -1;
    }
    if (m->o->progress && m->o->progress_every > 0 && m->rows_total % m->o->progress_every == 0)
        m->o->progress(m->o->progress_ctx, m->rows_total, m->rejected);
    return 0;
}

void mz_ev_import_init(mz_ev_import *o)
{
    memset(o, 0, sizeof *o);
    mz_table_limits_default(&o->limits);
    o->max_errors_stored = 10000;
    o->progress_every = 10000;
}

#define BATCH_COLS                                                                                 \
    "id, source, department, as_of, sha256, file_name, file_format, encoding, mode, status, "      \
    "rows_total, rows_accepted, rows_rejected, errors_total, imported_by, importer_region, "       \
    "started_at, finished_at"

static json_t *batch_json(mz_stmt *st)
{
    const mz_ev_source *s = mz_ev_source_find(mz_stmt_text(st, 1));
    json_t *o = json_object();
    static const char *const names[] = {"id",
                                        "source",
                                        "department",
                                        "as_of",
                                        "sha256",
                                        "file_name",
                                        "file_format",
                                        "encoding",
                                        "mode",
                                        "status",
                                        "rows_total",
                                        "rows_accepted",
                                        "rows_rejected",
                                        "errors_total",
                                        "imported_by",
                                        "importer_region",
                                        "started_at",
                                        "finished_at"};
    for (int c = 0; c < 18; c++) {
        int is_int = c == 0 || (c >= 10 && c <= 13);
        if (is_int)
            json_object_set_new(o, names[c], json_integer(mz_stmt_int64(st, c)));
        else if (mz_stmt_is_null(st, c))
            json_object_set_new(o, names[c], json_null());
        else
            json_object_set_new(o, names[c], json_string(mz_stmt_text(st, c)));
    }
    json_object_set_new(o, "source_name", json_string(s ? s->name : mz_stmt_text(st, 1)));
    return o;
}

static int load_batch(mz_db *db, int64_t id, json_t **out, mz_error *err)
{
    mz_stmt *st =
        mz_db_prepare_bind(db, "SELECT " BATCH_COLS " FROM evidence_batches WHERE id = ?", "i", id);
    int rc = st ? mz_stmt_step(st) : MZ_DB_ERROR;
    if (rc == MZ_DB_ROW)
        *out = batch_json(st);
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 404, "not_found", "id", "导入批次不存在");
    return 0;
}

static int check_text(const char *s, const char *field, const char *label, size_t max_chars,
                      mz_error *err)
{
    if (!mz_utf8_valid(s, strlen(s)) || mz_utf8_has_control(s))
        return mz_error_set(err, 400, "invalid_value", field, "%s含有无效字符", label);
    if (mz_utf8_chars(s) > max_chars)
        return mz_error_set(err, 400, "invalid_value", field, "%s不能超过%zu个字", label,
                            max_chars);
    return 0;
}

int mz_ev_import_file(mz_db *db, const mz_actor *actor, const mz_ev_import *o, const char *data,
                      size_t len, json_t **out, int *existing, mz_error *err)
{
    struct imp m = {.db = db, .o = o, .err = err};
    const char *mode = o->mode && *o->mode ? o->mode : "all_or_nothing";
    const char *file_name = o->file_name && *o->file_name ? o->file_name : "upload";
    const char *slash = strrchr(file_name, '/');
    const char *department;
    const char *encoding = NULL;
    char sha[65], now[21];
    unsigned char h[crypto_hash_sha256_BYTES];
    int as_of, rc = -1, xlsx;
    int cache_on = 0;
    int rc_bulk;
    json_t *after = NULL;

    *existing = 0;
    if (!mz_actor_can(actor, "evidence:import:create"))
        return mz_error_set(err, 403, "forbidden", NULL, "没有导入部门数据的权限");
    m.src = mz_ev_source_find(o->source);
    if (m.src == NULL)
        return mz_error_set(err, 400, "invalid_value", "source",
                            "数据来源 source 无效，可选值见 /api/v1/evidence/templates");
    if (strcmp(mode, "all_or_nothing") != 0 && strcmp(mode, "valid_rows") != 0)
        return mz_error_set(
            err, 400, "invalid_value", "mode",
            "导入方式 mode 须为 all_or_nothing（整批导入）或 valid_rows（只导入有效行）");
    if (o->as_of && *o->as_of) {
        if (mz_date_parse(o->as_of, &as_of) != 0)
            return mz_error_set(err, 400, "invalid_value", "as_of",
                                "数据截至日期 as_of 须为 YYYY-MM-DD");
        if (as_of > mz_date_today())
            return mz_error_set(err, 400, "invalid_value", "as_of", "数据截至日期不能晚于今天");
    } else {
        as_of = mz_date_today();
    }
    mz_date_format(as_of, m.as_of);
    m.valid_rows = strcmp(mode, "valid_rows") == 0;
    department = o->department && *o->department ? o->department : m.src->department;
    if (slash)
        file_name = slash[1] ? slash + 1 : "upload";
    if (check_text(department, "department", "部门名称", 64, err) < 0 ||
        check_text(file_name, "file_name", "文件名", 200, err) < 0)
        return -1;
    if (len == 0)
        return mz_error_set(err, 400, "file_invalid", "file", "文件为空");
    if (len > o->limits.max_bytes)
        return mz_error_set(err, 413, "file_too_large", "file", "文件过大，不能超过%zu字节",
                            o->limits.max_bytes);

    crypto_hash_sha256(h, (const unsigned char *)data, len);
    sodium_bin2hex(sha, sizeof sha, h, sizeof h);
    int64_t prev = 0;
    int q = mz_db_query_int64(db, &prev,
                              "SELECT id FROM evidence_batches WHERE source = ? AND sha256 = ? "
                              "AND (status = 'imported' OR mode = ?) ORDER BY id DESC LIMIT 1",
                              "ttt", m.src->code, sha, mode);
    if (q < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (q == MZ_DB_ROW) {
        *existing = 1;
        return load_batch(db, prev, out, err);
    }

    xlsx = mz_table_is_xlsx(data, len);
    mz_time_iso(time(NULL), now);
    q = mz_db_query_int64(
        db, &m.batch_id,
        "INSERT INTO evidence_batches (source, department, as_of, sha256, file_name, file_format, "
        "mode, status, rows_total, rows_accepted, rows_rejected, errors_total, imported_by, "
        "importer_region, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'imported', 0, 0, "
        "0, 0, ?, ?, ?, ?) RETURNING id",
        "ttttttttttt", m.src->code, department, m.as_of, sha, file_name, xlsx ? "xlsx" : "csv",
        mode, actor->username, actor->region_code[0] ? actor->region_code : "321300000000", now,
        now);
    if (q == MZ_DB_CONSTRAINT)
        return mz_error_set(err, 409, "conflict", "file",
                            "该文件正在由他人导入，请稍后查看导入批次");
    if (q != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(db));

    snprintf(m.batch_text, sizeof m.batch_text, "%lld", (long long)m.batch_id);
    /* A large import keeps its index pages in memory instead of spilling them to the WAL. */
    mz_db_batch_cache(db, MZ_BATCH_WRITES);
    cache_on = 1;
    static const char *const record_cols[] = {
        "batch_id",  "source",  "as_of", "row_no",     "id_number",   "name", "ref", "kind",
        "date_from", "date_to", "month", "amount_fen", "amount2_fen", "qty",  "note"};
    m.bulk = mz_bulk_begin(db, "evidence_records", record_cols, 15);
    if (m.bulk == NULL) {
        db_fail(&m);
        goto done;
    }
    if ((xlsx ? mz_xlsx_read(data, len, &o->limits, on_row, &m, err)
              : mz_csv_read(data, len, &o->limits, on_row, &m, &encoding, err)) < 0)
        goto done;
    if (!m.have_header) {
        mz_error_set(err, 400, "file_invalid", "file", "文件为空，第一行须为模板表头");
        goto done;
    }
    if (m.rows_total == 0) {
        mz_error_set(err, 400, "file_invalid", "file", "文件中没有数据行");
        goto done;
    }
    rc_bulk = mz_bulk_end(m.bulk);
    m.bulk = NULL;
    if (rc_bulk < 0 || store_errors(&m) < 0) {
        db_fail(&m);
        goto done;
    }
    if (o->progress)
        o->progress(o->progress_ctx, m.rows_total, m.rejected);
    if (m.failing && mz_db_run(db, NULL, "DELETE FROM evidence_records WHERE batch_id = ?", "i",
                               m.batch_id) < 0) {
        db_fail(&m);
        goto done;
    }
    mz_time_iso(time(NULL), now);
    if (mz_db_run(db, NULL,
                  "UPDATE evidence_batches SET status = ?, encoding = ?, rows_total = ?, "
                  "rows_accepted = ?, rows_rejected = ?, errors_total = ?, finished_at = ? "
                  "WHERE id = ?",
                  "ttiiiiti", m.failing ? "rejected" : "imported", encoding, m.rows_total,
                  m.failing ? (int64_t)0 : m.accepted, m.rejected, m.errors_total, now,
                  m.batch_id) < 0) {
        db_fail(&m);
        goto done;
    }
    if (load_batch(db, m.batch_id, out, err) < 0)
        goto done;
    after = json_deep_copy(*out);
    if (mz_audit_append(db, actor, "evidence.import", "evidence_batch", m.batch_text,
                        actor->region_code[0] ? actor->region_code : NULL, NULL, after, err) < 0) {
        json_decref(*out);
        *out = NULL;
        goto done;
    }
    rc = 0;
done:
    mz_bulk_cancel(m.bulk);
    if (cache_on)
        mz_db_batch_cache(db, MZ_BATCH_OFF);
    json_decref(after);
    mz_free(m.errors);
    return rc;
}

/* ---- reading batches ---- */

int mz_ev_batches_list(mz_db *db, const mz_actor *actor, const char *source, int page,
                       int page_size, json_t **out, mz_error *err)
{
    int64_t total = 0;
    if (!mz_actor_can(actor, "evidence:import:read"))
        return mz_error_set(err, 403, "forbidden", NULL, "没有查看部门数据的权限");
    if (source && *source && mz_ev_source_find(source) == NULL)
        return mz_error_set(err, 400, "invalid_parameter", "source", "数据来源 source 无效");
    const char *src = source && *source ? source : NULL;
    if (mz_db_query_int64(
            db, &total,
            "SELECT COUNT(*) FROM evidence_batches WHERE (CAST(? AS TEXT) IS NULL OR source = ?)",
            "tt", src, src) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT " BATCH_COLS " FROM evidence_batches WHERE (CAST(? AS TEXT) IS NULL "
        "OR source = ?) ORDER BY id DESC LIMIT ? OFFSET ?",
        "ttii", src, src, (int64_t)page_size, (int64_t)(page - 1) * page_size);
    json_t *items = json_array();
    int rc;
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(items, batch_json(st));
    mz_stmt_finalize(st);
    if (st == NULL || rc < 0) {
        json_decref(items);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    *out = json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total, "page",
                     page, "page_size", page_size);
    return 0;
}

int mz_ev_batch_get(mz_db *db, const mz_actor *actor, int64_t id, int error_limit, json_t **out,
                    mz_error *err)
{
    if (!mz_actor_can(actor, "evidence:import:read"))
        return mz_error_set(err, 403, "forbidden", NULL, "没有查看部门数据的权限");
    if (load_batch(db, id, out, err) < 0)
        return -1;
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT row_no, col_name, value, code, message FROM "
                                     "evidence_errors WHERE batch_id = ? ORDER BY row_no, id "
                                     "LIMIT ?",
                                     "ii", id, (int64_t)error_limit);
    json_t *errors = json_array();
    int rc = MZ_DB_ERROR;
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(
            errors, json_pack("{s:I, s:s, s:s?, s:s, s:s}", "row", (json_int_t)mz_stmt_int64(st, 0),
                              "column", mz_stmt_text(st, 1), "value", mz_stmt_text(st, 2), "code",
                              mz_stmt_text(st, 3), "message", mz_stmt_text(st, 4)));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(errors);
        json_decref(*out);
        *out = NULL;
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    json_object_set_new(*out, "errors", errors);
    return 0;
}

static const char *const err_headers[] = {"行号", "列", "内容", "错误代码", "错误说明"};

struct err_xlsx {
    mz_stmt *st;
    int rc;
};

static int fill_errors(lxw_workbook *wb, lxw_worksheet *ws, void *ctx)
{
    struct err_xlsx *x = ctx;
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    for (int c = 0; c < 5; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, err_headers[c], bold);
    worksheet_set_column(ws, 0, 0, 8, NULL);
    worksheet_set_column(ws, 1, 3, 20, NULL);
    worksheet_set_column(ws, 4, 4, 60, NULL);
    lxw_row_t r = 1;
    while ((x->rc = mz_stmt_step(x->st)) == MZ_DB_ROW) {
        worksheet_write_number(ws, r, 0, (double)mz_stmt_int64(x->st, 0), NULL);
        for (int c = 1; c < 5; c++) {
            const char *v = mz_stmt_text(x->st, c);
            worksheet_write_string(ws, r, (lxw_col_t)c, v ? v : "", NULL);
        }
        r++;
    }
    return x->rc < 0 ? -1 : 0;
}

int mz_ev_errors_export(mz_db *db, const mz_actor *actor, int64_t id, const char *format,
                        mz_buf *out, mz_error *err)
{
    json_t *batch = NULL;
    char idtext[24];
    if (!mz_actor_can(actor, "evidence:import:read"))
        return mz_error_set(err, 403, "forbidden", NULL, "没有查看部门数据的权限");
    if (load_batch(db, id, &batch, err) < 0)
        return -1;
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT row_no, col_name, value, code, message FROM "
                                     "evidence_errors WHERE batch_id = ? ORDER BY row_no, id",
                                     "i", id);
    int rc = 0;
    if (st == NULL) {
        rc = mz_error_internal(err, mz_db_errmsg(db));
    } else if (strcmp(format, "xlsx") == 0) {
        struct err_xlsx x = {st, 0};
        if (xlsx_to_buf("错误报告", fill_errors, &x, out, err) < 0)
            rc = x.rc < 0 ? mz_error_internal(err, mz_db_errmsg(db)) : -1;
    } else {
        mz_buf_puts(out, "\xEF\xBB\xBF行号,列,内容,错误代码,错误说明\r\n");
        int s;
        while ((s = mz_stmt_step(st)) == MZ_DB_ROW) {
            mz_buf_printf(out, "%lld,", (long long)mz_stmt_int64(st, 0));
            for (int c = 1; c < 5; c++) {
                const char *v = mz_stmt_text(st, c);
                /* A leading = + - @ would be a formula in Excel: quote it as text. */
                if (v && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) {
                    char q[96];
                    snprintf(q, sizeof q, "'%s", v);
                    csv_field(out, q);
                } else {
                    csv_field(out, v ? v : "");
                }
                mz_buf_putc(out, c < 4 ? ',' : '\r');
            }
            mz_buf_putc(out, '\n');
        }
        if (s < 0)
            rc = mz_error_internal(err, mz_db_errmsg(db));
    }
    mz_stmt_finalize(st);
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    json_t *detail = json_pack("{s:s}", "format", format);
    if (rc == 0 &&
        mz_audit_append(db, actor, "evidence.errors.export", "evidence_batch", idtext,
                        actor->region_code[0] ? actor->region_code : NULL, NULL, detail, err) < 0)
        rc = -1;
    json_decref(detail);
    json_decref(batch);
    return rc;
}
