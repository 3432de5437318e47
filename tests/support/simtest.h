/*
 * simtest.h - a running sfsim for one end-to-end test.
 *
 * simtest_start() spawns the real binary on --port 0 (via conformance's
 * spawn module) and connects an HTTP client to it; simtest_stop() ends it
 * and returns its exit status.
 */
#ifndef TESTS_SIMTEST_H
#define TESTS_SIMTEST_H

#include <jansson.h>

#include "httpc.h"
#include "spawn.h"

struct simtest {
    struct spawn_sim proc;
    struct httpc *http;
    char tmpdir[64];   /* simtest_start_tls(): holds ca_file; else "" */
    char ca_file[128]; /* the certificate --tls-ca-out wrote, or "" */
};

/* args: extra sfsim arguments, NULL-terminated (may be NULL). Aborts the
 * test program when the sim does not start. */
void simtest_start(struct simtest *t, const char *const *args);
/*
 * The same over HTTPS: sfsim --tls --tls-ca-out <t->ca_file> plus args,
 * and t->http trusting that certificate. simtest_stop() removes the file.
 */
void simtest_start_tls(struct simtest *t, const char *const *args);
int simtest_stop(struct simtest *t);
/*
 * cmocka fixtures. Setup: *state becomes a started struct simtest (owned;
 * freed by the teardown) on the default org, or on fixtures/NAME.
 * Teardown stops it and fails (-1) unless the sim exited cleanly (0), so
 * a leak or crash seen at shutdown fails the test.
 */
int simtest_setup(void **state);
int simtest_setup_org(void **state, const char *fixture);
int simtest_teardown(void **state);

/* "fixtures/orgs/NAME" as an absolute-enough path (static buffer). */
const char *simtest_fixture(const char *name);
/* The journal entries with seq > since (new reference). */
json_t *simtest_journal(struct simtest *t, unsigned long long since);
/* Number of stored records of object. */
size_t simtest_count(struct simtest *t, const char *object);
/* POST /__sim/clock {"advance_seconds": secs}. */
void simtest_advance(struct simtest *t, double secs);
/* A fresh access token for the default user through POST /__sim/tokens,
 * or NULL; caller frees with free(). */
char *simtest_token(struct simtest *t);

#endif
