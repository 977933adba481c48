// Users: create, list, get, patch, disable, and the request-validation rules on POST /users.
//
// Readings beyond docs/api.md (the server should match these):
// - role_level_mismatch names the field `role` or `region_code` (either is accepted: the rule
//   is listed under region_code, but a PATCH of role alone can only blame `role`).
// - An unknown role code → 400 invalid_value, field `role`.
// - `display_name` length counts characters, not bytes: 64 CJK characters are accepted,
//   65 characters are not; control characters (U+0000–U+001F, U+007F–U+009F) → invalid_value.
// - A JSON object with a duplicate key, trailing data after the value, or an empty body →
//   400 invalid_json (field null).  Invalid UTF-8 anywhere in the body (bad bytes, overlong
//   forms, encoded surrogates) → 400 invalid_json.
// - A value of JSON null for a required string (display_name) → invalid_type; phone: null is
//   allowed and clears the phone.
// - `username` and `password` are not accepted by PATCH (→ 400 unknown_field).
// - `Content-Type: application/json; charset=utf-8` is accepted; anything else on a write →
//   415 unsupported_media_type.
// - Body > 1 MiB → 413 body_too_large, sent with a Content-Length so the server can refuse
//   before reading it.
// - Lists are ordered by id ascending so that pages neither repeat nor skip.
// - GET /users?disabled=maybe → 400 invalid_parameter, field `disabled`; page=0 / page=abc →
//   400 invalid_parameter, field `page`.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  admin, login, createUser, uniqueName, strongPassword, request, get, post, patch, qs, rawRequest,
  expectError, expectStatus, expectList, expectNoUser, findUsers,
} from './lib.mjs';

let adm;
before(async () => {
  adm = await admin();
});

const TOWNSHIP = '321302001000'; // 幸福街道, 宿城区 (the example in docs/api.md)

function validBody(over = {}) {
  return {
    username: uniqueName('usr'),
    display_name: '王小明',
    role: 'township_worker',
    region_code: TOWNSHIP,
    password: strongPassword(),
    ...over,
  };
}

function checkUserShape(u) {
  for (const k of ['id', 'username', 'display_name', 'role', 'role_name', 'region_code', 'region_name', 'phone', 'disabled', 'must_change_password', 'created_at', 'last_login_at']) {
    assert.ok(k in u, `User.${k} present`);
  }
  assert.ok(Number.isInteger(u.id) && u.id > 0);
  assert.match(u.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'created_at is ISO 8601 UTC');
  assert.equal(typeof u.disabled, 'boolean');
  assert.equal(typeof u.must_change_password, 'boolean');
  for (const k of ['password', 'password_hash', 'permissions']) assert.ok(!(k in u), `no ${k} in a User`);
}

