/*
 * h_misc.c - small Salesforce endpoints: the API versions list.
 */
#include <stdio.h>

#include "handlers.h"
#include "sfapi.h"

/* Release names, three a year from Winter '11 (v20.0). */
static void
version_label(int v, char *out, size_t n)
{
    static const char *const seasons[] = {"Winter", "Spring", "Summer"};
    int k = v - 20;

    snprintf(out, n, "%s '%02d", seasons[k % 3], 11 + k / 3);
}

/* GET /services/data/: no authentication, not counted (facts 3.10). */
void
h_versions(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    json_t *arr = json_array();
    char label[32], url[64], ver[16];
    int v;

    (void)sim;
    (void)req;
    for (v = SFAPI_VERSION_MIN; v <= SFAPI_VERSION_LATEST; v++) {
        version_label(v, label, sizeof(label));
        snprintf(url, sizeof(url), "/services/data/v%d.0", v);
        snprintf(ver, sizeof(ver), "%d.0", v);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "label", label,
                                             "url", url, "version", ver));
    }
    response_json(resp, 200, arr);
    resp->verdict = VERDICT_OK;
}
