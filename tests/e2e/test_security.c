/*
 * test_security.c - what the real sfsim refuses, and what it keeps to
 * itself: request framing that could be read two ways, admin calls from
 * another site or through a foreign host name, and secrets in anything it
 * writes (journal, journal file, logs, admin answers).
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base64.h"
#include "buf.h"
#include "simtest.h"
#include "xmalloc.h"

#define W2L "/servlet/servlet.WebToLead?encoding=UTF-8"
#define RAW_WAIT_MS 5000

/*
 * Sends text on a new connection and reads until the server closes it or
 * RAW_WAIT_MS pass; *closed says which. Returns what was read (caller
 * frees).
 */
static char *
raw_exchange(const struct simtest *t, const char *text, int *closed)
{
    struct buf in;
    char chunk[4096];
    int fd = simtest_connect(t, 0);

    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    buf_init(&in, 1 << 20);
    *closed = 0;
    for (;;) {
        struct pollfd pfd = {fd, POLLIN, 0};
        ssize_t n;

        if (poll(&pfd, 1, RAW_WAIT_MS) <= 0)
            break;
        if ((n = read(fd, chunk, sizeof(chunk))) <= 0) {
            *closed = 1;
            break;
        }
        buf_append(&in, chunk, (size_t)n);
    }
    close(fd);
    buf_putc(&in, '\0');
    return buf_steal(&in, NULL);
}

static size_t
count_of(const char *hay, const char *needle)
{
    size_t n = 0;

    for (; (hay = strstr(hay, needle)) != NULL; hay++)
        n++;
    return n;
}

/* The last journal entry's verdict (static copy). */
static const char *
last_verdict(struct simtest *t)
{
    static char v[64];
    json_t *e = simtest_journal_last(t, NULL);

    snprintf(v, sizeof(v), "%s",
             json_string_value(json_object_get(e, "verdict")));
    json_decref(e);
    return v;
}

/* Two lengths: the body of the first is a second request, which a server
 * reading the other length would answer. One 400, then the close. */
