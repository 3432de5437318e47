/*
 * runner.c - runs the hostile-input corpus (tests/hostile/README.md).
 *
 * One cmocka test per kind of input, each going through that kind's INDEX:
 *   http     each request sent byte for byte over a raw socket to a real
 *            sfsim on port 0; the answer (status, a close, or a request the
 *            sim must still be waiting for) checked against the index, and
 *            GET /__sim/health answered after every input
 *   soql     each query sent to GET .../query?q= of that sim, holding a few
 *            leads, with a Bearer token: status and errorCode or totalSize
 *   sosl     each search sent to GET .../search?q= the same way: status and
 *            errorCode or the number of searchRecords
 *   org      sfsim --check --org FILE (exit status, a file:line:col message)
 *            and PUT /__sim/org with the same bytes (400 or 200, still up)
 *   buyer    sfdeliver --dry-run --buyer FILE with an empty leads file
 *   leads    sfdeliver --dry-run with the kind's _buyer.json: the leads it
 *            would send and the lines it reports skipped
 *   vendorlog sfconform import-log FILE: a scenario, or refused with a
 *            FILE:LINE:COL message
 *   formula  in-process: parse, bind and evaluate against fakelead.h
 * Under SANITIZE= the binaries and this runner are instrumented, so every
 * input is also run under AddressSanitizer and UBSan. A sim that dies or
 * stops answering is reported against the input that did it, then
 * restarted; it must also exit cleanly at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "case.h"
#include "corpus.h"
#include "fakelead.h"
#include "formula.h"
#include "rawhttp.h"
#include "simtest.h"
#include "xmalloc.h"

#define API "/services/data/v62.0"
/* Waiting for an answer that must come; a known defect may never answer,
 * so its entries wait less. Correct answers come in milliseconds. */
#define READ_MS 5000
#define XFAIL_READ_MS 1000
#define TOOL_MS 30000
#define GOT_MAX 512

static char tmpdir[] = "/tmp/sfsim-hostile-XXXXXX";

static const char *
corpus_root(void)
{
    const char *r = getenv("HOSTILE_DIR");

    return r != NULL && *r != '\0' ? r : "tests/hostile";
}

static const char *
client_path(void)
{
    const char *p = getenv("SFDELIVER");

    return p != NULL && *p != '\0' ? p : "client/sfdeliver";
}

static const char *
conform_path(void)
{
    const char *p = getenv("SFCONFORM");

    return p != NULL && *p != '\0' ? p : "conformance/sfconform";
}

/* "exited with status N" / "was killed by signal N" for a spawn status. */
static const char *
status_str(int st, char *out, size_t n)
{
    if (st > 128 && st < 160)
        snprintf(out, n, "was killed by signal %d", st - 128);
    else
        snprintf(out, n, "exited with status %d", st);
    return out;
}

/* Adds "; more" to the description got (size n). */
static void
append(char *got, size_t n, const char *more)
{
    size_t len = strlen(got);

    if (len + 1 < n)
        snprintf(got + len, n - len, "; %.*s", (int)(n - len), more);
}

/* A sanitizer's report in a program's stderr. */
static int
sanitizer_report(const char *text)
{
    return text != NULL && (strstr(text, "Sanitizer") != NULL ||
                            strstr(text, "runtime error:") != NULL);
}

/* --- the sim under attack -------------------------------------------------
 */

struct target {
    struct simtest sim;
    char auth[600]; /* "Authorization: Bearer <token>" */
    char *default_org;
    size_t default_org_len;
};

static void
target_token(struct target *t)
{
    char *tok = simtest_token(&t->sim);

    snprintf(t->auth, sizeof(t->auth), "Authorization: Bearer %s",
             tok != NULL ? tok : "none");
    free(tok);
}

static void
target_start(struct target *t)
{
    struct sf_err err;

    simtest_start(&t->sim, NULL);
    target_token(t);
    if (t->default_org == NULL) {
        err_clear(&err);
        t->default_org = case_read_file(simtest_fixture("orgs/default.json"),
                                        &t->default_org_len, &err);
        if (t->default_org == NULL)
            fail_msg("%s", err.msg);
    }
}

