/*
 * spawn.h - starting and stopping the programs under test.
 *
 * The one implementation of "start sfsim on --port 0 and wait for its
 * listening line", used by the conformance runner and by the end-to-end
 * tests alike, and of running a client command with a time limit.
 */
#ifndef CONF_SPAWN_H
#define CONF_SPAWN_H

#include <sys/types.h>

#include "err.h"

#define SPAWN_URL_MAX 128

struct spawn_sim {
    pid_t pid;
    char url[SPAWN_URL_MAX]; /* http://127.0.0.1:PORT, once ready */
    int ready_fd;            /* launched, line not read yet; else -1 */
};

/*
 * Starts sim_path --port 0 plus args (NULL-terminated, may be NULL) and
 * waits up to timeout_ms for "sfsim listening on URL". The sim's stdout is
 * read until then; its stderr is inherited. 0 on success; -1 (err set, the
 * child reaped) on failure.
 */
int spawn_sim_start(const char *sim_path, const char *const *args,
                    int timeout_ms, struct spawn_sim *out, struct sf_err *err);
/*
 * spawn_sim_start() in two halves, so a sim can start while other work
 * goes on: launch forks and execs and returns at once (0, or -1 with err);
 * ready then waits for the listening line (0, or -1 with err and the
 * child stopped). A launched sim that is never made ready is stopped with
 * spawn_sim_stop().
 */
int spawn_sim_launch(const char *sim_path, const char *const *args,
                     struct spawn_sim *out, struct sf_err *err);
int spawn_sim_ready(struct spawn_sim *s, const char *sim_path, int timeout_ms,
                    struct sf_err *err);
/*
 * Sends SIGTERM and waits up to timeout_ms (then SIGKILL). Returns the exit
 * status (0-255), 128+signal when killed by one, or -1.
 */
int spawn_sim_stop(struct spawn_sim *s, int timeout_ms);

/*
 * Runs /bin/sh -c cmd with extra environment entries ("NAME=value",
 * NULL-terminated) added, waiting up to timeout_ms; a command still running
 * then is killed (with its process group) and *timed_out set. Returns the
 * exit status as spawn_sim_stop() does, or -1 when it cannot be started.
 */
int spawn_shell(const char *cmd, const char *const *env, int timeout_ms,
                int *timed_out);
/*
 * spawn_shell() with the command's stdout and stderr appended to log_path
 * (NULL: inherited), so a client's chatter never mixes with a report.
 */
int spawn_shell_log(const char *cmd, const char *const *env,
                    const char *log_path, int timeout_ms, int *timed_out);
/*
 * spawn_shell() with stdout appended to out_path and stderr to err_path
 * (each NULL: inherited; the same path: one file), so that a report can
 * show what the command said on stderr.
 */
int spawn_shell_io(const char *cmd, const char *const *env,
                   const char *out_path, const char *err_path, int timeout_ms,
                   int *timed_out);

/*
 * A client run that may be killed at a chosen moment: while the command
 * runs, fn(arg) is called every SPAWN_WATCH_MS; when it returns non-zero
 * the command's process group gets SIGKILL and killed is set.
 */
#define SPAWN_WATCH_MS 20
struct spawn_watch {
    int (*fn)(void *arg);
    void *arg;
    int killed; /* out */
};
/* spawn_shell_io() watched by w (NULL: not watched). */
int spawn_shell_watch(const char *cmd, const char *const *env,
                      const char *out_path, const char *err_path,
                      int timeout_ms, struct spawn_watch *w, int *timed_out);

#endif
