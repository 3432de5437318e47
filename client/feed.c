/*
 * feed.c - a lead file parsed on its own thread (see feed.h).
 *
 * One producer (the reader thread), one consumer. Leads are written into
 * fixed-size blocks that never move, listed in a table sized for the most
 * leads the text could hold, so neither side ever sees it move. The
 * producer publishes what it wrote by raising an atomic count, in batches
 * so the two threads do not fight over one cache line for every lead, and
 * at once when the consumer has said it ran out (want_wake). The consumer
 * reads up to the count it last loaded without any lock. A consumer that
 * runs out either polls the pipe (one byte is written when it asked to be
 * woken) or, for a blocking feed_next(), waits on the condition variable.
 */
#include "feed.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "xmalloc.h"

#define FEED_BLOCK 1024 /* leads per block */
#define FEED_BATCH 64   /* leads per publication, unless asked sooner */
/* Leads parsed and not taken, at most. Small on purpose: the consumer
 * finds each lead still in cache, and the reader's malloc arena stays
 * small (glibc grows a thread's arena a page at a time, a system call
 * each). 10,000 leads to the sim: 4096 → 256 took run time down 5-8%. */
#define FEED_AHEAD 256
#define FEED_AHEAD_MAX (64 * 1024)
#define FEED_RETURNS 4096 /* released leads on their way back */

struct feed {
    struct buf text; /* the whole file, parsed by the reader */
    enum lead_format fmt;
    struct feed_hooks hooks;
    pthread_t thread;
    pthread_mutex_t mu; /* with cond: a blocking feed_next() */
    pthread_cond_t cond;
    pthread_cond_t room;  /* with mu: the reader waits to be ahead on */
    int pipe[2];          /* [0]: feed_fd(), [1]: the reader's end */
    struct lead **blocks; /* owned; never moves once allocated */
    size_t maxblocks;
    size_t ahead; /* hooks.ahead, within [FEED_AHEAD, FEED_AHEAD_MAX] */
    /* The reader's own: */
    size_t made;
    /* Shared: */
    atomic_size_t published;
    atomic_size_t bad;
    atomic_int ended;           /* every lead is published */
    atomic_int want_wake;       /* the consumer ran out */
    atomic_int woken;           /* a byte is in the pipe */
    atomic_int stop;            /* feed_close() before the end */
    atomic_size_t taken_shared; /* the consumer's taken, every batch */
    atomic_int reader_waits;    /* the reader waits for room */
    /* The consumer's own: */
    size_t taken, avail;
    size_t lines; /* lines in the text, for feed_left() */
    int end_seen; /* feed_next() answered the end */
    /* Released leads going back to the reader to free: the consumer writes
     * at returns_in, the reader frees up to it from returns_out. */
    struct lead *returns[FEED_RETURNS];
    atomic_size_t returns_in, returns_out;
};

static struct lead *
slot(const struct feed *f, size_t i)
{
    return &f->blocks[i / FEED_BLOCK][i % FEED_BLOCK];
}

/* Wakes the consumer: a byte in the pipe for its poll (one is enough), a
 * signal for a blocking feed_next(). */
static void
wake(struct feed *f)
{
    pthread_mutex_lock(&f->mu);
    if (!atomic_exchange(&f->woken, 1))
        (void)!write(f->pipe[1], "", 1);
    pthread_cond_signal(&f->cond);
    pthread_mutex_unlock(&f->mu);
}

/* The reader: makes what it wrote visible, and wakes a consumer that ran
 * out. */
static void
publish(struct feed *f)
{
    atomic_store(&f->published, f->made);
    if (atomic_exchange(&f->want_wake, 0))
        wake(f);
}

static void
free_lead(struct feed *f, struct lead *l)
{
    if (l->prep != NULL)
        f->hooks.discard(f->hooks.arg, l->prep);
    l->prep = NULL;
    free(l->id);
    json_decref(l->data);
    l->id = NULL;
    l->data = NULL;
}

/* The reader frees the leads the consumer gave back: their memory comes
 * from the reader's malloc arena, and freeing it there lets the next
 * leads reuse it (freed from the other thread it would take the arena's
 * lock against the reader and leave the arena to grow). */
static void
take_back(struct feed *f)
{
    size_t in = atomic_load(&f->returns_in);
    size_t out = atomic_load(&f->returns_out);

    for (; out != in; out++)
        free_lead(f, f->returns[out % FEED_RETURNS]);
    atomic_store(&f->returns_out, out);
}

