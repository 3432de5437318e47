/*
 * test_sfid.c - Salesforce ID checksums against the facts' test vectors
 * (section 5.1), normalisation of 15/18-character input, generation.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sfid.h"

static const struct {
    const char *id15, *id18;
} vectors[] = {
    {"00558000001N0Ke", "00558000001N0KeAAK"},
    {"0018a00001rBqb8", "0018a00001rBqb8AAC"},
    {"001B000000UnQ2v", "001B000000UnQ2vIAF"},
    {"003aj000002oTld", "003aj000002oTldAAE"},
    {"00190000001pPvH", "00190000001pPvHAAU"},
    {"001D000000IqhSL", "001D000000IqhSLIAZ"},
    {"001D000000IRFma", "001D000000IRFmaIAH"},
    {"00QE000000Ft9Ah", "00QE000000Ft9AhMAJ"},
    {"a00D0000008pQSN", "a00D0000008pQSNIA2"},
    {"00Di0000000icUB", "00Di0000000icUBEAY"},
    {"00Dx0000000BV7z", "00Dx0000000BV7zEAG"},
    {"012000000000000", "012000000000000AAA"},
    {"AAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAA555"},
    {"00D000000000001", "00D000000000001EAA"},
};

#define NVECTORS (sizeof(vectors) / sizeof(vectors[0]))

static void
test_to18_matches_vectors(void **state)
{
    char out[SFID_LEN18 + 1];
    size_t i;

    (void)state;
    for (i = 0; i < NVECTORS; i++) {
        sfid_to18(vectors[i].id15, out);
        assert_string_equal(out, vectors[i].id18);
    }
}

static void
test_normalize_accepts_15_and_18(void **state)
{
    char out[SFID_LEN15 + 1];
    size_t i;

    (void)state;
    for (i = 0; i < NVECTORS; i++) {
        assert_int_equal(sfid_normalize(vectors[i].id18, 18, out), 0);
        assert_string_equal(out, vectors[i].id15);
        assert_int_equal(sfid_normalize(vectors[i].id15, 15, out), 0);
        assert_string_equal(out, vectors[i].id15);
    }
}

static void
test_normalize_18_is_case_insensitive(void **state)
{
    char out[SFID_LEN15 + 1];

    (void)state;
    assert_int_equal(sfid_normalize("00qe000000ft9ahmaj", 18, out), 0);
    assert_string_equal(out, "00QE000000Ft9Ah");
    assert_int_equal(sfid_normalize("001D000000IQHSLIAZ", 18, out), 0);
    assert_string_equal(out, "001D000000IqhSL");
}

static void
test_normalize_rejects_garbage(void **state)
{
    char out[SFID_LEN15 + 1];

    (void)state;
    assert_int_equal(sfid_normalize("00Q", 3, out), -1);
    assert_int_equal(sfid_normalize("00QE000000Ft9A!", 15, out), -1);
    assert_int_equal(sfid_normalize("00QE000000Ft9AhMA?", 18, out), -1);
    /* A checksum bit set on a digit cannot be. */
    assert_int_equal(sfid_normalize("000000000000000B00", 18, out), -1);
    assert_int_equal(sfid_normalize("", 0, out), -1);
}

static void
test_make_builds_prefix_pod_and_number(void **state)
{
    char out[SFID_LEN15 + 1];

    (void)state;
    sfid_make("00Q", "5j", 0, out);
    assert_string_equal(out, "00Q5j0000000000");
    sfid_make("00Q", "5j", 61, out);
    assert_string_equal(out, "00Q5j000000000z");
    sfid_make("003", "AB", 62, out);
    assert_string_equal(out, "003AB0000000010");
}

/* The checksum marks exactly the places isupper() (the C locale) calls
 * upper case, whatever byte is there. */
static void
test_checksum_marks_upper_case_only(void **state)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    char id[SFID_LEN15 + 1], out[4];
    int k, c, chunk, i, bits;

    (void)state;
    for (k = 0; k < SFID_LEN15; k++) {
        for (c = 1; c < 256; c++) {
            memcpy(id, "00Qa0B0000zZ1x9", sizeof(id));
            id[k] = (char)c;
            sfid_checksum(id, out);
            for (chunk = 0; chunk < 3; chunk++) {
                bits = 0;
                for (i = 0; i < 5; i++)
                    if (isupper((unsigned char)id[chunk * 5 + i]))
                        bits |= 1 << i;
                assert_int_equal(out[chunk], alphabet[bits]);
            }
            assert_int_equal(out[3], '\0');
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checksum_marks_upper_case_only),
        cmocka_unit_test(test_to18_matches_vectors),
        cmocka_unit_test(test_normalize_accepts_15_and_18),
        cmocka_unit_test(test_normalize_18_is_case_insensitive),
        cmocka_unit_test(test_normalize_rejects_garbage),
        cmocka_unit_test(test_make_builds_prefix_pod_and_number),
    };

    return cmocka_run_group_tests_name("sfid", tests, NULL, NULL);
}
