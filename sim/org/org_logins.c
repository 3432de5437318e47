/*
 * org_logins.c - what the org says about logging in beyond passwords (see
 * org_private.h): each user's security token and active flag, each
 * connected app's certificate (JWT bearer) and who may use it, and the
 * org's My Domain (one more JWT audience).
 *
 *   "my_domain": "https://acme.my.salesforce.com",
 *   "users": [{"username": "u@x.test", "password": "pw",
 *              "security_token": "AbC123", "active": true}],
 *   "connected_apps": [{"client_id": "…", "client_secret": "…",
 *                       "certificate_file": "jwt/server.crt",
 *                       "permitted_users": "admin_approved",
 *                       "approved_users": ["u@x.test"]}]
 *
 * A certificate is PEM text ("certificate") or a file named relative to
 * the org file ("certificate_file", --org only); either way the loaded org
 * holds the text, and checks at load that it is an X.509 certificate with
 * an RSA key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jwt.h"
#include "org_private.h"
#include "xmalloc.h"

#define CERT_FILE_MAX (1024 * 1024)
#define APPROVED_MAX 10000

static const char *const permitted_names[] = {"admin_approved", "all_users",
                                              NULL};

int
org_logins_user_load(struct conf *c, json_t *u, const char *path,
                     struct org_user *ou)
{
    const char *token = NULL;

    if (conf_string(c, u, path, "security_token", NULL, &token) == -1 ||
        conf_bool(c, u, path, "active", 1, &ou->active) == -1)
        return -1;
    ou->security_token = token != NULL ? xstrdup(token) : NULL;
    return 0;
}

void
org_logins_user_json(const struct org_user *u, json_t *out)
{
    if (u->security_token != NULL)
        json_object_set_new(out, "security_token",
                            json_string(u->security_token));
    json_object_set_new(out, "active", json_boolean(u->active));
}

void
org_logins_user_free(struct org_user *u)
{
    free(u->security_token);
}

/* name relative to dir (unless absolute), read whole (caller frees). */
static char *
read_cert_file(struct conf *c, const char *path, const char *dir,
               const char *name)
{
    char *full = name[0] == '/' ? xstrdup(name) : xasprintf("%s/%s", dir, name);
    char *text = xmalloc(CERT_FILE_MAX + 1);
    FILE *fp = fopen(full, "rb");
    size_t len = 0;

    if (fp == NULL) {
        conf_error(c, path, "cannot read %s: %s", full, strerror(errno));
    } else {
        len = fread(text, 1, CERT_FILE_MAX + 1, fp);
        if (ferror(fp) || len > CERT_FILE_MAX)
            conf_error(c, path, "%s: %s", full,
                       ferror(fp) ? "read error" : "larger than 1 MiB");
        fclose(fp);
    }
    free(full);
    if (c->err->set) {
        free(text);
        return NULL;
    }
    text[len] = '\0';
    return text;
}

/* "certificate" or "certificate_file" into oa->certificate, checked. */
static int
load_certificate(struct conf *c, json_t *a, const char *path, const char *dir,
                 struct org_app *oa)
{
    const char *pem = NULL, *file = NULL;
    char p[CONF_PATH_MAX];
    struct sf_err why;

    if (conf_string(c, a, path, "certificate", NULL, &pem) == -1 ||
        conf_string(c, a, path, "certificate_file", NULL, &file) == -1)
        return -1;
    if (pem != NULL && file != NULL)
        return conf_error(c, path,
                          "give \"certificate\" or \"certificate_file\", "
                          "not both");
    conf_join(p, sizeof(p), path,
              file != NULL ? "certificate_file" : "certificate");
    if (file != NULL && dir == NULL)
        return conf_error(c, p,
                          "a file is read only from an org file given with "
                          "--org; send the PEM text as \"certificate\"");
    if (file != NULL &&
        (oa->certificate = read_cert_file(c, p, dir, file)) == NULL)
        return -1;
    if (pem != NULL)
        oa->certificate = xstrdup(pem);
    err_clear(&why);
    if (oa->certificate != NULL && jwt_cert_check(oa->certificate, &why) == -1)
        return conf_error(c, p, "%s", why.msg);
    return 0;
}

/* "approved_users": usernames of o's users (NULL: every user). */
static int
load_approved(struct conf *c, json_t *a, const char *path, const struct org *o,
              struct org_app *oa)
{
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    json_t *arr = NULL, *v;
    size_t i;

