/*
 * snapshot_load.c - restoring a state file (see snapshot.h).
 *
 * All or nothing: the file is read part by part into new objects (a
 * struct staged), each part checked as it is read, and only when every
 * part was read do they replace the sim's. Errors are located in the file
 * ("label:line:col: path: what"), the org's through the org loader run on
 * a copy of the file in which everything but the org is blanked out, so
 * that its positions are the file's.
 */
#include "snapshot.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "auth.h"
#include "bulk.h"
#include "conf.h"
#include "cursor.h"
#include "fault.h"
#include "jentry.h"
#include "journal.h"
#include "jsonpos.h"
#include "mailbox.h"
#include "objects.h"
#include "org.h"
#include "rng.h"
#include "schema.h"
#include "sim.h"
#include "store.h"
#include "timefmt.h"
#include "w2lqueue.h"
#include "window.h"
#include "xmalloc.h"

#define ID_NUMBER_MAX 13537086546263552ULL /* 62^9: nine base-62 digits */

/* A record of the file that goes in the recycle bin: its place there is
 * by deletion time, then its rank in recycle_bin.order, then file order. */
struct binned {
    struct record *r;
    size_t pos, rank, idx;
};

/* Everything a state file becomes before it replaces the sim's. */
struct staged {
    struct org *org;
    struct schema *schema;
    struct store *store;
    struct journal *journal;
    struct mailbox *mail;
    struct w2lqueue *w2l;
    struct auth *auth;
    struct window *api;
    struct fault_plan *faults;
    struct cursors *cursors;
    struct simclock clock;
    struct rng rng;
    int64_t origin_ms, now_ms;
    struct binned *bin; /* the records with "deleted": true */
    size_t nbin, bin_cap;
    char pod[3];
    uint64_t next_record, next_locator, next_order;
};

static void
staged_free(struct staged *st)
{
    schema_free(st->schema);
    store_free(st->store);
    org_free(st->org);
    journal_free(st->journal);
    mailbox_free(st->mail);
    w2lqueue_free(st->w2l);
    auth_free(st->auth);
    if (st->api != NULL)
        window_free(st->api);
    free(st->api);
    fault_plan_free(st->faults);
    cursors_free(st->cursors);
    free(st->bin);
    memset(st, 0, sizeof(*st));
}

/* The object member key of root (required). */
static json_t *
part(struct conf *c, json_t *root, const char *key)
{
    json_t *v = json_object_get(root, key);

    if (!json_is_object(v)) {
        conf_error(c, v != NULL ? key : "",
                   v != NULL ? "must be an object" : "missing %s", key);
        return NULL;
    }
    return v;
}

static int
time_member(struct conf *c, json_t *o, const char *path, const char *key,
            int64_t *ms)
{
    char sub[CONF_PATH_MAX];
    const char *v;

    if (conf_string(c, o, path, key, NULL, &v) == -1)
        return -1;
    if (v == NULL || timefmt_parse(v, ms) == -1)
        return conf_error(c, conf_join(sub, sizeof(sub), path, key),
                          "must be an RFC 3339 date-time");
    return 0;
}

/* --- the small parts ------------------------------------------------------ */

/* "not_carried" (optional): what the exported sim had that a state file
 * leaves out, counted for the restore's notes. */
static int
not_carried(struct conf *c, json_t *root)
{
    static const char *const keys[] = {"bulk_jobs", NULL};
    json_t *o = json_object_get(root, "not_carried");
    int64_t jobs;

    if (o == NULL)
        return 0;
    if (!json_is_object(o))
        return conf_error(c, "not_carried", "must be an object");
    return conf_check_keys(c, o, "not_carried", keys) == -1 ||
                   conf_int(c, o, "not_carried", "bulk_jobs", 0, BULK_MAX_JOBS,
                            0, &jobs) == -1
               ? -1
               : 0;
}

