/*
 * npmclient.c - installed npm clients, or why a test skips (npmclient.h).
 */
#include "npmclient.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "spawn.h"
#include "xmalloc.h"

#define NPM_PING_TIMEOUT_MS 30000

int
npmclient_ready(const char *what, const char *dir, const char *marker)
{
    char *path = xasprintf("tests/e2e/%s/node_modules/%s", dir, marker);
    int installed = access(path, F_OK) == 0, timed_out = 0;

    free(path);
    if (installed)
        return 1;
    if (spawn_shell("npm ping >/dev/null 2>&1", NULL, NPM_PING_TIMEOUT_MS,
                    &timed_out) != 0) {
        print_message("%s: skipped: not installed in tests/e2e/%s and the "
                      "npm registry cannot be reached\n",
                      what, dir);
        return 0;
    }
    fail_msg("%s is not installed in tests/e2e/%s although the npm registry "
             "answers: run `make deps`",
             what, dir);
    return 0;
}
