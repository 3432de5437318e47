/*
 * importlog.c - a vendor's send log -> a scenario (see importlog.h).
 */
#include "importlog.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "log.h"
#include "parse.h"
#include "scaffold.h"
#include "timefmt.h"
#include "utf8.h"
#include "xmalloc.h"

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define ID_MAX 255
#define NAME_MAX_LEN 64
#define DEFAULT_CAP 500
#define NO_BUDGET 1000000
#define DAY_MS 86400000LL

/* What one row is being read from: the file and where. */
struct at {
    const char *path;
    long line;
};

static void
located(struct sf_err *err, const struct at *a, long col, const char *what,
        const char *detail)
{
    err_set(err, "%s:%ld:%ld: %s%s%s", a->path, a->line, col, what,
            detail != NULL ? ": " : "", detail != NULL ? detail : "");
}

/* A lead field's name: [a-z][a-z0-9_]*, at most NAME_MAX_LEN, not "id". */
static int
field_name_ok(const char *s)
{
    size_t n = strlen(s);

    return n > 0 && n <= NAME_MAX_LEN && s[0] >= 'a' && s[0] <= 'z' &&
           strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n &&
           strcmp(s, "id") != 0 && strcmp(s, "custom") != 0;
}

/* Checks one row's values and appends it to rows; col* locate them. */
struct row_in {
    const char *time, *lead_id, *status;
    long time_col, id_col, status_col;
    json_t *fields; /* stolen */
};

static int
row_add(json_t *rows, json_t *seen, const struct at *a, struct row_in *in,
        struct sf_err *err)
{
    int64_t ms = 0, status = 0;
    json_t *prev = NULL;
    char detail[64];
    int rc = -1;

    if (in->time == NULL || *in->time == '\0')
        located(err, a, in->time_col, "no time", NULL);
    else if (timefmt_parse(in->time, &ms) == -1)
        located(err, a, in->time_col,
                "time is not ISO 8601 with a zone "
                "(2026-03-05T09:15:00Z, 2026-03-05T10:15:00+01:00)",
                in->time);
    else if (in->lead_id == NULL || *in->lead_id == '\0' ||
             strlen(in->lead_id) > ID_MAX)
        located(err, a, in->id_col, "lead_id: 1 to 255 bytes", NULL);
    else if (in->status != NULL && *in->status != '\0' &&
             parse_int64(in->status, 100, 599, &status) == -1)
        located(err, a, in->status_col, "status: an HTTP status 100..599",
                in->status);
    else if ((prev = json_object_get(seen, in->lead_id)) != NULL) {
        snprintf(detail, sizeof(detail), "first on line %lld",
                 (long long)json_integer_value(prev));
        located(err, a, in->id_col, "lead_id repeated (one row per lead)",
                detail);
    } else
        rc = 0;
    if (rc == 0) {
        json_object_set_new(seen, in->lead_id, json_integer(a->line));
        json_array_append_new(
            rows,
            json_pack("{s:I, s:I, s:s, s:I, s:O}", "time_ms", (json_int_t)ms,
                      "line", (json_int_t)a->line, "lead_id", in->lead_id,
                      "status", (json_int_t)status, "fields", in->fields));
    }
    json_decref(in->fields);
    return rc;
}

/* Checks a field and sets it on fields; -1 (err set) when bad. */
static int
field_add(json_t *fields, const struct at *a, long col, const char *name,
          const char *value, struct sf_err *err)
{
    if (!field_name_ok(name))
        located(err, a, col,
                "a field name is [a-z][a-z0-9_]* (at most 64), not id or "
                "custom",
                name);
    else if (json_object_size(fields) >= IMPORTLOG_MAX_FIELDS)
        located(err, a, col, "more than 64 fields", NULL);
    else if (strlen(value) > IMPORTLOG_MAX_VALUE)
        located(err, a, col, "a value longer than 4096 bytes", name);
    else if (json_object_get(fields, name) != NULL)
        located(err, a, col, "field repeated", name);
    else {
        if (*value != '\0')
            json_object_set_new(fields, name, json_string(value));
        return 0;
    }
    return -1;
}

