/*
 * Tests for src/base/strnum.c: syntax (sign, whitespace, junk, empty), the
 * int64_t limits reached exactly and passed by one, and caller bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/strnum.h"

static void test_table(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int64_t min, max;
        int rc;
        int64_t value;
    } cases[] = {
        {"0", INT64_MIN, INT64_MAX, 0, 0},
        {"-0", INT64_MIN, INT64_MAX, 0, 0},
        {"42", INT64_MIN, INT64_MAX, 0, 42},
        {"-42", INT64_MIN, INT64_MAX, 0, -42},
        {"007", INT64_MIN, INT64_MAX, 0, 7},
        {"9223372036854775807", INT64_MIN, INT64_MAX, 0, INT64_MAX},
        {"-9223372036854775808", INT64_MIN, INT64_MAX, 0, INT64_MIN},
        {"9223372036854775808", INT64_MIN, INT64_MAX, MZ_STRNUM_ERANGE, 0},
        {"-9223372036854775809", INT64_MIN, INT64_MAX, MZ_STRNUM_ERANGE, 0},
        {"99999999999999999999999", INT64_MIN, INT64_MAX, MZ_STRNUM_ERANGE, 0},
        {"00000000000000000000001", INT64_MIN, INT64_MAX, 0, 1},
        {"1", 1, 12, 0, 1},
        {"12", 1, 12, 0, 12},
        {"0", 1, 12, MZ_STRNUM_ERANGE, 0},
        {"13", 1, 12, MZ_STRNUM_ERANGE, 0},
        {"-1", 0, 100, MZ_STRNUM_ERANGE, 0},
        {"5", 5, 5, 0, 5},
        {"5", 6, 5, MZ_STRNUM_EINVAL, 0}, /* min > max */
        {NULL, 0, 10, MZ_STRNUM_EINVAL, 0},
        {"", 0, 10, MZ_STRNUM_EINVAL, 0},
        {"-", 0, 10, MZ_STRNUM_EINVAL, 0},
        {"+1", 0, 10, MZ_STRNUM_EINVAL, 0},
        {" 1", 0, 10, MZ_STRNUM_EINVAL, 0},
        {"1 ", 0, 10, MZ_STRNUM_EINVAL, 0},
        {"1\n", 0, 10, MZ_STRNUM_EINVAL, 0},
        {"--1", 0, 10, MZ_STRNUM_EINVAL, 0},
        {"1a", 0, 10, MZ_STRNUM_EINVAL, 0},
        {"0x10", 0, 100, MZ_STRNUM_EINVAL, 0},
        {"1.0", 0, 10, MZ_STRNUM_EINVAL, 0},
        {"1e3", 0, 10000, MZ_STRNUM_EINVAL, 0},
        {"1,000", 0, 10000, MZ_STRNUM_EINVAL, 0},
        {"９", 0, 10, MZ_STRNUM_EINVAL, 0}, /* fullwidth digit */
        {"99999999999999999999x", INT64_MIN, INT64_MAX, MZ_STRNUM_EINVAL, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t v = 12345;
        int rc = mz_strtoi64(cases[i].s, cases[i].min, cases[i].max, &v);
        if (rc != cases[i].rc)
            fail_msg("case %zu \"%s\": got %d, want %d", i, cases[i].s ? cases[i].s : "(null)", rc,
                     cases[i].rc);
        /* *out is written on success only */
        assert_int_equal(v, rc == 0 ? cases[i].value : 12345);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
