/*
 * main.c - sfconform: argv -> the cases to run, the client to judge, the
 * reports to write; the exit status CI gates on.
 *
 *   sfconform [options] [SUITE_DIR]     run the conformance suite
 *   sfconform replay SCENARIO [options] replay one support scenario
 *   sfconform scaffold NAME [--dir DIR] a new scenario to edit
 *   sfconform import-log FILE [options] a scenario from a vendor's send log
 *
 * With --repeat N the selected cases run N times over, each time afresh;
 * the summary counts the passes per case, for flakiness that one run
 * cannot show.
 *
 * Exit status: 0 when no blocking case failed, 1 when a MUST case (with
 * --strict also a SHOULD case) failed or errored, 2 for bad usage or an
 * invalid case. Results go to stdout, diagnostics to stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <fnmatch.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "case.h"
#include "importlog.h"
#include "log.h"
#include "mono.h"
#include "parse.h"
#include "profile.h"
#include "report.h"
#include "scaffold.h"
#include "timeline.h"
#include "trial.h"
#include "version.h"
#include "xmalloc.h"

#define EXIT_OK 0
#define EXIT_BLOCKING 1
#define EXIT_USAGE 2
#define MAX_JOBS 64
#define MAX_REPEAT 10000
#define SCENARIO_DIR "scenarios/reports"

struct options {
    const char *client;
    const char *html, *json, *junit;
    const char *only;
    const char *sim;
    const char *suite;
    const char *scenario; /* replay */
    enum profile profile;
    int64_t jobs, repeat;
    int64_t timeout_ms;
    int keep, list, strict, verbose, replay, fix, tls;
};

