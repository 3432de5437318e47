/*
 * routes.c - the sim's whole HTTP surface, one line per endpoint.
 *
 * Order matters only where patterns overlap: the first match wins.
 * ROUTE_ADMIN routes are not journaled; ROUTE_REST routes answer errors as
 * Salesforce's JSON arrays and carry the API usage header.
 */
#include "dashboard.h"
#include "handlers.h"

const struct route sim_routes[] = {
    /* Web-to-Lead */
    {M_POST, "/servlet/servlet.WebToLead", h_w2l_post, 0},

    /* OAuth 2.0 */
    {M_POST, "/services/oauth2/token", h_oauth_token, 0},
    {M_GET, "/services/oauth2/authorize", h_oauth_authorize, 0},
    {M_GET | M_POST, "/services/oauth2/revoke", h_oauth_revoke, 0},
    {M_GET | M_POST, "/services/oauth2/userinfo", h_oauth_userinfo, 0},
    {M_POST, "/services/oauth2/introspect", h_oauth_introspect, 0},
    {M_GET, "/id/:org/:user", h_oauth_identity, 0},

    /* SOAP partner API: login() only (h_soap.c) */
    {M_POST, "/services/Soap/u/:version", h_soap_partner, 0},
    {M_POST, "/services/Soap/u/:version/:org", h_soap_partner, 0},

    /* REST API */
    {M_GET, "/services/data", h_versions, 0},
    {M_GET, "/services/data/:version/actions/custom/flow", h_flow_list,
     ROUTE_AUTH | ROUTE_REST},
    {M_GET, "/services/data/:version/actions/custom/flow/:name",
     h_flow_describe, ROUTE_AUTH | ROUTE_REST},
    {M_POST, "/services/data/:version/actions/custom/flow/:name", h_flow_invoke,
     ROUTE_AUTH | ROUTE_REST | ROUTE_JSON_BODY},
/* REST resources, records, queries, searches, limits (h_limits.c,
 * h_describe.c, h_sobject.c, h_query.c, h_search.c). Record bodies are read by
 * the handlers, not ROUTE_JSON_BODY: a wrong Content-Type is 415 before any
 * parsing. */
#define REST (ROUTE_AUTH | ROUTE_REST)
    {M_GET, "/services/data/:version", h_resources, REST},
    {M_GET, "/services/data/:version/limits", h_limits, REST},
    {M_GET, "/services/data/:version/limits/recordCount", h_limits_record_count,
     REST},
    {M_GET, "/services/data/:version/query", h_query, REST},
    {M_GET, "/services/data/:version/query/:locator", h_query_more, REST},
    {M_GET, "/services/data/:version/queryAll", h_query_all, REST},
    {M_GET, "/services/data/:version/queryAll/:locator", h_query_more, REST},
    {M_GET, "/services/data/:version/search", h_search, REST},
    {M_GET, "/services/data/:version/parameterizedSearch", h_psearch_get, REST},
    {M_POST, "/services/data/:version/parameterizedSearch", h_psearch_post,
     REST | ROUTE_JSON_BODY},
    {M_GET, "/services/data/:version/sobjects", h_describe_global, REST},
    {M_GET, "/services/data/:version/sobjects/:object", h_describe_basic, REST},
    {M_POST, "/services/data/:version/sobjects/:object", h_sobject_create,
     REST},
    {M_GET, "/services/data/:version/sobjects/:object/describe",
     h_describe_object, REST},
    {M_GET, "/services/data/:version/sobjects/:object/describe/layouts",
     h_describe_layouts, REST},
    {M_GET, "/services/data/:version/sobjects/:object/describe/layouts/:rt",
     h_describe_layouts, REST},
    {M_GET, "/services/data/:version/sobjects/:object/describe/compactLayouts",
     h_describe_compact_layouts, REST},
    {M_GET, "/services/data/:version/sobjects/:object/updated",
     h_sobject_updated, REST},
    {M_GET, "/services/data/:version/sobjects/:object/deleted",
     h_sobject_deleted, REST},
    {M_GET, "/services/data/:version/sobjects/:object/:id", h_sobject_get,
     REST},
    {M_PATCH, "/services/data/:version/sobjects/:object/:id", h_sobject_update,
     REST},
    {M_DELETE, "/services/data/:version/sobjects/:object/:id", h_sobject_delete,
     REST},
    {M_GET, "/services/data/:version/sobjects/:object/:field/:value",
     h_sobject_get_by_ext, REST},
    {M_PATCH, "/services/data/:version/sobjects/:object/:field/:value",
     h_sobject_upsert, REST},
    /* Composite (h_composite.c): not itself a subrequest */
    {M_POST, "/services/data/:version/composite", h_composite,
     REST | ROUTE_NO_COMPOSITE},
    {M_GET, "/services/data/:version/composite", h_composite_list, REST},
    {M_POST, "/services/data/:version/composite/tree/:object", h_tree,
     REST | ROUTE_NO_COMPOSITE},
    /* sObject Collections (h_collections.c) */
    {M_POST, "/services/data/:version/composite/sobjects", h_coll_create, REST},
    {M_PATCH, "/services/data/:version/composite/sobjects", h_coll_update,
     REST},
    {M_DELETE, "/services/data/:version/composite/sobjects", h_coll_delete,
     REST},
    {M_GET | M_POST, "/services/data/:version/composite/sobjects/:object",
     h_coll_retrieve, REST},
    {M_PATCH, "/services/data/:version/composite/sobjects/:object/:field",
     h_coll_upsert, REST},

/* Bulk API 2.0 (h_bulk.c, h_bulkquery.c): no Composite subrequest */
#define BULK (REST | ROUTE_NO_COMPOSITE)
    {M_POST, "/services/data/:version/jobs/ingest", h_bulk_ingest_create,
     BULK | ROUTE_JSON_BODY},
    {M_GET, "/services/data/:version/jobs/ingest", h_bulk_ingest_list, BULK},
    {M_GET, "/services/data/:version/jobs/ingest/:id", h_bulk_ingest_info,
     BULK},
    {M_PATCH, "/services/data/:version/jobs/ingest/:id", h_bulk_ingest_patch,
     BULK | ROUTE_JSON_BODY},
    {M_DELETE, "/services/data/:version/jobs/ingest/:id", h_bulk_ingest_delete,
     BULK},
    {M_PUT, "/services/data/:version/jobs/ingest/:id/batches",
     h_bulk_ingest_upload, BULK | ROUTE_LARGE_BODY},
    {M_GET, "/services/data/:version/jobs/ingest/:id/successfulResults",
     h_bulk_ingest_successful, BULK},
    {M_GET, "/services/data/:version/jobs/ingest/:id/failedResults",
     h_bulk_ingest_failed, BULK},
    {M_GET, "/services/data/:version/jobs/ingest/:id/unprocessedrecords",
     h_bulk_ingest_unprocessed, BULK},
    {M_POST, "/services/data/:version/jobs/query", h_bulk_query_create,
     BULK | ROUTE_JSON_BODY},
    {M_GET, "/services/data/:version/jobs/query", h_bulk_query_list, BULK},
    {M_GET, "/services/data/:version/jobs/query/:id", h_bulk_query_info, BULK},
    {M_PATCH, "/services/data/:version/jobs/query/:id", h_bulk_query_patch,
     BULK | ROUTE_JSON_BODY},
    {M_DELETE, "/services/data/:version/jobs/query/:id", h_bulk_query_delete,
     BULK},
    {M_GET, "/services/data/:version/jobs/query/:id/results",
     h_bulk_query_results, BULK},
#undef BULK
#undef REST

    /* Bulk API 1.0 (h_bulk1.c): its own session header and errors */
    {M_POST, "/services/async/:version/job", h_bulk1_job_create, 0},
    {M_GET, "/services/async/:version/job/:id", h_bulk1_job_get, 0},
    {M_POST, "/services/async/:version/job/:id", h_bulk1_job_state, 0},
    {M_GET, "/services/async/:version/job/:id/batch", h_bulk1_batch_list, 0},
    {M_POST, "/services/async/:version/job/:id/batch", h_bulk1_batch_add,
     ROUTE_LARGE_BODY},
    {M_GET, "/services/async/:version/job/:id/batch/:batch", h_bulk1_batch_get,
     0},
    {M_GET, "/services/async/:version/job/:id/batch/:batch/result",
     h_bulk1_batch_result, 0},
    {M_GET, "/services/async/:version/job/:id/batch/:batch/result/:result",
     h_bulk1_query_result, 0},

    /* Apex REST */
    {M_GET | M_POST | M_PUT | M_PATCH | M_DELETE, "/services/apexrest/*",
     h_apex, ROUTE_AUTH | ROUTE_REST},

    /* Admin API (shared/contract.md) */
    {M_GET, "/__sim/", h_admin_dashboard, ROUTE_ADMIN},
    {M_GET, "/__sim/health", h_admin_health, ROUTE_ADMIN},
    {M_GET, "/__sim/clock", h_admin_clock_get, ROUTE_ADMIN},
    {M_POST, "/__sim/clock", h_admin_clock_post, ROUTE_ADMIN | ROUTE_JSON_BODY},
    {M_POST, "/__sim/tokens", h_admin_tokens, ROUTE_ADMIN | ROUTE_JSON_BODY},
    {M_POST, "/__sim/tokens/expire", h_admin_tokens_expire,
     ROUTE_ADMIN | ROUTE_JSON_BODY},
    {M_GET, "/__sim/records/:object", h_admin_records, ROUTE_ADMIN},
    {M_GET, "/__sim/journal", h_admin_journal, ROUTE_ADMIN},
    {M_POST, "/__sim/journal/verify", h_admin_journal_verify,
     ROUTE_ADMIN | ROUTE_JSON_BODY},
    {M_POST, "/__sim/reset", h_admin_reset, ROUTE_ADMIN | ROUTE_JSON_BODY},
    {M_GET, "/__sim/org", h_admin_org_get, ROUTE_ADMIN},
    {M_PUT, "/__sim/org", h_admin_org_put, ROUTE_ADMIN},
    {M_GET, "/__sim/mail", h_admin_mail, ROUTE_ADMIN},
    {M_GET, "/__sim/webtolead", h_admin_w2l, ROUTE_ADMIN},
    {M_GET, "/__sim/overview", h_admin_overview, ROUTE_ADMIN},
    {M_GET, "/__sim/sessions", h_admin_sessions, ROUTE_ADMIN},
    {M_GET, "/__sim/state", h_admin_state_get, ROUTE_ADMIN},
    {M_PUT, "/__sim/state", h_admin_state_put, ROUTE_ADMIN | ROUTE_STATE_BODY},
    {M_GET, "/__sim/faults", h_admin_faults_get, ROUTE_ADMIN},
    {M_POST, "/__sim/faults", h_admin_faults_post,
     ROUTE_ADMIN | ROUTE_JSON_BODY},
    {M_DELETE, "/__sim/faults", h_admin_faults_delete, ROUTE_ADMIN},

    {0, NULL, NULL, 0},
};
