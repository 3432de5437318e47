/*
 * test_jwt.c - JWT decoding is strict (three parts, canonical unpadded
 * base64url, JSON objects, a size bound) and RS256 verifies with the
 * certificate's key only; the claim accessors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jwt.h"
#include "jwtkeys.h"
#include "xmalloc.h"

/* An RSA key and its self-signed certificate, made once. */
static char *rsa_key_pem, *rsa_cert_pem;

static int
setup(void **state)
{
    (void)state;
    jwtkeys_pair(2048, &rsa_key_pem, &rsa_cert_pem);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    free(rsa_key_pem);
    free(rsa_cert_pem);
    return 0;
}

/* header.claims signed RS256 with key (caller frees). */
static char *
sign(const char *key_pem, const char *header, const char *claims)
{
    char *t = jwtkeys_sign_pem(key_pem, header, claims);

    assert_non_null(t);
    return t;
}

static void
expect_bad(const char *text, const char *msg)
{
    struct sf_err err;
    struct jwt j;

    err_clear(&err);
    assert_int_equal(jwt_decode(text, strlen(text), &j, &err), -1);
    assert_string_equal(err.msg, msg);
    jwt_free(&j);
}

static void
test_decode_strict(void **state)
{
    char *ok = sign(rsa_key_pem, "{\"alg\":\"RS256\"}", "{\"sub\":\"u\"}");
    char *t, *big;
    struct sf_err err;
    struct jwt j;

    (void)state;
    err_clear(&err);
    assert_int_equal(jwt_decode(ok, strlen(ok), &j, &err), 0);
    assert_true(jwt_alg_is_rs256(&j));
    jwt_free(&j);
    expect_bad("a.b", "the assertion is not three dot-separated parts");
    t = xasprintf("%s.x", ok);
    expect_bad(t, "the assertion is not three dot-separated parts");
    free(t);
    t = xasprintf("%s=", ok);
    expect_bad(t, "the signature is not base64url");
    free(t);
    /* "e30" is {}; "e31" has stray low bits: the same bytes, not
     * canonical. */
    expect_bad("e30.e31.AAAA", "the claims is not base64url");
    expect_bad("e30.e30.", "the signature is not base64url");
    expect_bad("W10.e30.AAAA", "the header is not a JSON object");
    expect_bad("e30.eyJhIjoxLCJhIjoyfQ.AAAA",
               "the claims is not a JSON object: duplicate object key near "
               "'\"a\"'");
    expect_bad("e3+.e30.AAAA", "the header is not base64url");
    big = xmalloc(JWT_MAX + 2);
    memset(big, 'A', JWT_MAX + 1);
    big[JWT_MAX + 1] = '\0';
    expect_bad(big, "the assertion is longer than 16384 bytes");
    free(big);
    free(ok);
}

static void
test_verify(void **state)
{
    char *good = sign(rsa_key_pem, "{\"alg\":\"RS256\"}", "{\"sub\":\"u\"}");
    char *bad, *other_key, *other_cert;
    struct sf_err err;
    struct jwt j;

    (void)state;
    jwtkeys_pair(1024, &other_key, &other_cert);
    bad = sign(other_key, "{\"alg\":\"RS256\"}", "{\"sub\":\"u\"}");
    free(other_key);
    free(other_cert);
    err_clear(&err);
    assert_int_equal(jwt_decode(good, strlen(good), &j, &err), 0);
    assert_int_equal(jwt_verify_rs256(&j, rsa_cert_pem, &err), 0);
    jwt_free(&j);
    assert_int_equal(jwt_decode(bad, strlen(bad), &j, &err), 0);
    assert_int_equal(jwt_verify_rs256(&j, rsa_cert_pem, &err), -1);
    assert_string_equal(err.msg, "the signature does not verify with the "
                                 "connected app's certificate");
    jwt_free(&j);

    err_clear(&err);
    assert_int_equal(jwt_cert_check("junk", &err), -1);
    assert_string_equal(err.msg, "not a PEM X.509 certificate");
    jwtkeys_pair(0, &other_key, &other_cert);
    err_clear(&err);
    assert_int_equal(jwt_cert_check(other_cert, &err), -1);
    assert_string_equal(err.msg,
                        "the certificate's key is not RSA (RS256 needs one)");
    free(other_key);
    free(other_cert);
    free(good);
    free(bad);
}

static void
test_claims(void **state)
{
    char *t = sign(rsa_key_pem, "{\"alg\":\"none\"}",
                   "{\"iss\":\"i\",\"exp\":1.5e12,\"aud\":[\"a\",3,\"b\"],"
                   "\"n\":\"x\"}");
    const char *auds[4];
    struct sf_err err;
    struct jwt j;
    double exp;

    (void)state;
    err_clear(&err);
    assert_int_equal(jwt_decode(t, strlen(t), &j, &err), 0);
    assert_false(jwt_alg_is_rs256(&j));
    assert_string_equal(jwt_claim_string(&j, "iss"), "i");
    assert_null(jwt_claim_string(&j, "exp"));
    assert_int_equal(jwt_claim_number(&j, "exp", &exp), 0);
    assert_true(exp == 1.5e12);
    assert_int_equal(jwt_claim_number(&j, "n", &exp), -1);
    assert_int_equal(jwt_audiences(&j, auds, 4), 2);
    assert_string_equal(auds[0], "a");
    assert_string_equal(auds[1], "b");
    assert_int_equal(jwt_audiences(&j, auds, 1), 1);
    jwt_free(&j);
    free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_strict),
        cmocka_unit_test(test_verify),
        cmocka_unit_test(test_claims),
    };

    return cmocka_run_group_tests_name("jwt", tests, setup, teardown);
}
