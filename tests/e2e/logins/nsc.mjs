// node-salesforce-connection, a small client independent of jsforce (its
// own SOAP envelopes and XML parser), hard-codes https:// and port 443.
// Against sfsim over HTTPS on HOST:443 it logs in through SOAP and
// through the JWT bearer grant, then creates and queries over REST.
// Usage: node nsc.mjs HOST KEYFILE with NODE_EXTRA_CA_CERTS set to the
// sim's --tls-ca-out file (the sim serving fixtures/orgs/jwt.json with
// KEYFILE's certificate). Exit 0 when every check passed.
import SalesforceConnection from 'node-salesforce-connection';
import { assertion, simSeconds, JWT_GRANT } from './assertion.mjs';

const [host, keyFile] = process.argv.slice(2);
const url = `https://${host}`;
const apiVersion = '62.0';
let failed = 0;

function check(cond, what) {
  console.log(`${cond ? 'ok' : 'not ok'} - ${what}`);
  if (!cond) failed++;
}

const sf = new SalesforceConnection();
const res = await sf.soapLogin({ hostname: host, apiVersion,
  username: 'admin@sfsim.test', password: 'sfsim-password' });
check(res.userId === '005000000000001AAA', 'SOAP login: user id');
check(res.userInfo.organizationId === '00D000000000001EAA', 'SOAP login: organization id');
check(sf.instanceHostname === host, `SOAP login: the instance is the sim (${sf.instanceHostname})`);
const created = await sf.rest(`/services/data/v${apiVersion}/sobjects/Lead`,
  { method: 'POST', body: { LastName: 'Nsc', Company: 'B' } });
check(created.success === true, 'SOAP session: create over REST');
const q = await sf.rest(`/services/data/v${apiVersion}/query/?q=${
  encodeURIComponent("SELECT Id FROM Lead WHERE LastName = 'Nsc'")}`);
check(q.totalSize === 1 && q.records[0].Id === created.id, 'SOAP session: query');

try {
  await new SalesforceConnection().soapLogin({ hostname: host, apiVersion,
    username: 'admin@sfsim.test', password: 'wrong' });
  check(false, 'SOAP login with a wrong password: refused');
} catch (e) {
  check(e.message === 'INVALID_LOGIN: Invalid username, password, security token; or user locked out.',
    `SOAP login with a wrong password: ${e.message}`);
}

const jwt = new SalesforceConnection();
const exp = (await simSeconds(url)) + 180;
const token = await jwt.oauthToken(host, { grant_type: JWT_GRANT,
  assertion: assertion(keyFile, { iss: 'sfsim-jwt-client', sub: 'admin@sfsim.test', aud: url, exp }) });
check(token.instance_url === url && !token.refresh_token, 'JWT bearer: instance_url, no refresh token');
const q2 = await jwt.rest(`/services/data/v${apiVersion}/query/?q=${
  encodeURIComponent('SELECT COUNT() FROM Lead')}`);
check(q2.totalSize === 1, 'JWT session: query');

process.exit(failed ? 1 : 0);
