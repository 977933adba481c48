/*
 * Queries built from the filters that are actually given.  A list with
 * optional filters written as one static statement — `(? = '' OR col = ?)`
 * for each — leaves the planner unable to use any index for them, and a
 * region scope written as `code LIKE 'prefix%'` cannot use an index on
 * PostgreSQL (collation) nor on SQLite (LIKE is case-insensitive there).
 * Here each given filter adds its own clause, and a region subtree becomes a
 * range on the 12-digit code, which every B-tree index serves.
 *
 *   mz_query q;
 *   mz_query_init(&q, "SELECT COUNT(*) FROM cases c WHERE 1 = 1");
 *   mz_query_region(&q, "c.region_code", actor->scope_prefix);
 *   if (type) mz_query_add(&q, " AND c.case_type = ?", "t", type);
 *   mz_stmt *st = mz_query_prepare(db, &q);   ... mz_query_cleanup(&q);
 *
 * Text arguments are not copied: they must live until mz_query_prepare.
 */
#ifndef MZ_STORE_QUERY_H
#define MZ_STORE_QUERY_H

#include <stdint.h>

#include "base/mem.h"
#include "store/store.h"

#define MZ_QUERY_MAX_ARGS 256

typedef struct mz_query {
    mz_buf sql;
    struct {
        char type; /* 't' or 'i' */
        const char *t;
        int64_t i;
    } args[MZ_QUERY_MAX_ARGS];
    int nargs;
    char bounds[8][16]; /* the upper bounds of region ranges */
    int nbounds;
    int overflow; /* too many arguments or ranges, or a prefix too long: prepare fails */
} mz_query;

/* Starts the statement with head (SQL, no placeholders). */
void mz_query_init(mz_query *q, const char *head);

/* Appends sql and the arguments of its placeholders ('t' const char *, 'i' int64_t). */
void mz_query_add(mz_query *q, const char *sql, const char *types, ...);

/*
 * Appends " AND column >= ? AND column < ?": the codes that start with
 * prefix (digits), i.e. the region subtree prefix names.  Nothing for "".
 * prefix (at most 12 digits) must live until mz_query_prepare; the upper
 * bound is kept inside q.
 */
void mz_query_region(mz_query *q, const char *column, const char *prefix);

/* Prepares and binds; NULL on error (mz_db_errmsg), or when arguments overflowed. */
mz_stmt *mz_query_prepare(mz_db *db, mz_query *q);

void mz_query_cleanup(mz_query *q);

#endif
