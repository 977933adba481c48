/*
 * Tests for src/cli/gen.c, the synthetic city: the same options give the
 * same bytes and another seed other bytes; every ID number is valid, unique
 * and agrees with the sex and birth date written beside it; every household
 * lives in a real village of the registry file and has one head; the shares
 * the benchmark relies on (低保, 特困, 边缘, the aged, mean household size)
 * come out near their targets; and each enrollment is what the rules give for
 * the incomes written: the counted per-capita income is the counted incomes ÷
 * members rounded down, the 低保 amount (standard − that) × members, the
 * 特困 amount 1.3 × standard plus the care amount.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/date.h"
#include "base/idnum.h"
#include "base/mem.h"
#include "base/money.h"
#include "cli/gen.h"

#define PERSONS 40000
#define STANDARD 61000

static char regions[1024];

static void options(mz_gen_options *o, const char *dir, uint64_t seed)
{
    memset(o, 0, sizeof *o);
    o->persons = PERSONS;
    o->seed = seed;
    o->out_dir = dir;
    o->regions = regions;
    o->standard_fen = STANDARD;
    mz_date_from_ymd(2026, 1, 1, &o->as_of);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = mz_malloc((size_t)n + 1);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    p[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* Splits a CSV line (no quoting in these files) into at most max fields, in place. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = line, *t; n < max && (t = strsep(&p, ",")) != NULL;)
        f[n++] = t;
    return n;
}

static const char *files[] = {"households.csv", "persons.csv",     "incomes.csv",
                              "assets.csv",     "enrollments.csv", "manifest.txt"};

static void make_dir(char *dir)
{
    strcpy(dir, "/tmp/mz-gen-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void remove_dir(const char *dir)
{
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        remove(path);
    }
    rmdir(dir);
}

static void test_deterministic(void **state)
{
    (void)state;
    char a[64], b[64], c[64];
    mz_gen_options o;
    mz_error err;
    make_dir(a);
    make_dir(b);
    make_dir(c);
    options(&o, a, 42);
    assert_int_equal(mz_gen_city(&o, NULL, &err), 0);
    options(&o, b, 42);
    assert_int_equal(mz_gen_city(&o, NULL, &err), 0);
    options(&o, c, 43);
    assert_int_equal(mz_gen_city(&o, NULL, &err), 0);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t la, lb, lc;
        char *x = slurp(a, files[i], &la), *y = slurp(b, files[i], &lb),
             *z = slurp(c, files[i], &lc);
        assert_int_equal(la, lb);
        assert_memory_equal(x, y, la);
        assert_true(la != lc || memcmp(x, z, la) != 0);
        mz_free(x);
        mz_free(y);
        mz_free(z);
    }
    remove_dir(a);
    remove_dir(b);
    remove_dir(c);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

typedef struct hh {
    char no[16];
    int members, heads;
    int64_t counted; /* counted monthly income, fen */
} hh;

static hh *find_hh(hh *v, int n, const char *no)
{
    /* Household numbers are H + the 1-based index, in order. */
    long i = strtol(no + 1, NULL, 10) - 1;
    assert_true(i >= 0 && i < n);
    assert_string_equal(v[i].no, no);
    return &v[i];
}

static int exempt(const char *type)
{
    static const char *const t[] = {"basic_pension",    "youfu",   "family_planning",
                                    "scholarship",      "bravery", "assistance",
                                    "elderly_allowance"};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(type, t[i]) == 0)
            return 1;
    return 0;
}

