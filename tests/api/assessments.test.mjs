// POST /assessments: the 社会救助 calculator (试算) on a household snapshot given in the request.
//
// With the seeded policy (宿迁 低保标准 610 元 from 2020-01-01, national defaults otherwise) a
// 3-person household in a 宿城区 village with 1000.01 元 of wages a month has a per-capita income
// of 333.33 元 (rounded down) and gets (610.00 − 333.33) × 3 = 830.01 元.  Every bad input is a 400
// naming the field by its path ("household.members[1].id_number"); a region outside the caller's
// subtree is 400 invalid_region; a role without assist:assessment:run gets 403; nothing is saved.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { admin, userSession, request, post, get, expectError, expectStatus, hasChinese } from './lib.mjs';

let adm;
before(async () => {
  adm = await admin();
});

const VILLAGE = '321302001001'; // 凤凰居委会, 幸福街道, 宿城区
const TOWNSHIP = '321302001000'; // 幸福街道
const SHUYANG_VILLAGE = '321322001002'; // 古城社区居委会, 沭阳县

/** A valid resident ID number: region 321302, birth YYYYMMDD, sequence, GB 11643 check character. */
function idNumber(birth, seq) {
  const body = `321302${birth}${String(seq).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}

const SELF = idNumber('19800101', 11);
const SPOUSE = idNumber('19820202', 12);
const CHILD = idNumber('20100303', 13);

function family(over = {}) {
  return {
    program: 'dibao',
    date: '2021-06-01',
    region: VILLAGE,
    household: {
      members: [
        { id_number: SELF, relation: 'self', labour_capacity: 'full' },
        { id_number: SPOUSE, relation: 'spouse', disability: null },
        { id_number: CHILD, relation: 'child', in_school: true },
      ],
      incomes: [
        { id_number: SELF, type: 'wage', monthly_fen: 100001 },
        { id_number: SPOUSE, type: 'basic_pension', monthly_fen: 20000 },
      ],
      assets: [{ type: 'deposit', value_fen: 100000, exempt: false }],
      employment_cost_monthly_fen: 0,
    },
    ...over,
  };
}

/** family() with household fields replaced. */
function withHousehold(h) {
  const b = family();
  b.household = { ...b.household, ...h };
  return b;
}

const run = (body, as = adm) => post('/assessments', as, body);

test('a 3-person household in a 宿城区 village on 2021-06-01 gets (610.00 − 333.33) × 3 = 830.01 元', async () => {
  const res = await run(family());
  expectStatus(res, 200);
  const a = res.json;
  assert.equal(a.program, 'dibao');
  assert.equal(a.date, '2021-06-01');
  assert.equal(a.region, VILLAGE);
  assert.equal(a.eligible, true);
  assert.equal(a.category, 'dibao');
  assert.ok(hasChinese(a.category_name));
  assert.equal(a.superseded_by, null);
  assert.deepEqual(a.covered_id_numbers, [SELF, SPOUSE, CHILD]);
  assert.equal(a.monthly_amount_fen, 83001);
  assert.equal(a.amount_kind, 'monthly');
  assert.equal(a.counted_members, 3);
  assert.equal(a.counted_income_fen, 100001);
  assert.equal(a.per_capita_income_fen, 33333);
  assert.equal(a.standard_fen, 61000);
  assert.equal(a.approval_level, 'county');
  assert.equal(a.applicant_id_number, SELF);
  assert.equal(a.care_level, null);
  assert.ok(Array.isArray(a.explanation) && a.explanation.length > 10);
  for (const s of a.explanation) {
    assert.equal(typeof s.step, 'string');
    assert.ok(hasChinese(s.text), `step ${s.step} has Chinese text`);
  }
  const std = a.explanation.find((s) => s.step === 'standard');
  assert.equal(std.amount_fen, 61000);
  assert.equal(std.policy.program, 'dibao');
  assert.equal(std.policy.param, 'standard_monthly');
  assert.equal(std.policy.value, '61000');
  assert.equal(std.policy.region_prefix, '3213');
  assert.equal(std.policy.effective_from, '2020-01-01');
  assert.ok(Number.isInteger(std.policy.id) && std.policy.id > 0);
  const members = a.explanation.filter((s) => s.step === 'member');
  assert.deepEqual(members.map((s) => s.id_number), [SELF, SPOUSE, CHILD]);
  assert.ok(!members[0].text.includes(SELF), 'explanation text shows the ID number masked');
  const pension = a.explanation.filter((s) => s.step === 'income')[1];
  assert.equal(pension.policy.param, 'exempt_income_types');
  assert.match(pension.text, /不计入/);
  const pc = a.explanation.find((s) => s.step === 'per_capita_income');
  assert.equal(pc.amount_fen, 33333);
  assert.match(pc.text, /1000\.01 ÷ 3 = 333\.33元/);
  const amount = a.explanation.find((s) => s.step === 'dibao_amount');
  assert.match(amount.text, /\(610\.00 − 333\.33\) × 3人 = 830\.01元/);
  const fin = a.explanation.find((s) => s.step === 'asset_financial');
  assert.equal(fin.policy.param, 'financial_assets_months');
  assert.match(fin.text, /24个月 × 610\.00 × 3人 = 43920\.00元/);
  assert.equal(a.explanation.at(-1).step, 'decision');
});

test('特困: a 70-year-old unable to do 4 of 6 activities gets 793.00 + 600.00 元', async () => {
  const old = idNumber('19510601', 21);
  const res = await run({
    program: 'tekun',
    date: '2021-06-01',
    region: VILLAGE,
    tekun: { support_mode: 'centralized' },
    household: {
      members: [{ id_number: old, relation: 'self', labour_capacity: 'none', self_care_unable: 4, supporter_able: false }],
    },
  });
  expectStatus(res, 200);
  assert.equal(res.json.category, 'tekun');
  assert.equal(res.json.monthly_amount_fen, 139300);
  assert.equal(res.json.care_level, 'full');
  assert.equal(res.json.support_mode, 'centralized');
  assert.deepEqual(res.json.covered_id_numbers, [old]);
  const basic = res.json.explanation.find((s) => s.step === 'tekun_basic');
  assert.equal(basic.amount_fen, 79300);
  assert.equal(basic.policy.param, 'basic_ratio');
});

test('特困 applicant: a member turning 60 on the date counts as 60, one day later would be 59', async () => {
  const body = (birth) => ({
    program: 'tekun',
    date: '2021-06-01',
    region: VILLAGE,
    household: {
      members: [
        { id_number: idNumber('19850101', 31), relation: 'child' },
        { id_number: idNumber(birth, 32), relation: 'self', labour_capacity: 'none' },
      ],
      incomes: [{ id_number: idNumber('19850101', 31), type: 'wage', monthly_fen: 300000 }],
    },
  });
  const sixty = await run(body('19610601'));
  expectStatus(sixty, 200);
  assert.equal(sixty.json.category, 'tekun');
  assert.equal(sixty.json.applicant_id_number, idNumber('19610601', 32));
  assert.equal(sixty.json.per_capita_income_fen, 0, "tekun reports the applicant's own income");
  const fiftyNine = await run(body('19610602'));
  expectStatus(fiftyNine, 200);
  assert.equal(fiftyNine.json.category, 'none');
  assert.equal(fiftyNine.json.eligible, false);
});

test('单人保, 渐退, 低保边缘 and 刚性支出 through the API', async () => {
  const single = await run(
    withHousehold({
      members: [
        { id_number: SELF, relation: 'self' },
        { id_number: SPOUSE, relation: 'spouse', disability: { kind: 'physical', grade: 1 } },
        { id_number: CHILD, relation: 'child' },
      ],
      incomes: [{ id_number: SELF, type: 'wage', monthly_fen: 183000 }],
      assets: [],
    }),
  );
  expectStatus(single, 200);
  assert.equal(single.json.category, 'dibao_single');
  assert.deepEqual(single.json.covered_id_numbers, [SPOUSE]);
  assert.equal(single.json.monthly_amount_fen, 61000);

  const taper = (months) =>
    run({
      ...withHousehold({ incomes: [{ id_number: SELF, type: 'wage', monthly_fen: 200000 }], assets: [] }),
      taper: { enrolled_amount_fen: 50000, months_since_income_rise: months },
    });
  const six = await taper(6);
  expectStatus(six, 200);
  assert.equal(six.json.category, 'dibao_taper');
  assert.equal(six.json.monthly_amount_fen, 50000);
  const seven = await taper(7);
  expectStatus(seven, 200);
  assert.equal(seven.json.category, 'none');
  assert.equal(seven.json.monthly_amount_fen, 0);

  const edge = await run({ ...withHousehold({ incomes: [{ id_number: SELF, type: 'wage', monthly_fen: 183000 }] }), program: 'edge' });
  expectStatus(edge, 200);
  assert.equal(edge.json.category, 'edge');
  assert.equal(edge.json.monthly_amount_fen, 0);
  const notEdge = await run({ ...family(), program: 'edge' });
  expectStatus(notEdge, 200);
  assert.equal(notEdge.json.category, 'none');
  assert.equal(notEdge.json.superseded_by, 'dibao');

  const rigid = await run({
    ...withHousehold({ incomes: [{ id_number: SELF, type: 'wage', monthly_fen: 300000 }], rigid_expenditure_annual_fen: 1404001 }),
    program: 'rigid',
  });
  expectStatus(rigid, 200);
  assert.equal(rigid.json.category, 'rigid');
  const step = rigid.json.explanation.find((s) => s.step === 'rigid_expenditure');
  assert.equal(step.amount_fen, 60999);
});

test('临时救助: 3 × 610 × 3 = 5490 元, one-off, above the township limit so the county approves', async () => {
  const res = await run({ ...family(), program: 'temporary', temporary: { kind: 'emergency' } });
  expectStatus(res, 200);
  assert.equal(res.json.category, 'temporary');
  assert.equal(res.json.monthly_amount_fen, 549000);
  assert.equal(res.json.amount_kind, 'one_off');
  assert.equal(res.json.approval_level, 'county');
  const small = await run({
    program: 'temporary',
    date: '2021-06-01',
    region: VILLAGE,
    temporary: { kind: 'expenditure' },
    household: { members: [{ id_number: SELF, relation: 'self' }], incomes: [] },
  });
  expectStatus(small, 200);
  assert.equal(small.json.monthly_amount_fen, 122000);
  assert.equal(small.json.approval_level, 'county');
});

test('a deceased, a detained and an exempt vehicle', async () => {
  const res = await run(
    withHousehold({
      members: [
        { id_number: SELF, relation: 'self' },
        { id_number: SPOUSE, relation: 'spouse', deceased_on: '2021-06-01' },
        { id_number: CHILD, relation: 'child', detained: true },
      ],
      incomes: [{ id_number: SELF, type: 'wage', monthly_fen: 30000 }, { id_number: CHILD, type: 'wage', monthly_fen: 900000 }],
      assets: [{ type: 'vehicle', value_fen: 3000000, exempt: true }],
    }),
  );
  expectStatus(res, 200);
  assert.equal(res.json.counted_members, 1);
  assert.equal(res.json.counted_income_fen, 30000);
  assert.equal(res.json.monthly_amount_fen, 31000);
  assert.deepEqual(res.json.covered_id_numbers, [SELF]);
  const vehicle = await run(withHousehold({ assets: [{ type: 'vehicle', value_fen: 3000000 }] }));
  expectStatus(vehicle, 200);
  assert.equal(vehicle.json.eligible, false);
  assert.equal(vehicle.json.category, 'none');
});

test('bad inputs are 400 with the field path', async () => {
  const m = (i, over) => {
    const b = family();
    b.household.members[i] = { ...b.household.members[i], ...over };
    return b;
  };
  const inc = (over) => withHousehold({ incomes: [{ id_number: SELF, type: 'wage', monthly_fen: 1, ...over }] });
  const badCheck = `${SPOUSE.slice(0, 17)}${SPOUSE[17] === '0' ? '1' : '0'}`;
  const many = (n, f) => Array.from({ length: n }, (_, i) => f(i));
  const { program: _p, ...noProgram } = family();
  const cases = [
    [noProgram, 'missing_field', 'program'],
    [{ ...family(), program: 'xyz' }, 'invalid_value', 'program'],
    [{ ...family(), program: 5 }, 'invalid_type', 'program'],
    [{ ...family(), date: '2021-02-30' }, 'invalid_value', 'date'],
    [{ ...family(), date: '2019-06-01' }, 'invalid_value', 'date'],
    [{ ...family(), region: '3213' }, 'invalid_region', 'region'],
    [{ ...family(), region: TOWNSHIP }, 'invalid_region', 'region'],
    [{ ...family(), region: '321302001999' }, 'invalid_region', 'region'],
    [{ ...family(), household_id: 1 }, 'invalid_value', 'household_id'],
    [{ ...family(), household: [] }, 'invalid_type', 'household'],
    [withHousehold({ members: [] }), 'invalid_value', 'household.members'],
    [withHousehold({ members: many(21, (i) => ({ id_number: idNumber('19900101', 100 + i), relation: 'other' })) }), 'invalid_value', 'household.members'],
    [withHousehold({ members: [5] }), 'invalid_type', 'household.members[0]'],
    [withHousehold({ extra: 1 }), 'unknown_field', 'household.extra'],
    [m(1, { id_number: badCheck }), 'invalid_id_number', 'household.members[1].id_number'],
    [m(1, { id_number: SELF }), 'invalid_value', 'household.members[1].id_number'],
    [m(1, { relation: 'self' }), 'invalid_value', 'household.members[1].relation'],
    [m(0, { relation: 'boss' }), 'invalid_value', 'household.members[0].relation'],
    [m(0, { foo: true }), 'unknown_field', 'household.members[0].foo'],
    [m(0, { detained: 'yes' }), 'invalid_type', 'household.members[0].detained'],
    [m(2, { id_number: undefined }), 'missing_field', 'household.members[2].id_number'],
    [m(0, { labour_capacity: 'some' }), 'invalid_value', 'household.members[0].labour_capacity'],
    [m(0, { disability: { kind: 'physical', grade: 5 } }), 'invalid_value', 'household.members[0].disability.grade'],
    [m(0, { disability: { kind: 'none', grade: 1 } }), 'invalid_value', 'household.members[0].disability.kind'],
    [m(0, { disability: { kind: 'visual' } }), 'missing_field', 'household.members[0].disability.grade'],
    [m(0, { self_care_unable: 7 }), 'invalid_value', 'household.members[0].self_care_unable'],
    [m(0, { deceased_on: '2021-13-01' }), 'invalid_value', 'household.members[0].deceased_on'],
    [inc({ id_number: idNumber('19900101', 99) }), 'invalid_value', 'household.incomes[0].id_number'],
    [inc({ monthly_fen: -1 }), 'invalid_value', 'household.incomes[0].monthly_fen'],
    [inc({ monthly_fen: 100000000001 }), 'invalid_value', 'household.incomes[0].monthly_fen'],
    [inc({ monthly_fen: 1.5 }), 'invalid_type', 'household.incomes[0].monthly_fen'],
    [inc({ type: 'salary' }), 'invalid_value', 'household.incomes[0].type'],
    [withHousehold({ incomes: many(101, () => ({ id_number: SELF, type: 'wage', monthly_fen: 1 })) }), 'invalid_value', 'household.incomes'],
    [withHousehold({ assets: [{ type: 'gold', value_fen: 1 }] }), 'invalid_value', 'household.assets[0].type'],
    [withHousehold({ assets: [{ type: 'deposit' }] }), 'missing_field', 'household.assets[0].value_fen'],
    [withHousehold({ assets: many(101, () => ({ type: 'deposit', value_fen: 1 })) }), 'invalid_value', 'household.assets'],
    [withHousehold({ employment_cost_monthly_fen: -5 }), 'invalid_value', 'household.employment_cost_monthly_fen'],
    [withHousehold({ applicant_id_number: idNumber('19900101', 98) }), 'invalid_value', 'household.applicant_id_number'],
    [{ ...family(), program: 'temporary' }, 'missing_field', 'temporary'],
    [{ ...family(), program: 'temporary', temporary: { kind: 'big' } }, 'invalid_value', 'temporary.kind'],
    [{ ...family(), temporary: { kind: 'emergency' } }, 'invalid_value', 'temporary'],
    [{ ...family(), taper: { enrolled_amount_fen: 100, months_since_income_rise: 0 } }, 'invalid_value', 'taper.months_since_income_rise'],
    [{ ...family(), taper: { enrolled_amount_fen: 0, months_since_income_rise: 3 } }, 'invalid_value', 'taper.enrolled_amount_fen'],
    [{ ...family(), program: 'tekun', taper: { enrolled_amount_fen: 100, months_since_income_rise: 3 } }, 'invalid_value', 'taper'],
    [{ ...family(), program: 'tekun', tekun: { support_mode: 'home' } }, 'invalid_value', 'tekun.support_mode'],
  ];
  for (const [body, code, field] of cases) {
    const res = await run(body);
    const e = expectError(res, 400, code, field);
    assert.ok(hasChinese(e.message), `${field}: Chinese message`);
  }
});

test('a township worker may assess in its township only; a leader may not assess at all', async () => {
  const tw = await userSession({ role: 'township_worker', region_code: TOWNSHIP });
  const ok = await run(family(), tw);
  expectStatus(ok, 200);
  assert.equal(ok.json.monthly_amount_fen, 83001);
  const outside = await run({ ...family(), region: SHUYANG_VILLAGE }, tw);
  expectError(outside, 400, 'invalid_region', 'region');

  const leader = await userSession({ role: 'leader', region_code: '321300000000' });
  expectError(await run(family(), leader), 403, 'forbidden');
  expectError(await request('POST', '/assessments', { body: family() }), 401, 'unauthenticated');
  expectError(await run(family(), { ...adm, csrf: 'wrong' }), 403, 'csrf_failed');
});

test('an assessment saves nothing: the audit log does not grow', async () => {
  const auditor = await userSession({ role: 'auditor', region_code: '321300000000' });
  const before = await get('/audit?page_size=1', auditor);
  expectStatus(before, 200);
  expectStatus(await run(family()), 200);
  expectStatus(await run({ ...family(), program: 'temporary', temporary: { kind: 'emergency' } }), 200);
  const after = await get('/audit?page_size=1', auditor);
  assert.equal(after.json.total, before.json.total);
});

test('a household-level income (id_number null) is counted for the household, as the registry snapshot gives it', async () => {
  // 1000.01 wages + 300.00 rent of a shared property, 3 members: 433.33 per capita → (610 − 433.33) × 3 = 530.01
  const b = withHousehold({
    incomes: [
      { id_number: SELF, type: 'wage', monthly_fen: 100001 },
      { id_number: null, type: 'property', monthly_fen: 30000 },
    ],
  });
  const r = await post('/assessments', adm, b);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.per_capita_income_fen, 43333);
  assert.equal(r.json.monthly_amount_fen, 53001);
  assert.ok(r.json.explanation.some((e) => e.text.includes('家庭共有')), 'the explanation names the shared income');
  // An exempt type stays exempt at household level too.
  const r2 = await post('/assessments', adm, withHousehold({
    incomes: [
      { id_number: SELF, type: 'wage', monthly_fen: 100001 },
      { id_number: null, type: 'assistance', monthly_fen: 30000 },
    ],
  }));
  assert.equal(r2.status, 200);
  assert.equal(r2.json.monthly_amount_fen, 83001);
});

test('a stored household (household_id) is assessed from its registry snapshot on the date, IDs masked', async () => {
  // Unique ID numbers per run: persons are unique city-wide and tests rerun on one database.
  const n = Date.now() % 900;
  const head = idNumber(`1975${String(1 + (n % 12)).padStart(2, '0')}15`, 100 + n);
  const wife = idNumber(`1977${String(1 + (n % 12)).padStart(2, '0')}16`, 100 + n);
  // The village's township worker registers the household (administrators do not).
  const tw = await userSession({ role: 'township_worker', region_code: TOWNSHIP });
  const created = await post('/households', tw, {
    region_code: VILLAGE,
    address: '试算路1号',
    joined_on: '2020-01-01',
    head: { id_number: head, name: '试算户主', labour_capacity: 'full' },
    members: [{ id_number: wife, name: '试算配偶', relation: 'spouse' }],
  });
  assert.equal(created.status, 201, created.text);
  const hid = created.json.id;
  const pid = created.json.head.id ?? created.json.head.person_id;
  // 800.00 wages from 2021-01-01 and a shared 100.00 rent: (610 − 450) × 2 = 320.00
  let r = await post(`/households/${hid}/incomes`, tw, { type: 'wage', person_id: pid, monthly_fen: 80000, valid_from: '2021-01-01' });
  assert.equal(r.status, 201, r.text);
  r = await post(`/households/${hid}/incomes`, tw, { type: 'property', monthly_fen: 10000, valid_from: '2021-01-01' });
  assert.equal(r.status, 201, r.text);

  const a = await post('/assessments', adm, { program: 'dibao', date: '2021-06-01', household_id: hid });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.household_id, hid);
  assert.equal(a.json.region, VILLAGE);
  assert.equal(a.json.counted_members, 2);
  assert.equal(a.json.per_capita_income_fen, 45000);
  assert.equal(a.json.monthly_amount_fen, 32000);
  assert.match(a.json.covered_id_numbers[0], /^\d{6}\*{8}\d{3}[\dX]$/, 'ID numbers are masked');
  // Before both incomes began (2021-01-01) the household had none: 610 × 2 = 1220.00
  const before = await post('/assessments', adm, { program: 'dibao', date: '2020-06-01', household_id: hid });
  assert.equal(before.status, 200, before.text);
  assert.equal(before.json.per_capita_income_fen, 0);
  assert.equal(before.json.monthly_amount_fen, 122000);
  // household and household_id together, or neither, are refused.
  expectError(await post('/assessments', adm, { program: 'dibao', date: '2021-06-01', household_id: hid, region: VILLAGE }), 400, 'invalid_value', 'household_id');
  expectError(await post('/assessments', adm, { program: 'dibao', date: '2021-06-01' }), 400, 'missing_field', 'household');
  expectError(await post('/assessments', adm, { program: 'dibao', date: '2021-06-01', household_id: 999999999 }), 404, 'not_found');
});
