/*
 * httpc.h - a small blocking HTTP client for the end-to-end tests.
 *
 * One libcurl easy handle is reused (keep-alive) for every request made
 * through the same struct httpc. Bodies are kept whole (tests only).
 */
#ifndef TESTS_HTTPC_H
#define TESTS_HTTPC_H

#include <jansson.h>
#include <stddef.h>

struct httpc;

struct http_result {
    long status;
    char *body; /* NUL-terminated; caller frees via http_result_free */
    size_t body_len;
    char *headers; /* the raw response header block */
};

struct httpc *httpc_new(const char *base_url);
void httpc_free(struct httpc *c);
/* Trust the certificates in ca_file (PEM) for https:// from now on, as
 * `curl --cacert` does; NULL: libcurl's default store again. */
void httpc_set_ca(struct httpc *c, const char *ca_file);
/*
 * Sends method base_url+path with an optional body and extra headers
 * ("Name: value", NULL-terminated). 0 on an HTTP answer, -1 on a transport
 * error.
 */
int httpc_request(struct httpc *c, const char *method, const char *path,
                  const char *content_type, const char *body, size_t len,
                  const char *const *headers, struct http_result *out);
void http_result_free(struct http_result *r);
/* Value of a response header (first match, case-insensitive) into out. */
const char *http_header(const struct http_result *r, const char *name,
                        char *out, size_t n);

/* Conveniences that parse a JSON answer (new reference, NULL if not JSON). */
json_t *httpc_get_json(struct httpc *c, const char *path, long *status);
json_t *httpc_send_json(struct httpc *c, const char *method, const char *path,
                        const char *json_text, long *status);
/* POST a form to path; returns the status, -1 on transport error. */
long httpc_post_form(struct httpc *c, const char *path, const char *form,
                     struct http_result *out);

/* The binaries under test, from $SFSIM etc. (set by the Makefile). */
const char *test_sim_path(void);
const char *test_fixtures_dir(void);

#endif
