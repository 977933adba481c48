// Shared helpers for the black-box API tests (node:test + global fetch, no dependencies).
//
// Environment:
//   MZ_URL             base URL of a running server, e.g. http://127.0.0.1:18080 (default http://127.0.0.1:8080)
//   MZ_ADMIN_USER      a city_admin at 321300000000
//   MZ_ADMIN_PASSWORD  its password
//   MZ_BIN             (optional) path of the minzheng binary, for `minzheng user add`
//   MZ_DB              (optional) the database URL the server uses (SQLite path or postgresql://…)
//   MZ_STORE           (optional) 'sqlite' or 'postgresql': /health must report this store
//
// Every test creates its own users with unique names, so the suite can run again and again
// against the same database, in any order, on SQLite and on PostgreSQL.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

export const BASE = (process.env.MZ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
export const API = `${BASE}/api/v1`;
export const ADMIN_USER = process.env.MZ_ADMIN_USER || '';
export const ADMIN_PASSWORD = process.env.MZ_ADMIN_PASSWORD || '';
export const MZ_BIN = process.env.MZ_BIN || '';
export const MZ_DB = process.env.MZ_DB || '';

export const CITY = '321300000000';
export const COUNTY = {
  suchengqu: '321302000000', // 宿城区
  suyuqu: '321311000000', // 宿豫区
  shuyangxian: '321322000000', // 沭阳县
  siyangxian: '321323000000', // 泗阳县
  sihongxian: '321324000000', // 泗洪县
  kaifaqu: '321371000000', // 宿迁经济技术开发区
};

const REQUEST_TIMEOUT_MS = 20000;

// ---------------------------------------------------------------- names, passwords, dates

let counter = 0;
const runTag = `${Date.now().toString(36)}${process.pid.toString(36)}`.slice(-10);

/** A username unique across runs: letter first, ≤ 32 characters of [A-Za-z0-9_.-]. */
export function uniqueName(prefix = 'u') {
  counter += 1;
  const p = prefix.replace(/[^A-Za-z0-9]/g, '').slice(0, 8) || 'u';
  return `${/^[A-Za-z]/.test(p) ? p : `u${p}`}_${runTag}_${counter}`.slice(0, 32);
}

/** A password that satisfies the policy (≥ 10, 4 classes) and contains no username. */
export function strongPassword() {
  return `Mz-${randomBytes(6).toString('hex')}Qa7!`;
}

/** YYYY-MM-DD of today (UTC) shifted by `days`. */
export function dayUTC(days = 0) {
  return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

export function qs(params = {}) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null) u.append(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

// ---------------------------------------------------------------- HTTP

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * request(method, path, opts) → {status, headers, json, text, requestId}
 *   path     relative to /api/v1 (e.g. '/users'), or an absolute URL
 *   as       a session from login() ({cookie, csrf}) or {bearer: token}
 *   body     a value sent as JSON
 *   raw      a string or Buffer sent as is
 *   contentType  overrides the content type (null: send none)
 *   csrf     true (default: send the session's csrf_token on writes), false (send none),
 *            or a string to send instead
 *   headers  extra headers
 * Never throws for HTTP errors; throws only when the connection fails.
 */
export async function request(method, path, opts = {}) {
  const { as, body, raw, headers = {}, csrf = true } = opts;
  const h = { accept: 'application/json' };
  if (as?.cookie) h.cookie = as.cookie;
  if (as?.bearer) h.authorization = `Bearer ${as.bearer}`;
  if (typeof csrf === 'string') h['x-csrf-token'] = csrf;
  else if (csrf === true && as?.csrf && WRITE.has(method)) h['x-csrf-token'] = as.csrf;
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) {
    const ct = 'contentType' in opts ? opts.contentType : 'application/json';
    if (ct !== null) h['content-type'] = ct;
  }
  Object.assign(h, headers);
  const url = /^https?:/.test(path) ? path : API + path;
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: h,
      body: payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeout ?? REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    const cause = err.cause ? ` (${err.cause.code || err.cause.message})` : '';
    throw new Error(`${method} ${url} failed: ${err.message}${cause}`, { cause: err });
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json, text, requestId: res.headers.get('x-request-id') };
}

export const get = (path, as, opts = {}) => request('GET', path, { ...opts, as });
export const post = (path, as, body, opts = {}) => request('POST', path, { ...opts, as, body });
export const patch = (path, as, body, opts = {}) => request('PATCH', path, { ...opts, as, body });
export const del = (path, as, opts = {}) => request('DELETE', path, { ...opts, as });

/**
 * A request through node:http, for bodies the server may refuse before reading them
 * (a refused upload can make fetch fail with EPIPE/ECONNRESET after the answer arrived).
 * Resolves with the answer if one arrives; rejects only if none does.
 */
export function rawRequest(method, path, { headers = {}, body } = {}) {
  const url = new URL(/^https?:/.test(path) ? path : API + path);
  const mod = url.protocol === 'https:' ? https : http;
  const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn, v) => {
      if (!settled) {
        settled = true;
        fn(v);
      }
    };
    const req = mod.request(
      url,
      { method, headers: { ...headers, ...(data ? { 'content-length': data.length } : {}) } },
      (res) => {
        const chunks = [];
        const done = () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = null;
          }
          finish(resolve, { status: res.statusCode, headers: res.headers, json, text });
        };
        res.on('data', (c) => chunks.push(c));
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    req.on('error', (err) => finish(reject, err));
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
    if (data) req.write(data, () => {});
    req.end();
  });
}

