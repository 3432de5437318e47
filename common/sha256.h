/*
 * sha256.h - SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104).
 *
 * Needed for Salesforce's token "signature" (HMAC-SHA256 of id + issued_at
 * keyed with the client secret) and for PKCE's S256 code challenge. Written
 * here rather than pulling in a crypto library for two hashes of a few
 * bytes; not constant-time, not for protecting real secrets.
 */
#ifndef COMMON_SHA256_H
#define COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);
void hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                 uint8_t out[SHA256_LEN]);

#endif
