/*
 * timeline.h - what a replay means for the customer: the leads each side
 * sees, and the replay's HTML page with its chart.
 *
 * Both work from one trial result (trial.h) of a scenario: its attempts
 * per lead with their simulated times and sim verdicts, the client's
 * outcomes, and the scenario directory (whose org.json gives the
 * Web-to-Lead daily limit the chart draws). Nothing is kept; the caller
 * owns every argument.
 */
#ifndef CONF_TIMELINE_H
#define CONF_TIMELINE_H

#include <jansson.h>
#include <stdio.h>

#include "err.h"

/* The chart's bounds: posts plotted at most (later ones are counted). */
#define TIMELINE_MAX_POINTS 100000

/* "What each side sees": the leads the client reported delivered, the
 * leads Salesforce stored, and those it never stored, by verdict. */
void timeline_counts(FILE *fp, json_t *result);

/*
 * Writes the replay's page to path: self-contained HTML (no external
 * asset) with the ticket, what each side sees, the totals per verdict, an
 * inline SVG chart of the posts over simulated time against the daily
 * limit, the leads never stored, the findings and the explanation, then
 * the profile and the client command it ran with. 0, or
 * -1 (err set) when the file cannot be written.
 */
int timeline_html(const char *path, json_t *result, const char *profile,
                  const char *client, struct sf_err *err);

#endif
