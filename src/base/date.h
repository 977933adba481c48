/*
 * Dates and months as integers.  Inside minzheng a date is a day number
 * (days since 1970-01-01, so 1970-01-01 is 0 and 1969-12-31 is -1) and a
 * month is year*12 + (month-1); ISO text ("2025-10-01", "2025-10") exists only
 * at the edges.  Integers compare, subtract and index arrays directly, which
 * is what benefit periods, payroll months and working-day deadlines need.
 * There are no time zones here: a date is a civil date in China.  mz_date_today()
 * is today in China (UTC+8: a case worker in 宿迁 at 07:00 is already in the new
 * day); mz_time_iso() writes machine timestamps in UTC.
 *
 * Text and calendar values accepted from outside are limited to the years
 * 1900-2199: wide enough for any birth date or benefit period, narrow enough
 * that arithmetic on them can never overflow.
 */
#ifndef MZ_BASE_DATE_H
#define MZ_BASE_DATE_H

#include <time.h>

enum {
    MZ_DATE_OK = 0,
    MZ_DATE_EFORMAT = -1, /* not text of the form YYYY-MM-DD / YYYY-MM */
    MZ_DATE_EINVAL = -2,  /* no such month or day (2025-13, 2025-02-29) */
    MZ_DATE_ERANGE = -3,  /* year outside MZ_DATE_MIN_YEAR..MZ_DATE_MAX_YEAR */
};

#define MZ_DATE_MIN_YEAR 1900
#define MZ_DATE_MAX_YEAR 2199
#define MZ_DATE_MIN (-25567)                      /* 1900-01-01 */
#define MZ_DATE_MAX 84005                         /* 2199-12-31 */
#define MZ_MONTH_MIN (MZ_DATE_MIN_YEAR * 12)      /* 1900-01 */
#define MZ_MONTH_MAX (MZ_DATE_MAX_YEAR * 12 + 11) /* 2199-12 */

/*
 * Parses exactly "YYYY-MM-DD" (ten characters, nothing before or after).
 * Returns 0 and stores the day number in *days, or MZ_DATE_EFORMAT,
 * MZ_DATE_EINVAL or MZ_DATE_ERANGE with *days untouched.  NULL is EFORMAT.
 */
int mz_date_parse(const char *s, int *days);

/*
 * Writes "YYYY-MM-DD".  A day outside the years 0000-9999 has no such text
 * and is written as "****-**-**", which mz_date_parse() rejects.
 */
void mz_date_format(int days, char out[11]);

/*
 * Day number of y-m-d.  Returns 0, MZ_DATE_EINVAL when m or d is not a day
 * of the calendar (February 29 only in leap years), or MZ_DATE_ERANGE when y
 * is outside 1900-2199; on error *days is untouched.
 */
int mz_date_from_ymd(int y, int m, int d, int *days);

/* The civil date of a day number; any int is fine. */
void mz_date_to_ymd(int days, int *y, int *m, int *d);

/* 0 = Monday ... 5 = Saturday, 6 = Sunday; any int is fine. */
int mz_date_weekday(int days);

/* Today's day number in China Standard Time (UTC+8), from time(). */
int mz_date_today(void);

/*
 * Parses exactly "YYYY-MM".  Returns 0 and stores year*12 + month-1 in
 * *month, or MZ_DATE_EFORMAT, MZ_DATE_EINVAL (month 00 or 13..99) or
 * MZ_DATE_ERANGE with *month untouched.
 */
int mz_month_parse(const char *s, int *month);

/* Writes "YYYY-MM"; a year outside 0000-9999 gives "****-**". */
void mz_month_format(int month, char out[8]);

/* The month a day falls in, e.g. 2025-10-31 -> 2025*12 + 9. */
int mz_month_of(int days);

/* Day number of the first day of a month. */
int mz_month_first_day(int month);

/* Number of days in a month: 28, 29, 30 or 31. */
int mz_month_days(int month);

/*
 * The same day n months later (n < 0: earlier).  When that month is shorter
 * the day is clamped to its last day: 2025-01-31 + 1 month = 2025-02-28,
 * 2024-02-29 + 12 months = 2025-02-28.  The result is not range-checked:
 * callers keep days and n so that it stays within the years 1-9999.
 */
int mz_date_add_months(int days, int n);

/*
 * Writes t as UTC ISO 8601 with a Z: "2026-11-29T16:33:01Z" (20 characters
 * and the NUL).  A year outside 0000-9999 gives "****-**-**T**:**:**Z".
 */
void mz_time_iso(time_t t, char out[21]);

#endif
