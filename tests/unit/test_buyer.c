/*
 * test_buyer.c - buyer config: defaults, every section, located errors.
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
#include <jansson.h>

#include "buyer.h"
#include "xmalloc.h"

/* make runs unit tests from the repository root. */
#ifndef FIXTURES
#define FIXTURES "fixtures"
#endif

static int
load(struct buyer *b, const char *text, struct sf_err *err)
{
    err_clear(err);
    return buyer_load_text(b, "buyer.json", text, strlen(text), NULL, err);
}

static void
test_minimal_defaults(void **state)
{
    struct buyer b;
    struct sf_err err;

    (void)state;
    assert_int_equal(load(&b,
                          "{\"delivery\":{\"url\":\"http://x/servlet/"
                          "servlet.WebToLead\",\"content_type\":"
                          "\"application/x-www-form-urlencoded\"},"
                          "\"static_fields\":{\"oid\":\"00D000000000001\"}}",
                          &err),
                     0);
    assert_int_equal(b.ctype, BUYER_CT_FORM);
    assert_int_equal(b.format, BUYER_FMT_FORM);
    assert_int_equal(b.retry.max_retries, 3);
    assert_int_equal(b.retry.backoff_ms, 500);
    assert_int_equal(b.concurrency, 8);
    assert_int_equal(b.w2l_budget, 500);
    assert_int_equal(b.w2l_window_s, 86400);
    assert_int_equal(b.paused, 0);
    assert_int_equal(b.auth.session_timeout_s, 7200);
    assert_string_equal(buyer_w2l_oid(&b), "00D000000000001");
    assert_false(buyer_can_refresh(&b));
    buyer_free(&b);
}

static void
test_full(void **state)
{
    struct buyer b;
    struct sf_err err;
    const char *text =
        "{\"name\":\"acme\",\"paused\":true,\n"
        " \"delivery\":{\"url\":\"http://x/services/data/v59.0/sobjects/"
        "Lead/\",\"content_type\":\"application/json\",\"format\":\"flow\","
        "\"headers\":{\"Authorization\":\"Bearer abc\"},\"timeout_ms\":"
        "1500},\n"
        " \"mapping\":{\"first_name\":\"FirstName\",\"custom.case_type\":"
        "\"case_type__c\"},\n"
        " \"static_fields\":{\"LeadSource\":\"Lead Distro AI\",\"Score\":7,"
        "\"Hot\":true},\n"
        " \"auth\":{\"token_url\":\"http://x/services/oauth2/token\","
        "\"client_id\":\"id\",\"client_secret\":\"s\",\"refresh_token\":"
        "\"r\"},\n"
        " \"retry\":{\"max_retries\":5,\"backoff_ms\":1,\"jitter\":false},\n"
        " \"filters\":[{\"field\":\"email\",\"required\":true,\"pattern\":"
        "\"@\"},{\"field\":\"state\",\"allowed\":[\"CA\",\"NY\"]}],\n"
        " \"dedup\":{\"fields\":[\"email\",\"phone\"],\"match\":\"all\","
        "\"window_seconds\":60},\n"
        " \"suppression\":{\"fields\":[\"email\"],\"values\":[\"a@b.c\"]},\n"
        " \"web_to_lead\":{\"daily_budget\":10}}";

    (void)state;
    assert_int_equal(load(&b, text, &err), 0);
    assert_string_equal(b.name, "acme");
    assert_int_equal(b.paused, 1);
    assert_int_equal(b.format, BUYER_FMT_FLOW);
    assert_int_equal(b.timeout_ms, 1500);
    assert_string_equal(buyer_header(&b, "authorization"), "Bearer abc");
    buyer_set_header(&b, "Authorization", "Bearer new");
    assert_string_equal(buyer_header(&b, "Authorization"), "Bearer new");
    assert_int_equal(b.nmapping, 2);
    assert_string_equal(b.mapping[1].key, "custom.case_type");
    assert_string_equal(b.mapping[1].value, "case_type__c");
    assert_string_equal(buyer_static(&b, "Score"), "7");
    assert_string_equal(buyer_static(&b, "Hot"), "true");
    assert_true(buyer_can_refresh(&b));
    assert_int_equal(b.retry.max_retries, 5);
    assert_int_equal(b.retry.jitter, 0);
    assert_int_equal(b.nfilters, 2);
    assert_true(b.filters[0].required && b.filters[0].has_pattern);
    assert_int_equal(b.filters[1].nallowed, 2);
    assert_int_equal(b.dedup.nfields, 2);
    assert_int_equal(b.dedup.match_all, 1);
    assert_int_equal(b.dedup.window_s, 60);
    assert_int_equal(b.suppression.nvalues, 1);
    assert_int_equal(b.w2l_budget, 10);
    assert_null(buyer_w2l_oid(&b));
    buyer_free(&b);
}

