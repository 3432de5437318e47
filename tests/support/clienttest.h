/*
 * clienttest.h - sfdeliver against a running sim, for end-to-end tests:
 * a work directory, buyer and leads files, the client runner, and its
 * outcomes read back.
 *
 * A struct clienttest is a temporary directory that holds one test's
 * buyer.json, leads.ndjson, outcomes.ndjson, state/, log and client.err;
 * the runner starts the real sfdeliver ($SFDELIVER) on them, by its
 * command-line flags or by the SFCONFORM_* contract sfconform uses.
 * Buyers are built as JSON (a base per delivery path, then patches), so a
 * test states only what differs. Helpers fail the test (cmocka) when the
 * files or the client misbehave in a way no test wants.
 *
 *     struct clienttest c;
 *
 *     clienttest_init(&c, sim, "rest");
 *     simtest_login(sim, "{}");
 *     clienttest_write_buyer(&c, clienttest_rest_buyer(sim),
 *                            "{\"retry\":{\"max_retries\":0}}", NULL);
 *     clienttest_write_leads(c.leads, "a", 0, 5, NULL);
 *     assert_int_equal(clienttest_run(&c, &(struct clienttest_run){
 *                                              .concurrency = 4}),
 *                      0);
 *     all = clienttest_outcomes(&c);
 *     assert_string_equal(clienttest_str(all, "a0", "outcome"), "delivered");
 *     ...
 *     clienttest_cleanup(&c);
 */
#ifndef TESTS_CLIENTTEST_H
#define TESTS_CLIENTTEST_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#include "simtest.h"

#define CLIENTTEST_PATH_MAX 160
/* How long one run may take before the test fails (and it is killed). */
#define CLIENTTEST_RUN_MS 120000

struct clienttest {
    struct simtest *sim; /* borrowed: the sim the client talks to */
    char dir[64];        /* the work directory */
    /* dir/buyer.json, leads.ndjson, outcomes.ndjson, state, log and
     * client.err: what the runner passes unless told otherwise. */
    char buyer[CLIENTTEST_PATH_MAX], leads[CLIENTTEST_PATH_MAX];
    char outcomes[CLIENTTEST_PATH_MAX], state[CLIENTTEST_PATH_MAX];
    char log[CLIENTTEST_PATH_MAX], err[CLIENTTEST_PATH_MAX];
};

/* Makes the work directory /tmp/sfdeliver-NAME-XXXXXX (fails the test if
 * it cannot). sim is borrowed. */
void clienttest_init(struct clienttest *c, struct simtest *sim,
                     const char *name);
/* Removes the work directory and everything in it; -1 if it cannot. */
int clienttest_cleanup(struct clienttest *c);
/*
 * A test group's sim and work directory, for its cmocka group setup and
 * teardown: starts sim on the fixture org (a path under fixtures/, as
 * simtest_fixture() takes it; NULL: the built-in default org), then
 * clienttest_init(c, sim, name). Aborts as simtest_start() does.
 */
void clienttest_group_start(struct clienttest *c, struct simtest *sim,
                            const char *org, const char *name);
/* clienttest_cleanup(c), then simtest_stop(sim), both always: 0, or -1
 * when either failed. */
int clienttest_group_stop(struct clienttest *c, struct simtest *sim);
/* Removes the outcomes, the state directory and the log: the next run
 * starts afresh (buyer and leads stay). */
void clienttest_forget(struct clienttest *c);
/* dir/name into out (size n); returns out. */
const char *clienttest_path(const struct clienttest *c, const char *name,
                            char *out, size_t n);

/* --- files ---------------------------------------------------------------- */

/* Writes text to path (replacing it); fails the test if it cannot. */
void clienttest_write_file(const char *path, const char *text);
/* The whole file at path, NUL-terminated (caller frees); fails the test
 * if it cannot be read. */
char *clienttest_read_file(const char *path);
/*
 * Writes leads to path, one JSON line each for i in [from, to):
 * {"id":"<prefix><i>",<fields>}, where fields are JSON members with every
 * "{i}" replaced by i; NULL fields: "last":"Last{i}","company":"Co".
 */
void clienttest_write_leads(const char *path, const char *prefix, int from,
                            int to, const char *fields);

/* --- buyers --------------------------------------------------------------- */

