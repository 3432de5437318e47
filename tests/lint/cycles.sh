#!/usr/bin/env bash
#
# cycles.sh - fails when the project's own modules include each other in a
# cycle.
#
# A module is a directory's x.c and x.h together, and x_private.h (the
# internals x's files share). Module A depends on module B when any of A's
# files has #include "b.h" (or "b_private.h"); an include resolves to the
# including file's directory first, then (for the simulator) to the other
# folders of sim/, then to common/, as the compiler's -I options do. A cycle is a chain of such dependencies that comes back to
# where it started (a.c includes b.h, and b.c includes a.h, directly or
# through other modules). System headers (<...>) and headers the project
# does not have are not dependencies.
#
#   tests/lint/cycles.sh [DIR...]
#
# checks the modules whose files are in DIR (default: common, sim and its
# folders, client, conformance), following their includes wherever they lead; each cycle is
# printed as "cycles: a -> b -> a". Exit status 1 when there is one.
set -euo pipefail

cd "$(dirname "$0")/../.."
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(common sim sim/*/ client conformance)
dirs=("${dirs[@]%/}")
# The simulator's folders, each on the include path of every sim file.
simdirs=$(find sim -type d | sort | tr '\n' ' ')

# One "from to" line per dependency between two different modules of
# directory $1, where a module is dir/x for dir/x.c, dir/x.h and
# dir/x_private.h.
edges() {
    local dir=$1 files path
    [ -d "$dir" ] || { echo "cycles: no directory $dir" >&2; exit 2; }
    files=$(find "$dir" -maxdepth 1 -name '*.[ch]' | sort)
    [ -n "$files" ] || return 0
    case $dir in
    sim | sim/*) path="$dir $simdirs common" ;;
    *) path="$dir common" ;;
    esac
    # shellcheck disable=SC2086
    awk -v path="$path" '
        function module(f) {
            sub(/\.[ch]$/, "", f)
            sub(/_private$/, "", f)
            return f
        }
        function exists(f,    line, rc) {
            if (!(f in found)) {
                rc = (getline line < f)
                found[f] = rc >= 0
                close(f)
            }
            return found[f]
        }
        FNR == 1 { from = module(FILENAME) }
        /^[ \t]*#[ \t]*include[ \t]*"/ {
            inc = $0
            sub(/^[^"]*"/, "", inc)
            sub(/".*/, "", inc)
            n = split(path, search, " ")
            to = ""
            for (i = 1; i <= n && to == ""; i++)
                if (exists(search[i] "/" inc))
                    to = module(search[i] "/" inc)
            if (to == "")
                next
            if (to != from)
                print from, to
        }' $files
}

# Dependencies reach beyond the given directories (sim/ includes common/):
# the directories they lead to are read too, so that a cycle through them
# would show.
all_edges() {
    local -A seen=()
    local queue=("$@") d from to
    for d in "$@"; do seen[$d]=1; done
    while [ ${#queue[@]} -gt 0 ]; do
        d=${queue[0]}
        queue=("${queue[@]:1}")
        while read -r from to; do
            echo "$from $to"
            to=${to%/*}
            if [ -z "${seen[$to]:-}" ]; then
                seen[$to]=1
                queue+=("$to")
            fi
        done < <(edges "$d")
    done
}

list=$(all_edges "${dirs[@]}" | sort -u)
# tsort reports each loop it has to break on stderr, one member a line.
report=$(printf '%s\n' "$list" | tsort 2>&1 >/dev/null || true)
if [ -z "$report" ]; then
    echo "cycles: none in ${dirs[*]} ($(printf '%s\n' "$list" | grep -c .) dependencies)"
    exit 0
fi
printf '%s\n' "$report" | awk '
    /input contains a loop/ { if (n) print line " -> " first; n = 0; next }
    { sub(/^tsort: /, ""); if (n++ == 0) { first = $0; line = $0 }
      else line = line " -> " $0 }
    END { if (n) print line " -> " first }' | sed 's/^/cycles: /'
exit 1
