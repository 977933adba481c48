/*
 * Store dispatch: the public functions of store.h, forwarded to the engine
 * behind a connection (sqlite.c or pg.c) through its struct mz_db_ops.  What
 * must not differ between the engines lives here and nowhere else:
 *
 *  - Transactions.  An error inside a transaction dooms it on both engines
 *    (PostgreSQL does so natively; SQLite would only undo the statement), so
 *    mz_db_commit then rolls back and returns the first error.  A commit that
 *    fails leaves no transaction open.
 *  - Getters return NULL / 0 unless the last step produced a row and the
 *    column exists, where the engines' own behaviour is undefined.
 *  - The convenience functions (prepare_bind, query_int64, query_text, run)
 *    are written once on top of the primitives.
 */
#include "store/private.h"

#include "base/mem.h"

#include <stdio.h>
#include <string.h>

void mz_db_set_error(mz_db *db, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(db->errmsg, sizeof(db->errmsg), fmt, ap);
    va_end(ap);
}

/* Remembers the first failure inside a transaction; passes rc through. */
static int track(mz_db *db, int rc)
{
    if (rc < 0 && db->tx_error == 0 && db->ops->in_transaction(db))
        db->tx_error = rc;
    return rc;
}

mz_db *mz_db_open(const char *url, char *err, size_t errlen)
{
    if (url == NULL || *url == '\0') {
        snprintf(err, errlen, "no database URL given");
        return NULL;
    }
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return mz_pg_open(url, err, errlen);
    if (strncmp(url, "sqlite:", 7) == 0)
        url += 7;
    return mz_sqlite_open(url, err, errlen);
}

void mz_db_close(mz_db *db)
{
    if (db == NULL)
        return;
    for (int i = 0; i < MZ_DB_MEMOS; i++) {
        mz_free(db->memo[i].key);
        mz_free(db->memo[i].data);
    }
    db->ops->close(db);
}

static int64_t data_version(mz_db *db)
{
    return db->ops->data_version ? db->ops->data_version(db) : -1;
}

const void *mz_db_memo_get(mz_db *db, const char *key, size_t *len)
{
    int64_t v = data_version(db);
    if (v < 0)
        return NULL;
    for (int i = 0; i < MZ_DB_MEMOS; i++) {
        struct mz_db_memo *m = &db->memo[i];
        if (m->key && m->version == v && strcmp(m->key, key) == 0) {
            *len = m->len;
            return m->data;
        }
    }
    return NULL;
}

const void *mz_db_memo_get_now(mz_db *db, const char *key, size_t *len)
{
    int64_t schema = 0;
    if (db->ops->data_version == NULL ||
        mz_db_query_int64(db, &schema, "PRAGMA schema_version", "") != MZ_DB_ROW)
        return NULL;
    return mz_db_memo_get(db, key, len);
}

void mz_db_memo_put(mz_db *db, const char *key, const void *data, size_t len)
{
    int64_t v = data_version(db);
    if (v < 0)
        return;
    struct mz_db_memo *m = NULL;
    for (int i = 0; i < MZ_DB_MEMOS && m == NULL; i++)
        if (db->memo[i].key && strcmp(db->memo[i].key, key) == 0)
            m = &db->memo[i];
    if (m == NULL) {
        m = &db->memo[db->memo_next];
        db->memo_next = (db->memo_next + 1) % MZ_DB_MEMOS;
        mz_free(m->key);
        m->key = mz_strdup(key);
    }
    mz_free(m->data);
    m->data = mz_malloc(len ? len : 1);
    memcpy(m->data, data, len);
    m->len = len;
    m->version = v;
}

mz_db_kind mz_db_kind_of(const mz_db *db)
{
    return db->ops->kind;
}

const char *mz_db_kind_name(const mz_db *db)
{
    return db->ops->name;
}

const char *mz_db_errmsg(const mz_db *db)
{
    return db->errmsg;
}

