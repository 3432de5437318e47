/*
 * objects.h - the org's whole schema: schema.c's objects (Lead, Contact,
 * Account, User, Profile, Organization), the other standard objects
 * (objects_std.h), the org's custom objects (objects_custom.h) and the
 * relationships between them all (relation.h). What the sim and the rule
 * compiler build; schema.h is how everything reads it.
 */
#ifndef SIM_OBJECTS_H
#define SIM_OBJECTS_H

#include <stddef.h>

struct org;
struct schema;
struct store;

/* As schema_new() (caller frees with schema_free()), with every object. */
struct schema *objects_schema(const struct org *org, struct store *store);

/* 1 when name is a standard object (case-insensitive), its canonical
 * spelling in canonical[n]; for org files, before any schema exists. */
int objects_standard(const char *name, char *canonical, size_t n);

#endif
