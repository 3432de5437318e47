/*
 * fuzz_reference.c - libFuzzer entry point for Composite references.
 *
 * An input is two parts split at the first " => ": a JSON document
 * standing for the answer of every earlier subrequest (referenceId "a"),
 * and a text in which "@{a.path}" references are replaced: once as a plain
 * string (a url) and once, when it parses, as a JSON body. A text without
 * "@{" must come back unchanged; an expansion never exceeds its bound;
 * anything else (a crash, leak or sanitizer report) is a bug.
 *
 * FUZZ-DICT-BEGIN
 * "@{"
 * "}"
 * "@{a."
 * "@{a["
 * ".records"
 * "[0]"
 * ".id"
 * FUZZ-DICT-END
 * FUZZ-SEED-BEGIN
 * {"id":"001A","records":[{"Id":"00Q1","n":2}]} => /x/@{a.id}/@{a.records[0].n}
 * [{"id":"003"}] => {"AccountId":"@{a[0].id}","list":["@{a[0].id}"]}
 * {} => @{b.id} @{a} @{ a} @{a.id
 * FUZZ-SEED-END
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_t *
lookup(void *arg, const char *id)
{
    return strcmp(id, "a") == 0 ? arg : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *sep = memmem(data, size, " => ", 4);
    struct reference_error err;
    json_t *answer, *tmpl, *out;
    char *text, *s;
    size_t head;

    if (sep == NULL)
        return 0;
    head = (size_t)(sep - (const char *)data);
    answer = json_loadb((const char *)data, head, JSON_DECODE_ANY, NULL);
    text = strndup(sep + 4, size - head - 4);
    if (text == NULL)
        abort();
    s = reference_expand(text, lookup, answer, &err);
    if (s != NULL) {
        if (strlen(s) > REFERENCE_TEXT_MAX ||
            (strstr(text, "@{") == NULL && strcmp(s, text) != 0))
            abort();
        free(s);
    } else if (strlen(err.ref) > REFERENCE_MAX) {
        abort();
    }
    (void)reference_id_valid(text);
    (void)reference_path(answer, text);
    tmpl = json_loads(text, JSON_DECODE_ANY, NULL);
    out = reference_expand_json(tmpl, lookup, answer, &err);
    json_decref(out);
    json_decref(tmpl);
    json_decref(answer);
    free(text);
    return 0;
}
