/*
 * importlog.h - `sfconform import-log FILE`: a vendor's timestamped send
 * log turned into a support scenario that replays its timing.
 *
 * The log is NDJSON (one object a line: "time", "lead_id", "status",
 * "fields") or CSV (a header naming time, lead_id, status and the lead's
 * fields); README "From a ticket to a replay" documents both. Every post
 * becomes a lead of a deliver step at its time on the simulated clock (to
 * the bucket, so that a day of posts is a bounded number of client runs),
 * with advance_clock steps between. Bad input is refused whole with its
 * FILE:LINE:COL. Nothing here keeps a pointer to its arguments.
 */
#ifndef CONF_IMPORTLOG_H
#define CONF_IMPORTLOG_H

#include <jansson.h>

#include "err.h"

#define IMPORTLOG_MAX_BYTES (16 * 1024 * 1024)
#define IMPORTLOG_MAX_ROWS 100000
#define IMPORTLOG_MAX_LINE (64 * 1024)
#define IMPORTLOG_MAX_FIELDS 64
#define IMPORTLOG_MAX_VALUE 4096
#define IMPORTLOG_DEFAULT_RUNS 120 /* deliver steps (buckets) at most */
#define IMPORTLOG_MAX_RUNS 1000    /* ... and what --max-runs may ask */
#define IMPORTLOG_MAX_SPAN_DAYS 366

/*
 * Reads the log at path: an array (new reference) of the posts ordered by
 * time, each {"time_ms", "line", "lead_id", "status" (0: not logged),
 * "fields": {name: string}}. NULL with err "path:line:col: what" on the
 * first bad input.
 */
json_t *importlog_read(const char *path, struct sf_err *err);

/* The subcommand: argv[0] is "import-log". The exit status. */
int importlog_main(int argc, char **argv);

#endif
