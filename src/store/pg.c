/*
 * PostgreSQL engine for the store, through libpq.  Statements are written
 * with SQLite's '?' placeholders; prepare rewrites them to $1, $2 ... outside
 * string literals, quoted identifiers and comments.  The statement runs on
 * its first step, in text format, and later steps walk the rows of the
 * PGresult; the server sees its SQL only then: syntax errors surface at the
 * first step, not at prepare.  Text parameters go untyped (the server infers
 * the type from the context, as for a quoted literal); int64 parameters go
 * as int8.
 *
 * Statements are kept prepared on the server, per connection (see struct
 * cached below): the first step of a statement the connection has not run
 * before prepares it as mz_<n>, every step runs it with PQexecPrepared, so
 * the server parses and analyses it once instead of on every execution.
 * mz_db_exec (transaction control, migrations, scripts) stays unprepared.
 *
 * Every connection gets client_encoding UTF8 and a 30 s statement_timeout as
 * connection parameters, so they survive RESET and a URL may override them;
 * server NOTICEs are dropped rather than printed on stderr.
 */
#include "store/private.h"

#include "base/mem.h"

#include <ctype.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Type OIDs from the server's catalog/pg_type.h, fixed since PostgreSQL 7. */
enum { PG_BOOL_OID = 16, PG_INT8_OID = 20 };

/* PostgreSQL refuses more parameters than a 16-bit count can carry. */
enum { PG_MAX_PARAMS = 65535 };

/*
 * The per-connection cache of server-side prepared statements, keyed by the
 * statement's SQL and its parameter types (a parameter bound as int64 is
 * prepared as int8, one bound as text or NULL untyped, exactly as
 * PQexecParams would send them).  A statement is prepared when it is run
 * the second time on the connection (the types are only known at a step):
 * the first time it runs unprepared, so that a statement run once, as most
 * of a command-line invocation's are, costs one round trip, not a PREPARE,
 * an execution and later a DEALLOCATE.  The least recently used entry is
 * evicted with DEALLOCATE when the cache is full.
 *
 * Prepared statements belong to the session, not to a transaction: one
 * prepared inside a transaction that is rolled back stays prepared.  Inside
 * a failed transaction nothing is prepared or deallocated (the server would
 * refuse, and the statement fails anyway).  When the connection breaks, the
 * session and its statements are gone and the cache is emptied.  The server
 * replans a prepared statement by itself when the tables under it change,
 * except that it refuses to change the columns of its result
 * ("cached plan must not change result type"): such an entry is dropped, and
 * the statement prepared again at once when no transaction is open.  A
 * script run through mz_db_exec that is not plain transaction control
 * (a migration, say) empties the cache, since it may change the schema.
 */
#define STMT_CACHE 128
#define STMT_SEEN 512 /* hashes of statements run once, direct-mapped */

struct cached {
    char *sql; /* original text (with '?'); NULL: empty slot */
    uint64_t hash;
    int nparams;
    Oid *types; /* nparams */
    int stale;  /* no longer usable: to be deallocated before reuse of the slot */
    uint64_t used_at;
    char name[24]; /* mz_<n>, never reused on the connection */
};

struct pg_db {
    struct mz_db base;
    PGconn *conn;
    struct cached cache[STMT_CACHE];
    uint64_t clock;    /* for the least recently used */
    uint64_t prepared; /* statements prepared so far, for their names */
    uint64_t seen[STMT_SEEN];
};

struct pg_stmt {
    struct mz_stmt base;
    char *orig; /* as given to prepare: the cache key */
    uint64_t hash;
    char *sql; /* with $n placeholders */
    int nparams;
    char **values; /* nparams copies, NULL for SQL NULL */
    Oid *types;    /* nparams; 0 lets the server infer the type */
    PGresult *res; /* NULL until the first step */
    int row;       /* the current row of res */
    int done;      /* ran to the end or failed; stepping again repeats result */
    int result;    /* MZ_DB_OK or the error, once done */
    int64_t changes;
};

static PGconn *conn_of(const mz_db *db)
{
    return ((const struct pg_db *)db)->conn;
}

