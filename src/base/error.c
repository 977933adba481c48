/*
 * mz_error: see error.h.
 */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mz_error_clear(mz_error *e)
{
    e->status = 0;
    e->code = NULL;
    e->message[0] = '\0';
    e->field[0] = '\0';
}

int mz_error_set(mz_error *e, int status, const char *code, const char *field, const char *fmt, ...)
{
    va_list ap;
    e->status = status;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    return -1;
}

int mz_error_internal(mz_error *e, const char *detail)
{
    fprintf(stderr, "minzheng: internal error: %s\n", detail ? detail : "(unknown)");
    return mz_error_set(e, 500, "internal", NULL, "服务器内部错误，请稍后再试");
}
