/*
 * case.c - loading and finding cases (see case.h).
 */
#include "case.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "check.h"
#include "conf.h"
#include "xmalloc.h"

#define CASE_MAX_FILE (16 * 1024 * 1024)
#define CASE_MAX_DEPTH 8

static const char *const level_names[] = {
#define CASE_LEVEL_STR(e, s) s,
    CASE_LEVELS(CASE_LEVEL_STR)
#undef CASE_LEVEL_STR
        NULL};

static const char *const step_names[] = {
#define CASE_STEP_STR(e, s) s,
    CASE_STEPS(CASE_STEP_STR)
#undef CASE_STEP_STR
        NULL};

static const char *const case_keys[] = {
    "id",      "title",      "checks",   "source",      "level", "lead_key",
    "clock",   "timeout_ms", "ticket",   "explanation", "steps", "expect",
    "comment", "client",     "profiles", NULL};

/* The keys each step may carry besides "do", by enum case_step. */
static const char *const step_keys[STEP_COUNT][7] = {
    [STEP_DELIVER] = {"do", "leads", "buyer", "held", "comment", "kill_when",
                      NULL},
    [STEP_ADVANCE_CLOCK] = {"do", "seconds", "comment", NULL},
    [STEP_EXPIRE_TOKENS] = {"do", "comment", NULL},
    [STEP_REVOKE] = {"do", "comment", NULL},
    [STEP_PUT_ORG] = {"do", "org", "comment", NULL},
    [STEP_ADD_FAULT] = {"do", "fault", "comment", NULL},
    [STEP_CLEAR_FAULTS] = {"do", "comment", NULL},
};

static const char *const clock_names[] = {"frozen", "running", NULL};

const char *
case_level_name(enum case_level l)
{
    return level_names[l];
}

int
case_in_profile(const struct conf_case *c, enum profile p)
{
    return p < PROFILE_COUNT && (c->profiles & (1u << p)) != 0;
}

const char *
case_step_name(enum case_step s)
{
    return s < STEP_COUNT ? step_names[s] : "?";
}

enum case_step
case_step_find(const char *name)
{
    int i;

    for (i = 0; step_names[i] != NULL; i++)
        if (strcmp(step_names[i], name) == 0)
            return (enum case_step)i;
    return STEP_COUNT;
}

char *
case_read_file(const char *path, size_t *len, struct sf_err *err)
{
    FILE *fp = fopen(path, "rb");
    char *data = NULL;
    size_t cap = 0, used = 0, got;

    if (fp == NULL) {
        err_set(err, "%s: %s", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        if (used + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            data = xrealloc(data, cap);
        }
        got = fread(data + used, 1, cap - used - 1, fp);
        used += got;
        if (got == 0)
            break;
        if (used > CASE_MAX_FILE) {
            err_set(err, "%s: larger than %d bytes", path, CASE_MAX_FILE);
            free(data);
            fclose(fp);
            return NULL;
        }
    }
    if (ferror(fp)) {
        err_set(err, "%s: %s", path, strerror(errno));
        free(data);
        fclose(fp);
        return NULL;
    }
    fclose(fp);
    data[used] = '\0';
    if (len != NULL)
        *len = used;
    return data;
}

int
case_use_overlay(struct conf_case *c, const char *sub)
{
    struct stat st;
    char *dir = xasprintf("%s/%s", c->dir, sub);

    if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
        free(dir);
        return -1;
    }
    free(c->overlay);
    c->overlay = dir;
    return 0;
}

const char *
case_path(const struct conf_case *c, const char *name, char *out, size_t n)
{
    struct stat st;

    if (c->overlay != NULL) {
        snprintf(out, n, "%s/%s", c->overlay, name);
        if (stat(out, &st) == 0)
            return out;
    }
    snprintf(out, n, "%s/%s", c->dir, name);
    return out;
}

/*
 * A profile name or an array of them (at path) into *mask. Absent: every
 * profile. An unknown name is an error.
 */