    if (conf_array(c, a, path, "approved_users", &arr) == -1)
        return -1;
    if (arr == NULL)
        return 0;
    conf_join(p, sizeof(p), path, "approved_users");
    if (json_array_size(arr) > APPROVED_MAX)
        return conf_error(c, p, "more than %d entries", APPROVED_MAX);
    oa->approved_users = xcalloc(json_array_size(arr) + 1, sizeof(char *));
    json_array_foreach(arr, i, v) {
        conf_index(q, sizeof(q), p, i);
        if (!json_is_string(v))
            return conf_error(c, q, "must be a username (a string)");
        if (org_user_find(o, json_string_value(v)) == NULL)
            return conf_error(c, q, "no user \"%s\" in users",
                              json_string_value(v));
        oa->approved_users[i] = xstrdup(json_string_value(v));
    }
    return 0;
}

int
org_logins_app_load(struct conf *c, json_t *a, const char *path,
                    const char *dir, const struct org *o, struct org_app *oa)
{
    int permitted = 0;

    if (conf_enum(c, a, path, "permitted_users", permitted_names, 0,
                  &permitted) == -1 ||
        load_certificate(c, a, path, dir, oa) == -1 ||
        load_approved(c, a, path, o, oa) == -1)
        return -1;
    oa->self_authorize = permitted == 1;
    return 0;
}

void
org_logins_app_json(const struct org_app *a, json_t *out)
{
    json_t *arr;
    size_t i;

    if (a->certificate != NULL)
        json_object_set_new(out, "certificate", json_string(a->certificate));
    json_object_set_new(out, "permitted_users",
                        json_string(permitted_names[a->self_authorize]));
    if (a->approved_users == NULL)
        return;
    arr = json_array();
    for (i = 0; a->approved_users[i] != NULL; i++)
        json_array_append_new(arr, json_string(a->approved_users[i]));
    json_object_set_new(out, "approved_users", arr);
}

void
org_logins_app_free(struct org_app *a)
{
    size_t i;

    free(a->certificate);
    for (i = 0; a->approved_users != NULL && a->approved_users[i] != NULL; i++)
        free(a->approved_users[i]);
    free(a->approved_users);
}

/* "https://host[:port]" (or http://), nothing after but one '/'. */
static int
origin_like(const char *s)
{
    const char *host;
    size_t len;

    if (strncasecmp(s, "https://", 8) == 0)
        host = s + 8;
    else if (strncasecmp(s, "http://", 7) == 0)
        host = s + 7;
    else
        return 0;
    len = strcspn(host, "/");
    return len > 0 && (host[len] == '\0' || strcmp(host + len, "/") == 0) &&
           strcspn(host, " ?#@") >= len;
}

int
org_logins_root_load(struct conf *c, json_t *root, struct org *o)
{
    const char *md = NULL;

    if (conf_string(c, root, "", "my_domain", NULL, &md) == -1)
        return -1;
    if (md != NULL && !origin_like(md))
        return conf_error(c, "my_domain",
                          "must be an origin such as "
                          "\"https://acme.my.salesforce.com\"");
    o->my_domain = md != NULL ? xstrdup(md) : NULL;
    return 0;
}

void
org_logins_root_json(const struct org *o, json_t *out)
{
    if (o->my_domain != NULL)
        json_object_set_new(out, "my_domain", json_string(o->my_domain));
}

enum org_password
org_user_password(const struct org_user *u, const char *given)
{
    size_t plen = strlen(u->password);

    if (u->security_token == NULL)
        return strcmp(given, u->password) == 0 ? ORG_PASSWORD_OK
                                               : ORG_PASSWORD_BAD;
    if (strncmp(given, u->password, plen) == 0 &&
        strcmp(given + plen, u->security_token) == 0)
        return ORG_PASSWORD_OK;
    return strcmp(given, u->password) == 0 ? ORG_PASSWORD_NO_TOKEN
                                           : ORG_PASSWORD_BAD;
}

int
org_app_approved(const struct org_app *a, const char *username)
{
    size_t i;

    if (a->approved_users == NULL)
        return 1;
    for (i = 0; a->approved_users[i] != NULL; i++)
        if (strcasecmp(a->approved_users[i], username) == 0)
            return 1;
    return 0;
}