// ---------------------------------------------------------------- assertions

function show(res) {
  return `${res.status} ${String(res.text ?? '').slice(0, 500)}`;
}

/** Asserts the status (a number or a list of numbers), with the body in the message. */
export function expectStatus(res, status, what = '') {
  const ok = Array.isArray(status) ? status.includes(res.status) : res.status === status;
  assert.ok(ok, `${what ? `${what}: ` : ''}expected HTTP ${status}, got ${show(res)}`);
}

/**
 * Asserts an error answer: status, error.code (a string or a list of accepted codes), and, when
 * `field` is given (a string, null, or a list of accepted values), error.field.  The shape is always
 * {"error":{"code","message","field"}} with a non-empty message.
 */
export function expectError(res, status, code, field) {
  expectStatus(res, status);
  assert.ok(res.json && typeof res.json === 'object' && res.json.error, `no error object: ${show(res)}`);
  const e = res.json.error;
  const codes = Array.isArray(code) ? code : [code];
  assert.ok(codes.includes(e.code), `expected error.code ${codes.join('|')}, got ${show(res)}`);
  assert.equal(typeof e.message, 'string', `error.message: ${show(res)}`);
  assert.ok(e.message.length > 0, `empty error.message: ${show(res)}`);
  assert.ok('field' in e, `error.field missing (must be a name or null): ${show(res)}`);
  if (Array.isArray(field)) assert.ok(field.includes(e.field), `expected error.field ${field.join('|')}: ${show(res)}`);
  else if (field !== undefined) assert.equal(e.field, field, `error.field: ${show(res)}`);
  return e;
}

export const hasChinese = (s) => /[\u4e00-\u9fff]/.test(String(s));

/** Asserts a list envelope {items, total, page, page_size}. */
export function expectList(res) {
  expectStatus(res, 200);
  const b = res.json;
  assert.ok(b && Array.isArray(b.items), `no items array: ${show(res)}`);
  for (const k of ['total', 'page', 'page_size']) {
    assert.ok(Number.isInteger(b[k]), `list.${k} must be an integer: ${show(res)}`);
  }
  return b;
}

// ---------------------------------------------------------------- sessions and users

export function requireAdminEnv() {
  if (!ADMIN_USER || !ADMIN_PASSWORD) {
    throw new Error('MZ_ADMIN_USER and MZ_ADMIN_PASSWORD must name a city_admin at 321300000000');
  }
}

/** The mz_session cookie pair ("mz_session=…") from a response, or null. */
export function sessionCookie(res) {
  const list =
    typeof res.headers.getSetCookie === 'function'
      ? res.headers.getSetCookie()
      : [res.headers.get('set-cookie')].filter(Boolean);
  const c = list.find((s) => /^\s*mz_session=/.test(s));
  return c ? { pair: c.split(';')[0].trim(), full: c } : null;
}

/** Logs in; returns {cookie, csrf, user, username, password, setCookie}. Throws on failure. */
export async function login(username, password) {
  const res = await request('POST', '/session', { body: { username, password } });
  if (res.status !== 200) throw new Error(`login as ${username} failed: ${show(res)}`);
  const c = sessionCookie(res);
  if (!c) throw new Error(`login as ${username}: no mz_session cookie`);
  return { cookie: c.pair, setCookie: c.full, csrf: res.json.csrf_token, user: res.json.user, username, password };
}