static struct pg_stmt *stmt_of(mz_stmt *st)
{
    return (struct pg_stmt *)st;
}

static const struct pg_stmt *cstmt_of(const mz_stmt *st)
{
    return (const struct pg_stmt *)st;
}

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Copies a libpq message onto one line: whitespace runs become one space. */
static void copy_oneline(char *dst, size_t n, const char *src)
{
    size_t len = 0;
    int space = 0;

    if (n == 0)
        return;
    for (; *src != '\0' && len + 1 < n; src++) {
        if (isspace((unsigned char)*src)) {
            space = len > 0;
            continue;
        }
        if (space && len + 2 < n)
            dst[len++] = ' ';
        space = 0;
        dst[len++] = *src;
    }
    dst[len] = '\0';
}

/*
 * Maps a result that is not a success onto mz_db_err and records its
 * message.  res may be NULL when libpq could not even produce a result.
 */
static int result_error(mz_db *db, const PGresult *res)
{
    const char *state = NULL, *primary = NULL, *detail = NULL;

    if (res != NULL) {
        state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    }
    if (primary != NULL)
        mz_db_set_error(db, "%s%s%s", primary, detail ? ": " : "", detail ? detail : "");
    else if (res != NULL && PQresultStatus(res) == PGRES_EMPTY_QUERY)
        mz_db_set_error(db, "empty statement");
    else if (res != NULL && PQresultStatus(res) != PGRES_FATAL_ERROR)
        mz_db_set_error(db, "unsupported result: %s", PQresStatus(PQresultStatus(res)));
    else
        copy_oneline(db->errmsg, sizeof(db->errmsg), PQerrorMessage(conn_of(db)));
    if (state == NULL)
        return MZ_DB_ERROR;
    if (strncmp(state, "23", 2) == 0)
        return MZ_DB_CONSTRAINT;
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
        return MZ_DB_BUSY;
    return MZ_DB_ERROR;
}

static int result_ok(const PGresult *res)
{
    ExecStatusType s = PQresultStatus(res);

    return res != NULL && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK);
}

static int is_ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

static void cache_clear_slot(struct cached *c)
{
    mz_free(c->sql);
    mz_free(c->types);
    memset(c, 0, sizeof(*c));
}

/* Forgets every cached statement, without telling the server. */
static void cache_forget(struct pg_db *db)
{
    for (int i = 0; i < STMT_CACHE; i++)
        cache_clear_slot(&db->cache[i]);
}

/* After a failure: a broken connection has lost its session's statements. */
static void check_broken(mz_db *db)
{
    if (PQstatus(conn_of(db)) == CONNECTION_BAD)
        cache_forget((struct pg_db *)db);
}

static void pg_close(mz_db *db)
{
    cache_forget((struct pg_db *)db);
    PQfinish(conn_of(db));
    mz_free(db);
}

/* Transaction control and settings cannot change what a prepared statement reads. */
static int keeps_statements(const char *sql)
{
    static const char *const words[] = {"BEGIN",   "COMMIT", "ROLLBACK", "SAVEPOINT",
                                        "RELEASE", "SET",    "RESET",    "LOCK",
                                        "SELECT",  "START",  "END",      NULL};
    const char *semi = strchr(sql, ';');
    size_t n;

    /* More than one statement: a script. */
    if (semi != NULL && semi[strspn(semi, " \t\r\n;")] != '\0')
        return 0;
    sql += strspn(sql, " \t\r\n");
    for (int i = 0; words[i] != NULL; i++) {
        n = strlen(words[i]);
        if (strncasecmp(sql, words[i], n) == 0 && !is_ident_char(sql[n]))
            return 1;
    }
    return 0;
}

static int pg_exec(mz_db *db, const char *sql)
{
    PGresult *res = PQexec(conn_of(db), sql);
    int rc = MZ_DB_OK;

    /* Blank or comment-only SQL is a no-op, as sqlite3_exec treats it. */
    if (!result_ok(res) && PQresultStatus(res) != PGRES_EMPTY_QUERY) {
        rc = result_error(db, res);
        check_broken(db);
    } else if (!keeps_statements(sql)) {
        /* DEALLOCATE is not transactional: it holds even if the script's transaction is
         * rolled back, when dropping the statements was merely unnecessary. */
        PQclear(res);
        res = PQexec(conn_of(db), "DEALLOCATE ALL");
        if (result_ok(res))
            cache_forget((struct pg_db *)db);
        else
            rc = result_error(db, res);
        check_broken(db);
    }

    PQclear(res);
    return rc;
}

