/*
 * test_payload.c - mapping, static defaults, form and JSON bodies, upsert.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "payload.h"
#include "xmalloc.h"

static void
setup_buyer(struct buyer *b, const char *text)
{
    struct sf_err err;

    err_clear(&err);
    if (buyer_load_text(b, "t", text, strlen(text), NULL, &err) == -1)
        fail_msg("%s", err.msg);
}

static void
one_lead(struct lead_set *set, const char *ndjson)
{
    lead_read_text(set, ndjson, strlen(ndjson), LEAD_FMT_NDJSON, NULL, NULL);
    assert_int_equal(set->n, 1);
}

static void
test_form(void **state)
{
    struct buyer b;
    struct lead_set set;
    struct payload p;
    struct sf_err err;

    (void)state;
    setup_buyer(&b, "{\"delivery\":{\"url\":\"http://h/servlet/"
                    "servlet.WebToLead\",\"content_type\":\"application/"
                    "x-www-form-urlencoded\"},\"mapping\":{\"last_name\":"
                    "\"last_name\",\"custom.case_type\":\"case_type__c\","
                    "\"custom.opt\":\"opt__c\",\"custom.no\":\"no__c\","
                    "\"missing\":\"m\",\"src\":\"lead_source\"},"
                    "\"static_fields\":{\"oid\":\"00D000000000001\","
                    "\"lead_source\":\"Lead Distro AI\"}}");
    one_lead(&set, "{\"id\":\"1\",\"last_name\":\"Núñez & Co=\",\"custom\":"
                   "{\"case_type\":\"a+b c\",\"opt\":true,\"no\":false}}");
    err_clear(&err);
    assert_int_equal(payload_build(&b, &set.v[0], &p, &err), 0);
    assert_string_equal(p.method, "POST");
    assert_string_equal(p.url,
                        "http://h/servlet/servlet.WebToLead?encoding=UTF-8");
    assert_string_equal(p.content_type, "application/x-www-form-urlencoded");
    assert_string_equal(p.body,
                        "last_name=N%C3%BA%C3%B1ez+%26+Co%3D&case_type__c=a%"
                        "2Bb+c&opt__c=1&no__c=0&oid=00D000000000001&"
                        "lead_source=Lead+Distro+AI");
    assert_int_equal(p.len, strlen(p.body));
    payload_free(&p);
    lead_set_free(&set);
    /* A lead that supplies the field wins over the static default. */
    one_lead(&set, "{\"id\":\"2\",\"src\":\"Web\"}");
    assert_int_equal(payload_build(&b, &set.v[0], &p, &err), 0);
    assert_string_equal(p.body, "lead_source=Web&oid=00D000000000001");
    payload_free(&p);
    lead_set_free(&set);
    buyer_free(&b);
}

