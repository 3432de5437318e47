/*
 * test_jwrite.c - the compact JSON writer against jansson's own: for every
 * value (hand-built edge cases, the repository's JSON files, values built
 * at random from a fixed seed) jwrite_value() must append exactly what
 * json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) returns, and fail exactly
 * when it fails.
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

#include "buf.h"
#include "infile.h"
#include "jwrite.h"
#include "rng.h"

static int writes_ok, writes_failed;

/* jwrite_value() of v (after a prefix already in the buffer) says what
 * json_dumps() says. Takes the reference to v. */
static void
same(json_t *v)
{
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    struct buf b;
    int rc;

    buf_init(&b, 64 * 1024 * 1024);
    buf_puts(&b, "pre:");
    rc = jwrite_value(&b, v);
    if (want == NULL) {
        if (rc != -1)
            fail_msg("jwrite wrote what jansson refuses: %s", b.data);
        writes_failed++;
    } else {
        if (rc != 0)
            fail_msg("jwrite refused what jansson writes: %s", want);
        if (strcmp(b.data + 4, want) != 0 || b.len != 4 + strlen(want))
            fail_msg("jwrite wrote\n%s\njansson\n%s", b.data + 4, want);
        writes_ok++;
    }
    free(want);
    buf_free(&b);
    json_decref(v);
}

static void
test_scalars(void **state)
{
    (void)state;
    same(json_null());
    same(json_true());
    same(json_false());
    same(json_integer(0));
    same(json_integer(-1));
    same(json_integer(INT64_MAX));
    same(json_integer(INT64_MIN));
    same(json_integer(1234567890123LL));
    same(json_real(0.1));
    same(json_real(-3e300));
    same(json_real(1.0));
    same(json_string(""));
    same(json_string("plain"));
    same(json_object());
    same(json_array());
    assert_int_equal(jwrite_value(&(struct buf){0}, NULL), -1);
}

static void
test_strings(void **state)
{
    static const char *const valid[] = {
        "\"quoted\"",       "back\\slash",  "a/b</script>",     "tab\tnl\ncr\r",
        "\b\f\x01\x1f",     "del\x7f",      "caf\xc3\xa9",      "\xe2\x82\xac",
        "\xf0\x9f\x98\x80", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf",
    };
    static const char *const invalid[] = {
        "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
        "\xff", "ok\x80",   "\xf0\x9f\x98",
    };
    char all[128];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(all); i++)
        all[i] = (char)i;
    same(json_stringn(all, sizeof(all)));
    same(json_stringn("nul\0inside", 10));
    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        json_t *o = json_object();

        same(json_string(valid[i]));
        json_object_set_new(o, valid[i], json_string(valid[i]));
        same(o);
    }
    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        json_t *o = json_object();

        same(json_string_nocheck(invalid[i]));
        json_object_set_new_nocheck(o, invalid[i], json_true());
        same(o);
        same(json_pack("[s,o]", "x", json_string_nocheck(invalid[i])));
    }
    {
        json_t *o = json_object();

        json_object_setn_new(o, "k\0ey", 4, json_integer(1));
        same(o);
    }
}

static void
test_nesting(void **state)
{
    json_t *v = json_integer(7), *cyc;

    (void)state;
    for (int i = 0; i < 300; i++)
        v = i % 2 ? json_pack("[o]", v) : json_pack("{s:o}", "k", v);
    same(v);
    same(json_pack("{s:[{s:{s:s}},{}],s:b,s:[]}", "records", "attributes",
                   "type", "Lead", "allOrNone", 0, "e"));
    /* A value that contains itself: json_dumps() fails, so must jwrite. */
    cyc = json_array();
    json_array_append(cyc, cyc);
    same(json_pack("[o]", json_incref(cyc)));
    json_array_clear(cyc);
    json_decref(cyc);
}

static void
test_repository_files(void **state)
{
    static const char *const patterns[] = {
        "fixtures/*.json",   "fixtures/*/*.json",     "fixtures/*/*/*.json",
        "tests/hostile/*/*", "tests/fuzz/corpus/*/*", "bench/orgs/*.json",
    };
    size_t files = 0, i, j;
    struct sf_err err;
    struct buf text;
    glob_t g;

    (void)state;
    for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        if (glob(patterns[i], 0, NULL, &g) != 0)
            continue;
        for (j = 0; j < g.gl_pathc; j++) {
            json_t *v;

            if (infile_read(&text, g.gl_pathv[j], 1 << 24, &err) == -1)
                continue;
            v = json_loadb(text.data, text.len, JSON_DECODE_ANY, NULL);
            if (v != NULL) {
                same(v);
                files++;
            }
            buf_free(&text);
        }
        globfree(&g);
    }
    print_message("%zu files\n", files);
    assert_true(files >= 100);
}