static int pg_in_transaction(const mz_db *db)
{
    PGTransactionStatusType s = PQtransactionStatus(conn_of(db));

    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

/*
 * Length of the dollar-quote opener ("$$" or "$tag$") at p, 0 if p does not
 * open one.  A '$' inside an identifier or before a digit ($1) opens nothing.
 */
static size_t dollar_tag(const char *sql, const char *p)
{
    const char *q = p + 1;

    if (p > sql && is_ident_char(p[-1]))
        return 0;
    if (isdigit((unsigned char)*q))
        return 0;
    while (*q != '$' && is_ident_char(*q))
        q++;
    return *q == '$' ? (size_t)(q - p + 1) : 0;
}

/*
 * Length of the literal, quoted identifier or comment starting at p, 0 when
 * p starts none.  An unterminated one runs to the end; the server reports it.
 */
static size_t quoted_len(const char *sql, const char *p)
{
    const char *q = p + 1;
    size_t tag;

    if (*p == '\'') {
        /* E'...' strings take backslash escapes; '' is two adjacent literals. */
        int escapes =
            p > sql && (p[-1] == 'E' || p[-1] == 'e') && (p - 1 == sql || !is_ident_char(p[-2]));
        while (*q != '\0' && *q != '\'') {
            if (escapes && *q == '\\' && q[1] != '\0')
                q++;
            q++;
        }
        return (size_t)(q - p) + (*q != '\0');
    }
    if (*p == '"') {
        while (*q != '\0' && *q != '"')
            q++;
        return (size_t)(q - p) + (*q != '\0');
    }
    if (p[0] == '-' && p[1] == '-') {
        while (*q != '\0' && *q != '\n')
            q++;
        return (size_t)(q - p);
    }
    if (p[0] == '/' && p[1] == '*') {
        int depth = 1;
        for (q = p + 2; *q != '\0' && depth > 0; q++) {
            if (q[0] == '/' && q[1] == '*') {
                depth++;
                q++;
            } else if (q[0] == '*' && q[1] == '/') {
                depth--;
                q++;
            }
        }
        return (size_t)(q - p);
    }
    if (*p == '$' && (tag = dollar_tag(sql, p)) > 0) {
        const char *end = p + tag;
        while (*end != '\0' && strncmp(end, p, tag) != 0)
            end++;
        return *end == '\0' ? (size_t)(end - p) : (size_t)(end - p) + tag;
    }
    return 0;
}

/* FNV-1a of a statement's text, the cache key's first test. */
static uint64_t sql_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Copies sql with every '?' placeholder replaced by $1, $2 ... */
static char *rewrite_placeholders(const char *sql, int *nparams)
{
    mz_buf out;
    const char *p = sql;
    int n = 0;

    mz_buf_init(&out);
    while (*p != '\0') {
        size_t len = quoted_len(sql, p);
        if (len > 0) {
            mz_buf_append(&out, p, len);
            p += len;
        } else if (*p == '?') {
            mz_buf_printf(&out, "$%d", ++n);
            p++;
        } else {
            /* Up to the next character that may open a literal, a comment or a placeholder
             * (perf: copied byte by byte, this was most of prepare's cost). */
            len = 1 + strcspn(p + 1, "?'\"-/$");
            mz_buf_append(&out, p, len);
            p += len;
        }
    }
    *nparams = n;
    return mz_buf_steal(&out);
}

static mz_stmt *pg_prepare(mz_db *db, const char *sql)
{
    struct pg_stmt *st;
    int n;
    char *text = rewrite_placeholders(sql, &n);

    if (n > PG_MAX_PARAMS) {
        mz_db_set_error(db, "too many parameters: %d", n);
        mz_free(text);
        return NULL;
    }
    st = mz_calloc(1, sizeof(*st));
    st->base.db = db;
    st->orig = mz_strdup(sql);
    st->hash = sql_hash(sql);
    st->sql = text;
    st->nparams = n;
    st->values = mz_calloc((size_t)n, sizeof(*st->values));
    st->types = mz_calloc((size_t)n, sizeof(*st->types));
    return &st->base;
}

static int pg_param_count(const mz_stmt *st)
{
    return cstmt_of(st)->nparams;
}

/* Stores a parameter; takes ownership of value. */
static int set_param(mz_stmt *base, int idx, char *value, Oid type)
{
    struct pg_stmt *st = stmt_of(base);

    if (st->res != NULL || st->done) {
        mz_free(value);
        mz_db_set_error(base->db, "statement already run: reset it before binding");
        return MZ_DB_ERROR;
    }
    mz_free(st->values[idx - 1]);
    st->values[idx - 1] = value;
    st->types[idx - 1] = type;
    return MZ_DB_OK;
}

static int pg_bind_text(mz_stmt *st, int idx, const char *s)
{
    return set_param(st, idx, mz_strdup(s), 0);
}

static int pg_bind_int64(mz_stmt *st, int idx, int64_t v)
{
    char num[24];

    snprintf(num, sizeof(num), "%" PRId64, v);
    return set_param(st, idx, mz_strdup(num), PG_INT8_OID);
}

static int pg_bind_null(mz_stmt *st, int idx)
{
    return set_param(st, idx, NULL, 0);
}

/* Rows changed, from the command tag; 0 for statements that change none. */
static int64_t tag_changes(PGresult *res)
{
    const char *tag = PQcmdStatus(res);

    if (strncmp(tag, "INSERT ", 7) != 0 && strncmp(tag, "UPDATE ", 7) != 0 &&
        strncmp(tag, "DELETE ", 7) != 0 && strncmp(tag, "MERGE ", 6) != 0)
        return 0;
    return strtoll(PQcmdTuples(res), NULL, 10);
}

static int finish(struct pg_stmt *st, int result)
{
    st->done = 1;
    st->result = result;
    return result;
}

/* The usable cache entry for st with its current parameter types, or NULL. */
static struct cached *cache_find(struct pg_db *db, const struct pg_stmt *st)
{
    for (int i = 0; i < STMT_CACHE; i++) {
        struct cached *c = &db->cache[i];
        if (c->sql != NULL && !c->stale && c->hash == st->hash && c->nparams == st->nparams &&
            memcmp(c->types, st->types, (size_t)st->nparams * sizeof(Oid)) == 0 &&
            strcmp(c->sql, st->orig) == 0) {
            c->used_at = ++db->clock;
            return c;
        }
    }
    return NULL;
}

/*
 * Prepares st on the server in a free slot, deallocating the stale or least recently used
 * statement to make room.  NULL on failure, with the error recorded in *rc.
 */
static struct cached *cache_add(struct pg_db *db, const struct pg_stmt *st, int *rc)
{
    struct cached *victim = NULL;
    PGresult *res;
    char sql[64];

    for (int i = 0; i < STMT_CACHE; i++) {
        struct cached *c = &db->cache[i];
        if (c->sql == NULL || c->stale) {
            victim = c;
            break;
        }
        if (victim == NULL || c->used_at < victim->used_at)
            victim = c;
    }
    if (victim->sql != NULL) {
        snprintf(sql, sizeof(sql), "DEALLOCATE %s", victim->name);
        res = PQexec(db->conn, sql);
        if (!result_ok(res)) {
            *rc = result_error(&db->base, res);
            PQclear(res);
            check_broken(&db->base);
            return NULL;
        }
        PQclear(res);
        cache_clear_slot(victim);
    }
    snprintf(victim->name, sizeof(victim->name), "mz_%" PRIu64, ++db->prepared);
    res = PQprepare(db->conn, victim->name, st->sql, st->nparams, st->types);
    if (!result_ok(res)) {
        *rc = result_error(&db->base, res);
        PQclear(res);
        victim->name[0] = '\0';
        check_broken(&db->base);
        return NULL;
    }
    PQclear(res);
    victim->sql = mz_strdup(st->orig);
    victim->hash = st->hash;
    victim->nparams = st->nparams;
    victim->types = mz_calloc((size_t)st->nparams, sizeof(Oid));
    memcpy(victim->types, st->types, (size_t)st->nparams * sizeof(Oid));
    victim->used_at = ++db->clock;
    return victim;
}

/* The server refused to run a prepared statement whose result columns the schema changed. */
static int result_type_changed(const PGresult *res)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

    return state != NULL && strcmp(state, "0A000") == 0;
}

