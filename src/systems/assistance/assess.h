/*
 * The 社会救助 calculator on a request object (the body of POST /assessments,
 * described in docs/api.md): {"program", "date", "region" + "household" | or
 * "household_id", optional "taper", "temporary", "tekun"}.  The caller has
 * checked the top-level fields' names and types; everything nested is
 * checked here.  A stored household is read through the registry's snapshot
 * on the date and its ID numbers are masked in the answer.
 */
#ifndef MZ_SYSTEMS_ASSISTANCE_ASSESS_H
#define MZ_SYSTEMS_ASSISTANCE_ASSESS_H

#include <jansson.h>

#include "base/error.h"
#include "base/mem.h"
#include "core/actor.h"
#include "store/store.h"

/*
 * Runs the assessment; *out is the answer (caller decrefs).  arena holds the
 * scratch memory of the call.  request may be changed (a stored household's
 * snapshot is put into it).  0, or -1 with err (400 with the field path, 403,
 * 404 outside the caller's subtree).  Writes nothing.
 */
int mz_assist_assess_request(mz_db *db, const mz_actor *actor, mz_arena *arena, json_t *request,
                             json_t **out, mz_error *err);

#endif
