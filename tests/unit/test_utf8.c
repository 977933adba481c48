/*
 * Tests for src/base/utf8.c, with cases from Markus Kuhn's UTF-8 decoder
 * capability and stress test (boundary code points, unexpected continuation
 * bytes, lonely start bytes, truncated sequences, overlong forms, surrogates,
 * bytes that never appear) and the control characters a single-line field
 * must not contain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/utf8.h"

/* a string literal and its length, embedded NULs included */
#define BYTES(s) s, sizeof(s) - 1

static void test_valid_table(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
        int valid;
        const char *what;
    } cases[] = {
        {BYTES(""), 1, "empty"},
        {BYTES("plain ASCII"), 1, "ASCII"},
        {BYTES("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"), 1, "1 kosme"},
        {BYTES("宿迁市民政局"), 1, "CJK"},
        {BYTES("\0"), 1, "U+0000"},
        {BYTES("\xc2\x80"), 1, "2.1.2 U+0080"},
        {BYTES("\xe0\xa0\x80"), 1, "2.1.3 U+0800"},
        {BYTES("\xf0\x90\x80\x80"), 1, "2.1.4 U+10000"},
        {BYTES("\x7f"), 1, "2.2.1 U+007F"},
        {BYTES("\xdf\xbf"), 1, "2.2.2 U+07FF"},
        {BYTES("\xef\xbf\xbf"), 1, "2.2.3 U+FFFF"},
        {BYTES("\xf4\x8f\xbf\xbf"), 1, "2.2.4 U+10FFFF"},
        {BYTES("\xed\x9f\xbf"), 1, "2.3.1 U+D7FF"},
        {BYTES("\xee\x80\x80"), 1, "2.3.2 U+E000"},
        {BYTES("\xef\xbf\xbd"), 1, "2.3.3 U+FFFD"},
        {BYTES("\xef\xbf\xbe"), 1, "5.3.1 U+FFFE noncharacter"},
        {BYTES("\xf0\x9f\x98\x80"), 1, "emoji"},
        {BYTES("\xf4\x90\x80\x80"), 0, "2.3.5 U+110000"},
        {BYTES("\xf5\x80\x80\x80"), 0, "F5 lead"},
        {BYTES("\xf7\xbf\xbf\xbf"), 0, "2.1.5 U+1FFFFF"},
        {BYTES("\x80"), 0, "3.1.1 first continuation byte"},
        {BYTES("\xbf"), 0, "3.1.2 last continuation byte"},
        {BYTES("\x80\xbf\x80\xbf"), 0, "3.1.5 continuation bytes"},
        {BYTES("a\x80"), 0, "continuation after ASCII"},
        {BYTES("\xc3\xa9\x80"), 0, "continuation after a sequence"},
        {BYTES("\xc0 "), 0, "3.2.1 lonely C0"},
        {BYTES("\xdf "), 0, "3.2.1 lonely DF"},
        {BYTES("\xe0 "), 0, "3.2.2 lonely E0"},
        {BYTES("\xf0 "), 0, "3.2.3 lonely F0"},
        {BYTES("\xc2"), 0, "3.3.1 C2 without continuation"},
        {BYTES("\xe0\xa0"), 0, "3.3.2 E0 A0 cut short"},
        {BYTES("\xf0\x90\x80"), 0, "3.3.3 F0 90 80 cut short"},
        {BYTES("\xdf"), 0, "3.3.6 DF alone"},
        {BYTES("\xef\xbf"), 0, "3.3.7 EF BF cut short"},
        {BYTES("\xf4\x8f\xbf"), 0, "3.3.8 F4 8F BF cut short"},
        {BYTES("\xc2\xe0\xa0\xf0\x90\x80"), 0, "3.4 concatenated incomplete"},
        {BYTES("\xfe"), 0, "3.5.1 FE"},
        {BYTES("\xff"), 0, "3.5.2 FF"},
        {BYTES("\xfe\xfe\xff\xff"), 0, "3.5.3 FE FE FF FF"},
        {BYTES("\xc0\xaf"), 0, "4.1.1 overlong '/' 2 bytes"},
        {BYTES("\xe0\x80\xaf"), 0, "4.1.2 overlong '/' 3 bytes"},
        {BYTES("\xf0\x80\x80\xaf"), 0, "4.1.3 overlong '/' 4 bytes"},
        {BYTES("\xf8\x80\x80\x80\xaf"), 0, "4.1.4 overlong '/' 5 bytes"},
        {BYTES("\xfc\x80\x80\x80\x80\xaf"), 0, "4.1.5 overlong '/' 6 bytes"},
        {BYTES("\xc1\xbf"), 0, "4.2.1 largest 2-byte overlong"},
        {BYTES("\xe0\x9f\xbf"), 0, "4.2.2 largest 3-byte overlong"},
        {BYTES("\xf0\x8f\xbf\xbf"), 0, "4.2.3 largest 4-byte overlong"},
        {BYTES("\xc0\x80"), 0, "4.3.1 overlong NUL"},
        {BYTES("\xe0\x80\x80"), 0, "4.3.2 overlong NUL"},
        {BYTES("\xed\xa0\x80"), 0, "5.1.1 U+D800"},
        {BYTES("\xed\xad\xbf"), 0, "5.1.2 U+DB7F"},
        {BYTES("\xed\xae\x80"), 0, "5.1.3 U+DB80"},
        {BYTES("\xed\xaf\xbf"), 0, "5.1.4 U+DBFF"},
        {BYTES("\xed\xb0\x80"), 0, "5.1.5 U+DC00"},
        {BYTES("\xed\xbe\x80"), 0, "5.1.6 U+DF80"},
        {BYTES("\xed\xbf\xbf"), 0, "5.1.7 U+DFFF"},
        {BYTES("\xed\xa0\x80\xed\xb0\x80"), 0, "5.2.1 surrogate pair"},
        {BYTES("\xe4\xb8\x41"), 0, "ASCII where a continuation belongs"},
        {BYTES("\xf0\x90\xc0\x80"), 0, "lead byte where a continuation belongs"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (mz_utf8_valid(cases[i].s, cases[i].len) != cases[i].valid)
            fail_msg("case %zu (%s): want %d", i, cases[i].what, cases[i].valid);
    }
}

