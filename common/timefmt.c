/*
 * timefmt.c - RFC 3339 and Salesforce timestamps (see timefmt.h).
 */
#include "timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <time.h>

#include "calendar.h"

/* The civil date and time of day of epoch millisecond ms (UTC). */
struct civil {
    int64_t year;
    int month, day, hour, min, sec, millis;
};

static void
civil_from_ms(int64_t ms, struct civil *c)
{
    int64_t days = calendar_day_of_ms(ms);
    int64_t rem = ms % CALENDAR_MS_PER_DAY;

    if (rem < 0)
        rem += CALENDAR_MS_PER_DAY;
    calendar_date(days, &c->year, &c->month, &c->day);
    c->hour = (int)(rem / 3600000);
    c->min = (int)(rem / 60000 % 60);
    c->sec = (int)(rem / 1000 % 60);
    c->millis = (int)(rem % 1000);
}

/* "YYYY-MM-DDTHH:MM:SS.mmm" followed by zone ("Z" or "+0000"). */
static char *
format_ms(int64_t ms, const char *zone, char *out)
{
    struct civil c;

    civil_from_ms(ms, &c);
    snprintf(out, TIMEFMT_LEN, "%04lld-%02d-%02dT%02d:%02d:%02d.%03d%s",
             (long long)c.year, c.month, c.day, c.hour, c.min, c.sec, c.millis,
             zone);
    return out;
}

char *
timefmt_rfc3339(int64_t ms, char *out)
{
    return format_ms(ms, "Z", out);
}

char *
timefmt_salesforce(int64_t ms, char *out)
{
    return format_ms(ms, "+0000", out);
}

char *
timefmt_date(int64_t ms, char *out)
{
    struct civil c;

    civil_from_ms(ms, &c);
    snprintf(out, TIMEFMT_LEN, "%04lld-%02d-%02d", (long long)c.year, c.month,
             c.day);
    return out;
}

/* Reads exactly n digits; -1 if any is not a digit. */
static int
digits(const char **p, int n)
{
    int v = 0;

    while (n-- > 0) {
        if (!isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    return v;
}

static int
parse_offset(const char *p, int *offset_min)
{
    int sign, hh, mm;

    if (*p == 'Z' || *p == 'z') {
        *offset_min = 0;
        return p[1] == '\0' ? 0 : -1;
    }
    if (*p != '+' && *p != '-')
        return -1;
    sign = *p == '-' ? -1 : 1;
    p++;
    if ((hh = digits(&p, 2)) < 0)
        return -1;
    if (*p == ':')
        p++;
    if ((mm = digits(&p, 2)) < 0 || *p != '\0' || hh > 23 || mm > 59)
        return -1;
    *offset_min = sign * (hh * 60 + mm);
    return 0;
}

int
timefmt_parse(const char *s, int64_t *ms)
{
    const char *p = s;
    int y, mo, d, h, mi, sec, frac = 0, offset_min;
    int64_t days;

    if ((y = digits(&p, 4)) < 0 || *p++ != '-' || (mo = digits(&p, 2)) < 0 ||
        *p++ != '-' || (d = digits(&p, 2)) < 0 || (*p != 'T' && *p != 't'))
        return -1;
    p++;
    if ((h = digits(&p, 2)) < 0 || *p++ != ':' || (mi = digits(&p, 2)) < 0 ||
        *p++ != ':' || (sec = digits(&p, 2)) < 0)
        return -1;
    if (*p == '.') {
        int scale = 100, n = 0;

        p++;
        while (isdigit((unsigned char)*p) && n < 9) {
            frac += (*p - '0') * scale;
            scale /= 10;
            p++;
            n++;
        }
        if (n == 0)
            return -1;
    }
    /* February 29 passes in every year (it is then March 1), as it always
     * has here; sim/store/value.h checks real days where a caller asks. */
    if (mo < 1 || mo > 12 || d < 1 ||
        (d > calendar_month_days(y, mo) && !(mo == 2 && d == 29)) || h > 23 ||
        mi > 59 || sec > 60)
        return -1;
    if (parse_offset(p, &offset_min) == -1)
        return -1;
    days = calendar_days(y, mo, d);
    *ms =
        ((days * 86400 + h * 3600 + mi * 60 + sec) - offset_min * 60LL) * 1000 +
        frac;
    return 0;
}

int64_t
timefmt_wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