static void
test_two_content_lengths_refused(void **state)
{
    struct simtest *t = *state;
    int closed;
    char *out = raw_exchange(
        t,
        "POST " W2L " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 42\r\nContent-Length: 5\r\n\r\n"
        "oid=1POST /__sim/reset HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        &closed);

    assert_true(closed);
    assert_int_equal(count_of(out, "HTTP/1.1 "), 1);
    assert_non_null(strstr(out, "HTTP/1.1 400 "));
    assert_non_null(strstr(out, "more than one Content-Length header"));
    free(out);
    assert_string_equal(last_verdict(t), "bad_request");
    out = raw_exchange(t,
                       "POST " W2L " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"
                       "\r\n0\r\n\r\n",
                       &closed);
    assert_true(closed);
    assert_non_null(strstr(out, "HTTP/1.1 400 "));
    assert_non_null(strstr(out, "both Content-Length and Transfer-Encoding"));
    free(out);
    assert_int_equal(simtest_count(t, "Lead"), 0);
}

static void
test_http11_needs_one_host(void **state)
{
    struct simtest *t = *state;
    int closed;
    char *out = raw_exchange(t, "GET /__sim/health HTTP/1.1\r\n\r\n", &closed);

    assert_non_null(strstr(out, "HTTP/1.1 400 "));
    assert_non_null(strstr(out, "an HTTP/1.1 request needs a Host header"));
    assert_true(closed);
    free(out);
    out = raw_exchange(t,
                       "GET /__sim/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Host: evil.example\r\n\r\n",
                       &closed);
    assert_non_null(strstr(out, "more than one Host header"));
    free(out);
    /* HTTP/1.0 has no Host requirement. */
    out = raw_exchange(t, "GET /__sim/health HTTP/1.0\r\n\r\n", &closed);
    assert_non_null(strstr(out, " 200 OK"));
    free(out);
}

/* Handlers see 128 header fields and 128 query parameters: a request with
 * more is refused, not read with the rest lost. */
static void
test_too_many_fields_refused(void **state)
{
    struct simtest *t = *state;
    struct buf b;
    char *out;
    int closed, i;

    buf_init(&b, 1 << 20);
    buf_puts(&b, "GET /services/data HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (i = 0; i < 128; i++)
        buf_printf(&b, "X-F%d: 1\r\n", i);
    buf_puts(&b, "\r\n");
    out = raw_exchange(t, b.data, &closed);
    assert_non_null(strstr(out, "HTTP/1.1 431 "));
    assert_non_null(strstr(out, "more than 128 header fields"));
    free(out);
    buf_reset(&b);
    buf_puts(&b, "GET /services/data?a=0");
    for (i = 1; i < 129; i++)
        buf_printf(&b, "&a%d=1", i);
    buf_puts(&b, " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    out = raw_exchange(t, b.data, &closed);
    assert_non_null(strstr(out, "HTTP/1.1 400 "));
    assert_non_null(strstr(out, "more than 128 query parameters"));
    free(out);
    buf_free(&b);
}

/* JSON nesting past jansson's 2,048 levels is a parse error with its
 * position, on the API and on the admin API alike (README, "Limits"). */
static void
test_deep_json_refused(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    struct buf b;
    int i;

    buf_init(&b, 1 << 20);
    for (i = 0; i < 3000; i++)
        buf_puts(&b, "{\"a\":");
    buf_putc(&b, '1');
    for (i = 0; i < 3000; i++)
        buf_putc(&b, '}');
    simtest_login(t, NULL);
    assert_int_equal(simtest_api(t, "POST",
                                 "/services/data/v59.0/sobjects/Lead",
                                 "application/json", b.data, NULL, &r),
                     400);
    assert_non_null(strstr(r.body, "maximum parsing depth reached"));
    http_result_free(&r);
    assert_int_equal(httpc_request(t->http, "PUT", "/__sim/org",
                                   "application/json", b.data, b.len, NULL, &r),
                     0);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "body:1:10241: maximum parsing depth"));
    http_result_free(&r);
    buf_free(&b);
}

/* A request with extra headers; returns the status, body into *body
 * (caller frees) when body is not NULL. */
static long
call(struct simtest *t, const char *method, const char *path,
     const char *content_type, const char *payload, const char *const *headers,
     json_t **body)
{
    struct http_result r;
    long st;

    assert_int_equal(httpc_request(t->http, method, path, content_type, payload,
                                   payload ? strlen(payload) : 0, headers, &r),
                     0);
    st = r.status;
    if (body != NULL)
        *body = json_loadb(r.body, r.body_len, JSON_DECODE_ANY, NULL);
    http_result_free(&r);
    return st;
}

static void
expect_refused(struct simtest *t, const char *method, const char *path,
               const char *const *headers, const char *code)
{
    json_t *j = NULL;

    assert_int_equal(call(t, method, path, "text/plain", "{}", headers, &j),
                     403);
    assert_string_equal(json_string_value(json_object_get(j, "error")), code);
    json_decref(j);
}

/* What a page on another site can send without a preflight: a text/plain
 * POST. Every admin route refuses it, and nothing changes. */
static void
test_admin_refuses_other_sites(void **state)
{
    static const char *const evil[] = {"Origin: http://evil.example",
                                       "Sec-Fetch-Site: cross-site", NULL};
    static const char *const origin_only[] = {"Origin: http://evil.example",
                                              NULL};
    static const char *const fetch_only[] = {"Sec-Fetch-Site: cross-site",
                                             NULL};
    static const char *const rebound[] = {"Host: rebind.evil.example:8080",
                                          NULL};
    struct simtest *t = *state;
    json_t *j;

    httpc_post_form(t->http, W2L, "oid=00D000000000001&last_name=Kept", NULL);
    expect_refused(t, "POST", "/__sim/reset", evil, "cross_site_request");
    expect_refused(t, "POST", "/__sim/reset", origin_only,
                   "cross_site_request");
    expect_refused(t, "POST", "/__sim/reset", fetch_only, "cross_site_request");
    expect_refused(t, "POST", "/__sim/reset", rebound, "host_not_allowed");
    expect_refused(t, "PUT", "/__sim/org", evil, "cross_site_request");
    expect_refused(t, "POST", "/__sim/faults", origin_only,
                   "cross_site_request");
    expect_refused(t, "POST", "/__sim/tokens", origin_only,
                   "cross_site_request");
    expect_refused(t, "GET", "/__sim/org", rebound, "host_not_allowed");
    expect_refused(t, "GET", "/__sim/journal", evil, "cross_site_request");
    expect_refused(t, "GET", "/__sim/no-such-route", evil,
                   "cross_site_request");
    assert_int_equal(simtest_count(t, "Lead"), 1);
    j = httpc_get_json(t->http, "/__sim/faults", NULL);
    assert_int_equal(json_array_size(json_object_get(j, "faults")), 0);
    json_decref(j);
    /* The sim's own origin, and scripts that send no Origin, still work. */
    assert_int_equal(
        call(t, "POST", "/__sim/reset", NULL, NULL,
             (const char *const[]){"Sec-Fetch-Site: same-origin", NULL}, NULL),
        200);
    assert_int_equal(simtest_count(t, "Lead"), 0);
}

/* Web forms post Web-to-Lead from their own sites; the API and OAuth take
 * any origin too (their credentials are in the request). */
static void
test_salesforce_paths_take_any_origin(void **state)
{
    static const char *const site[] = {"Origin: https://forms.example",
                                       "Sec-Fetch-Site: cross-site",
                                       "Host: rebind.evil.example", NULL};
    struct simtest *t = *state;
    const char *api[] = {site[0], site[1], t->auth, NULL};

    assert_int_equal(call(t, "POST", W2L, "application/x-www-form-urlencoded",
                          "oid=00D000000000001&last_name=Form", site, NULL),
                     200);
    assert_string_equal(last_verdict(t), "created");
    assert_int_equal(call(t, "POST", "/services/oauth2/token",
                          "application/x-www-form-urlencoded",
                          "grant_type=password&client_id=sfsim-client-id&"
                          "client_secret=sfsim-client-secret&username=admin@"
                          "sfsim.test&password=sfsim-password",
                          site, NULL),
                     200);
    assert_int_equal(
        call(t, "GET", "/services/data/v59.0/limits", NULL, NULL, api, NULL),
        200);
}

static void
test_allow_host(void **state)
{
    const char *args[] = {"--allow-host", "sfsim.test", NULL};
    struct simtest t;

    (void)state;
    simtest_start(&t, args);
    assert_int_equal(call(&t, "GET", "/__sim/health", NULL, NULL,
                          (const char *const[]){"Host: sfsim.test:1234", NULL},
                          NULL),
                     200);
    assert_int_equal(call(&t, "GET", "/__sim/health", NULL, NULL,
                          (const char *const[]){"Host: other.test:1234", NULL},
                          NULL),
                     403);
    assert_int_equal(simtest_stop(&t), 0);
}

/* --- unread admin answers ---------------------------------------------- */

#define UNREAD_CLIENTS 430 /* more than the 64 MiB budget's ~409 streams */

/* A connection that asks for path and reads no more than its status line
 * (into status, NUL-terminated). Returns the descriptor, kept open. */
static int
ask_and_stall(const struct simtest *t, const char *path, char *status, size_t n)
{
    char req[256];
    /* A small window: the kernel takes little of the answer off the sim. */
    int fd = simtest_connect(t, 4096);
    struct pollfd pfd;
    ssize_t got;

    snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
             path);
    assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
    pfd.fd = fd;
    pfd.events = POLLIN;
    assert_int_equal(poll(&pfd, 1, 30000), 1);
    got = read(fd, status, n - 1);
    assert_true(got > 12);
    status[got] = '\0';
    return fd;
}

