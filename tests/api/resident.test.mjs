// 掌上办: residents register with their ID number, log in, apply online (网上申请) with the
// online-signed 核对授权 and attachments, and follow their applications; the village and township
// workers of that village take them in (受理 → a case with channel online, or 退回 with reasons).
// A resident sees only their own submissions and no staff route; staff of another township do
// not see the submission at all.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import {
  API, admin, login, createUser, get, post, qs, expectError, expectStatus, expectList, strongPassword,
} from './lib.mjs';

const TOWN = '321302001000'; // 幸福街道
const VILLAGE = '321302001001'; // 凤凰居委会
const TOWN2 = '321302002000'; // 项里街道
const PDF = Buffer.from('%PDF-1.4\n%minzheng resident test\n').toString('base64');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]).toString('base64');

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A valid ID number (GB 11643) of a random person born between 1950 and 2009 in 宿城区. */
function idNumber(gender = 'M') {
  const y = 1950 + randomInt(60);
  const m = String(1 + randomInt(12)).padStart(2, '0');
  const d = String(1 + randomInt(28)).padStart(2, '0');
  let seq = randomInt(500) * 2 + (gender === 'M' ? 1 : 0);
  seq = String(seq).padStart(3, '0');
  const first17 = `321302${y}${m}${d}${seq}`;
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * W[i], 0);
  return first17 + '10X98765432'[sum % 11];
}
/** The same number with a wrong check character. */
const badChecksum = (id) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');

const s = {};

async function register(fields = {}) {
  const body = {
    id_number: fields.id_number || idNumber(),
    name: fields.name ?? '王居民',
    mobile: fields.mobile || '13812345678',
    password: fields.password || strongPassword(),
  };
  const res = await post('/resident/register', null, body);
  return { res, ...body };
}

/** Registers and logs in a resident; returns the session plus id_number and name. */
async function resident(name = '王居民') {
  const r = await register({ name });
  expectStatus(r.res, 201, 'register');
  const sess = await login(r.id_number, r.password);
  return { ...sess, id_number: r.id_number, name };
}

function application(who, extra = {}) {
  return {
    program: 'dibao',
    region_code: VILLAGE,
    address: '幸福街道凤凰小区3号楼201室',
    phone: '13912345678',
    members: [
      { name: who.name, id_number: who.id_number, relation: 'self' },
      { name: '王小明', id_number: idNumber('M'), relation: 'child' },
    ],
    incomes: [{ type: 'wage', monthly_fen: 80000 }],
    assets: [{ type: 'deposit', value_fen: 500000, description: '银行存款' }],
    reason: '因病失去劳动能力，家庭收入低于低保标准',
    authorisation_consent: true,
    ...extra,
  };
}

before(async () => {
  await admin();
  const cast = {
    village: ['village_worker', VILLAGE, '凤凰协理员'],
    town: ['township_worker', TOWN, '幸福经办人'],
    town2: ['township_worker', TOWN2, '项里经办人'],
    townApprover: ['township_approver', TOWN, '幸福审批人'],
  };
  for (const [key, [role, region_code, display_name]] of Object.entries(cast)) {
    const u = await createUser({ prefix: `res${key}`, role, region_code, display_name });
    s[key] = await login(u.username, u.password);
  }
});

test('registration validates the ID number, mobile and password, and refuses a second account', async () => {
  const id = idNumber('F');
  let r = await register({ id_number: badChecksum(id) });
  expectError(r.res, 400, 'invalid_value', 'id_number');
  assert.match(r.res.json.error.message, /校验/);
  r = await register({ id_number: '32130220991301123X' });
  expectError(r.res, 400, 'invalid_value', 'id_number');
  r = await register({ id_number: idNumber(), mobile: '12345678901' });
  expectError(r.res, 400, 'invalid_value', 'mobile');
  r = await register({ id_number: idNumber(), password: 'short' });
  expectError(r.res, 400, 'weak_password', 'password');
  r = await register({ id_number: idNumber(), name: '' });
  expectError(r.res, 400, 'invalid_value', 'name');

  r = await register({ id_number: id.slice(0, 17) + id[17].toLowerCase(), name: '李女士' });
  expectStatus(r.res, 201, 'register');
  assert.equal(r.res.json.id_number, id.toUpperCase());
  assert.equal(r.res.json.gender, 'F');
  assert.equal(r.res.json.birth_date, `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`);
  assert.equal(r.res.json.identity_verified, false, 'real-name verification happens at 受理');
  const again = await register({ id_number: id });
  expectError(again.res, 409, 'conflict', 'id_number');
  assert.match(again.res.json.error.message, /请直接登录/);

  // The resident logs in with the ID number; the session says who they are.
  const sess = await login(id, r.password);
  assert.equal(sess.user.role, 'resident');
  assert.ok(sess.user.permissions.includes('resident:application:create'));
  const acc = await get('/resident/account', sess);
  expectStatus(acc, 200);
  assert.equal(acc.json.name, '李女士');
});

