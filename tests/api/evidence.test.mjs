// Department data (部门数据): templates listed and downloadable (CSV with a BOM, .xlsx); a CSV
// with bad rows imported all-or-nothing is refused as a whole but keeps its error report
// (row, column, reason) downloadable as CSV and .xlsx; the same file again returns the same
// batch; valid-rows mode imports the good rows; a GB18030 file (what Excel on Chinese Windows
// saves) is read; a file above the JSON body limit is accepted by the import route; bad
// parameters and files are refused with 400 and change nothing; only roles holding
// evidence:import:* may import or read (a 核对中心 verifier may); the import and the error
// report download are audited; and `minzheng import` (MZ_BIN, MZ_DB) imports the same way, so
// the same file through the API afterwards returns the CLI's batch.
//
// Every file carries a unique row so that reruns against the same database are new files.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  admin, createUser, login, get, request, rawRequest, qs, expectError, expectStatus, expectList, uniqueName,
  MZ_BIN, MZ_DB, CITY, COUNTY,
} from './lib.mjs';

const s = {};
const HEADER = '身份证号,姓名,号牌号码,车辆类型,初次登记日期,车辆价值（元）';

before(async () => {
  s.admin = await admin();
  const cast = {
    verifier: ['verifier', CITY],
    village: ['village_worker', '321302001001'],
    county: ['county_worker', COUNTY.suchengqu],
    auditor: ['auditor', CITY],
  };
  for (const [key, [role, region_code]] of Object.entries(cast)) {
    const u = await createUser({ prefix: `ev${key}`, role, region_code, display_name: `部门数据${key}` });
    s[key] = await login(u.username, u.password);
  }
});

/** A unique plate, so that every run's files are new. */
function plate() {
  return `苏N${uniqueName('').replace(/[^0-9A-Za-z]/g, '').slice(-6).toUpperCase()}`;
}

function upload(as, params, body) {
  return request('POST', `/evidence/imports${qs(params)}`, { as, raw: body, contentType: 'text/csv' });
}

async function batchCount() {
  const res = await get('/evidence/imports?page_size=1', s.admin);
  return expectList(res).total;
}

test('templates: list and downloads', async () => {
  let res = await get('/evidence/templates', s.verifier);
  expectStatus(res, 200);
  const codes = res.json.items.map((t) => t.code);
  assert.deepEqual(codes, ['hukou', 'death', 'pension', 'social_insurance', 'unemployment', 'medical',
    'property', 'vehicle', 'business', 'housing_fund', 'tax', 'deposit', 'disability']);
  const vehicle = res.json.items.find((t) => t.code === 'vehicle');
  assert.equal(vehicle.name, '车辆');
  assert.deepEqual(vehicle.columns[0], {
    header: '身份证号', alias: 'id_number', type: '身份证号', type_code: 'id_number', required: true,
    description: vehicle.columns[0].description,
  });
  assert.ok(vehicle.columns.find((c) => c.header === '车辆类型').codes.includes('小型汽车'));

  res = await rawRequest('GET', '/evidence/templates/vehicle.csv', { headers: { cookie: s.verifier.cookie } });
  expectStatus(res, 200);
  assert.match(res.headers['content-type'], /^text\/csv/);
  assert.match(res.headers['content-disposition'], /template-vehicle\.csv/);
  assert.ok(res.text.startsWith('\uFEFF身份证号,姓名,号牌号码'), res.text.slice(0, 40));
  assert.equal(res.text.trim().split('\r\n').length, 3);

  res = await fetch(`${process.env.MZ_URL.replace(/\/+$/, '')}/api/v1/evidence/templates/disability.xlsx`, {
    headers: { cookie: s.verifier.cookie },
  });
  assert.equal(res.status, 200);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04');

  expectError(await get('/evidence/templates/plane.csv', s.verifier), 404, 'not_found');
  expectError(await get('/evidence/templates/vehicle.pdf', s.verifier), 404, 'not_found');
  expectError(await get('/evidence/templates', s.village), 403, 'forbidden');
});

