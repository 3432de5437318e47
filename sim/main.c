/*
 * main.c - sfsim: command line, signals, start, the ready line.
 *
 * Exit status: 0 after a clean shutdown (SIGINT/SIGTERM), 1 when the server
 * cannot start, 2 for bad usage or a bad org file.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "httpd.h"
#include "journal.h"
#include "log.h"
#include "metadata.h"
#include "org.h"
#include "parse.h"
#include "sim.h"
#include "snapshot.h"
#include "tls.h"
#include "version.h"
#include "xmalloc.h"

#define ALLOW_HOST_MAX 32

enum opt_id {
    OPT_PORT = 'p',
    OPT_BIND = 'b',
    OPT_ORG = 'o',
    OPT_HELP = 'h',
    OPT_VERSION = 'V',
    OPT_VERBOSE = 'v',
    OPT_JOURNAL = 256,
    OPT_JOURNAL_SIZE,
    OPT_JOURNAL_BODY,
    OPT_MAX_BODY,
    OPT_SEED,
    OPT_CHECK,
    OPT_ALLOW_HOST,
    OPT_ORG_METADATA,
    OPT_IMPORT_METADATA,
    OPT_STRICT,
    OPT_STATE,
    OPT_MAX_STATE,
    OPT_REQUEST_TIMEOUT,
    OPT_TLS,
    OPT_TLS_CERT,
    OPT_TLS_KEY,
    OPT_TLS_CA_OUT,
};

/* What the metadata options ask for (README "Load a customer's metadata"). */
struct md_args {
    const char *dir;
    int print; /* --import-metadata: print the org JSON and exit */
    int strict;
};

/* What main() does besides serving, where HTTPS comes from and the
 * customer metadata it loads. */
struct run_opts {
    int check;
    int tls;                   /* --tls, or implied by --tls-cert */
    const char *tls_cert_file; /* --tls-cert */
    const char *tls_key_file;  /* --tls-key */
    const char *tls_ca_out;    /* --tls-ca-out */
    struct md_args md;
};

