#!/usr/bin/env bash
#
# run.sh - build and run every libFuzzer target in tests/fuzz/.
#
#   bash tests/fuzz/run.sh            every target (make fuzz)
#   bash tests/fuzz/run.sh http org   only those (fuzz_http.c, fuzz_org.c)
#
# Each tests/fuzz/fuzz_<name>.c is linked with the common/, sim/, client/
# and conformance/ sources it needs, found by following its #include "x.h"
# lines to the x.c beside each header, transitively. Each target runs for
# FUZZ_SECONDS (default 30). Binaries, the growing corpus and any crash
# artifacts live under build/fuzz/. Exits non-zero if a target fails to
# build or libFuzzer reports a crash, leak, timeout or sanitizer error.
#
# Optional per-target inputs, used when present:
#   tests/fuzz/corpus/<name>/   seed inputs (read only)
#   tests/hostile/<dir>/        the hostile-input corpus of that parser
#                               (seed_dirs below): the files its INDEX
#                               names, up to 64 KiB each, are seeds too
#   tests/fuzz/<name>.dict      libFuzzer dictionary
#   lines between "FUZZ-DICT-BEGIN" and "FUZZ-DICT-END" in the target's
#   source (each " * " comment prefix stripped): more dictionary entries
#   lines between "FUZZ-SEED-BEGIN" and "FUZZ-SEED-END": one seed per line
#   lines between "FUZZ-SOURCES-BEGIN" and "FUZZ-SOURCES-END": globs of
#   sources to link that no #include leads to (a table of handlers)
# so that a target can keep its dictionary and seeds next to its code.
set -euo pipefail

cd "$(dirname "$0")/../.."
root=$(pwd)
seconds=${FUZZ_SECONDS:-30}
out=build/fuzz
# sim/ is a folder per concept: each folder is searched, as the Makefile's
# include path does.
mapfile -t simdirs < <(find sim -mindepth 1 -type d | sort)
srcdirs=(common sim "${simdirs[@]}" client conformance tests/hostile)
# Headers the build generates (the version, the dashboard page), made by the
# plain build's rules; the targets that reach them include them from here.
gendir=build/gen
make -s --no-print-directory "$gendir/version.h" "$gendir/dashboard_html.h"
CLANG=${CLANG:-clang}
# Which tests/hostile/ directory seeds which target. fuzz_jwt and fuzz_soap
# seed from their own FUZZ-SEED blocks (their hostile inputs are whole
# requests, in http/); the XML importer gets a line here once it exists.
declare -A seed_dirs=(
    [http]=http [org]=org [buyer]=buyer [leads]=leads [soql]=soql
    [sosl]=sosl [formula]=formula [jload]=org
)
SEED_MAX_BYTES=65536

if ! command -v "$CLANG" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "fuzz: installing clang" >&2
        apt-get update -qq && apt-get install -y -qq clang >/dev/null
    else
        echo "fuzz: clang not found (apt-get install clang)" >&2
        exit 2
    fi
fi

# Prints the .c files that the given files need, one per line, following
# includes through sources and headers alike (each file once; the given
# files themselves are not printed). A header x.h brings in x.c; a
# directory-private header (x_private.h) has no x.c of its own and brings
# in the sources of its directory that include it, which implement it.
deps() {
    local -A seen=()
    local queue=("$@") file inc base dir impl
    for file in "$@"; do
        seen[$file]=1
    done
    while [ ${#queue[@]} -gt 0 ]; do
        file=${queue[0]}
        queue=("${queue[@]:1}")
        while IFS= read -r inc; do
            base=$(basename "$inc")
            for dir in "${srcdirs[@]}"; do
                for impl in "$dir/$base.c" "$dir/$base.h"; do
                    if [ -f "$impl" ] && [ -z "${seen[$impl]:-}" ]; then
                        seen[$impl]=1
                        case $impl in *.c) echo "$impl" ;; esac
                        queue+=("$impl")
                    fi
                done
                case $base in *_private) ;; *) continue ;; esac
                for impl in $(grep -l "#include \"$base.h\"" "$dir"/*.c \
                              2>/dev/null); do
                    if [ -z "${seen[$impl]:-}" ]; then
                        seen[$impl]=1
                        echo "$impl"
                        queue+=("$impl")
                    fi
                done
            done
        done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)\.h".*/\1/p' "$file")
    done
}

# Lines between "$1-BEGIN" and "$1-END" in file $2, comment prefix removed.
block() {
    sed -n "/$1-BEGIN/,/$1-END/p" "$2" |
        sed -e "/$1-/d" -e 's/^[[:space:]]*\*[[:space:]]\{0,1\}//'
}

