/*
 * test_jload.c - the fast JSON loader against jansson's own: for every
 * input (hand-written edge cases, the repository's JSON files, documents
 * mutated at random from a fixed seed) jload_buf() must answer what
 * json_loadb(JSON_DECODE_ANY) answers: an equal value that dumps the same,
 * keys in the same order, or the same error, byte for byte. The tests also
 * check that the fast path, not only the fallback, answers the inputs it
 * is meant to take.
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "jload.h"
#include "xmalloc.h"

/* A position no parse writes: jload_buf() leaves err alone on its fast
 * path, json_loadb() always writes it. */
#define UNTOUCHED 0x5a5a5a5a

static int fast_answers;

static void
assert_same_dump(const json_t *a, const json_t *b, size_t flags)
{
    char *da = json_dumps(a, flags | JSON_ENCODE_ANY);
    char *db = json_dumps(b, flags | JSON_ENCODE_ANY);

    assert_non_null(da);
    assert_non_null(db);
    assert_string_equal(da, db);
    free(da);
    free(db);
}

/* jload_buf_flags() and json_loadb() agree on buf[0..len) under flags;
 * 1 when jload answered on its fast path. */
static int
same_flags(const char *buf, size_t len, size_t flags)
{
    json_error_t e1, e2;
    json_t *a, *b;
    int fast;

    memset(&e1, 0x5a, sizeof(e1));
    memset(&e2, 0x5a, sizeof(e2));
    a = flags == JSON_DECODE_ANY ? jload_buf(buf, len, &e1)
                                 : jload_buf_flags(buf, len, flags, &e1);
    b = json_loadb(buf, len, flags, &e2);
    if (b == NULL) {
        if (a != NULL)
            fail_msg("jload accepted what jansson refuses (%s): %.*s", e2.text,
                     (int)(len < 200 ? len : 200), buf);
        assert_memory_equal(&e1, &e2, sizeof(e1));
        return 0;
    }
    if (a == NULL)
        fail_msg("jload refused what jansson accepts (%s): %.*s", e1.text,
                 (int)(len < 200 ? len : 200), buf);
    assert_true(json_equal(a, b));
    assert_same_dump(a, b, JSON_SORT_KEYS);
    assert_same_dump(a, b, 0); /* and the members in the same order */
    fast = e1.position == UNTOUCHED;
    json_decref(a);
    json_decref(b);
    return fast;
}

/* jload_buf() and json_loadb(JSON_DECODE_ANY) agree on buf[0..len), and
 * so do they under the other flags the fast path takes; 1 when
 * jload_buf() answered on its fast path. */
static int
same(const char *buf, size_t len)
{
    int fast = same_flags(buf, len, JSON_DECODE_ANY);

    same_flags(buf, len, 0);
    same_flags(buf, len, JSON_REJECT_DUPLICATES);
    same_flags(buf, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES);
    fast_answers += fast;
    return fast;
}

static int
same_str(const char *s)
{
    return same(s, strlen(s));
}

/* Inputs the fast path takes (same value as jansson's, asserted). */
static const char *const fast_inputs[] = {
    "{}",
    "[]",
    " { } ",
    "\t\n\r[ ]\r\n",
    "0",
    "-0",
    "1",
    "-1",
    "123",
    "999999999999999999",
    "-999999999999999999",
    "0.0",
    "-0.0",
    "1.5",
    "1e5",
    "1E5",
    "1e+5",
    "1e-5",
    "-1.25e-3",
    "0e0",
    "1.7976931348623157e308",
    "2.2250738585072014e-308",
    "0.1",
    "3.141592653589793",
    "true",
    "false",
    "null",
    "[true,false,null]",
    "\"\"",
    "\"abc\"",
    "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
    "\"\\u0041\"",
    "\"\\u00e9\\u20AC\"",
    "\"\\uD83D\\uDE00\"",
    "\"\\uffff\\uFFFE\"",
    "\"caf\xc3\xa9 \xe2\x82\xac "
    "\xf0\x9f\x98\x80\"",
    "\"\x7f\"",
    "{\"a\":1,\"b\":2,\"a\":3}",
    "{\"a\":{\"x\":1},\"a\":[2]}",
    "{\"a\":1,\"\\u0061\":2}",
    "{\"k\\n1\":{\"k\\t2\":\"v\\u00e9\",\"x\":\"\\\"\"},\"k\\n1b\":\"\\\\\"}",
    "[\"Lead\",\"Lead\",\"Lead\",{\"Lead\":\"Lead\"}]",
    /* a shared string dropped by a repeated key, then repeated again */
    "{\"a\":\"x\",\"a\":\"y\",\"b\":\"x\",\"c\":[\"x\",\"y\"]}",
    "{\"allOrNone\":false,\"records\":[{\"attributes\":{\"type\":\"Lead\"},"
    "\"LastName\":\"Lead000000001\",\"Company\":\"Acme\",\"Email\":"
    "\"lead000000001@example.com\",\"Phone\":\"5000000001\"},{\"attributes\":"
    "{\"type\":\"Lead\"},\"LastName\":\"O\\u2019Brien\",\"Company\":\"Acme\","
    "\"AnnualRevenue\":1.5e6,\"NumberOfEmployees\":12}]}",
};

