/*
 * test_snapshot.c - state snapshots end to end: a busy sim (records, a full
 * Web-to-Lead window and its queue, sessions, fault rules with counts,
 * journal, mail, a Bulk job) exported with GET /__sim/state, restored into
 * fresh sims by --state FILE and by PUT /__sim/state, which must then
 * answer the next requests exactly as the original does; secrets redacted
 * unless asked for, and a redacted snapshot restored with notes saying
 * what is missing.
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

#include "simtest.h"

#define W2L "/servlet/servlet.WebToLead?encoding=UTF-8"
#define API "/services/data/v62.0"
#define LEADS API "/sobjects/Lead"

/* Web-to-Lead capped at 2 a day and queued past it, on a frozen clock. */
static const char busy_org[] =
    "{\"clock\": {\"start\": \"2026-03-02T10:00:00Z\", \"frozen\": true},"
    " \"web_to_lead\": {\"daily_limit\": 2, \"over_limit\": \"queue\"}}";

static const char *const seeded[] = {"--seed", "42", NULL};

struct busy {
    struct simtest a;        /* the original */
    struct simtest c;        /* a copy (stopped by the teardown when a
                                test fails before it stops it) */
    char job[64];            /* its Bulk job's id */
    char *full, *redacted;   /* its exports */
    unsigned long long last; /* its last journal seq at the export */
    char dir[64];            /* temporary files */
};

static long
send_raw(struct simtest *t, const char *method, const char *path,
         const char *type, const char *body, const char *auth,
         struct http_result *r)
{
    const char *headers[] = {auth, NULL};

    assert_int_equal(httpc_request(t->http, method, path, type, body,
                                   body != NULL ? strlen(body) : 0,
                                   auth != NULL ? headers : NULL, r),
                     0);
    return r->status;
}

