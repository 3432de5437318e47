/*
 * err.c - first-error-wins message holder (see err.h).
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

void
err_clear(struct sf_err *e)
{
    e->msg[0] = '\0';
    e->set = 0;
}

void
err_set(struct sf_err *e, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL || e->set)
        return;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    e->set = 1;
}
