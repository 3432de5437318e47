/*
 * snapshot.h - the whole simulated org as one JSON document (a state
 * file), and back: GET /__sim/state exports one, PUT /__sim/state and
 * sfsim --state FILE restore it, so that the sim answers the next request
 * exactly as the exported one would have (same records, recycle bin,
 * next IDs, counters, windows, clock, generator).
 *
 * Each module writes and reads its own part (window, w2lqueue, auth,
 * fault, mailbox, journal, cursor, and the store's records through its
 * public records); snapshot.c puts the parts together and streams the
 * export a piece at a time, snapshot_load.c reads a file back all or
 * nothing: every part goes into new objects first, which replace the
 * sim's only once all of them were read. The format is in the README
 * ("State snapshots").
 */
#ifndef SIM_SNAPSHOT_H
#define SIM_SNAPSHOT_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

#define SNAPSHOT_FORMAT "sfsim-state"
#define SNAPSHOT_VERSION 1
/* The largest state file read (--max-state; PUT /__sim/state bodies). */
#define SNAPSHOT_DEFAULT_MAX ((size_t)256 << 20)

struct sim;

/*
 * An export as a streamed answer (struct response_stream, request.h):
 * open lists what exists now (secrets: tokens and the org's passwords and
 * client secrets in clear, else "[redacted]"); next appends about max
 * bytes and returns 1 while more follow; free releases it. A reset or a
 * restore while it is read ends its lists early and marks the document
 * "complete": false, which an import refuses.
 */
void *snapshot_export_open(struct sim *sim, int secrets);
int snapshot_export_next(struct sim *sim, void *state, struct buf *out,
                         size_t max);
void snapshot_export_free(void *state);

/*
 * Restores the state file text[0..len) into sim; label names it in error
 * messages ("label:line:col: path: what is wrong"). A redacted password or
 * client secret keeps the sim's current one of the same username or
 * client_id, else becomes one nobody knows; redacted tokens are not
 * restored. A state file does not carry Bulk API jobs (the sim has none
 * after a restore) nor open query locators. 0 with *notes (when notes is not
 * NULL; new reference) an array of sentences saying what could not be brought
 * back (empty when nothing), or -1 with err set and the sim unchanged.
 */
int snapshot_load(struct sim *sim, const char *label, const char *text,
                  size_t len, json_t **notes, struct sf_err *err);
/* The same from a file of at most max bytes. */
int snapshot_load_file(struct sim *sim, const char *path, size_t max,
                       json_t **notes, struct sf_err *err);
/*
 * The notes of restoring root (a state file) into sim, read before it
 * replaces the sim's (snapshot_notes.c). New reference.
 */
json_t *snapshot_notes(struct sim *sim, json_t *root);

#endif
