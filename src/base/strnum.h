/*
 * Bounded integer parsing in the manner of OpenBSD's strtonum(3): every number
 * that comes from outside (query strings, form fields, CSV cells, config) is
 * read through here, so that a range check can never be forgotten and junk
 * such as " 12", "12abc" or "+12" never slips through as a number.
 */
#ifndef MZ_BASE_STRNUM_H
#define MZ_BASE_STRNUM_H

#include <stdint.h>

enum {
    MZ_STRNUM_OK = 0,
    MZ_STRNUM_EINVAL = -1, /* not a decimal integer, or min > max */
    MZ_STRNUM_ERANGE = -2, /* a decimal integer outside [min, max] */
};

/*
 * Parses s as a whole: an optional '-' followed by one or more ASCII digits,
 * nothing else (no whitespace, no '+', no hex).  Leading zeros are allowed.
 * Returns 0 and stores the value in *out when it lies in [min, max];
 * otherwise returns MZ_STRNUM_EINVAL (also for s == NULL) or MZ_STRNUM_ERANGE
 * (also for values beyond int64_t) and leaves *out untouched.
 */
int mz_strtoi64(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