struct bad_case {
    const char *text;
    const char *msg;
};

static const struct bad_case bad_cases[] = {
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":\"application/"
     "json\"},\n"
     "  \"retyr\":{}}",
     "buyer.json:2:3: retyr: unknown key"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":\"application/"
     "json\",\n"
     "\"headerz\":{}}}",
     "buyer.json:2:1: delivery.headerz: unknown key"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":\"application/"
     "json\"},"
     "\"retry\":{\"max_retries\":\"3\"}}",
     "buyer.json:1:89: retry.max_retries: must be an integer"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":\"text/plain\"}}",
     "delivery.content_type: \"text/plain\" is not one of"},
    {"{\"delivery\":{\"url\":\"http://u\"}}",
     "delivery.content_type: is required"},
    {"{}", "delivery: is required"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":\"application/"
     "json\"},"
     "\"mapping\":{\"a\":1}}",
     "mapping.a: must be a string"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":\"application/"
     "json\"},"
     "\"filters\":[{\"field\":\"a\",\"pattern\":\"(\"}]}",
     "filters[0].pattern: bad regular expression"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":\"application/"
     "json\"},"
     "\"filters\":[{\"field\":\"a\",\"oops\":1}]}",
     "filters[0].oops: unknown key"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":\"application/"
     "json\"},"
     "\"dedup\":{\"fields\":[\"a\",2]}}",
     "dedup.fields[1]: must be a string"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
     "\"application/x-www-form-urlencoded\",\"format\":\"flow\"}}",
     "delivery.format: a form-encoded buyer must use \"form\""},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":\"application/"
     "json\"},"
     "\"auth\":{\"token_url\":\"http://t\"}}",
     "auth.token_url: needs auth.client_id"},
    {"{\"delivery\":", "buyer.json:1:12:"},
    {"[]", "the document must be a JSON object"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":\"application/"
     "json\"},"
     "\"paused\":\"no\"}",
     "paused: must be true or false"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":\"application/"
     "json\"},"
     "\"suppression\":{\"values\":[\"x\"]}}",
     "suppression.fields: is required"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":\"application/"
     "json\"},"
     "\"auth\":{\"session_timeout_seconds\":600,"
     "\"refresh_margin_seconds\":600}}",
     "auth.refresh_margin_seconds: must be less than"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":\"application/"
     "json\"},"
     "\"reconcile\":{\"query_url\":\"http://q\",\"match_field\":\"a__c\"}}",
     "reconcile: only Web-to-Lead (form) buyers"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
     "\"application/x-www-form-urlencoded\"},"
     "\"reconcile\":{\"query_url\":\"http://q\",\"match_field\":\"a__c\"}}",
     "reconcile: needs API credentials"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
     "\"application/x-www-form-urlencoded\"},"
     "\"reconcile\":{\"query_url\":\"http://q\",\"match_field\":\"a' OR\"}}",
     "reconcile.match_field: must be a field API name"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
     "\"application/x-www-form-urlencoded\"},"
     "\"reconcile\":{\"match_field\":\"a__c\"}}",
     "reconcile.query_url: is required"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
     "\"application/x-www-form-urlencoded\"},"
     "\"reconcile\":{\"query_url\":\"http://q\",\"match_field\":\"a__c\","
     "\"wait\":1}}",
     "reconcile.wait: unknown key"},
    /* URLs: http or https only, parsed at load, located. */
    {"{\"delivery\":{\"content_type\":\"application/json\",\n"
     "  \"url\":\"file:///etc/passwd\"}}",
     "buyer.json:2:9: delivery.url: must be an http:// or https:// URL, "
     "not file://"},
    {"{\"delivery\":{\"url\":\"gopher://h/x\",\"content_type\":"
     "\"application/json\"}}",
     "delivery.url: must be an http:// or https:// URL, not gopher://"},
    {"{\"delivery\":{\"url\":\"http://h/servlet/a b\",\"content_type\":"
     "\"application/json\"}}",
     "buyer.json:1:20: delivery.url: not a URL (Bad path)"},
    {"{\"delivery\":{\"url\":\"h/x\",\"content_type\":"
     "\"application/json\"}}",
     "delivery.url: not a URL"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
     "\"application/json\"},\"auth\":{\"token_url\":\"file:///t\","
     "\"client_id\":\"c\",\"refresh_token\":\"r\"}}",
     "auth.token_url: must be an http:// or https:// URL, not file://"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
     "\"application/x-www-form-urlencoded\"},"
     "\"reconcile\":{\"query_url\":\"http://q/a b\",\"match_field\":"
     "\"a__c\",\"headers\":{\"Authorization\":\"Bearer t\"}}}",
     "reconcile.query_url: not a URL"},
    /* A bad header points at itself, not at 1:1. */
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
     "\"application/json\",\n  \"headers\":{\"X-A\":\"ok\",\"X-B\":2}}}",
     "buyer.json:2:31: delivery.headers.X-B: must be a string"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
     "\"application/json\",\n  \"headers\":{\"X-A\":\"a\\r\\nX-B: b\"}}}",
     "buyer.json:2:20: delivery.headers.X-A: a header value may not hold "
     "a line break"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
     "\"application/json\",\"headers\":{\"X A\":\"a\"}}}",
     "delivery.headers.X A: not a header name"},
    {"{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
     "\"application/x-www-form-urlencoded\"},"
     "\"reconcile\":{\"query_url\":\"http://q\",\"match_field\":"
     "\"a__c\",\"headers\":{\"Authorization\":1}}}",
     "reconcile.headers.Authorization: must be a string"},
};

