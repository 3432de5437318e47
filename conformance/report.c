/*
 * report.c - summary, JSON, JUnit, HTML and replay output (see report.h).
 */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

#define REPORT_MAX_TEXT (256 * 1024 * 1024)

static const char *
str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s != NULL ? s : "";
}

static json_int_t
num(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static int
is(json_t *r, const char *verdict)
{
    return strcmp(str(r, "verdict"), verdict) == 0;
}

int
report_is_blocking(json_t *result, int strict)
{
    const char *level = str(result, "level");

    if (!is(result, "fail") && !is(result, "error"))
        return 0;
    return strcmp(level, "MUST") == 0 ||
           (strict && strcmp(level, "SHOULD") == 0);
}

/* Appends s single-quoted for /bin/sh. */
static void
put_quoted(struct buf *b, const char *s)
{
    buf_putc(b, '\'');
    for (; *s != '\0'; s++) {
        if (*s == '\'')
            buf_puts(b, "'\\''");
        else
            buf_putc(b, *s);
    }
    buf_putc(b, '\'');
}

char *
report_rerun(const struct report_meta *m, json_t *result)
{
    struct buf b;

    buf_init(&b, 64 * 1024);
    buf_puts(&b, m->argv0);
    if (m->suite != NULL) {
        buf_puts(&b, " --suite ");
        put_quoted(&b, m->suite);
    }
    buf_puts(&b, " --only ");
    put_quoted(&b, str(result, "id"));
    buf_puts(&b, " --client ");
    put_quoted(&b, m->client);
    return buf_steal(&b, NULL);
}

static const char *
verdict_label(json_t *r)
{
    return is(r, "pass")   ? "PASS"
           : is(r, "fail") ? "FAIL"
           : is(r, "skip") ? "SKIP"
                           : "ERROR";
}

void
report_summary(FILE *fp, json_t *results, const struct report_meta *m)
{
    size_t i, pass = 0, failed = 0, blocking = 0, skip = 0;
    json_int_t dropped = 0;
    json_t *r;
    char *cmd;

    json_array_foreach(results, i, r) {
        fprintf(fp, "%-5s %-6s %-48s %s\n", verdict_label(r), str(r, "level"),
                str(r, "id"),
                is(r, "pass") ? str(r, "title") : str(r, "reason"));
        dropped += num(r, "false_delivered");
        if (is(r, "pass")) {
            pass++;
        } else if (is(r, "skip")) {
            skip++;
        } else {
            failed++;
            blocking += (size_t)report_is_blocking(r, m->strict);
            cmd = report_rerun(m, r);
            fprintf(fp, "      rerun: %s\n", cmd);
            free(cmd);
        }
    }
    fprintf(fp,
            "sfconform: %zu cases: %zu passed, %zu failed (%zu blocking), "
            "%zu skipped; %lld leads the client called delivered were "
            "dropped or never stored; %.1f s\n",
            json_array_size(results), pass, failed, blocking, skip,
            (long long)dropped, (double)m->duration_ms / 1000.0);
}

static int
write_text(const char *path, const char *text, struct sf_err *err)
{
    FILE *fp = fopen(path, "w");

    if (fp == NULL) {
        err_set(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    fputs(text, fp);
    if (fclose(fp) == EOF) {
        err_set(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int
report_json(const char *path, json_t *results, const struct report_meta *m,
            struct sf_err *err)
{
    json_t *doc, *r, *cases = json_array();
    size_t i, failed = 0, blocking = 0;
    json_int_t dropped = 0;
    char *text, *cmd;
    int rc;

    json_array_foreach(results, i, r) {
        json_t *c = json_deep_copy(r);

        json_object_del(c, "runs");
        cmd = report_rerun(m, r);
        json_object_set_new(c, "rerun", json_string(cmd));
        free(cmd);
        json_array_append_new(cases, c);
        failed += is(r, "fail") || is(r, "error");
        blocking += (size_t)report_is_blocking(r, m->strict);
        dropped += num(r, "false_delivered");
    }
    doc = json_pack("{s:s, s:s, s:b, s:I, s:{s:I, s:I, s:I, s:I}, s:o}",
                    "client", m->client, "suite", m->suite ? m->suite : "",
                    "strict", m->strict, "duration_ms",
                    (json_int_t)m->duration_ms, "summary", "cases",
                    (json_int_t)json_array_size(results), "failed",
                    (json_int_t)failed, "blocking", (json_int_t)blocking,
                    "false_delivered", dropped, "cases", cases);
    text = json_dumps(doc, JSON_INDENT(2));
    rc = write_text(path, text, err);
    free(text);
    json_decref(doc);
    return rc;
}

/* Appends s with &, <, >, " and ' escaped (XML and HTML alike). */
static void
put_escaped(struct buf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&#39;"); break;
        default: buf_putc(b, *s);
        }
    }
}

int
report_junit(const char *path, json_t *results, const struct report_meta *m,
             struct sf_err *err)
{
    size_t i, j, failures = 0, skipped = 0;
    struct buf b;
    json_t *r, *f;
    char *cmd;
    int rc;

    json_array_foreach(results, i, r) {
        failures += is(r, "fail") || is(r, "error");
        skipped += is(r, "skip");
    }
    buf_init(&b, REPORT_MAX_TEXT);
    buf_printf(&b,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<testsuites>\n<testsuite name=\"sfconform\" tests=\"%zu\" "
               "failures=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
               json_array_size(results), failures, skipped,
               (double)m->duration_ms / 1000.0);
    json_array_foreach(results, i, r) {
        buf_puts(&b, "  <testcase classname=\"sfconform.");
        put_escaped(&b, str(r, "level"));
        buf_puts(&b, "\" name=\"");
        put_escaped(&b, str(r, "id"));
        buf_printf(&b, "\" time=\"%.3f\">\n",
                   (double)num(r, "duration_ms") / 1000.0);
        if (is(r, "skip")) {
            buf_puts(&b, "    <skipped message=\"");
            put_escaped(&b, str(r, "reason"));
            buf_puts(&b, "\"/>\n");
        } else if (!is(r, "pass")) {
            cmd = report_rerun(m, r);
            buf_puts(&b, "    <failure message=\"");
            put_escaped(&b, str(r, "reason"));
            buf_puts(&b, " | rerun: ");
            put_escaped(&b, cmd);
            buf_printf(&b, "\" type=\"%s\">", is(r, "fail") ? "fail" : "error");
            put_escaped(&b, str(r, "title"));
            buf_puts(&b, "\nchecks: ");
            put_escaped(&b, str(r, "checks"));
            buf_puts(&b, "\n");
            json_array_foreach(json_object_get(r, "failures"), j, f) {
                put_escaped(&b, json_string_value(f));
                buf_puts(&b, "\n");
            }
            buf_puts(&b, "rerun: ");
            put_escaped(&b, cmd);
            buf_puts(&b, "</failure>\n");
            free(cmd);
        }
        buf_puts(&b, "  </testcase>\n");
    }
    buf_puts(&b, "</testsuite>\n</testsuites>\n");
    rc = write_text(path, b.data, err);
    buf_free(&b);
    return rc;
}

/* One lead's attempts as table rows, times relative to t0. */
static void
html_attempts(struct buf *b, const char *id, json_t *attempts, json_t *line,
              json_int_t t0)
{
    json_t *a;
    size_t i;

    json_array_foreach(attempts, i, a) {
        buf_puts(b, "<tr><td>");
        put_escaped(b, i == 0 ? id : "");
        buf_printf(b, "</td><td>%zu</td><td>+%.3f s</td><td>%lld</td><td>",
                   i + 1, (double)(num(a, "time_ms") - t0) / 1000.0,
                   (long long)num(a, "status"));
        put_escaped(b, str(a, "verdict"));
        buf_puts(b, "</td><td>");
        put_escaped(b, str(a, "detail"));
        buf_puts(b, "</td><td>");
        if (i + 1 == json_array_size(attempts))
            put_escaped(b, str(line, "outcome"));
        buf_puts(b, "</td></tr>\n");
    }
    if (json_array_size(attempts) == 0) {
        buf_puts(b, "<tr><td>");
        put_escaped(b, id);
        buf_puts(b, "</td><td>0</td><td></td><td></td><td>never sent</td>"
                    "<td></td><td>");
        put_escaped(b, str(line, "outcome"));
        buf_puts(b, "</td></tr>\n");
    }
}

static json_int_t
first_time(json_t *timeline)
{
    json_int_t t0 = 0;
    const char *id;
    json_t *arr;

    json_object_foreach(timeline, id, arr) {
        json_int_t t = num(json_array_get(arr, 0), "time_ms");

        if (t != 0 && (t0 == 0 || t < t0))
            t0 = t;
    }
    return t0;
}

static void
html_case(struct buf *b, json_t *r, const struct report_meta *m)
{
    json_t *tl = json_object_get(r, "timeline"), *arr, *f;
    json_int_t t0 = first_time(tl);
    const char *id;
    char *cmd;
    size_t i;

    buf_puts(b, "<details id=\"");
    put_escaped(b, str(r, "id"));
    buf_puts(b, "\"><summary>");
    put_escaped(b, str(r, "id"));
    buf_puts(b, "</summary>\n<p>");
    put_escaped(b, str(r, "checks"));
    buf_puts(b, "</p>\n<ul>");
    json_array_foreach(json_object_get(r, "failures"), i, f) {
        buf_puts(b, "<li>");
        put_escaped(b, json_string_value(f));
        buf_puts(b, "</li>");
    }
    buf_puts(b, "</ul>\n<pre>");
    cmd = report_rerun(m, r);
    put_escaped(b, cmd);
    free(cmd);
    buf_puts(b, "</pre>\n<table><tr><th>lead</th><th>attempt</th>"
                "<th>simulated time</th><th>status</th><th>sim verdict</th>"
                "<th>detail</th><th>client outcome</th></tr>\n");
    json_object_foreach(tl, id, arr)
        html_attempts(b, id, arr,
                      json_object_get(json_object_get(r, "outcomes"), id), t0);
    buf_puts(b, "</table></details>\n");
}

int
report_html(const char *path, json_t *results, const struct report_meta *m,
            struct sf_err *err)
{
    struct buf b;
    json_t *r;
    size_t i;
    int rc;

    buf_init(&b, REPORT_MAX_TEXT);
    buf_puts(&b,
             "<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\">"
             "<title>sfconform report</title><style>"
             "body{font-family:sans-serif;margin:2em}"
             "table{border-collapse:collapse;margin:.5em 0}"
             "td,th{border:1px solid #ccc;padding:2px 6px;"
             "text-align:left;font-size:90%}"
             ".pass{color:#070}.fail,.error{color:#b00}.skip{color:#777}"
             "pre{background:#f4f4f4;padding:4px;white-space:pre-wrap}"
             "</style></head><body>\n<h1>sfconform</h1>\n<p>client: <code>");
    put_escaped(&b, m->client);
    buf_printf(&b,
               "</code>; %zu cases; %.1f s</p>\n<table><tr><th>case</th>"
               "<th>level</th><th>verdict</th><th>reason</th></tr>\n",
               json_array_size(results), (double)m->duration_ms / 1000.0);
    json_array_foreach(results, i, r) {
        buf_puts(&b, "<tr><td><a href=\"#");
        put_escaped(&b, str(r, "id"));
        buf_puts(&b, "\">");
        put_escaped(&b, str(r, "id"));
        buf_puts(&b, "</a></td><td>");
        put_escaped(&b, str(r, "level"));
        buf_printf(&b, "</td><td class=\"%s\">%s</td><td>", str(r, "verdict"),
                   verdict_label(r));
        put_escaped(&b, is(r, "pass") ? str(r, "title") : str(r, "reason"));
        buf_puts(&b, "</td></tr>\n");
    }
    buf_puts(&b, "</table>\n<h2>Timelines</h2>\n");
    json_array_foreach(results, i, r)
        html_case(&b, r, m);
    buf_puts(&b, "</body></html>\n");
    rc = write_text(path, b.data, err);
    buf_free(&b);
    return rc;
}

/* Wraps text at about 76 columns with an indent. */
static void
print_wrapped(FILE *fp, const char *first, const char *indent, const char *text)
{
    size_t col = 0, w;
    const char *p = text;

    fputs(first, fp);
    while (*p != '\0') {
        w = strcspn(p, " \n");
        if (col > 0 && col + w > 76) {
            fprintf(fp, "\n%s", indent);
            col = 0;
        }
        fwrite(p, 1, w, fp);
        col += w;
        p += w;
        if (*p == '\n') {
            fprintf(fp, "\n%s", indent);
            col = 0;
            p++;
        } else if (*p == ' ') {
            if (col > 0) {
                fputc(' ', fp);
                col++;
            }
            p++;
        }
    }
    fputc('\n', fp);
}

/* "+[Nd ]HH:MM:SS.mmm" of ms after the start, into out. */
static const char *
offset_str(json_int_t ms, char *out, size_t n)
{
    long long d, h, m, sec, rest = ms < 0 ? 0 : (long long)ms;

    d = rest / 86400000;
    rest %= 86400000;
    h = rest / 3600000;
    rest %= 3600000;
    m = rest / 60000;
    rest %= 60000;
    sec = rest / 1000;
    rest %= 1000;
    if (d > 0)
        snprintf(out, n, "+%lldd %02lld:%02lld:%02lld.%03lld", d, h, m, sec,
                 rest);
    else
        snprintf(out, n, "+%02lld:%02lld:%02lld.%03lld", h, m, sec, rest);
    return out;
}

/* The lead's outcome in each client run, "held (run 2), delivered
 * (run 3)", into b; only the outcome when there was one run. */
static void
outcomes_by_run(struct buf *b, json_t *r, const char *id)
{
    json_t *runs = json_object_get(r, "runs"), *run, *line;
    size_t i, j, n = 0;
    char one[96];

    json_array_foreach(runs, i, run) {
        json_array_foreach(json_object_get(run, "outcomes"), j, line) {
            if (strcmp(str(line, "lead_id"), id) != 0)
                continue;
            snprintf(one, sizeof(one), "%s%s (%lld attempt%s reported",
                     n++ > 0 ? ", then " : "", str(line, "outcome"),
                     (long long)num(line, "attempts"),
                     num(line, "attempts") == 1 ? "" : "s");
            buf_puts(b, one);
            if (json_array_size(runs) > 1) {
                snprintf(one, sizeof(one), ", run %lld",
                         (long long)num(run, "step"));
                buf_puts(b, one);
            }
            buf_puts(b, ")");
        }
    }
    if (n == 0)
        buf_puts(b, "none");
}

static void
replay_attempt(FILE *fp, size_t i, json_t *a, json_int_t t0)
{
    char when[48];

    fprintf(fp, "    #%-2zu %-18s %-4lld %-20s %s\n", i + 1,
            offset_str(num(a, "time_ms") - t0, when, sizeof(when)),
            (long long)num(a, "status"), str(a, "verdict"), str(a, "detail"));
}

void
report_replay(FILE *fp, json_t *r, const struct report_meta *m)
{
    json_t *tl = json_object_get(r, "timeline"), *arr, *a, *f;
    json_t *other = json_object_get(r, "other_requests");
    json_int_t t0 = first_time(tl);
    char when[48];
    struct buf b;
    const char *id;
    size_t i;

    if (json_array_size(other) > 0 &&
        (t0 == 0 || num(json_array_get(other, 0), "time_ms") < t0))
        t0 = num(json_array_get(other, 0), "time_ms");
    fprintf(fp, "scenario %s: %s\n", str(r, "id"), str(r, "title"));
    if (*str(r, "ticket") != '\0') {
        fprintf(fp, "\nThe ticket:\n");
        print_wrapped(fp, "  > ", "  > ", str(r, "ticket"));
    }
    fprintf(fp, "\nWhat happened, lead by lead (simulated time from the "
                "first request):\n");
    json_object_foreach(tl, id, arr) {
        buf_init(&b, 4096);
        outcomes_by_run(&b, r, id);
        fprintf(fp, "\n  %s  client outcome: %s\n", id,
                b.data != NULL ? b.data : "none");
        buf_free(&b);
        if (json_array_size(arr) == 0)
            fprintf(fp, "    never sent\n");
        json_array_foreach(arr, i, a)
            replay_attempt(fp, i, a, t0);
    }
    if (json_array_size(other) > 0)
        fprintf(fp, "\n  Requests that carried no lead (tokens, queries):\n");
    json_array_foreach(other, i, a) {
        fprintf(fp, "    %-22s %-6s %-28s %-4lld %s\n",
                offset_str(num(a, "time_ms") - t0, when, sizeof(when)),
                str(a, "method"), str(a, "path"), (long long)num(a, "status"),
                str(a, "verdict"));
    }
    fprintf(fp, "\nFindings:\n");
    if (json_array_size(json_object_get(r, "failures")) == 0)
        fprintf(fp, "  none: the client behaved as the case expects\n");
    json_array_foreach(json_object_get(r, "failures"), i, f)
        print_wrapped(fp, "  - ", "    ", json_string_value(f));
    if (num(r, "false_delivered") > 0)
        fprintf(fp, "  %lld leads reported delivered were not stored\n",
                (long long)num(r, "false_delivered"));
    if (*str(r, "explanation") != '\0') {
        fprintf(fp, "\nExplanation:\n");
        print_wrapped(fp, "  ", "  ", str(r, "explanation"));
    }
    fprintf(fp, "\nverdict: %s   client: %s\n", verdict_label(r), m->client);
    if (m->fix != NULL)
        fprintf(fp, "with the corrected files of %s\n", m->fix);
}
