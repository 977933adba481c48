// Cases (事项): one 低保 application carried from 申请 to 决定 through the API by users at
// village, township and county level, with the refusals along the way (wrong level, missing
// investigators, 公示 not over, another township's worker), the inbox, attachments, and the
// audit trail.
//
// The 公示 lasts 7 calendar days by the server's clock.  To reach the decision in one run the
// test moves the case's 公示 window into the past directly in the database the server uses
// (MZ_DB: a SQLite file through sqlite3, or PostgreSQL through psql), as if the notice had
// been posted eight days ago; without MZ_DB the run stops at the refused early submission.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  admin, login, createUser, get, post, qs, expectError, expectStatus, expectList, MZ_DB, COUNTY,
} from './lib.mjs';

const TOWN = '321302001000'; // 幸福街道
const VILLAGE = '321302001001'; // 凤凰居委会
const TOWN2 = '321302002000'; // 项里街道
const PDF = Buffer.from('%PDF-1.4\n%minzheng test\n').toString('base64');

const s = {};

/** YYYY-MM-DD in China (UTC+8, the server's "today" for deadlines) shifted by `days`. */
const dayCN = (days = 0) => new Date(Date.now() + 8 * 3600000 + days * 86400000).toISOString().slice(0, 10);
let caseId;

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
    const u = await createUser({ prefix: `case${key}`, role, region_code, display_name: `事项${key}` });
    s[key] = await login(u.username, u.password);
  }
});

