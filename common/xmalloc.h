/*
 * xmalloc.h - allocation that never returns NULL.
 *
 * All three programs treat running out of memory as fatal: every function
 * here either returns usable memory or prints a message and aborts. Call
 * sites therefore carry no NULL checks for allocation, and every remaining
 * error path in the code is a real error (bad input, I/O).
 *
 * xjson_init() installs the same policy into jansson, so that a NULL from
 * json_loadb()/json_pack() afterwards always means bad input, never OOM.
 */
#ifndef COMMON_XMALLOC_H
#define COMMON_XMALLOC_H

#include <stddef.h>

/* Caller frees with free(). */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xmemdup0(const void *p, size_t n);

/* printf into a fresh string; caller frees with free(). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Route jansson's allocations through xmalloc/free; call once in main(). */
void xjson_init(void);

#endif
