/*
 * sfid.h - Salesforce record IDs.
 *
 * An ID is 15 case-sensitive base-62 characters: a 3-character key prefix
 * (00Q Lead, 003 Contact, 001 Account, ...), 2 pod characters, a reserved
 * '0' and a 9-character record number. The API returns the 18-character
 * form: the 15 plus 3 checksum characters that encode which of the 15 are
 * upper case, which makes the 18-character form case-insensitive.
 */
#ifndef SIM_SFID_H
#define SIM_SFID_H

#include <stddef.h>
#include <stdint.h>

#define SFID_LEN15 15
#define SFID_LEN18 18

/* The 3 checksum characters of a 15-character id (out[3] set to NUL). */
void sfid_checksum(const char *id15, char out[4]);
/* 15 -> 18 characters; out has room for 19. */
void sfid_to18(const char *id15, char out[SFID_LEN18 + 1]);
/*
 * Accepts a 15- or 18-character id (the 18 case-insensitively, as Salesforce
 * does) and writes the canonical 15-character form. -1 if in is neither
 * (wrong length, a character outside [0-9A-Za-z], or a checksum that does
 * not fit the characters).
 */
int sfid_normalize(const char *in, size_t len, char out[SFID_LEN15 + 1]);
/* Builds prefix(3) + pod(2) + '0' + number in base 62 (9 digits). */
void sfid_make(const char *prefix, const char *pod, uint64_t number,
               char out[SFID_LEN15 + 1]);

/* The record number of id15 (its last 9 characters in base 62); -1 when
 * they are not base 62. */
int sfid_number(const char *id15, uint64_t *number);

#endif
