#!/usr/bin/env bash
# `make install` into a temporary DESTDIR with a PREFIX of its own, then:
# the installed programs answer --version and --help; the installed
# sfconform, run from another directory, finds its catalog, its scenarios,
# the sfsim and the sfdeliver beside it (not the source tree's); `make
# uninstall` leaves no file; the man pages lint clean.
#
#   tests/package/install.sh MAKE VERSION      (run by `make install-test`)
set -uo pipefail
cd "$(dirname "$0")/../.."

make=${1:?usage: install.sh MAKE VERSION}
version=${2:?usage: install.sh MAKE VERSION}
. tests/package/lib.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
prefix=/opt/sfsim-test
root=$dest$prefix
bin=$root/bin
# Nothing may point the installed programs back at the source tree.
unset SFSIM SFDELIVER SFSIM_FIXTURES

if ! $make --no-print-directory install DESTDIR="$dest" PREFIX="$prefix" \
    >"$tmp/install.log" 2>&1; then
    cat "$tmp/install.log"
    bad "make install DESTDIR=… PREFIX=$prefix"
    finish install
fi
ok "make install DESTDIR=… PREFIX=$prefix"

for p in sfsim sfdeliver sfconform; do
    check "$p installed executable" test -x "$bin/$p"
    out=$(cd "$tmp" && "$bin/$p" --version 2>&1)
    check "$p --version: \"$p $version\", exit 0" test "$out" = "$p $version"
    out=$(cd "$tmp" && "$bin/$p" --help 2>&1)
    rc=$?
    check "$p --help: exit 0, points to $p(1)" \
        test $rc -eq 0 -a "${out/"$p(1)"/}" != "$out"
done
out=$("$bin/sfsim" --help)
check "sfsim --help points to the admin API" test "${out/\/__sim\//}" != "$out"

for page in sfsim.1 sfdeliver.1 sfconform.1; do
    check "man1/$page installed" test -f "$root/share/man/man1/$page"
done
for page in sfsim-org.5 sfdeliver-buyer.5 sfconform-case.5; do
    check "man5/$page installed" test -f "$root/share/man/man5/$page"
done

# From another directory: the installed catalog, sim and client.
want=$(find fixtures/conformance -name case.json | wc -l)
# Every case is in one profile or more: the ids of all the lists, the
# profiles as the installed sfconform names them.
profiles=$(cd / && "$bin/sfconform" --list 2>>"$tmp/list.err" |
    awk '$1 == "profile" { print $2 }')
got=$(cd / && for p in $profiles; do
    "$bin/sfconform" --list --profile "$p" 2>>"$tmp/list.err"
done | awk '$1 ~ /\./ { print $1 }' | sort -u | wc -l)
check "installed sfconform --list from / shows the $want cases" \
    test "$got" -eq "$want" -a "$want" -gt 0
(cd / && "$bin/sfconform" --only retry.5xx.success-on-retry \
    --json "$tmp/report.json" >"$tmp/run.out" 2>&1)
rc=$?
check "installed sfconform runs a case from / (exit 0)" test $rc -eq 0
check "… with the sfdeliver beside it" \
    grep -qF "\"client\": \"$bin/sfdeliver\"" "$tmp/report.json"
# sfconform reports the paths it resolved (its rerun commands work from
# anywhere).
share=$(cd "$bin/../share/sfsim" && pwd -P)
check "… and the catalog under PREFIX/share/sfsim" \
    grep -qF "\"suite\": \"$share/fixtures/conformance\"" \
    "$tmp/report.json"
[ $rc -eq 0 ] || cat "$tmp/run.out"

if command -v python3 >/dev/null 2>&1; then
    (cd / && "$bin/sfconform" replay 001-daily-cap >"$tmp/replay.out" 2>&1)
    rc=$?
    check "installed sfconform replay 001-daily-cap runs its installed script" \
        grep -qF "client: sh '$share/fixtures/scenarios/reports/001-daily-cap/webhook.sh'" \
        "$tmp/replay.out"
    check "… and exits 0 (the report fails by design)" test $rc -eq 0
    check "… and the script ran: the sim dropped past the cap" \
        grep -q "dropped_daily_limit" "$tmp/replay.out"
    check "… and exited 0" not_grep "the client exited" "$tmp/replay.out"
else
    echo "skip  replay: no python3 for the scenario's client script"
fi

$make --no-print-directory uninstall DESTDIR="$dest" PREFIX="$prefix" \
    >"$tmp/uninstall.log" 2>&1
check "make uninstall (exit 0)" test $? -eq 0
left=$(find "$dest" ! -type d)
check "make uninstall leaves no file" test -z "$left"
[ -z "$left" ] || echo "$left"

# The man pages: mandoc's linter when it is there, else groff's warnings.
pages=$(ls sim/*.[15] client/*.[15] conformance/*.[15])
if command -v mandoc >/dev/null 2>&1; then
    for page in $pages; do
        out=$(mandoc -Tlint -Wall "$page" 2>&1)
        check "mandoc -Tlint $page" test -z "$out"
        [ -z "$out" ] || echo "$out"
    done
elif command -v groff >/dev/null 2>&1; then
    for page in $pages; do
        out=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
        check "groff -ww $page" test -z "$out"
        [ -z "$out" ] || echo "$out"
    done
else
    echo "skip  man page lint: neither mandoc nor groff is installed"
fi

finish install
