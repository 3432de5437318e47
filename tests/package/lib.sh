# Shared by the package checks (sourced): one result line per check and a
# closing "NAME: N passed, M failed".
passed=0
failed=0

ok() {
    echo "ok    $*"
    passed=$((passed + 1))
}
bad() {
    echo "FAIL  $*"
    failed=$((failed + 1))
}
# check WHAT COMMAND...: runs COMMAND; its exit status is the result.
check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else bad "$what"; fi
}
not_grep() { ! grep -q "$@"; }
# finish NAME: the closing line; exits 0 only when nothing failed.
finish() {
    echo "$1: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}
