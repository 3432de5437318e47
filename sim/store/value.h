/*
 * value.h - what parses as a number, a date or a date-time in a record
 * value: one definition each, for the formula engine, SOQL and intake.
 *
 * Records keep every value as text (fieldtype.h); these functions read it.
 * Each takes bytes and a length (no NUL needed; a NUL byte never parses),
 * and flags that widen the strict default. The callers differ today, and
 * each keeps what it accepted before this module existed:
 *
 *                      numbers                     dates
 *   formula            strict                      strict; date-times also
 *                                                  take a bare date and the
 *                                                  "YYYY-MM-DD HH:MM:SS" form
 *   SOQL               VALUE_NUM_C_SYNTAX |        VALUE_DATE_FEB29; date-
 *                      VALUE_NUM_INFINITY          times take a bare date
 *   intake (API)       VALUE_NUM_C_SYNTAX |        VALUE_DATE_FEB29; date-
 *                      VALUE_NUM_NO_UNDERFLOW      times need a time
 *   intake (W2L)       the same                    the same | VALUE_DATE_LOOSE
 *
 * The length read is the caller's bound: the formula engine reads no more
 * than 511 bytes as a number, SOQL no more than 63.
 *
 * Pure functions; nothing is allocated that outlives a call.
 */
#ifndef SIM_VALUE_H
#define SIM_VALUE_H

#include <stddef.h>
#include <stdint.h>

/*
 * A number is, strictly, [+-] digits [. digits] [(e|E) [+-] digits] with
 * at least one digit before the exponent, nothing around it, and a finite
 * double as its value (an overflow is not a number; an underflow reads as
 * 0 or a subnormal). NaN never parses. The flags widen that:
 */
/* Anything C's strtod() reads whole: leading white space, hexadecimal
 * ("0x1p3"), and the words INF, INFINITY and NAN in any case. */
#define VALUE_NUM_C_SYNTAX 0x01u
/* Infinities are numbers: an overflow reads as +-HUGE_VAL, and (with
 * VALUE_NUM_C_SYNTAX) the INF words parse. */
#define VALUE_NUM_INFINITY 0x02u
/* A non-zero value too small for a double (strtod()'s underflow) is not a
 * number. */
#define VALUE_NUM_NO_UNDERFLOW 0x04u

/* 0 with *out set, or -1 when s[0..len) is not a number under flags. */
int value_parse_number(const char *s, size_t len, unsigned flags, double *out);

/*
 * A date is, strictly, YYYY-MM-DD: exactly ten bytes, ASCII digits and
 * two dashes, month 1-12 and a day that month has. The flags widen that:
 */
/* February 29 passes in every year, and is then March 1 of a common year
 * (timefmt_parse() has always let it through). */
#define VALUE_DATE_FEB29 0x10u
/*
 * Web-to-Lead's reading (en_US): Y-M-D or M/D/Y, each field as scanf's %d
 * reads it (leading white space and a sign allowed, a year of 1-4
 * characters, a month and day of 1-2), nothing after; the year 0 to 9999.
 */
#define VALUE_DATE_LOOSE 0x20u
/* value_parse_datetime(): a date alone (ten bytes) is its midnight UTC. */
#define VALUE_DATE_BARE 0x40u
/* value_parse_datetime(): also the formula language's own text form of a
 * GMT date-time, "YYYY-MM-DD HH:MM:SS" (a space, no zone), as
 * DATETIMEVALUE() reads it and TEXT() writes it (with a trailing "Z"). */
#define VALUE_DATE_SPACE 0x80u

struct value_date {
    int64_t days; /* since 1970-01-01 (calendar.h) */
    int year, month, day;
};

/* 0 with *out set (the fields as written, so a lenient February 29 keeps
 * its 29), or -1 when s[0..len) is not a date under flags. */
int value_parse_date(const char *s, size_t len, unsigned flags,
                     struct value_date *out);

/*
 * A date-time is what timefmt_parse() reads (RFC 3339 with a zone:
 * 2026-11-26T22:43:13.123Z, or Salesforce's ...+0000), in epoch ms UTC;
 * with VALUE_DATE_BARE, also a date (read under the date flags). 0 with
 * *ms set, or -1.
 */
int value_parse_datetime(const char *s, size_t len, unsigned flags,
                         int64_t *ms);

#endif
