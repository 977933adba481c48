/*
 * SQLite engine for the store: the embedded default.  A connection is opened
 * in multi-thread mode (no per-connection mutex: store.h allows one thread at
 * a time per connection) with WAL, foreign keys, a 5 s busy timeout and
 * synchronous=NORMAL, which in WAL mode is durable across application
 * crashes and loses at most the last transactions on power failure.  Result
 * codes map onto mz_db_err: constraint failures become MZ_DB_CONSTRAINT and
 * lock contention MZ_DB_BUSY, so callers can tell "retry" from "refuse".
 */
#include "store/private.h"

#include "base/mem.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/*
 * Prepared statements are kept per connection and reused: an API request runs
 * the same few dozen statements again and again, and preparing (parsing and
 * planning) costs more than running most of them.  A statement is handed out
 * to one user at a time; finalizing it resets it back into the cache.
 * SQLite re-prepares a kept statement by itself when the schema changes.
 */
#define STMT_CACHE 64

struct cached {
    char *sql; /* NULL: empty slot */
    uint64_t hash;
    sqlite3_stmt *h;
    int in_use;
    uint64_t used_at; /* for evicting the least recently used */
};

struct sqlite_db {
    struct mz_db base;
    sqlite3 *h;
    struct cached cache[STMT_CACHE];
    uint64_t clock;
};

struct sqlite_stmt {
    struct mz_stmt base;
    sqlite3_stmt *h;
    struct cached *slot; /* the cache slot it came from, or NULL */
    int done;            /* ran to the end or failed; stepping again repeats result */
    int result;          /* MZ_DB_OK or the error, once done */
    int64_t changes;     /* rows changed when it last ran to completion */
};

static sqlite3 *handle_of(const mz_db *db)
{
    return ((const struct sqlite_db *)db)->h;
}

static struct sqlite_stmt *stmt_of(mz_stmt *st)
{
    return (struct sqlite_stmt *)st;
}

static const struct sqlite_stmt *cstmt_of(const mz_stmt *st)
{
    return (const struct sqlite_stmt *)st;
}

/* Maps a SQLite result code, recording the connection's message on error. */
static int map_rc(mz_db *db, int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
        return MZ_DB_OK;
    case SQLITE_ROW:
        return MZ_DB_ROW;
    default:
        break;
    }
    mz_db_set_error(db, "%s", sqlite3_errmsg(handle_of(db)));
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        return MZ_DB_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return MZ_DB_BUSY;
    default:
        return MZ_DB_ERROR;
    }
}

static void sq_close(mz_db *db)
{
    struct sqlite_db *sd = (struct sqlite_db *)db;
    for (int i = 0; i < STMT_CACHE; i++) {
        sqlite3_finalize(sd->cache[i].h);
        mz_free(sd->cache[i].sql);
    }
    sqlite3_close_v2(handle_of(db));
    mz_free(db);
}

/* A statement's text hashed eight bytes at a time (perf: byte by byte, hashing the SQL of
 * every statement of a request cost more than looking it up). */
static uint64_t sql_hash(const char *s)
{
    size_t n = strlen(s);
    uint64_t h = 1469598103934665603ULL ^ n, w;
    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 1099511628211ULL;
        h ^= h >> 29;
    }
    for (; n; s++, n--)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* A free cached statement for sql, marked in use, or NULL. */
static struct cached *cache_take(struct sqlite_db *db, const char *sql, uint64_t hash)
{
    for (int i = 0; i < STMT_CACHE; i++) {
        struct cached *c = &db->cache[i];
        if (c->sql && !c->in_use && c->hash == hash && strcmp(c->sql, sql) == 0) {
            c->in_use = 1;
            c->used_at = ++db->clock;
            return c;
        }
    }
    return NULL;
}

/* Keeps a freshly prepared statement, evicting the least recently used free one; NULL when
 * every slot is in use (the statement is then finalized after its use). */
static struct cached *cache_put(struct sqlite_db *db, const char *sql, uint64_t hash,
                                sqlite3_stmt *h)
{
    struct cached *victim = NULL;
    for (int i = 0; i < STMT_CACHE; i++) {
        struct cached *c = &db->cache[i];
        if (c->in_use)
            continue;
        if (c->sql == NULL) {
            victim = c;
            break;
        }
        if (victim == NULL || c->used_at < victim->used_at)
            victim = c;
    }
    if (victim == NULL)
        return NULL;
    sqlite3_finalize(victim->h);
    mz_free(victim->sql);
    victim->sql = mz_strdup(sql);
    victim->hash = hash;
    victim->h = h;
    victim->in_use = 1;
    victim->used_at = ++db->clock;
    return victim;
}

/*
 * One statement (BEGIN, COMMIT, ROLLBACK …) runs through the statement cache, since every
 * read-only request begins and ends a read transaction; a script of several statements goes
 * to sqlite3_exec.
 */
