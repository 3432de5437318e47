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

/* h_oauth.c */
route_fn h_oauth_token;
route_fn h_oauth_authorize;
route_fn h_oauth_revoke;
route_fn h_oauth_userinfo;
route_fn h_oauth_identity;
route_fn h_oauth_introspect;
route_fn h_admin_tokens;
route_fn h_admin_tokens_expire;

/* h_misc.c */
route_fn h_versions;

#endif
