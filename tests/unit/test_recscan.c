/*
 * test_recscan.c - the record scanner (sim/rest/recscan.h) against the
 * jansson way and the code before it (tests/support/recdiff.h): for
 * hand-written edge cases and for bodies generated at random from a fixed
 * seed (shaped like Collections and single-record bodies, with hostile
 * strings, numbers, whitespace, nesting and byte mutations), both ways
 * must give the same members, types, recbody values and errors, journal
 * fields and fault lookups, or the scanner must decline. The tests also
 * check that the scanner, not only the fallback, takes the common bodies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "recdiff.h"
#include "recscan.h"
#include "schema.h"
#include "sim.h"
#include "simunit.h"

#define RANDOM_BODIES 100000
#define LEAD_REC "{\"attributes\":{\"type\":\"Lead\"},\"LastName\":\"x\"}"

static struct sim *sim;
static const struct object_def *lead;

static int
setup(void **state)
{
    (void)state;
    sim = simunit_new("{}");
    lead = schema_object(sim->schema, "Lead");
    return lead != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    sim_free(sim);
    return 0;
}

static void
check(const char *body, struct recdiff_stats *st)
{
    assert_int_equal(recdiff_check(lead, body, strlen(body), st), 0);
}

/* Whether the scanner takes body (as Collections when coll). */
static int
scans(const char *body, int coll)
{
    struct recscan s;
    int rc = coll ? recscan_collection(&s, body, strlen(body))
                  : recscan_record(&s, body, strlen(body));

    if (rc == 0)
        recscan_free(&s);
    return rc == 0;
}

