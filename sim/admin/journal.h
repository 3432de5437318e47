/*
 * journal.h - what the sim received and what it did with it.
 *
 * One entry per request on a Salesforce route (admin calls are not
 * journaled), plus "event" entries for things that happen later, such as a
 * queued Web-to-Lead post being created when the daily window frees. The
 * verdict says what the wire does not: a 200 that silently dropped a lead
 * is journaled as dropped_daily_limit.
 *
 * The newest ring_size entries are kept in memory (GET /__sim/journal);
 * with a file, every entry is also appended to it as a JSON line, written
 * whole by one write(2) as it happens (a reader never sees half a line;
 * there is nothing to flush). The file is created mode 0600. Secrets are
 * redacted by the caller before an entry gets here (redact.h).
 *
 * A request that carries many records (sObject Collections, Composite,
 * Bulk) is journaled once as itself and then once per record (kind
 * "record") or subrequest (kind "subrequest"), each carrying the seq of
 * the entry it belongs to (batch_seq) and its place in it (batch_index).
 * Those entries are gathered in a struct journal_batch while the handler
 * runs and written right after their request's own entry, whose seq is
 * known only then.
 */
#ifndef SIM_JOURNAL_H
#define SIM_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define JOURNAL_DEFAULT_RING 100000
#define JOURNAL_DEFAULT_BODY_MAX 4096

/* X(enum suffix, wire name) */
#define VERDICT_LIST(X)                                                        \
    X(NONE, "none")                                                            \
    X(OK, "ok")                                                                \
    X(CREATED, "created")                                                      \
    X(CREATED_FROM_QUEUE, "created_from_queue")                                \
    X(UPDATED, "updated")                                                      \
    X(DELETED, "deleted")                                                      \
    X(DROPPED_DAILY_LIMIT, "dropped_daily_limit")                              \
    X(QUEUED_DAILY_LIMIT, "queued_daily_limit")                                \
    X(DROPPED_QUEUE_FULL, "dropped_queue_full")                                \
    X(REJECTED_RECAPTCHA, "rejected_recaptcha")                                \
    X(REJECTED_BAD_OID, "rejected_bad_oid")                                    \
    X(IGNORED_NOT_FORM, "ignored_not_form")                                    \
    X(W2L_DISABLED, "w2l_disabled")                                            \
    X(REJECTED_VALIDATION, "rejected_validation")                              \
    X(REJECTED_DUPLICATE, "rejected_duplicate")                                \
    X(REJECTED_REQUIRED, "rejected_required")                                  \
    X(REJECTED_TOO_MANY_PARAMS, "rejected_too_many_params")                    \
    X(TOKEN_ISSUED, "token_issued")                                            \
    X(AUTH_FAILED, "auth_failed")                                              \
    X(ERROR, "error")                                                          \
    X(ROLLED_BACK, "rolled_back") /* saved, then undone (allOrNone) */         \
    X(HALTED, "halted") /* never run: another part of the batch failed */      \
    X(FAULT_INJECTED, "fault_injected")                                        \
    X(BODY_TOO_LARGE, "body_too_large")                                        \
    X(BAD_REQUEST, "bad_request")

enum verdict {
#define VERDICT_ENUM(e, s) VERDICT_##e,
    VERDICT_LIST(VERDICT_ENUM)
#undef VERDICT_ENUM
        VERDICT_COUNT
};

const char *verdict_name(enum verdict v);
/* The verdict named name[0..len), or -1. */
int verdict_parse(const char *name, size_t len);

/*
 * One entry as handed to journal_add(); every string is borrowed and may be
 * NULL. info_json, when set, is the text of a JSON object embedded as
 * "info" (the caller guarantees it is valid JSON).
 */
/* One field of a record inside a batch, as received (value NULL: null). */
struct journal_field {
    const char *name;
    const char *value;
};

struct journal_entry {
    int64_t time_ms;
    const char *kind; /* "request" (default), "event", "record",
                         "subrequest" */
    const char *method, *path, *query, *content_type, *auth;
    int status;
    enum verdict verdict;
    const char *object;
    const char *record_id;  /* 18-char */
    const char *detail;     /* e.g. the error code or the rule's name */
    const char *error_code; /* a record's first error code */
    const char *info_json;
    const char *body; /* kept up to the journal's body_max bytes */
    size_t body_len;
    size_t body_bytes; /* the body's size as received; 0: body_len */
    int body_cut;      /* body is already only a prefix of the request's */
    uint64_t ref_seq;  /* for events: the request they stem from */
    /* A record's values as received, written as "fields": {name: value}
     * up to body_max bytes ("fields_truncated": true past it). */
    const struct journal_field *fields;
    size_t nfields;
};

struct journal;

/* file may be NULL. NULL (err set) when the file cannot be opened.
 * Caller frees with journal_free(). */
struct journal *journal_new(size_t ring_size, size_t body_max, const char *file,
                            struct sf_err *err);
