/*
 * recscan.h - the records of a REST write's body as flat member lists.
 *
 * A single-record create or update (sobjects/X/) and an sObject
 * Collections create, update or upsert carry records as JSON objects;
 * what the sim does with a record (its fields for intake, its Id, an
 * upsert key, a record-scope fault's field, its journal entry) needs only
 * its members in order, each a name and a scalar's text. Building jansson
 * values for that, and freeing them, cost more than the rest of reading a
 * record, so the common shape is scanned straight from the request bytes
 * into member lists: one arena of text and two arrays per request, freed
 * at once.
 *
 * Design. The scanner takes exactly what it can prove jansson (through
 * jload) reads the same: objects, arrays only where records are listed,
 * strings (escapes and UTF-8 decoded and checked as jansson does), the
 * three literals, integers of at most 18 digits and reals that strtod()
 * reads without a range error. For anything else (a parse error, a
 * control character or \u0000 in a string, a bigger integer, a nested
 * object or array where a value belongs, an unknown member of a
 * Collections body, an allOrNone that is no boolean, a records that is no
 * array of objects, nesting deeper than a record's attributes) it answers
 * "fallback", and the caller parses the body with jansson as before and
 * converts the values with recscan_*_json(), which fill the same lists.
 * So field logic (recbody.h), Collections' checks, faults and journal
 * entries exist once, over member lists, whichever way a body was read.
 * A repeated key is read as jansson reads it: one member, at its first
 * position, with its last value.
 *
 * Texts are what sobject_scalar_text() makes of the jansson value: a
 * string as decoded, an integer in %lld, a real in %.15g, "true" and
 * "false"; a real keeps its double too (fault rules print %.17g).
 */
#ifndef SIM_RECSCAN_H
#define SIM_RECSCAN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum recval_kind {
    RECVAL_NONE, /* absent (a Collections body without the member) */
    RECVAL_STRING,
    RECVAL_INTEGER,
    RECVAL_REAL,
    RECVAL_TRUE,
    RECVAL_FALSE,
    RECVAL_NULL,
    RECVAL_OBJECT,
    RECVAL_ARRAY,
};

/* One member of a record. Strings are NUL-terminated (JSON strings with
 * U+0000 never reach here: jansson refuses them). */
struct recval {
    const char *name;
    const char *text; /* scalars but null: the text; NULL otherwise */
    size_t len;       /* text's length */
    double real;      /* RECVAL_REAL: the number */
    enum recval_kind kind;
    unsigned char hash; /* while reading: the name's, for repeated keys */
};

/* A record's members in order (borrowed from the scan). */
struct recmembers {
    const struct recval *v;
    size_t n;
};

/* One element of the records (or the single record of a body). */
struct recscan_rec {
    const char *token; /* NULL for an object; else Jackson's token name */
    const char *type;  /* attributes.type when a string; else NULL */
    struct recmembers mem;
    size_t first;   /* where its members start (while scanning) */
    uint64_t names; /* while scanning: a bit per name seen */
};

struct recscan_chunk;

/* A scanned body; everything in it is owned by it. */
struct recscan {
    enum recval_kind all_or_none; /* a Collections body's allOrNone */
    enum recval_kind records;     /* and its records' kind */
    struct recscan_rec *recs;
    size_t nrecs, caprecs;
    struct recval *vals;
    size_t nvals, capvals;
    struct recscan_chunk *arena;
    json_t *json; /* the body as jansson read it (fallback), or NULL */
};

void recscan_init(struct recscan *s);
/* Frees everything s holds, then s is as after recscan_init(). */
void recscan_free(struct recscan *s);

/*
 * Scans an sObject Collections body ({"allOrNone", "records": [...]})
 * or (recscan_record) a single record's body ({...}): 0 with s filled
 * (empty before), -1 when the body must go the jansson way (s left empty).
 */
int recscan_collection(struct recscan *s, const char *body, size_t len);
int recscan_record(struct recscan *s, const char *body, size_t len);

/*
 * The same from a body jansson read (body: an object; s takes the
 * reference and keeps it in s->json, so that the texts can borrow from
 * it). recscan_add_json() appends one record (rec, an object, borrowed:
 * it must outlive s) and returns its index; the member lists of s are
 * final once no more is added.
 */
void recscan_collection_json(struct recscan *s, json_t *body);
void recscan_record_json(struct recscan *s, json_t *body);
size_t recscan_add_json(struct recscan *s, json_t *rec);

/* The member named name exactly (case matters, as in a JSON object),
 * or NULL. */
const struct recval *recmembers_get(const struct recmembers *m,
                                    const char *name);

/* Jackson's name for a kind's token (START_ARRAY, VALUE_STRING, ...), as
 * Salesforce's parser errors show them. Static. */
const char *recval_token_name(enum recval_kind k);
/* The kind of a jansson value (RECVAL_NONE for NULL). */
enum recval_kind recval_kind_of(const json_t *j);

#endif
