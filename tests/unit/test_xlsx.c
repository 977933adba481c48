/*
 * Tests for src/base/xlsx.c on workbooks written in the test with
 * libxlsxwriter (shared strings, and inline strings in its constant-memory
 * mode), numbers and dates (serials, numeric set), gaps between cells, and
 * on zips built with libzip: a zip bomb (a small, highly compressed, huge
 * worksheet) refused, the running total limit, a missing workbook part and
 * bytes that are not a zip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "base/date.h"
#include "base/mem.h"
#include "base/xlsx.h"

static void slurp(const char *path, mz_buf *out)
{
    FILE *f = fopen(path, "rb");
    char chunk[8192];
    size_t n;
    assert_non_null(f);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        mz_buf_append(out, chunk, n);
    fclose(f);
    unlink(path);
}

static void make_workbook(int constant_memory, mz_buf *out)
{
    char path[] = "/tmp/test_xlsx_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    lxw_workbook_options opt = {.constant_memory = (uint8_t)constant_memory};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "数据");
    workbook_add_worksheet(wb, "第二张"); /* only the first sheet is read */
    lxw_format *datef = workbook_add_format(wb);
    format_set_num_format(datef, "yyyy-mm-dd");
    worksheet_write_string(ws, 0, 0, "身份证号", NULL);
    worksheet_write_string(ws, 0, 1, "姓名", NULL);
    worksheet_write_string(ws, 0, 2, "金额", NULL);
    worksheet_write_string(ws, 0, 3, "日期", NULL);
    worksheet_write_string(ws, 1, 0, "321302196503120015", NULL);
    worksheet_write_string(ws, 1, 1, "张建国 & <李>", NULL);
    worksheet_write_number(ws, 1, 2, 1234.5, NULL);
    lxw_datetime dt = {2025, 1, 1, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 3, &dt, datef);
    /* Row 3 left empty; row 4 has a gap in column B. */
    worksheet_write_string(ws, 3, 0, "甲", NULL);
    worksheet_write_number(ws, 3, 2, 7, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    slurp(path, out);
}

static int collect(void *ctx, int64_t row, int ncells, const char *const *cells,
                   const unsigned char *numeric, mz_error *err)
{
    mz_buf *b = ctx;
    (void)err;
    mz_buf_printf(b, "%lld:", (long long)row);
    for (int i = 0; i < ncells; i++)
        mz_buf_printf(b, "%s%s%s", i ? "|" : "", cells[i], numeric[i] ? "#" : "");
    mz_buf_putc(b, '\n');
    return 0;
}

static void test_read_workbook(void **state)
{
    (void)state;
    for (int cm = 0; cm < 2; cm++) {
        mz_buf x, rows;
        mz_error err;
        mz_table_limits lim;
        mz_buf_init(&x);
        mz_buf_init(&rows);
        mz_table_limits_default(&lim);
        make_workbook(cm, &x);
        assert_true(mz_table_is_xlsx(x.data, x.len));
        if (mz_xlsx_read(x.data, x.len, &lim, collect, &rows, &err) != 0)
            fail_msg("%s", err.message);
        assert_string_equal(rows.data, "1:身份证号|姓名|金额|日期\n"
                                       "2:321302196503120015|张建国 & <李>|1234.5#|45658#\n"
                                       "4:甲||7#\n");
        /* Limits count while reading: the parts read exceed 100 bytes in all. */
        lim.max_total_bytes = 100;
        assert_int_equal(mz_xlsx_read(x.data, x.len, &lim, collect, &rows, &err), -1);
        assert_string_equal(err.code, "file_too_large");
        mz_table_limits_default(&lim);
        lim.max_cols = 3;
        assert_int_equal(mz_xlsx_read(x.data, x.len, &lim, collect, &rows, &err), -1);
        assert_string_equal(err.code, "file_too_large");
        mz_table_limits_default(&lim);
        lim.max_rows = 2;
        assert_int_equal(mz_xlsx_read(x.data, x.len, &lim, collect, &rows, &err), -1);
        assert_string_equal(err.code, "file_too_large");
        mz_table_limits_default(&lim);
        lim.max_cell = 10;
        assert_int_equal(mz_xlsx_read(x.data, x.len, &lim, collect, &rows, &err), -1);
        assert_string_equal(err.code, "file_too_large");
        mz_buf_cleanup(&x);
        mz_buf_cleanup(&rows);
    }
}

