/*
 * test_wire.c - decoding journaled bodies and attributing requests to
 * leads, from synthetic journal entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "wire.h"
#include "xmalloc.h"

static json_t *
entry(int seq, const char *path, int status, const char *verdict,
      const char *body)
{
    return json_pack("{s:i, s:s, s:s, s:s, s:s, s:i, s:s, s:s?}", "seq", seq,
                     "kind", "request", "time", "2026-03-02T09:00:00.250Z",
                     "method", "POST", "path", path, "status", status,
                     "verdict", verdict, "body", body);
}

static void
test_form_fields(void **state)
{
    json_t *e = entry(1, "/servlet/servlet.WebToLead", 200, "created",
                      "first_name=Zo%C3%AB&last_name=van+Dyke&email=a%40x.com&"
                      "email=second%40x.com&bad=%zz&novalue");
    json_t *f = wire_fields(e);

    (void)state;
    assert_string_equal(json_string_value(json_object_get(f, "first_name")),
                        "Zo\xc3\xab");
    assert_string_equal(json_string_value(json_object_get(f, "last_name")),
                        "van Dyke");
    /* The first of a repeated name wins, as the servlet reads it. */
    assert_string_equal(json_string_value(json_object_get(f, "email")),
                        "a@x.com");
    assert_string_equal(json_string_value(json_object_get(f, "bad")), "%zz");
    assert_null(json_object_get(f, "novalue"));
    json_decref(f);
    json_decref(e);
}

static void
test_json_fields(void **state)
{
    json_t *e =
        entry(1, "/services/data/v59.0/actions/custom/flow/F", 200, "created",
              "{\"inputs\":[{\"lastName\":\"Lovelace\",\"age\":42,"
              "\"vip\":true,\"score\":2.5,\"none\":null}]}");
    json_t *f = wire_fields(e), *none = json_object();
    json_t *no_body = json_pack("{s:i}", "seq", 2);

    (void)state;
    assert_string_equal(json_string_value(json_object_get(f, "lastName")),
                        "Lovelace");
    assert_string_equal(json_string_value(json_object_get(f, "age")), "42");
    assert_string_equal(json_string_value(json_object_get(f, "vip")), "true");
    assert_string_equal(json_string_value(json_object_get(f, "score")), "2.5");
    assert_null(json_object_get(f, "none"));
    json_decref(f);
    f = wire_fields(no_body);
    assert_true(json_equal(f, none));
    json_decref(f);
    json_decref(none);
    json_decref(no_body);
    json_decref(e);
}

static void
test_lead_value(void **state)
{
    json_t *lead = json_loads("{\"id\":\"L-1\",\"custom\":{\"case_type\":"
                              "\"Auto\",\"n\":7,\"ok\":false,\"o\":{}}}",
                              0, NULL);
    char out[64];

    (void)state;
    assert_string_equal(
        wire_lead_value(lead, "custom.case_type", out, sizeof(out)), "Auto");
    assert_string_equal(wire_lead_value(lead, "custom.n", out, sizeof(out)),
                        "7");
    assert_string_equal(wire_lead_value(lead, "custom.ok", out, sizeof(out)),
                        "false");
    assert_null(wire_lead_value(lead, "custom.o", out, sizeof(out)));
    assert_null(wire_lead_value(lead, "custom.missing", out, sizeof(out)));
    assert_null(wire_lead_value(lead, "id.deeper", out, sizeof(out)));
    json_decref(lead);
}

