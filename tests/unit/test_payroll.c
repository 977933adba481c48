/*
 * Tests for src/core/payroll.c: a month pays every enrollment in force once,
 * running it again changes nothing, approvals dated into the past are paid
 * back (补发), months paid after a recorded death are recovered (追缴), the
 * control totals per program and county add up, approval needs a second
 * finance person, the bank files carry the totals; and the job guarantees:
 * two processes running one month at once (simultaneously, and one while the
 * other is midway) pay each line exactly once, and a run SIGKILLed midway is
 * resumed by the next one into exactly one line per enrollment.  Enrollments
 * are inserted by SQL; every case runs on SQLite and, with MZ_TEST_PG_URL,
 * on PostgreSQL.
 */
#include "testdb.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "core/payroll.h"

#define VILLAGE "321302001001"  /* 宿城区 凤凰居委会 */
#define VILLAGE2 "321311001001" /* 宿豫区 卓圩社区居委会 */
#define CITY "321300000000"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_payroll");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_payroll");
}

/* Inserts an enrollment; to NULL for open-ended, person 0 for none.  Returns its id. */
static int64_t enroll(tdb *t, const char *program, const char *region, int64_t amount,
                      const char *from, const char *to, const char *status, int64_t person)
{
    int64_t id = 0;
    if (mz_db_query_int64(t->db, &id,
                          "INSERT INTO enrollments (program, person_id, payee_name, region_code, "
                          "monthly_amount_fen, from_month, to_month, status, created_at, "
                          "updated_at) VALUES (?, NULLIF(?, 0), '张三', ?, ?, ?, ?, ?, "
                          "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id",
                          "titittt", program, person, region, amount, from, to,
                          status) != MZ_DB_ROW)
        fail_msg("enroll: %s", mz_db_errmsg(t->db));
    return id;
}

/* Inserts n open dibao enrollments of 100+i fen from 2026-01, alternating two counties. */
static int64_t enroll_many(tdb *t, int n)
{
    int64_t total = 0;
    tdb_begin(t);
    for (int i = 0; i < n; i++) {
        enroll(t, "dibao", i % 2 ? VILLAGE2 : VILLAGE, 100 + i, "2026-01", NULL, "in_force", 0);
        total += 100 + i;
    }
    tdb_commit(t);
    return total;
}

static json_t *run_ok(tdb *t, const mz_actor *a, const char *month)
{
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);
    if (mz_payroll_run(t->db, a, month, NULL, &out, &err) != 0)
        fail_msg("run %s: %s %s", month, err.code ? err.code : "", err.message);
    return out;
}

static int64_t jint(json_t *o, const char *k)
{
    return (int64_t)json_integer_value(json_object_get(o, k));
}

static int64_t q(tdb *t, const char *sql, const char *month)
{
    int64_t v = -1;
    if (mz_db_query_int64(t->db, &v, sql, "t", month) != MZ_DB_ROW)
        fail_msg("%s: %s", sql, mz_db_errmsg(t->db));
    return v;
}

/* The control totals entry for program, county and kind, or NULL. */
static json_t *total_of(json_t *run, const char *program, const char *county, const char *kind)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(run, "totals"), i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "program")), program) == 0 &&
            strcmp(json_string_value(json_object_get(x, "region_code")), county) == 0 &&
            strcmp(json_string_value(json_object_get(x, "kind")), kind) == 0)
            return x;
    }
    return NULL;
}

