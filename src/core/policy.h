/*
 * Policy as data: every number a rule uses (standards, ratios, limits,
 * periods, lists) is a row of policy_params — program, parameter, region code
 * prefix, effective date, value — never a constant in code.  The value in
 * force for a region on a date is the row with the longest region prefix
 * that the region's code starts with (most specific region wins) and, among
 * those, the latest effective_from not after the date.  Rows are never
 * updated: a change is a new row with a new effective date, audited.
 *
 * Units say how the text value reads:
 *   fen    int64 money in fen ("61000" = 610.00 yuan)
 *   ratio  int64 in basis points ("13000" = 1.3, "3500" = 35 %)
 *   int    a count or a number of months / days
 *   list   comma-separated identifiers ("basic_pension,youfu")
 *   text   free text (e.g. a rounding rule name)
 * The catalogue of parameters (with units, bounds, defaults and sources) is
 * the table policy_catalog, so the editor can validate a new value.
 */
#ifndef MZ_CORE_POLICY_H
#define MZ_CORE_POLICY_H

#include <jansson.h>
#include <stdint.h>

#include "base/error.h"
#include "core/actor.h"
#include "store/store.h"

typedef struct mz_policy_value {
    char program[32];
    char param[64];
    char unit[8];
    char region_prefix[13]; /* the row that decided: "" is the national default */
    char effective_from[11];
    int64_t num;    /* fen / ratio / int */
    char text[512]; /* list / text, and the raw value of every unit */
    int64_t id;     /* policy_params.id, for the explanation */
} mz_policy_value;

/*
 * The value of program.param in force for region_code (12 digits) on day
 * (YYYY-MM-DD).  Returns 0; 404 not_found (field "param") when no row applies.
 */
int mz_policy_get(mz_db *db, const char *program, const char *param, const char *region_code,
                  const char *day, mz_policy_value *out, mz_error *err);

/*
 * Adds a value (caller's transaction, audited).  value is text in the unit's
 * human form: yuan "650.00" for fen, a decimal "1.3" for ratio, digits for
 * int, a comma list of allowed words for list, one allowed word for text; it
 * is stored converted (fen, basis points).  Validates the parameter
 * against the catalogue (unit, bounds), the region prefix against the
 * registry and the actor's subtree, the date; refuses a duplicate
 * (program, param, prefix, effective_from) with 409.  *id gets the new row id.
 */
int mz_policy_add(mz_db *db, const mz_actor *actor, const char *program, const char *param,
                  const char *region_code, const char *effective_from, const char *value,
                  const char *note, int64_t *id, mz_error *err);

/* The catalogue and every row, optionally for one program: {"items":[…]} for the editor. */
int mz_policy_list(mz_db *db, const mz_actor *actor, const char *program, json_t **out,
                   mz_error *err);

#endif