/* Whether the connection ran a statement of this hash before; remembers it if not. */
static int seen_before(struct pg_db *db, uint64_t hash)
{
    uint64_t *slot = &db->seen[hash % STMT_SEEN];

    if (*slot == hash)
        return 1;
    *slot = hash;
    return 0;
}

/*
 * Runs st once: through the statement cache, or unprepared the first time the connection
 * runs it and in a failed transaction.
 */
static PGresult *run(struct pg_stmt *st, int *rc)
{
    struct pg_db *db = (struct pg_db *)st->base.db;
    const char *const *values = (const char *const *)st->values;

    for (int attempt = 0;; attempt++) {
        struct cached *c = NULL;
        if (PQtransactionStatus(db->conn) == PQTRANS_INERROR ||
            ((c = cache_find(db, st)) == NULL && !seen_before(db, st->hash)))
            return PQexecParams(db->conn, st->sql, st->nparams, st->types, values, NULL, NULL, 0);
        if (c == NULL && (c = cache_add(db, st, rc)) == NULL)
            return NULL;
        PGresult *res = PQexecPrepared(db->conn, c->name, st->nparams, values, NULL, NULL, 0);
        if (result_ok(res) || !result_type_changed(res))
            return res;
        c->stale = 1;
        if (attempt > 0 || PQtransactionStatus(db->conn) != PQTRANS_IDLE)
            return res;
        PQclear(res);
    }
}

