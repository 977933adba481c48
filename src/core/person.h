/*
 * The person registry (一人一档): everybody a civil-affairs programme may
 * touch, keyed by the resident ID number.  Gender and birth date are derived
 * from the ID number (a value given beside it must agree); the attributes the
 * rules read (disability, labour capacity, serious illness, self-care, in
 * school, detained, missing, able supporter, death) are current values whose
 * history is the audit log.  Persons are never deleted: a death is recorded.
 *
 * Scope: a person is visible to an actor when one of the households the
 * person ever belonged to (current or past) lies in the actor's subtree, or,
 * for a person who never belonged to any household, when the region of the
 * user who created the record does.  Outside that the person is "not found",
 * exactly like one that does not exist.  The same rule holds for reads and
 * writes, and it is applied in SQL.
 *
 * ID numbers leave this module masked (321302********1234, field
 * id_number_masked) except through mz_person_id_number(), which audits the
 * view as 'person.view_id'.  Every change is audited in the caller's
 * transaction, with masked ID numbers only.
 */
#ifndef MZ_CORE_PERSON_H
#define MZ_CORE_PERSON_H

#include <jansson.h>
#include <stdint.h>

#include "base/error.h"
#include "base/mem.h"
#include "core/actor.h"
#include "store/store.h"

/* Bounds shared by the registry. */
#define MZ_PERSON_NAME_MAX 64 /* characters */

/*
 * Fields of a new or changed person; NULL / -1 mean "not given".
 * field_prefix is put before every field name an error reports ("" or
 * "members[1]."), so that a nested person names its exact place in a body.
 */
typedef struct mz_person_input {
    const char *field_prefix;
    const char *id_number; /* create only */
    const char *name;
    const char *gender;            /* "M" / "F": must agree with the ID number; create only */
    const char *birth_date;        /* YYYY-MM-DD: must agree with the ID number; create only */
    int disability_set;            /* 1: disability_kind / disability_grade given */
    const char *disability_kind;   /* NULL with disability_set: no disability */
    int disability_grade;          /* 1–4 with a kind; 0 otherwise */
    const char *labour_capacity;   /* full | partial | none */
    int serious_illness;           /* -1, 0, 1 */
    int self_care_unable;          /* -1, or 0–6 activities not done */
    int self_care_set;             /* 1: self_care_activities given */
    unsigned self_care_activities; /* bit i: activity i of mz_person_activities not done */
    int in_school, detained, missing, supporter_able; /* -1, 0, 1 */
    int deceased_set;                                 /* 1: deceased_on given; update only */
    const char *deceased_on; /* NULL with deceased_set: not deceased (a correction) */
} mz_person_input;

/* An input with nothing given. */
void mz_person_input_init(mz_person_input *in);

/* The six activities of daily living, in bit order: eating, dressing, transfer,
 * toileting, walking, bathing.  Index of a code, or -1. */
extern const char *const mz_person_activities[6];
int mz_person_activity_index(const char *code);

/* Care level from the number of activities not done (RULES.md §2):
 * 0 "self" 全自理, 1–3 "half" 半护理, ≥ 4 "full" 全护理. */
const char *mz_person_care_level(int self_care_unable);

/*
 * Validates a person to be created (ID number, name, enums, agreement of
 * gender / birth date with the ID number) without touching the database;
 * 400 with the field of the first problem.
 */
int mz_person_check_new(const mz_person_input *in, mz_error *err);

/* Creates a person; *out gets Person JSON.  Caller's transaction; 409 conflict
 * (field id_number) when the number is registered already. */
int mz_person_create(mz_db *db, const mz_actor *actor, const mz_person_input *in, json_t **out,
                     mz_error *err);
/* Like mz_person_create with region_code as the audit region (a household's
 * village when the person is created as its member); *id gets the new id. */
int mz_person_insert(mz_db *db, const mz_actor *actor, const mz_person_input *in,
                     const char *audit_region, int64_t *id, mz_error *err);

/* Person JSON; 404 not_found outside the scope. */
int mz_person_get(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err);
/* 0 when the person is visible to the actor, else 404 (or 500). */
int mz_person_visible(mz_db *db, const mz_actor *actor, int64_t id, mz_error *err);

