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
}

size_t
mailbox_count(const struct mailbox *m, const char *kind)
{
    size_t i, n = 0;

    for (i = 0; i < m->n; i++)
        if (strcmp(m->ring[(m->start + i) % MAILBOX_MAX].kind, kind) == 0)
            n++;
    return n;
}

json_t *
mailbox_to_json(const struct mailbox *m)
{
    json_t *arr = json_array();
    char when[TIMEFMT_LEN];
    size_t i;

    for (i = 0; i < m->n; i++) {
        const struct mail *x = &m->ring[(m->start + i) % MAILBOX_MAX];

        json_array_append_new(arr,
                              json_pack("{s:s, s:s, s:s, s:s, s:s}", "time",
                                        timefmt_rfc3339(x->time_ms, when),
                                        "kind", x->kind, "to", x->to, "subject",
                                        x->subject, "body", x->body));
    }
    return arr;
}