static void test_city(void **state)
{
    (void)state;
    char dir[64];
    mz_gen_options o;
    mz_gen_counts c;
    mz_error err;
    make_dir(dir);
    options(&o, dir, 20261129);
    assert_int_equal(mz_gen_city(&o, &c, &err), 0);
    assert_int_equal(c.persons, PERSONS);

    /* The villages of the registry file. */
    size_t len;
    char *reg = NULL;
    {
        FILE *f = fopen(regions, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        len = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        reg = mz_malloc(len + 1);
        assert_int_equal(fread(reg, 1, len, f), len);
        reg[len] = '\0';
        fclose(f);
    }

    /* Households: a real village each, numbered in order. */
    char *text = slurp(dir, "households.csv", &len), *line, *save = NULL;
    hh *hs = mz_calloc((size_t)c.households, sizeof *hs);
    int nh = 0, villages_used = 0;
    char **codes = mz_calloc((size_t)c.households, sizeof *codes);
    line = strtok_r(text, "\n", &save); /* header */
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *f[6], key[16], row[128];
        assert_int_equal(split(line, f, 6), 6);
        assert_true(nh < c.households);
        snprintf(hs[nh].no, sizeof hs[nh].no, "%s", f[0]);
        snprintf(key, sizeof key, "\n%s,", f[1]);
        const char *at = strstr(reg, key);
        assert_non_null(at);
        size_t rl = strcspn(at + 1, "\n");
        assert_true(rl < sizeof row);
        memcpy(row, at + 1, rl);
        row[rl] = '\0';
        assert_non_null(strstr(row, ",5,")); /* level 5: a village or community */
        codes[nh] = f[1];
        nh++;
    }
    assert_int_equal(nh, c.households);
    qsort(codes, (size_t)nh, sizeof *codes, cmp_str);
    for (int i = 0; i < nh; i++)
        if (i == 0 || strcmp(codes[i - 1], codes[i]) != 0)
            villages_used++;
    assert_true(villages_used > 1300); /* 40,000 persons reach nearly all 1,440 */
    mz_free(codes);
    mz_free(text);
    mz_free(reg);

    /* Persons: valid, unique ID numbers agreeing with sex and birth date. */
    text = slurp(dir, "persons.csv", &len);
    char **ids = mz_calloc(PERSONS, sizeof *ids);
    int np = 0, aged80 = 0;
    line = strtok_r(text, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *f[13];
        struct mz_idnum id;
        char born[11];
        assert_int_equal(split(line, f, 13), 13);
        assert_int_equal(mz_idnum_check(f[0], &id), MZ_IDNUM_OK);
        assert_int_equal(id.gender, f[2][0]);
        snprintf(born, sizeof born, "%04d-%02d-%02d", id.birth_year, id.birth_month, id.birth_day);
        assert_string_equal(born, f[3]);
        assert_string_equal(born, f[6]); /* in the household since birth */
        int age = mz_idnum_age_on(&id, 2026, 1, 1);
        assert_true(age >= 0 && age <= 100);
        if (age >= 80)
            aged80++;
        hh *h = find_hh(hs, nh, f[4]);
        h->members++;
        if (strcmp(f[5], "self") == 0)
            h->heads++;
        assert_true(np < PERSONS);
        ids[np++] = f[0];
    }
    assert_int_equal(np, PERSONS);
    qsort(ids, (size_t)np, sizeof *ids, cmp_str);
    for (int i = 1; i < np; i++)
        assert_true(strcmp(ids[i - 1], ids[i]) != 0);
    for (int i = 0; i < nh; i++)
        assert_int_equal(hs[i].heads, 1);
    /* Shares: 3.5 % aged 80+, mean household size about 2.9. */
    assert_in_range(aged80 * 1000 / PERSONS, 30, 42);
    assert_in_range(PERSONS * 100 / nh, 275, 305);
    mz_free(ids);

    /* Incomes: counted per household. */
    char *inc = slurp(dir, "incomes.csv", &len);
    line = strtok_r(inc, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *f[5];
        int64_t fen;
        assert_int_equal(split(line, f, 5), 5);
        assert_string_equal(f[4], "2025-01-01");
        assert_int_equal(mz_money_parse(f[3], &fen), 0);
        assert_true(fen > 0);
        if (!exempt(f[2]))
            find_hh(hs, nh, f[0])->counted += fen;
    }

    /* Enrollments: what the rules give for those incomes. */
    char *en = slurp(dir, "enrollments.csv", &len);
    int64_t dibao_persons = 0, tekun = 0, edge_persons = 0;
    line = strtok_r(en, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *f[9];
        int64_t pci, amount;
        assert_int_equal(split(line, f, 9), 9);
        hh *h = find_hh(hs, nh, f[0]);
        assert_int_equal(mz_money_parse(f[7], &amount), 0);
        int members = atoi(f[4]);
        if (strcmp(f[2], "tekun") == 0) {
            assert_int_equal(h->members, 1);
            assert_true(h->counted < STANDARD);
            int64_t care = strcmp(f[6], "self") == 0   ? 0
                           : strcmp(f[6], "half") == 0 ? 30000
                                                       : 60000;
            assert_int_equal(amount, STANDARD * 13 / 10 + care);
            tekun++;
            continue;
        }
        assert_int_equal(members, h->members);
        assert_int_equal(mz_money_parse(f[5], &pci), 0);
        assert_int_equal(pci, h->counted / members);
        if (strcmp(f[2], "dibao") == 0) {
            assert_true(pci < STANDARD);
            assert_int_equal(amount, (STANDARD - pci) * members);
            dibao_persons += members;
        } else {
            assert_string_equal(f[2], "edge");
            assert_true(pci >= STANDARD && pci < STANDARD * 3 / 2);
            assert_int_equal(amount, 0);
            edge_persons += members;
        }
    }
    assert_int_equal(dibao_persons, c.dibao_persons);
    assert_int_equal(tekun, c.tekun_persons);
    assert_in_range(dibao_persons * 1000 / PERSONS, 27, 33); /* about 3 % */
    assert_in_range(tekun * 10000 / PERSONS, 30, 50);        /* about 0.4 % */
    assert_in_range(edge_persons * 1000 / PERSONS, 36, 44);  /* about 4 % */
    mz_free(inc);
    mz_free(en);
    mz_free(text);
    mz_free(hs);
    remove_dir(dir);
}

static void test_bad_options(void **state)
{
    (void)state;
    mz_gen_options o;
    mz_error err;
    options(&o, "/tmp", 1);
    o.persons = 0;
    assert_int_equal(mz_gen_city(&o, NULL, &err), -1);
    assert_string_equal(err.field, "persons");
    options(&o, "/tmp", 1);
    o.standard_fen = 0;
    assert_int_equal(mz_gen_city(&o, NULL, &err), -1);
    assert_string_equal(err.field, "standard");
    options(&o, "/nonexistent/dir/below", 1);
    assert_int_equal(mz_gen_city(&o, NULL, &err), -1);
    assert_string_equal(err.field, "out");
}

int main(void)
{
    const char *data = getenv("MZ_DATA_DIR");
    snprintf(regions, sizeof regions, "%s/regions/321300.csv", data ? data : "data");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_city),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
