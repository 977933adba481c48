/*
 * Tests for src/base/date.c: strict parsing of dates and months at the
 * edges of the 1900-2199 range and of the Gregorian leap rule, a sweep of
 * every day of the range against the C library's gmtime_r, month arithmetic
 * with clamping to month ends, and ISO timestamps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "base/date.h"

static void test_parse_table(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int rc;
        int days;
    } cases[] = {
        {"1970-01-01", 0, 0},
        {"1969-12-31", 0, -1},
        {"1970-01-02", 0, 1},
        {"1900-01-01", 0, MZ_DATE_MIN},
        {"1900-01-01", 0, -25567},
        {"2199-12-31", 0, MZ_DATE_MAX},
        {"2199-12-31", 0, 84005},
        {"2000-02-29", 0, 11016}, /* divisible by 400: leap */
        {"2024-02-29", 0, 19782},
        {"2025-10-01", 0, 20362},
        {"1900-02-29", MZ_DATE_EINVAL, 0}, /* divisible by 100: not leap */
        {"2100-02-29", MZ_DATE_EINVAL, 0},
        {"2025-02-29", MZ_DATE_EINVAL, 0},
        {"2025-02-28", 0, 20147},
        {"2025-04-31", MZ_DATE_EINVAL, 0},
        {"2025-01-32", MZ_DATE_EINVAL, 0},
        {"2025-01-00", MZ_DATE_EINVAL, 0},
        {"2025-00-10", MZ_DATE_EINVAL, 0},
        {"2025-13-01", MZ_DATE_EINVAL, 0},
        {"1899-12-31", MZ_DATE_ERANGE, 0},
        {"2200-01-01", MZ_DATE_ERANGE, 0},
        {"0000-01-01", MZ_DATE_ERANGE, 0},
        {NULL, MZ_DATE_EFORMAT, 0},
        {"", MZ_DATE_EFORMAT, 0},
        {"2025", MZ_DATE_EFORMAT, 0},
        {"2025-10", MZ_DATE_EFORMAT, 0},
        {"2025-1-01", MZ_DATE_EFORMAT, 0},
        {"2025-01-1", MZ_DATE_EFORMAT, 0},
        {"2025/01/01", MZ_DATE_EFORMAT, 0},
        {"20250101", MZ_DATE_EFORMAT, 0},
        {" 2025-01-01", MZ_DATE_EFORMAT, 0},
        {"2025-01-01 ", MZ_DATE_EFORMAT, 0},
        {"2025-01-01T00:00:00Z", MZ_DATE_EFORMAT, 0},
        {"+025-01-01", MZ_DATE_EFORMAT, 0},
        {"-025-01-01", MZ_DATE_EFORMAT, 0},
        {"2025-01-0a", MZ_DATE_EFORMAT, 0},
        {"2025-+1-01", MZ_DATE_EFORMAT, 0},
        {"12025-01-01", MZ_DATE_EFORMAT, 0},
        {"****-**-**", MZ_DATE_EFORMAT, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int days = 999;
        int rc = mz_date_parse(cases[i].s, &days);
        if (rc != cases[i].rc)
            fail_msg("case %zu \"%s\": got %d, want %d", i, cases[i].s ? cases[i].s : "(null)", rc,
                     cases[i].rc);
        assert_int_equal(days, rc == 0 ? cases[i].days : 999);
    }
}

