/*
 * trial.c - running one case (see trial.h).
 */
#include "trial.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "case.h"
#include "check.h"
#include "mono.h"
#include "simctl.h"
#include "spawn.h"
#include "wire.h"
#include "xmalloc.h"

#define SIM_START_MS 10000
#define SIM_STOP_MS 5000
#define TRIAL_MAX_TEXT (16 * 1024 * 1024)

struct trial {
    const struct trial_config *cfg;
    const struct conf_case *c;
    struct spawn_sim sim;
    struct simctl *ctl;
    char work[PATH_MAX];
    char state[PATH_MAX + 16];
    json_t *tokens;  /* the pair issued for ${ACCESS_TOKEN} (or NULL) */
    json_t *journal; /* every entry fetched so far */
    json_int_t last_seq;
    json_t *runs;
    json_t *leads;    /* [{"id", "key", "lead"}] */
    json_t *lead_ids; /* id -> true, to keep the first of each */
    int deliveries;
    struct sf_err err;
};

typedef int step_fn(struct trial *t, json_t *step);

/* Replaces each ${NAME} the runner knows; others are left as written. */
static char *
substitute(struct trial *t, const char *text)
{
    const char *vars[][2] = {
        {"${SIM_URL}", t->sim.url},
        {"${ACCESS_TOKEN}", t->tokens ? json_string_value(json_object_get(
                                            t->tokens, "access_token"))
                                      : "NO_TOKEN_ISSUED"},
        {"${REFRESH_TOKEN}", t->tokens ? json_string_value(json_object_get(
                                             t->tokens, "refresh_token"))
                                       : "NO_TOKEN_ISSUED"},
        {NULL, NULL},
    };
    struct buf b;
    const char *p = text;
    size_t i;

    buf_init(&b, TRIAL_MAX_TEXT);
    while (*p != '\0') {
        for (i = 0; vars[i][0] != NULL; i++) {
            if (strncmp(p, vars[i][0], strlen(vars[i][0])) == 0) {
                buf_puts(&b, vars[i][1]);
                p += strlen(vars[i][0]);
                break;
            }
        }
        if (vars[i][0] == NULL)
            buf_putc(&b, *p++);
    }
    if (b.data == NULL)
        return xstrdup("");
    return buf_steal(&b, NULL);
}

