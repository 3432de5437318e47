// An unmodified, widely used Salesforce client (jsforce) against sfsim:
// log in, create, query, upsert, survive a token expiry by refreshing, and
// see Salesforce's errors. Usage: node check.mjs http://127.0.0.1:PORT
// (the sim must serve fixtures/orgs/custom-fields.json). Exit 0 when every
// check passed; prints one line per check.
import jsforce from 'jsforce';

import { url, oauth2, check, done } from './lib.mjs';

async function admin(path, body) {
  const r = await fetch(url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return r.json();
}

const conn = new jsforce.Connection({ oauth2, version: '62.0' });
const who = await conn.login('admin@sfsim.test', 'sfsim-password');
check(who.organizationId === '00D000000000001EAA', 'login: organization id');
check(conn.instanceUrl === url, 'login: instance_url points at the sim');

const created = await conn.sobject('Lead').create(
  { LastName: 'Jsforce', Company: 'Acme', Email: 'js@example.com' });
check(created.success && created.id.startsWith('00Q') &&
      created.id.length === 18, 'create: 18-character Lead id');

const q = await conn.query(
  "SELECT Id, Email FROM Lead WHERE Email = 'JS@example.com'");
check(q.totalSize === 1 && q.records[0].Id === created.id,
      'query: case-insensitive equality finds the lead');

const got = await conn.sobject('Lead').retrieve(created.id);
check(got.Company === 'Acme' && got.Status === 'Open - Not Contacted',
      'retrieve: fields and the Status default');

const up1 = await conn.sobject('Lead').upsert(
  { source_lead_id__c: 'L-1', LastName: 'Upsert', Company: 'A' },
  'source_lead_id__c');
check(up1.success && up1.created === true, 'upsert: inserts first');
const up2 = await conn.sobject('Lead').upsert(
  { source_lead_id__c: 'L-1', LastName: 'Upsert2', Company: 'A' },
  'source_lead_id__c');
check(up2.success && up2.created === false && up2.id === up1.id,
      'upsert: updates the same record the second time');

try {
  await conn.sobject('Lead').create({ Company: 'No last name' });
  check(false, 'create without LastName fails');
} catch (e) {
  check(e.errorCode === 'REQUIRED_FIELD_MISSING',
        `create without LastName fails with REQUIRED_FIELD_MISSING (${e.errorCode})`);
}

const pair = await admin('/__sim/tokens', {});
const conn2 = new jsforce.Connection({
  oauth2, instanceUrl: url, version: '62.0',
  accessToken: pair.access_token, refreshToken: pair.refresh_token });
let refreshed = false;
conn2.on('refresh', () => { refreshed = true; });
await admin('/__sim/tokens/expire', {});
const after = await conn2.sobject('Lead').create(
  { LastName: 'AfterExpiry', Company: 'B' });
check(after.success && refreshed,
      'expired session: jsforce refreshes the token and the call succeeds');

const count = await conn2.query('SELECT COUNT() FROM Lead');
check(count.totalSize === 3, `count: three leads stored (${count.totalSize})`);

done();
