/*
 * UTF-8 checks for text that comes from outside (HTTP bodies, uploaded CSV,
 * bank return files).  Everything stored or shown by minzheng is valid UTF-8;
 * these functions are how the boundary makes sure of it, and how single-line
 * fields such as names and addresses keep out control characters that would
 * break logs, exports and terminals.
 */
#ifndef MZ_BASE_UTF8_H
#define MZ_BASE_UTF8_H

#include <stddef.h>

/*
 * 1 if the len bytes at s are well-formed UTF-8 (RFC 3629), else 0.  Strict:
 * overlong forms, UTF-16 surrogates (U+D800-U+DFFF), code points above
 * U+10FFFF, stray continuation bytes and sequences cut short by len are all
 * rejected.  Noncharacters such as U+FFFE are well-formed and accepted.  A NUL
 * byte is U+0000 and valid here; text meant for a C string should be checked
 * with memchr() too.  s may be NULL when len is 0.
 */
int mz_utf8_valid(const char *s, size_t len);

/*
 * Number of code points in the NUL-terminated valid UTF-8 string s (the
 * number of bytes that are not continuation bytes; for invalid input it is
 * that count and means nothing more).
 */
size_t mz_utf8_chars(const char *s);

/*
 * 1 if the NUL-terminated string s contains a control character, else 0:
 * any C0 control U+0001-U+001F (tab, CR and LF included: meant for
 * single-line fields), DEL U+007F, or a C1 control U+0080-U+009F (encoded as
 * C2 80..C2 9F).
 */
int mz_utf8_has_control(const char *s);

#endif
