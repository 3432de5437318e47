/*
 * handlers.h - every request handler of the sim, for the route table.
 *
 * A directory-private header: routes.c names the handlers, the h_*.c files
 * define them. Each handler fills resp (status, body, journal verdict) from
 * req and never sees libmicrohttpd.
 */
#ifndef SIM_HANDLERS_H
#define SIM_HANDLERS_H

#include "route.h"

/* h_w2l.c */
route_fn h_w2l_post;

/* h_admin.c */
route_fn h_admin_health;
route_fn h_admin_clock_get;
route_fn h_admin_clock_post;
route_fn h_admin_records;
route_fn h_admin_journal;
route_fn h_admin_reset;
route_fn h_admin_org_get;
route_fn h_admin_org_put;
route_fn h_admin_mail;
route_fn h_admin_w2l;
route_fn h_admin_overview;
route_fn h_admin_sessions;
route_fn h_admin_state_get;
route_fn h_admin_state_put;

/* h_admin_verify.c */
route_fn h_admin_journal_verify;

/* h_oauth.c */
route_fn h_oauth_token;
route_fn h_oauth_authorize;
route_fn h_oauth_revoke;
route_fn h_oauth_userinfo;
route_fn h_oauth_identity;
route_fn h_oauth_introspect;
route_fn h_admin_tokens;
route_fn h_admin_tokens_expire;

/* h_soap.c */
route_fn h_soap_partner;

/* h_flow.c */
route_fn h_flow_invoke;
route_fn h_flow_list;
route_fn h_flow_describe;

/* h_apex.c */
route_fn h_apex;

/* h_faults.c */
route_fn h_admin_faults_get;
route_fn h_admin_faults_post;
route_fn h_admin_faults_delete;

/* h_misc.c */
route_fn h_versions;

/* h_limits.c */
route_fn h_resources;
route_fn h_limits;
route_fn h_limits_record_count;

/* h_describe.c */
route_fn h_describe_global;
route_fn h_describe_basic;
route_fn h_describe_object;
route_fn h_describe_layouts;
route_fn h_describe_compact_layouts;

/* h_sobject.c */
route_fn h_sobject_create;
route_fn h_sobject_get;
route_fn h_sobject_update;
route_fn h_sobject_delete;
route_fn h_sobject_get_by_ext;
route_fn h_sobject_upsert;
route_fn h_sobject_updated;
route_fn h_sobject_deleted;

/* h_search.c */
route_fn h_search;
route_fn h_psearch_get;
route_fn h_psearch_post;

/* h_bulk.c */
route_fn h_bulk_ingest_create;
route_fn h_bulk_ingest_list;
route_fn h_bulk_ingest_info;
route_fn h_bulk_ingest_patch;
route_fn h_bulk_ingest_delete;
route_fn h_bulk_ingest_upload;
route_fn h_bulk_ingest_successful;
route_fn h_bulk_ingest_failed;
route_fn h_bulk_ingest_unprocessed;

/* h_bulkquery.c */
route_fn h_bulk_query_create;
route_fn h_bulk_query_list;
route_fn h_bulk_query_info;
route_fn h_bulk_query_patch;
route_fn h_bulk_query_delete;
route_fn h_bulk_query_results;
/* h_bulk1.c: Bulk API 1.0 */
route_fn h_bulk1_job_create;
route_fn h_bulk1_job_get;
route_fn h_bulk1_job_state;
route_fn h_bulk1_batch_list;
route_fn h_bulk1_batch_add;
route_fn h_bulk1_batch_get;
route_fn h_bulk1_batch_result;
route_fn h_bulk1_query_result;
/* h_collections.c */
route_fn h_coll_create;
route_fn h_coll_update;
route_fn h_coll_upsert;
route_fn h_coll_delete;
route_fn h_coll_retrieve;

/* h_composite.c */
route_fn h_composite;
route_fn h_composite_list;

/* h_tree.c */
route_fn h_tree;

/* h_query.c */
route_fn h_query;
route_fn h_query_all;
route_fn h_query_more;

#endif