/* The column (from 1) of "key" in line, else 1. */
static long
key_col(const char *line, const char *key)
{
    char q[80];
    const char *p;

    snprintf(q, sizeof(q), "\"%s\"", key);
    p = strstr(line, q);
    return p != NULL ? (long)(p - line) + 1 : 1;
}

/* --- NDJSON ---------------------------------------------------------- */

static int
ndjson_fields(json_t *in, json_t *fields, const struct at *a, const char *line,
              struct sf_err *err)
{
    const char *k;
    json_t *v;

    if (!json_is_object(in)) {
        located(err, a, key_col(line, "fields"), "fields: an object of strings",
                NULL);
        return -1;
    }
    json_object_foreach(in, k, v) {
        if (!json_is_string(v)) {
            located(err, a, key_col(line, k), "fields: values are strings", k);
            return -1;
        }
        if (field_add(fields, a, key_col(line, k), k, json_string_value(v),
                      err) == -1)
            return -1;
    }
    return 0;
}

static int
ndjson_row(json_t *rows, json_t *seen, const struct at *a, const char *line,
           size_t len, struct sf_err *err)
{
    static const char *const keys[] = {"time", "lead_id", "status", "fields",
                                       NULL};
    struct row_in in = {0};
    json_error_t jerr;
    json_t *o, *v;
    char id[32], status[32];
    const char *k;
    size_t i;
    int rc = -1;

    if ((o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
        located(err, a, jerr.column > 0 ? jerr.column : 1, "not JSON",
                jerr.text);
        return -1;
    }
    in.fields = json_object();
    if (!json_is_object(o)) {
        located(err, a, 1, "a line is a JSON object", NULL);
        goto out;
    }
    json_object_foreach(o, k, v) {
        for (i = 0; keys[i] != NULL && strcmp(keys[i], k) != 0; i++)
            ;
        if (keys[i] == NULL) {
            located(err, a, key_col(line, k),
                    "unknown key (time, lead_id, status, fields)", k);
            goto out;
        }
    }
    v = json_object_get(o, "time");
    if (v != NULL && !json_is_string(v)) {
        located(err, a, key_col(line, "time"),
                "time: an ISO 8601 string with a zone", NULL);
        goto out;
    }
    in.time = json_string_value(v);
    in.time_col = key_col(line, "time");
    in.id_col = key_col(line, "lead_id");
    in.status_col = key_col(line, "status");
    v = json_object_get(o, "lead_id");
    in.lead_id = json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(v));
        in.lead_id = id;
    }
    if ((v = json_object_get(o, "status")) != NULL) {
        if (!json_is_integer(v)) {
            located(err, a, in.status_col, "status: an integer", NULL);
            goto out;
        }
        snprintf(status, sizeof(status), "%lld",
                 (long long)json_integer_value(v));
        in.status = status;
    }
    if ((v = json_object_get(o, "fields")) != NULL &&
        ndjson_fields(v, in.fields, a, line, err) == -1)
        goto out;
    rc = row_add(rows, seen, a, &in, err);
    in.fields = NULL;
out:
    json_decref(in.fields);
    json_decref(o);
    return rc;
}

/* --- CSV ------------------------------------------------------------- */

#define CSV_MAX_CELLS (IMPORTLOG_MAX_FIELDS + 3)

struct csv_record {
    char *cell[CSV_MAX_CELLS];
    long col[CSV_MAX_CELLS];
    size_t n;
};

static void
csv_free(struct csv_record *r)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        free(r->cell[i]);
    r->n = 0;
}

/* One cell of line starting at *p (RFC 4180 quoting, no line breaks in a
 * cell) into r; *p is left on the ',' or the end. */
