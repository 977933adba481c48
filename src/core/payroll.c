/*
 * The monthly payroll (see payroll.h).  mz_payroll_run is a job of steps,
 * each one transaction: take the month's lock row, apply recorded deaths,
 * then regular, back-pay and recovery lines in batches, then the control
 * totals.  Every step first renews the heartbeat under the condition that
 * the lock is still ours: on PostgreSQL that UPDATE also holds the row lock
 * until the batch commits, so a process taking over a stale run waits for a
 * live one's batch and then sees its fresh heartbeat.  Nothing is kept in
 * process memory between steps that another process would need.
 */
#include "core/payroll.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <xlsxwriter.h>

#include "base/date.h"
#include "base/money.h"
#include "core/audit.h"
#include "core/enrollment.h"

static int check_month(const char *month, int *m, mz_error *err)
{
    if (month == NULL || mz_month_parse(month, m) != 0)
        return mz_error_set(err, 400, "invalid_value", "month", "月份须为 YYYY-MM");
    return 0;
}

/* Runs, approvals and exports cover the whole city: permission and full scope. */
static int check_city(const mz_actor *actor, const char *perm, mz_error *err)
{
    if (!mz_actor_can(actor, perm) || strlen(actor->scope_prefix) > 4)
        return mz_error_set(err, 403, "forbidden", NULL, "需要市级财务权限（%s）", perm);
    return 0;
}

/* "****1234": the last four digits of an account, or NULL without one. */
static void mask_account(const char *acct, char out[16])
{
    size_t n = acct ? strlen(acct) : 0;
    snprintf(out, 16, "****%s", n > 4 ? acct + n - 4 : (acct ? acct : ""));
}

static const char *kind_name(const char *kind)
{
    return strcmp(kind, "regular") == 0    ? "正常发放"
           : strcmp(kind, "back_pay") == 0 ? "补发"
                                           : "追缴";
}

static const char *program_name(const char *program)
{
    return strcmp(program, "dibao") == 0   ? "最低生活保障"
           : strcmp(program, "tekun") == 0 ? "特困人员救助供养"
                                           : program;
}

/* ---- reading ------------------------------------------------------------ */

#define RUN_COLUMNS                                                                                \
    "id, month, state, started_by, started_at, finished_at, line_count, total_fen, "               \
    "approved_by, approved_at, exported_at "

static json_t *opt_text(mz_stmt *st, int col)
{
    return mz_stmt_is_null(st, col) ? json_null() : json_string(mz_stmt_text(st, col));
}

static json_t *opt_int(mz_stmt *st, int col)
{
    return mz_stmt_is_null(st, col) ? json_null()
                                    : json_integer((json_int_t)mz_stmt_int64(st, col));
}

static json_t *run_from_row(mz_stmt *st)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:I,s:I,s:o,s:o,s:o}", "id",
                     (json_int_t)mz_stmt_int64(st, 0), "month", mz_stmt_text(st, 1), "state",
                     mz_stmt_text(st, 2), "started_by", mz_stmt_text(st, 3), "started_at",
                     mz_stmt_text(st, 4), "finished_at", opt_text(st, 5), "line_count",
                     (json_int_t)mz_stmt_int64(st, 6), "total_fen",
                     (json_int_t)mz_stmt_int64(st, 7), "approved_by", opt_text(st, 8),
                     "approved_at", opt_text(st, 9), "exported_at", opt_text(st, 10));
}

/* The run row of a month (no totals); 404 when none. */
static int load_run(mz_db *db, const char *month, json_t **out, mz_error *err)
{
    *out = NULL;
    mz_stmt *st = mz_db_prepare_bind(db, "SELECT " RUN_COLUMNS "FROM payroll_runs WHERE month = ?",
                                     "t", month);
    int rc = st ? mz_stmt_step(st) : MZ_DB_ERROR;
    if (rc == MZ_DB_ROW)
        *out = run_from_row(st);
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (*out == NULL)
        return mz_error_set(err, 404, "not_found", NULL, "%s 尚未生成发放", month);
    return 0;
}

int mz_payroll_get(mz_db *db, const mz_actor *actor, const char *month, json_t **out, mz_error *err)
{
    char like[16];
    int m, rc = MZ_DB_ERROR;
    *out = NULL;
    if (check_month(month, &m, err) < 0 || load_run(db, month, out, err) < 0)
        return -1;
    snprintf(like, sizeof like, "%s%%", actor->scope_prefix);
    json_t *totals = json_array();
    json_object_set_new(*out, "totals", totals);
    mz_stmt *st = mz_db_prepare_bind(
        db,
        /* the county's name joined to the dozen totals, not to every line */
        "SELECT t.program, t.county || '000000', g.name, t.kind, t.n, t.amount FROM (SELECT "
        "program, SUBSTR(region_code, 1, 6) AS county, kind, COUNT(*) AS n, SUM(amount_fen) AS "
        "amount FROM payment_lines WHERE run_id = ? AND region_code LIKE ? GROUP BY program, "
        "SUBSTR(region_code, 1, 6), kind) t LEFT JOIN regions g ON g.code = t.county || '000000' "
        "ORDER BY 1, 2, 4",
        "it", (int64_t)json_integer_value(json_object_get(*out, "id")), like);
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(
            totals, json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "program", mz_stmt_text(st, 0),
                              "program_name", program_name(mz_stmt_text(st, 0)), "region_code",
                              mz_stmt_text(st, 1), "region_name",
                              mz_stmt_text(st, 2) ? mz_stmt_text(st, 2) : "", "kind",
                              mz_stmt_text(st, 3), "lines", (json_int_t)mz_stmt_int64(st, 4),
                              "amount_fen", (json_int_t)mz_stmt_int64(st, 5)));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    return 0;
}