/*
 * Clients that ask for a large admin answer and never read it hold a
 * bounded share of the sim: past the budget they are answered 503 busy,
 * while small answers (health) still come, and once they are gone the
 * large answer is served again.
 */
static void
test_unread_admin_answers_bounded(void **state)
{
    struct simtest *t = *state;
    int fds[UNREAD_CLIENTS], i, ok = 0, busy = 0;
    char status[64], form[128];
    json_t *j;
    long st = 0;

    json_decref(httpc_send_json(t->http, "PUT", "/__sim/org",
                                "{\"web_to_lead\":{\"daily_limit\":100000}}",
                                &st));
    assert_int_equal(st, 200);
    for (i = 0; i < 1500; i++) {
        snprintf(form, sizeof(form),
                 "oid=00D000000000001&last_name=Unread%d&company=Acme", i);
        httpc_post_form(t->http, W2L, form, NULL);
    }
    for (i = 0; i < UNREAD_CLIENTS; i++) {
        fds[i] =
            ask_and_stall(t, "/__sim/records/Lead", status, sizeof(status));
        ok += strncmp(status, "HTTP/1.1 200 ", 13) == 0;
        busy += strncmp(status, "HTTP/1.1 503 ", 13) == 0;
    }
    assert_int_equal(ok + busy, UNREAD_CLIENTS);
    assert_true(ok > 0);
    assert_true(busy > 0);
    j = httpc_get_json(t->http, "/__sim/health", &st);
    assert_int_equal(st, 200);
    json_decref(j);
    for (i = 0; i < UNREAD_CLIENTS; i++)
        close(fds[i]);
    for (i = 0, st = 503; i < 500 && st == 503; i++) { /* at most 5 s */
        struct timespec ts = {0, 10 * 1000 * 1000};
        struct http_result r;

        assert_int_equal(httpc_request(t->http, "GET",
                                       "/__sim/records/Lead?limit=1", NULL,
                                       NULL, 0, NULL, &r),
                         0);
        st = r.status;
        http_result_free(&r);
        if (st == 503)
            nanosleep(&ts, NULL);
    }
    assert_int_equal(st, 200);
}

