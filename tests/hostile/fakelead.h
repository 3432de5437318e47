/*
 * fakelead.h - a Lead-like record for driving the formula engine in-process.
 *
 * The hostile-formula runner and the formula fuzz target evaluate formulas
 * against the same small schema: one field of every type a rule can read,
 * with values chosen to reach the engine's odd corners (a non-number in a
 * double field, bad UTF-8 in a text area, a multi-select list). The "filled"
 * record has every value; the blank one has none.
 */
#ifndef TESTS_FAKELEAD_H
#define TESTS_FAKELEAD_H

#include <stddef.h>

#include "fieldtype.h"

/* The type of field (case-insensitive), FT_UNKNOWN when the record has no
 * such field; arg is ignored (formula_bind()'s field_type shape). */
enum fieldtype fakelead_type(void *arg, const char *field);
/* The filled record (filled non-zero) or the blank one, as a struct
 * field_access (static storage; no prior record). */
const struct field_access *fakelead_access(int filled);
/* The now_ms the runner and the fuzz target evaluate at (2026-11-26). */
#define FAKELEAD_NOW_MS 1795733393000LL

#endif
