/*
 * h_soap.c - the SOAP partner API's login() (facts section 5): POST
 * /services/Soap/u/NN.N (or the serverUrl it hands out, .../NN.N/orgId),
 * whatever the SOAPAction.
 *
 * Success is Salesforce's loginResponse, element for element: the
 * sessionId is an ordinary session (a Bearer token on REST), the server
 * URLs use the scheme and host the client used. Refusals are the faults
 * Salesforce sends, HTTP 500 with the sf: prefix that clients read by
 * name. A body that is not a SOAP call (malformed or hostile XML, another
 * operation) gets a soapenv:Client fault that says what is wrong.
 * convertLead() and undelete() are soapdata.h's; other SOAP operations are
 * not simulated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "org.h"
#include "sfapi.h"
#include "schema.h"
#include "sim.h"
#include "soap.h"
#include "soapdata.h"
#include "sobject.h"
#include "store.h"
#include "xmalloc.h"
#include "xmlread.h"

/* login() is gone from this version on (facts 5.4). */
#define SOAP_LOGIN_LAST_VERSION 64
#define SOAP_ANSWER_MAX (64 * 1024)
#define SOAP_FIELD_TEXT_MAX 64

enum login_refusal {
    LOGIN_INVALID,
    LOGIN_NEEDS_TOKEN,
    LOGIN_API_USER,
    LOGIN_API_ORG,
};

/* Salesforce's LoginFault codes and texts. */
static const struct {
    const char *code, *message;
} login_faults[] = {
    [LOGIN_INVALID] = {"INVALID_LOGIN", "Invalid username, password, security "
                                        "token; or user locked out."},
    [LOGIN_NEEDS_TOKEN] = {"LOGIN_MUST_USE_SECURITY_TOKEN",
                           "Invalid username, password, security token; or "
                           "user locked out. Are you at a new location? When "
                           "accessing Salesforce--either via a desktop client "
                           "or the API--from outside of your company\xe2\x80"
                           "\x99s trusted networks, you must add a security "
                           "token to your password to log in. To get your new "
                           "security token, log into Salesforce. From your "
                           "personal settings, enter Reset My Security Token "
                           "in the Quick Find box, then select Reset My "
                           "Security Token."},
    [LOGIN_API_USER] = {"API_CURRENTLY_DISABLED",
                        "API is disabled for this User"},
    [LOGIN_API_ORG] = {"API_DISABLED_FOR_ORG",
                       "API is not enabled for this Organization or Partner"},
};

/* The session's client: SOAP logins go through no connected app. */
static const struct org_app soap_app = {
    .name = (char *)"SOAP API login",
    .client_id = (char *)"SOAP",
    .client_secret = (char *)"",
};

static void
soap_answer(struct sim_response *resp, int status, struct buf *xml)
{
    resp->status = status;
    resp->content_type = "text/xml; charset=utf-8";
    buf_append(&resp->body, xml->data, xml->len);
    buf_free(xml);
}

/* A fault with an sf: code: "CODE: message", detail of detail_type. */
static void
sf_fault(struct sim_response *resp, const char *detail_type, const char *code,
         const char *message, enum verdict verdict)
{
    char faultcode[80];
    char *faultstring = xasprintf("%s: %s", code, message);
    struct buf xml;

    snprintf(faultcode, sizeof(faultcode), "sf:%s", code);
    buf_init(&xml, SOAP_ANSWER_MAX);
    soap_fault(&xml, faultcode, faultstring, detail_type, code, message);
    soap_answer(resp, 500, &xml);
    resp->verdict = verdict;
    response_detail(resp, "%s", code);
    free(faultstring);
}

/* A message the sim cannot read as a call it answers. */
static void
client_fault(struct sim_response *resp, const char *why)
{
    struct buf xml;

    buf_init(&xml, SOAP_ANSWER_MAX);
    soap_fault(&xml, "soapenv:Client", why, NULL, NULL, NULL);
    soap_answer(resp, 500, &xml);
    resp->verdict = VERDICT_ERROR;
    response_detail(resp, "SOAP: %s", why);
}

/* "NN.N" from the path into *version; -1 when it is no version served. */
static int
soap_version(const char *s, int *version)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (end == s || end[0] != '.' || end[1] != '0' || end[2] != '\0' ||
        v < SFAPI_VERSION_MIN || v > SFAPI_VERSION_LATEST)
        return -1;
    *version = (int)v;
    return 0;
}

/* Who logs in, or why not (into *why); NULL after a refusal. */
static const struct org_user *
login_user(struct sim *sim, const struct soap_doc *call,
           enum login_refusal *why)
{
    const char *username = soap_doc_arg(call, "username");
    const char *password = soap_doc_arg(call, "password");
    const struct org_user *u =
        username != NULL ? org_user_find(sim->org, username) : NULL;
    enum org_password pw;

