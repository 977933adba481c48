/*
 * Helpers for unit tests that drive 社会救助 cases through the engine with the
 * case types of systems/assistance: dates, actions (each in its own committed
 * transaction) and attachments.  Include after testdb.h.
 */
#ifndef MZ_TESTS_TESTCASE_H
#define MZ_TESTS_TESTCASE_H

#include "base/date.h"
#include "core/case.h"
#include "systems/assistance/case_types.h"

/* The day number of "YYYY-MM-DD"; fails the test on a bad date. */
static inline int tcase_day(const char *s)
{
    int d;
    if (mz_date_parse(s, &d) != 0)
        fail_msg("bad date %s", s);
    return d;
}

/* Takes action on case id on day `on` (data: JSON text or NULL); commits on success. */
static inline int tcase_act(tdb *t, const mz_actor *a, int64_t id, const char *action,
                            const char *data, const char *on, mz_error *err)
{
    json_t *d = data ? json_loads(data, 0, NULL) : NULL, *out = NULL;
    mz_error_clear(err);
    tdb_begin(t);
    int rc = mz_case_act(t->db, mz_assist_case_registry(), a, id, action, "经办意见", d,
                         tcase_day(on), &out, err);
    if (rc == 0)
        tdb_commit(t);
    else
        mz_db_rollback(t->db);
    json_decref(d);
    json_decref(out);
    return rc;
}

/* tcase_act that must succeed. */
static inline void tcase_act_ok(tdb *t, const mz_actor *a, int64_t id, const char *action,
                                const char *data, const char *on)
{
    mz_error err;
    if (tcase_act(t, a, id, action, data, on, &err) != 0)
        fail_msg("%s: %s %s %s", action, err.code ? err.code : "", err.field, err.message);
}

/* Attaches a tiny PDF ("%PDF-1.4\n%test\n") of the given kind to case id. */
static inline void tcase_attach(tdb *t, const mz_actor *a, int64_t id, const char *kind)
{
    json_t *out = NULL;
    mz_error err;
    mz_error_clear(&err);
    tdb_begin(t);
    if (mz_case_attachment_add(t->db, mz_assist_case_registry(), a, id, kind, "扫描件.pdf",
                               "JVBERi0xLjQKJXRlc3QK", &out, &err) != 0) {
        mz_db_rollback(t->db);
        fail_msg("attach %s: %s %s", kind, err.code ? err.code : "", err.message);
    }
    tdb_commit(t);
    json_decref(out);
}

#endif
