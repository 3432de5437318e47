/*
 * leadstatus.h - the org's lead statuses (the LeadStatus records) and what
 * "converted" means for a lead.
 *
 * The statuses are the Lead Status picklist's values in order; one of them,
 * "Closed - Converted", is the converted status (IsConverted), as in a
 * fresh org: the only status convertLead() accepts (convert.h). A lead
 * whose IsConverted is true takes no update (intake.h answers
 * CANNOT_UPDATE_CONVERTED_LEAD). Nothing here changes anything.
 */
#ifndef SIM_LEADSTATUS_H
#define SIM_LEADSTATUS_H

struct object_def;
struct record;

/* 1 when status (a Lead Status value) has IsConverted. */
int leadstatus_is_converted(const char *status);

/* 1 when r is a Lead (obj) that was converted. */
int leadstatus_lead_converted(const struct object_def *obj,
                              const struct record *r);

#endif
