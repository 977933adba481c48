// Region scope: every read and write is limited to the caller's region subtree, and whatever
// lies outside it looks exactly like something that does not exist.
//
// Cast (created through the admin API each run):
//   countyAdmin  city_admin        at 宿城区 321302000000 (a county administrator)
//   approverA    township_approver at township A of 宿城区
//   workerA      township_worker   at township A
//   workerB      township_worker   at township B of 宿城区
//   countyB      county_worker     at 宿城区 (to move around inside the county)
//   workerS      township_worker   at a township of 沭阳县
//
// Readings beyond docs/api.md (the server should match these):
// - Out-of-scope records answer 404 not_found with exactly the body a nonexistent record
//   gets (a message may echo the requested id or code; bodies are compared with that
//   replaced), for GET/PATCH /users/{id}, POST /users/{id}/password and POST /users/{id}/tokens,
//   and for GET /regions/{code} and GET /regions?parent=CODE.  The scope check comes before
//   body validation, so a valid body is refused with 404 too.
// - GET /regions?code=OUTSIDE and GET /users?region=OUTSIDE reveal nothing: either 404 or an
//   empty list (both accepted here).
// - Creating a user or moving one (PATCH region_code) to a region outside the caller's
//   subtree → 400 invalid_region, field region_code (as docs/api.md says for region_code);
//   that includes the city root for a county administrator, so it cannot raise anybody,
//   itself included, above its county.
// - GET /regions with neither parameter answers the caller's own region as a one-item list.
// - Lacking a permission gives 403 forbidden even for one's own record.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  admin, login, createUser, uniqueName, strongPassword, get, post, patch, qs,
  expectError, expectStatus, expectList, expectNoUser, expectSameNotFound, childRegions, listAll, inSubtree, COUNTY,
} from './lib.mjs';

let adm;
let A; // township A of 宿城区 (a Region)
let B; // township B of 宿城区
let villageB; // a village in B
let villageA; // a village in A
let S; // a township of 沭阳县
const u = {}; // records
const s = {}; // sessions

before(async () => {
  adm = await admin();
  const townships = (await childRegions(COUNTY.suchengqu)).filter((r) => r.has_children);
  assert.ok(townships.length >= 2, '宿城区 has at least two townships with villages');
  [A, B] = townships;
  villageA = (await childRegions(A.code))[0];
  const bVillages = await childRegions(B.code);
  const aNames = (await childRegions(A.code)).map((r) => r.name);
  // Prefer a village of B whose name no village of A contains, so that q= must find nothing.
  villageB = bVillages.find((v) => !aNames.some((n) => n.includes(v.name))) || bVillages[0];
  S = (await childRegions(COUNTY.shuyangxian)).find((r) => r.has_children);
  assert.ok(A && B && villageA && villageB && S, 'test regions found');

  u.countyAdmin = await createUser({ prefix: 'scca', role: 'city_admin', region_code: COUNTY.suchengqu, display_name: '宿城区管理员' });
  u.approverA = await createUser({ prefix: 'scap', role: 'township_approver', region_code: A.code, display_name: 'A审批人' });
  u.workerA = await createUser({ prefix: 'scwa', role: 'township_worker', region_code: A.code, display_name: 'A经办人' });
  u.workerB = await createUser({ prefix: 'scwb', role: 'township_worker', region_code: B.code, display_name: 'B经办人' });
  u.countyB = await createUser({ prefix: 'sccw', role: 'county_worker', region_code: COUNTY.suchengqu, display_name: '宿城经办' });
  u.workerS = await createUser({ prefix: 'scws', role: 'township_worker', region_code: S.code, display_name: '沭阳经办人' });
  s.countyAdmin = await login(u.countyAdmin.username, u.countyAdmin.password);
  s.approverA = await login(u.approverA.username, u.approverA.password);
  s.workerA = await login(u.workerA.username, u.workerA.password);
});

const MISSING_ID = 2147483647;
const MISSING_REGION = '321302999999';

async function adminView(id) {
  const res = await get(`/users/${id}`, adm);
  expectStatus(res, 200);
  return res.json;
}

