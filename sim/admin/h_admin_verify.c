/*
 * h_admin_verify.c - POST /__sim/journal/verify: does the journal hold what
 * a test expects ("exactly 3 posts for this email, verdict created")?
 *
 * The body is {"match": {criteria as GET /__sim/journal takes them, and
 * since}, "count": N} (or "at_least" and/or "at_most"; neither: at least
 * one). The answer says whether it holds (200, or 409 so that `curl -f`
 * fails a script), how many entries matched and the first of them, and,
 * when too few did, the entries that came closest and why each differs,
 * criterion by criterion (WireMock's near misses). Bounded: the matches
 * shown, and the newest entries looked at for near misses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "journal.h"
#include "jquery.h"
#include "sim.h"

#define VERIFY_ENTRIES_MAX 100
#define VERIFY_ENTRIES_BYTES (1024 * 1024)
#define VERIFY_NEAR_SCAN 2000
#define VERIFY_NEAR_MAX 3
#define VERIFY_COUNT_MAX 9007199254740992LL /* 2^53: exact in JSON */

struct expect {
    json_int_t lo, hi;
    json_t *as_given; /* the expectation as the body gave it (owned) */
};

struct near {
    double distance;
    uint64_t seq;
    json_t *criteria; /* owned */
};

static int
bad(struct sim_response *resp, const char *msg)
{
    response_admin_error(resp, 400, "bad_request", msg);
    return -1;
}

static int
count_of(json_t *body, const char *key, json_int_t *out,
         struct sim_response *resp)
{
    json_t *v = json_object_get(body, key);
    char msg[96];

    if (v == NULL)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        json_integer_value(v) > VERIFY_COUNT_MAX) {
        snprintf(msg, sizeof(msg), "%s must be a whole number, 0 or more", key);
        return bad(resp, msg);
    }
    *out = json_integer_value(v);
    return 1;
}

/* count, at_least, at_most into e; -1 after answering 400. */
static int
expect_of(json_t *body, struct expect *e, struct sim_response *resp)
{
    json_int_t count = 0, lo = 1, hi = VERIFY_COUNT_MAX;
    int has_count, has_lo, has_hi;

    if ((has_count = count_of(body, "count", &count, resp)) == -1 ||
        (has_lo = count_of(body, "at_least", &lo, resp)) == -1 ||
        (has_hi = count_of(body, "at_most", &hi, resp)) == -1)
        return -1;
    if (has_count && (has_lo || has_hi))
        return bad(resp, "give count, or at_least and/or at_most");
    if (has_count)
        lo = hi = count;
    else if (has_hi && !has_lo)
        lo = 0;
    if (lo > hi)
        return bad(resp, "at_least is more than at_most");
    e->lo = lo;
    e->hi = hi;
    e->as_given = json_object();
    if (has_count)
        json_object_set_new(e->as_given, "count", json_integer(count));
    if (!has_count && (has_lo || !has_hi))
        json_object_set_new(e->as_given, "at_least", json_integer(lo));
    if (has_hi && !has_count)
        json_object_set_new(e->as_given, "at_most", json_integer(hi));
    return 0;
}

/* The criteria of "match" into q, since into *since. */
static int
match_of(json_t *match, struct jquery *q, uint64_t *since,
         struct sim_response *resp)
{
    struct sf_err err;
    const char *key;
    json_t *v;
    int c;

    *since = 0;
    if (match == NULL)
        return 0;
    if (!json_is_object(match))
        return bad(resp, "match must be an object of criteria");
    err_clear(&err);
    json_object_foreach(match, key, v) {
        if (strcmp(key, "since") == 0) {
            if (!json_is_integer(v) || json_integer_value(v) < 0)
                return bad(resp, "since must be a journal seq, 0 or more");
            *since = (uint64_t)json_integer_value(v);
        } else if ((c = jquery_criterion(key)) >= 0) {
            if (jquery_set_json(q, (enum jquery_criterion)c, v, &err) == -1)
                return bad(resp, err.msg);
        } else {
            return bad(resp, "unknown criterion in match; known: verdict, "
                             "method, status, path, lead, since");
        }
    }
    return 0;
}

static int
parse_body(const struct sim_request *req, struct jquery *q, uint64_t *since,
           struct expect *e, struct sim_response *resp)
{
    static const char *const keys[] = {"match", "count", "at_least", "at_most",
                                       NULL};
    const char *const *k;
    const char *key;
    json_t *v;

    if (!json_is_object(req->json))
        return bad(resp, "expected a JSON object such as {\"match\": "
                         "{\"verdict\": \"created\"}, \"count\": 1}");
    json_object_foreach(req->json, key, v) {
        for (k = keys; *k != NULL && strcmp(*k, key) != 0; k++)
            ;
        if (*k == NULL)
            return bad(resp, "unknown key; expected match, count, at_least "
                             "or at_most");
    }
    if (match_of(json_object_get(req->json, "match"), q, since, resp) == -1)
        return -1;
    return expect_of(req->json, e, resp);
}

