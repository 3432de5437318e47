/*
 * metadata.c - reading a metadata tree into org JSON (see metadata.h).
 *
 * The walk finds the files the importer reads by their path (a table:
 * suffix, the directory they live in, what reads them), bounded in depth,
 * entries and files, never following a symbolic link. They are read in
 * an order that puts what others need first: global value sets, then
 * objects (which tell custom settings apart), fields, record types,
 * validation rules, matching and duplicate rules, and last the labels,
 * permissions and custom metadata records that formulas name.
 *
 * Then the org JSON is built over the base org and proved by loading it:
 * first with the fields (formula fields compile there), then formulas and
 * rules are checked against that org, then everything is loaded once
 * more. Whatever a load still refuses is traced back to the component
 * that brought it, reported, left out, and the load tried again.
 */
#include "metadata.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formula.h"
#include "metadata_private.h"
#include "org.h"
#include "rules.h"
#include "xmalloc.h"

#define MD_NS "http://soap.sforce.com/2006/04/metadata"
#define PATH_MAX_LEN 4096
/* Longest file or component name looked at. */
#define NAME_LEN 512

enum md_kind {
    MK_VALUE_SET,
    MK_OBJECT,
    MK_OBJECT_FILE, /* Metadata API format: the whole object */
    MK_FIELD,
    MK_RECORD_TYPE,
    MK_VRULE,
    MK_MATCHING,
    MK_DUPLICATE,
    MK_PERMISSION,
    MK_LABELS,
    MK_CMDT,
};

/* The files read: the suffix (with and without -meta.xml), the directory
 * they sit in and, for components of an object, that the directory above
 * is the object's under objects/. Order is the reading order. */
static const struct pattern {
    const char *suffix;
    const char *dir;
    int in_object; /* dir is objects/<Object>/<dir>/ */
    enum md_kind kind;
    const char *root; /* the XML root element */
} patterns[] = {
    {".globalValueSet", "globalValueSets", 0, MK_VALUE_SET, "GlobalValueSet"},
    {".object", NULL, 1, MK_OBJECT, "CustomObject"},
    {".object", "objects", 0, MK_OBJECT_FILE, "CustomObject"},
    {".field", "fields", 1, MK_FIELD, "CustomField"},
    {".recordType", "recordTypes", 1, MK_RECORD_TYPE, "RecordType"},
    {".validationRule", "validationRules", 1, MK_VRULE, "ValidationRule"},
    {".matchingRule", "matchingRules", 0, MK_MATCHING, "MatchingRules"},
    {".duplicateRule", "duplicateRules", 0, MK_DUPLICATE, "DuplicateRule"},
    {".customPermission", "customPermissions", 0, MK_PERMISSION,
     "CustomPermission"},
    {".labels", "labels", 0, MK_LABELS, "CustomLabels"},
    {".md", "customMetadata", 0, MK_CMDT, "CustomMetadata"},
    {NULL, NULL, 0, MK_LABELS, NULL},
};

/* A file found by the walk. */
struct md_file {
    char *rel; /* path under the root */
    const struct pattern *pat;
    char *object;    /* the object, or the type of a custom metadata record */
    char *name;      /* the component's name from the file name */
    const char *buf; /* in memory (metadata_import_buf), or NULL */
    size_t len;
};

struct walker {
    const char *root;
    struct md_file *files;
    size_t nfiles, cap, entries;
    struct metadata_report *rep;
    struct md *m;        /* while reading */
    int person_accounts; /* objects/PersonAccount/ is there */
    int over;            /* a bound was reached (reported once) */
};

/* ---- reports --------------------------------------------------------------
 */

static void
report_add(struct metadata_report *rep, const char *path, int line, int column,
           const char *msg)
{
    struct metadata_problem *p;

    if (rep->n == rep->cap) {
        rep->cap = rep->cap ? rep->cap * 2 : 16;
        rep->v = xreallocarray(rep->v, rep->cap, sizeof(*rep->v));
    }
    p = &rep->v[rep->n++];
    p->path = xstrdup(path);
    p->line = line;
    p->column = column;
    p->message = xstrdup(msg);
}

static void
vproblem(struct metadata_report *rep, const char *path, int line, int column,
         const char *fmt, va_list ap)
{
    char msg[1024];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    report_add(rep, path, line, column, msg);
}

void
md_problem(struct md *m, const char *path, int line, int column,
           const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vproblem(m->rep, path, line, column, fmt, ap);
    va_end(ap);
}

void
md_problem_at(struct md *m, const char *path, const struct xmlread_node *at,
              const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vproblem(m->rep, path, at != NULL ? at->line : 1,
             at != NULL ? at->column : 1, fmt, ap);
    va_end(ap);
}

void
metadata_report_print(const struct metadata_report *rep, const char *dir,
                      FILE *fp)
{
    const struct metadata_problem *p;
    size_t i;

    for (i = 0; i < rep->n; i++) {
        p = &rep->v[i];
        if (strcmp(p->path, ".") == 0 || strcmp(p->path, dir) == 0)
            fprintf(fp, "%s:%d:%d: %s\n", dir, p->line, p->column, p->message);
        else
            fprintf(fp, "%s/%s:%d:%d: %s\n", dir, p->path, p->line, p->column,
                    p->message);
    }
}

