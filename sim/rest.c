/*
 * rest.c - shared pieces of the REST handlers (see rest.h).
 */
#include "rest.h"

#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "schema.h"
#include "sfapi.h"
#include "sim.h"
#include "store.h"

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
rest_set_record(struct sim_response *resp, const struct record *r)
{
    sfid_to18(r->id, resp->record_id);
}
