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
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
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
  // In the temporary directory: `sf data bulk results` writes its CSV
  // files into the current one.
  const r = spawnSync('sf', argv, { env, cwd: home, encoding: 'utf8', timeout: 120000 });
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

// --- batches: sObject Tree and Bulk API 2.0 ---------------------------------------------
// The org gets an external id field and a validation rule on Lead (GET,
// edit, PUT /__sim/org keeps the records and the sessions), so that a row
// can fail a rule and an upsert can match by external id.
step = 'PUT /__sim/org';
{
  const o = await admin('GET', '/__sim/org');
  o.custom_fields = [...(o.custom_fields || []), {
    object: 'Lead', name: 'Source_Id__c', label: 'Source Id', type: 'text', length: 64,
    external_id: true, unique: true,
  }];
  o.validation_rules = [...(o.validation_rules || []), {
    object: 'Lead', name: 'Phone_10_Digits',
    formula: "AND(NOT(ISBLANK(Phone)), NOT(REGEX(Phone, '[^0-9]*([0-9][^0-9]*){10}')))",
    message: 'Please enter a 10-digit phone number.', error_field: 'Phone',
  }];
  const put = await admin('PUT', '/__sim/org', o);
  check(put.custom_fields && put.custom_fields.some((f) => f.name === 'Source_Id__c'),
    JSON.stringify(put).slice(0, 400));
}
const file = (name, text) => {
  writeFileSync(join(home, name), text);
  return name;
};
const records = async (object) => {
  step = `GET /__sim/records/${object}`;
  return admin('GET', `/__sim/records/${object}`);
};

// sf data import tree --plan: Accounts saved first, their reference ids
// resolved in the Contacts' AccountId (one composite/tree call each).
file('Account-plan.json', JSON.stringify({ records: [
  { attributes: { type: 'Account', referenceId: 'PlanAcct1' }, Name: 'Plan Corp', Industry: 'Energy' },
  { attributes: { type: 'Account', referenceId: 'PlanAcct2' }, Name: 'Plan Two' },
] }));
file('Contact-plan.json', JSON.stringify({ records: [
  { attributes: { type: 'Contact', referenceId: 'PlanCont1' }, LastName: 'Hopper',
    Email: 'grace@example.com', AccountId: '@PlanAcct1' },
  { attributes: { type: 'Contact', referenceId: 'PlanCont2' }, LastName: 'Liskov',
    AccountId: '@PlanAcct2' },
] }));
file('plan.json', JSON.stringify([
  { sobject: 'Account', saveRefs: true, resolveRefs: false, files: ['Account-plan.json'] },
  { sobject: 'Contact', saveRefs: false, resolveRefs: true, files: ['Contact-plan.json'] },
]));
r = sfOk('data', 'import', 'tree', '-o', 'sim', '--plan', 'plan.json', '--json');
{
  const res = r.json.result;
  const ref = (id) => res.find((x) => x.refId === id);
  check(res.length === 4 && ref('PlanAcct1') && ref('PlanCont2'), JSON.stringify(res));
  check(/^001[0-9A-Za-z]{15}$/.test(ref('PlanAcct1').id) && ref('PlanAcct1').type === 'Account' &&
    /^003[0-9A-Za-z]{15}$/.test(ref('PlanCont1').id) && ref('PlanCont1').type === 'Contact',
  JSON.stringify(res));
  const accts = await records('Account');
  const conts = await records('Contact');
  const acct = accts.find((a) => a.Id === ref('PlanAcct1').id);
  const cont = conts.find((c) => c.Id === ref('PlanCont1').id);
  check(acct && acct.Name === 'Plan Corp' && acct.Industry === 'Energy', JSON.stringify(acct));
  check(cont && cont.LastName === 'Hopper' && cont.AccountId === acct.Id, JSON.stringify(cont));
  check(conts.find((c) => c.Id === ref('PlanCont2').id).AccountId === ref('PlanAcct2').id,
    'PlanCont2 not under PlanAcct2');
}

// sf data import tree --files: one nested tree (an Account and its
// Contacts) in one call; the table names each reference.
file('Nest.json', JSON.stringify({ records: [
  { attributes: { type: 'Account', referenceId: 'NestAcct' }, Name: 'Nest Inc',
    Contacts: { records: [
      { attributes: { type: 'Contact', referenceId: 'NestCont1' }, LastName: 'Babbage' },
      { attributes: { type: 'Contact', referenceId: 'NestCont2' }, LastName: 'Turing' },
    ] } },
] }));
r = sfOk('data', 'import', 'tree', '-o', 'sim', '--files', 'Nest.json');
for (const ref of ['NestAcct', 'NestCont1', 'NestCont2'])
  check(r.out.includes(ref), `import tree table: no ${ref}: ${r.out}`);
{
  const acct = (await records('Account')).find((a) => a.Name === 'Nest Inc');
  const kids = (await records('Contact')).filter((c) => acct && c.AccountId === acct.Id);
  check(kids.length === 2 && kids.some((c) => c.LastName === 'Turing'), JSON.stringify(kids));
}

