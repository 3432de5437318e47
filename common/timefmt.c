/*
 * timefmt.c - RFC 3339 and Salesforce timestamps (see timefmt.h).
 */
#include "timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_ms(int64_t ms, struct tm *tm, int *millis)
{
    int64_t secs = ms / 1000, rem = ms % 1000;
    time_t t;

    if (rem < 0) {
        rem += 1000;
        secs -= 1;
    }
    t = (time_t)secs;
    gmtime_r(&t, tm);
    *millis = (int)rem;
}

/* "YYYY-MM-DDTHH:MM:SS.mmm" followed by zone ("Z" or "+0000"). */
static char *
format_ms(int64_t ms, const char *zone, char *out)
{
    struct tm tm;
    int millis;

    civil_from_ms(ms, &tm, &millis);
    snprintf(out, TIMEFMT_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, millis, zone);
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
    struct tm tm;
    int millis;

    civil_from_ms(ms, &tm, &millis);
    snprintf(out, TIMEFMT_LEN, "%04d-%02d-%02d", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday);
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
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
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
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
        sec > 60)
        return -1;
    if (parse_offset(p, &offset_min) == -1)
        return -1;
    days = days_from_civil(y, mo, d);
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