static int pg_step(mz_stmt *base)
{
    struct pg_stmt *st = stmt_of(base);

    if (st->done)
        return st->result;
    if (st->res == NULL) {
        int rc = MZ_DB_ERROR;
        st->res = run(st, &rc);
        if (st->res == NULL)
            return finish(st, rc);
        if (!result_ok(st->res)) {
            rc = result_error(base->db, st->res);
            check_broken(base->db);
            return finish(st, rc);
        }
        st->changes = tag_changes(st->res);
        st->row = -1;
    }
    st->row++;
    if (st->row < PQntuples(st->res))
        return MZ_DB_ROW;
    return finish(st, MZ_DB_OK);
}

static void pg_reset(mz_stmt *base)
{
    struct pg_stmt *st = stmt_of(base);

    PQclear(st->res);
    st->res = NULL;
    for (int i = 0; i < st->nparams; i++) {
        mz_free(st->values[i]);
        st->values[i] = NULL;
        st->types[i] = 0;
    }
    st->row = 0;
    st->done = 0;
    st->result = MZ_DB_OK;
    st->changes = 0;
}

static int pg_column_count(const mz_stmt *st)
{
    const PGresult *res = cstmt_of(st)->res;

    return res != NULL ? PQnfields(res) : 0;
}

static const char *pg_column_name(const mz_stmt *st, int col)
{
    return PQfname(cstmt_of(st)->res, col);
}

static const char *pg_column_text(const mz_stmt *base, int col)
{
    const struct pg_stmt *st = cstmt_of(base);

    if (PQgetisnull(st->res, st->row, col))
        return NULL;
    return PQgetvalue(st->res, st->row, col);
}

static int pg_column_is_null(const mz_stmt *base, int col)
{
    const struct pg_stmt *st = cstmt_of(base);

    return PQgetisnull(st->res, st->row, col);
}

