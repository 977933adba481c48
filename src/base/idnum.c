/*
 * Resident identity numbers.  See idnum.h for the contract.  The birth date
 * is validated by date.c, so an identity number and a date field accept
 * exactly the same dates.
 */
#include "base/idnum.h"

#include <string.h>

#include "base/date.h"

/* W_i = 2^(17-i) mod 11, the ISO 7064 MOD 11-2 weights */
static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int digits_value(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

char mz_idnum_check_char(const char *first17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!is_digit(first17[i]))
            return '\0';
        sum += (first17[i] - '0') * weights[i];
    }
    return "10X98765432"[sum % 11];
}

int mz_idnum_check(const char *s, struct mz_idnum *out)
{
    if (s == NULL || strnlen(s, 19) != 18)
        return MZ_IDNUM_ELENGTH;
    for (int i = 0; i < 17; i++) {
        if (!is_digit(s[i]))
            return MZ_IDNUM_ECHAR;
    }
    char last = s[17] == 'x' ? 'X' : s[17];
    if (!is_digit(last) && last != 'X')
        return MZ_IDNUM_ECHAR;

    int y = digits_value(s + 6, 4), m = digits_value(s + 10, 2), d = digits_value(s + 12, 2);
    int days;
    if (mz_date_from_ymd(y, m, d, &days) != MZ_DATE_OK)
        return MZ_IDNUM_EDATE;
    if (mz_idnum_check_char(s) != last)
        return MZ_IDNUM_ECHECKSUM;

    if (out != NULL) {
        memcpy(out->normalized, s, 17);
        out->normalized[17] = last;
        out->normalized[18] = '\0';
        memcpy(out->region6, s, 6);
        out->region6[6] = '\0';
        out->birth_year = y;
        out->birth_month = m;
        out->birth_day = d;
        out->gender = (s[16] - '0') % 2 ? 'M' : 'F';
    }
    return MZ_IDNUM_OK;
}

const char *mz_idnum_strerror(int err)
{
    switch (err) {
    case MZ_IDNUM_OK:
        return "身份证号码有效";
    case MZ_IDNUM_ELENGTH:
        return "身份证号码应为18位";
    case MZ_IDNUM_ECHAR:
        return "身份证号码应为17位数字加1位数字或X";
    case MZ_IDNUM_EDATE:
        return "身份证号码中的出生日期无效";
    case MZ_IDNUM_ECHECKSUM:
        return "身份证号码校验位错误";
    default:
        return "身份证号码错误";
    }
}

void mz_idnum_mask(const char *id, char out[19])
{
    memset(out, '*', 18);
    out[18] = '\0';
    if (id == NULL || strnlen(id, 19) != 18)
        return;
    memcpy(out, id, 6);
    memcpy(out + 14, id + 14, 4);
}

int mz_idnum_age_on(const struct mz_idnum *id, int y, int m, int d)
{
    int age = y - id->birth_year;
    if (m < id->birth_month || (m == id->birth_month && d < id->birth_day))
        age--;
    return age;
}
