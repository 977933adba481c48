/*
 * Allocation wrappers, the per-request arena and the growable buffer.  See
 * mem.h for the contracts.
 */
#include "base/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "minzheng: out of memory allocating %zu bytes\n", n);
    abort();
}

void *mz_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        oom(n);
    return p;
}

void *mz_calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        oom(SIZE_MAX);
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL)
        oom(count * size);
    return p;
}

void *mz_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        oom(n);
    return q;
}

char *mz_strdup(const char *s)
{
    return s ? mz_strndup(s, strlen(s)) : NULL;
}

char *mz_strndup(const char *s, size_t n)
{
    if (s == NULL)
        return NULL;
    size_t len = strnlen(s, n);
    char *d = mz_malloc(len + 1);
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

void mz_free(void *p)
{
    free(p);
}

void mz_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

/* Arena: a chain of blocks; big requests get a block of their own. */
struct block {
    struct block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

struct mz_arena {
    struct block *head;
    struct block *spare; /* blocks of standard size kept by mz_arena_reset */
};

#define ARENA_BLOCK 16384

mz_arena *mz_arena_new(void)
{
    return mz_calloc(1, sizeof(mz_arena));
}

static void free_chain(struct block *b)
{
    while (b) {
        struct block *n = b->next;
        free(b);
        b = n;
    }
}

void mz_arena_free(mz_arena *a)
{
    if (a == NULL)
        return;
    free_chain(a->head);
    free_chain(a->spare);
    free(a);
}

void mz_arena_reset(mz_arena *a)
{
    struct block *b = a->head;
    while (b) {
        struct block *n = b->next;
        if (b->cap == ARENA_BLOCK) {
            b->used = 0;
            b->next = a->spare;
            a->spare = b;
        } else {
            free(b);
        }
        b = n;
    }
    a->head = NULL;
}

void *mz_arena_alloc(mz_arena *a, size_t n)
{
    if (n > SIZE_MAX - 32)
        oom(n);
    n = (n + 15) & ~(size_t)15;
    struct block *b = a->head;
    if (b == NULL || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        if (cap == ARENA_BLOCK && a->spare) {
            b = a->spare;
            a->spare = b->next;
        } else {
            b = mz_malloc(sizeof(struct block) + cap);
            b->used = 0;
            b->cap = cap;
        }
        if (a->head && n > ARENA_BLOCK) {
            /* keep the current block in front: it still has room */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *mz_arena_strdup(mz_arena *a, const char *s)
{
    return s ? mz_arena_strndup(a, s, strlen(s)) : NULL;
}

char *mz_arena_strndup(mz_arena *a, const char *s, size_t n)
{
    if (s == NULL)
        return NULL;
    size_t len = strnlen(s, n);
    char *d = mz_arena_alloc(a, len + 1);
    memcpy(d, s, len);
    return d;
}

char *mz_arena_printf(mz_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mz_buf b;
    mz_buf_init(&b);
    mz_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *s = mz_arena_strndup(a, b.data ? b.data : "", b.len);
    mz_buf_cleanup(&b);
    return s;
}

void mz_buf_init(mz_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void mz_buf_cleanup(mz_buf *b)
{
    free(b->data);
    mz_buf_init(b);
}

static void reserve(mz_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        oom(SIZE_MAX);
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    b->data = mz_realloc(b->data, cap);
    b->cap = cap;
}

void mz_buf_append(mz_buf *b, const void *p, size_t n)
{
    reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void mz_buf_puts(mz_buf *b, const char *s)
{
    mz_buf_append(b, s, strlen(s));
}

void mz_buf_putc(mz_buf *b, char c)
{
    mz_buf_append(b, &c, 1);
}

void mz_buf_vprintf(mz_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void mz_buf_printf(mz_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mz_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void mz_buf_truncate(mz_buf *b, size_t len)
{
    if (b->data == NULL || len > b->len)
        return;
    b->len = len;
    b->data[len] = '\0';
}

char *mz_buf_steal(mz_buf *b)
{
    char *s = b->data ? b->data : mz_strdup("");
    mz_buf_init(b);
    return s;
}