test('create, get, list, patch and disable a user', async () => {
  const body = validBody({ phone: '13812345678', display_name: '李四' });
  const res = await post('/users', adm, body);
  expectStatus(res, 201);
  const u = res.json;
  checkUserShape(u);
  assert.equal(u.username, body.username);
  assert.equal(u.display_name, '李四');
  assert.equal(u.role, 'township_worker');
  assert.equal(u.role_name, '乡镇经办人');
  assert.equal(u.region_code, TOWNSHIP);
  assert.equal(u.region_name, '幸福街道');
  assert.equal(u.phone, '13812345678');
  assert.equal(u.disabled, false);
  assert.equal(u.must_change_password, false);
  assert.equal(u.last_login_at, null);

  const g = await get(`/users/${u.id}`, adm);
  expectStatus(g, 200);
  checkUserShape(g.json);
  assert.deepEqual(g.json, u, 'GET answers the same User as POST');

  const list = expectList(await get(`/users${qs({ q: body.username })}`, adm));
  assert.equal(list.total, 1);
  assert.deepEqual(list.items[0], u);
  assert.equal(list.page, 1);
  assert.equal(list.page_size, 20, 'default page_size is 20');

  // Filters.
  const byRole = expectList(await get(`/users${qs({ q: body.username, role: 'township_worker' })}`, adm));
  assert.equal(byRole.total, 1);
  const byOtherRole = expectList(await get(`/users${qs({ q: body.username, role: 'leader' })}`, adm));
  assert.equal(byOtherRole.total, 0);
  const byRegion = expectList(await get(`/users${qs({ q: body.username, region: '321302000000' })}`, adm));
  assert.equal(byRegion.total, 1, 'region filter covers the subtree');
  const byOtherRegion = expectList(await get(`/users${qs({ q: body.username, region: '321322000000' })}`, adm));
  assert.equal(byOtherRegion.total, 0);

  // Login once: last_login_at is set.
  await login(body.username, body.password);
  const afterLogin = await get(`/users/${u.id}`, adm);
  assert.equal(typeof afterLogin.json.last_login_at, 'string');

  // Patch.
  const p = await patch(`/users/${u.id}`, adm, { display_name: '李四（已调岗）', role: 'township_approver', phone: null });
  expectStatus(p, 200);
  assert.equal(p.json.display_name, '李四（已调岗）');
  assert.equal(p.json.role, 'township_approver');
  assert.equal(p.json.role_name, '乡镇审批人');
  assert.equal(p.json.phone, null);
  assert.equal(p.json.username, body.username);

  const p2 = await patch(`/users/${u.id}`, adm, { region_code: '321302002000', phone: '15900001111' });
  expectStatus(p2, 200);
  assert.equal(p2.json.region_code, '321302002000');
  assert.equal(p2.json.region_name, '项里街道');
  assert.equal(p2.json.phone, '15900001111');
  assert.equal(p2.json.display_name, '李四（已调岗）', 'fields not sent stay as they were');

  // Disable.
  const d = await patch(`/users/${u.id}`, adm, { disabled: true });
  expectStatus(d, 200);
  assert.equal(d.json.disabled, true);
  const disabledList = expectList(await get(`/users${qs({ q: body.username, disabled: 'true' })}`, adm));
  assert.equal(disabledList.total, 1);
  const enabledList = expectList(await get(`/users${qs({ q: body.username, disabled: 'false' })}`, adm));
  assert.equal(enabledList.total, 0);
  expectError(await post('/session', null, { username: body.username, password: body.password }), 403, 'account_disabled');
});

test('duplicate username → 409 conflict', async () => {
  const u = await createUser({ prefix: 'dup' });
  const res = await post('/users', adm, validBody({ username: u.username, display_name: '重名' }));
  expectError(res, 409, 'conflict', 'username');
  const g = await get(`/users/${u.id}`, adm);
  assert.equal(g.json.display_name, u.display_name, 'the existing user is untouched');
  assert.equal((await findUsers(u.username)).items.filter((x) => x.username === u.username).length, 1);
});

