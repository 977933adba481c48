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
 *
 * The department data (evidence/<kind>.csv): byte-identical for the same
 * seed; every row imports without error through mz_ev_import_file (SQLite
 * and PostgreSQL) and the manifest counts them; the records agree with the
 * registry files (vehicles and homes with assets.csv, certificates with
 * persons.csv) except for the planted discrepancies, which are there in
 * exactly the stated shares.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testdb.h"

#include "base/date.h"
#include "base/idnum.h"
#include "base/mem.h"
#include "base/money.h"
#include "cli/gen.h"
#include "core/evidence.h"

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
    for (int k = 0; k < MZ_GEN_EV_N; k++) {
        snprintf(path, sizeof path, "%s/evidence/%s.csv", dir, mz_gen_ev_sources[k]);
        remove(path);
    }
    snprintf(path, sizeof path, "%s/evidence", dir);
    rmdir(path);
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
    for (int k = 0; k < MZ_GEN_EV_N; k++) {
        char name[64];
        size_t la, lb, lc;
        snprintf(name, sizeof name, "evidence/%s.csv", mz_gen_ev_sources[k]);
        char *x = slurp(a, name, &la), *y = slurp(b, name, &lb), *z = slurp(c, name, &lc);
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

/* ---- department data ---- */

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_gen");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_gen");
}

/* The value of key in manifest.txt, or -1. */
static int64_t manifest(const char *dir, const char *key)
{
    size_t len, n = strlen(key);
    char *text = slurp(dir, "manifest.txt", &len);
    int64_t v = -1;
    for (char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, key, n) == 0 && p[n] == '=')
            v = strtoll(p + n + 1, NULL, 10);
    mz_free(text);
    return v;
}

/* Every evidence file imports whole: no rejected row, as many records as the manifest says. */
static void test_evidence_import(void **state)
{
    tdb *t = tdb_get(state);
    char dir[64];
    mz_gen_options o;
    mz_gen_counts c;
    mz_error err;
    make_dir(dir);
    options(&o, dir, 7);
    o.persons = 6000;
    assert_int_equal(mz_gen_city(&o, &c, &err), 0);
    int64_t total = 0;
    for (int k = 0; k < MZ_GEN_EV_N; k++) {
        char name[64], key[64], sql[256];
        size_t len;
        snprintf(name, sizeof name, "evidence/%s.csv", mz_gen_ev_sources[k]);
        char *data = slurp(dir, name, &len);
        /* The header is the template's, in its order. */
        mz_buf tmpl;
        mz_buf_init(&tmpl);
        assert_int_equal(mz_ev_template_csv(mz_ev_source_find(mz_gen_ev_sources[k]), &tmpl), 0);
        size_t hl = strcspn(data, "\n");
        assert_true(tmpl.len > 3 + hl);
        assert_memory_equal(tmpl.data + 3, data, hl); /* after the template's byte-order mark */
        mz_buf_cleanup(&tmpl);
        assert_true(c.ev[k] > 0);
        snprintf(key, sizeof key, "evidence_%s", mz_gen_ev_sources[k]);
        assert_int_equal(manifest(dir, key), c.ev[k]);

        mz_ev_import imp;
        mz_ev_import_init(&imp);
        imp.source = mz_gen_ev_sources[k];
        imp.as_of = "2026-01-01";
        imp.file_name = name;
        json_t *out = NULL;
        int existing = -1;
        tdb_begin(t);
        if (mz_ev_import_file(t->db, &t->cli, &imp, data, len, &out, &existing, &err) != 0)
            fail_msg("%s: %s", name, err.message);
        tdb_commit(t);
        assert_int_equal(existing, 0);
        assert_string_equal(tdb_jstr(out, "status"), "imported");
        assert_int_equal(json_integer_value(json_object_get(out, "rows_rejected")), 0);
        assert_int_equal(json_integer_value(json_object_get(out, "rows_accepted")), c.ev[k]);
        json_decref(out);
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM evidence_records WHERE source = '%s'",
                 mz_gen_ev_sources[k]);
        assert_int_equal(tdb_count(t->db, sql), c.ev[k]);
        total += c.ev[k];
        mz_free(data);
    }
    assert_int_equal(total, c.ev_total);
    assert_int_equal(manifest(dir, "evidence_total"), c.ev_total);
    /* About two records per person. */
    assert_in_range(total * 100 / c.persons, 170, 250);
    remove_dir(dir);
}

