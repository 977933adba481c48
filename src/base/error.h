/*
 * Errors that reach a person: an HTTP status, a stable machine code, a
 * Chinese message and the name of the offending field.  Functions deep in
 * core fill one in and return -1; the API layer turns it into the JSON error
 * body in one place (api/respond.c), the CLI prints the message.
 */
#ifndef MZ_BASE_ERROR_H
#define MZ_BASE_ERROR_H

typedef struct mz_error {
    int status;        /* HTTP status, 0 when no error was set */
    const char *code;  /* stable code, a string literal: "invalid_value" */
    char message[256]; /* Chinese, for people */
    char field[64];    /* offending field, "" for none */
} mz_error;

void mz_error_clear(mz_error *e);
/* Sets e (field may be NULL) and returns -1, so callers can `return mz_error_set(...)`. */
int mz_error_set(mz_error *e, int status, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The generic 500, logging detail (never shown to the client) to stderr. */
int mz_error_internal(mz_error *e, const char *detail);

#endif