/** Runs SQL on the server's database; false when there is no way to. */
function sql(statement) {
  if (!MZ_DB) return false;
  const pg = /^postgres(ql)?:/.test(MZ_DB);
  const r = pg
    ? spawnSync('psql', [MZ_DB, '-v', 'ON_ERROR_STOP=1', '-q', '-c', statement], { encoding: 'utf8' })
    : spawnSync('sqlite3', [MZ_DB.replace(/^sqlite:/, ''), statement], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${statement}: ${r.stderr}`);
  return true;
}

const act = (who, action, extra = {}) => post(`/cases/${caseId}/actions`, s[who], { action, ...extra });

async function attach(who, kind) {
  const res = await post(`/cases/${caseId}/attachments`, s[who], { kind, filename: `${kind}.pdf`, content: PDF });
  expectStatus(res, 201, `attach ${kind}`);
  assert.equal(res.json.mime_type, 'application/pdf');
  assert.match(res.json.sha256, /^[0-9a-f]{64}$/);
  return res.json;
}

async function inboxIds(who) {
  const list = expectList(await get(`/inbox${qs({ page_size: 200 })}`, s[who]));
  return list.items.map((c) => c.id);
}

test('a 低保 application goes from 申请 to 决定 across the levels', async (t) => {
  // 申请: entered by the village on the applicant's behalf, the authorisation recorded.
  let res = await post('/cases', s.village, {
    case_type: 'dibao', region_code: VILLAGE, applicant_name: '张三', channel: 'village',
    authorisation_recorded: true, data: { reason: '因病致贫' },
  });
  expectStatus(res, 201);
  caseId = res.json.id;
  assert.equal(res.json.state, 'applied');
  assert.equal(res.json.state_name, '已申请');
  assert.equal(res.json.region_code, VILLAGE);
  assert.equal(res.json.history.length, 1);

  // Unknown fields, and another township, are refused.
  expectError(await post('/cases', s.village, { case_type: 'dibao', region_code: VILLAGE, applicant_name: '张三', channel: 'village', x: 1 }), 400, 'unknown_field', 'x');
  expectError(await get(`/cases/${caseId}`, s.town2), 404, 'not_found');
  expectError(await act('town2', 'accept'), 404, 'not_found');
  assert.ok(!(await inboxIds('town2')).includes(caseId));

  // 受理 needs the application form and the authorisation on file, and a township worker.
  expectError(await act('town', 'accept'), 409, 'attachment_missing', 'attachments');
  const form = await attach('village', 'application_form');
  await attach('village', 'authorisation');
  expectError(await act('village', 'accept'), 403, 'forbidden');
  assert.ok((await inboxIds('town')).includes(caseId));
  res = await get(`/cases/${caseId}`, s.town);
  expectStatus(res, 200);
  assert.ok(res.json.actions.some((a) => a.action === 'accept' && a.blocked === null));
  res = await act('town', 'accept', { comment: '材料齐全，予以受理' });
  expectStatus(res, 200);
  assert.equal(res.json.state, 'investigating');
  assert.match(res.json.deadline_on, /^\d{4}-\d{2}-\d{2}$/);

  // 入户调查: two investigators and the visit record.
  await attach('town', 'visit_record');
  expectError(await act('town', 'investigate', { data: { investigators: ['李四'] } }), 400, 'invalid_value', 'data.investigators');
  expectError(await act('town', 'investigate', { data: { investigators: ['李四', '王五'], x: 1 } }), 400, 'unknown_field', 'data.x');
  res = await act('town', 'investigate', { data: { investigators: ['李四', '王五'], findings: '家中无劳动力' } });
  expectStatus(res, 200);
  assert.equal(res.json.state, 'verifying');

  // 核对 at the county with the rule computation's result; the 公示 opens today for 7 days.
  assert.ok((await inboxIds('county')).includes(caseId));
  const assessment = { program: 'dibao', eligible: true, monthly_amount_fen: 83001, per_capita_income_fen: 33333 };
  expectError(await act('county', 'verify'), 400, 'invalid_value', 'data.assessment');
  res = await act('county', 'verify', { data: { assessment } });
  expectStatus(res, 200);
  assert.equal(res.json.state, 'publicity');
  assert.equal(res.json.publicity_from, dayCN(0));
  assert.equal(res.json.publicity_until, dayCN(6));
  assert.deepEqual(res.json.data.assessment, assessment);

  // Too early to send it on.
  expectError(await act('town', 'submit'), 409, 'guard_failed', 'publicity_until');

  if (!sql(`UPDATE cases SET publicity_from = '${dayCN(-8)}', publicity_until = '${dayCN(-2)}' WHERE id = ${caseId}`)) {
    t.skip('needs MZ_DB to move the 公示 window into the past');
    return;
  }
  res = await act('town', 'submit');
  expectStatus(res, 200);
  // The approval level is the region's policy (another test may delegate it to the township).
  const pol = await get(`/policies/resolve${qs({ program: 'dibao', param: 'township_approval', region: VILLAGE })}`, s.county);
  expectStatus(pol, 200);
  const township = pol.json.num === 1;
  assert.equal(res.json.state, township ? 'township_review' : 'county_review');
  const approver = township ? 'townApprover' : 'countyApprover';
  const other = township ? 'countyApprover' : 'townApprover';

  // 决定: only the approver of that level; approval starts the enrollment next month.
  expectError(await act(other, 'approve'), 403, 'forbidden');
  expectError(await act(approver, 'refuse'), 400, 'invalid_value', 'data.reasons');
  assert.ok((await inboxIds(approver)).includes(caseId));
  res = await act(approver, 'approve', { comment: '同意' });
  expectStatus(res, 200);
  assert.equal(res.json.state, 'approved');
  assert.equal(res.json.outcome, 'approved');
  assert.equal(res.json.final, true);
  assert.ok(res.json.closed_at);
  const now = new Date(Date.now() + 8 * 3600000);
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 7);
  assert.equal(res.json.data.enrollment_from, next);
  assert.deepEqual(res.json.actions, []);
  assert.deepEqual(
    res.json.history.map((e) => e.action),
    ['create', 'accept', 'investigate', 'verify', 'submit', 'approve'],
  );
  expectError(await act('town', 'accept'), 409, 'invalid_transition', 'action');

  // The attachment is read back whole, and that read is audited with every transition.
  res = await get(`/cases/${caseId}/attachments/${form.id}`, s.auditor);
  expectStatus(res, 200);
  assert.equal(res.json.content, PDF);
  expectError(await get(`/cases/${caseId}/attachments/${form.id}`, s.town2), 404, 'not_found');
  const audit = expectList(await get(`/audit${qs({ object_type: 'case', object_id: caseId, page_size: 200 })}`, s.auditor));
  const actions = new Set(audit.items.map((e) => e.action));
  for (const a of ['case.create', 'case.attachment_add', 'case.accept', 'case.investigate', 'case.verify', 'case.submit', 'case.approve', 'case.attachment_view']) {
    assert.ok(actions.has(a), `audit has ${a}`);
  }
});

test('cases are listed within scope with filters, and objections only during 公示', async () => {
  const res = await post('/cases', s.town, {
    case_type: 'dibao', region_code: VILLAGE, applicant_name: '李梅', channel: 'online', relative_of_staff: true,
  });
  expectStatus(res, 201);
  const id = res.json.id;
  assert.equal(res.json.relative_of_staff, true);
  const rel = expectList(await get(`/cases${qs({ relative_of_staff: 'true', page_size: 200 })}`, s.county));
  assert.ok(rel.items.some((c) => c.id === id));
  assert.ok(rel.items.every((c) => c.relative_of_staff === true));
  const other = expectList(await get(`/cases${qs({ type: 'dibao', page_size: 200 })}`, s.town2));
  assert.ok(!other.items.some((c) => c.id === id));
  expectError(await get(`/cases${qs({ type: 'nope' })}`, s.county), 400, 'invalid_parameter', 'type');
  expectError(await post(`/cases/${id}/objections`, s.village, { text: '收入不实' }), 409, 'invalid_transition');
  expectError(await post('/cases', s.village, { case_type: 'dibao', region_code: VILLAGE, applicant_name: '王', channel: 'online', data: { x: 1 } }), 400, 'unknown_field', 'data.x');
  // The auditor reads but may not write.
  expectError(await post('/cases', s.auditor, { case_type: 'dibao', region_code: VILLAGE, applicant_name: '王', channel: 'online' }), 403, 'forbidden');
});

test('核对 on a registered household is computed by the server from the registry, not taken from the caller', async () => {
  // A household registered by the township worker: head with 300.00 wages a month from 2020.
  const n = Date.now() % 900;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const body = `321302196805${String(10 + (n % 18)).padStart(2, '0')}${String(100 + n).padStart(3, '0')}`;
  const head = body + '10X98765432'[[...body].reduce((a, c, i) => a + Number(c) * w[i], 0) % 11];
  let res = await post('/households', s.town, {
    region_code: VILLAGE, address: '核对路1号', joined_on: '2020-01-01',
    head: { id_number: head, name: '核对户主', labour_capacity: 'partial' },
  });
  expectStatus(res, 201, 'household');
  const hid = res.json.id;
  res = await post(`/households/${hid}/incomes`, s.town, { type: 'wage', person_id: res.json.head.person_id, monthly_fen: 30000, valid_from: '2020-01-01' });
  expectStatus(res, 201, 'income');

  res = await post('/cases', s.village, {
    case_type: 'dibao', household_id: hid, applicant_name: '核对户主', channel: 'village', authorisation_recorded: true,
  });
  expectStatus(res, 201, 'case');
  caseId = res.json.id;
  assert.equal(res.json.household_id, hid);
  await attach('village', 'application_form');
  await attach('village', 'authorisation');
  expectStatus(await act('town', 'accept'), 200, 'accept');
  await attach('town', 'visit_record');
  expectStatus(await act('town', 'investigate', { data: { investigators: ['李四', '王五'] } }), 200, 'investigate');

  // The county sends no result — or a made-up one: the case records the calculator's answer.
  const made_up = { program: 'dibao', eligible: true, monthly_amount_fen: 99999999 };
  res = await act('county', 'verify', { data: { assessment: made_up } });
  expectStatus(res, 200, 'verify');
  const recorded = res.json.data.assessment;
  const expected = await post('/assessments', s.county, { program: 'dibao', date: dayCN(), household_id: hid });
  expectStatus(expected, 200, 'assessment');
  assert.equal(recorded.monthly_amount_fen, expected.json.monthly_amount_fen);
  assert.equal(recorded.monthly_amount_fen, 61000 - 30000, 'one member: 610.00 − 300.00');
  assert.equal(recorded.household_id, hid);
  assert.ok(Array.isArray(recorded.explanation) && recorded.explanation.length > 3, 'the explanation is kept with the case');

  // The household's profile lists the application; a caller without case rights sees no cases key.
  const profile = await get(`/households/${hid}/profile`, s.county);
  expectStatus(profile, 200, 'profile');
  assert.ok(profile.json.cases.some((c) => c.id === caseId && c.state === 'publicity'), 'the profile lists the case');
  const adminProfile = await get(`/households/${hid}/profile`, await admin());
  expectStatus(adminProfile, 200, 'admin profile');
  assert.equal(adminProfile.json.cases, undefined, 'city_admin holds no case:case:read');
});

test("a person's profile lists the cases naming the person as applicant, within scope", async () => {
  // A household of two; the wife applies.  The profile, written by the server straight from
  // its statements, says "cases": [] for a person no case names, lists hers, and has no cases
  // key for a caller without case rights.
  const n = (Date.now() + 7) % 900;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const idn = (body) => body + '10X98765432'[[...body].reduce((a, c, i) => a + Number(c) * w[i], 0) % 11];
  const head = idn(`321302197002${String(10 + (n % 18)).padStart(2, '0')}${String(101 + n).padStart(3, '0')}`);
  const wife = idn(`321302197203${String(10 + (n % 18)).padStart(2, '0')}${String(100 + n).padStart(3, '0')}`);
  let res = await post('/households', s.town, {
    region_code: VILLAGE, address: '申请路2号', joined_on: '2020-01-01',
    head: { id_number: head, name: '申请户主' },
    members: [{ id_number: wife, name: '申请人"妻"', relation: 'spouse' }],
  });
  expectStatus(res, 201, 'household');
  const hid = res.json.id;
  const headId = res.json.head.person_id;
  const members = await get(`/households/${hid}`, s.town);
  expectStatus(members, 200, 'household');
  const wifeId = members.json.members.find((m) => m.relation === 'spouse').person_id;

  for (const pid of [headId, wifeId]) {
    const p = await get(`/persons/${pid}/profile`, s.county);
    expectStatus(p, 200, 'profile before');
    assert.deepEqual(p.json.cases, [], 'no case names the person yet');
  }
  res = await post('/cases', s.village, {
    case_type: 'dibao', household_id: hid, applicant_person_id: wifeId, applicant_name: '申请人"妻"', channel: 'village',
  });
  expectStatus(res, 201, 'case');
  const cid = res.json.id;

  for (const as of [s.county, s.town]) {
    const p = await get(`/persons/${wifeId}/profile`, as);
    expectStatus(p, 200, 'profile');
    assert.deepEqual(p.json.cases.map((c) => [c.id, c.applicant_person_id, c.applicant_name, c.household_id]),
      [[cid, wifeId, '申请人"妻"', hid]]);
    assert.equal(p.json.person.name, '申请人"妻"');
  }
  const h = await get(`/persons/${headId}/profile`, s.county);
  assert.deepEqual(h.json.cases, [], 'the case names the wife, not the head');
  const a = await get(`/persons/${wifeId}/profile`, await admin());
  expectStatus(a, 200, 'admin profile');
  assert.equal(a.json.cases, undefined, 'city_admin holds no case:case:read');
  expectError(await get(`/persons/${wifeId}/profile`, s.town2), 404, 'not_found');
});