static void
test_attribution(void **state)
{
    json_t *journal = json_array(), *leads, *att, *a, *other;

    (void)state;
    json_array_append_new(journal,
                          entry(1, "/services/oauth2/token", 200,
                                "token_issued", "grant_type=refresh_token"));
    json_array_append_new(journal,
                          entry(2, "/services/data/v59.0/sobjects/Lead/", 401,
                                "auth_failed", "{\"Email\":\"a@x.com\"}"));
    json_array_append_new(journal,
                          entry(3, "/services/data/v59.0/sobjects/Lead/", 201,
                                "created", "{\"Email\":\"a@x.com\"}"));
    json_array_append_new(journal,
                          entry(4, "/services/data/v59.0/sobjects/Lead/", 201,
                                "created", "{\"Email\":\"stranger@x.com\"}"));
    json_array_append_new(journal,
                          json_pack("{s:i, s:s, s:s}", "seq", 5, "kind",
                                    "event", "verdict", "created_from_queue"));
    leads = json_pack("[{s:s, s:s}, {s:s, s:s}]", "id", "L-1", "key", "a@x.com",
                      "id", "L-2", "key", "b@x.com");
    att = wire_attempts(journal, leads);
    assert_int_equal(json_array_size(json_object_get(att, "L-1")), 2);
    assert_int_equal(json_array_size(json_object_get(att, "L-2")), 0);
    a = json_array_get(json_object_get(att, "L-1"), 0);
    assert_int_equal(json_integer_value(json_object_get(a, "status")), 401);
    assert_string_equal(json_string_value(json_object_get(a, "verdict")),
                        "auth_failed");
    assert_non_null(json_object_get(a, "body"));
    assert_true(json_integer_value(json_object_get(a, "time_ms")) > 0);
    assert_true(
        wire_is_success(json_array_get(json_object_get(att, "L-1"), 1)));
    assert_false(wire_is_success(a));
    /* What carried no lead: the token request and the stranger. */
    other = wire_other_requests(journal, att);
    assert_int_equal(json_array_size(other), 2);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(other, 0), "seq")),
        1);
    assert_null(json_object_get(json_array_get(other, 0), "body"));
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(other, 1), "seq")),
        4);
    json_decref(other);
    json_decref(att);
    json_decref(leads);
    json_decref(journal);
}

static json_t *
record(int seq, int batch_seq, int index, const char *verdict,
       const char *email)
{
    return json_pack("{s:i, s:s, s:s, s:i, s:i, s:s, s:{s:s}}", "seq", seq,
                     "kind", "record", "time", "2026-03-02T09:00:00.250Z",
                     "batch_seq", batch_seq, "batch_index", index, "verdict",
                     verdict, "fields", "Email", email);
}

static json_int_t
status_of(json_t *att, const char *id, size_t i)
{
    return json_integer_value(
        json_object_get(json_array_get(json_object_get(att, id), i), "status"));
}

/* A collection's records are their own leads' attempts; a collection
 * the sim refused whole is an attempt of every lead it carried. */
static void
test_batch_attribution(void **state)
{
    const char *body = "{\"allOrNone\":false,\"records\":["
                       "{\"attributes\":{\"type\":\"Lead\"},"
                       "\"Email\":\"a@x.com\"},"
                       "{\"attributes\":{\"type\":\"Lead\"},"
                       "\"Email\":\"b@x.com\"}]}";
    const char *path = "/services/data/v62.0/composite/sobjects";
    json_t *journal = json_array(), *leads, *att, *other;

    (void)state;
    json_array_append_new(journal, entry(1, path, 401, "auth_failed", body));
    json_array_append_new(journal, entry(2, path, 200, "ok", body));
    json_array_append_new(journal, record(3, 2, 0, "created", "a@x.com"));
    json_array_append_new(journal,
                          record(4, 2, 1, "rejected_validation", "b@x.com"));
    json_array_append_new(
        journal, entry(5, "/services/data/v62.0/jobs/ingest/750/batches", 201,
                       "ok", "Email,LastName\nb@x.com,B\n"));
    json_object_set_new(json_array_get(journal, 4), "content_type",
                        json_string("text/csv"));
    leads = json_pack("[{s:s, s:s}, {s:s, s:s}]", "id", "L-1", "key", "a@x.com",
                      "id", "L-2", "key", "b@x.com");
    att = wire_attempts(journal, leads);
    assert_int_equal(json_array_size(json_object_get(att, "L-1")), 2);
    assert_int_equal(json_array_size(json_object_get(att, "L-2")), 3);
    assert_int_equal(status_of(att, "L-1", 0), 401);
    assert_int_equal(status_of(att, "L-2", 0), 401);
    assert_int_equal(status_of(att, "L-1", 1), 201);
    assert_int_equal(status_of(att, "L-2", 1), 400);
    /* An upload whose rows were not processed yet: the CSV carries L-2,
     * answered 201, but nothing says the row was saved. */
    assert_int_equal(status_of(att, "L-2", 2), 0);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(att, "L-2"), 2), "verdict")),
        "not_processed");
    /* The collection answered 200 is no other request: its records are. */
    other = wire_other_requests(journal, att);
    assert_int_equal(json_array_size(other), 0);
    json_decref(other);
    json_decref(att);
    json_decref(leads);
    json_decref(journal);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_fields),
        cmocka_unit_test(test_json_fields),
        cmocka_unit_test(test_lead_value),
        cmocka_unit_test(test_attribution),
        cmocka_unit_test(test_batch_attribution),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
