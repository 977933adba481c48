/*
 * The household registry (一户一档): a household lives in a village (a level-5
 * region code), is urban or rural, has an address, a bank account for
 * payments and a head; its members join and leave on dates, and its economic
 * items (incomes, employment costs, assets, rigid expenditures) apply from a
 * date until a date.  Periods are half-open: a member belongs on day d when
 * joined_on <= d < left_on, an item applies when valid_from <= d < valid_to,
 * and NULL is open-ended.  Nothing is edited in place — a change ends an item
 * and adds a new one — so mz_household_snapshot() can rebuild the household of
 * any past day, which is what every programme's rule function is fed.
 *
 * A person belongs to at most one household on any day; adding a member
 * takes a lock on the person's row first so that two concurrent additions
 * cannot both pass the check.
 *
 * Scope: a household is visible when its region lies in the actor's subtree
 * (in SQL); otherwise it is "not found".  Every change is audited in the
 * caller's transaction with object_type 'household' and the household id, so
 * the household's history is one query; ID numbers and the bank account
 * appear there masked only.
 */
#ifndef MZ_CORE_HOUSEHOLD_H
#define MZ_CORE_HOUSEHOLD_H

#include <jansson.h>
#include <stdint.h>

#include "base/error.h"
#include "core/actor.h"
#include "core/person.h"
#include "store/store.h"

/* Upper bound of any amount in fen (10 亿元): generous, the same bound the
 * assessment calculator takes, and far from overflow when thousands of items
 * are added up. */
#define MZ_REGISTRY_MAX_FEN INT64_C(100000000000)
/* At most this many members in one household creation. */
#define MZ_HOUSEHOLD_MAX_MEMBERS 50

/*
 * A member to add: an existing person (person_id > 0, visible to the actor)
 * or a new one (person).  relation is a code of mz_household_relations;
 * joined_on YYYY-MM-DD.  field_prefix names the member in errors ("",
 * "head.", "members[2].").
 */
typedef struct mz_member_input {
    const char *field_prefix;
    int64_t person_id;
    mz_person_input person;
    const char *relation;
    const char *joined_on;
} mz_member_input;

/* Relations to the head: self (the head), spouse, child, parent, grandchild,
 * grandparent, sibling, other — the codes the assessment calculator reads;
 * NULL-terminated. */
extern const char *const mz_household_relations[];

typedef struct mz_household_input {
    const char *region_code; /* a village in the actor's subtree */
    const char *kind;        /* urban | rural; default: the village's kind */
    const char *address;
    const char *bank_name;    /* "" clears on update */
    const char *bank_account; /* digits; "" clears on update */
    const char *joined_on;    /* create: the head's joining day, default for members */
    mz_member_input head;     /* create: relation is "self" whatever is given */
    mz_member_input *members; /* create: further members */
    int nmembers;
} mz_household_input;

/*
 * Bank account rule: 12–30 ASCII digits, and when 16–19 digits long (the
 * length of a bank card number, GB/T 15694 / ISO/IEC 7812) the last digit
 * must be the Luhn check digit.  1 when valid.
 */
int mz_bank_account_valid(const char *s);
/* First 4 and last 4 digits, the rest '*': "6222***********0123"; never more
 * than 30 characters.  Anything shorter than 9 characters is all '*'. */
void mz_bank_account_mask(const char *s, char out[32]);

/* Creates a household with its head and further members; *out gets Household
 * JSON.  Caller's transaction. */
int mz_household_create(mz_db *db, const mz_actor *actor, const mz_household_input *in,
                        json_t **out, mz_error *err);
/* Household JSON with its current members; 404 outside the subtree. */
int mz_household_get(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err);
/* Changes region_code (a village in scope; the kind follows the new village
 * unless kind is given too), kind, address, bank_name, bank_account.
 * Caller's transaction. */
int mz_household_update(mz_db *db, const mz_actor *actor, int64_t id, const mz_household_input *in,
                        json_t **out, mz_error *err);