static int
profile_set(struct conf *cf, json_t *v, const char *path, unsigned *mask)
{
    char at[CONF_PATH_MAX];
    enum profile p;
    json_t *one;
    size_t i;

    *mask = v == NULL ? PROFILE_ALL : 0;
    if (v == NULL)
        return 0;
    if (json_is_string(v))
        v = json_pack("[O]", v);
    else if (json_is_array(v) && json_array_size(v) > 0)
        json_incref(v);
    else
        return conf_error(cf, path,
                          "a profile name or a non-empty array of "
                          "them");
    json_array_foreach(v, i, one) {
        conf_index(at, sizeof(at), path, i);
        p = profile_find(json_string_value(one));
        if (p == PROFILE_COUNT) {
            json_decref(v);
            return conf_error(cf, json_is_string(one) ? path : at,
                              "unknown profile (sfconform --list shows them)");
        }
        *mask |= 1u << p;
    }
    json_decref(v);
    return 0;
}

/* A deliver step's "kill_when": the journal filters of a "journal"
 * expectation and a count (default 1). */
static int
check_kill_when(struct conf *cf, json_t *step, const char *path)
{
    static const char *const keys[] = {"kind",  "verdict", "path", "method",
                                       "count", "comment", NULL};
    json_t *k = json_object_get(step, "kill_when"), *n;
    const char *kind;
    char at[CONF_PATH_MAX];

    if (k == NULL)
        return 0;
    conf_join(at, sizeof(at), path, "kill_when");
    if (!json_is_object(k))
        return conf_error(cf, at,
                          "an object of journal filters (kind, verdict, "
                          "path, method) and a count");
    if (conf_check_keys(cf, k, at, keys) == -1)
        return -1;
    kind = json_string_value(json_object_get(k, "kind"));
    if (json_object_get(k, "kind") != NULL &&
        (kind == NULL ||
         (strcmp(kind, "request") != 0 && strcmp(kind, "record") != 0)))
        return conf_error(cf, at, "\"kind\" is request or record");
    n = json_object_get(k, "count");
    if (n != NULL && (!json_is_integer(n) || json_integer_value(n) < 1))
        return conf_error(cf, at, "\"count\" is an integer of at least 1");
    return 0;
}

static int
check_steps(struct conf *cf, struct conf_case *c)
{
    char path[CONF_PATH_MAX];
    const char *name;
    enum case_step s;
    json_t *step;
    size_t i;

    json_array_foreach(c->steps, i, step) {
        conf_index(path, sizeof(path), "steps", i);
        if (!json_is_object(step))
            return conf_error(cf, path, "a step is an object with \"do\"");
        name = json_string_value(json_object_get(step, "do"));
        if (name == NULL || (s = case_step_find(name)) == STEP_COUNT)
            return conf_error(cf, path,
                              "\"do\" must be one of deliver, advance_clock, "
                              "expire_tokens, revoke, put_org, add_fault, "
                              "clear_faults");
        if (conf_check_keys(cf, step, path, step_keys[s]) == -1)
            return -1;
        if (json_object_get(step, "held") != NULL &&
            (!json_is_true(json_object_get(step, "held")) ||
             json_object_get(step, "leads") != NULL))
            return conf_error(cf, path,
                              "\"held\": true hands the client the leads it "
                              "reported held; it takes no \"leads\"");
        if (check_kill_when(cf, step, path) == -1)
            return -1;
    }
    return 0;
}

static int
check_expect(struct conf *cf, struct conf_case *c)
{
    char path[CONF_PATH_MAX], at[CONF_PATH_MAX];
    unsigned mask;
    const char *name;
    json_t *e;
    size_t i;

    json_array_foreach(c->expect, i, e) {
        conf_index(path, sizeof(path), "expect", i);
        name = json_string_value(json_object_get(e, "check"));
        if (!json_is_object(e) || name == NULL || !check_known(name))
            return conf_error(cf, path,
                              "an expectation is {\"check\": NAME, ...} with "
                              "a NAME from fixtures/README.md");
        if (conf_check_keys(cf, e, path, check_keys(name)) == -1)
            return -1;
        conf_join(at, sizeof(at), path, "profile");
        if (profile_set(cf, json_object_get(e, "profile"), at, &mask) == -1)
            return -1;
    }
    return 0;
}

