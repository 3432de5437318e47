/*
 * test_org_logins.c - the org's login settings (org_logins.c): a
 * connected app's certificate inline or from a file beside the org file,
 * checked at load with a located error; approved users; My Domain; a
 * user's security token (checked, redacted, kept by PUT /__sim/org) and
 * active flag; the effective config round-trips.
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

#include "jwtkeys.h"
#include "org.h"
#include "xmalloc.h"

static char *rsa_key, *rsa_cert, *ec_key, *ec_cert;

static int
setup(void **state)
{
    (void)state;
    jwtkeys_pair(1024, &rsa_key, &rsa_cert);
    jwtkeys_pair(0, &ec_key, &ec_cert);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    free(rsa_key);
    free(rsa_cert);
    free(ec_key);
    free(ec_cert);
    return 0;
}

/* pem as a JSON string's contents (caller frees). */
static char *
json_text(const char *pem)
{
    json_t *s = json_string(pem);
    char *out = json_dumps(s, JSON_ENCODE_ANY);

    json_decref(s);
    return out;
}

static struct org *
load(const char *text, struct sf_err *err)
{
    err_clear(err);
    return org_load_buf("org.json", text, strlen(text), err);
}

static void
expect_error(char *text, const char *msg)
{
    struct sf_err err;

    assert_null(load(text, &err));
    assert_string_equal(err.msg, msg);
    free(text);
}

#define APP_HEAD                                                               \
    "{\"connected_apps\": [{\"client_id\": \"a\", \"client_secret\": \"s\""

static void
test_certificate_inline(void **state)
{
    char *pem = json_text(rsa_cert), *text;
    struct sf_err err;
    struct org *o, *back;
    json_t *j;
    char *dump;

    (void)state;
    text = xasprintf(APP_HEAD ", \"certificate\": %s}]}", pem);
    o = load(text, &err);
    assert_non_null(o);
    assert_string_equal(org_app_find(o, "a")->certificate, rsa_cert);
    assert_false(org_app_find(o, "a")->self_authorize);
    j = org_to_json(o);
    dump = json_dumps(j, 0);
    back = load(dump, &err);
    assert_non_null(back);
    assert_string_equal(org_app_find(back, "a")->certificate, rsa_cert);
    org_free(back);
    free(dump);
    json_decref(j);
    org_free(o);
    free(text);
    free(pem);
}

static void
test_certificate_errors(void **state)
{
    char *ec = json_text(ec_cert);

    (void)state;
    expect_error(xasprintf(APP_HEAD ", \"certificate\": \"junk\"}]}"),
                 "org.json:1:77: connected_apps[0].certificate: not a PEM "
                 "X.509 certificate");
    expect_error(xasprintf(APP_HEAD ", \"certificate\": %s}]}", ec),
                 "org.json:1:77: connected_apps[0].certificate: the "
                 "certificate's key is not RSA (RS256 needs one)");
    expect_error(xasprintf(APP_HEAD ", \"certificate_file\": \"x.crt\"}]}"),
                 "org.json:1:82: connected_apps[0].certificate_file: a file "
                 "is read only from an org file given with --org; send the "
                 "PEM text as \"certificate\"");
    expect_error(xasprintf(APP_HEAD ", \"certificate\": \"x\", "
                                    "\"certificate_file\": \"y\"}]}"),
                 "org.json:1:21: connected_apps[0]: give \"certificate\" or "
                 "\"certificate_file\", not both");
    expect_error(xasprintf(APP_HEAD ", \"approved_users\": [\"nobody\"]}]}"),
                 "org.json:1:81: connected_apps[0].approved_users[0]: no "
                 "user \"nobody\" in users");
    expect_error(xasprintf(APP_HEAD ", \"permitted_users\": \"some\"}]}"),
                 "org.json:1:81: connected_apps[0].permitted_users: \"some\" "
                 "is not one of: admin_approved, all_users");
    expect_error(xasprintf("{\"my_domain\": \"acme.my.salesforce.com\"}"),
                 "org.json:1:15: my_domain: must be an origin such as "
                 "\"https://acme.my.salesforce.com\"");
    expect_error(xasprintf("{\"my_domain\": \"https://a.test/path\"}"),
                 "org.json:1:15: my_domain: must be an origin such as "
                 "\"https://acme.my.salesforce.com\"");
    free(ec);
}