static const char *
target_token_value(const struct target *t)
{
    return t->auth + strlen("Authorization: Bearer ");
}

/* 0 when GET /__sim/health answers 200; otherwise the sim is stopped,
 * described in why, and started again. */
static int
target_check(struct target *t, char *why, size_t n)
{
    char st[64];

    if (rawhttp_get(t->sim.proc.url, "/__sim/health", READ_MS, NULL) == 200)
        return 0;
    snprintf(why, n, "GET /__sim/health failed after it; the sim %s",
             status_str(simtest_stop(&t->sim), st, sizeof(st)));
    target_start(t);
    return -1;
}

static long
target_call(struct target *t, const char *method, const char *path,
            const char *body, size_t len)
{
    struct http_result res;
    long status = -1;

    if (httpc_request(t->sim.http, method, path, "application/json", body, len,
                      NULL, &res) == 0)
        status = res.status;
    http_result_free(&res);
    return status;
}

/* Back to the default org, no faults, no records or tokens; a new token. */
static void
target_restore(struct target *t)
{
    target_call(t, "DELETE", "/__sim/faults", NULL, 0);
    target_call(t, "PUT", "/__sim/org", t->default_org, t->default_org_len);
    target_call(t, "POST", "/__sim/reset", NULL, 0);
    target_token(t);
}

/* Stops the sim; 0 when it exited cleanly (no leak, no crash at exit). */
static int
target_stop(struct target *t)
{
    char st[64];
    int rc = simtest_stop(&t->sim);

    free(t->default_org);
    t->default_org = NULL;
    if (rc != 0)
        printf("  FAIL  the sim %s at the end\n",
               status_str(rc, st, sizeof(st)));
    return rc == 0 ? 0 : -1;
}

/* --- http -----------------------------------------------------------------
 */

struct http_obs {
    int fd, timeout_ms;
    int waiting; /* the sim still waits for the rest of the request */
    struct rawhttp_answer a;
    int closed_after; /* 1, 0, -1 (open at the limit), -2 not asked */
};

/* "400", "4xx" against status. -1 when pat is neither. */
static int
status_matches(const char *pat, size_t n, int status)
{
    char digits[4];

    if (n != 3 || pat[0] < '1' || pat[0] > '5')
        return -1;
    if (pat[1] == 'x' && pat[2] == 'x')
        return status / 100 == pat[0] - '0';
    if (pat[1] < '0' || pat[1] > '9' || pat[2] < '0' || pat[2] > '9')
        return -1;
    snprintf(digits, sizeof(digits), "%d", status);
    return memcmp(digits, pat, 3) == 0;
}

/* One alternative: wait | close | STATUS[+close]. 1 matches, 0 does not,
 * -1 not an expectation. */
static int
http_alt(const char *alt, void *arg)
{
    struct http_obs *o = arg;
    const char *plus = strchr(alt, '+');
    size_t n = plus != NULL ? (size_t)(plus - alt) : strlen(alt);
    int m;

    if (strcmp(alt, "wait") == 0)
        return o->waiting;
    if (strcmp(alt, "close") == 0)
        return !o->waiting && o->a.end == RAWHTTP_CLOSED;
    if (plus != NULL && strcmp(plus, "+close") != 0)
        return -1;
    m = status_matches(alt, n, o->a.status);
    if (m != 1 || o->waiting || o->a.end != RAWHTTP_ANSWER)
        return m == -1 ? -1 : 0;
    if (plus == NULL)
        return 1;
    if (o->closed_after == -2)
        o->closed_after =
            o->a.extra > 0 ? 0 : rawhttp_wait_close(o->fd, o->timeout_ms);
    return o->closed_after == 1;
}

static void
http_describe(const struct http_obs *o, char *got, size_t n)
{
    if (o->waiting)
        snprintf(got, n, "no answer yet (waiting; others served)");
    else if (o->a.end == RAWHTTP_CLOSED)
        snprintf(got, n, "closed without an answer (%zu bytes)", o->a.bytes);
    else if (o->a.end == RAWHTTP_TIMEOUT)
        snprintf(got, n, "no answer within %d ms", o->timeout_ms);
    else
        snprintf(got, n, "%d%s%s", o->a.status,
                 o->closed_after == 1    ? ", then closed"
                 : o->closed_after == 0  ? ", then more bytes"
                 : o->closed_after == -1 ? ", connection still open"
                                         : "",
                 o->a.extra > 0 ? " (more answers followed)" : "");
}

