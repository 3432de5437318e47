/*
 * objects_std.h - the standard objects integrations touch beyond Lead,
 * Contact, Account and the org's own records: Opportunity, Task, Event,
 * Campaign, CampaignMember and Case; and RecordType and LeadStatus, whose
 * read-only records orgrecords.h makes from the org.
 *
 * Each is a row of a table  (struct schema_row) with a field table, as the
 * schema's own; objects_schema() adds them after schema.c's. How their
 * reference fields relate the objects is relation.c's table. Lengths and
 * picklist values follow Salesforce's object reference for a fresh org.
 */
#ifndef SIM_OBJECTS_STD_H
#define SIM_OBJECTS_STD_H

#include <stddef.h>

#include "schema.h"

/* 15-character record type ids (reported in 18 characters): Master, and
 * a Person Account org's two Account record types (person.h), which are
 * RecordType records too (orgrecords.h). */
#define PERSON_RT_MASTER "012000000000000"
#define PERSON_RT_BUSINESS "012000000000BUS"
#define PERSON_RT_PERSON "012000000000PER"

/* The rows (static, *n set to their count). */
const struct schema_row *objects_std_rows(size_t *n);

#endif
