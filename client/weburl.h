/*
 * weburl.h - which URLs sfdeliver may send to.
 *
 * A buyer file names the URLs sfdeliver sends leads, token requests and
 * read-backs to; this module says, at load, whether one is acceptable. It
 * knows libcurl's URL parser and nothing of the buyer file or transfers
 * (transfer.c restricts every transfer to the same two protocols).
 */
#ifndef CLIENT_WEBURL_H
#define CLIENT_WEBURL_H

#include <stddef.h>

/*
 * Checks that url is one sfdeliver may send to: an absolute http:// or
 * https:// URL that libcurl parses (no space or other character left
 * unencoded). Returns 0, or -1 with why (size n) set.
 */
int weburl_check(const char *url, char *why, size_t n);

#endif