static const struct option long_opts[] = {
    {"client", required_argument, NULL, 'c'},
    {"fix", no_argument, NULL, 'F'},
    {"help", no_argument, NULL, 'h'},
    {"html", required_argument, NULL, 'H'},
    {"jobs", required_argument, NULL, 'j'},
    {"json", required_argument, NULL, 'J'},
    {"junit", required_argument, NULL, 'U'},
    {"keep", no_argument, NULL, 'k'},
    {"list", no_argument, NULL, 'l'},
    {"only", required_argument, NULL, 'o'},
    {"profile", required_argument, NULL, 'P'},
    {"repeat", required_argument, NULL, 'r'},
    {"sim", required_argument, NULL, 'S'},
    {"strict", no_argument, NULL, 's'},
    {"suite", required_argument, NULL, 'd'},
    {"timeout", required_argument, NULL, 't'},
    {"tls", no_argument, NULL, 'T'},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void
usage(FILE *fp)
{
    fprintf(
        fp,
        "usage: sfconform [options] [SUITE_DIR]\n"
        "       sfconform replay SCENARIO [--fix] [options]\n"
        "       sfconform scaffold NAME [--dir DIR]\n"
        "       sfconform import-log FILE [--name NAME] [--dir DIR]\n"
        "Runs each conformance case against its own sfsim and judges the\n"
        "client from the wire; replay runs one support scenario.\n"
        "\n"
        "  --client CMD             client under test, run with /bin/sh -c\n"
        "                           (default: the bundled sfdeliver)\n"
        "  --profile NAME           the delivery semantics the client claims\n"
        "                           (default 4xx-retried; --list shows them)\n"
        "  --suite DIR              cases to run (default: the bundled "
        "catalog)\n"
        "  --only PATTERN           case ids: globs, prefixes, "
        "comma-separated\n"
        "  --jobs N                 cases run in parallel (default 1)\n"
        "  --repeat N               run every case N times, each afresh\n"
        "  --strict                 a failed SHOULD case fails the run too\n"
        "  --timeout MS             limit of each client run (default 5000)\n"
        "  --tls                    run each sim over HTTPS (sfsim --tls);\n"
        "                           the client trusts it through\n"
        "                           CURL_CA_BUNDLE, SSL_CERT_FILE,\n"
        "                           NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE\n"
        "  --list                   list the profiles and the cases, run none\n"
        "  --json FILE              write a JSON report\n"
        "  --junit FILE             write JUnit XML\n"
        "  --html FILE              write an HTML report with timelines\n"
        "  --sim PATH               the sfsim to run (default: beside "
        "sfconform)\n"
        "  --keep                   keep the work files (one directory per "
        "case)\n"
        "  --fix                    replay with sfdeliver and the fix/ files\n"
        "  --verbose                log more (repeat)\n"
        "  --version                print the version\n"
        "  --help                   this help\n"
        "\n"
        "Exit 1 when a MUST case fails (--strict: a SHOULD case too), 2 for\n"
        "bad usage or an invalid case.\n"
        "See sfconform(1) and sfconform-case(5).\n");
}

static int
parse_args(int argc, char **argv, struct options *o)
{
    int c;

    o->jobs = 1;
    o->repeat = 1;
    o->profile = PROFILE_DEFAULT;
    o->timeout_ms = TRIAL_DEFAULT_TIMEOUT_MS;
    if (argc > 1 && strcmp(argv[1], "replay") == 0) {
        o->replay = 1;
        argv++;
        argc--;
    }
    while ((c = getopt_long(argc, argv, "c:d:hj:klo:svV", long_opts, NULL)) !=
           -1) {
        switch (c) {
        case 'c': o->client = optarg; break;
        case 'F': o->fix = 1; break;
        case 'T': o->tls = 1; break;
        case 'd': o->suite = optarg; break;
        case 'h': usage(stdout); exit(EXIT_OK);
        case 'H': o->html = optarg; break;
        case 'j':
            if (parse_int64(optarg, 1, MAX_JOBS, &o->jobs) == -1) {
                log_warnx("--jobs: a number in 1..%d", MAX_JOBS);
                return -1;
            }
            break;
        case 'J': o->json = optarg; break;
        case 'U': o->junit = optarg; break;
        case 'k': o->keep = 1; break;
        case 'l': o->list = 1; break;
        case 'o': o->only = optarg; break;
        case 'P':
            if ((o->profile = profile_find(optarg)) == PROFILE_COUNT) {
                log_warnx("--profile: no profile %s (sfconform --list shows "
                          "them)",
                          optarg);
                return -1;
            }
            break;
        case 'r':
            if (parse_int64(optarg, 1, MAX_REPEAT, &o->repeat) == -1) {
                log_warnx("--repeat: a number in 1..%d", MAX_REPEAT);
                return -1;
            }
            break;
        case 'S': o->sim = optarg; break;
        case 's': o->strict = 1; break;
        case 't':
            if (parse_int64(optarg, 100, 3600000, &o->timeout_ms) == -1) {
                log_warnx("--timeout: milliseconds in 100..3600000");
                return -1;
            }
            break;
        case 'v': o->verbose++; break;
        case 'V': printf("sfconform %s\n", SFSIM_VERSION); exit(EXIT_OK);
        default: return -1;
        }
    }
    if (optind < argc) {
        if (o->replay)
            o->scenario = argv[optind++];
        else
            o->suite = argv[optind++];
    }
    if (o->replay && o->scenario == NULL) {
        log_warnx("replay: which scenario?");
        return -1;
    }
    if (o->fix && !o->replay) {
        log_warnx("--fix goes with replay");
        return -1;
    }
    if (o->replay && o->repeat > 1) {
        log_warnx("--repeat goes with a suite run, not replay");
        return -1;
    }
    return optind == argc ? 0 : -1;
}

/* The directory of this executable, into out. */
static void
self_dir(char *out, size_t n)
{
    ssize_t len = readlink("/proc/self/exe", out, n - 1);
    char *slash;

    if (len <= 0) {
        snprintf(out, n, ".");
        return;
    }
    out[len] = '\0';
    if ((slash = strrchr(out, '/')) != NULL)
        *slash = '\0';
}

/* The first of env, then dir/cand[i], that exists; into out. */
static const char *
locate(const char *env, const char *dir, const char *const *cands, int is_dir,
       char *out, size_t n)
{
    const char *v = env != NULL ? getenv(env) : NULL;
    char real[PATH_MAX];
    struct stat st;
    size_t i;

    if (v != NULL && *v != '\0') {
        snprintf(out, n, "%s", v);
        return out;
    }
    for (i = 0; cands[i] != NULL; i++) {
        snprintf(out, n, "%s/%s", dir, cands[i]);
        if (stat(out, &st) == 0 &&
            (is_dir ? S_ISDIR(st.st_mode) : access(out, X_OK) == 0)) {
            /* Without the "..": rerun commands and reports read better. */
            if (n >= PATH_MAX && realpath(out, real) != NULL)
                snprintf(out, n, "%s", real);
            return out;
        }
    }
    return NULL;
}

static int
matches(const char *patterns, const char *id)
{
    char pat[512];
    const char *p = patterns, *comma;
    size_t len;

    while (*p != '\0') {
        comma = strchr(p, ',');
        len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        if (len < sizeof(pat)) {
            memcpy(pat, p, len);
            pat[len] = '\0';
            if (fnmatch(pat, id, 0) == 0 || strncmp(id, pat, len) == 0)
                return 1;
        }
        p += len + (comma != NULL);
    }
    return 0;
}

/* Runs one case in root/<case id>. */
static json_t *
run_one(struct trial_config *cfg, const char *root, const struct conf_case *c,
        struct spawn_sim *launched, int verbose)
{
    char work[PATH_MAX];
    json_t *r;

    snprintf(work, sizeof(work), "%s/%s", root, c->id);
    cfg->work_dir = work;
    r = trial_run_on(cfg, c, launched);
    if (verbose)
        log_info(
            "%s %s (%lld ms)", json_string_value(json_object_get(r, "verdict")),
            c->id,
            (long long)json_integer_value(json_object_get(r, "duration_ms")));
    return r;
}

/* Orders case indices by their estimated duration, longest first. */
static const int64_t *sort_costs;

static int
by_cost(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    if (sort_costs[x] != sort_costs[y])
        return sort_costs[x] < sort_costs[y] ? 1 : -1;
    return x < y ? -1 : x > y;
}

/*
 * One worker: takes case numbers from the queue until it is empty. The
 * next case's sim is launched before the current case runs, so its start
 * overlaps the current case's waiting (clients backing off, sims
 * answering).
 */
static void
run_queue(struct trial_config *cfg, const char *root, struct conf_case **cases,
          int queue, json_t *part, int verbose)
{
    struct spawn_sim sims[2];
    struct sf_err err;
    uint32_t cur, next;
    int have = read(queue, &cur, sizeof(cur)) == sizeof(cur), k = 0;

    err_clear(&err);
    if (have && trial_launch(cfg, cases[cur], &sims[k], &err) == -1)
        sims[k].pid = 0; /* trial_run_on starts it again and reports */
    while (have) {
        int more = read(queue, &next, sizeof(next)) == sizeof(next);

        err_clear(&err);
        if (more && trial_launch(cfg, cases[next], &sims[!k], &err) == -1)
            sims[!k].pid = 0;
        json_array_append_new(
            part, json_pack("[I, o]", (json_int_t)cur,
                            run_one(cfg, root, cases[cur], &sims[k], verbose)));
        cur = next;
        k = !k;
        have = more;
    }
}

/*
 * Runs the cases in jobs worker processes (each its own sims and clients);
 * each worker writes its results to root/results-K.json. Fork, not
 * threads: every trial forks clients and sims of its own. The workers
 * take case numbers from one pipe, longest case first, so a worker that
 * drew short cases takes more, and the slow ones do not come last.
 */
static json_t *
run_parallel(struct trial_config *cfg, const char *root,
             struct conf_case **cases, size_t n, int jobs, int verbose)
{
    json_t *results = json_array(), *part, *pair;
    pid_t pids[MAX_JOBS];
    char path[PATH_MAX + 128];
    int64_t *costs = xcalloc(n, sizeof(*costs));
    uint32_t *order = xcalloc(n, sizeof(*order));
    int queue[2];
    size_t i, k;

    for (i = 0; i < n; i++) {
        json_array_append_new(results, json_null());
        costs[i] = case_cost_ms(cases[i]);
        order[i] = (uint32_t)i;
    }
    sort_costs = costs;
    qsort(order, n, sizeof(*order), by_cost);
    /* CASE_MAX_CASES numbers fit the pipe's buffer: no worker is needed
     * to drain it before the last one is written. */
    if (pipe2(queue, O_CLOEXEC) == -1 ||
        write(queue[1], order, n * sizeof(*order)) !=
            (ssize_t)(n * sizeof(*order)))
        fatal("case queue");
    close(queue[1]);
    fflush(NULL);
    for (k = 0; k < (size_t)jobs; k++) {
        if ((pids[k] = fork()) == 0) {
            part = json_array();
            run_queue(cfg, root, cases, queue[0], part, verbose);
            snprintf(path, sizeof(path), "%s/results-%zu.json", root, k);
            _exit(json_dump_file(part, path, JSON_COMPACT) == 0 ? 0 : 1);
        }
    }
    close(queue[0]);
    free(order);
    free(costs);
    for (k = 0; k < (size_t)jobs; k++) {
        if (pids[k] > 0)
            waitpid(pids[k], NULL, 0);
        snprintf(path, sizeof(path), "%s/results-%zu.json", root, k);
        part = json_load_file(path, 0, NULL);
        json_array_foreach(part, i, pair)
            json_array_set(results,
                           (size_t)json_integer_value(json_array_get(pair, 0)),
                           json_array_get(pair, 1));
        json_decref(part);
    }
    for (i = 0; i < n; i++) {
        if (json_is_null(json_array_get(results, i)))
            json_array_set_new(
                results, i,
                json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s]}", "id",
                          cases[i]->id, "title", cases[i]->title, "level",
                          case_level_name(cases[i]->level), "verdict", "error",
                          "reason", "the worker process died", "failures",
                          "the worker process died"));
    }
    return results;
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static int
write_reports(const struct options *o, json_t *results,
              const struct report_meta *m)
{
    struct sf_err err;
    int rc = 0;

    err_clear(&err);
    if (o->json != NULL && report_json(o->json, results, m, &err) == -1)
        rc = -1;
    if (o->junit != NULL && report_junit(o->junit, results, m, &err) == -1)
        rc = -1;
    if (o->html != NULL && report_html(o->html, results, m, &err) == -1)
        rc = -1;
    if (rc == -1)
        log_warnx("%s", err.msg);
    return rc;
}

