/*
 * log.h - diagnostics on stderr, in the shape of OpenBSD's log.c.
 *
 * log_warn() appends strerror(errno); log_warnx() does not. fatal()/fatalx()
 * log and exit with status 1. Messages are prefixed with the program name
 * given to log_init().
 */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

#define PRINTFLIKE(a, b) __attribute__((format(printf, a, b)))

/* name is borrowed and must outlive the program (argv[0] or a literal). */
void log_init(const char *name, int verbose);
int log_verbose(void);
void log_warn(const char *fmt, ...) PRINTFLIKE(1, 2);
void log_warnx(const char *fmt, ...) PRINTFLIKE(1, 2);
void log_info(const char *fmt, ...) PRINTFLIKE(1, 2);
void log_debug(const char *fmt, ...) PRINTFLIKE(1, 2);
_Noreturn void fatal(const char *fmt, ...) PRINTFLIKE(1, 2);
_Noreturn void fatalx(const char *fmt, ...) PRINTFLIKE(1, 2);

#endif