static int sq_exec(mz_db *db, const char *sql)
{
    struct sqlite_db *sd = (struct sqlite_db *)db;
    uint64_t hash = sql_hash(sql);
    struct cached *c = cache_take(sd, sql, hash);
    sqlite3_stmt *stmt = NULL;
    const char *tail = NULL;

    if (c == NULL) {
        if (sqlite3_prepare_v2(sd->h, sql, -1, &stmt, &tail) != SQLITE_OK || stmt == NULL ||
            tail[strspn(tail, " \t\r\n;")] != '\0') {
            sqlite3_finalize(stmt);
            return map_rc(db, sqlite3_exec(sd->h, sql, NULL, NULL, NULL));
        }
        c = cache_put(sd, sql, hash, stmt);
    } else {
        stmt = c->h;
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        ;
    rc = map_rc(db, rc);
    if (c != NULL) {
        sqlite3_reset(stmt);
        c->in_use = 0;
    } else {
        sqlite3_finalize(stmt);
    }
    return rc;
}

static int sq_in_transaction(const mz_db *db)
{
    return !sqlite3_get_autocommit(handle_of(db));
}

static mz_stmt *sq_prepare(mz_db *db, const char *sql)
{
    sqlite3 *h = handle_of(db);
    sqlite3_stmt *stmt = NULL, *extra = NULL;
    struct sqlite_stmt *st;
    struct sqlite_db *sd = (struct sqlite_db *)db;
    uint64_t hash = sql_hash(sql);
    struct cached *c = cache_take(sd, sql, hash);
    const char *tail = NULL;
    int rc;

    if (c != NULL) {
        st = mz_calloc(1, sizeof(*st));
        st->base.db = db;
        st->h = c->h;
        st->slot = c;
        return &st->base;
    }
    rc = sqlite3_prepare_v2(h, sql, -1, &stmt, &tail);
    if (rc != SQLITE_OK) {
        map_rc(db, rc);
        goto fail;
    }
    if (stmt == NULL) {
        mz_db_set_error(db, "empty statement");
        goto fail;
    }
    /* Whatever follows the first statement must be blank or comments. */
    rc = sqlite3_prepare_v2(h, tail, -1, &extra, NULL);
    if (rc != SQLITE_OK || extra != NULL) {
        mz_db_set_error(db, "more than one statement given to prepare");
        goto fail;
    }
    st = mz_calloc(1, sizeof(*st));
    st->base.db = db;
    st->h = stmt;
    st->slot = cache_put(sd, sql, hash, stmt);
    return &st->base;

fail:
    sqlite3_finalize(extra);
    sqlite3_finalize(stmt);
    return NULL;
}

static int sq_param_count(const mz_stmt *st)
{
    return sqlite3_bind_parameter_count(cstmt_of(st)->h);
}

static int sq_bind_text(mz_stmt *st, int idx, const char *s)
{
    return map_rc(st->db, sqlite3_bind_text(stmt_of(st)->h, idx, s, -1, SQLITE_TRANSIENT));
}

static int sq_bind_text_static(mz_stmt *st, int idx, const char *s)
{
    return map_rc(st->db, sqlite3_bind_text(stmt_of(st)->h, idx, s, -1, SQLITE_STATIC));
}

static int sq_bind_int64(mz_stmt *st, int idx, int64_t v)
{
    return map_rc(st->db, sqlite3_bind_int64(stmt_of(st)->h, idx, v));
}

static int sq_bind_null(mz_stmt *st, int idx)
{
    return map_rc(st->db, sqlite3_bind_null(stmt_of(st)->h, idx));
}

static int sq_step(mz_stmt *base)
{
    struct sqlite_stmt *st = stmt_of(base);
    int rc;

    if (st->done)
        return st->result;
    rc = sqlite3_step(st->h);
    if (rc == SQLITE_ROW)
        return MZ_DB_ROW;
    if (rc == SQLITE_DONE && !sqlite3_stmt_readonly(st->h))
        st->changes = sqlite3_changes64(handle_of(base->db));
    st->done = 1;
    st->result = map_rc(base->db, rc);
    return st->result;
}

static void sq_reset(mz_stmt *base)
{
    struct sqlite_stmt *st = stmt_of(base);

    /* sqlite3_reset repeats the last step's error, already reported then. */
    sqlite3_reset(st->h);
    sqlite3_clear_bindings(st->h);
    st->done = 0;
    st->result = MZ_DB_OK;
    st->changes = 0;
}

static int sq_column_count(const mz_stmt *st)
{
    return sqlite3_column_count(cstmt_of(st)->h);
}

static const char *sq_column_name(const mz_stmt *st, int col)
{
    return sqlite3_column_name(cstmt_of(st)->h, col);
}

static int sq_column_is_null(const mz_stmt *st, int col)
{
    return sqlite3_column_type(cstmt_of(st)->h, col) == SQLITE_NULL;
}

static const char *sq_column_text(const mz_stmt *st, int col)
{
    sqlite3_stmt *h = cstmt_of(st)->h;

    if (sqlite3_column_type(h, col) == SQLITE_NULL)
        return NULL;
    return (const char *)sqlite3_column_text(h, col);
}

static int64_t sq_column_int64(const mz_stmt *st, int col)
{
    return sqlite3_column_int64(cstmt_of(st)->h, col);
}

static int64_t sq_changes(const mz_stmt *st)
{
    return cstmt_of(st)->changes;
}

static void sq_finalize(mz_stmt *base)
{
    struct sqlite_stmt *st = stmt_of(base);
    if (st->slot) {
        sqlite3_reset(st->h);
        sqlite3_clear_bindings(st->h);
        st->slot->in_use = 0;
    } else {
        sqlite3_finalize(st->h);
    }
    mz_free(st);
}

/* The pager's data version (SQLITE_FCNTL_DATA_VERSION): it changes with every commit to the
 * file, this connection's and those of other connections and processes (seen when a
 * transaction begins).  Not inside a write transaction, whose own changes it does not count
 * until they are committed. */
static int64_t sq_data_version(mz_db *db)
{
    unsigned int v = 0;
    if (sqlite3_txn_state(handle_of(db), "main") == SQLITE_TXN_WRITE ||
        sqlite3_file_control(handle_of(db), "main", SQLITE_FCNTL_DATA_VERSION, &v) != SQLITE_OK)
        return -1;
    return v;
}

static const struct mz_db_ops sqlite_ops = {
    .kind = MZ_DB_SQLITE,
    .name = "sqlite",
    .begin_sql = "BEGIN IMMEDIATE",
    .fk_off_sql = "PRAGMA foreign_keys = OFF",
    .fk_on_sql = "PRAGMA foreign_keys = ON",
    .close = sq_close,
    .exec = sq_exec,
    .in_transaction = sq_in_transaction,
    .prepare = sq_prepare,
    .param_count = sq_param_count,
    .bind_text = sq_bind_text,
    .bind_text_static = sq_bind_text_static,
    .bind_int64 = sq_bind_int64,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .reset = sq_reset,
    .column_count = sq_column_count,
    .column_name = sq_column_name,
    .text = sq_column_text,
    .is_null = sq_column_is_null,
    .int64 = sq_column_int64,
    .changes = sq_changes,
    .finalize = sq_finalize,
    .data_version = sq_data_version,
};

/*
 * The process-wide settings, before SQLite's first use (once, before the first connection;
 * refused by SQLite once it is initialized).
 *
 * Memory statistics are off: with them every allocation of every connection takes one
 * global mutex, which the server's threads then queue on (perf showed futex waits under
 * sqlite3Malloc as a tenth of an API request).  Multi-thread mode drops the mutexes that
 * serialize use of one connection; store.h already allows one thread at a time per
 * connection.
 *
 * The statement journal's spill threshold stays SQLite's 64 KB.  Raised to 4 MB
 * (SQLITE_CONFIG_STMTJRNL_SPILL) it saved a tenth of a registry import's CPU, but SQLite
 * 3.40 then failed a 5-million-person import in its last statement (an INSERT … SELECT whose
 * journal spilled from a 4 MB in-memory chunk, deep in a 3.5 GB transaction) with
 * SQLITE_FULL, no system call failing; with the default the same import succeeds.
 */
static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static void configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    /* without it, connections map the first 2 GB as Debian's SQLite allows (sqlite_map.c) */
    (void)mz_sqlite_map_register();
}