static const char *const edge_cases[] = {
    /* the common shapes */
    "{\"allOrNone\":false,\"records\":[" LEAD_REC "]}",
    "{\"records\":[" LEAD_REC "," LEAD_REC "],\"allOrNone\":true}",
    "{\"LastName\":\"Doe\",\"Company\":\"Acme\",\"Email\":\"a@b.c\"}",
    " \t\r\n{ \"records\" : [ { \"attributes\" : { \"type\" : \"Lead\" } ,"
    " \"LastName\" : \"x\" } ] } \n",
    "{}",
    "{\"records\":[]}",
    "{\"records\":[{}]}",
    "{\"records\":null}",
    "{\"records\":{}}",
    "{\"records\":\"x\"}",
    "{\"records\":[\"x\",1,null,[],{}]}",
    "{\"allOrNone\":\"true\",\"records\":[" LEAD_REC "]}",
    "{\"allOrNone\":null,\"records\":[" LEAD_REC "]}",
    "{\"allOrNone\":1,\"records\":[" LEAD_REC "]}",
    "{\"other\":1,\"records\":[" LEAD_REC "]}",
    /* duplicate keys: one member, first place, last value */
    "{\"LastName\":\"a\",\"Company\":\"c\",\"LastName\":\"b\"}",
    "{\"LastName\":\"a\",\"LastName\":null}",
    "{\"LastName\":\"a\",\"LastName\":{}}",
    "{\"attributes\":{\"type\":\"Lead\"},\"attributes\":{\"type\":\"Contact\"}"
    "}",
    "{\"records\":[{\"attributes\":{\"type\":\"Lead\"},\"attributes\":1}]}",
    "{\"records\":[{\"attributes\":{\"type\":\"Lead\",\"type\":2}}]}",
    "{\"records\":[{\"attributes\":{\"type\":2,\"type\":\"Lead\"}}]}",
    "{\"allOrNone\":true,\"allOrNone\":false,\"records\":[" LEAD_REC "]}",
    "{\"records\":[" LEAD_REC "],\"records\":[]}",
    /* attributes */
    "{\"records\":[{\"LastName\":\"x\"}]}",
    "{\"records\":[{\"attributes\":{}}]}",
    "{\"records\":[{\"attributes\":{\"url\":\"/x\"}}]}",
    "{\"records\":[{\"attributes\":\"Lead\"}]}",
    "{\"records\":[{\"attributes\":{\"type\":\"Widget__c\"}}]}",
    "{\"records\":[{\"attributes\":{\"type\":\"lead\"}}]}",
    "{\"records\":[{\"attributes\":{\"type\":\"Lead\",\"x\":{\"y\":1}}}]}",
    "{\"records\":[{\"attributes\":{\"type\":null}}]}",
    "{\"attributes\":[],\"LastName\":\"x\"}",
    "{\"attributes\":\"x\",\"LastName\":\"x\"}",
    /* Id and unknown fields */
    "{\"Id\":\"00Q000000000001\",\"LastName\":\"x\"}",
    "{\"id\":\"00Q000000000001\",\"ID\":5}",
    "{\"Nope__c\":\"x\"}",
    "{\"lastname\":\"x\",\"LASTNAME\":\"y\"}",
    /* values */
    "{\"LastName\":null,\"Company\":true,\"Email\":false}",
    "{\"LastName\":{\"a\":1}}",
    "{\"LastName\":[1,2]}",
    "{\"LastName\":[]}",
    "{\"NumberOfEmployees\":-0}",
    "{\"NumberOfEmployees\":0}",
    "{\"NumberOfEmployees\":-0.0}",
    "{\"NumberOfEmployees\":1e5}",
    "{\"NumberOfEmployees\":1E+5}",
    "{\"NumberOfEmployees\":1.0}",
    "{\"NumberOfEmployees\":1.5e-3}",
    "{\"NumberOfEmployees\":0.1}",
    "{\"NumberOfEmployees\":123456789012345678}",
    "{\"NumberOfEmployees\":-123456789012345678}",
    "{\"NumberOfEmployees\":1234567890123456789}",
    "{\"NumberOfEmployees\":12345678901234567890}",
    "{\"NumberOfEmployees\":9223372036854775807}",
    "{\"NumberOfEmployees\":-9223372036854775808}",
    "{\"NumberOfEmployees\":1e400}",
    "{\"NumberOfEmployees\":1e-400}",
    "{\"NumberOfEmployees\":3.141592653589793238462643383279}",
    "{\"NumberOfEmployees\":01}",
    "{\"NumberOfEmployees\":1.}",
    "{\"NumberOfEmployees\":.5}",
    "{\"NumberOfEmployees\":-}",
    "{\"NumberOfEmployees\":+1}",
    "{\"NumberOfEmployees\":1e}",
    "{\"NumberOfEmployees\":NaN}",
    "{\"NumberOfEmployees\":Infinity}",
    /* strings */
    "{\"LastName\":\"\"}",
    "{\"LastName\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"}",
    "{\"LastName\":\"\\u00e9\\u20AC\\uD83D\\uDE00\"}",
    "{\"LastName\":\"\\u0000\"}",
    "{\"LastName\":\"\\uD83D\"}",
    "{\"LastName\":\"\\uDE00\"}",
    "{\"LastName\":\"\\uD83Dx\"}",
    "{\"LastName\":\"\\uD83D\\u0041\"}",
    "{\"LastName\":\"\\u12\"}",
    "{\"LastName\":\"\\uGGGG\"}",
    "{\"LastName\":\"\\x\"}",
    "{\"LastName\":\"\\\"}",
    "{\"LastName\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}",
    "{\"LastName\":\"\xff\"}",
    "{\"LastName\":\"\xc0\x80\"}",
    "{\"LastName\":\"\xed\xa0\x80\"}",
    "{\"LastName\":\"\xe2\x82\"}",
    "{\"LastName\":\"a\tb\"}",
    "{\"LastName\":\"a\x01\"}",
    "{\"LastName\":\"a\x7f\"}",
    "{\"Last\\u004eame\":\"x\"}",
    "{\"\":\"x\"}",
    "{\"Password\":\"secret\",\"LastName\":\"x\"}",
    /* layout */
    "{\"LastName\":\"x\",}",
    "{,\"LastName\":\"x\"}",
    "{\"LastName\" \"x\"}",
    "{\"LastName\":\"x\"",
    "{\"LastName\":\"x\"}}",
    "{\"LastName\":\"x\"} x",
    "{\"LastName\":\"x\"}\f",
    "\xef\xbb\xbf{\"LastName\":\"x\"}",
    "{\"records\":[" LEAD_REC ",]}",
    "{\"records\":[" LEAD_REC "}",
    "[]",
    "[" LEAD_REC "]",
    "\"x\"",
    "1",
    "null",
    "tru",
    "{\"LastName\":tru}",
    "{\"LastName\":nul}",
    "{\"LastName\":falsey}",
    "{'LastName':'x'}",
    "{\"records\":[{\"attributes\":{\"type\":\"Lead\"},\"x\":[[[[[]]]]]}]}",
};

