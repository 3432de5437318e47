/*
 * orgrecords.h - the org's own records: a User for each user of the org
 * file, a Profile for each profile they name (and the two every org has),
 * the one Organization, a RecordType for each of the org's record types
 * (Master is none) and a LeadStatus for each Lead Status value (the
 * converted one as leadstatus.h says, 01J000000000001 up).
 *
 * They are made from the org into the store, under the schema's
 * OBJ_FROM_ORG objects, whenever the org is loaded or replaced and after a
 * reset, with the IDs the org gives (users, the org id) or fixed ones
 * (profiles: 00e000000000001 up: System Administrator, Standard User,
 * then the other profiles the users name, in user order). The
 * API reads them like any record and writes none of them. Knows nothing of
 * HTTP, and nothing of the sim beyond the three parts it is given.
 */
#ifndef SIM_ORGRECORDS_H
#define SIM_ORGRECORDS_H

#include <stdint.h>

struct org;
struct schema;
struct store;

/*
 * Replaces the records of every OBJ_FROM_ORG object of schema with those
 * org calls for, dated now_ms. Records the store refuses (two users with
 * one id) are left out.
 */
void orgrecords_load(const struct org *org, const struct schema *schema,
                     struct store *store, int64_t now_ms);

#endif
