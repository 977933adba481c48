/*
 * Bulk inserts (bulk.h).  Values are kept as text or integers in a buffer of
 * one statement's worth of rows; a full buffer is bound to the prepared
 * rows_per_insert-row statement, a last partial one to a statement prepared
 * for its size.
 */
#include "store/bulk.h"

#include <stdarg.h>
#include <string.h>

#include "base/mem.h"

typedef struct value {
    char kind; /* 't', 'i', 'n' */
    int64_t i;
    char *t; /* owned */
} value;

struct mz_bulk {
    mz_db *db;
    char *table, *columns;
    int ncols, per;
    value *buf; /* per * ncols */
    int nrows;
    mz_stmt *full;
    int64_t written;
    int failed;
};

mz_bulk *mz_bulk_new(mz_db *db, const char *table, const char *columns, int ncols,
                     int rows_per_insert)
{
    mz_bulk *b = mz_calloc(1, sizeof *b);
    b->db = db;
    b->table = mz_strdup(table);
    b->columns = mz_strdup(columns);
    b->ncols = ncols;
    b->per = rows_per_insert > 0 ? rows_per_insert : 100;
    b->buf = mz_calloc((size_t)b->per * (size_t)ncols, sizeof *b->buf);
    return b;
}

static mz_stmt *prepare(mz_bulk *b, int rows)
{
    mz_buf sql;
    mz_buf_init(&sql);
    mz_buf_printf(&sql, "INSERT INTO %s (%s) VALUES ", b->table, b->columns);
    for (int r = 0; r < rows; r++) {
        mz_buf_puts(&sql, r ? ",(" : "(");
        for (int c = 0; c < b->ncols; c++)
            mz_buf_puts(&sql, c ? ",?" : "?");
        mz_buf_putc(&sql, ')');
    }
    mz_buf_putc(&sql, '\0');
    mz_stmt *st = mz_db_prepare(b->db, sql.data);
    mz_buf_cleanup(&sql);
    return st;
}

static void clear_row_values(mz_bulk *b)
{
    for (int k = 0; k < b->nrows * b->ncols; k++) {
        mz_free(b->buf[k].t);
        b->buf[k].t = NULL;
    }
    b->nrows = 0;
}

static int write_rows(mz_bulk *b)
{
    if (b->nrows == 0)
        return 0;
    mz_stmt *st = b->nrows == b->per ? (b->full ? b->full : (b->full = prepare(b, b->per)))
                                     : prepare(b, b->nrows);
    int rc = st ? MZ_DB_OK : MZ_DB_ERROR;
    for (int k = 0; rc == MZ_DB_OK && k < b->nrows * b->ncols; k++) {
        const value *v = &b->buf[k];
        rc = v->kind == 'i'   ? mz_stmt_bind_int64(st, k + 1, v->i)
             : v->kind == 't' ? mz_stmt_bind_text(st, k + 1, v->t)
                              : mz_stmt_bind_null(st, k + 1);
    }
    if (rc == MZ_DB_OK)
        rc = mz_stmt_step(st);
    if (st == b->full)
        mz_stmt_reset(st);
    else
        mz_stmt_finalize(st);
    if (rc >= 0)
        b->written += b->nrows;
    clear_row_values(b);
    if (rc < 0)
        b->failed = 1;
    return rc < 0 ? rc : 0;
}

int mz_bulk_add(mz_bulk *b, const char *types, ...)
{
    if (b->failed)
        return MZ_DB_ERROR;
    va_list ap;
    va_start(ap, types);
    value *row = &b->buf[b->nrows * b->ncols];
    for (int c = 0; c < b->ncols; c++) {
        row[c].kind = types[c];
        if (types[c] == 'i') {
            row[c].i = va_arg(ap, int64_t);
        } else if (types[c] == 't') {
            const char *s = va_arg(ap, const char *);
            row[c].t = mz_strdup(s);
            if (s == NULL)
                row[c].kind = 'n';
        } else {
            row[c].kind = 'n';
        }
    }
    va_end(ap);
    b->nrows++;
    return b->nrows == b->per ? write_rows(b) : 0;
}

int mz_bulk_flush(mz_bulk *b)
{
    if (b->failed)
        return MZ_DB_ERROR;
    return write_rows(b);
}

int64_t mz_bulk_rows(const mz_bulk *b)
{
    return b->written;
}

void mz_bulk_free(mz_bulk *b)
{
    if (b == NULL)
        return;
    clear_row_values(b);
    mz_stmt_finalize(b->full);
    mz_free(b->buf);
    mz_free(b->table);
    mz_free(b->columns);
    mz_free(b);
}
