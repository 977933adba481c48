/*
 * Tests for src/base/money.c: the accepted and rejected forms of yuan text,
 * the int64_t limits in fen reached exactly and passed by one fen, round
 * trips through format, and overflow detection in add and mul.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/money.h"

static void test_parse_table(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int rc;
        int64_t fen;
    } cases[] = {
        {"610", 0, 61000},
        {"610.5", 0, 61050},
        {"610.50", 0, 61050},
        {"610.05", 0, 61005},
        {"-3.01", 0, -301},
        {"0.01", 0, 1},
        {"-0.01", 0, -1},
        {"0", 0, 0},
        {"-0", 0, 0},
        {"-0.00", 0, 0},
        {"0.00", 0, 0},
        {"00012.30", 0, 1230},
        {"92233720368547758.07", 0, INT64_MAX},
        {"-92233720368547758.08", 0, INT64_MIN},
        {"92233720368547758.08", MZ_MONEY_ERANGE, 0},
        {"-92233720368547758.09", MZ_MONEY_ERANGE, 0},
        {"92233720368547759", MZ_MONEY_ERANGE, 0},
        {"9223372036854775807", MZ_MONEY_ERANGE, 0},
        {"99999999999999999999999999", MZ_MONEY_ERANGE, 0},
        {NULL, MZ_MONEY_EFORMAT, 0},
        {"", MZ_MONEY_EFORMAT, 0},
        {"-", MZ_MONEY_EFORMAT, 0},
        {"+1", MZ_MONEY_EFORMAT, 0},
        {" 1", MZ_MONEY_EFORMAT, 0},
        {"1 ", MZ_MONEY_EFORMAT, 0},
        {"1\t", MZ_MONEY_EFORMAT, 0},
        {".5", MZ_MONEY_EFORMAT, 0},
        {"-.5", MZ_MONEY_EFORMAT, 0},
        {"1.", MZ_MONEY_EFORMAT, 0},
        {"1.234", MZ_MONEY_EFORMAT, 0},
        {"1.000", MZ_MONEY_EFORMAT, 0},
        {"1e3", MZ_MONEY_EFORMAT, 0},
        {"1,000.00", MZ_MONEY_EFORMAT, 0},
        {"1.2.3", MZ_MONEY_EFORMAT, 0},
        {"--1", MZ_MONEY_EFORMAT, 0},
        {"1-", MZ_MONEY_EFORMAT, 0},
        {"¥1", MZ_MONEY_EFORMAT, 0},
        {"1元", MZ_MONEY_EFORMAT, 0},
        {"0x10", MZ_MONEY_EFORMAT, 0},
        {"nan", MZ_MONEY_EFORMAT, 0},
        {"1.5a", MZ_MONEY_EFORMAT, 0},
        {"99999999999999999999999.5x", MZ_MONEY_EFORMAT, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t fen = 777;
        int rc = mz_money_parse(cases[i].s, &fen);
        if (rc != cases[i].rc)
            fail_msg("case %zu \"%s\": got %d, want %d", i, cases[i].s ? cases[i].s : "(null)", rc,
                     cases[i].rc);
        assert_int_equal(fen, rc == 0 ? cases[i].fen : 777);
    }
}

static void test_format_table(void **state)
{
    (void)state;
    static const struct {
        int64_t fen;
        const char *s;
    } cases[] = {
        {0, "0.00"},
        {1, "0.01"},
        {-1, "-0.01"},
        {10, "0.10"},
        {99, "0.99"},
        {100, "1.00"},
        {61050, "610.50"},
        {-301, "-3.01"},
        {INT64_MAX, "92233720368547758.07"},
        {INT64_MIN, "-92233720368547758.08"},
        {INT64_MIN + 1, "-92233720368547758.07"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[32];
        mz_money_format(cases[i].fen, out);
        assert_string_equal(out, cases[i].s);
        int64_t back;
        assert_int_equal(mz_money_parse(out, &back), 0);
        assert_int_equal(back, cases[i].fen);
    }
}

static void test_round_trip_sweep(void **state)
{
    (void)state;
    for (int64_t fen = -100000; fen <= 100000; fen += 7) {
        char out[32];
        int64_t back;
        mz_money_format(fen, out);
        assert_int_equal(mz_money_parse(out, &back), 0);
        assert_int_equal(back, fen);
    }
}

static void test_add_mul(void **state)
{
    (void)state;
    static const struct {
        int mul;
        int64_t a, b;
        int rc;
        int64_t r;
    } cases[] = {
        {0, 61050, 301, 0, 61351},
        {0, INT64_MAX, 0, 0, INT64_MAX},
        {0, INT64_MAX, 1, MZ_MONEY_ERANGE, 0},
        {0, INT64_MIN, -1, MZ_MONEY_ERANGE, 0},
        {0, INT64_MIN, INT64_MAX, 0, -1},
        {0, INT64_MAX - 1, 1, 0, INT64_MAX},
        {1, 61050, 12, 0, 732600},
        {1, -301, 3, 0, -903},
        {1, INT64_MAX, 1, 0, INT64_MAX},
        {1, INT64_MAX, 2, MZ_MONEY_ERANGE, 0},
        {1, INT64_MIN, -1, MZ_MONEY_ERANGE, 0},
        {1, INT64_MIN, 1, 0, INT64_MIN},
        {1, 4611686018427387904, 2, MZ_MONEY_ERANGE, 0},
        {1, -4611686018427387904, 2, 0, INT64_MIN},
        {1, 3037000500, 3037000500, MZ_MONEY_ERANGE, 0},
        {1, 3037000499, 3037000499, 0, 9223372030926249001},
        {1, 0, INT64_MIN, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t r = 555;
        int rc = cases[i].mul ? mz_money_mul(cases[i].a, cases[i].b, &r)
                              : mz_money_add(cases[i].a, cases[i].b, &r);
        if (rc != cases[i].rc)
            fail_msg("case %zu: got %d, want %d", i, rc, cases[i].rc);
        assert_int_equal(r, rc == 0 ? cases[i].r : 555);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_format_table),
        cmocka_unit_test(test_round_trip_sweep),
        cmocka_unit_test(test_add_mul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
