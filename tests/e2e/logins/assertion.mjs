// An RS256 JWT bearer assertion signed with a PEM private key file, made
// with Node's own crypto (no JWT library): what a client sends to
// /services/oauth2/token with grant_type jwt-bearer. Shared by the login
// checks of jsforce (../jsforce/logins.mjs) and of nsc.mjs.
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';

const b64url = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');

export function assertion(keyFile, claims) {
  const input = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(claims)}`;
  const sig = createSign('RSA-SHA256').update(input)
    .sign(readFileSync(keyFile), 'base64url');
  return `${input}.${sig}`;
}

// The sim's clock in seconds (exp is checked against simulated time).
export async function simSeconds(url) {
  const clock = await (await fetch(`${url}/__sim/clock`)).json();
  return Math.floor(clock.epoch_ms / 1000);
}

export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