static int
load_header(struct conf *c, json_t *root)
{
    static const char *const keys[] = {
        "format",      "version",  "sfsim",       "exported_at", "secrets",
        "clock",       "ids",      "rng",         "org",         "api",
        "web_to_lead", "faults",   "auth",        "records",     "journal",
        "mail",        "complete", "not_carried", "recycle_bin", NULL};
    const char *format, *version_s;
    int64_t version;
    int complete;

    if (conf_check_keys(c, root, "", keys) == -1 ||
        conf_string(c, root, "", "format", "", &format) == -1 ||
        conf_string(c, root, "", "sfsim", "", &version_s) == -1 ||
        conf_int(c, root, "", "version", 0, INT32_MAX, 0, &version) == -1 ||
        conf_bool(c, root, "", "complete", 0, &complete) == -1)
        return -1;
    if (strcmp(format, SNAPSHOT_FORMAT) != 0)
        return conf_error(c, "format",
                          "must be \"%s\": this is not an sfsim "
                          "state file",
                          SNAPSHOT_FORMAT);
    if (version != SNAPSHOT_VERSION)
        return conf_error(c, "version",
                          "%lld is not a version this sfsim reads (%d)",
                          (long long)version, SNAPSHOT_VERSION);
    if (not_carried(c, root) == -1)
        return -1;
    if (!complete)
        return conf_error(c, "complete",
                          "must be true: the export did not finish whole (a "
                          "reset or a restore happened while it was read)");
    return 0;
}

static int
load_clock(struct conf *c, json_t *root, struct staged *st)
{
    static const char *const keys[] = {"now", "frozen", "origin", NULL};
    json_t *o = part(c, root, "clock");
    int64_t now;
    int frozen;

    if (o == NULL || conf_check_keys(c, o, "clock", keys) == -1 ||
        time_member(c, o, "clock", "now", &now) == -1 ||
        time_member(c, o, "clock", "origin", &st->origin_ms) == -1 ||
        conf_bool(c, o, "clock", "frozen", 0, &frozen) == -1)
        return -1;
    if (now < 0)
        return conf_error(c, "clock.now", "must not be before 1970");
    clock_init(&st->clock, now, frozen);
    st->now_ms = now;
    return 0;
}

static int
pod_ok(const char *pod)
{
    static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "abcdefghijklmnopqrstuvwxyz";

    return strlen(pod) == 2 && strchr(alnum, pod[0]) != NULL &&
           strchr(alnum, pod[1]) != NULL;
}

static int
load_ids(struct conf *c, json_t *root, struct staged *st)
{
    static const char *const keys[] = {"pod", "next_record", "next_locator",
                                       "next_locator_order", NULL};
    json_t *o = part(c, root, "ids");
    int64_t rec, loc, order;
    const char *pod;

    if (o == NULL || conf_check_keys(c, o, "ids", keys) == -1 ||
        conf_string(c, o, "ids", "pod", "", &pod) == -1 ||
        conf_int(c, o, "ids", "next_record", 0, (int64_t)ID_NUMBER_MAX - 1, 0,
                 &rec) == -1 ||
        conf_int(c, o, "ids", "next_locator", 1, (int64_t)ID_NUMBER_MAX - 1, 1,
                 &loc) == -1 ||
        conf_int(c, o, "ids", "next_locator_order", 0, INT64_MAX, 0, &order) ==
            -1)
        return -1;
    if (!pod_ok(pod))
        return conf_error(c, "ids.pod", "must be 2 letters or digits");
    memcpy(st->pod, pod, 3);
    st->next_record = (uint64_t)rec;
    st->next_locator = (uint64_t)loc;
    st->next_order = (uint64_t)order;
    return 0;
}

static int
load_rng(struct conf *c, json_t *root, struct staged *st)
{
    static const char *const keys[] = {"state", "seeded", NULL};
    json_t *o = part(c, root, "rng");
    const char *state;
    int seeded;

    if (o == NULL || conf_check_keys(c, o, "rng", keys) == -1 ||
        conf_string(c, o, "rng", "state", "", &state) == -1 ||
        conf_bool(c, o, "rng", "seeded", 0, &seeded) == -1)
        return -1;
    if (rng_state_parse(&st->rng, state) == -1)
        return conf_error(c, "rng.state",
                          "must be four 16-digit hex words separated by ':', "
                          "not all zero");
    st->rng.seeded = seeded;
    return 0;
}