void
metadata_report_free(struct metadata_report *rep)
{
    size_t i;

    for (i = 0; i < rep->n; i++) {
        free(rep->v[i].path);
        free(rep->v[i].message);
    }
    free(rep->v);
    memset(rep, 0, sizeof(*rep));
}

/* ---- helpers for the readers ----------------------------------------------
 */

const char *
md_text(const struct xmlread_node *n, const char *name)
{
    const struct xmlread_node *c = xmlread_child(n, name);
    char *t;
    size_t len;

    if (c == NULL || xmlread_nil(c))
        return NULL;
    /* Trim in place: the tree is the importer's own. */
    t = c->text;
    while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
        t++;
    len = strlen(t);
    while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\t' ||
                       t[len - 1] == '\n' || t[len - 1] == '\r'))
        t[--len] = '\0';
    return t;
}

int
md_bool(const struct xmlread_node *n, const char *name, int dflt)
{
    const char *t = md_text(n, name);

    if (t == NULL || *t == '\0')
        return dflt;
    return strcmp(t, "true") == 0 || strcmp(t, "1") == 0;
}

int
md_data_object(const char *object)
{
    return strcasecmp(object, "Lead") == 0 ||
           strcasecmp(object, "Contact") == 0 ||
           strcasecmp(object, "Account") == 0;
}

struct md_item *
md_add(struct md *m, const char *section, json_t *entry, const char *key,
       const char *path, const struct xmlread_node *at, const char *what)
{
    struct md_item *it;
    size_t i;

    for (i = 0; i < m->nitems; i++) {
        it = &m->items[i];
        if (it->dropped || strcmp(it->section, section) != 0 ||
            strcasecmp(it->key, key) != 0)
            continue;
        md_problem_at(m, path, at,
                      "%s is defined twice (also in %s:%d); "
                      "this one is used",
                      what, it->path, it->line);
        it->dropped = 1;
    }
    if (m->nitems == m->capitems) {
        m->capitems = m->capitems ? m->capitems * 2 : 64;
        m->items = xreallocarray(m->items, m->capitems, sizeof(*m->items));
    }
    it = &m->items[m->nitems++];
    memset(it, 0, sizeof(*it));
    it->section = section;
    it->json = entry;
    it->key = xstrdup(key);
    it->path = xstrdup(path);
    it->line = at != NULL ? at->line : 1;
    it->column = at != NULL ? at->column : 1;
    it->what = xstrdup(what);
    return it;
}

int
md_item_exists(const struct md *m, const char *section, const char *key)
{
    size_t i;

    for (i = 0; i < m->nitems; i++)
        if (!m->items[i].dropped && strcmp(m->items[i].section, section) == 0 &&
            strcasecmp(m->items[i].key, key) == 0)
            return 1;
    return 0;
}

static void
md_free(struct md *m)
{
    size_t i;

    for (i = 0; i < m->nitems; i++) {
        json_decref(m->items[i].json);
        json_decref(m->items[i].extra);
        free(m->items[i].key);
        free(m->items[i].path);
        free(m->items[i].what);
    }
    free(m->items);
    json_decref(m->value_sets);
    json_decref(m->settings);
    json_decref(m->cmdt_fields);
    json_decref(m->referenced);
    json_decref(m->inactive_matching);
    json_decref(m->list_settings);
    json_decref(m->unread_objects);
}

/* ---- finding the files -----------------------------------------------------
 */

static int
has_suffix(const char *s, const char *suffix, size_t *stem)
{
    size_t n = strlen(s), k = strlen(suffix);

    if (n <= k || strcmp(s + n - k, suffix) != 0)
        return 0;
    *stem = n - k;
    return 1;
}

/* The name part of file base for pattern p (NULL: not p's): base ends in
 * p's suffix, with or without "-meta.xml". */
static char *
stem_of(const char *base, const struct pattern *p)
{
    char tmp[NAME_LEN + 1];
    size_t stem;

    if (strlen(base) >= sizeof(tmp))
        return NULL;
    snprintf(tmp, sizeof(tmp), "%s", base);
    if (has_suffix(tmp, "-meta.xml", &stem))
        tmp[stem] = '\0';
    if (!has_suffix(tmp, p->suffix, &stem) || stem == 0)
        return NULL;
    return xmemdup0(tmp, stem);
}

/* The last four components of rel into part[] (NULL where rel has
 * fewer), in buf. */
static void
last_parts(const char *rel, const char *part[4], char *buf, size_t size)
{
    char *slash;
    int i;

    snprintf(buf, size, "%s", rel);
    for (i = 0; i < 4; i++)
        part[i] = NULL;
    for (i = 3; i >= 0; i--) {
        if ((slash = strrchr(buf, '/')) == NULL) {
            part[i] = buf;
            return;
        }
        part[i] = slash + 1;
        *slash = '\0';
    }
}

