/*
 * fuzz_bulk1xml.c - libFuzzer entry point for the flat XML reader of Bulk
 * API 1.0 job bodies (bulk1xml.h).
 *
 * Every document read must respect the caps (names and values
 * NUL-terminated inside their arrays, values UTF-8, at most
 * BULK1XML_FIELDS_MAX fields), a failure must say why, and a document read
 * must read back the same once written again with the escaper. Anything
 * else, or a crash, leak or sanitizer report, is a bug.
 *
 * FUZZ-DICT-BEGIN
 * "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
 * "<jobInfo xmlns=\"http://www.force.com/2009/06/asyncapi/dataload\">"
 * "</jobInfo>"
 * "<operation>"
 * "</operation>"
 * "&amp;"
 * "&#x"
 * "<!--"
 * "<![CDATA["
 * "/>"
 * FUZZ-DICT-END
 *
 * FUZZ-SEED-BEGIN
 * <?xml version="1.0" encoding="UTF-8"?><jobInfo
 * xmlns="x"><operation>insert</operation><object>Lead</object><contentType>CSV</contentType></jobInfo>
 * <jobInfo><state>Closed</state></jobInfo>
 * <jobInfo><object>A&amp;B&#x41;&#66;</object><e/></jobInfo>
 * FUZZ-SEED-END
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bulk1xml.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_doc(const struct bulk1xml_doc *d)
{
    size_t i;

    if (d->n > BULK1XML_FIELDS_MAX || d->root[0] == '\0' ||
        memchr(d->root, '\0', sizeof(d->root)) == NULL)
        abort();
    for (i = 0; i < d->n; i++) {
        const struct bulk1xml_field *f = &d->fields[i];

        if (f->name[0] == '\0' ||
            memchr(f->name, '\0', sizeof(f->name)) == NULL ||
            memchr(f->value, '\0', sizeof(f->value)) == NULL ||
            !utf8_valid(f->value, strlen(f->value)))
            abort();
    }
}

/* d written again: <root><name>escaped</name>...</root>. */
static void
rewrite(const struct bulk1xml_doc *d, struct buf *out)
{
    size_t i;

    buf_printf(out, "<%s>", d->root);
    for (i = 0; i < d->n; i++) {
        buf_printf(out, "<%s>", d->fields[i].name);
        buf_xml_escape(out, d->fields[i].value, 0);
        buf_printf(out, "</%s>", d->fields[i].name);
    }
    buf_printf(out, "</%s>", d->root);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bulk1xml_doc *d = malloc(sizeof(*d)), *again = malloc(sizeof(*d));
    struct sf_err err;
    struct buf out;

    err_clear(&err);
    buf_init(&out, 1 << 20);
    if (bulk1xml_read((const char *)data, size, d, &err) == -1) {
        if (!err.set)
            abort();
        goto out;
    }
    check_doc(d);
    rewrite(d, &out);
    err_clear(&err);
    if (bulk1xml_read(out.data, out.len, again, &err) == -1 ||
        strcmp(again->root, d->root) != 0 || again->n != d->n ||
        memcmp(again->fields, d->fields, d->n * sizeof(d->fields[0])) != 0)
        abort();
out:
    buf_free(&out);
    free(again);
    free(d);
    return 0;
}