test('all-or-nothing refuses a file with bad rows, keeps its error report; valid-rows imports the rest', async () => {
  const p = plate();
  const csv = `${HEADER}\n321302196503120015,张建国,${p},小型汽车,2020/3/1,68000.5\n`
    + `321302196503120016,王五,${p}X,飞机,2020-13-01,1.234\n`
    + `321311197809200027,李秀英,${p}Y,摩托车,2021-08-09,\n`;
  let res = await upload(s.verifier, { source: 'vehicle', as_of: '2025-10-31', file_name: 'vehicles.csv' }, csv);
  expectStatus(res, 201);
  const b = res.json;
  assert.equal(b.status, 'rejected');
  assert.equal(b.mode, 'all_or_nothing');
  assert.equal(b.existing, false);
  assert.deepEqual([b.rows_total, b.rows_accepted, b.rows_rejected, b.errors_total], [3, 0, 1, 4]);
  assert.equal(b.source_name, '车辆');
  assert.equal(b.department, '市公安局交通警察支队');
  assert.equal(b.as_of, '2025-10-31');
  assert.equal(b.file_name, 'vehicles.csv');
  assert.match(b.sha256, /^[0-9a-f]{64}$/);
  assert.equal(b.imported_by, s.verifier.username);

  res = await get(`/evidence/imports/${b.id}`, s.county);
  expectStatus(res, 200);
  assert.deepEqual(res.json.errors.map((e) => [e.row, e.column, e.code]), [
    [3, '身份证号', 'invalid_id_number'],
    [3, '车辆类型', 'invalid_code'],
    [3, '初次登记日期', 'invalid_date'],
    [3, '车辆价值', 'invalid_amount'],
  ]);
  assert.match(res.json.errors[1].message, /车辆类型须为以下之一/);
  assert.equal(res.json.errors[1].value, '飞机');

  // The error report: CSV with a BOM, and a workbook.
  res = await rawRequest('GET', `/evidence/imports/${b.id}/errors.csv`, { headers: { cookie: s.verifier.cookie } });
  expectStatus(res, 200);
  assert.match(res.headers['content-disposition'], new RegExp(`import-${b.id}-errors\\.csv`));
  const lines = res.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0], '行号,列,内容,错误代码,错误说明');
  assert.equal(lines.length, 5);
  assert.ok(lines[2].startsWith('3,车辆类型,飞机,invalid_code,'), lines[2]);
  res = await fetch(`${process.env.MZ_URL.replace(/\/+$/, '')}/api/v1/evidence/imports/${b.id}/errors.xlsx`, {
    headers: { cookie: s.verifier.cookie },
  });
  assert.equal(res.status, 200);
  assert.equal(Buffer.from(await res.arrayBuffer()).subarray(0, 2).toString('latin1'), 'PK');
  expectError(await get('/evidence/imports/999999999/errors.csv', s.verifier), 404, 'not_found');

  // The same file again: the same batch, nothing new.
  const before = await batchCount();
  res = await upload(s.verifier, { source: 'vehicle', mode: 'all_or_nothing' }, csv);
  expectStatus(res, 200);
  assert.equal(res.json.id, b.id);
  assert.equal(res.json.existing, true);
  assert.equal(await batchCount(), before);

  // Valid rows: the two good rows.
  res = await upload(s.verifier, { source: 'vehicle', mode: 'valid_rows', department: '沭阳县公安局' }, csv);
  expectStatus(res, 201);
  const v = res.json;
  assert.equal(v.status, 'imported');
  assert.equal(v.department, '沭阳县公安局');
  assert.deepEqual([v.rows_total, v.rows_accepted, v.rows_rejected], [3, 2, 1]);
  res = await upload(s.verifier, { source: 'vehicle', mode: 'valid_rows' }, csv);
  expectStatus(res, 200);
  assert.equal(res.json.id, v.id);
  res = await upload(s.verifier, { source: 'vehicle' }, csv);
  expectStatus(res, 200);
  assert.equal(res.json.id, v.id, 'an imported file is not imported again in any mode');

  res = await get(`/evidence/imports${qs({ source: 'vehicle', page_size: 5 })}`, s.verifier);
  const list = expectList(res);
  assert.equal(list.items[0].id, v.id);
  assert.ok(list.items.every((i) => i.source === 'vehicle'));

  // Audited: the imports and the report downloads.
  res = await get(`/audit${qs({ action: 'evidence.import', object_id: String(v.id) })}`, s.auditor);
  expectStatus(res, 200);
  assert.equal(expectList(res).items.length, 1);
  res = await get(`/audit${qs({ action: 'evidence.errors.export', object_id: String(b.id) })}`, s.auditor);
  assert.equal(expectList(res).items.length, 2);
});

