/*
 * The case engine (事项): any request that moves through a workflow across
 * the levels — an application, a termination, a review.  A case type is a
 * declaration, static tables and nothing else: its states (with the deadline
 * of each in working days, and which one is the 公示), its transitions (from
 * state, action, to state, the role kind and region level that may take it,
 * guards and effects by name, the keys the action's data may carry, the
 * attachment kinds that must be on file) and its attachment kinds.  The
 * business systems declare their types (src/systems/assistance/case_types.c)
 * and hand a registry of them to every function here; the engine knows no
 * type by name.
 *
 * Guards are conditions the engine evaluates by name before a transition:
 *   authorisation_recorded   the applicant's 核对授权书 is on record
 *   first_supplement         no 补正 was asked before (materials listed once)
 *   missing_listed           data.missing: 1-50 non-empty texts
 *   two_investigators        data.investigators: at least two different names
 *   not_relative_or_visited  not a staff relative's case, or a home visit is on record
 *   assessment_given         the 核对 result: computed by the registry's assess hook
 *                            for a case with a household, else data.assessment
 *   publicity_over_without_open_objections   the 公示 window has ended, none open
 *   open_objection           an objection is open
 *   approval_by_township / approval_by_county   policy <program>.township_approval (1/0)
 *   reasons_given            data.reasons: 1-20 non-empty texts
 *   comment_given            a non-empty comment
 *   amount_given             data.amount_fen (or the case's amount_fen) is 1..10^11
 *   amount_within_township_limit / amount_over_township_limit
 *                            that amount against policy <program>.township_limit
 *   emergency / not_emergency   the case's data.kind is (not) "emergency"
 *   kind_given               data.kind is "emergency" or "expenditure" (creation)
 *   taper_assessed           the recorded assessment's category is dibao_taper (渐退)
 * Effects are changes a transition makes beside the state, by name:
 *   record_missing, record_authorisation, record_visit, record_assessment,
 *   record_amount, record_payment, record_reason, open_publicity,
 *   objections_reinvestigate, objections_deliberated, approve (outcome
 *   approved; creates the enrollment from the next month with the recorded
 *   assessment's monthly amount, core/enrollment.h — 409 amount_missing
 *   without one), grant (outcome approved, a one-off), refuse (outcome
 *   refused, reasons kept), terminate (outcome terminated; stops the
 *   enrollment from the next month), keep (outcome kept), adjust (outcome
 *   adjusted; from the next month the enrollment's amount and basis become
 *   the recorded assessment's, core/enrollment.h — 409 amount_missing
 *   without an amount, 409 not_enrolled with nothing in force; the reason
 *   recorded is the type's name).  Enrollment lifecycle, each from the next
 *   month (core/enrollment.h): taper (outcome tapered; 渐退 for
 *   dibao.taper_months), suspend (outcome suspended; 暂停 with data.reasons),
 *   resume / resume_back_pay (outcome resumed; paid again, the latter with
 *   the suspended months paid back).
 *
 * Deadlines: entering a state with deadline_workdays = n sets the case's
 * deadline to the n-th working day after the day of the transition, counted
 * with the holiday calendar (calendar_days).  A 公示 state's deadline is the
 * last day of its window: publicity_days calendar days from the day it opens.
 *
 * Every function is limited to the actor's region subtree in SQL (outside it
 * a case is 404, like one that does not exist); every write is audited in the
 * caller's transaction.  today is a day number (date.h), so that callers and
 * tests decide what "today" is.
 */
#ifndef MZ_CORE_CASE_H
#define MZ_CORE_CASE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/mem.h"
#include "core/actor.h"
#include "store/store.h"

/* Region levels a transition is taken at (the levels of region.h). */
enum { MZ_CASE_COUNTY = 3, MZ_CASE_TOWNSHIP = 4, MZ_CASE_VILLAGE = 5 };