static int
csv_cell(const char *line, const char **p, struct csv_record *r,
         const struct at *a, struct sf_err *err)
{
    struct buf b;
    const char *s = *p;
    long col = (long)(s - line) + 1;

    if (r->n >= CSV_MAX_CELLS) {
        located(err, a, col, "more than 67 columns", NULL);
        return -1;
    }
    buf_init(&b, IMPORTLOG_MAX_LINE);
    if (*s == '"') {
        for (s++; *s != '\0' && !(*s == '"' && s[1] != '"'); s++) {
            if (*s == '"')
                s++;
            buf_putc(&b, *s);
        }
        if (*s != '"') {
            located(err, a, col, "a quoted cell is not closed on its line",
                    NULL);
            goto fail;
        }
        s++;
        if (*s != ',' && *s != '\0') {
            located(err, a, (long)(s - line) + 1,
                    "a ',' or the line's end after a closing quote", NULL);
            goto fail;
        }
    } else {
        size_t w = strcspn(s, ",\"");

        if (s[w] == '"') {
            located(err, a, (long)(s + w - line) + 1,
                    "a quote inside an unquoted cell", NULL);
            goto fail;
        }
        buf_append(&b, s, w);
        s += w;
    }
    r->col[r->n] = col;
    r->cell[r->n++] = xstrdup(b.data != NULL ? b.data : "");
    buf_free(&b);
    *p = s;
    return 0;
fail:
    buf_free(&b);
    return -1;
}

static int
csv_split(const char *line, struct csv_record *r, const struct at *a,
          struct sf_err *err)
{
    const char *p = line;

    for (;;) {
        if (csv_cell(line, &p, r, a, err) == -1)
            return -1;
        if (*p == '\0')
            return 0;
        p++;
    }
}

/* The header: its names (time and lead_id required), or -1. */
static int
csv_header(struct csv_record *h, const struct at *a, struct sf_err *err)
{
    size_t i, j;
    int have = 0;

    for (i = 0; i < h->n; i++) {
        for (j = 0; j < i; j++)
            if (strcmp(h->cell[i], h->cell[j]) == 0) {
                located(err, a, h->col[i], "column repeated", h->cell[i]);
                return -1;
            }
        if (strcmp(h->cell[i], "time") == 0)
            have |= 1;
        else if (strcmp(h->cell[i], "lead_id") == 0)
            have |= 2;
        else if (strcmp(h->cell[i], "status") != 0 &&
                 !field_name_ok(h->cell[i])) {
            located(err, a, h->col[i],
                    "a column is time, lead_id, status or a field name "
                    "[a-z][a-z0-9_]*",
                    h->cell[i]);
            return -1;
        }
    }
    if (have != 3)
        located(err, a, 1, "the header names the columns time and lead_id",
                NULL);
    return have == 3 ? 0 : -1;
}

static int
csv_row(json_t *rows, json_t *seen, const struct at *a,
        const struct csv_record *h, const char *line, struct sf_err *err)
{
    struct csv_record r = {0};
    struct row_in in = {0};
    size_t i;
    int rc = -1;

    in.fields = json_object();
    if (csv_split(line, &r, a, err) == -1)
        goto out;
    if (r.n != h->n) {
        located(err, a, r.n > h->n ? r.col[h->n] : (long)strlen(line) + 1,
                r.n > h->n ? "more cells than the header has columns"
                           : "fewer cells than the header has columns",
                NULL);
        goto out;
    }
    for (i = 0; i < h->n; i++) {
        if (strcmp(h->cell[i], "time") == 0) {
            in.time = r.cell[i];
            in.time_col = r.col[i];
        } else if (strcmp(h->cell[i], "lead_id") == 0) {
            in.lead_id = r.cell[i];
            in.id_col = r.col[i];
        } else if (strcmp(h->cell[i], "status") == 0) {
            in.status = r.cell[i];
            in.status_col = r.col[i];
        } else if (field_add(in.fields, a, r.col[i], h->cell[i], r.cell[i],
                             err) == -1)
            goto out;
    }
    rc = row_add(rows, seen, a, &in, err);
    in.fields = NULL;
out:
    json_decref(in.fields);
    csv_free(&r);
    return rc;
}

