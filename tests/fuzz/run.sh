#!/usr/bin/env bash
#
# run.sh - build and run every libFuzzer target in tests/fuzz/.
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
#   tests/fuzz/<name>.dict      libFuzzer dictionary
#   lines between "FUZZ-DICT-BEGIN" and "FUZZ-DICT-END" in the target's
#   source (each " * " comment prefix stripped): more dictionary entries
#   lines between "FUZZ-SEED-BEGIN" and "FUZZ-SEED-END": one seed per line
# so that a target can keep its dictionary and seeds next to its code.
set -euo pipefail

cd "$(dirname "$0")/../.."
root=$(pwd)
seconds=${FUZZ_SECONDS:-30}
out=build/fuzz
srcdirs=(common sim client conformance)
CLANG=${CLANG:-clang}

if ! command -v "$CLANG" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "fuzz: installing clang" >&2
        apt-get update -qq && apt-get install -y -qq clang >/dev/null
    else
        echo "fuzz: clang not found (apt-get install clang)" >&2
        exit 2
    fi
fi

# Prints the .c files that $1 needs, one per line, following includes
# through sources and headers alike. A header x.h brings in x.c; a
# directory-private header (x_private.h) has no x.c of its own and brings
# in the sources of its directory that include it, which implement it.
deps() {
    local -A seen=()
    local queue=("$1") file inc base dir impl
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

# pkg-config flags for the libraries the given sources include.
libs() {
    local pkgs=()
    grep -qs '#include <jansson.h>' "$@" && pkgs+=(jansson)
    grep -qs '#include <microhttpd.h>' "$@" && pkgs+=(libmicrohttpd)
    grep -qs '#include <curl/curl.h>' "$@" && pkgs+=(libcurl)
    grep -qs '#include <gnutls/' "$@" && pkgs+=(gnutls)
    grep -qs '#include <expat.h>' "$@" && pkgs+=(expat)
    if [ ${#pkgs[@]} -gt 0 ]; then
        pkg-config --cflags --libs "${pkgs[@]}"
    fi
}

mkdir -p "$out/artifacts"
shopt -s nullglob
targets=(tests/fuzz/fuzz_*.c)
if [ ${#targets[@]} -eq 0 ]; then
    echo "fuzz: no targets in tests/fuzz/" >&2
    exit 0
fi

failed=()
for src in "${targets[@]}"; do
    name=$(basename "$src" .c)
    short=${name#fuzz_}
    mapfile -t sources < <(deps "$src")
    # shellcheck disable=SC2046
    if ! "$CLANG" -std=c11 -D_GNU_SOURCE -g -O1 \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -Wall -Wextra $(printf -- '-I%s ' "${srcdirs[@]}") \
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