static void
test_w2l_url(void **state)
{
    static const char *const cases[][2] = {
        {"http://h/s", "http://h/s?encoding=UTF-8"},
        {"http://h/s?", "http://h/s?encoding=UTF-8"},
        {"http://h/s?a=1", "http://h/s?a=1&encoding=UTF-8"},
        {"http://h/s?encoding=UTF-8", "http://h/s?encoding=UTF-8"},
        {"http://h/s?a=1&encoding=UTF-8", "http://h/s?a=1&encoding=UTF-8"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *u = payload_w2l_url(cases[i][0]);

        assert_string_equal(u, cases[i][1]);
        free(u);
    }
}

static void
test_json_shapes(void **state)
{
    static const char *const shapes[][2] = {
        {"sobject", "{\"FirstName\":\"Ada\",\"Hot__c\":\"true\",\"Age__c\":"
                    "\"36\",\"LeadSource\":\"Lead Distro AI\"}"},
        {"apexrest", "{\"FirstName\":\"Ada\",\"Hot__c\":\"true\",\"Age__c\":"
                     "\"36\",\"LeadSource\":\"Lead Distro AI\"}"},
        {"flow", "{\"inputs\":[{\"FirstName\":\"Ada\",\"Hot__c\":\"true\","
                 "\"Age__c\":\"36\",\"LeadSource\":\"Lead Distro AI\"}]}"},
    };
    struct lead_set set;

    (void)state;
    one_lead(&set, "{\"id\":\"1\",\"first\":\"Ada\",\"hot\":true,\"age\":36}");
    for (size_t i = 0; i < 3; i++) {
        struct buyer b;
        struct payload p;
        struct sf_err err;
        char text[1024];

        snprintf(text, sizeof(text),
                 "{\"delivery\":{\"url\":\"http://h/x\",\"content_type\":"
                 "\"application/json\",\"format\":\"%s\"},\"mapping\":{"
                 "\"first\":\"FirstName\",\"hot\":\"Hot__c\",\"age\":"
                 "\"Age__c\"},\"static_fields\":{\"LeadSource\":"
                 "\"Lead Distro AI\"}}",
                 shapes[i][0]);
        setup_buyer(&b, text);
        err_clear(&err);
        assert_int_equal(payload_build(&b, &set.v[0], &p, &err), 0);
        assert_string_equal(p.content_type, "application/json");
        assert_string_equal(p.url, "http://h/x");
        assert_string_equal(p.body, shapes[i][1]);
        payload_free(&p);
        buyer_free(&b);
    }
    lead_set_free(&set);
}

static void
test_identity_without_mapping(void **state)
{
    struct buyer b;
    struct lead_set set;
    struct payload p;
    struct sf_err err;

    (void)state;
    setup_buyer(&b, "{\"delivery\":{\"url\":\"http://h/x\",\"content_type\":"
                    "\"application/json\"}}");
    one_lead(&set, "{\"id\":\"1\",\"Email\":\"a@b\",\"custom\":{\"x\":1},"
                   "\"n\":null,\"Score\":1.5}");
    err_clear(&err);
    assert_int_equal(payload_build(&b, &set.v[0], &p, &err), 0);
    assert_string_equal(p.body, "{\"Email\":\"a@b\",\"Score\":\"1.5\"}");
    payload_free(&p);
    lead_set_free(&set);
    buyer_free(&b);
}

static void
test_upsert(void **state)
{
    struct buyer b;
    struct lead_set set;
    struct payload p;
    struct sf_err err;

    (void)state;
    setup_buyer(&b, "{\"delivery\":{\"url\":\"http://h/services/data/v59.0/"
                    "sobjects/Lead/\",\"content_type\":\"application/json\","
                    "\"external_id_field\":\"Distro_Id__c\"},\"mapping\":{"
                    "\"id\":\"Distro_Id__c\",\"last\":\"LastName\"}}");
    one_lead(&set, "{\"id\":\"a/b c\",\"last\":\"X\"}");
    err_clear(&err);
    assert_int_equal(payload_build(&b, &set.v[0], &p, &err), 0);
    assert_string_equal(p.method, "PATCH");
    assert_string_equal(p.url, "http://h/services/data/v59.0/sobjects/Lead/"
                               "Distro_Id__c/a%2Fb%20c");
    assert_string_equal(p.body, "{\"LastName\":\"X\"}");
    payload_free(&p);
    lead_set_free(&set);
    buyer_free(&b);
}

/* The texts payload.c writes by hand against jansson's dump of
 * payload_record()'s object: the JSON body (the record without its upsert
 * key, inside {"inputs":[...]} for a flow) and the Collections element
 * (the record json_object_update()d into {"attributes":{"type":...}}). */
static void
check_texts(const struct buyer *b, const struct lead *l)
{
    json_t *rec, *doc;
    struct payload p;
    struct sf_err err;
    struct buf t;
    char *want;

    err_clear(&err);
    rec = payload_record(b, l, &err);
    assert_non_null(rec);
    buf_init(&t, 1024 * 1024);
    assert_int_equal(payload_record_text(b, l, &t, &err), 0);
    doc = json_pack("{s:{s:s}}", "attributes", "type", b->object);
    json_object_update(doc, rec);
    want = json_dumps(doc, JSON_COMPACT);
    assert_string_equal(t.data, want);
    free(want);
    json_decref(doc);
    assert_int_equal(payload_build(b, l, &p, &err), 0);
    if (b->external_id_field != NULL)
        json_object_del(rec, b->external_id_field);
    doc = b->format == BUYER_FMT_FLOW ? json_pack("{s:[O]}", "inputs", rec)
                                      : json_incref(rec);
    want = json_dumps(doc, JSON_COMPACT);
    assert_string_equal(p.body, want);
    assert_int_equal(p.len, strlen(want));
    free(want);
    json_decref(doc);
    payload_free(&p);
    buf_free(&t);
    json_decref(rec);
}

/* Every buyer shape against every lead, NDJSON and CSV. */
static void
test_texts_as_jansson(void **state)
{
    static const char *const buyers[] = {
        "\"format\":\"sobject\"},\"mapping\":{\"first\":\"FirstName\","
        "\"last\":\"LastName\",\"n\":\"Age__c\",\"c.d\":\"Deep__c\","
        "\"obj\":\"Obj__c\",\"id\":\"FirstName\"},\"static_fields\":{"
        "\"LeadSource\":\"W\\u00e9b\",\"LastName\":\"Default\"}}",
        "\"format\":\"flow\"},\"mapping\":{\"first\":\"FirstName\","
        "\"last\":\"attributes\"}}",
        "\"format\":\"sobject\",\"external_id_field\":\"Ext__c\","
        "\"external_id_from\":\"id\"},\"mapping\":{\"first\":\"Ext__c\","
        "\"last\":\"LastName\"}}",
        "\"format\":\"sobject\"}}",
    };
    static const char *const ndjson[] = {
        "{\"id\":\"1\",\"first\":\"Ada \\\"q\\\" \\\\ / \\u0001\\t\\u001f\","
        "\"last\":\"L\\u00f8v\\u20ac \\ud83d\\ude00\",\"n\":-36,\"c\":{\"d\":"
        "1.5},\"obj\":{\"a\":[1,true,null]},\"attributes\":\"x\"}",
        "{\"id\":\"2\",\"first\":\"\",\"last\":null}",
        "{\"id\":\"3\",\"n\":true,\"c\":{\"d\":false}}",
    };
    static const char csv[] = "id,first,last,n,attributes\n"
                              "4,\"a \"\"q\"\", b\",L\xc3\xb8v,x,a\n"
                              "5,,fine,1,\n";
    struct lead_set set[2];

    (void)state;
    lead_read_text(&set[0], csv, sizeof(csv) - 1, LEAD_FMT_CSV, NULL, NULL);
    assert_int_equal(set[0].n, 2);
    set[1].n = 0;
    for (size_t i = 0; i < sizeof(buyers) / sizeof(buyers[0]); i++) {
        struct buyer b;
        char text[1024];

        snprintf(text, sizeof(text),
                 "{\"delivery\":{\"url\":\"http://h/x\",\"content_type\":"
                 "\"application/json\",%s",
                 buyers[i]);
        setup_buyer(&b, text);
        for (size_t j = 0; j < sizeof(ndjson) / sizeof(ndjson[0]); j++) {
            one_lead(&set[1], ndjson[j]);
            check_texts(&b, &set[1].v[0]);
            lead_set_free(&set[1]);
        }
        for (size_t j = 0; j < set[0].n; j++)
            check_texts(&b, &set[0].v[j]);
        buyer_free(&b);
    }
    lead_set_free(&set[0]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form),
        cmocka_unit_test(test_w2l_url),
        cmocka_unit_test(test_json_shapes),
        cmocka_unit_test(test_identity_without_mapping),
        cmocka_unit_test(test_upsert),
        cmocka_unit_test(test_texts_as_jansson),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