/* --- the file -------------------------------------------------------- */

static char *
read_bounded(const char *path, size_t *len, struct sf_err *err)
{
    FILE *fp = fopen(path, "rb");
    char *text;

    if (fp == NULL) {
        err_set(err, "%s: %s", path, strerror(errno));
        return NULL;
    }
    text = xmalloc(IMPORTLOG_MAX_BYTES + 2);
    *len = fread(text, 1, IMPORTLOG_MAX_BYTES + 1, fp);
    if (ferror(fp) || *len > IMPORTLOG_MAX_BYTES) {
        err_set(err, "%s: %s", path,
                ferror(fp) ? "cannot read" : "larger than 16 MiB");
        free(text);
        text = NULL;
    } else
        text[*len] = '\0';
    fclose(fp);
    return text;
}

/* 1 for CSV: by the name, else by the first byte that is not blank. */
static int
is_csv(const char *path, const char *text)
{
    size_t n = strlen(path);

    if (n > 4 && strcmp(path + n - 4, ".csv") == 0)
        return 1;
    if ((n > 7 && strcmp(path + n - 7, ".ndjson") == 0) ||
        (n > 6 && strcmp(path + n - 6, ".jsonl") == 0))
        return 0;
    return text[strspn(text, " \t\r\n")] != '{';
}

static int
by_time(const void *x, const void *y)
{
    json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    json_int_t ta = json_integer_value(json_object_get(a, "time_ms")),
               tb = json_integer_value(json_object_get(b, "time_ms")),
               la = json_integer_value(json_object_get(a, "line")),
               lb = json_integer_value(json_object_get(b, "line"));

    if (ta != tb)
        return ta < tb ? -1 : 1;
    return la < lb ? -1 : la > lb;
}

/* rows ordered by time, then line (a new array). */
static json_t *
sorted(json_t *rows)
{
    size_t i, n = json_array_size(rows);
    json_t **v = xcalloc(n + 1, sizeof(*v)), *out = json_array();

    for (i = 0; i < n; i++)
        v[i] = json_array_get(rows, i);
    qsort(v, n, sizeof(*v), by_time);
    for (i = 0; i < n; i++)
        json_array_append(out, v[i]);
    free(v);
    json_decref(rows);
    return out;
}

/* Checks one line's bytes: length, NUL, UTF-8. */
static int
line_ok(const char *line, size_t len, const struct at *a, struct sf_err *err)
{
    const char *nul = memchr(line, '\0', len);

    if (len > IMPORTLOG_MAX_LINE)
        located(err, a, IMPORTLOG_MAX_LINE + 1, "a line longer than 64 KiB",
                NULL);
    else if (nul != NULL)
        located(err, a, (long)(nul - line) + 1, "a NUL byte", NULL);
    else if (!utf8_valid(line, len))
        located(err, a, 1, "not UTF-8", NULL);
    else
        return 0;
    return -1;
}

