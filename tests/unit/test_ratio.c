/*
 * Tests for src/base/ratio.c: the accepted and rejected forms of decimal
 * text, four decimals reached exactly and passed by one, the int64_t limit,
 * and the shortest formatting (as a multiplier and as a percentage) with
 * round trips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/ratio.h"

static void test_parse_table(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int rc;
        int64_t bp;
    } cases[] = {
        {"1.3", 0, 13000},
        {"0.35", 0, 3500},
        {"0.3", 0, 3000},
        {"0.4", 0, 4000},
        {"0.2999", 0, 2999},
        {"0.4001", 0, 4001},
        {"3", 0, 30000},
        {"0", 0, 0},
        {"0.0001", 0, 1},
        {"1.3000", 0, 13000},
        {"001.5", 0, 15000},
        {"24", 0, 240000},
        {"922337203685477.5807", 0, INT64_MAX},
        {"922337203685477.5808", MZ_RATIO_ERANGE, 0},
        {"922337203685478", MZ_RATIO_ERANGE, 0},
        {"99999999999999999999999", MZ_RATIO_ERANGE, 0},
        {NULL, MZ_RATIO_EFORMAT, 0},
        {"", MZ_RATIO_EFORMAT, 0},
        {"-0.35", MZ_RATIO_EFORMAT, 0},
        {"+0.35", MZ_RATIO_EFORMAT, 0},
        {".35", MZ_RATIO_EFORMAT, 0},
        {"1.", MZ_RATIO_EFORMAT, 0},
        {"0.29999", MZ_RATIO_EFORMAT, 0},
        {"1.30000", MZ_RATIO_EFORMAT, 0},
        {"35%", MZ_RATIO_EFORMAT, 0},
        {" 1.3", MZ_RATIO_EFORMAT, 0},
        {"1.3 ", MZ_RATIO_EFORMAT, 0},
        {"1e2", MZ_RATIO_EFORMAT, 0},
        {"1,3", MZ_RATIO_EFORMAT, 0},
        {"1.2.3", MZ_RATIO_EFORMAT, 0},
        {"0x10", MZ_RATIO_EFORMAT, 0},
        {"一", MZ_RATIO_EFORMAT, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t bp = -777;
        int rc = mz_ratio_parse(cases[i].s, &bp);
        if (rc != cases[i].rc)
            fail_msg("\"%s\": rc %d, want %d", cases[i].s ? cases[i].s : "(null)", rc, cases[i].rc);
        if (rc == 0 && bp != cases[i].bp)
            fail_msg("\"%s\": %lld, want %lld", cases[i].s, (long long)bp, (long long)cases[i].bp);
        if (rc != 0 && bp != -777)
            fail_msg("\"%s\": output touched on error", cases[i].s);
    }
}

static void test_format_table(void **state)
{
    (void)state;
    static const struct {
        int64_t bp;
        const char *ratio, *percent;
    } cases[] = {
        {13000, "1.3", "130"},
        {3500, "0.35", "35"},
        {3000, "0.3", "30"},
        {2999, "0.2999", "29.99"},
        {4001, "0.4001", "40.01"},
        {30000, "3", "300"},
        {0, "0", "0"},
        {1, "0.0001", "0.01"},
        {5, "0.0005", "0.05"},
        {10, "0.001", "0.1"},
        {-3500, "-0.35", "-35"},
        {INT64_MAX, "922337203685477.5807", "92233720368547758.07"},
        {INT64_MIN, "-922337203685477.5808", "-92233720368547758.08"},
    };
    char out[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mz_ratio_format(cases[i].bp, out);
        assert_string_equal(out, cases[i].ratio);
        mz_ratio_format_percent(cases[i].bp, out);
        assert_string_equal(out, cases[i].percent);
    }
}

static void test_round_trip(void **state)
{
    (void)state;
    char out[32];
    for (int64_t bp = 0; bp <= 50000; bp += 7) {
        int64_t back = -1;
        mz_ratio_format(bp, out);
        assert_int_equal(mz_ratio_parse(out, &back), 0);
        assert_int_equal(back, bp);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_format_table),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