static void
test_edge_cases(void **state)
{
    struct recdiff_stats st = {0};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(edge_cases) / sizeof(edge_cases[0]); i++)
        check(edge_cases[i], &st);
    /* A body with a NUL byte inside and after. */
    assert_int_equal(recdiff_check(lead, "{\"LastName\":\"a\0b\"}", 18, &st),
                     0);
    assert_int_equal(recdiff_check(lead, "{\"LastName\":\"a\"}\0", 17, &st), 0);
    assert_true(st.scanned_coll > 10);
    assert_true(st.scanned_rec > 30);
}

/* The bodies sfdeliver and the benchmarks send are scanned, not parsed by
 * jansson; the unusual ones go the jansson way. */
static void
test_scanner_takes_common_bodies(void **state)
{
    (void)state;
    assert_true(scans("{\"allOrNone\":false,\"records\":[" LEAD_REC "]}", 1));
    assert_true(scans("{\"LastName\":\"D\\u00f6e\",\"NumberOfEmployees\":5,"
                      "\"AnnualRevenue\":1.5,\"HasOptedOutOfEmail\":true,"
                      "\"Phone\":null}",
                      0));
    assert_true(scans("{\"a\":1,\"a\":2}", 0));
    assert_false(scans("{\"LastName\":{}}", 0));
    assert_false(scans("{\"records\":[\"x\"]}", 1));
    assert_false(scans("{\"NumberOfEmployees\":12345678901234567890}", 0));
    assert_false(scans("{\"LastName\":\"\\u0000\"}", 0));
    assert_false(scans("{\"other\":1}", 1));
}

/* More than 200 records: the scan keeps them all for the limit check. */
static void
test_many_records(void **state)
{
    struct recdiff_stats st = {0};
    struct recscan s;
    struct buf b;
    size_t i;

    (void)state;
    buf_init(&b, 1 << 24);
    buf_puts(&b, "{\"records\":[");
    for (i = 0; i < 205; i++)
        buf_printf(&b,
                   "%s{\"attributes\":{\"type\":\"%s\"},\"LastName\":"
                   "\"L%zu\",\"NumberOfEmployees\":%zu}",
                   i ? "," : "", i % 7 ? "Lead" : "Contact", i, i);
    buf_puts(&b, "]}");
    assert_int_equal(recdiff_check(lead, b.data, b.len, &st), 0);
    assert_int_equal(st.scanned_coll, 1);
    assert_int_equal(recscan_collection(&s, b.data, b.len), 0);
    assert_int_equal(s.nrecs, 205);
    assert_string_equal(s.recs[7].type, "Contact");
    assert_string_equal(s.recs[204].mem.v[1].text, "L204");
    recscan_free(&s);
    buf_free(&b);
}

/* --- random bodies ------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static unsigned
rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static const char *
pick(const char *const *list, size_t n)
{
    return list[rnd((unsigned)n)];
}

#define PICK(list) pick(list, sizeof(list) / sizeof(list[0]))

static void
blank(struct buf *b)
{
    static const char *const ws[] = {" ", "\n", "\t", "\r\n  "};
    static const char *const bad[] = {"\f", "\xc2\xa0", "\v", "\x00"};

    /* Mostly none, the odd invalid one. */
    if (rnd(4) == 0)
        buf_puts(b, PICK(ws));
    else if (rnd(200) == 0)
        buf_append(b, PICK(bad), 1);
}

