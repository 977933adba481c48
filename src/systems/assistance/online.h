/*
 * 网上申请 (掌上办): a resident's online application for 低保, 特困 or 临时救助,
 * and the village / township intake that turns it into a case.
 *
 * A resident (core/resident.h) submits what they declare — village, address,
 * phone, household members, monthly incomes by type, assets, the reason and
 * the online-signed 核对授权 — and uploads attachments to it (the same kinds,
 * size and file types as case attachments).  The submission is stored as
 * sent, status 'submitted'.  The village and township workers of that village
 * see it (scoped to their subtree in SQL) and either return it with reasons
 * ('returned'; the resident may submit a corrected one that names it) or
 * accept it ('accepted'): in the caller's one transaction they link an
 * existing household of the village or create one from the declared members
 * (with the declared incomes and assets as items from today), create the case
 * through the case engine (channel 'online', authorisation recorded from the
 * consent), copy the attachments to it, record that they saw the applicant's
 * ID card in person, and point the submission at the case.
 *
 * A resident reads only their own submissions (selected by actor id) and the
 * case behind an accepted one in plain terms: its state's name, the dates of
 * its steps without staff names, its outcome.  Staff see members' ID numbers
 * masked; full numbers never leave this module for staff.  Every write is
 * audited (object_type 'online_application').
 */
#ifndef MZ_SYSTEMS_ASSISTANCE_ONLINE_H
#define MZ_SYSTEMS_ASSISTANCE_ONLINE_H

#include <jansson.h>
#include <stdint.h>

#include "base/error.h"
#include "core/actor.h"
#include "core/case.h"
#include "store/store.h"

#define MZ_ONLINE_MAX_ITEMS 50       /* members, incomes, assets: each */
#define MZ_ONLINE_MAX_ATTACHMENTS 20 /* per submission */

/* What a resident declares.  Arrays hold objects whose keys and JSON types
 * the caller has checked: members {name, id_number, relation}, incomes
 * {type, monthly_fen}, assets {type, value_fen, description?}. */
typedef struct mz_online_input {
    const char *program;          /* dibao | tekun | temporary */
    const char *kind;             /* temporary: emergency | expenditure; else NULL */
    int64_t requested_amount_fen; /* temporary: 1..10^11; else 0 */
    const char *region_code;      /* a village of the registry */
    const char *address;
    const char *phone;
    const char *reason;
    json_t *members, *incomes, *assets; /* arrays; incomes and assets may be NULL */
    int consent;                        /* 1: the 核对授权 was agreed to online */
    int64_t corrects_id;                /* 0, or the resident's returned submission */
} mz_online_input;

/*
 * Submits for the resident actor; 400 naming the field of the first problem
 * (authorisation_consent when the 核对授权 is not agreed to).  Caller's
 * transaction, audited 'online_application.submit'.  *out: as from
 * mz_online_resident_get.
 */
int mz_online_submit(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                     const mz_online_input *in, json_t **out, mz_error *err);

/* Adds an attachment to the resident's own submission while it is
 * 'submitted': kind id_card, application_form or other; the checks of
 * mz_case_attachment_add.  Caller's transaction.  *out: without bytes. */
int mz_online_attachment_add(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                             int64_t id, const char *kind, const char *filename,
                             const char *content_base64, json_t **out, mz_error *err);

/* The resident's own submissions, newest first: {"items":[…]}. */
int mz_online_resident_list(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                            json_t **out, mz_error *err);
/* One of the resident's own submissions with what became of it — for an
 * accepted one the case's progress and its decision notices (id, title,
 * number, issued_on, served_on); 404 otherwise. */
int mz_online_resident_get(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                           int64_t id, json_t **out, mz_error *err);

/*
 * The PDF of decision notice nid of the case behind the resident's own
 * accepted submission id (core/case.h, mz_case_notice_pdf_for_party: audited
 * as the resident's view); 404 for another resident's submission, one not
 * accepted, or a notice of another case.  Caller's transaction.
 */
int mz_online_resident_notice_pdf(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                                  int64_t id, int64_t nid, mz_buf *out, mz_error *err);

typedef struct mz_online_filter {
    const char *status; /* NULL any */
    int page, page_size;
} mz_online_filter;

/* Staff: submissions of villages in the subtree, oldest waiting first. */
int mz_online_list(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                   const mz_online_filter *f, json_t **out, mz_error *err);
/* Staff: one submission (ID numbers masked), with its attachments; 404 outside the subtree. */
int mz_online_get(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                  json_t **out, mz_error *err);
/* Staff: one attachment with its bytes; audited 'online_application.attachment_view'. */
int mz_online_attachment_get(mz_db *db, const mz_actor *actor, int64_t id, int64_t aid,
                             json_t **out, mz_error *err);

/* Staff: returns a 'submitted' one with 1-20 reasons (1-200 characters
 * each); 409 invalid_state otherwise.  Caller's transaction. */
int mz_online_return(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                     json_t *reasons, json_t **out, mz_error *err);

typedef struct mz_online_accept_input {
    int64_t household_id; /* 0: create the household from the declared members */
    int identity_checked; /* 1: the applicant's ID card was seen in person (required) */
    int relative_of_staff;
    int64_t amount_fen; /* temporary: 0 takes the requested amount */
    const char *comment;
} mz_online_accept_input;

/* Staff: accepts a 'submitted' one (see above).  Caller's transaction.
 * *out: the submission as from mz_online_get, with "case_id". */
int mz_online_accept(mz_db *db, const mz_case_registry *reg, const mz_actor *actor, int64_t id,
                     const mz_online_accept_input *in, int today, json_t **out, mz_error *err);

#endif
