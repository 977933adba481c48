// Policy parameters: the catalogue with its values, the value in force for a region on a day,
// adding values (city and county administrators), refusals, permissions, the audit entry, and
// the 低保 standard calculator.
//
// Reruns on the same database: every value this file adds is dated in the far future, each run
// just below the earliest such row (after 2080) already there for that region, starting from
// 2199-12-31; so runs never collide, and the rows seeded by the migration decide everything
// before.  (The bad-value cases use 2150-06-01 and are all refused.)
//
// Readings beyond docs/api.md (the server should match these):
// - Values travel in their human form: fen units as yuan text ("650.00"), ratios as decimals.
// - A region outside the caller's subtree answers resolve with 404 exactly like a region that
//   does not exist; adding a value for it is 400 invalid_region (field region_code).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  admin, login, createUser, userSession, get, post, qs, request,
  expectError, expectStatus, expectList, expectSameNotFound, hasChinese, COUNTY, CITY,
} from './lib.mjs';

const VILLAGE_SUCHENG = '321302001001'; // 凤凰居委会, 幸福街道, 宿城区
const VILLAGE_SHUYANG = '321322001002'; // 古城社区居委会, 沭城街道, 沭阳县
const TOWNSHIP_XINGFU = '321302001000'; // 幸福街道
const TOWNSHIP_XIANGLI = '321302002000'; // 项里街道, also 宿城区
const MISSING_REGION = '321302999999';

let adm;

before(async () => {
  adm = await admin();
});

/** YYYY-MM-DD shifted by n days. */
function addDays(iso, n) {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
}

async function resolve(as, params) {
  return get(`/policies/resolve${qs({ program: 'dibao', param: 'standard_monthly', ...params })}`, as);
}

async function resolved(as, region, date) {
  const res = await resolve(as, { region, date });
  expectStatus(res, 200, `resolve ${region} on ${date}`);
  return res.json;
}

/** The catalogue item of dibao.<param> as `as` sees it. */
async function dibaoItem(as, param = 'standard_monthly') {
  const b = expectList(await get(`/policies${qs({ program: 'dibao', page_size: 200 })}`, as));
  const item = b.items.find((x) => x.param === param);
  assert.ok(item, `dibao.${param} listed`);
  return item;
}

/** A day just below every row dated after 2080 of the standard for prefix, or 2199-12-31. */
async function freshDay(prefix) {
  const item = await dibaoItem(adm);
  const taken = item.values
    .filter((v) => v.region_prefix === prefix && v.effective_from > '2080-01-01')
    .map((v) => v.effective_from)
    .sort();
  return taken.length ? addDays(taken[0], -1) : '2199-12-31';
}

function checkRowShape(r) {
  for (const k of ['id', 'program', 'param', 'unit', 'region_prefix', 'region_code', 'region_name', 'effective_from', 'value', 'stored', 'note', 'created_by', 'created_at']) {
    assert.ok(k in r, `value row has ${k}`);
  }
  assert.ok(Number.isInteger(r.id) && r.id > 0);
  assert.match(r.effective_from, /^\d{4}-\d{2}-\d{2}$/);
}

test('the seeded 2020 standard, 610.00, decides for a 宿城区 village on 2021-06-01', async () => {
  const r = await resolved(adm, VILLAGE_SUCHENG, '2021-06-01');
  assert.equal(r.program, 'dibao');
  assert.equal(r.param, 'standard_monthly');
  assert.equal(r.unit, 'fen');
  assert.equal(r.value, '610.00');
  assert.equal(r.num, 61000);
  assert.equal(r.region_code, VILLAGE_SUCHENG);
  assert.equal(r.region_name, '凤凰居委会');
  assert.equal(r.date, '2021-06-01');
  assert.ok(hasChinese(r.name));
  checkRowShape(r.row);
  assert.equal(r.row.region_prefix, '3213');
  assert.equal(r.row.region_code, CITY);
  assert.equal(r.row.region_name, '宿迁市');
  assert.equal(r.row.effective_from, '2020-01-01');
  assert.equal(r.row.stored, '61000');

  // Before the first row: nothing applies.
  expectError(await resolve(adm, { region: VILLAGE_SUCHENG, date: '2019-12-31' }), 404, 'not_found', 'param');
  // National defaults of other units.
  const ratio = await get(`/policies/resolve${qs({ program: 'tekun', param: 'basic_ratio', region: VILLAGE_SUCHENG, date: '2025-01-01' })}`, adm);
  expectStatus(ratio, 200);
  assert.equal(ratio.json.value, '1.3');
  assert.equal(ratio.json.num, 13000);
  assert.equal(ratio.json.row.region_prefix, '');
  assert.equal(ratio.json.row.region_code, null);
  const list = await get(`/policies/resolve${qs({ program: 'dibao', param: 'exempt_income_types', region: VILLAGE_SUCHENG, date: '2025-01-01' })}`, adm);
  expectStatus(list, 200);
  assert.equal(list.json.unit, 'list');
  assert.equal(list.json.num, null);
  assert.match(list.json.value, /basic_pension/);
});

