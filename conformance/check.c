/*
 * check.c - the expectation table and the truthfulness rules (see
 * check.h).
 */
#include "check.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "wire.h"
#include "xmalloc.h"

#define WHY_MAX 4096

struct check_ctx {
    const struct check_plan *plan;
    json_t *ev;
    json_t *params;
    struct buf why; /* the failure message, when the check fails */
    size_t untold;  /* failures left out of why for want of room */
};

typedef int check_fn(struct check_ctx *x);

/* The sim accepted the lead: a record exists or will (queue). */
static const char *const accepted_verdicts[] = {"created", "created_from_queue",
                                                "updated", "queued_daily_limit",
                                                "ok",      NULL};

static const char *const outcome_names[] = {"delivered",  "delivery_failed",
                                            "rejected",   "duplicate",
                                            "suppressed", "held",
                                            NULL};

static int
in_list(const char *const *list, const char *s)
{
    size_t i;

    for (i = 0; s != NULL && list[i] != NULL; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

static const char *
str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_int_t
num(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static int fail(struct check_ctx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Room kept in why for the count of what did not fit. */
#define WHY_TAIL 48

/*
 * Records one reason; when why has no room for it whole, it is counted
 * instead and check_case() ends the message with "and N more".
 */
static int
fail(struct check_ctx *x, const char *fmt, ...)
{
    va_list ap;
    char msg[1024];
    size_t need;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    need = strlen(msg) + (x->why.len > 0 ? 2 : 0);
    if (x->untold > 0 || x->why.len + need + WHY_TAIL > WHY_MAX) {
        x->untold++;
        return -1;
    }
    if (x->why.len > 0)
        buf_puts(&x->why, "; ");
    buf_puts(&x->why, msg);
    return -1;
}

/* "count" (exact), "min", "max" of params against n; 1 when it holds. */
static int
range_ok(json_t *params, json_int_t n, char *want, size_t wn)
{
    json_t *c = json_object_get(params, "count");
    json_t *lo = json_object_get(params, "min");
    json_t *hi = json_object_get(params, "max");

    if (c != NULL) {
        snprintf(want, wn, "%lld", (long long)json_integer_value(c));
        return n == json_integer_value(c);
    }
    if (lo != NULL && hi != NULL)
        snprintf(want, wn, "%lld..%lld", (long long)json_integer_value(lo),
                 (long long)json_integer_value(hi));
    else if (lo != NULL)
        snprintf(want, wn, "at least %lld", (long long)json_integer_value(lo));
    else if (hi != NULL)
        snprintf(want, wn, "at most %lld", (long long)json_integer_value(hi));
    else
        snprintf(want, wn, "any number");
    if (lo != NULL && n < json_integer_value(lo))
        return 0;
    if (hi != NULL && n > json_integer_value(hi))
        return 0;
    return 1;
}

/* The lead ids a check is about: "lead", "leads", or every lead. */
static json_t *
selected(struct check_ctx *x)
{
    json_t *one = json_object_get(x->params, "lead");
    json_t *many = json_object_get(x->params, "leads");
    json_t *out = json_array(), *l;
    size_t i;

    if (json_is_string(one)) {
        json_array_append(out, one);
    } else if (json_is_array(many)) {
        json_array_extend(out, many);
    } else {
        json_array_foreach(json_object_get(x->ev, "leads"), i, l)
            json_array_append(out, json_object_get(l, "id"));
    }
    return out;
}

/* The wire attempts of one lead (borrowed; NULL when none). */
#define WITH_ATTEMPTS(x, id, var)                                              \
    json_t *var = json_object_get(json_object_get((x)->ev, "attempts"), id)

static json_t *
lead_obj(struct check_ctx *x, const char *id)
{
    json_t *l;
    size_t i;

    json_array_foreach(json_object_get(x->ev, "leads"), i, l) {
        if (strcmp(str(l, "id"), id) == 0)
            return json_object_get(l, "lead");
    }
    return NULL;
}

static int
media_equal(const char *ct, const char *want)
{
    size_t n = strcspn(ct != NULL ? ct : "", ";");

    return ct != NULL && strlen(want) == n && strncasecmp(ct, want, n) == 0;
}

/* --- the checks ---------------------------------------------------------- */

static int
chk_outcome(struct check_ctx *x)
{
    json_t *ids = selected(x), *id, *line;
    json_t *want = json_object_get(x->params, "outcome");
    json_t *final = json_object_get(x->ev, "final");
    int rc = 0;
    size_t i, j;

    json_array_foreach(ids, i, id) {
        const char *lid = json_string_value(id), *got;
        json_t *w;
        int ok = 0;
        char range[64];

        line = json_object_get(final, lid);
        got = str(line, "outcome");
        if (json_is_string(want)) {
            ok = got != NULL && strcmp(got, json_string_value(want)) == 0;
        } else {
            json_array_foreach(want, j, w)
                ok |= got != NULL && strcmp(got, json_string_value(w)) == 0;
        }
        if (want != NULL && !ok) {
            char *ws = json_dumps(want, JSON_ENCODE_ANY);

            rc = fail(x, "%s: expected outcome %s, the client wrote %s", lid,
                      ws, got != NULL ? got : "none");
            free(ws);
            continue;
        }
        if (json_object_get(x->params, "attempts") != NULL) {
            json_t *p = json_pack("{s:O}", "count",
                                  json_object_get(x->params, "attempts"));

            if (!range_ok(p, num(line, "attempts"), range, sizeof(range)))
                rc = fail(x,
                          "%s: the client reported %lld attempts, "
                          "expected %s",
                          lid, (long long)num(line, "attempts"), range);
            json_decref(p);
        }
    }
    json_decref(ids);
    return rc;
}

static int
chk_outcome_counts(struct check_ctx *x)
{
    json_t *want = json_object_get(x->params, "counts"), *v, *id;
    json_t *final = json_object_get(x->ev, "final");
    const char *name;
    json_t *ids = selected(x);
    size_t i;
    int rc = 0;

    json_object_foreach(want, name, v) {
        json_int_t n = 0;

        json_array_foreach(ids, i, id) {
            const char *got =
                str(json_object_get(final, json_string_value(id)), "outcome");

            if ((got == NULL && strcmp(name, "none") == 0) ||
                (got != NULL && strcmp(got, name) == 0))
                n++;
        }
        if (n != json_integer_value(v))
            rc = fail(x, "%lld leads %s, expected %lld", (long long)n, name,
                      (long long)json_integer_value(v));
    }
    json_decref(ids);
    return rc;
}

/*
 * The journal window a check looks at: with "run": N, the entries of the
 * Nth client run (deliver step, 1-based); with "before_first_attempt",
 * only those before the first request that carried a lead in it.
 * Returns 0, or -1 (failure recorded) when the run does not exist.
 */
static int
window(struct check_ctx *x, json_int_t *from, json_int_t *to)
{
    json_t *nth = json_object_get(x->params, "run"), *run, *arr, *a;
    json_int_t first = -1;
    const char *id;
    size_t i;

    *from = 0;
    *to = INT64_MAX;
    if (nth == NULL)
        return 0;
    run = json_array_get(json_object_get(x->ev, "runs"),
                         (size_t)json_integer_value(nth) - 1);
    if (json_integer_value(nth) < 1 || run == NULL)
        return fail(x, "there is no client run %lld",
                    (long long)json_integer_value(nth));
    *from = num(run, "seq_from");
    *to = num(run, "seq_to");
    if (!json_is_true(json_object_get(x->params, "before_first_attempt")))
        return 0;
    json_object_foreach(json_object_get(x->ev, "attempts"), id, arr) {
        json_array_foreach(arr, i, a) {
            json_int_t seq = num(a, "seq");

            if (seq > *from && seq <= *to && (first < 0 || seq < first))
                first = seq;
        }
    }
    if (first >= 0)
        *to = first - 1;
    return 0;
}

static json_int_t
count_in(json_t *arr, json_int_t from, json_int_t to)
{
    json_int_t n = 0;
    json_t *a;
    size_t i;

    json_array_foreach(arr, i, a)
        n += num(a, "seq") > from && num(a, "seq") <= to;
    return n;
}

static int
chk_attempts(struct check_ctx *x)
{
    json_t *ids = selected(x), *id;
    json_int_t from, to, total = 0;
    int sum = json_is_true(json_object_get(x->params, "sum"));
    char want[64];
    size_t i;
    int rc = 0;

    if (window(x, &from, &to) == -1) {
        json_decref(ids);
        return -1;
    }
    json_array_foreach(ids, i, id) {
        WITH_ATTEMPTS(x, json_string_value(id), a);
        json_int_t n = count_in(a, from, to);

        total += n;
        if (!sum && !range_ok(x->params, n, want, sizeof(want)))
            rc = fail(x, "%s: %lld attempts on the wire, expected %s",
                      json_string_value(id), (long long)n, want);
    }
    if (sum && !range_ok(x->params, total, want, sizeof(want)))
        rc = fail(x, "%lld attempts on the wire in all, expected %s",
                  (long long)total, want);
    json_decref(ids);
    return rc;
}

int
check_entry_matches(json_t *sel, json_t *e)
{
    const char *verdict = str(sel, "verdict");
    const char *path = str(sel, "path");
    const char *method = str(sel, "method");
    const char *kind = str(sel, "kind");
    const char *ekind = str(e, "kind");

    if (strcmp(kind != NULL ? kind : "request",
               ekind != NULL ? ekind : "request") != 0)
        return 0;
    if (verdict != NULL &&
        (str(e, "verdict") == NULL || strcmp(verdict, str(e, "verdict")) != 0))
        return 0;
    if (path != NULL && (str(e, "path") == NULL ||
                         strncmp(str(e, "path"), path, strlen(path)) != 0))
        return 0;
    if (method != NULL &&
        (str(e, "method") == NULL || strcasecmp(str(e, "method"), method)))
        return 0;
    return 1;
}

static int
chk_journal(struct check_ctx *x)
{
    json_t *e;
    json_int_t n = 0, from, to;
    char want[64], where[64] = "";
    size_t i;

    if (window(x, &from, &to) == -1)
        return -1;
    json_array_foreach(json_object_get(x->ev, "journal"), i, e) {
        json_int_t seq = num(e, "seq");

        n += seq > from && seq <= to && check_entry_matches(x->params, e);
    }
    if (range_ok(x->params, n, want, sizeof(want)))
        return 0;
    if (json_object_get(x->params, "run") != NULL)
        snprintf(
            where, sizeof(where), " in run %lld%s",
            (long long)num(x->params, "run"),
            json_is_true(json_object_get(x->params, "before_first_attempt"))
                ? " before its first lead was sent"
                : "");
    return fail(x, "%lld journal entries%s%s%s%s%s, expected %s", (long long)n,
                str(x->params, "verdict") ? " with verdict " : "",
                str(x->params, "verdict") ? str(x->params, "verdict") : "",
                str(x->params, "path") ? " on " : "",
                str(x->params, "path") ? str(x->params, "path") : "", where,
                want);
}

static int
chk_records(struct check_ctx *x)
{
    const char *obj = str(x->params, "object");
    json_t *recs = json_object_get(json_object_get(x->ev, "records"),
                                   obj != NULL ? obj : "Lead");
    json_int_t n = (json_int_t)json_array_size(recs);
    char want[64];

    if (range_ok(x->params, n, want, sizeof(want)))
        return 0;
    return fail(x, "%lld %s records stored, expected %s", (long long)n,
                obj != NULL ? obj : "Lead", want);
}

static int
chk_record_field(struct check_ctx *x)
{
    const char *obj = str(x->params, "object");
    const char *id = str(x->params, "lead");
    const char *match = str(x->params, "match_field");
    const char *lead_field = str(x->params, "lead_field");
    const char *field = str(x->params, "field");
    json_t *equals = json_object_get(x->params, "equals");
    json_t *recs = json_object_get(json_object_get(x->ev, "records"),
                                   obj != NULL ? obj : "Lead");
    json_t *r, *v;
    char key[1024];
    size_t i;

    if (id == NULL || field == NULL)
        return fail(x, "record_field needs lead and field");
    if (wire_lead_value(lead_obj(x, id),
                        lead_field != NULL ? lead_field : x->plan->lead_key,
                        key, sizeof(key)) == NULL)
        return fail(x, "%s: the lead has no %s", id,
                    lead_field != NULL ? lead_field : x->plan->lead_key);
    json_array_foreach(recs, i, r) {
        const char *got = str(r, match != NULL ? match : "Email");

        if (got == NULL || strcmp(got, key) != 0)
            continue;
        v = json_object_get(r, field);
        if (json_is_true(json_object_get(x->params, "empty")))
            return json_is_null(v) || v == NULL ||
                           (json_is_string(v) && *json_string_value(v) == '\0')
                       ? 0
                       : fail(x, "%s: %s is set on the record", id, field);
        if (equals != NULL && (v == NULL || !json_equal(v, equals))) {
            char *s = json_dumps(v != NULL ? v : json_null(), JSON_ENCODE_ANY);
            char *w = json_dumps(equals, JSON_ENCODE_ANY);
            int rc =
                fail(x, "%s: record %s is %s, expected %s", id, field, s, w);

            free(s);
            free(w);
            return rc;
        }
        if (equals == NULL && (v == NULL || json_is_null(v)))
            return fail(x, "%s: record %s is empty", id, field);
        return 0;
    }
    return fail(x, "%s: no %s record with %s = %s", id,
                obj != NULL ? obj : "Lead", match != NULL ? match : "Email",
                key);
}

/* Applies test(attempt) to every attempt of the selected leads. */
static int
each_attempt(struct check_ctx *x,
             int (*test)(struct check_ctx *x, const char *id, json_t *a))
{
    json_t *ids = selected(x), *id, *a;
    size_t i, j;
    int rc = 0;

    json_array_foreach(ids, i, id) {
        WITH_ATTEMPTS(x, json_string_value(id), arr);
        if (json_array_size(arr) == 0) {
            rc = fail(x, "%s: never sent", json_string_value(id));
            continue;
        }
        json_array_foreach(arr, j, a) {
            if (test(x, json_string_value(id), a) == -1) {
                rc = -1;
                break;
            }
        }
    }
    json_decref(ids);
    return rc;
}

static int
test_wire_field(struct check_ctx *x, const char *id, json_t *a)
{
    const char *field = str(x->params, "field");
    const char *equals = str(x->params, "equals");
    json_t *present = json_object_get(x->params, "present");
    const char *got = str(json_object_get(a, "fields"), field ? field : "");

    if (json_is_false(present))
        return got == NULL ? 0
                           : fail(x, "%s: attempt %lld sends %s=%s", id,
                                  (long long)num(a, "seq"), field, got);
    if (got == NULL)
        return fail(x, "%s: attempt %lld does not send %s", id,
                    (long long)num(a, "seq"), field);
    if (equals != NULL && strcmp(got, equals) != 0)
        return fail(x, "%s: attempt %lld sends %s=\"%s\", expected \"%s\"", id,
                    (long long)num(a, "seq"), field, got, equals);
    return 0;
}

static int
chk_wire_field(struct check_ctx *x)
{
    return each_attempt(x, test_wire_field);
}

static int
test_content_type(struct check_ctx *x, const char *id, json_t *a)
{
    const char *want = str(x->params, "equals");

    if (want != NULL && !media_equal(str(a, "content_type"), want))
        return fail(x, "%s: sent as %s, expected %s", id,
                    str(a, "content_type") ? str(a, "content_type") : "(none)",
                    want);
    return 0;
}

static int
chk_content_type(struct check_ctx *x)
{
    return each_attempt(x, test_content_type);
}

static int
test_auth(struct check_ctx *x, const char *id, json_t *a)
{
    const char *want = str(x->params, "equals");

    if (want != NULL &&
        (str(a, "auth") == NULL || strcmp(str(a, "auth"), want) != 0))
        return fail(x, "%s: authorization %s, expected %s", id,
                    str(a, "auth") ? str(a, "auth") : "(none)", want);
    return 0;
}

static int
chk_wire_auth(struct check_ctx *x)
{
    return each_attempt(x, test_auth);
}

static int
test_query(struct check_ctx *x, const char *id, json_t *a)
{
    const char *want = str(x->params, "contains");
    const char *q = str(a, "query");

    if (want != NULL && (q == NULL || strstr(q, want) == NULL))
        return fail(x, "%s: query \"%s\" lacks %s", id, q ? q : "", want);
    return 0;
}

static int
chk_wire_query(struct check_ctx *x)
{
    return each_attempt(x, test_query);
}

static int
chk_faults_consumed(struct check_ctx *x)
{
    json_t *r;
    size_t i;
    int rc = 0;

    json_array_foreach(
        json_object_get(json_object_get(x->ev, "faults"), "faults"), i, r) {
        json_t *left = json_object_get(r, "remaining");

        if (json_is_integer(left) && json_integer_value(left) > 0)
            rc = fail(x, "fault %lld on %s: %lld of its injections unused",
                      (long long)num(r, "id"), str(r, "path"),
                      (long long)json_integer_value(left));
    }
    return rc;
}

static int
chk_faults_injected(struct check_ctx *x)
{
    json_int_t n = num(json_object_get(x->ev, "faults"), "injected");
    char want[64];

    if (range_ok(x->params, n, want, sizeof(want)))
        return 0;
    return fail(x, "%lld faults injected, expected %s", (long long)n, want);
}

/* The run was killed at its "kill_when" point (not by its time limit). */
static int
killed(json_t *run)
{
    return json_is_true(json_object_get(run, "killed"));
}

static int
chk_one_outcome(struct check_ctx *x)
{
    json_t *run, *line, *id, *seen;
    size_t i, j;
    int rc = 0;

    json_array_foreach(json_object_get(x->ev, "runs"), i, run) {
        seen = json_object();
        json_array_foreach(json_object_get(run, "bad_lines"), j, line)
            rc = fail(x, "step %lld: unreadable outcome line: %.80s",
                      (long long)num(run, "step"), json_string_value(line));
        json_array_foreach(json_object_get(run, "outcomes"), j, line) {
            const char *lid = str(line, "lead_id");
            json_int_t k = lid ? num(seen, lid) : 0;

            if (lid == NULL || !in_list(outcome_names, str(line, "outcome")) ||
                !json_is_integer(json_object_get(line, "attempts"))) {
                rc = fail(x,
                          "step %lld: outcome line without lead_id, a "
                          "known outcome and integer attempts",
                          (long long)num(run, "step"));
                continue;
            }
            json_object_set_new(seen, lid, json_integer(k + 1));
        }
        json_array_foreach(json_object_get(run, "leads"), j, id) {
            json_int_t k = num(seen, json_string_value(id));

            /* A run killed on purpose may not have reached every lead. */
            if (k != 1 && (k != 0 || !killed(run)))
                rc = fail(x, "step %lld: %s has %lld outcomes, expected 1",
                          (long long)num(run, "step"), json_string_value(id),
                          (long long)k);
            json_object_del(seen, json_string_value(id));
        }
        if (json_object_size(seen) > 0)
            rc = fail(x, "step %lld: outcomes for %zu unknown lead ids",
                      (long long)num(run, "step"), json_object_size(seen));
        json_decref(seen);
    }
    return rc;
}

/* Where the run before the one starting at seq from ended (0: none). */
static json_int_t
prev_run_end(json_t *ev, json_int_t from)
{
    json_int_t end = 0;
    json_t *run;
    size_t i;

    json_array_foreach(json_object_get(ev, "runs"), i, run) {
        if (num(run, "seq_to") <= from && num(run, "seq_to") > end)
            end = num(run, "seq_to");
    }
    return end;
}

/*
 * The attempts of lead id within run (seq range). A batch record the sim
 * journaled between two runs (a Bulk job that went on while no client
 * ran) belongs to the next run, the first that can read its result. New
 * reference.
 */
static json_t *
run_attempts(json_t *ev, json_t *run, const char *id)
{
    json_t *all = json_object_get(json_object_get(ev, "attempts"), id);
    json_t *out = json_array(), *a;
    json_int_t from = num(run, "seq_from"), to = num(run, "seq_to");
    json_int_t gap = prev_run_end(ev, from);
    size_t i;

    json_array_foreach(all, i, a) {
        json_int_t seq = num(a, "seq");

        if ((seq > from ||
             (seq > gap && json_object_get(a, "batch_seq") != NULL)) &&
            seq <= to)
            json_array_append(out, a);
    }
    return out;
}

static int
count_verdict(json_t *arr, const char *verdict)
{
    json_t *a;
    size_t i;
    int n = 0;

    json_array_foreach(arr, i, a)
        n += str(a, "verdict") != NULL &&
             strcmp(str(a, "verdict"), verdict) == 0;
    return n;
}

/* A row of a Bulk API job: what the sim did with it, the client learns
 * only from the job's results, which may come in a later run or never. */
static int
bulk_row(json_t *a)
{
    const char *path = str(a, "path");

    return json_object_get(a, "batch_seq") != NULL && path != NULL &&
           strstr(path, "/jobs/ingest/") != NULL;
}

/* The lead's last Bulk row up to the end of run, if any (borrowed). */
static json_t *
last_bulk_row(json_t *ev, json_t *run, const char *id)
{
    json_t *all = json_object_get(json_object_get(ev, "attempts"), id);
    json_t *a, *last = NULL;
    size_t i;

    json_array_foreach(all, i, a) {
        if (bulk_row(a) && num(a, "seq") <= num(run, "seq_to"))
            last = a;
    }
    return last;
}

/*
 * Rows in arr of a Bulk job an earlier run uploaded (the row's batch_seq,
 * its upload, at or before run's start): this run sent nothing for them,
 * so its attempts may leave them out, or count them (a client cannot tell
 * whether a row was processed before its run or during it).
 */
static json_int_t
earlier_uploads(json_t *arr, json_t *run)
{
    json_int_t n = 0;
    json_t *a;
    size_t i;

    json_array_foreach(arr, i, a) {
        if (bulk_row(a) && num(a, "batch_seq") <= num(run, "seq_from"))
            n++;
    }
    return n;
}

/*
 * One outcome line against the wire; NULL when truthful, else why (a
 * static string filled in why). A Bulk row is judged by its results: a
 * lead "delivered" in a run that sent nothing for it (it polled a job of
 * an earlier run) is true of its last row; a row stored whose results the
 * client could not read does not make "held" false.
 */
static const char *
untruthful(json_t *ev, json_t *run, json_t *line, int compare_attempts,
           char *why, size_t n)
{
    const char *id = str(line, "lead_id"), *outcome = str(line, "outcome");
    json_t *arr = run_attempts(ev, run, id != NULL ? id : ""), *last, *a;
    size_t k = json_array_size(arr), i;
    const char *res = NULL;
    int accepted = 0, stored = 0;

    if (k == 0 && id != NULL && (a = last_bulk_row(ev, run, id)) != NULL) {
        json_array_append(arr, a);
        k = 1;
        compare_attempts = 0;
    }
    json_array_foreach(arr, i, a) {
        accepted |= in_list(accepted_verdicts, str(a, "verdict"));
        stored |= in_list(accepted_verdicts, str(a, "verdict")) && !bulk_row(a);
    }
    last = k > 0 ? json_array_get(arr, k - 1) : NULL;
    if (id == NULL || outcome == NULL) {
        res = NULL;
    } else if (strcmp(outcome, "delivered") == 0) {
        if (k == 0)
            snprintf(why, n, "%s: reported delivered but never sent", id);
        else if (!in_list(accepted_verdicts, str(last, "verdict")))
            snprintf(why, n,
                     "%s: reported delivered but the sim's verdict on its "
                     "last attempt was %s%s%s",
                     id, str(last, "verdict") ? str(last, "verdict") : "?",
                     str(last, "detail") ? " - " : "",
                     str(last, "detail") ? str(last, "detail") : "");
        res = k == 0 || !in_list(accepted_verdicts, str(last, "verdict"))
                  ? why
                  : NULL;
    } else if (strcmp(outcome, "delivery_failed") == 0 ||
               strcmp(outcome, "rejected") == 0) {
        if (accepted) {
            snprintf(why, n, "%s: reported %s but the sim stored it", id,
                     outcome);
            res = why;
        }
    } else if (strcmp(outcome, "held") == 0) {
        /* Held: not stored, to be sent again in a later run. It may have
         * used attempts first (a 401 whose refresh failed, a 503 and then
         * no budget left for the retry), or a Bulk row the sim processed
         * whose results the client did not (or could not) read. */
        if (stored) {
            snprintf(why, n, "%s: reported held but the sim stored it", id);
            res = why;
        }
    } else if (k > 0) {
        snprintf(why, n, "%s: reported %s but sent %zu times", id, outcome, k);
        res = why;
    }
    if (res == NULL && compare_attempts && k > 0 && id != NULL &&
        json_is_integer(json_object_get(line, "attempts"))) {
        json_int_t told = num(line, "attempts");
        json_int_t lo = (json_int_t)k - count_verdict(arr, "auth_failed") -
                        earlier_uploads(arr, run);

        if (told < lo || told > (json_int_t)k) {
            snprintf(why, n, "%s: reported %lld attempts, the wire shows %zu",
                     id, (long long)told, k);
            res = why;
        }
    }
    json_decref(arr);
    return res;
}

static int
chk_truthful(struct check_ctx *x)
{
    json_t *cmp = json_object_get(x->params, "attempts");
    json_t *run, *line;
    char why[512];
    size_t i, j;
    int rc = 0;

    json_array_foreach(json_object_get(x->ev, "runs"), i, run) {
        json_array_foreach(json_object_get(run, "outcomes"), j, line) {
            if (untruthful(x->ev, run, line, cmp == NULL || json_is_true(cmp),
                           why, sizeof(why)) != NULL)
                rc = fail(x, "%s", why);
        }
    }
    return rc;
}

size_t
check_false_delivered(json_t *ev, json_t *ids)
{
    json_t *run, *line;
    char why[512];
    size_t i, j, n = 0;

    json_array_foreach(json_object_get(ev, "runs"), i, run) {
        json_array_foreach(json_object_get(run, "outcomes"), j, line) {
            if (str(line, "outcome") == NULL ||
                strcmp(str(line, "outcome"), "delivered") != 0 ||
                untruthful(ev, run, line, 0, why, sizeof(why)) == NULL)
                continue;
            n++;
            if (ids != NULL)
                json_array_append(ids, json_object_get(line, "lead_id"));
        }
    }
    return n;
}

/* A 2xx that told the client its lead was taken (a REST or Flow reply
 * flagged as failed carries an error verdict instead). */
static int
is_taken(json_t *a)
{
    const char *v = str(a, "verdict");

    if (!wire_is_success(a) || v == NULL || strcmp(v, "error") == 0)
        return 0;
    /* A truncated answer never reached the client whole. */
    if (strcmp(v, "fault_injected") == 0 && str(a, "detail") != NULL &&
        strstr(str(a, "detail"), ": truncate") != NULL)
        return 0;
    return !(media_equal(str(a, "content_type"), "application/json") &&
             strncmp(v, "rejected", 8) == 0);
}

static int
chk_no_attempt_after_success(struct check_ctx *x)
{
    json_t *ids = selected(x), *id, *a;
    size_t i, j;
    int rc = 0;

    json_array_foreach(ids, i, id) {
        WITH_ATTEMPTS(x, json_string_value(id), arr);
        json_int_t taken = 0;

        json_array_foreach(arr, j, a) {
            if (taken != 0) {
                rc = fail(x,
                          "%s: sent again (seq %lld) after a %lld at seq %lld",
                          json_string_value(id), (long long)num(a, "seq"),
                          (long long)num(json_array_get(arr, j - 1), "status"),
                          (long long)taken);
                break;
            }
            if (is_taken(a))
                taken = num(a, "seq");
        }
    }
    json_decref(ids);
    return rc;
}

/*
 * The waits between a lead's consecutive attempts in simulated time (a
 * running clock): each at least min_ms (Retry-After), at most max_ms (the
 * buyer's cap), and all of them together at least min_total_ms. A lower
 * bound per wait would judge a policy (equal jitter) rather than the
 * contract: full jitter may draw a wait near zero, so "not fired back to
 * back" is a bound on the sum, which every policy the buyer's retry.*
 * allows meets.
 */
static int
spacing_one(struct check_ctx *x, const char *id, json_t *arr)
{
    json_int_t min = num(x->params, "min_ms"), total = 0;
    json_t *max = json_object_get(x->params, "max_ms");
    json_t *min_total = json_object_get(x->params, "min_total_ms");
    size_t j;

    for (j = 1; j < json_array_size(arr); j++) {
        json_int_t gap = num(json_array_get(arr, j), "time_ms") -
                         num(json_array_get(arr, j - 1), "time_ms");

        total += gap;
        if (gap < min)
            return fail(x,
                        "%s: attempts %zu and %zu are %lld ms apart, "
                        "expected at least %lld",
                        id, j, j + 1, (long long)gap, (long long)min);
        if (max != NULL && gap > json_integer_value(max))
            return fail(x,
                        "%s: attempts %zu and %zu are %lld ms apart, "
                        "expected at most %lld",
                        id, j, j + 1, (long long)gap,
                        (long long)json_integer_value(max));
    }
    if (min_total != NULL && total < json_integer_value(min_total))
        return fail(x,
                    "%s: its %zu waits add up to %lld ms, expected at "
                    "least %lld",
                    id, json_array_size(arr) > 0 ? json_array_size(arr) - 1 : 0,
                    (long long)total, (long long)json_integer_value(min_total));
    return 0;
}

static int
chk_spacing(struct check_ctx *x)
{
    json_t *ids = selected(x), *id;
    size_t i;
    int rc = 0;

    json_array_foreach(ids, i, id) {
        WITH_ATTEMPTS(x, json_string_value(id), arr);
        if (spacing_one(x, json_string_value(id), arr) == -1)
            rc = -1;
    }
    json_decref(ids);
    return rc;
}

/* The first scalar leaf of j that is not a string, as "key=value" into
 * out; NULL when every leaf is a string (null counts as absent). */
static const char *
non_string_leaf(json_t *j, const char *key, char *out, size_t n, int depth)
{
    const char *k;
    json_t *v;
    size_t i;

    if (depth <= 0)
        return NULL;
    if (json_is_object(j)) {
        json_object_foreach(j, k, v) {
            if (non_string_leaf(v, k, out, n, depth - 1) != NULL)
                return out;
        }
        return NULL;
    }
    if (json_is_array(j)) {
        json_array_foreach(j, i, v) {
            if (non_string_leaf(v, key, out, n, depth - 1) != NULL)
                return out;
        }
        return NULL;
    }
    if (json_is_string(j) || json_is_null(j))
        return NULL;
    {
        char *text = json_dumps(j, JSON_ENCODE_ANY);

        snprintf(out, n, "%s=%s", key != NULL ? key : "(top)", text);
        free(text);
    }
    return out;
}

/* 1 when obj's keys are exactly the strings of want (any order). */
static int
same_keys(json_t *obj, json_t *want)
{
    json_t *k;
    size_t i;

    if (!json_is_object(obj) || json_object_size(obj) != json_array_size(want))
        return 0;
    json_array_foreach(want, i, k) {
        if (json_object_get(obj, json_string_value(k)) == NULL)
            return 0;
    }
    return 1;
}

static int
test_wire_json(struct check_ctx *x, const char *id, json_t *a)
{
    json_t *keys = json_object_get(x->params, "keys");
    const char *list = str(x->params, "array");
    json_t *items = json_object_get(x->params, "items");
    json_t *doc, *arr;
    char leaf[256];
    int rc = 0;

    doc = json_loads(str(a, "body") != NULL ? str(a, "body") : "",
                     JSON_DECODE_ANY, NULL);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return fail(x, "%s: attempt %lld is not a JSON object", id,
                    (long long)num(a, "seq"));
    }
    arr = list != NULL ? json_object_get(doc, list) : NULL;
    if (keys != NULL && !same_keys(doc, keys)) {
        char *got = json_dumps(doc, JSON_COMPACT);

        rc = fail(x, "%s: attempt %lld has other top-level keys: %.200s", id,
                  (long long)num(a, "seq"), got);
        free(got);
    } else if (list != NULL && !json_is_array(arr)) {
        rc = fail(x, "%s: attempt %lld has no array \"%s\"", id,
                  (long long)num(a, "seq"), list);
    } else if (items != NULL &&
               json_array_size(arr) != (size_t)json_integer_value(items)) {
        rc = fail(x, "%s: attempt %lld: \"%s\" has %zu items, expected %lld",
                  id, (long long)num(a, "seq"), list, json_array_size(arr),
                  (long long)json_integer_value(items));
    } else if (json_is_true(json_object_get(x->params, "strings_only")) &&
               non_string_leaf(doc, NULL, leaf, sizeof(leaf), 8) != NULL) {
        rc = fail(x, "%s: attempt %lld sends a value that is not a string: %s",
                  id, (long long)num(a, "seq"), leaf);
    }
    json_decref(doc);
    return rc;
}

static int
chk_wire_json(struct check_ctx *x)
{
    return each_attempt(x, test_wire_json);
}

/* 1 when journal entry e is a request to the OAuth token endpoint. */
static int
is_token_request(json_t *e)
{
    const char *path = str(e, "path");

    return path != NULL &&
           strncmp(path, WIRE_TOKEN_PATH, strlen(WIRE_TOKEN_PATH)) == 0;
}

/*
 * The seq after which the attempt at index j of a lead's attempts arr was
 * sent: the lead's previous attempt (its answer came before the client
 * could send this one) or, for its first attempt in a client run, the
 * start of that run. The journal records a request when it is answered,
 * so this is the tightest bound on when it was sent that it gives.
 */
static json_int_t
sent_after(json_t *ev, json_t *arr, size_t j)
{
    json_int_t seq = num(json_array_get(arr, j), "seq"), from = 0;
    json_t *run;
    size_t i;

    json_array_foreach(json_object_get(ev, "runs"), i, run) {
        if (seq > num(run, "seq_from") && seq <= num(run, "seq_to")) {
            from = num(run, "seq_from");
            break;
        }
    }
    if (j > 0 && num(json_array_get(arr, j - 1), "seq") > from)
        from = num(json_array_get(arr, j - 1), "seq");
    return from;
}

/* The seq of a token grant the journal answered between from and to
 * (exclusive), or -1. */
static json_int_t
grant_between(json_t *journal, json_int_t from, json_int_t to)
{
    json_t *e;
    size_t i;

    json_array_foreach(journal, i, e) {
        json_int_t seq = num(e, "seq");
        const char *v = str(e, "verdict");

        if (seq > from && seq < to && is_token_request(e) && v != NULL &&
            strcmp(v, "token_issued") == 0)
            return seq;
    }
    return -1;
}

/*
 * Every attempt of a lead answered 401 is followed by the same lead again,
 * and a token was issued between the moment that attempt was sent (as
 * sent_after() bounds it) and the resend. A grant answered before the
 * 401 itself covers it: with requests in flight, one refresh serves every
 * request that carried the dead token, whenever their 401s come back.
 */
static int
chk_reauth_resends(struct check_ctx *x)
{
    json_t *ids = selected(x), *id, *a;
    json_t *journal = json_object_get(x->ev, "journal");
    size_t i, j;
    int rc = 0;

    json_array_foreach(ids, i, id) {
        WITH_ATTEMPTS(x, json_string_value(id), arr);
        json_array_foreach(arr, j, a) {
            json_int_t from, again;

            if (num(a, "status") != 401)
                continue;
            if (j + 1 >= json_array_size(arr)) {
                rc = fail(x,
                          "%s: answered 401 at seq %lld and never sent "
                          "again",
                          json_string_value(id), (long long)num(a, "seq"));
                break;
            }
            from = sent_after(x->ev, arr, j);
            again = num(json_array_get(arr, j + 1), "seq");
            if (grant_between(journal, from, again) < 0) {
                rc = fail(x,
                          "%s: answered 401 at seq %lld and sent again at "
                          "seq %lld with no token issued in between (none "
                          "after seq %lld, the earliest it was sent)",
                          json_string_value(id), (long long)num(a, "seq"),
                          (long long)again, (long long)from);
                break;
            }
        }
    }
    json_decref(ids);
    return rc;
}

/* Keys every expectation may carry, and the lead selectors. */
#define K_COMMON "check", "comment", "profile"
#define K_LEADS "lead", "leads"
#define K_RANGE "count", "min", "max"
#define K_WINDOW "run", "before_first_attempt"

static const struct check_entry {
    const char *name;
    check_fn *fn;
    const char *const *keys; /* NULL-terminated */
} checks[] = {
    {.name = "attempts",
     .fn = chk_attempts,
     .keys = (const char *const[]){K_COMMON, K_LEADS, K_RANGE, K_WINDOW, "sum",
                                   NULL}},
    {.name = "content_type",
     .fn = chk_content_type,
     .keys = (const char *const[]){K_COMMON, K_LEADS, "equals", NULL}},
    {.name = "faults_consumed",
     .fn = chk_faults_consumed,
     .keys = (const char *const[]){K_COMMON, NULL}},
    {.name = "faults_injected",
     .fn = chk_faults_injected,
     .keys = (const char *const[]){K_COMMON, K_RANGE, NULL}},
    {.name = "journal",
     .fn = chk_journal,
     .keys = (const char *const[]){K_COMMON, K_RANGE, K_WINDOW, "verdict",
                                   "path", "method", "kind", NULL}},
    {.name = "no_attempt_after_success",
     .fn = chk_no_attempt_after_success,
     .keys = (const char *const[]){K_COMMON, K_LEADS, NULL}},
    {.name = "one_outcome_per_lead",
     .fn = chk_one_outcome,
     .keys = (const char *const[]){K_COMMON, NULL}},
    {.name = "outcome",
     .fn = chk_outcome,
     .keys =
         (const char *const[]){K_COMMON, K_LEADS, "outcome", "attempts", NULL}},
    {.name = "outcome_counts",
     .fn = chk_outcome_counts,
     .keys = (const char *const[]){K_COMMON, K_LEADS, "counts", NULL}},
    {.name = "outcomes_truthful",
     .fn = chk_truthful,
     .keys = (const char *const[]){K_COMMON, "attempts", NULL}},
    {.name = "reauth_resends",
     .fn = chk_reauth_resends,
     .keys = (const char *const[]){K_COMMON, K_LEADS, NULL}},
    {.name = "record_field",
     .fn = chk_record_field,
     .keys =
         (const char *const[]){K_COMMON, "lead", "field", "equals", "empty",
                               "object", "match_field", "lead_field", NULL}},
    {.name = "records",
     .fn = chk_records,
     .keys = (const char *const[]){K_COMMON, K_RANGE, "object", NULL}},
    {.name = "spacing",
     .fn = chk_spacing,
     .keys = (const char *const[]){K_COMMON, K_LEADS, "min_ms", "max_ms",
                                   "min_total_ms", NULL}},
    {.name = "wire_auth",
     .fn = chk_wire_auth,
     .keys = (const char *const[]){K_COMMON, K_LEADS, "equals", NULL}},
    {.name = "wire_field",
     .fn = chk_wire_field,
     .keys = (const char *const[]){K_COMMON, K_LEADS, "field", "equals",
                                   "present", NULL}},
    {.name = "wire_json",
     .fn = chk_wire_json,
     .keys = (const char *const[]){K_COMMON, K_LEADS, "keys", "array", "items",
                                   "strings_only", NULL}},
    {.name = "wire_query",
     .fn = chk_wire_query,
     .keys = (const char *const[]){K_COMMON, K_LEADS, "contains", NULL}},
    {.name = NULL, .fn = NULL, .keys = NULL},
};

static const struct check_entry *
check_find(const char *name)
{
    const struct check_entry *e;

    for (e = checks; e->name != NULL; e++)
        if (strcmp(e->name, name) == 0)
            return e;
    return NULL;
}

int
check_known(const char *name)
{
    return check_find(name) != NULL;
}

const char *const *
check_keys(const char *name)
{
    const struct check_entry *e = check_find(name);

    return e != NULL ? e->keys : NULL;
}

/* Every client run must have finished in time with status 0, but one
 * killed on purpose. */
static size_t
check_runs(json_t *ev, json_t *failures)
{
    json_t *run;
    size_t i, n = 0;
    char msg[256];

    json_array_foreach(json_object_get(ev, "runs"), i, run) {
        if (json_is_true(json_object_get(run, "timed_out")))
            snprintf(msg, sizeof(msg),
                     "step %lld: the client did not finish within %lld ms",
                     (long long)num(run, "step"),
                     (long long)num(run, "timeout_ms"));
        else if (num(run, "exit") != 0 && !killed(run))
            snprintf(msg, sizeof(msg), "step %lld: the client exited %lld",
                     (long long)num(run, "step"), (long long)num(run, "exit"));
        else
            continue;
        json_array_append_new(failures, json_string(msg));
        n++;
    }
    return n;
}

/* 1 when expectation e applies under profile (no "profile": always). */
static int
applies(json_t *e, const char *profile)
{
    json_t *want = json_object_get(e, "profile"), *one;
    size_t i;

    if (want == NULL || profile == NULL)
        return 1;
    if (json_is_string(want))
        return strcmp(json_string_value(want), profile) == 0;
    json_array_foreach(want, i, one) {
        if (json_is_string(one) && strcmp(json_string_value(one), profile) == 0)
            return 1;
    }
    return 0;
}

size_t
check_case(const struct check_plan *p, json_t *ev, json_t *failures)
{
    struct check_ctx x;
    json_t *e;
    size_t i, n = check_runs(ev, failures);

    json_array_foreach(p->expect, i, e) {
        const struct check_entry *ce = check_find(str(e, "check"));

        if (ce == NULL || !applies(e, p->profile))
            continue;
        x.plan = p;
        x.ev = ev;
        x.params = e;
        x.untold = 0;
        buf_init(&x.why, WHY_MAX);
        if (ce->fn(&x) == -1) {
            if (x.untold > 0)
                buf_printf(&x.why, "%sand %zu more", x.why.len ? "; " : "",
                           x.untold);
            json_array_append_new(
                failures, json_sprintf("%s: %s", ce->name,
                                       x.why.data != NULL ? x.why.data : ""));
            n++;
        }
        buf_free(&x.why);
    }
    return n;
}
