/*
 * h_w2l.c - POST /servlet/servlet.WebToLead: the HTTP face of Web-to-Lead.
 *
 * Whatever happens to the lead, Salesforce answers 200 with a small HTML
 * page that redirects the browser to retURL. The only machine-readable
 * signal is the Is-Processed header, which carries an Exception marker when
 * the org id is missing or wrong. Everything else (the daily limit,
 * reCAPTCHA, rules) is silent here and visible only in the journal.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "form.h"
#include "handlers.h"
#include "journal.h"
#include "org.h"
#include "sfapi.h"
#include "sim.h"
#include "w2l.h"
#include "xmalloc.h"

#define IS_PROCESSED_OK "true"
#define IS_PROCESSED_EXCEPTION                                                 \
    "true Exception:common.exception.SalesforceGenericException"
#define DEFAULT_CHARSET "ISO-8859-1"

/* Escapes what could end an attribute or a script string; copies the runs
 * in between whole (this is on the path of every Web-to-Lead answer). */
static void
put_escaped(struct buf *b, const char *s)
{
    static const char special[] = "&<>\"'\\\r\n";

    while (*s != '\0') {
        size_t run = strcspn(s, special);

        buf_append(b, s, run);
        s += run;
        switch (*s) {
        case '\0': return;
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&#39;"); break;
        case '\\': buf_puts(b, "&#92;"); break;
        default: break; /* CR and LF are dropped */
        }
        s++;
    }
}

/* The redirect page, byte for byte as captured from Salesforce (facts 1.4). */
static void
redirect_page(struct buf *b, const char *url)
{
    buf_puts(b,
             "\r\n<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.0 "
             "Transitional//EN\">\n<html>\n<head>\n<meta HTTP-EQUIV=\"PRAGMA\" "
             "CONTENT=\"NO-CACHE\">\n<meta http-equiv=\"Refresh\" "
             "content=\"0; URL=");
    put_escaped(b, url);
    buf_puts(b, "\">\n</head>\n<script>if (this.SfdcApp && "
                "this.SfdcApp.projectOneNavigator) { "
                "SfdcApp.projectOneNavigator.handleRedirect('");
    put_escaped(b, url);
    buf_puts(b, "'); }  else if (window.location.replace){ "
                "window.location.replace('");
    put_escaped(b, url);
    buf_puts(b, "');} else {;window.location.href ='");
    put_escaped(b, url);
    buf_puts(b, "';} </script></html>\n");
}

/* debug=1: a page listing what was received (markup is our own). */
static void
debug_page(struct buf *b, const struct form *form)
{
    size_t i;

    buf_puts(b, "<html><head><title>Web-to-Lead debug</title></head><body>\n"
                "<p>Salesforce.com Web-to-Lead debug information</p>\n"
                "<table>\n");
    for (i = 0; i < form->n; i++) {
        buf_puts(b, "<tr><td>");
        put_escaped(b, form->fields[i].name);
        buf_puts(b, "</td><td>");
        put_escaped(b, form->fields[i].value);
        buf_puts(b, "</td></tr>\n");
    }
    buf_puts(b, "</table></body></html>\n");
}

static int
is_form(const struct sim_request *req)
{
    char media[128];

    request_media_type(req, media, sizeof(media));
    return strcmp(media, "application/x-www-form-urlencoded") == 0;
}

static enum form_charset
charset_of(const struct sim_request *req, json_t *info)
{
    const char *name = request_query(req, "encoding");
    enum form_charset cs = FORM_LATIN1;

    if (name == NULL)
        name = DEFAULT_CHARSET;
    else if (form_charset_parse(name, &cs) == -1)
        json_object_set_new(info, "unsupported_encoding", json_string(name));
    json_object_set_new(info, "charset",
                        json_string(cs == FORM_UTF8 ? "UTF-8" : "ISO-8859-1"));
    return cs;
}

static void
note_decoding(json_t *info, const struct form *form)
{
    if (form->malformed > 0)
        json_object_set_new(info, "malformed_params",
                            json_integer((json_int_t)form->malformed));
    if (form->replaced > 0)
        json_object_set_new(info, "replaced_bytes",
                            json_integer((json_int_t)form->replaced));
}

/*
 * More parameters than FORM_MAX_FIELDS: the post is refused whole, 400, as
 * a servlet container with a form-key limit refuses it (Jetty's default is
 * 1,000), rather than keeping the first ones and losing the rest (the oid
 * among them, perhaps) without a word.
 */
static void
too_many_params(const struct form *form, json_t *info,
                struct sim_response *resp)
{
    size_t total = form->n + form->overflow;

    buf_printf(&resp->body,
               "<html><head><title>Error 400 Bad Request</title></head>"
               "<body><h2>HTTP ERROR 400 Bad Request</h2>"
               "<p>Too many form parameters: %zu, more than %d.</p>"
               "</body></html>\n",
               total, FORM_MAX_FIELDS);
    resp->status = 400;
    resp->content_type = "text/html;charset=UTF-8";
    resp->verdict = VERDICT_REJECTED_TOO_MANY_PARAMS;
    resp->object = "Lead";
    response_detail(resp, "%zu form parameters, more than %d", total,
                    FORM_MAX_FIELDS);
    json_object_set_new(info, "params", json_integer((json_int_t)total));
    json_object_set_new(info, "params_limit", json_integer(FORM_MAX_FIELDS));
    response_info(resp, info);
}

void
h_w2l_post(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    struct form form;
    struct w2l_outcome out;
    json_t *info = json_object();
    const char *ret, *debug;
    enum form_charset cs = charset_of(req, info);
    int form_body = is_form(req);

    memset(&form, 0, sizeof(form));
    if (form_body)
        form_parse(req->body, req->body_len, cs, &form);
    if (form.overflow > 0) {
        too_many_params(&form, info, resp);
        form_free(&form);
        return;
    }
    note_decoding(info, &form);
    w2l_submit(sim, &form, journal_last_seq(sim->journal) + 1, &out);
    if (!form_body && out.verdict == VERDICT_REJECTED_BAD_OID)
        out.verdict = VERDICT_IGNORED_NOT_FORM;
    ret = form_get(&form, "retURL");
    if (ret == NULL || *ret == '\0')
        ret = sim->org->w2l.return_url;
    debug = form_get(&form, "debug");
    if (debug != NULL && strcmp(debug, "1") == 0)
        debug_page(&resp->body, &form);
    else
        redirect_page(&resp->body, ret);
    resp->status = 200;
    resp->content_type = "text/html;charset=UTF-8";
    response_header(resp, SFAPI_HDR_IS_PROCESSED,
                    out.bad_org ? IS_PROCESSED_EXCEPTION : IS_PROCESSED_OK);
    resp->verdict = out.verdict;
    resp->object = "Lead";
    memcpy(resp->record_id, out.record_id, sizeof(resp->record_id));
    if (out.detail != NULL)
        response_detail(resp, "%s", out.detail);
    json_object_update(info, out.info);
    response_info(resp, info);
    w2l_outcome_free(&out);
    form_free(&form);
}