/* Whether the directories around the file fit pattern p, the file's stem
 * being stem. */
static int
placed(const struct pattern *p, const char *const part[4], const char *stem)
{
    if (!p->in_object)
        return part[2] != NULL && strcmp(part[2], p->dir) == 0;
    if (p->dir != NULL) /* objects/<Object>/<dir>/<file> */
        return part[2] != NULL && strcmp(part[2], p->dir) == 0 &&
               part[0] != NULL && strcmp(part[0], "objects") == 0;
    /* objects/<Object>/<Object>.object-meta.xml */
    return part[2] != NULL && strcmp(part[2], stem) == 0 && part[1] != NULL &&
           strcmp(part[1], "objects") == 0;
}

/* Matches rel against the patterns into f; 0, or -1 when not read. */
static int
classify(const char *rel, struct md_file *f)
{
    const char *part[4];
    char buf[PATH_MAX_LEN];
    const struct pattern *p;
    char *stem;

    memset(f, 0, sizeof(*f));
    last_parts(rel, part, buf, sizeof(buf));
    for (p = patterns; p->suffix != NULL; p++) {
        if (part[3] == NULL || (stem = stem_of(part[3], p)) == NULL)
            continue;
        if (placed(p, part, stem)) {
            f->pat = p;
            f->name = stem;
            f->object =
                xstrdup(p->in_object && p->dir != NULL ? part[1] : stem);
            f->rel = xstrdup(rel);
            return 0;
        }
        free(stem);
    }
    return -1;
}

static void
file_free(struct md_file *f)
{
    free(f->rel);
    free(f->object);
    free(f->name);
}

static void walk_bound(struct walker *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Reports a bound of the walk the first time one is reached. */
static void
walk_bound(struct walker *w, const char *fmt, ...)
{
    va_list ap;

    if (!w->over) {
        va_start(ap, fmt);
        vproblem(w->rep, ".", 0, 0, fmt, ap);
        va_end(ap);
    }
    w->over = 1;
}

static void
add_file(struct walker *w, const char *rel)
{
    struct md_file f;

    if (strncmp(rel, "objects/PersonAccount/", 22) == 0 ||
        strstr(rel, "/objects/PersonAccount/") != NULL)
        w->person_accounts = 1;
    if (classify(rel, &f) == -1)
        return;
    if (w->nfiles == METADATA_MAX_FILES) {
        walk_bound(w, "more than %zu metadata files; the rest are not read",
                   (size_t)METADATA_MAX_FILES);
        file_free(&f);
        return;
    }
    if (w->nfiles == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->files = xreallocarray(w->files, w->cap, sizeof(*w->files));
    }
    w->files[w->nfiles++] = f;
}

static void walk_dir(struct walker *w, const char *rel, int depth);

static void
walk_entry(struct walker *w, const char *rel, int depth)
{
    char full[PATH_MAX_LEN];
    struct stat st;

    if ((size_t)snprintf(full, sizeof(full), "%s/%s", w->root, rel) >=
            sizeof(full) ||
        lstat(full, &st) == -1 || S_ISLNK(st.st_mode))
        return;
    if (S_ISDIR(st.st_mode))
        walk_dir(w, rel, depth + 1);
    else if (S_ISREG(st.st_mode))
        add_file(w, rel);
}

static void
walk_dir(struct walker *w, const char *rel, int depth)
{
    char full[PATH_MAX_LEN], sub[PATH_MAX_LEN];
    struct dirent *e;
    DIR *d;

    if (depth > METADATA_MAX_DEPTH) {
        walk_bound(w,
                   "the tree is deeper than %zu directories; deeper ones are "
                   "not read",
                   (size_t)METADATA_MAX_DEPTH);
        return;
    }
    snprintf(full, sizeof(full), "%s%s%s", w->root, *rel ? "/" : "", rel);
    if ((d = opendir(full)) == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (++w->entries > METADATA_MAX_ENTRIES) {
            walk_bound(w,
                       "more than %zu directory entries; the rest are not "
                       "read",
                       (size_t)METADATA_MAX_ENTRIES);
            break;
        }
        if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
                             e->d_name) >= sizeof(sub))
            continue;
        walk_entry(w, sub, depth);
    }
    closedir(d);
}

/* Reading order: the pattern's place in the table, then the path. */
static int
file_cmp(const void *a, const void *b)
{
    const struct md_file *x = a, *y = b;

    if (x->pat != y->pat)
        return x->pat < y->pat ? -1 : 1;
    return strcmp(x->rel, y->rel);
}

/* ---- reading the files -----------------------------------------------------
 */

/* 1 when f belongs to a custom object the metadata read declares; 0,
 * reported, when it belongs to one whose object file is not in the tree
 * (a custom setting's or custom metadata type's file would be). */