#define MZ_CASE_ATTACHMENT_MAX 524288 /* bytes of one attachment (512 KiB) */

typedef struct mz_case_state {
    const char *code;
    const char *name;
    int deadline_workdays; /* for leaving the state, from entering it; 0: none */
    int publicity;         /* 1: the 公示 window runs here and objections may be raised */
    int final;             /* 1: the case is closed in this state */
} mz_case_state;

typedef struct mz_case_transition {
    const char *from;
    const char *action;
    const char *name; /* the action in Chinese: "受理" */
    const char *to;
    const char *role;        /* "worker" or "approver": the role is <level>_<role> */
    int level;               /* MZ_CASE_VILLAGE, _TOWNSHIP or _COUNTY */
    const char *guards;      /* comma list, all must hold; "" none */
    const char *effects;     /* comma list; "" none */
    const char *data_keys;   /* comma list of the keys data may carry; "" none */
    const char *attachments; /* comma list of kinds that must be on file; "" none */
} mz_case_transition;

typedef struct mz_case_attachment_kind {
    const char *code;
    const char *name;
} mz_case_attachment_kind;

typedef struct mz_case_type {
    const char *code;           /* "dibao" */
    const char *name;           /* "最低生活保障" */
    const char *policy_program; /* program whose policy parameters guards read */
    const char *initial;        /* state of a new case */
    const char *creators;       /* comma list of role codes that may create one */
    const char *create_guards;  /* guards on the creation data */
    const char *create_data_keys;
    int publicity_days; /* calendar days of the 公示 window */
    const mz_case_state *states;
    size_t nstates;
    const mz_case_transition *transitions;
    size_t ntransitions;
    const mz_case_attachment_kind *attachment_kinds;
    size_t nattachment_kinds;
} mz_case_type;

/* A decision notice as the business system renders it (the registry's notice hook). */
typedef struct mz_case_notice_doc {
    mz_buf pdf;     /* the PDF, appended by the hook */
    char title[96]; /* "最低生活保障不予批准通知书" */
} mz_case_notice_doc;

typedef struct mz_case_registry {
    const mz_case_type *const *types;
    size_t ntypes;
    /*
     * The 核对 computation the business system provides (NULL: none): the
     * assessment of household_id for program (the type's policy_program) on
     * day.  When a case has a household, the guard assessment_given runs it
     * and the case records its answer, whatever data.assessment the caller
     * sent; a case without a household records the caller's data.assessment.
     */
    int (*assess)(mz_db *db, const mz_actor *actor, const char *program, int64_t household_id,
                  int day, json_t **out, mz_error *err);
    /*
     * The decision notices the business system issues (NULL: none).  Called
     * in the decision's transaction with kind "approval", "refusal" or
     * "termination", the case row after the decision's effects (as from _get,
     * without history), the action's data (reasons), the deciding actor, the
     * notice's number and the day.  Appends the PDF to doc->pdf and sets
     * doc->title: 1; 0 when it issues no notice of that kind for the type;
     * -1 with err.
     */
    int (*notice)(mz_db *db, const mz_actor *actor, const mz_case_type *type, json_t *row,
                  json_t *action_data, const char *kind, const char *number, int day,
                  mz_case_notice_doc *doc, mz_error *err);
} mz_case_registry;

/* The type of that code, or NULL. */
const mz_case_type *mz_case_type_find(const mz_case_registry *reg, const char *code);

/*
 * Checks a declaration: states unique, initial and every transition's states
 * declared, guards and effects known, roles and levels valid, attachment
 * kinds declared.  0, or -1 with a message in msg naming the first fault.
 */
int mz_case_type_check(const mz_case_type *t, char *msg, size_t msglen);

