/*
 * test_admin.c - the admin API, the command line and the process life
 * cycle of the real sfsim binary.
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
#include "spawn.h"

#define W2L "/servlet/servlet.WebToLead?encoding=UTF-8"

static json_t *
send(struct simtest *t, const char *method, const char *path, const char *body,
     long expect)
{
    long st = 0;
    json_t *j = httpc_send_json(t->http, method, path, body, &st);

    assert_int_equal(st, expect);
    return j;
}

static void
test_health_and_404(void **state)
{
    struct simtest *t = *state;
    json_t *j = send(t, "GET", "/__sim/health", NULL, 200);

    assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
    json_decref(j);
    j = send(t, "GET", "/no/such/thing", NULL, 404);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(j, 0), "errorCode")),
        "NOT_FOUND");
    json_decref(j);
}

static void
test_clock_moves_forward_only(void **state)
{
    struct simtest *t = *state;
    json_t *j;
    json_int_t before, after;

    j = send(t, "GET", "/__sim/clock", NULL, 200);
    before = json_integer_value(json_object_get(j, "epoch_ms"));
    json_decref(j);
    j = send(t, "POST", "/__sim/clock", "{\"advance_seconds\": 86400}", 200);
    after = json_integer_value(json_object_get(j, "epoch_ms"));
    assert_true(after - before >= 86400000);
    json_decref(j);
    j = send(t, "POST", "/__sim/clock", "{\"set\": \"2030-01-01T00:00:00Z\"}",
             200);
    assert_string_equal(json_string_value(json_object_get(j, "now")),
                        "2030-01-01T00:00:00.000Z");
    json_decref(j);
    j = send(t, "POST", "/__sim/clock", "{\"set\": \"2020-01-01T00:00:00Z\"}",
             409);
    json_decref(j);
    j = send(t, "POST", "/__sim/clock", "{\"advance_seconds\": -5}", 400);
    json_decref(j);
    j = send(t, "POST", "/__sim/clock", "{\"advance\": 5}", 400);
    json_decref(j);
    j = send(t, "POST", "/__sim/clock", "not json", 400);
    json_decref(j);
    j = send(t, "POST", "/__sim/clock", "{\"frozen\": true}", 200);
    assert_true(json_is_true(json_object_get(j, "frozen")));
    before = json_integer_value(json_object_get(j, "epoch_ms"));
    json_decref(j);
    usleep(20000);
    j = send(t, "GET", "/__sim/clock", NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "epoch_ms")),
                     before);
    json_decref(j);
}

static void
test_put_org_validates_and_keeps_old(void **state)
{
    struct simtest *t = *state;
    json_t *j;

    j = send(t, "PUT", "/__sim/org", "{\n \"edition\": \"Nope\"\n}", 400);
    assert_string_equal(json_string_value(json_object_get(j, "message")),
                        "body:2:13: edition: \"Nope\" is not one of: "
                        "Essentials, Professional, Enterprise, Unlimited, "
                        "Performance, Developer");
    json_decref(j);
    j = send(t, "GET", "/__sim/org", NULL, 200);
    assert_string_equal(json_string_value(json_object_get(j, "edition")),
                        "Enterprise");
    json_decref(j);
    /* A bad entry past index 0 of a list once crashed the sim. */
    j = send(t, "PUT", "/__sim/org",
             "{\"web_to_lead\":{\"recaptcha_valid_tokens\":[\"a\",1]}}", 400);
    assert_string_equal(json_string_value(json_object_get(j, "message")),
                        "body:1:47: web_to_lead.recaptcha_valid_tokens[1]: "
                        "must be a string");
    json_decref(j);
    j = send(t, "PUT", "/__sim/org",
             "{\"edition\": \"Performance\", \"org_id\": \"00D000000000001\"}",
             200);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(j, "web_to_lead"), "daily_limit")),
                     2500);
    json_decref(j);
}

static const char *
org_str(json_t *org, const char *list, const char *key)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(org, list), 0), key));
}

/* GET /__sim/org hides passwords and client secrets; what it answers can be
 * PUT back as it is, and the hidden secrets stay what they were. */
static void
test_org_secrets_hidden_and_kept(void **state)
{
    struct simtest *t = *state;
    json_t *j, *w2l;
    char *text;
    long st;

    j = send(t, "GET", "/__sim/org?secrets=1", NULL, 200);
    assert_string_equal(org_str(j, "users", "password"), "sfsim-password");
    assert_string_equal(org_str(j, "connected_apps", "client_secret"),
                        "sfsim-client-secret");
    json_decref(j);
    json_decref(send(t, "GET", "/__sim/org?secrets=yes", NULL, 400));
    j = send(t, "GET", "/__sim/org", NULL, 200);
    assert_string_equal(org_str(j, "users", "password"), "[redacted]");
    assert_string_equal(org_str(j, "connected_apps", "client_secret"),
                        "[redacted]");
    w2l = json_object_get(j, "web_to_lead");
    json_object_set_new(w2l, "daily_limit", json_integer(7));
    text = json_dumps(j, 0);
    json_decref(j);
    j = send(t, "PUT", "/__sim/org", text, 200);
    free(text);
    assert_string_equal(org_str(j, "users", "password"), "[redacted]");
    json_decref(j);
    j = httpc_get_json(t->http, "/__sim/webtolead", NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "limit")), 7);
    json_decref(j);
    assert_int_equal(httpc_post_form(t->http, "/services/oauth2/token",
                                     "grant_type=password&client_id=sfsim-"
                                     "client-id&client_secret=sfsim-client-"
                                     "secret&username=admin@sfsim.test&"
                                     "password=sfsim-password",
                                     NULL),
                     200);
    /* The mark stands for a current secret; a new user has none. */
    j = httpc_send_json(t->http, "PUT", "/__sim/org",
                        "{\"users\": [{\"username\": \"new@sfsim.test\", "
                        "\"password\": \"[redacted]\"}]}",
                        &st);
    assert_int_equal(st, 400);
    assert_string_equal(json_string_value(json_object_get(j, "message")),
                        "body:1:55: users[0].password: \"[redacted]\" stands "
                        "for a secret GET /__sim/org hid; it keeps the current "
                        "user's secret on PUT /__sim/org, and there is no "
                        "current user \"new@sfsim.test\"");
    json_decref(j);
}