/* The reader, f->ahead leads ahead of the consumer: sleeps until it has
 * taken half of them (or the feed closes), freeing what comes back
 * meanwhile. Woken for every batch taken, it would sleep again after each:
 * two context switches per FEED_BATCH leads. */
static void
wait_for_room(struct feed *f)
{
    publish(f);
    pthread_mutex_lock(&f->mu);
    atomic_store(&f->reader_waits, 1);
    while (f->made - atomic_load(&f->taken_shared) > f->ahead / 2 &&
           !atomic_load(&f->stop))
        pthread_cond_wait(&f->room, &f->mu);
    atomic_store(&f->reader_waits, 0);
    pthread_mutex_unlock(&f->mu);
    take_back(f);
}

static int
feed_emit(void *arg, char *id, json_t *data, long line)
{
    struct feed *f = arg;
    struct lead *l;
    size_t b = f->made / FEED_BLOCK;

    take_back(f);
    if (f->made - atomic_load(&f->taken_shared) >= f->ahead)
        wait_for_room(f);
    /* The table holds the most leads the text could make; a lead past it
     * would mean a bug in that bound, not a big file. */
    if (atomic_load(&f->stop) || b >= f->maxblocks) {
        free(id);
        json_decref(data);
        return -1;
    }
    if (f->blocks[b] == NULL)
        f->blocks[b] = xcalloc(FEED_BLOCK, sizeof(struct lead));
    l = slot(f, f->made);
    l->id = id;
    l->data = data;
    l->line = line;
    if (f->hooks.prepare != NULL)
        l->prep = f->hooks.prepare(f->hooks.arg, l);
    f->made++;
    if (f->made % FEED_BATCH == 0 || atomic_load(&f->want_wake))
        publish(f);
    return 0;
}

static void
feed_bad_line(void *arg, long line, const char *why)
{
    struct feed *f = arg;

    atomic_fetch_add(&f->bad, 1);
    if (f->hooks.on_bad != NULL)
        f->hooks.on_bad(f->hooks.arg, line, why);
}

static void *
reader_main(void *arg)
{
    struct feed *f = arg;

    lead_parse(f->text.data != NULL ? f->text.data : "", f->text.len, f->fmt,
               feed_emit, feed_bad_line, f);
    take_back(f);
    /* The last leads are published before the end is: a consumer that
     * sees the end must see every lead (it looks at the count once more
     * after seeing it). */
    atomic_store(&f->published, f->made);
    atomic_store(&f->ended, 1);
    atomic_store(&f->want_wake, 0);
    wake(f);
    return NULL;
}