static void
test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        struct buyer b;
        struct sf_err err;

        assert_int_equal(load(&b, bad_cases[i].text, &err), -1);
        if (strstr(err.msg, bad_cases[i].msg) == NULL)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, err.msg,
                     bad_cases[i].msg);
        buyer_free(&b);
    }
}

/* Reconciliation: defaults, and the keys a Web-to-Lead buyer may give. */
static void
test_reconcile(void **state)
{
    struct buyer b;
    struct sf_err err;

    (void)state;
    assert_int_equal(
        load(&b,
             "{\"delivery\":{\"url\":\"http://x/servlet/servlet.WebToLead\","
             "\"content_type\":\"application/x-www-form-urlencoded\"},"
             "\"auth\":{\"token_url\":\"http://x/t\",\"client_id\":\"c\","
             "\"refresh_token\":\"r\"},"
             "\"reconcile\":{\"query_url\":\"http://x/q\","
             "\"match_field\":\"source_lead_id__c\"}}",
             &err),
        0);
    assert_true(buyer_reconciles(&b));
    assert_false(buyer_uses_token(&b));
    assert_string_equal(b.reconcile.object, "Lead");
    assert_string_equal(b.reconcile.lead_field, "id");
    assert_int_equal(b.reconcile.wait_ms, 2000);
    assert_int_equal(b.reconcile.batch, 100);
    buyer_free(&b);
    /* A static Authorization header is enough credentials. */
    assert_int_equal(
        load(&b,
             "{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
             "\"application/x-www-form-urlencoded\"},"
             "\"reconcile\":{\"query_url\":\"http://"
             "q\",\"match_field\":\"f__c\","
             "\"object\":\"Lead\",\"lead_field\":\"custom.ref\","
             "\"wait_ms\":0,\"batch_size\":5,"
             "\"headers\":{\"Authorization\":\"Bearer t\"}}}",
             &err),
        0);
    assert_int_equal(b.reconcile.batch, 5);
    assert_string_equal(b.reconcile.lead_field, "custom.ref");
    buyer_free(&b);
}

