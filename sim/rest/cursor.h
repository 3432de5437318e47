/*
 * cursor.h - query locators: the rest of a query's result, kept between
 * the pages a client fetches through nextRecordsUrl.
 *
 * A cursor owns the parsed query (for its field list) and the IDs of every
 * matching record in result order, fixed when the query ran (records deleted
 * since are skipped when a page is rendered). Like Salesforce, a user has
 * at most CURSOR_MAX_PER_USER open locators (opening one more releases that
 * user's oldest), a locator expires after CURSOR_IDLE_MS of inactivity on
 * the simulated clock, and the sim as a whole keeps at most CURSOR_MAX
 * locators and CURSOR_MAX_IDS record IDs (the oldest locators go first).
 * This module knows nothing of HTTP or JSON.
 */
#ifndef SIM_CURSOR_H
#define SIM_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#include "sfid.h"

#define CURSOR_PREFIX "01g" /* query locator key prefix (facts 5.2) */
#define CURSOR_MAX_PER_USER 10
#define CURSOR_MAX 256
#define CURSOR_MAX_IDS (8u * 1024 * 1024) /* 128 MB of 16-byte IDs */
#define CURSOR_IDLE_MS (15LL * 60 * 1000)

struct soql_query;
struct cursors;

struct cursor_id {
    char id[SFID_LEN15 + 1];
};

struct cursor {
    char id[SFID_LEN15 + 1];  /* the locator, 01g… */
    char *username;           /* owned */
    struct soql_query *query; /* owned */
    struct cursor_id *ids;    /* owned; n record IDs in result order */
    size_t n;
    size_t batch; /* the batch size the query ran with */
    int all;      /* queryAll: rows in the recycle bin are rows too */
    int64_t last_used_ms;
    uint64_t opened; /* opening order, for releasing the oldest */
};

/* pod: 2 characters for locator IDs. Caller frees with cursors_free(). */
struct cursors *cursors_new(const char *pod);
void cursors_free(struct cursors *cs);
/* Releases every locator. */
void cursors_clear(struct cursors *cs);

/*
 * Opens a locator for username over ids[0..n) (stolen, as is q, even on
 * failure) at now_ms. Returns the cursor (borrowed; valid until it is
 * closed, expires or is released), or NULL when n exceeds CURSOR_MAX_IDS.
 */
struct cursor *cursor_open(struct cursors *cs, const char *username,
                           struct soql_query *q, struct cursor_id *ids,
                           size_t n, size_t batch, int64_t now_ms);

/*
 * The open locator with this id (15 or 18 characters), marked used at
 * now_ms; NULL when unknown, released or expired. Borrowed as above.
 */
struct cursor *cursor_find(struct cursors *cs, const char *id, int64_t now_ms);

/* Releases c (after its last page). */
void cursor_close(struct cursors *cs, struct cursor *c);

/* Open locators (for tests and the admin API). */
size_t cursors_count(const struct cursors *cs);

/* The numbers the next locator takes (its id's and its opening order's),
 * for state files (snapshot.h): read, and set on an empty table. */
void cursors_numbers(const struct cursors *cs, uint64_t *next_id,
                     uint64_t *next_order);
void cursors_set_numbers(struct cursors *cs, uint64_t next_id,
                         uint64_t next_order);

#endif