test('the township approver lists only users of its own township subtree', async () => {
  const { items, total } = await listAll('/users', {}, s.approverA);
  assert.equal(items.length, total);
  for (const x of items) assert.ok(inSubtree(x.region_code, A.code), `${x.username} at ${x.region_code} is outside ${A.code}`);
  const ids = new Set(items.map((x) => x.id));
  assert.ok(ids.has(u.approverA.id) && ids.has(u.workerA.id), 'sees the users of A');
  for (const k of ['workerB', 'workerS', 'countyAdmin', 'countyB']) assert.ok(!ids.has(u[k].id), `does not see ${k}`);

  const q = expectList(await get(`/users${qs({ q: u.workerB.username })}`, s.approverA));
  assert.equal(q.total, 0, 'q= does not find a user of B');
  const r = await get(`/users${qs({ region: B.code })}`, s.approverA);
  assert.ok(r.status === 404 || (r.status === 200 && r.json.total === 0 && r.json.items.length === 0), `?region=B reveals nothing: ${r.status} ${r.text}`);
});

test('a user of township B is 404 to the approver of A, same body as a nonexistent id', async () => {
  const missing = await get(`/users/${MISSING_ID}`, s.approverA);
  const outside = await get(`/users/${u.workerB.id}`, s.approverA);
  expectSameNotFound(outside, u.workerB.id, missing, MISSING_ID);
  const inside = await get(`/users/${u.workerA.id}`, s.approverA);
  expectStatus(inside, 200);
  assert.equal(inside.json.username, u.workerA.username);
});

test('regions of township B are invisible to the approver of A', async () => {
  const missing = await get(`/regions/${MISSING_REGION}`, s.approverA);
  const outside = await get(`/regions/${B.code}`, s.approverA);
  expectSameNotFound(outside, B.code, missing, MISSING_REGION);
  expectSameNotFound(
    await get(`/regions${qs({ parent: B.code })}`, s.approverA), B.code,
    await get(`/regions${qs({ parent: MISSING_REGION })}`, s.approverA), MISSING_REGION,
  );
  expectError(await get(`/regions/${villageB.code}`, s.approverA), 404, 'not_found');
  expectError(await get(`/regions/${COUNTY.shuyangxian}`, s.approverA), 404, 'not_found');
  expectError(await get(`/regions${qs({ parent: B.code })}`, s.approverA), 404, 'not_found');
  expectError(await get(`/regions${qs({ parent: COUNTY.suchengqu })}`, s.approverA), 404, 'not_found');

  const byCode = await get(`/regions${qs({ code: B.code })}`, s.approverA);
  assert.ok(byCode.status === 404 || (byCode.status === 200 && byCode.json.items.length === 0), `?code=B reveals nothing: ${byCode.status} ${byCode.text}`);

  const search = await get(`/regions${qs({ q: villageB.name, page_size: 200 })}`, s.approverA);
  const found = expectList(search);
  for (const r of found.items) assert.ok(inSubtree(r.code, A.code), `q= found ${r.code} ${r.name} outside A`);
  assert.ok(!found.items.some((r) => r.code === villageB.code), 'q= does not find the village of B');
  const aNames = (await childRegions(A.code)).map((r) => r.name);
  if (!aNames.some((n) => n.includes(villageB.name))) assert.equal(found.total, 0, `q=${villageB.name} finds nothing`);

  // Its own subtree is visible.
  const own = expectList(await get('/regions', s.approverA));
  assert.deepEqual(own.items.map((r) => r.code), [A.code], 'no parameter: the caller’s own region');
  expectStatus(await get(`/regions/${A.code}`, s.approverA), 200);
  expectStatus(await get(`/regions/${villageA.code}`, s.approverA), 200);
  const kids = expectList(await get(`/regions${qs({ parent: A.code, page_size: 200 })}`, s.approverA));
  assert.ok(kids.items.length > 0 && kids.items.every((r) => inSubtree(r.code, A.code)));
});

