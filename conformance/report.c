/*
 * report.c - summary, JSON, JUnit, HTML and replay output (see report.h).
 */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "profile.h"
#include "timeline.h"
#include "timefmt.h"
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

static int
failed(json_t *r)
{
    return is(r, "fail") || is(r, "error");
}

int
report_is_blocking(json_t *result, int strict)
{
    const char *level = str(result, "level");

    if (!failed(result))
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
    if (m->scenario != NULL) {
        /* A replay reruns the scenario, by its directory. */
        buf_puts(&b, " replay ");
        put_quoted(&b, m->scenario);
        if (m->fix != NULL)
            buf_puts(&b, " --fix");
        if (m->client_given) {
            buf_puts(&b, " --client ");
            put_quoted(&b, m->client);
        }
        return buf_steal(&b, NULL);
    }
    if (m->suite != NULL) {
        buf_puts(&b, " --suite ");
        put_quoted(&b, m->suite);
    }
    if (m->profile != NULL &&
        strcmp(m->profile, profile_name(PROFILE_DEFAULT)) != 0) {
        buf_puts(&b, " --profile ");
        put_quoted(&b, m->profile);
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

/* --- counts ---------------------------------------------------------- */

struct counts {
    size_t cases, pass, failed, blocking, skip;
    json_int_t runs, passes, dropped;
};

static void
count(json_t *results, const struct report_meta *m, struct counts *c)
{
    json_t *r;
    size_t i;

    memset(c, 0, sizeof(*c));
    json_array_foreach(results, i, r) {
        c->cases++;
        c->pass += is(r, "pass");
        c->skip += is(r, "skip");
        c->failed += failed(r);
        c->blocking += (size_t)report_is_blocking(r, m->strict);
        c->dropped += num(r, "false_delivered");
        c->runs +=
            json_object_get(r, "repeat_runs") ? num(r, "repeat_runs") : 1;
        c->passes += json_object_get(r, "repeat_runs")
                         ? num(r, "repeat_passes")
                         : is(r, "pass") || is(r, "skip");
    }
}

/* --- text ------------------------------------------------------------ */

/* Writes text with every line indented by indent. */
static void
put_indented(FILE *fp, const char *indent, const char *text)
{
    const char *p = text, *nl;

    while (*p != '\0') {
        nl = strchr(p, '\n');
        fprintf(fp, "%s%.*s\n", indent,
                (int)(nl != NULL ? nl - p : (long)strlen(p)), p);
        p = nl != NULL ? nl + 1 : p + strlen(p);
    }
}

/* A failed case's reasons, the client's stderr and its rerun command. */
static void
failure_text(FILE *fp, json_t *r, const struct report_meta *m)
{
    json_t *f, *e;
    size_t i;
    char *cmd = report_rerun(m, r);

    json_array_foreach(json_object_get(r, "failures"), i, f) {
        if (i > 0)
            fprintf(fp, "      also: %s\n", json_string_value(f));
    }
    json_array_foreach(json_object_get(r, "client_stderr"), i, e) {
        fprintf(fp, "      client stderr, run %lld (exit %lld), last lines:\n",
                (long long)num(e, "run"), (long long)num(e, "exit"));
        put_indented(fp, "        | ", str(e, "tail"));
    }
    fprintf(fp, "      rerun: %s\n", cmd);
    free(cmd);
}

static void
case_line(FILE *fp, json_t *r)
{
    fprintf(fp, "%-5s %-6s %-48s %s", verdict_label(r), str(r, "level"),
            str(r, "id"), is(r, "pass") ? str(r, "title") : str(r, "reason"));
    if (num(r, "repeat_runs") > 1)
        fprintf(fp, " (%lld/%lld passed)", (long long)num(r, "repeat_passes"),
                (long long)num(r, "repeat_runs"));
    fputc('\n', fp);
}

void
report_summary(FILE *fp, json_t *results, const struct report_meta *m)
{
    struct counts c;
    json_t *r;
    size_t i;

    json_array_foreach(results, i, r) {
        case_line(fp, r);
        if (failed(r))
            failure_text(fp, r, m);
    }
    count(results, m, &c);
    if (m->repeat > 1)
        fprintf(fp,
                "sfconform: profile %s: %zu cases, %d runs each: %lld of "
                "%lld case runs passed; %zu cases failed at least once (%zu "
                "blocking); %.1f s\n",
                m->profile, c.cases, m->repeat, (long long)c.passes,
                (long long)c.runs, c.failed, c.blocking,
                (double)m->duration_ms / 1000.0);
    else
        fprintf(fp,
                "sfconform: profile %s: %zu cases: %zu passed, %zu failed "
                "(%zu blocking), %zu skipped; %lld leads the client called "
                "delivered were dropped or never stored; %.1f s\n",
                m->profile, c.cases, c.pass, c.failed, c.blocking, c.skip,
                (long long)c.dropped, (double)m->duration_ms / 1000.0);
}

void
report_pass(FILE *fp, json_t *results, int rep, const struct report_meta *m)
{
    struct counts c;
    json_t *r;
    size_t i;

    count(results, m, &c);
    fprintf(fp, "run %d/%d: %zu passed, %zu failed (%zu blocking)\n", rep,
            m->repeat, c.pass + c.skip, c.failed, c.blocking);
    json_array_foreach(results, i, r) {
        if (!failed(r))
            continue;
        case_line(fp, r);
        failure_text(fp, r, m);
    }
    fflush(fp);
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

/* --- JSON -------------------------------------------------------------- */

int
report_json(const char *path, json_t *results, const struct report_meta *m,
            struct sf_err *err)
{
    json_t *doc, *r, *cases = json_array();
    struct counts c;
    char *text, *cmd;
    size_t i;
    int rc;

    json_array_foreach(results, i, r) {
        json_t *one = json_deep_copy(r);

        json_object_del(one, "runs");
        cmd = report_rerun(m, r);
        json_object_set_new(one, "rerun", json_string(cmd));
        json_object_set_new(one, "blocking",
                            json_boolean(report_is_blocking(r, m->strict)));
        free(cmd);
        json_array_append_new(cases, one);
    }
    count(results, m, &c);
    doc = json_pack(
        "{s:s, s:s, s:s, s:b, s:i, s:I, s:{s:I, s:I, s:I, s:I, "
        "s:I, s:I, s:I, s:I}, s:o}",
        "client", m->client, "profile", m->profile, "suite",
        m->suite ? m->suite : "", "strict", m->strict, "repeat", m->repeat,
        "duration_ms", (json_int_t)m->duration_ms, "summary", "cases",
        (json_int_t)c.cases, "passed", (json_int_t)c.pass, "failed",
        (json_int_t)c.failed, "blocking", (json_int_t)c.blocking, "skipped",
        (json_int_t)c.skip, "false_delivered", c.dropped, "case_runs", c.runs,
        "case_runs_passed", c.passes, "cases", cases);
    text = json_dumps(doc, JSON_INDENT(2));
    rc = write_text(path, text, err);
    free(text);
    json_decref(doc);
    return rc;
}

/* --- JUnit -------------------------------------------------------------- */

/* A failed case as plain text: title, sentence, reasons, the client's
 * stderr, the rerun command (escaped for XML). */
static void
put_failure_body(struct buf *b, json_t *r, const struct report_meta *m)
{
    json_t *f, *e;
    size_t i;
    char *cmd = report_rerun(m, r);

    buf_xml_escape(b, str(r, "title"), 1);
    buf_puts(b, "\nchecks: ");
    buf_xml_escape(b, str(r, "checks"), 1);
    buf_puts(b, "\n");
    json_array_foreach(json_object_get(r, "failures"), i, f) {
        buf_xml_escape(b, json_string_value(f), 1);
        buf_puts(b, "\n");
    }
    json_array_foreach(json_object_get(r, "client_stderr"), i, e) {
        buf_printf(b, "client stderr, run %lld (exit %lld), last lines:\n",
                   (long long)num(e, "run"), (long long)num(e, "exit"));
        buf_xml_escape(b, str(e, "tail"), 1);
        buf_puts(b, "\n");
    }
    buf_puts(b, "rerun: ");
    buf_xml_escape(b, cmd, 1);
    free(cmd);
}

static void
junit_case(struct buf *b, json_t *r, const struct report_meta *m)
{
    buf_puts(b, "  <testcase classname=\"sfconform.");
    buf_xml_escape(b, str(r, "level"), 1);
    buf_puts(b, "\" name=\"");
    buf_xml_escape(b, str(r, "id"), 1);
    buf_printf(b, "\" time=\"%.3f\">\n",
               (double)num(r, "duration_ms") / 1000.0);
    if (is(r, "skip")) {
        buf_puts(b, "    <skipped message=\"");
        buf_xml_escape(b, str(r, "reason"), 1);
        buf_puts(b, "\"/>\n");
    } else if (report_is_blocking(r, m->strict)) {
        buf_puts(b, "    <failure message=\"");
        buf_xml_escape(b, str(r, "reason"), 1);
        buf_printf(b, "\" type=\"%s\">", is(r, "fail") ? "fail" : "error");
        put_failure_body(b, r, m);
        buf_puts(b, "</failure>\n");
    } else if (failed(r)) {
        /* Not blocking (a SHOULD without --strict): a finding, shown but
         * not red, as the exit status is 0. */
        buf_printf(b,
                   "    <system-out>%s not met (not blocking without "
                   "--strict): ",
                   str(r, "level"));
        put_failure_body(b, r, m);
        buf_puts(b, "</system-out>\n");
    }
    buf_puts(b, "  </testcase>\n");
}

int
report_junit(const char *path, json_t *results, const struct report_meta *m,
             struct sf_err *err)
{
    struct counts c;
    struct buf b;
    json_t *r;
    size_t i;
    int rc;

    count(results, m, &c);
    buf_init(&b, REPORT_MAX_TEXT);
    buf_printf(&b,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<testsuites>\n<testsuite name=\"sfconform\" tests=\"%zu\" "
               "failures=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n"
               "  <properties>\n    <property name=\"profile\" value=\"",
               c.cases, c.blocking, c.skip, (double)m->duration_ms / 1000.0);
    buf_xml_escape(&b, m->profile, 1);
    buf_puts(&b, "\"/>\n    <property name=\"client\" value=\"");
    buf_xml_escape(&b, m->client, 1);
    buf_printf(&b,
               "\"/>\n    <property name=\"strict\" value=\"%s\"/>\n"
               "  </properties>\n",
               m->strict ? "true" : "false");
    json_array_foreach(results, i, r)
        junit_case(&b, r, m);
    buf_puts(&b, "</testsuite>\n</testsuites>\n");
    rc = write_text(path, b.data, err);
    buf_free(&b);
    return rc;
}

/* --- HTML ------------------------------------------------------------ */

/* Appends the n bytes at s escaped, inside <tag>...</tag>. */
static void
put_tagged(struct buf *b, const char *tag, const char *s, size_t n)
{
    char *inner = xstrndup(s, n);

    buf_printf(b, "<%s>", tag);
    buf_xml_escape(b, inner, 1);
    buf_printf(b, "</%s>", tag);
    free(inner);
}

/*
 * Appends s escaped, with the two pieces of Markdown case texts use:
 * `code` and **strong** (an unclosed marker stays as written).
 */
static void
put_md(struct buf *b, const char *s)
{
    const char *end;
    char one[2] = {0, 0};

    while (*s != '\0') {
        if (s[0] == '`' && (end = strchr(s + 1, '`')) != NULL) {
            put_tagged(b, "code", s + 1, (size_t)(end - s - 1));
            s = end + 1;
        } else if (strncmp(s, "**", 2) == 0 &&
                   (end = strstr(s + 2, "**")) != NULL) {
            put_tagged(b, "strong", s + 2, (size_t)(end - s - 2));
            s = end + 2;
        } else {
            one[0] = *s++;
            buf_xml_escape(b, one, 1);
        }
    }
}

/* Failures first (blocking, then not), then passes, then skips. */
static int
rank(json_t *r, int strict)
{
    if (report_is_blocking(r, strict))
        return 0;
    if (failed(r))
        return 1;
    return is(r, "pass") ? 2 : 3;
}

/* The indices of results in report order (caller frees). */
static size_t *
report_order(json_t *results, int strict)
{
    size_t n = json_array_size(results),
           *order = xcalloc(n + 1, sizeof(*order));
    size_t k = 0, i;
    int rk;

    for (rk = 0; rk <= 3; rk++)
        for (i = 0; i < n; i++)
            if (rank(json_array_get(results, i), strict) == rk)
                order[k++] = i;
    return order;
}

static const char *
abs_time(json_int_t ms, char *out)
{
    if (ms <= 0) {
        snprintf(out, TIMEFMT_LEN, "-");
        return out;
    }
    return timefmt_rfc3339(ms, out);
}

/* One lead's attempts as table rows. */
static void
html_attempts(struct buf *b, const char *id, json_t *attempts, json_t *line)
{
    char when[TIMEFMT_LEN];
    json_t *a;
    size_t i;

    json_array_foreach(attempts, i, a) {
        buf_puts(b, "<tr><td>");
        buf_xml_escape(b, i == 0 ? id : "", 1);
        buf_printf(b,
                   "</td><td>%zu</td><td>%lld</td><td>%s</td><td>%lld</td>"
                   "<td>",
                   i + 1, (long long)num(a, "seq"),
                   abs_time(num(a, "time_ms"), when),
                   (long long)num(a, "status"));
        buf_xml_escape(b, str(a, "verdict"), 1);
        buf_puts(b, "</td><td>");
        buf_xml_escape(b, str(a, "detail"), 1);
        buf_puts(b, "</td><td>");
        if (i + 1 == json_array_size(attempts))
            buf_xml_escape(b, str(line, "outcome"), 1);
        buf_puts(b, "</td></tr>\n");
    }
    if (json_array_size(attempts) == 0) {
        buf_puts(b, "<tr><td>");
        buf_xml_escape(b, id, 1);
        buf_puts(b, "</td><td>0</td><td></td><td></td><td></td>"
                    "<td>never sent</td><td></td><td>");
        buf_xml_escape(b, str(line, "outcome"), 1);
        buf_puts(b, "</td></tr>\n");
    }
}

static void
html_other(struct buf *b, json_t *other)
{
    char when[TIMEFMT_LEN];
    json_t *a;
    size_t i;

    if (json_array_size(other) == 0)
        return;
    buf_puts(b, "<p>Requests that carried no lead (tokens, queries):</p>\n"
                "<table><tr><th>seq</th><th>simulated time</th><th>method"
                "</th><th>path</th><th>status</th><th>sim verdict</th></tr>\n");
    json_array_foreach(other, i, a) {
        buf_printf(b, "<tr><td>%lld</td><td>%s</td><td>",
                   (long long)num(a, "seq"), abs_time(num(a, "time_ms"), when));
        buf_xml_escape(b, str(a, "method"), 1);
        buf_puts(b, "</td><td>");
        buf_xml_escape(b, str(a, "path"), 1);
        buf_printf(b, "</td><td>%lld</td><td>", (long long)num(a, "status"));
        buf_xml_escape(b, str(a, "verdict"), 1);
        buf_puts(b, "</td></tr>\n");
    }
    buf_puts(b, "</table>\n");
}

/* A labelled paragraph with Markdown, when text is not empty. */
static void
html_para(struct buf *b, const char *label, const char *text)
{
    if (*text == '\0')
        return;
    buf_printf(b, "<p><b>%s</b> ", label);
    put_md(b, text);
    buf_puts(b, "</p>\n");
}

static void
html_case(struct buf *b, json_t *r, const struct report_meta *m)
{
    json_t *tl = json_object_get(r, "timeline"), *arr, *f, *e;
    const char *id;
    char *cmd;
    size_t i;

    buf_printf(b, "<details%s id=\"", failed(r) ? " open" : "");
    buf_xml_escape(b, str(r, "id"), 1);
    buf_printf(b, "\"><summary class=\"%s\">%s ", str(r, "verdict"),
               verdict_label(r));
    buf_xml_escape(b, str(r, "id"), 1);
    buf_puts(b, ": ");
    put_md(b, str(r, "title"));
    buf_puts(b, "</summary>\n");
    html_para(b, "The ticket:", str(r, "ticket"));
    html_para(b, "Checks:", str(r, "checks"));
    buf_puts(b, "<ul>");
    json_array_foreach(json_object_get(r, "failures"), i, f) {
        buf_puts(b, "<li>");
        buf_xml_escape(b, json_string_value(f), 1);
        buf_puts(b, "</li>");
    }
    buf_puts(b, "</ul>\n");
    json_array_foreach(json_object_get(r, "client_stderr"), i, e) {
        buf_printf(b,
                   "<p>client stderr, run %lld (exit %lld), last lines:"
                   "</p><pre>",
                   (long long)num(e, "run"), (long long)num(e, "exit"));
        buf_xml_escape(b, str(e, "tail"), 1);
        buf_puts(b, "</pre>\n");
    }
    html_para(b, "Explanation:", str(r, "explanation"));
    cmd = report_rerun(m, r);
    buf_puts(b, "<p>rerun:</p><pre>");
    buf_xml_escape(b, cmd, 1);
    free(cmd);
    buf_puts(b, "</pre>\n<table><tr><th>lead</th><th>attempt</th><th>seq</th>"
                "<th>simulated time</th><th>status</th><th>sim verdict</th>"
                "<th>detail</th><th>client outcome</th></tr>\n");
    json_object_foreach(tl, id, arr)
        html_attempts(b, id, arr,
                      json_object_get(json_object_get(r, "outcomes"), id));
    buf_puts(b, "</table>\n");
    html_other(b, json_object_get(r, "other_requests"));
    buf_puts(b, "</details>\n");
}

static void
html_row(struct buf *b, json_t *r)
{
    buf_puts(b, "<tr><td><a href=\"#");
    buf_xml_escape(b, str(r, "id"), 1);
    buf_puts(b, "\">");
    buf_xml_escape(b, str(r, "id"), 1);
    buf_puts(b, "</a></td><td>");
    buf_xml_escape(b, str(r, "level"), 1);
    buf_printf(b, "</td><td class=\"%s\">%s", str(r, "verdict"),
               verdict_label(r));
    if (num(r, "repeat_runs") > 1)
        buf_printf(b, " (%lld/%lld)", (long long)num(r, "repeat_passes"),
                   (long long)num(r, "repeat_runs"));
    buf_printf(b, "</td><td>%.2f s</td><td>",
               (double)num(r, "duration_ms") / 1000.0);
    put_md(b, str(r, "title"));
    if (failed(r)) {
        buf_puts(b, "<br><span class=\"fail\">");
        buf_xml_escape(b, str(r, "reason"), 1);
        buf_puts(b, "</span>");
    }
    buf_puts(b, "</td></tr>\n");
}

static void
html_head(struct buf *b, json_t *results, const struct report_meta *m)
{
    struct counts c;

    count(results, m, &c);
    buf_puts(b, "<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\">"
                "<title>sfconform report</title><style>"
                "body{font-family:sans-serif;margin:2em}"
                "table{border-collapse:collapse;margin:.5em 0}"
                "td,th{border:1px solid #ccc;padding:2px 6px;"
                "text-align:left;font-size:90%;vertical-align:top}"
                ".pass{color:#070}.fail,.error{color:#b00}.skip{color:#777}"
                "pre{background:#f4f4f4;padding:4px;white-space:pre-wrap}"
                "summary{cursor:pointer;margin:.3em 0}"
                "</style></head><body>\n<h1>sfconform</h1>\n<p>client: <code>");
    buf_xml_escape(b, m->client, 1);
    buf_puts(b, "</code><br>profile: <code>");
    buf_xml_escape(b, m->profile, 1);
    buf_printf(b, "</code>%s<br>", m->strict ? " (--strict)" : "");
    if (m->repeat > 1)
        buf_printf(b,
                   "%zu cases, %d runs each: %lld of %lld case runs "
                   "passed; ",
                   c.cases, m->repeat, (long long)c.passes, (long long)c.runs);
    buf_printf(b,
               "<b>%zu cases: <span class=\"pass\">%zu passed</span>, "
               "<span class=\"fail\">%zu failed (%zu blocking)</span>, "
               "<span class=\"skip\">%zu skipped</span></b>; %lld leads "
               "reported delivered were dropped or never stored; %.1f s</p>\n",
               c.cases, c.pass, c.failed, c.blocking, c.skip,
               (long long)c.dropped, (double)m->duration_ms / 1000.0);
}

int
report_html(const char *path, json_t *results, const struct report_meta *m,
            struct sf_err *err)
{
    size_t i, n = json_array_size(results), *order;
    struct buf b;
    int rc;

    buf_init(&b, REPORT_MAX_TEXT);
    html_head(&b, results, m);
    order = report_order(results, m->strict);
    buf_puts(&b, "<table><tr><th>case</th><th>level</th><th>verdict</th>"
                 "<th>real time</th><th>title</th></tr>\n");
    for (i = 0; i < n; i++)
        html_row(&b, json_array_get(results, order[i]));
    buf_puts(&b, "</table>\n<h2>Cases</h2>\n");
    for (i = 0; i < n; i++)
        html_case(&b, json_array_get(results, order[i]), m);
    buf_puts(&b, "</body></html>\n");
    rc = write_text(path, b.data, err);
    buf_free(&b);
    free(order);
    return rc;
}

/* --- replay ---------------------------------------------------------- */

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

/* The lead's outcome in each client run, "held (run 2), then delivered
 * (run 3)", into b; only the outcome when there was one run. */
static void
outcomes_by_run(struct buf *b, json_t *r, const char *id)
{
    json_t *runs = json_object_get(r, "runs"), *run, *line;
    size_t i, j, n = 0;

    json_array_foreach(runs, i, run) {
        json_array_foreach(json_object_get(run, "outcomes"), j, line) {
            if (strcmp(str(line, "lead_id"), id) != 0)
                continue;
            buf_printf(b, "%s%s (%lld attempt%s reported",
                       n++ > 0 ? ", then " : "", str(line, "outcome"),
                       (long long)num(line, "attempts"),
                       num(line, "attempts") == 1 ? "" : "s");
            if (json_array_size(runs) > 1)
                buf_printf(b, ", run %lld", (long long)num(run, "step"));
            buf_puts(b, ")");
        }
    }
    if (n == 0)
        buf_puts(b, "none");
}

/* The time of the first request, lead or not (0: none). */
static json_int_t
first_time(json_t *r)
{
    json_t *tl = json_object_get(r, "timeline"), *arr;
    json_t *other = json_object_get(r, "other_requests");
    json_int_t t0 = num(json_array_get(other, 0), "time_ms");
    const char *id;

    json_object_foreach(tl, id, arr) {
        json_int_t t = num(json_array_get(arr, 0), "time_ms");

        if (t != 0 && (t0 == 0 || t < t0))
            t0 = t;
    }
    return t0;
}

static void
replay_attempt(FILE *fp, size_t i, json_t *a, json_int_t t0)
{
    char when[TIMEFMT_LEN], off[48];

    fprintf(fp, "    #%-2zu %s %-17s %-4lld %s%s%s\n", i + 1,
            abs_time(num(a, "time_ms"), when),
            offset_str(num(a, "time_ms") - t0, off, sizeof(off)),
            (long long)num(a, "status"), str(a, "verdict"),
            *str(a, "detail") != '\0' ? "  " : "", str(a, "detail"));
}

/* Adds one to tally[key]. */
static void
tally_add(json_t *tally, const char *key)
{
    json_object_set_new(tally, key, json_integer(num(tally, key) + 1));
}

/* "N what: a x, b y" of a tally (insertion order), to fp. */
static void
print_tally(FILE *fp, const char *what, json_int_t total, json_t *tally)
{
    const char *k;
    json_t *v;
    int first = 1;

    fprintf(fp, "  %lld %s", (long long)total, what);
    json_object_foreach(tally, k, v) {
        fprintf(fp, "%s%lld %s", first ? ": " : ", ",
                (long long)json_integer_value(v), k);
        first = 0;
    }
    fputc('\n', fp);
}

/* Totals per sim verdict (lead requests, others) and per outcome. */
static void
replay_totals(FILE *fp, json_t *r)
{
    json_t *leads = json_object(), *other = json_object(), *oc = json_object();
    json_t *arr, *a, *line;
    json_int_t nl = 0, no = 0, nc = 0;
    const char *id;
    size_t i;

    json_object_foreach(json_object_get(r, "timeline"), id, arr) {
        json_array_foreach(arr, i, a) {
            tally_add(leads, str(a, "verdict"));
            nl++;
        }
        line = json_object_get(json_object_get(r, "outcomes"), id);
        tally_add(oc, line != NULL ? str(line, "outcome") : "no outcome");
        nc++;
    }
    json_array_foreach(json_object_get(r, "other_requests"), i, a) {
        tally_add(other, str(a, "verdict"));
        no++;
    }
    fprintf(fp, "\nTotals:\n");
    print_tally(fp, "requests carrying a lead", nl, leads);
    print_tally(fp, "other requests", no, other);
    print_tally(fp, "leads, by the client's last outcome", nc, oc);
    json_decref(leads);
    json_decref(other);
    json_decref(oc);
}

static void
replay_other(FILE *fp, json_t *other, json_int_t t0)
{
    char when[TIMEFMT_LEN], off[48];
    json_t *a;
    size_t i;

    if (json_array_size(other) > 0)
        fprintf(fp, "\n  Requests that carried no lead (tokens, queries):\n");
    json_array_foreach(other, i, a) {
        fprintf(fp, "    %s %-17s %-6s %-28s %-4lld %s\n",
                abs_time(num(a, "time_ms"), when),
                offset_str(num(a, "time_ms") - t0, off, sizeof(off)),
                str(a, "method"), str(a, "path"), (long long)num(a, "status"),
                str(a, "verdict"));
    }
}

void
report_replay(FILE *fp, json_t *r, const struct report_meta *m)
{
    json_t *tl = json_object_get(r, "timeline"), *arr, *a, *f;
    json_int_t t0 = first_time(r);
    struct buf b;
    const char *id;
    char *cmd;
    size_t i;

    fprintf(fp, "scenario %s: %s\n", str(r, "id"), str(r, "title"));
    if (*str(r, "ticket") != '\0') {
        fprintf(fp, "\nThe ticket:\n");
        print_wrapped(fp, "  > ", "  > ", str(r, "ticket"));
    }
    fprintf(fp, "\nWhat happened, lead by lead (simulated time, and since "
                "the first request):\n");
    json_object_foreach(tl, id, arr) {
        buf_init(&b, 64 * 1024);
        outcomes_by_run(&b, r, id);
        fprintf(fp, "\n  %s  client outcome: %s\n", id,
                b.data != NULL ? b.data : "none");
        buf_free(&b);
        if (json_array_size(arr) == 0)
            fprintf(fp, "    never sent\n");
        json_array_foreach(arr, i, a)
            replay_attempt(fp, i, a, t0);
    }
    replay_other(fp, json_object_get(r, "other_requests"), t0);
    replay_totals(fp, r);
    timeline_counts(fp, r);
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
    fprintf(fp, "\nverdict: %s   profile: %s   client: %s\n", verdict_label(r),
            m->profile, m->client);
    if (m->fix != NULL)
        fprintf(fp, "with the corrected files of %s\n", m->fix);
    cmd = report_rerun(m, r);
    fprintf(fp, "rerun: %s\n", cmd);
    free(cmd);
}
