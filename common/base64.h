/*
 * base64.h - RFC 4648 base64, standard and URL-safe alphabets.
 *
 * For HTTP Basic credentials, PKCE challenges and token signatures.
 */
#ifndef COMMON_BASE64_H
#define COMMON_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Length of the encoding of n bytes, with padding, plus the NUL. */
#define BASE64_ENCODED_MAX(n) (4 * (((n) + 2) / 3) + 1)

/* Encodes in into out (room for BASE64_ENCODED_MAX(n)); url: the URL-safe
 * alphabet without padding (section 5). Returns the length written. */
size_t base64_encode(const uint8_t *in, size_t n, char *out, int url);
/*
 * Decodes text (either alphabet, padding optional) into out (room for
 * 3 * (len / 4) + 3 bytes). Returns the number of bytes, or -1 when text
 * is not base64.
 */
long base64_decode(const char *text, size_t len, uint8_t *out);

#endif
