/*
 * fuzz_jload.c - libFuzzer entry point for the fast JSON loader, against
 * jansson's own.
 *
 * Each input is a request body. jload_buf() must answer exactly what
 * json_loadb(JSON_DECODE_ANY) answers: an equal value that dumps the same
 * (keys sorted, and in document order), or the same error struct. Any
 * difference aborts. A crash, leak or hang is a bug too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jload.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* clang-format off */
/*
 * FUZZ-DICT-BEGIN
 * "\\u"
 * "\\uD83D\\uDE00"
 * "\\u0000"
 * "\\uDC00"
 * "\\\""
 * "\":\""
 * "\",\""
 * "{\"attributes\":{\"type\":\"Lead\"},"
 * "9223372036854775807"
 * "-9223372036854775808"
 * "999999999999999999"
 * "1e400"
 * "1e-400"
 * "-0.0"
 * "true"
 * "false"
 * "null"
 * "\xc3\xa9"
 * "\xed\xa0\x80"
 * "\xf4\x90\x80\x80"
 * FUZZ-DICT-END
 *
 * FUZZ-SEED-BEGIN
 * {"allOrNone":false,"records":[{"attributes":{"type":"Lead"},"LastName":"Lead000000001","Company":"Acme","Email":"lead000000001@example.com"},{"attributes":{"type":"Lead"},"LastName":"O\u2019Brien \uD83D\uDE00","Company":"Acme","AnnualRevenue":1.5e6,"NumberOfEmployees":12}]}
 * [1,-0,0.5,-1.25e-3,999999999999999999,"a\"b\\c\/d\b\f\n\r\t",true,false,null,{},[]]
 * {"a":1,"b":{"c":[2,3]},"a":"again","\u0061":"escaped"}
 * "caf\u00e9 café"
 * FUZZ-SEED-END
 */
/* clang-format on */

/* Both dumps of a and b with these flags agree, or we abort. */
static void
same_dump(const json_t *a, const json_t *b, size_t flags)
{
    char *da = json_dumps(a, flags | JSON_ENCODE_ANY);
    char *db = json_dumps(b, flags | JSON_ENCODE_ANY);

    if (da == NULL || db == NULL || strcmp(da, db) != 0)
        abort();
    free(da);
    free(db);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    json_error_t e1, e2;
    json_t *a, *b;

    if (!init) {
        xjson_init();
        init = 1;
    }
    memset(&e1, 0, sizeof(e1));
    memset(&e2, 0, sizeof(e2));
    a = jload_buf((const char *)data, size, &e1);
    b = json_loadb((const char *)data, size, JSON_DECODE_ANY, &e2);
    if ((a == NULL) != (b == NULL))
        abort();
    if (b == NULL) {
        if (memcmp(&e1, &e2, sizeof(e1)) != 0)
            abort();
        return 0;
    }
    if (!json_equal(a, b))
        abort();
    same_dump(a, b, JSON_SORT_KEYS);
    same_dump(a, b, 0);
    json_decref(a);
    json_decref(b);
    return 0;
}