int mz_db_exec(mz_db *db, const char *sql)
{
    return track(db, db->ops->exec(db, sql));
}

void mz_db_begin_read(mz_db *db)
{
    if (db->ops->kind != MZ_DB_SQLITE || db->ops->in_transaction(db))
        return;
    if (db->ops->exec(db, "BEGIN DEFERRED") == MZ_DB_OK)
        db->read_tx = 1;
}

void mz_db_end_read(mz_db *db)
{
    if (!db->read_tx)
        return;
    db->read_tx = 0;
    if (db->ops->in_transaction(db))
        db->ops->exec(db, "COMMIT");
}

int mz_db_begin(mz_db *db)
{
    mz_db_end_read(db);
    if (db->ops->in_transaction(db)) {
        mz_db_set_error(db, "a transaction is already open");
        return MZ_DB_ERROR;
    }
    db->tx_error = 0;
    return db->ops->exec(db, db->ops->begin_sql);
}

/* SQLite changes foreign_keys only outside a transaction, so it is set back once one ends. */
static void fk_restore(mz_db *db)
{
    if (db->fk_off && !db->ops->in_transaction(db)) {
        db->fk_off = 0;
        db->ops->exec(db, db->ops->fk_on_sql);
    }
}

int mz_db_begin_trusted(mz_db *db)
{
    mz_db_end_read(db);
    if (db->ops->fk_off_sql == NULL || db->ops->in_transaction(db))
        return mz_db_begin(db);
    if (db->ops->exec(db, db->ops->fk_off_sql) < 0)
        return MZ_DB_ERROR;
    db->fk_off = 1;
    int rc = mz_db_begin(db);
    if (rc < 0)
        fk_restore(db);
    return rc;
}

int mz_db_commit(mz_db *db)
{
    int rc;

    if (!db->ops->in_transaction(db)) {
        db->tx_error = 0;
        mz_db_set_error(db, "no transaction is open");
        return MZ_DB_ERROR;
    }
    if (db->tx_error != 0) {
        rc = db->tx_error;
        db->tx_error = 0;
        db->ops->exec(db, "ROLLBACK");
        fk_restore(db);
        mz_db_set_error(db, "transaction rolled back: a statement in it failed");
        return rc;
    }
    rc = db->ops->exec(db, "COMMIT");
    if (rc < 0 && db->ops->in_transaction(db)) {
        /* SQLite keeps the transaction open when COMMIT fails; close it as
         * PostgreSQL does, keeping the message that explains the failure. */
        char msg[sizeof(db->errmsg)];
        memcpy(msg, db->errmsg, sizeof(msg));
        db->ops->exec(db, "ROLLBACK");
        fk_restore(db);
        memcpy(db->errmsg, msg, sizeof(msg));
    }
    fk_restore(db);
    return rc;
}

int mz_db_rollback(mz_db *db)
{
    db->tx_error = 0;
    if (!db->ops->in_transaction(db))
        return MZ_DB_OK;
    int rc = db->ops->exec(db, "ROLLBACK");
    fk_restore(db);
    return rc;
}

int mz_db_in_transaction(const mz_db *db)
{
    return !db->read_tx && db->ops->in_transaction(db);
}

mz_stmt *mz_db_prepare(mz_db *db, const char *sql)
{
    mz_stmt *st = db->ops->prepare(db, sql);

    if (st == NULL)
        track(db, MZ_DB_ERROR);
    return st;
}

static int check_index(mz_stmt *st, int idx)
{
    int n = st->db->ops->param_count(st);

    if (idx < 1 || idx > n) {
        mz_db_set_error(st->db, "parameter %d out of range: the statement has %d", idx, n);
        return MZ_DB_ERROR;
    }
    return MZ_DB_OK;
}

int mz_stmt_bind_text(mz_stmt *st, int idx, const char *s)
{
    if (check_index(st, idx) < 0)
        return MZ_DB_ERROR;
    if (s == NULL)
        return st->db->ops->bind_null(st, idx);
    return st->db->ops->bind_text(st, idx, s);
}

