/*
 * Exact yuan <-> fen conversion and overflow-checked arithmetic.  See
 * money.h for the contract.  Parsing accumulates a negative number so that
 * the most negative amount (INT64_MIN fen) is reachable without a special
 * case, as in strnum.c.
 */
#include "base/money.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int mz_money_parse(const char *s, int64_t *fen)
{
    if (s == NULL)
        return MZ_MONEY_EFORMAT;
    int neg = (*s == '-');
    const char *p = s + neg;
    const char *yuan = p;
    while (is_digit(*p))
        p++;
    const char *yuan_end = p;
    if (yuan_end == yuan)
        return MZ_MONEY_EFORMAT;
    int cents = 0;
    if (*p == '.') {
        p++;
        if (!is_digit(p[0]))
            return MZ_MONEY_EFORMAT;
        cents = (p[0] - '0') * 10;
        p++;
        if (is_digit(p[0])) {
            cents += p[0] - '0';
            p++;
        }
    }
    if (*p != '\0')
        return MZ_MONEY_EFORMAT;

    int64_t acc = 0;
    for (p = yuan; p < yuan_end; p++) {
        if (__builtin_mul_overflow(acc, 10, &acc) || __builtin_sub_overflow(acc, *p - '0', &acc))
            return MZ_MONEY_ERANGE;
    }
    if (__builtin_mul_overflow(acc, 100, &acc) || __builtin_sub_overflow(acc, cents, &acc))
        return MZ_MONEY_ERANGE;
    if (!neg) {
        if (acc == INT64_MIN)
            return MZ_MONEY_ERANGE;
        acc = -acc;
    }
    *fen = acc;
    return MZ_MONEY_OK;
}

void mz_money_format(int64_t fen, char out[32])
{
    /* unsigned negation is defined for INT64_MIN, signed negation is not */
    uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(out, 32, "%s%" PRIu64 ".%02u", fen < 0 ? "-" : "", mag / 100, (unsigned)(mag % 100));
}

int mz_money_add(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return MZ_MONEY_ERANGE;
    *out = r;
    return MZ_MONEY_OK;
}

int mz_money_mul(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r))
        return MZ_MONEY_ERANGE;
    *out = r;
    return MZ_MONEY_OK;
}