/* The scenario directory: a path, or a name under the fixtures. */
static const char *
scenario_dir(const char *arg, const char *fixtures, char *out, size_t n)
{
    struct stat st;

    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
        return arg;
    if (snprintf(out, n, "%s/%s/%s", fixtures, SCENARIO_DIR, arg) >= (int)n)
        return NULL;
    return stat(out, &st) == 0 && S_ISDIR(st.st_mode) ? out : NULL;
}

/* A scenario's own client script, as a command. */
static char *
scenario_client(const struct conf_case *c)
{
    size_t len = strlen(c->client);

    if (len > 3 && strcmp(c->client + len - 3, ".py") == 0)
        return xasprintf("python3 '%s/%s'", c->dir, c->client);
    return xasprintf("sh '%s/%s'", c->dir, c->client);
}

static int
replay(const struct options *o, struct trial_config *cfg, const char *root,
       const char *fixtures, struct report_meta *m)
{
    char path[PATH_MAX], *own = NULL;
    struct options ro = *o; /* --html: the replay's own page */
    const char *dir = scenario_dir(o->scenario, fixtures, path, sizeof(path));
    struct conf_case *c;
    struct sf_err err;
    json_t *r, *all;
    const char *verdict;
    long long t0;
    int rc;

    err_clear(&err);
    if (dir == NULL) {
        log_warnx("replay: no scenario %s (a directory, or a name under "
                  "%s/%s)",
                  o->scenario, fixtures, SCENARIO_DIR);
        return EXIT_USAGE;
    }
    if ((c = case_load(dir, &err)) == NULL) {
        log_warnx("%s", err.msg);
        return EXIT_USAGE;
    }
    /* --fix: the bundled client, with the files of the scenario's fix/
     * (a corrected buyer) in place of the customer's. */
    if (o->fix && case_use_overlay(c, "fix") == 0)
        m->fix = c->overlay;
    if (o->client == NULL && c->client != NULL && !o->fix)
        cfg->client_cmd = m->client = own = scenario_client(c);
    m->scenario = dir;
    ro.html = NULL;
    t0 = mono_ms();
    r = run_one(cfg, root, c, NULL, o->verbose);
    m->duration_ms = mono_ms() - t0;
    report_replay(stdout, r, m);
    all = json_pack("[O]", r);
    write_reports(&ro, all, m);
    if (o->html != NULL &&
        timeline_html(o->html, r, m->profile, m->client, &err) == -1)
        log_warnx("%s", err.msg);
    /* A replay of the report fails by design; a replay of the fix must
     * pass. */
    verdict = json_string_value(json_object_get(r, "verdict"));
    rc = strcmp(verdict, "error") == 0 ||
                 (o->fix && strcmp(verdict, "pass") != 0)
             ? EXIT_BLOCKING
             : EXIT_OK;
    json_decref(all);
    json_decref(r);
    case_free(c);
    free(own);
    return rc;
}

