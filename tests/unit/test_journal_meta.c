/*
 * test_journal_meta.c - what a query looks at in an entry (journal_view:
 * method, path, status, verdict, event, ref_seq, lead bits) is known when
 * the entry is serialised, without reading its text back; it must be
 * exactly what reading the text back finds (journal_restore(), the state
 * file's path). Tricky entries: control bytes, bytes that are not UTF-8,
 * quotes and backslashes, NUL bytes, long values cut at body_max, fields
 * cut, batch items rolled back, events carrying their request's values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "journal.h"
#include "utf8.h"
#include "xmalloc.h"

/* Text with everything an escape or a check can trip on. */
static const char tricky[] = "a\x01\x1f\"q\\b/\x7f\xc3\xa9\xff\xe2\x82"
                             "\xed\xa0\x80\xf0\x9f\x98\x80\xc0\xafZ";

static void
request(struct journal *j, const char *method, const char *path,
        const char *body, size_t len, int status, enum verdict verdict)
{
    struct journal_entry e;

    memset(&e, 0, sizeof(e));
    e.time_ms = 1700000000123;
    e.method = method;
    e.path = path;
    e.query = "access_token=[redacted]&x=\x01";
    e.content_type = "application/json";
    e.auth = "bearer";
    e.status = status;
    e.verdict = verdict;
    e.object = "Lead";
    e.record_id = "00Q000000000001AAA";
    e.detail = tricky;
    e.info_json = "{\"body\":\"not\",\"fields\":{\"a\":\"b\"},\"n\":[1,2]}";
    e.body = body;
    e.body_len = len;
    journal_add(j, &e);
}

static void
batch(struct journal *j, uint64_t top)
{
    struct journal_field f[5] = {{"Email", "Ada@Example.test"},
                                 {"Weird\"\\\x02", tricky},
                                 {"Empty", ""},
                                 {"Null", NULL},
                                 {"Long", NULL}};
    char longv[3000];
    struct journal_batch b;
    struct journal_entry e;
    size_t i, sub;

    memset(longv, 'x', sizeof(longv) - 1);
    longv[sizeof(longv) - 1] = '\0';
    f[4].value = longv; /* cut: past body_max */
    journal_batch_init(&b);
    memset(&e, 0, sizeof(e));
    e.kind = "subrequest";
    e.method = "PATCH";
    e.path = "/sub\xfe";
    e.status = 200;
    sub = journal_batch_add(j, &b, JOURNAL_BATCH_TOP, 0, &e);
    for (i = 0; i < 4; i++) {
        memset(&e, 0, sizeof(e));
        e.kind = "record";
        e.method = "POST";
        e.path = "/services/data/v62.0/composite/sobjects";
        e.verdict = i % 2 ? VERDICT_CREATED : VERDICT_REJECTED_VALIDATION;
        e.record_id = i == 1 ? "00Q\xff" : i == 2 ? "00Q00000000000BAAA" : NULL;
        e.error_code = "FIELD_CUSTOM_VALIDATION_EXCEPTION";
        e.fields = f;
        e.nfields = i == 3 ? 5 : 4;
        journal_batch_add(j, &b, sub, i, &e);
    }
    journal_batch_roll_back(&b, 4);
    journal_batch_commit(j, &b, top);
}

static void
event(struct journal *j, uint64_t ref, const char *kind, int64_t status)
{
    struct journal_entry e;

    memset(&e, 0, sizeof(e));
    e.kind = kind;
    e.status = (int)status;
    e.verdict = VERDICT_CREATED_FROM_QUEUE;
    e.ref_seq = ref;
    journal_add(j, &e);
}

/* Every entry the test knows how to make, into j; extreme: with numbers
 * past what jansson reads (a negative status, a ref_seq near UINT64_MAX). */