/* --- secrets ------------------------------------------------------------ */

#define USER_PW "PW-user-9f3k"
#define APP_ID "app-4t6y"
#define APP_SECRET "CS-app-7q2w"
#define WRONG_PW "wrong-PW-5x8c"
#define ASSERTION "JWT-assert-4h1m"
#define CLIENT_ASSERTION "CA-jwt-2k9d"
#define ID_TOKEN "idtok-8e2r"
/* RFC 7636 appendix B */
#define VERIFIER "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
#define MAX_SECRETS 32

struct secrets {
    char *v[MAX_SECRETS];
    size_t n;
};

static void
secret_add(struct secrets *s, const char *v)
{
    assert_non_null(v);
    assert_true(s->n < MAX_SECRETS);
    s->v[s->n++] = xstrdup(v);
}

/* Whole file, NUL-terminated (caller frees). */
static char *
slurp(const char *path)
{
    char *text = test_read_file(path);

    assert_non_null(text);
    return text;
}

static void
expect_clean(const struct secrets *s, const char *what, const char *text)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (strstr(text, s->v[i]) != NULL)
            fail_msg("%s holds the secret \"%s\"", what, s->v[i]);
}

static json_t *
form_call(struct simtest *t, const char *method, const char *path,
          const char *form, const char *const *headers, long expect)
{
    struct http_result r;
    json_t *j;

    assert_int_equal(
        httpc_request(t->http, method, path,
                      form ? "application/x-www-form-urlencoded" : NULL, form,
                      form ? strlen(form) : 0, headers, &r),
        0);
    if (r.status != expect)
        fail_msg("%s %s: %ld, expected %ld: %s", method, path, r.status, expect,
                 r.body);
    j = json_loadb(r.body, r.body_len, JSON_DECODE_ANY, NULL);
    http_result_free(&r);
    return j;
}

#define TOKEN_PATH "/services/oauth2/token"

