// Enrollments and the monthly payroll (资金发放): approving a 低保 case enrolls it from next
// month with the assessed amount; a finance user runs a month that has not been run yet, the
// run shows the enrollment's line and the control totals, running it again changes nothing,
// a second finance user approves (the one who ran it may not), and export.csv carries the
// lines and the 合计.  Workers read the enrollment; finance in a county cannot run the city's
// payroll.  The same cycle from the shell: `minzheng payroll run|approve|export` (MZ_BIN, MZ_DB).
//
// Like cases.test.mjs, the 公示 window is moved into the past directly in the server's
// database (MZ_DB); without it the enrollment part is skipped.  Payroll runs are city-wide
// and final once generated, so each run of this suite takes the first month after every
// month already run (the enrollment, open-ended, is in force then).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  admin, login, createUser, get, post, rawRequest, qs, expectError, expectStatus, expectList, MZ_BIN, MZ_DB, COUNTY, CITY,
} from './lib.mjs';

const VILLAGE = '321302001001'; // 凤凰居委会
const TOWN = '321302001000'; // 幸福街道
const PDF = Buffer.from('%PDF-1.4\n%minzheng test\n').toString('base64');
const AMOUNT = 83123;
const s = {};

before(async () => {
  await admin();
  const cast = {
    village: ['village_worker', VILLAGE],
    town: ['township_worker', TOWN],
    townApprover: ['township_approver', TOWN],
    county: ['county_worker', COUNTY.suchengqu],
    countyApprover: ['county_approver', COUNTY.suchengqu],
    fin1: ['finance', CITY],
    fin2: ['finance', CITY],
    countyFin: ['finance', COUNTY.suchengqu],
  };
  for (const [key, [role, region_code]] of Object.entries(cast)) {
    const u = await createUser({ prefix: `pay${key}`, role, region_code, display_name: `发放${key}` });
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

const dayCN = (days = 0) => new Date(Date.now() + 8 * 3600000 + days * 86400000).toISOString().slice(0, 10);
const nextMonth = (m) => {
  const [y, mo] = m.split('-').map(Number);
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
};
const yuan = (fen) => `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;

/** A 低保 case carried to approval with the caller's assessment; returns the approved case. */
async function approvedCase(t) {
  let res = await post('/cases', s.village, {
    case_type: 'dibao', region_code: VILLAGE, applicant_name: '发放测试', channel: 'village', authorisation_recorded: true,
  });
  expectStatus(res, 201);
  const id = res.json.id;
  const act = (who, action, extra = {}) => post(`/cases/${id}/actions`, s[who], { action, ...extra });
  for (const [who, kind] of [['village', 'application_form'], ['village', 'authorisation']]) {
    expectStatus(await post(`/cases/${id}/attachments`, s[who], { kind, filename: `${kind}.pdf`, content: PDF }), 201);
  }
  expectStatus(await act('town', 'accept'), 200);
  expectStatus(await post(`/cases/${id}/attachments`, s.town, { kind: 'visit_record', filename: 'v.pdf', content: PDF }), 201);
  expectStatus(await act('town', 'investigate', { data: { investigators: ['李四', '王五'] } }), 200);
  expectStatus(await act('county', 'verify', { data: { assessment: { program: 'dibao', eligible: true, monthly_amount_fen: AMOUNT } } }), 200);
  if (!sql(`UPDATE cases SET publicity_from = '${dayCN(-8)}', publicity_until = '${dayCN(-2)}' WHERE id = ${id}`)) {
    t.skip('needs MZ_DB to move the 公示 window into the past');
    return null;
  }
  res = await act('town', 'submit');
  expectStatus(res, 200);
  const approver = res.json.state === 'township_review' ? 'townApprover' : 'countyApprover';
  res = await act(approver, 'approve');
  expectStatus(res, 200);
  return res.json;
}

test('an approved 低保 case is enrolled and paid once in the next month run', async (t) => {
  const c = await approvedCase(t);
  if (!c) return;

  // The enrollment: from the month after approval, the assessed amount, in the workers' scope.
  const list = expectList(await get(`/enrollments${qs({ program: 'dibao', region: VILLAGE, page_size: 200 })}`, s.town));
  const e = list.items.find((x) => x.case_id === c.id);
  assert.ok(e, 'enrollment listed');
  assert.equal(e.monthly_amount_fen, AMOUNT);
  assert.equal(e.from_month, c.data.enrollment_from);
  assert.equal(e.status, 'in_force');
  assert.equal(e.to_month, null);
  let res = await get(`/enrollments/${e.id}`, s.county);
  expectStatus(res, 200);
  assert.equal(res.json.changes.length, 1);
  assert.equal(res.json.changes[0].kind, 'create');
  assert.equal(res.json.changes[0].case_id, c.id);
  expectError(await get(`/enrollments${qs({ region: 'x' })}`, s.town), 400, 'invalid_parameter', 'region');
  expectError(await get('/enrollments/999999999', s.town), 404, 'not_found');

  // A month after every month already run, and not before the enrollment starts.
  const runs = expectList(await get(`/payroll/runs${qs({ page_size: 200 })}`, s.fin1));
  let month = e.from_month;
  for (const r of runs.items) if (r.month >= month) month = nextMonth(r.month);

  expectError(await post('/payroll/runs', s.countyFin, { month }), 403, 'forbidden');
  expectError(await post('/payroll/runs', s.town, { month }), 403, 'forbidden');
  expectError(await post('/payroll/runs', s.fin1, { month: '2026-13' }), 400, 'invalid_value', 'month');
  expectError(await post('/payroll/runs', s.fin1, { month, x: 1 }), 400, 'unknown_field', 'x');

  res = await post('/payroll/runs', s.fin1, { month });
  expectStatus(res, 201);
  const run = res.json;
  assert.equal(run.state, 'generated');
  assert.equal(run.generated_now, true);
  assert.ok(run.line_count >= 1);
  const sum = run.totals.reduce((a, x) => a + x.amount_fen, 0);
  assert.equal(sum, run.total_fen, 'the control totals add up to the run total');
  assert.equal(run.totals.reduce((a, x) => a + x.lines, 0), run.line_count);
  const mine = run.totals.find((x) => x.program === 'dibao' && x.region_code === COUNTY.suchengqu && x.kind === 'regular');
  assert.ok(mine && mine.amount_fen >= AMOUNT && mine.region_name === '宿城区');

  // Its line, with the amount; the county's finance reads its county's lines only.
  const lines = [];
  for (let page = 1; ; page += 1) {
    const l = expectList(await get(`/payroll/runs/${month}/lines${qs({ page, page_size: 200 })}`, s.fin1));
    lines.push(...l.items);
    if (lines.length >= l.total) break;
  }
  assert.equal(lines.length, run.line_count);
  const line = lines.filter((l) => l.enrollment_id === e.id && l.kind === 'regular');
  assert.equal(line.length, 1);
  assert.equal(line[0].amount_fen, AMOUNT);
  assert.equal(line[0].month, month);
  const countyLines = expectList(await get(`/payroll/runs/${month}/lines${qs({ page_size: 200 })}`, s.countyFin));
  assert.ok(countyLines.items.every((l) => l.region_code.startsWith('321302')));

  // Again: nothing changes.
  res = await post('/payroll/runs', s.fin2, { month });
  expectStatus(res, 200);
  assert.equal(res.json.generated_now, false);
  assert.equal(res.json.lines_added, 0);
  assert.equal(res.json.line_count, run.line_count);
  assert.equal(res.json.total_fen, run.total_fen);
  assert.equal(res.json.started_by, run.started_by);

  // Not exported before approval; not approved by the one who ran it.
  expectError(await get(`/payroll/runs/${month}/export.csv`, s.fin1), 409, 'invalid_state');
  expectError(await post(`/payroll/runs/${month}/approve`, s.fin1, {}), 409, 'same_person');
  expectError(await post(`/payroll/runs/${month}/approve`, s.countyFin, {}), 403, 'forbidden');
  res = await post(`/payroll/runs/${month}/approve`, s.fin2, {});
  expectStatus(res, 200);
  assert.equal(res.json.state, 'approved');

  // Downloads are plain GETs with the session cookie (a link in the UI); raw bytes keep the BOM.
  res = await rawRequest('GET', `/payroll/runs/${month}/export.csv`, { headers: { cookie: s.fin1.cookie } });
  expectStatus(res, 200);
  assert.match(res.headers['content-type'], /^text\/csv/);
  assert.match(res.headers['content-disposition'], new RegExp(`payroll-${month}\\.csv`));
  assert.ok(res.text.startsWith('\uFEFF'), 'BOM for Excel');
  const csv = res.text.slice(1);
  const rows = csv.trim().split('\r\n');
  assert.equal(rows[0], '序号,收款人,开户银行,银行账号,金额（元）,发放类别,所属月份,保障项目,区划代码');
  assert.equal(rows.length, run.line_count + 2);
  assert.equal(rows.at(-1), `合计,${run.line_count} 笔,,,${yuan(run.total_fen)},,,,`);
  assert.ok(rows.some((r) => r.includes(`,${yuan(AMOUNT)},正常发放,${month},最低生活保障,${VILLAGE}`)));

  res = await rawRequest('GET', `/payroll/runs/${month}/export.xlsx`, { headers: { cookie: s.fin1.cookie } });
  expectStatus(res, 200);
  assert.match(res.headers['content-type'], /spreadsheetml/);
  assert.ok(res.text.startsWith('PK\u0003\u0004'), 'a zip container');
  res = await get(`/payroll/runs/${month}`, s.fin2);
  expectStatus(res, 200);
  assert.equal(res.json.state, 'exported');
  expectError(await get(`/payroll/runs/${nextMonth(month)}`, s.fin1), 404, 'not_found');
});

/** `minzheng --db MZ_DB payroll …`; {status, stdout, stderr}. */
function cli(...args) {
  const r = spawnSync(MZ_BIN, ['--db', MZ_DB, 'payroll', ...args], { encoding: 'utf8', timeout: 60000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('minzheng payroll run, approve and export from the shell', { skip: !(MZ_BIN && MZ_DB) && 'needs MZ_BIN and MZ_DB' }, async () => {
  const runs = expectList(await get(`/payroll/runs${qs({ page_size: 200 })}`, s.fin1));
  let month = '2030-01';
  for (const r of runs.items) if (r.month >= month) month = nextMonth(r.month);

  let r = cli('run', '--month', month);
  assert.equal(r.status, 0, r.stderr);
  const api = await get(`/payroll/runs/${month}`, s.fin1);
  expectStatus(api, 200);
  assert.equal(api.json.state, 'generated');
  assert.match(api.json.started_by, /^cli:/);
  assert.ok(r.stdout.includes(`${month} 发放：generated，${api.json.line_count} 条，合计 ${yuan(api.json.total_fen)} 元`), r.stdout);
  assert.match(r.stderr, /payroll: regular, \d+ 条新明细/);

  r = cli('run', '--month', month);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.startsWith(`${month} 已生成，本次未作改动`), r.stdout);
  expectStatus(await get(`/payroll/runs/${month}`, s.fin1), 200);
  assert.equal((await get(`/payroll/runs/${month}`, s.fin1)).json.line_count, api.json.line_count);

  const dir = mkdtempSync(join(tmpdir(), 'mz-payroll-'));
  try {
    const out = join(dir, 'bank.csv');
    r = cli('export', '--month', month, '--format', 'csv', '--out', out);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /尚未审核/);
    // The OS user who ran it may not approve it; a finance user in the UI does.
    r = cli('approve', '--month', month);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /不能审核同一批发放/);
    expectStatus(await post(`/payroll/runs/${month}/approve`, s.fin2, {}), 200);
    r = cli('export', '--month', month, '--format', 'csv', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    const csv = readFileSync(out, 'utf8');
    assert.ok(csv.startsWith('\uFEFF序号,收款人'));
    assert.ok(csv.endsWith(`合计,${api.json.line_count} 笔,,,${yuan(api.json.total_fen)},,,,\r\n`));
    r = cli('export', '--month', month, '--format', 'xlsx', '--out', join(dir, 'bank.xlsx'));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'bank.xlsx')).subarray(0, 4).toString('latin1'), 'PK\u0003\u0004');
    r = cli('run', '--month', '2030-13');
    assert.equal(r.status, 1);
    assert.equal(cli('run').status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