static void
fill(struct journal *j, int extreme)
{
    const char *json = "{\"LastName\":\"O\\\"Brien\",\"Email\":\"ADA@x.test\","
                       "\"n\":-12.5e3,\"password\":\"[redacted]\","
                       "\"list\":[\"\\u00e9\\ud83d\\ude00\",true,null]}";
    char big[5000], nul[] = "first=a\0b&last=\xff\xfe&email=ada%40x.test";
    size_t i;

    for (i = 0; i < sizeof(big); i++)
        big[i] = i % 7 == 0 ? '"' : i % 11 == 0 ? '\x80' : (char)('a' + i % 26);
    big[0] = '{';
    request(j, "POST", "/services/data/v62.0/sobjects/Lead", json, strlen(json),
            201, VERDICT_CREATED);
    request(j, "GET", "/p\x01\xfe\"", nul, sizeof(nul) - 1, 404, VERDICT_ERROR);
    request(j, "POST", "/big", big, sizeof(big), 400, VERDICT_BAD_REQUEST);
    request(j, "", "", tricky, sizeof(tricky) - 1, 1000, VERDICT_COUNT);
    request(j, NULL, NULL, NULL, 0, extreme ? -3 : 0, VERDICT_NONE);
    batch(j, 1);
    event(j, 2, "event", 0);
    event(j, 5, "event", 999);
    event(j, 999, "event", 200); /* its request is not kept */
    /* read back shorter; not an event */
    event(j, extreme ? UINT64_MAX - 1 : 4, "Event", 1);
    event(j, 3, "request", 200);
}

static void
same_view(const struct journal_view *a, const struct journal_view *b)
{
    assert_int_equal(a->seq, b->seq);
    assert_int_equal(a->ref_seq, b->ref_seq);
    assert_int_equal(a->len, b->len);
    assert_memory_equal(a->json, b->json, a->len);
    assert_string_equal(a->method, b->method);
    assert_string_equal(a->path, b->path);
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->verdict, b->verdict);
    assert_int_equal(a->event, b->event);
    assert_int_equal(a->lead_bits, b->lead_bits);
}

/* What serialising knew equals what reading the text back finds. */
static void
test_known_equals_read_back(void **state)
{
    size_t body_max[] = {64, 4096};
    struct journal *j, *again;
    struct journal_view v, w;
    uint64_t seq;
    size_t k;

    (void)state;
    for (k = 0; k < 2; k++) {
        j = journal_new(100, body_max[k], NULL, NULL);
        again = journal_new(100, body_max[k], NULL, NULL);
        fill(j, 1);
        assert_true(journal_last_seq(j) > 10);
        for (seq = 1; seq <= journal_last_seq(j); seq++) {
            assert_int_equal(journal_view(j, seq, &v), 0);
            assert_int_equal(journal_restore(again, seq, v.json, v.len), 0);
            assert_int_equal(journal_view(again, seq, &w), 0);
            same_view(&v, &w);
        }
        journal_free(again);
        journal_free(j);
    }
}

/* The texts are jansson's compact dump of themselves, and the values a
 * query finds by are in the lead bits. */
static void
test_text_and_values(void **state)
{
    struct journal *j = journal_new(100, 4096, NULL, NULL);
    struct journal_view v;
    uint64_t seq, bits;
    json_t *parsed;
    char *again;

    (void)state;
    fill(j, 0);
    for (seq = 1; seq <= journal_last_seq(j); seq++) {
        assert_int_equal(journal_view(j, seq, &v), 0);
        parsed = json_loadb(v.json, v.len, JSON_ALLOW_NUL, NULL);
        assert_non_null(parsed);
        again = json_dumps(parsed, JSON_COMPACT);
        assert_string_equal(again, v.json);
        free(again);
        json_decref(parsed);
    }
    assert_int_equal(journal_view(j, 1, &v), 0);
    bits = journal_lead_bits("ada@X.TEST", 10);
    assert_int_equal(v.lead_bits & bits, bits);
    bits = journal_lead_bits("O\"Brien", 7);
    assert_int_equal(v.lead_bits & bits, bits);
    bits = journal_lead_bits("00Q000000000001", 15);
    assert_int_equal(v.lead_bits & bits, bits);
    assert_int_equal(journal_view(j, 2, &v), 0);
    assert_string_equal(v.path, "/p\x01\xef\xbf\xbd\"");
    bits = journal_lead_bits("ada@x.test", 10);
    assert_int_equal(v.lead_bits & bits, bits);
    /* a record's field values */
    assert_int_equal(journal_view(j, 8, &v), 0);
    bits = journal_lead_bits("ada@example.test", 16);
    assert_int_equal(v.lead_bits & bits, bits);
    assert_int_equal(v.verdict, VERDICT_CREATED);
    assert_int_equal(journal_view(j, 10, &v), 0);
    assert_int_equal(v.verdict, VERDICT_ROLLED_BACK);
    journal_free(j);
}

