// check.mjs - the official Salesforce CLI (`sf`, npm @salesforce/cli),
// unmodified, against a running sfsim: log in, read the org, write, read,
// query, search and delete records, describe, list limits, call the REST
// API; each command's output is checked, not only its exit status. Then
// the sim's journal must show nothing answered 5xx and no 4xx but the
// ones this script provokes.
//
//   node check.mjs SIM_URL [--jwt KEY_FILE CLIENT_ID USERNAME]
//
// SIM_URL is http://HOST:PORT or https://HOST:PORT (then run it with
// NODE_EXTRA_CA_CERTS naming the certificate the sim wrote with
// --tls-ca-out: Node.js reads it at start, for this script and for sf).
// With --jwt the login is `sf org login jwt` with that key, Connected App
// and user instead of `sf org login access-token`. What the org says (its
// id, name, edition, API allocation) is read from GET /__sim/org. HOME and
// the XDG directories point into a temporary directory, so the user's own
// `sf` configuration is neither read nor touched. Exit status 0 when every
// check passed; 1 with the failed check on stderr otherwise.
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const url = args[0];
const opt = (name, n = 1) => {
  const i = args.indexOf(name);
  return i < 0 ? null : args.slice(i + 1, i + 1 + n);
};
const jwt = opt('--jwt', 3);
const home = mkdtempSync(join(tmpdir(), 'sfsim-sfcli-'));
const env = {
  ...process.env,
  PATH: `${join(here, 'node_modules', '.bin')}:${process.env.PATH}`,
  HOME: home,
  XDG_CONFIG_HOME: join(home, '.config'),
  XDG_DATA_HOME: join(home, '.local', 'share'),
  XDG_CACHE_HOME: join(home, '.cache'),
  XDG_STATE_HOME: join(home, '.local', 'state'),
  SF_DISABLE_TELEMETRY: 'true',
  SFDX_DISABLE_TELEMETRY: 'true',
  // Both spellings: oclif's update hook reads SF_DISABLE_AUTOUPDATE before
  // the CLI copies SF_AUTOUPDATE_DISABLE into it, and would otherwise leave
  // a detached `sf update` behind, reaching for the network.
  SF_AUTOUPDATE_DISABLE: 'true',
  SF_DISABLE_AUTOUPDATE: 'true',
  SFDX_AUTOUPDATE_DISABLE: 'true',
  SFDX_DISABLE_AUTOUPDATE: 'true',
  SF_SKIP_NEW_VERSION_CHECK: 'true',
  SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
  SF_DISABLE_LOG_FILE: 'true',
  SF_LOG_LEVEL: 'fatal',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  COLUMNS: '200',
};
let step = 'start';

function fail(why) {
  process.stderr.write(`sfcli check: ${step}: ${why}\n`);
  rmSync(home, { recursive: true, force: true });
  process.exit(1);
}

function check(cond, why) {
  if (!cond) fail(why);
}

// Runs sf with args; returns {status, out, err, json} (json: --json parsed).
function sf(...argv) {
  step = `sf ${argv.join(' ')}`;
  const r = spawnSync('sf', argv, { env, encoding: 'utf8', timeout: 120000 });
  if (r.error) fail(`cannot run: ${r.error.message}`);
  let json = null;
  if (argv.includes('--json')) {
    try {
      json = JSON.parse(r.stdout);
    } catch {
      fail(`not JSON: ${r.stdout.slice(0, 400)} ${r.stderr.slice(0, 400)}`);
    }
  }
  return { status: r.status, out: r.stdout, err: r.stderr, json };
}

// sf that must succeed (exit status 0).
function sfOk(...argv) {
  const r = sf(...argv);
  check(r.status === 0, `exit ${r.status}: ${r.out.slice(0, 600)} ${r.err.slice(0, 600)}`);
  return r;
}