/* Loads a buyer whose suppression file is file (relative to dir). */
static int
load_suppression(struct buyer *b, const char *dir, const char *file,
                 struct sf_err *err)
{
    char text[512];

    snprintf(text, sizeof(text),
             "{\"delivery\":{\"url\":\"http://x/y\",\"content_type\":"
             "\"application/json\"},\"suppression\":{\"fields\":[\"email\"],"
             "\"values\":[\"c@x.test\"],\"file\":\"%s\"}}",
             file);
    err_clear(err);
    return buyer_load_text(b, "buyer.json", text, strlen(text), dir, err);
}

/*
 * The suppression file: lines with LF or CR LF ends, a byte-order mark,
 * blank lines and comments; a read error (a directory) or a file without
 * end (/dev/zero) is an error with the path, never an empty or endless
 * list; so is a NUL byte.
 */
static void
test_suppression_file(void **state)
{
    char dir[] = "/tmp/test_buyer.XXXXXX", path[64];
    struct buyer b;
    struct sf_err err;
    FILE *fp;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/list.txt", dir);
    assert_non_null(fp = fopen(path, "w"));
    fputs("\xef\xbb\xbf"
          "a@x.test\r\n# a comment\n\n b@x.test",
          fp);
    fclose(fp);
    assert_int_equal(load_suppression(&b, dir, "list.txt", &err), 0);
    assert_int_equal(b.suppression.nvalues, 3);
    assert_string_equal(b.suppression.values[0], "c@x.test");
    assert_string_equal(b.suppression.values[1], "a@x.test");
    assert_string_equal(b.suppression.values[2], " b@x.test");
    assert_null(b.suppression.values[3]);
    buyer_free(&b);

    assert_int_equal(load_suppression(&b, dir, ".", &err), -1);
    assert_non_null(strstr(err.msg, "suppression.file: "));
    assert_non_null(strstr(err.msg, dir));
    assert_non_null(strstr(err.msg, "Is a directory"));
    buyer_free(&b);

    assert_int_equal(load_suppression(&b, NULL, "/dev/zero", &err), -1);
    assert_non_null(strstr(err.msg, "/dev/zero: larger than 67108864 bytes"));
    buyer_free(&b);

    assert_non_null(fp = fopen(path, "w"));
    fwrite("a@x.test\nb\0c\n", 1, 13, fp);
    fclose(fp);
    assert_int_equal(load_suppression(&b, dir, "list.txt", &err), -1);
    assert_non_null(strstr(err.msg, "list.txt:2: a NUL byte"));
    buyer_free(&b);
    unlink(path);
    rmdir(dir);
}

static void
test_fixtures_load(void **state)
{
    static const char *const files[] = {"w2l.json", "rest.json", "flow.json",
                                        "apexrest.json", "w2l-reconcile.json"};
    char path[512];

    (void)state;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        struct buyer b;
        struct sf_err err;

        err_clear(&err);
        snprintf(path, sizeof(path), "%s/buyers/%s", FIXTURES, files[i]);
        if (buyer_load(&b, path, &err) == -1)
            fail_msg("%s", err.msg);
        buyer_free(&b);
    }
}

/* --- the key table and README's buyer table ------------------------------ */

/* A key's whole path: "delivery.url", "filters[].field". */
static const char *
key_path(const struct buyer_key *k, char *out, size_t n)
{
    snprintf(out, n, "%s%s%s", k->section, *k->section ? "." : "", k->name);
    return out;
}

