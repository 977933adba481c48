/*
 * The hash-chained audit log (see audit.h).
 *
 * The hashed text is every field, length-prefixed so that no two different
 * entries can produce the same text: "<len>:<bytes>;" per field, NULL written
 * as "-;".  Changing any stored byte of an entry, deleting an entry or
 * reordering entries breaks the chain at that entry.
 */
#include "core/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/mem.h"

static void put_field(mz_buf *b, const char *s)
{
    if (s == NULL)
        mz_buf_puts(b, "-;");
    else
        mz_buf_printf(b, "%zu:%s;", strlen(s), s);
}

static void entry_hash(const char *prev, int64_t seq, const char *at, const char *actor_id,
                       const char *actor_name, const char *action, const char *object_type,
                       const char *object_id, const char *region, const char *before,
                       const char *after, const char *request_id, char out[65])
{
    mz_buf b;
    mz_buf_init(&b);
    char seqs[24];
    snprintf(seqs, sizeof seqs, "%lld", (long long)seq);
    put_field(&b, prev);
    put_field(&b, seqs);
    put_field(&b, at);
    put_field(&b, actor_id);
    put_field(&b, actor_name);
    put_field(&b, action);
    put_field(&b, object_type);
    put_field(&b, object_id);
    put_field(&b, region);
    put_field(&b, before);
    put_field(&b, after);
    put_field(&b, request_id);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)b.data, b.len);
    sodium_bin2hex(out, 65, h, sizeof h);
    mz_buf_cleanup(&b);
}

static char *dump(json_t *j)
{
    return j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII) : NULL;
}

int mz_audit_append(mz_db *db, const mz_actor *actor, const char *action, const char *object_type,
                    const char *object_id, const char *region_code, json_t *before, json_t *after,
                    mz_error *err)
{
    int rc = -1;
    char *before_s = dump(before), *after_s = dump(after);
    char *prev = NULL;
    mz_stmt *st = NULL;
    char at[21], hash[65], actor_id[24];
    int64_t seq;

    mz_time_iso(time(NULL), at);
    snprintf(actor_id, sizeof actor_id, "%lld", (long long)actor->id);

    /* Taking the row lock first serialises concurrent writers on PostgreSQL. */
    st = mz_db_prepare(db, "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash");
    if (st == NULL || mz_stmt_step(st) != MZ_DB_ROW) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    seq = mz_stmt_int64(st, 0);
    prev = mz_strdup(mz_stmt_text(st, 1));
    mz_stmt_finalize(st);
    st = NULL;

    entry_hash(prev, seq, at, actor_id, actor->username, action, object_type, object_id,
               region_code, before_s, after_s, actor->request_id, hash);
    if (mz_db_run(db, NULL,
                  "INSERT INTO audit_log (seq, at, actor_id, actor_name, action, object_type, "
                  "object_id, region_code, before_json, after_json, request_id, prev_hash, hash) "
                  "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                  "ititttttttttt", seq, at, actor->id, actor->username, action, object_type,
                  object_id, region_code, before_s, after_s, actor->request_id, prev, hash) < 0 ||
        mz_db_run(db, NULL, "UPDATE audit_head SET hash = ? WHERE id = 1", "t", hash) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    rc = 0;
out:
    mz_stmt_finalize(st);
    mz_free(prev);
    free(before_s);
    free(after_s);
    return rc;
}

int mz_audit_verify(mz_db *db, int64_t *checked, int64_t *first_broken)
{
    char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
    int64_t expect_seq = 1;
    int rc;
    *checked = 0;
    *first_broken = 0;
    mz_stmt *st = mz_db_prepare(db, "SELECT seq, at, actor_id, actor_name, action, object_type, "
                                    "object_id, region_code, before_json, after_json, "
                                    "request_id, prev_hash, hash FROM audit_log ORDER BY seq");
    if (st == NULL)
        return -1;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        int64_t seq = mz_stmt_int64(st, 0);
        char h[65];
        (*checked)++;
        entry_hash(prev, seq, mz_stmt_text(st, 1), mz_stmt_text(st, 2), mz_stmt_text(st, 3),
                   mz_stmt_text(st, 4), mz_stmt_text(st, 5), mz_stmt_text(st, 6),
                   mz_stmt_text(st, 7), mz_stmt_text(st, 8), mz_stmt_text(st, 9),
                   mz_stmt_text(st, 10), h);
        const char *stored_prev = mz_stmt_text(st, 11), *stored = mz_stmt_text(st, 12);
        if (seq != expect_seq || stored_prev == NULL || strcmp(stored_prev, prev) != 0 ||
            stored == NULL || strcmp(stored, h) != 0) {
            *first_broken = seq != expect_seq && seq > expect_seq ? expect_seq : seq;
            break;
        }
        memcpy(prev, h, sizeof prev);
        expect_seq++;
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        return -1;
    if (*first_broken == 0) {
        /* The tail must match the head, or entries were cut off the end. */
        char *head = NULL;
        int64_t head_seq = 0;
        if (mz_db_query_int64(db, &head_seq, "SELECT seq FROM audit_head WHERE id = 1", "") < 0 ||
            mz_db_query_text(db, &head, "SELECT hash FROM audit_head WHERE id = 1", "") < 0)
            return -1;
        if (head_seq != expect_seq - 1 || head == NULL || strcmp(head, prev) != 0)
            *first_broken = expect_seq;
        mz_free(head);
    }
    return 0;
}