static void test_valid_respects_len(void **state)
{
    (void)state;
    const char *s = "\xe5\xae\xbf\xe8\xbf\x81"; /* 宿迁 */
    assert_int_equal(mz_utf8_valid(s, 6), 1);
    assert_int_equal(mz_utf8_valid(s, 3), 1);
    for (size_t len = 1; len < 6; len++) {
        if (len != 3)
            assert_int_equal(mz_utf8_valid(s, len), 0);
    }
    assert_int_equal(mz_utf8_valid(NULL, 0), 1);
    assert_int_equal(mz_utf8_valid("\xf4\x8f\xbf\xbf", 3), 0);
    assert_int_equal(mz_utf8_valid("ab\xc3\xa9", 3), 0);
}

static void test_chars_table(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t n;
    } cases[] = {
        {"", 0},
        {"abc", 3},
        {"宿迁", 2},
        {"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", 5},
        {"a宿\xf0\x9f\x98\x80", 3},
        {"\xc2\x80\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf", 4},
        {"江苏省宿迁市宿城区", 9},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(mz_utf8_chars(cases[i].s), cases[i].n);
}

static void test_has_control_table(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int has;
    } cases[] = {
        {"", 0},
        {"张三", 0},
        {"宿迁市 宿城区 ~", 0},
        {"\x01", 1},
        {"a\tb", 1},
        {"line\n", 1},
        {"\r", 1},
        {"\x1b[31m", 1},
        {"\x1f", 1},
        {" ", 0},
        {"\x7f", 1},
        {"a\x7f", 1},
        {"\xc2\x80", 1},     /* U+0080 */
        {"\xc2\x85", 1},     /* U+0085 NEL */
        {"\xc2\x9f", 1},     /* U+009F */
        {"\xc2\xa0", 0},     /* U+00A0 no-break space */
        {"\xc3\x80", 0},     /* U+00C0 */
        {"\xe2\x80\xa8", 0}, /* U+2028 line separator is not C0/C1 */
        {"\xef\xbf\xbd", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (mz_utf8_has_control(cases[i].s) != cases[i].has)
            fail_msg("case %zu: want %d", i, cases[i].has);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_table),
        cmocka_unit_test(test_valid_respects_len),
        cmocka_unit_test(test_chars_table),
        cmocka_unit_test(test_has_control_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
