/*
 * oauth.h - the refresh-token grant and the token kept in the state dir.
 *
 * oauth.c is pure: it builds the token request body, reads the token
 * endpoint's answer, and converts the cached token to and from its state
 * document. The request itself runs as one more transfer in deliver.c's
 * multi loop. Tokens go only to the state directory, never to logs.
 */
#ifndef CLIENT_OAUTH_H
#define CLIENT_OAUTH_H

#include <jansson.h>
#include <stdint.h>

#include "buyer.h"
#include "err.h"

#define OAUTH_STATE_FILE "token.json"

/* The form body of a refresh_token grant; caller frees with free(). */
char *oauth_refresh_body(const struct buyer *b);

/*
 * Reads a token endpoint response (status, parsed body). Returns a new
 * string with the access token (caller frees), or NULL with err set to
 * "invalid_grant: expired access/refresh token" or similar.
 */
char *oauth_parse_token(long status, json_t *body, struct sf_err *err);

/*
 * The state document for token (with the calendar time it was last used
 * and a fingerprint of the config's own Authorization header, so a token
 * edited into the config later wins over the cached one). New reference.
 */
json_t *oauth_state_doc(const char *token, int64_t last_used_ms,
                        const char *config_auth);
/*
 * The cached token from doc when it still belongs to this config (borrowed
 * from doc), else NULL; *last_used_ms is set when found.
 */
const char *oauth_state_token(json_t *doc, const char *config_auth,
                              int64_t *last_used_ms);

#endif