/* Token grants of every kind, good and bad; the tokens issued join s. */
static void
drive_token_endpoint(struct simtest *t, struct secrets *s)
{
    const char *basic_raw = APP_ID ":" APP_SECRET;
    char basic[128], hdr[160], loc[1024], code[256], form[1024];
    const char *bh[] = {hdr, NULL};
    struct http_result r;
    json_t *j;

    j = form_call(t, "POST", TOKEN_PATH,
                  "grant_type=password&client_id=" APP_ID
                  "&client_secret=" APP_SECRET "&username=u%40sec.test"
                  "&password=" USER_PW,
                  NULL, 200);
    secret_add(s, json_string_value(json_object_get(j, "access_token")));
    json_decref(j);
    json_decref(form_call(t, "POST", TOKEN_PATH,
                          "grant_type=password&client_id=" APP_ID
                          "&client%5Fsecret=" APP_SECRET
                          "&username=u%40sec.test&password=" WRONG_PW,
                          NULL, 400));
    base64_encode((const uint8_t *)basic_raw, strlen(basic_raw), basic, 0);
    snprintf(hdr, sizeof(hdr), "Authorization: Basic %s", basic);
    secret_add(s, basic);
    j = form_call(t, "POST", TOKEN_PATH, "grant_type=client_credentials", bh,
                  200);
    secret_add(s, json_string_value(json_object_get(j, "access_token")));
    json_decref(j);
    httpc_request(
        t->http, "GET",
        "/services/oauth2/authorize?response_type=code&client_id=" APP_ID
        "&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&code_challenge=" CHALLENGE
        "&code_challenge_method=S256",
        NULL, NULL, 0, NULL, &r);
    assert_non_null(http_header(&r, "Location", loc, sizeof(loc)));
    http_result_free(&r);
    snprintf(code, sizeof(code), "%.*s", (int)strcspn(loc + 25, "&"), loc + 25);
    secret_add(s, code);
    snprintf(form, sizeof(form),
             "grant_type=authorization_code&client_id=" APP_ID
             "&client_secret=" APP_SECRET "&code=%s&code_verifier=" VERIFIER
             "&redirect_uri=http%%3A%%2F%%2Flocalhost%%2Fcb",
             code);
    j = form_call(t, "POST", TOKEN_PATH, form, NULL, 200);
    secret_add(s, json_string_value(json_object_get(j, "access_token")));
    secret_add(s, json_string_value(json_object_get(j, "refresh_token")));
    snprintf(form, sizeof(form),
             "grant_type=refresh_token&client_id=" APP_ID
             "&client_secret=" APP_SECRET "&refresh_token=%s",
             json_string_value(json_object_get(j, "refresh_token")));
    json_decref(j);
    j = form_call(t, "POST", TOKEN_PATH, form, NULL, 200);
    secret_add(s, json_string_value(json_object_get(j, "access_token")));
    json_decref(j);
    json_decref(form_call(
        t, "POST", TOKEN_PATH,
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
        "&assertion=" ASSERTION "&client_assertion=" CLIENT_ASSERTION
        "&id_token=" ID_TOKEN,
        NULL, 400));
    assert_int_equal(
        httpc_request(
            t->http, "POST", TOKEN_PATH, "application/json",
            "{\"grant_type\":\"password\",\"client_secret\":\"" APP_SECRET
            "\",\"password\":\"" USER_PW "\"}",
            strlen("{\"grant_type\":\"password\",\"client_secret\":"
                   "\"" APP_SECRET "\",\"password\":\"" USER_PW "\"}"),
            NULL, &r),
        0);
    http_result_free(&r);
}

/* Every other place a token travels: query strings, bodies, headers. */
static void
drive_token_uses(struct simtest *t, const struct secrets *s)
{
    char path[512], form[512], bearer[512], oauth[512];
    const char *bh[] = {bearer, NULL}, *oh[] = {oauth, NULL};
    /* s: password grant's token, Basic credentials, client_credentials
     * token, code, its access and refresh tokens, the refreshed token. */
    const char *tok = s->v[4];
    json_t *j;

    snprintf(bearer, sizeof(bearer), "Authorization: Bearer %s", tok);
    snprintf(oauth, sizeof(oauth), "Authorization: OAuth %s", tok);
    snprintf(path, sizeof(path), "/services/oauth2/userinfo?oauth_token=%s",
             s->v[0]);
    json_decref(form_call(t, "GET", path, NULL, NULL, 200));
    json_decref(
        form_call(t, "GET", "/services/oauth2/userinfo", NULL, bh, 200));
    j = form_call(t, "GET", "/services/oauth2/userinfo", NULL, bh, 200);
    snprintf(path, sizeof(path), "%s?oauth_token=%s",
             strstr(json_string_value(json_object_get(j, "sub")), "/id/"),
             s->v[0]);
    json_decref(j);
    json_decref(form_call(t, "GET", path, NULL, NULL, 200));
    snprintf(form, sizeof(form),
             "client_id=" APP_ID "&client_secret=" APP_SECRET "&token=%s",
             s->v[6]);
    json_decref(
        form_call(t, "POST", "/services/oauth2/introspect", form, NULL, 200));
    json_decref(
        form_call(t, "GET", "/services/data/v59.0/limits", NULL, oh, 200));
    json_decref(
        form_call(t, "GET", "/services/data/v59.0/limits", NULL, bh, 200));
    snprintf(path, sizeof(path), "/services/oauth2/revoke?token=%s", s->v[2]);
    json_decref(form_call(t, "GET", path, NULL, NULL, 200));
    snprintf(form, sizeof(form), "token=%s", s->v[5]);
    json_decref(
        form_call(t, "POST", "/services/oauth2/revoke", form, NULL, 200));
}