int mz_payroll_list(mz_db *db, const mz_actor *actor, int page, int page_size, json_t **out,
                    mz_error *err)
{
    int rc = MZ_DB_ERROR;
    int64_t total = 0;
    (void)actor;
    *out = NULL;
    if (page < 1)
        page = 1;
    if (page_size < 1 || page_size > 200)
        page_size = 20;
    if (mz_db_query_int64(db, &total, "SELECT COUNT(*) FROM payroll_runs", "") < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_t *items = json_array();
    mz_stmt *st = mz_db_prepare_bind(
        db, "SELECT " RUN_COLUMNS "FROM payroll_runs ORDER BY month DESC LIMIT ? OFFSET ?", "ii",
        (int64_t)page_size, (int64_t)(page - 1) * page_size);
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(items, run_from_row(st));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(items);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    *out = json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page", page,
                     "page_size", page_size);
    return 0;
}

int mz_payroll_lines(mz_db *db, const mz_actor *actor, const char *month, int page, int page_size,
                     json_t **out, mz_error *err)
{
    char like[16];
    int m, rc = MZ_DB_ERROR;
    int64_t total = 0;
    json_t *run = NULL;
    *out = NULL;
    if (page < 1)
        page = 1;
    if (page_size < 1 || page_size > 200)
        page_size = 50;
    if (check_month(month, &m, err) < 0 || load_run(db, month, &run, err) < 0)
        return -1;
    int64_t run_id = (int64_t)json_integer_value(json_object_get(run, "id"));
    json_decref(run);
    snprintf(like, sizeof like, "%s%%", actor->scope_prefix);
    if (mz_db_query_int64(db, &total,
                          "SELECT COUNT(*) FROM payment_lines WHERE run_id = ? AND region_code "
                          "LIKE ?",
                          "it", run_id, like) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_t *items = json_array();
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT l.id, l.enrollment_id, l.month, l.kind, l.amount_fen, l.program, l.payee_name, "
        "l.bank_name, l.account_masked, l.region_code, g.name, l.standard_fen, "
        "l.policy_param_id FROM payment_lines l LEFT JOIN "
        "regions g ON g.code = l.region_code WHERE l.run_id = ? AND l.region_code LIKE ? "
        "ORDER BY l.region_code, l.enrollment_id, l.month, l.kind LIMIT ? OFFSET ?",
        "itii", run_id, like, (int64_t)page_size, (int64_t)(page - 1) * page_size);
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(
            items, json_pack("{s:I,s:I,s:s,s:s,s:I,s:s,s:s,s:o,s:o,s:s,s:o,s:o,s:o}", "id",
                             (json_int_t)mz_stmt_int64(st, 0), "enrollment_id",
                             (json_int_t)mz_stmt_int64(st, 1), "month", mz_stmt_text(st, 2), "kind",
                             mz_stmt_text(st, 3), "amount_fen", (json_int_t)mz_stmt_int64(st, 4),
                             "program", mz_stmt_text(st, 5), "payee_name", mz_stmt_text(st, 6),
                             "bank_name", opt_text(st, 7), "account_masked", opt_text(st, 8),
                             "region_code", mz_stmt_text(st, 9), "region_name", opt_text(st, 10),
                             "standard_fen", opt_int(st, 11), "policy_param_id", opt_int(st, 12)));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(items);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    *out = json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page", page,
                     "page_size", page_size);
    return 0;
}

/* ---- generating --------------------------------------------------------- */

typedef struct line {
    int64_t enrollment_id;
    char month[8];
    int64_t amount_fen;
    char *program, *payee, *bank_name, *bank_account, *region;
    char *category, *care_level;     /* the basis (migration 006); NULL when not recorded */
    int64_t members, per_capita;     /* 0 / -1 when not recorded */
    int64_t standard_fen, policy_id; /* what decided the amount; 0 when the stored amount */
} line;

/* The lines of one batch: the array and the texts (in the arena) kept across batches. */
typedef struct lines {
    line *v;
    size_t n, cap;
    mz_arena *texts;
} lines;

typedef struct job {
    mz_db *db;
    const mz_actor *actor;
    const char *month;
    int64_t run_id;
    char owner[128];
    int batch, chunk, stale, pause_ms;
    int64_t added;
    const mz_payroll_options *opt;
    lines lines; /* the batch being written */
    mz_db *rdb;  /* the regular phase's reading connection, or NULL (see regular_phase) */
} job;

static char *text_or_null(mz_arena *a, mz_stmt *st, int col)
{
    const char *s = mz_stmt_text(st, col);
    return s ? mz_arena_strdup(a, s) : NULL;
}

/* Takes the month's lock row, or takes over a stale one.  *mine: 1 when ours. */
static int acquire(job *j, int *mine, char state[16], mz_error *err)
{
    char at[21];
    int64_t changed = 0, now = (int64_t)time(NULL);
    char *s = NULL;
    *mine = 0;
    mz_time_iso(time(NULL), at);
    if (mz_db_begin(j->db) < 0)
        return mz_error_internal(err, mz_db_errmsg(j->db));
    if (mz_db_run(j->db, &changed,
                  "INSERT INTO payroll_runs (month, state, started_by, started_at, lock_owner, "
                  "heartbeat_epoch) VALUES (?, 'generating', ?, ?, ?, ?) "
                  "ON CONFLICT (month) DO NOTHING",
                  "tttti", j->month, j->actor->username, at, j->owner, now) < 0)
        goto fail;
    if (changed == 0 &&
        mz_db_run(j->db, &changed,
                  "UPDATE payroll_runs SET lock_owner = ?, heartbeat_epoch = ? WHERE month = ? "
                  "AND state = 'generating' AND heartbeat_epoch <= ?",
                  "titi", j->owner, now, j->month, now - j->stale) < 0)
        goto fail;
    *mine = changed == 1;
    if (mz_db_query_int64(j->db, &j->run_id, "SELECT id FROM payroll_runs WHERE month = ?", "t",
                          j->month) != MZ_DB_ROW ||
        mz_db_query_text(j->db, &s, "SELECT state FROM payroll_runs WHERE month = ?", "t",
                         j->month) != MZ_DB_ROW)
        goto fail;
    snprintf(state, 16, "%s", s);
    mz_free(s);
    if (mz_db_commit(j->db) < 0)
        return mz_error_internal(err, mz_db_errmsg(j->db));
    return 0;
fail:
    mz_error_internal(err, mz_db_errmsg(j->db));
    mz_db_rollback(j->db);
    return -1;
}

