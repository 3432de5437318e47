/*
 * dashboard.h - the dashboard at GET /__sim/: one HTML page (sim/
 * dashboard.html, built into the binary) that shows the sim through the
 * admin API it calls (overview, journal, records, sessions, faults, mail,
 * clock). It has no assets of its own to fetch and works offline; it is
 * an admin route, so the same-origin and Host rules (guard.h) cover it and
 * every call it makes.
 */
#ifndef SIM_DASHBOARD_H
#define SIM_DASHBOARD_H

#include "request.h"

struct sim;

/* GET /__sim/: the page, with a Content-Security-Policy that lets it load
 * nothing but itself and call nothing but its own origin. */
void h_admin_dashboard(struct sim *sim, struct sim_request *req,
                       struct sim_response *resp);

#endif
