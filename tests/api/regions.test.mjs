// Regions: the Suqian registry as the city administrator sees it.
//
// Readings beyond docs/api.md (the server should match these):
// - level_name: 2 市, 3 县区, 4 乡镇街道, 5 村居.  The root 宿迁市 has parent_code null (the
//   province is not in the registry) and kind null; counties have kind null; townships and
//   villages have kind 'urban' or 'rural'; a village's kind follows its code: village part
//   001–199 urban, 200–399 rural (other parts, e.g. 4xx/5xx of farms and parks, not checked).
// - Names are the official ones of the registry, with their suffixes (幸福街道, 宿城区,
//   宿迁经济技术开发区).
// - GET /regions/{code}: `path` runs from the city root down to the region itself, inclusive.
// - GET /regions?code=CODE: a list envelope with that one region.
// - Children are ordered by code.
// - A malformed code (not 12 digits) → 400 invalid_region or invalid_parameter, field = the
//   parameter's name (`code` for the path part, `parent`/`code` for the query).  A well-formed
//   code that is not in the registry → 404 not_found.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  admin, get, qs, expectError, expectStatus, expectList, listAll, inBatches, CITY, COUNTY,
} from './lib.mjs';

let adm;
before(async () => {
  adm = await admin();
});

const LEVEL_NAMES = { 2: '市', 3: '县区', 4: '乡镇街道', 5: '村居' };

function checkRegion(r) {
  for (const k of ['code', 'name', 'level', 'level_name', 'parent_code', 'kind', 'has_children']) assert.ok(k in r, `Region.${k} present in ${JSON.stringify(r)}`);
  assert.match(r.code, /^\d{12}$/);
  assert.equal(typeof r.name, 'string');
  assert.ok(r.name.length > 0);
  assert.equal(r.level_name, LEVEL_NAMES[r.level], `level_name of ${r.code}`);
  assert.equal(typeof r.has_children, 'boolean');
}

test('the root list for the city administrator is 宿迁市', async () => {
  const b = expectList(await get('/regions', adm));
  assert.equal(b.items.length, 1);
  assert.equal(b.total, 1);
  const r = b.items[0];
  checkRegion(r);
  assert.equal(r.code, CITY);
  assert.equal(r.name, '宿迁市');
  assert.equal(r.level, 2);
  assert.equal(r.parent_code, null);
  assert.equal(r.kind, null);
  assert.equal(r.has_children, true);
});

test('宿迁市 has the 6 county-level regions with their real names', async () => {
  const b = expectList(await get(`/regions${qs({ parent: CITY })}`, adm));
  assert.equal(b.total, 6);
  const byCode = Object.fromEntries(b.items.map((r) => [r.code, r]));
  assert.deepEqual(Object.keys(byCode).sort(), Object.values(COUNTY).sort());
  assert.equal(byCode[COUNTY.suchengqu].name, '宿城区');
  assert.equal(byCode[COUNTY.suyuqu].name, '宿豫区');
  assert.equal(byCode[COUNTY.shuyangxian].name, '沭阳县');
  assert.equal(byCode[COUNTY.siyangxian].name, '泗阳县');
  assert.equal(byCode[COUNTY.sihongxian].name, '泗洪县');
  assert.match(byCode[COUNTY.kaifaqu].name, /经济技术开发区$/);
  for (const r of b.items) {
    checkRegion(r);
    assert.equal(r.level, 3);
    assert.equal(r.parent_code, CITY);
    assert.equal(r.kind, null);
    assert.equal(r.has_children, true);
  }
  const codes = b.items.map((r) => r.code);
  assert.deepEqual(codes, [...codes].sort(), 'children ordered by code');
});

test('the registry holds 109 townships and 1,440 villages, with levels and kinds', async () => {
  const townships = (await inBatches(Object.values(COUNTY), 6, async (c) => (await listAll('/regions', { parent: c }, adm)).items)).flat();
  assert.equal(townships.length, 109, 'townships');
  for (const t of townships) {
    checkRegion(t);
    assert.equal(t.level, 4);
    assert.equal(t.parent_code, `${t.code.slice(0, 6)}000000`);
    assert.ok(['urban', 'rural'].includes(t.kind), `kind of township ${t.code}: ${t.kind}`);
    assert.ok(t.code.endsWith('000') && !t.code.endsWith('000000'));
  }
  const villagesPer = await inBatches(townships, 8, async (t) => (await listAll('/regions', { parent: t.code }, adm)).items);
  const villages = villagesPer.flat();
  assert.equal(villages.length, 1440, 'villages');
  townships.forEach((t, i) => assert.equal(t.has_children, villagesPer[i].length > 0, `has_children of ${t.code}`));
  let urban = 0;
  let rural = 0;
  for (const v of villages) {
    checkRegion(v);
    assert.equal(v.level, 5);
    assert.equal(v.has_children, false);
    assert.equal(v.parent_code, `${v.code.slice(0, 9)}000`);
    const part = Number(v.code.slice(9));
    if (part >= 1 && part <= 199) {
      assert.equal(v.kind, 'urban', `kind of ${v.code} ${v.name}`);
      urban += 1;
    } else if (part >= 200 && part <= 399) {
      assert.equal(v.kind, 'rural', `kind of ${v.code} ${v.name}`);
      rural += 1;
    }
  }
  assert.ok(urban > 0 && rural > 0, `both kinds present (urban ${urban}, rural ${rural})`);
  assert.equal(new Set(villages.map((v) => v.code)).size, 1440, 'no village listed twice');
});

