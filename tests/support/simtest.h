/*
 * simtest.h - a running sfsim for one end-to-end test, and what a test
 * asks of it: an authenticated session, admin calls, the journal.
 *
 * simtest_start() spawns the real binary on --port 0 (through
 * conformance's spawn module, the one implementation of that) and
 * connects an HTTP client to it (t->http, httpc.h); simtest_stop() ends it
 * and returns its exit status. simtest_login() opens a session the way a
 * client would hold one (POST /__sim/tokens) and simtest_api() sends with
 * it. Helpers that can only fail because the sim misbehaves fail the test
 * themselves (cmocka), at the helper's line: include after <cmocka.h>.
 *
 * A typical file:
 *
 *     static int
 *     start(void **state)
 *     {
 *         return simtest_setup_org_session(state, "orgs/law-firm.json");
 *     }
 *     ...
 *     struct simtest *t = *state;
 *     json_t *j = simtest_api_json(t, "POST", LEADS, "{...}", NULL, &st);
 *     assert_int_equal(simtest_journal_count(
 *                          t, &(struct simtest_match){.verdict = "created"}),
 *                      1);
 *     ...
 *     cmocka_unit_test_setup_teardown(test_x, start, simtest_teardown)
 */
#ifndef TESTS_SIMTEST_H
#define TESTS_SIMTEST_H

#include <jansson.h>
#include <stddef.h>

#include "httpc.h"
#include "spawn.h"

#define SIMTEST_TOKEN_MAX 512

struct simtest {
    struct spawn_sim proc; /* proc.url: "http(s)://127.0.0.1:PORT" */
    struct httpc *http;    /* keep-alive client to proc.url */
    /* The session of the last simtest_login() ("" before one). */
    char access_token[SIMTEST_TOKEN_MAX];
    char refresh_token[SIMTEST_TOKEN_MAX];
    char auth[SIMTEST_TOKEN_MAX + 32]; /* "Authorization: Bearer <access>" */
    char tmpdir[64];   /* simtest_start_tls(): holds ca_file; else "" */
    char ca_file[128]; /* the certificate --tls-ca-out wrote, or "" */
};

/* --- starting and stopping ------------------------------------------------ */

/* Starts the sim with args (extra sfsim arguments, NULL-terminated, may be
 * NULL); t is overwritten. Aborts the test program when it does not
 * start. */
void simtest_start(struct simtest *t, const char *const *args);
/*
 * The same over HTTPS: sfsim --tls --tls-ca-out <t->ca_file> plus args,
 * and t->http trusting that certificate. simtest_stop() removes the file.
 */
void simtest_start_tls(struct simtest *t, const char *const *args);
/* The same on an org given as JSON text (written to a temporary file for
 * --org, removed once the sim has read it), args after it. */
void simtest_start_org_text(struct simtest *t, const char *org_text,
                            const char *const *args);
/*
 * The same with the sim's stdout and stderr going to dir/out and dir/err,
 * so that a test can search everything it prints; the listening line is
 * read from dir/out (at most 10 s).
 */
void simtest_start_logged(struct simtest *t, const char *dir,
                          const char *const *args);
/* SIGTERM, then its exit status (128+N when killed by signal N). */
int simtest_stop(struct simtest *t);

/*
 * cmocka fixtures. Setup: *state becomes a started struct simtest (owned;
 * freed by the teardown) on the default org, on fixtures/NAME, or on an
 * org given as text; the
 * _session variants also log in (simtest_login(t, NULL)). Teardown stops
 * it and fails (-1) unless the sim exited cleanly (0), so a leak or crash
 * seen at shutdown fails the test.
 */
int simtest_setup(void **state);
int simtest_setup_org(void **state, const char *fixture);
int simtest_setup_session(void **state);
int simtest_setup_org_session(void **state, const char *fixture);
/* Setup on an org given as JSON text (see simtest_start_org_text()). */
int simtest_setup_org_text(void **state, const char *org_text);
int simtest_setup_org_text_session(void **state, const char *org_text);
int simtest_teardown(void **state);

/* "$SFSIM_FIXTURES/NAME" (static buffer, valid until the next call). */
const char *simtest_fixture(const char *name);

/* --- the session ---------------------------------------------------------- */

