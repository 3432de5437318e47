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
/* What a report shows of a client run's stderr: its last lines. */
#define TAIL_LINES 10
#define TAIL_BYTES 2048

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

/* The last TAIL_LINES lines (at most TAIL_BYTES, whole lines where it
 * can) of a file, however long; "" when it is empty or unreadable. New
 * reference. */
static json_t *
file_tail(const char *path)
{
    char text[TAIL_BYTES + 1], *p;
    FILE *fp = fopen(path, "rb");
    size_t len = 0;
    int lines = 0, cut;
    json_t *out;

    if (fp != NULL) {
        cut = fseek(fp, -(long)TAIL_BYTES, SEEK_END) == 0;
        if (!cut)
            rewind(fp);
        len = fread(text, 1, TAIL_BYTES, fp);
        fclose(fp);
    } else {
        cut = 0;
    }
    text[len] = '\0';
    while (len > 0 && text[len - 1] == '\n')
        text[--len] = '\0';
    for (p = text + len; p > text; p--)
        if (p[-1] == '\n' && ++lines == TAIL_LINES)
            break;
    /* Cut short by TAIL_BYTES: start at a whole line, where there is one. */
    if (p == text && cut && strchr(p, '\n') != NULL)
        p = strchr(p, '\n') + 1;
    out = json_string(p);
    return out != NULL ? out : json_string("(not UTF-8)");
}

/* The leads every earlier run left held (the latest outcome of each lead
 * says held), written to path in the order they were first handed out. */
static int
write_held(struct trial *t, const char *path)
{
    json_t *final = final_outcomes(t->runs), *l;
    FILE *fp = fopen(path, "w");
    size_t i;
    int rc = 0;

    if (fp == NULL) {
        err_set(&t->err, "%s: %s", path, strerror(errno));
        json_decref(final);
        return -1;
    }
    json_array_foreach(t->leads, i, l) {
        const char *id = json_string_value(json_object_get(l, "id"));
        const char *oc = json_string_value(
            json_object_get(json_object_get(final, id), "outcome"));

        if (oc != NULL && strcmp(oc, "held") == 0 &&
            (json_dumpf(json_object_get(l, "lead"), fp, JSON_COMPACT) == -1 ||
             fputc('\n', fp) == EOF))
            rc = -1;
    }
    if (fclose(fp) == EOF || rc == -1) {
        err_set(&t->err, "%s: %s", path, strerror(errno));
        rc = -1;
    }
    json_decref(final);
    return rc;
}

/* The leads file of a deliver step: the step's (or the case's), or with
 * "held" the leads the client left held, into out (size n). */
static int
step_leads(struct trial *t, json_t *step, int nth, char *out, size_t n)
{
    const char *leads = json_string_value(json_object_get(step, "leads"));

    if (!json_is_true(json_object_get(step, "held"))) {
        case_path(t->c, leads != NULL ? leads : "leads.ndjson", out, n);
        return 0;
    }
    snprintf(out, n, "%s/leads-held-%d.ndjson", t->work, nth);
    return write_held(t, out);
}

/* Where a TLS sim of the trial in work_dir writes its certificate. */
static const char *
ca_path(const char *work_dir, char *out, size_t n)
{
    snprintf(out, n, "%s/sim-ca.pem", work_dir);
    return out;
}

/* Over TLS, the sim's certificate for the client, in the four variables
 * the curl tool, OpenSSL, Node.js and Python's requests read: env[0..3]
 * (caller frees); nothing otherwise. */
static void
tls_env(const struct trial *t, char **env)
{
    static const char *const vars[] = {"CURL_CA_BUNDLE", "SSL_CERT_FILE",
                                       "NODE_EXTRA_CA_CERTS",
                                       "REQUESTS_CA_BUNDLE", NULL};
    char ca[PATH_MAX + 16];
    size_t i;

    if (!t->cfg->tls)
        return;
    ca_path(t->work, ca, sizeof(ca));
    for (i = 0; vars[i] != NULL; i++)
        env[i] = xasprintf("%s=%s", vars[i], ca);
}

/* A run's "kill_when": what it waits for and what it has seen. */
struct kill_point {
    struct trial *t;
    json_t *when;      /* the step's kill_when (borrowed) */
    json_int_t from;   /* the journal's last seq before the run */
    json_int_t seen;   /* matching entries so far */
    json_int_t at_seq; /* the entry that made the count, once it did */
    size_t scanned;    /* entries of t->journal already counted */
};

/* spawn_watch: 1 once the sim journaled the kill_when entries during the
 * run (read as the run goes; an unreadable journal kills nothing). */
