/*
 * Money: amounts are int64_t fen (分, 1/100 yuan) everywhere inside
 * minzheng; yuan text ("610.50") exists only at the edges (forms, CSV, JSON,
 * bank files).  Parsing is exact decimal, never through double, and every
 * arithmetic step that could overflow is checked, because a wrapped amount
 * would be a wrong payment.
 */
#ifndef MZ_BASE_MONEY_H
#define MZ_BASE_MONEY_H

#include <stdint.h>

enum {
    MZ_MONEY_OK = 0,
    MZ_MONEY_EFORMAT = -1, /* not yuan text of the accepted form */
    MZ_MONEY_ERANGE = -2,  /* the result does not fit in int64_t fen */
};

/*
 * Parses yuan text exactly: an optional '-', one or more digits, then
 * optionally '.' and one or two digits ("610", "610.5", "610.50", "-3.01",
 * "0.01").  Rejects NULL, empty, whitespace, '+', ".5", "1.", three or more
 * decimals, exponents and any other character with MZ_MONEY_EFORMAT, and
 * amounts beyond int64_t fen with MZ_MONEY_ERANGE.  On success stores the
 * amount in *fen and returns 0; on error *fen is untouched.
 */
int mz_money_parse(const char *s, int64_t *fen);

/*
 * Writes fen as yuan with exactly two decimals and a '-' when negative
 * ("610.50", "-0.01", "0.00").  Any int64_t, INT64_MIN included, fits: the
 * longest result is "-92233720368547758.08" (21 characters and the NUL).
 */
void mz_money_format(int64_t fen, char out[32]);

/*
 * *out = a + b and *out = a * b (fen times a count, or a count times fen).
 * Return 0, or MZ_MONEY_ERANGE on overflow with *out untouched.
 */
int mz_money_add(int64_t a, int64_t b, int64_t *out);
int mz_money_mul(int64_t a, int64_t b, int64_t *out);

#endif
