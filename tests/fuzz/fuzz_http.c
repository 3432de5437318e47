/*
 * fuzz_http.c - libFuzzer entry point for the sim's request handling.
 *
 * Each input is a request file as in tests/hostile/http/ (that corpus seeds
 * this target): expanded by rawhttp_expand() ({{N*TEXT}}, ${TOKEN} a valid
 * session's token, ${HOST}), split the simple way into a request line,
 * headers, query arguments and a body, and handed to dispatch() as httpd.c
 * hands it a request: routing, the session check, the JSON and form
 * parsers, every handler and the journal see hostile input. libmicrohttpd's
 * own parsing is not under test here (the hostile corpus sends it raw
 * bytes). The answer must have a status in 100..599 and a body that
 * serialises; a crash, leak, hang or sanitizer report is a bug. Between
 * inputs the sim is reset (records, journal, tokens, faults) and its org
 * put back, and an input that moved the frozen clock gets the next one a
 * new sim, so that a crash reproduces from its input alone. (A new sim for
 * every input costs 7 ms plain, 50 ms instrumented: 20 inputs a second.)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "fault.h"
#include "org.h"
#include "rawhttp.h"
#include "request.h"
#include "route.h"
#include "sim.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* clang-format off */
/*
 * run.sh links these too: the route table and the handlers are reached
 * through the table, not through an #include.
 * FUZZ-SOURCES-BEGIN
 * sim/http/routes.c
 * sim/admin/h_*.c
 * sim/auth/h_*.c
 * sim/bulk/h_*.c
 * sim/rest/h_*.c
 * sim/soap/h_*.c
 * sim/w2l/h_*.c
 * sim/admin/snapshot_*.c
 * FUZZ-SOURCES-END
 *
 * FUZZ-DICT-BEGIN
 * "${TOKEN}"
 * "${BODY_LEN}"
 * "{{1000*"
 * "}}"
 * "Authorization: Bearer "
 * "Content-Type: application/json\x0d\x0a"
 * "Content-Type: application/x-www-form-urlencoded\x0d\x0a"
 * "\x0d\x0a\x0d\x0a"
 * "/services/data/v62.0/"
 * "sobjects/Lead/"
 * "query?q=SELECT+Id+FROM+Lead+WHERE+Email+%3D+'a'"
 * "/servlet/servlet.WebToLead?encoding=UTF-8"
 * "oid=00D000000000001&"
 * "/services/oauth2/token"
 * "grant_type=password&"
 * "/__sim/"
 * "PATCH"
 * "DELETE"
 * FUZZ-DICT-END
 */
/* clang-format on */

#define FUZZ_ORG                                                               \
    "{\"clock\": {\"start\": \"2026-11-26T12:00:00Z\", \"frozen\": true}}"
#define FUZZ_HOST "127.0.0.1:8080"
#define FUZZ_EXPAND_MAX (2u * 1024 * 1024)

/* A request split out of the input; every string points into text. */
struct parsed {
    struct buf text; /* the expanded input, cut up in place */
    char root[2];    /* "/": the path when the input has none */
    struct sim_request req;
};

/* Decodes %XX in place, as libmicrohttpd does with the path and arguments;
 * a bad escape stays as it is. */
static void
unescape(char *s)
{
    char *out = s, hex[3] = {0, 0, 0};

    for (; *s != '\0'; s++) {
        if (s[0] == '%' && s[1] != '\0' && s[2] != '\0') {
            hex[0] = s[1];
            hex[1] = s[2];
            if (strspn(hex, "0123456789abcdefABCDEF") == 2) {
                *out++ = (char)strtol(hex, NULL, 16);
                s += 2;
                continue;
            }
        }
        *out++ = *s;
    }
    *out = '\0';
}

/* Cuts the next line (LF, an optional CR before it removed) off *p. */
static char *
next_line(char **p, char *end)
{
    char *line = *p, *nl;

    if (line >= end)
        return NULL;
    nl = memchr(line, '\n', (size_t)(end - line));
    if (nl == NULL)
        nl = end;
    *p = nl < end ? nl + 1 : end;
    *nl = '\0';
    if (nl > line && nl[-1] == '\r')
        nl[-1] = '\0';
    return line;
}

static void
add_query(struct sim_request *req, char *query)
{
    char *arg, *eq;

    while (query != NULL && *query != '\0' && req->nquery < REQUEST_MAX_KV) {
        arg = query;
        query = strchr(query, '&');
        if (query != NULL)
            *query++ = '\0';
        eq = strchr(arg, '=');
        if (eq != NULL)
            *eq++ = '\0';
        unescape(arg);
        if (eq != NULL)
            unescape(eq);
        req->query[req->nquery].name = arg;
        req->query[req->nquery++].value = eq != NULL ? eq : "";
    }
}

