/*
 * outcome.h - the outcomes file: one JSON line per lead in a final state.
 *
 * Lines are appended with one write(2) each as leads finish, and synced to
 * disk at least once a second and at close, so that a SIGKILL loses at
 * most the last second and never tears a line in two: a torn tail left by
 * a crash is ended with a newline before the next append, and readers skip
 * lines that do not parse. outcome.c also reads the file back for --resume.
 */
#ifndef CLIENT_OUTCOME_H
#define CLIENT_OUTCOME_H

#include <jansson.h>
#include <stdint.h>

#include "err.h"

#define OUTCOME_SYNC_MS 1000

struct outcome_file {
    int fd;            /* -1: closed */
    int dirty;         /* written since the last sync */
    int64_t synced_ms; /* monotonic time of the last sync */
};

/* Opens path for appending (created 0644). Returns 0 or -1 with err. */
int outcome_open(struct outcome_file *o, const char *path, struct sf_err *err);
/*
 * Appends {"lead_id", "outcome", "attempts", ...extra}. extra (may be NULL)
 * is an object whose members are added; the reference is stolen. Returns 0
 * or -1 (logged).
 */
int outcome_write(struct outcome_file *o, const char *lead_id,
                  const char *outcome, int attempts, json_t *extra);
/* Syncs when OUTCOME_SYNC_MS have passed since the last sync. */
void outcome_tick(struct outcome_file *o, int64_t mono_ms);
/* Syncs and closes; 0 or -1. */
int outcome_close(struct outcome_file *o);

/*
 * The leads already final in path: a new object lead_id -> outcome string
 * (caller decrefs). A missing file is an empty object; unparsable lines are
 * skipped. NULL (with err) only when the file exists and cannot be read.
 */
json_t *outcome_load_final(const char *path, struct sf_err *err);

/* 1 when outcome is one of the contract's six final outcomes. */
int outcome_is_final(const char *outcome);

#endif