static void test_idempotent_with_totals(void **state)
{
    tdb *t = tdb_get(state);
    tdb_begin(t);
    enroll(t, "dibao", VILLAGE, 61000, "2026-01", NULL, "in_force", 0);
    enroll(t, "dibao", VILLAGE, 30000, "2026-03", "2026-06", "taper", 0);
    enroll(t, "dibao", VILLAGE2, 45000, "2026-02", NULL, "in_force", 0);
    enroll(t, "tekun", VILLAGE2, 79300, "2026-04", NULL, "in_force", 0);
    enroll(t, "dibao", VILLAGE, 99900, "2026-01", NULL, "suspended", 0);    /* 暂停: not paid */
    enroll(t, "dibao", VILLAGE, 88800, "2026-01", "2026-03", "stopped", 0); /* ended before */
    enroll(t, "dibao", VILLAGE2, 77700, "2026-05", NULL, "in_force", 0);    /* starts after */
    tdb_commit(t);

    json_t *r = run_ok(t, &t->cli, "2026-04");
    assert_true(json_is_true(json_object_get(r, "generated_now")));
    assert_string_equal(json_string_value(json_object_get(r, "state")), "generated");
    assert_int_equal(jint(r, "line_count"), 4);
    assert_int_equal(jint(r, "total_fen"), 61000 + 30000 + 45000 + 79300);
    json_t *x = total_of(r, "dibao", "321302000000", "regular");
    assert_non_null(x);
    assert_int_equal(jint(x, "lines"), 2);
    assert_int_equal(jint(x, "amount_fen"), 91000);
    assert_string_equal(json_string_value(json_object_get(x, "region_name")), "宿城区");
    x = total_of(r, "dibao", "321311000000", "regular");
    assert_int_equal(jint(x, "lines"), 1);
    assert_int_equal(jint(x, "amount_fen"), 45000);
    x = total_of(r, "tekun", "321311000000", "regular");
    assert_int_equal(jint(x, "amount_fen"), 79300);
    assert_int_equal(json_array_size(json_object_get(r, "totals")), 3);
    int64_t audit = tdb_count(t->db, "SELECT COUNT(*) FROM audit_log");
    json_decref(r);

    /* Again: nothing changes, not even the audit log. */
    r = run_ok(t, &t->cli, "2026-04");
    assert_false(json_is_true(json_object_get(r, "generated_now")));
    assert_int_equal(jint(r, "lines_added"), 0);
    assert_int_equal(jint(r, "line_count"), 4);
    assert_int_equal(jint(r, "total_fen"), 215300);
    json_decref(r);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM payment_lines"), 4);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log"), audit);

    /* A month is a real month; a county actor cannot run the city's payroll. */
    mz_error err;
    json_t *out = NULL;
    assert_int_equal(mz_payroll_run(t->db, &t->cli, "2026-13", NULL, &out, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "month");
    mz_actor county;
    tdb_actor(t, tdb_user(t, "cfin", "finance", "321302000000"), &county);
    assert_int_equal(mz_payroll_run(t->db, &county, "2026-05", NULL, &out, &err), -1);
    tdb_assert_err(err, 403, "forbidden", "");
    /* The county's finance reads the totals of its county only. */
    assert_int_equal(mz_payroll_get(t->db, &county, "2026-04", &out, &err), 0);
    assert_int_equal(json_array_size(json_object_get(out, "totals")), 1);
    assert_non_null(total_of(out, "dibao", "321302000000", "regular"));
    json_decref(out);
    assert_int_equal(mz_payroll_lines(t->db, &county, "2026-04", 1, 50, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 2);
    json_decref(out);
}

/* 补发: an enrollment approved into the past gets the months already paid to others. */
static void test_back_pay(void **state)
{
    tdb *t = tdb_get(state);
    tdb_begin(t);
    int64_t a = enroll(t, "dibao", VILLAGE, 61000, "2026-01", NULL, "in_force", 0);
    tdb_commit(t);
    json_decref(run_ok(t, &t->cli, "2026-02"));
    json_decref(run_ok(t, &t->cli, "2026-03"));
    /* Approved late, from February (dated into the past). */
    tdb_begin(t);
    int64_t b = enroll(t, "dibao", VILLAGE2, 50000, "2026-02", NULL, "in_force", 0);
    tdb_commit(t);
    json_t *r = run_ok(t, &t->cli, "2026-04");
    assert_int_equal(jint(r, "line_count"), 4); /* a, b regular; b back pay for 02 and 03 */
    assert_int_equal(jint(r, "total_fen"), 61000 + 3 * 50000);
    json_t *x = total_of(r, "dibao", "321311000000", "back_pay");
    assert_non_null(x);
    assert_int_equal(jint(x, "lines"), 2);
    assert_int_equal(jint(x, "amount_fen"), 100000);
    json_decref(r);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM payment_lines WHERE enrollment_id = %lld AND kind = 'back_pay' "
             "AND month IN ('2026-02', '2026-03') AND amount_fen = 50000 AND ? <> ''",
             (long long)b);
    assert_int_equal(q(t, sql, "x"), 2);
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM payment_lines WHERE enrollment_id = %lld AND kind <> 'regular' "
             "AND ? <> ''",
             (long long)a);
    assert_int_equal(q(t, sql, "x"), 0);
    /* Paid back once: May has only the regular lines. */
    r = run_ok(t, &t->cli, "2026-05");
    assert_int_equal(jint(r, "line_count"), 2);
    assert_int_equal(jint(r, "total_fen"), 111000);
    json_decref(r);
}