static const struct {
    struct option opt;
    const char *arg, *help;
} options[] = {
    {{"port", required_argument, NULL, OPT_PORT},
     "N",
     "TCP port (default 8080; 0 picks a free one)"},
    {{"bind", required_argument, NULL, OPT_BIND},
     "ADDR",
     "address to listen on (default 127.0.0.1)"},
    {{"allow-host", required_argument, NULL, OPT_ALLOW_HOST},
     "NAME",
     "also let Host NAME reach the admin API (repeatable; * for any)"},
    {{"tls", no_argument, NULL, OPT_TLS},
     NULL,
     "serve HTTPS with a certificate made at start"},
    {{"tls-cert", required_argument, NULL, OPT_TLS_CERT},
     "FILE",
     "serve HTTPS with this PEM certificate (chain)"},
    {{"tls-key", required_argument, NULL, OPT_TLS_KEY},
     "FILE",
     "... and this PEM private key"},
    {{"tls-ca-out", required_argument, NULL, OPT_TLS_CA_OUT},
     "FILE",
     "write the certificate clients should trust to FILE"},
    {{"org", required_argument, NULL, OPT_ORG},
     "FILE",
     "org config (default: the built-in default org)"},
    {{"org-metadata", required_argument, NULL, OPT_ORG_METADATA},
     "DIR",
     "load Salesforce metadata (source or Metadata API format) over the org"},
    {{"import-metadata", required_argument, NULL, OPT_IMPORT_METADATA},
     "DIR",
     "print the org JSON that metadata makes (over --org) and exit"},
    {{"strict", no_argument, NULL, OPT_STRICT},
     NULL,
     "with the metadata options: any file not fully used is fatal"},
    {{"journal", required_argument, NULL, OPT_JOURNAL},
     "FILE",
     "also append every journal entry to FILE as a JSON line"},
    {{"journal-size", required_argument, NULL, OPT_JOURNAL_SIZE},
     "N",
     "journal entries kept in memory (default 100000)"},
    {{"journal-body", required_argument, NULL, OPT_JOURNAL_BODY},
     "BYTES",
     "request body bytes kept per journal entry (default 4096)"},
    {{"max-body", required_argument, NULL, OPT_MAX_BODY},
     "BYTES",
     "largest request body accepted; larger gets 413 (default 1048576)"},
    {{"state", required_argument, NULL, OPT_STATE},
     "FILE",
     "restore a state file (GET /__sim/state) before serving"},
    {{"max-state", required_argument, NULL, OPT_MAX_STATE},
     "BYTES",
     "largest state file read (default 268435456)"},
    {{"request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT},
     "SECS",
     "a request's head, then its body, must come within SECS (default "
     "30; 0: no limit)"},
    {{"seed", required_argument, NULL, OPT_SEED},
     "N",
     "derive IDs and tokens from N, for reproducible runs"},
    {{"check", no_argument, NULL, OPT_CHECK},
     NULL,
     "load the org, print its effective config as JSON, exit"},
    {{"verbose", no_argument, NULL, OPT_VERBOSE}, NULL, "log more (repeat)"},
    {{"version", no_argument, NULL, OPT_VERSION}, NULL, "print the version"},
    {{"help", no_argument, NULL, OPT_HELP}, NULL, "this help"},
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static void
usage(FILE *fp)
{
    size_t i;

    fprintf(fp, "usage: sfsim [options]\n"
                "A simulated Salesforce org for lead-delivery tests.\n\n");
    for (i = 0; i < NOPTIONS; i++) {
        char left[40];

        snprintf(left, sizeof(left), "--%s%s%s", options[i].opt.name,
                 options[i].arg ? " " : "",
                 options[i].arg ? options[i].arg : "");
        fprintf(fp, "  %-24s %s\n", left, options[i].help);
    }
    fprintf(fp,
            "\nOnce listening it prints: sfsim listening on "
            "http://HOST:PORT\n(https:// with --tls or --tls-cert).\n"
            "The admin API is under http://HOST:PORT/__sim/ (clock, tokens,\n"
            "records, journal, faults, org, reset, ...).\n"
            "See sfsim(1) for the endpoints and the admin API, sfsim-org(5)\n"
            "for the org config.\n");
}

static int
number_arg(const char *name, const char *s, uint64_t max, uint64_t *out)
{
    if (parse_uint64(s, max, out) == 0)
        return 0;
    log_warnx("--%s: \"%s\" is not a number from 0 to %llu", name, s,
              (unsigned long long)max);
    return -1;
}

static int
size_arg(const char *name, const char *s, uint64_t min, uint64_t max,
         size_t *out)
{
    uint64_t v;

    if (number_arg(name, s, max, &v) == -1)
        return -1;
    if (v < min) {
        log_warnx("--%s: must be at least %llu", name, (unsigned long long)min);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

/* --allow-host NAME, kept in a static table (argv outlives it). */
static int
allow_host(struct sim_config *cfg, const char *name)
{
    static const char *names[ALLOW_HOST_MAX];

    if (*name == '\0' || strchr(name, '/') != NULL) {
        log_warnx("--allow-host: \"%s\" is not a host name", name);
        return -1;
    }
    if (cfg->nallow_hosts == ALLOW_HOST_MAX) {
        log_warnx("--allow-host: at most %d names", ALLOW_HOST_MAX);
        return -1;
    }
    names[cfg->nallow_hosts++] = name;
    cfg->allow_hosts = names;
    return 0;
}

/* --org-metadata DIR and --import-metadata DIR, one of them. */
static int
metadata_arg(struct md_args *md, const char *dir, int print)
{
    if (md->dir != NULL) {
        log_warnx("--org-metadata and --import-metadata: give one of them, "
                  "once");
        return -1;
    }
    md->dir = dir;
    md->print = print;
    return 0;
}

/* The TLS options together: 0, or 2 after saying what is wrong. */
static int
check_tls_args(struct run_opts *run)
{
    if ((run->tls_cert_file == NULL) != (run->tls_key_file == NULL)) {
        log_warnx("--tls-cert and --tls-key go together");
        return 2;
    }
    if (run->tls_cert_file != NULL)
        run->tls = 1;
    if (run->tls_ca_out != NULL && !run->tls) {
        log_warnx("--tls-ca-out needs --tls (or --tls-cert and --tls-key)");
        return 2;
    }
    return 0;
}

/*
 * The certificate and key to serve HTTPS with, into creds and cfg: made
 * now for the loopback names, the --bind address and the --allow-host
 * names, or read from the user's files. 0, or the exit status.
 */
static int
setup_tls(const struct run_opts *run, struct sim_config *cfg,
          struct tls_creds *creds)
{
    const char *names[ALLOW_HOST_MAX + 1];
    struct sf_err err;
    size_t n = 0, i;

    err_clear(&err);
    if (run->tls_cert_file != NULL) {
        if (tls_load(run->tls_cert_file, run->tls_key_file, creds, &err) ==
            -1) {
            log_warnx("%s", err.msg);
            return 2;
        }
    } else {
        names[n++] = cfg->bind;
        for (i = 0; i < cfg->nallow_hosts; i++)
            names[n++] = cfg->allow_hosts[i];
        if (tls_generate(names, n, creds, &err) == -1) {
            log_warnx("%s", err.msg);
            return 1;
        }
    }
    cfg->tls_cert_pem = creds->cert_pem;
    cfg->tls_key_pem = creds->key_pem;
    return 0;
}

/* Returns 0, or the exit status for an early exit (+100 for success). */
static int
parse_args(int argc, char **argv, struct sim_config *cfg, struct run_opts *run)
{
    struct option longopts[NOPTIONS + 1];
    uint64_t v;
    size_t i;
    int c;

    for (i = 0; i < NOPTIONS; i++)
        longopts[i] = options[i].opt;
    memset(&longopts[NOPTIONS], 0, sizeof(longopts[0]));
    while ((c = getopt_long(argc, argv, "p:b:o:hVv", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_PORT:
            if (number_arg("port", optarg, 65535, &v) == -1)
                return 2;
            cfg->port = (unsigned)v;
            break;
        case OPT_BIND: cfg->bind = optarg; break;
        case OPT_ORG: cfg->org_file = optarg; break;
        case OPT_ALLOW_HOST:
            if (allow_host(cfg, optarg) == -1)
                return 2;
            break;
        case OPT_JOURNAL: cfg->journal_file = optarg; break;
        case OPT_JOURNAL_SIZE:
            if (size_arg("journal-size", optarg, 1, 100000000,
                         &cfg->journal_ring) == -1)
                return 2;
            break;
        case OPT_JOURNAL_BODY:
            if (size_arg("journal-body", optarg, 0, 64 << 20,
                         &cfg->journal_body_max) == -1)
                return 2;
            break;
        case OPT_MAX_BODY:
            if (size_arg("max-body", optarg, 1024, 1ULL << 30,
                         &cfg->max_body) == -1)
                return 2;
            break;
        case OPT_STATE: cfg->state_file = optarg; break;
        case OPT_MAX_STATE:
            if (size_arg("max-state", optarg, 1024, 1ULL << 32,
                         &cfg->max_state) == -1)
                return 2;
            break;
        case OPT_REQUEST_TIMEOUT:
            if (number_arg("request-timeout", optarg, 3600, &v) == -1)
                return 2;
            cfg->deadline_s = (unsigned)v;
            break;
        case OPT_SEED:
            if (number_arg("seed", optarg, UINT64_MAX, &cfg->seed) == -1)
                return 2;
            cfg->has_seed = 1;
            break;
        case OPT_CHECK: run->check = 1; break;
        case OPT_TLS: run->tls = 1; break;
        case OPT_TLS_CERT: run->tls_cert_file = optarg; break;
        case OPT_TLS_KEY: run->tls_key_file = optarg; break;
        case OPT_TLS_CA_OUT: run->tls_ca_out = optarg; break;
        case OPT_ORG_METADATA:
        case OPT_IMPORT_METADATA:
            if (metadata_arg(&run->md, optarg, c == OPT_IMPORT_METADATA) == -1)
                return 2;
            break;
        case OPT_STRICT: run->md.strict = 1; break;
        case OPT_VERBOSE: cfg->verbose++; break;
        case OPT_VERSION: printf("sfsim %s\n", SFSIM_VERSION); return 100;
        case OPT_HELP: usage(stdout); return 100;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        log_warnx("unexpected argument \"%s\"", argv[optind]);
        return 2;
    }
    if (run->md.strict && run->md.dir == NULL) {
        log_warnx("--strict goes with --org-metadata or --import-metadata");
        return 2;
    }
    return check_tls_args(run);
}

/*
 * The org the metadata under md->dir makes over the --org file (or the
 * default org): loaded into *org, or printed (--import-metadata). Returns
 * 0 to go on, or an exit status (+100 for success).
 */
static int
load_metadata(const struct md_args *md, const char *org_file, struct org **org)
{
    struct metadata_report rep;
    json_error_t jerr;
    json_t *base = NULL, *doc;
    struct sf_err err;
    char *text;
    int rc = 2;

    if (org_file != NULL &&
        (base = json_load_file(org_file, JSON_REJECT_DUPLICATES, &jerr)) ==
            NULL) {
        log_warnx("%s:%d:%d: %s", org_file, jerr.line, jerr.column, jerr.text);
        return 2;
    }
    doc = metadata_import(md->dir, base, &rep);
    metadata_report_print(&rep, md->dir, stderr);
    log_warnx("%s: %zu metadata files read, %zu components loaded, %zu "
              "problems%s",
              md->dir, rep.files, rep.components, rep.n,
              doc == NULL ? ": nothing loaded" : "");
    if (doc == NULL || (md->strict && rep.n > 0))
        goto out;
    if (md->print) {
        json_dumpf(doc, stdout, JSON_INDENT(2));
        putchar('\n');
        rc = 100;
        goto out;
    }
    text = json_dumps(doc, JSON_COMPACT);
    err_clear(&err);
    org_free(*org);
    if ((*org = org_load_buf(md->dir, text, strlen(text), &err)) == NULL)
        log_warnx("%s", err.msg);
    rc = *org != NULL ? 0 : 2;
    free(text);
out:
    json_decref(doc);
    json_decref(base);
    metadata_report_free(&rep);
    return rc;
}

static int
print_org(const struct org *org)
{
    json_t *j = org_to_json(org);

    json_dumpf(j, stdout, JSON_INDENT(2));
    putchar('\n');
    json_decref(j);
    return 0;
}

/* --state: the file restored, and what it could not bring back said. */
static int
restore(struct sim *sim, const struct sim_config *cfg)
{
    struct sf_err err;
    json_t *notes = NULL, *n;
    size_t i;

    err_clear(&err);
    if (snapshot_load_file(sim, cfg->state_file, cfg->max_state, &notes,
                           &err) == -1) {
        log_warnx("%s", err.msg);
        return -1;
    }
    json_array_foreach(notes, i, n) {
        log_warnx("%s: %s", cfg->state_file, json_string_value(n));
    }
    json_decref(notes);
    return 0;
}

static int
serve(struct sim *sim, const char *ca_out)
{
    struct httpd *h;
    struct sf_err err;
    sigset_t set;
    int sig = 0;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    /* Block before MHD's thread exists so that only sigwait() sees them. */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    err_clear(&err);
    if ((h = httpd_start(sim, &err)) == NULL) {
        log_warnx("%s", err.msg);
        return 1;
    }
    /* Written before the ready line, so a client that waits for the line
     * finds the file whole. */
    if (ca_out != NULL &&
        tls_write_cert(sim->cfg.tls_cert_pem, ca_out, &err) == -1) {
        log_warnx("%s", err.msg);
        httpd_stop(h);
        return 1;
    }
    if (!guard_is_loopback(sim->cfg.bind))
        log_warnx("warning: listening on %s, which is not a loopback "
                  "address: anyone who can reach it can reset the org, "
                  "inject faults, mint tokens and read the journal and "
                  "records through the admin API (/__sim/); the org's "
                  "passwords and client secrets stay redacted for them "
                  "(README, \"Security\")",
                  sim->cfg.bind);
    printf("sfsim listening on %s\n", sim->base_url);
    fflush(stdout);
    sigwait(&set, &sig);
    log_info("signal %d: shutting down", sig);
    httpd_stop(h);
    return 0;
}

int
main(int argc, char **argv)
{
    struct sim_config cfg = {
        .bind = "127.0.0.1",
        .port = 8080,
        .journal_ring = JOURNAL_DEFAULT_RING,
        .journal_body_max = JOURNAL_DEFAULT_BODY_MAX,
        .max_body = SIM_DEFAULT_MAX_BODY,
        .max_state = SNAPSHOT_DEFAULT_MAX,
        .deadline_s = SIM_DEFAULT_DEADLINE_S,
    };
    struct run_opts run = {0};
    struct tls_creds creds = {NULL, NULL};
    struct sf_err err;
    struct org *org;
    struct sim *sim;
    int rc;

    log_init(argv[0], 0);
    xjson_init();
    if ((rc = parse_args(argc, argv, &cfg, &run)) != 0)
        return rc == 100 ? 0 : rc;
    log_init(argv[0], cfg.verbose);
    err_clear(&err);
    org = cfg.org_file ? org_load_file(cfg.org_file, &err) : org_default();
    if (org == NULL) {
        log_warnx("%s", err.msg[0] ? err.msg : "built-in org is invalid");
        return 2;
    }
    if (run.md.dir != NULL &&
        (rc = load_metadata(&run.md, cfg.org_file, &org)) != 0) {
        org_free(org);
        return rc == 100 ? 0 : rc;
    }
    if (run.check && cfg.state_file == NULL) {
        rc = print_org(org);
        org_free(org);
        return rc;
    }
    if (run.tls && (rc = setup_tls(&run, &cfg, &creds)) != 0) {
        org_free(org);
        return rc;
    }
    if ((sim = sim_new(&cfg, org, &err)) == NULL) {
        log_warnx("%s", err.msg);
        tls_creds_free(&creds);
        return 1;
    }
    if (cfg.state_file != NULL && restore(sim, &cfg) == -1) {
        sim_free(sim);
        tls_creds_free(&creds);
        return 2;
    }
    rc = run.check ? print_org(sim->org) : serve(sim, run.tls_ca_out);
    sim_free(sim);
    tls_creds_free(&creds);
    return rc;
}