/* certificate_file: relative to the org file; a missing one says which. */
static void
test_certificate_file(void **state)
{
    char dir[] = "/tmp/sfsim-orglogins-XXXXXX", path[128], cert[128];
    struct sf_err err;
    struct org *o;
    FILE *fp;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/org.json", dir);
    snprintf(cert, sizeof(cert), "%s/app.crt", dir);
    fp = fopen(path, "w");
    fprintf(fp, APP_HEAD ", \"certificate_file\": \"app.crt\"}]}");
    fclose(fp);
    err_clear(&err);
    assert_null(org_load_file(path, &err));
    assert_non_null(strstr(err.msg, "connected_apps[0].certificate_file: "
                                    "cannot read "));
    assert_non_null(strstr(err.msg, "/app.crt: No such file or directory"));
    fp = fopen(cert, "w");
    fputs(rsa_cert, fp);
    fclose(fp);
    err_clear(&err);
    o = org_load_file(path, &err);
    assert_non_null(o);
    assert_string_equal(org_app_find(o, "a")->certificate, rsa_cert);
    org_free(o);
    unlink(cert);
    unlink(path);
    rmdir(dir);
}

static void
test_security_token_and_active(void **state)
{
    static const char text[] =
        "{\"users\": [{\"username\": \"u@x.test\", \"password\": \"pw\", "
        "\"security_token\": \"TOK\"}, {\"username\": \"v@x.test\", "
        "\"password\": \"pw\", \"active\": false}]}";
    const struct org_user *u, *v;
    struct sf_err err;
    struct org *o = load(text, &err), *kept;
    json_t *j;
    char *dump;

    (void)state;
    assert_non_null(o);
    u = org_user_find(o, "u@x.test");
    v = org_user_find(o, "v@x.test");
    assert_true(u->active);
    assert_false(v->active);
    assert_int_equal(org_user_password(u, "pwTOK"), ORG_PASSWORD_OK);
    assert_int_equal(org_user_password(u, "pw"), ORG_PASSWORD_NO_TOKEN);
    assert_int_equal(org_user_password(u, "pwTOKx"), ORG_PASSWORD_BAD);
    assert_int_equal(org_user_password(u, "TOK"), ORG_PASSWORD_BAD);
    assert_int_equal(org_user_password(v, "pw"), ORG_PASSWORD_OK);
    assert_int_equal(org_user_password(v, "pwx"), ORG_PASSWORD_BAD);

    /* Redacted like a password, and kept by an update that sends the
     * mark back. */
    j = org_to_json(o);
    org_json_redact(j);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(j, "users"), 0), "security_token")),
        ORG_SECRET_MARK);
    dump = json_dumps(j, 0);
    err_clear(&err);
    kept = org_load_update("body", dump, strlen(dump), o, &err);
    assert_non_null(kept);
    assert_string_equal(org_user_find(kept, "u@x.test")->security_token, "TOK");
    org_free(kept);
    free(dump);
    json_decref(j);
    org_free(o);
}

static void
test_approved_users(void **state)
{
    static const char text[] =
        "{\"users\": [{\"username\": \"u@x.test\", \"password\": \"pw\"}, "
        "{\"username\": \"v@x.test\", \"password\": \"pw\"}], "
        "\"connected_apps\": [{\"client_id\": \"a\", \"client_secret\": \"s\", "
        "\"permitted_users\": \"all_users\", \"approved_users\": "
        "[\"U@x.test\"]}, {\"client_id\": \"b\", \"client_secret\": \"s\"}], "
        "\"my_domain\": \"https://acme.my.salesforce.com/\"}";
    struct sf_err err;
    struct org *o = load(text, &err);

    (void)state;
    assert_non_null(o);
    assert_true(org_app_find(o, "a")->self_authorize);
    assert_true(org_app_approved(org_app_find(o, "a"), "u@x.test"));
    assert_false(org_app_approved(org_app_find(o, "a"), "v@x.test"));
    assert_true(org_app_approved(org_app_find(o, "b"), "v@x.test"));
    assert_string_equal(o->my_domain, "https://acme.my.salesforce.com/");
    org_free(o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_certificate_inline),
        cmocka_unit_test(test_certificate_errors),
        cmocka_unit_test(test_certificate_file),
        cmocka_unit_test(test_security_token_and_active),
        cmocka_unit_test(test_approved_users),
    };

    return cmocka_run_group_tests_name("org_logins", tests, setup, teardown);
}