/* Splits text into lines and hands each non-blank one to its reader. */
static json_t *
read_rows(const char *path, char *text, size_t len, struct sf_err *err)
{
    json_t *rows = json_array(), *seen = json_object();
    struct csv_record header = {0};
    struct at a = {path, 0};
    int csv = is_csv(path, text), rc = 0;
    char *p = text, *end = text + len, *nl;
    size_t n;

    if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    while (rc == 0 && p < end) {
        nl = memchr(p, '\n', (size_t)(end - p));
        n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        a.line++;
        if (n > 0 && p[n - 1] == '\r')
            n--;
        if ((rc = line_ok(p, n, &a, err)) == 0) {
            p[n] = '\0';
            if (p[strspn(p, " \t")] == '\0')
                ;
            else if (json_array_size(rows) >= IMPORTLOG_MAX_ROWS) {
                located(err, &a, 1, "more than 100000 posts", NULL);
                rc = -1;
            } else if (!csv)
                rc = ndjson_row(rows, seen, &a, p, n, err);
            else if (header.n == 0)
                rc = csv_split(p, &header, &a, err) == -1 ||
                             csv_header(&header, &a, err) == -1
                         ? -1
                         : 0;
            else
                rc = csv_row(rows, seen, &a, &header, p, err);
        }
        p = nl != NULL ? nl + 1 : end;
    }
    if (rc == 0 && json_array_size(rows) == 0) {
        a.line = a.line > 0 ? a.line : 1;
        located(err, &a, 1, "no posts", header.n > 0 ? "only a header" : NULL);
        rc = -1;
    }
    csv_free(&header);
    json_decref(seen);
    if (rc == -1) {
        json_decref(rows);
        return NULL;
    }
    return sorted(rows);
}

json_t *
importlog_read(const char *path, struct sf_err *err)
{
    size_t len;
    char *text = read_bounded(path, &len, err);
    json_t *rows;

    if (text == NULL)
        return NULL;
    rows = read_rows(path, text, len, err);
    free(text);
    return rows;
}

/* --- the scenario ---------------------------------------------------- */

struct import {
    const char *path, *ticket;
    json_t *rows;     /* the posts, by time */
    int64_t cap;      /* the org's Web-to-Lead daily limit */
    int64_t max_runs; /* deliver steps at most */
    int64_t bucket_s; /* posts in the same bucket go in one client run */
    size_t steps;     /* buckets used */
};

/* The smallest bucket that keeps the deliver steps within bounds. */
static void
choose_bucket(struct import *im)
{
    static const int64_t sizes[] = {1, 10, 60, 300, 900, 3600, 86400};
    json_t *r;
    size_t i, k, n;
    int64_t prev, t;

    for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        n = 0;
        prev = INT64_MIN;
        json_array_foreach(im->rows, i, r) {
            t = json_integer_value(json_object_get(r, "time_ms")) /
                (sizes[k] * 1000);
            n += t != prev;
            prev = t;
        }
        im->bucket_s = sizes[k];
        im->steps = n;
        if ((int64_t)n <= im->max_runs)
            return;
    }
}

/* Gives every post an email (the replay tells leads apart by it): its own,
 * or one made of its lead id; -1 when two posts share one. */