test('the example township 幸福街道 and a name search', async () => {
  const g = await get('/regions/321302001000', adm);
  expectStatus(g, 200);
  checkRegion(g.json);
  assert.equal(g.json.name, '幸福街道');
  assert.equal(g.json.level, 4);
  assert.equal(g.json.parent_code, COUNTY.suchengqu);
  assert.equal(g.json.kind, 'urban');
  assert.equal(g.json.has_children, true);

  const one = expectList(await get(`/regions${qs({ code: '321302001000' })}`, adm));
  assert.equal(one.items.length, 1);
  assert.equal(one.items[0].code, '321302001000');

  const q = expectList(await get(`/regions${qs({ q: '幸福街道', page_size: 50 })}`, adm));
  assert.ok(q.items.some((r) => r.code === '321302001000'), 'q=幸福街道 finds it');
  for (const r of q.items) assert.ok(r.name.includes('幸福街道'), `${r.name} contains the query`);

  const paged = expectList(await get(`/regions${qs({ q: '委会', page_size: 5 })}`, adm));
  assert.equal(paged.page_size, 5);
  assert.ok(paged.items.length <= 5);
  assert.ok(paged.total > 5, 'q= totals count all matches, not one page');
  const p2 = expectList(await get(`/regions${qs({ q: '委会', page_size: 5, page: 2 })}`, adm));
  assert.equal(p2.total, paged.total);
  const seen = new Set(paged.items.map((r) => r.code));
  for (const r of p2.items) assert.ok(!seen.has(r.code), 'pages do not repeat');
});

test('GET /regions/{village} has a path from 宿迁市 down to the village', async () => {
  const villages = (await listAll('/regions', { parent: '321302001000' }, adm)).items;
  assert.ok(villages.length > 0);
  const v = villages[0];
  const res = await get(`/regions/${v.code}`, adm);
  expectStatus(res, 200);
  checkRegion(res.json);
  assert.equal(res.json.code, v.code);
  assert.equal(res.json.level, 5);
  const path = res.json.path;
  assert.ok(Array.isArray(path), 'path');
  assert.deepEqual(path.map((r) => r.code), [CITY, COUNTY.suchengqu, '321302001000', v.code]);
  assert.deepEqual(path.map((r) => r.name), ['宿迁市', '宿城区', '幸福街道', v.name]);
  assert.deepEqual(path.map((r) => r.level), [2, 3, 4, 5]);
  path.forEach(checkRegion);

  const root = await get(`/regions/${CITY}`, adm);
  expectStatus(root, 200);
  assert.deepEqual(root.json.path.map((r) => r.code), [CITY]);
});

test('malformed codes → 400; well-formed codes not in the registry → 404', async () => {
  for (const code of ['12345', '32130200100X', '3213020010000', '32130200100%20']) {
    expectError(await get(`/regions/${code}`, adm), 400, ['invalid_region', 'invalid_parameter'], 'code');
  }
  for (const [param, value] of [['parent', 'abc'], ['parent', '32130200'], ['code', '1'], ['parent', '３２１３０２００００００']]) {
    expectError(await get(`/regions${qs({ [param]: value })}`, adm), 400, ['invalid_region', 'invalid_parameter'], param);
  }
  for (const code of ['321302999999', '321302999000', '110101001001']) {
    expectError(await get(`/regions/${code}`, adm), 404, 'not_found');
  }
  expectError(await get(`/regions${qs({ parent: '321302999000' })}`, adm), 404, 'not_found');
  for (const [param, value] of [['page_size', 0], ['page_size', 201], ['page', 0]]) {
    expectError(await get(`/regions${qs({ parent: CITY, [param]: value })}`, adm), 400, 'invalid_parameter', param);
  }
  expectError(await get('/regions/321302001000'), 401, 'unauthenticated');
});
