/*
 * value.c - numbers, dates and date-times in record values (see value.h).
 */
#include "value.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "timefmt.h"
#include "xmalloc.h"

#define NUMBER_STACK 128 /* longer numbers are copied to the heap */
#define DATETIME_MAX 64  /* longer text is no date-time (the longest is 35) */
#define LOOSE_YEAR_MAX 9999

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* [+-] digits [. digits] [(e|E) [+-] digits], one digit at least before
 * the exponent, and nothing else. */
static int
is_decimal(const char *s, size_t len)
{
    size_t i = 0, digits = 0;

    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    for (; i < len && is_digit((unsigned char)s[i]); i++)
        digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && is_digit((unsigned char)s[i]); i++)
            digits++;
    if (digits == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= len || !is_digit((unsigned char)s[i]))
            return 0;
        while (i < len && is_digit((unsigned char)s[i]))
            i++;
    }
    return i == len;
}

int
value_parse_number(const char *s, size_t len, unsigned flags, double *out)
{
    char stack[NUMBER_STACK], *tmp = stack, *end;
    double v;
    int rc = -1;

    if (len == 0 || memchr(s, '\0', len) != NULL)
        return -1;
    if (!(flags & VALUE_NUM_C_SYNTAX) && !is_decimal(s, len))
        return -1;
    if (len >= sizeof(stack))
        tmp = xmalloc(len + 1);
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    errno = 0;
    v = strtod(tmp, &end);
    if (end == tmp || *end != '\0' || isnan(v))
        goto out;
    if (isinf(v) && !(flags & VALUE_NUM_INFINITY))
        goto out;
    if (errno == ERANGE && !isinf(v) && (flags & VALUE_NUM_NO_UNDERFLOW))
        goto out;
    *out = v;
    rc = 0;
out:
    if (tmp != stack)
        free(tmp);
    return rc;
}

/*
 * One integer field as scanf's %<width>d reads it: white space skipped,
 * then up to width characters of an optional sign and digits, one digit
 * at least.
 */
static int
scan_int(const char **p, const char *end, int width, int *out)
{
    const char *q = *p;
    int neg = 0, v = 0, n = 0;

    while (q < end && (*q == ' ' || (*q >= '\t' && *q <= '\r')))
        q++;
    if (q < end && (*q == '+' || *q == '-')) {
        neg = *q == '-';
        q++;
        width--;
    }
    for (; q < end && width > 0 && is_digit((unsigned char)*q); q++) {
        v = v * 10 + (*q - '0');
        width--;
        n++;
    }
    if (n == 0)
        return -1;
    *out = neg ? -v : v;
    *p = q;
    return 0;
}

/* Three integer fields with sep between them, and nothing after. */
static int
scan_date(const char *s, size_t len, char sep, const int width[3],
          int *field[3])
{
    const char *p = s, *end = s + len;
    int i;

    for (i = 0; i < 3; i++) {
        if (i > 0 && (p >= end || *p++ != sep))
            return -1;
        if (scan_int(&p, end, width[i], field[i]) < 0)
            return -1;
    }
    return p == end ? 0 : -1;
}

/* Y-M-D or M/D/Y as VALUE_DATE_LOOSE reads them. */
static int
loose_date(const char *s, size_t len, struct value_date *d)
{
    static const int ymd_width[3] = {4, 2, 2}, mdy_width[3] = {2, 2, 4};
    int *ymd[3] = {&d->year, &d->month, &d->day};
    int *mdy[3] = {&d->month, &d->day, &d->year};

    if (scan_date(s, len, '-', ymd_width, ymd) < 0 &&
        scan_date(s, len, '/', mdy_width, mdy) < 0)
        return -1;
    return d->year >= 0 && d->year <= LOOSE_YEAR_MAX ? 0 : -1;
}

/* YYYY-MM-DD exactly. */
static int
strict_date(const char *s, size_t len, struct value_date *d)
{
    int i;

    if (len != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !is_digit((unsigned char)s[i]))
            return -1;
    d->year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
              (s[3] - '0');
    d->month = (s[5] - '0') * 10 + (s[6] - '0');
    d->day = (s[8] - '0') * 10 + (s[9] - '0');
    return 0;
}

int
value_parse_date(const char *s, size_t len, unsigned flags,
                 struct value_date *out)
{
    struct value_date d;

    memset(&d, 0, sizeof(d));
    if ((flags & VALUE_DATE_LOOSE) ? loose_date(s, len, &d) < 0
                                   : strict_date(s, len, &d) < 0)
        return -1;
    if (d.month < 1 || d.month > 12 || d.day < 1 ||
        (d.day > calendar_month_days(d.year, d.month) &&
         !((flags & VALUE_DATE_FEB29) && d.month == 2 && d.day == 29)))
        return -1;
    d.days = calendar_days(d.year, d.month, d.day);
    *out = d;
    return 0;
}

/* "YYYY-MM-DD HH:MM:SS" with an optional "Z": the date, a space and the
 * time of day, GMT. Rewritten as RFC 3339 for timefmt_parse(). */
static int
space_datetime(const char *s, size_t len, char *tmp, size_t size)
{
    if (!(len == 19 || (len == 20 && s[19] == 'Z')) || s[10] != ' ' ||
        size < 21)
        return -1;
    memcpy(tmp, s, 19);
    tmp[10] = 'T';
    tmp[19] = 'Z';
    tmp[20] = '\0';
    return 0;
}

int
value_parse_datetime(const char *s, size_t len, unsigned flags, int64_t *ms)
{
    struct value_date d;
    char tmp[DATETIME_MAX];

    if ((flags & VALUE_DATE_BARE) && value_parse_date(s, len, flags, &d) == 0) {
        *ms = d.days * CALENDAR_MS_PER_DAY;
        return 0;
    }
    if (len >= sizeof(tmp) || memchr(s, '\0', len) != NULL)
        return -1;
    if ((flags & VALUE_DATE_SPACE) &&
        space_datetime(s, len, tmp, sizeof(tmp)) == 0)
        return timefmt_parse(tmp, ms);
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    return timefmt_parse(tmp, ms);
}