typedef struct mz_case_input {
    const char *case_type;
    const char *region_code;     /* a village; may be NULL when household_id is given */
    int64_t household_id;        /* 0: none */
    int64_t applicant_person_id; /* 0: none; else a current member of the household */
    const char *applicant_name;
    const char
        *channel; /* "online" or "village" (entered by the village on the applicant's behalf) */
    int relative_of_staff;      /* 0 / 1: a relative of staff or village cadres */
    int authorisation_recorded; /* 0 / 1 */
    json_t *data;               /* type-specific fields, not stolen; NULL for {} */
    const char *comment;
} mz_case_input;

/*
 * Checks an uploaded file as every attachment is checked: content_base64 is
 * the Base64 of 1 byte to MZ_CASE_ATTACHMENT_MAX (400 invalid_value
 * "content" when empty or not Base64, 413 attachment_too_large when larger)
 * and a PDF, JPEG or PNG by its first bytes (400 invalid_value "content").
 * Gives the MIME type (a literal), the size and the SHA-256 in hex.  0 or -1.
 */
int mz_case_attachment_check(const char *content_base64, const char **mime, int64_t *size,
                             char sha256_hex[65], mz_error *err);

/* Creates a case (event 1, audited 'case.create').  *out: the case as from _get. */
int mz_case_create(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                   const mz_case_input *in, int today, json_t **out, mz_error *err);

/*
 * The case with its history, attachments (without bytes), objections and the
 * actions the actor could take now (each with "blocked": a message when a
 * guard or an attachment is missing, else null).  404 outside the subtree.
 */
int mz_case_get(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                int today, json_t **out, mz_error *err);

/*
 * Takes action on the case: 404 outside the subtree; 400 invalid_value (field
 * "action") for an action the type does not know; 409 invalid_transition when
 * the action does not leave the current state; 403 forbidden when the actor's
 * role or level may not take it; 400 unknown_field for data keys not
 * declared; then guards (400 invalid_value naming the data field, or 409
 * guard_failed) and attachments (409 attachment_missing).  Writes the event,
 * the state, the next deadline and the effects, audits 'case.<action>'.
 * Caller's transaction.  *out: the case as from _get.
 */
int mz_case_act(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                const char *action, const char *comment, json_t *data, int today, json_t **out,
                mz_error *err);

typedef struct mz_case_filter {
    const char *case_type;
    const char *state;
    const char *region_code;     /* subtree, intersected with the actor's */
    int relative_of_staff;       /* -1 any */
    int open;                    /* -1 any, 1 open only, 0 closed only */
    int64_t household_id;        /* 0 any */
    int64_t applicant_person_id; /* 0 any */
    int overdue;                 /* 1: only cases past a time limit (see "Time limits"); else any */
    int page, page_size;
    int no_total; /* 1: the caller needs only the page, "total" is 0 and not counted */
} mz_case_filter;

/* {"items":[case…],"total","page","page_size"}, newest first; each case with
 * "time_limit" and "notice_overdue" (see "Time limits"). */
int mz_case_list(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                 const mz_case_filter *f, int today, json_t **out, mz_error *err);

/*
 * The actor's 待办: open cases in the subtree whose current state has a
 * transition the actor's role may take at the actor's level, by deadline
 * (none last), each with "overdue" (deadline before today) and "actions".
 */
int mz_case_inbox(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int page,
                  int page_size, int today, json_t **out, mz_error *err);

/*
 * Adds an attachment: kind declared by the type, filename 1-100 characters,
 * content base64 of 1..MZ_CASE_ATTACHMENT_MAX bytes of PDF, JPEG or PNG (by
 * their first bytes).  Any actor with case:case:act in scope; not on a closed
 * case.  Audited 'case.attachment_add'.  *out: the attachment without bytes.
 */
int mz_case_attachment_add(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                           int64_t id, const char *kind, const char *filename,
                           const char *content_base64, json_t **out, mz_error *err);

/* One attachment with its bytes (base64 "content"); audited 'case.attachment_view'. */
int mz_case_attachment_get(mz_db *db, const mz_actor *actor, int64_t id, int64_t aid, json_t **out,
                           mz_error *err);