void journal_free(struct journal *j);
/* Copies e; returns the entry's sequence number (from 1, never reused). */
uint64_t journal_add(struct journal *j, const struct journal_entry *e);
/*
 * One kept entry as a query sees it, without reading its text again:
 * borrowed from the journal, valid until the next entry is added or the
 * journal is cleared.
 */
struct journal_view {
    uint64_t seq, ref_seq; /* ref_seq: an event's request, else 0 */
    const char *json;      /* the entry as served */
    size_t len;
    const char *method, *path; /* "" when the entry has none */
    int status;                /* 0 when none */
    enum verdict verdict;
    int event; /* kind "event" */
    /* Two bits per lead value of the entry (jentry_values()) and of the
     * request an event stems from: a value whose journal_lead_bits() are
     * not all set here is not in the entry. */
    uint64_t lead_bits;
};

/* Fills v for entry seq; -1 when it is not kept (any more). */
int journal_view(const struct journal *j, uint64_t seq, struct journal_view *v);
/* The bits a lead value sets in journal_view's lead_bits. */
uint64_t journal_lead_bits(const char *value, size_t len);
/* The oldest kept entry's number (journal_last_seq() + 1 when none). */
uint64_t journal_first_seq(const struct journal *j);

/*
 * Reading the kept entries a few at a time (GET /__sim/journal streams
 * them): a cursor looks at the numbers after since up to the newest entry
 * at the time it started, oldest first (or newest first), takes at most
 * limit entries, and only those its filter accepts. Entries pushed out of
 * the ring or cleared meanwhile are skipped.
 */
typedef int journal_filter_fn(const struct journal *j,
                              const struct journal_view *v, void *arg);

struct journal_cursor {
    uint64_t lo, hi, next; /* sequence numbers */
    uint64_t left;         /* entries still allowed */
    int desc;
    journal_filter_fn *filter; /* NULL: every entry */
    void *filter_arg;          /* borrowed */
    struct buf_array arr;
};

void journal_cursor_init(const struct journal *j, struct journal_cursor *c,
                         uint64_t since, uint64_t limit);
/* Newest first (call right after journal_cursor_init()). */
void journal_cursor_newest_first(struct journal_cursor *c);
/* Only entries fn accepts (arg borrowed for the cursor's life). */
void journal_cursor_filter(struct journal_cursor *c, journal_filter_fn *fn,
                           void *arg);
/* Appends the next entries of the JSON array (its '[' first, its ']' last)
 * to out, about max bytes; 1 while more may follow, 0 once the ']' is
 * out. */
int journal_stream(const struct journal *j, struct journal_cursor *c,
                   struct buf *out, size_t max);
/* Forgets the kept entries (sequence numbers keep counting). */
void journal_clear(struct journal *j);
uint64_t journal_last_seq(const struct journal *j);

/*
 * Entries waiting for the seq of the request they belong to. Each item
 * is serialised when added (so nothing it points to need outlive the
 * call) and has a parent: the request itself (JOURNAL_BATCH_TOP) or an
 * earlier item (a record of a Collections subrequest inside a Composite
 * request belongs to the subrequest's entry).
 */
#define JOURNAL_BATCH_TOP SIZE_MAX

struct journal_batch_item;

struct journal_batch {
    struct journal_batch_item *items; /* owned */
    size_t n, cap;
};

void journal_batch_init(struct journal_batch *b);
/* Frees the items not committed. */
void journal_batch_free(struct journal_batch *b);
/*
 * Adds e (strings borrowed, copied now) as item number index of parent
 * (JOURNAL_BATCH_TOP, or an index this function returned for b). Returns
 * the new item's index in b.
 */
size_t journal_batch_add(struct journal *j, struct journal_batch *b,
                         size_t parent, size_t index,
                         const struct journal_entry *e);
/* Moves every item of from to the end of to, from's top-level items
 * becoming children of to's item parent. from is left empty. */
void journal_batch_move(struct journal_batch *to, struct journal_batch *from,
                        size_t parent);
/* Items [from, n) that saved something (created, updated, deleted) become
 * rolled_back: the request that carried them was undone afterwards (a
 * Composite request under allOrNone). */
void journal_batch_roll_back(struct journal_batch *b, size_t from);
/*
 * Journals b's items in order right after the entry top_seq (the
 * request they belong to), each with its parent's seq as batch_seq, and
 * empties b. Nothing is written when top_seq is 0.
 */
void journal_batch_commit(struct journal *j, struct journal_batch *b,
                          uint64_t top_seq);

/*
 * Restoring a journal (a state file, snapshot.h). journal_restore() keeps
 * text (a JSON object as GET /__sim/journal serves it, copied) as entry
 * seq, without writing it to the file: the first one restored may have
 * any number not below the next, the others must follow it one by one
 * (-1 otherwise). journal_set_next_seq() sets the number the next entry
 * gets (not below the next; forgets the kept entries when above it).
 * journal_take() moves from's entries and numbering into to (its own
 * are forgotten; to keeps its file and sizes).
 */
int journal_restore(struct journal *j, uint64_t seq, const char *text,
                    size_t len);
int journal_set_next_seq(struct journal *j, uint64_t next);
void journal_take(struct journal *to, struct journal *from);

#endif
