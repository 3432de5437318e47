/*
 * fuzz_collmap.c - libFuzzer entry point for sfdeliver's reading of an
 * sObject Collections answer off its text (collmap_map_text()), against
 * the way it reads any other answer: jansson (through jload, as
 * transfer_json() parses) and collmap_map().
 *
 * The answer comes from the buyer's endpoint, so it is untrusted. The
 * first input byte gives the number of leads of the call (1 to 8), the
 * rest is the answer. When collmap_map_text() takes the answer, the
 * parsed answer must be judged per element by collmap_map() too, every
 * lead the same ("ok", done), and each element's bytes must be exactly
 * what jwrite writes of that element (the delivery log's text). Any
 * difference aborts; a crash, leak or hang is a bug too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "collmap.h"
#include "jload.h"
#include "jwrite.h"

#define FUZZ_LEADS_MAX 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* clang-format off */
/*
 * FUZZ-DICT-BEGIN
 * "{\"id\":\"00Q000000000001AAA\",\"success\":true,\"errors\":[]}"
 * "\"success\":true"
 * "\"success\":false"
 * "\"errors\":[]"
 * "\"created\":true"
 * "\"statusCode\":\"REQUIRED_FIELD_MISSING\""
 * "\\u0041"
 * "-0"
 * "1.0"
 * "1e5"
 * "999999999999999999"
 * "9999999999999999999"
 * FUZZ-DICT-END
 *
 * FUZZ-SEED-BEGIN
 * [{"id":"00Q000000000001AAA","success":true,"errors":[]}]
 * [{"id":"00Q000000000001AAA","success":true,"errors":[]},{"id":"00Q000000000002AAA","success":true,"errors":[]}]
 * [{"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"x","fields":["LastName"]}]}]
 * [{"id":"00Q000000000001AAA","success":true,"errors":[],"created":true,"n":-12}]
 * [ {"success":true} ]
 * [{"success":true,"success":true}]
 * FUZZ-SEED-END
 */
/* clang-format on */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct collmap_verdict fast[FUZZ_LEADS_MAX], slow[FUZZ_LEADS_MAX];
    const char *text = (const char *)data + 1;
    struct buf elem;
    json_t *answer;
    size_t n, len, i;

    if (size < 1)
        return 0;
    n = (size_t)(data[0] % FUZZ_LEADS_MAX) + 1;
    len = size - 1;
    memset(fast, 0, sizeof(fast));
    if (!collmap_map_text(0, 200, text, len, n, fast))
        return 0;
    answer = len > 0 ? jload_buf_flags(text, len, 0, NULL) : NULL;
    if (collmap_map(0, 200, answer, n, slow) != 1)
        abort(); /* the text was taken, jansson's reading is not per lead */
    buf_init(&elem, 1 << 20);
    for (i = 0; i < n; i++) {
        if (fast[i].verdict != slow[i].verdict ||
            strcmp(fast[i].reason, slow[i].reason) != 0 ||
            strcmp(fast[i].error, slow[i].error) != 0 || fast[i].elem != NULL ||
            fast[i].text == NULL)
            abort();
        buf_reset(&elem);
        if (jwrite_value(&elem, slow[i].elem) != 0 ||
            elem.len != fast[i].text_len ||
            memcmp(elem.data, fast[i].text, elem.len) != 0)
            abort(); /* the log would show other bytes than before */
    }
    buf_free(&elem);
    json_decref(answer);
    return 0;
}