/*
 * Records an objection (1-1000 characters) raised during the case's 公示
 * window (409 invalid_transition outside it).  Audited 'case.objection'.
 * While it is open the 公示 cannot end; the type's transitions decide what
 * resolves it (re-investigation or 民主评议).
 */
int mz_case_objection_add(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                          const char *text, int today, json_t **out, mz_error *err);

/*
 * Notices.  When an action decides a case — its outcome becomes "approved",
 * "refused" or "terminated" — the registry's notice hook renders the 批准 /
 * 不予批准 / 终止 通知书 from what the case recorded, and the engine stores
 * the PDF in the decision's transaction (audited 'case.notice_issue'):
 * numbered "<county code>〔<year>〕<准|否|终>字第<nnnnn>号", issued on the
 * decision day, with its SHA-256, and for a refusal a service deadline of
 * policy <program>.refusal_notice_workdays working days.  An issued notice
 * never changes; its service (送达) is recorded once.  _get shows "notices"
 * (without bytes; each with "service_overdue": not served by service_due_on,
 * or served after it) and "notice_overdue" (one is unserved past its day).
 *
 * Time limits.  The action "accept" (受理) starts the whole-process clock
 * when the policy gives the case's program a limit: <program>.
 * process_limit_workdays working days, or process_limit_township_workdays
 * where <program>.township_approval = 1; the decision (the first outcome) or
 * the closing of the case stops it.  _get, _list and _inbox show
 * "time_limit": null, or {accepted_on, limit_workdays, extension_days,
 * extension_reason, extended_at, due_on, stopped_on, running,
 * remaining_workdays (running: working days after today up to due_on,
 * negative when past; else null), overdue (today, or the stopping day, after
 * due_on), overdue_workdays}.  The list filter overdue = 1 keeps the cases
 * whose clock runs past due_on or with a notice unserved past its day.
 */

/* {"items":[notice…],"notice_overdue"} of the case; 404 outside the subtree. */
int mz_case_notices(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                    int today, json_t **out, mz_error *err);

/*
 * Appends the PDF of notice nid of case id to out.  404 outside the subtree
 * or when the notice is not the case's.  Audited 'case.notice_view' (the notice carries
 * the applicant's name, masked ID number and the reasons); caller's
 * transaction.
 */
int mz_case_notice_pdf(mz_db *db, const mz_actor *actor, int64_t id, int64_t nid, mz_buf *out,
                       mz_error *err);

/*
 * The same for the party the notice is addressed to, whom the caller has
 * identified (a resident reading the case of their own online application):
 * no region scope, still audited as the actor's view.
 */
int mz_case_notice_pdf_for_party(mz_db *db, const mz_actor *actor, int64_t id, int64_t nid,
                                 mz_buf *out, mz_error *err);

/*
 * Records the service (送达) of notice nid: served_on YYYY-MM-DD between the
 * issue day and today (400 invalid_value "served_on"), method direct, post,
 * left, entrusted, electronic or announcement (400 "method"), recipient 0-64
 * and note 0-500 characters.  409 already_served the second time.  Allowed on
 * a closed case.  Audited 'case.notice_service'.  *out: the notice.
 */
int mz_case_notice_serve(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                         int64_t nid, const char *served_on, const char *method,
                         const char *recipient, const char *note, int today, json_t **out,
                         mz_error *err);

/*
 * Extends (延期) the running whole-process limit of case id once, by days
 * (1..policy <program>.process_extension_max_workdays, 400 invalid_value
 * "days"; 409 guard_failed when the policy allows none) for reason (1-500
 * characters, 400 "reason"), counted again from the acceptance day.  Only a
 * county_approver or township_approver (403).  409 invalid_transition when
 * the case has no running clock or was extended already.  Audited
 * 'case.extension'.  *out: the case as from _get.
 */
int mz_case_extend(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                   int64_t days, const char *reason, int today, json_t **out, mz_error *err);

#endif