static int
orphan(struct md *m, const struct md_file *f)
{
    const char *o = f->object;
    size_t n = strlen(o);

    if (md_custom_object(m, o) || json_object_get(m->settings, o) != NULL)
        return 1;
    if (json_object_get(m->list_settings, o) != NULL || /* not read */
        json_object_get(m->unread_objects, o) != NULL)  /* reported */
        return 0;
    if (n > 3 && strcasecmp(o + n - 3, "__c") == 0) {
        md_problem(m, f->rel, 0, 0,
                   "not read, nor the other fields, rules and record types "
                   "of custom object %s: the tree has no "
                   "objects/%s/%s.object-meta.xml or objects/%s.object",
                   o, o, o, o);
        json_object_set_new(m->unread_objects, o, json_true());
    }
    return 0;
}

/* Whether f is worth parsing, given what is known so far. */
static int
wanted(struct md *m, const struct md_file *f)
{
    const char *o = f->object;
    char ref[NAME_LEN + 32];
    size_t n = strlen(o);
    int data = md_data_object(o) || strcasecmp(o, "User") == 0;

    switch (f->pat->kind) {
    case MK_OBJECT:
    case MK_OBJECT_FILE:
        return data || (n > 3 && strcasecmp(o + n - 3, "__c") == 0) ||
               (n > 5 && strcasecmp(o + n - 5, "__mdt") == 0);
    case MK_FIELD:
        return data || json_object_get(m->settings, o) != NULL ||
               (n > 5 && strcasecmp(o + n - 5, "__mdt") == 0) || orphan(m, f);
    case MK_RECORD_TYPE:
    case MK_VRULE: return md_data_object(o) || orphan(m, f);
    case MK_MATCHING: return md_data_object(o);
    case MK_DUPLICATE: return 1; /* the object is checked with the name */
    case MK_PERMISSION:
        snprintf(ref, sizeof(ref), "$permission.%s", f->name);
        return md_referenced(m, ref);
    case MK_CMDT: return 1; /* the type is checked with the name */
    default: return 1;
    }
}

/* The file's bytes (caller frees), or NULL with a report. */
static char *
read_file(struct walker *w, const struct md_file *f, size_t *len, size_t *total)
{
    char full[PATH_MAX_LEN], *buf = NULL;
    struct stat st;
    ssize_t got;
    size_t off = 0;
    int fd;

    snprintf(full, sizeof(full), "%s/%s", w->root, f->rel);
    if ((fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
        fstat(fd, &st) == -1) {
        report_add(w->rep, f->rel, 0, 0, strerror(errno));
        goto out;
    }
    if ((size_t)st.st_size > METADATA_MAX_FILE ||
        (size_t)st.st_size > METADATA_MAX_TOTAL - *total) {
        md_problem(w->m, f->rel, 0, 0,
                   "larger than %u bytes (or past the %u bytes read in "
                   "all); not read",
                   METADATA_MAX_FILE, METADATA_MAX_TOTAL);
        goto out;
    }
    buf = xmalloc((size_t)st.st_size + 1);
    while (off < (size_t)st.st_size &&
           (got = read(fd, buf + off, (size_t)st.st_size - off)) > 0)
        off += (size_t)got;
    *len = off;
    *total += off;
out:
    if (fd != -1)
        close(fd);
    return buf;
}

/* The object and name a file called "Object.Name" holds (duplicate rules,
 * custom metadata records); -1 when it has no dot. */
static int
split_dotted(const char *stem, char *object, size_t on, const char **name)
{
    const char *dot = strchr(stem, '.');

    if (dot == NULL || dot == stem || dot[1] == '\0' ||
        (size_t)(dot - stem) >= on)
        return -1;
    memcpy(object, stem, (size_t)(dot - stem));
    object[dot - stem] = '\0';
    *name = dot + 1;
    return 0;
}

static void
dispatch_dotted(struct md *m, const struct md_file *f,
                const struct xmlread_node *root)
{
    char object[NAME_LEN + 8], type[NAME_LEN + 16], ref[NAME_LEN + 40];
    const char *name;

    if (split_dotted(f->name, object, sizeof(object), &name) == -1) {
        md_problem_at(m, f->rel, root, "the file name should be Object.Name.%s",
                      f->pat->suffix + 1);
        return;
    }
    if (f->pat->kind == MK_DUPLICATE) {
        if (md_data_object(object))
            md_read_duplicate_rule(m, f->rel, object, name, root);
        return;
    }
    snprintf(type, sizeof(type), "%s__mdt", object);
    snprintf(ref, sizeof(ref), "$custommetadata.%s", type);
    if (md_referenced(m, ref))
        md_read_cmdt(m, f->rel, type, name, root);
}

static void
dispatch(struct md *m, const struct md_file *f, const struct xmlread_node *root)
{
    switch (f->pat->kind) {
    case MK_VALUE_SET: md_read_value_set(m, f->rel, f->name, root); break;
    case MK_OBJECT:
    case MK_OBJECT_FILE: md_read_object(m, f->rel, f->object, root); break;
    case MK_FIELD: md_read_field(m, f->rel, f->object, root); break;
    case MK_RECORD_TYPE: md_read_record_type(m, f->rel, f->object, root); break;
    case MK_VRULE: md_read_vrule(m, f->rel, f->object, root); break;
    case MK_MATCHING: md_read_matching_rules(m, f->rel, f->object, root); break;
    case MK_PERMISSION: md_read_permission(m, f->rel, f->name); break;
    case MK_LABELS: md_read_labels(m, f->rel, root); break;
    case MK_DUPLICATE:
    case MK_CMDT: dispatch_dotted(m, f, root); break;
    }
}

/* Parses one file's bytes and hands its root to its reader. */
static void
read_one(struct walker *w, const struct md_file *f, const char *buf, size_t len)
{
    struct xmlread_error err;
    struct xmlread_node *root;

    w->rep->files++;
    if ((root = xmlread_parse(buf, len, NULL, &err)) == NULL) {
        md_problem(w->m, f->rel, err.line, err.column, "not read: %s",
                   err.message);
        return;
    }
    if (strcmp(root->name, f->pat->root) != 0 ||
        (root->ns != NULL && strcmp(root->ns, MD_NS) != 0))
        md_problem_at(w->m, f->rel, root,
                      "not read: the root element is <%s>%s%s%s, not <%s> "
                      "in " MD_NS,
                      root->name, root->ns ? " in " : "",
                      root->ns ? root->ns : "", "", f->pat->root);
    else
        dispatch(w->m, f, root);
    xmlread_free(root);
}

static void
read_files(struct walker *w)
{
    size_t i, len = 0, total = 0;
    char *buf;

    if (w->nfiles > 1) /* files is NULL when there are none */
        qsort(w->files, w->nfiles, sizeof(*w->files), file_cmp);
    for (i = 0; i < w->nfiles; i++) {
        const struct md_file *f = &w->files[i];

        if (!wanted(w->m, f))
            continue;
        if (f->buf != NULL) {
            read_one(w, f, f->buf, f->len);
            continue;
        }
        if ((buf = read_file(w, f, &len, &total)) == NULL)
            continue;
        read_one(w, f, buf, len);
        free(buf);
    }
}

/* ---- the org JSON -----------------------------------------------------------
 */

/* The lists the importer fills, in the order they are written. */
static const char *const sections[] = {
    "custom_objects",  "custom_fields",      "record_types",
    "custom_settings", "custom_permissions", "labels",
    "custom_metadata", "validation_rules",   "matching_rules",
    "duplicate_rules",
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))
/* The first seven are the objects and what formulas read; the last three
 * the rules. */