/* Sends e's request and observes the answer into o (o->fd stays open). */
static int
http_send(struct target *t, const struct corpus_entry *e, struct http_obs *o,
          char *got, size_t n)
{
    const struct rawhttp_var vars[] = {
        {"HOST", t->sim.proc.url + strlen("http://")},
        {"TOKEN", target_token_value(t)},
        {NULL, NULL},
    };
    struct sf_err err;
    struct buf req;
    size_t len;
    char *text;
    int rc = -1;

    err_clear(&err);
    buf_init(&req, 0);
    text = corpus_read(e, &len, &err);
    if (text == NULL ||
        rawhttp_expand(text, len, vars, RAWHTTP_EXPAND_MAX, &req, &err) == -1 ||
        (o->fd = rawhttp_connect(t->sim.proc.url, &err)) == -1) {
        snprintf(got, n, "cannot run: %.400s", err.msg);
        goto out;
    }
    /* The sim may answer and close before it has read everything. */
    (void)rawhttp_send(o->fd, req.data, req.len);
    if (strstr(e->expect, "wait") != NULL) {
        if (rawhttp_get(t->sim.proc.url, "/__sim/health", READ_MS, NULL) !=
            200) {
            snprintf(got, n, "health not answered while the request waits");
            goto out;
        }
        o->waiting = !rawhttp_readable(o->fd);
    }
    if (!o->waiting)
        rawhttp_read(o->fd, req.len > 5 && memcmp(req.data, "HEAD ", 5) == 0,
                     o->timeout_ms, &o->a);
    rc = 0;
out:
    free(text);
    buf_free(&req);
    return rc;
}

static int
http_one(struct target *t, struct corpus *c, const struct corpus_entry *e)
{
    struct http_obs o = {.fd = -1, .closed_after = -2};
    char got[GOT_MAX], why[GOT_MAX];
    int m = 0;

    o.timeout_ms = e->xfail ? XFAIL_READ_MS : READ_MS;
    if (http_send(t, e, &o, got, sizeof(got)) == 0) {
        m = corpus_any(e->expect, http_alt, &o);
        http_describe(&o, got, sizeof(got));
        if (m == -1)
            snprintf(got, sizeof(got), "a bad expectation");
    }
    if (o.fd != -1)
        close(o.fd);
    if (target_check(t, why, sizeof(why)) == -1) {
        append(got, sizeof(got), why);
        m = 0;
    }
    target_restore(t);
    return corpus_result(c, e, m == 1, got);
}

/* --- files run through a program ------------------------------------------
 */

struct tool_run {
    int status; /* spawn status: exit code, 128+signal */
    int timed_out;
    char *out, *err; /* what it printed (owned) */
};

static void
tool_free(struct tool_run *r)
{
    free(r->out);
    free(r->err);
}

/* Runs argv-like words (each quoted) with stdout and stderr captured. */
static void
tool_run(struct tool_run *r, const char *const *words)
{
    char outp[64], errp[64];
    struct buf cmd;
    size_t i;

    memset(r, 0, sizeof(*r));
    snprintf(outp, sizeof(outp), "%s/out", tmpdir);
    snprintf(errp, sizeof(errp), "%s/err", tmpdir);
    buf_init(&cmd, 16384);
    buf_puts(&cmd, "exec");
    for (i = 0; words[i] != NULL; i++) {
        if (strchr(words[i], '\'') != NULL)
            fail_msg("quote in %s", words[i]);
        buf_printf(&cmd, " '%s'", words[i]);
    }
    buf_printf(&cmd, " >'%s' 2>'%s' </dev/null", outp, errp);
    r->status = spawn_shell(cmd.data, NULL, TOOL_MS, &r->timed_out);
    r->out = case_read_file(outp, NULL, NULL);
    r->err = case_read_file(errp, NULL, NULL);
    buf_free(&cmd);
}

