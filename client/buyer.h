/*
 * buyer.h - one buyer's delivery configuration, read from a JSON file.
 *
 * buyer.c owns the file format: one table (buyer_keys()) holds every key,
 * its type, range and default, and where its value lands in struct buyer;
 * the loader walks it, and the located error ("file:line:col: path:
 * message") for anything wrong or unknown comes from the walk or from the
 * checks across keys that follow each section. README.md's buyer table is
 * checked against the table (tests/unit/test_buyer.c). It does not decide
 * anything about leads; gate.c, payload.c and deliver.c read the struct.
 * All strings in struct buyer are owned by it and freed by buyer_free(), so
 * the parsed JSON is not kept.
 */
#ifndef CLIENT_BUYER_H
#define CLIENT_BUYER_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* The media types of delivery.content_type, as sent. libcurl sends the
 * form one by itself for a posted body. */
#define BUYER_FORM_TYPE "application/x-www-form-urlencoded"
#define BUYER_JSON_TYPE "application/json"

enum buyer_ctype {
    BUYER_CT_FORM, /* application/x-www-form-urlencoded */
    BUYER_CT_JSON  /* application/json */
};

/* The shape of a JSON body (delivery.format); form buyers are always FORM. */
enum buyer_format {
    BUYER_FMT_FORM,       /* key=value&... */
    BUYER_FMT_SOBJECT,    /* REST sObject: {"Field": "value", ...} */
    BUYER_FMT_FLOW,       /* Flow invocable action: {"inputs": [{...}]} */
    BUYER_FMT_APEXREST,   /* Apex REST: a plain object, like SOBJECT */
    BUYER_FMT_COLLECTION, /* sObject Collections: batch_size records a call */
    BUYER_FMT_BULK        /* one Bulk API 2.0 ingest job per job_size leads */
};

struct buyer_pair {
    char *key;
    char *value;
};

struct buyer_filter {
    char *field;     /* lead field path, e.g. "custom.state" */
    int required;    /* absent or empty -> rejected */
    char *pattern;   /* as given, or NULL */
    int has_pattern; /* pattern compiled into re */
    regex_t re;      /* POSIX extended, matched against the string value */
    char **allowed;  /* exact values allowed (NULL: any) */
    size_t nallowed;
};

struct buyer_auth {
    char *token_url; /* NULL: no refresh possible */
    char *client_id;
    char *client_secret;
    char *refresh_token;
    int64_t session_timeout_s; /* org's session timeout (default 7200) */
    int64_t refresh_margin_s;  /* refresh this long before it (default 300) */
};

struct buyer_retry {
    int64_t max_retries;        /* retries after the first attempt (3) */
    int64_t backoff_ms;         /* first backoff (500) */
    int64_t backoff_max_ms;     /* cap on one backoff (60000) */
    int64_t retry_after_max_ms; /* cap on an honoured Retry-After (120000) */
    int jitter;                 /* equal jitter on each backoff (true) */
};

struct buyer_dedup {
    char **fields; /* lead field paths; none: dedup off */
    size_t nfields;
    int match_all;    /* 1: all fields together form one key */
    int64_t window_s; /* how long a lead blocks its duplicates */
};

struct buyer_suppression {
    char **fields; /* lead field paths compared against values */
    size_t nfields;
    char **values; /* normalised (see gate_normalise); the file's too */
    size_t nvalues;
    char *file; /* suppression.file as given, or NULL */
};

/*
 * Web-to-Lead reconciliation: after delivering, read back over the REST
 * API what Web-to-Lead created, matching match_field (a Lead field that
 * Web-to-Lead filled from the lead's lead_field) against the lead ids.
 * Off when query_url is NULL.
 */
struct buyer_reconcile {
    char *query_url;            /* .../services/data/vNN.N/query */
    char *object;               /* "Lead" */
    char *match_field;          /* e.g. "source_lead_id__c" */
    char *lead_field;           /* lead field carrying the value ("id") */
    int64_t wait_ms;            /* pause before reading back (2000) */
    int64_t batch;              /* ids per query (100) */
    struct buyer_pair *headers; /* sent with each query (Authorization) */
    size_t nheaders;
};

