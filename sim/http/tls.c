/*
 * tls.c - generating, reading and writing sfsim's certificate (see tls.h).
 *
 * The generated key is ECDSA P-256: making one takes well under a
 * millisecond, where an RSA key takes tens to hundreds, and every common
 * client (OpenSSL, GnuTLS, Node.js, Java, Go, Python) accepts it. The
 * certificate is its own issuer and carries what strict verifiers ask of
 * a trust anchor (basicConstraints CA critical, keyCertSign, subject and
 * authority key ids), so the file --tls-ca-out writes can be handed to any
 * of them as "the CA".
 */
#include "tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xmalloc.h"

#define TLS_DN "CN=sfsim local test certificate,O=sfsim"
#define TLS_SERIAL_LEN 16
#define TLS_KEY_ID_MAX 64

static const char *const builtin_names[] = {"localhost", "127.0.0.1", "::1",
                                            NULL};

/* A gnutls datum's bytes as a NUL-terminated string (caller frees). */
static char *
datum_string(const gnutls_datum_t *d)
{
    char *s = xmalloc(d->size + 1);

    memcpy(s, d->data, d->size);
    s[d->size] = '\0';
    return s;
}

/* One subject alternative name: an address literal or a DNS name. */
static int
add_san(gnutls_x509_crt_t crt, const char *name)
{
    unsigned char ip[16];
    char bare[256];
    size_t len = strlen(name);

    if (name[0] == '[' && len > 2 && name[len - 1] == ']' &&
        len - 2 < sizeof(bare)) {
        memcpy(bare, name + 1, len - 2);
        bare[len - 2] = '\0';
        name = bare;
    }
    if (inet_pton(AF_INET, name, ip) == 1)
        return gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS,
                                                    ip, 4, GNUTLS_FSAN_APPEND);
    if (inet_pton(AF_INET6, name, ip) == 1)
        return gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS,
                                                    ip, 16, GNUTLS_FSAN_APPEND);
    return gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, name,
                                                (unsigned)strlen(name),
                                                GNUTLS_FSAN_APPEND);
}

static int
listed(const char *const *names, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcasecmp(names[i], name) == 0)
            return 1;
    return 0;
}

/* The built-in names and the caller's, each once. */
static int
add_names(gnutls_x509_crt_t crt, const char *const *names, size_t n)
{
    size_t i;
    int rc = 0;

    for (i = 0; builtin_names[i] != NULL && rc >= 0; i++)
        rc = add_san(crt, builtin_names[i]);
    for (i = 0; i < n && rc >= 0; i++) {
        if (*names[i] == '\0' || strcmp(names[i], "*") == 0 ||
            listed(builtin_names, 3, names[i]) || listed(names, i, names[i]))
            continue;
        rc = add_san(crt, names[i]);
    }
    return rc;
}

/* Version, serial, validity, subject, key and the CA extensions. */
static int
fill_cert(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key)
{
    unsigned char serial[TLS_SERIAL_LEN], id[TLS_KEY_ID_MAX];
    size_t idlen = sizeof(id);
    time_t now = time(NULL);
    int rc;

    if ((rc = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial))) < 0)
        return rc;
    serial[0] = (unsigned char)((serial[0] & 0x7f) | 0x01); /* positive */
    if ((rc = gnutls_x509_crt_set_version(crt, 3)) < 0 ||
        (rc = gnutls_x509_crt_set_serial(crt, serial, sizeof(serial))) < 0 ||
        (rc = gnutls_x509_crt_set_activation_time(crt, now - 3600)) < 0 ||
        (rc = gnutls_x509_crt_set_expiration_time(
             crt, now + (time_t)TLS_CERT_DAYS * 86400)) < 0 ||
        (rc = gnutls_x509_crt_set_dn(crt, TLS_DN, NULL)) < 0 ||
        (rc = gnutls_x509_crt_set_key(crt, key)) < 0 ||
        (rc = gnutls_x509_crt_set_basic_constraints(crt, 1, 0)) < 0 ||
        (rc = gnutls_x509_crt_set_key_usage(
             crt, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_CERT_SIGN)) <
            0 ||
        (rc = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER,
                                                  0)) < 0 ||
        (rc = gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA1, id,
                                         &idlen)) < 0 ||
        (rc = gnutls_x509_crt_set_subject_key_id(crt, id, idlen)) < 0)
        return rc;
    return gnutls_x509_crt_set_authority_key_id(crt, id, idlen);
}

int
tls_generate(const char *const *names, size_t n, struct tls_creds *out,
             struct sf_err *err)
{
    gnutls_x509_privkey_t key = NULL;
    gnutls_x509_crt_t crt = NULL;
    gnutls_datum_t cert = {NULL, 0}, pkey = {NULL, 0};
    int rc, ret = -1;