struct exit_ctx {
    const char *path;
    const struct tool_run *r;
};

/* One alternative, "0", "2" or "2@L:C", against a run; a non-zero status
 * needs a message naming path:L:C. -1 for a bad alternative. */
static int
exit_alt(const char *alt, void *arg)
{
    const struct exit_ctx *x = arg;
    int want = -1, line = 0, col = 0, gl, gc;
    const char *p;
    char tail;

    if (sscanf(alt, "%d@%d:%d%c", &want, &line, &col, &tail) != 3 &&
        sscanf(alt, "%d%c", &want, &tail) != 1)
        return -1;
    if (x->r->timed_out || x->r->status != want || sanitizer_report(x->r->err))
        return 0;
    if (want == 0)
        return 1;
    p = x->r->err != NULL ? strstr(x->r->err, x->path) : NULL;
    if (p == NULL || sscanf(p + strlen(x->path), ":%d:%d:", &gl, &gc) != 2)
        return 0;
    return line == 0 || (gl == line && gc == col);
}

static int
exit_matches(const char *expect, const char *path, const struct tool_run *r)
{
    struct exit_ctx x = {path, r};

    return corpus_any(expect, exit_alt, &x);
}

static void
tool_describe(const struct tool_run *r, char *got, size_t n)
{
    char st[64], first[200] = "";
    const char *e = r->err != NULL ? r->err : "";

    snprintf(first, sizeof(first), "%.*s", (int)strcspn(e, "\n"), e);
    snprintf(got, n, "%s%s: %s", r->timed_out ? "timed out, " : "",
             status_str(r->status, st, sizeof(st)), first);
}

/* --- org ------------------------------------------------------------------
 */

static int
org_one(struct target *t, struct corpus *c, const struct corpus_entry *e)
{
    const char *words[] = {test_sim_path(), "--check", "--org", e->path, NULL};
    char got[GOT_MAX], why[GOT_MAX];
    struct tool_run r;
    struct sf_err err;
    size_t len;
    long put, want;
    char *text;
    int m;

    tool_run(&r, words);
    m = exit_matches(e->expect, e->path, &r);
    tool_describe(&r, got, sizeof(got));
    if (m == 1 && r.status == 0) {
        json_t *j = json_loads(r.out != NULL ? r.out : "", 0, NULL);

        m = json_is_object(j);
        json_decref(j);
    }
    /* The same bytes through the admin API. */
    err_clear(&err);
    text = corpus_read(e, &len, &err);
    want = r.status == 0 ? 200 : 400;
    put = text != NULL ? target_call(t, "PUT", "/__sim/org", text, len) : -1;
    if (put != want) {
        snprintf(why, sizeof(why), "PUT /__sim/org answered %ld", put);
        append(got, sizeof(got), why);
        m = 0;
    }
    if (target_check(t, why, sizeof(why)) == -1) {
        append(got, sizeof(got), why);
        m = 0;
    }
    target_call(t, "PUT", "/__sim/org", t->default_org, t->default_org_len);
    free(text);
    tool_free(&r);
    return corpus_result(c, e, m == 1, got);
}

/* --- buyer ----------------------------------------------------------------
 */

static int
buyer_one(struct target *t, struct corpus *c, const struct corpus_entry *e)
{
    char leads[64], got[GOT_MAX];
    const char *words[] = {client_path(), "--dry-run", "--buyer", e->path,
                           "--leads",     leads,       NULL};
    struct tool_run r;
    FILE *fp;
    int m;

    (void)t;
    snprintf(leads, sizeof(leads), "%s/empty.ndjson", tmpdir);
    fp = fopen(leads, "w");
    assert_non_null(fp);
    fclose(fp);
    tool_run(&r, words);
    m = exit_matches(e->expect, e->path, &r);
    tool_describe(&r, got, sizeof(got));
    tool_free(&r);
    return corpus_result(c, e, m == 1, got);
}

/* --- vendorlog ------------------------------------------------------------
 */

/* A vendor's send log through `sfconform import-log`, into a scenario
 * directory of its own under tmpdir. */
