/*
 * Tests for src/core/evidence.c and evidence_sources.c: cell validation by
 * type (table-driven, boundaries included), templates equal to the files in
 * docs/templates/ and importable as they are (CSV and .xlsx), imports on
 * SQLite and PostgreSQL: all-or-nothing refusal with its error report and no
 * records, valid-rows keeping the good rows, idempotency by (source,
 * SHA-256), file-level errors that leave nothing, xlsx with numeric dates,
 * a file large enough to span many multi-row inserts, the error report as
 * CSV and .xlsx, and the audit entries.
 */
#include <xlsxwriter.h>

#include "testdb.h"

#include "base/xlsx.h"
#include "core/evidence.h"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_evidence");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_evidence");
}

static const mz_ev_column *column(const char *source, const char *header)
{
    const mz_ev_source *s = mz_ev_source_find(source);
    assert_non_null(s);
    for (int c = 0; c < s->ncolumns; c++)
        if (strcmp(s->columns[c].header, header) == 0)
            return &s->columns[c];
    fail_msg("no column %s.%s", source, header);
    return NULL;
}

static void test_cells(void **state)
{
    (void)state;
    static const struct {
        const char *source, *header, *in;
        int numeric;
        const char *out;  /* expected stored text, or NULL for an error */
        const char *code; /* expected code of the error */
    } cases[] = {
        {"vehicle", "身份证号", "321302196503120015", 0, "321302196503120015", NULL},
        {"vehicle", "身份证号", " 32130219900228006x ", 0, NULL, "invalid_id_number"},
        {"vehicle", "身份证号", "321302199002280065", 0, "321302199002280065", NULL},
        {"vehicle", "身份证号", "321302196503120016", 0, NULL, "invalid_id_number"},
        {"vehicle", "身份证号", "3.21302196503120E+17", 1, NULL, "invalid_id_number"},
        {"vehicle", "身份证号", "", 0, NULL, "required"},
        {"vehicle", "姓名", "张建国", 0, "张建国", NULL},
        {"vehicle", "姓名", "张\t建国", 0, NULL, "invalid_text"},
        {"vehicle", "初次登记日期", "2025-03-01", 0, "2025-03-01", NULL},
        {"vehicle", "初次登记日期", "2025/3/1", 0, "2025-03-01", NULL},
        {"vehicle", "初次登记日期", "2024-2-29", 0, "2024-02-29", NULL},
        {"vehicle", "初次登记日期", "20250301", 0, "2025-03-01", NULL},
        {"vehicle", "初次登记日期", "2025.3.1", 0, "2025-03-01", NULL},
        {"vehicle", "初次登记日期", "45658", 1, "2025-01-01", NULL},
        {"vehicle", "初次登记日期", "45658", 0, NULL, "invalid_date"},
        {"vehicle", "初次登记日期", "2025-02-29", 0, NULL, "invalid_date"},
        {"vehicle", "初次登记日期", "2025/13/1", 0, NULL, "invalid_date"},
        {"vehicle", "初次登记日期", "1899-12-31", 0, NULL, "invalid_date"},
        {"vehicle", "初次登记日期", "3/1/2025", 0, NULL, "invalid_date"},
        {"vehicle", "车辆价值", "68000", 0, "6800000", NULL},
        {"vehicle", "车辆价值", "0.01", 0, "1", NULL},
        {"vehicle", "车辆价值", "1234.5", 1, "123450", NULL},
        {"vehicle", "车辆价值", "", 0, "", NULL},
        {"vehicle", "车辆价值", "0.30000000000000004", 1, "30", NULL},
        {"vehicle", "车辆价值", "58230.389999999999", 1, "5823039", NULL},
        {"vehicle", "车辆价值", "99.999999999", 1, "10000", NULL},
        {"vehicle", "车辆价值", "12.5", 1, "1250", NULL},
        {"vehicle", "车辆价值", "0.30000000000000004", 0, NULL, "invalid_amount"},
        {"vehicle", "车辆价值", "1.2345", 1, NULL, "invalid_amount"},
        {"vehicle", "车辆价值", "1.23E+5", 1, NULL, "invalid_amount"},
        {"vehicle", "车辆价值", "1.234", 0, NULL, "invalid_amount"},
        {"vehicle", "车辆价值", "1,234.00", 0, NULL, "invalid_amount"},
        {"vehicle", "车辆价值", "-5", 0, NULL, "out_of_range"},
        {"vehicle", "车辆价值", "1000000000000", 0, "100000000000000", NULL},
        {"vehicle", "车辆价值", "1000000000000.01", 0, NULL, "out_of_range"},
        {"vehicle", "车辆类型", "小型汽车", 0, "小型汽车", NULL},
        {"vehicle", "车辆类型", "飞机", 0, NULL, "invalid_code"},
        {"vehicle", "号牌号码", "苏N12345678901234", 0, "苏N12345678901234", NULL},
        {"vehicle", "号牌号码", "苏N123456789012345", 0, NULL, "too_long"},
        {"pension", "发放月份", "2025-10", 0, "2025-10", NULL},
        {"pension", "发放月份", "2025/9", 0, "2025-09", NULL},
        {"pension", "发放月份", "202509", 0, "2025-09", NULL},
        {"pension", "发放月份", "2025/9/1", 0, "2025-09", NULL},
        {"pension", "发放月份", "45658", 1, "2025-01", NULL},
        {"pension", "发放月份", "2025-13", 0, NULL, "invalid_month"},
        {"pension", "发放月份", "202513", 0, NULL, "invalid_month"},
        {"disability", "残疾等级", "1", 0, "1", NULL},
        {"disability", "残疾等级", "4", 0, "4", NULL},
        {"disability", "残疾等级", "4.0", 1, "4", NULL},
        {"disability", "残疾等级", "0", 0, NULL, "out_of_range"},
        {"disability", "残疾等级", "5", 0, NULL, "out_of_range"},
        {"property", "建筑面积", "89.56", 0, "8956", NULL},
        {"property", "建筑面积", "89.567", 0, NULL, "invalid_amount"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[300], msg[256];
        const char *code = NULL;
        int rc = mz_ev_cell(column(cases[i].source, cases[i].header), cases[i].in, cases[i].numeric,
                            out, sizeof out, &code, msg, sizeof msg);
        if (cases[i].out) {
            if (rc != 0)
                fail_msg("case %zu (%s): %s", i, cases[i].in, msg);
            assert_string_equal(out, cases[i].out);
        } else {
            if (rc == 0)
                fail_msg("case %zu (%s) accepted as %s", i, cases[i].in, out);
            assert_string_equal(code, cases[i].code);
            assert_non_null(strstr(msg, cases[i].header));
        }
    }
}

/* docs/templates/<kind>.csv are the generated templates, byte for byte. */
static void test_templates_match_docs(void **state)
{
    (void)state;
    const char *src = getenv("MZ_SOURCE_DIR");
    int n;
    const mz_ev_source *s = mz_ev_sources(&n);
    assert_non_null(src);
    assert_int_equal(n, 13);
    for (int i = 0; i < n; i++) {
        char path[1024], buf[8192];
        mz_buf b;
        mz_buf_init(&b);
        mz_ev_template_csv(&s[i], &b);
        snprintf(path, sizeof path, "%s/docs/templates/%s.csv", src, s[i].code);
        FILE *f = fopen(path, "rb");
        if (f == NULL)
            fail_msg("missing %s", path);
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        if (len != b.len || memcmp(buf, b.data, len) != 0)
            fail_msg("%s differs from the generated template (minzheng import --template %s "
                     "--format csv --out %s)",
                     path, s[i].code, path);
        mz_buf_cleanup(&b);
    }
}

static int import(tdb *t, const mz_actor *a, const char *source, const char *mode, const char *data,
                  size_t len, json_t **out, int *existing, mz_error *err)
{
    mz_ev_import o;
    mz_ev_import_init(&o);
    o.source = source;
    o.mode = mode;
    o.as_of = "2025-10-31";
    o.file_name = "/home/someone/data.csv";
    mz_error_clear(err);
    tdb_begin(t);
    int rc = mz_ev_import_file(t->db, a, &o, data, len, out, existing, err);
    if (rc == 0)
        tdb_commit(t);
    else
        mz_db_rollback(t->db);
    return rc;
}

static int64_t jint(json_t *o, const char *k)
{
    return (int64_t)json_integer_value(json_object_get(o, k));
}

/* Every template, as CSV and as .xlsx, imports with both example rows accepted. */
static void test_import_every_template(void **state)
{
    tdb *t = tdb_get(state);
    int n;
    const mz_ev_source *s = mz_ev_sources(&n);
    for (int i = 0; i < n; i++) {
        for (int x = 0; x < 2; x++) {
            mz_buf b;
            mz_error err;
            json_t *out = NULL;
            int existing;
            mz_buf_init(&b);
            if (x == 0)
                mz_ev_template_csv(&s[i], &b);
            else
                assert_int_equal(mz_ev_template_xlsx(&s[i], &b, &err), 0);
            if (import(t, &t->cli, s[i].code, NULL, b.data, b.len, &out, &existing, &err) != 0)
                fail_msg("%s %s: %s", s[i].code, x ? "xlsx" : "csv", err.message);
            assert_int_equal(existing, 0);
            assert_string_equal(tdb_jstr(out, "status"), "imported");
            assert_string_equal(tdb_jstr(out, "file_format"), x ? "xlsx" : "csv");
            assert_string_equal(tdb_jstr(out, "department"), s[i].department);
            assert_string_equal(tdb_jstr(out, "file_name"), "data.csv");
            assert_int_equal(jint(out, "rows_total"), 2);
            if (jint(out, "rows_accepted") != 2)
                fail_msg("%s %s: %lld accepted", s[i].code, x ? "xlsx" : "csv",
                         (long long)jint(out, "rows_accepted"));
            json_decref(out);
            mz_buf_cleanup(&b);
        }
    }
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM evidence_records"), 4 * n);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM evidence_batches"), 2 * n);
    /* The typed columns: a vehicle's value in fen, a disability's grade, an area in 0.01 m². */
    assert_int_equal(tdb_count(t->db, "SELECT amount_fen FROM evidence_records WHERE source = "
                                      "'vehicle' AND ref = '苏N12345' AND batch_id = (SELECT "
                                      "MIN(batch_id) FROM evidence_records WHERE source = "
                                      "'vehicle')"),
                     6800000);
    assert_int_equal(tdb_count(t->db, "SELECT MIN(qty) FROM evidence_records WHERE source = "
                                      "'disability'"),
                     1);
    assert_int_equal(tdb_count(t->db, "SELECT MAX(qty) FROM evidence_records WHERE source = "
                                      "'property'"),
                     8956);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM evidence_records WHERE source = "
                                      "'death' AND date_from = '2025-03-02' AND "
                                      "id_number = '321302196503120015'"),
                     2);
}

