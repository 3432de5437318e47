/*
 * fuzz_buyer.c - libFuzzer entry point for sfdeliver's buyer config loader.
 *
 * Each input is a buyer file. It is loaded (strict keys, types, ranges,
 * URLs, headers, filter patterns, suppression and dedup settings); a
 * rejected file must come with a "label:line:column:" message, an accepted
 * one must answer the lookups the rest of the client makes. Buyer files
 * are untrusted input: a crash, leak or hang is a bug. Relative file names
 * (suppression.file) resolve in a directory that does not exist.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buyer.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* clang-format off */
/*
 * FUZZ-DICT-BEGIN
 * "\"delivery\":{"
 * "\"url\":\"http://127.0.0.1:9/x\""
 * "\"content_type\":\"application/json\""
 * "\"content_type\":\"application/x-www-form-urlencoded\""
 * "\"format\":\"flow\""
 * "\"headers\":{"
 * "\"mapping\":{"
 * "\"static_fields\":{"
 * "\"auth\":{"
 * "\"token_url\":"
 * "\"retry\":{"
 * "\"filters\":[{"
 * "\"pattern\":"
 * "\"suppression\":{"
 * "\"dedup\":{"
 * "\"web_to_lead\":{\"daily_budget\":"
 * "\"reconcile\":{"
 * "\"query_url\":"
 * "\"match_field\":"
 * FUZZ-DICT-END
 *
 * FUZZ-SEED-BEGIN
 * {"delivery":{"url":"http://127.0.0.1:9/x","content_type":"application/json","headers":{"Authorization":"Bearer t"}},"auth":{"token_url":"http://127.0.0.1:9/t","client_id":"c","refresh_token":"r"}}
 * {"delivery":{"url":"http://127.0.0.1:9/w","content_type":"application/x-www-form-urlencoded"},"static_fields":{"oid":"00D000000000001"},"filters":[{"field":"email","pattern":"^[^@]+@"}],"dedup":{"fields":["email"],"match":"any"},"web_to_lead":{"daily_budget":5}}
 * FUZZ-SEED-END
 */
/* clang-format on */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    struct sf_err err;
    struct buyer b;
    int line, col;

    if (!init) {
        xjson_init();
        init = 1;
    }
    err_clear(&err);
    if (buyer_load_text(&b, "fuzz", (const char *)data, size,
                        "/nonexistent-fuzz-dir", &err) == -1) {
        if (sscanf(err.msg, "fuzz:%d:%d:", &line, &col) != 2)
            abort();
        buyer_free(&b);
        return 0;
    }
    if (b.url == NULL)
        abort(); /* delivery.url is required */
    (void)buyer_header(&b, "Authorization");
    (void)buyer_static(&b, "oid");
    (void)buyer_w2l_oid(&b);
    (void)buyer_can_refresh(&b);
    (void)buyer_uses_token(&b);
    (void)buyer_reconciles(&b);
    buyer_free(&b);
    return 0;
}
