/*
 * ascii8.h - the ASCII upper-case letters among eight bytes at once.
 *
 * isupper() and tolower() of the C locale (the sim's) know only 'A'..'Z';
 * the id checksum and the journal's case-blind hash ask about every byte
 * of what they read, eight at a time. Header only (static inline).
 */
#ifndef SIM_ASCII8_H
#define SIM_ASCII8_H

#include <stdint.h>

#define ASCII8_ONES 0x0101010101010101ULL
#define ASCII8_HIGHS 0x8080808080808080ULL

/* The high bit of each byte of x that is 'A'..'Z' (no carry crosses
 * bytes: each sum stays below 0x100); every other bit clear. */
static inline uint64_t
ascii8_upper(uint64_t x)
{
    uint64_t low7 = x & ~ASCII8_HIGHS;
    uint64_t ge_a = low7 + ASCII8_ONES * (0x80 - 'A');
    uint64_t gt_z = low7 + ASCII8_ONES * (0x80 - 'Z' - 1);

    return ge_a & ~gt_z & ~x & ASCII8_HIGHS;
}

#endif