let adminPromise = null;
/** The admin session (one login per test file). */
export function admin() {
  if (!adminPromise) {
    adminPromise = (async () => {
      requireAdminEnv();
      return login(ADMIN_USER, ADMIN_PASSWORD);
    })();
    adminPromise.catch(() => {
      adminPromise = null;
    });
  }
  return adminPromise;
}

/**
 * Creates a user through POST /users as `as` (default: the admin); asserts 201.
 * Returns the User answer plus {password}.
 */
export async function createUser(fields = {}, as = null) {
  const who = as || (await admin());
  const body = {
    username: fields.username || uniqueName(fields.prefix || 'u'),
    display_name: fields.display_name || '测试用户',
    role: fields.role || 'township_worker',
    region_code: fields.region_code || '321302001000',
    password: fields.password || strongPassword(),
  };
  if ('phone' in fields) body.phone = fields.phone;
  const res = await post('/users', who, body);
  expectStatus(res, 201, `create user ${body.username} (${body.role} @ ${body.region_code})`);
  return { ...res.json, password: body.password };
}

/** Creates a user and logs in as it. */
export async function userSession(fields = {}) {
  const u = await createUser(fields);
  const s = await login(u.username, u.password);
  return { ...s, id: u.id, record: u };
}

/** GET /users?q=NAME as admin: users whose username contains NAME. */
export async function findUsers(name, as = null) {
  const res = await get(`/users${qs({ q: name, page_size: 200 })}`, as || (await admin()));
  return expectList(res);
}

/** Asserts that no user named exactly `username` exists (as seen by the admin). */
export async function expectNoUser(username) {
  const list = await findUsers(username);
  assert.equal(
    list.items.filter((u) => u.username === username).length,
    0,
    `user ${username} must not have been created`,
  );
}

/**
 * `minzheng --db MZ_DB user add …` through the CLI (needs MZ_BIN and MZ_DB); --db is a global
 * option and goes before the command.  Returns {status, stdout, stderr}.
 */
export function cliAddUser({ username, role, region, displayName, password }) {
  const r = spawnSync(
    MZ_BIN,
    [
      '--db', MZ_DB,
      'user', 'add',
      '--username', username,
      '--role', role,
      '--region', region,
      '--display-name', displayName,
      '--password-stdin',
    ],
    { input: `${password}\n`, encoding: 'utf8', timeout: 30000, env: { ...process.env, MZ_DB } },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

// ---------------------------------------------------------------- lists and regions

/** All items of a list endpoint, following pages (page_size 200). */
export async function listAll(path, params, as) {
  const items = [];
  for (let page = 1; page < 1000; page += 1) {
    const res = await get(`${path}${qs({ ...params, page, page_size: 200 })}`, as);
    const b = expectList(res);
    items.push(...b.items);
    if (b.items.length === 0 || items.length >= b.total) return { items, total: b.total };
  }
  throw new Error(`too many pages at ${path}`);
}

/** Child regions of `code` (all pages). */
export async function childRegions(code, as = null) {
  return (await listAll('/regions', { parent: code }, as || (await admin()))).items;
}

/** Runs `fn` over `items` with at most `width` calls in flight. */
export async function inBatches(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next;
      next += 1;
      out[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/** The 9-digit prefix that every code in a township's subtree shares. */
export const townshipPrefix = (code) => code.slice(0, 9);
/** The 6-digit prefix that every code in a county's subtree shares. */
export const countyPrefix = (code) => code.slice(0, 6);

/** Whether `code` lies in the subtree of `root` (by the 12-digit code structure). */
export function inSubtree(code, root) {
  if (root.endsWith('0000000000')) return code.startsWith(root.slice(0, 2)); // province
  if (root.endsWith('00000000')) return code.startsWith(root.slice(0, 4)); // city
  if (root.endsWith('000000')) return code.startsWith(root.slice(0, 6)); // county
  if (root.endsWith('000')) return code.startsWith(root.slice(0, 9)); // township
  return code === root; // village
}

/**
 * Asserts that two 404 answers cannot be told apart: equal bodies once each request's own key
 * (an id or a code, which a message may echo) is replaced by a placeholder.
 */
export function expectSameNotFound(outside, outsideKey, missing, missingKey) {
  expectError(outside, 404, 'not_found');
  expectError(missing, 404, 'not_found');
  const norm = (res, key) => JSON.parse(res.text.split(String(key)).join('<KEY>'));
  assert.deepEqual(norm(outside, outsideKey), norm(missing, missingKey), 'out of scope looks exactly like nonexistent');
}
