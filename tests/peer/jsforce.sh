#!/usr/bin/env bash
#
# jsforce.sh - the peer-suite measurement (make peer-suite): jsforce's own
# integration test suite, written for a live org and configured by
# environment variables, run unmodified against a fresh sfsim.
#
#   PEER_SRC=/path/to/jsforce bash tests/peer/jsforce.sh
#
# PEER_SRC is a jsforce source tree or git directory (the suite is not in
# the npm package): its test/, jest and babel configuration are copied
# under build/peer-suite/jsforce, the library of the same version comes
# from npm (npm pack), and the test runner (jest, babel) is installed
# beside it; the package.json there is the library's with the runner as
# its only devDependencies and undici held at 6.x for Node.js 20 (the
# fidelity test's choice). No test file is touched.
#
# sfsim starts on port 0 with PEER_ORG (default fixtures/orgs/peer.json:
# it declares the custom objects of the suite's package, BigTable__c and
# UpsertTable__c) and gets the 2,200 BigTable__c records jsforce's own org
# setup makes; the suite gets its instance URL and a session through
# SF_LOGIN_URL and SF_ACCESS_TOKEN (what jsforce's CI gets from the sf
# CLI), and runs bounded
# by PEER_TIMEOUT seconds (default 900). Prints the files' outcomes and a
# last line "peer-suite: N passed, N failed, N skipped"; the JSON report is
# build/peer-suite/results.json. Exits 0 whatever the figure: this is a
# measurement, not a gate.
set -euo pipefail

cd "$(dirname "$0")/../.."
root=$(pwd)
out=$root/build/peer-suite
dir=$out/jsforce
org=${PEER_ORG:-fixtures/orgs/peer.json}
limit=${PEER_TIMEOUT:-900}
src=${PEER_SRC:-}
runner_deps='"jest": "29.7.0", "babel-jest": "29.7.0",
    "@babel/core": "^7.26.10", "@babel/preset-env": "^7.26.9",
    "@babel/preset-typescript": "^7.27.0",
    "@babel/plugin-transform-runtime": "^7.26.10",
    "babel-preset-power-assert": "^3.0.0", "power-assert": "^1.6.1",
    "through2": "^3.0.1", "puppeteer": "^22.14.0"'

die() {
    echo "peer-suite: $*" >&2
    exit 2
}

# The suite's files from PEER_SRC (a git directory or a work tree).
copy_suite() {
    local files=(test jest.config.js jest.setup.js babel.config.js package.json)

    [ -n "$src" ] || die "set PEER_SRC to a jsforce source tree or git directory (its test suite is not on npm)"
    rm -rf "$dir.new" && mkdir -p "$dir.new"
    if [ -d "$src/objects" ] && [ -f "$src/HEAD" ]; then
        git --git-dir="$src" archive HEAD "${files[@]}" | tar -x -C "$dir.new"
    elif [ -d "$src/test" ]; then
        (cd "$src" && tar -c "${files[@]}") | tar -x -C "$dir.new"
    else
        die "$src holds no jsforce test suite"
    fi
}