test('malformed bodies are refused and create nothing', async () => {
  const name = uniqueName('bad');
  const good = JSON.stringify(validBody({ username: name }));
  const cases = [
    ['malformed JSON', good.slice(0, -5), 'invalid_json'],
    ['trailing data', `${good} {}`, 'invalid_json'],
    ['empty body', '', 'invalid_json'],
    ['an array', `[${good}]`, 'invalid_json'],
    ['a string', JSON.stringify(good), 'invalid_json'],
    ['duplicate key', good.replace(/^\{/, `{"username":"${name}x",`), 'invalid_json'],
  ];
  for (const [what, raw, code] of cases) {
    const res = await request('POST', '/users', { as: adm, raw });
    expectError(res, 400, code, null);
    assert.ok(res.json, `${what}: JSON error body`);
  }
  await expectNoUser(name);
  await expectNoUser(`${name}x`);
});

test('invalid UTF-8 in the body → 400 invalid_json, nothing created', async () => {
  const name = uniqueName('utf');
  const bodyWith = (bytes) =>
    Buffer.concat([
      Buffer.from(`{"username":"${name}","display_name":"王`),
      Buffer.from(bytes),
      Buffer.from(`","role":"township_worker","region_code":"${TOWNSHIP}","password":"${strongPassword()}"}`),
    ]);
  for (const bytes of [[0xff, 0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe4, 0xb8]]) {
    const res = await request('POST', '/users', { as: adm, raw: bodyWith(bytes) });
    expectError(res, 400, 'invalid_json', null);
  }
  await expectNoUser(name);
});

test('wrong types, unknown and missing fields name the field', async () => {
  const cases = [
    [{ username: 12345 }, 'invalid_type', 'username'],
    [{ display_name: ['王'] }, 'invalid_type', 'display_name'],
    [{ display_name: null }, 'invalid_type', 'display_name'],
    [{ role: true }, 'invalid_type', 'role'],
    [{ region_code: 321302001000 }, 'invalid_type', 'region_code'],
    [{ password: { value: 'x' } }, 'invalid_type', 'password'],
    [{ phone: 13812345678 }, 'invalid_type', 'phone'],
    [{ is_admin: true }, 'unknown_field', 'is_admin'],
    [{ id: 1 }, 'unknown_field', 'id'],
    [{ password_hash: '$argon2id$v=19$m=65536,t=3,p=1$xxxx' }, 'unknown_field', 'password_hash'],
  ];
  for (const [over, code, field] of cases) {
    const body = validBody(over);
    expectError(await post('/users', adm, body), 400, code, field);
    if (typeof body.username === 'string') await expectNoUser(body.username);
  }
  for (const key of ['username', 'display_name', 'role', 'region_code', 'password']) {
    const body = validBody();
    delete body[key];
    expectError(await post('/users', adm, body), 400, 'missing_field', key);
    if (body.username) await expectNoUser(body.username);
  }
});

test('value validation: username, display_name, phone, role', async () => {
  const cases = [
    [{ username: "x'; DROP TABLE users;--" }, 'invalid_value', 'username'],
    [{ username: 'a" OR "1"="1' }, 'invalid_value', 'username'],
    [{ username: 'ab' }, 'invalid_value', 'username'],
    [{ username: `a${'b'.repeat(32)}` }, 'invalid_value', 'username'],
    [{ username: `1${uniqueName('d')}` }, 'invalid_value', 'username'],
    [{ username: `_${uniqueName('d')}` }, 'invalid_value', 'username'],
    [{ username: `${uniqueName('sp')} x` }, 'invalid_value', 'username'],
    [{ username: `${uniqueName('zh')}张` }, 'invalid_value', 'username'],
    [{ display_name: '' }, 'invalid_value', 'display_name'],
    [{ display_name: '王'.repeat(65) }, 'invalid_value', 'display_name'],
    [{ display_name: '王\u0007五' }, 'invalid_value', 'display_name'],
    [{ display_name: '王\n五' }, 'invalid_value', 'display_name'],
    [{ display_name: '王\u0085五' }, 'invalid_value', 'display_name'],
    [{ phone: '1381234567' }, 'invalid_value', 'phone'],
    [{ phone: '23812345678' }, 'invalid_value', 'phone'],
    [{ phone: '1381234567a' }, 'invalid_value', 'phone'],
    [{ phone: '+8613812345678' }, 'invalid_value', 'phone'],
    [{ role: 'superuser' }, 'invalid_value', 'role'],
    [{ role: '' }, 'invalid_value', 'role'],
  ];
  for (const [over, code, field] of cases) {
    const body = validBody(over);
    expectError(await post('/users', adm, body), 400, code, field);
    await expectNoUser(body.username);
  }
  // The users table is still there and answers.
  expectList(await get('/users', adm));
});

test('region validation: 12 digits, in the registry, at a level the role allows', async () => {
  const cases = [
    [{ region_code: '32130200100' }, 'invalid_region'],
    [{ region_code: '3213020010000' }, 'invalid_region'],
    [{ region_code: '32130200100X' }, 'invalid_region'],
    [{ region_code: '' }, 'invalid_region'],
    [{ region_code: '321302999000' }, 'invalid_region'],
    [{ region_code: '999999999999' }, 'invalid_region'],
    [{ role: 'township_worker', region_code: '321302000000' }, 'role_level_mismatch'],
    [{ role: 'township_worker', region_code: '321300000000' }, 'role_level_mismatch'],
    [{ role: 'village_worker', region_code: TOWNSHIP }, 'role_level_mismatch'],
    [{ role: 'county_worker', region_code: TOWNSHIP }, 'role_level_mismatch'],
    [{ role: 'auditor', region_code: TOWNSHIP }, 'role_level_mismatch'],
    [{ role: 'city_admin', region_code: '321302001001' }, 'role_level_mismatch'],
  ];
  for (const [over, code] of cases) {
    const body = validBody(over);
    expectError(await post('/users', adm, body), 400, code, code === 'role_level_mismatch' ? ['role', 'region_code'] : 'region_code');
    await expectNoUser(body.username);
  }
  // The same rules on PATCH.
  const u = await createUser({ prefix: 'rgn' });
  expectError(await patch(`/users/${u.id}`, adm, { region_code: '321302999000' }), 400, 'invalid_region', 'region_code');
  expectError(await patch(`/users/${u.id}`, adm, { region_code: '321302000000' }), 400, 'role_level_mismatch', ['role', 'region_code']);
  expectError(await patch(`/users/${u.id}`, adm, { role: 'county_worker' }), 400, 'role_level_mismatch', ['role', 'region_code']);
  const g = await get(`/users/${u.id}`, adm);
  assert.equal(g.json.region_code, TOWNSHIP);
  assert.equal(g.json.role, 'township_worker');
  // A role change together with a fitting region is fine.
  const ok = await patch(`/users/${u.id}`, adm, { role: 'county_worker', region_code: '321302000000' });
  expectStatus(ok, 200);
  assert.equal(ok.json.role, 'county_worker');
  assert.equal(ok.json.region_name, '宿城区');
});

test('password policy on create → 400 weak_password', async () => {
  for (const pw of ['Sh0rt!pw', 'alllowercaseletters', 'ALLUPPERCASE123', 'abcdefghij1234', 'Abcdefghijklmno']) {
    const body = validBody({ password: pw });
    expectError(await post('/users', adm, body), 400, 'weak_password', 'password');
    await expectNoUser(body.username);
  }
  const body = validBody();
  body.password = `Zz9-${body.username}`;
  expectError(await post('/users', adm, body), 400, 'weak_password', 'password');
  await expectNoUser(body.username);
});

test('non-JSON content type → 415; JSON with charset is fine', async () => {
  const body = validBody();
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', null]) {
    const res = await request('POST', '/users', { as: adm, raw: JSON.stringify(body), contentType: ct });
    expectError(res, 415, 'unsupported_media_type');
  }
  await expectNoUser(body.username);
  const ok = await request('POST', '/users', { as: adm, raw: JSON.stringify(body), contentType: 'application/json; charset=utf-8' });
  expectStatus(ok, 201);
  const u = ok.json;
  expectError(await request('PATCH', `/users/${u.id}`, { as: adm, raw: '{"display_name":"x"}', contentType: 'text/plain' }), 415, 'unsupported_media_type');
  assert.equal((await get(`/users/${u.id}`, adm)).json.display_name, body.display_name);
});