/* One pass over the selected cases: in parallel, or one by one. */
static json_t *
run_cases(const struct options *o, struct trial_config *cfg, const char *root,
          struct conf_case **sel, size_t k)
{
    json_t *results;
    size_t i;

    if (o->jobs > 1 && k > 1)
        return run_parallel(cfg, root, sel, k,
                            (int)(o->jobs < (int64_t)k ? o->jobs : (int64_t)k),
                            o->verbose);
    results = json_array();
    for (i = 0; i < k; i++)
        json_array_append_new(results,
                              run_one(cfg, root, sel[i], NULL, o->verbose));
    return results;
}

static int
is_pass(json_t *r)
{
    const char *v = json_string_value(json_object_get(r, "verdict"));

    return v != NULL && (strcmp(v, "pass") == 0 || strcmp(v, "skip") == 0);
}

/*
 * Folds one pass's results into agg (case by case): the runs and passes
 * are counted, and the result kept is the first that did not pass (else
 * the latest), so the reports show a failure whenever there was one.
 */
static void
fold(json_t *agg, json_t *results)
{
    json_t *r, *old;
    size_t i;

    json_array_foreach(results, i, r) {
        json_int_t runs = 0, passes = 0;

        old = json_array_get(agg, i);
        if (old != NULL) {
            runs = json_integer_value(json_object_get(old, "repeat_runs"));
            passes = json_integer_value(json_object_get(old, "repeat_passes"));
        }
        if (old == NULL || is_pass(old))
            old = r;
        json_object_set_new(old, "repeat_runs", json_integer(runs + 1));
        json_object_set_new(old, "repeat_passes",
                            json_integer(passes + is_pass(r)));
        if (i < json_array_size(agg))
            json_array_set(agg, i, old);
        else
            json_array_append(agg, old);
    }
}

