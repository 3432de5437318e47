/*
 * log.c - diagnostics on stderr (see log.h).
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *log_name = "sfsim";
static int log_level;

void
log_init(const char *name, int verbose)
{
    const char *slash = strrchr(name, '/');

    log_name = slash ? slash + 1 : name;
    log_level = verbose;
}

int
log_verbose(void)
{
    return log_level;
}

static void
vlog(const char *fmt, va_list ap, const char *suffix)
{
    char msg[1024];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (suffix != NULL)
        fprintf(stderr, "%s: %s: %s\n", log_name, msg, suffix);
    else
        fprintf(stderr, "%s: %s\n", log_name, msg);
}

void
log_warn(const char *fmt, ...)
{
    va_list ap;
    const char *err = strerror(errno);

    va_start(ap, fmt);
    vlog(fmt, ap, err);
    va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(fmt, ap, NULL);
    va_end(ap);
}

void
log_info(const char *fmt, ...)
{
    va_list ap;

    if (log_level < 1)
        return;
    va_start(ap, fmt);
    vlog(fmt, ap, NULL);
    va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
    va_list ap;

    if (log_level < 2)
        return;
    va_start(ap, fmt);
    vlog(fmt, ap, NULL);
    va_end(ap);
}

void
fatal(const char *fmt, ...)
{
    va_list ap;
    const char *err = strerror(errno);

    va_start(ap, fmt);
    vlog(fmt, ap, err);
    va_end(ap);
    exit(1);
}

void
fatalx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(fmt, ap, NULL);
    va_end(ap);
    exit(1);
}
