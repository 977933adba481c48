/*
 * Tests for src/base/csv.c: encodings (UTF-8 with and without a BOM,
 * GB18030 converted, UTF-16 and undecodable bytes refused), quoting (commas,
 * doubled quotes and line breaks inside quotes, a stray quote refused), row
 * numbering across quoted line breaks, empty lines skipped, and every limit.
 */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/csv.h"
#include "base/mem.h"

/* Collects the rows as "row:cell|cell|..." lines. */
static int collect(void *ctx, int64_t row, int ncells, const char *const *cells,
                   const unsigned char *numeric, mz_error *err)
{
    mz_buf *b = ctx;
    (void)err;
    mz_buf_printf(b, "%lld:", (long long)row);
    for (int i = 0; i < ncells; i++) {
        assert_int_equal(numeric[i], 0);
        mz_buf_printf(b, "%s%s", i ? "|" : "", cells[i]);
    }
    mz_buf_putc(b, '\n');
    return 0;
}

static void test_table(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *rows; /* NULL: an error */
        const char *code;
        const char *encoding;
    } cases[] = {
        {"a,b\n1,2\n", "1:a|b\n2:1|2\n", NULL, "UTF-8"},
        {"\xEF\xBB\xBF身份证号,姓名\r\n1,张三\r\n", "1:身份证号|姓名\n2:1|张三\n", NULL, "UTF-8"},
        {"a,b\n\n\n1,2", "1:a|b\n4:1|2\n", NULL, "UTF-8"},
        {"a,\"x,y\"\n\"he said \"\"hi\"\"\",2\n", "1:a|x,y\n2:he said \"hi\"|2\n", NULL, "UTF-8"},
        {"a,\"line1\nline2\"\nb,c\n", "1:a|line1\nline2\n2:b|c\n", NULL, "UTF-8"},
        {"a,,c\n,,\n", "1:a||c\n", NULL, "UTF-8"},
        {"a,b\"c\n", NULL, "file_invalid", NULL},
        {"a,\"unterminated\n", NULL, "file_invalid", NULL},
        {"\xFF\xFE"
         "a\0,\0",
         NULL, "file_invalid", NULL},
        {"\x80\x80\x80,\xFF", NULL, "file_invalid", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mz_buf b;
        mz_error err;
        mz_table_limits lim;
        const char *enc = NULL;
        mz_buf_init(&b);
        mz_error_clear(&err);
        mz_table_limits_default(&lim);
        size_t len = strlen(cases[i].in);
        if (i == 8)
            len = 6;
        int rc = mz_csv_read(cases[i].in, len, &lim, collect, &b, &enc, &err);
        if (cases[i].rows) {
            if (rc != 0)
                fail_msg("case %zu: %s", i, err.message);
            assert_string_equal(b.data ? b.data : "", cases[i].rows);
            assert_string_equal(enc, cases[i].encoding);
        } else {
            if (rc != -1)
                fail_msg("case %zu accepted", i);
            assert_string_equal(err.code, cases[i].code);
        }
        mz_buf_cleanup(&b);
    }
}

/* What Excel on Chinese Windows saves: GB18030 (GBK) without a BOM. */
static void test_gb18030(void **state)
{
    (void)state;
    const char *utf8 = "身份证号,姓名,地址\n321302196503120015,张建国,\"宿城区幸福路,1号\"\n";
    char gb[256];
    char *in = (char *)(uintptr_t)utf8, *out = gb;
    size_t inleft = strlen(utf8), outleft = sizeof gb;
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    assert_true(iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1);
    iconv_close(cd);
    size_t len = sizeof gb - outleft;
    assert_true(len < strlen(utf8)); /* two bytes a character instead of three */

    mz_buf b;
    mz_error err;
    mz_table_limits lim;
    const char *enc = NULL;
    mz_buf_init(&b);
    mz_table_limits_default(&lim);
    assert_int_equal(mz_csv_read(gb, len, &lim, collect, &b, &enc, &err), 0);
    assert_string_equal(enc, "GB18030");
    assert_string_equal(b.data,
                        "1:身份证号|姓名|地址\n2:321302196503120015|张建国|宿城区幸福路,1号\n");
    mz_buf_cleanup(&b);
}

static int stop_at_two(void *ctx, int64_t row, int ncells, const char *const *cells,
                       const unsigned char *numeric, mz_error *err)
{
    (void)ncells;
    (void)cells;
    (void)numeric;
    (*(int *)ctx)++;
    if (row == 2)
        return mz_error_set(err, 400, "stopped", NULL, "stopped");
    return 0;
}

static void test_limits(void **state)
{
    (void)state;
    mz_table_limits lim;
    mz_error err;
    mz_buf b;
    int calls = 0;
    mz_buf_init(&b);

    mz_table_limits_default(&lim);
    lim.max_bytes = 8;
    assert_int_equal(mz_csv_read("a,b\n1,2\n3", 9, &lim, collect, &b, NULL, &err), -1);
    assert_string_equal(err.code, "file_too_large");
    assert_int_equal(mz_csv_read("a,b\n1,2\n", 8, &lim, collect, &b, NULL, &err), 0);

    mz_table_limits_default(&lim);
    lim.max_cols = 3;
    assert_int_equal(mz_csv_read("a,b,c\n", 6, &lim, collect, &b, NULL, &err), 0);
    assert_int_equal(mz_csv_read("a,b,c,d\n", 8, &lim, collect, &b, NULL, &err), -1);
    assert_string_equal(err.code, "file_too_large");

    mz_table_limits_default(&lim);
    lim.max_cell = 4;
    assert_int_equal(mz_csv_read("abcd\n", 5, &lim, collect, &b, NULL, &err), 0);
    assert_int_equal(mz_csv_read("abcde\n", 6, &lim, collect, &b, NULL, &err), -1);
    assert_string_equal(err.code, "file_too_large");

    mz_table_limits_default(&lim);
    lim.max_rows = 2;
    assert_int_equal(mz_csv_read("a\nb\n", 4, &lim, collect, &b, NULL, &err), 0);
    assert_int_equal(mz_csv_read("a\nb\nc\n", 6, &lim, collect, &b, NULL, &err), -1);
    assert_string_equal(err.code, "file_too_large");

    /* The callback stops the reading; its error is returned. */
    mz_table_limits_default(&lim);
    assert_int_equal(mz_csv_read("a\nb\nc\nd\n", 8, &lim, stop_at_two, &calls, NULL, &err), -1);
    assert_string_equal(err.code, "stopped");
    assert_int_equal(calls, 2);
    mz_buf_cleanup(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_gb18030),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
