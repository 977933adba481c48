// Working-day calendar: China's public holidays and make-up working days.
//
// Readings beyond docs/api.md (the server should match these):
// - GET /calendar?year=Y answers the usual list envelope (page/page_size apply, default 20),
//   holding only the days that differ from the ordinary week (holidays and make-up working
//   days), ordered by day.  The test reads all pages.
// - add-workdays counts `days` working days after `from` (from itself not counted); working
//   days are Monday–Friday plus make-up workdays, minus holidays.
// - Bad input → 400 invalid_parameter with field = the parameter: year not an integer (or
//   missing), from not a real YYYY-MM-DD date (or missing), days not a non-negative integer
//   (or missing).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { admin, userSession, get, qs, expectError, expectStatus, listAll } from './lib.mjs';

let adm;
before(async () => {
  adm = await admin();
});

test('GET /calendar?year=2025 has 2025-10-01 as a holiday and 2025-09-28 as a make-up workday', async () => {
  const first = await get(`/calendar${qs({ year: 2025 })}`, adm);
  expectStatus(first, 200);
  const { items, total } = await listAll('/calendar', { year: 2025 }, adm);
  assert.equal(items.length, total);
  const byDay = Object.fromEntries(items.map((d) => [d.day, d]));
  for (const d of items) {
    assert.match(d.day, /^2025-\d{2}-\d{2}$/);
    assert.ok(['holiday', 'workday'].includes(d.kind), `kind of ${d.day}: ${d.kind}`);
    assert.equal(typeof d.name, 'string');
    assert.ok(d.name.length > 0);
  }
  assert.equal(byDay['2025-10-01']?.kind, 'holiday');
  assert.match(byDay['2025-10-01'].name, /国庆/);
  assert.equal(byDay['2025-09-28']?.kind, 'workday');
  for (const day of ['2025-01-01', '2025-01-29', '2025-05-01', '2025-10-08']) assert.equal(byDay[day]?.kind, 'holiday', day);
  for (const day of ['2025-01-26', '2025-02-08', '2025-04-27', '2025-10-11']) assert.equal(byDay[day]?.kind, 'workday', day);
  assert.equal(byDay['2025-10-09'], undefined, 'an ordinary Thursday is not listed');
  const days = items.map((d) => d.day);
  assert.deepEqual(days, [...days].sort(), 'ordered by day');
});

test('add-workdays skips the National Day holiday and counts make-up workdays', async () => {
  const cases = [
    ['2025-09-30', 1, '2025-10-09'],
    ['2025-09-26', 1, '2025-09-28'], // Friday → the make-up Sunday
    ['2025-10-09', 1, '2025-10-10'],
    ['2025-10-10', 1, '2025-10-11'], // Friday → the make-up Saturday
    ['2025-10-11', 1, '2025-10-13'],
    ['2025-09-29', 2, '2025-10-09'],
    ['2025-09-30', 3, '2025-10-11'],
  ];
  for (const [from, days, date] of cases) {
    const res = await get(`/calendar/add-workdays${qs({ from, days })}`, adm);
    expectStatus(res, 200);
    assert.deepEqual(res.json, { from, days, date }, `${from} + ${days} working days`);
  }
});

test('every role may read the calendar', async () => {
  const s = await userSession({ prefix: 'cal', role: 'village_worker', region_code: '321302001001' });
  expectStatus(await get(`/calendar${qs({ year: 2025 })}`, s), 200);
  expectStatus(await get(`/calendar/add-workdays${qs({ from: '2025-09-30', days: 1 })}`, s), 200);
  expectError(await get(`/calendar${qs({ year: 2025 })}`), 401, 'unauthenticated');
});

test('bad calendar input → 400 invalid_parameter', async () => {
  for (const year of ['abc', '20x5', '2025.5', '']) {
    expectError(await get(`/calendar${qs({ year })}`, adm), 400, 'invalid_parameter', 'year');
  }
  expectError(await get('/calendar', adm), 400, 'invalid_parameter', 'year');
  const bad = [
    [{ from: '2025-02-30', days: 1 }, 'from'],
    [{ from: '2025/09/30', days: 1 }, 'from'],
    [{ from: '2025-9-30', days: 1 }, 'from'],
    [{ from: 'yesterday', days: 1 }, 'from'],
    [{ days: 1 }, 'from'],
    [{ from: '2025-09-30', days: 'x' }, 'days'],
    [{ from: '2025-09-30', days: '1.5' }, 'days'],
    [{ from: '2025-09-30', days: '-1' }, 'days'],
    [{ from: '2025-09-30' }, 'days'],
  ];
  for (const [params, field] of bad) {
    expectError(await get(`/calendar/add-workdays${qs(params)}`, adm), 400, 'invalid_parameter', field);
  }
});
