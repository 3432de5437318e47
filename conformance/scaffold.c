/*
 * scaffold.c - a new support scenario from a template (see scaffold.h).
 */
#include "scaffold.h"

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "xmalloc.h"

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define SCAFFOLD_CAP 5          /* the template org's Web-to-Lead daily limit */
#define SCAFFOLD_LEADS 4        /* leads per deliver step */
#define SCAFFOLD_BUDGET 1000000 /* a client without a budget */

int
scaffold_mkdir(const char *parent, const char *name, char *out, size_t n,
               struct sf_err *err)
{
    size_t len = strlen(name);

    if (len == 0 || len > SCAFFOLD_NAME_MAX || name[0] == '.' ||
        strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789._-") != len) {
        err_set(err,
                "%s: a scenario name is 1..%d of A-Z a-z 0-9 . _ - and "
                "does not start with '.'",
                name, SCAFFOLD_NAME_MAX);
        return -1;
    }
    if (snprintf(out, n, "%s/%s", parent, name) >= (int)n) {
        err_set(err, "%s/%s: path too long", parent, name);
        return -1;
    }
    if (mkdir(out, 0755) == -1) {
        err_set(err, "%s: %s%s", out, strerror(errno),
                errno == EEXIST ? " (never overwritten: choose another "
                                  "name or remove it)"
                                : "");
        return -1;
    }
    return 0;
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void
scaffold_remove(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Opens dir/file for writing, failing if it exists. */
static FILE *
create(const char *dir, const char *file, struct sf_err *err)
{
    char path[PATH_MAX];
    FILE *fp = NULL;

    if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path) ||
        (fp = fopen(path, "wx")) == NULL)
        err_set(err, "%s/%s: %s", dir, file,
                fp == NULL ? strerror(errno) : "path too long");
    return fp;
}

static int
finish(FILE *fp, const char *dir, const char *file, int rc, struct sf_err *err)
{
    if (fclose(fp) != 0 || rc != 0) {
        err_set(err, "%s/%s: cannot write", dir, file);
        return -1;
    }
    return 0;
}

int
scaffold_write_json(const char *dir, const char *file, json_t *doc,
                    struct sf_err *err)
{
    FILE *fp = create(dir, file, err);
    int rc;

    if (fp == NULL)
        return -1;
    rc = json_dumpf(doc, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    rc |= fputc('\n', fp) == EOF;
    return finish(fp, dir, file, rc, err);
}

int
scaffold_write_ndjson(const char *dir, const char *file, json_t *leads,
                      struct sf_err *err)
{
    FILE *fp = create(dir, file, err);
    json_t *l;
    size_t i;
    int rc = 0;

    if (fp == NULL)
        return -1;
    json_array_foreach(leads, i, l) {
        rc |= json_dumpf(l, fp, JSON_COMPACT | JSON_PRESERVE_ORDER);
        rc |= fputc('\n', fp) == EOF;
    }
    return finish(fp, dir, file, rc, err);
}

/* --- the template ---------------------------------------------------- */

static json_t *
template_org(void)
{
    return json_pack("{s:s, s:s, s:s, s:{s:s, s:b}, s:{s:i}}", "name",
                     "customer org", "edition", "Enterprise", "org_id",
                     "00D000000000001", "clock", "start",
                     "2026-03-06T09:00:00Z", "frozen", 1, "web_to_lead",
                     "daily_limit", SCAFFOLD_CAP);
}

/* The customer's platform as most tickets describe it: a Web-to-Lead post
 * per lead, no budget; with budget = the cap, the fix. */
static json_t *
template_buyer(json_int_t budget)
{
    return json_pack(
        "{s:s, s:{s:s, s:s, s:i}, s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s}, "
        "s:{s:i, s:i}, s:{s:I}}",
        "name", "customer-w2l", "delivery", "url",
        "${SIM_URL}/servlet/servlet.WebToLead?encoding=UTF-8", "content_type",
        "application/x-www-form-urlencoded", "timeout_ms", 10000, "mapping",
        "first_name", "first_name", "last_name", "last_name", "email", "email",
        "company", "company", "static_fields", "oid", "00D000000000001",
        "lead_source", "Vendor", "retry", "max_retries", 3, "backoff_ms", 10,
        "web_to_lead", "daily_budget", budget);
}

static json_t *
template_leads(int first)
{
    json_t *a = json_array();
    char id[32], last[32], email[64];
    int i;

    for (i = first; i < first + SCAFFOLD_LEADS; i++) {
        snprintf(id, sizeof(id), "L-%d", i);
        snprintf(last, sizeof(last), "Customer%d", i);
        snprintf(email, sizeof(email), "c%d@example.com", i);
        json_array_append_new(a,
                              json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id,
                                        "first_name", "Pat", "last_name", last,
                                        "email", email, "company", "Acme"));
    }
    return a;
}

