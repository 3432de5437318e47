/*
 * tls.h - the certificate and key sfsim serves HTTPS with.
 *
 * Either made at start (tls_generate): a fresh ECDSA P-256 key and a
 * self-signed certificate that may also act as a CA, for localhost,
 * 127.0.0.1 and ::1 (and the names the caller adds), valid from an hour
 * ago for TLS_CERT_DAYS; or read from the user's PEM files (tls_load),
 * checked to hold a certificate and the private key that goes with it.
 * GnuTLS does the cryptography: it is the TLS library libmicrohttpd is
 * built with on Debian, so HTTPS adds no library of its own. Nothing here
 * knows HTTP.
 */
#ifndef SIM_TLS_H
#define SIM_TLS_H

#include <stddef.h>

#include "err.h"

/* How long a generated certificate is valid (real time, not simulated). */
#define TLS_CERT_DAYS 30
/* Largest certificate or key file read (a chain of a few certificates). */
#define TLS_FILE_MAX (1024 * 1024)
/* Extra names a generated certificate can carry besides the built-in. */
#define TLS_MAX_NAMES 40

/* A certificate chain and its key, PEM text, both owned. */
struct tls_creds {
    char *cert_pem;
    char *key_pem;
};

/*
 * A new key and certificate for localhost, 127.0.0.1, ::1 and names[0..n)
 * (host names or IPv4/IPv6 literals, "[v6]" too; duplicates and "*" are
 * skipped; at most TLS_MAX_NAMES). 0, or -1 with err set. Caller frees
 * with tls_creds_free().
 */
int tls_generate(const char *const *names, size_t n, struct tls_creds *out,
                 struct sf_err *err);
/*
 * The PEM certificate chain in cert_file and the PEM private key in
 * key_file, checked to belong together. 0, or -1 with "FILE: what is
 * wrong" in err. Caller frees with tls_creds_free().
 */
int tls_load(const char *cert_file, const char *key_file, struct tls_creds *out,
             struct sf_err *err);
/*
 * Writes cert_pem (a certificate chain) to path (mode 0644, through a
 * temporary file renamed into place, so a reader never sees half of it).
 * 0, or -1 with err set.
 */
int tls_write_cert(const char *cert_pem, const char *path, struct sf_err *err);
void tls_creds_free(struct tls_creds *c);

#endif