/*
 * Begins a step: a transaction in which the heartbeat is renewed while the lock is ours.
 * trusted: a step that writes regular lines, whose references need no enforcement
 * (mz_db_begin_trusted): the run row is the one whose heartbeat this step renews,
 * and the enrollments were read from a table whose rows nothing deletes (they end
 * by their status).
 */
static int step_begin_as(job *j, int trusted, mz_error *err)
{
    int64_t changed = 0;
    if ((trusted ? mz_db_begin_trusted(j->db) : mz_db_begin(j->db)) < 0)
        return mz_error_internal(err, mz_db_errmsg(j->db));
    if (mz_db_run(j->db, &changed,
                  "UPDATE payroll_runs SET heartbeat_epoch = ? WHERE id = ? AND lock_owner = ? "
                  "AND state = 'generating'",
                  "iit", (int64_t)time(NULL), j->run_id, j->owner) < 0) {
        mz_error_internal(err, mz_db_errmsg(j->db));
        mz_db_rollback(j->db);
        return -1;
    }
    if (changed != 1) {
        mz_db_rollback(j->db);
        return mz_error_set(err, 409, "payroll_busy", NULL, "%s 的发放已由另一进程接手", j->month);
    }
    return 0;
}

static int step_begin(job *j, mz_error *err)
{
    return step_begin_as(j, 0, err);
}

static int step_commit(job *j, mz_error *err)
{
    if (mz_db_commit(j->db) < 0)
        return mz_error_internal(err, mz_db_errmsg(j->db));
    return 0;
}

static int step_fail(job *j)
{
    mz_db_rollback(j->db);
    return -1;
}

/* Reads the candidate lines of a query (enrollment, month, amount, program, payee, bank
 * name, bank account, region, then the basis: category, members, per-capita income, care)
 * in place of the previous batch's. */
static int read_lines(mz_stmt *st, lines *out)
{
    int rc;
    out->n = 0;
    mz_arena_reset(out->texts);
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 64;
            out->v = mz_realloc(out->v, out->cap * sizeof *out->v);
        }
        line *l = &out->v[out->n++];
        mz_arena *a = out->texts;
        l->enrollment_id = mz_stmt_int64(st, 0);
        const char *month = mz_stmt_text(st, 1);
        size_t mlen = month ? strnlen(month, sizeof l->month - 1) : 0;
        memcpy(l->month, month ? month : "", mlen);
        l->month[mlen] = '\0';
        l->amount_fen = mz_stmt_int64(st, 2);
        l->program = text_or_null(a, st, 3);
        l->payee = text_or_null(a, st, 4);
        l->bank_name = text_or_null(a, st, 5);
        l->bank_account = text_or_null(a, st, 6);
        l->region = text_or_null(a, st, 7);
        l->category = text_or_null(a, st, 8);
        l->members = mz_stmt_is_null(st, 9) ? 0 : mz_stmt_int64(st, 9);
        l->per_capita = mz_stmt_is_null(st, 10) ? -1 : mz_stmt_int64(st, 10);
        l->care_level = text_or_null(a, st, 11);
        l->standard_fen = l->policy_id = 0;
    }
    return rc;
}

/* The amount of the policy in force in the line's month, when the hook and a basis give one. */
static int policy_amount(job *j, mz_db *db, line *l, mz_error *err)
{
    mz_payroll_amount a = {0};
    mz_payroll_basis b = {.program = l->program,
                          .category = l->category,
                          .counted_members = l->members,
                          .per_capita_income_fen = l->per_capita,
                          .care_level = l->care_level,
                          .region_code = l->region,
                          .stored_amount_fen = l->amount_fen};
    if (j->opt == NULL || j->opt->amount == NULL || l->category == NULL)
        return 0;
    int rc = j->opt->amount(j->opt->amount_arg, db, &b, l->month, &a, err);
    if (rc == 1) {
        l->amount_fen = a.amount_fen;
        l->standard_fen = a.standard_fen;
        l->policy_id = a.policy_id;
    }
    return rc < 0 ? -1 : 0;
}

static const char *const line_columns[] = {
    "run_id",      "enrollment_id", "month",        "kind",           "amount_fen",
    "program",     "payee_name",    "bank_name",    "bank_account",   "account_masked",
    "region_code", "created_at",    "standard_fen", "policy_param_id"};

/* Decides the amounts of a batch's lines (not of recovery lines), reading policy through db. */
static int decide_amounts(job *j, mz_db *db, const char *kind, lines *b, mz_error *err)
{
    for (size_t i = 0; i < b->n && strcmp(kind, "recovery") != 0; i++)
        if (policy_amount(j, db, &b->v[i], err) < 0)
            return -1;
    return 0;
}