/* A Bulk ingest job with its data uploaded, left for the clock to run. */
static void
bulk_job(struct simtest *t, char *id, size_t n)
{
    struct http_result r;
    json_t *j;
    char path[256];

    assert_int_equal(send_raw(t, "POST", API "/jobs/ingest", "application/json",
                              "{\"object\":\"Lead\",\"operation\":\"insert\"}",
                              t->auth, &r),
                     200);
    j = json_loads(r.body, 0, NULL);
    snprintf(id, n, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    http_result_free(&r);
    snprintf(path, sizeof(path), API "/jobs/ingest/%s/batches", id);
    assert_int_equal(send_raw(t, "PUT", path, "text/csv",
                              "LastName,Company\nByron,Acme\n", t->auth, &r),
                     201);
    http_result_free(&r);
}

static char *
get_text(struct simtest *t, const char *path)
{
    struct http_result r;
    char *text;

    assert_int_equal(send_raw(t, "GET", path, NULL, NULL, NULL, &r), 200);
    text = r.body;
    r.body = NULL;
    http_result_free(&r);
    return text;
}

/*
 * The original: 3 Web-to-Lead posts (2 created, 1 queued, 1 mail), a
 * session, a REST Lead, a fault rule struck once of three, a Bulk job.
 */
static int
start_busy(void **state)
{
    struct busy *b = calloc(1, sizeof(*b));
    struct http_result r;
    json_t *j;

    simtest_start_org_text(&b->a, busy_org, seeded);
    simtest_post_w2l_lead(&b->a, "a%40x.test");
    simtest_post_w2l_lead(&b->a, "b%40x.test");
    simtest_post_w2l_lead(&b->a, "c%40x.test");
    simtest_login(&b->a, NULL);
    assert_int_equal(send_raw(&b->a, "POST", LEADS, "application/json",
                              "{\"LastName\":\"Rest\",\"Company\":\"Acme\"}",
                              b->a.auth, &r),
                     201);
    http_result_free(&r);
    json_decref(simtest_admin(&b->a, "POST", "/__sim/faults",
                              "{\"path\":\"" LEADS "\",\"method\":\"POST\","
                              "\"status\":503,\"error_code\":"
                              "\"SERVER_UNAVAILABLE\",\"times\":3}"));
    assert_int_equal(send_raw(&b->a, "POST", LEADS, "application/json",
                              "{\"LastName\":\"F\",\"Company\":\"Acme\"}",
                              b->a.auth, &r),
                     503);
    http_result_free(&r);
    bulk_job(&b->a, b->job, sizeof(b->job));
    j = simtest_admin(&b->a, "GET", "/__sim/overview", NULL);
    b->last = (unsigned long long)json_integer_value(
        json_object_get(json_object_get(j, "journal"), "last_seq"));
    json_decref(j);
    b->full = get_text(&b->a, "/__sim/state?secrets=1");
    b->redacted = get_text(&b->a, "/__sim/state");
    snprintf(b->dir, sizeof(b->dir), "/tmp/sfsim-snapXXXXXX");
    assert_non_null(mkdtemp(b->dir));
    *state = b;
    return 0;
}

static int
stop_busy(void **state)
{
    struct busy *b = *state;
    char path[128];
    int rc = simtest_stop(&b->a);

    if (b->c.http != NULL)
        simtest_stop(&b->c);

    free(b->full);
    free(b->redacted);
    for (const char *const *f =
             (const char *const[]){"state.json", "out", "err", NULL};
         *f != NULL; f++) {
        snprintf(path, sizeof(path), "%s/%s", b->dir, *f);
        unlink(path);
    }
    rmdir(b->dir);
    free(b);
    return rc == 0 ? 0 : -1;
}

static const char *
write_state(struct busy *b, const char *text)
{
    static char path[128];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/state.json", b->dir);
    assert_non_null(fp = fopen(path, "w"));
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
    return path;
}

/* PUT /__sim/state text into t: its answer (new reference). */
static json_t *
put_state(struct simtest *t, const char *text, long expect)
{
    struct http_result r;
    json_t *j;

    assert_int_equal(
        send_raw(t, "PUT", "/__sim/state", "application/json", text, NULL, &r),
        expect);
    j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    http_result_free(&r);
    return j;
}

/* The same request to the original a and to copy (with body_copy and
 * auth_copy there): the same status and bytes. */
static void
same_on(struct simtest *a, struct simtest *copy, const char *auth_copy,
        const char *method, const char *path, const char *type,
        const char *body, const char *body_copy)
{
    struct http_result ra, rb;

    send_raw(a, method, path, type, body, a->auth, &ra);
    send_raw(copy, method, path, type, body_copy, auth_copy, &rb);
    if (ra.status != rb.status || strcmp(ra.body, rb.body) != 0) {
        size_t i = 0;

        while (ra.body[i] != '\0' && ra.body[i] == rb.body[i])
            i++;
        i = i > 200 ? i - 200 : 0;
        fail_msg("%s %s: original %ld ...%.400s\nrestored %ld ...%.400s",
                 method, path, ra.status, ra.body + i, rb.status, rb.body + i);
    }
    http_result_free(&ra);
    http_result_free(&rb);
}

static void
same(struct busy *b, struct simtest *copy, const char *method, const char *path,
     const char *type, const char *body)
{
    same_on(&b->a, copy, b->a.auth, method, path, type, body, body);
}

/* What the original and a restored copy must both answer, in order. */
static void
answers_the_same(struct busy *b, struct simtest *copy)
{
    static const char lead[] = "{\"LastName\":\"Next\",\"Company\":\"Acme\"}";
    char since[64];

    same(b, copy, "GET", "/__sim/webtolead", NULL, NULL);
    same(b, copy, "GET", "/__sim/faults", NULL, NULL);
    same(b, copy, "GET", "/__sim/sessions", NULL, NULL);
    same(b, copy, "GET", "/__sim/mail", NULL, NULL);
    same(b, copy, "GET", "/__sim/records/Lead", NULL, NULL);
    same(b, copy, "GET", "/__sim/journal", NULL, NULL);
    /* Over the cap: queued behind the one already waiting. */
    same(b, copy, "POST", W2L, "application/x-www-form-urlencoded",
         "oid=00D000000000001&last_name=Late&company=Acme");
    /* The fault's two strikes left, then the next record id. */
    same(b, copy, "POST", LEADS, "application/json", lead);
    same(b, copy, "POST", LEADS, "application/json", lead);
    same(b, copy, "POST", LEADS, "application/json", lead);
    same(b, copy, "GET", API "/limits", NULL, NULL);
    /* A day later the queue drains into a new window. */
    same(b, copy, "POST", "/__sim/clock", "application/json",
         "{\"advance_seconds\": 86400}");
    same(b, copy, "GET", "/__sim/webtolead", NULL, NULL);
    same(b, copy, "GET", "/__sim/records/Lead", NULL, NULL);
    same(b, copy, "GET", "/__sim/mail", NULL, NULL);
    same(b, copy, "GET", "/__sim/faults", NULL, NULL);
    snprintf(since, sizeof(since), "/__sim/journal?since=%llu", b->last);
    same(b, copy, "GET", since, NULL, NULL);
}

static long long
bulk_jobs(struct simtest *t)
{
    json_t *j = simtest_admin(t, "GET", "/__sim/overview", NULL);
    long long n = json_integer_value(json_object_get(j, "bulk_jobs"));

    json_decref(j);
    return n;
}

/* The one thing a copy does not have: the original's Bulk job. */
static void
expect_bulk_gone(struct busy *b, struct simtest *copy, json_t *notes)
{
    assert_int_equal(bulk_jobs(&b->a), 1);
    assert_int_equal(bulk_jobs(copy), 0);
    if (notes != NULL)
        assert_non_null(strstr(json_string_value(json_array_get(
                                   notes, json_array_size(notes) - 1)),
                               "1 Bulk API job of the exported sim is not "
                               "carried"));
}

static void
test_put_state_answers_the_same(void **state)
{
    struct busy *b = *state;
    struct simtest *c = &b->c;
    json_t *j;

    simtest_start(c, NULL);
    j = put_state(c, b->full, 200);
    /* Nothing missing but the Bulk job. */
    assert_int_equal(json_array_size(json_object_get(j, "notes")), 1);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(j, "records"), "Lead")),
                     3);
    answers_the_same(b, c);
    expect_bulk_gone(b, c, json_object_get(j, "notes"));
    json_decref(j);
    assert_int_equal(simtest_stop(c), 0);
}