static const char bad_file[] = "身份证号,姓名,号牌号码,车辆类型,初次登记日期,车辆价值（元）\n"
                               "321302196503120015,张建国,苏N1,小型汽车,2020/3/1,1000.5\n"
                               "321311197809200027,李秀英,苏N2,摩托车,2021-08-09,\n"
                               "321302196503120016,王五,苏N3,飞机,2020-13-01,1.234\n";

static void test_modes_and_idempotency(void **state)
{
    tdb *t = tdb_get(state);
    mz_error err;
    json_t *out = NULL;
    int existing;
    size_t len = strlen(bad_file);

    /* All-or-nothing: refused, with its error report, no records. */
    assert_int_equal(
        import(t, &t->cli, "vehicle", "all_or_nothing", bad_file, len, &out, &existing, &err), 0);
    int64_t b1 = jint(out, "id");
    assert_string_equal(tdb_jstr(out, "status"), "rejected");
    assert_int_equal(jint(out, "rows_total"), 3);
    assert_int_equal(jint(out, "rows_accepted"), 0);
    assert_int_equal(jint(out, "rows_rejected"), 1);
    assert_int_equal(jint(out, "errors_total"), 4);
    json_decref(out);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM evidence_records"), 0);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM evidence_errors"), 4);

    /* The same file in the same mode: the same batch, nothing new. */
    assert_int_equal(import(t, &t->cli, "vehicle", NULL, bad_file, len, &out, &existing, &err), 0);
    assert_int_equal(existing, 1);
    assert_int_equal(jint(out, "id"), b1);
    json_decref(out);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM evidence_batches"), 1);

    /* Valid rows: the two good rows kept. */
    assert_int_equal(
        import(t, &t->cli, "vehicle", "valid_rows", bad_file, len, &out, &existing, &err), 0);
    int64_t b2 = jint(out, "id");
    assert_int_equal(existing, 0);
    assert_string_equal(tdb_jstr(out, "status"), "imported");
    assert_int_equal(jint(out, "rows_accepted"), 2);
    assert_int_equal(jint(out, "rows_rejected"), 1);
    json_decref(out);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM evidence_records"), 2);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM evidence_records WHERE amount_fen = "
                                      "100050 AND date_from = '2020-03-01' AND row_no = 2"),
                     1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM evidence_records WHERE amount_fen "
                                      "IS NULL AND row_no = 3"),
                     1);

    /* Imported once: the same file again changes nothing, in either mode. */
    for (int m = 0; m < 2; m++) {
        assert_int_equal(import(t, &t->cli, "vehicle", m ? "valid_rows" : "all_or_nothing",
                                bad_file, len, &out, &existing, &err),
                         0);
        assert_int_equal(existing, 1);
        assert_int_equal(jint(out, "id"), b2);
        json_decref(out);
    }
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM evidence_batches"), 2);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM evidence_records"), 2);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'evidence.import'"),
                     2);

    /* The batch with its errors, ordered by row. */
    assert_int_equal(mz_ev_batch_get(t->db, &t->cli, b2, 2, &out, &err), 0);
    json_t *errors = json_object_get(out, "errors");
    assert_int_equal(json_array_size(errors), 2);
    assert_int_equal(jint(json_array_get(errors, 0), "row"), 4);
    assert_string_equal(tdb_jstr(json_array_get(errors, 0), "column"), "身份证号");
    assert_string_equal(tdb_jstr(json_array_get(errors, 0), "code"), "invalid_id_number");
    json_decref(out);
    assert_int_equal(mz_ev_batch_get(t->db, &t->cli, 999, 2, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "id");

    assert_int_equal(mz_ev_batches_list(t->db, &t->cli, "vehicle", 1, 20, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 2);
    assert_int_equal(jint(json_array_get(json_object_get(out, "items"), 0), "id"), b2);
    json_decref(out);
    assert_int_equal(mz_ev_batches_list(t->db, &t->cli, "tax", 1, 20, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 0);
    json_decref(out);
}

static void test_file_errors(void **state)
{
    tdb *t = tdb_get(state);
    mz_error err;
    json_t *out = NULL;
    int existing;
    static const struct {
        const char *source, *mode, *file;
        int status;
        const char *code, *field;
    } cases[] = {
        {"nope", NULL, bad_file, 400, "invalid_value", "source"},
        {"vehicle", "some", bad_file, 400, "invalid_value", "mode"},
        {"vehicle", NULL, "身份证号,姓名,号牌号码,车辆类型,颜色\n", 400, "unknown_column", "file"},
        {"vehicle", NULL, "身份证号,姓名,号牌号码\n1,2,3\n", 400, "missing_column", "file"},
        {"vehicle", NULL, "身份证号,姓名,号牌号码,车辆类型,初次登记日期,id_number\n1,2,3,4,5,6\n",
         400, "duplicate_column", "file"},
        {"vehicle", NULL, "身份证号,姓名,号牌号码,车辆类型,初次登记日期\n", 400, "file_invalid",
         "file"},
        {"vehicle", NULL, "a,\"b\n", 400, "file_invalid", "file"},
        {"vehicle", NULL, "", 400, "file_invalid", "file"},
        {"tax", NULL, bad_file, 400, "unknown_column", "file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (import(t, &t->cli, cases[i].source, cases[i].mode, cases[i].file, strlen(cases[i].file),
                   &out, &existing, &err) == 0)
            fail_msg("case %zu accepted", i);
        tdb_assert_err(err, cases[i].status, cases[i].code, cases[i].field);
    }
    /* English aliases in any case are accepted as headers. */
    const char *alias = "ID_NUMBER,Name,plate,vehicle_kind,registered_on\n"
                        "321302196503120015,张建国,苏N1,小型汽车,2020-03-01\n";
    assert_int_equal(
        import(t, &t->cli, "vehicle", NULL, alias, strlen(alias), &out, &existing, &err), 0);
    json_decref(out);

    /* As-of date: a real date, not in the future. */
    mz_ev_import o;
    mz_ev_import_init(&o);
    o.source = "vehicle";
    o.as_of = "2999-01-01";
    tdb_begin(t);
    assert_int_equal(
        mz_ev_import_file(t->db, &t->cli, &o, bad_file, strlen(bad_file), &out, &existing, &err),
        -1);
    tdb_assert_err(err, 400, "invalid_value", "as_of");
    o.as_of = "2025-02-30";
    assert_int_equal(
        mz_ev_import_file(t->db, &t->cli, &o, bad_file, strlen(bad_file), &out, &existing, &err),
        -1);
    tdb_assert_err(err, 400, "invalid_value", "as_of");
    o.as_of = NULL;
    o.limits.max_bytes = 10;
    assert_int_equal(
        mz_ev_import_file(t->db, &t->cli, &o, bad_file, strlen(bad_file), &out, &existing, &err),
        -1);
    tdb_assert_err(err, 413, "file_too_large", "file");
    mz_db_rollback(t->db);

    /* Without evidence:import:create. */
    mz_actor a;
    tdb_actor(t, tdb_user(t, "vw_ev", "village_worker", "321302001001"), &a);
    assert_int_equal(import(t, &a, "vehicle", NULL, alias, strlen(alias), &out, &existing, &err),
                     -1);
    tdb_assert_err(err, 403, "forbidden", "");
    assert_int_equal(mz_ev_batches_list(t->db, &a, NULL, 1, 20, &out, &err), -1);
    tdb_assert_err(err, 403, "forbidden", "");
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM evidence_batches"), 1);

    /* A verifier (核对中心) may import. */
    tdb_actor(t, tdb_user(t, "ver_ev", "verifier", "321300000000"), &a);
    const char *one =
        "身份证号,姓名,死亡日期,信息来源\n321302196503120015,张建国,2025-03-02,公安\n";
    assert_int_equal(import(t, &a, "death", NULL, one, strlen(one), &out, &existing, &err), 0);
    assert_string_equal(tdb_jstr(out, "imported_by"), "ver_ev");
    json_decref(out);
}

static void progress(void *ctx, int64_t rows, int64_t rejected)
{
    (void)rejected;
    *(int64_t *)ctx = rows;
}

/* Enough rows for many full multi-row inserts and a remainder. */
static void test_many_rows(void **state)
{
    tdb *t = tdb_get(state);
    mz_buf b;
    mz_error err;
    json_t *out = NULL;
    int existing;
    int64_t seen = 0;
    const int rows = 2537;
    mz_buf_init(&b);
    mz_buf_puts(&b, "身份证号,姓名,发放月份,月养老金,险种\n");
    for (int i = 0; i < rows; i++)
        mz_buf_printf(&b, "%s,张建国,2025-%02d,%d.%02d,城乡居民\n",
                      i % 2 ? "321302196503120015" : "321311197809200027", i % 12 + 1, 200 + i,
                      i % 100);
    mz_ev_import o;
    mz_ev_import_init(&o);
    o.source = "pension";
    o.progress = progress;
    o.progress_ctx = &seen;
    o.progress_every = 1000;
    mz_error_clear(&err);
    tdb_begin(t);
    assert_int_equal(mz_ev_import_file(t->db, &t->cli, &o, b.data, b.len, &out, &existing, &err),
                     0);
    tdb_commit(t);
    assert_int_equal(jint(out, "rows_accepted"), rows);
    assert_int_equal(seen, rows);
    json_decref(out);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM evidence_records"), rows);
    int64_t sum = 0;
    for (int i = 0; i < rows; i++)
        sum += (200 + i) * 100 + i % 100;
    assert_int_equal(tdb_count(t->db, "SELECT SUM(amount_fen) FROM evidence_records"), sum);
    assert_int_equal(tdb_count(t->db, "SELECT MAX(row_no) FROM evidence_records"), rows + 1);
    mz_buf_cleanup(&b);
}

/* A workbook as a department makes it: numeric dates and amounts, an ID typed as a number. */
static void test_xlsx_import(void **state)
{
    tdb *t = tdb_get(state);
    char path[] = "/tmp/test_evidence_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    const char *h[] = {"身份证号", "姓名",       "就诊类型", "入院日期",
                       "出院日期", "医疗总费用", "个人自付"};
    for (int c = 0; c < 7; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, h[c], NULL);
    worksheet_write_string(ws, 1, 0, "321302196503120015", NULL);
    worksheet_write_string(ws, 1, 1, "张建国", NULL);
    worksheet_write_string(ws, 1, 2, "住院", NULL);
    worksheet_write_number(ws, 1, 3, 45658, NULL); /* 2025-01-01 */
    worksheet_write_string(ws, 1, 4, "2025/1/9", NULL);
    worksheet_write_number(ws, 1, 5, 58230.4, NULL);
    worksheet_write_number(ws, 1, 6, 21035.12, NULL);
    worksheet_write_number(ws, 2, 0, 321302196503120015.0, NULL);
    worksheet_write_string(ws, 2, 1, "李秀英", NULL);
    worksheet_write_string(ws, 2, 2, "门诊", NULL);
    worksheet_write_number(ws, 2, 3, 45700, NULL);
    worksheet_write_number(ws, 2, 5, 100, NULL);
    worksheet_write_number(ws, 2, 6, 10, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    mz_buf b;
    mz_buf_init(&b);
    FILE *f = fopen(path, "rb");
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        mz_buf_append(&b, chunk, n);
    fclose(f);
    unlink(path);

    mz_error err;
    json_t *out = NULL;
    int existing;
    assert_int_equal(
        import(t, &t->cli, "medical", "valid_rows", b.data, b.len, &out, &existing, &err), 0);
    assert_string_equal(tdb_jstr(out, "file_format"), "xlsx");
    assert_int_equal(jint(out, "rows_accepted"), 1);
    assert_int_equal(jint(out, "rows_rejected"), 1);
    int64_t id = jint(out, "id");
    json_decref(out);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM evidence_records WHERE date_from = "
                                      "'2025-01-01' AND date_to = '2025-01-09' AND amount_fen = "
                                      "2103512 AND amount2_fen = 5823040 AND kind = '住院'"),
                     1);
    /* The ID typed as a number lost its digits: the message says how to fix it. */
    char *msg = NULL;
    assert_int_equal(mz_db_query_text(t->db, &msg,
                                      "SELECT message FROM evidence_errors WHERE batch_id = ?", "i",
                                      id),
                     MZ_DB_ROW);
    assert_non_null(strstr(msg, "文本"));
    mz_free(msg);

    /* The error report, as CSV and as a workbook read back; both exports audited. */
    mz_buf csv, xl;
    mz_buf_init(&csv);
    mz_buf_init(&xl);
    tdb_begin(t);
    assert_int_equal(mz_ev_errors_export(t->db, &t->cli, id, "csv", &csv, &err), 0);
    assert_int_equal(mz_ev_errors_export(t->db, &t->cli, id, "xlsx", &xl, &err), 0);
    assert_int_equal(mz_ev_errors_export(t->db, &t->cli, 999, "csv", &csv, &err), -1);
    tdb_assert_err(err, 404, "not_found", "id");
    tdb_commit(t);
    mz_buf_putc(&csv, '\0');
    assert_memory_equal(csv.data, "\xEF\xBB\xBF行号,列,内容,错误代码,错误说明\r\n3,身份证号,", 46);
    assert_non_null(strstr(csv.data, "invalid_id_number"));
    assert_true(mz_table_is_xlsx(xl.data, xl.len));
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                      "'evidence.errors.export'"),
                     2);
    mz_buf_cleanup(&csv);
    mz_buf_cleanup(&xl);
    mz_buf_cleanup(&b);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cells),     cmocka_unit_test(test_templates_match_docs),
        BOTH(test_import_every_template), BOTH(test_modes_and_idempotency),
        BOTH(test_file_errors),           BOTH(test_many_rows),
        BOTH(test_xlsx_import),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