# The library of the suite's version from npm (or the first release after
# it that the registry has), and the runner beside it.
install_suite() {
    local want version

    want=$(node -p "require('$dir.new/package.json').version")
    version=$(npm view jsforce versions --json | node -e "
        const key = (v) => v.split('.').map(Number);
        const cmp = (a, b) => key(a).reduce((d, x, i) => d || x - key(b)[i], 0);
        const all = JSON.parse(require('fs').readFileSync(0))
            .filter((v) => /^[0-9.]+\$/.test(v) && cmp(v, '$want') >= 0)
            .sort(cmp);
        console.log(all[0] || '');")
    [ -n "$version" ] || die "npm has no jsforce $want or later"
    echo "peer-suite: suite of jsforce $want from $src, library $version from npm"
    (cd "$out" && rm -f jsforce-*.tgz && npm pack --silent "jsforce@$version" >/dev/null)
    tar -xzf "$out/jsforce-$version.tgz" -C "$dir.new" --strip-components=1 \
        --exclude=package/package.json
    rm -f "$out/jsforce-$version.tgz"
    node -e "
        const fs = require('fs'), p = '$dir.new/package.json';
        const pkg = JSON.parse(fs.readFileSync(p));
        pkg.devDependencies = {$runner_deps};
        pkg.overrides = { undici: '6.29.1' };
        pkg.dependencies.undici = '6.29.1';
        delete pkg.scripts;
        fs.writeFileSync(p, JSON.stringify(pkg, null, 2));"
    (cd "$dir.new" && npm install --no-audit --no-fund --ignore-scripts \
        --loglevel=error >/dev/null)
    rm -rf "$dir" && mv "$dir.new" "$dir"
}

# Installed once per runner list and suite source: build/peer-suite/.stamp.
stamp="$runner_deps $src"
if [ ! -d "$dir/node_modules/jest" ] || [ "$(cat "$out/.stamp" 2>/dev/null)" != "$stamp" ]; then
    copy_suite
    install_suite
    printf '%s' "$stamp" >"$out/.stamp"
fi

sim_bin=${SFSIM:-$root/sim/sfsim}
[ -x "$sim_bin" ] || die "build sfsim first (make)"
log=$out/sfsim.log
"$sim_bin" --port 0 --org "$org" --journal-size 20000 >"$log" 2>&1 &
sim=$!
trap 'kill "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    grep -q 'listening on' "$log" && break
    sleep 0.1
done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$log")
[ -n "$url" ] || die "sfsim did not start: $(cat "$log")"
token=$(curl -sf -X POST "$url/__sim/tokens" -H 'Content-Type: application/json' \
    -d '{}' | node -p 'JSON.parse(require("fs").readFileSync(0)).access_token')
curl -sf -X POST "$url/__sim/clock" -H 'Content-Type: application/json' \
    -d '{"frozen": false}' >/dev/null

# What jsforce's own test/bin/org-setup does to a fresh org beyond
# deploying its package (whose two custom objects PEER_ORG declares):
# 2,200 BigTable__c records (4 x 550 there; 11 x 200 here), which the
# big-table query tests page through.
rows=$(node -e "console.log(JSON.stringify({allOrNone: true, records:
    Array.from({length: 200}, () => ({attributes: {type: 'BigTable__c'}}))}))")
for _ in $(seq 11); do
    curl -sf -X POST "$url/services/data/v62.0/composite/sobjects" \
        -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d "$rows" >/dev/null || die "could not make the BigTable__c records"
done

echo "peer-suite: running jsforce's suite against $url (at most ${limit}s)"
rm -f "$out/results.json"
(cd "$dir" && SF_LOGIN_URL=$url SF_ACCESS_TOKEN=$token \
    SF_USERNAME=admin@sfsim.test SF_PASSWORD=sfsim-password \
    SF_OAUTH2_CLIENT_ID=sfsim-client-id SF_OAUTH2_CLIENT_SECRET=sfsim-client-secret \
    timeout -k 10 "$limit" npx jest --ci --maxWorkers=2 --forceExit \
    --json --outputFile="$out/results.json" ${PEER_TESTS:-} \
    >"$out/jest.log" 2>&1) || true
[ -s "$out/results.json" ] || die "no results (timed out after ${limit}s?): see $out/jest.log"
node -e "
    const r = JSON.parse(require('fs').readFileSync('$out/results.json'));
    for (const f of r.testResults) {
        const c = { passed: 0, failed: 0, pending: 0 };
        for (const a of f.assertionResults) c[a.status] = (c[a.status] || 0) + 1;
        const name = f.name.replace(/.*\/test\//, 'test/');
        console.log(name.padEnd(40), c.passed, 'passed,', c.failed, 'failed,',
                    (c.pending || 0) + (c.skipped || 0) + (c.todo || 0), 'skipped',
                    f.assertionResults.length ? '' : '(' + f.status + ': did not run)');
    }
    const skipped = r.numPendingTests + (r.numTodoTests || 0);
    console.log('peer-suite: ' + r.numPassedTests + ' passed, ' +
                r.numFailedTests + ' failed, ' + skipped + ' skipped');"