static void
gen_string(struct buf *b)
{
    static const char *const good[] = {
        "Lead",
        "a b",
        "x@example.com",
        "\\n",
        "\\\"",
        "\\\\",
        "\\/",
        "\\u00e9",
        "\\u20ac",
        "\\uD83D\\uDE00",
        "\\u0041",
        "\xc3\xa9",
        "\xf0\x9f\x98\x80",
        "\x7f",
        "0",
        "",
        "\\b\\f\\r\\t",
    };
    static const char *const bad[] = {
        "\\uD83D", "\\uDE00", "\\u0000",        "\\u12",
        "\\q",     "\xff",    "\xc0\x80",       "\xed\xa0\x80",
        "\x01",    "\t",      "\\uD83D\\u0041",
    };
    unsigned i, n = rnd(4);

    buf_putc(b, '"');
    for (i = 0; i < n; i++)
        buf_puts(b, rnd(25) == 0 ? PICK(bad) : PICK(good));
    buf_putc(b, '"');
}

static void gen_value(struct buf *b, unsigned depth);

static void
gen_number(struct buf *b)
{
    static const char *const numbers[] = {
        "0",
        "-0",
        "1",
        "-1",
        "42",
        "1.0",
        "-0.0",
        "1e5",
        "1E+5",
        "2.5e-3",
        "1e400",
        "1e-400",
        "0.1",
        "1e308",
        "-1.7976931348623157e308",
        "4.9e-324",
        "2.2250738585072014e-308",
        "123456789012345678",
        "-123456789012345678",
        "1234567890123456789",
        "12345678901234567890",
        "9223372036854775807",
        "3.141592653589793238462643383279502884197",
    };

    static const char *const bad[] = {"01", "1.",   ".5",  "-",  "+1",
                                      "1e", "0x10", "1e+", "--1"};

    if (rnd(20) == 0)
        buf_puts(b, PICK(bad));
    else if (rnd(3) == 0)
        buf_printf(b, "%s%u%s", rnd(2) ? "-" : "", rnd(100000),
                   rnd(3) == 0 ? ".25" : "");
    else
        buf_puts(b, PICK(numbers));
}

static void
gen_container(struct buf *b, unsigned depth, int object)
{
    unsigned i, n = rnd(3);

    buf_putc(b, object ? '{' : '[');
    for (i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ',');
        if (object) {
            gen_string(b);
            buf_putc(b, ':');
        }
        gen_value(b, depth + 1);
    }
    buf_putc(b, object ? '}' : ']');
}

static void
gen_value(struct buf *b, unsigned depth)
{
    static const char *const words[] = {"true", "false", "null"};
    static const char *const bad[] = {"tru", "nul", "True", "nulll"};

    blank(b);
    switch (rnd(depth > 2 ? 8 : 10)) {
    case 0:
    case 1:
    case 2:
    case 3: gen_string(b); break;
    case 4:
    case 5: gen_number(b); break;
    case 6:
    case 7: buf_puts(b, rnd(20) == 0 ? PICK(bad) : PICK(words)); break;
    case 8: gen_container(b, depth, 1); break;
    default: gen_container(b, depth, 0); break;
    }
    blank(b);
}

static void
gen_key(struct buf *b)
{
    static const char *const keys[] = {
        "LastName",
        "Company",
        "Email",
        "Phone",
        "NumberOfEmployees",
        "AnnualRevenue",
        "Id",
        "id",
        "attributes",
        "Password",
        "Nope__c",
        "lastname",
        "Last\\u004eame",
        "",
        "type",
        "records",
        "allOrNone",
        "Lead\\u0000",
        "\xff",
    };

    blank(b);
    if (rnd(10) == 0)
        gen_string(b);
    else
        buf_printf(b, "\"%s\"", PICK(keys));
    blank(b);
    buf_putc(b, ':');
}

