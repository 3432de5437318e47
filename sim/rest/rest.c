/*
 * rest.c - shared pieces of the REST handlers (see rest.h).
 */
#include "rest.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "intake.h"
#include "jload.h"
#include "parse.h"
#include "recbody.h"
#include "recscan.h"
#include "rules.h"
#include "schema.h"
#include "sfapi.h"
#include "sim.h"
#include "store.h"

void
rest_bad_request(struct sim_response *resp, const char *code, const char *fmt,
                 ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    response_sf_error(resp, 400, code, msg, NULL);
}

void
rest_not_found(struct sim_response *resp)
{
    response_sf_error(resp, 404, "NOT_FOUND",
                      "The requested resource does not exist", NULL);
}

int
rest_version(const struct sim_request *req, struct sim_response *resp)
{
    const char *seg = req->nparams > 0 ? req->params[0] : "";
    char digits[8];
    const char *dot;
    size_t n;
    int64_t v;

    /* "v" digits ".0": Salesforce has only ever released whole versions. */
    dot = strchr(seg, '.');
    if (seg[0] != 'v' || dot == NULL || strcmp(dot, ".0") != 0)
        goto bad;
    n = (size_t)(dot - seg - 1);
    if (n == 0 || n >= sizeof(digits))
        goto bad;
    memcpy(digits, seg + 1, n);
    digits[n] = '\0';
    if (digits[0] == '0' || digits[0] == '+' || digits[0] == '-' ||
        parse_int64(digits, SFAPI_VERSION_MIN, SFAPI_VERSION_LATEST, &v) == -1)
        goto bad;
    return (int)v;
bad:
    rest_not_found(resp);
    return -1;
}

const struct object_def *
rest_object(struct sim *sim, const struct sim_request *req, size_t i,
            struct sim_response *resp)
{
    const struct object_def *obj = NULL;

    if (i < req->nparams)
        obj = schema_object(sim->schema, req->params[i]);
    if (obj == NULL) {
        rest_not_found(resp);
        return NULL;
    }
    resp->object = obj->name;
    return obj;
}

const char *
rest_url(int version, const char *rest, char *out, size_t n)
{
    snprintf(out, n, "%s/v%d.0/%s", SFAPI_DATA_PREFIX, version, rest);
    return out;
}

const char *
rest_record_url(int version, const struct object_def *obj,
                const struct record *r, char *out, size_t n)
{
    char id18[SFID_LEN18 + 1];

    sfid_to18(r->id, id18);
    snprintf(out, n, "%s/v%d.0/sobjects/%s/%s", SFAPI_DATA_PREFIX, version,
             obj->name, id18);
    return out;
}

void
rest_intake_opts(const struct sim_request *req, int version,
                 struct intake_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->api_version = version;
    opts->allow_save =
        version >= REST_VERSION_DUPLICATE_HEADER &&
        rules_header_allow_save(request_header(req, SFAPI_HDR_DUPLICATE_RULE));
}

void
rest_set_record(struct sim_response *resp, const struct record *r)
{
    sfid_to18(r->id, resp->record_id);
}

/* Line and column (1-based) of the first non-blank byte of the body. */
static void
first_token_at(const struct sim_request *req, int *line, int *col)
{
    size_t i;

    *line = *col = 1;
    for (i = 0; i < req->body_len; i++) {
        if (req->body[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (req->body[i] == ' ' || req->body[i] == '\t' ||
                   req->body[i] == '\r') {
            (*col)++;
        } else {
            return;
        }
    }
}

static void
parser_error(struct sim_response *resp, const char *msg)
{
    response_sf_error(resp, 400, "JSON_PARSER_ERROR", msg, NULL);
}

/* 415 for a media type other than JSON, 400 for no body: -1 after
 * answering. */
static int
body_present(const struct sim_request *req, struct sim_response *resp)
{
    char mt[128], msg[512];

    request_media_type(req, mt, sizeof(mt));
    if (mt[0] != '\0' && strcmp(mt, "application/json") != 0) {
        snprintf(msg, sizeof(msg),
                 "MediaType of '%s' is not supported by this resource", mt);
        response_sf_error(resp, 415, "UNSUPPORTED_MEDIA_TYPE", msg, NULL);
        return -1;
    }
    if (req->body_len == 0) {
        parser_error(resp, "The HTTP entity body is required, but this "
                           "request has no entity body.");
        return -1;
    }
    return 0;
}

json_t *
rest_read_object(const struct sim_request *req, const char *what,
                 struct sim_response *resp)
{
    char msg[512];
    json_error_t jerr;
    json_t *j;
    int line, col;

    if (body_present(req, resp) == -1)
        return NULL;
    j = jload_buf(req->body, req->body_len, &jerr);
    if (j == NULL) {
        snprintf(msg, sizeof(msg), "%s at [line:%d, column:%d]", jerr.text,
                 jerr.line, jerr.column);
        parser_error(resp, msg);
        return NULL;
    }
    if (!json_is_object(j)) {
        first_token_at(req, &line, &col);
        snprintf(msg, sizeof(msg),
                 "Can not deserialize %s out of %s token at [line:%d, "
                 "column:%d]",
                 what, recbody_token_name(j), line, col);
        parser_error(resp, msg);
        json_decref(j);
        return NULL;
    }
    return j;
}

int
rest_read_records(const struct sim_request *req, const char *what,
                  enum rest_body shape, struct recscan *s,
                  struct sim_response *resp)
{
    int collection = shape == REST_BODY_COLLECTION;
    json_t *j;

    recscan_init(s);
    if (body_present(req, resp) == -1)
        return -1;
    if ((collection ? recscan_collection(s, req->body, req->body_len)
                    : recscan_record(s, req->body, req->body_len)) == 0)
        return 0;
    if ((j = rest_read_object(req, what, resp)) == NULL)
        return -1;
    if (collection)
        recscan_collection_json(s, j);
    else
        recscan_record_json(s, j);
    return 0;
}