static int
vendorlog_one(struct target *t, struct corpus *c, const struct corpus_entry *e)
{
    static unsigned k;
    char name[32], got[GOT_MAX];
    const char *words[] = {conform_path(), "import-log", e->path, "--dir",
                           tmpdir,         "--name",     name,    NULL};
    struct tool_run r;
    int m;

    (void)t;
    snprintf(name, sizeof(name), "vendorlog-%u", k++);
    tool_run(&r, words);
    m = exit_matches(e->expect, e->path, &r);
    tool_describe(&r, got, sizeof(got));
    tool_free(&r);
    return corpus_result(c, e, m == 1, got);
}

/* --- leads ----------------------------------------------------------------
 */

/* The skipped line numbers of path in a run's stderr, as "2,5" ("none"). */
static void
skipped_lines(const char *err, const char *path, char *out, size_t n)
{
    const char *p = err;
    size_t used = 0;
    long line;

    out[0] = '\0';
    while (p != NULL && (p = strstr(p, path)) != NULL) {
        p += strlen(path);
        if (sscanf(p, ":%ld: skipped:", &line) == 1 && used < n)
            used += (size_t)snprintf(out + used, n - used, "%s%ld",
                                     used > 0 ? "," : "", line);
    }
    if (used == 0)
        snprintf(out, n, "none");
}

static size_t
count_lines(const char *text, const char *needle)
{
    size_t k = 0;
    const char *p = text;

    while (p != NULL && (p = strstr(p, needle)) != NULL) {
        k++;
        p += strlen(needle);
    }
    return k;
}

/* 1 when every "path:N: skipped: " message in err contains text. */
static int
skipped_all_say(const char *err, const char *path, const char *text)
{
    const char *p = err;
    char msg[512];
    long line;
    int n;

    while (p != NULL && (p = strstr(p, path)) != NULL) {
        p += strlen(path);
        if (sscanf(p, ":%ld: skipped: %n", &line, &n) != 1)
            continue;
        snprintf(msg, sizeof(msg), "%.*s", (int)strcspn(p + n, "\n"), p + n);
        if (strcasestr(msg, text) == NULL)
            return 0;
    }
    return 1;
}

struct leads_ctx {
    const char *path, *skipped;
    const struct tool_run *r;
    size_t nleads;
};

/* One alternative, "exit=N;leads=N;skipped=L,L|none;why=TEXT": every key
 * given must agree (exit defaults to 0). -1 for a bad alternative. */
static int
leads_alt(const char *alt, void *arg)
{
    const struct leads_ctx *x = arg;
    char key[32], val[200];
    const char *p = alt;
    int n, ok = 1, exit_want = 0;

    while (*p != '\0') {
        if (sscanf(p, "%31[a-z]=%199[^;]%n", key, val, &n) != 2)
            return -1;
        if (strcmp(key, "exit") == 0)
            exit_want = (int)strtol(val, NULL, 10);
        else if (strcmp(key, "leads") == 0)
            ok &= strtoul(val, NULL, 10) == x->nleads;
        else if (strcmp(key, "skipped") == 0)
            ok &= strcmp(val, x->skipped) == 0;
        else if (strcmp(key, "why") == 0)
            ok &= skipped_all_say(x->r->err, x->path, val);
        else
            return -1;
        p += n + (p[n] == ';');
    }
    return ok && !x->r->timed_out && x->r->status == exit_want &&
           !sanitizer_report(x->r->err);
}

static int
leads_one(struct target *t, struct corpus *c, const struct corpus_entry *e)
{
    char buyer[CORPUS_PATH_MAX + 16], skipped[200], got[GOT_MAX], st[64];
    const char *words[] = {client_path(), "--dry-run", "--buyer", buyer,
                           "--leads",     e->path,     NULL};
    struct leads_ctx x = {e->path, skipped, NULL, 0};
    struct tool_run r;
    int m;

    (void)t;
    snprintf(buyer, sizeof(buyer), "%s/_buyer.json", c->dir);
    tool_run(&r, words);
    skipped_lines(r.err, e->path, skipped, sizeof(skipped));
    x.r = &r;
    x.nleads = count_lines(r.out, "{\"lead_id\":");
    m = corpus_any(e->expect, leads_alt, &x);
    snprintf(got, sizeof(got), "%s%s, leads=%zu, skipped=%s",
             r.timed_out ? "timed out, " : "",
             status_str(r.status, st, sizeof(st)), x.nleads, skipped);
    if (m == -1)
        snprintf(got, sizeof(got), "a bad expectation");
    tool_free(&r);
    return corpus_result(c, e, m == 1, got);
}

