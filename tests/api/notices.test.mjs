// Decision notices and whole-process time limits of cases: a 低保 application accepted (the
// clock starts with the policy's limit in working days, checked against the server's own
// calendar), extended once by the approver, then refused — the 不予批准通知书 is listed,
// downloads as a PDF with the right headers and the SHA-256 the list shows, its 送达 is
// validated and recorded once; the overdue filter; every step audited.
//
// Like cases.test.mjs, the test moves the 公示 window into the past in the server's database
// (MZ_DB) to reach the decision in one run; without MZ_DB it stops before the decision.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  API, admin, login, createUser, get, post, qs, expectError, expectStatus, expectList, MZ_DB, COUNTY,
} from './lib.mjs';

const TOWN = '321302001000'; // 幸福街道
const VILLAGE = '321302001001'; // 凤凰居委会
const TOWN2 = '321302002000'; // 项里街道
const PDF = Buffer.from('%PDF-1.4\n%minzheng test\n').toString('base64');

const s = {};
/** YYYY-MM-DD in China (the server's "today") shifted by `days`. */
const dayCN = (days = 0) => new Date(Date.now() + 8 * 3600000 + days * 86400000).toISOString().slice(0, 10);

before(async () => {
  await admin();
  const cast = {
    village: ['village_worker', VILLAGE],
    town: ['township_worker', TOWN],
    townApprover: ['township_approver', TOWN],
    county: ['county_worker', COUNTY.suchengqu],
    countyApprover: ['county_approver', COUNTY.suchengqu],
    town2: ['township_worker', TOWN2],
    auditor: ['auditor', COUNTY.suchengqu],
  };
  for (const [key, [role, region_code]] of Object.entries(cast)) {
    const u = await createUser({ prefix: `ntc${key}`, role, region_code, display_name: `通知${key}` });
    s[key] = await login(u.username, u.password);
  }
});

