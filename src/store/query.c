/* Queries built from the filters given (query.h). */
#include "store/query.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mz_query_init(mz_query *q, const char *head)
{
    memset(q, 0, sizeof *q);
    mz_buf_init(&q->sql);
    mz_buf_puts(&q->sql, head);
}

static void add_args(mz_query *q, const char *types, va_list ap)
{
    for (const char *p = types; *p; p++) {
        if (q->nargs == MZ_QUERY_MAX_ARGS) {
            q->overflow = 1;
            return;
        }
        q->args[q->nargs].type = *p;
        if (*p == 'i')
            q->args[q->nargs].i = va_arg(ap, int64_t);
        else
            q->args[q->nargs].t = va_arg(ap, const char *);
        q->nargs++;
    }
}

void mz_query_add(mz_query *q, const char *sql, const char *types, ...)
{
    va_list ap;
    mz_buf_puts(&q->sql, sql);
    va_start(ap, types);
    add_args(q, types, ap);
    va_end(ap);
}

void mz_query_region(mz_query *q, const char *column, const char *prefix)
{
    if (prefix == NULL || *prefix == '\0')
        return;
    if (q->nbounds == 8 || strlen(prefix) > 12) {
        q->overflow = 1;
        return;
    }
    /* ':' follows '9' in ASCII: every code starting with the digits of prefix sorts below
     * prefix + ":" and at or above prefix. */
    char *upper = q->bounds[q->nbounds++];
    snprintf(upper, sizeof q->bounds[0], "%s:", prefix);
    mz_buf_printf(&q->sql, " AND %s >= ? AND %s < ?", column, column);
    mz_query_add(q, "", "tt", prefix, upper);
}

mz_stmt *mz_query_prepare(mz_db *db, mz_query *q)
{
    if (q->overflow)
        return NULL;
    mz_buf_putc(&q->sql, '\0');
    mz_stmt *st = mz_db_prepare(db, q->sql.data);
    q->sql.len--; /* the statement can still grow after a prepare (a count, then a page) */
    if (st == NULL)
        return NULL;
    for (int i = 0; i < q->nargs; i++) {
        int rc = q->args[i].type == 'i' ? mz_stmt_bind_int64(st, i + 1, q->args[i].i)
                                        : mz_stmt_bind_text(st, i + 1, q->args[i].t);
        if (rc != MZ_DB_OK) {
            mz_stmt_finalize(st);
            return NULL;
        }
    }
    return st;
}

void mz_query_cleanup(mz_query *q)
{
    mz_buf_cleanup(&q->sql);
}
