/*
 * dashboard.c - GET /__sim/ (see dashboard.h). The page's bytes come from
 * sim/admin/dashboard.html through a header the Makefile generates
 * (dashboard_html.h: the file as a list of byte values).
 */
#include "dashboard.h"

#include "buf.h"

static const unsigned char page[] = {
#include "dashboard_html.h"
};

/* Inline script and style only; fetch to this origin only; no frames. */
#define DASHBOARD_CSP                                                          \
    "default-src 'none'; script-src 'unsafe-inline'; "                         \
    "style-src 'unsafe-inline'; connect-src 'self'; img-src data:; "           \
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

void
h_admin_dashboard(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp)
{
    (void)sim;
    (void)req;
    resp->status = 200;
    resp->content_type = "text/html;charset=UTF-8";
    buf_append(&resp->body, (const char *)page, sizeof(page));
    response_header(resp, "Content-Security-Policy", DASHBOARD_CSP);
    response_header(resp, "X-Frame-Options", "DENY");
    response_header(resp, "X-Content-Type-Options", "nosniff");
    response_header(resp, "Cache-Control", "no-store");
}