static int
assign_emails(struct import *im, struct sf_err *err)
{
    json_t *seen = json_object(), *r, *f, *prev;
    struct at a = {im->path, 0};
    char made[ID_MAX + 32], *p;
    size_t i;
    int rc = 0;

    json_array_foreach(im->rows, i, r) {
        f = json_object_get(r, "fields");
        if (json_object_get(f, "email") == NULL) {
            snprintf(made, sizeof(made), "%s@vendor-log.invalid",
                     json_string_value(json_object_get(r, "lead_id")));
            for (p = made; *p != '@'; p++)
                if (strchr("abcdefghijklmnopqrstuvwxyz0123456789.-_", *p) ==
                    NULL)
                    *p =
                        (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : '-';
            json_object_set_new(f, "email", json_string(made));
        }
        p = (char *)json_string_value(json_object_get(f, "email"));
        if ((prev = json_object_get(seen, p)) != NULL) {
            char detail[64];

            a.line = (long)json_integer_value(json_object_get(r, "line"));
            snprintf(detail, sizeof(detail), "also on line %lld",
                     (long long)json_integer_value(prev));
            located(err, &a, 1,
                    "email shared by two leads (the replay tells leads "
                    "apart by email)",
                    detail);
            rc = -1;
            break;
        }
        json_object_set(seen, p, json_object_get(r, "line"));
    }
    json_decref(seen);
    return rc;
}

static json_t *
import_org(const struct import *im, int64_t start_ms)
{
    char when[TIMEFMT_LEN];

    return json_pack("{s:s, s:s, s:s, s:{s:s, s:b}, s:{s:I}}", "name",
                     "customer org", "edition", "Enterprise", "org_id",
                     "00D000000000001", "clock", "start",
                     timefmt_rfc3339(start_ms, when), "frozen", 1,
                     "web_to_lead", "daily_limit", (json_int_t)im->cap);
}

/* Web-to-Lead with every field of the log under its own name. */
static json_t *
import_buyer(const struct import *im, json_int_t budget)
{
    json_t *map = json_object(), *r;
    const char *k;
    json_t *v;
    size_t i;

    json_array_foreach(im->rows, i, r)
        json_object_foreach(json_object_get(r, "fields"), k, v)
            json_object_set_new(map, k, json_string(k));
    return json_pack(
        "{s:s, s:{s:s, s:s, s:i}, s:o, s:{s:s}, s:{s:i, s:i}, s:{s:I}}", "name",
        "vendor-w2l", "delivery", "url",
        "${SIM_URL}/servlet/servlet.WebToLead?encoding=UTF-8", "content_type",
        "application/x-www-form-urlencoded", "timeout_ms", 10000, "mapping",
        map, "static_fields", "oid", "00D000000000001", "retry", "max_retries",
        0, "backoff_ms", 10, "web_to_lead", "daily_budget", budget);
}

/* The statuses the vendor saw, "620 × 200", or "none logged". */
static void
seen_statuses(const struct import *im, struct buf *b)
{
    json_t *tally = json_object(), *r, *v;
    char key[16];
    const char *k;
    size_t i;

    json_array_foreach(im->rows, i, r) {
        json_int_t s = json_integer_value(json_object_get(r, "status"));

        if (s == 0)
            continue;
        snprintf(key, sizeof(key), "%lld", (long long)s);
        json_object_set_new(
            tally, key,
            json_integer(json_integer_value(json_object_get(tally, key)) + 1));
    }
    json_object_foreach(tally, k, v)
        buf_printf(b, "%s%lld answered %s", b->len > 0 ? ", " : "",
                   (long long)json_integer_value(v), k);
    if (json_object_size(tally) == 0)
        buf_puts(b, "no status logged");
    json_decref(tally);
}

static json_t *
import_case(const struct import *im, const char *name, json_t *steps)
{
    char *id, t1[TIMEFMT_LEN], t2[TIMEFMT_LEN];
    size_t n = json_array_size(im->rows);
    struct buf seen;
    char *ticket, *expl;
    json_t *c;

    buf_init(&seen, 64 * 1024);
    seen_statuses(im, &seen);
    timefmt_rfc3339(json_integer_value(json_object_get(
                        json_array_get(im->rows, 0), "time_ms")),
                    t1);
    timefmt_rfc3339(json_integer_value(json_object_get(
                        json_array_get(im->rows, n - 1), "time_ms")),
                    t2);
    ticket = im->ticket != NULL
                 ? xstrdup(im->ticket)
                 : xasprintf("The vendor's send log %s: %zu posts from %s to "
                             "%s (%s). Salesforce shows fewer leads.",
                             im->path, n, t1, t2, seen.data);
    expl = xasprintf(
        "Each of the %zu posts of the log is replayed at its logged time, "
        "to the %lld s (posts of the same %lld s go in one client run: %zu "
        "runs), on the simulated clock. The org's Web-to-Lead daily limit "
        "is %lld per rolling 24 hours: Salesforce answers the posts past it "
        "200 like any other and stores nothing (the journal marks them "
        "dropped_daily_limit). The client keeps no budget, as the vendor's "
        "platform did; replay with --fix for one that holds the leads past "
        "the limit.",
        n, (long long)im->bucket_s, (long long)im->bucket_s, im->steps,
        (long long)im->cap);
    id = xasprintf("report.%s", name);
    c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:o, "
                  "s:[{s:s}, {s:s, s:s, s:i}]}",
                  "id", id, "title",
                  "Imported send log: what Salesforce kept of the posts",
                  "level", "MUST", "checks",
                  "Every lead the client reports delivered is stored in "
                  "Salesforce.",
                  "source", "contract", "timeout_ms", 60000, "ticket", ticket,
                  "explanation", expl, "steps", steps, "expect", "check",
                  "outcomes_truthful", "check", "journal", "verdict",
                  "dropped_daily_limit", "count", 0);
    free(ticket);
    free(expl);
    free(id);
    buf_free(&seen);
    return c;
}

