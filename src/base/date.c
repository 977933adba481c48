/*
 * Day numbers and months.  See date.h for the contract.  The conversions
 * between civil dates and day numbers are Howard Hinnant's days_from_civil
 * and civil_from_days ("chrono-Compatible Low-Level Date Algorithms"), exact
 * for the proleptic Gregorian calendar over any range; they run in long long
 * here so that no int input can make them overflow.
 */
#include "base/date.h"

#include <stddef.h>
#include <string.h>

static long long floor_div(long long a, long long b)
{
    long long q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int is_leap(long long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(long long y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = floor_div(y, 400);
    long long yoe = y - era * 400;
    long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
    z += 719468;
    long long era = floor_div(z, 146097);
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Writes v as exactly n digits, zero-padded; 0 <= v < 10^n. */
static void put_digits(char *p, long long v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/*
 * Writes "YYYY-MM-DD" (len 10), "YYYY-MM" (len 7) or "YYYY-MM-DDThh:mm:ssZ"
 * (len 20, sod = second of the day) and a NUL.  A year outside 0000-9999 has
 * no such text; then every digit becomes '*', which no parser accepts, so a
 * bad value can never pass for a real date.
 */
static void put_iso(char *out, size_t len, long long y, int m, int d, long long sod)
{
    memcpy(out, "0000-00-00T00:00:00Z", len);
    out[len] = '\0';
    if (y < 0 || y > 9999) {
        for (size_t i = 0; i < len; i++)
            out[i] = out[i] == '0' ? '*' : out[i];
        return;
    }
    put_digits(out, y, 4);
    put_digits(out + 5, m, 2);
    if (len >= 10)
        put_digits(out + 8, d, 2);
    if (len >= 20) {
        put_digits(out + 11, sod / 3600, 2);
        put_digits(out + 14, sod / 60 % 60, 2);
        put_digits(out + 17, sod % 60, 2);
    }
}

/* Reads n ASCII digits; -1 if any is not a digit. */
static int read_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Parses "YYYY-MM" at the start of s; the caller checks what follows. */
static int parse_year_month(const char *s, int *y, int *m)
{
    *y = read_digits(s, 4);
    if (*y < 0 || s[4] != '-')
        return MZ_DATE_EFORMAT;
    *m = read_digits(s + 5, 2);
    if (*m < 0)
        return MZ_DATE_EFORMAT;
    return MZ_DATE_OK;
}

int mz_date_from_ymd(int y, int m, int d, int *days)
{
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return MZ_DATE_EINVAL;
    if (y < MZ_DATE_MIN_YEAR || y > MZ_DATE_MAX_YEAR)
        return MZ_DATE_ERANGE;
    *days = (int)days_from_civil(y, m, d);
    return MZ_DATE_OK;
}

void mz_date_to_ymd(int days, int *y, int *m, int *d)
{
    long long yy;
    civil_from_days(days, &yy, m, d);
    *y = (int)yy;
}

int mz_date_parse(const char *s, int *days)
{
    int y, m, d;
    if (s == NULL || parse_year_month(s, &y, &m) != 0 || s[7] != '-')
        return MZ_DATE_EFORMAT;
    d = read_digits(s + 8, 2);
    if (d < 0 || s[10] != '\0')
        return MZ_DATE_EFORMAT;
    return mz_date_from_ymd(y, m, d, days);
}

void mz_date_format(int days, char out[11])
{
    long long y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    put_iso(out, 10, y, m, d, 0);
}

int mz_date_weekday(int days)
{
    /* 1970-01-01, day 0, was a Thursday */
    return (int)((long long)days + 3 - floor_div((long long)days + 3, 7) * 7);
}

int mz_date_today(void)
{
    /* China Standard Time, UTC+8 all year (no daylight saving). */
    return (int)floor_div((long long)time(NULL) + 8 * 3600, 86400);
}

int mz_month_parse(const char *s, int *month)
{
    int y, m;
    if (s == NULL || parse_year_month(s, &y, &m) != 0 || s[7] != '\0')
        return MZ_DATE_EFORMAT;
    if (m < 1 || m > 12)
        return MZ_DATE_EINVAL;
    if (y < MZ_DATE_MIN_YEAR || y > MZ_DATE_MAX_YEAR)
        return MZ_DATE_ERANGE;
    *month = y * 12 + m - 1;
    return MZ_DATE_OK;
}

void mz_month_format(int month, char out[8])
{
    long long y = floor_div(month, 12);
    put_iso(out, 7, y, (int)(month - y * 12 + 1), 1, 0);
}

int mz_month_of(int days)
{
    long long y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    return (int)(y * 12 + m - 1);
}

int mz_month_first_day(int month)
{
    long long y = floor_div(month, 12);
    return (int)days_from_civil(y, (int)(month - y * 12 + 1), 1);
}

int mz_month_days(int month)
{
    long long y = floor_div(month, 12);
    return days_in_month(y, (int)(month - y * 12 + 1));
}

int mz_date_add_months(int days, int n)
{
    long long y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    long long total = y * 12 + (m - 1) + n;
    long long ny = floor_div(total, 12);
    int nm = (int)(total - ny * 12 + 1);
    int last = days_in_month(ny, nm);
    return (int)days_from_civil(ny, nm, d < last ? d : last);
}

void mz_time_iso(time_t t, char out[21])
{
    /* remainder first: days * 86400 could overflow for extreme t */
    long long secs = (long long)t;
    long long days = secs / 86400, sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        days--;
    }
    long long y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    put_iso(out, 20, y, m, d, sod);
}
