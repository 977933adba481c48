/*
 * Exact decimal <-> basis points.  See ratio.h for the contract.  Formatting
 * works on the unsigned magnitude so that INT64_MIN needs no special case.
 */
#include "base/ratio.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int mz_ratio_parse(const char *s, int64_t *bp)
{
    if (s == NULL)
        return MZ_RATIO_EFORMAT;
    const char *p = s;
    while (is_digit(*p))
        p++;
    const char *whole_end = p;
    if (whole_end == s)
        return MZ_RATIO_EFORMAT;
    int64_t frac = 0;
    if (*p == '.') {
        p++;
        int n = 0;
        while (is_digit(p[n]) && n < 5)
            n++;
        if (n == 0 || n > 4)
            return MZ_RATIO_EFORMAT;
        for (int i = 0; i < 4; i++)
            frac = frac * 10 + (i < n ? p[i] - '0' : 0);
        p += n;
    }
    if (*p != '\0')
        return MZ_RATIO_EFORMAT;

    int64_t acc = 0;
    for (p = s; p < whole_end; p++)
        if (__builtin_mul_overflow(acc, 10, &acc) || __builtin_add_overflow(acc, *p - '0', &acc))
            return MZ_RATIO_ERANGE;
    if (__builtin_mul_overflow(acc, MZ_RATIO_ONE, &acc) || __builtin_add_overflow(acc, frac, &acc))
        return MZ_RATIO_ERANGE;
    *bp = acc;
    return MZ_RATIO_OK;
}

/* mag / 10^decimals with the trailing zeros of the fraction dropped. */
static void format_scaled(int neg, uint64_t mag, uint64_t scale, int decimals, char out[32])
{
    char frac[8];
    snprintf(out, 32, "%s%" PRIu64, neg ? "-" : "", mag / scale);
    if (mag % scale == 0)
        return;
    snprintf(frac, sizeof frac, "%0*" PRIu64, decimals, mag % scale);
    for (size_t n = strlen(frac); n > 0 && frac[n - 1] == '0'; n--)
        frac[n - 1] = '\0';
    size_t len = strlen(out);
    snprintf(out + len, 32 - len, ".%s", frac);
}

void mz_ratio_format(int64_t bp, char out[32])
{
    uint64_t mag = bp < 0 ? (uint64_t)0 - (uint64_t)bp : (uint64_t)bp;
    format_scaled(bp < 0, mag, MZ_RATIO_ONE, 4, out);
}

void mz_ratio_format_percent(int64_t bp, char out[32])
{
    uint64_t mag = bp < 0 ? (uint64_t)0 - (uint64_t)bp : (uint64_t)bp;
    format_scaled(bp < 0, mag, 100, 2, out);
}
