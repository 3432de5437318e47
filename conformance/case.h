/*
 * case.h - one conformance case, loaded from its directory.
 *
 * A case is data (fixtures/README.md): case.json with the id, the title,
 * the sentence it checks, its level, the steps and the expectations, beside
 * the org, buyer and leads files the steps use. This module reads and
 * validates the files and finds every case under a suite directory; it
 * runs nothing.
 */
#ifndef CONF_CASE_H
#define CONF_CASE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "profile.h"

#define CASE_FILE "case.json"
#define CASE_SKIP_FILE "skip"
#define CASE_MAX_CASES 4096
#define CASE_DEFAULT_LEAD_KEY "email"

/* X(enum suffix, wire name) */
#define CASE_LEVELS(X)                                                         \
    X(MUST, "MUST")                                                            \
    X(SHOULD, "SHOULD")                                                        \
    X(MAY, "MAY")

enum case_level {
#define CASE_LEVEL_ENUM(e, s) CASE_##e,
    CASE_LEVELS(CASE_LEVEL_ENUM)
#undef CASE_LEVEL_ENUM
};

/* The timeline verbs of a case's "steps". X(enum suffix, "do" name) */
#define CASE_STEPS(X)                                                          \
    X(DELIVER, "deliver")                                                      \
    X(ADVANCE_CLOCK, "advance_clock")                                          \
    X(EXPIRE_TOKENS, "expire_tokens")                                          \
    X(REVOKE, "revoke")                                                        \
    X(PUT_ORG, "put_org")                                                      \
    X(ADD_FAULT, "add_fault")                                                  \
    X(CLEAR_FAULTS, "clear_faults")

enum case_step {
#define CASE_STEP_ENUM(e, s) STEP_##e,
    CASE_STEPS(CASE_STEP_ENUM)
#undef CASE_STEP_ENUM
        STEP_COUNT
};

struct conf_case {
    char *dir;   /* the case directory (owned) */
    json_t *doc; /* case.json (owned); every string below is borrowed */
    const char *id, *title, *checks, *source;
    enum case_level level;
    const char *lead_key;    /* lead field that identifies a lead on the wire */
    unsigned profiles;       /* the profiles it belongs to (bit per enum
                                profile; default PROFILE_ALL) */
    int clock_running;       /* 0: the sim's clock is frozen between steps */
    int64_t timeout_ms;      /* per client run; 0: the runner's default */
    const char *ticket;      /* scenarios: the customer's words */
    const char *explanation; /* scenarios: what the replay shows */
    const char *client;      /* scenarios: a script of the case emulating
                                the customer's client (replay's default) */
    json_t *steps;           /* array of {"do": ..., ...} (borrowed) */
    json_t *expect;          /* array of {"check": ..., ...} (borrowed) */
    char *skip;              /* reason from the skip marker, or NULL */
    char *overlay; /* replay --fix: a directory whose files stand in for
                      the case's own (owned), or NULL */
};

/*
 * Loads dir/case.json. NULL (err set: "FILE:LINE:COL: path: what") when it
 * is unreadable or invalid. Caller frees with case_free().
 */
struct conf_case *case_load(const char *dir, struct sf_err *err);
void case_free(struct conf_case *c);

/*
 * Finds every case under suite (recursively, any directory holding a
 * case.json), loads them and sorts them by id. -1 (err set) on the first
 * invalid case or a repeated id. Caller frees with case_list_free().
 */
int case_discover(const char *suite, struct conf_case ***out, size_t *n,
                  struct sf_err *err);
void case_list_free(struct conf_case **list, size_t n);

/* 1 when c belongs to profile p. */
int case_in_profile(const struct conf_case *c, enum profile p);

const char *case_level_name(enum case_level l);
const char *case_step_name(enum case_step s);
/* STEP_COUNT when name is no step. */
enum case_step case_step_find(const char *name);

/*
 * A rough estimate of how long c takes to run, in ms, for scheduling the
 * slow cases first: a fixed cost per client run, one per lead it is
 * handed, and the waits its faults impose (Retry-After, delays).
 */
int64_t case_cost_ms(const struct conf_case *c);

/* Reads a whole file (caller frees). NULL (err set) when it cannot. */
char *case_read_file(const char *path, size_t *len, struct sf_err *err);
/*
 * Makes the files of dir/sub stand in for the case's own in case_path()
 * (replay --fix). Returns 0, or -1 when dir/sub is not a directory.
 */
int case_use_overlay(struct conf_case *c, const char *sub);
/* dir/name into out (size n), or the overlay's file of that name when
 * there is one; out. */
const char *case_path(const struct conf_case *c, const char *name, char *out,
                      size_t n);

#endif
