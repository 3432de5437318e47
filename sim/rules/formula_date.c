/*
 * formula_date.c - the formula language's date and date/time functions
 * (see formula.h; the table that names them is formula_fn.c's).
 *
 * Dates are days since 1970-01-01 and date/times epoch milliseconds, both
 * in GMT, as Salesforce's formulas compute them (the user's time zone only
 * changes how a page displays them). Each function here is strict: its
 * arguments arrive evaluated, a null argument gives a null result.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "formula_private.h"
#include "value.h"

/* Years Salesforce's DATE() accepts. */
#define YEAR_MIN 1700
#define YEAR_MAX 4000

/* 1 (and *out null) when any of the first n arguments is null. */
static int
any_null(const struct fval *av, int n, struct fval *out)
{
    int i;

    for (i = 0; i < n; i++)
        if (av[i].null) {
            out->null = 1;
            return 1;
        }
    return 0;
}

/* The day of a date or date/time argument of node n. */
static int64_t
day_of(const struct node *n, const struct fval *v)
{
    return n->type == T_DATETIME ? calendar_day_of_ms(v->t) : v->t;
}

int
formula_fn_today(struct evalctx *c, const struct node *n, const struct fval *av,
                 struct fval *out)
{
    (void)n;
    (void)av;
    out->t = calendar_day_of_ms(c->now_ms);
    return 0;
}

int
formula_fn_now(struct evalctx *c, const struct node *n, const struct fval *av,
               struct fval *out)
{
    (void)n;
    (void)av;
    out->t = c->now_ms;
    return 0;
}

static int
date_part(const struct node *n, const struct fval *av, struct fval *out,
          int which)
{
    int64_t y;
    int m, d;

    if (any_null(av, 1, out))
        return 0;
    calendar_date(day_of(n->args[0], &av[0]), &y, &m, &d);
    out->num = which == 0 ? (double)y : which == 1 ? m : d;
    return 0;
}

int
formula_fn_year(struct evalctx *c, const struct node *n, const struct fval *av,
                struct fval *out)
{
    (void)c;
    return date_part(n, av, out, 0);
}

int
formula_fn_month(struct evalctx *c, const struct node *n, const struct fval *av,
                 struct fval *out)
{
    (void)c;
    return date_part(n, av, out, 1);
}

int
formula_fn_day(struct evalctx *c, const struct node *n, const struct fval *av,
               struct fval *out)
{
    (void)c;
    return date_part(n, av, out, 2);
}

/* DATE(year, month, day); a day the month does not have is an error. */
int
formula_fn_date(struct evalctx *c, const struct node *n, const struct fval *av,
                struct fval *out)
{
    double y, m, d;

    if (any_null(av, 3, out))
        return 0;
    y = trunc(av[0].num);
    m = trunc(av[1].num);
    d = trunc(av[2].num);
    if (!(y >= YEAR_MIN && y <= YEAR_MAX) || !(m >= 1 && m <= 12) ||
        !(d >= 1 && d <= calendar_month_days((int64_t)y, (int)m)))
        return formula_rt_error(c, n, "DATE() was given an invalid date");
    out->t = calendar_days((int64_t)y, (int)m, (int)d);
    return 0;
}

/* DATEVALUE(date/time) is its GMT date; DATEVALUE(text) reads the text. */
int
formula_fn_datevalue(struct evalctx *c, const struct node *n,
                     const struct fval *av, struct fval *out)
{
    int64_t ms;

    if (any_null(av, 1, out))
        return 0;
    if (n->args[0]->type != T_TEXT) {
        out->t = day_of(n->args[0], &av[0]);
        return 0;
    }
    if (value_parse_datetime(av[0].s, av[0].len,
                             VALUE_DATE_BARE | VALUE_DATE_SPACE, &ms) < 0)
        return formula_rt_error(
            c, n, "DATEVALUE() was given text that is not a date");
    out->t = calendar_day_of_ms(ms);
    return 0;
}

/* DATETIMEVALUE(text) reads "YYYY-MM-DD HH:MM:SS" (GMT), a date, or an
 * ISO 8601 date/time; a date is its midnight GMT. */
int
formula_fn_datetimevalue(struct evalctx *c, const struct node *n,
                         const struct fval *av, struct fval *out)
{
    if (any_null(av, 1, out))
        return 0;
    switch (n->args[0]->type) {
    case T_DATETIME: out->t = av[0].t; return 0;
    case T_DATE: out->t = av[0].t * CALENDAR_MS_PER_DAY; return 0;
    default: break;
    }
    if (value_parse_datetime(av[0].s, av[0].len,
                             VALUE_DATE_BARE | VALUE_DATE_SPACE, &out->t) < 0)
        return formula_rt_error(
            c, n, "DATETIMEVALUE() was given text that is not a date/time");
    return 0;
}

/*
 * ADDMONTHS(date, n): the same day n months later (or earlier). A day the
 * resulting month does not have, and the last day of a month, become the
 * last day of the resulting month. A date/time keeps its time of day.
 */