int mz_stmt_bind_int64(mz_stmt *st, int idx, int64_t v)
{
    if (check_index(st, idx) < 0)
        return MZ_DB_ERROR;
    return st->db->ops->bind_int64(st, idx, v);
}

int mz_stmt_bind_null(mz_stmt *st, int idx)
{
    if (check_index(st, idx) < 0)
        return MZ_DB_ERROR;
    return st->db->ops->bind_null(st, idx);
}

int mz_stmt_step(mz_stmt *st)
{
    int rc = st->db->ops->step(st);

    st->has_row = rc == MZ_DB_ROW;
    return track(st->db, rc);
}

int mz_stmt_reset(mz_stmt *st)
{
    st->has_row = 0;
    st->db->ops->reset(st);
    return MZ_DB_OK;
}

int mz_stmt_column_count(const mz_stmt *st)
{
    return st->db->ops->column_count(st);
}

const char *mz_stmt_column_name(const mz_stmt *st, int col)
{
    if (col < 0 || col >= st->db->ops->column_count(st))
        return NULL;
    return st->db->ops->column_name(st, col);
}

static int value_ready(const mz_stmt *st, int col)
{
    return st->has_row && col >= 0 && col < st->db->ops->column_count(st);
}

int mz_stmt_is_null(const mz_stmt *st, int col)
{
    return !value_ready(st, col) || st->db->ops->is_null(st, col);
}

const char *mz_stmt_text(const mz_stmt *st, int col)
{
    return value_ready(st, col) ? st->db->ops->text(st, col) : NULL;
}

int64_t mz_stmt_int64(const mz_stmt *st, int col)
{
    return value_ready(st, col) ? st->db->ops->int64(st, col) : 0;
}

int64_t mz_stmt_changes(const mz_stmt *st)
{
    return st->db->ops->changes(st);
}

void mz_stmt_finalize(mz_stmt *st)
{
    if (st != NULL)
        st->db->ops->finalize(st);
}

/* Prepares sql and binds the arguments described by types; see store.h. */
static mz_stmt *prepare_bindv(mz_db *db, const char *sql, const char *types, va_list ap)
{
    mz_stmt *st;
    int n, rc = MZ_DB_OK;

    if (types == NULL)
        types = "";
    st = mz_db_prepare(db, sql);
    if (st == NULL)
        return NULL;
    n = (int)strlen(types);
    if (n != db->ops->param_count(st)) {
        mz_db_set_error(db, "the statement has %d parameters but %d types were given",
                        db->ops->param_count(st), n);
        goto fail;
    }
    for (int i = 0; i < n; i++) {
        switch (types[i]) {
        case 't':
            rc = mz_stmt_bind_text(st, i + 1, va_arg(ap, const char *));
            break;
        case 'i':
            rc = mz_stmt_bind_int64(st, i + 1, va_arg(ap, int64_t));
            break;
        case 'n':
            rc = mz_stmt_bind_null(st, i + 1);
            break;
        default:
            mz_db_set_error(db, "unknown parameter type '%c'", types[i]);
            goto fail;
        }
        if (rc < 0)
            goto fail;
    }
    return st;

fail:
    mz_stmt_finalize(st);
    track(db, MZ_DB_ERROR);
    return NULL;
}

mz_stmt *mz_db_prepare_bind(mz_db *db, const char *sql, const char *types, ...)
{
    va_list ap;
    mz_stmt *st;

    va_start(ap, types);
    st = prepare_bindv(db, sql, types, ap);
    va_end(ap);
    return st;
}

int mz_db_query_int64(mz_db *db, int64_t *out, const char *sql, const char *types, ...)
{
    va_list ap;
    mz_stmt *st;
    int rc;

    *out = 0;
    va_start(ap, types);
    st = prepare_bindv(db, sql, types, ap);
    va_end(ap);
    if (st == NULL)
        return MZ_DB_ERROR;
    rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW)
        *out = mz_stmt_int64(st, 0);
    mz_stmt_finalize(st);
    return rc;
}

