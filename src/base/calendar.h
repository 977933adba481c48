/*
 * The working-day calendar: Monday to Friday are working days, except for
 * China's public holidays, and some Saturdays and Sundays are make-up working
 * days (调休上班).  Case deadlines, 公示 windows and payroll dates are counted
 * in working days through here.  The official days are published by the State
 * Council once a year; data/calendar/cn-holidays.csv holds them (see
 * data/calendar/SOURCE.md) and mz_calendar_covers() tells callers when a date
 * lies in a year for which nothing has been loaded, where only the weekday
 * rule applies and they should warn.
 *
 * A calendar is built once (new, load or set) and then only read, so one
 * calendar may be shared by any number of threads.
 */
#ifndef MZ_BASE_CALENDAR_H
#define MZ_BASE_CALENDAR_H

#include <stddef.h>

/* What a listed day is (the kind column of the CSV file). */
enum {
    MZ_CAL_HOLIDAY = 1, /* "holiday": a day off, whatever its weekday */
    MZ_CAL_WORKDAY = 2, /* "workday": a Saturday or Sunday worked */
};

enum {
    MZ_CAL_OK = 0,
    MZ_CAL_EINVAL = -1,  /* an argument outside its documented domain */
    MZ_CAL_EIO = -2,     /* the file could not be opened or read */
    MZ_CAL_EFORMAT = -3, /* the file does not follow the format */
    MZ_CAL_ERANGE = -4,  /* the answer would lie after 2199-12-31 */
};

typedef struct mz_calendar mz_calendar;

/* An empty calendar (weekday rule only); never NULL.  Free with _free. */
mz_calendar *mz_calendar_new(void);
void mz_calendar_free(mz_calendar *cal); /* NULL is fine */

/*
 * Lists day (a day number, see date.h) as MZ_CAL_HOLIDAY or MZ_CAL_WORKDAY,
 * replacing what was listed for it before, and marks its year as covered.
 * Returns 0, or MZ_CAL_EINVAL when day is outside 1900-2199, kind is neither,
 * or kind is MZ_CAL_WORKDAY on a Monday to Friday; the calendar is then
 * unchanged.
 */
int mz_calendar_set(mz_calendar *cal, int day, int kind);

/*
 * Adds the days listed in a CSV file (UTF-8, LF or CRLF line ends).  The first
 * line is exactly "day,kind,name"; every other line is "YYYY-MM-DD,KIND,NAME"
 * with KIND "holiday" or "workday" and NAME a non-empty holiday name without
 * commas or control characters.  Days must be strictly ascending (so none is
 * listed twice) and every workday must be a Saturday or Sunday.  Returns 0,
 * MZ_CAL_EIO or MZ_CAL_EFORMAT.  On error nothing is added to cal and, when
 * err is not NULL, a message "PATH:LINE: 原因" (or "PATH: 原因") is written to
 * err, truncated to errlen bytes including the NUL.
 */
int mz_calendar_load_csv(mz_calendar *cal, const char *path, char *err, size_t errlen);

/*
 * 1 if day is a working day, else 0: a listed day is what its kind says,
 * any other day is a working day when it is Monday to Friday.
 */
int mz_calendar_is_workday(const mz_calendar *cal, int day);

/*
 * Counts working days forward from from_day (1900-2199) and stores the
 * result in *out_day:
 *   n = 0: from_day itself when it is a working day, else the first working
 *          day after it;
 *   n > 0: the n-th working day strictly after from_day (from_day itself never
 *          counts), so from a Friday n = 1 is the next Monday, and from a
 *          Saturday n = 0 and n = 1 are both the next Monday.
 * Returns 0, MZ_CAL_EINVAL when n < 0 or from_day is outside 1900-2199, or
 * MZ_CAL_ERANGE when the answer would lie after 2199-12-31; on error *out_day
 * is untouched.
 */
int mz_calendar_add_workdays(const mz_calendar *cal, int from_day, int n, int *out_day);

/*
 * The number of working days d with from < d <= to.  When to < from the
 * result is minus the number of working days in (to, from], so that
 * between(a, b) + between(b, c) == between(a, c) always holds.  Any day
 * numbers are fine; the count is exact whenever |to - from| < 2^31.
 */
int mz_calendar_workdays_between(const mz_calendar *cal, int from, int to);

/*
 * 1 if at least one day of year has been listed (by _set or _load_csv), else
 * 0.  Official data lists every year's 元旦, so a loaded year is covered.
 */
int mz_calendar_covers(const mz_calendar *cal, int year);

#endif