/* "\\u" without hex digits, n times, into out; U+FFFD n times into fffd
 * (each has room). */
static void
bad_escapes(char *out, char *fffd, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        memcpy(out + 2 * i, "\\u", 2);
        memcpy(fffd + 3 * i, "\xEF\xBF\xBD", 3);
    }
    out[2 * n] = '\0';
    fffd[3 * n] = '\0';
}

/*
 * An escape that is not one ("\\u" without 4 hex digits) decodes to
 * U+FFFD, 3 bytes for 2: a body's values and a restored text's method
 * and path are decoded into room for that (ASan caught the overflow).
 */
static void
test_bad_escapes_grow(void **state)
{
    struct journal *j = journal_new(10, 4096, NULL, NULL);
    char esc[1201], fffd[1801], body[1300], text[3000];
    struct journal_entry e;
    struct journal_view v;
    uint64_t bits;

    (void)state;
    bad_escapes(esc, fffd, 600);
    snprintf(body, sizeof(body), "[\"%s\"]", esc);
    memset(&e, 0, sizeof(e));
    e.body = body;
    e.body_len = strlen(body);
    journal_add(j, &e);
    assert_int_equal(journal_view(j, 1, &v), 0);
    bits = journal_lead_bits(fffd, strlen(fffd));
    assert_int_equal(v.lead_bits & bits, bits);
    snprintf(text, sizeof(text),
             "{\"seq\":2,\"method\":\"%s\",\"path\":\"%s\"}", esc, esc);
    assert_int_equal(journal_restore(j, 2, text, strlen(text)), 0);
    assert_int_equal(journal_view(j, 2, &v), 0);
    assert_string_equal(v.method, fffd);
    assert_string_equal(v.path, fffd);
    journal_free(j);
}

/*
 * Strings are copied a word at a time while no byte needs care: every
 * length around the word size, with a byte that needs care at every
 * place, reads back as jansson dumps it (the byte escaped or replaced
 * where it is, nothing dropped or copied twice).
 */
static void
test_words_and_bytes(void **state)
{
    static const char *const care[] = {"\"",   "\\",       "\x01",    "\x7f",
                                       "\xff", "\xc3\xa9", "\xe2\x82"};
    struct journal *j = journal_new(4, 4096, NULL, NULL);
    char s[64], *again, *want;
    struct journal_entry e;
    struct journal_view v;
    size_t len, pos, k, clen;
    json_t *parsed;

    (void)state;
    memset(&e, 0, sizeof(e));
    for (len = 0; len < 40; len++)
        for (pos = 0; pos <= len; pos++)
            for (k = 0; k < sizeof(care) / sizeof(care[0]); k++) {
                clen = strlen(care[k]);
                memset(s, 'a', len + clen);
                s[len] = 'z'; /* the last byte differs from the others */
                memcpy(s + pos, care[k], clen);
                s[len + clen] = '\0';
                e.detail = s;
                journal_add(j, &e);
                assert_int_equal(journal_view(j, journal_last_seq(j), &v), 0);
                parsed = json_loadb(v.json, v.len, 0, NULL);
                assert_non_null(parsed);
                again = json_dumps(parsed, JSON_COMPACT);
                assert_string_equal(again, v.json);
                want = xmalloc(3 * strlen(s) + 1);
                utf8_fix(s, strlen(s), want, NULL);
                assert_string_equal(
                    json_string_value(json_object_get(parsed, "detail")), want);
                free(want);
                free(again);
                json_decref(parsed);
            }
    journal_free(j);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_equals_read_back),
        cmocka_unit_test(test_text_and_values),
        cmocka_unit_test(test_bad_escapes_grow),
        cmocka_unit_test(test_words_and_bytes),
    };

    xjson_init();
    return cmocka_run_group_tests_name("journal_meta", tests, NULL, NULL);
}
