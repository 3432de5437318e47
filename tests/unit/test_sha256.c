/*
 * test_sha256.c - SHA-256 (FIPS 180-4 vectors), HMAC-SHA256 (RFC 4231)
 * and base64 (RFC 4648 vectors, RFC 7636's PKCE example).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"
#include "sha256.h"

static const char *
hex(const uint8_t *d, size_t n, char *out)
{
    size_t i;

    for (i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    return out;
}

static void
test_sha256_vectors(void **state)
{
    uint8_t d[SHA256_LEN];
    char h[65];
    const char *two =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

    (void)state;
    sha256("abc", 3, d);
    assert_string_equal(hex(d, 32, h), "ba7816bf8f01cfea414140de5dae2223b0036"
                                       "1a396177a9cb410ff61f20015ad");
    sha256("", 0, d);
    assert_string_equal(hex(d, 32, h), "e3b0c44298fc1c149afbf4c8996fb92427ae4"
                                       "1e4649b934ca495991b7852b855");
    sha256(two, strlen(two), d);
    assert_string_equal(hex(d, 32, h), "248d6a61d20638b8e5c026930c3e6039a33ce"
                                       "45964ff2167f6ecedd419db06c1");
}

static void
test_hmac_rfc4231(void **state)
{
    uint8_t key[20], d[SHA256_LEN], longkey[131];
    char h[65];

    (void)state;
    memset(key, 0x0b, sizeof(key));
    hmac_sha256(key, sizeof(key), "Hi There", 8, d);
    assert_string_equal(hex(d, 32, h), "b0344c61d8db38535ca8afceaf0bf12b881dc"
                                       "200c9833da726e9376c2e32cff7");
    memset(longkey, 0xaa, sizeof(longkey));
    hmac_sha256(longkey, sizeof(longkey),
                "Test Using Larger Than Block-Size Key - Hash Key First", 54,
                d);
    assert_string_equal(hex(d, 32, h), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc"
                                       "6213728c5140546040f0ee37f54");
}

static void
test_base64(void **state)
{
    static const char *const plain[] = {"",     "f",     "fo",    "foo",
                                        "foob", "fooba", "foobar"};
    static const char *const enc[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                      "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    uint8_t d[SHA256_LEN], raw[16];
    char out[64];
    size_t i;

    (void)state;
    for (i = 0; i < 7; i++) {
        base64_encode((const uint8_t *)plain[i], strlen(plain[i]), out, 0);
        assert_string_equal(out, enc[i]);
        assert_int_equal(base64_decode(enc[i], strlen(enc[i]), raw),
                         (long)strlen(plain[i]));
        assert_memory_equal(raw, plain[i], strlen(plain[i]));
    }
    sha256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", 43, d);
    base64_encode(d, sizeof(d), out, 1);
    assert_string_equal(out, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    assert_int_equal(base64_decode("Zm9v!", 5, raw), -1);
    assert_int_equal(base64_decode("Z", 1, raw), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_hmac_rfc4231),
        cmocka_unit_test(test_base64),
    };

    return cmocka_run_group_tests_name("sha256_base64", tests, NULL, NULL);
}