/* The --journal file while the sim runs: every line whole and JSON. */
static char *
journal_file_now(const char *path, size_t want_lines)
{
    char *text = slurp(path), *p, *nl;
    size_t lines = 0;

    assert_true(strlen(text) > 0);
    assert_int_equal(text[strlen(text) - 1], '\n');
    for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
        json_t *e = json_loadb(p, (size_t)(nl - p), 0, NULL);

        assert_non_null(e);
        json_decref(e);
        lines++;
    }
    assert_int_equal(lines, want_lines);
    return text;
}

/*
 * Every auth path driven with known secrets; then everything the sim wrote
 * or answers about it is searched for them: GET /__sim/journal, the
 * --journal file (whole lines, mode 0600), the verbose log, stdout, GET
 * /__sim/org and /__sim/mail.
 */
static void
test_no_secret_written(void **state)
{
    char dir[] = "/tmp/sfsim-sec-XXXXXX", org[512], jpath[512], path[512];
    const char *args[] = {"--org", org, "--journal", jpath, "-v", "-v", NULL};
    struct secrets s = {0};
    struct simtest t;
    struct http_result r;
    struct stat st;
    char *text;
    json_t *j;
    size_t i, entries;
    FILE *fp;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(org, sizeof(org), "%s/org.json", dir);
    snprintf(jpath, sizeof(jpath), "%s/journal.ndjson", dir);
    fp = fopen(org, "w");
    fprintf(fp, "{\"users\": [{\"username\": \"u@sec.test\", \"password\": "
                "\"" USER_PW "\"}], \"connected_apps\": [{\"client_id\": "
                "\"" APP_ID "\", \"client_secret\": \"" APP_SECRET "\", "
                "\"run_as\": \"u@sec.test\"}]}\n");
    fclose(fp);
    simtest_start_logged(&t, dir, args);
    drive_token_endpoint(&t, &s);
    drive_token_uses(&t, &s);
    secret_add(&s, USER_PW);
    secret_add(&s, APP_SECRET);
    secret_add(&s, WRONG_PW);
    secret_add(&s, ASSERTION);
    secret_add(&s, CLIENT_ASSERTION);
    secret_add(&s, ID_TOKEN);
    secret_add(&s, VERIFIER);
    assert_int_equal(
        httpc_request(t.http, "GET", "/__sim/journal", NULL, NULL, 0, NULL, &r),
        0);
    expect_clean(&s, "GET /__sim/journal", r.body);
    assert_non_null(strstr(r.body, "client_secret=[redacted]"));
    j = json_loads(r.body, 0, NULL);
    entries = json_array_size(j);
    assert_true(entries >= 16);
    json_decref(j);
    http_result_free(&r);
    text = journal_file_now(jpath, entries);
    expect_clean(&s, "the --journal file", text);
    free(text);
    assert_int_equal(stat(jpath, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    for (i = 0; i < 2; i++) {
        assert_int_equal(httpc_request(t.http, "GET",
                                       i ? "/__sim/mail" : "/__sim/org", NULL,
                                       NULL, 0, NULL, &r),
                         0);
        expect_clean(&s, i ? "GET /__sim/mail" : "GET /__sim/org", r.body);
        http_result_free(&r);
    }
    assert_int_equal(simtest_stop(&t), 0);
    snprintf(path, sizeof(path), "%s/err", dir);
    text = slurp(path);
    expect_clean(&s, "stderr", text);
    free(text);
    snprintf(path, sizeof(path), "%s/out", dir);
    text = slurp(path);
    expect_clean(&s, "stdout", text);
    free(text);
    for (i = 0; i < s.n; i++)
        free(s.v[i]);
    text = xasprintf("rm -rf %s", dir);
    assert_int_equal(system(text), 0);
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_content_lengths_refused,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_http11_needs_one_host,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_too_many_fields_refused,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_deep_json_refused, simtest_setup,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_admin_refuses_other_sites,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_salesforce_paths_take_any_origin,
                                        simtest_setup_session,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_unread_admin_answers_bounded,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test(test_allow_host),
        cmocka_unit_test(test_no_secret_written),
    };

    return cmocka_run_group_tests_name("e2e_security", tests, NULL, NULL);
}