static int
kill_due(void *arg)
{
    struct kill_point *k = arg;
    json_t *want = json_object_get(k->when, "count"), *e;
    json_int_t need = want != NULL ? json_integer_value(want) : 1;

    if (fetch_journal(k->t) == -1) {
        err_clear(&k->t->err);
        return 0;
    }
    for (; k->scanned < json_array_size(k->t->journal); k->scanned++) {
        e = json_array_get(k->t->journal, k->scanned);
        if (json_integer_value(json_object_get(e, "seq")) > k->from &&
            check_entry_matches(k->when, e) && ++k->seen == need)
            k->at_seq = json_integer_value(json_object_get(e, "seq"));
    }
    return k->seen >= need;
}

static int
step_deliver(struct trial *t, json_t *step)
{
    char buyer[PATH_MAX + 32], lpath[PATH_MAX + 32], outp[PATH_MAX + 32],
        outlog[PATH_MAX + 32], errlog[PATH_MAX + 32], now[64];
    char *env[10] = {NULL};
    json_t *ids = NULL, *bad, *run;
    struct kill_point kp = {0};
    struct spawn_watch watch = {0};
    json_int_t seq_from;
    int n = ++t->deliveries, status, timed_out = 0, rc = -1;
    int64_t limit =
        t->c->timeout_ms > 0 ? t->c->timeout_ms : t->cfg->timeout_ms;

    snprintf(buyer, sizeof(buyer), "%s/buyer-%d.json", t->work, n);
    snprintf(outp, sizeof(outp), "%s/outcomes-%d.ndjson", t->work, n);
    snprintf(outlog, sizeof(outlog), "%s/client-%d.out", t->work, n);
    snprintf(errlog, sizeof(errlog), "%s/client-%d.err", t->work, n);
    if (write_buyer(t, step, buyer) == -1 ||
        step_leads(t, step, n, lpath, sizeof(lpath)) == -1 ||
        (ids = note_leads(t, lpath)) == NULL)
        return -1;
    if (fetch_journal(t) == -1 ||
        simctl_now(t->ctl, now, sizeof(now), &t->err) == -1)
        goto out;
    seq_from = t->last_seq;
    kp.t = t;
    kp.when = json_object_get(step, "kill_when");
    kp.from = seq_from;
    kp.scanned = json_array_size(t->journal);
    watch.fn = kill_due;
    watch.arg = &kp;
    env[0] = xasprintf("SFCONFORM_BUYER=%s", buyer);
    env[1] = xasprintf("SFCONFORM_LEADS=%s", lpath);
    env[2] = xasprintf("SFCONFORM_OUTCOMES=%s", outp);
    env[3] = xasprintf("SFCONFORM_STATE=%s", t->state);
    env[4] = xasprintf("SFCONFORM_NOW=%s", now);
    tls_env(t, env + 5);
    status = spawn_shell_watch(t->cfg->client_cmd, (const char *const *)env,
                               outlog, errlog, (int)limit,
                               kp.when != NULL ? &watch : NULL, &timed_out);
    if (fetch_journal(t) == -1)
        goto out;
    bad = json_array();
    run = json_pack("{s:i, s:O, s:i, s:b, s:I, s:o, s:o, s:I, s:I, s:s, s:s, "
                    "s:o}",
                    "step", n, "leads", ids, "exit", status, "timed_out",
                    timed_out, "timeout_ms", (json_int_t)limit, "outcomes",
                    read_outcomes(outp, bad), "bad_lines", bad, "seq_from",
                    seq_from, "seq_to", t->last_seq, "stdout", outlog, "stderr",
                    errlog, "stderr_tail", file_tail(errlog));
    if (kp.when != NULL) {
        json_object_set_new(run, "killed", json_boolean(watch.killed));
        if (watch.killed)
            json_object_set_new(run, "killed_at_seq", json_integer(kp.at_seq));
    }
    json_array_append_new(t->runs, run);
    rc = 0;
out:
    for (size_t i = 0; i < 9; i++)
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
 * the case has them. With TLS the sim writes its certificate to ca (which
 * must outlive args). */
#define SIM_ARGS 12
static void
sim_args(const struct trial_config *cfg, const struct conf_case *c,
         const char **args, char *org, char *md, size_t n, const char *ca)
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
    if (cfg->tls) {
        args[k++] = "--tls";
        args[k++] = "--tls-ca-out";
        args[k++] = ca;
    }
    args[k] = NULL;
}

int
trial_launch(const struct trial_config *cfg, const struct conf_case *c,
             struct spawn_sim *sim, struct sf_err *err)
{
    const char *args[SIM_ARGS];
    char org[PATH_MAX], md[PATH_MAX], ca[1] = "";

