/*
 * test_reconcile.c - the pure parts of Web-to-Lead reconciliation: the
 * SOQL text and its escaping, the query URL, and reading a query answer
 * (records, paging). The requests themselves are tested end to end in
 * tests/e2e/test_deliver_w2l.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reconcile.h"
#include "xmalloc.h"

static char query_url[] = "http://x/services/data/v59.0/query";
static char object[] = "Lead";
static char match_field[] = "source_lead_id__c";
static char lead_field[] = "id";
static struct buyer_reconcile rc = {
    .query_url = query_url,
    .object = object,
    .match_field = match_field,
    .lead_field = lead_field,
};

static void
test_soql(void **state)
{
    const char *one[] = {"L-1"};
    const char *odd[] = {"a'b", "c\\d", "e\"f\ng"};
    char *q;

    (void)state;
    q = reconcile_soql(&rc, one, 1);
    assert_string_equal(q, "SELECT source_lead_id__c FROM Lead WHERE "
                           "source_lead_id__c IN ('L-1')");
    free(q);
    /* Quotes and backslashes cannot end the literal early. */
    q = reconcile_soql(&rc, odd, 3);
    assert_string_equal(q, "SELECT source_lead_id__c FROM Lead WHERE "
                           "source_lead_id__c IN ('a\\'b','c\\\\d',"
                           "'e\\\"f\\ng')");
    free(q);
}

static void
test_url(void **state)
{
    char *u;

    (void)state;
    u = reconcile_url("http://x/q", "SELECT a FROM Lead WHERE a IN ('x y')");
    assert_string_equal(u, "http://x/q?q=SELECT%20a%20FROM%20Lead%20WHERE%20"
                           "a%20IN%20%28%27x%20y%27%29");
    free(u);
    u = reconcile_url("http://x/q?v=1", "S");
    assert_string_equal(u, "http://x/q?v=1&q=S");
    free(u);
}

static void
test_collect(void **state)
{
    json_t *found = json_object();
    json_t *body = json_loads(
        "{\"totalSize\":3,\"done\":false,\"nextRecordsUrl\":"
        "\"/services/data/v59.0/query/01g-2000\",\"records\":["
        "{\"attributes\":{\"type\":\"Lead\"},\"source_lead_id__c\":\"a\"},"
        "{\"attributes\":{\"type\":\"Lead\"},\"source_lead_id__c\":null},"
        "{\"attributes\":{\"type\":\"Lead\"},\"source_lead_id__c\":\"b\"}]}",
        0, NULL);
    const char *next = NULL;
    struct sf_err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(
        reconcile_collect(body, "source_lead_id__c", found, &next, &err), 0);
    assert_int_equal(json_object_size(found), 2);
    assert_non_null(json_object_get(found, "a"));
    assert_non_null(json_object_get(found, "b"));
    assert_string_equal(next, "/services/data/v59.0/query/01g-2000");
    json_decref(body);

    body = json_loads("{\"done\":true,\"records\":[]}", 0, NULL);
    assert_int_equal(
        reconcile_collect(body, "source_lead_id__c", found, &next, &err), 0);
    assert_null(next);
    json_decref(body);

    /* An error answer is not a query answer. */
    body = json_loads("[{\"errorCode\":\"INVALID_FIELD\"}]", 0, NULL);
    assert_int_equal(
        reconcile_collect(body, "source_lead_id__c", found, &next, &err), -1);
    assert_non_null(strstr(err.msg, "records"));
    json_decref(body);
    json_decref(found);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_soql),
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_collect),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
