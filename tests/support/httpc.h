/*
 * httpc.h - a small blocking HTTP client for the end-to-end tests.
 *
 * One libcurl easy handle is reused (keep-alive) for every request made
 * through the same struct httpc; a request on a new connection is one on a
 * new struct httpc (httpc_new() is cheap). Bodies and header blocks are
 * kept whole (tests only). Nothing here asserts: the caller decides what a
 * transport error means (a fault test expects some).
 *
 * Most tests reach this through simtest.h (struct simtest's http, and
 * simtest_api() for the authenticated session); use it directly for a
 * second connection or for the transport's own verdict (curl_code).
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
    int curl_code; /* the transfer's CURLcode (0: CURLE_OK) */
    long connects; /* new connections it made (0: a kept-alive one) */
};

/* A client for base_url ("http://127.0.0.1:PORT"); caller frees with
 * httpc_free(). Calls curl_global_init() the first time. */
struct httpc *httpc_new(const char *base_url);
void httpc_free(struct httpc *c);
/* Trust the certificates in ca_file (PEM) for https:// from now on, as
 * `curl --cacert` does; NULL: libcurl's default store again. */
void httpc_set_ca(struct httpc *c, const char *ca_file);
/*
 * Sends method base_url+path with an optional body (len bytes, with
 * content_type when not NULL) and extra headers ("Name: value",
 * NULL-terminated, may be NULL; "Name:" removes one libcurl would send).
 * "Expect:" is never sent. out is always filled (caller frees with
 * http_result_free()), even on a transport error: then status is what was
 * received, maybe 0, and curl_code says what went wrong. 0 on an HTTP
 * answer, -1 on a transport error.
 */
int httpc_request(struct httpc *c, const char *method, const char *path,
                  const char *content_type, const char *body, size_t len,
                  const char *const *headers, struct http_result *out);
void http_result_free(struct http_result *r);
/* Value of a response header (first match, case-insensitive) into out. */
const char *http_header(const struct http_result *r, const char *name,
                        char *out, size_t n);

/*
 * Conveniences that parse a JSON answer (any JSON value): a new reference,
 * NULL when the answer is not JSON or did not come. json_text (may be
 * NULL: no body) goes as application/json; *status (status may be NULL)
 * gets the HTTP status, 0 on a transport error.
 */
json_t *httpc_get_json(struct httpc *c, const char *path, long *status);
json_t *httpc_send_json(struct httpc *c, const char *method, const char *path,
                        const char *json_text, long *status);
/* POSTs form (application/x-www-form-urlencoded) to path; the status, -1
 * on a transport error. The answer goes to out when not NULL (caller
 * frees with http_result_free()), else it is dropped. */
long httpc_post_form(struct httpc *c, const char *path, const char *form,
                     struct http_result *out);

/* The programs and data under test: $SFSIM, $SFDELIVER, $SFSIM_FIXTURES
 * (the Makefile sets them), else their places in the source tree. */
const char *test_sim_path(void);
const char *test_client_path(void);
const char *test_fixtures_dir(void);
/* The whole file at path, NUL-terminated (caller frees), or NULL when it
 * cannot be read. */
char *test_read_file(const char *path);
/* A loopback TCP port nothing listens on (bound, then closed): a
 * connection to it is refused. -1 if none could be had. */
int test_dead_port(void);

#endif
