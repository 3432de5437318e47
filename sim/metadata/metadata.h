/*
 * metadata.h - Salesforce metadata (what `sf project retrieve start` or
 * the Metadata API writes) read into sfsim's org JSON.
 *
 * A directory tree in source format (objects/Lead/fields/NAME.field-meta.xml,
 * objects/Lead/validationRules/..., duplicateRules/..., matchingRules/...)
 * or Metadata API format (objects/Lead.object, *.duplicateRule, ...), or
 * both, is read for Lead, Contact and Account (Person Account fields
 * included): custom fields, validation rules, record types, duplicate and
 * matching rules; and for what their formulas read: User custom fields,
 * hierarchy custom settings, custom permissions, custom labels, custom
 * metadata records, global value sets. The result is org JSON (org.h)
 * over a base org, so that what the sim runs is exactly what
 * --import-metadata prints.
 *
 * Every file or component that cannot be used is reported with its path,
 * line and column and what is wrong, and left out; the rest is used. A
 * formula the engine cannot run is reported with the function or field
 * it lacks and where. Files are parsed with xmlread.h, bounded in size
 * and depth, and the walk is bounded in depth, entries and files.
 */
#ifndef SIM_METADATA_H
#define SIM_METADATA_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* Bounds of a walk (README "Limits"). */
#define METADATA_MAX_DEPTH 16        /* directory levels under the root */
#define METADATA_MAX_ENTRIES 1000000 /* directory entries looked at */
#define METADATA_MAX_FILES 50000     /* metadata files read */
#define METADATA_MAX_FILE (16u * 1024 * 1024)   /* bytes of one file */
#define METADATA_MAX_TOTAL (512u * 1024 * 1024) /* bytes read in all */

/* One thing that could not be used, or was used only in part. */
struct metadata_problem {
    char *path; /* relative to the directory read */
    int line, column;
    char *message;
};

struct metadata_report {
    struct metadata_problem *v;
    size_t n, cap;
    size_t files;      /* metadata files read */
    size_t components; /* fields, rules, ... that went into the org */
};

/*
 * Reads the metadata under dir over base (the org file's JSON, borrowed;
 * NULL: the built-in default org) and returns the org JSON to load (a new
 * reference), or NULL when nothing usable was found or the result does
 * not load. Problems go into rep (which the caller frees with
 * metadata_report_free()); a fatal one is the last.
 */
json_t *metadata_import(const char *dir, json_t *base,
                        struct metadata_report *rep);

/*
 * metadata_import() of one file's len bytes, as if it were at relpath
 * under an empty directory (fuzzing, tests).
 */
json_t *metadata_import_buf(const char *relpath, const char *buf, size_t len,
                            json_t *base, struct metadata_report *rep);

/* Writes each problem as "dir/path:line:column: message" lines to fp. */
void metadata_report_print(const struct metadata_report *rep, const char *dir,
                           FILE *fp);
void metadata_report_free(struct metadata_report *rep);

#endif
