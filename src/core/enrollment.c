/*
 * Enrollments (see enrollment.h).  The case engine calls in here from its
 * 'approve', 'terminate', 'adjust', 'taper', 'suspend' and 'resume' effects,
 * the payroll before it generates a month (recorded deaths, ended 渐退),
 * `review schedule` and POST /reviews/schedule for the 复核, PATCH
 * /enrollments/{id} for the review class; the API and the CLI read.  Every
 * change writes the enrollment row, one enrollment_changes row and one audit
 * entry — and, when it concerns money or payment, one enrollment_periods row —
 * all in the caller's transaction.
 */
#include "core/enrollment.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/mem.h"
#include "core/audit.h"
#include "core/policy.h"
#include "core/region.h"

#define AMOUNT_MAX 100000000000LL /* 10^11 fen, as the case engine's amount_given */

/* Programs whose support belongs to one person rather than the household. */
static int personal_program(const char *program)
{
    return strcmp(program, "tekun") == 0;
}

static int64_t json_id(json_t *row, const char *key)
{
    json_t *v = json_object_get(row, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static const char *id_text(int64_t id, char out[24])
{
    snprintf(out, 24, "%lld", (long long)id);
    return out;
}

/* The month before "YYYY-MM" into out; -1 when m is not a month. */
static int month_before(const char *m, char out[8])
{
    int n;
    if (mz_month_parse(m, &n) != 0)
        return -1;
    mz_month_format(n - 1, out);
    return 0;
}

#define ENROLLMENT_COLUMNS                                                                         \
    "e.id, e.program, e.household_id, e.person_id, e.payee_name, e.region_code, r.name, "          \
    "e.monthly_amount_fen, e.from_month, e.to_month, e.status, e.reason, e.case_id, "              \
    "e.created_at, e.updated_at, e.review_class, e.next_review_on "
#define ENROLLMENT_FROM "FROM enrollments e JOIN regions r ON r.code = e.region_code "

static json_t *nullable_id(mz_stmt *st, int col)
{
    return mz_stmt_is_null(st, col) ? json_null() : json_integer(mz_stmt_int64(st, col));
}

static json_t *nullable_text(mz_stmt *st, int col)
{
    return mz_stmt_is_null(st, col) ? json_null() : json_string(mz_stmt_text(st, col));
}

static json_t *enrollment_from_row(mz_stmt *st)
{
    return json_pack("{s:I,s:s,s:o,s:o,s:s,s:s,s:s,s:I,s:s,s:o,s:s,s:o,s:o,s:s,s:s,s:s,s:o}", "id",
                     (json_int_t)mz_stmt_int64(st, 0), "program", mz_stmt_text(st, 1),
                     "household_id", nullable_id(st, 2), "person_id", nullable_id(st, 3),
                     "payee_name", mz_stmt_text(st, 4), "region_code", mz_stmt_text(st, 5),
                     "region_name", mz_stmt_text(st, 6), "monthly_amount_fen",
                     (json_int_t)mz_stmt_int64(st, 7), "from_month", mz_stmt_text(st, 8),
                     "to_month", nullable_text(st, 9), "status", mz_stmt_text(st, 10), "reason",
                     nullable_text(st, 11), "case_id", nullable_id(st, 12), "created_at",
                     mz_stmt_text(st, 13), "updated_at", mz_stmt_text(st, 14), "review_class",
                     mz_stmt_text(st, 15), "next_review_on", nullable_text(st, 16));
}

/* The enrollment as stored, without scope (for the audit log); NULL if none. */
static json_t *load_any(mz_db *db, int64_t id)
{
    json_t *e = NULL;
    mz_stmt *st = mz_db_prepare_bind(
        db, "SELECT " ENROLLMENT_COLUMNS ENROLLMENT_FROM "WHERE e.id = ?", "i", id);
    if (st && mz_stmt_step(st) == MZ_DB_ROW)
        e = enrollment_from_row(st);
    mz_stmt_finalize(st);
    return e;
}

/* One row of the history; case_id 0: none (a recorded death). */
static int add_change(mz_db *db, const mz_actor *actor, int64_t id, const char *kind,
                      int64_t case_id, const char *from_month, const char *status, int64_t amount,
                      const char *reason, const char *at, mz_error *err)
{
    if (mz_db_run(db, NULL,
                  "INSERT INTO enrollment_changes (enrollment_id, kind, case_id, from_month, "
                  "status, amount_fen, reason, actor_name, at) "
                  "VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?)",
                  "itittittt", id, kind, case_id, from_month, status, amount, reason,
                  actor->username, at) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    return 0;
}

/* A text of the assessment (at most 20 bytes) or NULL. */
static const char *basis_text(json_t *assessment, const char *key)
{
    const char *v = json_string_value(json_object_get(assessment, key));
    return v && *v && strlen(v) <= 20 ? v : NULL;
}

/* An integer of the assessment within lo..AMOUNT_MAX, or none_value. */
static int64_t basis_int(json_t *assessment, const char *key, int64_t lo, int64_t none_value)
{
    json_t *v = json_object_get(assessment, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > AMOUNT_MAX)
        return none_value;
    return (int64_t)json_integer_value(v);
}

/* The period in force last: greatest from_month, then the latest decision about that month. */
#define LATEST_PERIOD                                                                              \
    "(SELECT p2.id FROM enrollment_periods p2 WHERE p2.enrollment_id = e.id ORDER BY "             \
    "p2.from_month DESC, p2.id DESC LIMIT 1)"

/*
 * Adds a period from from_month with status.  set_basis 0: the amount and
 * basis are those of the period in force last, or the enrollment row's when
 * it has none (an enrollment inserted outside this file, e.g. by an import);
 * set_basis 1: amount and the assessment's basis (NULL basis: none).
 */
static int add_period(mz_db *db, int64_t id, const char *from_month, const char *status,
                      int set_basis, int64_t amount, json_t *basis, int64_t case_id,
                      const char *reason, const char *at, mz_error *err)
{
    int rc;
    if (set_basis)
        rc = mz_db_run(db, NULL,
                       "INSERT INTO enrollment_periods (enrollment_id, from_month, status, "
                       "monthly_amount_fen, basis_category, basis_counted_members, "
                       "basis_per_capita_income_fen, basis_care_level, case_id, reason, "
                       "created_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, -1), ?, "
                       "NULLIF(?, 0), ?, ?)",
                       "ittitiititt", id, from_month, status, amount, basis_text(basis, "category"),
                       basis_int(basis, "counted_members", 1, 0),
                       basis_int(basis, "per_capita_income_fen", 0, -1),
                       basis_text(basis, "care_level"), case_id, reason, at);
    else
        rc = mz_db_run(
            db, NULL,
            "INSERT INTO enrollment_periods (enrollment_id, from_month, status, "
            "monthly_amount_fen, basis_category, basis_counted_members, "
            "basis_per_capita_income_fen, basis_care_level, case_id, reason, created_at) "
            "SELECT e.id, ?, ?, CASE WHEN p.id IS NULL THEN e.monthly_amount_fen ELSE "
            "p.monthly_amount_fen END, CASE WHEN p.id IS NULL THEN e.basis_category ELSE "
            "p.basis_category END, CASE WHEN p.id IS NULL THEN e.basis_counted_members ELSE "
            "p.basis_counted_members END, CASE WHEN p.id IS NULL THEN "
            "e.basis_per_capita_income_fen ELSE p.basis_per_capita_income_fen END, CASE WHEN "
            "p.id IS NULL THEN e.basis_care_level ELSE p.basis_care_level END, NULLIF(?, 0), ?, "
            "? FROM enrollments e LEFT JOIN enrollment_periods p ON p.id = " LATEST_PERIOD
            " WHERE e.id = ?",
            "ttitti", from_month, status, case_id, reason, at, id);
    return rc < 0 ? mz_error_internal(err, mz_db_errmsg(db)) : 0;
}

int mz_enrollment_create_from_case(mz_db *db, const mz_actor *actor, json_t *case_row,
                                   const char *program, const char *from_month, int64_t *id_out,
                                   mz_error *err)
{
    json_t *assessment = json_object_get(json_object_get(case_row, "data"), "assessment");
    json_t *amount = json_object_get(assessment, "monthly_amount_fen");
    int64_t case_id = json_id(case_row, "id"), household = json_id(case_row, "household_id");
    int64_t person = json_id(case_row, "applicant_person_id"), id = 0, n = 0;
    char at[21], idb[24];
    int month;

    if (!json_is_integer(amount) || json_integer_value(amount) < 1 ||
        json_integer_value(amount) > AMOUNT_MAX)
        return mz_error_set(err, 409, "amount_missing", "data.assessment.monthly_amount_fen",
                            "核对结果中没有月保障金额（monthly_amount_fen），不能批准；"
                            "请重新核对并记录金额");
    if (mz_month_parse(from_month, &month) != 0)
        return mz_error_internal(err, "enrollment: bad from_month");
    if (mz_db_query_int64(db, &n, "SELECT COUNT(*) FROM enrollments WHERE case_id = ?", "i",
                          case_id) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (n > 0)
        return mz_error_set(err, 409, "conflict", NULL, "该事项已纳入保障，不能重复纳入");
    if (!personal_program(program))
        person = 0;
    const char *payee = json_string_value(json_object_get(case_row, "applicant_name"));
    /* Only the calculator's assessment (a case with a household) is a basis to recompute from. */
    json_t *basis = household > 0 ? assessment : NULL;
    mz_time_iso(time(NULL), at);
    int rc = mz_db_query_int64(
        db, &id,
        "INSERT INTO enrollments (program, household_id, person_id, payee_name, region_code, "
        "monthly_amount_fen, from_month, status, reason, case_id, created_at, updated_at, "
        "basis_category, basis_counted_members, basis_per_capita_income_fen, basis_care_level) "
        "VALUES (?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, 'in_force', ?, ?, ?, ?, ?, "
        "NULLIF(?, 0), NULLIF(?, -1), ?) RETURNING id",
        "tiittittitttiit", program, household, person, payee ? payee : "",
        json_string_value(json_object_get(case_row, "region_code")),
        (int64_t)json_integer_value(amount), from_month, "事项批准", case_id, at, at,
        basis_text(basis, "category"), basis_int(basis, "counted_members", 1, 0),
        basis_int(basis, "per_capita_income_fen", 0, -1), basis_text(basis, "care_level"));
    if (rc != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (add_change(db, actor, id, "create", case_id, from_month, "in_force",
                   (int64_t)json_integer_value(amount), "事项批准", at, err) < 0 ||
        add_period(db, id, from_month, "in_force", 1, (int64_t)json_integer_value(amount), basis,
                   case_id, "事项批准", at, err) < 0)
        return -1;
    json_t *after = load_any(db, id);
    rc = mz_audit_append(db, actor, "enrollment.create", "enrollment", id_text(id, idb),
                         json_string_value(json_object_get(case_row, "region_code")), NULL, after,
                         err);
    json_decref(after);
    if (rc < 0)
        return -1;
    if (id_out)
        *id_out = id;
    return 0;
}

/* Stops one enrollment from from_month on (to_month = the month before). */
static int stop_one(mz_db *db, const mz_actor *actor, int64_t id, int64_t case_id,
                    const char *from_month, const char *reason, mz_error *err)
{
    char last[8], at[21], idb[24];
    if (month_before(from_month, last) < 0)
        return mz_error_internal(err, "enrollment: bad stop month");
    json_t *before = load_any(db, id);
    if (before == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    mz_time_iso(time(NULL), at);
    int64_t amount = (int64_t)json_integer_value(json_object_get(before, "monthly_amount_fen"));
    int rc = -1;
    if (mz_db_run(db, NULL,
                  "UPDATE enrollments SET status = 'stopped', to_month = CASE WHEN to_month IS "
                  "NULL OR to_month > ? THEN ? ELSE to_month END, updated_at = ? WHERE id = ?",
                  "ttti", last, last, at, id) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (add_change(db, actor, id, "stop", case_id, from_month, "stopped", amount, reason, at, err) <
        0)
        goto out;
    json_t *after = load_any(db, id);
    rc = mz_audit_append(db, actor, "enrollment.stop", "enrollment", id_text(id, idb),
                         json_string_value(json_object_get(before, "region_code")), before, after,
                         err);
    json_decref(after);
out:
    json_decref(before);
    return rc;
}

/* An enrollment id with a month ("YYYY-MM", from column 1 when there is one). */
typedef struct id_month {
    int64_t id;
    char month[8];
} id_month;

/* Collects the rows of a query into a malloc'd array; the step's final result. */
static int collect(mz_stmt *st, id_month **rows, size_t *n)
{
    size_t cap = 0;
    int rc;
    *rows = NULL;
    *n = 0;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *rows = mz_realloc(*rows, cap * sizeof **rows);
        }
        const char *m = mz_stmt_column_count(st) > 1 ? mz_stmt_text(st, 1) : NULL;
        (*rows)[*n].id = mz_stmt_int64(st, 0);
        snprintf((*rows)[*n].month, sizeof(*rows)[*n].month, "%.7s", m ? m : "");
        (*n)++;
    }
    return rc;
}

int mz_enrollment_stop_for_case(mz_db *db, const mz_actor *actor, json_t *case_row,
                                const char *program, const char *from_month, const char *reason,
                                int64_t *stopped, mz_error *err)
{
    int64_t household = json_id(case_row, "household_id");
    int64_t person = json_id(case_row, "applicant_person_id");
    id_month *rows = NULL;
    size_t n = 0;
    mz_stmt *st;

    if (stopped)
        *stopped = 0;
    if (personal_program(program) && person > 0)
        st = mz_db_prepare_bind(db,
                                "SELECT id FROM enrollments WHERE program = ? AND person_id = ? "
                                "AND status <> 'stopped' ORDER BY id",
                                "ti", program, person);
    else if (household > 0)
        st = mz_db_prepare_bind(db,
                                "SELECT id FROM enrollments WHERE program = ? AND household_id = ? "
                                "AND person_id IS NULL AND status <> 'stopped' ORDER BY id",
                                "ti", program, household);
    else
        return 0;
    int rc = st ? collect(st, &rows, &n) : MZ_DB_ERROR;
    mz_stmt_finalize(st);
    if (rc < 0) {
        mz_free(rows);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = stop_one(db, actor, rows[i].id, json_id(case_row, "id"), from_month, reason, err);
    mz_free(rows);
    if (rc == 0 && stopped)
        *stopped = (int64_t)n;
    return rc;
}

int mz_enrollment_apply_deaths(mz_db *db, const mz_actor *actor, int64_t *stopped, mz_error *err)
{
    /* Personal enrollments of a dead person; household ones whose current members all died. */
    static const char sql[] =
        /* Both branches start from the recorded deaths, few rows in the partial index
         * persons_deceased (migration 015), whatever plan the planner would otherwise guess;
         * the unary + keeps SQLite from reading every household enrollment through
         * enrollments_person for "person_id IS NULL" (25 ms at 5 million persons). */
        "SELECT e.id, (SELECT deceased_on FROM persons WHERE id = e.person_id) FROM enrollments e "
        "WHERE e.status <> 'stopped' AND e.person_id IN (SELECT id FROM persons WHERE "
        "deceased_on IS NOT NULL) "
        "UNION ALL "
        "SELECT e.id, MAX(p.deceased_on) FROM enrollments e JOIN household_members m ON "
        "m.household_id = e.household_id AND m.left_on IS NULL JOIN persons p ON p.id = "
        "m.person_id WHERE +e.person_id IS NULL AND e.status <> 'stopped' AND e.household_id IN "
        "(SELECT dm.household_id FROM household_members dm WHERE dm.left_on IS NULL AND "
        "dm.person_id IN (SELECT id FROM persons WHERE deceased_on IS NOT NULL)) GROUP BY e.id "
        "HAVING COUNT(*) = COUNT(p.deceased_on) ORDER BY 1";
    id_month *rows = NULL;
    size_t n = 0;
    int rc = 0;

    if (stopped)
        *stopped = 0;
    mz_stmt *st = mz_db_prepare(db, sql);
    if (st == NULL || collect(st, &rows, &n) < 0) {
        mz_stmt_finalize(st);
        mz_free(rows);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    mz_stmt_finalize(st);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char from[8];
        int m;
        if (mz_month_parse(rows[i].month, &m) != 0) {
            rc = mz_error_internal(err, "enrollment: bad death date");
            break;
        }
        mz_month_format(m + 1, from);
        rc = stop_one(db, actor, rows[i].id, 0, from, "死亡", err);
    }
    mz_free(rows);
    if (rc == 0 && stopped)
        *stopped = (int64_t)n;
    return rc;
}

/*
 * Sets the amount and basis of one enrollment from from_month on: a new
 * period.  A suspended enrollment stays suspended (with the new amount for
 * when it resumes); one in 渐退 is eligible again, so the exit period ends
 * (status in_force, open-ended).
 */
static int adjust_one(mz_db *db, const mz_actor *actor, int64_t id, int64_t case_id, json_t *basis,
                      int64_t amount, const char *from_month, const char *reason, mz_error *err)
{
    char at[21], idb[24];
    json_t *before = load_any(db, id);
    if (before == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = -1;
    const char *status =
        strcmp(json_string_value(json_object_get(before, "status")), "suspended") == 0 ? "suspended"
                                                                                       : "in_force";
    mz_time_iso(time(NULL), at);
    if (mz_db_run(db, NULL,
                  "UPDATE enrollments SET monthly_amount_fen = ?, basis_category = ?, "
                  "basis_counted_members = NULLIF(?, 0), basis_per_capita_income_fen = "
                  "NULLIF(?, -1), basis_care_level = ?, status = ?, to_month = CASE WHEN status = "
                  "'taper' THEN NULL ELSE to_month END, updated_at = ? WHERE id = ?",
                  "itiittti", amount, basis_text(basis, "category"),
                  basis_int(basis, "counted_members", 1, 0),
                  basis_int(basis, "per_capita_income_fen", 0, -1), basis_text(basis, "care_level"),
                  status, at, id) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (add_period(db, id, from_month, status, 1, amount, basis, case_id, reason, at, err) < 0 ||
        add_change(db, actor, id, "adjust", case_id, from_month, status, amount, reason, at, err) <
            0)
        goto out;
    json_t *after = load_any(db, id);
    rc = mz_audit_append(db, actor, "enrollment.adjust", "enrollment", id_text(id, idb),
                         json_string_value(json_object_get(before, "region_code")), before, after,
                         err);
    json_decref(after);
out:
    json_decref(before);
    return rc;
}

int mz_enrollment_adjust_for_case(mz_db *db, const mz_actor *actor, json_t *case_row,
                                  const char *program, const char *from_month, const char *reason,
                                  int64_t *adjusted, mz_error *err)
{
    json_t *assessment = json_object_get(json_object_get(case_row, "data"), "assessment");
    json_t *amount = json_object_get(assessment, "monthly_amount_fen");
    int64_t household = json_id(case_row, "household_id");
    id_month *rows = NULL;
    size_t n = 0;
    int m;

    if (adjusted)
        *adjusted = 0;
    if (!json_is_integer(amount) || json_integer_value(amount) < 1 ||
        json_integer_value(amount) > AMOUNT_MAX)
        return mz_error_set(err, 409, "amount_missing", "data.assessment.monthly_amount_fen",
                            "复核结果中没有月保障金额（monthly_amount_fen），不能调整；"
                            "请维持或停发");
    const char *category = json_string_value(json_object_get(assessment, "category"));
    if (category && strcmp(category, "dibao_taper") == 0)
        return mz_error_set(err, 409, "guard_failed", "data.assessment.category",
                            "核对结果为低保渐退，应按渐退办理，不能调整保障金");
    if (mz_month_parse(from_month, &m) != 0)
        return mz_error_internal(err, "enrollment: bad adjust month");
    mz_stmt *st = household > 0 ? mz_db_prepare_bind(db,
                                                     "SELECT id FROM enrollments WHERE program = "
                                                     "? AND household_id = ? AND person_id IS "
                                                     "NULL AND status <> 'stopped' ORDER BY id",
                                                     "ti", program, household)
                                : NULL;
    int rc = st ? collect(st, &rows, &n) : MZ_DB_OK;
    mz_stmt_finalize(st);
    if (rc < 0) {
        mz_free(rows);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    if (n == 0) {
        mz_free(rows);
        return mz_error_set(err, 409, "not_enrolled", NULL, "该家庭没有在保的保障，不能调整");
    }
    /* Only the calculator's assessment (a case with a household) is a basis. */
    rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = adjust_one(db, actor, rows[i].id, json_id(case_row, "id"), assessment,
                        (int64_t)json_integer_value(amount), from_month, reason, err);
    mz_free(rows);
    if (rc == 0 && adjusted)
        *adjusted = (int64_t)n;
    return rc;
}

/* The household's enrollments in program (not personal ones) with status; 0 or -1 with err. */
static int household_rows(mz_db *db, json_t *case_row, const char *program, const char *status,
                          id_month **rows, size_t *n, mz_error *err)
{
    int64_t household = json_id(case_row, "household_id");
    *rows = NULL;
    *n = 0;
    if (household <= 0)
        return 0;
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT id FROM enrollments WHERE program = ? AND "
                                     "household_id = ? AND person_id IS NULL AND status = ? "
                                     "ORDER BY id",
                                     "tit", program, household, status);
    int rc = st ? collect(st, rows, n) : MZ_DB_ERROR;
    mz_stmt_finalize(st);
    if (rc < 0) {
        mz_free(*rows);
        *rows = NULL;
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    return 0;
}

/*
 * One lifecycle change of an enrollment: a period from period_from with
 * period_status (amount and basis carried over; NULL period_from: none),
 * the row's status, to_month (NULL keeps it) and reason, a change row of
 * kind from change_from, an audit entry enrollment.<kind>.
 */
static int change_one(mz_db *db, const mz_actor *actor, int64_t id, int64_t case_id,
                      const char *kind, const char *period_from, const char *period_status,
                      const char *status, const char *to_month, const char *change_from,
                      const char *reason, mz_error *err)
{
    char at[21], idb[24], action[40];
    json_t *before = load_any(db, id);
    if (before == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = -1;
    mz_time_iso(time(NULL), at);
    if (period_from &&
        add_period(db, id, period_from, period_status, 0, 0, NULL, case_id, reason, at, err) < 0)
        goto out;
    if (mz_db_run(db, NULL,
                  "UPDATE enrollments SET status = ?, reason = ?, to_month = COALESCE(?, "
                  "to_month), updated_at = ? WHERE id = ?",
                  "tttti", status, reason, to_month, at, id) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (add_change(db, actor, id, kind, case_id, change_from, status,
                   (int64_t)json_integer_value(json_object_get(before, "monthly_amount_fen")),
                   reason, at, err) < 0)
        goto out;
    json_t *after = load_any(db, id);
    snprintf(action, sizeof action, "enrollment.%s", kind);
    rc = mz_audit_append(db, actor, action, "enrollment", id_text(id, idb),
                         json_string_value(json_object_get(before, "region_code")), before, after,
                         err);
    json_decref(after);
out:
    json_decref(before);
    return rc;
}

/* The reasons of the case's action as one text ("；"-joined), or fallback. */
static char *reasons_text(json_t *data, const char *fallback)
{
    json_t *v = json_object_get(data, "reasons"), *x;
    size_t i;
    mz_buf b;
    mz_buf_init(&b);
    json_array_foreach(v, i, x)
    {
        if (json_string_value(x) == NULL)
            continue;
        if (b.len)
            mz_buf_puts(&b, "；");
        mz_buf_puts(&b, json_string_value(x));
    }
    if (b.len == 0)
        mz_buf_puts(&b, fallback);
    return mz_buf_steal(&b);
}

int mz_enrollment_taper_for_case(mz_db *db, const mz_actor *actor, json_t *case_row,
                                 const char *program, const char *from_month, int today,
                                 int64_t *tapered, mz_error *err)
{
    json_t *assessment = json_object_get(json_object_get(case_row, "data"), "assessment");
    const char *category = json_string_value(json_object_get(assessment, "category"));
    id_month *rows = NULL;
    size_t n = 0;
    int m, rc = 0;
    char day[11], last[8];
    mz_policy_value v;

    if (tapered)
        *tapered = 0;
    if (category == NULL || strcmp(category, "dibao_taper") != 0)
        return mz_error_set(err, 409, "guard_failed", "data.assessment.category",
                            "核对结果不是低保渐退（收入因就业超过低保标准），不能按渐退办理");
    if (mz_month_parse(from_month, &m) != 0)
        return mz_error_internal(err, "enrollment: bad taper month");
    mz_date_format(today, day);
    if (mz_policy_get(db, program, "taper_months",
                      json_string_value(json_object_get(case_row, "region_code")), day, &v,
                      err) != 0)
        return -1;
    if (v.num < 1)
        return mz_error_set(err, 409, "guard_failed", "taper_months",
                            "本地区渐退期为 0 个月，不适用渐退，请停保");
    mz_month_format(m + (int)v.num - 1, last);
    if (household_rows(db, case_row, program, "in_force", &rows, &n, err) < 0)
        return -1;
    if (n == 0) {
        mz_free(rows);
        return mz_error_set(err, 409, "not_enrolled", NULL, "该家庭没有正常发放的保障，不能渐退");
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = change_one(db, actor, rows[i].id, json_id(case_row, "id"), "taper", from_month,
                        "taper", "taper", last, from_month, "渐退", err);
    mz_free(rows);
    if (rc == 0 && tapered)
        *tapered = (int64_t)n;
    return rc;
}

int mz_enrollment_suspend_for_case(mz_db *db, const mz_actor *actor, json_t *case_row, json_t *data,
                                   const char *program, const char *from_month, int64_t *suspended,
                                   mz_error *err)
{
    id_month *rows = NULL;
    size_t n = 0;
    int rc = 0;

    if (suspended)
        *suspended = 0;
    if (household_rows(db, case_row, program, "in_force", &rows, &n, err) < 0)
        return -1;
    if (n == 0) {
        mz_free(rows);
        return mz_error_set(err, 409, "not_enrolled", NULL, "该家庭没有正常发放的保障，不能暂停");
    }
    char *reason = reasons_text(data, "暂停发放");
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = change_one(db, actor, rows[i].id, json_id(case_row, "id"), "suspend", from_month,
                        "suspended", "suspended", NULL, from_month, reason, err);
    mz_free(reason);
    mz_free(rows);
    if (rc == 0 && suspended)
        *suspended = (int64_t)n;
    return rc;
}

int mz_enrollment_resume_for_case(mz_db *db, const mz_actor *actor, json_t *case_row,
                                  const char *program, const char *from_month, int back_pay,
                                  const char *reason, int64_t *resumed, mz_error *err)
{
    id_month *rows = NULL;
    size_t n = 0;
    int rc = 0;

    if (resumed)
        *resumed = 0;
    if (household_rows(db, case_row, program, "suspended", &rows, &n, err) < 0)
        return -1;
    if (n == 0) {
        mz_free(rows);
        return mz_error_set(err, 409, "not_suspended", NULL, "该家庭没有暂停发放的保障，无需恢复");
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *since = NULL;
        const char *from = from_month;
        /* With back pay the resumption reaches back to the suspension's first month. */
        if (back_pay) {
            if (mz_db_query_text(db, &since,
                                 "SELECT from_month FROM enrollment_periods WHERE enrollment_id = "
                                 "? AND status = 'suspended' ORDER BY from_month DESC, id DESC "
                                 "LIMIT 1",
                                 "i", rows[i].id) < 0) {
                rc = mz_error_internal(err, mz_db_errmsg(db));
                break;
            }
            if (since && strcmp(since, from_month) < 0)
                from = since;
        }
        rc = change_one(db, actor, rows[i].id, json_id(case_row, "id"), "resume", from, "in_force",
                        "in_force", NULL, from, reason, err);
        mz_free(since);
    }
    mz_free(rows);
    if (rc == 0 && resumed)
        *resumed = (int64_t)n;
    return rc;
}

int mz_enrollment_expire_tapers(mz_db *db, const mz_actor *actor, const char *month,
                                int64_t *expired, mz_error *err)
{
    id_month *rows = NULL;
    size_t n = 0;
    int rc = 0;

    if (expired)
        *expired = 0;
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT id, to_month FROM enrollments WHERE status = 'taper' "
                                     "AND to_month IS NOT NULL AND to_month < ? ORDER BY id",
                                     "t", month);
    if (st == NULL || collect(st, &rows, &n) < 0) {
        mz_stmt_finalize(st);
        mz_free(rows);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    mz_stmt_finalize(st);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char from[8];
        int m;
        if (mz_month_parse(rows[i].month, &m) != 0) {
            rc = mz_error_internal(err, "enrollment: bad taper end");
            break;
        }
        mz_month_format(m + 1, from);
        rc = change_one(db, actor, rows[i].id, 0, "stop", NULL, NULL, "stopped", NULL, from,
                        "渐退期满", err);
    }
    mz_free(rows);
    if (rc == 0 && expired)
        *expired = (int64_t)n;
    return rc;
}

int mz_enrollment_set_review_class(mz_db *db, const mz_actor *actor, int64_t id,
                                   const char *review_class, json_t **out, mz_error *err)
{
    char like[16], at[21], idb[24], month[8], reason[32];
    json_t *before = NULL;
    int rc = -1;

    *out = NULL;
    if (review_class == NULL || strlen(review_class) != 1 || strchr("ABC", review_class[0]) == NULL)
        return mz_error_set(err, 400, "invalid_value", "review_class",
                            "复核类别 review_class 须为 A（每年）、B（每半年）或 C（城市每月、"
                            "农村每季度）");
    if (mz_enrollment_get(db, actor, id, &before, err) < 0)
        return -1;
    if (strcmp(json_string_value(json_object_get(before, "status")), "stopped") == 0) {
        mz_error_set(err, 409, "invalid_state", "status", "已停保的对象不再复核，不能设置复核类别");
        goto out;
    }
    json_object_del(before, "changes");
    json_object_del(before, "periods");
    snprintf(like, sizeof like, "%s%%", actor->scope_prefix);
    mz_time_iso(time(NULL), at);
    mz_month_format(mz_month_of(mz_date_today()), month);
    snprintf(reason, sizeof reason, "复核类别 %s 类", review_class);
    if (mz_db_run(db, NULL,
                  "UPDATE enrollments SET review_class = ?, updated_at = ? WHERE id = ? AND "
                  "region_code LIKE ?",
                  "ttit", review_class, at, id, like) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (add_change(db, actor, id, "classify", 0, month,
                   json_string_value(json_object_get(before, "status")),
                   (int64_t)json_integer_value(json_object_get(before, "monthly_amount_fen")),
                   reason, at, err) < 0)
        goto out;
    json_t *after = load_any(db, id);
    rc = mz_audit_append(db, actor, "enrollment.classify", "enrollment", id_text(id, idb),
                         json_string_value(json_object_get(before, "region_code")), before, after,
                         err);
    json_decref(after);
    if (rc == 0)
        rc = mz_enrollment_get(db, actor, id, out, err);
out:
    json_decref(before);
    return rc;
}

/* An enrollment due for review. */
typedef struct due_row {
    int64_t id, household_id;
    char region[13];
    char review_class[2];
    char *payee;
} due_row;

static const char *review_param(const char *review_class, const char *region)
{
    if (strcmp(review_class, "A") == 0)
        return "months_class_a";
    if (strcmp(review_class, "C") == 0)
        return strcmp(mz_region_kind_of(region), "urban") == 0 ? "months_class_c_urban"
                                                               : "months_class_c_rural";
    return "months_class_b";
}

/* Creates the review case of one due enrollment and sets its next review day. */
static int schedule_one(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                        const char *case_type, int today, const due_row *r, mz_error *err)
{
    char day[11], next[11], at[21], idb[24], reason[64];
    mz_policy_value v;
    mz_date_format(today, day);
    if (mz_policy_get(db, "review", review_param(r->review_class, r->region), r->region, day, &v,
                      err) != 0)
        return -1;
    mz_date_format(mz_date_add_months(today, (int)v.num), next);
    snprintf(reason, sizeof reason, "定期复核（%s类）", r->review_class);
    json_t *data = json_pack("{s:s}", "reason", reason), *out = NULL;
    mz_case_input in = {.case_type = case_type,
                        .household_id = r->household_id,
                        .applicant_name = r->payee,
                        .channel = "online",
                        .data = data};
    int rc = mz_case_create(db, reg, actor, &in, today, &out, err);
    json_decref(data);
    if (rc != 0)
        return -1;
    int64_t case_id = (int64_t)json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    mz_time_iso(time(NULL), at);
    if (mz_db_run(db, NULL,
                  "UPDATE enrollments SET next_review_on = ?, updated_at = ? WHERE id = ?", "tti",
                  next, at, r->id) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_t *after = json_pack("{s:I,s:s,s:s}", "case_id", (json_int_t)case_id, "review_class",
                              r->review_class, "next_review_on", next);
    rc = mz_audit_append(db, actor, "enrollment.review_scheduled", "enrollment",
                         id_text(r->id, idb), r->region, NULL, after, err);
    json_decref(after);
    return rc;
}

int mz_enrollment_schedule_reviews(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                                   const char *case_type, int today, int64_t *created,
                                   mz_error *err)
{
    const mz_case_type *t = mz_case_type_find(reg, case_type);
    char like[16], day[11], month[8];
    due_row *rows = NULL;
    size_t n = 0, cap = 0;
    int rc;

    if (created)
        *created = 0;
    if (t == NULL)
        return mz_error_set(err, 400, "invalid_value", "case_type", "事项类型 %s 不存在",
                            case_type ? case_type : "");
    snprintf(like, sizeof like, "%s%%", actor->scope_prefix);
    mz_date_format(today, day);
    mz_month_format(mz_month_of(today), month);
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT e.id, e.household_id, e.region_code, e.review_class, e.payee_name FROM "
        "enrollments e WHERE e.program = ? AND e.household_id IS NOT NULL AND e.person_id IS "
        "NULL AND e.status IN ('in_force', 'taper') AND (e.to_month IS NULL OR e.to_month >= ?) "
        "AND (e.next_review_on IS NULL OR e.next_review_on <= ?) AND e.region_code LIKE ? AND "
        "NOT EXISTS (SELECT 1 FROM cases c WHERE c.case_type = ? AND c.household_id = "
        "e.household_id AND c.closed_at IS NULL) ORDER BY e.id",
        "ttttt", t->policy_program, month, day, like, t->code);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            rows = mz_realloc(rows, cap * sizeof *rows);
        }
        rows[n].id = mz_stmt_int64(st, 0);
        rows[n].household_id = mz_stmt_int64(st, 1);
        snprintf(rows[n].region, sizeof rows[n].region, "%s", mz_stmt_text(st, 2));
        snprintf(rows[n].review_class, sizeof rows[n].review_class, "%s", mz_stmt_text(st, 3));
        rows[n].payee = mz_strdup(mz_stmt_text(st, 4));
        n++;
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        rc = mz_error_internal(err, mz_db_errmsg(db));
    else
        rc = 0;
    size_t done = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = schedule_one(db, reg, actor, t->code, today, &rows[i], err);
        if (rc == 0)
            done++;
    }
    for (size_t i = 0; i < n; i++)
        mz_free(rows[i].payee);
    mz_free(rows);
    if (rc == 0 && created)
        *created = (int64_t)done;
    return rc;
}

int mz_enrollment_get(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err)
{
    char like[16];
    int rc;
    *out = NULL;
    snprintf(like, sizeof like, "%s%%", actor->scope_prefix);
    mz_stmt *st = mz_db_prepare_bind(
        db, "SELECT " ENROLLMENT_COLUMNS ENROLLMENT_FROM "WHERE e.id = ? AND e.region_code LIKE ?",
        "it", id, like);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW)
        *out = enrollment_from_row(st);
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (*out == NULL)
        return mz_error_set(err, 404, "not_found", NULL, "保障对象 %lld 不存在", (long long)id);
    json_t *changes = json_array();
    json_object_set_new(*out, "changes", changes);
    st = mz_db_prepare_bind(db,
                            "SELECT kind, case_id, from_month, status, amount_fen, reason, "
                            "actor_name, at FROM enrollment_changes WHERE enrollment_id = ? "
                            "ORDER BY id",
                            "i", id);
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(
            changes, json_pack("{s:s,s:o,s:s,s:s,s:I,s:o,s:s,s:s}", "kind", mz_stmt_text(st, 0),
                               "case_id", nullable_id(st, 1), "from_month", mz_stmt_text(st, 2),
                               "status", mz_stmt_text(st, 3), "amount_fen",
                               (json_int_t)mz_stmt_int64(st, 4), "reason", nullable_text(st, 5),
                               "actor_name", mz_stmt_text(st, 6), "at", mz_stmt_text(st, 7)));
    mz_stmt_finalize(st);
    if (st == NULL || rc < 0) {
        json_decref(*out);
        *out = NULL;
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    json_t *periods = json_array();
    json_object_set_new(*out, "periods", periods);
    st = mz_db_prepare_bind(db,
                            "SELECT from_month, status, monthly_amount_fen, basis_category, "
                            "basis_counted_members, basis_per_capita_income_fen, "
                            "basis_care_level, case_id, reason, created_at FROM "
                            "enrollment_periods WHERE enrollment_id = ? ORDER BY from_month, id",
                            "i", id);
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(
            periods,
            json_pack("{s:s,s:s,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:s}", "from_month",
                      mz_stmt_text(st, 0), "status", mz_stmt_text(st, 1), "monthly_amount_fen",
                      (json_int_t)mz_stmt_int64(st, 2), "basis_category", nullable_text(st, 3),
                      "basis_counted_members", nullable_id(st, 4), "basis_per_capita_income_fen",
                      nullable_id(st, 5), "basis_care_level", nullable_text(st, 6), "case_id",
                      nullable_id(st, 7), "reason", nullable_text(st, 8), "created_at",
                      mz_stmt_text(st, 9)));
    mz_stmt_finalize(st);
    if (st == NULL || rc < 0) {
        json_decref(*out);
        *out = NULL;
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    return 0;
}

#define LIST_WHERE                                                                                 \
    "WHERE e.region_code LIKE ? AND (? = '' OR e.region_code LIKE ?) AND (? = '' OR e.program = "  \
    "?) AND (? = '' OR e.status = ?) AND (? = 0 OR e.household_id = ?) "

int mz_enrollment_list(mz_db *db, const mz_actor *actor, const mz_enrollment_filter *f,
                       json_t **out, mz_error *err)
{
    char like[16], sub[16];
    const char *region = f->region_code ? f->region_code : "";
    const char *program = f->program ? f->program : "", *status = f->status ? f->status : "";
    int page = f->page > 0 ? f->page : 1;
    int size = f->page_size > 0 && f->page_size <= 200 ? f->page_size : 20;
    int64_t total = 0;
    char prefix[13] = "";

    *out = NULL;
    if (*region) {
        if (mz_region_level_of(region) < 0)
            return mz_error_set(err, 400, "invalid_parameter", "region", "区划代码须为12位数字");
        mz_region_prefix(region, prefix);
    }
    snprintf(like, sizeof like, "%s%%", actor->scope_prefix);
    snprintf(sub, sizeof sub, "%s%%", prefix);
    if (mz_db_query_int64(db, &total, "SELECT COUNT(*) FROM enrollments e " LIST_WHERE, "tttttttii",
                          like, region, sub, program, program, status, status, f->household_id,
                          f->household_id) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT " ENROLLMENT_COLUMNS ENROLLMENT_FROM LIST_WHERE
                                     "ORDER BY e.id DESC LIMIT ? OFFSET ?",
                                     "tttttttiiii", like, region, sub, program, program, status,
                                     status, f->household_id, f->household_id, (int64_t)size,
                                     (int64_t)(page - 1) * size);
    json_t *items = json_array();
    int rc = MZ_DB_ERROR;
    while (st && (rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(items, enrollment_from_row(st));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(items);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    *out = json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page", page,
                     "page_size", size);
    return 0;
}