static void
test_journal_since_and_reset(void **state)
{
    struct simtest *t = *state;
    json_t *j;
    json_int_t seq;

    httpc_post_form(t->http, W2L, "oid=00D000000000001&last_name=A", NULL);
    httpc_post_form(t->http, W2L, "oid=00D000000000001&last_name=B", NULL);
    j = simtest_journal(t, 0);
    assert_int_equal(json_array_size(j), 2);
    seq = json_integer_value(json_object_get(json_array_get(j, 0), "seq"));
    json_decref(j);
    j = simtest_journal(t, (unsigned long long)seq);
    assert_int_equal(json_array_size(j), 1);
    json_decref(j);
    j = send(t, "GET", "/__sim/journal?since=abc", NULL, 400);
    json_decref(j);
    j = send(t, "POST", "/__sim/reset", NULL, 200);
    json_decref(j);
    assert_int_equal(simtest_count(t, "Lead"), 0);
    j = simtest_journal(t, 0);
    assert_int_equal(json_array_size(j), 0);
    json_decref(j);
    j = send(t, "GET", "/__sim/records/Widget", NULL, 404);
    json_decref(j);
}

static void
test_seed_makes_ids_reproducible(void **state)
{
    const char *args[] = {"--seed", "42", NULL};
    char first[2][32];
    int run;

    (void)state;
    for (run = 0; run < 2; run++) {
        struct simtest t;
        json_t *j;

        simtest_start(&t, args);
        httpc_post_form(t.http, W2L, "oid=00D000000000001&last_name=S", NULL);
        j = httpc_get_json(t.http, "/__sim/records/Lead", NULL);
        snprintf(
            first[run], sizeof(first[run]), "%s",
            json_string_value(json_object_get(json_array_get(j, 0), "Id")));
        json_decref(j);
        assert_int_equal(simtest_stop(&t), 0);
    }
    assert_string_equal(first[0], first[1]);
}

static void
test_journal_file_flushed_on_sigterm(void **state)
{
    char path[] = "/tmp/sfsim-journal-XXXXXX";
    const char *args[] = {"--journal", path, NULL};
    struct simtest t;
    char line[8192];
    FILE *fp;
    int fd = mkstemp(path), lines = 0;

    (void)state;
    close(fd);
    simtest_start(&t, args);
    httpc_post_form(t.http, W2L, "oid=00D000000000001&last_name=F", NULL);
    httpc_post_form(t.http, W2L, "oid=bad&last_name=G", NULL);
    assert_int_equal(simtest_stop(&t), 0);
    fp = fopen(path, "r");
    assert_non_null(fp);
    while (fgets(line, sizeof(line), fp) != NULL) {
        json_t *e = json_loads(line, 0, NULL);

        assert_non_null(e);
        json_decref(e);
        lines++;
    }
    fclose(fp);
    unlink(path);
    assert_int_equal(lines, 2);
}

static void
test_bad_org_file_exits_2_with_location(void **state)
{
    char org[] = "/tmp/sfsim-org-XXXXXX", err[] = "/tmp/sfsim-err-XXXXXX";
    char cmd[1024], msg[1024] = "";
    int fd = mkstemp(org), timed_out, st;
    FILE *fp;

    (void)state;
    dprintf(fd, "{\n  \"web_to_lead\": {\"over_limit\": \"explode\"}\n}\n");
    close(fd);
    close(mkstemp(err));
    snprintf(cmd, sizeof(cmd), "%s --port 0 --org %s 2>%s", test_sim_path(),
             org, err);
    st = spawn_shell(cmd, NULL, 10000, &timed_out);
    assert_false(timed_out);
    assert_int_equal(st, 2);
    fp = fopen(err, "r");
    assert_non_null(fgets(msg, sizeof(msg), fp));
    fclose(fp);
    assert_non_null(strstr(msg, ":2:33: web_to_lead.over_limit: \"explode\" "
                                "is not one of: drop, queue"));
    unlink(org);
    unlink(err);
    snprintf(cmd, sizeof(cmd), "%s --port banana 2>/dev/null", test_sim_path());
    assert_int_equal(spawn_shell(cmd, NULL, 10000, &timed_out), 2);
    snprintf(cmd, sizeof(cmd), "%s --help >/dev/null", test_sim_path());
    assert_int_equal(spawn_shell(cmd, NULL, 10000, &timed_out), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_health_and_404, simtest_setup,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_clock_moves_forward_only,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_put_org_validates_and_keeps_old,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_org_secrets_hidden_and_kept,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_journal_since_and_reset,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test(test_seed_makes_ids_reproducible),
        cmocka_unit_test(test_journal_file_flushed_on_sigterm),
        cmocka_unit_test(test_bad_org_file_exits_2_with_location),
    };

    return cmocka_run_group_tests_name("e2e_admin", tests, NULL, NULL);
}
