/*
 * The working-day calendar.  See calendar.h for the contract.
 *
 * Only the exceptions to the weekday rule are stored: a sorted array of
 * listed days, a few dozen a year.  A lookup is a binary search, and counting
 * working days over any span is arithmetic (weekdays in the span, by formula)
 * plus a walk over the listed days inside it, so neither depends on the
 * length of the span.
 */
#include "base/calendar.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/mem.h"
#include "base/utf8.h"

#define YEARS (MZ_DATE_MAX_YEAR - MZ_DATE_MIN_YEAR + 1)
#define LINE_MAX_BYTES 256

struct listed {
    int day;
    int kind;
};

struct mz_calendar {
    struct listed *v; /* sorted by day, each day once */
    size_t n, cap;
    unsigned char covered[YEARS]; /* indexed by year - MZ_DATE_MIN_YEAR */
};

static int is_weekend(int day)
{
    return mz_date_weekday(day) >= 5;
}

/* How a listed day changes the weekday rule's count: -1, 0 or +1. */
static int effect(const struct listed *e)
{
    if (e->kind == MZ_CAL_HOLIDAY)
        return is_weekend(e->day) ? 0 : -1;
    return 1; /* _set admits workdays on weekends only */
}

/* Index of the first listed day >= day (cal->n if none). */
static size_t lower_bound(const mz_calendar *cal, int day)
{
    size_t lo = 0, hi = cal->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->v[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/*
 * Number of Monday-to-Friday days from the Monday 1969-12-29 (day -3) up to
 * and including day; a cumulative count, negative before that Monday, whose
 * differences count weekdays in a half-open span.
 */
static long long weekdays_upto(int day)
{
    long long len = (long long)day + 4;                  /* days in [-3, day] */
    long long rest = (mz_date_weekday(day) + 1) % 7;     /* days after the last whole week */
    return (len - rest) / 7 * 5 + (rest < 5 ? rest : 5); /* len - rest is a multiple of 7 */
}

mz_calendar *mz_calendar_new(void)
{
    return mz_calloc(1, sizeof(mz_calendar));
}

void mz_calendar_free(mz_calendar *cal)
{
    if (cal == NULL)
        return;
    mz_free(cal->v);
    mz_free(cal);
}

static int check_listing(int day, int kind)
{
    if (day < MZ_DATE_MIN || day > MZ_DATE_MAX)
        return MZ_CAL_EINVAL;
    if (kind != MZ_CAL_HOLIDAY && kind != MZ_CAL_WORKDAY)
        return MZ_CAL_EINVAL;
    if (kind == MZ_CAL_WORKDAY && !is_weekend(day))
        return MZ_CAL_EINVAL;
    return MZ_CAL_OK;
}

int mz_calendar_set(mz_calendar *cal, int day, int kind)
{
    int rc = check_listing(day, kind);
    if (rc != MZ_CAL_OK)
        return rc;
    size_t i = lower_bound(cal, day);
    if (i == cal->n || cal->v[i].day != day) {
        if (cal->n == cal->cap) {
            cal->cap = cal->cap ? cal->cap * 2 : 64;
            cal->v = mz_realloc(cal->v, cal->cap * sizeof(*cal->v));
        }
        memmove(cal->v + i + 1, cal->v + i, (cal->n - i) * sizeof(*cal->v));
        cal->n++;
        cal->v[i].day = day;
    }
    cal->v[i].kind = kind;
    int y, m, d;
    mz_date_to_ymd(day, &y, &m, &d);
    cal->covered[y - MZ_DATE_MIN_YEAR] = 1;
    return MZ_CAL_OK;
}

static void report(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/*
 * Parses one data line (without its line end) into *e.  Returns NULL, or the
 * reason it is not a valid line.
 */
static const char *parse_line(char *line, int prev_day, struct listed *e)
{
    char *kind = strchr(line, ',');
    char *name = kind ? strchr(kind + 1, ',') : NULL;
    if (name == NULL || strchr(name + 1, ',') != NULL)
        return "应为 日期,类别,名称 三列";
    *kind++ = '\0';
    *name++ = '\0';

    int rc = mz_date_parse(line, &e->day);
    if (rc == MZ_DATE_EFORMAT)
        return "日期应为 YYYY-MM-DD";
    if (rc == MZ_DATE_EINVAL)
        return "日期不存在";
    if (rc != MZ_DATE_OK)
        return "日期超出 1900-2199 年";
    if (e->day <= prev_day)
        return "日期应严格递增（重复或未排序）";

    if (strcmp(kind, "holiday") == 0)
        e->kind = MZ_CAL_HOLIDAY;
    else if (strcmp(kind, "workday") == 0)
        e->kind = MZ_CAL_WORKDAY;
    else
        return "类别应为 holiday 或 workday";
    if (e->kind == MZ_CAL_WORKDAY && !is_weekend(e->day))
        return "workday 只能是周六或周日";

    if (*name == '\0')
        return "名称为空";
    if (!mz_utf8_valid(name, strlen(name)) || mz_utf8_has_control(name))
        return "名称不是有效的 UTF-8 文本或含有控制字符";
    return NULL;
}

/*
 * Reads one line into buf and strips its LF or CRLF.  Returns 1 for a line,
 * 0 at end of file, -1 on a read error, -2 for a line that does not fit.
 */
static int read_line(FILE *f, char *buf, size_t size)
{
    if (fgets(buf, (int)size, f) == NULL)
        return ferror(f) ? -1 : 0;
    size_t len = strlen(buf);
    if (len > 0 && buf[len - 1] == '\n')
        buf[--len] = '\0';
    else if (!feof(f))
        return -2;
    if (len > 0 && buf[len - 1] == '\r')
        buf[--len] = '\0';
    return 1;
}

int mz_calendar_load_csv(mz_calendar *cal, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        report(err, errlen, "%s: 无法打开节假日文件", path);
        return MZ_CAL_EIO;
    }
    struct listed *rows = NULL;
    size_t n = 0, cap = 0;
    int rc = MZ_CAL_EFORMAT;
    int lineno = 0;
    char line[LINE_MAX_BYTES];

    for (;;) {
        int got = read_line(f, line, sizeof(line));
        if (got == 0)
            break;
        lineno++;
        if (got == -1) {
            report(err, errlen, "%s:%d: 读取失败", path, lineno);
            rc = MZ_CAL_EIO;
            goto fail;
        }
        if (got == -2) {
            report(err, errlen, "%s:%d: 行过长或含有 NUL 字符", path, lineno);
            goto fail;
        }
        if (lineno == 1) {
            if (strcmp(line, "day,kind,name") != 0) {
                report(err, errlen, "%s:1: 表头应为 day,kind,name", path);
                goto fail;
            }
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            rows = mz_realloc(rows, cap * sizeof(*rows));
        }
        const char *why = parse_line(line, n ? rows[n - 1].day : MZ_DATE_MIN - 1, &rows[n]);
        if (why != NULL) {
            report(err, errlen, "%s:%d: %s", path, lineno, why);
            goto fail;
        }
        n++;
    }
    if (lineno == 0) {
        report(err, errlen, "%s: 文件为空，缺少表头 day,kind,name", path);
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        mz_calendar_set(cal, rows[i].day, rows[i].kind);
    rc = MZ_CAL_OK;
fail:
    mz_free(rows);
    fclose(f);
    return rc;
}

int mz_calendar_is_workday(const mz_calendar *cal, int day)
{
    size_t i = lower_bound(cal, day);
    if (i < cal->n && cal->v[i].day == day)
        return cal->v[i].kind == MZ_CAL_WORKDAY;
    return !is_weekend(day);
}

int mz_calendar_add_workdays(const mz_calendar *cal, int from_day, int n, int *out_day)
{
    if (n < 0 || from_day < MZ_DATE_MIN || from_day > MZ_DATE_MAX)
        return MZ_CAL_EINVAL;
    /* walk day by day, keeping i at the first listed day >= day */
    int day = n == 0 ? from_day : from_day + 1;
    size_t i = lower_bound(cal, day);
    int left = n == 0 ? 1 : n;
    for (;; day++) {
        if (day > MZ_DATE_MAX)
            return MZ_CAL_ERANGE;
        while (i < cal->n && cal->v[i].day < day)
            i++;
        int work = (i < cal->n && cal->v[i].day == day) ? cal->v[i].kind == MZ_CAL_WORKDAY
                                                        : !is_weekend(day);
        if (work && --left == 0)
            break;
    }
    *out_day = day;
    return MZ_CAL_OK;
}

int mz_calendar_workdays_between(const mz_calendar *cal, int from, int to)
{
    if (to < from)
        return -mz_calendar_workdays_between(cal, to, from);
    if (to == from)
        return 0;
    long long count = weekdays_upto(to) - weekdays_upto(from);
    for (size_t i = lower_bound(cal, from + 1); i < cal->n && cal->v[i].day <= to; i++)
        count += effect(&cal->v[i]);
    return (int)count;
}

int mz_calendar_covers(const mz_calendar *cal, int year)
{
    if (year < MZ_DATE_MIN_YEAR || year > MZ_DATE_MAX_YEAR)
        return 0;
    return cal->covered[year - MZ_DATE_MIN_YEAR];
}
