// Roles: GET /roles lists the nine platform roles with their levels and permissions.
//
// Readings beyond docs/api.md (the server should match these):
// - GET /roles answers the list envelope, ordered by the roles' sort order (city_admin first).
// - `levels` uses the level words of the migration: city, county, township, village.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { admin, userSession, get, expectError, listAll } from './lib.mjs';

let adm;
before(async () => {
  adm = await admin();
});

test('GET /roles lists the platform roles with levels and permissions', async () => {
  const { items } = await listAll('/roles', {}, adm);
  const byCode = Object.fromEntries(items.map((r) => [r.code, r]));
  const expected = {
    city_admin: ['系统管理员', ['city', 'county']],
    county_worker: ['县区经办人', ['county']],
    county_approver: ['县区审批人', ['county']],
    township_worker: ['乡镇经办人', ['township']],
    township_approver: ['乡镇审批人', ['township']],
    village_worker: ['村居协理员', ['village']],
    finance: ['财务人员', ['city', 'county', 'township']],
    leader: ['领导', ['city', 'county', 'township']],
    auditor: ['审计员', ['city', 'county']],
  };
  for (const [code, [name, levels]] of Object.entries(expected)) {
    const r = byCode[code];
    assert.ok(r, `role ${code}`);
    assert.equal(r.name, name);
    assert.deepEqual([...r.levels].sort(), [...levels].sort(), `levels of ${code}`);
    assert.ok(Array.isArray(r.permissions));
  }
  assert.equal(items[0].code, 'city_admin', 'ordered by sort');
  assert.ok(byCode.city_admin.permissions.includes('sys:user:create'));
  assert.ok(!byCode.city_admin.permissions.includes('sys:audit:read'), 'separation of duties');
  assert.ok(byCode.auditor.permissions.includes('sys:audit:verify'));
  assert.ok(!byCode.auditor.permissions.includes('sys:user:create'));
  assert.ok(!byCode.township_worker.permissions.includes('sys:user:read'));
});

test('GET /roles needs sys:role:read', async () => {
  const s = await userSession({ prefix: 'rolw', role: 'county_worker', region_code: '321302000000' });
  expectError(await get('/roles', s), 403, 'forbidden', null);
  expectError(await get('/roles'), 401, 'unauthenticated', null);
});