/* The deliver and advance_clock steps, and the leads file of each bucket,
 * written to dir. -1 (err set) when a file cannot be written. */
static json_t *
import_steps(const struct import *im, const char *dir, int64_t *start_ms,
             struct sf_err *err)
{
    json_t *steps = json_array(), *leads = NULL, *r, *lead;
    int64_t bms = im->bucket_s * 1000, cur = INT64_MIN, t;
    char file[32];
    size_t i, k = 0, n = json_array_size(im->rows);

    for (i = 0; i <= n; i++) {
        r = json_array_get(im->rows, i);
        t = r != NULL
                ? json_integer_value(json_object_get(r, "time_ms")) / bms * bms
                : INT64_MAX;
        if (t != cur && leads != NULL) {
            snprintf(file, sizeof(file), "leads-%03zu.ndjson", ++k);
            if (scaffold_write_ndjson(dir, file, leads, err) == -1)
                goto fail;
            json_array_append_new(
                steps, json_pack("{s:s, s:s}", "do", "deliver", "leads", file));
            json_decref(leads);
            leads = NULL;
            if (r != NULL)
                json_array_append_new(
                    steps,
                    json_pack("{s:s, s:I}", "do", "advance_clock", "seconds",
                              (json_int_t)((t - cur) / 1000)));
        }
        if (r == NULL)
            break;
        if (cur == INT64_MIN)
            *start_ms = t;
        cur = t;
        if (leads == NULL)
            leads = json_array();
        lead = json_deep_copy(json_object_get(r, "fields"));
        json_object_set_new(lead, "id",
                            json_copy(json_object_get(r, "lead_id")));
        json_array_append_new(leads, lead);
    }
    return steps;
fail:
    json_decref(leads);
    json_decref(steps);
    return NULL;
}

static int
import_write(const struct import *im, const char *dir, const char *name,
             struct sf_err *err)
{
    json_t *steps, *c = NULL, *org = NULL, *buyer = NULL, *fix = NULL;
    char fixdir[PATH_MAX];
    int64_t start = 0;
    int rc = -1;

    if ((steps = import_steps(im, dir, &start, err)) == NULL)
        return -1;
    c = import_case(im, name, steps);
    org = import_org(im, start);
    buyer = import_buyer(im, NO_BUDGET);
    fix = import_buyer(im, (json_int_t)im->cap);
    if (snprintf(fixdir, sizeof(fixdir), "%s/fix", dir) >=
        (int)sizeof(fixdir)) {
        err_set(err, "%s: path too long", dir);
        goto out;
    }
    if (scaffold_write_json(dir, "case.json", c, err) == -1 ||
        scaffold_write_json(dir, "org.json", org, err) == -1 ||
        scaffold_write_json(dir, "buyer.json", buyer, err) == -1)
        goto out;
    if (mkdir(fixdir, 0755) == -1) {
        err_set(err, "%s: %s", fixdir, strerror(errno));
        goto out;
    }
    rc = scaffold_write_json(fixdir, "buyer.json", fix, err);
out:
    json_decref(c);
    json_decref(org);
    json_decref(buyer);
    json_decref(fix);
    return rc;
}

