/*
 * relation.c - the relationships between objects (see relation.h).
 *
 * The standard reference fields as one table: which object's field (any
 * object's for the system fields), its relationship name, what it points
 * to and the name its parent lists it under (NULL: no child relationship
 * a query can name).
 */
#include "relation.h"

#include <string.h>
#include <strings.h>

#include "schema.h"

static const struct {
    const char *object; /* NULL: every object that has the field */
    const char *field, *relationship;
    const char *to[SCHEMA_MAX_TARGETS + 1];
    const char *children;
} standard[] = {
    {NULL, "OwnerId", "Owner", {"Group", "User", NULL}, NULL},
    {NULL, "CreatedById", "CreatedBy", {"User", NULL}, NULL},
    {NULL, "LastModifiedById", "LastModifiedBy", {"User", NULL}, NULL},
    {NULL, "RecordTypeId", "RecordType", {"RecordType", NULL}, NULL},
    {"Contact", "AccountId", "Account", {"Account", NULL}, "Contacts"},
    {"Account", "PersonContactId", "PersonContact", {"Contact", NULL}, NULL},
    {"Lead", "ConvertedAccountId", "ConvertedAccount", {"Account", NULL}, NULL},
    {"Lead", "ConvertedContactId", "ConvertedContact", {"Contact", NULL}, NULL},
    {"Lead",
     "ConvertedOpportunityId",
     "ConvertedOpportunity",
     {"Opportunity", NULL},
     NULL},
    {"User", "ProfileId", "Profile", {"Profile", NULL}, "Users"},
    {"User", "UserRoleId", "UserRole", {"UserRole", NULL}, NULL},
    {"User", "ManagerId", "Manager", {"User", NULL}, "ManagedUsers"},
    {"Opportunity", "AccountId", "Account", {"Account", NULL}, "Opportunities"},
    {"Opportunity",
     "CampaignId",
     "Campaign",
     {"Campaign", NULL},
     "Opportunities"},
    {"Opportunity", "ContactId", "Contact", {"Contact", NULL}, NULL},
    {"Task", "WhoId", "Who", {"Contact", "Lead", NULL}, "Tasks"},
    {"Task",
     "WhatId",
     "What",
     {"Account", "Opportunity", "Campaign", "Case", NULL},
     "Tasks"},
    {"Event", "WhoId", "Who", {"Contact", "Lead", NULL}, "Events"},
    {"Event",
     "WhatId",
     "What",
     {"Account", "Opportunity", "Campaign", "Case", NULL},
     "Events"},
    {"Campaign", "ParentId", "Parent", {"Campaign", NULL}, "ChildCampaigns"},
    {"CampaignMember",
     "CampaignId",
     "Campaign",
     {"Campaign", NULL},
     "CampaignMembers"},
    {"CampaignMember", "LeadId", "Lead", {"Lead", NULL}, "CampaignMembers"},
    {"CampaignMember",
     "ContactId",
     "Contact",
     {"Contact", NULL},
     "CampaignMembers"},
    {"Case", "AccountId", "Account", {"Account", NULL}, "Cases"},
    {"Case", "ContactId", "Contact", {"Contact", NULL}, "Cases"},
    {"Case", "ParentId", "Parent", {"Case", NULL}, "Cases"},
};

static void
fill_field(const struct object_def *o, struct field_def *f)
{
    size_t i, k;

    for (i = 0; i < sizeof(standard) / sizeof(standard[0]); i++) {
        if (strcmp(standard[i].field, f->name) != 0 ||
            (standard[i].object != NULL &&
             strcmp(standard[i].object, o->name) != 0))
            continue;
        f->relationship = standard[i].relationship;
        for (k = 0; standard[i].to[k] != NULL; k++)
            f->reference_to[k] = standard[i].to[k];
        f->reference_to[k] = NULL;
        f->child_relationship = standard[i].children;
        return;
    }
}

void
relation_fill(struct schema *s)
{
    size_t i, f;

    for (i = 0; i < s->nobjects; i++) {
        struct object_def *o = &s->objects[i];

        for (f = 0; f < o->nfields; f++)
            if (o->fields[f].type == FT_REFERENCE &&
                o->fields[f].relationship == NULL)
                fill_field(o, &o->fields[f]);
    }
}

const struct field_def *
relation_parent(const struct object_def *o, const char *name)
{
    size_t i;

    for (i = 0; i < o->nfields; i++)
        if (o->fields[i].relationship != NULL &&
            strcasecmp(o->fields[i].relationship, name) == 0)
            return &o->fields[i];
    return NULL;
}

int
relation_targets(const struct field_def *f, const char *object)
{
    size_t k;

    for (k = 0; k < SCHEMA_MAX_TARGETS && f->reference_to[k] != NULL; k++)
        if (strcasecmp(f->reference_to[k], object) == 0)
            return 1;
    return 0;
}

struct finder {
    const char *name;
    struct relation_child *out;
    int found;
};

static void
find_one(const struct relation_child *c, void *arg)
{
    struct finder *f = arg;

    if (!f->found && c->name != NULL && strcasecmp(c->name, f->name) == 0) {
        *f->out = *c;
        f->found = 1;
    }
}

int
relation_child(const struct schema *s, const struct object_def *parent,
               const char *name, struct relation_child *out)
{
    struct finder f = {name, out, 0};

    relation_children(s, parent, find_one, &f);
    return f.found ? 0 : -1;
}

void
relation_children(const struct schema *s, const struct object_def *parent,
                  void (*fn)(const struct relation_child *c, void *arg),
                  void *arg)
{
    struct relation_child c;
    size_t i, k;

    for (i = 0; i < s->nobjects; i++)
        for (k = 0; k < s->objects[i].nfields; k++) {
            const struct field_def *f = &s->objects[i].fields[k];

            if (f->type != FT_REFERENCE || !relation_targets(f, parent->name))
                continue;
            c.child = &s->objects[i];
            c.field = f;
            c.name = f->child_relationship;
            fn(&c, arg);
        }
}
