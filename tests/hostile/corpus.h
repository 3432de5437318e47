/*
 * corpus.h - the hostile-input corpus: its index files and its tally.
 *
 * Each kind of input has a directory under tests/hostile/ (http, org,
 * buyer, leads, soql, formula) holding one input per file and an INDEX
 * that names every input with its expected outcome and what it attacks:
 *
 *     # file            expect          what it attacks
 *     dup-cl.http       400+close       two different Content-Length ...
 *     no-host.http      xfail:400       HTTP/1.1 without Host (...)
 *
 * The expectation's grammar belongs to the kind (the runner reads it); an
 * "xfail:" prefix marks a known defect, whose entry must still fail: once
 * it passes the run fails too, so that the marker is removed and the entry
 * guards the fix. Files whose name starts with '_' are support files (a
 * buyer for the leads runs); any other file missing from INDEX is an
 * error, so no input is silently skipped.
 */
#ifndef TESTS_CORPUS_H
#define TESTS_CORPUS_H

#include <stddef.h>

#include "err.h"

#define CORPUS_NAME_MAX 128
#define CORPUS_EXPECT_MAX 256
#define CORPUS_NOTE_MAX 512
#define CORPUS_PATH_MAX 1024
#define CORPUS_SLOW_MS 500

struct corpus_entry {
    char file[CORPUS_NAME_MAX];     /* inside the kind's directory */
    char expect[CORPUS_EXPECT_MAX]; /* "xfail:" removed */
    char note[CORPUS_NOTE_MAX];
    char path[CORPUS_PATH_MAX]; /* dir/file */
    int xfail;
    int line; /* in INDEX */
};

struct corpus {
    const char *kind;          /* borrowed */
    char dir[CORPUS_PATH_MAX]; /* root/kind */
    struct corpus_entry *v;    /* owned */
    size_t n;
    size_t ok, failed, xfailed, xpassed;
    long long start_ms; /* when it was loaded (CLOCK_MONOTONIC) */
    long long last_ms;  /* when the last result came */
    int verbose;        /* HOSTILE_VERBOSE: a line for every input */
};

/*
 * Reads root/kind/INDEX into c. 0, or -1 with err (no INDEX, a line
 * without an expectation, a name listed twice or missing, a file of the
 * directory not listed). Free with corpus_free() either way.
 */
int corpus_load(struct corpus *c, const char *root, const char *kind,
                struct sf_err *err);
void corpus_free(struct corpus *c);
/* The bytes of e's file (NUL-terminated, *len without it); caller frees.
 * NULL with err when it cannot be read. */
char *corpus_read(const struct corpus_entry *e, size_t *len,
                  struct sf_err *err);
/*
 * Records one outcome: passed says whether what happened matches e's
 * expectation; got describes what happened. Prints one line (with the
 * time the entry took, when it took more than CORPUS_SLOW_MS) unless the
 * entry passed quickly as expected and HOSTILE_VERBOSE is unset, tallies
 * it (an xfail entry that passes counts as a failure) and returns 1 when
 * the entry counts as a failure.
 */
int corpus_result(struct corpus *c, const struct corpus_entry *e, int passed,
                  const char *got);
/* Prints the kind's summary; 0 when nothing failed, -1 otherwise. */
int corpus_summary(const struct corpus *c);

/*
 * Splits an expectation at '|' into its alternatives: calls one(alt, arg)
 * for each (alt NUL-terminated, at most CORPUS_EXPECT_MAX bytes) until one
 * returns non-zero, and returns that value (0 when none matched).
 */
int corpus_any(const char *expect, int (*one)(const char *alt, void *arg),
               void *arg);

#endif