/* The README's "value" column for k. */
static const char *
doc_value(const struct buyer_key *k, char *out, size_t n)
{
    size_t used = 0;

    switch (k->type) {
    case BUYER_KEY_INT:
        snprintf(out, n, "%lld\xe2\x80\x93%lld", (long long)k->min,
                 (long long)k->max);
        break;
    case BUYER_KEY_BOOL: snprintf(out, n, "`true`, `false`"); break;
    case BUYER_KEY_STRING: snprintf(out, n, "string"); break;
    case BUYER_KEY_ENUM:
        out[0] = '\0';
        for (size_t i = 0; k->names[i] != NULL && used < n; i++)
            used += (size_t)snprintf(out + used, n - used, "%s`%s`",
                                     i ? ", " : "", k->names[i]);
        break;
    case BUYER_KEY_PAIRS:
    case BUYER_KEY_SECTION: snprintf(out, n, "object"); break;
    case BUYER_KEY_STRINGS: snprintf(out, n, "array of strings"); break;
    case BUYER_KEY_LIST: snprintf(out, n, "array of objects"); break;
    }
    return out;
}

/* The README's "default" column for k. */
static const char *
doc_default(const struct buyer_key *k, char *out, size_t n)
{
    if (k->doc != NULL)
        snprintf(out, n, "%s", k->doc);
    else if (k->required)
        snprintf(out, n, "required");
    else if (k->type == BUYER_KEY_INT)
        snprintf(out, n, "%lld", (long long)k->dflt);
    else if (k->type == BUYER_KEY_BOOL)
        snprintf(out, n, "`%s`", k->dflt ? "true" : "false");
    else if (k->type == BUYER_KEY_STRING && k->sdflt != NULL)
        snprintf(out, n, "`\"%s\"`", k->sdflt);
    else if (k->type == BUYER_KEY_ENUM && k->dflt >= 0)
        snprintf(out, n, "`\"%s\"`", k->names[k->dflt]);
    else
        snprintf(out, n, "none");
    return out;
}

/* Cell i (from 0) of a table row "| a | b | c |", trimmed, into out. */
static int
cell(const char *row, int i, char *out, size_t n)
{
    const char *p = row, *end;

    for (int k = 0; k <= i; k++) {
        p = strchr(p, '|');
        if (p == NULL)
            return -1;
        p++;
    }
    end = strchr(p, '|');
    if (end == NULL)
        return -1;
    while (p < end && *p == ' ')
        p++;
    while (end > p && end[-1] == ' ')
        end--;
    snprintf(out, n, "%.*s", (int)(end - p), p);
    return 0;
}

/* The rows of README's buyer table (after "**Buyer config**"): a new
 * array of the row texts. */
static json_t *
readme_rows(void)
{
    FILE *fp = fopen("README.md", "r");
    char *line = NULL;
    size_t cap = 0;
    int in = 0;
    json_t *rows = json_array();
    ssize_t len;

    assert_non_null(fp);
    while ((len = getline(&line, &cap, fp)) != -1) {
        if (strncmp(line, "**Buyer config**", 16) == 0)
            in = 1;
        else if (in == 1 && line[0] == '|')
            in = 2;
        else if (in == 2 && line[0] != '|')
            break;
        if (in == 2 && strncmp(line, "| `", 3) == 0)
            json_array_append_new(rows, json_stringn(line, (size_t)len - 1));
    }
    free(line);
    fclose(fp);
    assert_int_equal(in, 2);
    return rows;
}

/*
 * README's buyer table and the key table agree: every key but a plain
 * section has one row, every row names a key, and each row's value and
 * default columns are what the table says (a default written once, in
 * the table).
 */