test('registration attempts per ID number are limited', async () => {
  const id = idNumber();
  const first = await register({ id_number: id });
  expectStatus(first.res, 201);
  for (let i = 0; i < 4; i++) expectError((await register({ id_number: id })).res, 409, 'conflict', 'id_number');
  expectError((await register({ id_number: id })).res, 429, 'too_many_attempts', 'id_number');
});

test('a resident reaches no staff route and no staff list shows resident accounts', async () => {
  const r = await resident();
  for (const path of ['/persons', '/households', '/cases', '/inbox', '/users', '/online-applications', '/regions', '/enrollments']) {
    expectError(await get(path, r), 403, 'forbidden', null);
  }
  expectError(await post('/cases', r, { case_type: 'dibao', applicant_name: 'x', channel: 'online' }), 403, 'forbidden');
  const list = expectList(await get(`/users${qs({ q: r.id_number })}`, await admin()));
  assert.equal(list.items.length, 0, 'resident accounts are not staff users');
  expectError(await get(`/users/${r.user.id}`, await admin()), 404, 'not_found');
  // Staff cannot use the resident routes either.
  expectError(await get('/resident/applications', s.village), 403, 'forbidden');
});

test('apply, follow, and the village worker accepts: a case with channel online and the attachments', async () => {
  const a = await resident('王大为');
  const b = await resident('赵其他');

  let res = await post('/resident/applications', a, application(a, { authorisation_consent: false }));
  expectError(res, 400, 'invalid_value', 'authorisation_consent');
  res = await post('/resident/applications', a, application(a, { region_code: TOWN }));
  expectError(res, 400, 'invalid_region', 'region_code');
  const bad = application(a);
  bad.members[1].id_number = badChecksum(bad.members[1].id_number);
  expectError(await post('/resident/applications', a, bad), 400, 'invalid_value', 'members[1].id_number');
  const noSelf = application(a);
  noSelf.members[0].relation = 'spouse';
  expectError(await post('/resident/applications', a, noSelf), 400, 'invalid_value', 'members');
  const other = application(a);
  other.members[0].id_number = b.id_number;
  expectError(await post('/resident/applications', a, other), 400, 'invalid_value', 'members');
  expectError(await post('/resident/applications', a, application(a, { incomes: [{ type: 'lottery', monthly_fen: 1 }] })),
    400, 'invalid_value', 'incomes[0].type');
  expectError(await post('/resident/applications', a, application(a, { phone: '0527123' })), 400, 'invalid_value', 'phone');
  expectError(await post('/resident/applications', a, application(a, { program: 'temporary' })), 400, 'invalid_value', 'kind');

  res = await post('/resident/applications', a, application(a));
  expectStatus(res, 201, 'submit');
  const app = res.json;
  assert.equal(app.status, 'submitted');
  assert.match(app.status_name, /已提交/);
  assert.ok(app.consent_at, 'the consent time is recorded');
  assert.equal(app.data.members[0].id_number, a.id_number, 'the resident sees their own declaration');

  res = await post(`/resident/applications/${app.id}/attachments`, a, { kind: 'id_card', filename: '身份证.pdf', content: PDF });
  expectStatus(res, 201, 'attach');
  assert.match(res.json.sha256, /^[0-9a-f]{64}$/);
  res = await post(`/resident/applications/${app.id}/attachments`, a, { kind: 'other', filename: '收入证明.png', content: PNG });
  expectStatus(res, 201, 'attach png');
  expectError(await post(`/resident/applications/${app.id}/attachments`, a, { kind: 'id_card', filename: 'x.txt', content: Buffer.from('hello').toString('base64') }),
    400, 'invalid_value', 'content');
  expectError(await post(`/resident/applications/${app.id}/attachments`, a, { kind: 'visit_record', filename: 'x.pdf', content: PDF }),
    400, 'invalid_value', 'kind');

  // Another resident: 404 on it, and it is not in their list.
  expectError(await get(`/resident/applications/${app.id}`, b), 404, 'not_found');
  expectError(await post(`/resident/applications/${app.id}/attachments`, b, { kind: 'id_card', filename: 'x.pdf', content: PDF }), 404, 'not_found');
  const bl = await get('/resident/applications', b);
  expectStatus(bl, 200);
  assert.ok(!bl.json.items.some((x) => x.id === app.id));

  // Staff of another township: 404, not listed.
  expectError(await get(`/online-applications/${app.id}`, s.town2), 404, 'not_found');
  expectError(await post(`/online-applications/${app.id}/accept`, s.town2, { identity_checked: true }), 404, 'not_found');
  const l2 = expectList(await get(`/online-applications${qs({ page_size: 200 })}`, s.town2));
  assert.ok(!l2.items.some((x) => x.id === app.id));

  // The village worker sees it in 网上申请, ID numbers masked.
  const lv = expectList(await get(`/online-applications${qs({ status: 'submitted', page_size: 200 })}`, s.village));
  assert.ok(lv.items.some((x) => x.id === app.id));
  res = await get(`/online-applications/${app.id}`, s.village);
  expectStatus(res, 200);
  assert.equal(res.json.attachments.length, 2);
  assert.equal(res.json.identity_verified, false);
  assert.ok(!JSON.stringify(res.json).includes(a.id_number), 'staff see ID numbers masked');
  assert.match(res.json.data.members[0].id_number_masked, /^321302\*{8}/);
  const att = await get(`/online-applications/${app.id}/attachments/${res.json.attachments[0].id}`, s.village);
  expectStatus(att, 200);
  assert.equal(att.json.content, PDF);

  expectError(await post(`/online-applications/${app.id}/accept`, s.village, { identity_checked: false }), 400, 'invalid_value', 'identity_checked');
  res = await post(`/online-applications/${app.id}/accept`, s.village, { identity_checked: true });
  expectStatus(res, 200, 'accept');
  assert.equal(res.json.status, 'accepted');
  assert.equal(res.json.identity_verified, true);
  const caseId = res.json.case_id;
  assert.ok(caseId > 0);
  expectError(await post(`/online-applications/${app.id}/accept`, s.village, { identity_checked: true }), 409, 'invalid_state');
  expectError(await post(`/online-applications/${app.id}/return`, s.town, { reasons: ['x'] }), 409, 'invalid_state');

  const c = await get(`/cases/${caseId}`, s.village);
  expectStatus(c, 200);
  assert.equal(c.json.channel, 'online');
  assert.equal(c.json.authorisation_recorded, true);
  assert.equal(c.json.case_type, 'dibao');
  assert.equal(c.json.applicant_name, '王大为');
  assert.deepEqual(c.json.attachments.map((x) => x.kind).sort(), ['id_card', 'other']);
  assert.ok(c.json.household_id > 0);
  assert.ok(c.json.applicant_person_id > 0, 'the applicant is a member of the new household');
  const hh = await get(`/households/${c.json.household_id}/profile`, s.village);
  expectStatus(hh, 200);
  assert.equal(hh.json.members.length, 2);
  assert.equal(hh.json.items.incomes[0].monthly_fen, 80000);
  assert.equal(hh.json.items.assets[0].value_fen, 500000);

  // The resident follows it: 已受理 and the case's state, dates without staff names.
  res = await get(`/resident/applications/${app.id}`, a);
  expectStatus(res, 200);
  assert.equal(res.json.status, 'accepted');
  assert.equal(res.json.case.id, caseId);
  assert.equal(res.json.case.state_name, '已申请');
  assert.match(res.json.status_name, /已受理/);
  assert.match(res.json.case.history[0].date, /^\d{4}-\d{2}-\d{2}$/);
  assert.ok(!JSON.stringify(res.json).includes('凤凰协理员'), 'no staff names');
  assert.equal((await get('/resident/account', a)).json.identity_verified, true);

  // A second accept of the same household data through a new submission links the household.
  res = await post('/resident/applications', a, application(a, { program: 'temporary', kind: 'emergency', requested_amount_fen: 150000 }));
  expectStatus(res, 201);
  const t = res.json;
  expectError(await post(`/online-applications/${t.id}/accept`, s.town, { identity_checked: true, household_id: 999999999 }), 400, 'invalid_value', 'household_id');
  res = await post(`/online-applications/${t.id}/accept`, s.town, { identity_checked: true, household_id: c.json.household_id });
  expectStatus(res, 200, 'accept temporary into the existing household');
  const tc = await get(`/cases/${res.json.case_id}`, s.town);
  assert.equal(tc.json.household_id, c.json.household_id);
  assert.equal(tc.json.data.amount_fen, 150000);
  assert.equal(tc.json.data.kind, 'emergency');
});