function sql(statement) {
  if (!MZ_DB) return false;
  const pg = /^postgres(ql)?:/.test(MZ_DB);
  const r = pg
    ? spawnSync('psql', [MZ_DB, '-v', 'ON_ERROR_STOP=1', '-q', '-c', statement], { encoding: 'utf8' })
    : spawnSync('sqlite3', [MZ_DB.replace(/^sqlite:/, ''), statement], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${statement}: ${r.stderr}`);
  return true;
}

async function addWorkdays(from, days) {
  const res = await get(`/calendar/add-workdays${qs({ from, days })}`, s.county);
  expectStatus(res, 200);
  return res.json.date;
}

/** A 低保 case accepted today by the township; returns its id. */
async function acceptedCase() {
  let res = await post('/cases', s.village, {
    case_type: 'dibao', region_code: VILLAGE, applicant_name: '王小二', channel: 'village', authorisation_recorded: true,
  });
  expectStatus(res, 201);
  const id = res.json.id;
  assert.equal(res.json.time_limit, null);
  for (const kind of ['application_form', 'authorisation']) {
    expectStatus(await post(`/cases/${id}/attachments`, s.village, { kind, filename: `${kind}.pdf`, content: PDF }), 201);
  }
  res = await post(`/cases/${id}/actions`, s.town, { action: 'accept' });
  expectStatus(res, 200);
  return { id, c: res.json };
}

/** Downloads a notice as bytes (fetch directly: the body is binary). */
async function download(as, id, file) {
  const res = await fetch(`${API}/cases/${id}/notices/${file}`, { headers: { cookie: as.cookie } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

test('the whole-process clock starts at 受理 and an approver may extend it once', async () => {
  const { id, c } = await acceptedCase();
  const pol = await get(`/policies/resolve${qs({ program: 'dibao', param: 'township_approval', region: VILLAGE })}`, s.county);
  expectStatus(pol, 200);
  const township = pol.json.num === 1;
  const limit = township ? 20 : 30;
  const tl = c.time_limit;
  assert.equal(tl.accepted_on, dayCN(0));
  assert.equal(tl.limit_workdays, limit);
  assert.equal(tl.extension_days, 0);
  assert.equal(tl.due_on, await addWorkdays(dayCN(0), limit));
  assert.equal(tl.running, true);
  assert.equal(tl.overdue, false);
  assert.ok(tl.remaining_workdays >= limit - 1 && tl.remaining_workdays <= limit);

  // The inbox and the list carry it too.
  const inbox = expectList(await get(`/inbox${qs({ page_size: 200 })}`, s.town));
  assert.equal(inbox.items.find((x) => x.id === id).time_limit.due_on, tl.due_on);

  // Extension: an approver only, days within the policy, a reason.
  const approver = township ? 'townApprover' : 'countyApprover';
  expectError(await post(`/cases/${id}/extension`, s.town, { days: 5, reason: '需异地协查' }), 403, 'forbidden');
  expectError(await post(`/cases/${id}/extension`, s[approver], { days: 16, reason: '需异地协查' }), 400, 'invalid_value', 'days');
  expectError(await post(`/cases/${id}/extension`, s[approver], { days: '5', reason: '需异地协查' }), 400, 'invalid_type', 'days');
  expectError(await post(`/cases/${id}/extension`, s[approver], { days: 5 }), 400, 'missing_field', 'reason');
  expectError(await post(`/cases/${id}/extension`, s.town2, { days: 5, reason: 'x' }), 404, 'not_found');
  const res = await post(`/cases/${id}/extension`, s[approver], { days: 15, reason: '家庭成员在外地务工，需异地协查' });
  expectStatus(res, 200);
  assert.equal(res.json.time_limit.extension_days, 15);
  assert.equal(res.json.time_limit.extension_reason, '家庭成员在外地务工，需异地协查');
  assert.equal(res.json.time_limit.due_on, await addWorkdays(dayCN(0), limit + 15));
  expectError(await post(`/cases/${id}/extension`, s[approver], { days: 1, reason: '再次' }), 409, 'invalid_transition');

  // The overdue filter: not yet; then with the due day moved into the past, yes.
  expectError(await get(`/cases${qs({ overdue: 'maybe' })}`, s.county), 400, 'invalid_parameter', 'overdue');
  let list = expectList(await get(`/cases${qs({ overdue: 1, page_size: 200 })}`, s.county));
  assert.ok(!list.items.some((x) => x.id === id));
  if (sql(`UPDATE case_time_limits SET due_on = '${dayCN(-10)}' WHERE case_id = ${id}`)) {
    list = expectList(await get(`/cases${qs({ overdue: 1, page_size: 200 })}`, s.county));
    const item = list.items.find((x) => x.id === id);
    assert.ok(item, 'the overdue case is listed');
    assert.equal(item.time_limit.overdue, true);
    assert.ok(item.time_limit.overdue_workdays >= 1);
    assert.ok(item.time_limit.remaining_workdays < 0);
  }
});

test('a refusal issues a 不予批准通知书: listed, downloaded as PDF, served once', async (t) => {
  const { id } = await acceptedCase();
  expectStatus(await post(`/cases/${id}/attachments`, s.town, { kind: 'visit_record', filename: 'v.pdf', content: PDF }), 201);
  expectStatus(await post(`/cases/${id}/actions`, s.town, { action: 'investigate', data: { investigators: ['李四', '王五'] } }), 200);
  expectStatus(await post(`/cases/${id}/actions`, s.county, { action: 'verify', data: { assessment: { eligible: false } } }), 200);
  let res = await get(`/cases/${id}/notices`, s.town);
  expectStatus(res, 200);
  assert.deepEqual(res.json.items, []);
  if (!sql(`UPDATE cases SET publicity_from = '${dayCN(-8)}', publicity_until = '${dayCN(-2)}' WHERE id = ${id}`)) {
    t.skip('needs MZ_DB to move the 公示 window into the past');
    return;
  }
  res = await post(`/cases/${id}/actions`, s.town, { action: 'submit' });
  expectStatus(res, 200);
  const approver = res.json.state === 'township_review' ? 'townApprover' : 'countyApprover';
  res = await post(`/cases/${id}/actions`, s[approver], {
    action: 'refuse', data: { reasons: ['家庭人均收入高于当地低保标准'] },
  });
  expectStatus(res, 200);
  assert.equal(res.json.time_limit.stopped_on, dayCN(0));
  assert.equal(res.json.time_limit.running, false);
  assert.equal(res.json.notices.length, 1);

  res = await get(`/cases/${id}/notices`, s.town);
  expectStatus(res, 200);
  const [n] = res.json.items;
  assert.equal(n.kind, 'refusal');
  assert.equal(n.title, '最低生活保障不予批准通知书');
  assert.match(n.number, /^321302〔\d{4}〕否字第\d{5}号$/);
  assert.equal(n.issued_on, dayCN(0));
  assert.equal(n.service_due_on, await addWorkdays(dayCN(0), 3));
  assert.equal(n.served_on, null);
  assert.equal(n.service_overdue, false);
  assert.equal(res.json.notice_overdue, false);
  assert.match(n.sha256, /^[0-9a-f]{64}$/);

  // The PDF: header, trailer, the hash the list shows; outside the scope it does not exist.
  const pdf = await download(s.auditor, id, `${n.id}.pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.match(pdf.headers.get('content-disposition'), /attachment; filename="notice-\d+\.pdf"/);
  assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
  assert.ok(pdf.body.subarray(-8).toString().includes('%%EOF'));
  assert.equal(pdf.body.length, n.size);
  assert.equal(createHash('sha256').update(pdf.body).digest('hex'), n.sha256);
  assert.equal((await download(s.town2, id, `${n.id}.pdf`)).status, 404);
  assert.equal((await download(s.town, id, `${n.id}.txt`)).status, 404);
  assert.equal((await download(s.town, id, 'x.pdf')).status, 404);
  assert.equal((await download(s.town, id, `${n.id + 100000}.pdf`)).status, 404);

  // 送达: the date and the method are checked; recorded once.
  const url = `/cases/${id}/notices/${n.id}/service`;
  expectError(await post(url, s.town, { served_on: '2026-02-30', method: 'direct' }), 400, 'invalid_value', 'served_on');
  expectError(await post(url, s.town, { served_on: dayCN(1), method: 'direct' }), 400, 'invalid_value', 'served_on');
  expectError(await post(url, s.town, { served_on: dayCN(-1), method: 'direct' }), 400, 'invalid_value', 'served_on');
  expectError(await post(url, s.town, { served_on: dayCN(0), method: 'pigeon' }), 400, 'invalid_value', 'method');
  expectError(await post(url, s.town, { served_on: dayCN(0) }), 400, 'missing_field', 'method');
  expectError(await post(url, s.town, { served_on: dayCN(0), method: 'direct', extra: 1 }), 400, 'unknown_field', 'extra');
  expectError(await post(url, s.auditor, { served_on: dayCN(0), method: 'direct' }), 403, 'forbidden');
  expectError(await post(url, s.town2, { served_on: dayCN(0), method: 'direct' }), 404, 'not_found');
  res = await post(url, s.town, { served_on: dayCN(0), method: 'direct', recipient: '王小二', note: '本人签收' });
  expectStatus(res, 200);
  assert.equal(res.json.served_on, dayCN(0));
  assert.equal(res.json.service_method, 'direct');
  assert.equal(res.json.service_recipient, '王小二');
  assert.equal(res.json.service_overdue, false);
  expectError(await post(url, s.town, { served_on: dayCN(0), method: 'direct' }), 409, 'already_served');

  // Every step is in the audit log.
  const audit = expectList(await get(`/audit${qs({ object_type: 'case', object_id: id, page_size: 200 })}`, s.auditor));
  const actions = new Set(audit.items.map((e) => e.action));
  for (const a of ['case.refuse', 'case.notice_issue', 'case.notice_view', 'case.notice_service']) {
    assert.ok(actions.has(a), `audit has ${a}`);
  }
});