static void
test_readme_buyer_table(void **state)
{
    json_t *rows = readme_rows(), *row, *seen = json_object();
    const struct buyer_key *keys;
    char path[128], want[256], got[512], name[128];
    size_t n, i;

    (void)state;
    keys = buyer_keys(&n);
    json_array_foreach(rows, i, row) {
        const char *text = json_string_value(row);
        const struct buyer_key *k = NULL;

        assert_int_equal(cell(text, 0, got, sizeof(got)), 0);
        assert_true(got[0] == '`' && got[strlen(got) - 1] == '`');
        snprintf(name, sizeof(name), "%.*s", (int)strlen(got) - 2, got + 1);
        for (size_t j = 0; j < n; j++)
            if (strcmp(key_path(&keys[j], path, sizeof(path)), name) == 0)
                k = &keys[j];
        if (k == NULL)
            fail_msg("README documents %s, which is no buyer key", name);
        if (json_object_get(seen, name) != NULL)
            fail_msg("README documents %s twice", name);
        json_object_set_new(seen, name, json_true());
        assert_int_equal(cell(text, 1, got, sizeof(got)), 0);
        if (strcmp(got, doc_value(k, want, sizeof(want))) != 0)
            fail_msg("README: %s takes \"%s\", the table says \"%s\"", name,
                     got, want);
        assert_int_equal(cell(text, 2, got, sizeof(got)), 0);
        if (strcmp(got, doc_default(k, want, sizeof(want))) != 0)
            fail_msg("README: %s defaults to \"%s\", the table says \"%s\"",
                     name, got, want);
    }
    for (size_t j = 0; j < n; j++)
        if (keys[j].type != BUYER_KEY_SECTION &&
            json_object_get(seen, key_path(&keys[j], path, sizeof(path))) ==
                NULL)
            fail_msg("README's buyer table lacks %s", path);
    json_decref(seen);
    json_decref(rows);
}

/* A key the table marks required is one whose absence the loader refuses
 * (where its section is present), with "is required". */
static void
test_required_keys_are_refused_absent(void **state)
{
    static const struct {
        const char *key, *text;
    } cases[] = {
        {"delivery", "{}"},
        {"delivery.url",
         "{\"delivery\":{\"content_type\":\"application/json\"}}"},
        {"delivery.content_type", "{\"delivery\":{\"url\":\"http://u\"}}"},
        {"filters[].field",
         "{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
         "\"application/json\"},\"filters\":[{}]}"},
        {"reconcile.query_url",
         "{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
         "\"application/x-www-form-urlencoded\"},\"reconcile\":{}}"},
        {"reconcile.match_field",
         "{\"delivery\":{\"url\":\"http://u\",\"content_type\":"
         "\"application/x-www-form-urlencoded\"},\"reconcile\":"
         "{\"query_url\":\"http://q\"}}"},
    };
    const struct buyer_key *keys;
    char path[128], want[160];
    size_t n, found = 0;

    (void)state;
    keys = buyer_keys(&n);
    for (size_t j = 0; j < n; j++) {
        size_t i;

        if (!keys[j].required)
            continue;
        key_path(&keys[j], path, sizeof(path));
        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
            if (strcmp(cases[i].key, path) == 0)
                break;
        if (i == sizeof(cases) / sizeof(cases[0]))
            fail_msg("no case for the required key %s", path);
        found++;
    }
    assert_int_equal(found, sizeof(cases) / sizeof(cases[0]));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buyer b;
        struct sf_err err;

        assert_int_equal(load(&b, cases[i].text, &err), -1);
        /* filters[0].field for the element's key. */
        snprintf(want, sizeof(want), "%s: is required", cases[i].key);
        if (strcmp(cases[i].key, "filters[].field") == 0)
            snprintf(want, sizeof(want), "filters[0].field: is required");
        if (strstr(err.msg, want) == NULL)
            fail_msg("%s: \"%s\", want \"%s\"", cases[i].key, err.msg, want);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_defaults),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_reconcile),
        cmocka_unit_test(test_suppression_file),
        cmocka_unit_test(test_fixtures_load),
        cmocka_unit_test(test_readme_buyer_table),
        cmocka_unit_test(test_required_keys_are_refused_absent),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
