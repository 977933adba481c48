// 家庭经济状况核对 over the API: department data imported through the import API is matched
// against a case's household — refused (409) until the 核对授权书 is recorded, then a report
// (version, the batches read, per member and source what was found, the issues with the policy
// limit they break) listed and read, its Chinese PDF downloaded (audited); new data imported and
// the case re-verified → the next version lists what changed.  Bad requests change nothing; the
// reports are limited to the region and to the roles holding assist:verification:*.  The batch
// re-verification (POST /verification/batches) runs over the county's current 低保
// enrollments and opens a 低保复核 case for a household that no longer qualifies, once.
//
// The batch part enrolls a household through a 低保 case, moving the 公示 window into the past
// in the server's database (MZ_DB) as enrollments.test.mjs does; without MZ_DB it is skipped.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  API, admin, login, createUser, get, post, request, qs, expectError, expectStatus, expectList, hasChinese,
  MZ_DB, COUNTY,
} from './lib.mjs';

const VILLAGE = '321302001001'; // 凤凰居委会
const TOWN = '321302001000'; // 幸福街道
const PDF = Buffer.from('%PDF-1.4\n%minzheng test\n').toString('base64');
const s = {};
const skip = !MZ_DB && 'needs MZ_DB to move the 公示 window into the past';

before(async () => {
  await admin();
  const cast = {
    village: ['village_worker', VILLAGE],
    town: ['township_worker', TOWN],
    townApprover: ['township_approver', TOWN],
    county: ['county_worker', COUNTY.suchengqu],
    countyApprover: ['county_approver', COUNTY.suchengqu],
    verifier: ['verifier', '321300000000'],
    elsewhere: ['county_worker', COUNTY.suyuqu],
    auditor: ['auditor', COUNTY.suchengqu],
  };
  for (const [key, [role, region_code]] of Object.entries(cast)) {
    const u = await createUser({ prefix: `vfy${key}`, role, region_code, display_name: `核对${key}` });
    s[key] = await login(u.username, u.password);
  }
});