/* --- soql -----------------------------------------------------------------
 */

/* The leads every query runs over: an indexed Email, blanks, long text. */
static void
soql_seed(struct target *t)
{
    static const char *const leads[] = {
        "{\"LastName\":\"Lovelace\",\"Company\":\"Acme\","
        "\"Email\":\"ada@example.com\",\"NumberOfEmployees\":42}",
        "{\"LastName\":\"Zo\\u00eb\",\"Company\":\"Acme\"}",
        "{\"LastName\":\"Hopper\",\"Company\":\"Navy\","
        "\"Email\":\"grace@example.com\",\"LeadSource\":\"Web\"}",
    };
    const char *hdrs[] = {t->auth, NULL};
    struct http_result res;
    size_t i;

    for (i = 0; i < sizeof(leads) / sizeof(leads[0]); i++) {
        assert_int_equal(httpc_request(t->sim.http, "POST",
                                       API "/sobjects/Lead/",
                                       "application/json", leads[i],
                                       strlen(leads[i]), hdrs, &res),
                         0);
        assert_int_equal(res.status, 201);
        http_result_free(&res);
    }
}

struct soql_obs {
    long status;
    json_t *body;
};

/* How many records an answer holds: a query's totalSize, or the size of a
 * search's searchRecords; -1 when it is neither. */
static long long
answer_count(json_t *body)
{
    json_t *recs = json_object_get(body, "searchRecords");

    if (json_is_array(recs))
        return (long long)json_array_size(recs);
    if (json_is_integer(json_object_get(body, "totalSize")))
        return json_integer_value(json_object_get(body, "totalSize"));
    return -1;
}

/* One alternative: STATUS, STATUS=count (answer_count) or
 * STATUS:errorCode. */
static int
soql_alt(const char *alt, void *arg)
{
    const struct soql_obs *o = arg;
    size_t n = strcspn(alt, "=:");
    json_t *first = json_array_get(o->body, 0);
    const char *code;

    if (status_matches(alt, n, (int)o->status) != 1)
        return status_matches(alt, n, (int)o->status);
    if (alt[n] == '\0')
        return 1;
    if (alt[n] == '=')
        return answer_count(o->body) == strtol(alt + n + 1, NULL, 10);
    code = json_string_value(json_object_get(first, "errorCode"));
    return code != NULL && strcmp(code, alt + n + 1) == 0;
}

static void
percent_encode(const char *s, size_t len, struct buf *b)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];

        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
            (ch >= '0' && ch <= '9') || strchr("-._~", ch) != NULL) {
            buf_putc(b, (char)ch);
        } else {
            buf_putc(b, '%');
            buf_putc(b, hex[ch >> 4]);
            buf_putc(b, hex[ch & 15]);
        }
    }
}

/* GET resource?q= the query or search (text, len) into o. */
static void
soql_fetch(struct target *t, const char *resource, const char *text, size_t len,
           struct soql_obs *o)
{
    const char *hdrs[] = {t->auth, NULL};
    struct http_result res;
    struct buf path;

    buf_init(&path, 4u * 1024 * 1024);
    buf_printf(&path, API "/%s?q=", resource);
    percent_encode(text, len, &path);
    if (httpc_request(t->sim.http, "GET", path.data, NULL, NULL, 0, hdrs,
                      &res) == 0) {
        o->status = res.status;
        o->body = json_loads(res.body, 0, NULL);
    }
    http_result_free(&res);
    buf_free(&path);
}