test('body over 1 MiB → 413 body_too_large', async () => {
  const name = uniqueName('big');
  const filler = 'a'.repeat(1024 * 1024 + 100);
  const raw = JSON.stringify(validBody({ username: name, display_name: filler }));
  const res = await rawRequest('POST', '/users', {
    headers: { cookie: adm.cookie, 'x-csrf-token': adm.csrf, 'content-type': 'application/json', accept: 'application/json' },
    body: raw,
  });
  expectError(res, 413, 'body_too_large');
  await expectNoUser(name);
  // Just under the limit is parsed (and fails validation on length, not size).
  const under = JSON.stringify(validBody({ username: name, display_name: 'a'.repeat(1024 * 1024 - 400) }));
  assert.ok(Buffer.byteLength(under) < 1024 * 1024);
  expectError(await request('POST', '/users', { as: adm, raw: under }), 400, 'invalid_value', 'display_name');
  await expectNoUser(name);
});

test('nesting deeper than 32 → 400 json_too_deep', async () => {
  const name = uniqueName('deep');
  const deep = (n) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const raw = JSON.stringify(validBody({ username: name })).replace(/\}$/, `,"display_name2":${deep(100)}}`);
  expectError(await request('POST', '/users', { as: adm, raw }), 400, 'json_too_deep', null);
  const objDeep = `${'{"a":'.repeat(64)}1${'}'.repeat(64)}`;
  expectError(await request('POST', '/users', { as: adm, raw: objDeep }), 400, 'json_too_deep', null);
  // Very deep input must not crash the server.
  expectError(await request('POST', '/users', { as: adm, raw: deep(100000) }), 400, 'json_too_deep', null);
  await expectNoUser(name);
  expectStatus(await get('/health'), 200);
});

test('markup and quotes in display_name are stored and returned verbatim as text', async () => {
  for (const dn of ['<script>alert(1)</script>', 'O\'Brien "张"', '&lt;b&gt; & <img src=x onerror=alert(1)>', '王'.repeat(64)]) {
    const u = await createUser({ prefix: 'xss', display_name: dn });
    assert.equal(u.display_name, dn);
    const g = await get(`/users/${u.id}`, adm);
    assert.match(g.headers.get('content-type') || '', /^application\/json/);
    assert.equal(g.json.display_name, dn);
    const l = expectList(await get(`/users${qs({ q: u.username })}`, adm));
    assert.equal(l.items[0].display_name, dn);
  }
});