// A tree with a Lead that fails the rule: all or nothing, so neither Lead
// is stored, and sf says which record failed and why.
file('Bad-tree.json', JSON.stringify({ records: [
  { attributes: { type: 'Lead', referenceId: 'TreeLeadOk' }, LastName: 'Treeok', Company: 'Tree Co' },
  { attributes: { type: 'Lead', referenceId: 'TreeLeadBad' }, LastName: 'Treebad',
    Company: 'Tree Co', Phone: '12345' },
] }));
r = sf('data', 'import', 'tree', '-o', 'sim', '--files', 'Bad-tree.json', '--json');
check(r.status !== 0 && r.json.status !== 0, `bad tree: exit ${r.status}: ${r.out}`);
{
  const d = r.json.data;
  check(r.json.message === 'Data Import failed' && Array.isArray(d) && d.length === 1 &&
    d[0].referenceId === 'TreeLeadBad' && d[0].StatusCode === 'FIELD_CUSTOM_VALIDATION_EXCEPTION' &&
    d[0].Message === 'Please enter a 10-digit phone number.' && d[0].fields === 'Phone',
  `bad tree: ${r.out}`);
}
check(!(await records('Lead')).some((l) => l.Company === 'Tree Co'), 'bad tree: a Lead was stored');

// sf data import bulk: one ingest job (create, upload, UploadComplete,
// polls); a row failing the rule makes sf exit 1 saying how many failed,
// and sf data bulk results writes the job's successful and failed rows.
file('leads.csv', 'LastName,Company,Email,Phone,Source_Id__c\n' +
  'Bulkone,Bulk Co,bulk1@example.com,5550000001,S-1\n' +
  'Bulktwo,Bulk Co,bulk2@example.com,12345,S-2\n' +
  'Bulkthree,"Bulk Co, ""Ltd""",bulk3@example.com,,S-3\n');
r = sf('data', 'import', 'bulk', '-o', 'sim', '--file', 'leads.csv', '--sobject', 'Lead',
  '--wait', '2', '--json');
check(r.status === 1 && /failed to process 1 records/.test(r.json.message || ''),
  `import bulk: exit ${r.status}: ${r.out}`);
const jobId = r.json.data && r.json.data.jobId;
check(/^750[0-9A-Za-z]{15}$/.test(jobId || '') && r.json.data.state === 'JobComplete',
  `import bulk: ${JSON.stringify(r.json.data)}`);
r = sfOk('data', 'bulk', 'results', '-o', 'sim', '--job-id', jobId, '--json');
{
  const res = r.json.result;
  check(res.status === 'JobComplete' && res.operation === 'insert' && res.object === 'Lead' &&
    res.processedRecords === 3 && res.successfulRecords === 2 && res.failedRecords === 1,
  `bulk results: ${JSON.stringify(res)}`);
  const ok = readFileSync(join(home, res.successFilePath), 'utf8').trim().split('\n');
  const bad = readFileSync(join(home, res.failedFilePath), 'utf8').trim().split('\n');
  check(ok[0] === '"sf__Id","sf__Created",LastName,Company,Email,Phone,Source_Id__c' &&
    ok.length === 3 && /^"00Q[0-9A-Za-z]{15}","true","Bulkone"/.test(ok[1]) &&
    ok[2].includes('"Bulk Co, ""Ltd"""'), `success file: ${ok.join('|')}`);
  check(bad[0] === '"sf__Id","sf__Error",LastName,Company,Email,Phone,Source_Id__c' &&
    bad.length === 2 && bad[1].startsWith('"","FIELD_CUSTOM_VALIDATION_EXCEPTION:Please enter ' +
      'a 10-digit phone number.:Phone --","Bulktwo"'), `failed file: ${bad.join('|')}`);
}
{
  const leads = (await records('Lead')).filter((l) => /^Bulk/.test(l.Company || ''));
  check(leads.length === 2 && leads.some((l) => l.Company === 'Bulk Co, "Ltd"') &&
    !leads.some((l) => l.LastName === 'Bulktwo'), `bulk leads: ${JSON.stringify(leads)}`);
}

// sf data upsert bulk by the external id: S-1 updated, S-4 created.
file('upsert.csv', 'Source_Id__c,LastName,Company,Email\n' +
  'S-1,Bulkone,Bulk Upserted,bulk1@example.com\nS-4,Bulkfour,Bulk Co,bulk4@example.com\n');