typedef struct pers {
    char id[19];
    int hh;       /* index into the households */
    int disabled; /* grade in persons.csv, 0 none */
    int pension;  /* has a pension income in incomes.csv */
    int certs;    /* certificates seen */
    int dead;     /* in death.csv */
} pers;

typedef struct house {
    const char *program;             /* "dibao" "tekun" "edge" or NULL */
    int housing, vehicles, deposits; /* assets.csv */
    int homes, cars, businesses, deposit_rows, insured, pensions; /* evidence */
} house;

static int cmp_pers(const void *a, const void *b)
{
    return strcmp(((const pers *)a)->id, ((const pers *)b)->id);
}

static pers *find_pers(pers *ps, int64_t n, const char *id)
{
    pers key;
    snprintf(key.id, sizeof key.id, "%s", id);
    pers *p = bsearch(&key, ps, (size_t)n, sizeof *ps, cmp_pers);
    if (p == NULL)
        fail_msg("evidence names %s, who is not in persons.csv", id);
    return p;
}

/* Calls row(fields, n, ctx) for every data row of evidence/<kind>.csv. */
static void each_row(const char *dir, const char *kind, void (*row)(char **, int, void *),
                     void *ctx)
{
    char name[64], *save = NULL, *line;
    size_t len;
    snprintf(name, sizeof name, "evidence/%s.csv", kind);
    char *text = slurp(dir, name, &len);
    line = strtok_r(text, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *f[10];
        int n = split(line, f, 10);
        row(f, n, ctx);
    }
    mz_free(text);
}

typedef struct world {
    pers *ps;
    int64_t np;
    house *hs;
    int64_t nh;
    int64_t deaths, new_certs, large_medical, wrong_grade;
} world;

static house *owner(world *w, const char *id)
{
    return &w->hs[find_pers(w->ps, w->np, id)->hh];
}

static void on_vehicle(char **f, int n, void *ctx)
{
    assert_int_equal(n, 7);
    owner(ctx, f[0])->cars++;
}

static void on_property(char **f, int n, void *ctx)
{
    assert_int_equal(n, 8);
    if (f[7][0] == '\0') /* still held */
        owner(ctx, f[0])->homes++;
}

static void on_business(char **f, int n, void *ctx)
{
    assert_int_equal(n, 8);
    assert_int_equal(strlen(f[2]), 18);
    owner(ctx, f[0])->businesses++;
}

static void on_deposit(char **f, int n, void *ctx)
{
    assert_int_equal(n, 6);
    owner(ctx, f[0])->deposit_rows++;
}

static void on_social(char **f, int n, void *ctx)
{
    assert_int_equal(n, 7);
    if (strcmp(f[2], "养老") == 0)
        owner(ctx, f[0])->insured++;
}

static void on_pension(char **f, int n, void *ctx)
{
    world *w = ctx;
    assert_int_equal(n, 6);
    pers *p = find_pers(w->ps, w->np, f[0]);
    if (strcmp(f[2], "城乡居民") != 0 && !p->pension)
        w->hs[p->hh].pensions++;
}

static void on_disability(char **f, int n, void *ctx)
{
    world *w = ctx;
    assert_int_equal(n, 7);
    pers *p = find_pers(w->ps, w->np, f[0]);
    p->certs++;
    if (p->disabled == 0) {
        w->new_certs++;
        if (atoi(f[4]) > 2)
            w->wrong_grade++;
    } else if (atoi(f[4]) != p->disabled) {
        w->wrong_grade++;
    }
}

static void on_death(char **f, int n, void *ctx)
{
    world *w = ctx;
    assert_int_equal(n, 6);
    pers *p = find_pers(w->ps, w->np, f[0]);
    assert_int_equal(p->dead, 0);
    p->dead = 1;
    assert_true(strcmp(f[2], "2025-01-01") >= 0 && strcmp(f[2], "2026-01-01") < 0);
    w->deaths++;
}

