/*
 * jwt.c - decoding and checking JWT bearer assertions (see jwt.h).
 */
#include "jwt.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "xmalloc.h"

static int
is_b64url(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/*
 * One part of the token: unpadded base64url, and the canonical spelling
 * of its bytes (no stray bits in the last character), into *out (caller
 * frees) and *n. -1 when it is anything else.
 */
static int
decode_part(const char *p, size_t len, unsigned char **out, size_t *n)
{
    unsigned char *bytes;
    char *again;
    long got;
    size_t i;
    int ok;

    *out = NULL;
    if (len == 0 || len % 4 == 1)
        return -1;
    for (i = 0; i < len; i++)
        if (!is_b64url((unsigned char)p[i]))
            return -1;
    bytes = xmalloc(3 * (len / 4) + 3);
    got = base64_decode(p, len, bytes);
    if (got < 0) {
        free(bytes);
        return -1;
    }
    again = xmalloc(BASE64_ENCODED_MAX((size_t)got));
    ok = base64_encode(bytes, (size_t)got, again, 1) == len &&
         memcmp(again, p, len) == 0;
    free(again);
    if (!ok) {
        free(bytes);
        return -1;
    }
    *out = bytes;
    *n = (size_t)got;
    return 0;
}

/* A part that must decode to a JSON object (new reference), or NULL. */
static json_t *
json_part(const char *p, size_t len, const char *what, struct sf_err *err)
{
    unsigned char *bytes;
    json_error_t jerr;
    json_t *j;
    size_t n;

    if (decode_part(p, len, &bytes, &n) == -1) {
        err_set(err, "the %s is not base64url", what);
        return NULL;
    }
    j = json_loadb((const char *)bytes, n, JSON_REJECT_DUPLICATES, &jerr);
    free(bytes);
    if (!json_is_object(j)) {
        err_set(err, "the %s is not a JSON object%s%s", what,
                j == NULL ? ": " : "", j == NULL ? jerr.text : "");
        json_decref(j);
        return NULL;
    }
    return j;
}

int
jwt_decode(const char *text, size_t len, struct jwt *out, struct sf_err *err)
{
    const char *dot1, *dot2;

    memset(out, 0, sizeof(*out));
    if (len > JWT_MAX) {
        err_set(err, "the assertion is longer than %d bytes", JWT_MAX);
        return -1;
    }
    dot1 = memchr(text, '.', len);
    dot2 = dot1 != NULL ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - text))
                        : NULL;
    if (dot2 == NULL ||
        memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - text)) != NULL) {
        err_set(err, "the assertion is not three dot-separated parts");
        return -1;
    }
    if ((out->header = json_part(text, (size_t)(dot1 - text), "header", err)) ==
            NULL ||
        (out->claims = json_part(dot1 + 1, (size_t)(dot2 - dot1 - 1), "claims",
                                 err)) == NULL ||
        decode_part(dot2 + 1, len - (size_t)(dot2 + 1 - text), &out->sig,
                    &out->sig_len) == -1) {
        if (out->claims != NULL)
            err_set(err, "the signature is not base64url");
        return -1;
    }
    out->signing_input = text;
    out->signing_len = (size_t)(dot2 - text);
    return 0;
}

void
jwt_free(struct jwt *j)
{
    json_decref(j->header);
    json_decref(j->claims);
    free(j->sig);
    memset(j, 0, sizeof(*j));
}

int
jwt_alg_is_rs256(const struct jwt *j)
{
    const char *alg = json_string_value(json_object_get(j->header, "alg"));

    return alg != NULL && strcmp(alg, "RS256") == 0;
}

/* The RSA public key of a PEM certificate into *out (caller deinits). */
static int
rsa_key_of(const char *cert_pem, gnutls_pubkey_t *out, struct sf_err *err)
{
    gnutls_datum_t d = {(unsigned char *)cert_pem, (unsigned)strlen(cert_pem)};
    gnutls_x509_crt_t crt = NULL;
    gnutls_pubkey_t key = NULL;
    int ret = -1;

    *out = NULL;
    if (gnutls_x509_crt_init(&crt) < 0 ||
        gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM) < 0) {
        err_set(err, "not a PEM X.509 certificate");
        goto out;
    }
    if (gnutls_pubkey_init(&key) < 0 ||
        gnutls_pubkey_import_x509(key, crt, 0) < 0) {
        err_set(err, "the certificate's public key cannot be read");
        goto out;
    }
    if (gnutls_pubkey_get_pk_algorithm(key, NULL) != GNUTLS_PK_RSA) {
        err_set(err, "the certificate's key is not RSA (RS256 needs one)");
        goto out;
    }
    *out = key;
    key = NULL;
    ret = 0;
out:
    gnutls_pubkey_deinit(key);
    gnutls_x509_crt_deinit(crt);
    return ret;
}

int
jwt_cert_check(const char *cert_pem, struct sf_err *err)
{
    gnutls_pubkey_t key;

    if (rsa_key_of(cert_pem, &key, err) == -1)
        return -1;
    gnutls_pubkey_deinit(key);
    return 0;
}

int
jwt_verify_rs256(const struct jwt *j, const char *cert_pem, struct sf_err *err)
{
    gnutls_datum_t data = {(unsigned char *)j->signing_input,
                           (unsigned)j->signing_len};
    gnutls_datum_t sig = {j->sig, (unsigned)j->sig_len};
    gnutls_pubkey_t key;
    int rc;

    if (rsa_key_of(cert_pem, &key, err) == -1)
        return -1;
    rc =
        gnutls_pubkey_verify_data2(key, GNUTLS_SIGN_RSA_SHA256, 0, &data, &sig);
    gnutls_pubkey_deinit(key);
    if (rc < 0) {
        err_set(err, "the signature does not verify with the connected "
                     "app's certificate");
        return -1;
    }
    return 0;
}

const char *
jwt_claim_string(const struct jwt *j, const char *name)
{
    return json_string_value(json_object_get(j->claims, name));
}

int
jwt_claim_number(const struct jwt *j, const char *name, double *out)
{
    json_t *v = json_object_get(j->claims, name);

    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return 0;
}

size_t
jwt_audiences(const struct jwt *j, const char **out, size_t max)
{
    json_t *aud = json_object_get(j->claims, "aud"), *v;
    size_t i, n = 0;

    if (json_is_string(aud)) {
        if (max > 0)
            out[n++] = json_string_value(aud);
        return n;
    }
    json_array_foreach(aud, i, v) {
        if (n == max)
            break;
        if (json_is_string(v))
            out[n++] = json_string_value(v);
    }
    return n;
}