/* The selected cases: --only, and the profile. */
static size_t
select_cases(const struct options *o, struct conf_case **all, size_t n,
             struct conf_case **sel)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++)
        if ((o->only == NULL || matches(o->only, all[i]->id)) &&
            case_in_profile(all[i], o->profile))
            sel[k++] = all[i];
    return k;
}

/* The profiles a case belongs to: "all", or their names. */
static const char *
profiles_of(const struct conf_case *c, char *out, size_t n)
{
    size_t used = 0;
    int p;

    if (c->profiles == PROFILE_ALL)
        return "all";
    out[0] = '\0';
    for (p = 0; p < PROFILE_COUNT; p++)
        if (case_in_profile(c, (enum profile)p))
            used += (size_t)snprintf(out + used, used < n ? n - used : 0,
                                     "%s%s", used ? "," : "",
                                     profile_name((enum profile)p));
    return out;
}

static void
list(const struct options *o, struct conf_case **sel, size_t k)
{
    char prof[128];
    size_t i;
    int p;

    for (p = 0; p < PROFILE_COUNT; p++)
        printf("profile %-12s %s%s\n", profile_name((enum profile)p),
               p == PROFILE_DEFAULT ? "(default) " : "",
               profile_about((enum profile)p));
    printf("\n%zu cases in profile %s:\n", k, profile_name(o->profile));
    for (i = 0; i < k; i++)
        printf("%-48s %-6s %-11s %s\n", sel[i]->id,
               case_level_name(sel[i]->level),
               profiles_of(sel[i], prof, sizeof(prof)), sel[i]->title);
}

static int
run_suite(const struct options *o, struct trial_config *cfg, const char *root,
          struct report_meta *m)
{
    struct conf_case **all = NULL, **sel;
    struct sf_err err;
    size_t n = 0, k, i;
    json_t *results = NULL, *pass;
    char dir[PATH_MAX + 32];
    long long t0 = mono_ms();
    int64_t rep;
    int rc = EXIT_OK;