/* --- the org -------------------------------------------------------------- */

static int
org_member(const char *key, size_t klen, const char *val, size_t vlen,
           void *arg)
{
    const char **found = arg;

    if (klen == 3 && memcmp(key, "org", 3) == 0) {
        found[0] = val;
        found[1] = val + vlen;
        return 1;
    }
    return 0;
}

/* The byte offset of line:col in text. */
static size_t
offset_of(const char *text, size_t len, int line, int col)
{
    size_t i = 0;

    for (; line > 1 && i < len; i++)
        if (text[i] == '\n')
            line--;
    return i + (size_t)(col - 1) < len ? i + (size_t)(col - 1) : len;
}

/* A redacted secret (at path in the org) that the sim has no current value
 * for becomes one nobody knows: the same number of characters, so that
 * positions in the file stay right. */
static void
unknown_secret(char *org_text, size_t len, const char *path, struct rng *rng)
{
    static const char mark[] = "\"" ORG_SECRET_MARK "\"";
    int line = 1, col = 1;
    size_t off;

    if (jsonpos_find(org_text, len, path, 0, &line, &col) != 0)
        return;
    off = offset_of(org_text, len, line, col);
    if (off + sizeof(mark) - 1 > len ||
        memcmp(org_text + off, mark, sizeof(mark) - 1) != 0)
        return; /* written some other way: the org loader says so */
    rng_fill(rng, org_text + off + 1, sizeof(mark) - 3,
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    org_text[off + sizeof(mark) - 2] = '"'; /* rng_fill's NUL */
}

/* Every redacted secret of a user or app the sim does not have. */
static void
unknown_secrets(struct sim *sim, json_t *org, char *text, size_t len)
{
    char path[CONF_PATH_MAX];
    struct rng rng;
    const char *s;
    json_t *v;
    size_t i;

    rng_init_random(&rng);
    json_array_foreach(json_object_get(org, "users"), i, v) {
        s = json_string_value(json_object_get(v, "username"));
        if (s != NULL && org_user_find(sim->org, s) != NULL)
            continue;
        snprintf(path, sizeof(path), "users[%zu].password", i);
        unknown_secret(text, len, path, &rng);
    }
    json_array_foreach(json_object_get(org, "connected_apps"), i, v) {
        s = json_string_value(json_object_get(v, "client_id"));
        if (s != NULL && org_app_find(sim->org, s) != NULL)
            continue;
        snprintf(path, sizeof(path), "connected_apps[%zu].client_secret", i);
        unknown_secret(text, len, path, &rng);
    }
}

static int
load_org(struct sim *sim, struct conf *c, json_t *root, struct staged *st)
{
    const char *span[2] = {NULL, NULL};
    json_t *org = part(c, root, "org");
    size_t len, start, end, i;
    char *text = NULL;

    if (org == NULL)
        return -1;
    /* The file with all but the org blanked: the org loader's positions
     * are then the file's. */
    jentry_each(c->text, c->len, org_member, (void *)span);
    if (span[0] != NULL) {
        len = c->len;
        start = (size_t)(span[0] - c->text);
        end = (size_t)(span[1] - c->text);
        text = xmalloc(len + 1);
        for (i = 0; i < len; i++)
            text[i] = i >= start && i < end ? c->text[i]
                      : c->text[i] == '\n'  ? '\n'
                                            : ' ';
        text[len] = '\0';
    } else { /* written with escapes in its key: positions are the dump's */
        text = json_dumps(org, JSON_INDENT(1));
        len = strlen(text);
    }
    unknown_secrets(sim, org, text, len);
    st->org = org_load_update(c->label, text, len, sim->org, c->err);
    free(text);
    return st->org != NULL ? 0 : -1;
}

/* --- records -------------------------------------------------------------- */

/* The values of "fields" into fv (names interned in the staged store). */
static int
record_fields(struct conf *c, json_t *fields, const char *path,
              struct staged *st, struct fieldvals *fv)
{
    const char *name;
    json_t *v;

    if (!json_is_object(fields))
        return conf_error(c, path, "must be an object of field values");
    json_object_foreach(fields, name, v) {
        if (!json_is_string(v))
            return conf_error(c, path, "%s: must be a string", name);
        fieldvals_set(fv, store_intern(st->store, name), json_string_value(v),
                      json_string_length(v));
    }
    return 0;
}

/* The 15-character id of an id written with 15 or 18, checked against
 * the sequence new records will take. */
static int
record_id(struct conf *c, const char *id, const char *path,
          const struct staged *st, char id15[SFID_LEN15 + 1])
{
    uint64_t number;

    if (sfid_normalize(id, strlen(id), id15) == -1 ||
        sfid_number(id15, &number) == -1)
        return conf_error(c, path, "\"%s\" is not a record id", id);
    if (memcmp(id15 + 3, st->pod, 2) == 0 && number >= st->next_record)
        return conf_error(c, path,
                          "its number is not below ids.next_record: a new "
                          "record would take it");
    return 0;
}

static void
bin_add(struct staged *st, struct record *r, size_t pos)
{
    if (st->nbin == st->bin_cap) {
        st->bin_cap = st->bin_cap ? st->bin_cap * 2 : 64;
        st->bin = xreallocarray(st->bin, st->bin_cap, sizeof(*st->bin));
    }
    st->bin[st->nbin] = (struct binned){r, pos, SIZE_MAX, st->nbin};
    st->nbin++;
}

static int
load_record(struct conf *c, json_t *o, const char *path, struct staged *st)
{
    static const char *const keys[] = {
        "object", "id", "created", "modified", "fields", "deleted", NULL};
    char sub[CONF_PATH_MAX], id15[SFID_LEN15 + 1];
    const struct object_def *obj;
    struct fieldvals fv = {0};
    const char *object, *id;
    int64_t created, modified;
    struct record *r;
    int rc = -1, deleted;

    if (!json_is_object(o))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, o, path, keys) == -1 ||
        conf_string(c, o, path, "object", "", &object) == -1 ||
        conf_string(c, o, path, "id", "", &id) == -1 ||
        time_member(c, o, path, "created", &created) == -1 ||
        time_member(c, o, path, "modified", &modified) == -1 ||
        conf_bool(c, o, path, "deleted", 0, &deleted) == -1)
        return -1;
    if (deleted && modified > st->now_ms)
        return conf_error(c, conf_join(sub, sizeof(sub), path, "modified"),
                          "a deleted record's modified (when it was "
                          "deleted) must not be after clock.now");
    if ((obj = schema_object(st->schema, object)) == NULL)
        return conf_error(c, conf_join(sub, sizeof(sub), path, "object"),
                          "\"%s\" is not an object of the org", object);
    if (record_id(c, id, conf_join(sub, sizeof(sub), path, "id"), st, id15) ==
            -1 ||
        record_fields(c, json_object_get(o, "fields"),
                      conf_join(sub, sizeof(sub), path, "fields"), st,
                      &fv) == -1)
        goto out;
    if ((r = store_restore(st->store, obj->store_index, id15, &fv, created,
                           modified)) == NULL) {
        conf_error(c, conf_join(sub, sizeof(sub), path, "id"),
                   "not a %s id (prefix %s), listed twice, or more than %d "
                   "fields",
                   obj->name, obj->prefix, STORE_MAX_FIELDS_PER_RECORD);
        goto out;
    }
    if (deleted)
        bin_add(st, r, store_positions(st->store, obj->store_index) - 1);
    rc = 0;