static void
gen_attributes(struct buf *b)
{
    static const char *const types[] = {
        "\"Lead\"", "\"Contact\"", "\"Widget__c\"", "null", "1",
        "\"lead\"", "{}"};

    gen_key(b);
    if (rnd(8) == 0) {
        gen_value(b, 1);
        return;
    }
    buf_puts(b, "{\"type\":");
    buf_puts(b, PICK(types));
    if (rnd(3) == 0) {
        buf_puts(b, ",\"url\":");
        gen_value(b, 2);
    }
    buf_putc(b, '}');
}

static void
gen_record(struct buf *b)
{
    unsigned i, n = rnd(6);

    blank(b);
    buf_putc(b, '{');
    for (i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ',');
        if (rnd(4) == 0) {
            buf_puts(b, "\"attributes\":");
            gen_value(b, 1);
            continue;
        }
        if (i == 0 && rnd(3) != 0) {
            buf_puts(b, "\"attributes\":{\"type\":\"Lead\"}");
            continue;
        }
        if (i == 0 && rnd(2) == 0) {
            gen_attributes(b);
            continue;
        }
        gen_key(b);
        gen_value(b, 1);
    }
    buf_putc(b, '}');
    blank(b);
}

static void
gen_collection(struct buf *b)
{
    unsigned i, n = rnd(20) == 0 ? 199 + rnd(4) : rnd(5);

    blank(b);
    buf_putc(b, '{');
    if (rnd(2) == 0) {
        buf_puts(b, "\"allOrNone\":");
        if (rnd(4) == 0)
            gen_value(b, 1);
        else
            buf_puts(b, rnd(2) ? "true" : "false");
        buf_putc(b, ',');
    }
    if (rnd(15) == 0) {
        gen_key(b);
        gen_value(b, 1);
        buf_putc(b, ',');
    }
    buf_puts(b, "\"records\":");
    blank(b);
    buf_putc(b, '[');
    for (i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ',');
        if (rnd(30) == 0)
            gen_value(b, 1);
        else
            gen_record(b);
    }
    buf_putc(b, ']');
    blank(b);
    buf_putc(b, '}');
}

/* A byte changed, inserted or dropped somewhere. */
static void
mutate(struct buf *b)
{
    static const char bytes[] = "{}[]\":,\\ \x00\x80u0e-.";
    size_t at = b->len ? rnd((unsigned)b->len) : 0;

    switch (rnd(3)) {
    case 0:
        if (b->len)
            b->data[at] = bytes[rnd(sizeof(bytes) - 1)];
        break;
    case 1:
        buf_putc(b, ' ');
        memmove(b->data + at + 1, b->data + at, b->len - at - 1);
        b->data[at] = bytes[rnd(sizeof(bytes) - 1)];
        break;
    default:
        if (b->len) {
            memmove(b->data + at, b->data + at + 1, b->len - at - 1);
            b->data[--b->len] = '\0';
        }
        break;
    }
}

static void
test_random_bodies(void **state)
{
    struct recdiff_stats st = {0};
    struct buf b;
    size_t i;

    (void)state;
    buf_init(&b, 1 << 24);
    for (i = 0; i < RANDOM_BODIES; i++) {
        buf_reset(&b);
        if (rnd(2) == 0)
            gen_collection(&b);
        else
            gen_record(&b);
        if (rnd(8) == 0)
            mutate(&b);
        if (recdiff_check(lead, b.data, b.len, &st) != 0)
            fail_msg("body %zu differs (see above)", i);
    }
    buf_free(&b);
    printf("recscan: %zu random bodies, %zu objects for jansson, scanned %zu "
           "as Collections, %zu as one record\n",
           st.bodies, st.json_objects, st.scanned_coll, st.scanned_rec);
    /* The generator reaches the scanner's every way, not only fallback. */
    assert_true(st.scanned_coll > RANDOM_BODIES / 20);
    assert_true(st.scanned_rec > RANDOM_BODIES / 10);
    assert_true(st.json_objects > st.scanned_rec);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_scanner_takes_common_bodies),
        cmocka_unit_test(test_many_records),
        cmocka_unit_test(test_random_bodies),
    };

    return cmocka_run_group_tests_name("recscan", tests, setup, teardown);
}