mz_db *mz_sqlite_open(const char *path, char *err, size_t errlen)
{
    struct sqlite_db *db = mz_calloc(1, sizeof(*db));
    int rc;

    pthread_once(&config_once, configure);
    db->base.ops = &sqlite_ops;
    rc = sqlite3_open_v2(path, &db->h,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path,
                 db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(db->h, 5000);
    /* The query planner stability guarantee: plans never depend on bound values.  Without it a
     * statement with `x LIKE ?` (every region scope) is prepared again on each run, since its
     * plan could depend on the pattern — which defeats the statement cache. */
    sqlite3_db_config(db->h, SQLITE_DBCONFIG_ENABLE_QPSG, 1, (int *)NULL);
    rc = sqlite3_exec(db->h,
                      "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;"
                      " PRAGMA synchronous = NORMAL;"
                      /* Reads through a memory map of the whole file (up to 1 TB, through
                       * the mz-map VFS: sqlite_map.c) instead of a pread per page: with a
                       * 256 MB map an API request's random rows of a city past that (perf: a
                       * person profile at 1 million persons) were read with pread into the
                       * 2 MB cache, a tenth of its CPU, and with SQLite's own 2 GB map still
                       * 13 % at 5 million.  The map costs address space, not memory: its
                       * pages are the kernel's page cache, shared by every connection. */
                      " PRAGMA mmap_size = 1099511627776;",
                      NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot set up %s: %s", path, sqlite3_errmsg(db->h));
        goto fail;
    }
    return &db->base;

fail:
    sqlite3_close_v2(db->h);
    mz_free(db);
    return NULL;
}
