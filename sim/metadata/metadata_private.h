/*
 * metadata_private.h - what the metadata importer's files share.
 *
 * metadata.c walks the directory, parses each file, hands its tree to a
 * reader and builds the org JSON; metadata_obj.c reads objects, fields,
 * validation rules, record types and global value sets; metadata_dup.c
 * duplicate and matching rules; metadata_ctx.c labels, custom permissions
 * and custom metadata records. A reader turns a component into an org
 * JSON entry with md_add(), or reports why it cannot with md_problem().
 */
#ifndef SIM_METADATA_PRIVATE_H
#define SIM_METADATA_PRIVATE_H

#include <jansson.h>

#include "fieldtype.h"
#include "metadata.h"
#include "xmlread.h"

struct rules_check;

/* One component on its way into the org JSON. */
struct md_item {
    const char *section; /* the org JSON list it goes in */
    json_t *json;        /* the entry; owned */
    char *key;           /* what identifies it in that list */
    char *path;          /* where it came from */
    int line, column;
    char *what;    /* "validation rule Lead.Phone_10" */
    json_t *extra; /* a reader's notes for later (a duplicate rule's filter) */
    int fline, fcolumn; /* where its formula's element starts, or 0 */
    int dropped;
};

/* One import. */
struct md {
    struct metadata_report *rep;
    struct md_item *items;
    size_t nitems, capitems;
    json_t *value_sets;  /* global value set name -> {"values", "default"} */
    json_t *settings;    /* hierarchy custom setting -> {"fields", "values"} */
    json_t *cmdt_fields; /* "Type__mdt" -> {"Field__c": "type"} */
    json_t *referenced;  /* names formulas use: "$label.x", "$setup.s", ... */
    json_t *inactive_matching; /* matching rule name -> its ruleStatus */
    json_t *list_settings;     /* list custom settings read: name -> true */
    json_t *unread_objects;    /* custom objects left out, reported once */
    int person_accounts;       /* the metadata shows Person Accounts */
    int skeleton; /* custom objects are written without formula fields */
};

/* Reports a problem at path:line:column. */
void md_problem(struct md *m, const char *path, int line, int column,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* md_problem() at a node's position. */
void md_problem_at(struct md *m, const char *path,
                   const struct xmlread_node *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/*
 * Adds entry (stolen) to section, identified by key (case-insensitive;
 * a later one replaces an earlier one, with a report), from path at
 * node at, described by what. Returns the item (owned by m).
 */
struct md_item *md_add(struct md *m, const char *section, json_t *entry,
                       const char *key, const char *path,
                       const struct xmlread_node *at, const char *what);

/* 1 when section has a (not dropped) item with key. */
int md_item_exists(const struct md *m, const char *section, const char *key);
/* Text helpers: a child's text, trimmed, or NULL; a child as a Boolean
 * ("true"), with dflt when absent. */
const char *md_text(const struct xmlread_node *n, const char *name);
int md_bool(const struct xmlread_node *n, const char *name, int dflt);
/* 1 when the object is one whose records the sim keeps. */
int md_data_object(const char *object);

/* metadata_obj.c */
void md_read_value_set(struct md *m, const char *path, const char *name,
                       const struct xmlread_node *root);
void md_read_object(struct md *m, const char *path, const char *object,
                    const struct xmlread_node *root);
void md_read_field(struct md *m, const char *path, const char *object,
                   const struct xmlread_node *field);
void md_read_vrule(struct md *m, const char *path, const char *object,
                   const struct xmlread_node *rule);
void md_read_record_type(struct md *m, const char *path, const char *object,
                         const struct xmlread_node *rt);
/* Contact fields as Account __pc fields, once Person Accounts are known. */
void md_person_fields(struct md *m);
/* The optional standard fields (CurrencyIsoCode, MiddleName, ...) rules
 * name, declared. */
void md_named_optional_fields(struct md *m);

/* metadata_cobj.c */
/* A custom object's file (not a custom setting's) as a "custom_objects"
 * item; its fields and record types are "object_fields" and
 * "object_record_types" items, keyed "Object.Name", that metadata.c
 * nests into it. */
void md_read_custom_object(struct md *m, const char *path, const char *object,
                           const struct xmlread_node *root);
void md_read_object_record_type(struct md *m, const char *path,
                                const char *object, const char *name,
                                const struct xmlread_node *rt);
/* 1 when object is a custom object the metadata read declares. */
int md_custom_object(const struct md *m, const char *object);
/* Leaves out (reported, naming the first) each reference field whose
 * child relationship name its parent object already has. */
void md_check_relationships(struct md *m);
/* Leaves out (reported) each reference field whose object is neither the
 * sim's, nor one the metadata read or base (the org file's JSON, or
 * NULL) declares: a retrieve often lacks a package's objects, and the
 * loader would refuse them one at a time. */
void md_check_references(struct md *m, json_t *base);

/* metadata_dup.c */
void md_read_duplicate_rule(struct md *m, const char *path, const char *object,
                            const char *name, const struct xmlread_node *root);
void md_read_matching_rules(struct md *m, const char *path, const char *object,
                            const struct xmlread_node *root);
/* Turns duplicate rules' filters into "conditions" formulas, with the
 * fields' types from check; a filter it cannot write drops its rule. */
void md_dup_conditions(struct md *m, struct rules_check *check);

/* metadata_ctx.c */
void md_read_labels(struct md *m, const char *path,
                    const struct xmlread_node *root);
void md_read_permission(struct md *m, const char *path, const char *name);
void md_read_cmdt(struct md *m, const char *path, const char *type,
                  const char *record, const struct xmlread_node *root);
/* Remembers the names formulas text uses ($Label.X, $Setup.S.F, ...),
 * so that only those are loaded, and (object not NULL) which object's
 * formula used them ("Lead/MiddleName"); md_referenced() is 1 when name
 * (compared without case) is one. */
void md_note_formula(struct md *m, const char *object, const char *text);
int md_referenced(const struct md *m, const char *name);

#endif