    memset(sim, 0, sizeof(*sim));
    sim->ready_fd = -1;
    /* A TLS sim writes its certificate into the trial's work directory,
     * known only once the trial runs: setup() starts it then. */
    if (c->skip != NULL || cfg->tls)
        return 0;
    sim_args(cfg, c, args, org, md, sizeof(org), ca);
    return spawn_sim_launch(cfg->sim_path, args, sim, err);
}

/* Starts the sim with the case's org (unless it was launched already)
 * and prepares tokens and the clock. */
static int
setup(struct trial *t)
{
    char org[PATH_MAX], md[PATH_MAX], buyer[PATH_MAX], ca[PATH_MAX + 16];
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
        sim_args(t->cfg, t->c, args, org, md, sizeof(org),
                 ca_path(t->work, ca, sizeof(ca)));
        if (spawn_sim_start(t->cfg->sim_path, args, SIM_START_MS, &t->sim,
                            &t->err) == -1)
            return -1;
    }
    t->ctl = simctl_new(t->sim.url);
    if (t->cfg->tls)
        simctl_set_ca(t->ctl, ca_path(t->work, ca, sizeof(ca)));
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

/* --keep: what the sim held at the end, beside the client's files. */
static void
keep_sim(struct trial *t, json_t *records)
{
    char path[PATH_MAX + 32];
    json_t *org = simctl_call(t->ctl, "GET", "/__sim/org", NULL, NULL);

    snprintf(path, sizeof(path), "%s/journal.json", t->work);
    json_dump_file(t->journal, path, JSON_INDENT(1));
    snprintf(path, sizeof(path), "%s/records.json", t->work);
    json_dump_file(records, path, JSON_INDENT(1));
    if (org != NULL) {
        snprintf(path, sizeof(path), "%s/org.json", t->work);
        json_dump_file(org, path, JSON_INDENT(2));
    }
    json_decref(org);
}

static json_t *
evidence(struct trial *t)
{
    json_t *faults, *ev, *records;

    if (fetch_journal(t) == -1 ||
        (faults = simctl_call(t->ctl, "GET", "/__sim/faults", NULL, &t->err)) ==
            NULL)
        return NULL;
    records = fetch_records(t);
    if (t->cfg->keep)
        keep_sim(t, records);
    ev = json_pack("{s:O, s:o, s:o, s:O, s:O}", "journal", t->journal, "faults",
                   faults, "records", records, "leads", t->leads, "runs",
                   t->runs);
    json_object_set_new(ev, "final", final_outcomes(t->runs));
    json_object_set_new(ev, "attempts", wire_attempts(t->journal, t->leads));
    return ev;
}

static json_t *
result_new(const struct conf_case *c, const struct trial_config *cfg)
{
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s, "
        "s:[], s:[]}",
        "id", c->id, "title", c->title, "level", case_level_name(c->level),
        "checks", c->checks, "source", c->source, "dir", c->dir, "profile",
        profile_name(cfg->profile), "ticket", c->ticket, "explanation",
        c->explanation, "work_dir", cfg->work_dir, "failures", "client_stderr");
}

/* The deliver steps (1-based) killed at their "kill_when" point. */
static json_t *
killed_runs(json_t *runs)
{
    json_t *out = json_array(), *run;
    size_t i;

    json_array_foreach(runs, i, run) {
        if (json_is_true(json_object_get(run, "killed")))
            json_array_append(out, json_object_get(run, "step"));
    }
    return out;
}

/* What each run wrote to stderr (its last lines), for the reports. */
static void
note_stderr(json_t *res, json_t *runs)
{
    json_t *run, *tail;
    size_t i;

    json_array_foreach(runs, i, run) {
        tail = json_object_get(run, "stderr_tail");
        if (json_string_length(tail) > 0)
            json_array_append_new(
                json_object_get(res, "client_stderr"),
                json_pack("{s:O, s:O, s:O}", "run",
                          json_object_get(run, "step"), "exit",
                          json_object_get(run, "exit"), "tail", tail));
    }
}

static void
judge(json_t *res, const struct trial_config *cfg, const struct conf_case *c,
      json_t *ev)
{
    json_t *failures = json_object_get(res, "failures");
    json_t *dropped = json_array();
    struct check_plan plan = {c->expect, c->lead_key,
                              profile_name(cfg->profile)};
    size_t n = check_case(&plan, ev, failures);

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
    json_object_set_new(res, "killed_runs",
                        killed_runs(json_object_get(ev, "runs")));
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
        judge(res, cfg, c, ev);
out:
    note_stderr(res, t.runs);
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
