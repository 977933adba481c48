/*
 * Tests for src/base/calendar.c against data/calendar/cn-holidays.csv
 * (National Day 2025 with its make-up Sundays and Saturdays, Spring Festival
 * 2024, the COVID-extended Spring Festival 2020, yearly totals), the weekday
 * rule without data, counting across holidays in both directions, and the
 * strict CSV loader's errors with their line numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/calendar.h"
#include "base/date.h"

static int day_of(const char *s)
{
    int days;
    if (mz_date_parse(s, &days) != 0)
        fail_msg("bad date in test: %s", s);
    return days;
}

static int setup_official(void **state)
{
    const char *dir = getenv("MZ_DATA_DIR");
    if (dir == NULL) {
        fprintf(stderr, "MZ_DATA_DIR is not set\n");
        return -1;
    }
    char path[4096], err[512];
    snprintf(path, sizeof(path), "%s/calendar/cn-holidays.csv", dir);
    mz_calendar *cal = mz_calendar_new();
    if (mz_calendar_load_csv(cal, path, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        mz_calendar_free(cal);
        return -1;
    }
    *state = cal;
    return 0;
}

static int teardown_official(void **state)
{
    mz_calendar_free(*state);
    return 0;
}

static void test_is_workday_table(void **state)
{
    const mz_calendar *cal = *state;
    static const struct {
        const char *day;
        int work;
    } cases[] = {
        /* National Day and Mid-Autumn 2025: Oct 1-8 off, Sep 28 (Sun) and Oct 11 (Sat) on */
        {"2025-09-26", 1},
        {"2025-09-27", 0},
        {"2025-09-28", 1},
        {"2025-09-29", 1},
        {"2025-09-30", 1},
        {"2025-10-01", 0},
        {"2025-10-02", 0},
        {"2025-10-03", 0},
        {"2025-10-04", 0},
        {"2025-10-05", 0},
        {"2025-10-06", 0},
        {"2025-10-07", 0},
        {"2025-10-08", 0},
        {"2025-10-09", 1},
        {"2025-10-10", 1},
        {"2025-10-11", 1},
        {"2025-10-12", 0},
        {"2025-10-13", 1},
        /* Spring Festival 2024: Feb 10-17 off, Feb 4 (Sun) and Feb 18 (Sun) on */
        {"2024-02-03", 0},
        {"2024-02-04", 1},
        {"2024-02-09", 1},
        {"2024-02-10", 0},
        {"2024-02-12", 0},
        {"2024-02-16", 0},
        {"2024-02-17", 0},
        {"2024-02-18", 1},
        {"2024-02-19", 1},
        /* Spring Festival 2020, extended to Feb 2 (the Feb 1 make-up day was cancelled) */
        {"2020-01-19", 1},
        {"2020-01-23", 1},
        {"2020-01-24", 0},
        {"2020-01-30", 0},
        {"2020-01-31", 0},
        {"2020-02-01", 0},
        {"2020-02-02", 0},
        {"2020-02-03", 1},
        /* 元旦 and plain days */
        {"2025-01-01", 0},
        {"2025-01-02", 1},
        {"2026-01-01", 0},
        {"2026-01-02", 0},
        {"2026-01-03", 0},
        {"2026-01-04", 1},
        {"2025-11-15", 0},
        {"2025-11-17", 1},
        /* years without data: the weekday rule alone */
        {"2019-10-01", 1},
        {"2027-10-01", 1},
        {"2027-10-02", 0},
        {"1900-01-01", 1},
        {"2199-12-31", 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (mz_calendar_is_workday(cal, day_of(cases[i].day)) != cases[i].work)
            fail_msg("case %zu %s: want %d", i, cases[i].day, cases[i].work);
    }
}

