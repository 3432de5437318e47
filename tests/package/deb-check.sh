#!/usr/bin/env bash
# The Debian package, as a user gets it: lintian, `dpkg -i`, the installed
# programs from PATH (--version, a running sfsim, the whole catalog run by
# the installed sfconform against the installed sfdeliver, a scenario
# replay), then `dpkg -r` and a check that nothing of it is left.
#
#   tests/package/deb-check.sh DEB VERSION      (run by `make deb-check`, as root)
set -uo pipefail
cd "$(dirname "$0")/../.."

deb=${1:?usage: deb-check.sh DEB VERSION}
version=${2:?usage: deb-check.sh DEB VERSION}
. tests/package/lib.sh

# Paths of ours anywhere dpkg or the package may write.
ours() {
    find /usr /etc /var/lib/dpkg/info -xdev \( -name '*sfsim*' -o \
        -name 'sfdeliver*' -o -name 'sfconform*' \) 2>/dev/null | sort
}

if [ "$(id -u)" != 0 ]; then
    echo "deb-check: needs root (dpkg -i)" >&2
    exit 1
fi
# Never overwrite, then remove, what is already there.
if dpkg -s sfsim >/dev/null 2>&1 || [ -e /usr/bin/sfsim ] ||
    [ -e /usr/bin/sfdeliver ] || [ -e /usr/bin/sfconform ] ||
    [ -e /usr/share/sfsim ]; then
    echo "deb-check: sfsim is already installed in /usr; remove it first" >&2
    exit 1
fi
unset SFSIM SFDELIVER SFSIM_FIXTURES
tmp=$(mktemp -d)
sim_pid=
cleanup() {
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null
    dpkg -s sfsim >/dev/null 2>&1 && dpkg -r sfsim >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT

# lintian, when it can be had (root: installed like the build packages).
if ! command -v lintian >/dev/null 2>&1; then
    echo "deb-check: installing lintian"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lintian \
        >"$tmp/apt.log" 2>&1 || tail -3 "$tmp/apt.log"
fi
if command -v lintian >/dev/null 2>&1; then
    lintian --fail-on error,warning "$deb" >"$tmp/lintian.out" 2>&1
    rc=$?
    check "lintian: no error or warning" test $rc -eq 0
    grep -v '^running with root privileges' "$tmp/lintian.out"
else
    echo "skip  lintian: not installable here"
fi

before=$(ours)
if ! dpkg -i "$deb" >"$tmp/dpkg-i.log" 2>&1; then
    cat "$tmp/dpkg-i.log"
    bad "dpkg -i $deb"
    finish deb-check
fi
ok "dpkg -i $(basename "$deb")"
dpkg -L sfsim | sort >"$tmp/files"

debversion=$(echo "$version" | sed 's/^v//; s/-/+/g')
check "dpkg knows sfsim $debversion" \
    test "$(dpkg-query -W -f='${Version}' sfsim)" = "$debversion"
for p in sfsim sfdeliver sfconform; do
    check "$p on PATH is /usr/bin/$p" test "$(command -v $p)" = "/usr/bin/$p"
    check "$p --version: \"$p $version\"" test "$($p --version)" = "$p $version"
done
if command -v man >/dev/null 2>&1 && grep -q '/usr/share/man/man1/sfsim.1' "$tmp/files"; then
    for page in 1:sfsim 1:sfdeliver 1:sfconform 5:sfsim-org 5:sfdeliver-buyer 5:sfconform-case; do
        check "man ${page%%:*} ${page#*:} finds the installed page" \
            grep -q "^/usr/share/man/" <(man -w "${page%%:*}" "${page#*:}")
    done
else
    echo "skip  man pages: no man, or dpkg excludes /usr/share/man here"
fi

# The installed sfsim, briefly, on a free port.
(cd / && exec sfsim --port 0 >"$tmp/sim.out" 2>"$tmp/sim.err") &
sim_pid=$!
url=
for _ in $(seq 100); do
    url=$(sed -n 's/^sfsim listening on \(http:[^ ]*\)$/\1/p' "$tmp/sim.out")
    [ -n "$url" ] && break
    sleep 0.05
done
check "installed sfsim --port 0 prints its ready line" test -n "$url"
if [ -n "$url" ]; then
    check "… and answers GET /__sim/health" \
        curl -sf -o /dev/null "$url/__sim/health"
    curl -s -o /dev/null "$url/servlet/servlet.WebToLead?encoding=UTF-8" \
        -d 'oid=00D000000000001&last_name=Lovelace&company=Acme'
    check "… and stores a Web-to-Lead post" \
        grep -q Lovelace <(curl -s "$url/__sim/records/Lead")
fi
kill "$sim_pid" 2>/dev/null
wait "$sim_pid" 2>/dev/null
sim_pid=

# The whole catalog, from /, by the installed sfconform against the
# installed sfdeliver.
want=$(grep -c '/conformance/.*/case\.json$' "$tmp/files")
# Every case is in at least one profile: the ids of every profile's list,
# the profiles as the installed sfconform names them.
profiles=$(cd / && sfconform --list 2>/dev/null | awk '$1 == "profile" { print $2 }')
got=$(cd / && for p in $profiles; do
    sfconform --list --profile "$p" 2>/dev/null
done | awk '$1 ~ /\./ { print $1 }' | sort -u | wc -l)
check "installed sfconform lists the package's $want cases" \
    test "$got" -eq "$want" -a "$want" -gt 0
(cd / && sfconform --jobs 2 --timeout 30000 --client /usr/bin/sfdeliver \
    --junit "$tmp/conformance.xml") >"$tmp/conformance.out" 2>&1
rc=$?
tail -1 "$tmp/conformance.out"
check "installed sfconform --client sfdeliver: the catalog passes" test $rc -eq 0
[ $rc -eq 0 ] || grep -v '^PASS' "$tmp/conformance.out"
if command -v python3 >/dev/null 2>&1; then
    (cd / && sfconform replay 001-daily-cap >"$tmp/replay.out" 2>&1)
    check "installed sfconform replay 001-daily-cap runs its script" \
        test $? -eq 0 -a -z "$(grep 'the client exited' "$tmp/replay.out")"
else
    echo "skip  replay: no python3 for the scenario's client script"
fi

if dpkg -r sfsim >"$tmp/dpkg-r.log" 2>&1; then
    ok "dpkg -r sfsim"
else
    cat "$tmp/dpkg-r.log"
    bad "dpkg -r sfsim"
fi
check "dpkg no longer knows sfsim" \
    test -z "$(dpkg-query -W -f='${Status}' sfsim 2>/dev/null | grep -v not-installed)"
left=$(while read -r f; do
    [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"
done <"$tmp/files")
for d in /usr/share/sfsim /usr/share/doc/sfsim; do
    [ -e "$d" ] && left="$left $d"
done
check "nothing of the package is left" test -z "$left"
[ -z "$left" ] || echo "left: $left"
added=$(comm -13 <(echo "$before") <(ours))
check "no new path named sfsim, sfdeliver or sfconform" test -z "$added"
[ -z "$added" ] || echo "$added"
finish deb-check