static void
test_state_file_answers_the_same(void **state)
{
    struct busy *b = *state;
    const char *args[] = {"--seed", "7", "--state", NULL, NULL};
    struct simtest *c = &b->c;

    args[3] = write_state(b, b->full);
    simtest_start(c, args);
    answers_the_same(b, c);
    expect_bulk_gone(b, c, NULL);
    assert_int_equal(simtest_stop(c), 0);
}

/* A restored sim exports the same document, but for what it does not
 * carry and the answer's own bookkeeping. */
static void
test_export_of_a_restore_is_the_same(void **state)
{
    struct busy *b = *state;
    json_t *orig = json_loads(b->full, 0, NULL), *again, *j;
    struct simtest *c = &b->c;
    char *text;

    simtest_start(c, NULL);
    json_decref(put_state(c, b->full, 200));
    text = get_text(c, "/__sim/state?secrets=1");
    again = json_loads(text, 0, NULL);
    assert_non_null(orig);
    assert_non_null(again);
    j = json_object_get(orig, "not_carried");
    assert_int_equal(json_integer_value(json_object_get(j, "bulk_jobs")), 1);
    json_object_del(orig, "not_carried");
    json_object_del(again, "not_carried");
    assert_true(json_equal(orig, again));
    json_decref(orig);
    json_decref(again);
    free(text);
    assert_int_equal(simtest_stop(c), 0);
}

static void
test_secrets_redacted_unless_asked(void **state)
{
    struct busy *b = *state;

    assert_non_null(strstr(b->full, b->a.access_token));
    assert_non_null(strstr(b->full, "sfsim-password"));
    assert_non_null(strstr(b->full, "sfsim-client-secret"));
    assert_null(strstr(b->redacted, b->a.access_token));
    assert_null(strstr(b->redacted, b->a.refresh_token));
    assert_null(strstr(b->redacted, "sfsim-password"));
    assert_null(strstr(b->redacted, "sfsim-client-secret"));
    assert_non_null(strstr(b->redacted, "\"secrets\":false"));
    assert_non_null(strstr(b->full, "\"secrets\":true"));
}