/* "200 records=N", "400 CODE: the message's last line", or the status. */
static void
soql_describe(const struct soql_obs *o, char *got, size_t n)
{
    json_t *first = json_array_get(o->body, 0);
    const char *code = json_string_value(json_object_get(first, "errorCode"));
    const char *msg = json_string_value(json_object_get(first, "message"));
    const char *last = msg != NULL ? strrchr(msg, '\n') : NULL;

    if (answer_count(o->body) >= 0)
        snprintf(got, n, "%ld records=%lld", o->status, answer_count(o->body));
    else if (code != NULL)
        snprintf(got, n, "%ld %s: %.200s", o->status, code,
                 last != NULL  ? last + 1
                 : msg != NULL ? msg
                               : "");
    else
        snprintf(got, n, "%ld", o->status);
}

/* One query (resource "query") or search ("search") of the corpus. */
static int
query_one(struct target *t, struct corpus *c, const struct corpus_entry *e,
          const char *resource)
{
    struct soql_obs o = {-1, NULL};
    char got[GOT_MAX], why[GOT_MAX];
    struct sf_err err;
    size_t len;
    char *text;
    int m = 0;

    err_clear(&err);
    text = corpus_read(e, &len, &err);
    if (text != NULL) {
        soql_fetch(t, resource, text, len, &o);
        m = corpus_any(e->expect, soql_alt, &o);
        soql_describe(&o, got, sizeof(got));
    } else {
        snprintf(got, sizeof(got), "cannot run: %.400s", err.msg);
    }
    if (m == -1)
        snprintf(got, sizeof(got), "a bad expectation");
    if (target_check(t, why, sizeof(why)) == -1) {
        append(got, sizeof(got), why);
        m = 0;
        soql_seed(t);
    }
    json_decref(o.body);
    free(text);
    return corpus_result(c, e, m == 1, got);
}

static int
soql_one(struct target *t, struct corpus *c, const struct corpus_entry *e)
{
    return query_one(t, c, e, "query");
}

static int
sosl_one(struct target *t, struct corpus *c, const struct corpus_entry *e)
{
    return query_one(t, c, e, "search");
}

/* --- formula --------------------------------------------------------------
 */

/* What the formula engine makes of text: parse, bind, error, true, false. */
static const char *
formula_outcome(const char *text, size_t len, char *got, size_t n)
{
    struct formula_error err = {0, 0, ""};
    const char *what;
    struct formula *f;
    int result = 0, blank;

    f = formula_parse(text, len, &err);
    if (f == NULL)
        what = "parse";
    else if (formula_bind(f, fakelead_type, NULL, &err) == -1)
        what = "bind";
    else if (formula_eval_bool(f, fakelead_access(1), FAKELEAD_NOW_MS, &result,
                               &err) == -1)
        what = "error";
    else
        what = result ? "true" : "false";
    /* The blank record must be safe to evaluate too. */
    if (f != NULL && strcmp(what, "bind") != 0)
        (void)formula_eval_bool(f, fakelead_access(0), 0, &blank, NULL);
    formula_free(f);
    snprintf(got, n, "%s%s%s", what, err.message[0] ? ": " : "", err.message);
    if (strcmp(what, "true") != 0 && strcmp(what, "false") != 0 &&
        (err.message[0] == '\0' || err.line < 0 || err.column < 0))
        return "no message";
    return what;
}

static int
same(const char *alt, void *arg)
{
    return strcmp(alt, arg) == 0;
}

static int
formula_one(struct target *t, struct corpus *c, const struct corpus_entry *e)
{
    char got[GOT_MAX];
    struct sf_err err;
    const char *what;
    size_t len;
    char *text;

    (void)t;
    err_clear(&err);
    text = corpus_read(e, &len, &err);
    if (text == NULL)
        return corpus_result(c, e, 0, err.msg);
    /* A file's last newline is the editor's, not the formula's. */
    if (len > 0 && text[len - 1] == '\n')
        len--;
    what = formula_outcome(text, len, got, sizeof(got));
    free(text);
    return corpus_result(c, e, corpus_any(e->expect, same, (void *)what), got);
}

/* --- the cmocka tests -----------------------------------------------------
 */

/* One kind of input: its directory, how one input runs, and the sim it
 * needs (none, or one started for it, seeded with leads or not). */
