/*
 * report.h - what the runner tells people and machines.
 *
 * Every writer works from the same results array (trial.h's result
 * objects, in case order): the human summary on stdout (one line per case,
 * the reason and a command that reruns just that case for every failure),
 * a JSON report, JUnit XML for CI, a self-contained HTML page with a
 * per-case timeline of attempts in simulated time, and the per-lead
 * timeline `sfconform replay` prints for support.
 */
#ifndef CONF_REPORT_H
#define CONF_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "err.h"

struct report_meta {
    const char *argv0;  /* how sfconform was invoked, for rerun commands */
    const char *client; /* the client command under test */
    const char *fix;    /* replay --fix: the fix/ directory used, or NULL */
    const char *suite;  /* the suite directory */
    int strict;         /* SHOULD failures fail the run too */
    long long duration_ms;
};

/* 1 when the result makes the run fail (MUST, or SHOULD under strict). */
int report_is_blocking(json_t *result, int strict);

/* The shell command that reruns one case (caller frees). */
char *report_rerun(const struct report_meta *m, json_t *result);

void report_summary(FILE *fp, json_t *results, const struct report_meta *m);
/* Each writer: 0, or -1 (err set) when the file cannot be written. */
int report_json(const char *path, json_t *results, const struct report_meta *m,
                struct sf_err *err);
int report_junit(const char *path, json_t *results, const struct report_meta *m,
                 struct sf_err *err);
int report_html(const char *path, json_t *results, const struct report_meta *m,
                struct sf_err *err);

/* The scenario's ticket, per-lead timeline, findings and explanation. */
void report_replay(FILE *fp, json_t *result, const struct report_meta *m);

#endif
