// Audit: every write leaves a hash-chained entry; only auditors read it; refused writes leave none.
//
// Readings beyond docs/api.md (the server should match these):
// - Action names: user.create, user.update (PATCH), user.disable (a PATCH that sets
//   disabled true), user.reset_password
//   (POST /users/{id}/password) — all with object_type "user" and object_id the user's id as
//   text; token.create for POST /users/{id}/tokens.  region_code is the target user's region.
// - An entry's request_id equals the X-Request-Id of the response to the write that made it.
// - before/after hold the user as the API shows it (at least username, display_name, role,
//   region_code, phone, disabled); no password, no password hash, no token anywhere in an entry.
//   user.create: before null, after the new user.  user.update: both, with the changed values.
// - ?actor= filters on the actor's username (actor_name); from/to are inclusive dates
//   (this test only uses ranges that hold whether they are read as UTC or as China time).
// - hash is 64 lowercase hex characters (SHA-256).  List order: seq descending.
// - A write refused by validation (4xx) leaves no entry at all.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  admin, login, createUser, uniqueName, strongPassword, get, post, patch, request, qs,
  expectError, expectStatus, expectList, dayUTC,
} from './lib.mjs';

let adm;
let aud; // auditor session

before(async () => {
  adm = await admin();
  const a = await createUser({ prefix: 'aud', role: 'auditor', region_code: '321300000000', display_name: '审计员' });
  aud = await login(a.username, a.password);
});

function checkEntryShape(e) {
  for (const k of ['seq', 'at', 'actor_id', 'actor_name', 'action', 'object_type', 'object_id', 'region_code', 'before', 'after', 'request_id', 'hash']) {
    assert.ok(k in e, `AuditEntry.${k} present`);
  }
  assert.ok(Number.isInteger(e.seq) && e.seq > 0);
  assert.match(e.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  assert.match(e.hash, /^[0-9a-f]{64}$/);
}

const SECRET_KEYS = /^(password|password_hash|new_password|old_password|token|token_hash)$/;

function secretKeys(v, path = '') {
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => [
    ...(SECRET_KEYS.test(k) ? [`${path}${k}`] : []),
    ...secretKeys(x, `${path}${k}.`),
  ]);
}

function noSecrets(e, ...secrets) {
  const text = JSON.stringify(e);
  for (const s of secrets) assert.ok(!text.includes(s), `audit entry must not contain a secret: ${text}`);
  assert.ok(!text.includes('$argon2'), `audit entry must not contain a password hash: ${text}`);
  assert.deepEqual(secretKeys({ before: e.before, after: e.after }), [], `no secret keys in before/after: ${text}`);
}

/** Entries for one user object, newest first. */
async function entriesFor(id) {
  const b = expectList(await get(`/audit${qs({ object_type: 'user', object_id: String(id), page_size: 200 })}`, aud));
  for (const e of b.items) {
    checkEntryShape(e);
    assert.equal(e.object_type, 'user');
    assert.equal(e.object_id, String(id));
  }
  return b.items;
}

/** The entry written by the request whose X-Request-Id is rid (searching the newest entries). */
async function entryByRequest(rid, params = {}) {
  const b = expectList(await get(`/audit${qs({ ...params, page_size: 200 })}`, aud));
  return b.items.find((e) => e.request_id === rid) || null;
}

test('user writes leave audit entries with before/after and no secrets', async () => {
  const password = strongPassword();
  const username = uniqueName('audu');
  const res = await post('/users', adm, { username, display_name: '审计对象', role: 'township_worker', region_code: '321302001000', password });
  expectStatus(res, 201);
  const id = res.json.id;

  let entries = await entriesFor(id);
  const create = entries.find((e) => e.action === 'user.create');
  assert.ok(create, `user.create entry for ${id}: ${JSON.stringify(entries)}`);
  assert.equal(create.actor_name, adm.username);
  assert.equal(create.actor_id, adm.user.id);
  assert.equal(create.request_id, res.requestId, 'request_id is the X-Request-Id of the write');
  assert.equal(create.region_code, '321302001000');
  assert.equal(create.before, null);
  assert.ok(create.after && typeof create.after === 'object', 'after holds the new user');
  assert.equal(create.after.username, username);
  assert.equal(create.after.display_name, '审计对象');
  assert.equal(create.after.role, 'township_worker');
  assert.equal(create.after.region_code, '321302001000');
  noSecrets(create, password);

  const p = await patch(`/users/${id}`, adm, { display_name: '审计对象（改）', phone: '13900001234' });
  expectStatus(p, 200);
  entries = await entriesFor(id);
  const update = entries.find((e) => e.request_id === p.requestId);
  assert.ok(update, 'PATCH leaves an entry');
  assert.equal(update.action, 'user.update');
  assert.equal(update.before.display_name, '审计对象');
  assert.equal(update.after.display_name, '审计对象（改）');
  assert.equal(update.before.phone ?? null, null);
  assert.equal(update.after.phone, '13900001234');
  assert.ok(update.seq > create.seq);
  noSecrets(update, password);

  const d = await patch(`/users/${id}`, adm, { disabled: true });
  expectStatus(d, 200);
  const disable = (await entriesFor(id)).find((e) => e.request_id === d.requestId);
  assert.ok(disable, 'disabling leaves an entry');
  assert.equal(disable.action, 'user.disable');
  assert.equal(disable.before.disabled, false);
  assert.equal(disable.after.disabled, true);
  expectStatus(await patch(`/users/${id}`, adm, { disabled: false }), 200);

  const newPw = strongPassword();
  const r = await post(`/users/${id}/password`, adm, { password: newPw });
  expectStatus(r, 204);
  const reset = (await entriesFor(id)).find((e) => e.request_id === r.requestId);
  assert.ok(reset, 'password reset leaves an entry');
  assert.equal(reset.action, 'user.reset_password');
  noSecrets(reset, password, newPw);

  const t = await post(`/users/${id}/tokens`, adm, { name: '审计令牌' });
  expectStatus(t, 201);
  const tok = await entryByRequest(t.requestId, { actor: adm.username });
  assert.ok(tok, 'token creation leaves an entry');
  assert.equal(tok.action, 'token.create');
  noSecrets(tok, password, newPw, t.json.token);

  // Newest first.
  entries = await entriesFor(id);
  for (let i = 1; i < entries.length; i += 1) assert.ok(entries[i - 1].seq > entries[i].seq, 'seq descending');
  assert.ok(entries.length >= 5, `create, 3 updates, reset: ${entries.length}`);
});

