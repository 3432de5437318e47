#!/usr/bin/env node
// A lead-delivery client for sfconform, written from the README's "Write a
// client for sfconform" section alone (Node 20, no packages).
//
// Its own choices, where the contract leaves them open:
//   * one event loop, 8 leads in flight, kept-alive connections;
//   * no shared refresh: every request that meets a 401 asks for a token
//     of its own, and the newest one wins;
//   * the token is also refreshed ahead of time, once it has been idle for
//     auth.session_timeout_seconds - auth.refresh_margin_seconds;
//   * equal-jitter backoff: the wait before retry n is uniform in
//     [b/2, b], b = min(backoff_max_ms, backoff_ms * 2^(n-1));
//   * profile 4xx-retried: a 4xx other than 401 is retried like a 5xx.
//
// Run it as: sfconform --client "node /path/deliver.mjs"
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const IN_FLIGHT = 8;
const DAY_MS = 24 * 3600 * 1000;
const RECONCILE_BATCH = 100;

const env = process.env;
const stateDir = env.SFCONFORM_STATE;
const t0 = performance.now();
const now0 = Date.parse(env.SFCONFORM_NOW);
// Simulated time: the run's start plus the real time elapsed since.
const now = () => Math.floor(now0 + (performance.now() - t0));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function loadState(name, dflt) {
  try {
    return JSON.parse(fs.readFileSync(path.join(stateDir, name), 'utf8'));
  } catch {
    return dflt;
  }
}

function saveState(name, value) {
  const file = path.join(stateDir, name);
  fs.writeFileSync(file + '.tmp', JSON.stringify(value));
  fs.renameSync(file + '.tmp', file);
}

// --- fields and bodies ------------------------------------------------------