/* Inputs jansson refuses, or that the fast path leaves to it. */
static const char *const other_inputs[] = {
    "",
    " ",
    "{",
    "}",
    "[",
    "]",
    "{,}",
    "[,1]",
    "[1,]",
    "{\"a\":1,}",
    "{\"a\"}",
    "{\"a\":}",
    "{\"a\" 1}",
    "{1:2}",
    "[1 2]",
    "{\"a\":1 \"b\":2}",
    "01",
    "-01",
    "00",
    "1.",
    ".5",
    "1e",
    "1e+",
    "-",
    "--1",
    "+1",
    "1x",
    "1 x",
    "tru",
    "truex",
    "nul",
    "True",
    "NULL",
    "[truefalse]",
    "[1true]",
    "\"a\"b",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "1000000000000000000",
    "123456789012345678901234567890",
    "1e308",
    "1.7976931348623159e308",
    "1e309",
    "1e400",
    "-1e400",
    "1e-400",
    "4.9e-324",
    "-4.9e-324",
    "1e-320",
    "0.00000000000000000000000000000000000000000000000000000000000000001",
    "\"\\x\"",
    "\"\\uD83D\"",
    "\"\\uDE00\"",
    "\"\\uD83Dx\"",
    "\"\\uD83D\\u0041\"",
    "\"\\uD83D\\uD83D\"",
    "\"\\u0000\"",
    "\"a\\u0000b\"",
    "{\"a\\u0000\":1}",
    "\"\\u12\"",
    "\"\\u12G4\"",
    "\"\\u\"",
    "\"\\",
    "\"\\u004",
    "\"a\x01b\"",
    "\"a\tb\"",
    "\"a\nb\"",
    "\"\x1f\"",
    "\"abc",
    "\"abc\\",
    "\"\xc0\xaf\"",
    "\"\xc1\xbf\"",
    "\"\xe0\x80\xaf\"",
    "\"\xe0\x9f\xbf\"",
    "\"\xed\xa0\x80\"",
    "\"\xed\xbf\xbf\"",
    "\"\xf0\x8f\xbf\xbf\"",
    "\"\xf4\x90\x80\x80\"",
    "\"\xf5\x80\x80\x80\"",
    "\"\x80\"",
    "\"\xbf\"",
    "\"\xff\"",
    "\"\xfe\"",
    "\"\xe2\x82\"",
    "\"\xe2\x82",
    "\"\xc3",
    "\xc3\xa9",
    "\xef\xbb\xbf{}",
    "[\"a\"\xc3\xa9]",
    "\f{}",
    "\v[]",
    "{}\f",
    "[]]",
    "{}}",
    "[][]",
    "{\"a\":1}{",
    "//",
    "/* */{}",
    "'a'",
    "[0x10]",
    "[Infinity]",
    "[NaN]",
    "[-Infinity]",
    "{\"a\":1,\"a\"}",
};

static void
test_edge_cases(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(fast_inputs) / sizeof(fast_inputs[0]); i++)
        if (!same_str(fast_inputs[i]))
            fail_msg("not taken by the fast path: %s", fast_inputs[i]);
    for (i = 0; i < sizeof(other_inputs) / sizeof(other_inputs[0]); i++)
        (void)same_str(other_inputs[i]);
}