static void on_medical(char **f, int n, void *ctx)
{
    world *w = ctx;
    int64_t own;
    assert_int_equal(n, 8);
    assert_int_equal(mz_money_parse(f[6], &own), 0);
    assert_int_equal(find_pers(w->ps, w->np, f[0])->dead, 0); /* no stays of the dead */
    if (own >= 4000000) { /* 40,000 yuan and more: only the planted stays */
        assert_null(owner(w, f[0])->program);
        w->large_medical++;
    }
}

/* ceil(n × per_mille / 1000): how many a running quota takes out of n. */
static int64_t share(int64_t n, int per_mille)
{
    return (n * per_mille + 999) / 1000;
}

static void test_planted(void **state)
{
    (void)state;
    char dir[64], *save = NULL, *line;
    size_t len;
    mz_gen_options o;
    mz_gen_counts c;
    mz_error err;
    world w = {0};
    make_dir(dir);
    options(&o, dir, 20261129);
    assert_int_equal(mz_gen_city(&o, &c, &err), 0);
    w.nh = c.households;
    w.hs = mz_calloc((size_t)w.nh, sizeof *w.hs);
    w.ps = mz_calloc((size_t)c.persons, sizeof *w.ps);

    char *text = slurp(dir, "persons.csv", &len);
    line = strtok_r(text, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *f[13];
        assert_int_equal(split(line, f, 13), 13);
        pers *p = &w.ps[w.np++];
        snprintf(p->id, sizeof p->id, "%s", f[0]);
        p->hh = (int)strtol(f[4] + 1, NULL, 10) - 1;
        p->disabled = f[8][0] ? atoi(f[8]) : 0;
    }
    mz_free(text);
    qsort(w.ps, (size_t)w.np, sizeof *w.ps, cmp_pers);
    text = slurp(dir, "enrollments.csv", &len);
    int64_t dibao = 0, low = 0, none = w.nh;
    line = strtok_r(text, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *f[9];
        assert_int_equal(split(line, f, 9), 9);
        house *h = &w.hs[strtol(f[0] + 1, NULL, 10) - 1];
        h->program = strcmp(f[2], "dibao") == 0  ? "dibao"
                     : strcmp(f[2], "edge") == 0 ? "edge"
                                                 : "tekun";
        dibao += strcmp(f[2], "tekun") != 0 && strcmp(f[2], "edge") != 0;
        low += strcmp(f[2], "tekun") != 0;
        none--;
    }
    char *en = text;
    text = slurp(dir, "assets.csv", &len);
    line = strtok_r(text, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *f[5];
        assert_int_equal(split(line, f, 5), 5);
        house *h = &w.hs[strtol(f[0] + 1, NULL, 10) - 1];
        h->housing += strcmp(f[1], "housing") == 0;
        h->vehicles += strcmp(f[1], "vehicle") == 0;
        h->deposits += strcmp(f[1], "deposit") == 0;
    }
    mz_free(text);
    text = slurp(dir, "incomes.csv", &len);
    line = strtok_r(text, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *f[5];
        assert_int_equal(split(line, f, 5), 5);
        if (strcmp(f[2], "pension") == 0)
            find_pers(w.ps, w.np, f[1])->pension = 1;
    }
    mz_free(text);

    each_row(dir, "death", on_death, &w); /* first: the others look at who died */
    each_row(dir, "vehicle", on_vehicle, &w);
    each_row(dir, "property", on_property, &w);
    each_row(dir, "business", on_business, &w);
    each_row(dir, "deposit", on_deposit, &w);
    each_row(dir, "social_insurance", on_social, &w);
    each_row(dir, "pension", on_pension, &w);
    each_row(dir, "disability", on_disability, &w);
    each_row(dir, "medical", on_medical, &w);

    int64_t extra_car = 0, extra_home = 0, biz = 0, extra_deposit = 0, insured = 0, pensions = 0;
    /* Households without enrollment with someone alive: the large stays' denominator. */
    int *living = mz_calloc((size_t)w.nh, sizeof *living);
    for (int64_t i = 0; i < w.np; i++)
        living[w.ps[i].hh] += !w.ps[i].dead;
    for (int64_t i = 0; i < w.nh; i++)
        none -= w.hs[i].program == NULL && living[i] == 0;
    mz_free(living);
    for (int64_t i = 0; i < w.nh; i++) {
        const house *h = &w.hs[i];
        int is_dibao = h->program && strcmp(h->program, "dibao") == 0;
        int is_low = is_dibao || (h->program && strcmp(h->program, "edge") == 0);
        /* Outside the planted cases the departments agree with the registry's assets. */
        if (is_dibao && h->cars == h->vehicles + 1)
            extra_car++;
        else
            assert_int_equal(h->cars, h->vehicles);
        if (is_low && h->homes == h->housing + 1)
            extra_home++;
        else
            assert_int_equal(h->homes, h->housing);
        if (is_dibao && h->deposit_rows == h->deposits + 1)
            extra_deposit++;
        else
            assert_int_equal(h->deposit_rows, h->deposits);
        if (h->program) {
            assert_int_equal(h->businesses, is_dibao ? h->businesses : 0);
            assert_int_equal(h->insured, is_dibao ? h->insured : 0);
            assert_int_equal(h->pensions, is_dibao ? h->pensions : 0);
            assert_true(h->businesses <= 1 && h->insured <= 1 && h->pensions <= 1);
            biz += h->businesses;
            insured += h->insured;
            pensions += h->pensions;
        }
    }
    /* Exactly the stated shares (docs/templates/synthetic.md). */
    assert_int_equal(dibao, c.dibao_households);
    assert_int_equal(extra_car, share(dibao, 40));
    assert_int_equal(extra_car, c.planted_vehicle);
    assert_int_equal(extra_home, share(low, 30));
    assert_int_equal(extra_home, c.planted_property);
    assert_int_equal(biz, share(dibao, 20));
    assert_int_equal(biz, c.planted_business);
    assert_int_equal(extra_deposit, share(dibao, 30));
    assert_int_equal(extra_deposit, c.planted_deposit);
    /* Of the 低保 households with a member able to work, with one aged 60+: most have one. */
    assert_int_equal(insured, c.planted_employment);
    assert_in_range(insured, share(dibao, 30) / 3, share(dibao, 30));
    assert_int_equal(pensions, c.planted_pension);
    assert_in_range(pensions, share(dibao, 50) / 3, share(dibao, 50));
    assert_int_equal(w.large_medical, share(none, 5));
    assert_int_equal(w.large_medical, c.planted_medical);
    /* Certificates: one per disabled person at the registry's grade, new ones grade 1–2. */
    int64_t disabled = 0;
    for (int64_t i = 0; i < w.np; i++) {
        if (w.ps[i].disabled) {
            disabled++;
            assert_int_equal(w.ps[i].certs, 1);
        } else {
            assert_in_range(w.ps[i].certs, 0, 1);
        }
    }
    assert_int_equal(w.wrong_grade, 0);
    assert_int_equal(w.new_certs, c.planted_disability);
    assert_in_range(w.new_certs, share(w.np - disabled, 2) - 20, share(w.np - disabled, 2));
    /* Deaths: about 0.7 % of the population in the year, some of them in enrolled households. */
    assert_int_equal(w.deaths, c.deaths);
    assert_in_range(w.deaths * 1000 / w.np, 5, 9);
    assert_true(c.deaths_enrolled > 0);
    assert_int_equal(manifest(dir, "deaths_enrolled"), c.deaths_enrolled);
    assert_int_equal(manifest(dir, "planted_vehicle"), c.planted_vehicle);
    mz_free(en);
    mz_free(w.ps);
    mz_free(w.hs);
    remove_dir(dir);
}

int main(void)
{
    const char *data = getenv("MZ_DATA_DIR");
    snprintf(regions, sizeof regions, "%s/regions/321300.csv", data ? data : "data");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_city),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_planted),
        cmocka_unit_test_setup_teardown(test_evidence_import, setup_sqlite, tdb_teardown),
        cmocka_unit_test_setup_teardown(test_evidence_import, setup_pg, tdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
