/*
 * outcome.h - the outcomes file: one JSON line per lead in a final state.
 *
 * Lines are gathered as leads finish and written together with one
 * write(2) at every outcome_tick() (the delivery loop calls it once a
 * turn, before it starts anything new) and at close, so that a SIGKILL
 * loses at most the outcomes of the loop turn it lands in. They are synced
 * to disk at least once a second and at close. A line is never left torn:
 * a write that fails (a full disk, a file size limit) is cut back to the
 * last whole line, and a torn tail left by a crash is removed when the
 * file is opened again. After a failed write nothing more is written: the
 * file is "broken", and the lines of leads that were sent are kept for
 * the caller to report. outcome.c also reads the file back for --resume.
 */
#ifndef CLIENT_OUTCOME_H
#define CLIENT_OUTCOME_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

/*
 * The outcomes a lead can end a run with (shared/contract.md), in the order
 * the summary prints them: X(enum suffix, wire name). "held" is final for
 * the run only: --resume sends a held lead again.
 */
#define OUTCOME_LIST(X)                                                        \
    X(DELIVERED, "delivered")                                                  \
    X(DELIVERY_FAILED, "delivery_failed")                                      \
    X(REJECTED, "rejected")                                                    \
    X(DUPLICATE, "duplicate")                                                  \
    X(SUPPRESSED, "suppressed")                                                \
    X(HELD, "held")

enum outcome {
#define OUTCOME_ENUM(e, s) OUTCOME_##e,
    OUTCOME_LIST(OUTCOME_ENUM)
#undef OUTCOME_ENUM
        OUTCOME_COUNT
};

/* The wire name of o (static). */
const char *outcome_name(enum outcome o);
/* The outcome named name into *out: 0, or -1 when it names none. */
int outcome_parse(const char *name, enum outcome *out);

#define OUTCOME_SYNC_MS 1000
#define OUTCOME_FLUSH_BYTES (64 * 1024)       /* write early past this */
#define OUTCOME_PENDING_MAX (4 * 1024 * 1024) /* cap on the lines gathered */

/* Where a line gathered in pending ends, and whether its lead was sent. */
struct outcome_mark {
    size_t end;
    int sent;
};

struct outcome_file {
    int fd;                     /* -1: closed */
    struct buf pending;         /* lines not written yet */
    struct outcome_mark *marks; /* owned; one per line in pending */
    size_t nmarks, capmarks;
    int dirty;         /* written since the last sync */
    int64_t synced_ms; /* monotonic time of the last sync */
    off_t size;        /* bytes of whole lines in the file */
    /* Once a write failed: why, and the lines not written. */
    int broken;
    char error[SF_ERR_MSG_MAX];
    size_t unwritten;      /* lines not written since */
    size_t unwritten_sent; /* ... of leads that were sent */
    struct buf lost;       /* those lines (capped at OUTCOME_PENDING_MAX) */
};

/*
 * Opens path for appending (created 0644). A torn last line (bytes after
 * the last newline that are not a JSON object) is cut off, and said so on
 * stderr; a whole one missing its newline gets one. Returns 0 or -1 with
 * err.
 */
int outcome_open(struct outcome_file *o, const char *path, struct sf_err *err);
/* Members of a line after the three every line has, in this order;
 * those that are 0 or NULL are left out. */
struct outcome_detail {
    long status;          /* the last HTTP status */
    const char *reason;   /* why, in a word */
    const char *error;    /* for humans; bytes that are not UTF-8 become
                             U+FFFD */
    const char *retry_at; /* RFC 3339: when a held lead may be sent */
};

/*
 * Adds the line {"lead_id", "outcome", "attempts", ...d, ...extra}
 * (compact JSON, as json_dumps() writes it) to the lines to write. d (may
 * be NULL) gives the usual members without building an object for every
 * lead; extra (may be NULL) is an object whose other members follow (the
 * reference is stolen; none of its keys may repeat d's). attempts > 0
 * means the lead was sent. Returns 0, or -1 when the file is broken: the
 * line, or the lines written early because OUTCOME_FLUSH_BYTES were
 * gathered, could not be written (nothing is logged: o->error says why).
 */
int outcome_write(struct outcome_file *o, const char *lead_id,
                  enum outcome outcome, int attempts,
                  const struct outcome_detail *d, json_t *extra);
/* Writes the lines gathered since the last call, and syncs when
 * OUTCOME_SYNC_MS have passed since the last sync. Returns 0, or -1 when
 * the file is broken (see outcome_write()). */
int outcome_tick(struct outcome_file *o, int64_t mono_ms);
/* Writes what is gathered, syncs and closes (o->error and the lost lines
 * stay readable until outcome_free()); 0, or -1 when the file is broken or
 * cannot be synced. */
int outcome_close(struct outcome_file *o);
/* Frees what outcome_close() left (closing o first if it is open). */
void outcome_free(struct outcome_file *o);

/*
 * The leads already final in path (any outcome but held): a new object
 * lead_id -> outcome name (caller decrefs). A missing file is an empty
 * object; unparsable lines and unknown outcomes are skipped. NULL (with
 * err) only when the file exists and cannot be read.
 */
json_t *outcome_load_final(const char *path, struct sf_err *err);

#endif