test('the county administrator cannot read or change a user in 沭阳县 (404), nothing changes', async () => {
  const before = await adminView(u.workerS.id);
  const missing = await get(`/users/${MISSING_ID}`, s.countyAdmin);
  const g = await get(`/users/${u.workerS.id}`, s.countyAdmin);
  expectSameNotFound(g, u.workerS.id, missing, MISSING_ID);

  const p = await patch(`/users/${u.workerS.id}`, s.countyAdmin, { display_name: '被越权修改', disabled: true });
  expectSameNotFound(p, u.workerS.id, await patch(`/users/${MISSING_ID}`, s.countyAdmin, { display_name: 'x' }), MISSING_ID);

  const newPw = strongPassword();
  expectError(await post(`/users/${u.workerS.id}/password`, s.countyAdmin, { password: newPw }), 404, 'not_found');
  expectError(await post(`/users/${u.workerS.id}/tokens`, s.countyAdmin, { name: '越权令牌' }), 404, 'not_found');

  const after = await adminView(u.workerS.id);
  assert.deepEqual(after, before, 'the 沭阳 user is unchanged');
  // Its password is unchanged too.
  const ls = await login(u.workerS.username, u.workerS.password);
  assert.equal(ls.user.must_change_password, false);
  expectError(await post('/session', null, { username: u.workerS.username, password: newPw }), 401, 'auth_failed');

  // Its list holds only 宿城区.
  const { items } = await listAll('/users', {}, s.countyAdmin);
  for (const x of items) assert.ok(inSubtree(x.region_code, COUNTY.suchengqu), `${x.username} at ${x.region_code} outside 宿城区`);
  assert.ok(items.some((x) => x.id === u.workerB.id), 'sees users of its county');
  assert.ok(!items.some((x) => x.id === u.workerS.id));
});

test('the county administrator cannot create users outside its county (400 invalid_region)', async () => {
  const cases = [
    { role: 'township_worker', region_code: S.code },
    { role: 'county_worker', region_code: COUNTY.shuyangxian },
    { role: 'city_admin', region_code: '321300000000' },
    { role: 'auditor', region_code: '321300000000' },
  ];
  for (const c of cases) {
    const body = { username: uniqueName('scno'), display_name: '越权创建', password: strongPassword(), ...c };
    expectError(await post('/users', s.countyAdmin, body), 400, 'invalid_region', 'region_code');
    await expectNoUser(body.username);
  }
  // Inside its county it may.
  const ok = await post('/users', s.countyAdmin, {
    username: uniqueName('scok'), display_name: '县内新建', role: 'township_worker', region_code: B.code, password: strongPassword(),
  });
  expectStatus(ok, 201);
  assert.equal(ok.json.region_code, B.code);
});

test('the county administrator cannot move anyone (itself included) outside its county', async () => {
  const beforeB = await adminView(u.countyB.id);
  const cases = [
    [u.countyB.id, { region_code: COUNTY.shuyangxian }],
    [u.countyB.id, { role: 'city_admin', region_code: '321300000000' }],
    [u.workerB.id, { region_code: S.code }],
    [u.countyAdmin.id, { region_code: '321300000000' }],
  ];
  for (const [id, body] of cases) {
    expectError(await patch(`/users/${id}`, s.countyAdmin, body), 400, 'invalid_region', 'region_code');
  }
  assert.deepEqual(await adminView(u.countyB.id), beforeB);
  assert.equal((await adminView(u.workerB.id)).region_code, B.code);
  assert.equal((await adminView(u.countyAdmin.id)).region_code, COUNTY.suchengqu);
  // Within the county it may.
  const ok = await patch(`/users/${u.workerB.id}`, s.countyAdmin, { display_name: 'B经办人（县内修改）' });
  expectStatus(ok, 200);
});

test('missing permissions → 403 forbidden, and nothing changes', async () => {
  // township_worker has no sys:user:read.
  expectError(await get('/users', s.workerA), 403, 'forbidden', null);
  expectError(await get(`/users/${u.workerA.id}`, s.workerA), 403, 'forbidden', null);
  expectError(await get('/roles', s.workerA), 403, 'forbidden', null);
  const body = { username: uniqueName('scfb'), display_name: '无权创建', role: 'township_worker', region_code: A.code, password: strongPassword() };
  expectError(await post('/users', s.workerA, body), 403, 'forbidden', null);
  await expectNoUser(body.username);

  // township_approver reads users but may not change them.
  const beforeW = await adminView(u.workerA.id);
  expectError(await patch(`/users/${u.workerA.id}`, s.approverA, { display_name: '无权修改' }), 403, 'forbidden', null);
  expectError(await post(`/users/${u.workerA.id}/password`, s.approverA, { password: strongPassword() }), 403, 'forbidden', null);
  expectError(await post(`/users/${u.workerA.id}/tokens`, s.approverA, { name: '无权令牌' }), 403, 'forbidden', null);
  const body2 = { ...body, username: uniqueName('scfb') };
  expectError(await post('/users', s.approverA, body2), 403, 'forbidden', null);
  await expectNoUser(body2.username);
  assert.deepEqual(await adminView(u.workerA.id), beforeW);
  // Nor read the audit log.
  expectError(await get('/audit', s.approverA), 403, 'forbidden', null);
});