test('the township worker returns one with reasons; the resident sees them and resubmits a corrected one', async () => {
  const a = await resident('孙申请');
  let res = await post('/resident/applications', a, application(a, { program: 'tekun' }));
  expectStatus(res, 201);
  const app = res.json;
  expectError(await post(`/online-applications/${app.id}/return`, s.town, { reasons: [] }), 400, 'invalid_value', 'reasons');
  expectError(await post(`/online-applications/${app.id}/return`, s.town, { reasons: [''] }), 400, 'invalid_value', 'reasons[0]');
  res = await post(`/online-applications/${app.id}/return`, s.town, { reasons: ['缺少户口簿照片', '收入证明不清晰'] });
  expectStatus(res, 200, 'return');
  assert.equal(res.json.status, 'returned');

  res = await get(`/resident/applications/${app.id}`, a);
  assert.equal(res.json.status, 'returned');
  assert.match(res.json.status_name, /已退回/);
  assert.deepEqual(res.json.return_reasons, ['缺少户口簿照片', '收入证明不清晰']);
  expectError(await post(`/resident/applications/${app.id}/attachments`, a, { kind: 'id_card', filename: 'x.pdf', content: PDF }), 409, 'invalid_state');

  res = await post('/resident/applications', a, application(a, { program: 'tekun', corrects_id: app.id }));
  expectStatus(res, 201, 'resubmit');
  assert.equal(res.json.corrects_id, app.id);
  expectError(await post('/resident/applications', a, application(a, { program: 'tekun', corrects_id: app.id })), 409, 'conflict', 'corrects_id');
  const list = await get('/resident/applications', a);
  assert.equal(list.json.items.find((x) => x.id === app.id).corrected_by, res.json.id);
});

