/*
 * bulkquery.c - Bulk API query jobs: SOQL through queryrun.c, the result
 * written once as CSV when the job starts (see bulkquery.h).
 *
 * The rows are taken at the moment processing starts, as Salesforce
 * writes a query job's result files then; records changed afterwards do
 * not change a result already taken.
 */
#include "bulkquery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulk.h"
#include "bulkcsv.h"
#include "queryrun.h"
#include "schema.h"
#include "sim.h"
#include "sobject.h"
#include "soql.h"
#include "store.h"
#include "xmalloc.h"

#define VALUE_TEXT_MAX 512
#define SF_OFFSET "+0000"

const struct object_def *
bulkquery_check(struct sim *sim, const char *text, struct soql_error *err)
{
    struct soql_query *q = queryrun_parse(sim, text, strlen(text), err);
    const struct object_def *obj = NULL;

    if (q != NULL && (soql_is_count(q) || soql_offset(q) > 0)) {
        /* Bulk API 2.0 has no aggregates and no OFFSET. */
        snprintf(err->code, sizeof(err->code), "API_ERROR");
        snprintf(err->message, sizeof(err->message),
                 "%s is not supported in a Bulk API 2.0 query",
                 soql_is_count(q) ? "COUNT()" : "OFFSET");
    } else if (q != NULL) {
        obj = schema_object(sim->schema, soql_object(q));
    }
    soql_free(q);
    return obj;
}

/*
 * One value as the Bulk API writes it: quoted, null as "", date-times in
 * xsd:dateTime (…Z) rather than REST's …+0000.
 */
static void
put_value(const struct object_def *obj, const struct record *r,
          const struct field_def *f, struct buf *out)
{
    char text[VALUE_TEXT_MAX], when[VALUE_TEXT_MAX];
    size_t len = 0, tail = sizeof(SF_OFFSET) - 1;
    const char *v =
        f != NULL ? sobject_field_text(obj, r, f, text, sizeof(text), &len)
                  : NULL;

    if (v != NULL && f->type == FT_DATETIME && len > tail &&
        len < sizeof(when) && memcmp(v + len - tail, SF_OFFSET, tail) == 0) {
        snprintf(when, sizeof(when), "%.*sZ", (int)(len - tail), v);
        v = when;
        len = strlen(when);
    }
    bulkcsv_put_quoted(out, v != NULL ? v : "", v != NULL ? len : 0);
}

static void
put_header(const struct soql_query *q, struct bulkcsv_dialect d,
           struct buf *out)
{
    size_t i;

    for (i = 0; i < soql_field_count(q); i++) {
        if (i > 0)
            buf_putc(out, d.delim);
        bulkcsv_put_quoted(out, soql_field(q, i), strlen(soql_field(q, i)));
    }
    bulkcsv_put_eol(out, d);
}

int
bulkquery_run(struct sim *sim, struct bulk_job *j, char **why)
{
    struct soql_error err = {0};
    struct recset h = {0};
    const struct object_def *obj;
    struct soql_query *q;
    size_t from, to, i, k;

    q = queryrun_parse(sim, j->query, strlen(j->query), &err);
    if (q == NULL ||
        (obj = schema_object(sim->schema, soql_object(q))) == NULL) {
        *why = xasprintf("InvalidJob : %s", err.message);
        soql_free(q);
        return -1;
    }
    queryrun_collect(sim, q, obj, j->op == BULK_QUERY_ALL, &h);
    recview_window(q, &h, &from, &to);
    buf_reset(&j->result);
    put_header(q, j->dialect, &j->result);
    j->result_rows =
        xreallocarray(NULL, to - from + 1, sizeof(*j->result_rows));
    j->nresult = 0;
    for (i = from; i < to && !j->result.toobig; i++) {
        j->result_rows[j->nresult++] = (uint32_t)j->result.len;
        for (k = 0; k < soql_field_count(q); k++) {
            if (k > 0)
                buf_putc(&j->result, j->dialect.delim);
            put_value(obj, h.v[i], schema_field(obj, soql_field(q, k)),
                      &j->result);
        }
        bulkcsv_put_eol(&j->result, j->dialect);
    }
    free(h.v);
    soql_free(q);
    if (j->result.toobig || j->result.len > UINT32_MAX) {
        *why = xasprintf("ExceededQuota : the query result is larger than "
                         "sfsim keeps (%zu bytes)",
                         BULK_MAX_STORAGE);
        return -1;
    }
    return 0;
}