int
formula_fn_addmonths(struct evalctx *c, const struct node *n,
                     const struct fval *av, struct fval *out)
{
    int64_t y, day, total;
    int m, d, last;
    double months;

    if (any_null(av, 2, out))
        return 0;
    months = trunc(av[1].num);
    if (!(fabs(months) < 12.0 * 10000))
        return formula_rt_error(c, n, "Date is out of range");
    day = day_of(n->args[0], &av[0]);
    calendar_date(day, &y, &m, &d);
    last = d == calendar_month_days(y, m);
    total = y * 12 + (m - 1) + (int64_t)months;
    y = total >= 0 ? total / 12 : -((-total + 11) / 12);
    m = (int)(total - y * 12) + 1;
    if (last || d > calendar_month_days(y, m))
        d = calendar_month_days(y, m);
    out->t = calendar_days(y, m, d);
    if (n->args[0]->type == T_DATETIME)
        out->t = out->t * CALENDAR_MS_PER_DAY +
                 (av[0].t - day * CALENDAR_MS_PER_DAY);
    return 0;
}

/* WEEKDAY(date): 1 for Sunday through 7 for Saturday. */
int
formula_fn_weekday(struct evalctx *c, const struct node *n,
                   const struct fval *av, struct fval *out)
{
    int64_t day, w;

    (void)c;
    if (any_null(av, 1, out))
        return 0;
    day = day_of(n->args[0], &av[0]);
    /* 1970-01-01 was a Thursday (5). */
    w = (day + 4) % 7;
    if (w < 0)
        w += 7;
    out->num = (double)(w + 1);
    return 0;
}

/* DAYOFYEAR(date): 1 to 366. */
int
formula_fn_dayofyear(struct evalctx *c, const struct node *n,
                     const struct fval *av, struct fval *out)
{
    int64_t y, day;
    int m, d;

    (void)c;
    if (any_null(av, 1, out))
        return 0;
    day = day_of(n->args[0], &av[0]);
    calendar_date(day, &y, &m, &d);
    out->num = (double)(day - calendar_days(y, 1, 1) + 1);
    return 0;
}

/* The ISO 8601 week (1-53) and its year of a day. */
static void
iso_week(int64_t day, int64_t *iso_year, int *week)
{
    int64_t y, thursday, w;
    int m, d;

    /* The week's Thursday decides the year; Monday is day 1. */
    w = (day + 3) % 7; /* 0 = Monday (1970-01-01 was a Thursday) */
    if (w < 0)
        w += 7;
    thursday = day - w + 3;
    calendar_date(thursday, &y, &m, &d);
    *iso_year = y;
    *week = (int)((thursday - calendar_days(y, 1, 1)) / 7) + 1;
}

int
formula_fn_isoweek(struct evalctx *c, const struct node *n,
                   const struct fval *av, struct fval *out)
{
    int64_t y;
    int w;

    (void)c;
    if (any_null(av, 1, out))
        return 0;
    iso_week(day_of(n->args[0], &av[0]), &y, &w);
    out->num = w;
    return 0;
}

int
formula_fn_isoyear(struct evalctx *c, const struct node *n,
                   const struct fval *av, struct fval *out)
{
    int64_t y;
    int w;

    (void)c;
    if (any_null(av, 1, out))
        return 0;
    iso_week(day_of(n->args[0], &av[0]), &y, &w);
    out->num = (double)y;
    return 0;
}

/* UNIXTIMESTAMP(date or date/time): seconds since 1970-01-01 GMT. */
int
formula_fn_unixtimestamp(struct evalctx *c, const struct node *n,
                         const struct fval *av, struct fval *out)
{
    (void)c;
    if (any_null(av, 1, out))
        return 0;
    if (n->args[0]->type == T_DATE)
        out->num = (double)(av[0].t * 86400);
    else
        out->num = floor((double)av[0].t / 1000.0);
    return 0;
}

/* FROMUNIXTIME(seconds): the date/time. */
int
formula_fn_fromunixtime(struct evalctx *c, const struct node *n,
                        const struct fval *av, struct fval *out)
{
    if (any_null(av, 1, out))
        return 0;
    if (!(fabs(av[0].num) < 1e13))
        return formula_rt_error(c, n, "Date is out of range");
    out->t = (int64_t)llround(av[0].num * 1000.0);
    return 0;
}

/* TEXT() of a date ("YYYY-MM-DD") and a date/time ("YYYY-MM-DD
 * HH:MM:SSZ"), as Salesforce writes them, into out (at least 32 bytes). */
void
formula_date_text(enum ftype t, int64_t v, char *out, size_t size)
{
    int64_t y, days, rem;
    int m, d;

    days = t == T_DATE ? v : calendar_day_of_ms(v);
    calendar_date(days, &y, &m, &d);
    if (t == T_DATE) {
        snprintf(out, size, "%04lld-%02d-%02d", (long long)y, m, d);
        return;
    }
    rem = (v - days * CALENDAR_MS_PER_DAY) / 1000;
    snprintf(out, size, "%04lld-%02d-%02d %02d:%02d:%02dZ", (long long)y, m, d,
             (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
}