#define NCONTEXT 7
/* Custom objects are sections[0]; their fields and record types items of
 * these sections, nested into them. */
#define SEC_OBJECTS 0
static const char *const nested[] = {"object_fields", "object_record_types"};
static const char *const nested_key[] = {"fields", "record_types"};
#define NNESTED 2

/* An org JSON document and, for each section, which item each entry came
 * from (NULL: the base org). */
struct built {
    json_t *doc;
    struct md_item **origin[NSECTIONS];
    size_t norigin[NSECTIONS];
    /* custom_objects[object].fields[at] (kind 0) or .record_types[at]
     * (kind 1) came from item */
    struct nested_origin {
        size_t object, kind, at;
        struct md_item *item;
    } * inner;
    size_t ninner;
};

static const char *
jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s != NULL ? s : "";
}

/* What identifies entry e of section sec (as readers key their items). */
static void
entry_key(size_t sec, json_t *e, char *out, size_t n)
{
    if (json_is_string(e))
        snprintf(out, n, "%s", json_string_value(e));
    else if (strcmp(sections[sec], "custom_fields") == 0 ||
             strcmp(sections[sec], "validation_rules") == 0 ||
             strcmp(sections[sec], "record_types") == 0)
        snprintf(out, n, "%s.%s", jstr(e, "object"), jstr(e, "name"));
    else if (strcmp(sections[sec], "custom_metadata") == 0)
        snprintf(out, n, "%s.%s", jstr(e, "type"), jstr(e, "record"));
    else
        snprintf(out, n, "%s", jstr(e, "name"));
}

static void
origin_add(struct built *b, size_t sec, struct md_item *it)
{
    b->origin[sec] = xreallocarray(b->origin[sec], b->norigin[sec] + 1,
                                   sizeof(*b->origin[sec]));
    b->origin[sec][b->norigin[sec]++] = it;
}

/* The item of section sec with key, or NULL. */
static struct md_item *
item_with_key(struct md *m, size_t sec, const char *key)
{
    size_t i;

    for (i = 0; i < m->nitems; i++)
        if (!m->items[i].dropped &&
            strcmp(m->items[i].section, sections[sec]) == 0 &&
            strcasecmp(m->items[i].key, key) == 0)
            return &m->items[i];
    return NULL;
}

/* A custom setting from the metadata keeps the base org's values. */
static json_t *
merged_setting(json_t *base, json_t *item)
{
    static const char *const keep[] = {"values", "profiles", "users", NULL};
    json_t *out = json_deep_copy(item), *v;
    size_t i;

    for (i = 0; keep[i] != NULL; i++)
        if ((v = json_object_get(base, keep[i])) != NULL)
            json_object_set(out, keep[i], v);
    return out;
}

