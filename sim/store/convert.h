/*
 * convert.h - lead conversion: what Salesforce's convertLead() does (the
 * SOAP partner call; Apex's Database.convertLead is the same operation).
 *
 * One conversion turns a Lead into an Account and a Contact and,
 * unless told not to, an Opportunity: new ones made from the lead's
 * values (the standard field mapping), or the Account and Contact named by
 * id, whose empty fields only are filled from the lead. The lead is then
 * marked converted (IsConverted, ConvertedDate, Converted*Id and the
 * converted status), after which no update reaches it
 * (leadstatus.h: CANNOT_UPDATE_CONVERTED_LEAD). Everything
 * goes through intake.h (types, validation and duplicate rules) and is
 * undone together when one part fails. Knows nothing of HTTP or SOAP.
 */
#ifndef SIM_CONVERT_H
#define SIM_CONVERT_H

#include "sfid.h"

struct sim;
struct object_def;
struct record;

/* One LeadConvert: every string borrowed, NULL when absent. */
struct convert_req {
    const char *lead_id;          /* required */
    const char *converted_status; /* required: a converted lead status */
    const char *account_id;       /* merge into this Account */
    const char *contact_id; /* merge into this Contact (needs account_id) */
    const char *owner_id;   /* owner of the new records */
    const char *opportunity_name; /* default: the lead's Company */
    int do_not_create_opportunity;
    int overwrite_lead_source; /* the Contact's LeadSource from the lead */
};

#define CONVERT_CODE_MAX 64
#define CONVERT_MESSAGE_MAX 512
#define CONVERT_FIELD_MAX 64

/* A LeadConvertResult: the 18-character ids ("" when none), or the
 * error (success 0). */
struct convert_result {
    int success;
    char lead_id[SFID_LEN18 + 1];
    char account_id[SFID_LEN18 + 1];
    char contact_id[SFID_LEN18 + 1];
    char opportunity_id[SFID_LEN18 + 1];
    char code[CONVERT_CODE_MAX];       /* statusCode */
    char message[CONVERT_MESSAGE_MAX]; /* message */
    char field[CONVERT_FIELD_MAX];     /* the one field named, or "" */
};

/* Converts one lead at the sim's now; 0, or -1 with out's error (and
 * nothing changed). */
int convert_lead(struct sim *sim, const struct convert_req *req,
                 struct convert_result *out);

#endif
