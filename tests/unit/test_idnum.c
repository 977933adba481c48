/*
 * Tests for src/base/idnum.c: the order and boundaries of the checks
 * (length, characters, birth date incl. leap days and 1900, check
 * character), every one of the 11 check characters, masking, and age on a
 * date including birthdays on February 29.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/idnum.h"

static void test_check_table(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int rc;
    } cases[] = {
        {"11010519491231002X", MZ_IDNUM_OK}, /* the GB 11643 example */
        {"11010519491231002x", MZ_IDNUM_OK},
        {"321302199001011234", MZ_IDNUM_OK},
        {"321302200002290015", MZ_IDNUM_OK}, /* 2000 is a leap year */
        {"321302202402290021", MZ_IDNUM_OK},
        {"321302190001010011", MZ_IDNUM_OK}, /* first day accepted */
        {"32130221991231002X", MZ_IDNUM_OK}, /* last day accepted */
        {NULL, MZ_IDNUM_ELENGTH},
        {"", MZ_IDNUM_ELENGTH},
        {"32130219900101123", MZ_IDNUM_ELENGTH},
        {"3213021990010112345", MZ_IDNUM_ELENGTH},
        {"32130219900101123 ", MZ_IDNUM_ECHAR},
        {" 32130219900101123", MZ_IDNUM_ECHAR},
        {"a21302199001011234", MZ_IDNUM_ECHAR},
        {"3213021990010112X4", MZ_IDNUM_ECHAR},
        {"32130219900101123Y", MZ_IDNUM_ECHAR},
        {"32130219900101123-", MZ_IDNUM_ECHAR},
        {"３２1302199001011234", MZ_IDNUM_ELENGTH}, /* fullwidth digits: 22 bytes */
        {"321302189912310017", MZ_IDNUM_EDATE},     /* before 1900 */
        {"321302190002290019", MZ_IDNUM_EDATE},     /* 1900 is not a leap year */
        {"321302202302290016", MZ_IDNUM_EDATE},
        {"32130219901301001X", MZ_IDNUM_EDATE}, /* month 13 */
        {"321302199000010010", MZ_IDNUM_EDATE}, /* month 00 */
        {"321302199001000017", MZ_IDNUM_EDATE}, /* day 00 */
        {"321302199001320010", MZ_IDNUM_EDATE}, /* day 32 */
        {"321302199004310010", MZ_IDNUM_EDATE}, /* April 31 */
        {"321302199001011235", MZ_IDNUM_ECHECKSUM},
        {"321302199001011230", MZ_IDNUM_ECHECKSUM},
        {"32130219900101123X", MZ_IDNUM_ECHECKSUM},
        {"11010519491231002 0", MZ_IDNUM_ELENGTH},
        {"110105194912310021", MZ_IDNUM_ECHECKSUM},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct mz_idnum id;
        int rc = mz_idnum_check(cases[i].s, &id);
        if (rc != cases[i].rc)
            fail_msg("case %zu \"%s\": got %d, want %d", i, cases[i].s ? cases[i].s : "(null)", rc,
                     cases[i].rc);
    }
}

static void test_check_fills_out(void **state)
{
    (void)state;
    struct mz_idnum id;
    assert_int_equal(mz_idnum_check("11010519491231002x", &id), 0);
    assert_string_equal(id.normalized, "11010519491231002X");
    assert_string_equal(id.region6, "110105");
    assert_int_equal(id.birth_year, 1949);
    assert_int_equal(id.birth_month, 12);
    assert_int_equal(id.birth_day, 31);
    assert_int_equal(id.gender, 'F'); /* sequence 002 */

    assert_int_equal(mz_idnum_check("321302199001011234", &id), 0);
    assert_int_equal(id.gender, 'M'); /* sequence 123 */
    assert_int_equal(id.birth_year, 1990);

    /* out may be NULL; on error *out is untouched */
    assert_int_equal(mz_idnum_check("321302199001011234", NULL), 0);
    memset(&id, 0x5a, sizeof(id));
    assert_int_equal(mz_idnum_check("321302199001011235", &id), MZ_IDNUM_ECHECKSUM);
    assert_int_equal(id.gender, 0x5a);
}

