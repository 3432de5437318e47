/*
 * fuzz_org.c - libFuzzer entry point for the org config loader.
 *
 * Each input is an org file. It is loaded (strict keys, types, ranges,
 * formulas of validation and duplicate rules, flows, Apex endpoints); a
 * rejected file must come with a "label:line:column:" message, and an
 * accepted one must survive a round trip through its effective JSON.
 * Config files are untrusted input: a crash, leak or hang is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "org.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    struct sf_err err;
    struct org *o, *again;
    json_t *j;
    char *text;

    if (!init) {
        xjson_init();
        init = 1;
    }
    err_clear(&err);
    o = org_load_buf("fuzz", (const char *)data, size, &err);
    if (o == NULL) {
        if (strncmp(err.msg, "fuzz:", 5) != 0)
            abort();
        return 0;
    }
    j = org_to_json(o);
    text = json_dumps(j, 0);
    err_clear(&err);
    again = org_load_buf("again", text, strlen(text), &err);
    if (again == NULL)
        abort(); /* the effective config must load back */
    org_free(again);
    free(text);
    json_decref(j);
    org_free(o);
    return 0;
}