/*
 * Writes the lines, their amounts decided, through the store's bulk insert
 * (COPY on PostgreSQL): the amounts come first, since deciding them may read
 * policy parameters and nothing else may run during a bulk insert.  No line can exist already:
 * every batch query leaves out the lines already written (a run taken over
 * from a stopped process starts again from the first enrollment), and the
 * lock row held by this step keeps any other process from writing lines.
 */
static int insert_lines(job *j, const char *kind, line *v, size_t n, int64_t *added, mz_error *err)
{
    char at[21], masked[16];
    mz_time_iso(time(NULL), at);
    *added = 0;
    if (n == 0)
        return 0;
    mz_bulk *b = mz_bulk_begin(j->db, "payment_lines", line_columns, 14);
    if (b == NULL)
        return mz_error_internal(err, mz_db_errmsg(j->db));
    for (size_t i = 0; i < n; i++) {
        mask_account(v[i].bank_account, masked);
        mz_bulk_value x[14] = {{.i = j->run_id},         {.i = v[i].enrollment_id},
                               {.s = v[i].month},        {.s = kind},
                               {.i = v[i].amount_fen},   {.s = v[i].program},
                               {.s = v[i].payee},        {.s = v[i].bank_name},
                               {.s = v[i].bank_account}, {.s = v[i].bank_account ? masked : NULL},
                               {.s = v[i].region},       {.s = at},
                               {.i = v[i].standard_fen}, {.i = v[i].policy_id}};
        /* standard and policy: NULL when the stored amount was paid (0) */
        const char *types = v[i].standard_fen == 0
                                ? (v[i].policy_id == 0 ? "iittitttttttnn" : "iittitttttttni")
                                : (v[i].policy_id == 0 ? "iittitttttttin" : "iittitttttttii");
        if (mz_bulk_add(b, types, x) < 0) {
            mz_bulk_cancel(b);
            return mz_error_internal(err, mz_db_errmsg(j->db));
        }
    }
    if (mz_bulk_end(b) < 0)
        return mz_error_internal(err, mz_db_errmsg(j->db));
    *added = (int64_t)n;
    return 0;
}

/*
 * The columns of a line after (enrollment, month, amount), for read_lines:
 * program, payee, bank, region and the basis, which for regular and back-pay
 * lines is that of the period in force in the line's month (p, see
 * PERIOD_JOIN) — or the enrollment row's for one without periods (inserted
 * outside core/enrollment.c).  A period of 渐退 keeps the amount it had, so
 * its basis is not read.
 */
#define LINE_COLUMNS "e.program, e.payee_name, h.bank_name, h.bank_account, e.region_code, "
#define PERIOD_OR_ROW(col) "CASE WHEN p.id IS NULL THEN e." col " ELSE p." col " END"
#define PERIOD_STATUS "CASE WHEN p.id IS NULL THEN e.status ELSE p.status END"
#define PERIOD_BASIS                                                                               \
    "CASE WHEN " PERIOD_STATUS " = 'taper' THEN NULL WHEN p.id IS NULL THEN e.basis_category "     \
    "ELSE p.basis_category END, CASE WHEN p.id IS NULL THEN e.basis_counted_members ELSE "         \
    "p.basis_counted_members END, CASE WHEN p.id IS NULL THEN e.basis_per_capita_income_fen "      \
    "ELSE p.basis_per_capita_income_fen END, CASE WHEN p.id IS NULL THEN e.basis_care_level "      \
    "ELSE p.basis_care_level END "
#define LINE_FROM "FROM enrollments e LEFT JOIN households h ON h.id = e.household_id "
/* The period in force in month (an SQL expression): the greatest from_month not after it. */
#define PERIOD_JOIN(month)                                                                         \
    "LEFT JOIN enrollment_periods p ON p.id = (SELECT p2.id FROM enrollment_periods p2 WHERE "     \
    "p2.enrollment_id = e.id AND p2.from_month <= " month " ORDER BY p2.from_month DESC, p2.id "   \
    "DESC LIMIT 1) "

/*
 * Regular lines: every enrollment in force and not suspended in the month, from a cursor.  A run
 * writes them in the enrollments' order, a batch per transaction, and nothing else writes or
 * deletes regular lines, so those not paid yet are those after the greatest enrollment paid
 * (regular_start): a run taken over from a stopped process goes on where it stopped.
 */
static mz_stmt *regular_batch_on(mz_db *db, job *j, int64_t after, int limit)
{
    return mz_db_prepare_bind(
        db,
        "SELECT e.id, CAST(? AS TEXT), " PERIOD_OR_ROW(
            "monthly_amount_fen") ", " LINE_COLUMNS PERIOD_BASIS LINE_FROM
            PERIOD_JOIN("CAST(? AS TEXT)") "WHERE " PERIOD_STATUS
                                           " <> 'suspended' AND e.from_month <= ? AND (e.to_month "
                                           "IS NULL OR "
                                           "e.to_month >= ?) AND e.id > ? ORDER BY e.id LIMIT ?",
        "ttttii", j->month, j->month, j->month, j->month, after, (int64_t)limit);
}

/* The cursor where the regular phase starts: after the last enrollment paid regularly. */
static int regular_start(job *j, int64_t *after, mz_error *err)
{
    if (mz_db_query_int64(j->db, after,
                          "SELECT COALESCE(MAX(enrollment_id), 0) FROM payment_lines WHERE run_id "
                          "= ? AND kind = 'regular'",
                          "i", j->run_id) != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(j->db));
    return 0;
}

static mz_stmt *regular_batch(job *j, int64_t after)
{
    return regular_batch_on(j->db, j, after, j->batch);
}

/* 补发: earlier months with a run, within the enrollment and not suspended then, paid neither
 * regularly nor back; each with the amount of its own month's period. */
