/*
 * httpd.h - the sim's HTTP server: the only file that knows libmicrohttpd.
 *
 * One internal polling thread serves every connection, so all of struct
 * sim is used from that thread alone and needs no locks. Request bodies are
 * accumulated up to sim->cfg.max_body; past it the rest is read and
 * dropped and the request answered 413 once it is all in, so that the
 * client, still sending, is not reset before it can read the answer. A
 * declared Content-Length over HTTPD_DRAIN_FACTOR times the cap is
 * answered 413 at once, unread, and the connection closed.
 *
 * With a certificate in the config (cfg.tls_cert_pem), it serves HTTPS
 * through MHD's TLS (GnuTLS); connections are accepted by acceptor.h,
 * which answers plain HTTP sent to that port with a clear 400 instead of
 * a failed handshake.
 */
#ifndef SIM_HTTPD_H
#define SIM_HTTPD_H

#include "err.h"

#define HTTPD_DRAIN_FACTOR 16

struct sim;
struct httpd;

/*
 * Starts listening on cfg.bind:cfg.port (port 0: any free port) and fills
 * sim->base_url (http:// or https://). NULL (err set) on failure. Caller
 * stops it with httpd_stop().
 */
struct httpd *httpd_start(struct sim *sim, struct sf_err *err);
/* Stops accepting, finishes the connection thread, frees. */
void httpd_stop(struct httpd *h);

#endif
