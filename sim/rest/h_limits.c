/*
 * h_limits.c - the org-level REST resources: the resources map of a
 * version (GET vNN.N/), the org's limits (GET vNN.N/limits, facts 3.9) and
 * record counts (GET vNN.N/limits/recordCount).
 *
 * DailyApiRequests agrees with the Sforce-Limit-Info header of the same
 * answer: the dispatcher has counted this request before the handler runs
 * and writes the header from the same window afterwards. The Bulk API's
 * allocations are counted with its jobs (bulk.h).
 */
#include <stdio.h>
#include <string.h>

#include "bulk.h"
#include "auth.h"
#include "handlers.h"
#include "org.h"
#include "rest.h"
#include "schema.h"
#include "sfid.h"
#include "sfapi.h"
#include "sim.h"
#include "store.h"
#include "window.h"

#define RESOURCE_NAME_MAX 64
#define RECORD_KB 2 /* Salesforce counts most records as 2 KB of storage */

enum limit_kind {
    LIMIT_FIXED,        /* nothing in the sim uses it: always all remaining */
    LIMIT_API,          /* the rolling 24-hour API allocation */
    LIMIT_DATA,         /* data storage: 2 KB a record */
    LIMIT_FILE,         /* file storage */
    LIMIT_BULK_BATCHES, /* Bulk API internal batches, rolling 24 h */
    LIMIT_BULK_QUERY_JOBS, /* Bulk API 2.0 query jobs, rolling 24 h */
    LIMIT_BULK_QUERY_MB,   /* their result files, rolling 24 h */
};

/* The limits reported, in Salesforce's (alphabetical) order. */
static const struct {
    const char *name;
    enum limit_kind kind;
    long long max;
} limits[] = {
    {"ConcurrentAsyncGetReportInstances", LIMIT_FIXED, 200},
    {"ConcurrentSyncReportRuns", LIMIT_FIXED, 20},
    {"DailyApiRequests", LIMIT_API, 0},
    {"DailyAsyncApexExecutions", LIMIT_FIXED, 250000},
    {"DailyBulkApiBatches", LIMIT_BULK_BATCHES, 0},
    {"DailyBulkV2QueryFileStorageMB", LIMIT_BULK_QUERY_MB, 976562},
    {"DailyBulkV2QueryJobs", LIMIT_BULK_QUERY_JOBS, 0},
    {"DailyGenericStreamingApiEvents", LIMIT_FIXED, 10000},
    {"DailyStreamingApiEvents", LIMIT_FIXED, 1000000},
    {"DailyWorkflowEmails", LIMIT_FIXED, 2000},
    {"DataStorageMB", LIMIT_DATA, 0},
    {"FileStorageMB", LIMIT_FILE, 0},
    {"HourlyAsyncReportRuns", LIMIT_FIXED, 1200},
    {"HourlyDashboardRefreshes", LIMIT_FIXED, 200},
    {"HourlyDashboardResults", LIMIT_FIXED, 5000},
    {"HourlySyncReportRuns", LIMIT_FIXED, 500},
    {"HourlyTimeBasedWorkflow", LIMIT_FIXED, 1000},
    {"MassEmail", LIMIT_FIXED, 5000},
    {"SingleEmail", LIMIT_FIXED, 5000},
    {"StreamingApiConcurrentClients", LIMIT_FIXED, 2000},
};

/* Storage allocations: 10 GB data + 20 MB a licence, 10 GB files + 2 GB a
 * licence; Developer Edition orgs get 5 MB and 20 MB. */
static long long
storage_max(const struct org *org, enum limit_kind kind)
{
    if (org->edition == EDITION_DEVELOPER)
        return kind == LIMIT_DATA ? 5 : 20;
    return 10240 + (kind == LIMIT_DATA ? 20 : 2048) * (long long)org->licenses;
}

static size_t
total_records(struct sim *sim)
{
    size_t i, n = 0;

    for (i = 0; i < sim->schema->nobjects; i++)
        n += store_count(sim->store, sim->schema->objects[i].store_index);
    return n;
}

/* The Bulk API's daily allocations (bulk.h counts them): *max, *used. */
static void
bulk_use(struct sim *sim, enum limit_kind kind, long long *max, long long *used)
{
    int64_t now = sim_now(sim);

    if (kind == LIMIT_BULK_BATCHES) {
        *max = (long long)sim->org->bulk.daily_batches;
        *used = (long long)bulk_batches_used(sim->bulk, now);
    } else if (kind == LIMIT_BULK_QUERY_JOBS) {
        *max = (long long)sim->org->bulk.daily_query_jobs;
        *used = (long long)bulk_query_jobs_used(sim->bulk, now);
    } else {
        *used = (long long)bulk_query_storage_mb(sim->bulk, now);
    }
}

