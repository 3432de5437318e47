/*
 * mailbox.c - recorded notification emails (see mailbox.h).
 */
#include "mailbox.h"

#include <stdlib.h>
#include <string.h>

#include "timefmt.h"
#include "xmalloc.h"

struct mail {
    int64_t time_ms;
    char *kind, *to, *subject, *body;
};

struct mailbox {
    struct mail ring[MAILBOX_MAX];
    size_t start, n;
    uint64_t added; /* messages ever added: the ring holds added - n .. */
};

struct mailbox *
mailbox_new(void)
{
    return xcalloc(1, sizeof(struct mailbox));
}

static void
mail_free(struct mail *m)
{
    free(m->kind);
    free(m->to);
    free(m->subject);
    free(m->body);
    memset(m, 0, sizeof(*m));
}

void
mailbox_clear(struct mailbox *m)
{
    size_t i;

    for (i = 0; i < m->n; i++)
        mail_free(&m->ring[(m->start + i) % MAILBOX_MAX]);
    m->start = m->n = 0;
}

void
mailbox_free(struct mailbox *m)
{
    if (m == NULL)
        return;
    mailbox_clear(m);
    free(m);
}

void
mailbox_add(struct mailbox *m, int64_t time_ms, const char *kind,
            const char *to, const char *subject, const char *body)
{
    struct mail *slot;

    if (m->n == MAILBOX_MAX) {
        mail_free(&m->ring[m->start]);
        m->start = (m->start + 1) % MAILBOX_MAX;
        m->n--;
    }
    slot = &m->ring[(m->start + m->n) % MAILBOX_MAX];
    slot->time_ms = time_ms;
    slot->kind = xstrdup(kind);
    slot->to = xstrdup(to);
    slot->subject = xstrdup(subject);
    slot->body = xstrdup(body);
    m->n++;
    m->added++;
}

size_t
mailbox_count(const struct mailbox *m, const char *kind)
{
    size_t i, n = 0;

    for (i = 0; i < m->n; i++)
        if (kind == NULL ||
            strcmp(m->ring[(m->start + i) % MAILBOX_MAX].kind, kind) == 0)
            n++;
    return n;
}

static json_t *
mail_json(const struct mail *x)
{
    char when[TIMEFMT_LEN];

    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "time",
                     timefmt_rfc3339(x->time_ms, when), "kind", x->kind, "to",
                     x->to, "subject", x->subject, "body", x->body);
}

void
mailbox_cursor_init(const struct mailbox *m, struct mailbox_cursor *c,
                    uint64_t offset, uint64_t limit)
{
    uint64_t first = m->added - m->n;

    c->next = offset < m->n ? first + offset : m->added;
    c->end = m->added;
    c->left = limit;
    memset(&c->arr, 0, sizeof(c->arr));
}

int
mailbox_stream(const struct mailbox *m, struct mailbox_cursor *c,
               struct buf *out, size_t max)
{
    uint64_t first = m->added - m->n;
    char *text;
    size_t start;

    start = buf_array_open(&c->arr, out);
    if (c->next < first)
        c->next = first; /* pushed out or cleared since the last piece */
    while (c->left > 0 && c->next < c->end && c->next < m->added &&
           out->len - start < max) {
        json_t *j = mail_json(
            &m->ring[(m->start + (size_t)(c->next - first)) % MAILBOX_MAX]);

        text = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        buf_array_sep(&c->arr, out);
        buf_puts(out, text);
        free(text);
        c->next++;
        c->left--;
    }
    if (c->left > 0 && c->next < c->end && c->next < m->added)
        return 1;
    buf_putc(out, ']');
    return 0;
}

/* --- state files -----------------------------------------------------------
 */

uint64_t
mailbox_added(const struct mailbox *m)
{
    return m->added;
}

static int
mail_from_json(struct mailbox *m, json_t *x, struct conf *c, const char *path)
{
    static const char *const keys[] = {"time",    "kind", "to",
                                       "subject", "body", NULL};
    const char *when, *kind, *to, *subject, *body;
    char sub[CONF_PATH_MAX];
    int64_t ms;

    if (!json_is_object(x))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, x, path, keys) == -1 ||
        conf_string(c, x, path, "time", NULL, &when) == -1 ||
        conf_string(c, x, path, "kind", "", &kind) == -1 ||
        conf_string(c, x, path, "to", "", &to) == -1 ||
        conf_string(c, x, path, "subject", "", &subject) == -1 ||
        conf_string(c, x, path, "body", "", &body) == -1)
        return -1;
    if (when == NULL || timefmt_parse(when, &ms) == -1)
        return conf_error(c, conf_join(sub, sizeof(sub), path, "time"),
                          "must be an RFC 3339 date-time");
    mailbox_add(m, ms, kind, to, subject, body);
    return 0;
}

int
mailbox_from_json(struct mailbox *m, json_t *j, struct conf *c,
                  const char *path)
{
    static const char *const keys[] = {"added", "messages", NULL};
    char sub[CONF_PATH_MAX], list[CONF_PATH_MAX];
    json_t *msgs, *x;
    int64_t added;
    size_t i, n;

    if (!json_is_object(j))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, j, path, keys) == -1 ||
        conf_int(c, j, path, "added", 0, INT64_MAX, 0, &added) == -1 ||
        conf_array(c, j, path, "messages", &msgs) == -1)
        return -1;
    n = json_array_size(msgs);
    if ((uint64_t)added < n)
        return conf_error(c, conf_join(sub, sizeof(sub), path, "added"),
                          "fewer than the messages listed");
    conf_join(list, sizeof(list), path, "messages");
    json_array_foreach(msgs, i, x) {
        if (mail_from_json(m, x, c, conf_index(sub, sizeof(sub), list, i)) ==
            -1)
            return -1;
    }
    m->added = (uint64_t)added;
    return 0;
}