static mz_stmt *back_pay_batch(job *j, int64_t after)
{
    (void)after;
    return mz_db_prepare_bind(
        j->db,
        "SELECT e.id, r.month, " PERIOD_OR_ROW(
            "monthly_amount_fen") ", " LINE_COLUMNS PERIOD_BASIS LINE_FROM
                                  "JOIN payroll_runs r ON r.month < ? AND r.month >= e.from_month "
                                  "AND (e.to_month IS NULL "
                                  "OR r.month <= e.to_month) " PERIOD_JOIN(
                                      "r.month") "WHERE " PERIOD_STATUS
                                                 " <> 'suspended' AND NOT EXISTS (SELECT 1 FROM "
                                                 "payment_lines l WHERE l.enrollment_id = "
                                                 "e.id AND l.month = r.month AND l.kind IN "
                                                 "('regular', 'back_pay')) ORDER BY e.id, "
                                                 "r.month LIMIT ?",
        "ti", j->month, (int64_t)j->batch);
}

/* 追缴: months paid after the enrollment's last month, not recovered yet — read from the ended
 * enrollments, so that the lines of the enrollments in force are never summed. */
static mz_stmt *recovery_batch(job *j, int64_t after)
{
    (void)after;
    return mz_db_prepare_bind(
        j->db,
        "SELECT e.id, l.month, -SUM(l.amount_fen), " LINE_COLUMNS
        "NULL, NULL, NULL, NULL " LINE_FROM
        "JOIN payment_lines l ON l.enrollment_id = e.id AND l.month > e.to_month AND l.kind <> "
        "'recovery' WHERE e.to_month IS NOT NULL AND NOT EXISTS (SELECT 1 FROM payment_lines x "
        "WHERE x.enrollment_id = e.id AND x.month = l.month AND x.kind = 'recovery') GROUP BY "
        "e.id, h.id, l.month HAVING SUM(l.amount_fen) > 0 ORDER BY e.id, l.month LIMIT ?",
        "i", (int64_t)j->batch);
}

/* Runs one phase in batches until a batch finds nothing (or adds nothing). */
static int phase(job *j, const char *kind, mz_stmt *(*batch)(job *, int64_t), mz_error *err)
{
    int64_t after = 0;
    if (batch == regular_batch && regular_start(j, &after, err) < 0)
        return -1;
    for (;;) {
        int64_t added = 0;
        if (step_begin_as(j, batch == regular_batch, err) < 0)
            return -1;
        mz_stmt *st = batch(j, after);
        int rc = st ? read_lines(st, &j->lines) : MZ_DB_ERROR;
        mz_stmt_finalize(st);
        if (rc < 0) {
            mz_error_internal(err, mz_db_errmsg(j->db));
            return step_fail(j);
        }
        size_t n = j->lines.n;
        if (decide_amounts(j, j->db, kind, &j->lines, err) < 0 ||
            insert_lines(j, kind, j->lines.v, n, &added, err) < 0)
            return step_fail(j);
        if (n > 0)
            after = j->lines.v[n - 1].enrollment_id;
        if (step_commit(j, err) < 0)
            return -1;
        j->added += added;
        if (j->opt && j->opt->progress)
            j->opt->progress(j->opt->arg, kind, j->added);
        if (n < (size_t)j->batch || (added == 0 && batch != regular_batch))
            return 0;
        if (j->pause_ms > 0)
            usleep((useconds_t)j->pause_ms * 1000);
    }
}

/* 补发 looks for unpaid months among the earlier runs' months: with none, as in a city's first
 * run, there is nothing to look for (and no reason to read every enrollment). */
static int back_pay_phase(job *j, mz_error *err)
{
    int64_t earlier = 0;
    if (mz_db_query_int64(j->db, &earlier,
                          "SELECT COUNT(*) FROM (SELECT 1 FROM payroll_runs WHERE month < ? "
                          "LIMIT 1) x",
                          "t", j->month) != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(j->db));
    return earlier == 0 ? 0 : phase(j, "back_pay", back_pay_batch, err);
}

/*
 * The regular phase on two connections, when the caller gave a second
 * (j->rdb): a thread reads the lines in chunks and decides their amounts on
 * j->rdb, on SQLite all in one read snapshot taken when the phase starts (on
 * PostgreSQL each statement reads its own, mz_db_begin_read), while this
 * thread writes the chunks before, committing every batch_size lines and after
 * the last chunk.  The cursor keeps the reader from the lines being written,
 * and the lock row keeps any other process from writing lines.  One snapshot,
 * because a SQLite connection drops its page cache whenever it begins a read
 * after another connection's commit; small chunks, so that the reading starts
 * at once and the writing ends soon after it; large transactions, because each
 * commit writes every page the transaction changed, and the lines' region index
 * takes a change on nearly all of its pages in any thousand lines.  At 5
 * million persons reading and pricing took about 5 µs a line, writing 5 µs.
 */
#define NCHUNKS 4

typedef struct feed {
    job *j;
    int64_t after; /* where the reader starts */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    lines chunk[NCHUNKS]; /* filled by the reader in turn, written by the writer in turn */
    int ready[NCHUNKS];   /* the chunk holds lines the writer has not written yet */
    int last[NCHUNKS];    /* the reader read no more after it */
    int failed[NCHUNKS];  /* the reader failed on it (err) */
    int stop;             /* the writer failed: read no more */
    mz_error err;
} feed;