/* The request line and headers of text into req; the rest is the body. */
static void
parse(struct parsed *p)
{
    char *cur = p->text.data, *end = cur + p->text.len, *line, *q, *colon;
    struct sim_request *req = &p->req;

    char *path;

    line = next_line(&cur, end);
    req->method_name = line != NULL ? strsep(&line, " ") : "";
    path = line != NULL ? strsep(&line, " ") : NULL;
    if (path == NULL || *path == '\0') {
        memcpy(p->root, "/", 2);
        path = p->root;
    }
    req->path = path;
    req->method = route_method_parse(req->method_name);
    q = strchr(path, '?');
    if (q != NULL)
        *q++ = '\0';
    unescape(path);
    add_query(req, q);
    while ((line = next_line(&cur, end)) != NULL && *line != '\0') {
        colon = strchr(line, ':');
        if (colon == NULL || req->nheaders >= REQUEST_MAX_KV)
            continue;
        *colon++ = '\0';
        req->headers[req->nheaders].name = line;
        req->headers[req->nheaders++].value = colon + strspn(colon, " \t");
    }
    req->body = cur < end ? cur : "";
    req->body_len = cur < end ? (size_t)(end - cur) : 0;
}

static struct org *
fuzz_org(void)
{
    struct sf_err err;
    struct org *o;

    err_clear(&err);
    o = org_load_buf("fuzz", FUZZ_ORG, strlen(FUZZ_ORG), &err);
    if (o == NULL)
        abort();
    return o;
}

static struct sim *
new_sim(void)
{
    struct sim_config cfg = {
        .bind = "127.0.0.1",
        .journal_ring = 64,
        .journal_body_max = 256,
        .max_body = SIM_DEFAULT_MAX_BODY,
        .has_seed = 1,
        .seed = 1,
    };
    struct sf_err err;
    struct sim *sim;

    err_clear(&err);
    sim = sim_new(&cfg, fuzz_org(), &err);
    if (sim == NULL)
        abort();
    snprintf(sim->base_url, sizeof(sim->base_url), "http://" FUZZ_HOST);
    return sim;
}

/*
 * The sim for the next input, as a new one would be: reset, its org put
 * back if an input replaced it, a new sim if an input moved its clock;
 * and a token for its first user into token.
 */
static struct sim *
ready_sim(char *token, size_t n)
{
    static struct sim *sim;
    static const struct org *org;
    static int64_t start;
    struct sim_request req = {.method = HTTP_POST,
                              .method_name = "POST",
                              .path = "/__sim/tokens",
                              .body = ""};
    struct sim_response resp;

    if (sim != NULL && sim_now(sim) != start) {
        sim_free(sim);
        sim = NULL;
    }
    if (sim == NULL) {
        sim = new_sim();
        start = sim_now(sim);
    } else {
        sim_reset(sim);
        if (sim->org != org)
            sim_replace_org(sim, fuzz_org());
    }
    org = sim->org;
    response_init(&resp);
    dispatch(sim, &req, &resp);
    snprintf(token, n, "%s",
             json_string_value(json_object_get(resp.json, "access_token")));
    response_free(&resp);
    return sim;
}

/* The answer must be one an HTTP library can send. */
static void
check_answer(const struct sim_response *resp)
{
    char *text;

    if (resp->status < 100 || resp->status > 599)
        abort();
    if (resp->json != NULL) {
        text = json_dumps(resp->json, JSON_COMPACT | JSON_ENCODE_ANY);
        if (text == NULL)
            abort();
        free(text);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    char token[256];
    const struct rawhttp_var vars[] = {
        {"HOST", FUZZ_HOST}, {"TOKEN", token}, {NULL, NULL}};
    struct sim *sim;
    struct parsed p;
    struct sim_response resp;
    struct fault_hit hit;

    if (!init) {
        xjson_init();
        init = 1;
    }
    sim = ready_sim(token, sizeof(token));
    memset(&p, 0, sizeof(p));
    if (rawhttp_expand((const char *)data, size, vars, FUZZ_EXPAND_MAX, &p.text,
                       NULL) == -1) {
        /* Not the notation: the bytes as they are. */
        buf_free(&p.text);
        buf_init(&p.text, FUZZ_EXPAND_MAX);
        buf_append(&p.text, data, size);
    }
    if (p.text.data == NULL)
        buf_putc(&p.text, '\n');
    parse(&p);
    response_init(&resp);
    if (p.req.body_len > sim->cfg.max_body)
        dispatch_too_large(sim, &p.req, &resp);
    else if (!dispatch_fault(sim, &p.req, &resp, &hit))
        dispatch(sim, &p.req, &resp);
    check_answer(&resp);
    response_free(&resp);
    buf_free(&p.text);
    return 0;
}
