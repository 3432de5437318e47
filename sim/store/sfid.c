/*
 * sfid.c - Salesforce record IDs (see sfid.h).
 */
#include "sfid.h"

#include <ctype.h>
#include <string.h>

#include "ascii8.h"

static const char checksum_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
static const char base62[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* Bit j set: byte j of x is upper case, as isupper() of the C locale (the
 * sim's) has it: the bytes' high bits gathered by one multiply. */
static unsigned
upper_bits(uint64_t x)
{
    return (unsigned)(((ascii8_upper(x) >> 7) * 0x0102040810204080ULL) >> 56);
}

void
sfid_checksum(const char *id15, char out[4])
{
    uint64_t a, b;
    unsigned bits;

    /* Characters 0..7 and 7..14: every id answered goes through here. */
    memcpy(&a, id15, sizeof(a));
    memcpy(&b, id15 + SFID_LEN15 - sizeof(b), sizeof(b));
    bits = upper_bits(a) | upper_bits(b) << (SFID_LEN15 - sizeof(b));
    out[0] = checksum_alphabet[bits & 31];
    out[1] = checksum_alphabet[(bits >> 5) & 31];
    out[2] = checksum_alphabet[(bits >> 10) & 31];
    out[3] = '\0';
}

void
sfid_to18(const char *id15, char out[SFID_LEN18 + 1])
{
    memcpy(out, id15, SFID_LEN15);
    sfid_checksum(id15, out + SFID_LEN15);
}

static int
is_base62(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Applies the case bits of an 18-char id's suffix to its first 15 chars. */
static int
apply_case(const char *in, char out[SFID_LEN15 + 1])
{
    int chunk, i;

    for (chunk = 0; chunk < 3; chunk++) {
        const char *pos =
            strchr(checksum_alphabet, toupper((unsigned char)in[15 + chunk]));
        int bits;

        if (pos == NULL || *pos == '\0')
            return -1;
        bits = (int)(pos - checksum_alphabet);
        for (i = 0; i < 5; i++) {
            char c = in[chunk * 5 + i];
            int upper = (bits >> i) & 1;

            if (isalpha((unsigned char)c))
                c = upper ? (char)toupper((unsigned char)c)
                          : (char)tolower((unsigned char)c);
            else if (upper)
                return -1;
            out[chunk * 5 + i] = c;
        }
    }
    out[SFID_LEN15] = '\0';
    return 0;
}

int
sfid_normalize(const char *in, size_t len, char out[SFID_LEN15 + 1])
{
    if ((len != SFID_LEN15 && len != SFID_LEN18) || !is_base62(in, len))
        return -1;
    if (len == SFID_LEN15) {
        memcpy(out, in, SFID_LEN15);
        out[SFID_LEN15] = '\0';
        return 0;
    }
    return apply_case(in, out);
}

void
sfid_make(const char *prefix, const char *pod, uint64_t number,
          char out[SFID_LEN15 + 1])
{
    int i;

    memcpy(out, prefix, 3);
    memcpy(out + 3, pod, 2);
    out[5] = '0';
    for (i = 14; i >= 6; i--) {
        out[i] = base62[number % 62];
        number /= 62;
    }
    out[SFID_LEN15] = '\0';
}

int
sfid_number(const char *id15, uint64_t *number)
{
    const char *p;
    uint64_t n = 0;
    int i;

    for (i = 6; i < SFID_LEN15; i++) {
        if (id15[i] == '\0' || (p = strchr(base62, id15[i])) == NULL)
            return -1;
        n = n * 62 + (uint64_t)(p - base62);
    }
    *number = n;
    return 0;
}