    err_clear(&err);
    if (case_discover(m->suite, &all, &n, &err) == -1) {
        log_warnx("%s", err.msg);
        return EXIT_USAGE;
    }
    sel = xcalloc(n + 1, sizeof(*sel));
    k = select_cases(o, all, n, sel);
    if (o->list) {
        list(o, sel, k);
        goto out;
    }
    if (k == 0) {
        log_warnx("no case of profile %s matches %s", profile_name(o->profile),
                  o->only ? o->only : "(all)");
        rc = EXIT_USAGE;
        goto out;
    }
    results = json_array();
    for (rep = 1; rep <= o->repeat; rep++) {
        snprintf(dir, sizeof(dir), "%s/r%03lld", root, (long long)rep);
        if (o->repeat > 1 && mkdir(dir, 0755) == -1) {
            log_warn("%s", dir);
            rc = EXIT_USAGE;
            goto out;
        }
        pass = run_cases(o, cfg, o->repeat > 1 ? dir : root, sel, k);
        if (o->repeat > 1)
            report_pass(stdout, pass, (int)rep, m);
        fold(results, pass);
        json_decref(pass);
    }
    m->duration_ms = mono_ms() - t0;
    report_summary(stdout, results, m);
    if (write_reports(o, results, m) == -1)
        rc = EXIT_USAGE;
    for (i = 0; i < k; i++)
        if (report_is_blocking(json_array_get(results, i), o->strict))
            rc = EXIT_BLOCKING;
out:
    json_decref(results);
    free(sel);
    case_list_free(all, n);
    return rc;
}

/* The subcommands that run no case: argv[1] -> its own main. */
static const struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
} subcommands[] = {
    {"scaffold", scaffold_main},
    {"import-log", importlog_main},
};

int
main(int argc, char **argv)
{
    static const char *const sim_c[] = {"../sim/sfsim", "sfsim", NULL};
    static const char *const client_c[] = {"../client/sfdeliver", "sfdeliver",
                                           NULL};
    /* Installed (bin/../share/sfsim), then the source tree's builds. */
    static const char *const fix_c[] = {"../share/sfsim/fixtures",
                                        "../fixtures", "../../fixtures", NULL};
    char self[PATH_MAX], sim[PATH_MAX], client[PATH_MAX], fix[PATH_MAX],
        suite[PATH_MAX + 16], root[PATH_MAX];
    struct options o;
    struct trial_config cfg;
    struct report_meta m;
    const char *tmp = getenv("TMPDIR");
    int rc;

    memset(&o, 0, sizeof(o));
    log_init("sfconform", 0);
    xjson_init();
    for (size_t i = 0;
         argc > 1 && i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].run(argc - 1, argv + 1);
    if (parse_args(argc, argv, &o) == -1) {
        usage(stderr);
        return EXIT_USAGE;
    }
    log_init("sfconform", o.verbose);
    self_dir(self, sizeof(self));
    if (locate(NULL, self, fix_c, 1, fix, sizeof(fix)) == NULL)
        snprintf(fix, sizeof(fix), "fixtures");
    if (getenv("SFSIM_FIXTURES") != NULL)
        snprintf(fix, sizeof(fix), "%s", getenv("SFSIM_FIXTURES"));
    snprintf(suite, sizeof(suite), "%s/conformance", fix);
    memset(&cfg, 0, sizeof(cfg));
    cfg.sim_path = o.sim != NULL
                       ? o.sim
                       : locate("SFSIM", self, sim_c, 0, sim, sizeof(sim));
    cfg.client_cmd = o.client != NULL ? o.client
                                      : locate("SFDELIVER", self, client_c, 0,
                                               client, sizeof(client));
    cfg.timeout_ms = o.timeout_ms;
    cfg.profile = o.profile;
    cfg.keep = o.keep;
    cfg.tls = o.tls;
    if (cfg.sim_path == NULL || cfg.client_cmd == NULL) {
        log_warnx("cannot find %s; give %s",
                  cfg.sim_path ? "sfdeliver" : "sfsim",
                  cfg.sim_path ? "--client CMD" : "--sim PATH");
        return EXIT_USAGE;
    }
    memset(&m, 0, sizeof(m));
    m.argv0 = argv[0];
    m.client = cfg.client_cmd;
    m.suite = o.suite != NULL ? o.suite : suite;
    m.strict = o.strict;
    m.profile = profile_name(o.profile);
    m.repeat = (int)o.repeat;
    m.client_given = o.client != NULL;
    snprintf(root, sizeof(root), "%s/sfconform-XXXXXX",
             tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
    if (mkdtemp(root) == NULL) {
        log_warn("mkdtemp %s", root);
        return EXIT_USAGE;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = o.replay ? replay(&o, &cfg, root, fix, &m)
                  : run_suite(&o, &cfg, root, &m);
    if (o.keep)
        fprintf(stderr, "sfconform: work files kept in %s\n", root);
    else
        nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    curl_global_cleanup();
    return rc;
}