test('GB18030 files as Excel saves them, and files above the JSON body limit', async () => {
  const p = plate();
  const utf8 = `身份证号,姓名,死亡日期,信息来源,死亡地点\n321302196503120015,张建国,2025/3/2,公安,"宿迁市,第一人民医院 ${p}"\n`;
  const gb = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: utf8 });
  assert.equal(gb.status, 0);
  let res = request('POST', `/evidence/imports${qs({ source: 'death' })}`, {
    as: s.verifier, raw: gb.stdout, contentType: 'application/octet-stream',
  });
  res = await res;
  expectStatus(res, 201);
  assert.equal(res.json.encoding, 'GB18030');
  assert.equal(res.json.rows_accepted, 1);

  // 1.5 MB: over the 1 MB JSON limit, under the import limit.
  const rows = [`身份证号,姓名,缴存月份,月缴存额`];
  const row = '321302196503120015,张建国,2025-10,720.00';
  while (rows.length < 36000) rows.push(row);
  rows.push(`321311197809200027,${p.slice(-4)},2025-10,1`);
  const big = Buffer.from(rows.join('\n'));
  assert.ok(big.length > 1.4 * 1024 * 1024);
  res = await request('POST', `/evidence/imports${qs({ source: 'housing_fund', mode: 'valid_rows' })}`, {
    as: s.verifier, raw: big, contentType: 'text/csv', timeout: 120000,
  });
  expectStatus(res, 201);
  assert.equal(res.json.rows_accepted, 36000);
});

test('bad parameters and files are refused and change nothing', async () => {
  const before = await batchCount();
  const ok = `${HEADER}\n321302196503120015,张建国,${plate()},小型汽车,2020-03-01,1\n`;
  expectError(await upload(s.verifier, {}, ok), 400, 'invalid_parameter', 'source');
  expectError(await upload(s.verifier, { source: 'plane' }, ok), 400, 'invalid_value', 'source');
  expectError(await upload(s.verifier, { source: 'vehicle', mode: 'some' }, ok), 400, 'invalid_value', 'mode');
  expectError(await upload(s.verifier, { source: 'vehicle', as_of: '2025-02-30' }, ok), 400, 'invalid_value', 'as_of');
  expectError(await upload(s.verifier, { source: 'vehicle', as_of: '2999-01-01' }, ok), 400, 'invalid_value', 'as_of');
  expectError(await upload(s.verifier, { source: 'vehicle', department: 'a\u0001b' }, ok), 400, 'invalid_value', 'department');
  expectError(await upload(s.verifier, { source: 'tax' }, ok), 400, 'unknown_column', 'file');
  expectError(await upload(s.verifier, { source: 'vehicle' }, '身份证号,姓名\n1,2\n'), 400, 'missing_column', 'file');
  expectError(await upload(s.verifier, { source: 'vehicle' }, `${HEADER}\n`), 400, 'file_invalid', 'file');
  expectError(await upload(s.verifier, { source: 'vehicle' }, ''), 400, 'file_invalid', 'file');
  expectError(await upload(s.verifier, { source: 'vehicle' }, 'PK\x03\x04not a zip'), 400, 'file_invalid', 'file');
  expectError(await upload(s.village, { source: 'vehicle' }, ok), 403, 'forbidden');
  expectError(await upload(s.county, { source: 'vehicle' }, ok), 403, 'forbidden');
  expectError(await get('/evidence/imports', s.village), 403, 'forbidden');
  expectError(await get('/evidence/imports/abc', s.verifier), 404, 'not_found');
  expectError(await get('/evidence/imports?source=plane', s.verifier), 400, 'invalid_parameter', 'source');
  // A cookie session needs the CSRF header for an import.
  expectError(await request('POST', '/evidence/imports?source=vehicle', {
    as: s.verifier, raw: ok, contentType: 'text/csv', csrf: false,
  }), 403, 'csrf_failed');
  assert.equal(await batchCount(), before);
});

test('minzheng import on the command line', { skip: !MZ_BIN || !MZ_DB }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mz-ev-'));
  try {
    const file = join(dir, 'disability.csv');
    const csv = `身份证号,姓名,残疾证号,残疾类别,残疾等级\n321302196503120015,张建国,${plate()},肢体,2\n321311197809200027,李秀英,X1,视力,9\n`;
    writeFileSync(file, csv);
    let r = spawnSync(MZ_BIN, ['--db', MZ_DB, 'import', '--source', 'disability', '--as-of', '2025-10-01', file], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr + r.stdout);
    assert.match(r.stdout, /整批未导入/);
    r = spawnSync(MZ_BIN, ['--db', MZ_DB, 'import', '--source', 'disability', '--mode', 'valid-rows', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /共 2 行，导入 1 行，错误 1 行/);
    assert.match(r.stderr, /已处理 2 行/);
    const id = Number(/批次 (\d+)/.exec(r.stdout)[1]);
    // The same bytes through the API: the CLI's batch.
    const res = await upload(s.verifier, { source: 'disability', mode: 'valid_rows' }, csv);
    expectStatus(res, 200);
    assert.equal(res.json.id, id);
    assert.equal(res.json.imported_by.startsWith('cli:'), true);
    r = spawnSync(MZ_BIN, ['--db', MZ_DB, 'import', '--source', 'plane', file], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /source/);
    r = spawnSync(MZ_BIN, ['--db', MZ_DB, 'import', file], { encoding: 'utf8' });
    assert.equal(r.status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