/* The base org's entry of section sec with key, or NULL. */
static json_t *
base_with_key(json_t *base, size_t sec, const char *key)
{
    char k[1024];
    json_t *e;
    size_t i;

    json_array_foreach(json_object_get(base, sections[sec]), i, e) {
        entry_key(sec, e, k, sizeof(k));
        if (strcasecmp(k, key) == 0)
            return e;
    }
    return NULL;
}

/* The nested items of the custom object item obj (its fields, its record
 * types) into its entry e, the object's index in the section being at. */
static void
nest_items(struct md *m, const struct md_item *obj, json_t *e, size_t at,
           struct built *b)
{
    size_t i, kind, len = strlen(obj->key);
    struct md_item *it;
    json_t *arr, *j;

    for (kind = 0; kind < NNESTED; kind++) {
        arr = json_array();
        for (i = 0; i < m->nitems; i++) {
            it = &m->items[i];
            if (it->dropped || strcmp(it->section, nested[kind]) != 0 ||
                strncasecmp(it->key, obj->key, len) != 0 ||
                it->key[len] != '.' ||
                (m->skeleton && json_object_get(it->json, "formula") != NULL))
                continue;
            j = json_deep_copy(it->json);
            json_object_del(j, "object");
            json_array_append_new(arr, j);
            b->inner =
                xreallocarray(b->inner, b->ninner + 1, sizeof(*b->inner));
            b->inner[b->ninner++] =
                (struct nested_origin){at, kind, json_array_size(arr) - 1, it};
        }
        if (json_array_size(arr) > 0)
            json_object_set_new(e, nested_key[kind], arr);
        else
            json_decref(arr);
    }
}

/* Section sec of the document: the base org's entries that no item
 * replaces, then the items. */
static void
build_section(struct md *m, json_t *base, size_t sec, struct built *b)
{
    json_t *arr = json_array(), *e, *old;
    struct md_item *it;
    char key[1024];
    size_t i;

    json_array_foreach(json_object_get(base, sections[sec]), i, e) {
        entry_key(sec, e, key, sizeof(key));
        if (item_with_key(m, sec, key) != NULL)
            continue;
        json_array_append(arr, e);
        origin_add(b, sec, NULL);
    }
    for (i = 0; i < m->nitems; i++) {
        it = &m->items[i];
        if (it->dropped || strcmp(it->section, sections[sec]) != 0)
            continue;
        old = strcmp(sections[sec], "custom_settings") == 0
                  ? base_with_key(base, sec, it->key)
                  : NULL;
        e = old != NULL ? merged_setting(old, it->json)
                        : json_deep_copy(it->json);
        if (sec == SEC_OBJECTS)
            nest_items(m, it, e, json_array_size(arr), b);
        json_array_append_new(arr, e);
        origin_add(b, sec, it);
    }
    /* Anew, so that the sections come in their order (objects first). */
    json_object_del(b->doc, sections[sec]);
    json_object_set_new(b->doc, sections[sec], arr);
}

static void
built_free(struct built *b)
{
    size_t i;

    json_decref(b->doc);
    for (i = 0; i < NSECTIONS; i++)
        free(b->origin[i]);
    free(b->inner);
    memset(b, 0, sizeof(*b));
}

/* The base org with the items of the first nsec sections over it. */
static void
build(struct md *m, json_t *base, size_t nsec, struct built *b)
{
    size_t i;

    memset(b, 0, sizeof(*b));
    b->doc = base != NULL ? json_deep_copy(base) : json_object();
    if (m->person_accounts)
        json_object_set_new(b->doc, "person_accounts", json_true());
    for (i = 0; i < nsec; i++)
        build_section(m, base, i, b);
}

/* ---- proving the org JSON by loading it ------------------------------------
 */

#define LOAD_LABEL "metadata"

/* The nested item "].fields[N]" or "].record_types[N]" after object
 * index obj names, or NULL. */
static struct md_item *
blame_nested(const struct built *b, size_t obj, const char *p)
{
    size_t kind, i, n;
    unsigned long at;

    for (kind = 0; kind < NNESTED; kind++) {
        n = strlen(nested_key[kind]);
        if (strncmp(p, "].", 2) != 0 ||
            strncmp(p + 2, nested_key[kind], n) != 0 || p[2 + n] != '[')
            continue;
        at = strtoul(p + 3 + n, NULL, 10);
        for (i = 0; i < b->ninner; i++)
            if (b->inner[i].object == obj && b->inner[i].kind == kind &&
                b->inner[i].at == at)
                return b->inner[i].item;
    }
    return NULL;
}

/*
 * The item an org loader error names ("metadata:L:C: custom_fields[3].
 * formula: ..."), with *msg pointing at what is wrong; NULL when the
 * error is about the base org or names no entry.
 */