/* A recorded death stops the enrollment from the next month and recovers what was paid after. */
static void test_recovery_after_death(void **state)
{
    tdb *t = tdb_get(state);
    int64_t person = 0;
    tdb_begin(t);
    if (mz_db_query_int64(t->db, &person,
                          "INSERT INTO persons (id_number, name, gender, birth_date, "
                          "created_region, created_at, updated_at) VALUES ('32130219400101001X', "
                          "'王老五', 'M', '1940-01-01', ?, '2026-01-01T00:00:00Z', "
                          "'2026-01-01T00:00:00Z') RETURNING id",
                          "t", VILLAGE) != MZ_DB_ROW)
        fail_msg("person: %s", mz_db_errmsg(t->db));
    int64_t e = enroll(t, "tekun", VILLAGE, 79300, "2026-01", NULL, "in_force", person);
    enroll(t, "dibao", VILLAGE, 61000, "2026-01", NULL, "in_force", 0);
    tdb_commit(t);
    json_decref(run_ok(t, &t->cli, "2026-01"));
    json_decref(run_ok(t, &t->cli, "2026-02"));
    json_decref(run_ok(t, &t->cli, "2026-03"));
    /* Died on 15 January: February and March were paid after the death. */
    assert_int_equal(mz_db_run(t->db, NULL,
                               "UPDATE persons SET deceased_on = '2026-01-15' WHERE id = ?", "i",
                               person),
                     MZ_DB_OK);
    json_t *r = run_ok(t, &t->cli, "2026-04");
    assert_int_equal(jint(r, "line_count"), 3); /* dibao regular, two recoveries */
    assert_int_equal(jint(r, "total_fen"), 61000 - 2 * 79300);
    json_t *x = total_of(r, "tekun", "321302000000", "recovery");
    assert_non_null(x);
    assert_int_equal(jint(x, "lines"), 2);
    assert_int_equal(jint(x, "amount_fen"), -158600);
    assert_null(total_of(r, "tekun", "321302000000", "regular"));
    json_decref(r);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM enrollments WHERE id = %lld AND status = 'stopped' AND to_month "
             "= ?",
             (long long)e);
    assert_int_equal(q(t, sql, "2026-01"), 1);
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM enrollment_changes WHERE enrollment_id = %lld AND kind = 'stop' "
             "AND from_month = ? AND case_id IS NULL AND reason = '死亡'",
             (long long)e);
    assert_int_equal(q(t, sql, "2026-02"), 1);
    /* Recovered once: May pays the dibao line only. */
    r = run_ok(t, &t->cli, "2026-05");
    assert_int_equal(jint(r, "line_count"), 1);
    assert_int_equal(jint(r, "total_fen"), 61000);
    json_decref(r);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM payment_lines WHERE kind = 'recovery'"),
                     2);
}

