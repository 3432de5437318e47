/*
 * conf.h - reading a JSON configuration document with exact error messages.
 *
 * Org files (sim) and buyer files (client) are untrusted input written by
 * hand. Every error names where it is, "label:line:column: path: what is
 * wrong", with the position found by jsonpos. Readers walk their document
 * with these getters; each getter checks the type and range, applies the
 * default when the key is absent, and records the first error.
 *
 * All strings returned are borrowed from the json_t and live as long as it.
 */
#ifndef COMMON_CONF_H
#define COMMON_CONF_H

#include <jansson.h>
#include <stdint.h>

#include "err.h"

struct conf {
    const char *label; /* file name (or "body") used in messages; borrowed */
    const char *text;  /* the document's text, for positions; borrowed */
    size_t len;
    struct sf_err *err; /* first error wins */
};

/*
 * Parses text into a new json_t (caller decrefs). On a syntax error, or when
 * the top level is not an object, records "label:line:col: ..." and returns
 * NULL.
 */
json_t *conf_parse(struct conf *c);

/* Records an error located at path (dotted, see jsonpos.h). Returns -1. */
int conf_error(struct conf *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* -1 (with an error on the first unknown key) unless every key of obj is in
 * allowed (NULL-terminated). */
int conf_check_keys(struct conf *c, json_t *obj, const char *path,
                    const char *const *allowed);

/*
 * Getters for member key of obj (at path). Absent or null: *out = dflt and
 * 0. Wrong type or out of range: error and -1.
 */
int conf_int(struct conf *c, json_t *obj, const char *path, const char *key,
             int64_t min, int64_t max, int64_t dflt, int64_t *out);
int conf_bool(struct conf *c, json_t *obj, const char *path, const char *key,
              int dflt, int *out);
int conf_string(struct conf *c, json_t *obj, const char *path, const char *key,
                const char *dflt, const char **out);
/* A string that must be one of names (NULL-terminated, case-insensitive);
 * *out is its index. */
int conf_enum(struct conf *c, json_t *obj, const char *path, const char *key,
              const char *const *names, int dflt, int *out);
/* Member that must be an object/array when present; NULL when absent. */
int conf_object(struct conf *c, json_t *obj, const char *path, const char *key,
                json_t **out);
int conf_array(struct conf *c, json_t *obj, const char *path, const char *key,
               json_t **out);

/* Writes "path.key" (or "key" at top level) into out (size n). */
const char *conf_join(char *out, size_t n, const char *path, const char *key);
/* Writes "path[i]" into out (size n). */
const char *conf_index(char *out, size_t n, const char *path, size_t i);

#define CONF_PATH_MAX 256

#endif
