/*
 * calendar.c - civil dates and day numbers (see calendar.h).
 */
#include "calendar.h"

/* Floor division: rounds towards the past for negative a. */
static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int
calendar_is_leap(int64_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int
calendar_month_days(int64_t year, int month)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};

    return mdays[month - 1] + (month == 2 && calendar_is_leap(year));
}

/*
 * An era is 400 years (146097 days); within it, the year of the era and
 * the day of a March-based year give the day of the era. 719468 is the
 * day of the era numbering of 1970-01-01.
 */
int64_t
calendar_days(int64_t year, int month, int day)
{
    int64_t era, yoe, doy, doe;

    year -= month <= 2;
    era = floor_div(year, 400);
    yoe = year - era * 400;
    doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void
calendar_date(int64_t days, int64_t *year, int *month, int *day)
{
    int64_t z = days + 719468, era, doe, yoe, doy, mp;

    era = floor_div(z, 146097);
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

int64_t
calendar_day_of_ms(int64_t ms)
{
    return floor_div(ms, CALENDAR_MS_PER_DAY);
}
