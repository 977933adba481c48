/*
 * Tests for src/core/registry_import.c on both stores: a synthetic township
 * (minzheng gen) imports with every row and count as written, the enrollment
 * amounts as the file says and the id sequences past the imported rows; the
 * same files again change nothing; each kind of bad row is reported with its
 * file, row, column and code, and leaves nothing behind; a missing column and
 * a missing file are refused as a whole; a township worker may not import.
 */
#include "testdb.h"

#include <sys/stat.h>

#include "base/date.h"
#include "cli/gen.h"
#include "core/registry_import.h"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_registry_import");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_registry_import");
}

static void make_dir(char *dir)
{
    strcpy(dir, "/tmp/mz-regimp-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void remove_dir(const char *dir)
{
    static const char *const files[] = {"households.csv", "persons.csv",     "incomes.csv",
                                        "assets.csv",     "enrollments.csv", "manifest.txt"};
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        remove(path);
    }
    rmdir(dir);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int import(tdb *t, const mz_actor *a, const char *dir, mz_registry_import_report *r,
                  mz_error *err)
{
    mz_registry_import_options o = {.dir = dir, .today = mz_date_today(), .max_errors = 10000};
    tdb_begin(t);
    int rc = mz_registry_import(t->db, a, &o, r, err);
    if (rc == 0)
        tdb_commit(t);
    else
        mz_db_rollback(t->db);
    return rc;
}

static void test_synthetic_town(void **state)
{
    tdb *t = tdb_get(state);
    char dir[64], regions[1024];
    mz_gen_options g = {.persons = 3000, .seed = 5, .standard_fen = 61000};
    mz_gen_counts c;
    mz_registry_import_report r;
    mz_error err;
    make_dir(dir);
    snprintf(regions, sizeof regions, "%s/regions/321300.csv", getenv("MZ_DATA_DIR"));
    g.out_dir = dir;
    g.regions = regions;
    mz_date_from_ymd(2026, 1, 1, &g.as_of);
    assert_int_equal(mz_gen_city(&g, &c, &err), 0);

    assert_int_equal(import(t, &t->cli, dir, &r, &err), 0);
    assert_int_equal(r.persons, 3000);
    assert_int_equal(r.households, c.households);
    assert_int_equal(r.members, 3000);
    assert_int_equal(r.incomes, c.incomes);
    assert_int_equal(r.assets, c.assets);
    assert_int_equal(r.enrollments, c.dibao_households + c.tekun_persons);
    assert_int_equal(r.edge_rows, c.edge_households);
    mz_registry_import_report_free(&r);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM persons"), 3000);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM households"), c.households);
    /* Every household has its head among its members; every member is in a village. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM households h JOIN household_members m "
                                      "ON m.household_id = h.id AND m.person_id = h.head_person_id "
                                      "AND m.relation = 'self'"),
                     c.households);
    assert_int_equal(tdb_count(t->db,
                               "SELECT COUNT(*) FROM households h JOIN regions r ON r.code = "
                               "h.region_code AND r.level = 5"),
                     c.households);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM enrollments WHERE program = 'tekun' "
                                      "AND person_id IS NULL"),
                     0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'registry.import'"),
                     1);
    /* Each enrollment has its first period and its creation, as an approval gives them. */
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM enrollments e JOIN enrollment_periods "
                                      "p ON p.enrollment_id = e.id AND p.from_month = e.from_month "
                                      "AND p.monthly_amount_fen = e.monthly_amount_fen JOIN "
                                      "enrollment_changes c ON c.enrollment_id = e.id AND c.kind = "
                                      "'create'"),
                     c.dibao_households + c.tekun_persons);
    /* The id sequences are past the imported rows. */
    tdb_exec(t->db, "INSERT INTO persons (id_number, name, gender, birth_date, created_region, "
                    "created_at, updated_at) VALUES ('11010519491231002X', '测试', 'F', "
                    "'1949-12-31', '321302001001', 'x', 'x')");
    assert_int_equal(tdb_count(t->db, "SELECT id FROM persons WHERE id_number = "
                                      "'11010519491231002X'"),
                     3001);

    /* The same files again: every person is registered already, nothing changes. */
    assert_int_equal(import(t, &t->cli, dir, &r, &err), -1);
    assert_string_equal(err.code, "import_rejected");
    int registered = 0;
    for (int k = 0; k < r.nerror; k++)
        registered += strcmp(r.error[k].code, "already_registered") == 0;
    assert_int_equal(registered, 3000); /* every person */
    mz_registry_import_report_free(&r);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM persons"), 3001);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM households"), c.households);
    remove_dir(dir);
}

