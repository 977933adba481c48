/*
 * Payroll (资金发放): the monthly cycle over the enrollments (enrollment.h).
 * A run for a month generates one payment line per enrollment in force that
 * month (regular), 补发 lines (back_pay) for earlier months that were paid to
 * others but not to an enrollment whose start lies before them (an approval
 * dated into the past), and 追缴 lines (recovery, negative) for months paid
 * after an enrollment's end (a recorded death, a termination dated back).
 * Then finance approves it (someone other than who ran it) and exports the
 * bank file (CSV or .xlsx, with totals).
 *
 * A month is paid with the enrollment's period in force in that month
 * (enrollment.h, migration 008): none when that period is 'suspended', and
 * its amount and basis otherwise, for back pay generated later too.  Before
 * the lines, recorded deaths and ended exit periods (渐退期满) stop their
 * enrollments.
 *
 * The amount of a regular or back-pay line is that of the policy in force
 * in the line's month when the period has a recorded basis and the
 * caller gives the amount hook (mz_payroll_options.amount); otherwise, and
 * for enrollments made before the basis was recorded, the amount fixed at
 * approval.  A raised 低保 standard thus reaches every payment from its
 * month on without anyone editing an enrollment.
 *
 * A run is a restartable job.  Its payroll_runs row, one per month, is the
 * lock: taken by inserting it (ON CONFLICT DO NOTHING) or by taking over a
 * 'generating' row whose heartbeat is older than stale_seconds (its process
 * died).  Each batch of lines is its own transaction, which renews the
 * heartbeat only while the lock is still ours, and UNIQUE (enrollment_id,
 * month, kind) refuses a second line; so a second process cannot pay twice,
 * and a process killed at any point leaves a month that the next run resumes
 * (the regular lines from the enrollment after the last one paid).  A month once generated is
 * final: running it again changes nothing (later approvals are paid as back pay next month).
 *
 * Runs, approval and export are city-wide: they need payroll:run:create /
 * approve / export and the whole registry in scope (a city-level actor or
 * the command line).  Reads of totals and lines are limited to the actor's
 * subtree.  Every amount is int64 fen.
 */
#ifndef MZ_CORE_PAYROLL_H
#define MZ_CORE_PAYROLL_H

#include <jansson.h>
#include <stdint.h>

#include "base/error.h"
#include "base/mem.h"
#include "core/actor.h"
#include "store/store.h"

/*
 * What an enrollment's amount is computed from (migration 006), as a run
 * reads it for a regular or a back-pay line.  Unrecorded values are NULL
 * strings, counted_members 0 and per_capita_income_fen -1.
 */
typedef struct mz_payroll_basis {
    const char *program;           /* "dibao", "tekun" */
    const char *category;          /* the assessment's category: "dibao", "tekun", … */
    int64_t counted_members;       /* 0: not recorded */
    int64_t per_capita_income_fen; /* -1: not recorded */
    const char *care_level;        /* "self", "half", "full"; NULL: not recorded */
    const char *region_code;       /* the enrollment's village */
    int64_t stored_amount_fen;     /* the amount fixed at approval */
} mz_payroll_basis;

/* An amount computed from a basis, with the 低保 standard and its policy_params row. */
typedef struct mz_payroll_amount {
    int64_t amount_fen;
    int64_t standard_fen;
    int64_t policy_id;
} mz_payroll_amount;

typedef struct mz_payroll_options {
    int batch_size;    /* lines per transaction; <= 0: 200 */
    int chunk_size;    /* with url: lines the reading thread reads at a time; <= 0: 1000 */
    int stale_seconds; /* a heartbeat this old may be taken over; < 0: 120 */
    int pause_ms;      /* pause between batches, to leave the database to others; 0 none */
    /* Called after each batch with the phase ("regular", "back_pay", "recovery") and the
     * lines this call has inserted so far; may be NULL. */
    void (*progress)(void *arg, const char *phase, int64_t lines);
    void *arg;
    /*
     * The amount of the policy in force in month ("YYYY-MM") for an
     * enrollment with a recorded basis, provided by the business system the
     * way the case engine gets its assess hook (NULL: every line pays the
     * stored amount).  Returns 1 with *out set, 0 when the basis does not
     * determine an amount (the stored amount is paid), or -1 with err set,
     * which fails the batch.  Recovery lines never call it.
     */
    int (*amount)(void *amount_arg, mz_db *db, const mz_payroll_basis *basis, const char *month,
                  mz_payroll_amount *out, mz_error *err);
    void *amount_arg; /* the hook's own state (e.g. a policy cache for one run) */
    /* The database's URL, for a second connection on which a thread reads and prices the
     * regular lines while this one writes them (a batch job's CLI); NULL: one. */
    const char *url;
} mz_payroll_options;

/*
 * Generates month ("YYYY-MM") or resumes its generation.  Runs its own
 * transactions: call it outside one.  *out: the run as from mz_payroll_get,
 * plus "generated_now" (this call generated or completed it) and
 * "lines_added".  Errors: 400 invalid_value (month), 403 forbidden, 409
 * payroll_busy (another process holds the month and is alive).
 */
int mz_payroll_run(mz_db *db, const mz_actor *actor, const char *month,
                   const mz_payroll_options *opt, json_t **out, mz_error *err);

/*
 * The run of a month: state, who and when, line count and total, and
 * "totals": [{program, region_code (county), region_name, kind, lines,
 * amount_fen}] over the lines in the actor's subtree.  404 when not run.
 */
int mz_payroll_get(mz_db *db, const mz_actor *actor, const char *month, json_t **out,
                   mz_error *err);

/* {"items":[run…],"total","page","page_size"}, newest month first, without totals. */
int mz_payroll_list(mz_db *db, const mz_actor *actor, int page, int page_size, json_t **out,
                    mz_error *err);

/*
 * {"items":[line…],"total","page","page_size"} of a month, in the subtree;
 * accounts masked.  A line's standard_fen and policy_param_id name the 低保
 * standard that decided its amount (null: the stored amount was paid).
 */
int mz_payroll_lines(mz_db *db, const mz_actor *actor, const char *month, int page, int page_size,
                     json_t **out, mz_error *err);

/*
 * Approves a generated month: 409 invalid_state unless 'generated', 409
 * same_person when the actor started the run.  Caller's transaction;
 * audited 'payroll.approve'.  *out as from mz_payroll_get.
 */
int mz_payroll_approve(mz_db *db, const mz_actor *actor, const char *month, json_t **out,
                       mz_error *err);

/*
 * The bank file of an approved (or already exported) month into out:
 * format "csv" (UTF-8 with a BOM, Chinese headers, a 合计 row) or "xlsx".
 * Marks the run exported; caller's transaction; audited 'payroll.export'
 * (the file carries full account numbers).
 */
int mz_payroll_export(mz_db *db, const mz_actor *actor, const char *month, const char *format,
                      mz_buf *out, mz_error *err);

#endif