    *why = LOGIN_INVALID;
    if (u == NULL || password == NULL || !u->active)
        return NULL;
    if ((pw = org_user_password(u, password)) != ORG_PASSWORD_OK) {
        *why = pw == ORG_PASSWORD_NO_TOKEN ? LOGIN_NEEDS_TOKEN : LOGIN_INVALID;
        return NULL;
    }
    if (!sim->org->api_enabled) {
        *why = LOGIN_API_ORG;
        return NULL;
    }
    if (!u->api_enabled) {
        *why = LOGIN_API_USER;
        return NULL;
    }
    return u;
}

/* userInfo's children, in Salesforce's (alphabetical) order. */
enum info_from {
    INFO_FALSE,
    INFO_NIL,
    INFO_TEXT, /* the fixed text */
    INFO_PERSON_ACCTS,
    INFO_ORG_ID,
    INFO_ORG_NAME,
    INFO_PROFILE_ID,
    INFO_SESSION_SECS,
    INFO_EMAIL,
    INFO_FULL_NAME,
    INFO_USER_ID,
    INFO_USERNAME,
};

static const struct {
    const char *name;
    enum info_from from;
    const char *text;
} user_info[] = {
    {"accessibilityMode", INFO_FALSE, NULL},
    {"chatterExternal", INFO_FALSE, NULL},
    {"currencySymbol", INFO_TEXT, "$"},
    {"orgAttachmentFileSizeLimit", INFO_TEXT, "26214400"},
    {"orgDefaultCurrencyIsoCode", INFO_TEXT, "USD"},
    {"orgDefaultCurrencyLocale", INFO_TEXT, "en_US"},
    {"orgDisallowHtmlAttachments", INFO_FALSE, NULL},
    {"orgHasPersonAccounts", INFO_PERSON_ACCTS, NULL},
    {"organizationId", INFO_ORG_ID, NULL},
    {"organizationMultiCurrency", INFO_FALSE, NULL},
    {"organizationName", INFO_ORG_NAME, NULL},
    {"profileId", INFO_PROFILE_ID, NULL},
    {"roleId", INFO_NIL, NULL},
    {"sessionSecondsValid", INFO_SESSION_SECS, NULL},
    {"userDefaultCurrencyIsoCode", INFO_NIL, NULL},
    {"userEmail", INFO_EMAIL, NULL},
    {"userFullName", INFO_FULL_NAME, NULL},
    {"userId", INFO_USER_ID, NULL},
    {"userLanguage", INFO_TEXT, "en_US"},
    {"userLocale", INFO_TEXT, "en_US"},
    {"userName", INFO_USERNAME, NULL},
    {"userTimeZone", INFO_TEXT, "America/Los_Angeles"},
    {"userType", INFO_TEXT, "Standard"},
    {"userUiSkin", INFO_TEXT, "Theme3"},
};

/* The 18-character ProfileId of u's User record (orgrecords.h), into id
 * (SFID_LEN18 + 1 bytes); "" when there is none. */
static const char *
user_profile_id(struct sim *sim, const struct org_user *u, char *id)
{
    const struct object_def *obj = schema_object(sim->schema, "User");
    const struct field_def *f =
        obj != NULL ? schema_field(obj, "ProfileId") : NULL;
    const struct record *r = store_get(sim->store, u->id);
    char text[SOAP_FIELD_TEXT_MAX], id15[SFID_LEN15 + 1];
    const char *v = NULL;

    id[0] = '\0';
    if (f != NULL && r != NULL && r->object == obj->store_index)
        v = sobject_field_text(obj, r, f, text, sizeof(text), NULL);
    if (v != NULL && sfid_normalize(v, strlen(v), id15) == 0)
        sfid_to18(id15, id);
    return id;
}

/* One userInfo child's value, escaped, into xml. */
static void
info_value(struct sim *sim, const struct org_user *u, enum info_from from,
           const char *text, struct buf *xml)
{
    char id[SFID_LEN18 + 1];

    switch (from) {
    case INFO_FALSE: text = "false"; break;
    case INFO_NIL: return;
    case INFO_TEXT: break;
    case INFO_PERSON_ACCTS:
        text = sim->org->person_accounts ? "true" : "false";
        break;
    case INFO_ORG_ID:
        sfid_to18(sim->org->org_id, id);
        text = id;
        break;
    case INFO_ORG_NAME: text = sim->org->name; break;
    case INFO_PROFILE_ID: text = user_profile_id(sim, u, id); break;
    case INFO_SESSION_SECS:
        buf_printf(xml, "%lld", (long long)sim->org->session_timeout_s);
        return;
    case INFO_EMAIL: text = u->email; break;
    case INFO_FULL_NAME:
        if (u->first_name != NULL) {
            buf_xml_escape(xml, u->first_name, 0);
            buf_putc(xml, ' ');
        }
        text = u->last_name;
        break;
    case INFO_USER_ID:
        sfid_to18(u->id, id);
        text = id;
        break;
    case INFO_USERNAME: text = u->username; break;
    }
    buf_xml_escape(xml, text, 0);
}

