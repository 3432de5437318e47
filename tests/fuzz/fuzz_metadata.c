/*
 * fuzz_metadata.c - libFuzzer entry point for the metadata importer
 * (metadata.h) and the XML reader under it (xmlread.h).
 *
 * The first byte of an input picks where its file sits in a retrieve
 * (a field, a validation rule, an object in Metadata API format,
 * matching rules, a duplicate rule, a global value set, labels, a
 * custom metadata record); the rest is the file. The bytes are also
 * parsed by xmlread alone, with small bounds. Every problem must name a
 * path; an org the importer returns must load. Metadata files are
 * untrusted input: a crash, leak or hang is a bug.
 *
 * Seeds: tests/fuzz/corpus/metadata/ (the first byte, then the file).
 *
 * FUZZ-DICT-BEGIN
 * "<CustomField xmlns=\"http://soap.sforce.com/2006/04/metadata\">"
 * "<ValidationRule xmlns=\"http://soap.sforce.com/2006/04/metadata\">"
 * "<DuplicateRule xmlns=\"http://soap.sforce.com/2006/04/metadata\">"
 * "<MatchingRules xmlns=\"http://soap.sforce.com/2006/04/metadata\">"
 * "<fullName>"
 * "<type>"
 * "<errorConditionFormula>"
 * "<errorMessage>"
 * "<matchingRuleItems>"
 * "<duplicateRuleMatchRules>"
 * "<valueSetDefinition>"
 * "xsi:nil=\"true\""
 * "<!DOCTYPE"
 * "&#x"
 * "<CustomObject xmlns=\"http://soap.sforce.com/2006/04/metadata\">"
 * "<nameField>"
 * "<displayFormat>"
 * "<referenceTo>"
 * "<relationshipName>"
 * "<recordTypes>"
 * "MasterDetail"
 * "AutoNumber"
 * FUZZ-DICT-END
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metadata.h"
#include "org.h"
#include "xmalloc.h"
#include "xmlread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
    "objects/Lead/fields/X__c.field-meta.xml",
    "objects/Lead/validationRules/V.validationRule-meta.xml",
    "objects/Contact.object",
    "matchingRules/Lead.matchingRule-meta.xml",
    "duplicateRules/Lead.D.duplicateRule-meta.xml",
    "globalValueSets/G.globalValueSet-meta.xml",
    "labels/CustomLabels.labels-meta.xml",
    "customMetadata/T.R.md-meta.xml",
    "objects/Fuzz__c.object", /* a custom object, Metadata API format */
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    struct xmlread_limits lim = {.max_depth = 16, .max_nodes = 2000};
    struct metadata_report rep;
    struct xmlread_node *root;
    struct sf_err err;
    struct org *o;
    json_t *doc;
    char *text;
    size_t i;

    if (!init) {
        xjson_init();
        init = 1;
    }
    if (size < 1)
        return 0;
    root = xmlread_parse((const char *)data + 1, size - 1, &lim, NULL);
    xmlread_free(root);
    doc = metadata_import_buf(paths[data[0] % NPATHS], (const char *)data + 1,
                              size - 1, NULL, &rep);
    for (i = 0; i < rep.n; i++)
        if (rep.v[i].path == NULL || rep.v[i].message[0] == '\0')
            abort();
    if (doc != NULL) {
        text = json_dumps(doc, JSON_COMPACT);
        err_clear(&err);
        if ((o = org_load_buf("fuzz", text, strlen(text), &err)) == NULL)
            abort(); /* what the importer returns must load */
        org_free(o);
        free(text);
        json_decref(doc);
    }
    metadata_report_free(&rep);
    return 0;
}
