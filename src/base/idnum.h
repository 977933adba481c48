/*
 * Resident identity numbers (公民身份号码, GB 11643-1999): 6 digits of the
 * issuing region, 8 digits of birth date YYYYMMDD, 3 digits of sequence
 * (odd for men, even for women) and a check character computed by ISO 7064
 * MOD 11-2 (a digit or 'X').  Every person in the registry is keyed by this
 * number, so it is validated here once, on the way in, and shown masked
 * everywhere it does not have to be shown whole.
 *
 * This module checks form only: whether the birth date is in the future, or
 * the region code exists, is for the caller that knows today and the region
 * table.
 */
#ifndef MZ_BASE_IDNUM_H
#define MZ_BASE_IDNUM_H

enum {
    MZ_IDNUM_OK = 0,
    MZ_IDNUM_ELENGTH = -1,   /* not exactly 18 characters */
    MZ_IDNUM_ECHAR = -2,     /* not 17 digits followed by a digit, 'X' or 'x' */
    MZ_IDNUM_EDATE = -3,     /* characters 7-14 are not a date of 1900-2199 */
    MZ_IDNUM_ECHECKSUM = -4, /* the check character does not match */
};

struct mz_idnum {
    char normalized[19]; /* the number with a lowercase 'x' made 'X' */
    char region6[7];     /* the first six digits */
    int birth_year, birth_month, birth_day;
    char gender; /* 'M' (odd sequence) or 'F' (even sequence) */
};

/*
 * Validates s, in this order: length, characters, birth date (a real calendar
 * date in the years 1900-2199; not compared with today), check character.
 * Returns 0 and, when out is not NULL, fills *out; otherwise returns the
 * first error found and leaves *out untouched.  NULL is MZ_IDNUM_ELENGTH.
 */
int mz_idnum_check(const char *s, struct mz_idnum *out);

/* A Chinese message for a code from mz_idnum_check(); never NULL. */
const char *mz_idnum_strerror(int err);

/*
 * The check character ('0'-'9' or 'X') for the first 17 characters of the
 * string first17, which may be longer (a whole 18-character number).  Returns
 * '\0' when the string does not begin with 17 digits (a shorter string is
 * fine: reading stops at the first non-digit).
 */
char mz_idnum_check_char(const char *first17);

/*
 * Writes the masked form for display: the first 6 characters, 8 '*' and the
 * last 4, e.g. "321302********1234", NUL-terminated.  Anything that is not 18
 * characters long (NULL included) gives 18 '*', so that a malformed number is
 * never shown in part.  id need not be valid otherwise.
 */
void mz_idnum_mask(const char *id, char out[19]);

/*
 * Age in full years on the date y-m-d: a person becomes one year older on
 * the birthday, and someone born on February 29 on March 1 in years without
 * a February 29.  A date before the birth date gives a negative number.
 */
int mz_idnum_age_on(const struct mz_idnum *id, int y, int m, int d);

#endif