static void
user_info_xml(struct sim *sim, const struct org_user *u, struct buf *xml)
{
    size_t i;

    buf_puts(xml, "<userInfo>");
    for (i = 0; i < sizeof(user_info) / sizeof(user_info[0]); i++) {
        if (user_info[i].from == INFO_NIL) {
            buf_printf(xml, "<%s xsi:nil=\"true\"/>", user_info[i].name);
            continue;
        }
        buf_printf(xml, "<%s>", user_info[i].name);
        info_value(sim, u, user_info[i].from, user_info[i].text, xml);
        buf_printf(xml, "</%s>", user_info[i].name);
    }
    buf_puts(xml, "</userInfo>");
}

/* The loginResponse for session s (facts 5.2; one line, like Salesforce). */
static void
login_ok(struct sim *sim, const struct sim_request *req,
         struct sim_response *resp, const struct org_user *u,
         const struct session *s, int version)
{
    char origin[REQUEST_ORIGIN_MAX], user18[SFID_LEN18 + 1];
    struct buf xml;

    request_origin(req, sim->base_url, origin, sizeof(origin));
    sfid_to18(u->id, user18);
    buf_init(&xml, SOAP_ANSWER_MAX);
    buf_puts(&xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                   "<soapenv:Envelope xmlns:soapenv=\"" SOAP_NS_ENVELOPE
                   "\" xmlns=\"" SOAP_NS_PARTNER "\" xmlns:xsi=\"" SOAP_NS_XSI
                   "\"><soapenv:Body><loginResponse><result>"
                   "<metadataServerUrl>");
    buf_xml_escape(&xml, origin, 0);
    buf_printf(&xml,
               "/services/Soap/m/%d.0/%s</metadataServerUrl>"
               "<passwordExpired>false</passwordExpired>"
               "<sandbox>%s</sandbox><serverUrl>",
               version, sim->org->org_id, sim->org->sandbox ? "true" : "false");
    buf_xml_escape(&xml, origin, 0);
    buf_printf(&xml, "/services/Soap/u/%d.0/%s</serverUrl><sessionId>", version,
               sim->org->org_id);
    buf_xml_escape(&xml, s->token, 0);
    buf_printf(&xml, "</sessionId><userId>%s</userId>", user18);
    user_info_xml(sim, u, &xml);
    buf_puts(&xml, "</result></loginResponse></soapenv:Body>"
                   "</soapenv:Envelope>");
    soap_answer(resp, 200, &xml);
    resp->verdict = VERDICT_TOKEN_ISSUED;
    response_detail(resp, "SOAP login: user %s", u->username);
}

static void
login(struct sim *sim, const struct sim_request *req, struct sim_response *resp,
      const struct soap_doc *call, int version)
{
    const struct org_user *u;
    enum login_refusal why;
    struct session *s;
    char msg[200];

    if (version > SOAP_LOGIN_LAST_VERSION) {
        snprintf(msg, sizeof(msg),
                 "The SOAP Login operation is not available in the API "
                 "version specified (%d.0). Refer to the documentation for "
                 "supported versions.",
                 version);
        sf_fault(resp, "UnexpectedErrorFault", "INVALID_OPERATION", msg,
                 VERDICT_AUTH_FAILED);
        return;
    }
    if ((u = login_user(sim, call, &why)) == NULL) {
        sf_fault(resp, "LoginFault", login_faults[why].code,
                 login_faults[why].message, VERDICT_AUTH_FAILED);
        return;
    }
    if ((s = auth_issue(sim->auth, sim->org, u, &soap_app, 0, NULL)) == NULL) {
        sf_fault(resp, "UnexpectedErrorFault", "UNKNOWN_EXCEPTION",
                 "session limit reached", VERDICT_ERROR);
        return;
    }
    login_ok(sim, req, resp, u, s, version);
}

void
h_soap_partner(struct sim *sim, struct sim_request *req,
               struct sim_response *resp)
{
    struct soap_doc call;
    struct sf_err err;
    char why[SF_ERR_MSG_MAX + 64];
    int version = 0;

    err_clear(&err);
    if (soap_version(req->params[0], &version) == -1) {
        sf_fault(resp, "UnexpectedErrorFault", "UNSUPPORTED_API_VERSION",
                 "Invalid Api version specified on URL", VERDICT_ERROR);
        return;
    }
    if (soap_doc_read(req->body, req->body_len, &call, &err) == -1) {
        client_fault(resp, err.msg);
    } else if (strcmp(soap_doc_op_ns(&call), SOAP_NS_PARTNER) == 0 &&
               strcmp(call.op->name, "login") == 0) {
        login(sim, req, resp, &call, version);
    } else if (strcmp(soap_doc_op_ns(&call), SOAP_NS_PARTNER) == 0 &&
               soapdata_answers(call.op->name)) {
        soapdata_call(sim, &call, resp);
    } else {
        snprintf(why, sizeof(why),
                 "sfsim answers login(), convertLead() and undelete() on the "
                 "SOAP partner API ({%.200s}%s is not simulated)",
                 soap_doc_op_ns(&call), call.op->name);
        client_fault(resp, why);
    }
    soap_doc_free(&call);
}