static size_t
notes_with(json_t *notes, const char *text)
{
    size_t i, n = 0;
    json_t *v;

    json_array_foreach(notes, i, v) {
        if (strstr(json_string_value(v), text) != NULL)
            n++;
    }
    return n;
}

/* A redacted snapshot restores everything but the secrets, and says so:
 * the session is gone, the password kept from the sim it goes into. */
static void
test_redacted_restore_says_what_is_missing(void **state)
{
    struct busy *b = *state;
    struct http_result r;
    struct simtest *c = &b->c;
    json_t *j, *notes;

    simtest_start(c, NULL);
    j = put_state(c, b->redacted, 200);
    notes = json_object_get(j, "notes");
    assert_int_equal(notes_with(notes, "1 session was redacted: not restored"),
                     1);
    assert_int_equal(notes_with(notes, "1 refresh token was redacted"), 1);
    assert_int_equal(notes_with(notes, "password (admin@sfsim.test) was "
                                       "redacted: kept this sim's current one"),
                     1);
    assert_int_equal(notes_with(notes, "client_secret (sfsim-client-id) was "
                                       "redacted: kept"),
                     1);
    assert_int_equal(json_integer_value(json_object_get(j, "sessions")), 0);
    json_decref(j);
    assert_int_equal(send_raw(c, "GET", LEADS, NULL, NULL, b->a.auth, &r), 401);
    http_result_free(&r);
    /* The rest came back: records, the window, the queue. */
    assert_int_equal(simtest_count(c, "Lead"), 3);
    j = simtest_admin(c, "GET", "/__sim/webtolead", NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "queued")), 1);
    json_decref(j);
    /* The same password logs in, the sim's own. */
    assert_int_equal(
        httpc_post_form(c->http, "/services/oauth2/token",
                        "grant_type=password&client_id=sfsim-client-id"
                        "&client_secret=sfsim-client-secret"
                        "&username=admin%40sfsim.test&password=sfsim-password",
                        NULL),
        200);
    assert_int_equal(simtest_stop(c), 0);
}

/* --state with a redacted file: the notes go to stderr, the sim serves. */
static void
test_redacted_state_file_logs_notes(void **state)
{
    struct busy *b = *state;
    const char *args[] = {"--state", NULL, NULL};
    char path[128], *err;
    struct simtest *c = &b->c;

    args[1] = write_state(b, b->redacted);
    simtest_start_logged(c, b->dir, args);
    assert_int_equal(simtest_count(c, "Lead"), 3);
    assert_int_equal(simtest_stop(c), 0);
    snprintf(path, sizeof(path), "%s/err", b->dir);
    err = test_read_file(path);
    assert_non_null(err);
    assert_non_null(strstr(err, "1 session was redacted: not restored"));
    assert_non_null(strstr(err, "1 Bulk API job of the exported sim"));
    free(err);
}

/* A bad file changes nothing, and says where it is wrong. */
static void
test_bad_state_changes_nothing(void **state)
{
    struct busy *b = *state;
    json_t *doc = json_loads(b->full, 0, NULL), *j;
    char *text;

    json_object_set_new(json_object_get(doc, "not_carried"), "bulk_jobs",
                        json_string("one"));
    text = json_dumps(doc, JSON_COMPACT);
    j = put_state(&b->a, text, 400);
    assert_non_null(strstr(json_string_value(json_object_get(j, "message")),
                           "not_carried.bulk_jobs"));
    json_decref(j);
    free(text);
    json_decref(doc);
    assert_int_equal(simtest_count(&b->a, "Lead"), 3);
    assert_int_equal(bulk_jobs(&b->a), 1);
}

/* A custom object's records (and their auto numbers) come back: the
 * restored sim builds the org's custom objects as a started one does. */