static void test_check_char_all_values(void **state)
{
    (void)state;
    /* one number for each of the 11 possible check characters */
    static const char *const ids[] = {
        "321302198501050040", "321302198501080071", "321302198501190182", "321302198501030023",
        "321302198501060054", "321302198501090085", "321302198501010006", "321302198501040037",
        "321302198501070068", "321302198501180179", "32130219850102001X",
    };
    const char *expect = "0123456789X";
    for (size_t i = 0; i < 11; i++) {
        assert_int_equal(mz_idnum_check_char(ids[i]), expect[i]);
        assert_int_equal(mz_idnum_check(ids[i], NULL), 0);
        /* every other check character is rejected */
        char bad[19];
        memcpy(bad, ids[i], 19);
        for (size_t k = 0; k < 11; k++) {
            if (k == i)
                continue;
            bad[17] = expect[k];
            assert_int_equal(mz_idnum_check(bad, NULL), MZ_IDNUM_ECHECKSUM);
        }
    }
    assert_int_equal(mz_idnum_check_char("3213021985010500"), '\0');
    assert_int_equal(mz_idnum_check_char("3213021985010500a"), '\0');
    assert_int_equal(mz_idnum_check_char(""), '\0');
}

static void test_mask(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"321302199001011234", "321302********1234"},
        {"11010519491231002X", "110105********002X"},
        {"ABCDEFGHIJKLMNOPQR", "ABCDEF********OPQR"},
        {NULL, "******************"},
        {"", "******************"},
        {"32130219900101123", "******************"},
        {"3213021990010112345", "******************"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[19];
        memset(out, 'z', sizeof(out));
        mz_idnum_mask(cases[i].in, out);
        assert_string_equal(out, cases[i].out);
    }
}

static void test_age_on(void **state)
{
    (void)state;
    static const char leap[] = "321302200002290015"; /* born 2000-02-29 */
    static const char may[] = "321302199005100015";  /* born 1990-05-10 */
    static const struct {
        const char *id;
        int y, m, d, age;
    } cases[] = {
        {leap, 2000, 2, 29, 0}, {leap, 2001, 2, 28, 0},  {leap, 2001, 3, 1, 1},
        {leap, 2004, 2, 28, 3}, {leap, 2004, 2, 29, 4},  {leap, 2018, 2, 28, 17},
        {leap, 2018, 3, 1, 18}, {leap, 2000, 2, 28, -1}, {leap, 1999, 12, 31, -1},
        {may, 2025, 5, 9, 34},  {may, 2025, 5, 10, 35},  {may, 2025, 4, 30, 34},
        {may, 2025, 6, 1, 35},  {may, 2050, 5, 10, 60},  {may, 2050, 5, 9, 59},
        {may, 1990, 12, 31, 0}, {may, 1990, 5, 10, 0},   {may, 1989, 5, 10, -1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct mz_idnum id;
        assert_int_equal(mz_idnum_check(cases[i].id, &id), 0);
        int age = mz_idnum_age_on(&id, cases[i].y, cases[i].m, cases[i].d);
        if (age != cases[i].age)
            fail_msg("case %zu %04d-%02d-%02d: got %d, want %d", i, cases[i].y, cases[i].m,
                     cases[i].d, age, cases[i].age);
    }
}

static void test_strerror(void **state)
{
    (void)state;
    assert_string_equal(mz_idnum_strerror(MZ_IDNUM_ECHECKSUM), "身份证号码校验位错误");
    const int codes[] = {
        MZ_IDNUM_OK, MZ_IDNUM_ELENGTH, MZ_IDNUM_ECHAR, MZ_IDNUM_EDATE, MZ_IDNUM_ECHECKSUM, -99, 1};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const char *msg = mz_idnum_strerror(codes[i]);
        assert_non_null(msg);
        assert_true(strlen(msg) > 0);
    }
    assert_string_not_equal(mz_idnum_strerror(MZ_IDNUM_ELENGTH), mz_idnum_strerror(MZ_IDNUM_EDATE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_table),
        cmocka_unit_test(test_check_fills_out),
        cmocka_unit_test(test_check_char_all_values),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_age_on),
        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