/* The report names file, row, column and code; nothing is written. */
static void test_bad_rows(void **state)
{
    tdb *t = tdb_get(state);
    char dir[64];
    mz_registry_import_report r;
    mz_error err;
    make_dir(dir);
    write_file(dir, "households.csv",
               "户编号,行政区划代码,城乡,住址,开户银行,银行账号\n"
               "A1,321302001001,urban,幸福路1号,中国农业银行,6228480000000000000\n"
               "A2,321302001000,urban,幸福路2号,,\n"   /* a township, not a village */
               "A3,321302001001,rural,幸福路3号,,\n"   /* nobody is its head */
               "A1,321302001001,urban,幸福路4号,,\n"); /* a second A1 */
    write_file(dir, "persons.csv",
               "身份证号,姓名,户编号,与户主关系,入户日期,劳动能力,性别\n"
               "11010519491231002X,王秀英,A1,self,2000-01-01,none,F\n"
               "110105194912310021,李建国,A1,spouse,2000-01-01,full,\n" /* check character */
               "11010519491231002X,王秀英,A1,child,2000-01-01,full,\n"  /* twice */
               "321302199001011234,张伟,A9,self,2000-01-01,full,\n"     /* no such household */
               "321302200002290015,陈浩,A1,child,2001-01-01,full,F\n"   /* born 2000, a man */
               "321302202402290021,赵悦,A1,self,2024-03-01,full,\n");   /* a second head */
    write_file(dir, "incomes.csv",
               "户编号,身份证号,收入类型,月收入,起始日期\n"
               "A1,321302199001011234,wage,100.00,2025-01-01\n" /* not a member */
               "A1,11010519491231002X,salary,100.00,2025-01-01\n"
               "A1,11010519491231002X,wage,12.345,2025-01-01\n");
    assert_int_equal(import(t, &t->cli, dir, &r, &err), -1);
    assert_string_equal(err.code, "import_rejected");
    static const struct {
        const char *file;
        int64_t row;
        const char *column, *code;
    } want[] = {
        {"households.csv", 3, "行政区划代码", "unknown_region"},
        {"households.csv", 5, "户编号", "duplicate"},
        {"persons.csv", 3, "身份证号", "invalid_id_number"},
        {"persons.csv", 4, "身份证号", "duplicate"},
        {"persons.csv", 5, "户编号", "unknown_household"},
        {"persons.csv", 6, "性别", "gender_mismatch"},
        {"persons.csv", 7, "与户主关系", "second_head"},
        {"persons.csv", 0, "与户主关系", "no_head"},
        {"incomes.csv", 2, "身份证号", "unknown_person"},
        {"incomes.csv", 3, "收入类型", "invalid_code"},
        {"incomes.csv", 4, "月收入", "invalid_amount"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int found = 0;
        for (int k = 0; k < r.nerror; k++)
            if (strcmp(r.error[k].file, want[i].file) == 0 && r.error[k].row == want[i].row &&
                strcmp(r.error[k].column, want[i].column) == 0 &&
                strcmp(r.error[k].code, want[i].code) == 0)
                found = 1;
        if (!found) {
            for (int k = 0; k < r.nerror; k++)
                print_message("  %s %lld %s %s %s\n", r.error[k].file, (long long)r.error[k].row,
                              r.error[k].column, r.error[k].code, r.error[k].message);
            fail_msg("no %s error at %s row %lld column %s", want[i].code, want[i].file,
                     (long long)want[i].row, want[i].column);
        }
    }
    mz_registry_import_report_free(&r);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM persons"), 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM households"), 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'registry.import'"),
                     0);
    remove_dir(dir);
}

static void test_file_errors_and_rights(void **state)
{
    tdb *t = tdb_get(state);
    char dir[64];
    mz_registry_import_report r;
    mz_error err;
    make_dir(dir);
    assert_int_equal(import(t, &t->cli, dir, &r, &err), -1);
    assert_string_equal(err.code, "file_missing");
    mz_registry_import_report_free(&r);
    write_file(dir, "households.csv", "户编号,城乡,住址\nA1,urban,幸福路1号\n");
    assert_int_equal(import(t, &t->cli, dir, &r, &err), -1);
    assert_string_equal(err.code, "missing_column");
    assert_non_null(strstr(err.message, "行政区划代码"));
    mz_registry_import_report_free(&r);
    write_file(dir, "households.csv", "household_no,REGION_CODE,kind,address,颜色\n");
    assert_int_equal(import(t, &t->cli, dir, &r, &err), -1);
    assert_string_equal(err.code, "unknown_column");
    mz_registry_import_report_free(&r);

    mz_actor worker;
    tdb_actor(t, tdb_user(t, "town_worker", "township_worker", "321302001000"), &worker);
    assert_int_equal(import(t, &worker, dir, &r, &err), -1);
    assert_int_equal(err.status, 403);
    mz_registry_import_report_free(&r);
    remove_dir(dir);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_synthetic_town),
        BOTH(test_bad_rows),
        BOTH(test_file_errors_and_rights),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