static json_t *
template_case(const char *name)
{
    char *id;
    json_t *c;

    id = xasprintf("report.%s", name);
    c = json_pack(
        "{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:[{s:s}, {s:s, s:i}, "
        "{s:s, s:s}], s:[{s:s}, {s:s, s:s, s:i}]}",
        "id", id, "title", "TODO: the ticket's subject", "level", "MUST",
        "checks",
        "Every lead the client reports delivered is stored in Salesforce.",
        "timeout_ms", 30000, "ticket",
        "TODO: the customer's words, e.g. \"We sent 8 leads this morning, "
        "Salesforce shows 5, and our log says every one got a 200.\"",
        "explanation",
        "TODO: what the replay shows. As scaffolded: the org's Web-to-Lead "
        "daily limit is 5; the client posts 4 leads, an hour later 4 more; "
        "Salesforce answers every post 200 but stores only the first 5 "
        "(the journal marks the rest dropped_daily_limit). Replay with "
        "--fix to see the client that keeps a budget.",
        "steps", "do", "deliver", "do", "advance_clock", "seconds", 3600, "do",
        "deliver", "leads", "leads-2.ndjson", "expect", "check",
        "outcomes_truthful", "check", "journal", "verdict",
        "dropped_daily_limit", "count", 0);
    free(id);
    return c;
}

/* Writes the template's files into dir. */
static int
scaffold_files(const char *dir, const char *name, struct sf_err *err)
{
    char fix[PATH_MAX];
    json_t *docs[6];
    int rc = -1, i;

    docs[0] = template_case(name);
    docs[1] = template_org();
    docs[2] = template_buyer(SCAFFOLD_BUDGET);
    docs[3] = template_leads(1);
    docs[4] = template_leads(1 + SCAFFOLD_LEADS);
    docs[5] = template_buyer(SCAFFOLD_CAP);
    if (snprintf(fix, sizeof(fix), "%s/fix", dir) >= (int)sizeof(fix)) {
        err_set(err, "%s: path too long", dir);
        goto out;
    }
    if (scaffold_write_json(dir, "case.json", docs[0], err) == -1 ||
        scaffold_write_json(dir, "org.json", docs[1], err) == -1 ||
        scaffold_write_json(dir, "buyer.json", docs[2], err) == -1 ||
        scaffold_write_ndjson(dir, "leads.ndjson", docs[3], err) == -1 ||
        scaffold_write_ndjson(dir, "leads-2.ndjson", docs[4], err) == -1)
        goto out;
    if (mkdir(fix, 0755) == -1) {
        err_set(err, "%s: %s", fix, strerror(errno));
        goto out;
    }
    rc = scaffold_write_json(fix, "buyer.json", docs[5], err);
out:
    for (i = 0; i < 6; i++)
        json_decref(docs[i]);
    return rc;
}

int
scaffold_main(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *parent = ".";
    char dir[PATH_MAX];
    struct sf_err err;
    int c;

    err_clear(&err);
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': parent = optarg; break;
        case 'h':
            printf("usage: sfconform scaffold NAME [--dir DIR]\n");
            return EXIT_OK;
        default: goto usage;
        }
    }
    if (optind != argc - 1)
        goto usage;
    if (scaffold_mkdir(parent, argv[optind], dir, sizeof(dir), &err) == -1 ||
        (scaffold_files(dir, argv[optind], &err) == -1 &&
         (scaffold_remove(dir), 1))) {
        log_warnx("scaffold: %s", err.msg);
        return EXIT_FAIL;
    }
    printf("%s: a scenario; edit its case.json (ticket, explanation), "
           "org.json, buyer.json and leads, then:\n  sfconform replay %s\n",
           dir, dir);
    return EXIT_OK;
usage:
    fprintf(stderr, "usage: sfconform scaffold NAME [--dir DIR]\n");
    return EXIT_USAGE;
}
