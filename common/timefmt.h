/*
 * timefmt.h - the two timestamp formats on our wires, as epoch milliseconds.
 *
 * RFC 3339 (admin API, SFCONFORM_NOW, journals): 2026-11-26T22:43:13.123Z.
 * Salesforce's datetime (record fields): 2026-11-26T22:43:13.123+0000.
 * All times are UTC; no time zone database is consulted.
 */
#ifndef COMMON_TIMEFMT_H
#define COMMON_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define TIMEFMT_LEN 96 /* generous: gcc cannot prove the fields are small */

/* Both write into out (at least TIMEFMT_LEN bytes) and return out. */
char *timefmt_rfc3339(int64_t ms, char *out);
char *timefmt_salesforce(int64_t ms, char *out);
/* Salesforce date (YYYY-MM-DD) of the UTC day containing ms. */
char *timefmt_date(int64_t ms, char *out);

/*
 * Parses RFC 3339 / ISO 8601 date-times: YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|
 * +HHMM). 0 on success, -1 on anything else.
 */
int timefmt_parse(const char *s, int64_t *ms);

/* Wall-clock time now, epoch milliseconds (CLOCK_REALTIME). */
int64_t timefmt_wall_ms(void);

#endif
