/*
 * fuzz_leads.c - libFuzzer entry point for the leads file parser.
 *
 * Each input is a whole leads file, parsed as NDJSON, as CSV and with the
 * format guessed, as sfdeliver's reader thread does: every lead handed
 * over must have a non-empty id of at most LEAD_ID_MAX bytes and an
 * object for its data, lines must never go backwards, and no id may come
 * out twice. Anything else (or a crash, leak or sanitizer report) is a
 * bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lead.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* clang-format off */
/*
 * FUZZ-DICT-BEGIN
 * "{\"id\":"
 * "\"custom\":{"
 * "\x0d\x0a"
 * "\"\""
 * "\xef\xbb\xbf"
 * FUZZ-DICT-END
 *
 * FUZZ-SEED-BEGIN
 * {"id":"a","email":"a@example.com","custom":{"case_type":"injury"}}
 * {"id":7,"ok":true}
 * id,email,custom.case_type
 * "id","first ""name"""
 * FUZZ-SEED-END
 */
/* clang-format on */

struct seen {
    long last_line;
    json_t *ids;
};

static int
emit(void *arg, char *id, json_t *lead, long line)
{
    struct seen *s = arg;
    size_t len = strlen(id);

    if (len == 0 || len > LEAD_ID_MAX || !json_is_object(lead) ||
        line < s->last_line || line < 1 || json_object_get(s->ids, id) != NULL)
        abort();
    s->last_line = line;
    json_object_set_new(s->ids, id, json_true());
    free(id);
    json_decref(lead);
    return 0;
}

static void
bad(void *arg, long line, const char *why)
{
    (void)arg;
    if (line < 1 || why == NULL || *why == '\0')
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum lead_format formats[] = {LEAD_FMT_NDJSON, LEAD_FMT_CSV,
                                               LEAD_FMT_AUTO};

    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        struct seen s = {.last_line = 0, .ids = json_object()};

        lead_parse((const char *)data, size, formats[i], emit, bad, &s);
        json_decref(s.ids);
    }
    return 0;
}
