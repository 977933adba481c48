/*
 * A pool of database connections shared by the HTTP threads: a thread takes
 * one for a request and gives it back afterwards.  Connections are opened on
 * demand, up to max; a caller waits when all are in use.
 */
#ifndef MZ_STORE_POOL_H
#define MZ_STORE_POOL_H

#include "store/store.h"

typedef struct mz_pool mz_pool;

mz_pool *mz_pool_new(const char *url, int max);
void mz_pool_free(mz_pool *p); /* closes idle connections; NULL is fine */
/* A connection, or NULL (message in err) when the database cannot be opened. */
mz_db *mz_pool_get(mz_pool *p, char *err, size_t errlen);
/* Gives db back; broken says it saw an error that may have left it unusable. */
void mz_pool_put(mz_pool *p, mz_db *db, int broken);

#endif