function sql(statement) {
  const pg = /^postgres(ql)?:/.test(MZ_DB);
  const r = pg
    ? spawnSync('psql', [MZ_DB, '-v', 'ON_ERROR_STOP=1', '-q', '-c', statement], { encoding: 'utf8' })
    : spawnSync('sqlite3', [MZ_DB.replace(/^sqlite:/, ''), statement], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${statement}: ${r.stderr}`);
}

const dayCN = (days = 0) => new Date(Date.now() + 8 * 3600000 + days * 86400000).toISOString().slice(0, 10);

let seq = Date.now() % 700;
/** A valid resident ID number, unique within the run: born 1960, 宿城区. */
function idNumber() {
  seq += 1;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const body = `32130219600${1 + (seq % 9)}${String(10 + (seq % 18)).padStart(2, '0')}${String(100 + (seq % 900)).padStart(3, '0')}`;
  return body + '10X98765432'[[...body].reduce((a, c, i) => a + Number(c) * w[i], 0) % 11];
}

const act = (id, who, action, extra = {}) => post(`/cases/${id}/actions`, s[who], { action, ...extra });

function upload(source, asOf, csv) {
  return request('POST', `/evidence/imports${qs({ source, as_of: asOf, file_name: `${source}.csv` })}`,
    { as: s.verifier, raw: csv, contentType: 'text/csv' });
}

async function household(name) {
  const idn = idNumber();
  const res = await post('/households', s.town, {
    region_code: VILLAGE, address: '核对路1号', joined_on: '2000-01-01',
    head: { id_number: idn, name, labour_capacity: 'partial' },
  });
  expectStatus(res, 201, 'household');
  return { hid: res.json.id, pid: res.json.head.person_id, idn };
}

async function dibaoCase(hid, name, authorised) {
  const res = await post('/cases', s.village, {
    case_type: 'dibao', household_id: hid, applicant_name: name, channel: 'village', authorisation_recorded: authorised,
  });
  expectStatus(res, 201, 'case');
  return res.json.id;
}

const vehicleCsv = (idn, name, plate) => '身份证号,姓名,号牌号码,车辆类型,初次登记日期,车辆价值\n'
  + `${idn},${name},${plate},小型汽车,2019-04-18,68000\n`;
const taxCsv = (idn, name, yuan) => '身份证号,姓名,所属月份,所得项目,收入额\n'
  + `${idn},${name},2026-10,工资薪金,${yuan}\n`;

test('a case is verified against the newest department data: report, versions, changes, PDF', async () => {
  const name = '核对甲';
  const { hid, idn } = await household(name);

  // Without the 核对授权书 nothing is matched.
  const unauthorised = await dibaoCase(hid, name, false);
  expectError(await post(`/cases/${unauthorised}/verification`, s.county, {}), 409, 'authorisation_missing');
  assert.equal(expectList(await get(`/cases/${unauthorised}/verifications`, s.county)).items.length, 0);

  const id = await dibaoCase(hid, name, true);
  const plate = `苏N${String(Date.now()).slice(-5)}`;
  let res = await upload('vehicle', '2026-10-31', vehicleCsv(idn, name, plate));
  expectStatus(res, 201, 'vehicle import');
  const vehicleBatch = res.json.id;

  res = await post(`/cases/${id}/verification`, s.county, {});
  expectStatus(res, 201, 'verify');
  const v1 = res.json;
  assert.equal(v1.case_id, id);
  assert.equal(v1.household_id, hid);
  assert.deepEqual(v1.batch_ids, [vehicleBatch]);
  assert.ok(v1.breaking >= 1);
  assert.ok(hasChinese(v1.summary));
  const members = v1.findings.members;
  assert.equal(members.length, 1);
  assert.match(members[0].id_number, /^\d{6}\*{8}\d{3}[\dX]$/, 'masked');
  const vehicle = v1.findings.findings.find((f) => f.source === 'vehicle');
  assert.equal(vehicle.found, true);
  assert.equal(vehicle.values.held, 1);
  assert.equal(vehicle.values.value_fen, 6800000);
  assert.match(vehicle.text, new RegExp(plate));
  assert.equal(v1.findings.findings.find((f) => f.source === 'tax'), undefined, 'only what was found');
  const over = v1.findings.issues.find((i) => i.code === 'vehicle_over_limit');
  assert.ok(over, 'vehicle over the limit');
  assert.equal(over.param, 'dibao.vehicle_limit');
  assert.equal(over.breaking, true);
  assert.equal(v1.changes.previous_version, null);

  // New data: a wage the household did not declare; the re-verification lists what changed.
  res = await upload('tax', '2026-11-10', taxCsv(idn, name, '5200'));
  expectStatus(res, 201, 'tax import');
  const taxBatch = res.json.id;
  res = await post(`/cases/${id}/verification`, s.county, {});
  expectStatus(res, 201, 're-verify');
  const v2 = res.json;
  assert.equal(v2.version, v1.version + 1);
  assert.deepEqual([...v2.batch_ids].sort((a, b) => a - b), [vehicleBatch, taxBatch].sort((a, b) => a - b));
  assert.equal(v2.changes.previous_version, v1.version);
  assert.deepEqual(v2.changes.findings_added.map((f) => f.source), ['tax']);
  assert.deepEqual(v2.changes.findings_removed, []);
  assert.deepEqual(v2.changes.issues_added.map((i) => i.code), ['income_above_declared']);
  const income = v2.findings.verified_incomes.find((i) => i.type === 'wage');
  assert.equal(income.monthly_fen, 520000);
  assert.equal(income.declared_fen, 0);
  assert.deepEqual(income.batch_ids, [taxBatch]);

  res = await get(`/cases/${id}/verifications`, s.town);
  const list = expectList(res);
  assert.deepEqual(list.items.map((r) => r.version), [v2.version, v1.version]);
  assert.equal(list.items[0].findings, undefined, 'the list carries no findings');
  res = await get(`/cases/${id}/verifications/${v1.id}`, s.auditor);
  expectStatus(res, 200);
  assert.deepEqual(res.json.findings, v1.findings, 'a report never changes');

  // The PDF: Chinese, audited.
  const pdf = await fetch(`${API}/cases/${id}/verifications/${v2.id}.pdf`, { headers: { cookie: s.county.cookie } });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  const bytes = Buffer.from(await pdf.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  res = await get(`/audit${qs({ action: 'verification.pdf', object_id: String(v2.id) })}`, s.auditor);
  assert.equal(expectList(res).items.length, 1);
  res = await get(`/audit${qs({ action: 'verification.run', object_id: String(v2.id) })}`, s.auditor);
  assert.equal(expectList(res).items.length, 1);
});

test('bad requests, scope and roles', async () => {
  const name = '核对乙';
  const { hid } = await household(name);
  const id = await dibaoCase(hid, name, true);
  expectError(await post(`/cases/${id}/verification`, s.county, { extra: 1 }), 400, 'unknown_field', 'extra');
  expectError(await post('/cases/999999999/verification', s.county, {}), 404, 'not_found');
  expectError(await post(`/cases/${id}/verification`, s.elsewhere, {}), 404, 'not_found');
  expectError(await post(`/cases/${id}/verification`, s.village, {}), 403, 'forbidden');
  expectError(await post(`/cases/${id}/verification`, s.town, {}), 403, 'forbidden');
  assert.equal(expectList(await get(`/cases/${id}/verifications`, s.county)).items.length, 0, 'nothing stored');
  expectError(await get(`/cases/${id}/verifications`, s.elsewhere), 404, 'not_found');
  expectError(await get(`/cases/${id}/verifications/abc`, s.county), 404, 'not_found');
  expectError(await get(`/cases/${id}/verifications/1x.pdf`, s.county), 404, 'not_found');
  const res = await post(`/cases/${id}/verification`, s.verifier, {});
  expectStatus(res, 201, 'the 核对中心 runs it too');
  expectError(await get(`/cases/${id}/verifications/${res.json.id}`, s.elsewhere), 404, 'not_found');
  expectError(await post('/verification/batches', s.county, { region: '321311000000' }), 400, 'invalid_region', 'region');
  expectError(await post('/verification/batches', s.county, { region: 5 }), 400, 'invalid_type', 'region');
  expectError(await post('/verification/batches', s.verifier, {}), 403, 'forbidden');
  expectError(await get('/verification/batches/999999999', s.county), 404, 'not_found');
});

/** A household of one registered and enrolled in 低保 through a case approved today. */
async function enrolledHousehold(name) {
  const h = await household(name);
  const id = await dibaoCase(h.hid, name, true);
  for (const kind of ['application_form', 'authorisation']) {
    expectStatus(await post(`/cases/${id}/attachments`, s.village, { kind, filename: `${kind}.pdf`, content: PDF }), 201);
  }
  expectStatus(await act(id, 'town', 'accept'), 200, 'accept');
  expectStatus(await post(`/cases/${id}/attachments`, s.town, { kind: 'visit_record', filename: 'v.pdf', content: PDF }), 201);
  expectStatus(await act(id, 'town', 'investigate', { data: { investigators: ['李四', '王五'] } }), 200, 'investigate');
  expectStatus(await act(id, 'county', 'verify'), 200, 'verify');
  sql(`UPDATE cases SET publicity_from = '${dayCN(-8)}', publicity_until = '${dayCN(-2)}' WHERE id = ${id}`);
  let res = await act(id, 'town', 'submit');
  expectStatus(res, 200, 'submit');
  res = await act(id, res.json.state === 'township_review' ? 'townApprover' : 'countyApprover', 'approve');
  expectStatus(res, 200, 'approve');
  const list = expectList(await get(`/enrollments${qs({ household_id: h.hid })}`, s.town));
  assert.equal(list.items.length, 1);
  return { ...h, enrollment: list.items[0].id };
}

test('batch re-verification opens one 低保复核 case for a household no longer qualifying', { skip }, async () => {
  const clean = await enrolledHousehold('核对丙');
  const flagged = await enrolledHousehold('核对丁');
  const plate = `苏N${String(Date.now()).slice(-5)}`;
  expectStatus(await upload('vehicle', '2026-10-31', vehicleCsv(flagged.idn, '核对丁', plate)), 201);

  // 预核对 first: the same finding, nothing stored.
  const jobsBefore = expectList(await get('/verification/batches', s.auditor)).items.length;
  let res = await post('/verification/previews', s.county, {});
  expectStatus(res, 200, 'preview');
  assert.equal(res.json.region_code, '321302');
  assert.ok(res.json.households >= 2);
  assert.ok(res.json.households_flagged >= 1);
  assert.ok(res.json.by_code.vehicle_over_limit >= 1);
  const seen = res.json.listed.find((h) => h.household_id === flagged.hid);
  assert.ok(seen, 'the household with a car is listed');
  assert.deepEqual(seen.issues.map((i) => i.code), ['vehicle_over_limit']);
  assert.match(seen.issues[0].text, /机动车辆/);
  assert.equal(res.json.listed.find((h) => h.household_id === clean.hid), undefined);
  assert.equal(expectList(await get('/verification/batches', s.auditor)).items.length, jobsBefore, 'no job stored');
  expectError(await post('/verification/previews', s.county, { region: '321311000000' }), 400, 'invalid_region', 'region');
  expectError(await post('/verification/previews', s.county, { region: 5 }), 400, 'invalid_type', 'region');
  expectError(await post('/verification/previews', s.county, { dry: true }), 400, 'unknown_field', 'dry');
  expectError(await post('/verification/previews', s.verifier, {}), 403, 'forbidden');

  res = await post('/verification/batches', s.county, {});
  expectStatus(res, 201, 'batch');
  const job = res.json;
  assert.equal(job.state, 'finished');
  assert.equal(job.region_code, '321302');
  assert.ok(job.enrollments_done >= 2);
  const mine = job.findings.find((f) => f.household_id === flagged.hid);
  assert.ok(mine, 'the household with a car is flagged');
  assert.deepEqual(mine.issues, ['vehicle_over_limit']);
  assert.ok(mine.case_id > 0);
  assert.equal(job.findings.find((f) => f.household_id === clean.hid), undefined);
  res = await get(`/cases/${mine.case_id}`, s.town);
  expectStatus(res, 200);
  assert.equal(res.json.case_type, 'dibao_review');
  assert.equal(res.json.household_id, flagged.hid);
  assert.match(res.json.data.reason, /机动车辆/);

  // Again: the review case is open, so none is added; the job is listed.
  res = await post('/verification/batches', s.county, {});
  expectStatus(res, 201, 'batch again');
  const again = res.json.findings.find((f) => f.household_id === flagged.hid);
  assert.equal(again.case_id, null);
  const jobs = expectList(await get('/verification/batches', s.auditor));
  assert.ok(jobs.items.some((j) => j.id === job.id));
  expectError(await get(`/verification/batches/${job.id}`, s.elsewhere), 404, 'not_found');
});
