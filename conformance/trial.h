/*
 * trial.h - one run of one case: its own sim, its own client runs.
 *
 * A trial starts a fresh sfsim on port 0 with the case's org, freezes its
 * clock (unless the case wants it running), writes the buyer config with
 * the sim's address substituted, and walks the case's steps: each
 * "deliver" runs the client under test once under the SFCONFORM_*
 * contract with a time limit; the other steps drive the sim through its
 * admin API. Then it gathers the evidence (check.h), judges it and stops
 * the sim. Trials share nothing, so they can run in parallel processes.
 */
#ifndef CONF_TRIAL_H
#define CONF_TRIAL_H

#include <jansson.h>
#include <stdint.h>

#include "profile.h"
#include "spawn.h"

struct conf_case;

#define TRIAL_DEFAULT_TIMEOUT_MS 5000

struct trial_config {
    const char *sim_path;   /* the sfsim binary */
    const char *client_cmd; /* run as /bin/sh -c CLIENT_CMD */
    const char *work_dir;   /* this trial's scratch directory (created) */
    int64_t timeout_ms;     /* per client run, unless the case says */
    enum profile profile;   /* what the client declares (profile.h) */
    int keep; /* leave the sim's journal, records and org in work_dir */
    int tls;  /* the sim serves HTTPS; its CA goes to the client's env */
};

/*
 * Runs c and returns its result (new reference):
 *   {"id", "title", "level", "checks", "source", "dir", "profile",
 *    "verdict": "pass"|"fail"|"error"|"skip", "reason", "failures": [...],
 *    "duration_ms", "false_delivered", "timeline": {lead: [attempt]},
 *    "other_requests": [attempt] (token requests, queries, ...),
 *    "outcomes": {lead: line}, "runs": [run] (a run with a "kill_when"
 *    says "killed": true or false), "killed_runs": [step], "client_stderr":
 * [{"run", "exit", "tail"}] (the last lines each run wrote to stderr),
 * "ticket", "explanation", "work_dir"} Never NULL: problems of the sim or the
 * files are an "error" verdict.
 */
json_t *trial_run(const struct trial_config *cfg, const struct conf_case *c);

/*
 * Starts case c's sim without waiting for it (nothing for a skipped case:
 * sim->pid stays 0), so it boots while another trial runs. 0, or -1 with
 * err set.
 */
int trial_launch(const struct trial_config *cfg, const struct conf_case *c,
                 struct spawn_sim *sim, struct sf_err *err);
/* trial_run() on a sim from trial_launch() (taken over and stopped; NULL:
 * start one). */
json_t *trial_run_on(const struct trial_config *cfg, const struct conf_case *c,
                     struct spawn_sim *launched);

#endif