test('audit filters: action, actor, object, dates, paging', async () => {
  const u = await createUser({ prefix: 'audf' });
  const byAction = expectList(await get(`/audit${qs({ action: 'user.create', object_id: String(u.id), object_type: 'user' })}`, aud));
  assert.equal(byAction.total, 1);
  assert.equal(byAction.items[0].action, 'user.create');

  const byActor = expectList(await get(`/audit${qs({ actor: adm.username, page_size: 50 })}`, aud));
  assert.ok(byActor.total >= 1);
  for (const e of byActor.items) assert.equal(e.actor_name, adm.username);

  const onlyCreates = expectList(await get(`/audit${qs({ action: 'user.create', page_size: 50 })}`, aud));
  for (const e of onlyCreates.items) assert.equal(e.action, 'user.create');

  const around = expectList(await get(`/audit${qs({ object_type: 'user', object_id: String(u.id), from: dayUTC(-1), to: dayUTC(1) })}`, aud));
  assert.equal(around.total, 1, 'from/to around today include the entry');
  const later = expectList(await get(`/audit${qs({ object_type: 'user', object_id: String(u.id), from: dayUTC(2) })}`, aud));
  assert.equal(later.total, 0, 'from after today excludes it');
  const earlier = expectList(await get(`/audit${qs({ object_type: 'user', object_id: String(u.id), to: dayUTC(-2) })}`, aud));
  assert.equal(earlier.total, 0, 'to before today excludes it');

  const page = expectList(await get(`/audit${qs({ page_size: 2 })}`, aud));
  assert.equal(page.page_size, 2);
  assert.ok(page.items.length <= 2);
  for (const [param, value] of [['page_size', 0], ['page_size', 201], ['from', '2025-13-01'], ['to', 'yesterday'], ['from', '2025/01/01']]) {
    expectError(await get(`/audit${qs({ [param]: value })}`, aud), 400, 'invalid_parameter', param);
  }
});

test('GET /audit/verify → ok true for an auditor', async () => {
  const res = await get('/audit/verify', aud);
  expectStatus(res, 200);
  assert.equal(res.json.ok, true);
  assert.ok(Number.isInteger(res.json.checked) && res.json.checked >= 1, `checked: ${res.json.checked}`);
  assert.equal(res.json.first_broken, null);
});

test('a city_admin lacks sys:audit:read and sys:audit:verify → 403', async () => {
  expectError(await get('/audit', adm), 403, 'forbidden', null);
  expectError(await get('/audit/verify', adm), 403, 'forbidden', null);
  expectError(await get('/audit'), 401, 'unauthenticated', null);
});

test('refused writes leave no audit entry', async () => {
  // A dedicated actor, so that no other test's writes can move its count.
  const actorRec = await createUser({ prefix: 'audx', role: 'city_admin', region_code: '321300000000', display_name: '审计计数' });
  const actor = await login(actorRec.username, actorRec.password);
  const count = async () => expectList(await get(`/audit${qs({ actor: actor.username, page_size: 1 })}`, aud)).total;
  const before = await count();

  const base = () => ({ username: uniqueName('audn'), display_name: '不应创建', role: 'township_worker', region_code: '321302001000', password: strongPassword() });
  const refused = [
    await post('/users', actor, { ...base(), password: 'weak' }),
    await post('/users', actor, { ...base(), extra: 1 }),
    await post('/users', actor, { ...base(), region_code: '321302999000' }),
    await post('/users', actor, { ...base(), region_code: '321302000000' }),
    await post('/users', actor, { ...base(), username: "x'; DROP TABLE users;--" }),
    await request('POST', '/users', { as: actor, raw: '{"username":' }),
    await post('/users', actor, base(), { csrf: false }),
    await patch(`/users/${actorRec.id}`, actor, { display_name: '' }),
    await patch('/users/2147483647', actor, { display_name: 'x' }),
    await post(`/users/${actorRec.id}/password`, actor, { password: 'weak' }),
  ];
  for (const r of refused) assert.ok(r.status >= 400 && r.status < 500, `refused: ${r.status} ${r.text}`);
  assert.equal(await count(), before, 'no entry for refused writes');
  for (const r of refused) {
    if (r.requestId) assert.equal(await entryByRequest(r.requestId), null, `no entry for request ${r.requestId}`);
  }

  // A successful write by the same actor is counted (the filter works).
  const ok = await post('/users', actor, base());
  expectStatus(ok, 201);
  assert.equal(await count(), before + 1);
});