test('resolve: query parameters are checked', async () => {
  expectError(await get(`/policies/resolve${qs({ param: 'standard_monthly' })}`, adm), 400, 'invalid_parameter', 'program');
  expectError(await get(`/policies/resolve${qs({ program: 'dibao' })}`, adm), 400, 'invalid_parameter', 'param');
  expectError(await resolve(adm, { region: '32130200100' }), 400, 'invalid_parameter', 'region');
  expectError(await resolve(adm, { region: VILLAGE_SUCHENG, date: '2025-02-29' }), 400, 'invalid_parameter', 'date');
  expectError(await resolve(adm, { region: VILLAGE_SUCHENG, date: '2025/01/01' }), 400, 'invalid_parameter', 'date');
  expectError(await resolve(adm, { region: VILLAGE_SUCHENG, param: 'no_such' }), 404, 'not_found', 'param');
  expectError(await resolve(adm, { region: MISSING_REGION }), 404, 'not_found', 'region');
  // Without region and date: the caller's own region, today.
  const own = await resolve(adm, {});
  expectStatus(own, 200);
  assert.equal(own.json.region_code, CITY);
  assert.match(own.json.date, /^\d{4}-\d{2}-\d{2}$/);
});

test('the catalogue: a list envelope of parameters with units, bounds, values and the value in force', async () => {
  const all = expectList(await get('/policies', adm));
  assert.ok(all.total >= 23, `at least the 23 seeded parameters, got ${all.total}`);
  assert.equal(all.page, 1);
  assert.equal(all.page_size, 20);
  assert.equal(all.items.length, 20);
  // The later pages (the catalogue grows with every program: 动态监测 added a third page).
  const rest = [];
  for (let page = 2; (page - 1) * 20 < all.total; page += 1) {
    const more = expectList(await get(`/policies${qs({ page })}`, adm));
    assert.equal(more.items.length, Math.min(20, all.total - (page - 1) * 20));
    rest.push(...more.items);
  }
  const keys = new Set([...all.items, ...rest].map((x) => `${x.program}.${x.param}`));
  assert.equal(keys.size, all.total, 'pages neither repeat nor skip');
  for (const k of ['dibao.standard_monthly', 'tekun.care_full', 'edge.income_ratio', 'rigid.disposable_income_monthly', 'temporary.cap', 'review.months_class_a']) {
    assert.ok(keys.has(k), `${k} listed`);
  }

  const item = await dibaoItem(adm);
  for (const k of ['program', 'param', 'name', 'unit', 'min_value', 'max_value', 'allowed', 'source', 'sort', 'in_force', 'values']) {
    assert.ok(k in item, `item has ${k}`);
  }
  assert.equal(item.unit, 'fen');
  assert.equal(item.min_value, '0.01');
  assert.equal(item.max_value, '1000000.00');
  assert.equal(item.allowed, null);
  assert.ok(item.values.length >= 1);
  item.values.forEach(checkRowShape);
  for (let i = 1; i < item.values.length; i += 1) {
    assert.ok(item.values[i - 1].effective_from >= item.values[i].effective_from, 'newest first');
  }
  checkRowShape(item.in_force);
  assert.ok(item.in_force.effective_from <= new Date().toISOString().slice(0, 10), 'in force today');

  const rounding = await dibaoItem(adm, 'rounding');
  assert.deepEqual(rounding.allowed, ['none', 'yuan_up', 'yuan_round']);

  expectError(await get(`/policies${qs({ program: 'no_such' })}`, adm), 400, 'invalid_parameter', 'program');
  expectError(await get(`/policies${qs({ page_size: 201 })}`, adm), 400, 'invalid_parameter', 'page_size');
  expectError(await request('GET', '/policies'), 401, 'unauthenticated');
});

