/*
 * Tests for src/systems/assistance/standard.c, the 低保 standard proposal:
 * the plan's 30 % and 40 % limits reached exactly and passed by one basis
 * point, rounding up to the whole yuan exactly at a yuan boundary and one fen
 * of expenditure above it, the expenditure's bounds, and the explanation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "systems/assistance/standard.h"

static void test_propose_table(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        int64_t expenditure_fen, ratio_bp;
        int64_t monthly_fen; /* -1: refused */
        const char *field;
    } cases[] = {
        /* 25000 × 30 % = 7500 a year = 625.00 a month: a whole yuan, kept. */
        {"30 %", 2500000, 3000, 62500, NULL},
        /* 25000 × 40 % = 10000 a year = 833.33… a month: up to 834. */
        {"40 %", 2500000, 4000, 83400, NULL},
        /* 25000 × 35 % = 8750 a year = 729.17 a month: up to 730. */
        {"35 %", 2500000, 3500, 73000, NULL},
        {"29.99 % refused", 2500000, 2999, -1, "ratio"},
        {"40.01 % refused", 2500000, 4001, -1, "ratio"},
        {"0 refused", 2500000, 0, -1, "ratio"},
        {"negative ratio refused", 2500000, -3500, -1, "ratio"},
        /* 24000 × 35 % = 8400 a year = 700.00 a month exactly. */
        {"exactly at a yuan", 2400000, 3500, 70000, NULL},
        /* One fen more a year: 700.0003 a month, rounded up to 701. */
        {"one fen over a yuan", 2400001, 3500, 70100, NULL},
        /* One fen less a year: 699.9997 a month, up to 700. */
        {"one fen under a yuan", 2399999, 3500, 70000, NULL},
        /* 1 fen × 30 % / 12: a sliver of a fen is still rounded up to a yuan. */
        {"smallest expenditure", 1, 3000, 100, NULL},
        {"zero expenditure refused", 0, 3500, -1, "consumption_expenditure_annual"},
        {"negative expenditure refused", -100, 3500, -1, "consumption_expenditure_annual"},
        /* 100 million yuan × 40 % / 12 = 3333333.33… → 3333334 yuan. */
        {"largest expenditure", MZ_DIBAO_STANDARD_EXPENDITURE_MAX, 4000, 333333400, NULL},
        {"beyond the largest", MZ_DIBAO_STANDARD_EXPENDITURE_MAX + 1, 4000, -1,
         "consumption_expenditure_annual"},
        {"INT64_MAX", INT64_MAX, 4000, -1, "consumption_expenditure_annual"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mz_dibao_standard s;
        mz_error err;
        mz_error_clear(&err);
        int rc = mz_dibao_standard_propose(cases[i].expenditure_fen, cases[i].ratio_bp, &s, &err);
        if (cases[i].monthly_fen < 0) {
            if (rc != -1)
                fail_msg("%s: accepted", cases[i].what);
            if (err.status != 400 || strcmp(err.code, "invalid_value") != 0 ||
                strcmp(err.field, cases[i].field) != 0)
                fail_msg("%s: %d %s %s", cases[i].what, err.status, err.code, err.field);
            assert_null(s.explanation);
            continue;
        }
        if (rc != 0)
            fail_msg("%s: refused: %s", cases[i].what, err.message);
        if (s.monthly_standard_fen != cases[i].monthly_fen)
            fail_msg("%s: %lld, want %lld", cases[i].what, (long long)s.monthly_standard_fen,
                     (long long)cases[i].monthly_fen);
        assert_int_equal(s.monthly_standard_fen % 100, 0);
        assert_true(json_is_array(s.explanation));
        json_decref(s.explanation);
    }
}

static const char *line(json_t *a, size_t i)
{
    const char *s = json_string_value(json_array_get(a, i));
    if (s == NULL)
        fail_msg("no explanation line %zu", i);
    return s;
}

static void test_explanation(void **state)
{
    (void)state;
    mz_dibao_standard s;
    mz_error err;

    assert_int_equal(mz_dibao_standard_propose(2500000, 3500, &s, &err), 0);
    assert_int_equal(json_array_size(s.explanation), 5);
    assert_string_equal(line(s.explanation, 0), "上年度人均消费支出：25000.00 元/年");
    assert_non_null(strstr(line(s.explanation, 1), "35%"));
    assert_non_null(strstr(line(s.explanation, 1), "30%–40%"));
    assert_string_equal(line(s.explanation, 2), "年保障额 = 25000.00 元 × 35% = 8750.00 元");
    assert_string_equal(line(s.explanation, 3), "月保障额 = 年保障额 ÷ 12 ≈ 729.17 元");
    assert_string_equal(line(s.explanation, 4), "按惯例向上取整到元：低保标准 730 元/人·月");
    json_decref(s.explanation);

    /* A whole yuan needs no rounding, and says so. */
    assert_int_equal(mz_dibao_standard_propose(2400000, 3500, &s, &err), 0);
    assert_string_equal(line(s.explanation, 3), "月保障额 = 年保障额 ÷ 12 = 700.00 元");
    assert_string_equal(line(s.explanation, 4),
                        "月保障额恰为整元，无需取整：低保标准 700 元/人·月");
    json_decref(s.explanation);

    /* 29.99 % is refused with the limits named. */
    assert_int_equal(mz_dibao_standard_propose(2500000, 2999, &s, &err), -1);
    assert_non_null(strstr(err.message, "29.99%"));
    assert_non_null(strstr(err.message, "30%"));
    assert_non_null(strstr(err.message, "40%"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_propose_table),
        cmocka_unit_test(test_explanation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