static void
test_nul_bytes(void **state)
{
    static const struct {
        const char *s;
        size_t len;
    } in[] = {
        {"\0", 1},       {"{}\0", 3},          {"\0{}", 3},
        {"[1,\0 2]", 7}, {"\"a\0b\"", 5},      {"{\"a\0\":1}", 8},
        {"[1]\0\0", 5},  {"\"\\u0000\"\0", 9}, {"[\"\\\0\"]", 6},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
        assert_false(same(in[i].s, in[i].len));
}

/* Strings of every length around the 8-byte scan, with a byte of each
 * kind at every position: copied as is, escaped, or refused. */
static void
test_every_byte_position(void **state)
{
    static const char *const kinds[] = {
        "\\n",  "\\\"", "\\\\", "\\u00e9", "\xc3\xa9", "\xe2\x82\xac", "\x01",
        "\x1f", " ",    "\x7f", "\x80",    "\xc3",     "\xed\xa0\x80", "\"",
        "\\",   "\t",   "~",    "!",       "#",
    };
    char text[64];
    size_t len, pos, k;
    int n;

    (void)state;
    for (len = 0; len <= 20; len++)
        for (pos = 0; pos <= len; pos++)
            for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
                n = snprintf(text, sizeof(text), "\"%.*s%s%.*s\"", (int)pos,
                             "abcdefghijklmnopqrstuvwxyz", kinds[k],
                             (int)(len - pos), "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
                (void)same(text, (size_t)n);
                (void)same(text, (size_t)n - 1); /* unterminated */
            }
}

/* Nesting n deep: arrays, or objects whose member "a" holds the next. */
static char *
nested(size_t n, int objects, const char *inner)
{
    const char *open = objects ? "{\"a\":" : "[";
    size_t i, step = strlen(open), k = strlen(inner);
    char *s = xmalloc(n * (step + 1) + k + 1), *p = s;

    for (i = 0; i < n; i++, p += step)
        memcpy(p, open, step);
    memcpy(p, inner, k);
    p += k;
    for (i = 0; i < n; i++)
        *p++ = objects ? '}' : ']';
    *p = '\0';
    return s;
}

static void
test_deep_nesting(void **state)
{
    static const size_t depths[] = {1,    2,    100,  255,  256,  257,
                                    1000, 2046, 2047, 2048, 2049, 3000};
    size_t i;
    int objects;
    char *s;

    (void)state;
    for (i = 0; i < sizeof(depths) / sizeof(depths[0]); i++)
        for (objects = 0; objects <= 1; objects++) {
            s = nested(depths[i], objects, "1");
            assert_int_equal(same_str(s), depths[i] <= 256);
            free(s);
            s = nested(depths[i], objects, "");
            (void)same_str(s);
            s[strlen(s) - 1] = '\0'; /* one closer short */
            assert_false(same_str(s));
            free(s);
        }
}

/* A repeated string value is one json_t, held once per parent: dropping
 * it from one parent leaves the others whole. */
static void
test_shared_strings(void **state)
{
    static const char doc[] = "[{\"t\":\"Lead\"},{\"t\":\"Lead\"},\"Lead\"]";
    json_t *a, *v;

    (void)state;
    a = jload_buf(doc, sizeof(doc) - 1, NULL);
    assert_non_null(a);
    v = json_object_get(json_array_get(a, 0), "t");
    assert_ptr_equal(v, json_array_get(a, 2));
    assert_int_equal(json_object_del(json_array_get(a, 0), "t"), 0);
    assert_int_equal(json_array_remove(a, 2), 0);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(a, 1), "t")), "Lead");
    json_decref(a);
}

static char *
read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *s;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > (1L << 20) ||
        fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    s = xmalloc((size_t)n + 1);
    *len = fread(s, 1, (size_t)n, f);
    fclose(f);
    return s;
}