/*
 * A Web-to-Lead buyer for sim (new object): delivery.url the sim's
 * /servlet/servlet.WebToLead?encoding=UTF-8, form-encoded, static oid
 * 00D000000000001 (the default org's). No mapping: patch one in.
 */
json_t *clienttest_w2l_buyer(const struct simtest *sim);
/* A patch mapping the leads clienttest_write_leads() writes by default onto
 * a Lead (the id to source_lead_id__c, an external-id field of
 * fixtures/orgs/custom-fields.json). */
#define CLIENTTEST_REST_MAPPING                                                \
    "{\"mapping\":{\"id\":\"source_lead_id__c\",\"last\":\"LastName\","        \
    "\"company\":\"Company\"}}"
/*
 * A REST buyer for sim (new object): Lead creation at
 * /services/data/v59.0/sobjects/Lead/ with the session's Bearer token
 * (simtest_login() first), and auth.* to refresh it with the session's
 * refresh token through the default app (sfsim-client-id). No mapping.
 */
json_t *clienttest_rest_buyer(const struct simtest *sim);
/* Sets auth.* to refresh through the sim's default app (sfsim-client-id)
 * with refresh_token (NULL: the session's). */
void clienttest_patch_auth(json_t *buyer, const struct simtest *sim,
                           const char *refresh_token);
/*
 * Applies a JSON merge patch (RFC 7396: objects merge member by member, a
 * null member removes one, anything else replaces) given as a printf
 * format for a JSON object text, to buyer. Fails the test when the text
 * does not parse.
 */
void clienttest_patch(json_t *buyer, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Writes buyer (reference stolen) to c->buyer, after applying each patch
 * (JSON object texts, as clienttest_patch() applies them) in turn; the
 * first NULL ends the list. */
void clienttest_write_buyer(struct clienttest *c, json_t *buyer, ...)
    __attribute__((sentinel));

/* --- running sfdeliver ---------------------------------------------------- */

/* One run of sfdeliver; every member may be left 0/NULL. */
struct clienttest_run {
    const char *buyer, *leads; /* NULL: c->buyer, c->leads */
    const char *now;           /* --now; NULL: the sim's clock */
    /* Name the files by the SFCONFORM_* variables (sfconform's contract)
     * instead of --buyer, --leads, --outcomes, --state and --now. */
    int conformance;
    int concurrency;         /* --concurrency N when > 0 */
    int resume;              /* --resume */
    int log;                 /* --log c->log */
    const char *const *args; /* more arguments, NULL-terminated */
    const char *stdout_path; /* the client's stdout; NULL: inherited */
    /* The client's stderr: err_fd when > 0; else with capture, c->err
     * (emptied first: for a test that reads it); else with quiet,
     * appended to c->err unless $SFDELIVER_TEST_VERBOSE is set; else
     * inherited. */
    int err_fd;
    int capture;
    int quiet;
    long fsize_limit; /* RLIMIT_FSIZE in bytes (a full disk); 0: none */
};

/* Starts sfdeliver as r says; its pid (fails the test if it cannot). */
pid_t clienttest_launch(struct clienttest *c, const struct clienttest_run *r);
/* Waits for pid, at most CLIENTTEST_RUN_MS (then kills it and fails the
 * test); its wait status. */
int clienttest_wait(pid_t pid);
/* Launches and waits: the exit status, or -1 when a signal ended it. */
int clienttest_run(struct clienttest *c, const struct clienttest_run *r);

/* --- outcomes ------------------------------------------------------------- */

/* Every line of the outcomes file, parsed, in order (new array; empty
 * when there is no file). A line that is not a whole JSON object (a torn
 * line) fails the test. */
json_t *clienttest_outcome_lines(const struct clienttest *c);
/* The outcomes as {lead_id: its last line} (new object). The file must
 * exist, and every line be whole. */
json_t *clienttest_outcomes(const struct clienttest *c);
/* Complete lines in the outcomes file so far (0 when none). */
size_t clienttest_outcome_count(const struct clienttest *c);
/* Member key of lead id's line in outcomes (from clienttest_outcomes()):
 * a borrowed string or NULL; an integer or 0. */
const char *clienttest_str(json_t *outcomes, const char *id, const char *key);
json_int_t clienttest_int(json_t *outcomes, const char *id, const char *key);

#endif