static struct md_item *
blame(const struct built *b, const char *err, const char **msg)
{
    const char *p = err;
    struct md_item *it;
    char section[64], *end;
    unsigned long idx;
    size_t i, n;
    int colons = 0;

    while (*p != '\0' && colons < 3)
        if (*p++ == ':')
            colons++;
    while (*p == ' ')
        p++;
    n = strcspn(p, "[:");
    if (colons < 3 || p[n] != '[' || n >= sizeof(section))
        return NULL;
    memcpy(section, p, n);
    section[n] = '\0';
    idx = strtoul(p + n + 1, &end, 10);
    *msg = strstr(p, ": ") != NULL ? strstr(p, ": ") + 2 : p;
    for (i = 0; i < NSECTIONS; i++)
        if (strcmp(sections[i], section) == 0) {
            if (i == SEC_OBJECTS && (it = blame_nested(b, idx, end)) != NULL)
                return it;
            return idx < b->norigin[i] ? b->origin[i][idx] : NULL;
        }
    return NULL;
}

static void
drop(struct md *m, struct md_item *it, const char *why)
{
    size_t i, k, len = strlen(it->key);

    md_problem(m, it->path, it->line, it->column, "%s not loaded: %s", it->what,
               why);
    it->dropped = 1;
    if (strcmp(it->section, sections[SEC_OBJECTS]) != 0)
        return;
    /* Its fields and record types go with it. */
    for (i = 0; i < m->nitems; i++)
        for (k = 0; k < NNESTED; k++)
            if (strcmp(m->items[i].section, nested[k]) == 0 &&
                strncasecmp(m->items[i].key, it->key, len) == 0 &&
                m->items[i].key[len] == '.')
                m->items[i].dropped = 1;
}

/*
 * Builds the first nsec sections over base and loads the result until it
 * loads, leaving out each item the loader refuses. Returns the loaded org
 * (caller frees) with its document in *doc (new reference), or NULL with
 * the base org's own error reported.
 */
static struct org *
prove(struct md *m, json_t *base, size_t nsec, json_t **doc)
{
    struct built b;
    struct sf_err err;
    struct md_item *it;
    struct org *o = NULL;
    const char *msg;
    char *text;

    *doc = NULL;
    for (;;) {
        build(m, base, nsec, &b);
        text = json_dumps(b.doc, JSON_COMPACT);
        err_clear(&err);
        o = org_load_buf(LOAD_LABEL, text, strlen(text), &err);
        free(text);
        if (o != NULL)
            break;
        if ((it = blame(&b, err.msg, &msg)) == NULL) {
            md_problem(m, ".", 0, 0, "the org does not load: %s", err.msg);
            built_free(&b);
            return NULL;
        }
        drop(m, it, msg);
        built_free(&b);
    }
    *doc = json_incref(b.doc);
    built_free(&b);
    return o;
}

/* A formula's error at its position in the file: the element's line
 * plus the formula's own line (the text starts on the element's line). */
static void
formula_problem(struct md *m, struct md_item *it,
                const struct formula_error *fe)
{
    int line = it->fline > 0 ? it->fline : it->line;

    if (fe->line > 0)
        md_problem(m, it->path, line + fe->line - 1,
                   fe->line == 1 ? it->fcolumn + fe->column - 1 : fe->column,
                   "%s not loaded: %s (formula line %d, column %d)", it->what,
                   fe->message, fe->line, fe->column);
    else
        md_problem(m, it->path, line, it->fcolumn, "%s not loaded: %s",
                   it->what, fe->message);
    it->dropped = 1;
}

/* Validation rules against the org their fields make: the formula binds,
 * the error field exists (else the error shows at the top of the page). */
static void
check_vrules(struct md *m, struct rules_check *check)
{
    struct formula_error fe;
    const char *object, *field;
    size_t i;

    for (i = 0; i < m->nitems; i++) {
        struct md_item *it = &m->items[i];

        if (it->dropped || strcmp(it->section, "validation_rules") != 0)
            continue;
        object = jstr(it->json, "object");
        if (rules_check_formula(check, object, jstr(it->json, "formula"),
                                FT_BOOLEAN, &fe) == -1) {
            formula_problem(m, it, &fe);
            continue;
        }
        field = json_string_value(json_object_get(it->json, "error_field"));
        if (field != NULL &&
            rules_check_type(check, object, field) == FT_UNKNOWN) {
            md_problem(m, it->path, it->line, it->column,
                       "%s: its error field %s is not in the org; the error "
                       "shows at the top of the page",
                       it->what, field);
            json_object_del(it->json, "error_field");
        }
    }
}

/* Checks the rules against the org of the fields and context (a). */
static void
check_rules(struct md *m, struct org *a)
{
    struct rules_check *check = rules_check_new(a);

    check_vrules(m, check);
    md_dup_conditions(m, check);
    rules_check_free(check);
}

static size_t
count_items(const struct md *m)
{
    size_t i, n = 0;

    for (i = 0; i < m->nitems; i++)
        n += !m->items[i].dropped;
    return n;
}

/*
 * What formulas read, kept to what they name: the hierarchy custom
 * settings they read ($Setup) become entries; User fields they do not
 * name are left out (a retrieve of User holds hundreds).
 */
