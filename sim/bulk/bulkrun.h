/*
 * bulkrun.h - Bulk API jobs run on the simulated clock: creation within
 * the org's daily allocations, and the processing of every running job up
 * to the simulated "now".
 *
 * Nothing runs in the background: bulkrun_settle() brings every running
 * job up to now and is called before each request and after the clock
 * moves, so a job's progress is a function of the clock alone. From
 * UploadComplete at T0 a job has earned floor((t - T0) * rate) rows at
 * time t (the org's bulk.records_per_second, or .query_records_per_second)
 * and saves them a chunk at a time (ingest.h), each chunk at the moment
 * its rows were earned; injected faults can fail or stall a job part-way
 * (fault.h). The jobs themselves are bulk.h's.
 */
#ifndef SIM_BULKRUN_H
#define SIM_BULKRUN_H

#include "err.h"

struct sim;
struct bulk_job;
struct bulk_spec;

/*
 * A new job (bulk_job_new()) unless the sim's job table is full or the
 * org's daily allocation for its kind is spent: NULL with err set
 * ("ExceededQuota : ..."). The job is the engine's, as bulk.h says.
 */
struct bulk_job *bulkrun_create(struct sim *sim, const struct bulk_spec *spec,
                                struct sf_err *err);

/*
 * Brings every running job up to the simulated now: indexes and checks
 * uploads, runs the chunks due (each through intake, journaled), moves
 * states, counts allocations, and purges terminal jobs past retention.
 * Cheap when nothing runs.
 */
void bulkrun_settle(struct sim *sim);

/*
 * A client looked at j (its job info): a stall fault holding it counts
 * this look (fault.h), and lets go once its times are used.
 */
void bulkrun_observe(struct sim *sim, struct bulk_job *j);

#endif