int mz_db_query_text(mz_db *db, char **out, const char *sql, const char *types, ...)
{
    va_list ap;
    mz_stmt *st;
    int rc;

    *out = NULL;
    va_start(ap, types);
    st = prepare_bindv(db, sql, types, ap);
    va_end(ap);
    if (st == NULL)
        return MZ_DB_ERROR;
    rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW)
        *out = mz_strdup(mz_stmt_text(st, 0));
    mz_stmt_finalize(st);
    return rc;
}

int mz_db_run(mz_db *db, int64_t *changes, const char *sql, const char *types, ...)
{
    va_list ap;
    mz_stmt *st;
    int rc;

    if (changes != NULL)
        *changes = 0;
    va_start(ap, types);
    st = prepare_bindv(db, sql, types, ap);
    va_end(ap);
    if (st == NULL)
        return MZ_DB_ERROR;
    /* Run to completion, so that a RETURNING clause cannot leave work undone. */
    do {
        rc = mz_stmt_step(st);
    } while (rc == MZ_DB_ROW);
    if (rc == MZ_DB_OK && changes != NULL)
        *changes = mz_stmt_changes(st);
    mz_stmt_finalize(st);
    return rc;
}

/* ---- bulk insert ---- */

#define BULK_CHUNK 65536

/*
 * SQLite: rows buffered (texts copied into one buffer, integers kept as
 * integers) and inserted BULK_ROWS at a time by one prepared INSERT, so that
 * what SQLite does once per statement (the ephemeral table of each
 * IN (...) check, the AUTOINCREMENT counter, halting) is done once per
 * BULK_ROWS rows.  OR FAIL: a row that fails ends the insert, and the caller
 * rolls the transaction back, as after a failed COPY on PostgreSQL; unlike the
 * default OR ABORT it needs no statement journal (a copy of each page the
 * statement changes, in memory: sqlite.c) unless foreign keys are enforced,
 * which mz_db_begin_trusted turns off.
 */
#define BULK_ROWS 64

struct mz_bulk {
    mz_db *db;
    int ncolumns;
    char *insert_head; /* SQLite: "INSERT INTO t (...) VALUES" */
    mz_stmt *insert;   /* SQLite: the BULK_ROWS-row INSERT */
    int npending;      /* SQLite: rows buffered */
    char *types;       /* SQLite: per buffered value 't', 'i' or 'n' */
    int64_t *nums;     /* SQLite: per buffered value its integer or text offset in buf */
    mz_buf buf;        /* SQLite: the buffered texts; PostgreSQL: text-format rows not yet sent */
    int failed;
};

static void bulk_free(mz_bulk *b)
{
    mz_stmt_finalize(b->insert);
    mz_free(b->insert_head);
    mz_free(b->types);
    mz_free(b->nums);
    mz_buf_cleanup(&b->buf);
    mz_free(b);
}

/* The INSERT of rows rows of b's columns. */
static mz_stmt *bulk_prepare(mz_bulk *b, int rows)
{
    mz_buf sql;
    mz_buf_init(&sql);
    mz_buf_puts(&sql, b->insert_head);
    for (int r = 0; r < rows; r++) {
        mz_buf_puts(&sql, r ? ", (" : " (");
        for (int i = 0; i < b->ncolumns; i++)
            mz_buf_puts(&sql, i ? ", ?" : "?");
        mz_buf_putc(&sql, ')');
    }
    mz_stmt *st = mz_db_prepare(b->db, sql.data);
    mz_buf_cleanup(&sql);
    return st;
}