static void *read_chunks(void *arg)
{
    feed *f = arg;
    job *j = f->j;
    int64_t after = f->after;
    mz_db_begin_read(j->rdb);
    for (int k = 0;; k = (k + 1) % NCHUNKS) {
        pthread_mutex_lock(&f->mu);
        while (f->ready[k] && !f->stop)
            pthread_cond_wait(&f->cv, &f->mu);
        int stop = f->stop;
        pthread_mutex_unlock(&f->mu);
        if (stop)
            break;
        lines *out = &f->chunk[k];
        mz_stmt *st = regular_batch_on(j->rdb, j, after, j->chunk);
        int rc = st ? read_lines(st, out) : MZ_DB_ERROR;
        mz_stmt_finalize(st);
        if (rc < 0)
            rc = mz_error_internal(&f->err, mz_db_errmsg(j->rdb));
        else
            rc = decide_amounts(j, j->rdb, "regular", out, &f->err);
        int last = rc < 0 || out->n < (size_t)j->chunk;
        pthread_mutex_lock(&f->mu);
        f->failed[k] = rc < 0;
        f->last[k] = last;
        f->ready[k] = 1;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
        if (last)
            break;
        after = out->v[out->n - 1].enrollment_id;
    }
    mz_db_end_read(j->rdb);
    return NULL;
}

/* Writes the chunks as the reader fills them; 0, or -1 with err set and nothing uncommitted. */
static int write_chunks(job *j, feed *f, mz_error *err)
{
    int open = 0;
    int64_t in_tx = 0;
    for (int k = 0;; k = (k + 1) % NCHUNKS) {
        int64_t added = 0;
        pthread_mutex_lock(&f->mu);
        while (!f->ready[k])
            pthread_cond_wait(&f->cv, &f->mu);
        pthread_mutex_unlock(&f->mu);
        lines *c = &f->chunk[k];
        if (f->failed[k]) {
            *err = f->err;
            return open ? step_fail(j) : -1;
        }
        if (!open) {
            if (step_begin_as(j, 1, err) < 0)
                return -1;
            open = 1;
        }
        if (insert_lines(j, "regular", c->v, c->n, &added, err) < 0)
            return step_fail(j);
        in_tx += added;
        int last = f->last[k];
        pthread_mutex_lock(&f->mu);
        f->ready[k] = 0;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
        if (!last && in_tx < j->batch)
            continue;
        open = 0;
        if (step_commit(j, err) < 0)
            return -1;
        j->added += in_tx;
        in_tx = 0;
        if (j->opt && j->opt->progress)
            j->opt->progress(j->opt->arg, "regular", j->added);
        if (last)
            return 0;
        if (j->pause_ms > 0)
            usleep((useconds_t)j->pause_ms * 1000);
    }
}

static int regular_phase(job *j, mz_error *err)
{
    feed f = {.j = j};
    pthread_t reader;
    int rc;
    if (j->rdb == NULL)
        return phase(j, "regular", regular_batch, err);
    if (regular_start(j, &f.after, err) < 0)
        return -1;
    pthread_mutex_init(&f.mu, NULL);
    pthread_cond_init(&f.cv, NULL);
    mz_error_clear(&f.err);
    for (int i = 0; i < NCHUNKS; i++)
        f.chunk[i].texts = mz_arena_new();
    if (pthread_create(&reader, NULL, read_chunks, &f) != 0)
        rc = phase(j, "regular", regular_batch, err); /* no thread: on this connection */
    else {
        rc = write_chunks(j, &f, err);
        pthread_mutex_lock(&f.mu);
        f.stop = 1;
        pthread_cond_broadcast(&f.cv);
        pthread_mutex_unlock(&f.mu);
        pthread_join(reader, NULL);
    }
    for (int i = 0; i < NCHUNKS; i++) {
        mz_arena_free(f.chunk[i].texts);
        mz_free(f.chunk[i].v);
    }
    pthread_cond_destroy(&f.cv);
    pthread_mutex_destroy(&f.mu);
    return rc;
}

/* Before the lines: the recorded deaths and the exit periods (渐退) that ended stop their
 * enrollments. */
static int apply_ends(job *j, mz_error *err)
{
    if (step_begin(j, err) < 0)
        return -1;
    if (mz_enrollment_apply_deaths(j->db, j->actor, NULL, err) < 0 ||
        mz_enrollment_expire_tapers(j->db, j->actor, j->month, NULL, err) < 0)
        return step_fail(j);
    return step_commit(j, err);
}

/* Sets the control totals and ends the generation, still only while the lock is ours. */
static int finish(job *j, mz_error *err)
{
    char at[21], idb[24];
    int64_t count = 0, total = 0;
    if (step_begin(j, err) < 0)
        return -1;
    mz_time_iso(time(NULL), at);
    mz_stmt *st = mz_db_prepare_bind(
        j->db, "SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) FROM payment_lines WHERE run_id = ?",
        "i", j->run_id);
    int rc = st ? mz_stmt_step(st) : MZ_DB_ERROR;
    if (rc == MZ_DB_ROW) {
        count = mz_stmt_int64(st, 0);
        total = mz_stmt_int64(st, 1);
    }
    mz_stmt_finalize(st);
    if (rc != MZ_DB_ROW ||
        mz_db_run(j->db, NULL,
                  "UPDATE payroll_runs SET state = 'generated', finished_at = ?, lock_owner = "
                  "NULL, line_count = ?, total_fen = ? WHERE id = ?",
                  "tiii", at, count, total, j->run_id) < 0) {
        mz_error_internal(err, mz_db_errmsg(j->db));
        return step_fail(j);
    }
    json_t *after = json_pack("{s:s,s:I,s:I}", "month", j->month, "line_count", (json_int_t)count,
                              "total_fen", (json_int_t)total);
    snprintf(idb, sizeof idb, "%lld", (long long)j->run_id);
    rc =
        mz_audit_append(j->db, j->actor, "payroll.run", "payroll_run", idb, NULL, NULL, after, err);
    json_decref(after);
    if (rc < 0)
        return step_fail(j);
    return step_commit(j, err);
}