out:
    fieldvals_free(&fv);
    return rc;
}

static int
load_records(struct conf *c, json_t *root, struct staged *st)
{
    json_t *arr = json_object_get(root, "records"), *o;
    char sub[CONF_PATH_MAX];
    size_t i;

    if (!json_is_array(arr))
        return conf_error(c, arr != NULL ? "records" : "",
                          arr != NULL ? "must be an array" : "missing records");
    json_array_foreach(arr, i, o) {
        if (load_record(c, o, conf_index(sub, sizeof(sub), "records", i), st) ==
            -1)
            return -1;
    }
    return 0;
}

/* --- the recycle bin ------------------------------------------------------ */

static int
by_record(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct binned *)a)->r;
    uintptr_t y = (uintptr_t)((const struct binned *)b)->r;

    return x < y ? -1 : x > y;
}

static int
by_deletion(const void *a, const void *b)
{
    const struct binned *x = a, *y = b;

    if (x->r->modified_ms != y->r->modified_ms)
        return x->r->modified_ms < y->r->modified_ms ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* "purged_until": per object, when its last record purged from the bin
 * had been deleted. */
static int
load_purged(struct conf *c, json_t *o, struct staged *st)
{
    char sub[CONF_PATH_MAX];
    const struct object_def *obj;
    const char *name;
    int64_t ms;
    json_t *v;

    if (o == NULL)
        return 0;
    json_object_foreach(o, name, v) {
        conf_join(sub, sizeof(sub), "recycle_bin.purged_until", name);
        if ((obj = schema_object(st->schema, name)) == NULL)
            return conf_error(c, sub, "\"%s\" is not an object of the org",
                              name);
        if (time_member(c, o, "recycle_bin.purged_until", name, &ms) == -1)
            return -1;
        if (ms > st->now_ms)
            return conf_error(c, sub, "must not be after clock.now");
        store_restore_purged(st->store, obj->store_index, ms);
    }
    return 0;
}

/* "order": the bin's ids in deletion order; ranks the deleted records it
 * names (an id of no deleted record of "records" is one that changed
 * while the export was read: skipped). */
static int
load_order(struct conf *c, json_t *arr, struct staged *st)
{
    char sub[CONF_PATH_MAX], id15[SFID_LEN15 + 1];
    struct binned key, *b;
    json_t *v;
    size_t i;

    json_array_foreach(arr, i, v) {
        conf_index(sub, sizeof(sub), "recycle_bin.order", i);
        if (!json_is_string(v) ||
            sfid_normalize(json_string_value(v), json_string_length(v), id15) ==
                -1)
            return conf_error(c, sub, "must be a record id");
        if (st->nbin == 0 || (key.r = store_get_any(st->store, id15)) == NULL ||
            (b = bsearch(&key, st->bin, st->nbin, sizeof(*st->bin),
                         by_record)) == NULL)
            continue;
        if (b->rank != SIZE_MAX)
            return conf_error(c, sub, "%s is listed twice", id15);
        b->rank = i;
    }
    return 0;
}

/* The deleted records into the bin, in deletion order ("recycle_bin" is
 * optional: files written before it existed have no deleted records). */
static int
load_bin(struct conf *c, json_t *root, struct staged *st)
{
    static const char *const keys[] = {"purged_until", "order", NULL};
    json_t *o = json_object_get(root, "recycle_bin"), *purged, *order;
    size_t i;

    if (o != NULL && !json_is_object(o))
        return conf_error(c, "recycle_bin", "must be an object");
    if (st->nbin > 0)
        qsort(st->bin, st->nbin, sizeof(*st->bin), by_record);
    if (o != NULL &&
        (conf_check_keys(c, o, "recycle_bin", keys) == -1 ||
         conf_object(c, o, "recycle_bin", "purged_until", &purged) == -1 ||
         conf_array(c, o, "recycle_bin", "order", &order) == -1 ||
         load_purged(c, purged, st) == -1 || load_order(c, order, st) == -1))
        return -1;
    if (st->nbin > 0)
        qsort(st->bin, st->nbin, sizeof(*st->bin), by_deletion);
    for (i = 0; i < st->nbin; i++)
        store_restore_recycle(st->store, st->bin[i].r, st->bin[i].pos,
                              st->bin[i].r->modified_ms);
    return 0;
}

/* --- journal -------------------------------------------------------------- */

static int
load_entry(struct conf *c, json_t *e, const char *path, struct staged *st)
{
    json_t *seq = json_object_get(e, "seq"), *verdict;
    char sub[CONF_PATH_MAX], *text;
    int rc;

    if (!json_is_object(e))
        return conf_error(c, path, "must be an object");
    if (!json_is_integer(seq) || json_integer_value(seq) < 1)
        return conf_error(c, conf_join(sub, sizeof(sub), path, "seq"),
                          "must be a sequence number, 1 or more");
    verdict = json_object_get(e, "verdict");
    if (verdict != NULL && (!json_is_string(verdict) ||
                            verdict_parse(json_string_value(verdict),
                                          json_string_length(verdict)) < 0))
        return conf_error(c, conf_join(sub, sizeof(sub), path, "verdict"),
                          "not a verdict this sfsim knows");
    text = json_dumps(e, JSON_COMPACT);
    rc = journal_restore(st->journal, (uint64_t)json_integer_value(seq), text,
                         strlen(text));
    free(text);
    if (rc == -1)
        return conf_error(c, conf_join(sub, sizeof(sub), path, "seq"),
                          "must be one more than the entry before it");
    return 0;
}

static int
load_journal(struct sim *sim, struct conf *c, json_t *root, struct staged *st)
{
    static const char *const keys[] = {"next_seq", "entries", NULL};
    json_t *o = part(c, root, "journal"), *entries, *e;
    char sub[CONF_PATH_MAX];
    int64_t next;
    size_t i, n, first;

    if (o == NULL || conf_check_keys(c, o, "journal", keys) == -1 ||
        conf_int(c, o, "journal", "next_seq", 1, INT64_MAX, 1, &next) == -1 ||
        conf_array(c, o, "journal", "entries", &entries) == -1)
        return -1;
    st->journal = journal_new(sim->cfg.journal_ring, sim->cfg.journal_body_max,
                              NULL, c->err);
    /* Only as many as this sim keeps: the newest. */
    n = json_array_size(entries);
    first = n > sim->cfg.journal_ring ? n - sim->cfg.journal_ring : 0;
    for (i = first; i < n; i++) {
        e = json_array_get(entries, i);
        if (load_entry(c, e, conf_index(sub, sizeof(sub), "journal.entries", i),
                       st) == -1)
            return -1;
    }
    if (journal_set_next_seq(st->journal, (uint64_t)next) == -1)
        return conf_error(c, "journal.next_seq",
                          "must be above every entry's seq");
    return 0;
}

/* --- the modules' own parts ----------------------------------------------- */

static int
load_modules(struct sim *sim, struct conf *c, json_t *root, struct staged *st)
{
    json_t *w2l, *api, *faults, *auth, *mail;
    static const char *const api_keys[] = {"window", NULL};

    if ((mail = part(c, root, "mail")) == NULL ||
        mailbox_from_json(st->mail = mailbox_new(), mail, c, "mail") == -1)
        return -1;
    if ((w2l = part(c, root, "web_to_lead")) == NULL ||
        w2lqueue_from_json(st->w2l = w2lqueue_new(), w2l,
                           (size_t)st->org->w2l.queue_limit, c,
                           "web_to_lead") == -1)
        return -1;
    st->api = xcalloc(1, sizeof(*st->api));
    window_init(st->api, 86400);
    if ((api = part(c, root, "api")) == NULL ||
        conf_check_keys(c, api, "api", api_keys) == -1 ||
        window_from_json(st->api, json_object_get(api, "window"), c,
                         "api.window") == -1)
        return -1;
    if ((faults = part(c, root, "faults")) == NULL ||
        fault_plan_from_state(st->faults = fault_plan_new(), faults, c,
                              "faults") == -1)
        return -1;
    /* The clock and generator it reads are the sim's, which take the
     * staged values when the state goes in. */
    if ((auth = part(c, root, "auth")) == NULL ||
        auth_from_json(st->auth = auth_new(&sim->clock, &sim->rng), auth, c,
                       "auth") == -1)
        return -1;
    st->cursors = cursors_new(st->pod);
    cursors_set_numbers(st->cursors, st->next_locator, st->next_order);
    return 0;
}

/* --- all of it ------------------------------------------------------------ */

static void
swap_in(struct sim *sim, struct staged *st)
{
    sim->resets++; /* answers still being streamed stop */
    journal_take(sim->journal, st->journal);
    schema_free(sim->schema);
    store_free(sim->store);
    org_free(sim->org);
    mailbox_free(sim->mail);
    w2lqueue_free(sim->w2l);
    auth_free(sim->auth);
    window_free(sim->api_window);
    free(sim->api_window);
    fault_plan_free(sim->faults);
    cursors_free(sim->cursors);
    bulk_clear(sim->bulk); /* not carried: its jobs name the old records */
    sim->org = st->org;
    sim->schema = st->schema;
    sim->store = st->store;
    sim->mail = st->mail;
    sim->w2l = st->w2l;
    sim->auth = st->auth;
    sim->api_window = st->api;
    sim->faults = st->faults;
    sim->cursors = st->cursors;
    sim->clock = st->clock;
    sim->rng = st->rng;
    sim->clock_origin_ms = st->origin_ms;
    journal_free(st->journal);
    free(st->bin);
    memset(st, 0, sizeof(*st));
}

static int
load_parts(struct sim *sim, struct conf *c, json_t *root, struct staged *st)
{
    if (load_header(c, root) == -1 || load_clock(c, root, st) == -1 ||
        load_ids(c, root, st) == -1 || load_rng(c, root, st) == -1 ||
        load_org(sim, c, root, st) == -1)
        return -1;
    st->store = store_new(st->pod, st->next_record);
    st->schema = objects_schema(st->org, st->store);
    if (load_records(c, root, st) == -1 || load_bin(c, root, st) == -1 ||
        load_journal(sim, c, root, st) == -1 ||
        load_modules(sim, c, root, st) == -1)
        return -1;
    return 0;
}

int
snapshot_load(struct sim *sim, const char *label, const char *text, size_t len,
              json_t **notes, struct sf_err *err)
{
    struct conf c = {label, text, len, err};
    struct staged st;
    json_error_t jerr;
    json_t *root;
    int rc = -1;

    memset(&st, 0, sizeof(st));
    root =
        json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (root == NULL) {
        err_set(err, "%s:%d:%d: %s", label, jerr.line, jerr.column, jerr.text);
        return -1;
    }
    if (!json_is_object(root)) {
        conf_error(&c, "", "a state file is a JSON object");
        goto out;
    }
    if (load_parts(sim, &c, root, &st) == -1)
        goto out;
    if (notes != NULL)
        *notes = snapshot_notes(sim, root);
    swap_in(sim, &st);
    rc = 0;
out:
    staged_free(&st);
    json_decref(root);
    return rc;
}

int
snapshot_load_file(struct sim *sim, const char *path, size_t max,
                   json_t **notes, struct sf_err *err)
{
    FILE *fp = fopen(path, "rb");
    struct stat sb;
    char *text = NULL;
    size_t len;
    int rc = -1;

    if (fp == NULL) {
        err_set(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fileno(fp), &sb) == -1 || !S_ISREG(sb.st_mode)) {
        err_set(err, "%s: not a regular file", path);
        goto out;
    }
    if ((uint64_t)sb.st_size > max) {
        err_set(err, "%s: larger than %zu bytes (--max-state)", path, max);
        goto out;
    }
    text = xmalloc((size_t)sb.st_size + 1);
    len = fread(text, 1, (size_t)sb.st_size, fp);
    if (ferror(fp) || len != (size_t)sb.st_size) {
        err_set(err, "%s: read error", path);
        goto out;
    }
    text[len] = '\0';
    rc = snapshot_load(sim, path, text, len, notes, err);
out:
    free(text);
    fclose(fp);
    return rc;
}
