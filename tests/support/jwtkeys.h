/*
 * jwtkeys.h - a key pair made at test time for the JWT bearer tests, and
 * JWTs signed with it.
 *
 * jwtkeys_make() runs openssl in a fresh temporary directory: the key
 * (jwt-app.key) and certificate (jwt-app.crt) that fixtures/orgs/jwt.json
 * names, a second unrelated key (other.key) for wrong-key tests, and a
 * copy of that org file beside them (org.json). Nothing secret is
 * committed: every run makes its own. jwtkeys_sign() builds a compact JWS
 * with GnuTLS, signed RS256 whatever the header says.
 */
#ifndef TESTS_JWTKEYS_H
#define TESTS_JWTKEYS_H

#include <stddef.h>

struct jwtkeys {
    char dir[64];
    char key[96];       /* dir/jwt-app.key */
    char cert[96];      /* dir/jwt-app.crt */
    char other_key[96]; /* dir/other.key */
    char org[96];       /* dir/org.json */
};

/* Makes the keys and the org copy; aborts the test program on failure. */
void jwtkeys_make(struct jwtkeys *k);
/* Removes the directory and everything in it. */
void jwtkeys_remove(struct jwtkeys *k);
/*
 * base64url(header_json) "." base64url(claims_json) "." base64url(RSA-
 * SHA256 signature with key_file); caller frees. NULL when the key cannot
 * be used.
 */
char *jwtkeys_sign(const char *key_file, const char *header_json,
                   const char *claims_json);
/* The same with the key as PEM text. */
char *jwtkeys_sign_pem(const char *key_pem, const char *header_json,
                       const char *claims_json);
/*
 * A fresh key made in this process (RSA of bits bits, or ECDSA P-256 when
 * bits is 0) and a self-signed certificate for it, as PEM texts into
 * *key_pem and *cert_pem (caller frees both). Aborts on failure.
 */
void jwtkeys_pair(unsigned bits, char **key_pem, char **cert_pem);
/* base64url without padding of len bytes; caller frees. */
char *jwtkeys_b64url(const void *data, size_t len);

#endif
