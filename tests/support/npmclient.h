/*
 * npmclient.h - whether an npm client the end-to-end tests run (installed
 * by `make deps` with npm ci into tests/e2e/<dir>/node_modules) may run.
 *
 * Installed: it runs. Not installed: the test is skipped with one line
 * saying why only when the npm registry cannot be reached (npm ping);
 * otherwise it fails, telling to run `make deps`. Owns nothing.
 */
#ifndef TESTS_NPMCLIENT_H
#define TESTS_NPMCLIENT_H

/*
 * 1 when tests/e2e/<dir>/node_modules/<marker> exists; 0 after printing
 * "<what>: skipped: ..." (the caller then calls skip()); fails the test
 * (cmocka) when the registry answers and the client is missing.
 */
int npmclient_ready(const char *what, const char *dir, const char *marker);

#endif
