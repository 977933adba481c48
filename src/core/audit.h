/*
 * Audit: an append-only, hash-chained log of every write and every view of
 * sensitive data.  An entry is appended inside the caller's transaction, so
 * the write and its record commit or vanish together.  Each entry's hash is
 * SHA-256 over the previous entry's hash and every field of the entry; the
 * chain's tail lives in the single row audit_head, whose row lock serialises
 * writers across processes on PostgreSQL (SQLite serialises writers anyway).
 */
#ifndef MZ_CORE_AUDIT_H
#define MZ_CORE_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "base/error.h"
#include "core/actor.h"
#include "store/store.h"

/*
 * Appends one entry.  Must be called inside a transaction (mz_db_begin).
 * before / after may be NULL; they are not stolen.  Returns 0 or -1 with err set.
 */
int mz_audit_append(mz_db *db, const mz_actor *actor, const char *action, const char *object_type,
                    const char *object_id, const char *region_code, json_t *before, json_t *after,
                    mz_error *err);

/*
 * Walks the whole chain.  Returns 0 with *first_broken = 0 when intact, 0 with
 * *first_broken = seq of the first entry whose hash or link is wrong, or -1 on
 * a database error.  *checked counts the entries read.
 */
int mz_audit_verify(mz_db *db, int64_t *checked, int64_t *first_broken);

#endif
