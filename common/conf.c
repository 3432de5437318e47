/*
 * conf.c - JSON config getters with located errors (see conf.h).
 */
#include "conf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jsonpos.h"

const char *
conf_join(char *out, size_t n, const char *path, const char *key)
{
    if (path == NULL || *path == '\0')
        snprintf(out, n, "%s", key);
    else
        snprintf(out, n, "%s.%s", path, key);
    return out;
}

const char *
conf_index(char *out, size_t n, const char *path, size_t i)
{
    snprintf(out, n, "%s[%zu]", path, i);
    return out;
}

json_t *
conf_parse(struct conf *c)
{
    json_error_t jerr;
    json_t *root;

    root = json_loadb(c->text, c->len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        err_set(c->err, "%s:%d:%d: %s", c->label, jerr.line, jerr.column,
                jerr.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        conf_error(c, "", "the document must be a JSON object");
        return NULL;
    }
    return root;
}

static int
conf_verror(struct conf *c, const char *path, int key_only, const char *fmt,
            va_list ap)
{
    char msg[SF_ERR_MSG_MAX];
    int line = 1, col = 1;

    vsnprintf(msg, sizeof(msg), fmt, ap);
    jsonpos_find(c->text, c->len, path, key_only, &line, &col);
    if (path != NULL && *path != '\0')
        err_set(c->err, "%s:%d:%d: %s: %s", c->label, line, col, path, msg);
    else
        err_set(c->err, "%s:%d:%d: %s", c->label, line, col, msg);
    return -1;
}

int
conf_error(struct conf *c, const char *path, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    conf_verror(c, path, 0, fmt, ap);
    va_end(ap);
    return -1;
}

static int
conf_key_error(struct conf *c, const char *path, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    conf_verror(c, path, 1, fmt, ap);
    va_end(ap);
    return -1;
}

int
conf_check_keys(struct conf *c, json_t *obj, const char *path,
                const char *const *allowed)
{
    const char *key;
    json_t *value;
    char p[CONF_PATH_MAX];

    json_object_foreach(obj, key, value) {
        const char *const *a;

        for (a = allowed; *a != NULL; a++)
            if (strcmp(*a, key) == 0)
                break;
        if (*a == NULL)
            return conf_key_error(c, conf_join(p, sizeof(p), path, key),
                                  "unknown key");
    }
    return 0;
}

static json_t *
member(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    return json_is_null(v) ? NULL : v;
}

int
conf_int(struct conf *c, json_t *obj, const char *path, const char *key,
         int64_t min, int64_t max, int64_t dflt, int64_t *out)
{
    json_t *v = member(obj, key);
    char p[CONF_PATH_MAX];
    json_int_t n;

    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    conf_join(p, sizeof(p), path, key);
    if (!json_is_integer(v))
        return conf_error(c, p, "must be an integer");
    n = json_integer_value(v);
    if (n < min || n > max)
        return conf_error(c, p, "must be between %lld and %lld, not %lld",
                          (long long)min, (long long)max, (long long)n);
    *out = n;
    return 0;
}

int
conf_bool(struct conf *c, json_t *obj, const char *path, const char *key,
          int dflt, int *out)
{
    json_t *v = member(obj, key);
    char p[CONF_PATH_MAX];

    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    if (!json_is_boolean(v))
        return conf_error(c, conf_join(p, sizeof(p), path, key),
                          "must be true or false");
    *out = json_is_true(v);
    return 0;
}

int
conf_string(struct conf *c, json_t *obj, const char *path, const char *key,
            const char *dflt, const char **out)
{
    json_t *v = member(obj, key);
    char p[CONF_PATH_MAX];

    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    if (!json_is_string(v))
        return conf_error(c, conf_join(p, sizeof(p), path, key),
                          "must be a string");
    *out = json_string_value(v);
    return 0;
}

int
conf_enum(struct conf *c, json_t *obj, const char *path, const char *key,
          const char *const *names, int dflt, int *out)
{
    const char *s = NULL;
    char p[CONF_PATH_MAX], list[256] = "";
    size_t used = 0;
    int i;

    if (conf_string(c, obj, path, key, NULL, &s) == -1)
        return -1;
    if (s == NULL) {
        *out = dflt;
        return 0;
    }
    for (i = 0; names[i] != NULL; i++) {
        if (strcasecmp(names[i], s) == 0) {
            *out = i;
            return 0;
        }
        if (used < sizeof(list))
            used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
                                     i ? ", " : "", names[i]);
    }
    return conf_error(c, conf_join(p, sizeof(p), path, key),
                      "\"%s\" is not one of: %s", s, list);
}

int
conf_object(struct conf *c, json_t *obj, const char *path, const char *key,
            json_t **out)
{
    json_t *v = member(obj, key);
    char p[CONF_PATH_MAX];

    *out = NULL;
    if (v == NULL)
        return 0;
    if (!json_is_object(v))
        return conf_error(c, conf_join(p, sizeof(p), path, key),
                          "must be an object");
    *out = v;
    return 0;
}

int
conf_array(struct conf *c, json_t *obj, const char *path, const char *key,
           json_t **out)
{
    json_t *v = member(obj, key);
    char p[CONF_PATH_MAX];

    *out = NULL;
    if (v == NULL)
        return 0;
    if (!json_is_array(v))
        return conf_error(c, conf_join(p, sizeof(p), path, key),
                          "must be an array");
    *out = v;
    return 0;
}
