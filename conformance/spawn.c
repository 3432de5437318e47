/*
 * spawn.c - child processes with bounded waits (see spawn.h).
 */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mono.h"
#include "xmalloc.h"

#define READY_PREFIX "sfsim listening on "

static int
decode_status(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return -1;
}

/*
 * Waits for pid up to timeout_ms; -2 on timeout, else the status. A pidfd
 * wakes us the moment the child exits; where the kernel has none, poll
 * every 2 ms.
 */
static int
wait_for(pid_t pid, int timeout_ms)
{
    long long deadline = mono_ms() + timeout_ms, left;
    int fd = pidfd_open(pid, 0), st, rc = -2;

    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);

        if (r == pid) {
            rc = decode_status(st);
            break;
        }
        if (r == -1 && errno != EINTR) {
            rc = -1;
            break;
        }
        if ((left = deadline - mono_ms()) <= 0)
            break;
        if (fd >= 0) {
            struct pollfd pfd = {fd, POLLIN, 0};

            poll(&pfd, 1, (int)left);
        } else {
            usleep(2000);
        }
    }
    if (fd >= 0)
        close(fd);
    return rc;
}

/* Reads lines from fd until the ready line or the deadline. */
static int
read_ready(int fd, int timeout_ms, char *url, size_t n)
{
    char line[512];
    size_t used = 0;
    long long deadline = mono_ms() + timeout_ms;

    while (mono_ms() < deadline) {
        struct pollfd pfd = {fd, POLLIN, 0};
        ssize_t got;
        char *nl;

        if (poll(&pfd, 1, (int)(deadline - mono_ms())) <= 0)
            continue;
        got = read(fd, line + used, sizeof(line) - 1 - used);
        if (got <= 0)
            return -1;
        used += (size_t)got;
        line[used] = '\0';
        if ((nl = strchr(line, '\n')) == NULL) {
            if (used == sizeof(line) - 1)
                return -1;
            continue;
        }
        *nl = '\0';
        if (strncmp(line, READY_PREFIX, strlen(READY_PREFIX)) != 0)
            return -1;
        if (strlen(line + strlen(READY_PREFIX)) >= n)
            return -1;
        memcpy(url, line + strlen(READY_PREFIX),
               strlen(line + strlen(READY_PREFIX)) + 1);
        return 0;
    }
    return -1;
}

int
spawn_sim_launch(const char *sim_path, const char *const *args,
                 struct spawn_sim *out, struct sf_err *err)
{
    const char *argv[64];
    int pipefd[2] = {-1, -1};
    size_t n = 0;
    pid_t pid;

    memset(out, 0, sizeof(*out));
    out->ready_fd = -1;
    argv[n++] = sim_path;
    argv[n++] = "--port";
    argv[n++] = "0";
    while (args != NULL && *args != NULL && n < 63)
        argv[n++] = *args++;
    argv[n] = NULL;
    if (pipe2(pipefd, O_CLOEXEC) == -1) {
        err_set(err, "pipe: %s", strerror(errno));
        return -1;
    }
    if ((pid = fork()) == -1) {
        err_set(err, "fork: %s", strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        execv(sim_path, (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", sim_path, strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    out->pid = pid;
    out->ready_fd = pipefd[0];
    return 0;
}

int
spawn_sim_ready(struct spawn_sim *s, const char *sim_path, int timeout_ms,
                struct sf_err *err)
{
    int rc = 0;

    if (s->ready_fd < 0)
        return s->pid > 0 ? 0 : -1;
    if (read_ready(s->ready_fd, timeout_ms, s->url, sizeof(s->url)) == -1) {
        err_set(err, "%s did not print its listening line", sim_path);
        spawn_sim_stop(s, 1000);
        rc = -1;
    }
    if (s->ready_fd >= 0)
        close(s->ready_fd);
    s->ready_fd = -1;
    return rc;
}

int
spawn_sim_start(const char *sim_path, const char *const *args, int timeout_ms,
                struct spawn_sim *out, struct sf_err *err)
{
    if (spawn_sim_launch(sim_path, args, out, err) == -1)
        return -1;
    return spawn_sim_ready(out, sim_path, timeout_ms, err);
}

int
spawn_sim_stop(struct spawn_sim *s, int timeout_ms)
{
    int st;

    if (s->ready_fd >= 0) {
        close(s->ready_fd);
        s->ready_fd = -1;
    }
    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGTERM);
    st = wait_for(s->pid, timeout_ms);
    if (st == -2) {
        kill(s->pid, SIGKILL);
        st = wait_for(s->pid, 5000);
        if (st >= 0)
            st = 128 + SIGKILL;
    }
    s->pid = 0;
    return st;
}

int
spawn_shell(const char *cmd, const char *const *env, int timeout_ms,
            int *timed_out)
{
    return spawn_shell_log(cmd, env, NULL, timeout_ms, timed_out);
}

int
spawn_shell_log(const char *cmd, const char *const *env, const char *log_path,
                int timeout_ms, int *timed_out)
{
    return spawn_shell_io(cmd, env, log_path, log_path, timeout_ms, timed_out);
}

/* Opens path for appending, or -1; NULL gives -1 without an error. */
static int
open_log(const char *path)
{
    return path == NULL
               ? -1
               : open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

/*
 * Waits for the child pid (a process group leader) up to timeout_ms,
 * asking w (may be NULL) every SPAWN_WATCH_MS whether to kill it now.
 * A child killed either way loses its whole group to SIGKILL.
 */
static int
watch_child(pid_t pid, int timeout_ms, struct spawn_watch *w, int *timed_out)
{
    long long deadline = mono_ms() + timeout_ms, left;
    int st;

    for (;;) {
        left = deadline - mono_ms();
        if (left < 0)
            left = 0;
        st = wait_for(pid, w != NULL && left > SPAWN_WATCH_MS ? SPAWN_WATCH_MS
                                                              : (int)left);
        if (st != -2)
            return st;
        if (w != NULL && w->fn(w->arg)) {
            w->killed = 1;
            break;
        }
        if (mono_ms() >= deadline) {
            *timed_out = 1;
            break;
        }
    }
    kill(-pid, SIGKILL);
    return wait_for(pid, 5000);
}

int
spawn_shell_io(const char *cmd, const char *const *env, const char *out_path,
               const char *err_path, int timeout_ms, int *timed_out)
{
    return spawn_shell_watch(cmd, env, out_path, err_path, timeout_ms, NULL,
                             timed_out);
}

int
spawn_shell_watch(const char *cmd, const char *const *env, const char *out_path,
                  const char *err_path, int timeout_ms, struct spawn_watch *w,
                  int *timed_out)
{
    pid_t pid = -1;
    int st = -1, out = open_log(out_path), errfd = -1;

    *timed_out = 0;
    if (w != NULL)
        w->killed = 0;
    if (out_path != NULL && out == -1)
        goto out;
    errfd =
        err_path != NULL && out_path != NULL && strcmp(err_path, out_path) == 0
            ? fcntl(out, F_DUPFD_CLOEXEC, 0)
            : open_log(err_path);
    if ((err_path != NULL && errfd == -1) || (pid = fork()) == -1)
        goto out;
    if (pid == 0) {
        setpgid(0, 0);
        if (out != -1)
            dup2(out, STDOUT_FILENO);
        if (errfd != -1)
            dup2(errfd, STDERR_FILENO);
        while (env != NULL && *env != NULL)
            putenv(xstrdup(*env++));
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    st = watch_child(pid, timeout_ms, w, timed_out);
out:
    if (out != -1)
        close(out);
    if (errfd != -1)
        close(errfd);
    return st;
}
