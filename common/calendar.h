/*
 * calendar.h - the proleptic Gregorian calendar, as days since 1970-01-01.
 *
 * The one place that turns a civil date into a day number and back (Howard
 * Hinnant's algorithms: years counted from March, so that February and its
 * leap day come last). Every function is pure integer arithmetic over the
 * whole int64 range of days that fits a year in int64: no time zone, no
 * time_t, no locale. All days are UTC days.
 */
#ifndef COMMON_CALENDAR_H
#define COMMON_CALENDAR_H

#include <stdint.h>

#define CALENDAR_MS_PER_DAY 86400000LL

/* 1 in a leap year (every 4th, but not every 100th, but every 400th). */
int calendar_is_leap(int64_t year);
/* Days in month (1-12) of year: 28 to 31. */
int calendar_month_days(int64_t year, int month);
/*
 * Days since 1970-01-01 of year-month-day (month 1-12). A day past the end
 * of its month counts on into the next: 2026-02-29 is 2026-03-01.
 */
int64_t calendar_days(int64_t year, int month, int day);
/* The civil date of a day number (the inverse of calendar_days()). */
void calendar_date(int64_t days, int64_t *year, int *month, int *day);
/* The day number of the UTC day holding epoch millisecond ms (rounds
 * towards the past, also before 1970). */
int64_t calendar_day_of_ms(int64_t ms);

#endif
