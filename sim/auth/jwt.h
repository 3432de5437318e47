/*
 * jwt.h - JSON Web Tokens as the OAuth 2.0 JWT bearer grant sends them
 * (RFC 7519 in the compact JWS form of RFC 7515): decoding, the RS256
 * signature checked against an X.509 certificate, and the claims the
 * grant reads.
 *
 * Decoding is strict: at most JWT_MAX bytes, exactly three parts, each
 * unpadded base64url in its canonical form, a header and claims that are
 * JSON objects. GnuTLS checks the signature. Nothing here knows the org,
 * the clock or HTTP: h_oauth.c decides what each failure answers.
 */
#ifndef SIM_JWT_H
#define SIM_JWT_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

/* Largest assertion read: a 4096-bit RS256 token is under 1 KiB. */
#define JWT_MAX 16384
/* Audiences read from an "aud" array. */
#define JWT_MAX_AUDIENCES 16

struct jwt {
    json_t *header;            /* owned */
    json_t *claims;            /* owned */
    const char *signing_input; /* "header.claims" as received (borrowed) */
    size_t signing_len;
    unsigned char *sig; /* owned */
    size_t sig_len;
};

/*
 * Decodes text (len bytes, the assertion as sent). 0, or -1 with what is
 * wrong in err. The struct borrows text (signing_input) and must not
 * outlive it; jwt_free() releases the rest, also after a failure.
 */
int jwt_decode(const char *text, size_t len, struct jwt *out,
               struct sf_err *err);
void jwt_free(struct jwt *j);

/* Whether the header's "alg" is exactly "RS256". */
int jwt_alg_is_rs256(const struct jwt *j);
/*
 * Checks the RS256 signature with the RSA key of cert_pem (one PEM X.509
 * certificate). 0 when it verifies; -1 otherwise, with why in err.
 */
int jwt_verify_rs256(const struct jwt *j, const char *cert_pem,
                     struct sf_err *err);
/* 0 when cert_pem is one PEM X.509 certificate with an RSA key (what
 * RS256 needs); -1 with why in err. */
int jwt_cert_check(const char *cert_pem, struct sf_err *err);

/* A string claim, borrowed from j; NULL when absent or not a string. */
const char *jwt_claim_string(const struct jwt *j, const char *name);
/* A numeric claim (a NumericDate for exp) into *out: 0, or -1 when absent
 * or not a number. */
int jwt_claim_number(const struct jwt *j, const char *name, double *out);
/*
 * The "aud" values (a string, or an array of strings) into out (up to max,
 * borrowed from j); returns how many. Non-strings are skipped.
 */
size_t jwt_audiences(const struct jwt *j, const char **out, size_t max);

#endif
