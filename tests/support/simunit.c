/*
 * simunit.c - a struct sim for unit tests (see simunit.h).
 */
#include "simunit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "org.h"
#include "sim.h"

#define SIMUNIT_JOURNAL_RING 64
#define SIMUNIT_JOURNAL_BODY 256

struct sim *
simunit_new(const char *text)
{
    struct sim_config cfg;
    struct sf_err err;
    struct org *o;
    struct sim *sim;

    memset(&cfg, 0, sizeof(cfg));
    cfg.journal_ring = SIMUNIT_JOURNAL_RING;
    cfg.journal_body_max = SIMUNIT_JOURNAL_BODY;
    cfg.has_seed = 1;
    cfg.seed = 7;
    err_clear(&err);
    if ((o = org_load_buf("org.json", text, strlen(text), &err)) == NULL ||
        (sim = sim_new(&cfg, o, &err)) == NULL) {
        fprintf(stderr, "simunit: %s\n", err.msg);
        abort();
    }
    return sim;
}