/*
 * Opens a session: POST /__sim/tokens with body (JSON text such as
 * {"username": "u@x.test", "client_id": "app"}; NULL: the default user of
 * the default app) and keeps its tokens in t (access_token, refresh_token
 * when the app issues one, auth). Fails the test when no access token
 * comes back. A later call replaces the session.
 */
void simtest_login(struct simtest *t, const char *body);
/* Makes access_token (obtained some other way, e.g. from a grant under
 * test) the session's; the refresh token is forgotten. */
void simtest_use_token(struct simtest *t, const char *access_token);
/* A fresh access token for the default user, not kept in t, or NULL;
 * caller frees with free(). */
char *simtest_token(struct simtest *t);
/*
 * One request with the session's Authorization header (none before a
 * login) and extra headers (NULL-terminated, may be NULL): body (may be
 * NULL) goes with content_type. Fails the test on a transport error.
 * Returns the status; r is filled (caller frees with http_result_free()).
 */
long simtest_api(struct simtest *t, const char *method, const char *path,
                 const char *content_type, const char *body,
                 const char *const *headers, struct http_result *r);
/*
 * The same with a JSON body (application/json; NULL: no body) and one extra
 * header (may be NULL); the answer parsed (any JSON value; new reference,
 * NULL when it is not JSON), its status in *status.
 */
json_t *simtest_api_json(struct simtest *t, const char *method,
                         const char *path, const char *json_body,
                         const char *header, long *status);

/*
 * path + "?q=" + soql percent-encoded (every byte but ALPHA, DIGIT and
 * "-._~" as %XX), into out (size n, truncated to fit); returns out.
 */
const char *simtest_query_path(char *out, size_t n, const char *path,
                               const char *soql);

/*
 * The text between the first <tag> and the next </tag> in xml (a SOAP
 * answer; tag as written, prefix included; no attributes on the opening
 * tag), as a new string (caller frees), or NULL when there is none or xml
 * is NULL.
 */
char *simtest_xml_element(const char *xml, const char *tag);

/* --- the admin API -------------------------------------------------------- */

/* An admin call (/__sim/...) that must succeed (2xx, else the test fails
 * with the status): its answer parsed (new reference; may be NULL). */
json_t *simtest_admin(struct simtest *t, const char *method, const char *path,
                      const char *json_body);
/* POST /__sim/reset: records, journal, counters, tokens are forgotten. */
void simtest_reset(struct simtest *t);
/* The simulated clock's "now" (RFC 3339) into out; returns out. */
const char *simtest_now(struct simtest *t, char *out, size_t n);
/* POST /__sim/clock {"advance_seconds": secs}. */
void simtest_advance(struct simtest *t, double secs);
/*
 * A Web-to-Lead post to the default org id (00D000000000001): last_name
 * Lovelace, company Acme, and email (form-encoded, such as "a%40x.test").
 * Fails the test unless it answers 200 (as Web-to-Lead always does).
 */
void simtest_post_w2l_lead(struct simtest *t, const char *email);
/* Number of stored records of object (GET /__sim/records/OBJECT). */
size_t simtest_count(struct simtest *t, const char *object);

/* --- the journal ---------------------------------------------------------- */

/* The journal entries with seq > since, oldest first (new reference). */
json_t *simtest_journal(struct simtest *t, unsigned long long since);
/*
 * Which journal entries a helper below looks at: every member that is set
 * must match (NULL or 0: any). path is the whole path (no query string),
 * path_prefix its start; kind is "request" or "event".
 */
struct simtest_match {
    const char *kind;
    const char *path;
    const char *path_prefix;
    const char *verdict;
    long status;
};
/* 1 when entry e matches m (m NULL: every entry). */
int simtest_matches(const json_t *e, const struct simtest_match *m);
/* The matching entries, oldest first (new array; m NULL: all). */
json_t *simtest_journal_find(struct simtest *t, const struct simtest_match *m);
size_t simtest_journal_count(struct simtest *t, const struct simtest_match *m);
/* The newest matching entry (new reference), or NULL. */
json_t *simtest_journal_last(struct simtest *t, const struct simtest_match *m);

/* --- raw connections ------------------------------------------------------ */

/* The sim's port. */
int simtest_port(const struct simtest *t);
/* A new TCP connection to the sim (fails the test if none), with a
 * receive buffer of rcvbuf bytes set before connecting when rcvbuf > 0 (a
 * small window: the kernel takes little off the sim). Caller closes it. */
int simtest_connect(const struct simtest *t, int rcvbuf);

#endif