int mz_payroll_run(mz_db *db, const mz_actor *actor, const char *month,
                   const mz_payroll_options *opt, json_t **out, mz_error *err)
{
    char host[64] = "", state[16];
    int m, mine = 0;
    job j = {.db = db, .actor = actor, .month = month, .opt = opt};

    *out = NULL;
    if (check_month(month, &m, err) < 0 || check_city(actor, "payroll:run:create", err) < 0)
        return -1;
    j.batch = opt && opt->batch_size > 0 ? opt->batch_size : 200;
    j.chunk = opt && opt->chunk_size > 0 ? opt->chunk_size : 1000;
    j.stale = opt && opt->stale_seconds >= 0 ? opt->stale_seconds : 120;
    j.pause_ms = opt ? opt->pause_ms : 0;
    gethostname(host, sizeof host - 1);
    snprintf(j.owner, sizeof j.owner, "%s:%ld:%08x", host, (long)getpid(),
             (unsigned)randombytes_random());
    if (acquire(&j, &mine, state, err) < 0)
        return -1;
    if (!mine && strcmp(state, "generating") == 0)
        return mz_error_set(err, 409, "payroll_busy", NULL, "%s 的发放正由另一进程生成，请稍后",
                            month);
    if (mine) {
        char emsg[256];
        mz_db_batch_cache(db, MZ_BATCH_SMALL_WRITES);
        j.lines.texts = mz_arena_new();
        /* A second connection for the regular phase when the caller names the database; without
         * one (it could not be opened) the phase reads and writes in turn on this one. */
        if (opt && opt->url)
            j.rdb = mz_db_open(opt->url, emsg, sizeof emsg);
        int rc = apply_ends(&j, err) < 0 || regular_phase(&j, err) < 0 ||
                         back_pay_phase(&j, err) < 0 ||
                         phase(&j, "recovery", recovery_batch, err) < 0 || finish(&j, err) < 0
                     ? -1
                     : 0;
        mz_db_batch_cache(db, MZ_BATCH_OFF);
        mz_db_close(j.rdb);
        mz_arena_free(j.lines.texts);
        mz_free(j.lines.v);
        if (rc < 0)
            return -1;
    }
    if (mz_payroll_get(db, actor, month, out, err) < 0)
        return -1;
    json_object_set_new(*out, "generated_now", json_boolean(mine));
    json_object_set_new(*out, "lines_added", json_integer((json_int_t)j.added));
    return 0;
}

/* ---- approval and export ------------------------------------------------ */

int mz_payroll_approve(mz_db *db, const mz_actor *actor, const char *month, json_t **out,
                       mz_error *err)
{
    char at[21], idb[24];
    int m;
    json_t *run = NULL;
    *out = NULL;
    if (check_month(month, &m, err) < 0 || check_city(actor, "payroll:run:approve", err) < 0 ||
        load_run(db, month, &run, err) < 0)
        return -1;
    const char *state = json_string_value(json_object_get(run, "state"));
    int rc = -1;
    if (strcmp(state, "generated") != 0) {
        mz_error_set(err, 409, "invalid_state", NULL, "%s 的发放处于 %s，只有已生成的可以审核",
                     month, state);
        goto out;
    }
    if (strcmp(json_string_value(json_object_get(run, "started_by")), actor->username) == 0) {
        mz_error_set(err, 409, "same_person", NULL,
                     "生成发放的人不能审核同一批发放，请由另一名财务人员审核");
        goto out;
    }
    mz_time_iso(time(NULL), at);
    int64_t changed = 0;
    if (mz_db_run(db, &changed,
                  "UPDATE payroll_runs SET state = 'approved', approved_by = ?, approved_at = ? "
                  "WHERE month = ? AND state = 'generated'",
                  "ttt", actor->username, at, month) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (changed != 1) {
        mz_error_set(err, 409, "conflict", NULL, "发放正被他人处理，请刷新后重试");
        goto out;
    }
    snprintf(idb, sizeof idb, "%lld", (long long)json_integer_value(json_object_get(run, "id")));
    if (mz_audit_append(db, actor, "payroll.approve", "payroll_run", idb, NULL, run, NULL, err) < 0)
        goto out;
    rc = mz_payroll_get(db, actor, month, out, err);
out:
    json_decref(run);
    return rc;
}

static void csv_field(mz_buf *b, const char *s)
{
    if (s == NULL)
        s = "";
    if (strpbrk(s, ",\"\r\n") == NULL) {
        mz_buf_puts(b, s);
        return;
    }
    mz_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            mz_buf_putc(b, '"');
        mz_buf_putc(b, *s);
    }
    mz_buf_putc(b, '"');
}

static const char *const headers[] = {"序号",     "收款人",   "开户银行", "银行账号", "金额（元）",
                                      "发放类别", "所属月份", "保障项目", "区划代码"};
#define NCOLS (sizeof headers / sizeof headers[0])

/* One row's texts in the order of headers; amount formatted into yuan. */
static void row_texts(mz_stmt *st, int64_t seq, char num[24], char yuan[32], const char *v[NCOLS])
{
    snprintf(num, 24, "%lld", (long long)seq);
    mz_money_format(mz_stmt_int64(st, 4), yuan);
    v[0] = num;
    v[1] = mz_stmt_text(st, 0);
    v[2] = mz_stmt_text(st, 1);
    v[3] = mz_stmt_text(st, 2);
    v[4] = yuan;
    v[5] = kind_name(mz_stmt_text(st, 3));
    v[6] = mz_stmt_text(st, 5);
    v[7] = program_name(mz_stmt_text(st, 6));
    v[8] = mz_stmt_text(st, 7);
}