/* A zip with the given parts (name, content) written by libzip; deflated. */
static void make_zip(const char *const *parts, const size_t *lens, int n, mz_buf *out)
{
    char path[] = "/tmp/test_zip_XXXXXX";
    int fd = mkstemp(path), ze;
    close(fd);
    zip_t *z = zip_open(path, ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    for (int i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(z, parts[2 * i + 1], lens[i], 0);
        zip_int64_t idx = zip_file_add(z, parts[2 * i], s, ZIP_FL_OVERWRITE);
        assert_true(idx >= 0);
        zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 9);
    }
    assert_int_equal(zip_close(z), 0);
    slurp(path, out);
}

static const char wb_xml[] =
    "<workbook xmlns:r=\"r\"><sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
    "</workbook>";
static const char rels_xml[] = "<Relationships><Relationship Id=\"rId1\" "
                               "Target=\"worksheets/sheet1.xml\"/></Relationships>";

static void test_zip_bomb(void **state)
{
    (void)state;
    size_t big = (size_t)30 << 20;
    char *sheet = mz_malloc(big);
    const char *head = "<worksheet><sheetData>", *tail = "</sheetData></worksheet>";
    memset(sheet, ' ', big);
    memcpy(sheet, head, strlen(head));
    memcpy(sheet + big - strlen(tail), tail, strlen(tail));
    const char *parts[] = {
        "xl/workbook.xml",          wb_xml, "xl/_rels/workbook.xml.rels", rels_xml,
        "xl/worksheets/sheet1.xml", sheet};
    size_t lens[] = {strlen(wb_xml), strlen(rels_xml), big};
    mz_buf z, rows;
    mz_error err;
    mz_table_limits lim;
    mz_buf_init(&z);
    mz_buf_init(&rows);
    make_zip(parts, lens, 3, &z);
    mz_free(sheet);
    assert_true(z.len < big / 500); /* the bomb: a file of kilobytes, 30 MB inside */
    mz_table_limits_default(&lim);
    assert_int_equal(mz_xlsx_read(z.data, z.len, &lim, collect, &rows, &err), -1);
    assert_string_equal(err.code, "file_too_large");
    assert_null(rows.data);
    mz_buf_cleanup(&z);
    mz_buf_cleanup(&rows);
}

static void test_invalid(void **state)
{
    (void)state;
    mz_error err;
    mz_table_limits lim;
    mz_buf z, rows;
    mz_buf_init(&z);
    mz_buf_init(&rows);
    mz_table_limits_default(&lim);
    assert_int_equal(mz_xlsx_read("PK\x03\x04garbage", 11, &lim, collect, &rows, &err), -1);
    assert_string_equal(err.code, "file_invalid");
    /* A zip without a workbook. */
    const char *parts[] = {"hello.txt", "hi"};
    size_t lens[] = {2};
    make_zip(parts, lens, 1, &z);
    assert_int_equal(mz_xlsx_read(z.data, z.len, &lim, collect, &rows, &err), -1);
    assert_string_equal(err.code, "file_invalid");
    mz_buf_cleanup(&z);
    /* Malformed XML in the sheet. */
    const char *bad[] = {"xl/workbook.xml",
                         wb_xml,
                         "xl/_rels/workbook.xml.rels",
                         rels_xml,
                         "xl/worksheets/sheet1.xml",
                         "<worksheet><sheetData><row>"};
    size_t blens[] = {strlen(wb_xml), strlen(rels_xml), strlen(bad[5])};
    make_zip(bad, blens, 3, &z);
    assert_int_equal(mz_xlsx_read(z.data, z.len, &lim, collect, &rows, &err), -1);
    assert_string_equal(err.code, "file_invalid");
    mz_buf_cleanup(&z);
    mz_buf_cleanup(&rows);
}

static void test_serial_date(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int rc;
        const char *date;
    } cases[] = {
        {"45658", 0, "2025-01-01"},
        {"45658.0", 0, "2025-01-01"},
        {"61", 0, "1900-03-01"},
        {"25569", 0, "1970-01-01"},
        {"60", -1, NULL},
        {"45658.5", -1, NULL},
        {"-1", -1, NULL},
        {"abc", -1, NULL},
        {"", -1, NULL},
        {"109574", 0, "2199-12-31"},
        {"109575", -1, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int d;
        char out[11];
        int rc = mz_xlsx_serial_date(cases[i].s, &d);
        if (rc != cases[i].rc)
            fail_msg("%s: rc %d", cases[i].s, rc);
        if (rc == 0) {
            mz_date_format(d, out);
            assert_string_equal(out, cases[i].date);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_workbook),
        cmocka_unit_test(test_zip_bomb),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_serial_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