    memset(out, 0, sizeof(*out));
    if (n > TLS_MAX_NAMES) {
        err_set(err, "at most %d names for the certificate", TLS_MAX_NAMES);
        return -1;
    }
    if ((rc = gnutls_x509_privkey_init(&key)) < 0 ||
        (rc = gnutls_x509_privkey_generate(
             key, GNUTLS_PK_ECDSA,
             GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0)) < 0 ||
        (rc = gnutls_x509_crt_init(&crt)) < 0 ||
        (rc = fill_cert(crt, key)) < 0 || (rc = add_names(crt, names, n)) < 0 ||
        (rc = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0 ||
        (rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cert)) < 0 ||
        (rc = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &pkey)) <
            0) {
        err_set(err, "cannot make a TLS certificate: %s", gnutls_strerror(rc));
        goto out;
    }
    out->cert_pem = datum_string(&cert);
    out->key_pem = datum_string(&pkey);
    ret = 0;
out:
    gnutls_free(cert.data);
    if (pkey.data != NULL) {
        gnutls_memset(pkey.data, 0, pkey.size);
        gnutls_free(pkey.data);
    }
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_privkey_deinit(key);
    return ret;
}

/* The whole of a file of at most TLS_FILE_MAX bytes (caller frees). */
static char *
read_small_file(const char *what, const char *path, struct sf_err *err)
{
    FILE *fp = fopen(path, "rb");
    char *text = NULL;
    size_t len;

    if (fp == NULL) {
        err_set(err, "%s %s: %s", what, path, strerror(errno));
        return NULL;
    }
    text = xmalloc(TLS_FILE_MAX + 1);
    len = fread(text, 1, TLS_FILE_MAX + 1, fp);
    if (ferror(fp) || len > TLS_FILE_MAX || len == 0) {
        err_set(err, "%s %s: %s", what, path,
                ferror(fp)           ? "read error"
                : len > TLS_FILE_MAX ? "larger than 1 MiB"
                                     : "empty");
        free(text);
        text = NULL;
    } else {
        text[len] = '\0';
    }
    fclose(fp);
    return text;
}

/* Whether cert_pem holds certificates and key_pem a key that is theirs. */
static int
check_pair(const struct tls_creds *c, const char *cert_file,
           const char *key_file, struct sf_err *err)
{
    gnutls_certificate_credentials_t cred = NULL;
    gnutls_x509_crt_t *list = NULL;
    gnutls_x509_privkey_t key = NULL;
    gnutls_datum_t cd = {(unsigned char *)c->cert_pem,
                         (unsigned)strlen(c->cert_pem)};
    gnutls_datum_t kd = {(unsigned char *)c->key_pem,
                         (unsigned)strlen(c->key_pem)};
    unsigned nlist = 0, i;
    int rc = 0, ret = -1;

    if (gnutls_x509_crt_list_import2(&list, &nlist, &cd, GNUTLS_X509_FMT_PEM,
                                     0) < 0 ||
        nlist == 0) {
        err_set(err, "--tls-cert %s: not a PEM certificate", cert_file);
        goto out;
    }
    if (gnutls_x509_privkey_init(&key) < 0 ||
        gnutls_x509_privkey_import2(key, &kd, GNUTLS_X509_FMT_PEM, NULL, 0) <
            0) {
        err_set(err,
                "--tls-key %s: not a PEM private key (an encrypted key is "
                "not read)",
                key_file);
        goto out;
    }
    if (gnutls_certificate_allocate_credentials(&cred) < 0 ||
        (rc = gnutls_certificate_set_x509_key_mem2(
             cred, &cd, &kd, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
        err_set(err, "--tls-cert %s with --tls-key %s: %s", cert_file, key_file,
                cred == NULL ? "out of memory"
                : rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH
                    ? "the key is not the certificate's"
                    : gnutls_strerror(rc));
        goto out;
    }
    ret = 0;
out:
    for (i = 0; i < nlist; i++)
        gnutls_x509_crt_deinit(list[i]);
    gnutls_free(list);
    gnutls_x509_privkey_deinit(key);
    if (cred != NULL)
        gnutls_certificate_free_credentials(cred);
    return ret;
}

int
tls_load(const char *cert_file, const char *key_file, struct tls_creds *out,
         struct sf_err *err)
{
    memset(out, 0, sizeof(*out));
    if ((out->cert_pem = read_small_file("--tls-cert", cert_file, err)) ==
            NULL ||
        (out->key_pem = read_small_file("--tls-key", key_file, err)) == NULL ||
        check_pair(out, cert_file, key_file, err) == -1) {
        tls_creds_free(out);
        return -1;
    }
    return 0;
}

int
tls_write_cert(const char *cert_pem, const char *path, struct sf_err *err)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    size_t len = strlen(cert_pem);
    int fd, ret = -1;

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd == -1) {
        err_set(err, "--tls-ca-out %s: %s", path, strerror(errno));
        goto out;
    }
    if (write(fd, cert_pem, len) != (ssize_t)len || fsync(fd) == -1) {
        err_set(err, "--tls-ca-out %s: %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    close(fd);
    if (rename(tmp, path) == -1) {
        err_set(err, "--tls-ca-out %s: %s", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    ret = 0;
out:
    free(tmp);
    return ret;
}

void
tls_creds_free(struct tls_creds *c)
{
    if (c == NULL)
        return;
    free(c->cert_pem);
    if (c->key_pem != NULL) {
        memset(c->key_pem, 0, strlen(c->key_pem));
        free(c->key_pem);
    }
    c->cert_pem = c->key_pem = NULL;
}
