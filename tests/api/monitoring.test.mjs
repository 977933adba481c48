// 动态监测: department data imported through the API (a grade 2 disability certificate) and a
// person turning 80 today are found by POST /monitoring/runs; the alerts are listed in the
// right scope (a township elsewhere sees nothing, 404 on the detail), routed to the right level
// (the disability alert to the county, the age alert to the township), show the record that
// raised them with the ID number masked, are worked triage → visit → dispose with bad input
// refused 400 naming the field, and running again raises nothing twice; the dashboard returns
// its aggregates in scope.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  createUser, login, get, post, request, qs, expectError, expectStatus, expectList, CITY, COUNTY,
} from './lib.mjs';

const VILLAGE = '321302001001';
const s = {};
const chinaToday = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

function idNumber(birth) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const seq = String(100 + Math.floor(Math.random() * 899)).padStart(3, '0');
  const body = `321302${birth.replaceAll('-', '')}${seq}`;
  return body + '10X98765432'[[...body].reduce((a, c, i) => a + Number(c) * w[i], 0) % 11];
}

async function household(id_number, name) {
  const res = await post('/households', s.town, {
    region_code: VILLAGE, address: '监测路1号', joined_on: '2000-01-01',
    head: { id_number, name, labour_capacity: 'full' },
  });
  expectStatus(res, 201, 'household');
  return res.json;
}

before(async () => {
  const cast = {
    verifier: ['verifier', CITY],
    town: ['township_worker', '321302001000'],
    elsewhere: ['township_worker', '321311001000'],
    county: ['county_worker', COUNTY.suchengqu],
  };
  for (const [key, [role, region_code]] of Object.entries(cast)) {
    const u = await createUser({ prefix: `mon${key}`, role, region_code, display_name: `监测${key}` });
    s[key] = await login(u.username, u.password);
  }
});

test('monitoring: runs, alerts in scope, workflow, dashboard', async () => {
  const today = chinaToday();
  const eighty = `${Number(today.slice(0, 4)) - 80}${today.slice(4)}`;
  const elder = idNumber(eighty);
  const disabled = idNumber('1980-03-04');
  const h1 = await household(elder, '监测高龄');
  const h2 = await household(disabled, '监测残疾');

  const csv = `身份证号,姓名,残疾证号,残疾类别,残疾等级,发证日期,有效期至\n${disabled},监测残疾,${disabled}22,肢体,2,${today},\n`;
  let res = await request('POST', `/evidence/imports${qs({ source: 'disability', as_of: today })}`,
    { as: s.verifier, raw: csv, contentType: 'text/csv' });
  assert.ok([200, 201].includes(res.status), res.text);

  res = await post('/monitoring/runs', s.town, {});
  expectStatus(res, 403, 'a township worker may not run the rules');
  res = await post('/monitoring/runs', s.verifier, { rule: 'nope' });
  expectError(res, 400, 'invalid_value', 'rule');
  res = await post('/monitoring/runs', s.verifier, {});
  expectStatus(res, 200, 'run');
  assert.equal(res.json.rules.length, 7);
  assert.ok(res.json.created >= 2);

  res = await get(`/alerts${qs({ rule: 'age', state: 'open', page_size: 100 })}`, s.town);
  const age = expectList(res).items.find((a) => a.household_id === h1.id);
  assert.ok(age, 'the age alert is listed for the township');
  assert.equal(age.route_level, 'township');
  assert.equal(age.candidate, 'elderly_allowance');
  res = await get(`/alerts${qs({ rule: 'disability', page_size: 100 })}`, s.county);
  const dis = expectList(res).items.find((a) => a.household_id === h2.id);
  assert.ok(dis, 'the disability alert is listed for the county');
  assert.equal(dis.route_level, 'county');
  res = await get(`/alerts/${dis.id}`, s.county);
  expectStatus(res, 200);
  assert.equal(res.json.evidence.source, 'disability');
  assert.equal(res.json.evidence.qty, 2);
  assert.match(res.json.evidence.id_number, /\*{8}/);

  res = await get(`/alerts${qs({ page_size: 100 })}`, s.elsewhere);
  assert.ok(!expectList(res).items.some((a) => a.id === age.id || a.id === dis.id));
  res = await get(`/alerts/${age.id}`, s.elsewhere);
  expectError(res, 404, 'not_found');
  res = await get(`/alerts${qs({ state: 'closed' })}`, s.town);
  expectError(res, 400, 'invalid_parameter', 'state');

  const act = (who, id, body) => post(`/alerts/${id}/actions`, s[who], body);
  expectError(await act('town', age.id, { action: 'approve', note: 'x' }), 400, 'invalid_value', 'action');
  expectError(await act('town', age.id, { action: 'triage' }), 400, 'missing_field', 'note');
  expectError(await act('town', age.id, { action: 'triage', note: 'x', extra: 1 }), 400, 'unknown_field', 'extra');
  expectStatus(await act('county', age.id, { action: 'triage', note: 'x' }), 403, 'routed to the township');
  expectError(await act('town', age.id, { action: 'visit', note: 'x' }), 409, 'invalid_state', 'action');
  expectStatus(await act('town', age.id, { action: 'triage', note: '属实' }), 200);
  expectStatus(await act('town', age.id, { action: 'visit', note: '已入户' }), 200);
  expectError(await act('town', age.id, { action: 'dispose', note: '告知' }), 400, 'missing_field', 'outcome');
  res = await act('town', age.id, { action: 'dispose', note: '已告知申请尊老金', outcome: 'referral' });
  expectStatus(res, 200);
  assert.equal(res.json.state, 'disposed');
  assert.ok(res.json.triaged_at && res.json.visited_at && res.json.closed_at);
  expectStatus(await act('county', dis.id, { action: 'dismiss', note: '已享受补贴' }), 200);

  res = await post('/monitoring/runs', s.verifier, {});
  expectStatus(res, 200, 'second run');
  assert.equal(res.json.created, 0);

  res = await get('/monitoring/dashboard', s.county);
  expectStatus(res, 200, 'dashboard');
  assert.equal(res.json.ageing.length, 4);
  assert.deepEqual(res.json.response.map((r) => r.step), ['triage', 'visit', 'dispose']);
  assert.ok(res.json.response[2].count >= 1);
  assert.ok(res.json.totals.disposed >= 1 && res.json.totals.dismissed >= 1);
  assert.equal(typeof res.json.coverage.monitored, 'number');
  res = await get(`/monitoring/dashboard${qs({ region: '321311000000' })}`, s.county);
  expectError(res, 400, 'invalid_region', 'region');
});
