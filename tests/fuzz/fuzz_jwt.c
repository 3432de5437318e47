/*
 * fuzz_jwt.c - libFuzzer entry point for the JWT bearer grant's decoder
 * and verifier.
 *
 * The first byte chooses. Odd: the rest is an assertion as a client sends
 * it: decoded (strict base64url, JSON objects, the size bound), its claims
 * read and its signature checked against a certificate; a decoded token
 * must have both JSON objects. Even: the rest is a claims text, signed
 * RS256 with the certificate's key made at start: when it decodes, the
 * signature must verify (a valid token is never refused) and a one-bit
 * change to the signature must not.
 *
 * FUZZ-SEED-BEGIN
 * 1eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJhIn0.AAAA
 * 1eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1In0.
 * 1e30.e30.e30
 * 0{"iss":"sfsim-jwt-client","sub":"admin@sfsim.test","aud":"https://login.salesforce.com","exp":1700000000}
 * 0{"aud":["a","b",3],"exp":1.5e12}
 * FUZZ-SEED-END
 * FUZZ-DICT-BEGIN
 * "eyJhbGciOiJSUzI1NiJ9"
 * "\"alg\":\"RS256\""
 * "\"exp\":"
 * "\"aud\":["
 * "."
 * "="
 * FUZZ-DICT-END
 */
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "jwt.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gnutls_privkey_t key;
static char *cert_pem;

static void
init(void)
{
    gnutls_x509_privkey_t xk;
    gnutls_x509_crt_t crt;
    gnutls_datum_t d;
    unsigned char serial[1] = {1};

    xjson_init();
    if (gnutls_x509_privkey_init(&xk) < 0 ||
        gnutls_x509_privkey_generate(xk, GNUTLS_PK_RSA, 1024, 0) < 0 ||
        gnutls_x509_crt_init(&crt) < 0 ||
        gnutls_x509_crt_set_version(crt, 3) < 0 ||
        gnutls_x509_crt_set_serial(crt, serial, 1) < 0 ||
        gnutls_x509_crt_set_activation_time(crt, 0) < 0 ||
        gnutls_x509_crt_set_expiration_time(crt, 4000000000) < 0 ||
        gnutls_x509_crt_set_key(crt, xk) < 0 ||
        gnutls_x509_crt_sign2(crt, crt, xk, GNUTLS_DIG_SHA256, 0) < 0 ||
        gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &d) < 0 ||
        gnutls_privkey_init(&key) < 0 ||
        gnutls_privkey_import_x509(key, xk, GNUTLS_PRIVKEY_IMPORT_COPY) < 0)
        abort();
    cert_pem = xmalloc(d.size + 1);
    memcpy(cert_pem, d.data, d.size);
    cert_pem[d.size] = '\0';
    gnutls_free(d.data);
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_privkey_deinit(xk);
}

static char *
b64url(const void *p, size_t n)
{
    char *out = xmalloc(BASE64_ENCODED_MAX(n));

    base64_encode(p, n, out, 1);
    return out;
}

/* An assertion from a client: whatever it is, no crash, no leak. */
static void
as_assertion(const char *text, size_t len)
{
    const char *auds[JWT_MAX_AUDIENCES];
    struct sf_err err;
    struct jwt j;
    double exp;

    err_clear(&err);
    if (jwt_decode(text, len, &j, &err) == 0) {
        if (!json_is_object(j.header) || !json_is_object(j.claims) ||
            j.signing_len >= len)
            abort();
        (void)jwt_alg_is_rs256(&j);
        (void)jwt_claim_string(&j, "iss");
        (void)jwt_claim_number(&j, "exp", &exp);
        if (jwt_audiences(&j, auds, JWT_MAX_AUDIENCES) > JWT_MAX_AUDIENCES)
            abort();
        err_clear(&err);
        (void)jwt_verify_rs256(&j, cert_pem, &err);
    } else if (err.msg[0] == '\0') {
        abort(); /* every refusal says why */
    }
    jwt_free(&j);
}

/* Claims signed with the right key: a token that decodes verifies. */
static void
as_claims(const char *claims, size_t len)
{
    static const char header[] = "{\"alg\":\"RS256\"}";
    char *h = b64url(header, strlen(header)), *c = b64url(claims, len), *s;
    char *input = xasprintf("%s.%s", h, c), *token;
    gnutls_datum_t data = {(unsigned char *)input, (unsigned)strlen(input)};
    gnutls_datum_t sig;
    struct sf_err err;
    struct jwt j;

    if (gnutls_privkey_sign_data(key, GNUTLS_DIG_SHA256, 0, &data, &sig) < 0)
        abort();
    s = b64url(sig.data, sig.size);
    token = xasprintf("%s.%s", input, s);
    err_clear(&err);
    if (jwt_decode(token, strlen(token), &j, &err) == 0) {
        if (!jwt_alg_is_rs256(&j) || jwt_verify_rs256(&j, cert_pem, &err) != 0)
            abort();
        j.sig[0] ^= 1;
        if (jwt_verify_rs256(&j, cert_pem, &err) == 0)
            abort();
    }
    jwt_free(&j);
    gnutls_free(sig.data);
    free(h);
    free(c);
    free(s);
    free(input);
    free(token);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int done;

    if (!done) {
        init();
        done = 1;
    }
    if (size == 0 || size > 2 * JWT_MAX)
        return 0;
    if (data[0] & 1)
        as_assertion((const char *)data + 1, size - 1);
    else
        as_claims((const char *)data + 1, size - 1);
    return 0;
}
