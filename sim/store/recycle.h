/*
 * recycle.h - deleting into the recycle bin and undeleting out of it, with
 * what goes along: a master record's detail records (master-detail
 * relationships, down to RECYCLE_MAX_DEPTH levels) and a person account's
 * hidden Contact (person.h) are deleted with it; undeleting the master
 * brings back the details (and the Contact) deleted with it (same
 * deletion time), as Salesforce does. The store keeps the bin (store.h);
 * every API delete but Bulk's hardDelete goes through recycle_delete().
 */
#ifndef SIM_RECYCLE_H
#define SIM_RECYCLE_H

struct sim;
struct object_def;
struct record;

/* Salesforce allows three levels of master-detail below a master. */
#define RECYCLE_MAX_DEPTH 4

/* Deletes live record r of obj, and its details, at the sim's now. */
void recycle_delete(struct sim *sim, const struct object_def *obj,
                    struct record *r);

/* Undeletes r (in the bin) of obj at the sim's now, and the details that
 * were deleted with it. */
void recycle_undelete(struct sim *sim, const struct object_def *obj,
                      struct record *r);

#endif
