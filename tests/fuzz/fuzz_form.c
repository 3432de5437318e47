/*
 * fuzz_form.c - libFuzzer entry point for Web-to-Lead form decoding.
 *
 * Each input is a request body, decoded as UTF-8 and as ISO-8859-1: the
 * percent-decoder, the charset conversion and the UTF-8 sanitiser see
 * hostile bytes. Every decoded name and value must be valid UTF-8 and
 * NUL-terminated; anything else (or a crash, leak or sanitizer report) is
 * a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 when s is well-formed UTF-8 (what form_parse() guarantees). */
static int
valid_utf8(const char *s)
{
    return utf8_valid(s, strlen(s));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum form_charset charsets[] = {FORM_UTF8, FORM_LATIN1};
    struct form f;
    size_t c, i;

    for (c = 0; c < 2; c++) {
        form_parse((const char *)data, size, charsets[c], &f);
        if (f.n > FORM_MAX_FIELDS)
            abort();
        for (i = 0; i < f.n; i++)
            if (!valid_utf8(f.fields[i].name) || !valid_utf8(f.fields[i].value))
                abort();
        (void)form_get(&f, "oid");
        form_free(&f);
    }
    return 0;
}
