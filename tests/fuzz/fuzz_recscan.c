/*
 * fuzz_recscan.c - libFuzzer entry point for the REST record scanner
 * (sim/rest/recscan.h), against jansson and the code before it.
 *
 * Each input is a request body, read as an sObject Collections body and
 * as a single record. The scanner must decline what it cannot read as
 * jansson does, and what it reads must give the same members, types,
 * recbody values and errors, journal fields and fault lookups as the
 * jansson way and the old code (tests/support/recdiff.h); any difference
 * aborts. A crash, leak or hang is a bug too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../support/recdiff.h"
#include "../support/simunit.h"
#include "schema.h"
#include "sim.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* clang-format off */
/*
 * FUZZ-SOURCES-BEGIN
 * tests/support/recdiff.c
 * tests/support/simunit.c
 * FUZZ-SOURCES-END
 *
 * FUZZ-DICT-BEGIN
 * "{\"attributes\":{\"type\":\"Lead\"},"
 * "\"records\":["
 * "\"allOrNone\":"
 * "\"LastName\":"
 * "\"NumberOfEmployees\":"
 * "\"Id\":"
 * "\"attributes\":"
 * "\"type\":"
 * "\\u"
 * "\\uD83D\\uDE00"
 * "\\u0000"
 * "\\uDC00"
 * "\\\""
 * "123456789012345678"
 * "1234567890123456789"
 * "1e400"
 * "-0"
 * "-0.0"
 * "1e5"
 * "true"
 * "false"
 * "null"
 * "\xc3\xa9"
 * "\xed\xa0\x80"
 * FUZZ-DICT-END
 *
 * FUZZ-SEED-BEGIN
 * {"allOrNone":false,"records":[{"attributes":{"type":"Lead"},"LastName":"Lead000000001","Company":"Acme","Email":"lead000000001@example.com"},{"attributes":{"type":"Contact"},"LastName":"O\u2019Brien \uD83D\uDE00","AnnualRevenue":1.5e6,"NumberOfEmployees":12}]}
 * {"LastName":"Doe","Company":"Acme","Phone":null,"HasOptedOutOfEmail":true,"NumberOfEmployees":-0}
 * {"records":[{"attributes":{"type":"Lead","url":"/x"},"Id":"00Q000000000001","LastName":"a","LastName":"b"}],"allOrNone":true}
 * {"records":[{"attributes":{"type":"Lead"},"LastName":{"x":[1]}},"x"]}
 * FUZZ-SEED-END
 */
/* clang-format on */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sim *sim;
    static const struct object_def *lead;

    if (sim == NULL) {
        xjson_init();
        sim = simunit_new("{}");
        lead = schema_object(sim->schema, "Lead");
    }
    if (recdiff_check(lead, (const char *)data, size, NULL) != 0)
        abort();
    return 0;
}