# pkg-config flags for the libraries the given sources include, or their
# headers (x.h beside x.c) do.
libs() {
    local pkgs=() files=("$@") f
    for f in "$@"; do
        [ -f "${f%.c}.h" ] && files+=("${f%.c}.h")
    done
    grep -qs '#include <jansson.h>' "${files[@]}" && pkgs+=(jansson)
    grep -qs '#include <microhttpd.h>' "${files[@]}" && pkgs+=(libmicrohttpd)
    grep -qs '#include <curl/curl.h>' "${files[@]}" && pkgs+=(libcurl)
    grep -qs '#include <gnutls/' "${files[@]}" && pkgs+=(gnutls)
    grep -qs '#include <expat.h>' "${files[@]}" && pkgs+=(expat)
    if [ ${#pkgs[@]} -gt 0 ]; then
        pkg-config --cflags --libs "${pkgs[@]}"
    fi
}

# The sources target $1 needs: the files its FUZZ-SOURCES globs name, and
# everything they and $1 include, each once.
all_sources() {
    local extra=() pattern file
    for pattern in $(block FUZZ-SOURCES "$1"); do
        for file in $pattern; do
            [ -f "$file" ] && extra+=("$file")
        done
    done
    { printf '%s\n' "${extra[@]}"; deps "$1" "${extra[@]}"; } |
        awk 'NF && !seen[$0]++'
}

# Copies the inputs tests/hostile/$1/INDEX names (small enough) into $2.
hostile_seeds() {
    local dir=tests/hostile/$1 file
    [ -f "$dir/INDEX" ] || return 0
    mkdir -p "$2"
    for file in $(awk '!/^#/ && NF { print $1 }' "$dir/INDEX"); do
        if [ -f "$dir/$file" ] &&
            [ "$(stat -c %s "$dir/$file")" -le "$SEED_MAX_BYTES" ]; then
            cp "$dir/$file" "$2/"
        fi
    done
}

mkdir -p "$out/artifacts"
shopt -s nullglob
targets=(tests/fuzz/fuzz_*.c)
# Arguments pick targets by name: run.sh http org
if [ $# -gt 0 ]; then
    targets=()
    for name in "$@"; do
        [ -f "tests/fuzz/fuzz_$name.c" ] || { echo "fuzz: no target $name" >&2; exit 2; }
        targets+=("tests/fuzz/fuzz_$name.c")
    done
fi
if [ ${#targets[@]} -eq 0 ]; then
    echo "fuzz: no targets in tests/fuzz/" >&2
    exit 0
fi

failed=()
for src in "${targets[@]}"; do
    name=$(basename "$src" .c)
    short=${name#fuzz_}
    mapfile -t sources < <(all_sources "$src")
    # shellcheck disable=SC2046
    if ! "$CLANG" -std=c11 -D_GNU_SOURCE -g -O1 \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -Wall -Wextra $(printf -- '-I%s ' "${srcdirs[@]}" "$gendir") \
        "$src" "${sources[@]}" $(libs "$src" "${sources[@]}") -lm \
        -o "$out/$name"; then
        echo "fuzz: $name: build failed" >&2
        failed+=("$name")
        continue
    fi

    corpus=("$out/corpus/$name")
    mkdir -p "${corpus[0]}"
    [ -d "tests/fuzz/corpus/$short" ] && corpus+=("tests/fuzz/corpus/$short")
    opts=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
          -print_final_stats=1 -artifact_prefix="$root/$out/artifacts/$name-")
    dict="$out/$name.dict"
    : >"$dict"
    [ -f "tests/fuzz/$short.dict" ] && cat "tests/fuzz/$short.dict" >>"$dict"
    block FUZZ-DICT "$src" >>"$dict"
    [ -s "$dict" ] && opts+=(-dict="$dict")
    seeds="$out/seeds/$name"
    rm -rf "$seeds"
    mkdir -p "$seeds"
    i=0
    while IFS= read -r line; do
        i=$((i + 1))
        printf '%s' "$line" >"$seeds/seed-$i"
    done < <(block FUZZ-SEED "$src")
    [ "$i" -gt 0 ] && corpus+=("$seeds")
    if [ -n "${seed_dirs[$short]:-}" ]; then
        rm -rf "$out/hostile/$name"
        hostile_seeds "${seed_dirs[$short]}" "$out/hostile/$name"
        [ -d "$out/hostile/$name" ] && corpus+=("$out/hostile/$name")
    fi

    echo "fuzz: $name for ${seconds}s (${#sources[@]} sources)"
    log="$out/$name.log"
    if "$out/$name" "${opts[@]}" "${corpus[@]}" >"$log" 2>&1; then
        grep -E '^(Done|stat::number_of_executed_units)' "$log" || true
    else
        tail -n 40 "$log" >&2
        echo "fuzz: $name: FAILED (log: $log, artifacts: $out/artifacts/)" >&2
        failed+=("$name")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: ok"