/* The entry's text as JSON (new reference). */
static json_t *
entry_json(const struct journal_view *v)
{
    json_t *j = json_loadb(v->json, v->len, JSON_ALLOW_NUL, NULL);

    return j != NULL ? j : json_null();
}

/* Keeps (distance, seq) among the best VERIFY_NEAR_MAX; steals criteria. */
static void
near_keep(struct near *best, size_t *n, double d, uint64_t seq,
          json_t *criteria)
{
    size_t i = *n;

    if (i == VERIFY_NEAR_MAX && d >= best[i - 1].distance) {
        json_decref(criteria);
        return;
    }
    if (i == VERIFY_NEAR_MAX)
        json_decref(best[--i].criteria);
    else
        (*n)++;
    /* Newest first, so an equal distance keeps the newer entry ahead. */
    for (; i > 0 && best[i - 1].distance > d; i--)
        best[i] = best[i - 1];
    best[i] = (struct near){d, seq, criteria};
}

static json_t *
near_misses(struct sim *sim, const struct jquery *q, uint64_t lo, uint64_t hi)
{
    struct near best[VERIFY_NEAR_MAX];
    struct journal_view v;
    json_t *out = json_array(), *criteria;
    size_t n = 0, looked = 0, i;
    uint64_t seq;
    double d;

    for (seq = hi; seq >= lo && seq > 0 && looked < VERIFY_NEAR_SCAN; seq--) {
        if (journal_view(sim->journal, seq, &v) == -1)
            break;
        if (jquery_match(sim->journal, &v, (void *)q))
            continue;
        looked++;
        criteria = json_array();
        d = jquery_distance(q, sim->journal, &v, criteria);
        near_keep(best, &n, d, seq, criteria);
    }
    for (i = 0; i < n; i++) {
        journal_view(sim->journal, best[i].seq, &v);
        json_array_append_new(out, json_pack("{s:f, s:o, s:o}", "distance",
                                             best[i].distance, "criteria",
                                             best[i].criteria, "entry",
                                             entry_json(&v)));
    }
    return out;
}

static json_t *
summary(const struct expect *e, json_int_t matched, int ok)
{
    char msg[200];

    if (e->lo == e->hi)
        snprintf(msg, sizeof(msg), "expected exactly %lld, found %lld",
                 (long long)e->lo, (long long)matched);
    else if (e->hi == VERIFY_COUNT_MAX)
        snprintf(msg, sizeof(msg), "expected at least %lld, found %lld",
                 (long long)e->lo, (long long)matched);
    else
        snprintf(msg, sizeof(msg), "expected %lld to %lld, found %lld",
                 (long long)e->lo, (long long)e->hi, (long long)matched);
    return json_pack("{s:b, s:I, s:O, s:s}", "ok", ok, "matched",
                     (json_int_t)matched, "expected", e->as_given, "message",
                     msg);
}

void
h_admin_journal_verify(struct sim *sim, struct sim_request *req,
                       struct sim_response *resp)
{
    struct expect e = {0, 0, NULL};
    struct journal_view v;
    struct jquery q;
    uint64_t since, seq, hi = journal_last_seq(sim->journal);
    json_t *entries = json_array(), *answer;
    json_int_t matched = 0;
    size_t bytes = 0;
    int ok;

    jquery_init(&q);
    if (parse_body(req, &q, &since, &e, resp) == -1)
        goto out;
    seq = journal_first_seq(sim->journal);
    for (seq = since >= seq ? since + 1 : seq; since < UINT64_MAX && seq <= hi;
         seq++) {
        if (journal_view(sim->journal, seq, &v) == -1 ||
            !jquery_match(sim->journal, &v, &q))
            continue;
        matched++;
        if (json_array_size(entries) < VERIFY_ENTRIES_MAX &&
            (bytes += v.len) <= VERIFY_ENTRIES_BYTES)
            json_array_append_new(entries, entry_json(&v));
    }
    ok = matched >= e.lo && matched <= e.hi;
    answer = summary(&e, matched, ok);
    json_object_set(answer, "entries", entries);
    json_object_set_new(answer, "entries_shown",
                        json_integer((json_int_t)json_array_size(entries)));
    if (!ok && matched < e.lo && q.set != 0)
        json_object_set_new(answer, "near_misses",
                            near_misses(sim, &q, since + 1, hi));
    response_json(resp, ok ? 200 : 409, answer);
out:
    json_decref(entries);
    json_decref(e.as_given);
    jquery_free(&q);
}