/* Inserts the buffered rows, the texts bound without a copy; 0 or a negative mz_db_err. */
static int bulk_flush(mz_bulk *b)
{
    int rc = MZ_DB_OK, n = b->npending * b->ncolumns;
    if (b->npending == 0)
        return MZ_DB_OK;
    mz_stmt *st = b->npending == BULK_ROWS ? b->insert : bulk_prepare(b, b->npending);
    if (st == NULL)
        rc = MZ_DB_ERROR;
    for (int i = 0; i < n && rc == MZ_DB_OK; i++) {
        if (b->types[i] == 'i')
            rc = b->db->ops->bind_int64(st, i + 1, b->nums[i]);
        else if (b->types[i] == 't')
            rc = b->db->ops->bind_text_static(st, i + 1, b->buf.data + b->nums[i]);
        else
            rc = b->db->ops->bind_null(st, i + 1);
    }
    if (rc == MZ_DB_OK)
        rc = mz_stmt_step(st);
    if (st == b->insert)
        mz_stmt_reset(st);
    else
        mz_stmt_finalize(st);
    b->npending = 0;
    b->buf.len = 0;
    return rc < 0 ? rc : MZ_DB_OK;
}

mz_bulk *mz_bulk_begin(mz_db *db, const char *table, const char *const *columns, int ncolumns)
{
    mz_buf sql;
    mz_bulk *b;

    if (!db->ops->in_transaction(db)) {
        mz_db_set_error(db, "bulk insert outside a transaction");
        return NULL;
    }
    if (ncolumns < 1 || ncolumns > MZ_BULK_MAX_COLUMNS) {
        mz_db_set_error(db, "bulk insert of %d columns", ncolumns);
        return NULL;
    }
    mz_buf_init(&sql);
    mz_buf_printf(&sql, "%s %s (", db->ops->copy_begin ? "COPY" : "INSERT OR FAIL INTO", table);
    for (int i = 0; i < ncolumns; i++)
        mz_buf_printf(&sql, "%s%s", i ? ", " : "", columns[i]);
    mz_buf_puts(&sql, db->ops->copy_begin ? ") FROM STDIN" : ") VALUES");
    b = mz_calloc(1, sizeof *b);
    b->db = db;
    b->ncolumns = ncolumns;
    mz_buf_init(&b->buf);
    if (db->ops->copy_begin) {
        int rc = track(db, db->ops->copy_begin(db, sql.data));
        mz_buf_cleanup(&sql);
        if (rc < 0) {
            bulk_free(b);
            return NULL;
        }
        return b;
    }
    b->insert_head = mz_buf_steal(&sql);
    b->types = mz_calloc((size_t)BULK_ROWS * (size_t)ncolumns, 1);
    b->nums = mz_calloc((size_t)BULK_ROWS * (size_t)ncolumns, sizeof *b->nums);
    b->insert = bulk_prepare(b, BULK_ROWS);
    if (b->insert == NULL) {
        track(db, MZ_DB_ERROR);
        bulk_free(b);
        return NULL;
    }
    return b;
}

/* Appends v as a field of COPY's text format: \N for NULL, backslash escapes. */
static void copy_field(mz_buf *buf, const char *v)
{
    if (v == NULL) {
        mz_buf_append(buf, "\\N", 2);
        return;
    }
    for (;;) {
        size_t n = strcspn(v, "\\\t\n\r");
        mz_buf_append(buf, v, n);
        v += n;
        if (*v == '\0')
            return;
        char esc[2] = {'\\', *v == '\\' ? '\\' : *v == '\t' ? 't' : *v == '\n' ? 'n' : 'r'};
        mz_buf_append(buf, esc, 2);
        v++;
    }
}

/* Appends the decimal text of v. */
static void copy_int(mz_buf *buf, int64_t v)
{
    char tmp[24], *p = tmp + sizeof tmp;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    mz_buf_append(buf, p, (size_t)(tmp + sizeof tmp - p));
}

