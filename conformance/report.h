/*
 * report.h - what the runner tells people and machines.
 *
 * Every writer works from the same results array (trial.h's result
 * objects, in case order): the human summary on stdout (one line per case;
 * for every failure its reasons, the last lines the client wrote to
 * stderr and a command that reruns just that case), a JSON report, JUnit
 * XML for CI, a self-contained HTML page (counts, failures first, a
 * timeline of attempts per case) and the per-lead timeline `sfconform
 * replay` prints for support. Every one of them names the profile.
 */
#ifndef CONF_REPORT_H
#define CONF_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "err.h"

struct report_meta {
    const char *argv0;    /* how sfconform was invoked, for rerun commands */
    const char *client;   /* the client command under test */
    int client_given;     /* --client was given (reruns repeat it) */
    const char *profile;  /* the profile the client was judged by */
    const char *fix;      /* replay --fix: the fix/ directory used, or NULL */
    const char *suite;    /* the suite directory */
    const char *scenario; /* replay: the scenario's directory, or NULL */
    int strict;           /* SHOULD failures fail the run too */
    int repeat;           /* --repeat N (1: a single run) */
    long long duration_ms;
};

/* 1 when the result makes the run fail (MUST, or SHOULD under strict). */
int report_is_blocking(json_t *result, int strict);

/* The shell command that reruns one case (caller frees). */
char *report_rerun(const struct report_meta *m, json_t *result);

void report_summary(FILE *fp, json_t *results, const struct report_meta *m);
/* --repeat: one line for pass number rep of m->repeat, and the failures
 * of that pass with their reasons and rerun commands. */
void report_pass(FILE *fp, json_t *results, int rep,
                 const struct report_meta *m);
/* Each writer: 0, or -1 (err set) when the file cannot be written. */
int report_json(const char *path, json_t *results, const struct report_meta *m,
                struct sf_err *err);
int report_junit(const char *path, json_t *results, const struct report_meta *m,
                 struct sf_err *err);
int report_html(const char *path, json_t *results, const struct report_meta *m,
                struct sf_err *err);

/* The scenario's ticket, per-lead timeline, totals, findings and
 * explanation. */
void report_replay(FILE *fp, json_t *result, const struct report_meta *m);

#endif
