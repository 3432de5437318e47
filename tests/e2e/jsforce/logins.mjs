// An unmodified jsforce logs in to sfsim the two ways this file checks:
// conn.login(user, pass) without an OAuth2 client, which jsforce sends as
// the SOAP partner login(), and conn.authorize() with the JWT bearer grant
// (an assertion signed by ../logins/assertion.mjs); each session then
// creates and queries. Usage: node logins.mjs URL KEYFILE, the sim serving
// fixtures/orgs/jwt.json with KEYFILE's certificate; over HTTPS set
// NODE_EXTRA_CA_CERTS to the sim's --tls-ca-out file. Exit 0 when every
// check passed; one line per check.
import jsforce from 'jsforce';
import { assertion, simSeconds, JWT_GRANT } from '../logins/assertion.mjs';

const [url, keyFile] = process.argv.slice(2);
const version = '62.0';
let failed = 0;

function check(cond, what) {
  console.log(`${cond ? 'ok' : 'not ok'} - ${what}`);
  if (!cond) failed++;
}

async function refused(fn, test, what) {
  try {
    await fn();
    check(false, `${what}: refused`);
  } catch (e) {
    check(test(e), `${what}: ${e.name}: ${e.message}`);
  }
}

// SOAP login(): no client id or secret, so jsforce uses SOAP.
const soap = new jsforce.Connection({ loginUrl: url, version });
const who = await soap.login('admin@sfsim.test', 'sfsim-password');
check(who.organizationId === '00D000000000001EAA', 'SOAP login: organization id');
check(who.id === '005000000000001AAA', 'SOAP login: user id');
check(soap.instanceUrl === url, `SOAP login: instance is the sim (${soap.instanceUrl})`);
const created = await soap.sobject('Lead').create({ LastName: 'Soap', Company: 'A' });
check(created.success && created.id.startsWith('00Q'), 'SOAP session: create');
const q = await soap.query(`SELECT Id, LastName FROM Lead WHERE Id = '${created.id}'`);
check(q.totalSize === 1 && q.records[0].LastName === 'Soap', 'SOAP session: query');

const tok = new jsforce.Connection({ loginUrl: url, version });
await tok.login('token@sfsim.test', 'token-passwordT0kenT0kenT0ken');
check(tok.userInfo.id === '005000000000002AAA', 'SOAP login: password and security token');
await refused(() => new jsforce.Connection({ loginUrl: url, version })
  .login('admin@sfsim.test', 'wrong'),
(e) => e.message.startsWith('INVALID_LOGIN: Invalid username, password, security token'),
'SOAP login with a wrong password');

// JWT bearer: conn.authorize() with the grant and the assertion.
const now = await simSeconds(url);
const claims = { iss: 'sfsim-jwt-client', sub: 'admin@sfsim.test', aud: url, exp: now + 180 };
const jwt = new jsforce.Connection({ oauth2: { loginUrl: url }, version });
const info = await jwt.authorize({ grant_type: JWT_GRANT, assertion: assertion(keyFile, claims) });
check(info.organizationId === '00D000000000001EAA' && info.id === '005000000000001AAA',
  'JWT bearer: organization and user from the identity URL');
check(jwt.instanceUrl === url, `JWT bearer: instance is the sim (${jwt.instanceUrl})`);
check(!jwt.refreshToken, 'JWT bearer: no refresh token');
const count = await jwt.query('SELECT COUNT() FROM Lead');
check(count.totalSize === 1, `JWT session: query (${count.totalSize} lead)`);
await refused(() => new jsforce.Connection({ oauth2: { loginUrl: url }, version })
  .authorize({ grant_type: JWT_GRANT,
    assertion: assertion(keyFile, { ...claims, aud: 'https://elsewhere.test' }) }),
(e) => e.name === 'invalid_grant' && e.message === 'audience is invalid',
'JWT bearer with a foreign audience');

process.exit(failed ? 1 : 0);
