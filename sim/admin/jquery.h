/*
 * jquery.h - journal queries: the filter GET /__sim/journal takes as query
 * parameters and POST /__sim/journal/verify as "match", which entries it
 * takes, and how far an entry it does not take is from it (the "near
 * misses" a failed verify shows, criterion by criterion).
 *
 * A filter is a conjunction of criteria, each optional: verdict (names,
 * any of them), method (any of them, case-insensitive), status (numbers or
 * classes such as 4xx, any of them), path (a prefix, or a glob when it has
 * '*', '?' or '['), lead (a value the request carries: its body's form or
 * JSON values, its record's fields or id, compared without regard to ASCII
 * case; an event matches through the request it stems from). Knows the
 * journal through journal_view only; no HTTP.
 */
#ifndef SIM_JQUERY_H
#define SIM_JQUERY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "journal.h"

#define JQUERY_LIST_MAX 16    /* verdicts, methods or statuses in a filter */
#define JQUERY_VALUE_MAX 1024 /* a path or lead value, in bytes */

enum jquery_criterion {
    JQ_VERDICT,
    JQ_METHOD,
    JQ_STATUS,
    JQ_PATH,
    JQ_LEAD,
    JQ_COUNT
};

struct jquery {
    unsigned set; /* bit per criterion given */
    uint64_t verdicts;
    char methods[JQUERY_LIST_MAX][16];
    size_t nmethods;
    int status_lo[JQUERY_LIST_MAX], status_hi[JQUERY_LIST_MAX];
    size_t nstatus;
    char *path; /* owned */
    int path_glob;
    char *lead; /* owned */
    size_t lead_len;
    uint64_t lead_bits;
    /* Each criterion as given, for messages and near misses (owned). */
    char *given[JQ_COUNT];
};

/* The criterion called name ("verdict", ...), or -1. */
int jquery_criterion(const char *name);
const char *jquery_criterion_name(enum jquery_criterion c);

void jquery_init(struct jquery *q);
void jquery_free(struct jquery *q);
/*
 * Sets criterion c from its text: a comma-separated list for verdict,
 * method and status. 0, or -1 with err set (an unknown verdict, a status
 * that is not 100-999 or Nxx, an empty or too long value, a criterion
 * given twice).
 */
int jquery_set(struct jquery *q, enum jquery_criterion c, const char *text,
               struct sf_err *err);
/* The same from a JSON value: a string, a number (status), or an array of
 * them (verdict, method, status). */
int jquery_set_json(struct jquery *q, enum jquery_criterion c, json_t *v,
                    struct sf_err *err);

/* Whether the entry v of j meets every criterion of q (a journal_filter_fn;
 * arg is the struct jquery). */
int jquery_match(const struct journal *j, const struct journal_view *v,
                 void *arg);

/*
 * How far v is from q: one object per criterion given, {"criterion",
 * "expected", "actual", "distance" (0 when it holds, up to 1)}, appended
 * to criteria; returns the mean distance (0: v matches).
 */
double jquery_distance(const struct jquery *q, const struct journal *j,
                       const struct journal_view *v, json_t *criteria);

#endif