static void
test_custom_object_records_restored(void **state)
{
    const char *org[] = {"--org", NULL, NULL};
    struct simtest a, c;
    json_t *made, *orig, *copy;
    char *text, path[128], get[160];
    long st;
    FILE *fp;

    (void)state;
    org[1] = simtest_fixture("orgs/custom-objects.json");
    simtest_start(&a, org);
    simtest_login(&a, NULL);
    made = simtest_api_json(&a, "POST", API "/sobjects/Invoice__c",
                            "{\"Amount__c\": 12.5}", NULL, &st);
    assert_int_equal(st, 201);
    snprintf(get, sizeof(get), API "/sobjects/Invoice__c/%s",
             json_string_value(json_object_get(made, "id")));
    orig = simtest_api_json(&a, "GET", get, NULL, NULL, &st);
    assert_int_equal(st, 200);
    text = get_text(&a, "/__sim/state?secrets=1");
    snprintf(path, sizeof(path), "/tmp/sfsim-state-%d.json", (int)getpid());
    assert_non_null(fp = fopen(path, "w"));
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    {
        const char *args[] = {"--state", path, NULL};

        simtest_start(&c, args);
    }
    simtest_login(&c, NULL);
    copy = simtest_api_json(&c, "GET", get, NULL, NULL, &st);
    assert_int_equal(st, 200);
    assert_true(json_equal(orig, copy));
    unlink(path);
    free(text);
    json_decref(made);
    json_decref(orig);
    json_decref(copy);
    assert_int_equal(simtest_stop(&c), 0);
    assert_int_equal(simtest_stop(&a), 0);
}

/* --- the recycle bin ------------------------------------------------------ */