test('PATCH refuses unknown fields, username, password and wrong types', async () => {
  const u = await createUser({ prefix: 'pat', display_name: '原名' });
  const cases = [
    [{ username: 'renamed' }, 'unknown_field', 'username'],
    [{ password: strongPassword() }, 'unknown_field', 'password'],
    [{ is_admin: true }, 'unknown_field', 'is_admin'],
    [{ disabled: 'yes' }, 'invalid_type', 'disabled'],
    [{ display_name: 5 }, 'invalid_type', 'display_name'],
    [{ display_name: '' }, 'invalid_value', 'display_name'],
    [{ phone: '123' }, 'invalid_value', 'phone'],
    [{ role: 'root' }, 'invalid_value', 'role'],
  ];
  for (const [body, code, field] of cases) {
    expectError(await patch(`/users/${u.id}`, adm, body), 400, code, field);
  }
  expectError(await request('PATCH', `/users/${u.id}`, { as: adm, raw: '[]' }), 400, 'invalid_json', null);
  const g = await get(`/users/${u.id}`, adm);
  assert.equal(g.json.display_name, '原名');
  assert.equal(g.json.username, u.username);
  assert.equal(g.json.disabled, false);
  expectError(await patch('/users/2147483647', adm, { display_name: 'x' }), 404, 'not_found');
  expectError(await get('/users/2147483647', adm), 404, 'not_found');
});

test('pagination: page_size 1–200, pages neither repeat nor skip', async () => {
  const tag = uniqueName('pg');
  const made = [];
  for (let i = 0; i < 3; i += 1) made.push(await createUser({ username: `${tag}x${i}` }));
  const p1 = expectList(await get(`/users${qs({ q: tag, page_size: 2 })}`, adm));
  assert.equal(p1.total, 3);
  assert.equal(p1.page, 1);
  assert.equal(p1.page_size, 2);
  assert.equal(p1.items.length, 2);
  const p2 = expectList(await get(`/users${qs({ q: tag, page_size: 2, page: 2 })}`, adm));
  assert.equal(p2.total, 3);
  assert.equal(p2.page, 2);
  assert.equal(p2.items.length, 1);
  const ids = [...p1.items, ...p2.items].map((u) => u.id).sort((a, b) => a - b);
  assert.deepEqual(ids, made.map((u) => u.id).sort((a, b) => a - b));
  const p3 = expectList(await get(`/users${qs({ q: tag, page_size: 2, page: 3 })}`, adm));
  assert.equal(p3.items.length, 0);
  assert.equal(p3.total, 3);

  expectList(await get(`/users${qs({ page_size: 200 })}`, adm));
  expectList(await get(`/users${qs({ page_size: 1 })}`, adm));
  for (const [param, value] of [['page_size', 0], ['page_size', 201], ['page_size', -1], ['page_size', 'abc'], ['page_size', '1.5'], ['page', 0], ['page', 'abc'], ['disabled', 'maybe']]) {
    expectError(await get(`/users${qs({ [param]: value })}`, adm), 400, 'invalid_parameter', param);
  }
});

test('GET /users/{id} with a non-numeric id is not a 5xx', async () => {
  for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999999']) {
    const res = await get(`/users/${id}`, adm);
    assert.ok([400, 404].includes(res.status), `GET /users/${id} → ${res.status}`);
    assert.ok(res.json?.error?.code, `JSON error for /users/${id}`);
  }
});

// Reading beyond docs/api.md: an administrator cannot disable its own account (400
// invalid_value, field disabled), so that nobody locks the last administrator out by mistake.
test('an administrator cannot disable itself', async () => {
  const me = await createUser({ prefix: 'self', role: 'city_admin', region_code: '321302000000', display_name: '自停测试' });
  const s = await login(me.username, me.password);
  expectError(await patch(`/users/${me.id}`, s, { disabled: true }), 400, 'invalid_value', 'disabled');
  assert.equal((await get(`/users/${me.id}`, adm)).json.disabled, false);
  expectStatus(await get('/session', s), 200);
});