struct buyer {
    char *name;
    char *url;
    char *ca_file;           /* delivery.ca_file (resolved), or NULL: the
                                default store, or CURL_CA_BUNDLE etc. */
    int ctype;               /* enum buyer_ctype */
    int format;              /* enum buyer_format */
    char *external_id_field; /* upsert on this Salesforce field (sObject) */
    char *external_id_from;  /* lead field carrying the value ("id") */
    char *object;            /* collection, bulk: the sObject ("Lead") */
    int64_t batch_size;      /* collection: records a call (200) */
    int all_or_none;         /* collection: allOrNone of each call (0) */
    int64_t job_size;        /* bulk: leads a job (100000) */
    int64_t poll_ms;         /* bulk: first wait between polls (1000) */
    int64_t poll_max_ms;     /* bulk: longest wait between polls (30000) */
    int64_t job_wait_s;      /* bulk: how long a run waits for a job (3600) */
    struct buyer_pair *headers;
    size_t nheaders;
    struct buyer_pair *mapping; /* key: lead path, value: SF field */
    size_t nmapping;
    struct buyer_pair *statics; /* key: SF field, value: literal */
    size_t nstatics;
    struct buyer_auth auth;
    struct buyer_retry retry;
    int paused;
    int64_t concurrency;
    int64_t connect_timeout_ms;
    int64_t timeout_ms;
    int64_t w2l_budget;   /* Web-to-Lead sends per window per oid (500) */
    int64_t w2l_window_s; /* 86400 */
    struct buyer_filter *filters;
    size_t nfilters;
    struct buyer_dedup dedup;
    struct buyer_suppression suppression;
    struct buyer_reconcile reconcile;
};

/* How the value of a key is read, and what it lands in. */
enum buyer_key_type {
    BUYER_KEY_SECTION, /* an object of more keys; lands nowhere itself */
    BUYER_KEY_LIST,    /* an array of objects of more keys: an array of
                          elem_size structs at off, the count at count_off */
    BUYER_KEY_INT,     /* int64_t, min..max */
    BUYER_KEY_BOOL,    /* int, 0 or 1 */
    BUYER_KEY_STRING,  /* char *, owned; NULL when absent without default */
    BUYER_KEY_ENUM,    /* int: the index of the value in names, or dflt */
    BUYER_KEY_PAIRS,   /* struct buyer_pair *, the count at count_off */
    BUYER_KEY_STRINGS  /* char **, the count at count_off */
};

/* What the values of a BUYER_KEY_PAIRS object may be. */
enum buyer_pairs {
    BUYER_PAIRS_STRINGS, /* strings */
    BUYER_PAIRS_SCALARS, /* strings, numbers, booleans (sent as text) */
    BUYER_PAIRS_HEADERS  /* HTTP header names and values, sent as given */
};

/*
 * One key of the buyer file. section is the path of the object it is in
 * ("" at the top, "delivery", "filters[]" for a list's elements), name
 * its own name; keys are read in the table's order, a section's keys
 * where the section stands. off (and count_off) is where the value lands:
 * an offset in struct buyer, or in the element's struct for a list's keys.
 */
struct buyer_key {
    const char *section;
    const char *name;
    enum buyer_key_type type;
    int64_t min, max;         /* INT */
    int64_t dflt;             /* INT, BOOL; ENUM: index, -1 for none */
    const char *sdflt;        /* STRING: the default, NULL for none */
    const char *const *names; /* ENUM: the values, NULL-terminated */
    enum buyer_pairs pairs;   /* PAIRS */
    int required;             /* an error when absent (where its section is
                                 present) */
    size_t off, count_off, elem_size;
    const char *doc; /* a default not a plain value, as README states it */
};

/* The table of every key, in reading order (static); its size in *n. */
const struct buyer_key *buyer_keys(size_t *n);

/*
 * Reads the buyer file at path into b (zeroed first). Returns 0, or -1 with
 * "path:line:col: key.path: message" in err; b is then empty but safe to
 * buyer_free().
 */
int buyer_load(struct buyer *b, const char *path, struct sf_err *err);
/* The same from text in memory; label names it in messages; dir (may be
 * NULL) resolves relative file names such as suppression.file. */
int buyer_load_text(struct buyer *b, const char *label, const char *text,
                    size_t len, const char *dir, struct sf_err *err);
void buyer_free(struct buyer *b);

/* Borrowed value of the static field named key, or NULL. */
const char *buyer_static(const struct buyer *b, const char *key);
/* Borrowed value of header name (case-insensitive), or NULL. */
const char *buyer_header(const struct buyer *b, const char *name);
/* Replaces (or adds) header name's value; value is copied. */
void buyer_set_header(struct buyer *b, const char *name, const char *value);
/* 1 when the buyer can refresh its token (auth.token_url and friends). */
int buyer_can_refresh(const struct buyer *b);
/* 1 when delivery itself carries a Bearer token that auth.* refreshes
 * (JSON buyers with refresh credentials). */
int buyer_uses_token(const struct buyer *b);
/* 1 when reconciliation is configured. */
int buyer_reconciles(const struct buyer *b);
/* The Web-to-Lead budget key (the oid), or NULL when not a form buyer. */
const char *buyer_w2l_oid(const struct buyer *b);

#endif