/* The repository's JSON: fixtures, the hostile corpus, the fuzz seeds. */
static void
test_repository_files(void **state)
{
    static const char *const patterns[] = {
        "fixtures/*.json",   "fixtures/*/*.json",     "fixtures/*/*/*.json",
        "tests/hostile/*/*", "tests/fuzz/corpus/*/*", "bench/orgs/*.json",
    };
    glob_t g;
    size_t i, j, len, files = 0;
    int fast = 0;
    char *s;

    (void)state;
    for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        if (glob(patterns[i], 0, NULL, &g) != 0)
            continue;
        for (j = 0; j < g.gl_pathc; j++) {
            if ((s = read_all(g.gl_pathv[j], &len)) == NULL)
                continue;
            fast += same(s, len);
            files++;
            free(s);
        }
        globfree(&g);
    }
    print_message("%zu files, %d on the fast path\n", files, fast);
    assert_true(files >= 100);
    assert_true(fast >= 100);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t
rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

/* One random edit of s[0..*len) (room for 64 more bytes). */
static void
mutate(char *s, size_t *len)
{
    static const char bytes[] = "\"\\u{}[],:0123456789-+.eE tfn \t\r\nD8Cd";
    static const unsigned char odd[] = {0x00, 0x01, 0x1f, 0x7f, 0x80,
                                        0xbf, 0xc0, 0xc3, 0xe2, 0xed,
                                        0xf0, 0xf4, 0xf5, 0xff};
    size_t at = *len ? rnd((uint32_t)*len) : 0, n;
    char c = rnd(4) == 0 ? (char)odd[rnd(sizeof(odd))]
                         : bytes[rnd(sizeof(bytes) - 1)];

    switch (rnd(5)) {
    case 0: /* replace */
        if (*len > 0)
            s[at] = c;
        break;
    case 1: /* insert */
        memmove(s + at + 1, s + at, *len - at);
        s[at] = c;
        (*len)++;
        break;
    case 2: /* delete */
        if (*len > 0) {
            memmove(s + at, s + at + 1, *len - at - 1);
            (*len)--;
        }
        break;
    case 3: /* repeat a few bytes */
        n = rnd(8);
        if (at + n <= *len) {
            memmove(s + at + n, s + at, *len - at);
            *len += n;
        }
        break;
    default: /* cut short */ *len = at; break;
    }
}

/* Documents of the edge cases mutated at random, from a fixed seed (the
 * run is the same every time). */
static void
test_mutations(void **state)
{
    char buf[1024];
    size_t i, k, len, edits;
    const char *base;
    int fast = 0;

    (void)state;
    for (i = 0; i < 40000; i++) {
        k = rnd(sizeof(fast_inputs) / sizeof(fast_inputs[0]));
        base = fast_inputs[k];
        len = strlen(base);
        memcpy(buf, base, len);
        for (edits = 1 + rnd(3); edits > 0 && len < sizeof(buf) - 64; edits--)
            mutate(buf, &len);
        fast += same(buf, len);
    }
    print_message("40000 mutations, %d on the fast path\n", fast);
    assert_true(fast >= 4000);
}

/* The flags of lead files and answers: a repeated key and a bare scalar
 * are refused with jansson's own error, the rest still taken fast. */
static void
test_flags(void **state)
{
    static const char *const inputs[] = {
        "{\"a\":1,\"a\":2}",
        "[{\"k\":{\"x\":1,\"x\":1}}]",
        "{\"a\":1,\"b\":2}",
        "\"text\"",
        "12",
        " [1] ",
    };
    json_error_t e;

    (void)state;
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
        same_str(inputs[i]);
    memset(&e, 0x5a, sizeof(e));
    json_decref(
        jload_buf_flags("{\"a\":1,\"b\":[]}", 14, JSON_REJECT_DUPLICATES, &e));
    assert_int_equal(e.position, UNTOUCHED);
    assert_null(
        jload_buf_flags("{\"a\":1,\"a\":[]}", 14, JSON_REJECT_DUPLICATES, &e));
    assert_non_null(strstr(e.text, "duplicate object key"));
    assert_null(jload_buf_flags("7", 1, 0, &e));
    /* A flag the fast path does not take goes to jansson. */
    memset(&e, 0x5a, sizeof(e));
    json_decref(jload_buf_flags("[1]", 3, JSON_DECODE_INT_AS_REAL, &e));
    assert_int_not_equal(e.position, UNTOUCHED);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_every_byte_position),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_shared_strings),
        cmocka_unit_test(test_repository_files),
        cmocka_unit_test(test_mutations),
    };

    xjson_init();
    return cmocka_run_group_tests_name("jload", tests, NULL, NULL);
}