/* Approval by a second finance person, then the bank files with their totals. */
static void test_approve_and_export(void **state)
{
    tdb *t = tdb_get(state);
    mz_actor f1, f2, county;
    mz_error err;
    json_t *out = NULL;
    mz_buf b;
    tdb_actor(t, tdb_user(t, "fin1", "finance", CITY), &f1);
    tdb_actor(t, tdb_user(t, "fin2", "finance", CITY), &f2);
    tdb_actor(t, tdb_user(t, "cfin", "finance", "321302000000"), &county);
    tdb_begin(t);
    enroll(t, "dibao", VILLAGE, 61050, "2026-01", NULL, "in_force", 0);
    enroll(t, "dibao", VILLAGE2, 45000, "2026-01", NULL, "in_force", 0);
    assert_int_equal(
        mz_db_run(t->db, NULL,
                  "UPDATE enrollments SET payee_name = '李\"四,' WHERE region_code = ?", "t",
                  VILLAGE2),
        MZ_DB_OK);
    tdb_commit(t);
    json_decref(run_ok(t, &f1, "2026-04"));

    mz_buf_init(&b);
    tdb_begin(t);
    assert_int_equal(mz_payroll_export(t->db, &f2, "2026-04", "csv", &b, &err), -1);
    tdb_assert_err(err, 409, "invalid_state", "");
    assert_int_equal(mz_payroll_approve(t->db, &f1, "2026-04", &out, &err), -1);
    tdb_assert_err(err, 409, "same_person", "");
    assert_int_equal(mz_payroll_approve(t->db, &county, "2026-04", &out, &err), -1);
    tdb_assert_err(err, 403, "forbidden", "");
    assert_int_equal(mz_payroll_approve(t->db, &f2, "2026-03", &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    mz_db_rollback(t->db);
    tdb_begin(t);
    assert_int_equal(mz_payroll_approve(t->db, &f2, "2026-04", &out, &err), 0);
    tdb_commit(t);
    assert_string_equal(json_string_value(json_object_get(out, "state")), "approved");
    assert_string_equal(json_string_value(json_object_get(out, "approved_by")), "fin2");
    json_decref(out);
    tdb_begin(t);
    assert_int_equal(mz_payroll_approve(t->db, &f2, "2026-04", &out, &err), -1);
    tdb_assert_err(err, 409, "invalid_state", "");
    assert_int_equal(mz_payroll_export(t->db, &f1, "2026-04", "pdf", &b, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "format");
    assert_int_equal(mz_payroll_export(t->db, &f1, "2026-04", "csv", &b, &err), 0);
    tdb_commit(t);
    assert_memory_equal(b.data, "\xEF\xBB\xBF序号,收款人,", strlen("\xEF\xBB\xBF序号,收款人,"));
    assert_non_null(strstr(b.data, "\"李\"\"四,\""));
    assert_non_null(strstr(b.data, ",610.50,正常发放,2026-04,最低生活保障,321302001001\r\n"));
    assert_non_null(strstr(b.data, "\r\n合计,2 笔,,,1060.50,,,,\r\n"));
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM payroll_runs WHERE state = 'exported'"),
                     1);
    assert_int_equal(tdb_count(t->db, "SELECT COUNT(*) FROM audit_log WHERE action IN "
                                      "('payroll.run', 'payroll.approve', 'payroll.export')"),
                     3);
    mz_buf_cleanup(&b);
    tdb_begin(t);
    assert_int_equal(mz_payroll_export(t->db, &f1, "2026-04", "xlsx", &b, &err), 0);
    tdb_commit(t);
    assert_true(b.len > 1000);
    assert_memory_equal(b.data, "PK\x03\x04", 4);
    mz_buf_cleanup(&b);
}

/* The unique key is the last line of defence: the same line cannot be stored twice. */
static void test_unique_line(void **state)
{
    tdb *t = tdb_get(state);
    enroll_many(t, 3);
    json_decref(run_ok(t, &t->cli, "2026-04"));
    int rc = mz_db_run(t->db, NULL,
                       "INSERT INTO payment_lines (run_id, enrollment_id, month, kind, amount_fen, "
                       "program, payee_name, region_code, created_at) SELECT run_id, "
                       "enrollment_id, month, kind, amount_fen, program, payee_name, region_code, "
                       "created_at FROM payment_lines WHERE month = ?",
                       "t", "2026-04");
    assert_int_equal(rc, MZ_DB_CONSTRAINT);
}

/* ---- several processes --------------------------------------------------- */

enum { CHILD_GENERATED = 0, CHILD_ALREADY = 10, CHILD_BUSY = 11, CHILD_ERROR = 1 };

/* Runs month in a child process on its own connection; the child exits with a CHILD_ code. */
static pid_t spawn_run(tdb *t, const char *month, int batch, int pause_ms, int wait_fd)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid > 0)
        return pid;
    char msg[256], c;
    if (wait_fd >= 0 && read(wait_fd, &c, 1) != 1)
        _exit(CHILD_ERROR);
    mz_db *db = mz_db_open(t->url, msg, sizeof msg);
    if (db == NULL)
        _exit(CHILD_ERROR);
    mz_payroll_options o = {.batch_size = batch, .stale_seconds = 120, .pause_ms = pause_ms};
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);
    int rc = mz_payroll_run(db, &t->cli, month, &o, &out, &err);
    if (rc != 0 && err.code && strcmp(err.code, "payroll_busy") == 0)
        _exit(CHILD_BUSY);
    if (rc != 0) {
        fprintf(stderr, "child: %s %s\n", err.code ? err.code : "", err.message);
        _exit(CHILD_ERROR);
    }
    _exit(json_is_true(json_object_get(out, "generated_now")) ? CHILD_GENERATED : CHILD_ALREADY);
}