/* Adds a member from m->joined_on (never the head).  409 conflict when the
 * person belongs to a household on that day or later.  *out gets the
 * membership.  Caller's transaction. */
int mz_household_add_member(mz_db *db, const mz_actor *actor, int64_t id, const mz_member_input *m,
                            json_t **out, mz_error *err);
/* The member leaves on day (the first day no longer a member).  400 when day
 * is not after joining or the person is the head, 404 when the person never
 * belonged here, 409 when the membership has ended already.  Caller's
 * transaction. */
int mz_household_member_leave(mz_db *db, const mz_actor *actor, int64_t id, int64_t person_id,
                              const char *day, json_t **out, mz_error *err);

/* Economic items.  kind: "incomes", "employment-costs", "assets", "expenditures". */
typedef struct mz_item_input {
    int64_t person_id;      /* 0: household-level (incomes, employment costs, expenditures) */
    const char *type;       /* incomes, assets, expenditures */
    int64_t amount_fen;     /* monthly (incomes, employment costs), value (assets), annual */
    int exempt;             /* assets: 0 / 1 */
    const char *note;       /* note, or the description of an asset; may be NULL */
    const char *valid_from; /* YYYY-MM-DD */
    const char *valid_to;   /* NULL: open-ended */
} mz_item_input;

/* 1 when kind names an item kind. */
int mz_household_item_kind_valid(const char *kind);
/* Adds an item; *out gets it.  Caller's transaction. */
int mz_household_item_add(mz_db *db, const mz_actor *actor, int64_t id, const char *kind,
                          const mz_item_input *in, json_t **out, mz_error *err);
/* Ends an open item on day (after valid_from): it no longer applies from that
 * day.  404 for an unknown item, 409 for one already ended.  Caller's
 * transaction. */
int mz_household_item_end(mz_db *db, const mz_actor *actor, int64_t id, const char *kind,
                          int64_t item_id, const char *day, json_t **out, mz_error *err);

/*
 * The household as of day, in the shape the programmes' rule functions take:
 *   {"region": village code,
 *    "household": {"members": [{"id_number", "name", "relation",
 *                   "disability": {"kind","grade"} | null, "serious_illness",
 *                   "labour_capacity", "detained", "missing", "in_school",
 *                   "self_care_unable", "supporter_able", "deceased_on"}],
 *                  "incomes": [{"id_number" | null, "type", "monthly_fen"}],
 *                  "employment_cost_monthly_fen", "assets": [{"type",
 *                  "value_fen", "exempt"}], "rigid_expenditure_annual_fen"}}
 * Members are those belonging on day; deceased_on is shown when on or before
 * day.  Items are those applying on day, a person's only while the person is
 * a member on day.  Person attributes other than death are current values.
 * Full ID numbers: with audit_view set, one 'person.view_id' entry per member
 * is appended (caller's transaction) — set it whenever the result reaches a
 * person.  404 outside the subtree.
 */
int mz_household_snapshot(mz_db *db, const mz_actor *actor, int64_t id, const char *day,
                          int audit_view, json_t **out, mz_error *err);

typedef struct mz_household_filter {
    const char *region_code; /* subtree, intersected with the actor's */
    const char *q;           /* substring of the head's name, or a member's full ID number */
    int page, page_size;
} mz_household_filter;

/* {"items":[…],"total","page","page_size"} of households in scope, by id. */
int mz_household_list(mz_db *db, const mz_actor *actor, const mz_household_filter *f, json_t **out,
                      mz_error *err);

/*
 * Everything about a household: {"household": Household, "members": [every
 * membership, with dates], "items": {"incomes", "employment_costs", "assets",
 * "expenditures"}, "history": [audit entries, newest first]}.  Later modules
 * add their sections ("applications", "enrollments", "payments") as further
 * keys.
 */
int mz_household_profile(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err);

#endif
