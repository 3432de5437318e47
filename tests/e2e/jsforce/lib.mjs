// What every jsforce check here shares: the sim's URL from the command
// line, the OAuth settings of its default app, one line per check, and
// the exit status once all have run.
export const url = process.argv[2];
export const oauth2 = { loginUrl: url, clientId: 'sfsim-client-id',
                        clientSecret: 'sfsim-client-secret' };
let failed = 0;

export function check(cond, what) {
  console.log(`${cond ? 'ok' : 'not ok'} - ${what}`);
  if (!cond) failed++;
}

// Exits 0 when every check passed, 1 otherwise.
export function done() {
  process.exit(failed ? 1 : 0);
}