function valueAt(lead, dotted) {
  let v = lead;
  for (const part of dotted.split('.')) {
    if (v === null || typeof v !== 'object' || !(part in v)) return undefined;
    v = v[part];
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function fieldsOf(buyer, lead) {
  const out = {};
  const mapping =
    buyer.mapping ?? Object.fromEntries(Object.keys(lead).map((k) => [k, k]));
  for (const [src, dst] of Object.entries(mapping)) {
    const v = valueAt(lead, src);
    if (v !== undefined) out[dst] = v;
  }
  for (const [k, v] of Object.entries(buyer.static_fields ?? {}))
    if (!(k in out)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

function formatOf(buyer) {
  const ct = buyer.delivery.content_type ?? 'application/x-www-form-urlencoded';
  return buyer.delivery.format ?? (ct.includes('urlencoded') ? 'form' : 'sobject');
}

function bodyOf(buyer, fields) {
  switch (formatOf(buyer)) {
    case 'form':
      return new URLSearchParams(Object.entries(fields)).toString();
    case 'flow':
      return JSON.stringify({ inputs: [fields] });
    default:
      return JSON.stringify(fields);
  }
}

// --- HTTP -------------------------------------------------------------------

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: IN_FLIGHT }),
};

// {status, headers, body}; status 0 when no whole answer came back (no
// connection, closed or reset, timed out, cut short).
function request(method, url, headers, body, timeoutMs) {
  return new Promise((resolve) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    let done = false;
    const finish = (r) => {
      if (!done) {
        done = true;
        resolve(r);
      }
    };
    const req = mod.request(
      u,
      { method, headers, agent: agents[u.protocol], timeout: timeoutMs },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('aborted', () => finish({ status: 0, headers: {}, body: 'aborted' }));
        res.on('error', (e) => finish({ status: 0, headers: {}, body: String(e) }));
        res.on('end', () => {
          if (!res.complete) return finish({ status: 0, headers: {}, body: 'cut short' });
          finish({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error('timed out'));
    }, timeoutMs);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => finish({ status: 0, headers: {}, body: String(e) }));
    req.on('close', () => clearTimeout(timer));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// --- tokens: per request, no sharing ----------------------------------------

class Tokens {
  constructor(buyer) {
    this.auth = buyer.auth;
    const saved = loadState('token.json', {});
    const hdr = (buyer.delivery.headers ?? {}).Authorization ?? '';
    this.token = saved.token ?? (/^bearer /i.test(hdr) ? hdr.slice(7) : null);
    this.lastOk = saved.last_ok ?? null;
    this.failed = null;
    const a = this.auth ?? {};
    this.idleMs =
      ((a.session_timeout_seconds ?? 7200) - (a.refresh_margin_seconds ?? 300)) * 1000;
  }

  idle() {
    return this.auth && this.lastOk !== null && now() - this.lastOk >= this.idleMs;
  }

  // One token request, for the caller alone. true when it worked.
  async refresh() {
    const a = this.auth;
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: a.client_id ?? '',
      client_secret: a.client_secret ?? '',
      refresh_token: a.refresh_token ?? '',
    }).toString();
    const r = await request(
      'POST',
      a.token_url,
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      form,
      30000,
    );
    let tok = null;
    try {
      if (r.status === 200) tok = JSON.parse(r.body).access_token ?? null;
    } catch {
      tok = null;
    }
    if (!tok) {
      this.failed = `token refresh failed (${r.status})`;
      return false;
    }
    this.token = tok;
    this.lastOk = now();
    return true;
  }

  save() {
    if (this.auth) saveState('token.json', { token: this.token, last_ok: this.lastOk });
  }
}

// --- gates before sending -----------------------------------------------------

const norm = (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v);

function gate(buyer, lead, dedup) {
  for (const f of buyer.filters ?? []) {
    const v = valueAt(lead, f.field);
    if (v === undefined || v.trim() === '') {
      if (f.required) return 'rejected';
      continue;
    }
    if (f.pattern !== undefined && !new RegExp(f.pattern).test(v)) return 'rejected';
    if (f.allowed !== undefined && !f.allowed.includes(v)) return 'rejected';
  }
  const sup = buyer.suppression;
  if (sup) {
    const values = new Set((sup.values ?? []).map(norm));
    for (const p of sup.fields ?? []) {
      const v = valueAt(lead, p);
      if (v !== undefined && values.has(norm(v))) return 'suppressed';
    }
  }
  const dd = buyer.dedup;
  if (dd) {
    const t = now();
    const windowMs = (dd.window_seconds ?? 86400) * 1000;
    const vals = (dd.fields ?? []).map((p) => [p, norm(valueAt(lead, p))]);
    let keys;
    if ((dd.match ?? 'any') === 'all')
      keys = vals.every(([, v]) => v) ? [vals.map(([p, v]) => `${p}=${v}`).join('\u001f')] : [];
    else keys = vals.filter(([, v]) => v).map(([p, v]) => `${p}=${v}`);
    for (const k of keys) {
      const seen = dedup[k];
      if (seen && seen.id !== lead.id && t - seen.t < windowMs) return 'duplicate';
    }
    for (const k of keys) dedup[k] = { id: lead.id, t };
  }
  if (buyer.paused) return 'held';
  return null;
}

// --- the Web-to-Lead budget ---------------------------------------------------

class Budget {
  constructor(buyer) {
    this.oid = formatOf(buyer) === 'form' ? (buyer.static_fields ?? {}).oid ?? null : null;
    this.limit = buyer.web_to_lead?.daily_budget ?? 500;
    this.all = loadState('w2l-budget.json', {});
    this.posts = this.oid !== null ? this.all[this.oid] ?? [] : [];
  }

  take() {
    if (this.oid === null) return true;
    const t = now();
    this.posts = this.posts.filter((p) => p > t - DAY_MS);
    if (this.posts.length >= this.limit) return false;
    this.posts.push(t);
    return true;
  }

  save() {
    if (this.oid === null) return;
    this.all[this.oid] = this.posts;
    saveState('w2l-budget.json', this.all);
  }
}

// --- one lead -----------------------------------------------------------------

async function deliver(buyer, lead, tokens, budget) {
  const d = buyer.delivery;
  const retry = buyer.retry ?? {};
  const maxRetries = retry.max_retries ?? 3;
  const base = retry.backoff_ms ?? 500;
  const cap = retry.backoff_max_ms ?? 60000;
  const timeout = d.timeout_ms ?? 30000;
  const body = bodyOf(buyer, fieldsOf(buyer, lead));
  let attempts = 0;
  let retries = 0;
  let reauths = 0;
  for (;;) {
    if (tokens.failed) return ['held', attempts, { error: tokens.failed }];
    if (tokens.idle() && !(await tokens.refresh()))
      return ['held', attempts, { error: tokens.failed }];
    if (!budget.take()) return ['held', attempts, { reason: 'web_to_lead budget used up' }];
    const headers = {
      ...(d.headers ?? {}),
      'Content-Type': d.content_type ?? 'application/x-www-form-urlencoded',
    };
    if (tokens.auth && tokens.token) headers.Authorization = `Bearer ${tokens.token}`;
    headers['Content-Length'] = Buffer.byteLength(body);
    attempts++;
    const r = await request('POST', d.url, headers, body, timeout);
    if (r.status >= 200 && r.status < 300) {
      if (tokens.auth && tokens.token) tokens.lastOk = now();
      return ['delivered', attempts, { status: r.status }];
    }
    if (r.status === 401) {
      // Each request fetches its own token; a token that still meets a
      // 401 three times over means the credentials, not the session.
      if (tokens.auth && ++reauths <= 3 && (await tokens.refresh())) continue;
      return ['held', attempts, { error: tokens.failed ?? '401 without a usable refresh' }];
    }
    if (retries >= maxRetries) return ['delivery_failed', attempts, { status: r.status }];
    retries++;
    const b = Math.min(cap, base * 2 ** (retries - 1));
    let wait = b / 2 + (Math.random() * b) / 2;
    const ra = String(r.headers['retry-after'] ?? '');
    if ((r.status === 429 || r.status === 503) && /^\d+$/.test(ra))
      wait = Math.max(wait, Number(ra) * 1000);
    await sleep(wait);
  }
}

// Web-to-Lead answers 200 for leads it drops: the ids of the leads the org
// does not hold (none when it cannot be asked).
async function reconcile(buyer, tokens, delivered) {
  const rc = buyer.reconcile;
  await sleep(rc.wait_ms ?? 2000);
  const field = rc.match_field;
  const want = new Map();
  for (const lead of delivered) {
    const v = valueAt(lead, rc.lead_field ?? 'id');
    if (v !== undefined) want.set(v, lead.id);
  }
  const keys = [...want.keys()];
  const found = new Set();
  for (let i = 0; i < keys.length; i += RECONCILE_BATCH) {
    const chunk = keys.slice(i, i + RECONCILE_BATCH);
    const list = chunk.map((k) => `'${k.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
    const q = `SELECT ${field} FROM ${rc.object ?? 'Lead'} WHERE ${field} IN (${list.join(',')})`;
    const url = `${rc.query_url}?${new URLSearchParams({ q })}`;
    let r = { status: 401 };
    for (let t = 0; t < 2 && r.status === 401; t++) {
      if ((t > 0 || !tokens.token) && !(await tokens.refresh())) return new Set();
      r = await request('GET', url, { Authorization: `Bearer ${tokens.token}` }, undefined, 30000);
    }
    if (r.status !== 200) return new Set();
    for (const rec of JSON.parse(r.body).records ?? []) found.add(String(rec[field]));
  }
  return new Set(keys.filter((k) => !found.has(k)).map((k) => want.get(k)));
}

async function main() {
  const buyer = JSON.parse(fs.readFileSync(env.SFCONFORM_BUYER, 'utf8'));
  const leads = fs
    .readFileSync(env.SFCONFORM_LEADS, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
  const tokens = new Tokens(buyer);
  const budget = new Budget(buyer);
  const dedup = loadState('dedup.json', {});
  const results = new Map();
  const todo = [];
  for (const lead of leads) {
    const stopped = gate(buyer, lead, dedup);
    if (stopped) results.set(lead.id, [stopped, 0, {}]);
    else todo.push(lead);
  }
  if (buyer.dedup) saveState('dedup.json', dedup);

  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const lead = todo[next++];
      try {
        results.set(lead.id, await deliver(buyer, lead, tokens, budget));
      } catch (e) {
        results.set(lead.id, ['held', 0, { error: String(e) }]);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, todo.length) }, worker));

  if (buyer.reconcile) {
    const delivered = todo.filter((l) => results.get(l.id)[0] === 'delivered');
    if (delivered.length > 0)
      for (const id of await reconcile(buyer, tokens, delivered))
        results.set(id, ['delivery_failed', results.get(id)[1], { reason: 'silently_dropped' }]);
  }
  const lines = leads.map((lead) => {
    const [outcome, attempts, extra] = results.get(lead.id);
    return JSON.stringify({ lead_id: lead.id, outcome, attempts, ...extra }) + '\n';
  });
  fs.appendFileSync(env.SFCONFORM_OUTCOMES, lines.join(''));
  tokens.save();
  budget.save();
  for (const a of Object.values(agents)) a.destroy();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
