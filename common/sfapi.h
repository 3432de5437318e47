/*
 * sfapi.h - wire vocabulary shared by the three programs: API versions,
 * path prefixes and header names. Constants only; no logic.
 */
#ifndef COMMON_SFAPI_H
#define COMMON_SFAPI_H

#define SFAPI_VERSION_MIN 20    /* v20.0, Winter '11 */
#define SFAPI_VERSION_LATEST 66 /* v66.0, Spring '26 */

#define SFAPI_W2L_PATH "/servlet/servlet.WebToLead"
#define SFAPI_DATA_PREFIX "/services/data"
#define SFAPI_APEXREST_PREFIX "/services/apexrest"
#define SFAPI_TOKEN_PATH "/services/oauth2/token"
#define SFAPI_ADMIN_PREFIX "/__sim/"

#define SFAPI_HDR_LIMIT_INFO "Sforce-Limit-Info"
#define SFAPI_HDR_DUPLICATE_RULE "Sforce-Duplicate-Rule-Header"
#define SFAPI_HDR_IS_PROCESSED "Is-Processed"

#define SFAPI_DEFAULT_ORG_ID "00D000000000001"
#define SFAPI_DEFAULT_CLIENT_ID "sfsim-client-id"
#define SFAPI_DEFAULT_CLIENT_SECRET "sfsim-client-secret"
#define SFAPI_DEFAULT_USERNAME "admin@sfsim.test"
#define SFAPI_DEFAULT_PASSWORD "sfsim-password"

#endif