/* Writes the .xlsx of the lines (amounts as exact text) into out via a temporary file. */
static int write_xlsx(mz_stmt *st, int64_t *count, int64_t *total, mz_buf *out, mz_error *err)
{
    char path[] = "/tmp/mz_payroll_XXXXXX", num[24], yuan[32];
    const char *v[NCOLS];
    int fd = mkstemp(path), rc;
    if (fd < 0)
        return mz_error_internal(err, "payroll: mkstemp");
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "发放明细") : NULL;
    if (ws == NULL) {
        workbook_close(wb);
        unlink(path);
        return mz_error_internal(err, "payroll: workbook_new");
    }
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    for (size_t c = 0; c < NCOLS; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, headers[c], bold);
    lxw_row_t r = 1;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        row_texts(st, (int64_t)r, num, yuan, v);
        mz_money_add(*total, mz_stmt_int64(st, 4), total);
        for (size_t c = 0; c < NCOLS; c++)
            worksheet_write_string(ws, r, (lxw_col_t)c, v[c] ? v[c] : "", NULL);
        r++;
    }
    *count = (int64_t)r - 1;
    mz_money_format(*total, yuan);
    snprintf(num, sizeof num, "%lld 笔", (long long)*count);
    worksheet_write_string(ws, r, 0, "合计", bold);
    worksheet_write_string(ws, r, 1, num, bold);
    worksheet_write_string(ws, r, 4, yuan, bold);
    worksheet_set_column(ws, 0, (lxw_col_t)NCOLS - 1, 16, NULL);
    lxw_error xe = workbook_close(wb);
    if (rc < 0 || xe != LXW_NO_ERROR) {
        unlink(path);
        return mz_error_internal(err, rc < 0 ? "payroll: reading lines" : lxw_strerror(xe));
    }
    FILE *f = fopen(path, "rb");
    char chunk[8192];
    size_t n;
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        mz_buf_append(out, chunk, n);
    int bad = f == NULL || ferror(f);
    if (f)
        fclose(f);
    unlink(path);
    return bad ? mz_error_internal(err, "payroll: reading the workbook") : 0;
}

static int write_csv(mz_stmt *st, int64_t *count, int64_t *total, mz_buf *out, mz_error *err)
{
    char num[24], yuan[32];
    const char *v[NCOLS];
    int rc;
    mz_buf_puts(out, "\xEF\xBB\xBF");
    for (size_t c = 0; c < NCOLS; c++) {
        csv_field(out, headers[c]);
        mz_buf_puts(out, c + 1 < NCOLS ? "," : "\r\n");
    }
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        row_texts(st, ++*count, num, yuan, v);
        mz_money_add(*total, mz_stmt_int64(st, 4), total);
        for (size_t c = 0; c < NCOLS; c++) {
            csv_field(out, v[c]);
            mz_buf_puts(out, c + 1 < NCOLS ? "," : "\r\n");
        }
    }
    if (rc < 0)
        return mz_error_internal(err, "payroll: reading lines");
    mz_money_format(*total, yuan);
    mz_buf_printf(out, "合计,%lld 笔,,,%s,,,,\r\n", (long long)*count, yuan);
    return 0;
}

int mz_payroll_export(mz_db *db, const mz_actor *actor, const char *month, const char *format,
                      mz_buf *out, mz_error *err)
{
    char at[21], idb[24];
    int m, rc = -1;
    int64_t count = 0, total = 0;
    json_t *run = NULL;
    if (check_month(month, &m, err) < 0 || check_city(actor, "payroll:run:export", err) < 0)
        return -1;
    if (format == NULL || (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0))
        return mz_error_set(err, 400, "invalid_value", "format", "格式须为 csv 或 xlsx");
    if (load_run(db, month, &run, err) < 0)
        return -1;
    const char *state = json_string_value(json_object_get(run, "state"));
    if (strcmp(state, "approved") != 0 && strcmp(state, "exported") != 0) {
        mz_error_set(err, 409, "invalid_state", NULL, "%s 的发放尚未审核，不能导出", month);
        goto out;
    }
    int64_t run_id = (int64_t)json_integer_value(json_object_get(run, "id"));
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT payee_name, bank_name, bank_account, kind, amount_fen, month, program, "
        "region_code FROM payment_lines WHERE run_id = ? ORDER BY region_code, enrollment_id, "
        "month, kind",
        "i", run_id);
    if (st == NULL) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    int wrc = strcmp(format, "csv") == 0 ? write_csv(st, &count, &total, out, err)
                                         : write_xlsx(st, &count, &total, out, err);
    mz_stmt_finalize(st);
    if (wrc < 0)
        goto out;
    if (count != json_integer_value(json_object_get(run, "line_count")) ||
        total != json_integer_value(json_object_get(run, "total_fen"))) {
        mz_error_internal(err, "payroll: lines do not match the control totals");
        goto out;
    }
    mz_time_iso(time(NULL), at);
    if (mz_db_run(db, NULL,
                  "UPDATE payroll_runs SET state = 'exported', exported_at = ? WHERE id = ?", "ti",
                  at, run_id) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    json_t *after = json_pack("{s:s,s:s,s:I,s:I}", "month", month, "format", format, "line_count",
                              (json_int_t)count, "total_fen", (json_int_t)total);
    snprintf(idb, sizeof idb, "%lld", (long long)run_id);
    rc = mz_audit_append(db, actor, "payroll.export", "payroll_run", idb, NULL, NULL, after, err);
    json_decref(after);
out:
    json_decref(run);
    return rc;
}
