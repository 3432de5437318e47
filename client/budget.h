/*
 * budget.h - the Web-to-Lead budget: a rolling count of posts per org,
 * kept so that no kill of the process can make a later run overspend.
 *
 * Web-to-Lead drops posts past the org's daily cap and still answers 200,
 * so sfdeliver counts its own posts and holds the leads past its budget.
 * The count lives in one file of the state directory, and a post is
 * counted there before it is sent: posts are reserved in blocks, each
 * block appended to the file and synced before any post it covers goes
 * out. A run killed at any instant leaves a file that counts at least
 * every post it sent (plus, at worst, the unused rest of one block);
 * a clean save rewrites the file with the exact count. budget.c owns the
 * counting and the file's format; state.c does the file operations.
 *
 * The file: a first line that is a JSON array of [latest_ms, count] pairs
 * (one per second that had posts; a plain number is one post, the format
 * of older versions), then any number of lines that are one pair each,
 * one per reservation: up to count posts at times up to latest_ms. A line
 * that does not parse (a torn append) is skipped: its posts were never
 * released.
 */
#ifndef CLIENT_BUDGET_H
#define CLIENT_BUDGET_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "state.h"

/* A block of reservations is sized to last about this long at the rate
 * the last one was used, and may be used for this long after it is made
 * (its posts are counted at its end). */
#define BUDGET_RESERVE_SPAN_MS 500
#define BUDGET_RESERVE_FIRST 8
#define BUDGET_RESERVE_MAX 16384
/* ... and at most this part of the budget, which is what a kill can cost
 * a small budget until the block leaves the window. */
#define BUDGET_RESERVE_SHARE 32
#define BUDGET_FILE_MAX (16 * 1024 * 1024)

/* The posts of one second: how many, and the time of the latest. A bucket
 * leaves the window when its latest post does, so the count is never
 * lower than with every post kept apart, and memory is at most one bucket
 * per second of the window, whatever the budget. */
struct budget_bucket {
    int64_t last_ms;
    int64_t count;
};

struct budget {
    int64_t limit;           /* posts per window */
    int64_t window_ms;       /* the rolling window */
    struct budget_bucket *v; /* owned; [first, first + n) ascending */
    size_t first, n, cap;
    int64_t sent;           /* posts in the buckets: what this process knows */
    int64_t resv_left;      /* posts the file counts that none has used yet */
    int64_t resv_until;     /* calendar ms the current block ends */
    int64_t resv_made;      /* calendar ms it was made ... */
    int64_t resv_size;      /* ... and its size */
    int64_t resv_stale;     /* unused posts of ended blocks, counted on disk
                               until the next save */
    int dirty;              /* the file's count differs from the exact one */
    const struct state *st; /* borrowed; NULL: nothing is written */
    char *name;             /* owned; the file's name in st */
    int fd;                 /* appending to the file; -1: not open */
};

/*
 * Loads the count of file name in st (st may be NULL, or have no
 * directory: then nothing is read or written). A file that cannot be read
 * is logged and counts nothing. limit and window_s are the buyer's.
 */
void budget_open(struct budget *b, const struct state *st, const char *name,
                 int64_t limit, int64_t window_s);

enum budget_verdict {
    BUDGET_SEND,       /* counted, on disk: the post may go */
    BUDGET_FULL,       /* the window has no room (see *retry_at_ms) */
    BUDGET_UNWRITABLE, /* room, but the count cannot be written (err) */
};

/*
 * Takes one post from the budget at calendar time now_ms. BUDGET_SEND:
 * counted in the file before this returns. BUDGET_FULL: *retry_at_ms is
 * when the post that frees a place leaves the window. BUDGET_UNWRITABLE:
 * the reservation could not be written and synced; err says why, and
 * nothing may be sent (the caller holds the lead).
 */
enum budget_verdict budget_take(struct budget *b, int64_t now_ms,
                                int64_t *retry_at_ms, struct sf_err *err);
/* Gives back a post taken at at_ms whose request never went out (so the
 * org never counted it either). */
void budget_refund(struct budget *b, int64_t at_ms);
/*
 * Rewrites the file with the exact count at now_ms (posts taken and not
 * given back, plus the rest of the block in use), when it differs from
 * what the file says. Returns 0 or -1 (logged; the file still counts at
 * least every post).
 */
int budget_save(struct budget *b, int64_t now_ms);
/* Closes the file (without saving) and frees b. */
void budget_close(struct budget *b);

#endif