static int
parse_doc(struct conf *cf, struct conf_case *c)
{
    json_t *d = c->doc;
    int level = 0, clock = 0;

    if (conf_check_keys(cf, d, "", case_keys) == -1 ||
        conf_string(cf, d, "", "id", NULL, &c->id) == -1 ||
        conf_string(cf, d, "", "title", NULL, &c->title) == -1 ||
        conf_string(cf, d, "", "checks", NULL, &c->checks) == -1 ||
        conf_string(cf, d, "", "source", "seed", &c->source) == -1 ||
        conf_enum(cf, d, "", "level", level_names, -1, &level) == -1 ||
        conf_string(cf, d, "", "lead_key", CASE_DEFAULT_LEAD_KEY,
                    &c->lead_key) == -1 ||
        conf_enum(cf, d, "", "clock", clock_names, 0, &clock) == -1 ||
        conf_int(cf, d, "", "timeout_ms", 100, 600000, 0, &c->timeout_ms) ==
            -1 ||
        conf_string(cf, d, "", "ticket", NULL, &c->ticket) == -1 ||
        conf_string(cf, d, "", "explanation", NULL, &c->explanation) == -1 ||
        conf_string(cf, d, "", "client", NULL, &c->client) == -1 ||
        conf_array(cf, d, "", "steps", &c->steps) == -1 ||
        conf_array(cf, d, "", "expect", &c->expect) == -1 ||
        profile_set(cf, json_object_get(d, "profiles"), "profiles",
                    &c->profiles) == -1)
        return -1;
    if (c->id == NULL || c->title == NULL || c->checks == NULL || level < 0)
        return conf_error(cf, "", "id, title, checks and level are required");
    if (c->steps == NULL || json_array_size(c->steps) == 0)
        return conf_error(cf, "", "steps: at least one step is required");
    if (c->expect == NULL || json_array_size(c->expect) == 0)
        return conf_error(cf, "", "expect: at least one expectation");
    c->level = (enum case_level)level;
    c->clock_running = clock == 1;
    return check_steps(cf, c) == -1 || check_expect(cf, c) == -1 ? -1 : 0;
}

/* The skip marker's first line, or "skipped" when it is empty. */
static char *
read_skip(const char *dir)
{
    char path[4096];
    struct stat st;
    char *text;

    snprintf(path, sizeof(path), "%s/%s", dir, CASE_SKIP_FILE);
    if (stat(path, &st) == -1)
        return NULL;
    text = case_read_file(path, NULL, NULL);
    if (text == NULL || text[0] == '\0') {
        free(text);
        return xstrdup("skipped");
    }
    text[strcspn(text, "\n")] = '\0';
    return text;
}

struct conf_case *
case_load(const char *dir, struct sf_err *err)
{
    struct conf_case *c = xcalloc(1, sizeof(*c));
    char path[4096];
    struct conf cf;
    char *text = NULL;
    size_t len = 0;

    c->dir = xstrdup(dir);
    snprintf(path, sizeof(path), "%s/%s", dir, CASE_FILE);
    if ((text = case_read_file(path, &len, err)) == NULL)
        goto fail;
    cf.label = path;
    cf.text = text;
    cf.len = len;
    cf.err = err;
    if ((c->doc = conf_parse(&cf)) == NULL || parse_doc(&cf, c) == -1)
        goto fail;
    c->skip = read_skip(dir);
    free(text);
    return c;
fail:
    free(text);
    case_free(c);
    return NULL;
}

#define COST_RUN_MS 100
#define COST_LEAD_MS 1
#define COST_UNLIMITED_FIRES 4