/* Lines in text[0..len), the last one counted without its newline. */
static size_t
count_lines(const char *text, size_t len)
{
    const char *p = text, *end, *nl;
    size_t n = 0;

    if (len == 0)
        return 0;
    end = text + len;
    while (p < end) {
        n++;
        nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    return n;
}

struct feed *
feed_open(const char *path, const struct feed_hooks *hooks, struct sf_err *err)
{
    struct feed *f = xcalloc(1, sizeof(*f));
    int rc;

    f->fmt = LEAD_FMT_AUTO;
    if (hooks != NULL)
        f->hooks = *hooks;
    /* Never below FEED_AHEAD: the reader learns what was taken only
     * every FEED_BATCH leads, so it must be allowed more than that. */
    f->ahead = f->hooks.ahead < FEED_AHEAD ? FEED_AHEAD : f->hooks.ahead;
    if (f->ahead > FEED_AHEAD_MAX)
        f->ahead = FEED_AHEAD_MAX;
    f->pipe[0] = f->pipe[1] = -1;
    if (lead_load(&f->text, path, &f->fmt, err) == -1)
        goto fail;
    f->lines = count_lines(f->text.data, f->text.len);
    /* A lead takes at least two bytes (a one-cell CSV row and its
     * newline); the last may lack the newline. */
    f->maxblocks = (f->text.len / 2 + 1) / FEED_BLOCK + 1;
    f->blocks = xcalloc(f->maxblocks, sizeof(*f->blocks));
    if (pipe2(f->pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
        err_set(err, "pipe: %s", strerror(errno));
        goto fail;
    }
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cond, NULL);
    pthread_cond_init(&f->room, NULL);
    rc = pthread_create(&f->thread, NULL, reader_main, f);
    if (rc != 0) {
        err_set(err, "cannot start the lead reader: %s", strerror(rc));
        pthread_mutex_destroy(&f->mu);
        pthread_cond_destroy(&f->cond);
        pthread_cond_destroy(&f->room);
        goto fail;
    }
    return f;
fail:
    if (f->pipe[0] != -1) {
        close(f->pipe[0]);
        close(f->pipe[1]);
    }
    free(f->blocks);
    buf_free(&f->text);
    free(f);
    return NULL;
}

/* The consumer takes the next lead, telling a reader that waits for room
 * every batch. */
static const struct lead *
take(struct feed *f)
{
    const struct lead *l = slot(f, f->taken++);

    if (f->taken % FEED_BATCH == 0) {
        atomic_store(&f->taken_shared, f->taken);
        /* wait_for_room()'s condition: it published all it made. */
        if (atomic_load(&f->reader_waits) &&
            atomic_load(&f->published) - f->taken <= f->ahead / 2) {
            pthread_mutex_lock(&f->mu);
            pthread_cond_signal(&f->room);
            pthread_mutex_unlock(&f->mu);
        }
    }
    return l;
}

/* 1 when a lead is there to take, loading the count when the last one is
 * used up. */
static int
have_one(struct feed *f)
{
    if (f->taken == f->avail)
        f->avail = atomic_load(&f->published);
    return f->taken < f->avail;
}

const struct lead *
feed_next(struct feed *f, int wait, int *end)
{
    char drain[64];

    *end = 0;
    if (atomic_load(&f->woken)) {
        while (read(f->pipe[0], drain, sizeof(drain)) > 0)
            ;
        atomic_store(&f->woken, 0);
    }
    if (have_one(f))
        return take(f);
    if (wait) {
        pthread_mutex_lock(&f->mu);
        while (!have_one(f) && !atomic_load(&f->ended)) {
            atomic_store(&f->want_wake, 1);
            if (!have_one(f))
                pthread_cond_wait(&f->cond, &f->mu);
        }
        pthread_mutex_unlock(&f->mu);
    } else {
        /* Ask first, then look again: a batch published in between is
         * seen now or wakes us. */
        atomic_store(&f->want_wake, 1);
    }
    if (have_one(f))
        return take(f);
    if (!atomic_load(&f->ended))
        return NULL;
    /* The last leads were published before the end: look once more. */
    if (have_one(f))
        return take(f);
    *end = 1;
    f->end_seen = 1;
    return NULL;
}

void *
feed_take_prep(struct feed *f, const struct lead *l)
{
    /* Our own lead, handed out const: the consumer takes its prep. */
    struct lead *mine = (struct lead *)l;
    void *prep = mine->prep;

    (void)f;
    mine->prep = NULL;
    return prep;
}

void
feed_release(struct feed *f, const struct lead *l)
{
    /* Our own lead, handed out const: the consumer gives it back. */
    struct lead *mine = (struct lead *)l;
    size_t in = atomic_load(&f->returns_in);

    /* Once the reader has ended nothing allocates beside us any more;
     * while it runs, a full ring means it is behind: free here. */
    if (atomic_load(&f->ended) ||
        in - atomic_load(&f->returns_out) == FEED_RETURNS) {
        free_lead(f, mine);
        return;
    }
    f->returns[in % FEED_RETURNS] = mine;
    atomic_store(&f->returns_in, in + 1);
}

size_t
feed_left(const struct feed *f, int *exact)
{
    *exact = f->end_seen;
    if (f->end_seen || f->taken >= f->lines)
        return 0;
    return f->lines - f->taken;
}

int
feed_fd(const struct feed *f)
{
    return f->pipe[0];
}

size_t
feed_bad(struct feed *f)
{
    return atomic_load(&f->bad);
}

void
feed_close(struct feed *f)
{
    if (f == NULL)
        return;
    pthread_mutex_lock(&f->mu);
    atomic_store(&f->stop, 1);
    pthread_cond_signal(&f->room);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    take_back(f);
    for (size_t i = 0; i < f->made; i++)
        free_lead(f, slot(f, i));
    for (size_t i = 0; i < f->maxblocks; i++)
        free(f->blocks[i]);
    free(f->blocks);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cond);
    pthread_cond_destroy(&f->room);
    close(f->pipe[0]);
    close(f->pipe[1]);
    buf_free(&f->text);
    free(f);
}