static int64_t pg_column_int64(const mz_stmt *base, int col)
{
    const struct pg_stmt *st = cstmt_of(base);
    const char *v = pg_column_text(base, col);

    if (v == NULL)
        return 0;
    /* SQLite answers comparisons with 0 / 1; PostgreSQL with f / t. */
    if (PQftype(st->res, col) == PG_BOOL_OID)
        return v[0] == 't';
    return strtoll(v, NULL, 10);
}

static int64_t pg_changes(const mz_stmt *st)
{
    return cstmt_of(st)->changes;
}

static void pg_finalize(mz_stmt *base)
{
    struct pg_stmt *st = stmt_of(base);

    pg_reset(base);
    mz_free(st->values);
    mz_free(st->types);
    mz_free(st->sql);
    mz_free(st->orig);
    mz_free(st);
}

/* COPY ... FROM STDIN: the statement answers COPY_IN, then data, then the end. */
static int pg_copy_begin(mz_db *db, const char *sql)
{
    /* A COPY lasts as long as the client sends rows: no statement timeout for it. */
    int rc = pg_exec(db, "SET LOCAL statement_timeout = 0");
    if (rc < 0)
        return rc;
    PGresult *res = PQexec(conn_of(db), sql);
    if (PQresultStatus(res) != PGRES_COPY_IN)
        rc = result_error(db, res);
    PQclear(res);
    return rc;
}

static int pg_copy_data(mz_db *db, const char *data, size_t len)
{
    if (len > INT32_MAX || PQputCopyData(conn_of(db), data, (int)len) != 1) {
        copy_oneline(db->errmsg, sizeof(db->errmsg), PQerrorMessage(conn_of(db)));
        return MZ_DB_ERROR;
    }
    return MZ_DB_OK;
}

static int pg_copy_end(mz_db *db, const char *message)
{
    PGresult *res;
    int rc = MZ_DB_OK;

    if (PQputCopyEnd(conn_of(db), message) != 1) {
        copy_oneline(db->errmsg, sizeof(db->errmsg), PQerrorMessage(conn_of(db)));
        rc = MZ_DB_ERROR;
    }
    while ((res = PQgetResult(conn_of(db))) != NULL) {
        if (rc == MZ_DB_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = result_error(db, res);
        PQclear(res);
    }
    return message != NULL && rc == MZ_DB_OK ? MZ_DB_ERROR : rc;
}

static const struct mz_db_ops pg_ops = {
    .kind = MZ_DB_PG,
    .name = "postgresql",
    .begin_sql = "BEGIN",
    .close = pg_close,
    .exec = pg_exec,
    .in_transaction = pg_in_transaction,
    .prepare = pg_prepare,
    .param_count = pg_param_count,
    .bind_text = pg_bind_text,
    .bind_text_static = pg_bind_text, /* copies, which is always safe */
    .bind_int64 = pg_bind_int64,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .reset = pg_reset,
    .column_count = pg_column_count,
    .column_name = pg_column_name,
    .text = pg_column_text,
    .is_null = pg_column_is_null,
    .int64 = pg_column_int64,
    .changes = pg_changes,
    .finalize = pg_finalize,
    .copy_begin = pg_copy_begin,
    .copy_data = pg_copy_data,
    .copy_end = pg_copy_end,
};

mz_db *mz_pg_open(const char *url, char *err, size_t errlen)
{
    /* Keywords are applied in order: the URL (dbname) may override ours. */
    static const char *const keys[] = {"client_encoding", "options", "fallback_application_name",
                                       "dbname", NULL};
    const char *const values[] = {"UTF8", "-c statement_timeout=30s", "minzheng", url, NULL};
    struct pg_db *db;
    PGconn *conn = PQconnectdbParams(keys, values, 1);

    if (PQstatus(conn) != CONNECTION_OK) {
        if (errlen > 0) {
            size_t n = (size_t)snprintf(err, errlen, "cannot connect to PostgreSQL: ");
            if (n < errlen)
                copy_oneline(err + n, errlen - n, PQerrorMessage(conn));
        }
        PQfinish(conn);
        return NULL;
    }
    PQsetNoticeProcessor(conn, ignore_notice, NULL);
    db = mz_calloc(1, sizeof(*db));
    db->base.ops = &pg_ops;
    db->conn = conn;
    return &db->base;
}