/* Lines of a leads file (0 when unreadable). */
static int64_t
count_lines(const struct conf_case *c, const char *name)
{
    char path[4096], *text;
    int64_t n = 0;

    text = case_read_file(case_path(c, name, path, sizeof(path)), NULL, NULL);
    for (const char *p = text; p != NULL && *p != '\0'; p++)
        n += *p == '\n';
    free(text);
    return n;
}

int64_t
case_cost_ms(const struct conf_case *c)
{
    int64_t cost = 0;
    json_t *step, *f;
    size_t i;

    json_array_foreach(c->steps, i, step) {
        const char *leads = json_string_value(json_object_get(step, "leads"));
        json_int_t times, wait;

        switch (
            case_step_find(json_string_value(json_object_get(step, "do")))) {
        case STEP_DELIVER:
            cost += COST_RUN_MS +
                    COST_LEAD_MS *
                        count_lines(c, leads != NULL ? leads : "leads.ndjson");
            break;
        case STEP_ADD_FAULT:
            f = json_object_get(step, "fault");
            times = json_integer_value(json_object_get(f, "times"));
            wait =
                json_integer_value(json_object_get(f, "retry_after")) * 1000 +
                json_integer_value(json_object_get(f, "delay_ms"));
            cost += wait * (times > 0 ? times : COST_UNLIMITED_FIRES);
            break;
        default: break;
        }
    }
    return cost;
}

void
case_free(struct conf_case *c)
{
    if (c == NULL)
        return;
    json_decref(c->doc);
    free(c->dir);
    free(c->skip);
    free(c->overlay);
    free(c);
}

struct found {
    struct conf_case **list;
    size_t n;
};

static int
walk(const char *dir, int depth, struct found *f, struct sf_err *err)
{
    char path[4096];
    struct dirent *de;
    struct stat st;
    struct conf_case *c;
    DIR *d;
    int rc = 0;

    snprintf(path, sizeof(path), "%s/%s", dir, CASE_FILE);
    if (stat(path, &st) == 0) {
        if (f->n >= CASE_MAX_CASES) {
            err_set(err, "%s: more than %d cases", dir, CASE_MAX_CASES);
            return -1;
        }
        if ((c = case_load(dir, err)) == NULL)
            return -1;
        f->list = xreallocarray(f->list, f->n + 1, sizeof(*f->list));
        f->list[f->n++] = c;
        return 0;
    }
    if (depth >= CASE_MAX_DEPTH || (d = opendir(dir)) == NULL)
        return 0;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            rc = walk(path, depth + 1, f, err);
    }
    closedir(d);
    return rc;
}

static int
by_id(const void *a, const void *b)
{
    const struct conf_case *x = *(struct conf_case *const *)a;
    const struct conf_case *y = *(struct conf_case *const *)b;

    return strcmp(x->id, y->id);
}

int
case_discover(const char *suite, struct conf_case ***out, size_t *n,
              struct sf_err *err)
{
    struct found f = {NULL, 0};
    struct stat st;
    size_t i;

    *out = NULL;
    *n = 0;
    if (stat(suite, &st) == -1 || !S_ISDIR(st.st_mode)) {
        err_set(err, "%s: not a directory", suite);
        return -1;
    }
    if (walk(suite, 0, &f, err) == -1) {
        case_list_free(f.list, f.n);
        return -1;
    }
    if (f.n > 1)
        qsort(f.list, f.n, sizeof(*f.list), by_id);
    for (i = 1; i < f.n; i++) {
        if (strcmp(f.list[i - 1]->id, f.list[i]->id) == 0) {
            err_set(err, "%s and %s: both have the id %s", f.list[i - 1]->dir,
                    f.list[i]->dir, f.list[i]->id);
            case_list_free(f.list, f.n);
            return -1;
        }
    }
    *out = f.list;
    *n = f.n;
    return 0;
}

void
case_list_free(struct conf_case **list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        case_free(list[i]);
    free(list);
}