static void test_from_ymd_table(void **state)
{
    (void)state;
    static const struct {
        int y, m, d, rc;
    } cases[] = {
        {1900, 1, 1, 0},
        {2199, 12, 31, 0},
        {1899, 12, 31, MZ_DATE_ERANGE},
        {2200, 1, 1, MZ_DATE_ERANGE},
        {2024, 2, 29, 0},
        {2023, 2, 29, MZ_DATE_EINVAL},
        {2025, 0, 1, MZ_DATE_EINVAL},
        {2025, 13, 1, MZ_DATE_EINVAL},
        {2025, -1, 1, MZ_DATE_EINVAL},
        {2025, 1, 0, MZ_DATE_EINVAL},
        {2025, 1, -5, MZ_DATE_EINVAL},
        {2025, 6, 31, MZ_DATE_EINVAL},
        {2025, 12, 31, 0},
        {-2147483647 - 1, 1, 1, MZ_DATE_ERANGE},
        {2147483647, 12, 31, MZ_DATE_ERANGE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int days = 4242;
        int rc = mz_date_from_ymd(cases[i].y, cases[i].m, cases[i].d, &days);
        if (rc != cases[i].rc)
            fail_msg("case %zu %d-%d-%d: got %d, want %d", i, cases[i].y, cases[i].m, cases[i].d,
                     rc, cases[i].rc);
        if (rc != 0) {
            assert_int_equal(days, 4242);
            continue;
        }
        int y, m, d;
        mz_date_to_ymd(days, &y, &m, &d);
        assert_int_equal(y, cases[i].y);
        assert_int_equal(m, cases[i].m);
        assert_int_equal(d, cases[i].d);
    }
}

/* Every day of 1900-2199 against gmtime_r, and through format and parse. */
static void test_sweep_against_libc(void **state)
{
    (void)state;
    int prev_weekday = mz_date_weekday(MZ_DATE_MIN - 1);
    for (int days = MZ_DATE_MIN; days <= MZ_DATE_MAX; days++) {
        time_t t = (time_t)days * 86400;
        struct tm tm;
        assert_non_null(gmtime_r(&t, &tm));
        int y, m, d;
        mz_date_to_ymd(days, &y, &m, &d);
        assert_int_equal(y, tm.tm_year + 1900);
        assert_int_equal(m, tm.tm_mon + 1);
        assert_int_equal(d, tm.tm_mday);
        int weekday = mz_date_weekday(days);
        assert_int_equal(weekday, (tm.tm_wday + 6) % 7);
        assert_int_equal(weekday, (prev_weekday + 1) % 7);
        prev_weekday = weekday;

        char text[11], expect[11];
        mz_date_format(days, text);
        strftime(expect, sizeof(expect), "%Y-%m-%d", &tm);
        assert_string_equal(text, expect);
        int back;
        assert_int_equal(mz_date_parse(text, &back), 0);
        assert_int_equal(back, days);
        assert_int_equal(mz_date_from_ymd(y, m, d, &back), 0);
        assert_int_equal(back, days);

        int month = mz_month_of(days);
        assert_int_equal(month, y * 12 + m - 1);
        assert_true(mz_month_first_day(month) <= days);
        assert_true(days < mz_month_first_day(month) + mz_month_days(month));
    }
}

static void test_weekday_and_format_edges(void **state)
{
    (void)state;
    static const struct {
        int days, weekday;
        const char *text;
    } cases[] = {
        {0, 3, "1970-01-01"},                                     /* Thursday */
        {-1, 2, "1969-12-31"},         {-25567, 0, "1900-01-01"}, /* Monday */
        {84005, 1, "2199-12-31"},      {20362, 2, "2025-10-01"},
        {-719162, 0, "0001-01-01"},    {2932896, 4, "9999-12-31"},
        {2932897, 5, "****-**-**"},    {-719163, 6, "0000-12-31"},
        {-719529, 4, "****-**-**"}, /* year -1 */
        {2147483647, 4, "****-**-**"}, {-2147483647 - 1, 1, "****-**-**"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[11];
        memset(text, 'z', sizeof(text));
        mz_date_format(cases[i].days, text);
        assert_string_equal(text, cases[i].text);
        if (mz_date_weekday(cases[i].days) != cases[i].weekday)
            fail_msg("case %zu (%d): weekday %d, want %d", i, cases[i].days,
                     mz_date_weekday(cases[i].days), cases[i].weekday);
    }
}

static void test_today(void **state)
{
    (void)state;
    /* Today in China: UTC+8. */
    long long before = ((long long)time(NULL) + 8 * 3600) / 86400;
    int today = mz_date_today();
    long long after = ((long long)time(NULL) + 8 * 3600) / 86400;
    assert_true(today >= before && today <= after);
    assert_true(today > 20000 && today < MZ_DATE_MAX);
}

static void test_month_parse_table(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int rc;
        int month;
    } cases[] = {
        {"2025-10", 0, 2025 * 12 + 9},    {"2025-01", 0, 2025 * 12},
        {"2025-12", 0, 2025 * 12 + 11},   {"1900-01", 0, MZ_MONTH_MIN},
        {"2199-12", 0, MZ_MONTH_MAX},     {"1899-12", MZ_DATE_ERANGE, 0},
        {"2200-01", MZ_DATE_ERANGE, 0},   {"2025-00", MZ_DATE_EINVAL, 0},
        {"2025-13", MZ_DATE_EINVAL, 0},   {"2025-99", MZ_DATE_EINVAL, 0},
        {NULL, MZ_DATE_EFORMAT, 0},       {"", MZ_DATE_EFORMAT, 0},
        {"2025-1", MZ_DATE_EFORMAT, 0},   {"2025-10-01", MZ_DATE_EFORMAT, 0},
        {"2025-10 ", MZ_DATE_EFORMAT, 0}, {"202510", MZ_DATE_EFORMAT, 0},
        {"2025/10", MZ_DATE_EFORMAT, 0},  {"2025年10月", MZ_DATE_EFORMAT, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int month = -7;
        int rc = mz_month_parse(cases[i].s, &month);
        if (rc != cases[i].rc)
            fail_msg("case %zu \"%s\": got %d, want %d", i, cases[i].s ? cases[i].s : "(null)", rc,
                     cases[i].rc);
        assert_int_equal(month, rc == 0 ? cases[i].month : -7);
        if (rc == 0) {
            char text[8];
            mz_month_format(month, text);
            assert_string_equal(text, cases[i].s);
        }
    }
}

static void test_month_table(void **state)
{
    (void)state;
    static const struct {
        const char *month, *first;
        int ndays;
    } cases[] = {
        {"2025-01", "2025-01-01", 31}, {"2025-02", "2025-02-01", 28}, {"2024-02", "2024-02-01", 29},
        {"2000-02", "2000-02-01", 29}, {"1900-02", "1900-02-01", 28}, {"2100-02", "2100-02-01", 28},
        {"2025-04", "2025-04-01", 30}, {"2025-06", "2025-06-01", 30}, {"2025-09", "2025-09-01", 30},
        {"2025-11", "2025-11-01", 30}, {"2025-12", "2025-12-01", 31}, {"1900-01", "1900-01-01", 31},
        {"2199-12", "2199-12-01", 31},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int month, first;
        assert_int_equal(mz_month_parse(cases[i].month, &month), 0);
        assert_int_equal(mz_date_parse(cases[i].first, &first), 0);
        assert_int_equal(mz_month_first_day(month), first);
        assert_int_equal(mz_month_days(month), cases[i].ndays);
        assert_int_equal(mz_month_of(first), month);
        assert_int_equal(mz_month_of(first + cases[i].ndays - 1), month);
        assert_int_equal(mz_month_of(first - 1), month - 1);
    }
    /* months before year 0 use floor division */
    char text[8];
    mz_month_format(0, text);
    assert_string_equal(text, "0000-01");
    mz_month_format(-1, text);
    assert_string_equal(text, "****-**");
    mz_month_format(9999 * 12 + 11, text);
    assert_string_equal(text, "9999-12");
    mz_month_format(10000 * 12, text);
    assert_string_equal(text, "****-**");
    assert_int_equal(mz_month_days(-1), 31); /* December of year -1 */
    assert_int_equal(mz_month_of(0), 1970 * 12);
}

static void test_add_months_table(void **state)
{
    (void)state;
    static const struct {
        const char *from;
        int n;
        const char *to;
    } cases[] = {
        {"2025-01-31", 1, "2025-02-28"},     {"2024-01-31", 1, "2024-02-29"},
        {"2024-02-29", 12, "2025-02-28"},    {"2024-02-29", 48, "2028-02-29"},
        {"2024-02-29", -12, "2023-02-28"},   {"2025-03-31", -1, "2025-02-28"},
        {"2025-05-31", 1, "2025-06-30"},     {"2025-12-15", 1, "2026-01-15"},
        {"2025-01-15", -1, "2024-12-15"},    {"2025-01-15", 0, "2025-01-15"},
        {"2025-01-31", 0, "2025-01-31"},     {"2025-10-31", -13, "2024-09-30"},
        {"1970-01-01", -1, "1969-12-01"},    {"1900-01-31", 1, "1900-02-28"},
        {"2199-12-31", -3599, "1900-01-31"}, {"1900-01-01", 3599, "2199-12-01"},
        {"2025-08-31", 6, "2026-02-28"},     {"2025-08-31", 18, "2027-02-28"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int from, to;
        assert_int_equal(mz_date_parse(cases[i].from, &from), 0);
        assert_int_equal(mz_date_parse(cases[i].to, &to), 0);
        int got = mz_date_add_months(from, cases[i].n);
        if (got != to) {
            char text[11];
            mz_date_format(got, text);
            fail_msg("case %zu %s %+d: got %s, want %s", i, cases[i].from, cases[i].n, text,
                     cases[i].to);
        }
    }
}

static void test_time_iso(void **state)
{
    (void)state;
    static const struct {
        long long t;
        const char *text;
    } cases[] = {
        {0, "1970-01-01T00:00:00Z"},
        {-1, "1969-12-31T23:59:59Z"},
        {1, "1970-01-01T00:00:01Z"},
        {86399, "1970-01-01T23:59:59Z"},
        {86400, "1970-01-02T00:00:00Z"},
        {-86400, "1969-12-31T00:00:00Z"},
        {-86401, "1969-12-30T23:59:59Z"},
        {1795969981, "2026-11-29T16:33:01Z"},
        {951825600, "2000-02-29T12:00:00Z"},
        {-2208988800LL, "1900-01-01T00:00:00Z"},
        {253402300799LL, "9999-12-31T23:59:59Z"},
        {253402300800LL, "****-**-**T**:**:**Z"},
        {-62167219201LL, "****-**-**T**:**:**Z"}, /* one second before year 0 */
        {INT64_MAX, "****-**-**T**:**:**Z"},
        {INT64_MIN, "****-**-**T**:**:**Z"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[21];
        memset(text, 'z', sizeof(text));
        mz_time_iso((time_t)cases[i].t, text);
        assert_string_equal(text, cases[i].text);
    }
    /* a spread of instants against strftime */
    for (long long t = -2208988800LL; t < 7258118400LL; t += 9876543) {
        time_t tt = (time_t)t;
        struct tm tm;
        char text[21], expect[32];
        assert_non_null(gmtime_r(&tt, &tm));
        strftime(expect, sizeof(expect), "%Y-%m-%dT%H:%M:%SZ", &tm);
        mz_time_iso(tt, text);
        assert_string_equal(text, expect);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_from_ymd_table),
        cmocka_unit_test(test_sweep_against_libc),
        cmocka_unit_test(test_weekday_and_format_edges),
        cmocka_unit_test(test_today),
        cmocka_unit_test(test_month_parse_table),
        cmocka_unit_test(test_month_table),
        cmocka_unit_test(test_add_months_table),
        cmocka_unit_test(test_time_iso),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
