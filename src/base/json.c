/*
 * JSON text of jansson values (json.h).
 */
#include "base/json.h"

#include <stdlib.h>
#include <string.h>

/*
 * JSON written straight into a buffer: the same bytes as
 * json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) (keys in insertion order, UTF-8 as is,
 * '"', '\\' and control characters escaped as jansson does), without its per-character
 * callbacks and the copy (perf: json_dumps was a tenth of a person profile, a fifth of a case
 * list page).  jansson has checked every string's UTF-8 when it was made.
 */
static void dump_string(mz_buf *b, const char *s, size_t n)
{
    size_t run = 0;
    mz_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        mz_buf_append(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            mz_buf_append(b, "\\\"", 2);
            break;
        case '\\':
            mz_buf_append(b, "\\\\", 2);
            break;
        case '\b':
            mz_buf_append(b, "\\b", 2);
            break;
        case '\f':
            mz_buf_append(b, "\\f", 2);
            break;
        case '\n':
            mz_buf_append(b, "\\n", 2);
            break;
        case '\r':
            mz_buf_append(b, "\\r", 2);
            break;
        case '\t':
            mz_buf_append(b, "\\t", 2);
            break;
        default:
            mz_buf_printf(b, "\\u%04X", (unsigned)c);
            break;
        }
    }
    mz_buf_append(b, s + run, n - run);
    mz_buf_putc(b, '"');
}

static void dump_integer(mz_buf *b, json_int_t v)
{
    char d[24], *p = d + sizeof d;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    mz_buf_append(b, p, (size_t)(d + sizeof d - p));
}

void mz_json_put_str(mz_buf *b, const char *s)
{
    if (s == NULL)
        mz_buf_append(b, "null", 4);
    else
        dump_string(b, s, strlen(s));
}

void mz_json_put_int(mz_buf *b, int64_t v)
{
    dump_integer(b, (json_int_t)v);
}

void mz_json_dump(mz_buf *b, json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        int first = 1;
        mz_buf_putc(b, '{');
        for (void *it = json_object_iter(j); it; it = json_object_iter_next(j, it)) {
            if (!first)
                mz_buf_putc(b, ',');
            first = 0;
            dump_string(b, json_object_iter_key(it), json_object_iter_key_len(it));
            mz_buf_putc(b, ':');
            mz_json_dump(b, json_object_iter_value(it));
        }
        mz_buf_putc(b, '}');
        break;
    }
    case JSON_ARRAY:
        mz_buf_putc(b, '[');
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i)
                mz_buf_putc(b, ',');
            mz_json_dump(b, json_array_get(j, i));
        }
        mz_buf_putc(b, ']');
        break;
    case JSON_STRING:
        dump_string(b, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        dump_integer(b, json_integer_value(j));
        break;
    case JSON_REAL: {
        /* Rare in answers: jansson's own shortest round-trip form. */
        char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        mz_buf_puts(b, s ? s : "null");
        free(s);
        break;
    }
    case JSON_TRUE:
        mz_buf_append(b, "true", 4);
        break;
    case JSON_FALSE:
        mz_buf_append(b, "false", 5);
        break;
    case JSON_NULL:
        mz_buf_append(b, "null", 4);
        break;
    }
}
