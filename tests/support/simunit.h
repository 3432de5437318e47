/*
 * simunit.h - a struct sim for unit tests: the whole simulated org in the
 * test's own process, no HTTP, no thread.
 */
#ifndef TESTS_SIMUNIT_H
#define TESTS_SIMUNIT_H

struct sim;

/*
 * A sim on the org in text (JSON, as an org file), with --seed 7, a small
 * journal ring and no journal file. Aborts the test program (after
 * printing why) when the org does not load. Caller frees with sim_free().
 */
struct sim *simunit_new(const char *text);

#endif