static void test_add_workdays_table(void **state)
{
    const mz_calendar *cal = *state;
    static const struct {
        const char *from;
        int n;
        const char *to;
    } cases[] = {
        {"2025-09-30", 0, "2025-09-30"}, /* a working day itself */
        {"2025-09-30", 1, "2025-10-09"}, /* across National Day */
        {"2025-10-01", 0, "2025-10-09"},
        {"2025-10-01", 1, "2025-10-09"},
        {"2025-10-08", 1, "2025-10-09"},
        {"2025-10-09", 1, "2025-10-10"},
        {"2025-10-09", 2, "2025-10-11"}, /* the make-up Saturday counts */
        {"2025-10-09", 3, "2025-10-13"},
        {"2025-09-26", 1, "2025-09-28"},
        {"2025-09-27", 0, "2025-09-28"},
        {"2025-09-26", 5, "2025-10-10"},
        {"2025-09-26", 15, "2025-10-23"},
        {"2024-02-08", 1, "2024-02-09"},
        {"2024-02-09", 1, "2024-02-18"},
        {"2024-02-09", 2, "2024-02-19"},
        {"2024-02-10", 0, "2024-02-18"},
        {"2020-01-23", 1, "2020-02-03"},
        {"2025-11-14", 1, "2025-11-17"}, /* Friday + 1 = Monday */
        {"2025-11-15", 0, "2025-11-17"}, /* Saturday: n = 0 and n = 1 agree */
        {"2025-11-15", 1, "2025-11-17"},
        {"2025-11-14", 0, "2025-11-14"},
        {"2025-12-31", 1, "2026-01-04"}, /* Jan 1-3 off, Jan 4 (Sun) worked */
        {"2025-12-31", 0, "2025-12-31"},
        {"2026-12-31", 1, "2027-01-01"}, /* beyond the data: weekday rule */
        {"1900-01-01", 0, "1900-01-01"},
        {"2199-12-30", 1, "2199-12-31"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int out = -1;
        int rc = mz_calendar_add_workdays(cal, day_of(cases[i].from), cases[i].n, &out);
        if (rc != 0 || out != day_of(cases[i].to)) {
            char text[11];
            mz_date_format(out, text);
            fail_msg("case %zu %s + %d: rc %d, got %s, want %s", i, cases[i].from, cases[i].n, rc,
                     text, cases[i].to);
        }
    }
}

static void test_add_workdays_errors(void **state)
{
    const mz_calendar *cal = *state;
    int out = 12345;
    assert_int_equal(mz_calendar_add_workdays(cal, day_of("2025-01-01"), -1, &out), MZ_CAL_EINVAL);
    assert_int_equal(mz_calendar_add_workdays(cal, MZ_DATE_MIN - 1, 0, &out), MZ_CAL_EINVAL);
    assert_int_equal(mz_calendar_add_workdays(cal, MZ_DATE_MAX + 1, 0, &out), MZ_CAL_EINVAL);
    /* 2199-12-31 is a Tuesday and the last day there is */
    assert_int_equal(mz_calendar_add_workdays(cal, MZ_DATE_MAX, 1, &out), MZ_CAL_ERANGE);
    assert_int_equal(mz_calendar_add_workdays(cal, MZ_DATE_MIN, 2147483647, &out), MZ_CAL_ERANGE);
    assert_int_equal(out, 12345);
    assert_int_equal(mz_calendar_add_workdays(cal, MZ_DATE_MAX, 0, &out), 0);
    assert_int_equal(out, MZ_DATE_MAX);
}

static void test_between_table(void **state)
{
    const mz_calendar *cal = *state;
    static const struct {
        const char *from, *to;
        int n;
    } cases[] = {
        {"2025-09-30", "2025-10-09", 1},   {"2025-09-30", "2025-10-08", 0},
        {"2025-09-26", "2025-10-12", 6},   {"2025-09-30", "2025-09-30", 0},
        {"2025-10-09", "2025-09-30", -1},  {"2025-10-12", "2025-09-26", -6},
        {"2024-02-09", "2024-02-18", 1},   {"2024-02-03", "2024-02-19", 8},
        {"2024-12-31", "2025-12-31", 248}, {"2023-12-31", "2024-12-31", 251},
        {"2019-12-31", "2020-12-31", 249}, {"2020-12-31", "2021-12-31", 250},
        {"2021-12-31", "2022-12-31", 249}, {"2022-12-31", "2023-12-31", 249},
        {"2025-12-31", "2026-12-31", 248}, {"2026-12-31", "2027-12-31", 261},
        {"2018-12-31", "2019-12-31", 261},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int n = mz_calendar_workdays_between(cal, day_of(cases[i].from), day_of(cases[i].to));
        if (n != cases[i].n)
            fail_msg("case %zu (%s, %s]: got %d, want %d", i, cases[i].from, cases[i].to, n,
                     cases[i].n);
    }
    /* the whole range: 78267 weekdays, 83 fewer by the data */
    assert_int_equal(mz_calendar_workdays_between(cal, MZ_DATE_MIN - 1, MZ_DATE_MAX), 78184);
    /* extreme day numbers do not overflow */
    assert_int_equal(mz_calendar_workdays_between(cal, 2147483647, 2147483647), 0);
    assert_int_equal(mz_calendar_workdays_between(cal, -2147483647 - 1, -2147483647 - 1), 0);
    assert_int_equal(mz_calendar_workdays_between(cal, 2147483640, 2147483647), 5);
}

/* The counting formula against a day-by-day walk, and add against between. */
static void test_between_matches_walk(void **state)
{
    const mz_calendar *cal = *state;
    int start = day_of("2019-11-01"), end = day_of("2027-02-01");
    for (int from = start; from < end; from += 13) {
        int walk = 0;
        for (int to = from; to < from + 120; to++) {
            if (to > from)
                walk += mz_calendar_is_workday(cal, to);
            assert_int_equal(mz_calendar_workdays_between(cal, from, to), walk);
            assert_int_equal(mz_calendar_workdays_between(cal, to, from), -walk);
        }
        for (int n = 1; n < 40; n++) {
            int out;
            assert_int_equal(mz_calendar_add_workdays(cal, from, n, &out), 0);
            assert_true(mz_calendar_is_workday(cal, out));
            assert_int_equal(mz_calendar_workdays_between(cal, from, out), n);
        }
    }
}

static void test_covers(void **state)
{
    const mz_calendar *cal = *state;
    for (int y = 2020; y <= 2026; y++)
        assert_int_equal(mz_calendar_covers(cal, y), 1);
    assert_int_equal(mz_calendar_covers(cal, 2019), 0);
    assert_int_equal(mz_calendar_covers(cal, 2027), 0);
    assert_int_equal(mz_calendar_covers(cal, 1899), 0);
    assert_int_equal(mz_calendar_covers(cal, 2200), 0);
    assert_int_equal(mz_calendar_covers(cal, -2147483647 - 1), 0);
}

static void test_set(void **state)
{
    (void)state;
    mz_calendar *cal = mz_calendar_new();
    int sat = day_of("2027-10-09"), mon = day_of("2027-10-04");
    assert_int_equal(mz_calendar_covers(cal, 2027), 0);
    assert_int_equal(mz_calendar_is_workday(cal, sat), 0);
    assert_int_equal(mz_calendar_is_workday(cal, mon), 1);

    assert_int_equal(mz_calendar_set(cal, mon, MZ_CAL_HOLIDAY), 0);
    assert_int_equal(mz_calendar_set(cal, sat, MZ_CAL_WORKDAY), 0);
    assert_int_equal(mz_calendar_covers(cal, 2027), 1);
    assert_int_equal(mz_calendar_is_workday(cal, sat), 1);
    assert_int_equal(mz_calendar_is_workday(cal, mon), 0);
    assert_int_equal(mz_calendar_workdays_between(cal, mon - 1, sat), 5); /* Tue-Fri, Sat */

    /* replacing; a holiday on a weekend day is allowed and changes nothing */
    assert_int_equal(mz_calendar_set(cal, sat, MZ_CAL_HOLIDAY), 0);
    assert_int_equal(mz_calendar_is_workday(cal, sat), 0);
    assert_int_equal(mz_calendar_workdays_between(cal, mon - 1, sat), 4);

    /* rejected: the calendar stays as it was */
    assert_int_equal(mz_calendar_set(cal, mon, MZ_CAL_WORKDAY), MZ_CAL_EINVAL);
    assert_int_equal(mz_calendar_set(cal, mon, 0), MZ_CAL_EINVAL);
    assert_int_equal(mz_calendar_set(cal, mon, 3), MZ_CAL_EINVAL);
    assert_int_equal(mz_calendar_set(cal, MZ_DATE_MIN - 1, MZ_CAL_HOLIDAY), MZ_CAL_EINVAL);
    assert_int_equal(mz_calendar_set(cal, MZ_DATE_MAX + 1, MZ_CAL_HOLIDAY), MZ_CAL_EINVAL);
    assert_int_equal(mz_calendar_is_workday(cal, mon), 0);
    assert_int_equal(mz_calendar_set(cal, MZ_DATE_MIN, MZ_CAL_HOLIDAY), 0);
    assert_int_equal(mz_calendar_set(cal, MZ_DATE_MAX, MZ_CAL_HOLIDAY), 0);
    assert_int_equal(mz_calendar_covers(cal, 1900), 1);
    assert_int_equal(mz_calendar_covers(cal, 2199), 1);

    /* many days out of order stay sorted */
    for (int d = day_of("2030-12-31"); d >= day_of("2030-01-01"); d -= 3)
        assert_int_equal(mz_calendar_set(cal, d, MZ_CAL_HOLIDAY), 0);
    for (int d = day_of("2030-01-01"); d <= day_of("2030-12-31"); d++)
        assert_int_equal(mz_calendar_is_workday(cal, d),
                         (day_of("2030-12-31") - d) % 3 != 0 && mz_date_weekday(d) < 5);

    mz_calendar_free(cal);
    mz_calendar_free(NULL);
}

/* Writes text to a fresh temporary file; its path goes to path. */
static void write_temp(char path[64], const char *text)
{
    snprintf(path, 64, "/tmp/mz-test-calendar-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void test_load_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        const char *where; /* expected in the message */
    } cases[] = {
        {"day,kind,name\n2027-01-01,holiday,元旦\n", 0, NULL},
        {"day,kind,name\r\n2027-01-01,holiday,元旦\r\n", 0, NULL},
        {"day,kind,name\n2027-01-01,holiday,元旦", 0, NULL}, /* no final LF */
        {"day,kind,name\n", 0, NULL},
        {"", MZ_CAL_EFORMAT, ": "},
        {"date,kind,name\n2027-01-01,holiday,元旦\n", MZ_CAL_EFORMAT, ":1: "},
        {"\xef\xbb\xbf"
         "day,kind,name\n",
         MZ_CAL_EFORMAT, ":1: "},
        {"day,kind,name\n2027-01-01,holiday\n", MZ_CAL_EFORMAT, ":2: "},
        {"day,kind,name\n2027-01-01,holiday,元旦,x\n", MZ_CAL_EFORMAT, ":2: "},
        {"day,kind,name\n2027-01-01,holiday,元旦\n\n", MZ_CAL_EFORMAT, ":3: "},
        {"day,kind,name\n2027-01-01,holiday,元旦\n2027-1-2,holiday,元旦\n", MZ_CAL_EFORMAT, ":3: "},
        {"day,kind,name\n2027-02-29,holiday,x\n", MZ_CAL_EFORMAT, ":2: "},
        {"day,kind,name\n2200-01-01,holiday,x\n", MZ_CAL_EFORMAT, ":2: "},
        {"day,kind,name\n2027-01-01,Holiday,元旦\n", MZ_CAL_EFORMAT, ":2: "},
        {"day,kind,name\n2027-01-01,,元旦\n", MZ_CAL_EFORMAT, ":2: "},
        {"day,kind,name\n2027-01-01,holiday,\n", MZ_CAL_EFORMAT, ":2: "},
        {"day,kind,name\n2027-01-01,holiday,\x01\n", MZ_CAL_EFORMAT, ":2: "},
        {"day,kind,name\n2027-01-01,holiday,\xe5\xae\n", MZ_CAL_EFORMAT, ":2: "},
        {"day,kind,name\n2027-01-01, holiday,元旦\n", MZ_CAL_EFORMAT, ":2: "},
        {"day,kind,name\n2027-01-04,workday,x\n", MZ_CAL_EFORMAT, ":2: "}, /* a Monday */
        {"day,kind,name\n2027-01-02,holiday,a\n2027-01-01,holiday,b\n", MZ_CAL_EFORMAT, ":3: "},
        {"day,kind,name\n2027-01-01,holiday,a\n2027-01-01,holiday,b\n", MZ_CAL_EFORMAT, ":3: "},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[64], err[512] = "";
        write_temp(path, cases[i].text);
        mz_calendar *cal = mz_calendar_new();
        int rc = mz_calendar_load_csv(cal, path, err, sizeof(err));
        if (rc != cases[i].rc)
            fail_msg("case %zu: got %d, want %d (%s)", i, rc, cases[i].rc, err);
        if (rc != 0) {
            char want[128];
            snprintf(want, sizeof(want), "%s%s", path, cases[i].where);
            if (strncmp(err, want, strlen(want)) != 0)
                fail_msg("case %zu: message \"%s\" does not start with \"%s\"", i, err, want);
            /* nothing was added, not even the good lines before the bad one */
            assert_int_equal(mz_calendar_covers(cal, 2027), 0);
            assert_int_equal(mz_calendar_is_workday(cal, day_of("2027-01-01")), 1);
            /* err may be NULL */
            assert_int_equal(mz_calendar_load_csv(cal, path, NULL, 0), rc);
        } else if (strstr(cases[i].text, "2027") != NULL) {
            assert_int_equal(mz_calendar_covers(cal, 2027), 1);
            assert_int_equal(mz_calendar_is_workday(cal, day_of("2027-01-01")), 0);
        }
        mz_calendar_free(cal);
        unlink(path);
    }
}

static void test_load_long_line_and_missing_file(void **state)
{
    (void)state;
    char text[1024], path[64], err[512];
    snprintf(text, sizeof(text), "day,kind,name\n2027-01-01,holiday,%0600d\n", 0);
    write_temp(path, text);
    mz_calendar *cal = mz_calendar_new();
    assert_int_equal(mz_calendar_load_csv(cal, path, err, sizeof(err)), MZ_CAL_EFORMAT);
    assert_non_null(strstr(err, ":2: "));
    unlink(path);

    assert_int_equal(mz_calendar_load_csv(cal, "/nonexistent/cn-holidays.csv", err, sizeof(err)),
                     MZ_CAL_EIO);
    assert_non_null(strstr(err, "/nonexistent/cn-holidays.csv"));

    /* a tiny err buffer is truncated, never overrun */
    char tiny[8];
    memset(tiny, 'z', sizeof(tiny));
    assert_int_equal(mz_calendar_load_csv(cal, "/nonexistent/x.csv", tiny, 5), MZ_CAL_EIO);
    assert_int_equal(tiny[4], '\0');
    assert_int_equal(tiny[5], 'z');
    mz_calendar_free(cal);
}

int main(void)
{
    const struct CMUnitTest official[] = {
        cmocka_unit_test(test_is_workday_table),     cmocka_unit_test(test_add_workdays_table),
        cmocka_unit_test(test_add_workdays_errors),  cmocka_unit_test(test_between_table),
        cmocka_unit_test(test_between_matches_walk), cmocka_unit_test(test_covers),
    };
    const struct CMUnitTest standalone[] = {
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_load_long_line_and_missing_file),
    };
    int failed =
        cmocka_run_group_tests_name("official", official, setup_official, teardown_official);
    failed += cmocka_run_group_tests_name("standalone", standalone, NULL, NULL);
    return failed;
}