/* The id of a new record of object made of body. */
static void
create(struct simtest *t, const char *object, const char *body, char *id,
       size_t n)
{
    char path[128];
    long st;
    json_t *j;

    snprintf(path, sizeof(path), API "/sobjects/%s", object);
    j = simtest_api_json(t, "POST", path, body, NULL, &st);
    if (st != 201) {
        char *text = json_dumps(j, JSON_COMPACT);

        fail_msg("POST %s %s: %ld %s", path, body, st, text);
        free(text);
    }
    snprintf(id, n, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
}

static void
delete_record(struct simtest *t, const char *object, const char *id)
{
    char path[160];
    long st;

    snprintf(path, sizeof(path), API "/sobjects/%s/%s", object, id);
    json_decref(simtest_api_json(t, "DELETE", path, NULL, NULL, &st));
    assert_int_equal(st, 204);
}

static char *
soap_undelete_body(const char *token, const char *id, char *body, size_t n)
{
    snprintf(
        body, n,
        "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\" "
        "xmlns=\"urn:partner.soap.sforce.com\"><e:Header><SessionHeader>"
        "<sessionId>%s</sessionId></SessionHeader></e:Header><e:Body>"
        "<undelete><ids>%s</ids></undelete></e:Body></e:Envelope>",
        token, id);
    return body;
}

/* Records in the bin, their order and the purges so far: what queryAll,
 * getDeleted and undelete answer from. */
struct binned {
    struct simtest a, c;
    char lead1[32], lead2[32], lead3[32], inv[32], line1[32], line2[32];
    char *text; /* a's export */
};

#define GETDELETED(obj)                                                        \
    API "/sobjects/" obj "/deleted/?start=2030-03-17T00:00:00Z&end="           \
        "2030-04-30T00:00:00Z"
#define QUERY_ALL(soql) API "/queryAll?q=" soql

/* On a frozen clock: a Lead deleted and purged 16 days later, then three
 * Leads (two deleted in the same millisecond, the later-created first),
 * an invoice line deleted alone, then its invoice with the other line. */
static void
fill_bin(struct binned *b)
{
    char other[64];

    json_decref(simtest_admin(&b->a, "POST", "/__sim/clock",
                              "{\"frozen\": true, \"set\": "
                              "\"2030-03-02T10:00:00Z\"}"));
    simtest_login(&b->a, NULL);
    create(&b->a, "Lead", "{\"LastName\":\"Gone\",\"Company\":\"A\"}", other,
           sizeof(other));
    delete_record(&b->a, "Lead", other);
    simtest_advance(&b->a, 16 * 86400);
    simtest_login(&b->a, NULL);
    create(&b->a, "Lead", "{\"LastName\":\"L1\",\"Company\":\"A\"}", b->lead1,
           sizeof(b->lead1));
    create(&b->a, "Lead", "{\"LastName\":\"L2\",\"Company\":\"A\"}", b->lead2,
           sizeof(b->lead2));
    create(&b->a, "Lead", "{\"LastName\":\"L3\",\"Company\":\"A\"}", b->lead3,
           sizeof(b->lead3));
    delete_record(&b->a, "Lead", b->lead3); /* purges the first one too */
    delete_record(&b->a, "Lead", b->lead2);
    create(&b->a, "Invoice__c", "{}", b->inv, sizeof(b->inv));
    snprintf(other, sizeof(other), "{\"Name\":\"L1\",\"Invoice__c\":\"%s\"}",
             b->inv);
    create(&b->a, "Invoice_Line__c", other, b->line1, sizeof(b->line1));
    other[10] = '2';
    create(&b->a, "Invoice_Line__c", other, b->line2, sizeof(b->line2));
    delete_record(&b->a, "Invoice_Line__c", b->line2);
    simtest_advance(&b->a, 60);
    delete_record(&b->a, "Invoice__c", b->inv);
    simtest_advance(&b->a, 60);
    b->text = get_text(&b->a, "/__sim/state?secrets=1");
}

/* The same request to the original and the restored copy, each with its
 * own session. */
static void
both(struct binned *b, const char *method, const char *path)
{
    same_on(&b->a, &b->c, b->c.auth, method, path, NULL, NULL, NULL);
}

/* SOAP undelete() of id on both. */
static void
both_undelete(struct binned *b, const char *id)
{
    char ba[1024], bc[1024];

    same_on(&b->a, &b->c, b->c.auth, "POST", "/services/Soap/u/62.0",
            "text/xml",
            soap_undelete_body(b->a.access_token, id, ba, sizeof(ba)),
            soap_undelete_body(b->c.access_token, id, bc, sizeof(bc)));
}

static void
bin_answers_the_same(struct binned *b)
{
    char path[256];

    both(b, "GET", QUERY_ALL("SELECT+Id,IsDeleted,LastName+FROM+Lead"));
    both(b, "GET", QUERY_ALL("SELECT+Id,IsDeleted+FROM+Invoice_Line__c"));
    both(b, "GET", GETDELETED("Lead"));
    both(b, "GET", GETDELETED("Invoice_Line__c"));
    both(b, "GET", GETDELETED("Invoice__c"));
    /* Undeleting the invoice brings back the line deleted with it only. */
    both_undelete(b, b->inv);
    both_undelete(b, b->lead2);
    both(b, "GET", QUERY_ALL("SELECT+Id,IsDeleted+FROM+Invoice_Line__c"));
    snprintf(path, sizeof(path), API "/sobjects/Invoice_Line__c/%s", b->line1);
    both(b, "GET", path);
    snprintf(path, sizeof(path), API "/sobjects/Invoice_Line__c/%s", b->line2);
    both(b, "GET", path);
    both(b, "GET", GETDELETED("Lead"));
    /* 15 days on, the rest is purged on both. */
    simtest_advance(&b->a, 15 * 86400);
    simtest_advance(&b->c, 15 * 86400);
    simtest_login(&b->a, NULL);
    simtest_login(&b->c, NULL);
    both(b, "GET", QUERY_ALL("SELECT+Id,IsDeleted,LastName+FROM+Lead"));
    both(b, "GET", QUERY_ALL("SELECT+Id,IsDeleted+FROM+Invoice_Line__c"));
    both(b, "GET", GETDELETED("Lead"));
    both(b, "GET", GETDELETED("Invoice_Line__c"));
}

static void
test_recycle_bin_restored(void **state)
{
    const char *org[] = {"--org", NULL, NULL};
    struct binned *b = calloc(1, sizeof(*b));
    json_t *j;

    (void)state;
    org[1] = simtest_fixture("orgs/custom-objects.json");
    simtest_start(&b->a, org);
    fill_bin(b);
    simtest_start(&b->c, org);
    j = put_state(&b->c, b->text, 200);
    json_decref(j);
    simtest_login(&b->c, NULL);
    assert_int_equal(simtest_count(&b->c, "Lead"), 1);
    bin_answers_the_same(b);
    free(b->text);
    assert_int_equal(simtest_stop(&b->c), 0);
    assert_int_equal(simtest_stop(&b->a), 0);
    free(b);
}

/* A bad recycle bin member is refused where it is, nothing changed. */
static void
test_bad_bin_changes_nothing(void **state)
{
    static const struct {
        const char *member, *value, *where;
    } bad[] = {
        {"deleted", "\"yes\"", "deleted"},
        {"modified", "\"2031-01-01T00:00:00Z\"", "must not be after clock.now"},
        {"bin", "{\"order\": [42]}", "recycle_bin.order[0]"},
        {"bin", "{\"order\": \"x\"}", "recycle_bin.order"},
        {"bin", "{\"purged_until\": {\"Nope__c\": \"2026-03-01T00:00:00Z\"}}",
         "recycle_bin.purged_until.Nope__c"},
        {"bin", "{\"purged_until\": {\"Lead\": 1}}",
         "recycle_bin.purged_until.Lead"},
        {"bin", "{\"purged_until\": {\"Lead\": \"2031-01-01T00:00:00Z\"}}",
         "must not be after clock.now"},
        {"bin", "{\"trash\": []}", "recycle_bin.trash"},
        {"bin", "[]", "recycle_bin"},
        {"twice", NULL, "listed twice"},
        {"taken", NULL, "listed twice"},
    };
    const char *org[] = {"--org", NULL, NULL};
    struct binned *b = calloc(1, sizeof(*b));
    json_t *doc, *recs, *rec = NULL, *j, *bin;
    char *text, *before;
    size_t i, k;

    (void)state;
    org[1] = simtest_fixture("orgs/custom-objects.json");
    simtest_start(&b->a, org);
    fill_bin(b);
    before = get_text(&b->a, "/__sim/state?secrets=1");
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        doc = json_loads(b->text, 0, NULL);
        recs = json_object_get(doc, "records");
        bin = json_object_get(doc, "recycle_bin");
        json_array_foreach(recs, k, rec) {
            if (json_is_true(json_object_get(rec, "deleted")))
                break;
        }
        assert_non_null(rec);
        if (strcmp(bad[i].member, "bin") == 0) {
            json_object_set_new(doc, "recycle_bin",
                                json_loads(bad[i].value, 0, NULL));
        } else if (strcmp(bad[i].member, "twice") == 0) {
            json_array_append(json_object_get(bin, "order"),
                              json_object_get(rec, "id"));
            json_array_append(json_object_get(bin, "order"),
                              json_object_get(rec, "id"));
        } else if (strcmp(bad[i].member, "taken") == 0) {
            json_array_append(recs, rec); /* its id again */
        } else {
            json_object_set_new(
                rec, bad[i].member,
                json_loads(bad[i].value, JSON_DECODE_ANY, NULL));
        }
        text = json_dumps(doc, JSON_COMPACT);
        j = put_state(&b->a, text, 400);
        if (strstr(json_string_value(json_object_get(j, "message")),
                   bad[i].where) == NULL)
            fail_msg("case %zu: %s", i,
                     json_string_value(json_object_get(j, "message")));
        json_decref(j);
        free(text);
        json_decref(doc);
    }
    text = get_text(&b->a, "/__sim/state?secrets=1");
    assert_string_equal(text, before);
    free(text);
    free(before);
    free(b->text);
    assert_int_equal(simtest_stop(&b->a), 0);
    free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_custom_object_records_restored),
        cmocka_unit_test(test_recycle_bin_restored),
        cmocka_unit_test(test_bad_bin_changes_nothing),
        cmocka_unit_test_setup_teardown(test_put_state_answers_the_same,
                                        start_busy, stop_busy),
        cmocka_unit_test_setup_teardown(test_state_file_answers_the_same,
                                        start_busy, stop_busy),
        cmocka_unit_test_setup_teardown(test_export_of_a_restore_is_the_same,
                                        start_busy, stop_busy),
        cmocka_unit_test_setup_teardown(test_secrets_redacted_unless_asked,
                                        start_busy, stop_busy),
        cmocka_unit_test_setup_teardown(
            test_redacted_restore_says_what_is_missing, start_busy, stop_busy),
        cmocka_unit_test_setup_teardown(test_redacted_state_file_logs_notes,
                                        start_busy, stop_busy),
        cmocka_unit_test_setup_teardown(test_bad_state_changes_nothing,
                                        start_busy, stop_busy),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
