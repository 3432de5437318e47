// An unmodified jsforce against sfsim's sObject Collections: arrays given
// to create, update, upsert, retrieve and destroy go out as one
// composite/sobjects call each (jsforce does so from API v42.0, upsert
// from v46.0), with per-record results, allOrNone both ways, and the
// sim's journal showing each record's fate. Usage: node collections.mjs
// http://127.0.0.1:PORT (the sim must serve fixtures/orgs/custom-fields.json).
// Exit 0 when every check passed; prints one line per check.
import jsforce from 'jsforce';

import { url, oauth2, check, done } from './lib.mjs';

async function admin(path) {
  const r = await fetch(url + path);
  return r.json();
}

const conn = new jsforce.Connection({ oauth2, version: '62.0' });
await conn.login('admin@sfsim.test', 'sfsim-password');
const Lead = conn.sobject('Lead');

const created = await Lead.create([
  { LastName: 'Coll1', Company: 'Acme', Email: 'c1@example.com' },
  { Company: 'No last name' },
  { LastName: 'Coll3', Company: 'Acme' },
]);
check(Array.isArray(created) && created.length === 3,
      'create([...]): one result per record');
check(created[0].success && created[0].id.startsWith('00Q') &&
      created[2].success, 'create: the valid records are created');
check(!created[1].success && created[1].id === undefined &&
      created[1].errors[0].statusCode === 'REQUIRED_FIELD_MISSING',
      `create: the invalid one fails alone (${JSON.stringify(created[1])})`);
const ids = [created[0].id, created[2].id];

const journal = await admin('/__sim/journal');
const records = journal.filter((e) => e.kind === 'record');
check(records.length === 3 &&
      records.map((e) => e.verdict).join() ===
        'created,rejected_required,created' &&
      records[0].record_id === ids[0] && records[0].fields.LastName === 'Coll1',
      'journal: one entry per record with its verdict, id and fields');

const rolled = await Lead.create([
  { LastName: 'Rolled', Company: 'Acme' },
  { Company: 'No last name' },
], { allOrNone: true });
check(rolled.every((r) => !r.success) &&
      rolled[0].errors[0].statusCode === 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      'create with allOrNone: everything rolled back');
check((await admin('/__sim/records/Lead')).length === 2,
      'allOrNone: nothing of it is stored');

const updated = await Lead.update([
  { Id: ids[0], Company: 'Beta' },
  { Id: ids[1], Email: 'not an email' },
]);
check(updated[0].success && updated[0].id === ids[0] && !updated[1].success &&
      updated[1].errors[0].statusCode === 'INVALID_EMAIL_ADDRESS',
      'update([...]): per-record results');

const got = await Lead.retrieve(ids);
check(got.length === 2 && got[0].Company === 'Beta' &&
      got[1].LastName === 'Coll3', 'retrieve([...]): the records, in order');

const ups = await Lead.upsert([
  { source_lead_id__c: 'JS-1', LastName: 'Up', Company: 'A' },
  { source_lead_id__c: 'JS-2', LastName: 'Up2', Company: 'A' },
], 'source_lead_id__c');
check(ups.every((r) => r.success && r.created === true),
      'upsert([...]): created by external id');
const ups2 = await Lead.upsert([
  { source_lead_id__c: 'JS-1', Company: 'B' },
], 'source_lead_id__c');
check(ups2[0].success && ups2[0].created === false &&
      ups2[0].id === ups[0].id, 'upsert([...]): the same record updated');

const destroyed = await Lead.destroy([ids[0], ids[1], ups[0].id]);
check(destroyed.length === 3 && destroyed.every((r) => r.success) &&
      destroyed[0].id === ids[0], 'destroy([...]): every record deleted');
const left = await conn.query('SELECT COUNT() FROM Lead');
check(left.totalSize === 1, `one lead left (${left.totalSize})`);

done();
