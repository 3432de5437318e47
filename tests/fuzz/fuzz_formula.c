/*
 * fuzz_formula.c - libFuzzer entry point for the formula engine.
 *
 * Each input is a formula text. It is parsed and, when it parses, bound
 * against a Lead-like schema and evaluated against a filled-in record and
 * a blank one (tests/hostile/fakelead.h, which the hostile-formula runner
 * uses too), so the lexer, parser, type checker, regex translator and
 * every function's evaluator all see hostile input. Any crash, sanitizer
 * report, leak or hang is a bug; errors reported through formula_error
 * are the expected outcome for most inputs.
 */
#include <stddef.h>
#include <stdint.h>

#include "fakelead.h"
#include "formula.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* clang-format off */
/*
 * libFuzzer dictionary; tests/fuzz/run.sh extracts the lines between the
 * markers. Function names, fields and operators are hard for the fuzzer to
 * guess byte by byte.
 * FUZZ-DICT-BEGIN
 * "AND("
 * "OR("
 * "NOT("
 * "IF("
 * "CASE("
 * "ISBLANK("
 * "ISNULL("
 * "ISPICKVAL("
 * "INCLUDES("
 * "TEXT("
 * "VALUE("
 * "LEN("
 * "BEGINS("
 * "CONTAINS("
 * "REGEX("
 * "UPPER("
 * "LOWER("
 * "TRIM("
 * "LEFT("
 * "RIGHT("
 * "MID("
 * "ISNUMBER("
 * "TODAY()"
 * "NOW()"
 * "SUBSTITUTE("
 * "BLANKVALUE("
 * "NULLVALUE("
 * "ABS("
 * "ROUND("
 * "FLOOR("
 * "CEILING("
 * "MOD("
 * "MIN("
 * "MAX("
 * "YEAR("
 * "MONTH("
 * "DAY("
 * "DATEVALUE("
 * "ISNEW()"
 * "ISCHANGED("
 * "TRUE"
 * "FALSE"
 * "NULL"
 * "Name"
 * "Email"
 * "Phone"
 * "Description"
 * "LeadSource"
 * "Interests__c"
 * "Amount__c"
 * "Count__c"
 * "Bad__c"
 * "Discount__c"
 * "DoNotCall"
 * "Birthday__c"
 * "Seen__c"
 * "&&"
 * "||"
 * "<>"
 * "!="
 * "=="
 * "<="
 * ">="
 * "/\x2a"
 * "\x2a/"
 * "\\\\d"
 * "\\\\s"
 * "\\\\w"
 * "\\\\."
 * "(?:"
 * "{2,}"
 * "[^"
 * "a-z"
 * "*?"
 * "\\u00e9"
 * "\xc3\xa9"
 * FUZZ-DICT-END
 *
 * Seed inputs, one formula per line, also extracted by run.sh:
 * FUZZ-SEED-BEGIN
 * NOT(REGEX(Phone, "\\d{10}"))
 * AND(ISPICKVAL(LeadSource, "Web"), ISBLANK(Email))
 * LEN(Phone) <> 10
 * AND(NOT(ISBLANK(Phone)), NOT(REGEX(SUBSTITUTE(SUBSTITUTE(Phone, "(", ""), ")", ""), "[0-9 -]{10,14}")))
 * OR(ISBLANK(Name), CONTAINS(LOWER(Email), "test"), BEGINS(UPPER(Description), "SPAM"))
 * IF(Amount__c > 100, Discount__c > 0.2, ISNULL(Count__c))
 * CASE(LeadSource, "Web", 1, "Phone", 2, 0) = VALUE(TEXT(Count__c))
 * INCLUDES(Interests__c, "A") && !DoNotCall || Birthday__c + 30 < TODAY()
 * MID(TRIM(Name), 2, 3) & LEFT(Email, 2) & RIGHT(Phone, 4) = 'x\n\u00e9'
 * NOW() - Seen__c > 1.5 && YEAR(DATEVALUE(Seen__c)) >= 2026 && MONTH(Birthday__c) = DAY(TODAY())
 * ROUND(Amount__c * 1.1, 2) <> MAX(ABS(-1), FLOOR(2.5), CEILING(Bad__c), MOD(7, 3), MIN(1, 2)) ^ 2
 * ISNUMBER(Phone) || BLANKVALUE(Email, 'none') = NULLVALUE(Description, "x")
 * REGEX(Email, "[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-z]{2,}(?:\\s*)?[^\\d\\s]*?")
 * ISNEW() && NOT(ISCHANGED(Name)) && TEXT(NOW()) <> TEXT(TODAY()) && (1 + 2) * 3 / 4 - 5 == -2.75
 * FUZZ-SEED-END
 */
/* clang-format on */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct formula_error err;
    struct formula *f;
    int result;

    f = formula_parse((const char *)data, size, &err);
    if (f == NULL)
        return 0;
    if (formula_bind(f, fakelead_type, NULL, &err) == 0) {
        (void)formula_eval_bool(f, fakelead_access(1), FAKELEAD_NOW_MS, &result,
                                &err);
        (void)formula_eval_bool(f, fakelead_access(0), 0, &result, NULL);
    }
    formula_free(f);
    return 0;
}
