/*
 * Bounded integer parsing.  See strnum.h for the contract.  The value is
 * accumulated as a negative number so that INT64_MIN, whose magnitude has no
 * positive int64_t, parses without a special case.
 */
#include "base/strnum.h"

#include <stddef.h>

int mz_strtoi64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (s == NULL || min > max)
        return MZ_STRNUM_EINVAL;
    int neg = (*s == '-');
    const char *p = s + neg;
    const char *digits = p;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p == digits || *p != '\0')
        return MZ_STRNUM_EINVAL;

    int64_t acc = 0;
    for (p = digits; *p != '\0'; p++) {
        if (__builtin_mul_overflow(acc, 10, &acc) || __builtin_sub_overflow(acc, *p - '0', &acc))
            return MZ_STRNUM_ERANGE;
    }
    if (!neg) {
        if (acc == INT64_MIN)
            return MZ_STRNUM_ERANGE;
        acc = -acc;
    }
    if (acc < min || acc > max)
        return MZ_STRNUM_ERANGE;
    *out = acc;
    return MZ_STRNUM_OK;
}