/* The span the posts cover: within IMPORTLOG_MAX_SPAN_DAYS. */
static int
span_ok(const struct import *im, struct sf_err *err)
{
    size_t n = json_array_size(im->rows);
    json_t *first = json_array_get(im->rows, 0),
           *last = json_array_get(im->rows, n - 1);
    int64_t span = json_integer_value(json_object_get(last, "time_ms")) -
                   json_integer_value(json_object_get(first, "time_ms"));

    if (span <= IMPORTLOG_MAX_SPAN_DAYS * DAY_MS)
        return 0;
    err_set(err,
            "%s:%lld:1: the posts span more than %d days (the first is on "
            "line %lld)",
            im->path,
            (long long)json_integer_value(json_object_get(last, "line")),
            IMPORTLOG_MAX_SPAN_DAYS,
            (long long)json_integer_value(json_object_get(first, "line")));
    return -1;
}

/* The default name: the file's base name without its extension. */
static void
default_name(const char *path, char *out, size_t n)
{
    const char *base = strrchr(path, '/');
    char *dot;

    if (snprintf(out, n, "%s", base != NULL ? base + 1 : path) >= (int)n)
        out[0] = '\0'; /* too long: refused as a name */
    if ((dot = strrchr(out, '.')) != NULL && dot != out)
        *dot = '\0';
}

static void
importlog_usage(FILE *fp)
{
    fprintf(fp, "usage: sfconform import-log FILE [--name NAME] [--dir DIR]\n"
                "           [--daily-limit N] [--max-runs N] [--ticket TEXT]\n"
                "FILE is NDJSON or CSV (time, lead_id, status, fields); see "
                "sfconform(1).\n");
}

int
importlog_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},
        {"name", required_argument, NULL, 'n'},
        {"daily-limit", required_argument, NULL, 'L'},
        {"ticket", required_argument, NULL, 'T'},
        {"max-runs", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct import im = {0};
    const char *parent = ".", *name = NULL;
    char dir[PATH_MAX], dflt[NAME_MAX_LEN * 4];
    struct sf_err err;
    int c, rc = EXIT_FAIL;

    err_clear(&err);
    im.cap = DEFAULT_CAP;
    im.max_runs = IMPORTLOG_DEFAULT_RUNS;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': parent = optarg; break;
        case 'n': name = optarg; break;
        case 'T': im.ticket = optarg; break;
        case 'L':
            if (parse_int64(optarg, 0, 1000000, &im.cap) == -1) {
                log_warnx("--daily-limit: a number in 0..1000000");
                return EXIT_USAGE;
            }
            break;
        case 'R':
            if (parse_int64(optarg, 1, IMPORTLOG_MAX_RUNS, &im.max_runs) ==
                -1) {
                log_warnx("--max-runs: a number in 1..%d", IMPORTLOG_MAX_RUNS);
                return EXIT_USAGE;
            }
            break;
        case 'h': importlog_usage(stdout); return EXIT_OK;
        default: importlog_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        importlog_usage(stderr);
        return EXIT_USAGE;
    }
    im.path = argv[optind];
    if (name == NULL) {
        default_name(im.path, dflt, sizeof(dflt));
        name = dflt;
    }
    rc = EXIT_USAGE; /* a bad log */
    if ((im.rows = importlog_read(im.path, &err)) == NULL ||
        span_ok(&im, &err) == -1 || assign_emails(&im, &err) == -1)
        goto out;
    rc = EXIT_FAIL;
    choose_bucket(&im);
    if (scaffold_mkdir(parent, name, dir, sizeof(dir), &err) == -1 ||
        (import_write(&im, dir, name, &err) == -1 && (scaffold_remove(dir), 1)))
        goto out;
    printf("%s: %zu posts in %zu client runs (one per %lld s of the log), "
           "daily limit %lld; replay with:\n  sfconform replay %s\n",
           dir, json_array_size(im.rows), im.steps, (long long)im.bucket_s,
           (long long)im.cap, dir);
    rc = EXIT_OK;
out:
    if (rc != EXIT_OK)
        log_warnx("import-log: %s", err.msg);
    json_decref(im.rows);
    return rc;
}
