/*
 * jwtkeys.c - test-time key pairs and RS256 JWTs (see jwtkeys.h).
 */
#include "jwtkeys.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "httpc.h"
#include "spawn.h"
#include "xmalloc.h"

#define KEY_FILE_MAX (64 * 1024)

static void
run_or_abort(const char *cmd)
{
    int timed_out = 0;

    if (spawn_shell(cmd, NULL, 60000, &timed_out) != 0) {
        fprintf(stderr, "jwtkeys: failed: %s\n", cmd);
        abort();
    }
}

void
jwtkeys_make(struct jwtkeys *k)
{
    char cmd[1024];

    snprintf(k->dir, sizeof(k->dir), "/tmp/sfsim-jwt.XXXXXX");
    if (mkdtemp(k->dir) == NULL) {
        perror("jwtkeys: mkdtemp");
        abort();
    }
    snprintf(k->key, sizeof(k->key), "%s/jwt-app.key", k->dir);
    snprintf(k->cert, sizeof(k->cert), "%s/jwt-app.crt", k->dir);
    snprintf(k->other_key, sizeof(k->other_key), "%s/other.key", k->dir);
    snprintf(k->org, sizeof(k->org), "%s/org.json", k->dir);
    snprintf(cmd, sizeof(cmd),
             "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "
             "/CN=sfsim-jwt-test -keyout %s -out %s 2>/dev/null && "
             "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 "
             "-out %s 2>/dev/null && cp %s/orgs/jwt.json %s",
             k->key, k->cert, k->other_key, test_fixtures_dir(), k->org);
    run_or_abort(cmd);
}

void
jwtkeys_remove(struct jwtkeys *k)
{
    char cmd[256];

    if (k->dir[0] == '\0')
        return;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", k->dir);
    run_or_abort(cmd);
    k->dir[0] = '\0';
}

char *
jwtkeys_b64url(const void *data, size_t len)
{
    char *out = xmalloc(BASE64_ENCODED_MAX(len));

    base64_encode(data, len, out, 1);
    return out;
}

/* The whole of a small file (caller frees), or NULL. */
static char *
slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *text;

    if (fp == NULL)
        return NULL;
    text = xmalloc(KEY_FILE_MAX + 1);
    *len = fread(text, 1, KEY_FILE_MAX, fp);
    fclose(fp);
    text[*len] = '\0';
    return text;
}

char *
jwtkeys_sign_pem(const char *key_pem, const char *header_json,
                 const char *claims_json)
{
    gnutls_privkey_t key = NULL;
    gnutls_datum_t pem = {(unsigned char *)key_pem, (unsigned)strlen(key_pem)};
    gnutls_datum_t data, sig = {NULL, 0};
    char *h = jwtkeys_b64url(header_json, strlen(header_json));
    char *c = jwtkeys_b64url(claims_json, strlen(claims_json));
    char *input = xasprintf("%s.%s", h, c), *s = NULL, *out = NULL;

    data.data = (unsigned char *)input;
    data.size = (unsigned)strlen(input);
    if (gnutls_privkey_init(&key) >= 0 &&
        gnutls_privkey_import_x509_raw(key, &pem, GNUTLS_X509_FMT_PEM, NULL,
                                       0) >= 0 &&
        gnutls_privkey_sign_data(key, GNUTLS_DIG_SHA256, 0, &data, &sig) >= 0) {
        s = jwtkeys_b64url(sig.data, sig.size);
        out = xasprintf("%s.%s", input, s);
    }
    gnutls_free(sig.data);
    gnutls_privkey_deinit(key);
    free(h);
    free(c);
    free(input);
    free(s);
    return out;
}

char *
jwtkeys_sign(const char *key_file, const char *header_json,
             const char *claims_json)
{
    size_t len = 0;
    char *pem = slurp(key_file, &len), *out;

    if (pem == NULL)
        return NULL;
    out = jwtkeys_sign_pem(pem, header_json, claims_json);
    free(pem);
    return out;
}

static char *
pem_of(gnutls_datum_t *d)
{
    char *s = xmalloc(d->size + 1);

    memcpy(s, d->data, d->size);
    s[d->size] = '\0';
    gnutls_free(d->data);
    return s;
}

void
jwtkeys_pair(unsigned bits, char **key_pem, char **cert_pem)
{
    gnutls_x509_privkey_t key = NULL;
    gnutls_x509_crt_t crt = NULL;
    gnutls_datum_t kd, cd;
    unsigned char serial[1] = {1};

    if (gnutls_x509_privkey_init(&key) < 0 ||
        gnutls_x509_privkey_generate(
            key, bits != 0 ? GNUTLS_PK_RSA : GNUTLS_PK_ECDSA,
            bits != 0 ? bits : GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1),
            0) < 0 ||
        gnutls_x509_crt_init(&crt) < 0 ||
        gnutls_x509_crt_set_version(crt, 3) < 0 ||
        gnutls_x509_crt_set_serial(crt, serial, 1) < 0 ||
        gnutls_x509_crt_set_activation_time(crt, 0) < 0 ||
        gnutls_x509_crt_set_expiration_time(crt, 4000000000) < 0 ||
        gnutls_x509_crt_set_dn(crt, "CN=sfsim-test", NULL) < 0 ||
        gnutls_x509_crt_set_key(crt, key) < 0 ||
        gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0 ||
        gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cd) < 0 ||
        gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &kd) < 0) {
        fprintf(stderr, "jwtkeys: cannot make a key pair\n");
        abort();
    }
    *cert_pem = pem_of(&cd);
    *key_pem = pem_of(&kd);
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_privkey_deinit(key);
}