test('the resident sees the decision notice of their case and downloads it; nobody else can', async () => {
  const a = await resident('钱通知');
  let res = await post('/resident/applications', a, application(a, { program: 'temporary', kind: 'emergency', requested_amount_fen: 50000 }));
  expectStatus(res, 201);
  const app = res.json;
  res = await post(`/resident/applications/${app.id}/attachments`, a, { kind: 'application_form', filename: 'form.pdf', content: PDF });
  expectStatus(res, 201, 'attachment');
  res = await post(`/online-applications/${app.id}/accept`, s.town, { identity_checked: true });
  expectStatus(res, 200, 'accept');
  const caseId = res.json.case_id;
  res = await get(`/resident/applications/${app.id}`, a);
  assert.deepEqual(res.json.case.notices, [], 'no decision yet');

  // 急难型: the township pays first, then completes the paperwork: approved, with a 批准通知书.
  expectStatus(await post(`/cases/${caseId}/actions`, s.townApprover, { action: 'pay_first', data: { amount_fen: 50000 } }), 200, 'pay first');
  expectStatus(await post(`/cases/${caseId}/actions`, s.town, { action: 'complete' }), 200, 'complete');
  res = await get(`/resident/applications/${app.id}`, a);
  expectStatus(res, 200);
  assert.equal(res.json.case.notices.length, 1);
  const notice = res.json.case.notices[0];
  assert.match(notice.title, /批准/);
  assert.ok(notice.number && notice.issued_on);

  const download = async (who, path) => {
    const r = await fetch(`${API}${path}`, { headers: { cookie: who.cookie } });
    return { status: r.status, type: r.headers.get('content-type'), body: Buffer.from(await r.arrayBuffer()) };
  };
  const pdf = await download(a, `/resident/applications/${app.id}/notices/${notice.id}.pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.type, 'application/pdf');
  assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
  // Another resident, another notice id, a malformed name: all 404.
  const b = await resident('李旁人');
  assert.equal((await download(b, `/resident/applications/${app.id}/notices/${notice.id}.pdf`)).status, 404);
  assert.equal((await download(a, `/resident/applications/${app.id}/notices/${notice.id + 100000}.pdf`)).status, 404);
  assert.equal((await download(a, `/resident/applications/${app.id}/notices/${notice.id}.txt`)).status, 404);
});
