// An unmodified jsforce loads and queries through Bulk API 2.0 against
// sfsim: conn.bulk2.loadAndWaitForResults (insert with a failing row, then
// upsert by external id) and conn.bulk2.query. Usage: node check-bulk.mjs
// http://127.0.0.1:PORT (the sim must serve fixtures/orgs/bulk.json). That
// org's clock is frozen, and jsforce polls in real time, so the check lets
// the clock run first: at the org's 100 rows a second these jobs finish
// within jsforce's first polls. Exit 0 when every check passed.
import jsforce from 'jsforce';

import { url, oauth2, check, done } from './lib.mjs';

await fetch(url + '/__sim/clock', {
  method: 'POST', headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ frozen: false }),
});
const conn = new jsforce.Connection({ oauth2, version: '62.0' });
await conn.login('admin@sfsim.test', 'sfsim-password');
conn.bulk2.pollInterval = 200;
conn.bulk2.pollTimeout = 20000;

// jsforce takes the CSV header from the first record: it names them all.
const ins = await conn.bulk2.loadAndWaitForResults({
  object: 'Lead', operation: 'insert',
  input: [
    { LastName: 'Hopper', Company: 'Navy', Phone: '(555) 123-4567',
      source_lead_id__c: 'J-1' },
    { LastName: 'Bad Phone', Company: 'Navy', Phone: '12',
      source_lead_id__c: '' },
  ],
});
check(ins.successfulResults.length === 1 &&
      ins.successfulResults[0].sf__Created === 'true' &&
      ins.successfulResults[0].sf__Id.startsWith('00Q') &&
      ins.successfulResults[0].LastName === 'Hopper',
      'insert: the good row in successfulResults, sf__Created true');
check(ins.failedResults.length === 1 && ins.failedResults[0].sf__Id === '' &&
      ins.failedResults[0].sf__Error ===
        'FIELD_CUSTOM_VALIDATION_EXCEPTION:Please enter a 10-digit phone ' +
        'number.:Phone --',
      `insert: the bad row in failedResults (${ins.failedResults[0]?.sf__Error})`);
check(ins.unprocessedRecords.length === 0, 'insert: nothing unprocessed');

const ups = await conn.bulk2.loadAndWaitForResults({
  object: 'Lead', operation: 'upsert', externalIdFieldName: 'source_lead_id__c',
  input: [
    { source_lead_id__c: 'J-1', LastName: 'Hopper', Company: 'US Navy' },
    { source_lead_id__c: 'J-2', LastName: 'Lovelace', Company: 'Engines' },
  ],
});
const byKey = Object.fromEntries(
  ups.successfulResults.map((r) => [r.source_lead_id__c, r]));
check(byKey['J-1']?.sf__Created === 'false' &&
      byKey['J-1']?.sf__Id === ins.successfulResults[0].sf__Id &&
      byKey['J-2']?.sf__Created === 'true',
      'upsert: J-1 updated in place, J-2 created');

const stream = await conn.bulk2.query(
  'SELECT Id, LastName, Company FROM Lead ORDER BY LastName');
const rows = await stream.toArray();
check(rows.length === 2 && rows[0].LastName === 'Hopper' &&
      rows[0].Company === 'US Navy' && rows[1].LastName === 'Lovelace',
      `query: both leads, the update seen (${JSON.stringify(rows)})`);

done();
