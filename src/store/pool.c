/*
 * The connection pool (see pool.h).
 */
#include "store/pool.h"

#include <pthread.h>

#include "base/mem.h"

struct mz_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    char *url;
    mz_db **idle;
    int nidle, open, max;
};

mz_pool *mz_pool_new(const char *url, int max)
{
    mz_pool *p = mz_calloc(1, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    p->url = mz_strdup(url);
    p->max = max > 0 ? max : 1;
    p->idle = mz_calloc((size_t)p->max, sizeof *p->idle);
    return p;
}

void mz_pool_free(mz_pool *p)
{
    if (p == NULL)
        return;
    for (int i = 0; i < p->nidle; i++)
        mz_db_close(p->idle[i]);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    mz_free(p->idle);
    mz_free(p->url);
    mz_free(p);
}

mz_db *mz_pool_get(mz_pool *p, char *err, size_t errlen)
{
    mz_db *db = NULL;
    pthread_mutex_lock(&p->lock);
    while (p->nidle == 0 && p->open >= p->max)
        pthread_cond_wait(&p->freed, &p->lock);
    if (p->nidle > 0) {
        db = p->idle[--p->nidle];
        pthread_mutex_unlock(&p->lock);
        return db;
    }
    p->open++;
    pthread_mutex_unlock(&p->lock);
    db = mz_db_open(p->url, err, errlen);
    if (db == NULL) {
        pthread_mutex_lock(&p->lock);
        p->open--;
        pthread_cond_signal(&p->freed);
        pthread_mutex_unlock(&p->lock);
    }
    return db;
}

void mz_pool_put(mz_pool *p, mz_db *db, int broken)
{
    if (db == NULL)
        return;
    if (mz_db_in_transaction(db))
        mz_db_rollback(db);
    pthread_mutex_lock(&p->lock);
    if (broken) {
        mz_db_close(db);
        p->open--;
    } else {
        p->idle[p->nidle++] = db;
    }
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}