/* GET /services/data/vNN.N/limits */
void
h_limits(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    long long max, used;
    json_t *j;
    size_t i;

    if (rest_version(req, resp) == -1)
        return;
    j = json_object();
    for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
        max = limits[i].max;
        used = 0;
        if (limits[i].kind == LIMIT_API) {
            max = (long long)sim->org->api_daily_limit;
            used = (long long)window_count(sim->api_window, sim_now(sim));
        } else if (limits[i].kind >= LIMIT_BULK_BATCHES) {
            bulk_use(sim, limits[i].kind, &max, &used);
        } else if (limits[i].kind != LIMIT_FIXED) {
            max = storage_max(sim->org, limits[i].kind);
            if (limits[i].kind == LIMIT_DATA)
                used =
                    ((long long)total_records(sim) * RECORD_KB + 1023) / 1024;
        }
        json_object_set_new(
            j, limits[i].name,
            json_pack("{s:I, s:I}", "Max", (json_int_t)max, "Remaining",
                      (json_int_t)(used < max ? max - used : 0)));
    }
    response_json(resp, 200, j);
    resp->verdict = VERDICT_OK;
}

static json_t *
record_count(struct sim *sim, const struct object_def *obj)
{
    return json_pack("{s:I, s:s}", "count",
                     (json_int_t)store_count(sim->store, obj->store_index),
                     "name", obj->name);
}

/* GET /services/data/vNN.N/limits/recordCount[?sObjects=Lead,Account]:
 * every object when the list is absent; unknown names are left out. */
void
h_limits_record_count(struct sim *sim, struct sim_request *req,
                      struct sim_response *resp)
{
    const char *list = request_query(req, "sObjects"), *p, *end;
    const struct object_def *obj;
    char name[RESOURCE_NAME_MAX];
    json_t *arr = json_array();
    size_t i;

    if (rest_version(req, resp) == -1) {
        json_decref(arr);
        return;
    }
    for (i = 0; list == NULL && i < sim->schema->nobjects; i++)
        json_array_append_new(arr, record_count(sim, &sim->schema->objects[i]));
    for (p = list; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
        end = p + strcspn(p, ",");
        snprintf(name, sizeof(name), "%.*s", (int)(end - p), p);
        if ((obj = schema_object(sim->schema, name)) != NULL)
            json_array_append_new(arr, record_count(sim, obj));
    }
    response_json(resp, 200, json_pack("{s:o}", "sObjects", arr));
    resp->verdict = VERDICT_OK;
}

/* "identity": the session user's identity URL, as the token answer's
 * "id" (h_oauth.c), first in the map as Salesforce lists it. */
static void
identity(struct sim *sim, const struct sim_request *req, json_t *j)
{
    char origin[REQUEST_ORIGIN_MAX], org18[SFID_LEN18 + 1],
        user18[SFID_LEN18 + 1], url[REQUEST_ORIGIN_MAX + 64];

    if (req->session == NULL)
        return;
    request_origin(req, sim->base_url, origin, sizeof(origin));
    sfid_to18(sim->org->org_id, org18);
    sfid_to18(req->session->user_id, user18);
    snprintf(url, sizeof(url), "%s/id/%s/%s", origin, org18, user18);
    json_object_set_new(j, "identity", json_string(url));
}

/* GET /services/data/vNN.N/: the version's resources, read off the route
 * table, so every resource the sim serves is listed and nothing else. */
void
h_resources(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    static const char prefix[] = SFAPI_DATA_PREFIX "/:version/";
    char name[RESOURCE_NAME_MAX], url[128];
    const struct route *r;
    json_t *j;
    size_t n;
    int v;

    if ((v = rest_version(req, resp)) == -1)
        return;
    j = json_object();
    identity(sim, req, j);
    for (r = sim_routes; r->pattern != NULL; r++) {
        if (strncmp(r->pattern, prefix, sizeof(prefix) - 1) != 0)
            continue;
        n = strcspn(r->pattern + sizeof(prefix) - 1, "/");
        if (n == 0 || n >= sizeof(name) ||
            r->pattern[sizeof(prefix) - 1] == ':')
            continue;
        memcpy(name, r->pattern + sizeof(prefix) - 1, n);
        name[n] = '\0';
        json_object_set_new(j, name,
                            json_string(rest_url(v, name, url, sizeof(url))));
    }
    response_json(resp, 200, j);
    resp->verdict = VERDICT_OK;
}