// One admin call on a connection of its own: a kept-alive one would sit
// idle while sf runs, and the sim closes idle connections.
function admin(method, path, body) {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(`${url}${path}`, {
      method,
      agent: false,
      headers: body ? { 'Content-Type': 'application/json' } : {},
    }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { data += d; });
      res.on('end', () => {
        try {
          resolve(JSON.parse(data));
        } catch (e) {
          reject(new Error(`${method} ${path}: ${res.statusCode} ${data.slice(0, 200)}`));
        }
      });
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const T = (s) => s.replace(/\s+/g, ' ');

// --- the org, as the sim has it ------------------------------------------------
step = 'GET /__sim/org';
const org = await admin('GET', '/__sim/org');
const editionType = {
  Essentials: 'Base Edition', Professional: 'Professional Edition',
  Enterprise: 'Enterprise Edition', Unlimited: 'Unlimited Edition',
  Performance: 'Unlimited Edition', Developer: 'Developer Edition',
}[org.edition];
check(typeof org.name === 'string' && editionType, JSON.stringify(org).slice(0, 200));

// --- login ------------------------------------------------------------------
let username = org.users[0].username;
if (jwt) {
  username = jwt[2];
  const r = sfOk('org', 'login', 'jwt', '--client-id', jwt[1], '--jwt-key-file', jwt[0],
    '--username', username, '--instance-url', url, '--alias', 'sim', '--json');
  check(r.json.result.username === username, `username ${r.json.result.username}`);
  check(r.json.result.orgId.startsWith(org.org_id), `orgId ${r.json.result.orgId}`);
} else {
  step = 'POST /__sim/tokens';
  const tok = await admin('POST', '/__sim/tokens', {});
  check(typeof tok.access_token === 'string', JSON.stringify(tok));
  env.SF_ACCESS_TOKEN = tok.access_token;
  const r = sfOk('org', 'login', 'access-token', '--instance-url', url, '--alias', 'sim',
    '--no-prompt', '--json');
  delete env.SF_ACCESS_TOKEN;
  check(r.json.result.username === username, `username ${r.json.result.username}`);
  check(r.json.result.orgId.startsWith(org.org_id), `orgId ${r.json.result.orgId}`);
}
let r = sfOk('org', 'display', '--target-org', 'sim', '--json');
check(r.json.result.connectedStatus === 'Connected', `status ${r.json.result.connectedStatus}`);
check(r.json.result.username === username, `username ${r.json.result.username}`);
check(r.json.result.id.startsWith(org.org_id), `id ${r.json.result.id}`);
check(r.json.result.instanceUrl.startsWith(url), `instanceUrl ${r.json.result.instanceUrl}`);

// --- records ------------------------------------------------------------------
r = sfOk('data', 'create', 'record', '-o', 'sim', '-s', 'Lead', '-v',
  'FirstName=Ada LastName=Lovelace Company=Acme Email=ada@example.com', '--json');
const id = r.json.result.id;
check(/^00Q[0-9A-Za-z]{15}$/.test(id) && r.json.result.success === true, JSON.stringify(r.json));
r = sfOk('data', 'get', 'record', '-o', 'sim', '-s', 'Lead', '-i', id, '--json');
check(r.json.result.Name === 'Ada Lovelace' && r.json.result.Company === 'Acme',
  JSON.stringify(r.json.result));
sfOk('data', 'update', 'record', '-o', 'sim', '-s', 'Lead', '-i', id, '-v', 'Company=Analytical');
r = sfOk('data', 'get', 'record', '-o', 'sim', '-s', 'Lead', '-i', id, '--json');
check(r.json.result.Company === 'Analytical', `Company ${r.json.result.Company}`);

// --- queries --------------------------------------------------------------------
const soql = 'SELECT Id, Name, Company FROM Lead';
r = sfOk('data', 'query', '-o', 'sim', '-q', soql);
check(/Ada Lovelace/.test(r.out) && /Analytical/.test(r.out) && r.out.includes(id),
  `table: ${r.out}`);
check(/Total number of records retrieved: 1\./.test(T(r.out)), `table total: ${r.out}`);
r = sfOk('data', 'query', '-o', 'sim', '-q', soql, '--json');
check(r.json.result.totalSize === 1 && r.json.result.records[0].Name === 'Ada Lovelace',
  JSON.stringify(r.json.result));
r = sfOk('data', 'query', '-o', 'sim', '-q', soql, '--result-format', 'csv');
{
  const lines = r.out.trim().split('\n');
  check(lines[0] === 'Id,Name,Company', `csv header: ${lines[0]}`);
  check(lines[1] === `${id},Ada Lovelace,Analytical`, `csv row: ${lines[1]}`);
}
r = sfOk('data', 'query', '-o', 'sim', '-q', 'SELECT COUNT() FROM Lead', '--json');
check(r.json.result.totalSize === 1, `count: ${JSON.stringify(r.json.result)}`);
r = sfOk('data', 'query', '-o', 'sim', '-q', 'SELECT COUNT() FROM Lead');
check(/Total number of records retrieved: 1\./.test(T(r.out)), `count table: ${r.out}`);
r = sfOk('data', 'query', '-o', 'sim', '-q',
  'SELECT Name, InstanceName, OrganizationType FROM Organization', '--json');
check(r.json.result.records[0].OrganizationType === editionType &&
  r.json.result.records[0].Name === org.name, JSON.stringify(r.json.result));

// --- search ------------------------------------------------------------------------
r = sfOk('data', 'search', '-o', 'sim', '-q',
  'FIND {ada@example.com} IN EMAIL FIELDS RETURNING Lead(Name, Company)', '--json');
{
  const recs = r.json.result.searchRecords;
  check(recs.length === 1 && recs[0].Name === 'Ada Lovelace', JSON.stringify(r.json.result));
}
r = sfOk('data', 'search', '-o', 'sim', '-q', 'FIND {lovelace} RETURNING Lead(Name, Company)');
check(/Lead/.test(r.out) && /Ada Lovelace/.test(r.out), `search table: ${r.out}`);

// --- describe, limits, REST ----------------------------------------------------------
r = sfOk('sobject', 'describe', '-o', 'sim', '-s', 'Lead', '--json');
check(r.json.result.name === 'Lead' && r.json.result.keyPrefix === '00Q', `describe ${r.json.result.name}`);
check(r.json.result.fields.some((f) => f.name === 'Email' && f.type === 'email'), 'describe: no Email');
r = sfOk('sobject', 'list', '-o', 'sim');
for (const o of ['Lead', 'Contact', 'Account', 'User', 'Organization'])
  check(r.out.split('\n').includes(o), `sobject list: no ${o}: ${r.out}`);
r = sfOk('limits', 'api', 'display', '-o', 'sim', '--json');
{
  const d = r.json.result.find((l) => l.name === 'DailyApiRequests');
  check(d && d.max === org.api_daily_limit && d.remaining < d.max,
    `limits: ${JSON.stringify(d)}`);
}
r = sfOk('api', 'request', 'rest', '-o', 'sim',
  `/services/data/v66.0/sobjects/Organization/${org.org_id}`);
{
  const rec = JSON.parse(r.out);
  check(rec.Name === org.name && rec.IsSandbox === org.sandbox, r.out);
}

// --- delete --------------------------------------------------------------------------
sfOk('data', 'delete', 'record', '-o', 'sim', '-s', 'Lead', '-i', id);
r = sf('data', 'get', 'record', '-o', 'sim', '-s', 'Lead', '-i', id, '--json');
check(r.status !== 0 && /The requested resource does not exist/.test(r.out),
  `get after delete: ${r.out}`);
r = sfOk('data', 'query', '-o', 'sim', '-q', 'SELECT Id, IsDeleted FROM Lead', '--all-rows',
  '--json');
check(r.json.result.totalSize === 1 && r.json.result.records[0].IsDeleted === true,
  `queryAll: ${JSON.stringify(r.json.result)}`);

// --- what the CLI called ---------------------------------------------------------------
step = 'GET /__sim/journal';
const journal = await admin('GET', '/__sim/journal');
const expected = (e) =>
  (e.status === 400 && /ScratchOrgInfo/.test(e.query || '')) ||
  // sf tries the JWT audiences in order; the sim's own URL is the first.
  (jwt && e.status === 400 && e.path.endsWith('/services/oauth2/token') &&
   /audience/.test(e.detail || '')) ||
  (e.status === 404 && e.method === 'GET' && e.path.endsWith(`/sobjects/Lead/${id}`));
const bad = journal.filter((e) => e.status >= 500 || (e.status >= 400 && !expected(e)));
check(bad.length === 0, `unexpected answers: ${JSON.stringify(bad.map((e) =>
  `${e.method} ${e.path} ${e.query || ''} -> ${e.status} ${e.detail || ''}`))}`);
check(journal.length > 20, `only ${journal.length} journal entries`);

rmSync(home, { recursive: true, force: true });
process.stdout.write(`sfcli check: ${url}: every command answered as expected ` +
  `(${journal.length} requests)\n`);
