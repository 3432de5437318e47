/*
 * weburl.c - which URLs sfdeliver may send to (see weburl.h).
 */
#include "weburl.h"

#include <stdio.h>
#include <strings.h>

#include <curl/curl.h>

int
weburl_check(const char *url, char *why, size_t n)
{
    CURLU *h = curl_url();
    char *scheme = NULL;
    CURLUcode rc;
    int ok = 0;

    if (h == NULL)
        return -1;
    rc = curl_url_set(h, CURLUPART_URL, url, 0);
    if (rc == CURLUE_OK)
        rc = curl_url_get(h, CURLUPART_SCHEME, &scheme, 0);
    if (rc != CURLUE_OK)
        snprintf(why, n,
                 "not a URL (%s); it must be absolute (http:// or "
                 "https://), with spaces and other special characters "
                 "percent-encoded",
                 curl_url_strerror(rc));
    else if (strcasecmp(scheme, "http") != 0 &&
             strcasecmp(scheme, "https") != 0)
        snprintf(why, n, "must be an http:// or https:// URL, not %s://",
                 scheme);
    else
        ok = 1;
    curl_free(scheme);
    curl_url_cleanup(h);
    return ok ? 0 : -1;
}