static int child_code(pid_t pid)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* The fixture's connection must not cross fork(): closed before, reopened after. */
static void reopen(tdb *t)
{
    char msg[256];
    t->db = mz_db_open(t->url, msg, sizeof msg);
    if (t->db == NULL)
        fail_msg("reopen: %s", msg);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits (up to 20 s) until at least n lines of month exist; returns the count seen. */
static int64_t wait_lines(tdb *t, int64_t n)
{
    int64_t c = 0;
    for (int i = 0; i < 4000 && c < n; i++) {
        sleep_ms(5);
        c = q(t, "SELECT COUNT(*) FROM payment_lines WHERE month = ?", "2026-04");
    }
    return c;
}

/* Asserts exactly one regular line per enrollment and the control totals of a finished run. */
static void assert_paid_once(tdb *t, int n, int64_t total)
{
    assert_int_equal(q(t, "SELECT COUNT(*) FROM payment_lines WHERE month = ?", "2026-04"), n);
    assert_int_equal(
        q(t, "SELECT COUNT(DISTINCT enrollment_id) FROM payment_lines WHERE month = ?", "2026-04"),
        n);
    assert_int_equal(q(t, "SELECT SUM(amount_fen) FROM payment_lines WHERE month = ?", "2026-04"),
                     total);
    assert_int_equal(q(t, "SELECT total_fen FROM payroll_runs WHERE month = ?", "2026-04"), total);
    assert_int_equal(q(t, "SELECT line_count FROM payroll_runs WHERE month = ?", "2026-04"), n);
    assert_int_equal(q(t,
                       "SELECT COUNT(*) FROM payroll_runs WHERE state = 'generated' AND month = ?",
                       "2026-04"),
                     1);
}

/* Two processes released at the same instant: one generates, the other finds it busy or done. */
static void test_concurrent_start(void **state)
{
    tdb *t = tdb_get(state);
    enum { N = 300 };
    int64_t total = enroll_many(t, N);
    int go[2];
    assert_int_equal(pipe(go), 0);
    mz_db_close(t->db);
    t->db = NULL;
    pid_t a = spawn_run(t, "2026-04", 10, 1, go[0]);
    pid_t b = spawn_run(t, "2026-04", 10, 1, go[0]);
    assert_int_equal(write(go[1], "ab", 2), 2);
    close(go[0]);
    close(go[1]);
    int ca = child_code(a), cb = child_code(b);
    reopen(t);
    assert_true((ca == CHILD_GENERATED && (cb == CHILD_BUSY || cb == CHILD_ALREADY)) ||
                (cb == CHILD_GENERATED && (ca == CHILD_BUSY || ca == CHILD_ALREADY)));
    assert_paid_once(t, N, total);
}

/* A second process started while the first is midway is refused; the first completes alone. */
static void test_concurrent_midway(void **state)
{
    tdb *t = tdb_get(state);
    enum { N = 300 };
    int64_t total = enroll_many(t, N);
    mz_db_close(t->db);
    t->db = NULL;
    pid_t a = spawn_run(t, "2026-04", 10, 40, -1);
    reopen(t);
    int64_t seen = wait_lines(t, 20);
    assert_true(seen >= 20 && seen < N);
    mz_db_close(t->db);
    t->db = NULL;
    pid_t b = spawn_run(t, "2026-04", 10, 0, -1);
    assert_int_equal(child_code(b), CHILD_BUSY);
    assert_int_equal(child_code(a), CHILD_GENERATED);
    reopen(t);
    assert_paid_once(t, N, total);
}

/* SIGKILL midway: the month stays 'generating' with part of the lines; the next run resumes,
 * on one connection or (url) reading the next batches on a second. */
static void crash_resume(tdb *t, const char *url)
{
    enum { N = 300 };
    int64_t total = enroll_many(t, N);
    mz_db_close(t->db);
    t->db = NULL;
    pid_t a = spawn_run(t, "2026-04", 10, 40, -1);
    reopen(t);
    int64_t seen = wait_lines(t, 50);
    assert_int_equal(kill(a, SIGKILL), 0);
    int status;
    assert_int_equal(waitpid(a, &status, 0), a);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    int64_t left = q(t, "SELECT COUNT(*) FROM payment_lines WHERE month = ?", "2026-04");
    assert_true(seen >= 50 && left >= seen && left < N);
    assert_int_equal(q(t,
                       "SELECT COUNT(*) FROM payroll_runs WHERE state = 'generating' AND month = ?",
                       "2026-04"),
                     1);

    /* While its heartbeat is fresh the dead run still holds the month... */
    mz_payroll_options o = {.batch_size = 10, .stale_seconds = 120, .url = url};
    json_t *out = NULL;
    mz_error err;
    assert_int_equal(mz_payroll_run(t->db, &t->cli, "2026-04", &o, &out, &err), -1);
    tdb_assert_err(err, 409, "payroll_busy", "");
    /* ...once stale, the next run takes it over and completes it. */
    o.stale_seconds = 0;
    assert_int_equal(mz_payroll_run(t->db, &t->cli, "2026-04", &o, &out, &err), 0);
    assert_true(json_is_true(json_object_get(out, "generated_now")));
    assert_int_equal(jint(out, "lines_added"), N - left);
    json_decref(out);
    assert_paid_once(t, N, total);
}

static void test_crash_resume(void **state)
{
    crash_resume(tdb_get(state), NULL);
}

static void test_crash_resume_two_connections(void **state)
{
    tdb *t = tdb_get(state);
    crash_resume(t, t->url);
}

/* A pricing hook that doubles the stored amount and counts the calls made on the run's own
 * connection (main) and on others; the call numbered fail_at (from 1) fails. */
typedef struct pricing {
    mz_db *main;
    int on_main, elsewhere, fail_at;
} pricing;

static int doubled(void *arg, mz_db *db, const mz_payroll_basis *b, const char *month,
                   mz_payroll_amount *out, mz_error *err)
{
    pricing *p = arg;
    (void)month;
    if (db == p->main)
        p->on_main++;
    else
        p->elsewhere++;
    if (p->on_main + p->elsewhere == p->fail_at)
        return mz_error_set(err, 400, "invalid_value", "enrollment", "测试：第 %d 笔定价失败",
                            p->fail_at);
    *out = (mz_payroll_amount){.amount_fen = b->stored_amount_fen * 2, .standard_fen = 1};
    return 1;
}

/* With the database's URL the regular lines are read and priced on a second connection, in
 * chunks (of 7 here), while the first writes the chunks before and commits every batch (25
 * lines: four chunks): the same lines, each priced once, none on the writing connection, a
 * short last chunk. */
static void test_two_connections(void **state)
{
    tdb *t = tdb_get(state);
    enum { N = 300 };
    int64_t total = enroll_many(t, N);
    tdb_exec(t->db, "UPDATE enrollments SET basis_category = 'dibao'");
    pricing p = {.main = t->db};
    mz_payroll_options o = {.batch_size = 25,
                            .chunk_size = 7,
                            .stale_seconds = 120,
                            .amount = doubled,
                            .amount_arg = &p,
                            .url = t->url};
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);

    /* Pricing fails on the 60th line (in the ninth chunk): the run fails with that error, the
     * two transactions before it stay (four chunks each, 56 lines), the third leaves nothing... */
    p.fail_at = 60;
    assert_int_equal(mz_payroll_run(t->db, &t->cli, "2026-04", &o, &out, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "enrollment");
    assert_int_equal(q(t, "SELECT COUNT(*) FROM payment_lines WHERE month = ?", "2026-04"), 56);
    assert_int_equal(p.elsewhere, 60);
    assert_int_equal(p.on_main, 0);
    /* ...and the run, taken over once stale, goes on from the 57th enrollment. */
    p = (pricing){.main = t->db};
    o.stale_seconds = 0;
    assert_int_equal(mz_payroll_run(t->db, &t->cli, "2026-04", &o, &out, &err), 0);
    assert_int_equal(jint(out, "lines_added"), N - 56);
    json_decref(out);
    assert_paid_once(t, N, 2 * total);
    assert_int_equal(p.elsewhere, N - 56);
    assert_int_equal(p.on_main, 0);
    assert_int_equal(
        q(t, "SELECT COUNT(*) FROM payment_lines WHERE month = ? AND standard_fen = 1", "2026-04"),
        N);
    /* A URL that cannot be opened: the run reads and writes in turn, with the same result. */
    mz_payroll_options bad = o;
    bad.url = "sqlite:/nonexistent-dir/x.db";
    p.elsewhere = 0;
    assert_int_equal(mz_payroll_run(t->db, &t->cli, "2026-05", &bad, &out, &err), 0);
    json_decref(out);
    assert_int_equal(p.on_main, N);
    assert_int_equal(p.elsewhere, 0);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_idempotent_with_totals),
        BOTH(test_back_pay),
        BOTH(test_recovery_after_death),
        BOTH(test_approve_and_export),
        BOTH(test_unique_line),
        BOTH(test_concurrent_start),
        BOTH(test_concurrent_midway),
        BOTH(test_crash_resume),
        BOTH(test_crash_resume_two_connections),
        BOTH(test_two_connections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