static int
write_file(const char *path, const char *text, struct sf_err *err)
{
    FILE *fp = fopen(path, "w");

    if (fp == NULL || fputs(text, fp) == EOF) {
        err_set(err, "%s: %s", path, strerror(errno));
        if (fp != NULL)
            fclose(fp);
        return -1;
    }
    if (fclose(fp) == EOF) {
        err_set(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Appends the journal entries the trial has not seen yet. */
static int
fetch_journal(struct trial *t)
{
    char path[64];
    json_t *j, *e;
    size_t i;

    snprintf(path, sizeof(path), "/__sim/journal?since=%lld",
             (long long)t->last_seq);
    if ((j = simctl_call(t->ctl, "GET", path, NULL, &t->err)) == NULL)
        return -1;
    json_array_foreach(j, i, e) {
        json_int_t seq = json_integer_value(json_object_get(e, "seq"));

        if (seq > t->last_seq)
            t->last_seq = seq;
        json_array_append(t->journal, e);
    }
    json_decref(j);
    return 0;
}

/* Records the leads of a file for the evidence; returns their ids. */
static json_t *
note_leads(struct trial *t, const char *path)
{
    char *text = case_read_file(path, NULL, &t->err), *line, *next;
    json_t *ids = json_array(), *lead;
    char key[1024];

    if (text == NULL) {
        json_decref(ids);
        return NULL;
    }
    for (line = text; line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        lead = json_loads(line, 0, NULL);
        if (json_is_string(json_object_get(lead, "id"))) {
            const char *id = json_string_value(json_object_get(lead, "id"));

            json_array_append_new(ids, json_string(id));
            if (json_object_get(t->lead_ids, id) == NULL) {
                json_object_set_new(t->lead_ids, id, json_true());
                json_array_append_new(
                    t->leads, json_pack("{s:s, s:s?, s:O}", "id", id, "key",
                                        wire_lead_value(lead, t->c->lead_key,
                                                        key, sizeof(key)),
                                        "lead", lead));
            }
        }
        json_decref(lead);
    }
    free(text);
    return ids;
}

/* The client's outcome lines; unreadable ones go to bad. */
static json_t *
read_outcomes(const char *path, json_t *bad)
{
    char *text = case_read_file(path, NULL, NULL), *line, *next;
    json_t *out = json_array(), *j;

    for (line = text; line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        if (line[strspn(line, " \t\r")] == '\0')
            continue;
        if ((j = json_loads(line, 0, NULL)) != NULL && json_is_object(j))
            json_array_append_new(out, j);
        else {
            json_decref(j);
            json_array_append_new(bad, json_string(line));
        }
    }
    free(text);
    return out;
}

/* Writes the step's buyer config (the case's, or the step's own). */
static int
write_buyer(struct trial *t, json_t *step, const char *out)
{
    const char *name = json_string_value(json_object_get(step, "buyer"));
    char path[PATH_MAX], *text, *subst;
    int rc;

    case_path(t->c, name != NULL ? name : "buyer.json", path, sizeof(path));
    if ((text = case_read_file(path, NULL, &t->err)) == NULL)
        return -1;
    subst = substitute(t, text);
    rc = write_file(out, subst, &t->err);
    free(subst);
    free(text);
    return rc;
}

static int
step_deliver(struct trial *t, json_t *step)
{
    const char *leads = json_string_value(json_object_get(step, "leads"));
    char buyer[PATH_MAX + 32], lpath[PATH_MAX], outp[PATH_MAX + 32],
        logp[PATH_MAX + 32], now[64];
    char *env[6] = {NULL};
    json_t *ids, *bad, *run;
    json_int_t seq_from;
    int n = ++t->deliveries, status, timed_out = 0, rc = -1;
    int64_t limit =
        t->c->timeout_ms > 0 ? t->c->timeout_ms : t->cfg->timeout_ms;

    snprintf(buyer, sizeof(buyer), "%s/buyer-%d.json", t->work, n);
    snprintf(outp, sizeof(outp), "%s/outcomes-%d.ndjson", t->work, n);
    snprintf(logp, sizeof(logp), "%s/client-%d.log", t->work, n);
    case_path(t->c, leads != NULL ? leads : "leads.ndjson", lpath,
              sizeof(lpath));
    if (write_buyer(t, step, buyer) == -1 ||
        (ids = note_leads(t, lpath)) == NULL)
        return -1;
    if (fetch_journal(t) == -1 ||
        simctl_now(t->ctl, now, sizeof(now), &t->err) == -1)
        goto out;
    seq_from = t->last_seq;
    env[0] = xasprintf("SFCONFORM_BUYER=%s", buyer);
    env[1] = xasprintf("SFCONFORM_LEADS=%s", lpath);
    env[2] = xasprintf("SFCONFORM_OUTCOMES=%s", outp);
    env[3] = xasprintf("SFCONFORM_STATE=%s", t->state);
    env[4] = xasprintf("SFCONFORM_NOW=%s", now);
    status = spawn_shell_log(t->cfg->client_cmd, (const char *const *)env, logp,
                             (int)limit, &timed_out);
    if (fetch_journal(t) == -1)
        goto out;
    bad = json_array();
    run = json_pack("{s:i, s:O, s:i, s:b, s:I, s:o, s:o, s:I, s:I, s:s}",
                    "step", n, "leads", ids, "exit", status, "timed_out",
                    timed_out, "timeout_ms", (json_int_t)limit, "outcomes",
                    read_outcomes(outp, bad), "bad_lines", bad, "seq_from",
                    seq_from, "seq_to", t->last_seq, "log", logp);
    json_array_append_new(t->runs, run);
    rc = 0;
out:
    for (size_t i = 0; i < 5; i++)
        free(env[i]);
    json_decref(ids);
    return rc;
}

static int
step_advance(struct trial *t, json_t *step)
{
    json_t *s = json_object_get(step, "seconds");

    if (!json_is_number(s)) {
        err_set(&t->err, "advance_clock: \"seconds\" is required");
        return -1;
    }
    return simctl_advance(t->ctl, json_number_value(s), &t->err);
}

static int
step_expire(struct trial *t, json_t *step)
{
    (void)step;
    return simctl_expire_tokens(t->ctl, &t->err);
}

static int
step_revoke(struct trial *t, json_t *step)
{
    (void)step;
    if (t->tokens == NULL) {
        err_set(&t->err, "revoke: the buyer uses no ${REFRESH_TOKEN}");
        return -1;
    }
    return simctl_revoke(
        t->ctl, json_string_value(json_object_get(t->tokens, "refresh_token")),
        &t->err);
}

static int
step_put_org(struct trial *t, json_t *step)
{
    const char *name = json_string_value(json_object_get(step, "org"));
    char path[PATH_MAX], *text;
    int rc;

    if (name == NULL) {
        err_set(&t->err, "put_org: \"org\" (a file of the case) is required");
        return -1;
    }
    if ((text = case_read_file(case_path(t->c, name, path, sizeof(path)), NULL,
                               &t->err)) == NULL)
        return -1;
    rc = simctl_put_org(t->ctl, text, &t->err);
    free(text);
    return rc;
}

static int
step_add_fault(struct trial *t, json_t *step)
{
    json_t *f = json_object_get(step, "fault");

    if (!json_is_object(f)) {
        err_set(&t->err, "add_fault: \"fault\" (a rule object) is required");
        return -1;
    }
    return simctl_add_fault(t->ctl, f, &t->err);
}

static int
step_clear_faults(struct trial *t, json_t *step)
{
    (void)step;
    return simctl_clear_faults(t->ctl, &t->err);
}

static step_fn *const step_fns[STEP_COUNT] = {
    [STEP_DELIVER] = step_deliver,
    [STEP_ADVANCE_CLOCK] = step_advance,
    [STEP_EXPIRE_TOKENS] = step_expire,
    [STEP_REVOKE] = step_revoke,
    [STEP_PUT_ORG] = step_put_org,
    [STEP_ADD_FAULT] = step_add_fault,
    [STEP_CLEAR_FAULTS] = step_clear_faults,
};

/* The sim's arguments for case c: args gets room for SIM_ARGS pointers;
 * org and md (size n each) hold the org file's path and its metadata
 * directory's (a customer's retrieve, loaded with --org-metadata) when
 * the case has them. */
#define SIM_ARGS 9
static void
sim_args(const struct conf_case *c, const char **args, char *org, char *md,
         size_t n)
{
    struct stat st;
    size_t k = 0;

    args[k++] = "--seed";
    args[k++] = "1";
    args[k++] = "--journal-body";
    args[k++] = "65536";
    if (stat(case_path(c, "org.json", org, n), &st) == 0) {
        args[k++] = "--org";
        args[k++] = org;
    }
    if (stat(case_path(c, "metadata", md, n), &st) == 0 &&
        S_ISDIR(st.st_mode)) {
        args[k++] = "--org-metadata";
        args[k++] = md;
    }
    args[k] = NULL;
}

int
trial_launch(const struct trial_config *cfg, const struct conf_case *c,
             struct spawn_sim *sim, struct sf_err *err)
{
    const char *args[SIM_ARGS];
    char org[PATH_MAX], md[PATH_MAX];

    memset(sim, 0, sizeof(*sim));
    sim->ready_fd = -1;
    if (c->skip != NULL)
        return 0;
    sim_args(c, args, org, md, sizeof(org));
    return spawn_sim_launch(cfg->sim_path, args, sim, err);
}

/* Starts the sim with the case's org (unless it was launched already)
 * and prepares tokens and the clock. */
static int
setup(struct trial *t)
{
    char org[PATH_MAX], md[PATH_MAX], buyer[PATH_MAX];
    const char *args[SIM_ARGS];
    char *text;

    if (mkdir(t->work, 0755) == -1 && errno != EEXIST) {
        err_set(&t->err, "%s: %s", t->work, strerror(errno));
        return -1;
    }
    snprintf(t->state, sizeof(t->state), "%s/state", t->work);
    mkdir(t->state, 0755);
    if (t->sim.pid > 0) {
        if (spawn_sim_ready(&t->sim, t->cfg->sim_path, SIM_START_MS, &t->err) ==
            -1)
            return -1;
    } else {
        sim_args(t->c, args, org, md, sizeof(org));
        if (spawn_sim_start(t->cfg->sim_path, args, SIM_START_MS, &t->sim,
                            &t->err) == -1)
            return -1;
    }
    t->ctl = simctl_new(t->sim.url);
    if (!t->c->clock_running && simctl_freeze(t->ctl, 1, &t->err) == -1)
        return -1;
    text = case_read_file(case_path(t->c, "buyer.json", buyer, sizeof(buyer)),
                          NULL, &t->err);
    if (text == NULL)
        return -1;
    if (strstr(text, "${ACCESS_TOKEN}") != NULL ||
        strstr(text, "${REFRESH_TOKEN}") != NULL)
        t->tokens = simctl_issue_tokens(t->ctl, &t->err);
    free(text);
    return t->tokens == NULL && t->err.set ? -1 : 0;
}

static json_t *
fetch_records(struct trial *t)
{
    static const char *const objects[] = {"Lead", "Contact", "Account", NULL};
    json_t *out = json_object(), *r;
    char path[64];
    size_t i;

    for (i = 0; objects[i] != NULL; i++) {
        snprintf(path, sizeof(path), "/__sim/records/%s", objects[i]);
        r = simctl_call(t->ctl, "GET", path, NULL, NULL);
        json_object_set_new(out, objects[i], r != NULL ? r : json_array());
    }
    return out;
}

/* The client's last outcome line per lead, over every run. */
static json_t *
final_outcomes(json_t *runs)
{
    json_t *out = json_object(), *run, *line;
    size_t i, j;

    json_array_foreach(runs, i, run) {
        json_array_foreach(json_object_get(run, "outcomes"), j, line) {
            const char *id =
                json_string_value(json_object_get(line, "lead_id"));

            if (id != NULL)
                json_object_set(out, id, line);
        }
    }
    return out;
}

/* Attempts without their bodies and decoded fields, for reports. */
static json_t *
timeline(json_t *attempts)
{
    json_t *out = json_deep_copy(attempts), *arr, *a;
    const char *id;
    size_t i;

    json_object_foreach(out, id, arr) {
        json_array_foreach(arr, i, a) {
            json_object_del(a, "fields");
            json_object_del(a, "body");
        }
    }
    return out;
}

static json_t *
evidence(struct trial *t)
{
    json_t *faults, *ev;

    if (fetch_journal(t) == -1 ||
        (faults = simctl_call(t->ctl, "GET", "/__sim/faults", NULL, &t->err)) ==
            NULL)
        return NULL;
    ev = json_pack("{s:O, s:o, s:o, s:O, s:O}", "journal", t->journal, "faults",
                   faults, "records", fetch_records(t), "leads", t->leads,
                   "runs", t->runs);
    json_object_set_new(ev, "final", final_outcomes(t->runs));
    json_object_set_new(ev, "attempts", wire_attempts(t->journal, t->leads));
    return ev;
}

static json_t *
result_new(const struct conf_case *c, const struct trial_config *cfg)
{
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s, s:[]}", "id", c->id,
        "title", c->title, "level", case_level_name(c->level), "checks",
        c->checks, "source", c->source, "dir", c->dir, "ticket", c->ticket,
        "explanation", c->explanation, "work_dir", cfg->work_dir, "failures");
}

static void
judge(json_t *res, const struct conf_case *c, json_t *ev)
{
    json_t *failures = json_object_get(res, "failures");
    json_t *dropped = json_array();
    size_t n = check_case(c, ev, failures);

    json_object_set_new(res, "verdict", json_string(n ? "fail" : "pass"));
    json_object_set_new(
        res, "reason",
        json_string(n ? json_string_value(json_array_get(failures, 0)) : ""));
    json_object_set_new(
        res, "false_delivered",
        json_integer((json_int_t)check_false_delivered(ev, dropped)));
    json_object_set_new(res, "false_delivered_ids", dropped);
    json_object_set_new(res, "timeline",
                        timeline(json_object_get(ev, "attempts")));
    json_object_set_new(res, "other_requests",
                        wire_other_requests(json_object_get(ev, "journal"),
                                            json_object_get(ev, "attempts")));
    json_object_set(res, "outcomes", json_object_get(ev, "final"));
    json_object_set(res, "runs", json_object_get(ev, "runs"));
}

json_t *
trial_run(const struct trial_config *cfg, const struct conf_case *c)
{
    return trial_run_on(cfg, c, NULL);
}

json_t *
trial_run_on(const struct trial_config *cfg, const struct conf_case *c,
             struct spawn_sim *launched)
{
    struct trial t;
    long long t0 = mono_ms();
    json_t *res = result_new(c, cfg), *step, *ev = NULL;
    size_t i;

    memset(&t, 0, sizeof(t));
    t.cfg = cfg;
    t.c = c;
    t.sim.ready_fd = -1;
    if (launched != NULL) {
        t.sim = *launched;
        launched->pid = 0;
        launched->ready_fd = -1;
    }
    if (c->skip != NULL) {
        if (t.sim.pid > 0)
            spawn_sim_stop(&t.sim, SIM_STOP_MS);
        json_object_set_new(res, "verdict", json_string("skip"));
        json_object_set_new(res, "reason", json_string(c->skip));
        return res;
    }
    snprintf(t.work, sizeof(t.work), "%s", cfg->work_dir);
    t.journal = json_array();
    t.runs = json_array();
    t.leads = json_array();
    t.lead_ids = json_object();
    if (setup(&t) == -1)
        goto out;
    json_array_foreach(c->steps, i, step) {
        enum case_step s =
            case_step_find(json_string_value(json_object_get(step, "do")));

        if (step_fns[s](&t, step) == -1) {
            char msg[SF_ERR_MSG_MAX + 64];

            snprintf(msg, sizeof(msg), "step %zu (%s): %s", i + 1,
                     case_step_name(s), t.err.msg);
            err_clear(&t.err);
            err_set(&t.err, "%s", msg);
            goto out;
        }
    }
    if ((ev = evidence(&t)) != NULL)
        judge(res, c, ev);
out:
    if (ev == NULL) {
        json_object_set_new(res, "verdict", json_string("error"));
        json_object_set_new(res, "reason", json_string(t.err.msg));
    }
    json_object_set_new(res, "duration_ms", json_integer(mono_ms() - t0));
    if (t.sim.pid > 0)
        spawn_sim_stop(&t.sim, SIM_STOP_MS);
    simctl_free(t.ctl);
    json_decref(ev);
    json_decref(t.tokens);
    json_decref(t.journal);
    json_decref(t.runs);
    json_decref(t.leads);
    json_decref(t.lead_ids);
    return res;
}
