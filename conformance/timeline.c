/*
 * timeline.c - the customer's view of a replay, and its HTML page (see
 * timeline.h).
 */
#include "timeline.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "timefmt.h"
#include "xmalloc.h"

#define PAGE_MAX (64 * 1024 * 1024)
#define BINS 400 /* the chart's resolution along time */
#define W 800
#define H 320
#define ML 60 /* margins */
#define MR 20
#define MT 20
#define MB 50

static const char *
jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s != NULL ? s : "";
}

static json_int_t
jnum(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* 1 when a request with this sim verdict left the lead in Salesforce. */
static int
stores(const char *verdict)
{
    static const char *const v[] = {"created", "created_from_queue", "updated",
                                    "ok", NULL};
    size_t i;

    for (i = 0; v[i] != NULL; i++)
        if (strcmp(v[i], verdict) == 0)
            return 1;
    return 0;
}

/* 1 when one of a lead's attempts left it in Salesforce. */
static int
lead_stored(json_t *attempts)
{
    json_t *a;
    size_t i;

    json_array_foreach(attempts, i, a)
        if (stores(jstr(a, "verdict")))
            return 1;
    return 0;
}

/* What each side sees, counted once per lead. */
struct sides {
    json_int_t leads, delivered, stored;
    char *lost; /* "120 dropped_daily_limit, 2 never sent": the leads
                   never stored, by their last attempt's verdict (owned) */
};

static void
sides_count(json_t *r, struct sides *s)
{
    json_t *lost = json_object(), *arr, *line, *last, *v;
    const char *id, *why;
    struct buf b;

    memset(s, 0, sizeof(*s));
    json_object_foreach(json_object_get(r, "timeline"), id, arr) {
        line = json_object_get(json_object_get(r, "outcomes"), id);
        s->leads++;
        s->delivered += strcmp(jstr(line, "outcome"), "delivered") == 0;
        if (lead_stored(arr)) {
            s->stored++;
            continue;
        }
        last = json_array_get(arr, json_array_size(arr) - 1);
        why = last != NULL ? jstr(last, "verdict") : "never sent";
        json_object_set_new(lost, why, json_integer(jnum(lost, why) + 1));
    }
    buf_init(&b, 64 * 1024);
    json_object_foreach(lost, why, v)
        buf_printf(&b, "%s%lld %s", b.len > 0 ? ", " : "",
                   (long long)json_integer_value(v), why);
    s->lost = xstrdup(b.data != NULL ? b.data : "");
    buf_free(&b);
    json_decref(lost);
}

void
timeline_counts(FILE *fp, json_t *result)
{
    struct sides s;

    sides_count(result, &s);
    fprintf(fp,
            "\nWhat each side sees:\n"
            "  the client: %lld of %lld leads reported delivered\n"
            "  Salesforce: %lld leads stored; %lld never stored%s%s%s\n",
            (long long)s.delivered, (long long)s.leads, (long long)s.stored,
            (long long)(s.leads - s.stored), *s.lost ? " (" : "", s.lost,
            *s.lost ? ")" : "");
    free(s.lost);
}

/* --- the page -------------------------------------------------------- */

/* The org's Web-to-Lead daily limit from the scenario's org.json (-1:
 * none given). */
static json_int_t
daily_limit(json_t *r)
{
    char path[PATH_MAX];
    json_t *org, *v;
    json_int_t cap = -1;

    if (snprintf(path, sizeof(path), "%s/org.json", jstr(r, "dir")) >=
        (int)sizeof(path))
        return -1;
    org = json_load_file(path, 0, NULL);
    v = json_object_get(json_object_get(org, "web_to_lead"), "daily_limit");
    if (json_is_integer(v))
        cap = json_integer_value(v);
    json_decref(org);
    return cap;
}

/* Every request that carried a lead: its time and whether it stored. */
struct post {
    int64_t t;
    int stored;
};

static int
by_t(const void *x, const void *y)
{
    const struct post *a = x, *b = y;

    return a->t < b->t ? -1 : a->t > b->t;
}

static struct post *
posts_of(json_t *r, size_t *n)
{
    struct post *v;
    json_t *arr, *a;
    const char *id;
    size_t i, k = 0, total = 0;

    json_object_foreach(json_object_get(r, "timeline"), id, arr)
        total += json_array_size(arr);
    v = xcalloc(total + 1, sizeof(*v));
    json_object_foreach(json_object_get(r, "timeline"), id, arr)
        json_array_foreach(arr, i, a) {
            v[k].t = jnum(a, "time_ms");
            v[k++].stored = stores(jstr(a, "verdict"));
        }
    qsort(v, k, sizeof(*v), by_t);
    *n = k;
    return v;
}

struct chart {
    int64_t t0, t1;
    double ymax;
};

static double
cx(const struct chart *c, int64_t t)
{
    return ML + (double)(t - c->t0) * (W - ML - MR) / (double)(c->t1 - c->t0);
}

static double
cy(const struct chart *c, double v)
{
    return H - MB - v * (H - MT - MB) / c->ymax;
}

/* A cumulative step line of the posts (all, or those stored), sampled at
 * BINS points. */
static void
svg_line(struct buf *b, const struct chart *c, const struct post *v, size_t n,
         int only_stored, const char *color)
{
    size_t i = 0, k;
    double cum = 0;
    int64_t edge;

    buf_printf(b,
               "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
               "points=\"%.1f,%.1f",
               color, cx(c, c->t0), cy(c, 0));
    for (k = 0; k <= BINS; k++) {
        edge = c->t0 + (c->t1 - c->t0) * (int64_t)k / BINS;
        for (; i < n && v[i].t <= edge; i++)
            if (!only_stored || v[i].stored)
                cum++;
        buf_printf(b, " %.1f,%.1f", cx(c, edge), cy(c, cum));
    }
    buf_puts(b, "\"/>\n");
}

static void
svg_axes(struct buf *b, const struct chart *c, json_int_t cap)
{
    char t0[TIMEFMT_LEN], t1[TIMEFMT_LEN];

    buf_printf(
        b,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>"
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
        ML, H - MB, W - MR, H - MB, ML, MT, ML, H - MB);
    buf_printf(b,
               "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>"
               "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
               "text-anchor=\"end\">%s</text>\n",
               ML, H - MB + 16, timefmt_rfc3339(c->t0, t0), W - MR, H - MB + 16,
               timefmt_rfc3339(c->t1, t1));
    buf_printf(b,
               "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
               "text-anchor=\"end\">0</text>"
               "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
               "text-anchor=\"end\">%.0f</text>\n",
               ML - 4, H - MB, ML - 4, cy(c, c->ymax) + 10, c->ymax);
    buf_printf(b,
               "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
               "text-anchor=\"middle\">simulated time (UTC)</text>\n",
               (W + ML) / 2, H - 12);
    if (cap >= 0)
        buf_printf(b,
                   "<line class=\"cap\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
                   "y2=\"%.1f\" stroke=\"#b00\" stroke-dasharray=\"6,4\"/>"
                   "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
                   "fill=\"#b00\">daily limit %lld</text>\n",
                   ML, cy(c, (double)cap), W - MR, cy(c, (double)cap), ML + 6,
                   cy(c, (double)cap) - 4, (long long)cap);
}

/* The chart: cumulative posts and cumulative leads stored over simulated
 * time, and the daily limit. */
static void
svg_chart(struct buf *b, json_t *r)
{
    json_int_t cap = daily_limit(r);
    size_t n;
    struct post *v = posts_of(r, &n);
    struct chart c;

    if (n == 0) {
        buf_puts(b, "<p>No request carried a lead: nothing to chart.</p>\n");
        free(v);
        return;
    }
    c.t0 = v[0].t;
    c.t1 = v[n - 1].t > c.t0 ? v[n - 1].t : c.t0 + 1;
    c.ymax = (double)((json_int_t)n > cap ? (json_int_t)n : cap) * 1.05 + 1;
    buf_printf(b,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
               "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
               "<title>posts over simulated time against the daily limit"
               "</title>\n",
               W, H, W, H);
    svg_axes(b, &c, cap);
    svg_line(b, &c, v, n, 0, "#0055aa");
    svg_line(b, &c, v, n, 1, "#070");
    buf_puts(b, "</svg>\n<p><span style=\"color:#0055aa\">&#9632; posts "
                "(cumulative)</span> <span style=\"color:#070\">&#9632; "
                "leads stored in Salesforce</span> <span "
                "style=\"color:#b00\">- - daily limit (per rolling 24 h)"
                "</span></p>\n");
    free(v);
}

#define LOST_ROWS_MAX 1000

/* The leads never stored: id, last attempt's time and verdict. */
static void
html_lost(struct buf *b, json_t *r)
{
    char when[TIMEFMT_LEN];
    json_t *arr, *a;
    const char *id;
    size_t k = 0;

    buf_puts(b, "<h2>Leads never stored</h2>\n<table><tr><th>lead</th>"
                "<th>last request (simulated time)</th><th>sim verdict</th>"
                "</tr>\n");
    json_object_foreach(json_object_get(r, "timeline"), id, arr) {
        if (lead_stored(arr) || k++ >= LOST_ROWS_MAX)
            continue;
        a = json_array_get(arr, json_array_size(arr) - 1);
        buf_puts(b, "<tr><td>");
        buf_xml_escape(b, id, 0);
        buf_printf(b, "</td><td>%s</td><td>",
                   a != NULL ? timefmt_rfc3339(jnum(a, "time_ms"), when)
                             : "never sent");
        buf_xml_escape(b, a != NULL ? jstr(a, "verdict") : "", 0);
        buf_puts(b, "</td></tr>\n");
    }
    buf_puts(b, "</table>\n");
    if (k > LOST_ROWS_MAX)
        buf_printf(b, "<p>and %zu more</p>\n", k - LOST_ROWS_MAX);
}

/* Requests carrying a lead, per sim verdict. */
static void
html_totals(struct buf *b, json_t *r)
{
    json_t *tally = json_object(), *arr, *a, *v;
    const char *id, *k;
    size_t i;

    json_object_foreach(json_object_get(r, "timeline"), id, arr)
        json_array_foreach(arr, i, a) {
            k = jstr(a, "verdict");
            json_object_set_new(tally, k, json_integer(jnum(tally, k) + 1));
        }
    buf_puts(b, "<h2>Requests per sim verdict</h2>\n<table><tr>"
                "<th>verdict</th><th>requests</th></tr>\n");
    json_object_foreach(tally, k, v) {
        buf_puts(b, "<tr><td>");
        buf_xml_escape(b, k, 0);
        buf_printf(b, "</td><td>%lld</td></tr>\n",
                   (long long)json_integer_value(v));
    }
    buf_puts(b, "</table>\n");
    json_decref(tally);
}

static void
html_sides(struct buf *b, json_t *r)
{
    struct sides s;

    sides_count(r, &s);
    buf_printf(b,
               "<h2>What each side sees</h2>\n<table>"
               "<tr><th>the client</th><td>%lld of %lld leads reported "
               "delivered</td></tr>\n<tr><th>Salesforce</th><td>%lld leads "
               "stored; %lld never stored",
               (long long)s.delivered, (long long)s.leads, (long long)s.stored,
               (long long)(s.leads - s.stored));
    if (*s.lost != '\0') {
        buf_puts(b, " (");
        buf_xml_escape(b, s.lost, 0);
        buf_puts(b, ")");
    }
    buf_puts(b, "</td></tr>\n</table>\n");
    free(s.lost);
}

/* A heading and a paragraph of text, when there is text. */
static void
html_text(struct buf *b, const char *heading, const char *text)
{
    if (*text == '\0')
        return;
    buf_printf(b, "<h2>%s</h2>\n<blockquote>", heading);
    buf_xml_escape(b, text, 0);
    buf_puts(b, "</blockquote>\n");
}

static void
html_findings(struct buf *b, json_t *r)
{
    json_t *f;
    size_t i;

    buf_puts(b, "<h2>Findings</h2>\n<ul>\n");
    if (json_array_size(json_object_get(r, "failures")) == 0)
        buf_puts(b, "<li>none: the client behaved as the case expects</li>\n");
    json_array_foreach(json_object_get(r, "failures"), i, f) {
        buf_puts(b, "<li>");
        buf_xml_escape(b, json_string_value(f), 0);
        buf_puts(b, "</li>\n");
    }
    buf_puts(b, "</ul>\n");
}

int
timeline_html(const char *path, json_t *r, const char *profile,
              const char *client, struct sf_err *err)
{
    struct buf b;
    FILE *fp;
    int rc = 0;

    buf_init(&b, PAGE_MAX);
    buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
                 "charset=\"UTF-8\"><title>sfconform replay: ");
    buf_xml_escape(&b, jstr(r, "id"), 0);
    buf_puts(&b, "</title><style>body{font-family:sans-serif;margin:2em;"
                 "max-width:60em}table{border-collapse:collapse}"
                 "td,th{border:1px solid #ccc;padding:2px 6px;"
                 "text-align:left}blockquote{background:#f4f4f4;"
                 "padding:6px;white-space:pre-wrap}</style></head><body>\n"
                 "<h1>");
    buf_xml_escape(&b, jstr(r, "id"), 0);
    buf_puts(&b, ": ");
    buf_xml_escape(&b, jstr(r, "title"), 0);
    buf_puts(&b, "</h1>\n");
    html_text(&b, "The ticket", jstr(r, "ticket"));
    html_sides(&b, r);
    buf_puts(&b, "<h2>Posts over simulated time</h2>\n");
    svg_chart(&b, r);
    html_totals(&b, r);
    html_findings(&b, r);
    html_text(&b, "Explanation", jstr(r, "explanation"));
    html_lost(&b, r);
    buf_puts(&b, "<p>verdict: ");
    buf_xml_escape(&b, jstr(r, "verdict"), 0);
    buf_puts(&b, "; profile: ");
    buf_xml_escape(&b, profile != NULL ? profile : "", 0);
    buf_puts(&b, "; client: <code>");
    buf_xml_escape(&b, client != NULL ? client : "", 0);
    buf_puts(&b, "</code></p>\n</body></html>\n");
    if ((fp = fopen(path, "w")) == NULL ||
        fwrite(b.data, 1, b.len, fp) != b.len) {
        err_set(err, "%s: %s", path, strerror(errno));
        rc = -1;
    }
    if (fp != NULL && fclose(fp) != 0 && rc == 0) {
        err_set(err, "%s: %s", path, strerror(errno));
        rc = -1;
    }
    buf_free(&b);
    return rc;
}
