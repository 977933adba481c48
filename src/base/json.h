/*
 * JSON text of jansson values, faster than json_dumps for what minzheng
 * writes many of (API answers, stored reports).
 */
#ifndef MZ_BASE_JSON_H
#define MZ_BASE_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "base/mem.h"

/*
 * Appends j to b as json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) writes it:
 * keys in insertion order, UTF-8 as is, '"', '\\' and control characters
 * escaped as jansson escapes them.
 */
void mz_json_dump(mz_buf *b, json_t *j);

/*
 * For answers written straight from a statement's columns, byte for byte as
 * mz_json_dump writes the same values: s as a JSON string (escaped as above),
 * or null when s is NULL; an integer.  The caller writes the punctuation and
 * keys; s must be valid UTF-8 (text the store accepted).
 */
void mz_json_put_str(mz_buf *b, const char *s);
void mz_json_put_int(mz_buf *b, int64_t v);

#endif
