/*
 * httpd.h - the sim's HTTP server: the only file that knows libmicrohttpd.
 *
 * One internal polling thread serves every connection, so all of struct
 * sim is used from that thread alone and needs no locks. Request bodies are
 * accumulated up to sim->cfg.max_body; a declared Content-Length over it is
 * answered 413 before the body is read.
 */
#ifndef SIM_HTTPD_H
#define SIM_HTTPD_H

#include "err.h"

struct sim;
struct httpd;

/*
 * Starts listening on cfg.bind:cfg.port (port 0: any free port) and fills
 * sim->base_url. NULL (err set) on failure. Caller stops it with
 * httpd_stop().
 */
struct httpd *httpd_start(struct sim *sim, struct sf_err *err);
/* Stops accepting, finishes the connection thread, frees. */
void httpd_stop(struct httpd *h);

#endif