/* Changes any of name, disability, labour capacity, serious illness,
 * self-care, in school, detained, missing, supporter_able, deceased_on.
 * Caller's transaction; audited 'person.update' ('person.death' when a death
 * is recorded). */
int mz_person_update(mz_db *db, const mz_actor *actor, int64_t id, const mz_person_input *in,
                     json_t **out, mz_error *err);

/* Records a death on day (YYYY-MM-DD, not before birth, not after today); the
 * person and their memberships stay.  Caller's transaction. */
int mz_person_record_death(mz_db *db, const mz_actor *actor, int64_t id, const char *day,
                           mz_error *err);

/*
 * The full ID number of a visible person into out, audited as
 * 'person.view_id' (via "id_number").  The caller checks the permission
 * registry:person:view_id.  Caller's transaction.
 */
int mz_person_id_number(mz_db *db, const mz_actor *actor, int64_t id, char out[19], mz_error *err);

/* Appends one 'person.view_id' audit entry: person id, how the number was
 * shown (via) and, for a household snapshot, the household and date. */
int mz_person_audit_view(mz_db *db, const mz_actor *actor, int64_t id, const char *region,
                         const char *via, int64_t household_id, const char *day, mz_error *err);

typedef struct mz_person_filter {
    const char *q; /* substring of the name, or a full ID number (exact) */
    int page, page_size;
} mz_person_filter;

/* {"items":[…],"total":N,"page":P,"page_size":S} of persons in scope, by id. */
int mz_person_list(mz_db *db, const mz_actor *actor, const mz_person_filter *f, json_t **out,
                   mz_error *err);

/*
 * Everything about a person: {"person": Person, "households": [the
 * memberships in households of the actor's subtree, with dates], "history":
 * [audit entries of changes to the person, newest first]}, as JSON text
 * appended to out — written straight from the statements' columns, the bytes
 * mz_json_dump would write for the same values — with the object left open:
 * later modules add their sections ("cases", …) as further members and the
 * caller closes it with '}'.  On an error out is as it was.  *applied (applied
 * may be NULL) tells whether any case (事项), in any region, names the person
 * as its applicant: when none does, a caller adding the person's cases has
 * none to look for.
 */
int mz_person_profile(mz_db *db, const mz_actor *actor, int64_t id, mz_buf *out, int *applied,
                      mz_error *err);

/* ---- helpers shared with household.c ---- */

/* The SQL condition "person p.id is in scope"; binds two LIKE patterns
 * (mz_registry_scope() twice). */
#define MZ_PERSON_SCOPE_SQL                                                                        \
    "(EXISTS (SELECT 1 FROM household_members sm JOIN households sh ON sh.id = sm.household_id "   \
    "WHERE sm.person_id = p.id AND sh.region_code LIKE ?) OR (NOT EXISTS (SELECT 1 FROM "          \
    "household_members sn WHERE sn.person_id = p.id) AND p.created_region LIKE ?))"

/* "prefix%" of the actor's subtree for LIKE. */
void mz_registry_scope(const mz_actor *actor, char out[16]);
/* Checks single-line text: valid UTF-8, no control characters, 1..max
 * characters; 400 invalid_value naming prefix+field with label in the message. */
int mz_registry_check_text(const char *s, size_t max, const char *prefix, const char *field,
                           const char *label, mz_error *err);
/* Checks a date YYYY-MM-DD; 400 invalid_value naming prefix+field. */
int mz_registry_check_date(const char *s, const char *prefix, const char *field, mz_error *err);
/* "%lld" of an id. */
const char *mz_registry_id_text(int64_t id, char buf[24]);
/* Search text for LIKE: "%q%" with %, _ and \ escaped (free with mz_free). */
char *mz_registry_like(const char *q);
/* Audit entries about one object, newest first, at most limit. */
int mz_registry_history(mz_db *db, const char *object_type, int64_t id, int limit,
                        const char *exclude_action, json_t **out, mz_error *err);
/* The same entries as a JSON array appended to out (as mz_json_dump writes them). */
int mz_registry_history_write(mz_db *db, const char *object_type, int64_t id, int limit,
                              const char *exclude_action, mz_buf *out, mz_error *err);

#endif
