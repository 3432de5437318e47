// An unmodified jsforce loads and queries through Bulk API 1.0 against
// sfsim: conn.bulk.load (insert with a failing row, upsert by external id,
// delete), empty input refused, and conn.bulk.query. Usage: node
// check-bulk1.mjs http://127.0.0.1:PORT (the sim must serve
// fixtures/orgs/bulk.json, whose clock is frozen: the check lets it run,
// as jsforce polls in real time). Exit 0 when every check passed.
import jsforce from 'jsforce';

import { url, oauth2, check, done } from './lib.mjs';

await fetch(url + '/__sim/clock', {
  method: 'POST', headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ frozen: false }),
});
const conn = new jsforce.Connection({ oauth2, version: '62.0' });
await conn.login('admin@sfsim.test', 'sfsim-password');
conn.bulk.pollInterval = 200;
conn.bulk.pollTimeout = 20000;

const ins = await conn.bulk.load('Lead', 'insert', [
  { LastName: 'Hopper', Company: 'Navy', Phone: '(555) 123-4567',
    source_lead_id__c: 'B1-1' },
  { LastName: 'Bad Phone', Company: 'Navy', Phone: '12',
    source_lead_id__c: '' },
]);
check(ins.length === 2 && ins[0].success === true && ins[0].created === true &&
      ins[0].id?.startsWith('00Q') && ins[0].id.length === 18,
      `insert: the good row created (${JSON.stringify(ins[0])})`);
check(ins[1].success === false && ins[1].id === null &&
      ins[1].errors[0] ===
        'FIELD_CUSTOM_VALIDATION_EXCEPTION:Please enter a 10-digit phone ' +
        'number.:Phone --',
      `insert: the bad row failed with Salesforce's error (${JSON.stringify(ins[1])})`);

const ups = await conn.bulk.load('Lead', 'upsert',
  { extIdField: 'source_lead_id__c' }, [
    { source_lead_id__c: 'B1-1', LastName: 'Hopper', Company: 'US Navy' },
    { source_lead_id__c: 'B1-2', LastName: 'Lovelace', Company: 'Engines' },
  ]);
check(ups.length === 2 && ups[0].id === ins[0].id && ups[0].created === false &&
      ups[1].success === true && ups[1].created === true,
      `upsert: B1-1 updated in place, B1-2 created (${JSON.stringify(ups)})`);

let refused = null;
try {
  await conn.bulk.load('Lead', 'update', []);
} catch (err) {
  refused = err;
}
check(refused?.name === 'ClientInputError',
      `update of nothing: ClientInputError (${refused?.name})`);

const rows = [];
const stream = await conn.bulk.query(
  'SELECT Id, LastName, Company FROM Lead ORDER BY LastName');
await new Promise((resolve, reject) => {
  stream.on('record', (r) => rows.push(r));
  stream.on('end', resolve);
  stream.on('error', reject);
});
check(rows.length === 2 && rows[0].LastName === 'Hopper' &&
      rows[0].Company === 'US Navy' && rows[1].LastName === 'Lovelace',
      `query: both leads, the update seen (${JSON.stringify(rows)})`);

const del = await conn.bulk.load('Lead', 'delete', [{ Id: ups[1].id }]);
const left = await conn.query('SELECT Id FROM Lead');
check(del.length === 1 && del[0].success === true && left.totalSize === 1,
      `delete: Lovelace gone (${JSON.stringify(del)})`);

done();
