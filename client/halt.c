/*
 * halt.c - why a delivery run stopped sending (see halt.h).
 */
#include "halt.h"

#include <stdio.h>

int
halt_set(struct halt *h, const char *reason, const char *why)
{
    if (h->halted)
        return 0;
    h->halted = 1;
    h->reason = reason;
    snprintf(h->error, sizeof(h->error), "%s", why);
    return 1;
}