test('a city administrator adds 650.00 for 宿迁市: in force from its day, not the day before; audited', async () => {
  const day = await freshDay('3213');
  const eve = addDays(day, -1);
  const before = await resolved(adm, VILLAGE_SHUYANG, eve);
  if (before.row.effective_from === '2020-01-01') assert.equal(before.value, '610.00');

  const res = await post('/policies', adm, {
    program: 'dibao', param: 'standard_monthly', region_code: CITY, effective_from: day, value: '650.00', note: '接口测试：2025年标准',
  });
  expectStatus(res, 201);
  const row = res.json;
  checkRowShape(row);
  assert.equal(row.region_prefix, '3213');
  assert.equal(row.region_code, CITY);
  assert.equal(row.region_name, '宿迁市');
  assert.equal(row.effective_from, day);
  assert.equal(row.value, '650.00');
  assert.equal(row.stored, '65000');
  assert.equal(row.note, '接口测试：2025年标准');
  assert.equal(row.created_by, adm.username);

  const onEve = await resolved(adm, VILLAGE_SHUYANG, eve);
  assert.deepEqual(onEve, before, 'the day before is unchanged');
  const onDay = await resolved(adm, VILLAGE_SHUYANG, day);
  assert.equal(onDay.value, '650.00');
  assert.equal(onDay.num, 65000);
  assert.deepEqual(onDay.row, row);

  // Rows are never changed: the same day again is a conflict.
  expectError(await post('/policies', adm, {
    program: 'dibao', param: 'standard_monthly', region_code: CITY, effective_from: day, value: '660.00',
  }), 409, 'conflict', 'effective_from');

  // One audit entry, with the new row.
  const a = await createUser({ prefix: 'polaud', role: 'auditor', region_code: CITY, display_name: '审计员' });
  const aud = await login(a.username, a.password);
  const entries = expectList(await get(`/audit${qs({ action: 'policy.add', object_type: 'policy_param', object_id: String(row.id) })}`, aud));
  assert.equal(entries.total, 1);
  const e = entries.items[0];
  assert.equal(e.actor_name, adm.username);
  assert.equal(e.region_code, CITY);
  assert.equal(e.before, null);
  assert.equal(e.after.value, '650.00');
  assert.equal(e.after.stored, '65000');
  assert.equal(e.after.region_prefix, '3213');
});

test('a county administrator adds a value that wins for its county only', async () => {
  const u = await createUser({ prefix: 'polca', role: 'city_admin', region_code: COUNTY.suchengqu, display_name: '宿城区管理员' });
  const ca = await login(u.username, u.password);
  const day = await freshDay('321302');
  const city = await resolved(adm, VILLAGE_SHUYANG, day);

  const res = await post('/policies', ca, {
    program: 'dibao', param: 'standard_monthly', region_code: COUNTY.suchengqu, effective_from: day, value: '700', note: null,
  });
  expectStatus(res, 201);
  assert.equal(res.json.region_prefix, '321302');
  assert.equal(res.json.region_name, '宿城区');
  assert.equal(res.json.value, '700.00');
  assert.equal(res.json.note, null);

  const inCounty = await resolved(ca, VILLAGE_SUCHENG, day);
  assert.equal(inCounty.value, '700.00');
  assert.equal(inCounty.row.id, res.json.id);
  assert.equal((await resolved(adm, VILLAGE_SUCHENG, day)).value, '700.00');
  assert.notEqual((await resolved(ca, VILLAGE_SUCHENG, addDays(day, -1))).row.id, res.json.id);
  // Another county keeps what the city decides.
  assert.deepEqual(await resolved(adm, VILLAGE_SHUYANG, day), city);

  // Outside its subtree: resolve looks like a missing region, adding is refused.
  expectSameNotFound(
    await resolve(ca, { region: VILLAGE_SHUYANG, date: day }), VILLAGE_SHUYANG,
    await resolve(ca, { region: MISSING_REGION, date: day }), MISSING_REGION,
  );
  for (const region_code of [CITY, COUNTY.shuyangxian, VILLAGE_SHUYANG, MISSING_REGION, null]) {
    expectError(await post('/policies', ca, {
      program: 'dibao', param: 'standard_monthly', region_code, effective_from: addDays(day, -2), value: '710.00',
    }), 400, 'invalid_region', 'region_code');
  }

  // Its list: national, the city, and 宿城区's own rows; nothing of another county.
  const item = await dibaoItem(ca);
  assert.ok(item.values.some((v) => v.id === res.json.id));
  for (const v of item.values) {
    assert.ok(v.region_prefix === '' || v.region_prefix === '3213' || v.region_prefix.startsWith('321302'), `row ${v.id} at ${v.region_prefix} is visible`);
  }
});