static struct rng rng;

static uint32_t
rnd(uint32_t n)
{
    return (uint32_t)rng_below(&rng, n);
}

/* A string of random bytes, mostly printable, sometimes anything. */
static json_t *
random_string(void)
{
    char s[24];
    size_t n = rnd(sizeof(s) + 1);

    for (size_t i = 0; i < n; i++)
        s[i] = rnd(4) ? (char)(' ' + rnd(95)) : (char)rnd(256);
    return json_stringn_nocheck(s, n);
}

static json_t *
random_value(int depth)
{
    json_t *v;
    int n;

    switch (rnd(depth > 4 ? 6 : 8)) {
    case 0: return json_null();
    case 1: return json_boolean(rnd(2));
    case 2:
        return json_integer(
            (json_int_t)(((uint64_t)rnd(UINT32_MAX) << 32) | rnd(UINT32_MAX)) >>
            rnd(64));
    case 3: return json_real((double)rnd(100000) / (1 + rnd(1000)));
    case 4:
    case 5: return random_string();
    case 6:
        v = json_array();
        for (n = (int)rnd(5); n > 0; n--)
            json_array_append_new(v, random_value(depth + 1));
        return v;
    default:
        v = json_object();
        for (n = (int)rnd(5); n > 0; n--) {
            json_t *k = random_string();

            json_object_setn_new_nocheck(v, json_string_value(k),
                                         json_string_length(k),
                                         random_value(depth + 1));
            json_decref(k);
        }
        return v;
    }
}

/* Strings longer than the writer stages at once, escapes and multi-byte
 * characters falling across its chunks, a bad byte far in. */
static void
test_long_strings(void **state)
{
    static const char *const pieces[] = {
        "a",  "\"", "\x01", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
        "\\", "xyz"};
    char s[3000];

    (void)state;
    for (int round = 0; round < 400; round++) {
        size_t n = 0, want = 400 + rnd(2500);
        json_t *o = json_object();

        while (n + 4 < want) {
            const char *p = pieces[rnd(8)];

            memcpy(s + n, p, strlen(p));
            n += strlen(p);
        }
        if (round % 4 == 0)
            s[rnd((uint32_t)n)] = (char)0xff;
        same(json_stringn_nocheck(s, n));
        json_object_setn_new_nocheck(o, s, n, json_integer(round));
        same(o);
    }
}

static void
test_random_values(void **state)
{
    (void)state;
    writes_ok = writes_failed = 0;
    for (int i = 0; i < 20000; i++)
        same(random_value(0));
    print_message("%d written, %d refused\n", writes_ok, writes_failed);
    /* Both answers must have come up many times. */
    assert_true(writes_ok > 1000);
    assert_true(writes_failed > 1000);
}

/* The plain run, eight bytes at a time, against the byte by byte rule:
 * every byte value at every place of a word and across two. */
static void
test_plain_run(void **state)
{
    char s[24];

    (void)state;
    for (int c = 0; c < 256; c++) {
        int plain = c >= 0x20 && c < 0x80 && c != '"' && c != '\\';

        for (size_t at = 0; at < sizeof(s); at++) {
            memset(s, 'a', sizeof(s));
            s[at] = (char)c;
            assert_int_equal(jwrite_plain_run(s, sizeof(s)),
                             plain ? sizeof(s) : at);
            assert_int_equal(jwrite_plain_run(s + 1, sizeof(s) - 1),
                             plain || at == 0 ? sizeof(s) - 1 : at - 1);
        }
    }
    assert_int_equal(jwrite_plain_run("", 0), 0);
}

static void
test_jwrite_str(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 16);
    assert_int_equal(jwrite_str(&b, "a\"\x01", 3), 0);
    assert_string_equal(b.data, "\"a\\\"\\u0001\"");
    assert_int_equal(jwrite_str(&b, "0123456789", 10), -1);
    assert_true(b.toobig);
    buf_free(&b);
    buf_init(&b, 64);
    assert_int_equal(jwrite_key(&b, 0, "k\n", 2), 0);
    assert_int_equal(jwrite_key(&b, 1, "/", 1), 0);
    assert_string_equal(b.data, "\"k\\n\":,\"/\":");
    buf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_repository_files),
        cmocka_unit_test(test_long_strings),
        cmocka_unit_test(test_random_values),
        cmocka_unit_test(test_plain_run),
        cmocka_unit_test(test_jwrite_str),
    };

    rng_init_seed(&rng, 0x2545f4914f6cdd1du);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
