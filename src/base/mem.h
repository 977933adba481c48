/*
 * Memory: allocation wrappers that abort on out-of-memory and check size
 * arithmetic, a bump arena for per-request allocations, and a growable byte
 * buffer.  Everything that allocates in minzheng goes through here, so an
 * allocation failure never has to be handled at a call site.
 */
#ifndef MZ_BASE_MEM_H
#define MZ_BASE_MEM_H

#include <stdarg.h>
#include <stddef.h>

/* Never return NULL: on failure they print a message and abort(). */
void *mz_malloc(size_t n);
void *mz_calloc(size_t count, size_t size); /* aborts when count*size overflows */
void *mz_realloc(void *p, size_t n);
char *mz_strdup(const char *s); /* NULL in, NULL out */
char *mz_strndup(const char *s, size_t n);
void mz_free(void *p); /* NULL is fine */

/* Wipes n bytes in a way the compiler cannot elide (for secrets). */
void mz_wipe(void *p, size_t n);

/*
 * Arena: many small allocations freed at once.  One per request; a handler
 * never frees what it takes from the arena.
 */
typedef struct mz_arena mz_arena;
mz_arena *mz_arena_new(void);
void mz_arena_free(mz_arena *a); /* NULL is fine */
/* Frees everything taken from a at once, keeping its blocks for what is taken next. */
void mz_arena_reset(mz_arena *a);
void *mz_arena_alloc(mz_arena *a, size_t n); /* zeroed, 16-byte aligned */
char *mz_arena_strdup(mz_arena *a, const char *s);
char *mz_arena_strndup(mz_arena *a, const char *s, size_t n);
char *mz_arena_printf(mz_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Buffer: a growable, always NUL-terminated byte string owned by the caller. */
typedef struct mz_buf {
    char *data; /* NULL until the first append */
    size_t len;
    size_t cap;
} mz_buf;
void mz_buf_init(mz_buf *b);
void mz_buf_cleanup(mz_buf *b);
void mz_buf_append(mz_buf *b, const void *p, size_t n);
void mz_buf_puts(mz_buf *b, const char *s);
void mz_buf_putc(mz_buf *b, char c);
void mz_buf_printf(mz_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mz_buf_vprintf(mz_buf *b, const char *fmt, va_list ap);
/* Shortens b to its first len bytes (len <= b->len). */
void mz_buf_truncate(mz_buf *b, size_t len);
/* Hands the string to the caller (free with mz_free); b is empty afterwards. */
char *mz_buf_steal(mz_buf *b);

#endif
