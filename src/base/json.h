/*
 * JSON text of jansson values, faster than json_dumps for what minzheng
 * writes many of (API answers, stored reports).
 */
#ifndef MZ_BASE_JSON_H
#define MZ_BASE_JSON_H

#include <jansson.h>

#include "base/mem.h"

/*
 * Appends j to b as json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) writes it:
 * keys in insertion order, UTF-8 as is, '"', '\\' and control characters
 * escaped as jansson escapes them.
 */
void mz_json_dump(mz_buf *b, json_t *j);

#endif
