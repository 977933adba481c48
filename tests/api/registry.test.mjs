// Registry (一户一档, 一人一档) end to end: households with dated members and economic items,
// persons, the snapshot of a day, masking of ID numbers and the audited view of a full one,
// the region scope, and refused inputs that change nothing.
//
// Cast (created through the admin API each run):
//   adm        city_admin        at 宿迁市 (reads, may view full ID numbers, may not write)
//   workerA    township_worker   at township A of 宿城区 (writes)
//   approverA  township_approver at township A (reads, views full ID numbers)
//   workerB    township_worker   at township B of 宿城区
//   leader     leader            at 宿迁市 (no personal data at all)
//   auditor    auditor           at 宿迁市 (reads the audit log)
//
// All people are invented; ID numbers are random with a valid GB 11643 check character, so the
// suite can run again and again against the same database.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import {
  admin, login, createUser, get, post, patch, qs, expectError, expectStatus, expectList,
  expectSameNotFound, childRegions, listAll, COUNTY, CITY,
} from './lib.mjs';

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** The GB 11643 check character of 17 digits. */
function checkChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * W[i];
  return '10X98765432'[sum % 11];
}

const used = new Set();
/** A fresh valid ID number: born on birth (YYYY-MM-DD), gender 'M' or 'F'. */
function idNumber(birth, gender = 'M') {
  for (;;) {
    let seq = randomInt(0, 1000);
    if ((seq % 2 === 1) !== (gender === 'M')) seq = (seq + 1) % 1000;
    const first17 = `321302${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
    const id = first17 + checkChar(first17);
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

const masked = (id) => `${id.slice(0, 6)}********${id.slice(-4)}`;

let adm;
const s = {};
let A; // township A (Region)
let B; // township B
let villageA;
let villageA2;
let villageB;

before(async () => {
  adm = await admin();
  const townships = (await childRegions(COUNTY.suchengqu)).filter((r) => r.has_children);
  [A, B] = townships;
  const va = await childRegions(A.code);
  [villageA, villageA2] = va;
  [villageB] = await childRegions(B.code);
  assert.ok(villageA && villageA2 && villageB, 'test villages found');
  const cast = {
    workerA: { role: 'township_worker', region_code: A.code },
    approverA: { role: 'township_approver', region_code: A.code },
    workerB: { role: 'township_worker', region_code: B.code },
    leader: { role: 'leader', region_code: CITY },
    auditor: { role: 'auditor', region_code: CITY },
  };
  for (const [k, v] of Object.entries(cast)) {
    const u = await createUser({ prefix: `rg${k}`, display_name: `登记${k}`, ...v });
    s[k] = await login(u.username, u.password);
  }
});

/** A household of workerA in villageA with a new head; returns the Household answer. */
async function newHousehold(extra = {}, as = null) {
  const head = idNumber('1970-05-06', 'M');
  const res = await post('/households', as || s.workerA, {
    region_code: villageA.code,
    address: '幸福路1号',
    joined_on: '2020-01-01',
    head: { id_number: head, name: '测试户主' },
    ...extra,
  });
  expectStatus(res, 201, 'create household');
  return { ...res.json, headId: head };
}

async function snapshot(id, date, as = s.approverA) {
  const res = await get(`/households/${id}/snapshot${qs({ date })}`, as);
  expectStatus(res, 200, `snapshot ${date}`);
  return res.json;
}

async function householdCount() {
  return (await get('/households?page_size=1', adm)).json.total;
}

async function personCount() {
  return (await get('/persons?page_size=1', adm)).json.total;
}

test('a township worker registers a household with its members; IDs are masked everywhere', async () => {
  const head = idNumber('1975-03-04', 'M');
  const wife = idNumber('1977-08-09', 'F');
  const child = idNumber('2008-01-02', 'F');
  const res = await post('/households', s.workerA, {
    region_code: villageA.code,
    address: '<b>凤凰路</b>8号',
    bank_name: '中国农业银行',
    bank_account: '6222021234567890128',
    joined_on: '2020-01-01',
    head: { id_number: head, name: '孙建国', gender: 'M', birth_date: '1975-03-04', labour_capacity: 'full' },
    members: [
      { id_number: wife, name: '李秀英', relation: 'spouse', disability_kind: 'physical', disability_grade: 2 },
      { id_number: child, name: '孙小梅', relation: 'child', joined_on: '2008-01-02', in_school: true, self_care_unable_activities: ['bathing'] },
    ],
  });
  expectStatus(res, 201);
  const h = res.json;
  assert.equal(h.region_code, villageA.code);
  assert.equal(h.kind, villageA.kind, 'kind defaults from the village');
  assert.equal(h.address, '<b>凤凰路</b>8号', 'markup is stored as text');
  assert.equal(h.bank_account_masked, '6222***********0128');
  assert.equal(h.head.id_number_masked, masked(head));
  assert.equal(h.members.length, 3);
  // Head first, then by joining day.
  assert.deepEqual(h.members.map((m) => m.relation), ['self', 'child', 'spouse']);
  for (const k of [head, wife, child, '6222021234567890128']) assert.ok(!res.text.includes(k), `no ${k} in the answer`);

  const got = await get(`/households/${h.id}`, s.approverA);
  expectStatus(got, 200);
  assert.deepEqual(got.json, h);

  const list = expectList(await get(`/households${qs({ q: '孙建国' })}`, s.workerA));
  assert.ok(list.items.some((x) => x.id === h.id && x.member_count === 3 && x.head.id_number_masked === masked(head)));
  const byId = expectList(await get(`/households${qs({ q: child })}`, s.workerA));
  assert.deepEqual(byId.items.map((x) => x.id), [h.id], 'a member’s full ID number finds the household');

  const persons = expectList(await get(`/persons${qs({ q: wife })}`, s.workerA));
  assert.equal(persons.total, 1);
  const p = persons.items[0];
  assert.equal(p.id_number_masked, masked(wife));
  assert.equal(p.household.id, h.id);
  assert.ok(!JSON.stringify(persons).includes(wife));
  const pr = await get(`/persons/${p.id}`, s.workerA);
  expectStatus(pr, 200);
  assert.equal(pr.json.gender, 'F');
  assert.equal(pr.json.birth_date, '1977-08-09');
  assert.equal(pr.json.disability_kind, 'physical');
  assert.equal(pr.json.disability_grade, 2);
  assert.ok(!pr.text.includes(wife));
  const kid = (await get(`/persons${qs({ q: child })}`, s.workerA)).json.items[0];
  const kr = (await get(`/persons/${kid.id}`, s.workerA)).json;
  assert.equal(kr.self_care_unable, 1);
  assert.equal(kr.self_care_level, 'half');
  assert.deepEqual(kr.self_care_unable_activities, ['bathing']);
  assert.equal(kr.in_school, true);
});

test('another township sees none of it: 404 exactly like a missing record, empty lists', async () => {
  const h = await newHousehold();
  const head = (await get(`/persons${qs({ q: h.headId })}`, s.workerA)).json.items[0];
  const missing = 2147483647;
  for (const path of ['', '/profile']) {
    expectSameNotFound(
      await get(`/households/${h.id}${path}`, s.workerB), h.id,
      await get(`/households/${missing}${path}`, s.workerB), missing,
    );
    expectSameNotFound(
      await get(`/persons/${head.id}${path}`, s.workerB), head.id,
      await get(`/persons/${missing}${path}`, s.workerB), missing,
    );
  }
  expectError(await patch(`/households/${h.id}`, s.workerB, { address: '越权修改' }), 404, 'not_found');
  expectError(await patch(`/persons/${head.id}`, s.workerB, { name: '越权修改' }), 404, 'not_found');
  expectError(await post(`/households/${h.id}/incomes`, s.workerB, { type: 'wage', monthly_fen: 1, valid_from: '2021-01-01' }), 404, 'not_found');
  expectError(await post(`/households/${h.id}/members/${head.id}/leave`, s.workerB, { on: '2021-01-01' }), 404, 'not_found');
  assert.equal(expectList(await get(`/households${qs({ q: h.headId })}`, s.workerB)).total, 0);
  assert.equal(expectList(await get(`/persons${qs({ q: h.headId })}`, s.workerB)).total, 0);
  const r = expectList(await get(`/households${qs({ region: A.code })}`, s.workerB));
  assert.equal(r.total, 0, '?region= outside the subtree reveals nothing');
  const { items } = await listAll('/households', {}, s.workerB);
  assert.ok(!items.some((x) => x.id === h.id));
  const unchanged = await get(`/households/${h.id}`, s.workerA);
  assert.equal(unchanged.json.address, '幸福路1号');
  // Creating in the other township's village is refused as a region outside the subtree.
  const body = { region_code: villageB.code, address: '某路', joined_on: '2020-01-01', head: { id_number: idNumber('1980-01-01'), name: '越界' } };
  expectError(await post('/households', s.workerA, body), 400, 'invalid_region', 'region_code');
});

test('refused inputs are named by field and change nothing', async () => {
  const h0 = await householdCount();
  const p0 = await personCount();
  const head = idNumber('1960-02-03', 'M');
  const base = () => ({
    region_code: villageA.code,
    address: '某路1号',
    joined_on: '2020-01-01',
    head: { id_number: head, name: '周一' },
    members: [{ id_number: idNumber('1962-02-03', 'F'), name: '吴二', relation: 'spouse' }, { id_number: idNumber('1990-01-01', 'M'), name: '周三', relation: 'child' }],
  });
  const bad = idNumber('1990-01-01', 'M');
  const badSum = bad.slice(0, 17) + (bad[17] === '0' ? '1' : '0');
  const cases = [
    [(b) => { b.members[1].id_number = badSum; }, 400, 'invalid_id_number', 'members[1].id_number'],
    [(b) => { b.members[0].gender = 'M'; }, 400, 'invalid_value', 'members[0].gender'],
    [(b) => { b.members[0].birth_date = '1962-02-04'; }, 400, 'invalid_value', 'members[0].birth_date'],
    [(b) => { b.members[1].relation = 'cousin'; }, 400, 'invalid_value', 'members[1].relation'],
    [(b) => { b.members[1].nickname = '小三'; }, 400, 'unknown_field', 'members[1].nickname'],
    [(b) => { b.members[1].disability_grade = 2; }, 400, 'missing_field', 'members[1].disability_kind'],
    [(b) => { b.members[0].disability_kind = 'visual'; b.members[0].disability_grade = 5; }, 400, 'invalid_value', 'members[0].disability_grade'],
    [(b) => { b.members[0].self_care_unable_activities = ['eating', 'flying']; }, 400, 'invalid_value', 'members[0].self_care_unable_activities[1]'],
    [(b) => { b.members[1].name = ''; }, 400, 'invalid_value', 'members[1].name'],
    [(b) => { b.members[1].name = 'x'.repeat(65); }, 400, 'invalid_value', 'members[1].name'],
    [(b) => { b.members[0] = 'somebody'; }, 400, 'invalid_type', 'members[0]'],
    [(b) => { b.members[1].in_school = 'yes'; }, 400, 'invalid_type', 'members[1].in_school'],
    [(b) => { delete b.members[1].name; }, 400, 'missing_field', 'members[1].name'],
    [(b) => { b.members[1] = { ...b.members[0], relation: 'sibling' }; }, 400, 'invalid_value', 'members[1].id_number'],
    [(b) => { b.head.id_number = badSum; }, 400, 'invalid_id_number', 'head.id_number'],
    [(b) => { b.head.relation = 'self'; }, 400, 'unknown_field', 'head.relation'],
    [(b) => { b.region_code = A.code; }, 400, 'invalid_region', 'region_code'],
    [(b) => { b.region_code = '321302999999'; }, 400, 'invalid_region', 'region_code'],
    [(b) => { b.kind = 'city'; }, 400, 'invalid_value', 'kind'],
    [(b) => { b.joined_on = '2020-02-30'; }, 400, 'invalid_value', 'joined_on'],
    [(b) => { b.bank_account = '6222021234567890127'; }, 400, 'invalid_value', 'bank_account'],
    [(b) => { b.bank_account = '6222-0212'; }, 400, 'invalid_value', 'bank_account'],
    [(b) => { b.address = '路\u0007'; }, 400, 'invalid_value', 'address'],
    [(b) => { b.is_poor = true; }, 400, 'unknown_field', 'is_poor'],
    [(b) => { delete b.head; }, 400, 'missing_field', 'head'],
  ];
  for (const [change, status, code, field] of cases) {
    const b = base();
    change(b);
    expectError(await post('/households', s.workerA, b), status, code, field);
  }
  assert.equal(await householdCount(), h0, 'no household added');
  assert.equal(await personCount(), p0, 'no person added');
  assert.equal(expectList(await get(`/persons${qs({ q: head })}`, adm)).total, 0);
  // Without the CSRF token nothing happens either.
  expectError(await post('/households', s.workerA, base(), { csrf: false }), 403, 'csrf_failed');
  assert.equal(await householdCount(), h0);
});

test('membership is dated: a member who joined 2021-03-01 is in March, not in February', async () => {
  const h = await newHousehold();
  const wife = idNumber('1972-04-05', 'F');
  const add = await post(`/households/${h.id}/members`, s.workerA, { id_number: wife, name: '王芳', relation: 'spouse', joined_on: '2021-03-01' });
  expectStatus(add, 201);
  assert.equal(add.json.joined_on, '2021-03-01');
  assert.equal(add.json.left_on, null);
  assert.equal(add.json.id_number_masked, masked(wife));
  const pid = add.json.person_id;

  const feb = await snapshot(h.id, '2021-02-15');
  assert.deepEqual(Object.keys(feb).sort(), ['household', 'region']);
  assert.equal(feb.region, villageA.code);
  assert.deepEqual(feb.household.members.map((m) => m.id_number), [h.headId]);
  const mar = await snapshot(h.id, '2021-03-15');
  assert.deepEqual(mar.household.members.map((m) => m.id_number), [h.headId, wife]);
  const m = mar.household.members[1];
  assert.deepEqual(Object.keys(m).sort(), ['deceased_on', 'detained', 'disability', 'id_number', 'in_school', 'labour_capacity', 'missing', 'name', 'relation', 'self_care_unable', 'serious_illness', 'supporter_able']);
  assert.equal(m.relation, 'spouse');

  expectError(await post(`/households/${h.id}/members/${pid}/leave`, s.workerA, { on: '2021-02-01' }), 400, 'invalid_value', 'on');
  expectError(await post(`/households/${h.id}/members/${pid}/leave`, s.workerA, { on: '2021-03-01' }), 400, 'invalid_value', 'on');
  expectError(await post(`/households/${h.id}/members/${pid}/leave`, s.workerA, {}), 400, 'missing_field', 'on');
  expectError(await post(`/households/${h.id}/members/${h.head.person_id}/leave`, s.workerA, { on: '2022-01-01' }), 400, 'invalid_value', 'person_id');
  const left = await post(`/households/${h.id}/members/${pid}/leave`, s.workerA, { on: '2021-09-01' });
  expectStatus(left, 200);
  assert.equal(left.json.left_on, '2021-09-01');
  expectError(await post(`/households/${h.id}/members/${pid}/leave`, s.workerA, { on: '2021-10-01' }), 409, 'conflict');
  assert.equal((await snapshot(h.id, '2021-08-31')).household.members.length, 2);
  assert.equal((await snapshot(h.id, '2021-09-01')).household.members.length, 1);

  const prof = await get(`/households/${h.id}/profile`, s.workerA);
  expectStatus(prof, 200);
  // workerA (a township worker) may read cases, so the profile lists the household's applications too.
  assert.deepEqual(Object.keys(prof.json).sort(), ['cases', 'history', 'household', 'items', 'members']);
  assert.deepEqual(prof.json.cases, [], 'no application yet');
  assert.equal(prof.json.members.length, 2);
  assert.equal(prof.json.members[1].left_on, '2021-09-01');
  const actions = prof.json.history.map((e) => e.action);
  assert.deepEqual(actions, ['household.member_leave', 'household.member_add', 'household.create']);
  assert.ok(!prof.text.includes(wife) && !prof.text.includes(h.headId), 'masked in the profile');
});

test('a person belongs to one household at a time', async () => {
  const h1 = await newHousehold();
  const h2 = await newHousehold();
  const kid = idNumber('2001-06-07', 'M');
  const add = await post(`/households/${h1.id}/members`, s.workerA, { id_number: kid, name: '褚小', relation: 'child', joined_on: '2020-01-01' });
  expectStatus(add, 201);
  const pid = add.json.person_id;
  expectError(await post(`/households/${h2.id}/members`, s.workerA, { person_id: pid, relation: 'other', joined_on: '2021-01-01' }), 409, 'conflict', 'person_id');
  expectError(await post(`/households/${h2.id}/members`, s.workerA, { id_number: kid, name: '褚小', relation: 'other', joined_on: '2021-01-01' }), 409, 'conflict', 'id_number');
  expectError(await post(`/households/${h2.id}/members`, s.workerA, { person_id: pid, name: 'x', relation: 'other', joined_on: '2021-01-01' }), 400, 'invalid_value', 'name');
  expectStatus(await post(`/households/${h1.id}/members/${pid}/leave`, s.workerA, { on: '2021-01-01' }), 200);
  expectError(await post(`/households/${h2.id}/members`, s.workerA, { person_id: pid, relation: 'other', joined_on: '2020-12-31' }), 409, 'conflict', 'person_id');
  expectStatus(await post(`/households/${h2.id}/members`, s.workerA, { person_id: pid, relation: 'other', joined_on: '2021-01-01' }), 201);

  const prof = await get(`/persons/${pid}/profile`, s.workerA);
  expectStatus(prof, 200);
  assert.deepEqual(prof.json.households.map((x) => [x.household_id, x.joined_on, x.left_on]), [
    [h1.id, '2020-01-01', '2021-01-01'],
    [h2.id, '2021-01-01', null],
  ]);
  assert.equal(prof.json.person.household.id, h2.id);
  assert.ok(!('applications' in prof.json), 'sections of later modules are simply absent');
});

test('economic items apply by date; the snapshot adds them up', async () => {
  const h = await newHousehold();
  const son = idNumber('1998-01-01', 'M');
  const m = await post(`/households/${h.id}/members`, s.workerA, { id_number: son, name: '蒋二', relation: 'child', joined_on: '2020-01-01' });
  expectStatus(m, 201);
  const sid = m.json.person_id;
  const base = `/households/${h.id}`;
  const w1 = await post(`${base}/incomes`, s.workerA, { type: 'wage', person_id: sid, monthly_fen: 300000, valid_from: '2021-01-01', note: '务工' });
  expectStatus(w1, 201);
  assert.equal(w1.json.source, 'declared');
  assert.equal(w1.json.person_name, '蒋二');
  const ended = await post(`${base}/items/incomes/${w1.json.id}/end`, s.workerA, { on: '2021-07-01' });
  expectStatus(ended, 200);
  assert.equal(ended.json.valid_to, '2021-07-01');
  expectError(await post(`${base}/items/incomes/${w1.json.id}/end`, s.workerA, { on: '2021-08-01' }), 409, 'conflict');
  expectStatus(await post(`${base}/incomes`, s.workerA, { type: 'wage', person_id: sid, monthly_fen: 350000, valid_from: '2021-07-01' }), 201);
  expectStatus(await post(`${base}/incomes`, s.workerA, { type: 'basic_pension', monthly_fen: 15000, valid_from: '2020-01-01' }), 201);
  expectStatus(await post(`${base}/employment-costs`, s.workerA, { person_id: sid, monthly_fen: 20000, valid_from: '2021-01-01' }), 201);
  expectStatus(await post(`${base}/assets`, s.workerA, { type: 'vehicle', value_fen: 3000000, exempt: true, description: '残疾人代步车', valid_from: '2020-06-01' }), 201);
  expectStatus(await post(`${base}/assets`, s.workerA, { type: 'deposit', value_fen: 1000000, valid_from: '2020-01-01', valid_to: '2021-01-01' }), 201);
  expectStatus(await post(`${base}/expenditures`, s.workerA, { type: 'medical', person_id: sid, annual_fen: 1200000, valid_from: '2021-01-01' }), 201);
  const edu = await post(`${base}/expenditures`, s.workerA, { type: 'education', annual_fen: 600000, valid_from: '2021-01-01' });
  expectStatus(edu, 201);

  const june = (await snapshot(h.id, '2021-06-15')).household;
  assert.deepEqual(june.incomes, [
    { id_number: son, type: 'wage', monthly_fen: 300000 },
    { id_number: null, type: 'basic_pension', monthly_fen: 15000 },
  ]);
  assert.equal(june.employment_cost_monthly_fen, 20000);
  assert.equal(june.rigid_expenditure_annual_fen, 1800000);
  assert.deepEqual(june.assets, [{ type: 'vehicle', value_fen: 3000000, exempt: true }]);
  const july = (await snapshot(h.id, '2021-07-01')).household;
  assert.deepEqual(july.incomes.map((i) => i.monthly_fen), [350000, 15000]);
  const before = (await snapshot(h.id, '2020-12-31')).household;
  assert.equal(before.assets.length, 2);
  assert.equal(before.employment_cost_monthly_fen, 0);

  const refusals = [
    ['incomes', { type: 'salary', monthly_fen: 1, valid_from: '2021-01-01' }, 'invalid_value', 'type'],
    ['incomes', { type: 'wage', monthly_fen: -1, valid_from: '2021-01-01' }, 'invalid_value', 'monthly_fen'],
    ['incomes', { type: 'wage', monthly_fen: 100000000001, valid_from: '2021-01-01' }, 'invalid_value', 'monthly_fen'],
    ['incomes', { type: 'wage', monthly_fen: 1.5, valid_from: '2021-01-01' }, 'invalid_type', 'monthly_fen'],
    ['incomes', { type: 'wage', monthly_fen: '100', valid_from: '2021-01-01' }, 'invalid_type', 'monthly_fen'],
    ['incomes', { type: 'wage', monthly_fen: 1, valid_from: '2021-01-01', valid_to: '2020-01-01' }, 'invalid_value', 'valid_to'],
    ['incomes', { type: 'wage', monthly_fen: 1, valid_from: '20210101' }, 'invalid_value', 'valid_from'],
    ['incomes', { type: 'wage', monthly_fen: 1, valid_from: '2021-01-01', person_id: h.head.person_id + 999999 }, 'invalid_value', 'person_id'],
    ['incomes', { type: 'wage', monthly_fen: 1, valid_from: '2021-01-01', source: 'verified' }, 'unknown_field', 'source'],
    ['assets', { type: 'vehicle', value_fen: 1, valid_from: '2021-01-01', person_id: sid }, 'unknown_field', 'person_id'],
    ['assets', { type: 'gold', value_fen: 1, valid_from: '2021-01-01' }, 'invalid_value', 'type'],
    ['expenditures', { type: 'medical', monthly_fen: 1, valid_from: '2021-01-01' }, 'unknown_field', 'monthly_fen'],
    ['employment-costs', { type: 'wage', monthly_fen: 1, valid_from: '2021-01-01' }, 'unknown_field', 'type'],
  ];
  const p0 = (await get(`${base}/profile`, s.workerA)).json;
  for (const [kind, body, code, field] of refusals) {
    expectError(await post(`${base}/${kind}`, s.workerA, body), 400, code, field);
  }
  expectError(await post(`${base}/items/salaries/1/end`, s.workerA, { on: '2022-01-01' }), 404, 'not_found');
  expectError(await post(`${base}/items/expenditures/${edu.json.id}/end`, s.workerA, { on: '2021-01-01' }), 400, 'invalid_value', 'on');
  const p1 = (await get(`${base}/profile`, s.workerA)).json;
  assert.deepEqual(p1.items, p0.items, 'refused items add nothing');
  assert.equal(p1.history.length, p0.history.length, 'and audit nothing');
  assert.equal(p1.items.incomes.length, 3);
  assert.equal(p1.items.assets.length, 2);
});

test('full ID numbers: only with view_id, and every view is audited', async () => {
  const h = await newHousehold();
  const pid = h.head.person_id;
  expectError(await get(`/persons/${pid}/id-number`, s.workerA), 403, 'forbidden', null);
  expectError(await get(`/households/${h.id}/snapshot${qs({ date: '2021-01-01' })}`, s.workerA), 403, 'forbidden', null);
  const r = await get(`/persons/${pid}/id-number`, s.approverA);
  expectStatus(r, 200);
  assert.deepEqual(r.json, { id: pid, id_number: h.headId });
  const ra = await get(`/persons/${pid}/id-number`, adm);
  expectStatus(ra, 200);
  expectSameNotFound(
    await get(`/persons/${pid}/id-number`, await sessionOfApproverB()), pid,
    await get('/persons/2147483647/id-number', await sessionOfApproverB()), 2147483647,
  );
  expectError(await get(`/households/${h.id}/snapshot`, s.approverA), 400, 'invalid_parameter', 'date');
  expectError(await get(`/households/${h.id}/snapshot${qs({ date: '2021-1-1' })}`, s.approverA), 400, 'invalid_parameter', 'date');
  await snapshot(h.id, '2022-02-02');

  const audit = expectList(await get(`/audit${qs({ action: 'person.view_id', object_type: 'person', object_id: pid })}`, s.auditor));
  const views = audit.items;
  assert.equal(views.length, 3, 'two direct views and one snapshot view');
  assert.equal(views[0].actor_name, s.approverA.username);
  assert.equal(views[0].after.via, 'household_snapshot');
  assert.equal(views[0].after.household_id, h.id);
  assert.equal(views[0].after.date, '2022-02-02');
  assert.equal(views[1].actor_name, adm.username);
  assert.equal(views[2].after.via, 'id_number');
  assert.equal(views[2].region_code, villageA.code);
  // The audit log itself never holds the full number.
  const all = expectList(await get(`/audit${qs({ object_type: 'person', object_id: pid })}`, s.auditor));
  assert.ok(!JSON.stringify(all).includes(h.headId));
  const hh = expectList(await get(`/audit${qs({ object_type: 'household', object_id: h.id })}`, s.auditor));
  assert.equal(hh.items[0].action, 'household.create');
  assert.ok(!JSON.stringify(hh).includes(h.headId));
});

let approverB = null;
async function sessionOfApproverB() {
  if (!approverB) {
    const u = await createUser({ prefix: 'rgapb', role: 'township_approver', region_code: B.code });
    approverB = await login(u.username, u.password);
  }
  return approverB;
}

test('persons: created alone, changed, deceased — never deleted', async () => {
  const id = idNumber('1940-01-01', 'M');
  const c = await post('/persons', s.workerA, { id_number: id, name: '赵老汉', gender: 'M', serious_illness: true });
  expectStatus(c, 201);
  assert.equal(c.json.household, null);
  assert.equal(c.json.serious_illness, true);
  expectError(await post('/persons', s.workerB, { id_number: id, name: '重复' }), 409, 'conflict', 'id_number');
  expectError(await post('/persons', s.workerA, { id_number: id.toLowerCase(), name: '大小写' }), 409, 'conflict', 'id_number');
  expectError(await post('/persons', s.workerA, { id_number: idNumber('1950-01-01', 'F'), name: '性别', gender: 'M' }), 400, 'invalid_value', 'gender');
  expectError(await post('/persons', s.workerA, { name: '无号' }), 400, 'missing_field', 'id_number');
  // Alone, the person is visible to the creator's subtree only.
  expectStatus(await get(`/persons/${c.json.id}`, s.approverA), 200);
  expectError(await get(`/persons/${c.json.id}`, s.workerB), 404, 'not_found');

  const pid = c.json.id;
  expectError(await patch(`/persons/${pid}`, s.workerA, { id_number: idNumber('1940-01-01') }), 400, 'unknown_field', 'id_number');
  expectError(await patch(`/persons/${pid}`, s.workerA, { labour_capacity: 'some' }), 400, 'invalid_value', 'labour_capacity');
  expectError(await patch(`/persons/${pid}`, s.workerA, { deceased_on: '2999-01-01' }), 400, 'invalid_value', 'deceased_on');
  expectError(await patch(`/persons/${pid}`, s.workerA, { deceased_on: '1939-12-31' }), 400, 'invalid_value', 'deceased_on');
  expectError(await patch(`/persons/${pid}`, s.approverA, { name: '审批人改名' }), 403, 'forbidden');
  const d = await patch(`/persons/${pid}`, s.workerA, { deceased_on: '2023-03-03', self_care_unable: 6 });
  expectStatus(d, 200);
  assert.equal(d.json.deceased_on, '2023-03-03');
  assert.equal(d.json.self_care_level, 'full');
  expectStatus(await get(`/persons/${pid}`, s.workerA), 200);
  const prof = (await get(`/persons/${pid}/profile`, s.workerA)).json;
  assert.deepEqual(prof.history.map((e) => e.action), ['person.death', 'person.create']);
  assert.deepEqual(prof.households, []);
});

test('leaders see no personal data; unauthenticated callers nothing', async () => {
  for (const path of ['/households', '/persons', '/households/1', '/persons/1/profile']) {
    expectError(await get(path, s.leader), 403, 'forbidden', null);
    expectError(await get(path), 401, 'unauthenticated', null);
  }
  // The administrator reads but does not register.
  expectError(await post('/persons', adm, { id_number: idNumber('1950-01-01'), name: '管理员' }), 403, 'forbidden', null);
  expectStatus(await get('/households', adm), 200);
});