test('bad values are refused with the field named, and nothing is written', async () => {
  const day = '2150-06-01';
  const base = { program: 'dibao', param: 'standard_monthly', region_code: CITY, effective_from: day, value: '650.00' };
  const cases = [
    [{ value: '650.505' }, 'invalid_value', 'value'],
    [{ value: '0' }, 'invalid_value', 'value'],
    [{ value: '-650' }, 'invalid_value', 'value'],
    [{ value: '1000000.01' }, 'invalid_value', 'value'],
    [{ value: '6.5e2' }, 'invalid_value', 'value'],
    [{ value: '' }, 'invalid_value', 'value'],
    [{ value: 650 }, 'invalid_type', 'value'],
    [{ param: 'basic_ratio', program: 'tekun', value: '0.5' }, 'invalid_value', 'value'],
    [{ param: 'basic_ratio', program: 'tekun', value: '130%' }, 'invalid_value', 'value'],
    [{ param: 'taper_months', value: '25' }, 'invalid_value', 'value'],
    [{ param: 'taper_months', value: '6个月' }, 'invalid_value', 'value'],
    [{ param: 'exempt_income_types', value: 'basic_pension,lottery' }, 'invalid_value', 'value'],
    [{ param: 'exempt_income_types', value: 'youfu,youfu' }, 'invalid_value', 'value'],
    [{ param: 'rounding', value: 'floor' }, 'invalid_value', 'value'],
    [{ param: 'no_such' }, 'invalid_value', 'param'],
    [{ program: 'no_such' }, 'invalid_value', 'program'],
    [{ effective_from: '2150-02-30' }, 'invalid_value', 'effective_from'],
    [{ effective_from: '2150-6-1' }, 'invalid_value', 'effective_from'],
    [{ region_code: '321302999999' }, 'invalid_region', 'region_code'],
    [{ region_code: '3213' }, 'invalid_region', 'region_code'],
    [{ region_code: null }, 'invalid_region', 'region_code'],
    [{ note: 'x'.repeat(201) }, 'invalid_value', 'note'],
    [{ note: 12 }, 'invalid_type', 'note'],
    [{ id: 1 }, 'unknown_field', 'id'],
  ];
  const count = async () => (await dibaoItem(adm)).values.length;
  const n0 = await count();
  for (const [over, code, field] of cases) {
    expectError(await post('/policies', adm, { ...base, ...over }), 400, code, field);
  }
  const { value, ...noValue } = base;
  assert.equal(value, '650.00');
  expectError(await post('/policies', adm, noValue), 400, 'missing_field', 'value');
  expectError(await post('/policies', adm, base, { contentType: 'text/plain' }), 415, 'unsupported_media_type');
  expectError(await post('/policies', adm, base, { csrf: false }), 403, 'csrf_failed');
  assert.equal(await count(), n0, 'no row was added');
});