static void
finish_context(struct md *m)
{
    char ref[600], what[600];
    const char *name;
    json_t *s, *j;
    size_t i;

    json_object_foreach(m->settings, name, s) {
        snprintf(ref, sizeof(ref), "$setup.%s", name);
        if (!md_referenced(m, ref))
            continue;
        j = json_pack("{s:s, s:O, s:O}", "name", name, "fields",
                      json_object_get(s, "fields"), "values",
                      json_object_get(s, "values"));
        snprintf(what, sizeof(what), "custom setting %s", name);
        md_add(m, "custom_settings", j, name, jstr(s, "path"), NULL, what);
    }
    for (i = 0; i < m->nitems; i++) {
        struct md_item *it = &m->items[i];

        snprintf(ref, sizeof(ref), "field:%s", jstr(it->json, "name"));
        if (strcmp(it->section, "custom_fields") == 0 &&
            strcasecmp(jstr(it->json, "object"), "User") == 0 &&
            !md_referenced(m, ref))
            it->dropped = 1;
    }
}

/* Formulas that read Person Account fields show that the org has them:
 * a rule could not have been saved otherwise. */
static int
names_person_fields(const struct md *m)
{
    static const char *const person[] = {
        "IsPersonAccount",   "PersonContactId",
        "PersonEmail",       "PersonMobilePhone",
        "PersonBirthdate",   "PersonMailingStreet",
        "PersonMailingCity", "PersonMailingPostalCode",
        "PersonHomePhone",   NULL};
    size_t i;

    for (i = 0; person[i] != NULL; i++)
        if (md_referenced(m, person[i]))
            return 1;
    return 0;
}

/* From the items read to the proved org JSON (new reference), or NULL. */
static json_t *
finish(struct md *m, json_t *base)
{
    struct org *o;
    json_t *doc = NULL;

    if (!m->person_accounts)
        m->person_accounts = names_person_fields(m);
    md_person_fields(m);
    md_named_optional_fields(m);
    md_check_references(m, base);
    md_check_relationships(m);
    finish_context(m);
    if (count_items(m) == 0) {
        md_problem(m, ".", 0, 0,
                   "nothing usable: no custom field, validation rule, "
                   "record type, matching or duplicate rule of Lead, "
                   "Contact or Account was found");
        return NULL;
    }
    /* The custom objects alone first, without their formula fields: what
     * the loader refuses there costs a small load each, not a whole
     * org's. */
    m->skeleton = 1;
    if ((o = prove(m, base, 1, &doc)) == NULL)
        return NULL;
    m->skeleton = 0;
    json_decref(doc);
    org_free(o);
    if ((o = prove(m, base, NCONTEXT, &doc)) == NULL)
        return NULL;
    json_decref(doc);
    check_rules(m, o);
    org_free(o);
    if ((o = prove(m, base, NSECTIONS, &doc)) == NULL)
        return NULL;
    org_free(o);
    if ((m->rep->components = count_items(m)) == 0) {
        md_problem(m, ".", 0, 0,
                   "nothing usable: every component found "
                   "was left out");
        json_decref(doc);
        return NULL;
    }
    return doc;
}

static json_t *
import(struct walker *w, json_t *base)
{
    struct md m;
    json_t *doc;
    size_t i;

    memset(&m, 0, sizeof(m));
    m.rep = w->rep;
    m.person_accounts = w->person_accounts;
    m.value_sets = json_object();
    m.settings = json_object();
    m.cmdt_fields = json_object();
    m.referenced = json_object();
    m.inactive_matching = json_object();
    m.list_settings = json_object();
    m.unread_objects = json_object();
    w->m = &m;
    read_files(w);
    doc = finish(&m, base);
    md_free(&m);
    for (i = 0; i < w->nfiles; i++)
        file_free(&w->files[i]);
    free(w->files);
    return doc;
}

json_t *
metadata_import(const char *dir, json_t *base, struct metadata_report *rep)
{
    struct walker w;
    struct stat st;

    memset(rep, 0, sizeof(*rep));
    memset(&w, 0, sizeof(w));
    w.root = dir;
    w.rep = rep;
    if (stat(dir, &st) == -1) {
        report_add(rep, dir, 0, 0, strerror(errno));
        return NULL;
    }
    if (!S_ISDIR(st.st_mode)) {
        report_add(rep, dir, 0, 0, "not a directory");
        return NULL;
    }
    walk_dir(&w, "", 0);
    return import(&w, base);
}

json_t *
metadata_import_buf(const char *relpath, const char *buf, size_t len,
                    json_t *base, struct metadata_report *rep)
{
    struct walker w;

    memset(rep, 0, sizeof(*rep));
    memset(&w, 0, sizeof(w));
    w.root = ".";
    w.rep = rep;
    add_file(&w, relpath);
    if (w.nfiles == 1) {
        w.files[0].buf = buf;
        w.files[0].len = len;
    } else {
        report_add(rep, relpath, 0, 0,
                   "not a path the importer reads (objects/Lead/fields/"
                   "X__c.field-meta.xml, duplicateRules/Lead.X."
                   "duplicateRule, ...)");
    }
    return import(&w, base);
}