/* SQLite: buffers the row, inserting the buffered rows when there are BULK_ROWS of them. */
static int bulk_buffer(mz_bulk *b, const char *types, const mz_bulk_value *v)
{
    size_t at = (size_t)b->npending * (size_t)b->ncolumns;
    for (int i = 0; i < b->ncolumns; i++) {
        char t = types[i] == 't' && v[i].s == NULL ? 'n' : types[i];
        b->types[at + (size_t)i] = t;
        if (t == 'i') {
            b->nums[at + (size_t)i] = v[i].i;
        } else if (t == 't') {
            b->nums[at + (size_t)i] = (int64_t)b->buf.len;
            mz_buf_append(&b->buf, v[i].s, strlen(v[i].s) + 1);
        }
    }
    return ++b->npending == BULK_ROWS ? bulk_flush(b) : MZ_DB_OK;
}

int mz_bulk_add(mz_bulk *b, const char *types, const mz_bulk_value *values)
{
    mz_db *db = b->db;
    int rc = MZ_DB_OK;

    if (b->failed)
        return MZ_DB_ERROR;
    if (strlen(types) != (size_t)b->ncolumns) {
        mz_db_set_error(db, "bulk row of %zu values for %d columns", strlen(types), b->ncolumns);
        rc = MZ_DB_ERROR;
    } else if (b->insert) {
        rc = bulk_buffer(b, types, values);
    } else {
        for (int i = 0; i < b->ncolumns; i++) {
            if (i)
                mz_buf_putc(&b->buf, '\t');
            if (types[i] == 'i')
                copy_int(&b->buf, values[i].i);
            else
                copy_field(&b->buf, types[i] == 't' ? values[i].s : NULL);
        }
        mz_buf_putc(&b->buf, '\n');
        if (b->buf.len >= BULK_CHUNK) {
            rc = db->ops->copy_data(db, b->buf.data, b->buf.len);
            b->buf.len = 0;
        }
    }
    if (rc < 0) {
        b->failed = 1;
        track(db, rc);
    }
    return rc < 0 ? rc : MZ_DB_OK;
}

int mz_bulk_row(mz_bulk *b, const char *const *values)
{
    char types[MZ_BULK_MAX_COLUMNS + 1];
    mz_bulk_value v[MZ_BULK_MAX_COLUMNS];
    for (int i = 0; i < b->ncolumns; i++) {
        types[i] = 't';
        v[i].s = values[i];
    }
    types[b->ncolumns] = '\0';
    return mz_bulk_add(b, types, v);
}

int mz_bulk_end(mz_bulk *b)
{
    mz_db *db = b->db;
    int rc = b->failed ? MZ_DB_ERROR : MZ_DB_OK;

    if (b->insert != NULL) {
        if (rc == MZ_DB_OK)
            rc = bulk_flush(b);
    } else {
        if (rc == MZ_DB_OK && b->buf.len > 0)
            rc = db->ops->copy_data(db, b->buf.data, b->buf.len);
        int end = db->ops->copy_end(db, rc == MZ_DB_OK ? NULL : "bulk insert failed");
        if (rc == MZ_DB_OK)
            rc = end;
    }
    track(db, rc);
    bulk_free(b);
    return rc;
}

void mz_bulk_cancel(mz_bulk *b)
{
    if (b == NULL)
        return;
    if (b->insert == NULL)
        b->db->ops->copy_end(b->db, "bulk insert cancelled");
    track(b->db, MZ_DB_ERROR);
    bulk_free(b);
}

void mz_db_batch_cache(mz_db *db, int mode)
{
    if (mz_db_kind_of(db) != MZ_DB_SQLITE)
        return;
    switch (mode) {
    case MZ_BATCH_WRITES:
        mz_db_exec(db, "PRAGMA cache_size = -262144; PRAGMA wal_autocheckpoint = 16384");
        break;
    case MZ_BATCH_SMALL_WRITES:
        mz_db_exec(db, "PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 16384; "
                       "PRAGMA temp_store = MEMORY");
        break;
    default:
        mz_db_exec(db, "PRAGMA cache_size = -2000; PRAGMA wal_autocheckpoint = 1000; "
                       "PRAGMA temp_store = DEFAULT");
    }
}