test('a township worker reads but may not add; its scope holds', async () => {
  const tw = await userSession({ prefix: 'poltw', role: 'township_worker', region_code: TOWNSHIP_XINGFU });
  const b = expectList(await get(`/policies${qs({ program: 'dibao' })}`, tw));
  assert.ok(b.items.length > 0);
  const own = await resolve(tw, {});
  expectStatus(own, 200);
  assert.equal(own.json.region_code, TOWNSHIP_XINGFU);
  assert.equal((await resolved(tw, VILLAGE_SUCHENG, '2021-06-01')).value, '610.00');
  expectError(await resolve(tw, { region: TOWNSHIP_XIANGLI }), 404, 'not_found', 'region');

  expectError(await post('/policies', tw, {
    program: 'dibao', param: 'standard_monthly', region_code: TOWNSHIP_XINGFU, effective_from: '2150-01-01', value: '650.00',
  }), 403, 'forbidden');
  const calc = await post('/policies/dibao-standard-proposal', tw, { consumption_expenditure_annual: '25000.00', ratio: '0.35' });
  expectStatus(calc, 200);
});

test('the 低保 standard proposal: expenditure × 30–40 % ÷ 12, rounded up to the yuan, explained', async () => {
  const res = await post('/policies/dibao-standard-proposal', adm, { consumption_expenditure_annual: '25000.00', ratio: '0.35' });
  expectStatus(res, 200);
  const p = res.json;
  assert.equal(p.monthly_standard_fen, 73000);
  assert.equal(p.monthly_standard, '730.00');
  assert.equal(p.consumption_expenditure_annual, '25000.00');
  assert.equal(p.consumption_expenditure_annual_fen, 2500000);
  assert.equal(p.ratio, '0.35');
  assert.equal(p.ratio_bp, 3500);
  assert.equal(p.rounding, 'yuan_up');
  assert.ok(Array.isArray(p.explanation) && p.explanation.length >= 3);
  for (const line of p.explanation) assert.ok(typeof line === 'string' && hasChinese(line));
  assert.ok(p.explanation.some((l) => l.includes('729.17')));
  assert.ok(p.explanation.some((l) => l.includes('730')));

  const cases = [
    [{ consumption_expenditure_annual: '24000.00', ratio: '0.35' }, 70000],
    [{ consumption_expenditure_annual: '24000.01', ratio: '0.35' }, 70100],
    [{ consumption_expenditure_annual: '25000', ratio: '0.3' }, 62500],
    [{ consumption_expenditure_annual: '25000', ratio: '0.4' }, 83400],
  ];
  for (const [body, fen] of cases) {
    const r = await post('/policies/dibao-standard-proposal', adm, body);
    expectStatus(r, 200);
    assert.equal(r.json.monthly_standard_fen, fen, JSON.stringify(body));
  }

  const bad = [
    [{ consumption_expenditure_annual: '25000.00', ratio: '0.2999' }, 'invalid_value', 'ratio'],
    [{ consumption_expenditure_annual: '25000.00', ratio: '0.4001' }, 'invalid_value', 'ratio'],
    [{ consumption_expenditure_annual: '25000.00', ratio: '35%' }, 'invalid_value', 'ratio'],
    [{ consumption_expenditure_annual: '25000.00', ratio: 0.35 }, 'invalid_type', 'ratio'],
    [{ consumption_expenditure_annual: '0', ratio: '0.35' }, 'invalid_value', 'consumption_expenditure_annual'],
    [{ consumption_expenditure_annual: '两万五', ratio: '0.35' }, 'invalid_value', 'consumption_expenditure_annual'],
    [{ consumption_expenditure_annual: '25000.00' }, 'missing_field', 'ratio'],
    [{ consumption_expenditure_annual: '25000.00', ratio: '0.35', save: true }, 'unknown_field', 'save'],
  ];
  for (const [body, code, field] of bad) {
    expectError(await post('/policies/dibao-standard-proposal', adm, body), 400, code, field);
  }
  expectError(await post('/policies/dibao-standard-proposal', adm, { consumption_expenditure_annual: '25000.00', ratio: '0.35' }, { csrf: false }), 403, 'csrf_failed');
  const wrong = await get('/policies/dibao-standard-proposal', adm);
  expectError(wrong, 405, 'method_not_allowed');
  assert.equal(wrong.headers.get('allow'), 'POST');
});