struct kind {
    const char *dir;
    int (*one)(struct target *t, struct corpus *c,
               const struct corpus_entry *e);
    int sim;   /* a sim to run against */
    int leads; /* ... holding soql_seed()'s leads */
};

static const struct kind kind_formula = {"formula", formula_one, 0, 0};
static const struct kind kind_org = {"org", org_one, 1, 0};
static const struct kind kind_buyer = {"buyer", buyer_one, 0, 0};
static const struct kind kind_leads = {"leads", leads_one, 0, 0};
static const struct kind kind_vendorlog = {"vendorlog", vendorlog_one, 0, 0};
static const struct kind kind_soql = {"soql", soql_one, 1, 1};
static const struct kind kind_sosl = {"sosl", sosl_one, 1, 1};
static const struct kind kind_http = {"http", http_one, 1, 0};

/* Runs every input of one kind (the test's state); fails when any input
 * failed or an xfail one passed, or the sim did not exit cleanly. */
static void
test_kind(void **state)
{
    const struct kind *k = *state;
    struct target t = {0};
    struct sf_err err;
    struct corpus c;
    size_t i;
    int rc;

    err_clear(&err);
    if (corpus_load(&c, corpus_root(), k->dir, &err) == -1)
        fail_msg("%s", err.msg);
    if (k->sim)
        target_start(&t);
    if (k->leads)
        soql_seed(&t);
    for (i = 0; i < c.n; i++)
        k->one(k->sim ? &t : NULL, &c, &c.v[i]);
    if (k->sim && target_stop(&t) == -1)
        c.failed++;
    rc = corpus_summary(&c);
    corpus_free(&c);
    assert_int_equal(rc, 0);
}

/* The corpus's own notation: what rawhttp_expand() makes of a file. */
static void
test_expand(void **state)
{
    static const char text[] = "POST / HTTP/1.1\r\nHost: ${HOST}\r\n"
                               "Content-Length: ${BODY_LEN}\r\nX: ${NOPE}"
                               "\r\n\r\n{{3*[\\x00}}{{2*\\r\\n}}";
    const struct rawhttp_var vars[] = {{"HOST", "h:1"}, {NULL, NULL}};
    static const char want[] = "POST / HTTP/1.1\r\nHost: h:1\r\n"
                               "Content-Length: 10\r\nX: ${NOPE}\r\n\r\n"
                               "[\0[\0[\0\r\n\r\n";
    struct sf_err err;
    struct buf out;

    (void)state;
    err_clear(&err);
    assert_int_equal(
        rawhttp_expand(text, sizeof(text) - 1, vars, 1024, &out, &err), 0);
    assert_int_equal(out.len, sizeof(want) - 1);
    assert_memory_equal(out.data, want, sizeof(want) - 1);
    buf_free(&out);
    assert_int_equal(rawhttp_expand("{{0*a}}", 7, NULL, 1024, &out, &err), -1);
    buf_free(&out);
    assert_int_equal(rawhttp_expand("{{2*\\q}}", 8, NULL, 1024, &out, &err),
                     -1);
    buf_free(&out);
    assert_int_equal(rawhttp_expand("{{99*a", 6, NULL, 1024, &out, &err), -1);
    buf_free(&out);
    assert_int_equal(rawhttp_expand("{{2000*a}}", 10, NULL, 1024, &out, &err),
                     -1);
    buf_free(&out);
}

/* A cmocka test named for the kind, running test_kind() on it. */
#define KIND_TEST(k)                                                           \
    {                                                                          \
        .name = "hostile " #k, .test_func = test_kind,                         \
        .initial_state = (void *)&kind_##k                                     \
    }

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expand),
        KIND_TEST(formula),
        KIND_TEST(org),
        KIND_TEST(buyer),
        KIND_TEST(leads),
        KIND_TEST(vendorlog),
        KIND_TEST(soql),
        KIND_TEST(sosl),
        KIND_TEST(http),
    };
    char cmd[128];
    int rc;

    xjson_init();
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "hostile: could not remove %s\n", tmpdir);
    return rc;
}