r = sfOk('data', 'upsert', 'bulk', '-o', 'sim', '--file', 'upsert.csv', '--sobject', 'Lead',
  '--external-id', 'Source_Id__c', '--wait', '2', '--json');
{
  const { jobInfo, records: res } = r.json.result;
  check(jobInfo.state === 'JobComplete' && jobInfo.operation === 'upsert' &&
    jobInfo.externalIdFieldName === 'Source_Id__c' && jobInfo.numberRecordsProcessed === 2 &&
    jobInfo.numberRecordsFailed === 0 && res.failedResults.length === 0 &&
    res.successfulResults.length === 2 && res.successfulResults[0].sf__Created === 'false' &&
    res.successfulResults[1].sf__Created === 'true' &&
    res.successfulResults[1].LastName === 'Bulkfour', `upsert bulk: ${JSON.stringify(r.json.result)}`);
}
{
  const leads = (await records('Lead')).filter((l) => /^Bulk/.test(l.Company || ''));
  const by = (s) => leads.filter((l) => l.Source_Id__c === s);
  check(leads.length === 3 && by('S-1').length === 1 && by('S-1')[0].Company === 'Bulk Upserted' &&
    by('S-4').length === 1 && by('S-4')[0].LastName === 'Bulkfour', `upserted: ${JSON.stringify(leads)}`);
}
// The same, read by a person: a bad Email fails its row, and sf says so.
file('upsert-bad.csv', 'Source_Id__c,LastName,Company,Email\n' +
  'S-5,Bulkfive,Bulk Co,bulk5@example.com\nS-6,Bulksix,Bulk Co,not-an-email\n');
r = sf('data', 'upsert', 'bulk', '-o', 'sim', '--file', 'upsert-bad.csv', '--sobject', 'Lead',
  '--external-id', 'Source_Id__c', '--wait', '2');
check(r.status === 1 && /Job finished being processed but failed to process 1 records\./.test(T(r.err)) &&
  /sf data bulk results/.test(r.err) && /Successful records: 1\b/.test(r.out) &&
  /Failed records: 1\b/.test(r.out) && /Status: JobComplete/.test(r.out),
`upsert bulk, a bad row: exit ${r.status}: ${r.out} ${r.err}`);
{
  const leads = (await records('Lead')).filter((l) => /^S-[56]$/.test(l.Source_Id__c || ''));
  check(leads.length === 1 && leads[0].LastName === 'Bulkfive', `upsert-bad: ${JSON.stringify(leads)}`);
}

// sf data export bulk: one query job, polled, its results read to the
// last Sforce-Locator, as CSV and as JSON.
const exq = "SELECT Id, LastName, Company, Source_Id__c FROM Lead WHERE Source_Id__c != null ORDER BY LastName";
r = sfOk('data', 'export', 'bulk', '-o', 'sim', '-q', exq, '--output-file', 'export.csv',
  '--result-format', 'csv', '--wait', '2', '--json');
check(r.json.result.totalSize === 4, `export bulk: ${JSON.stringify(r.json.result)}`);
{
  const lines = readFileSync(join(home, 'export.csv'), 'utf8').trim().split('\n');
  check(lines.length === 5 && lines[0] === '"Id","LastName","Company","Source_Id__c"' &&
    /^"00Q[0-9A-Za-z]{15}","Bulkfive","Bulk Co","S-5"$/.test(lines[1]) &&
    /"Bulkthree","Bulk Co, ""Ltd""","S-3"$/.test(lines[4]), `export.csv: ${lines.join('|')}`);
}
r = sfOk('data', 'export', 'bulk', '-o', 'sim', '-q', exq, '--output-file', 'export.json',
  '--result-format', 'json', '--wait', '2');
{
  let rows = null;
  try {
    rows = JSON.parse(readFileSync(join(home, 'export.json'), 'utf8'));
  } catch (e) {
    fail(`export.json: ${e.message}`);
  }
  check(rows.length === 4 && rows[0].LastName === 'Bulkfive' && rows[2].Company === 'Bulk Upserted' &&
    rows[3].Company === 'Bulk Co, "Ltd"', `export.json: ${JSON.stringify(rows)}`);
  check(/4/.test(r.out + r.err), `export bulk: ${r.out} ${r.err}`);
}

// --- what the CLI called ---------------------------------------------------------------
step = 'GET /__sim/journal';
const journal = await admin('GET', '/__sim/journal');
const expected = (e) =>
  (e.status === 400 && /ScratchOrgInfo/.test(e.query || '')) ||
  // sf tries the JWT audiences in order; the sim's own URL is the first.
  (jwt && e.status === 400 && e.path.endsWith('/services/oauth2/token') &&
   /audience/.test(e.detail || '')) ||
  (e.status === 404 && e.method === 'GET' && e.path.endsWith(`/sobjects/Lead/${id}`)) ||
  // the tree with a Lead that fails the rule
  (e.status === 400 && e.method === 'POST' && e.path.endsWith('/composite/tree/Lead'));
const bad = journal.filter((e) => e.status >= 500 || (e.status >= 400 && !expected(e)));
check(bad.length === 0, `unexpected answers: ${JSON.stringify(bad.map((e) =>
  `${e.method} ${e.path} ${e.query || ''} -> ${e.status} ${e.detail || ''}`))}`);
check(journal.length > 20, `only ${journal.length} journal entries`);

rmSync(home, { recursive: true, force: true });
process.stdout.write(`sfcli check: ${url}: every command answered as expected ` +
  `(${journal.length} requests)\n`);
