/*
 * mz_error: see error.h.
 */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Cuts s back to whole UTF-8 characters after snprintf may have split one. */
static void trim_utf8(char *s)
{
    size_t n = strlen(s), j = n;
    while (j > 0 && n - j < 4 && ((unsigned char)s[j - 1] & 0xC0) == 0x80)
        j--;
    if (j == 0)
        return;
    unsigned char lead = (unsigned char)s[j - 1];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if ((j - 1) + want > n)
        s[j - 1] = '\0';
}

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
    trim_utf8(e->message);
    trim_utf8(e->field);
    return -1;
}

int mz_error_internal(mz_error *e, const char *detail)
{
    fprintf(stderr, "minzheng: internal error: %s\n", detail ? detail : "(unknown)");
    return mz_error_set(e, 500, "internal", NULL, "服务器内部错误，请稍后再试");
}
