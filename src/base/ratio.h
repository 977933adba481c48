/*
 * Ratios in basis points: a multiplier or a share such as "1.3" (特困 basic
 * living standard = 1.3 × 低保 standard) or "0.35" (35 % of consumption
 * expenditure) is an int64_t number of basis points inside minzheng (13000,
 * 3500), and decimal text only at the edges.  Parsing is exact, never through
 * double, like money.h: a ratio multiplies money, and a binary fraction would
 * turn 0.35 into 0.34999… and cost someone a fen.
 */
#ifndef MZ_BASE_RATIO_H
#define MZ_BASE_RATIO_H

#include <stdint.h>

enum {
    MZ_RATIO_OK = 0,
    MZ_RATIO_EFORMAT = -1, /* not decimal text of the accepted form */
    MZ_RATIO_ERANGE = -2,  /* the result does not fit in int64_t basis points */
};

/* One whole (1.0) in basis points. */
#define MZ_RATIO_ONE 10000

/*
 * Parses decimal text exactly: one or more digits, then optionally '.' and
 * one to four digits ("1.3", "0.35", "3", "0.0001", "1.3000").  No sign, no
 * whitespace, no '%', no exponent; NULL, "", ".5" and "1." are
 * MZ_RATIO_EFORMAT, values beyond int64_t basis points MZ_RATIO_ERANGE.
 * Stores the basis points in *bp and returns 0; on error *bp is untouched.
 */
int mz_ratio_parse(const char *s, int64_t *bp);

/*
 * Writes bp as the shortest decimal text that parses back to it: 13000 →
 * "1.3", 3500 → "0.35", 30000 → "3", 1 → "0.0001", 0 → "0"; negative values
 * get a '-'.  Any int64_t fits in 32 bytes.
 */
void mz_ratio_format(int64_t bp, char out[32]);

/*
 * Writes bp as a percentage without the sign, shortest form: 3500 → "35",
 * 2999 → "29.99", 13000 → "130", 5 → "0.05".
 */
void mz_ratio_format_percent(int64_t bp, char out[32]);

#endif
