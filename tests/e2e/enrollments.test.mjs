// Browser test of the 保障对象 page (web/src/views/EnrollmentsView.vue) and the enrollment lifecycle.
//
//   MZ_URL=… MZ_ADMIN_USER=testadmin MZ_ADMIN_PASSWORD=… MZ_DB=/path/to.db|postgresql://… \
//   node --test tests/e2e/enrollments.test.mjs
//
// Set-up through the API: a household of one registered in 凤凰居委会 and enrolled in 低保 through a
// case approved by the county (the 公示 window moved into the past in the database, as in
// dibao.test.mjs). Then in the browser as the township worker of 幸福街道: the enrollment is listed
// 在保 with class B and no review scheduled; the worker sets class C with the row's buttons (the API
// then says C), presses 生成到期复核 (the review is created: the next review date appears), opens the
// detail drawer (amount history and the 复核类别 change are there) and starts a 低保调整 from it,
// landing on the new case's page. The county suspends the enrollment through the review (API); the
// page then shows 暂停. Screenshots go to $MZ_ARTIFACTS (default /tmp).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { randomInt } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { ADMIN_PASSWORD, BASE, MZ_DB, createUser, get, login, post } from '../api/lib.mjs'

const ARTIFACTS = process.env.MZ_ARTIFACTS || '/tmp'
const TOWN = '321302001000' // 幸福街道
const VILLAGE = '321302001001' // 凤凰居委会
const COUNTY = '321302000000' // 宿城区
const STEP = 30_000

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run']
const PDF = Buffer.from('%PDF-1.4\n%minzheng e2e\n').toString('base64')
const dayCN = (days = 0) => new Date(Date.now() + 8 * 3600000 + days * 86400000).toISOString().slice(0, 10)

function idNumber(birth, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const body = `321302${birth}${String(seq).padStart(3, '0')}`
  return body + '10X98765432'[[...body].reduce((a, c, i) => a + Number(c) * w[i], 0) % 11]
}

function sql(statement) {
  const pg = /^postgres(ql)?:/.test(MZ_DB)
  const r = pg
    ? spawnSync('psql', [MZ_DB, '-v', 'ON_ERROR_STOP=1', '-q', '-c', statement], { encoding: 'utf8' })
    : spawnSync('sqlite3', [MZ_DB.replace(/^sqlite:/, ''), statement], { encoding: 'utf8' })
  assert.equal(r.status, 0, `${statement}: ${r.stderr}`)
}

function ok(res, status, what) {
  assert.equal(res.status, status, `${what}: ${res.status} ${res.text}`)
  return res.json
}

test('the 保障对象 page: review class, 生成到期复核, amount history, a lifecycle case, 暂停', { timeout: 300_000 }, async () => {
  assert.ok(ADMIN_PASSWORD && MZ_DB, 'set MZ_ADMIN_PASSWORD and MZ_DB for the browser test')
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  const cast = {}
  const api = {}
  const roles = {
    village: ['village_worker', VILLAGE],
    town: ['township_worker', TOWN],
    townApprover: ['township_approver', TOWN],
    county: ['county_worker', COUNTY],
    countyApprover: ['county_approver', COUNTY],
  }
  for (const [key, [role, region_code]] of Object.entries(roles)) {
    cast[key] = await createUser({ prefix: `en${key}`, role, region_code, display_name: `保障页${key}` })
    api[key] = await login(cast[key].username, cast[key].password)
  }

  // A household of one, enrolled in 低保 from next month.
  const name = `保障页${String(Date.now()).slice(-4)}`
  const hh = ok(await post('/households', api.town, {
    region_code: VILLAGE, address: '幸福路20号', joined_on: '2010-01-01',
    head: { id_number: idNumber(`1952${String(1 + randomInt(9)).padStart(2, '0')}${String(1 + randomInt(28)).padStart(2, '0')}`, 100 + randomInt(800)), name, labour_capacity: 'none' },
  }), 201, 'household')
  const c = ok(await post('/cases', api.village, {
    case_type: 'dibao', household_id: hh.id, applicant_name: name, channel: 'village', authorisation_recorded: true,
  }), 201, 'case')
  const act = (who, action, extra = {}) => post(`/cases/${c.id}/actions`, api[who], { action, ...extra })
  for (const kind of ['application_form', 'authorisation']) {
    ok(await post(`/cases/${c.id}/attachments`, api.village, { kind, filename: `${kind}.pdf`, content: PDF }), 201, kind)
  }
  ok(await act('town', 'accept'), 200, 'accept')
  ok(await post(`/cases/${c.id}/attachments`, api.town, { kind: 'visit_record', filename: 'v.pdf', content: PDF }), 201, 'visit')
  ok(await act('town', 'investigate', { data: { investigators: ['李四', '王五'] } }), 200, 'investigate')
  ok(await act('county', 'verify'), 200, 'verify')
  sql(`UPDATE cases SET publicity_from = '${dayCN(-8)}', publicity_until = '${dayCN(-2)}' WHERE id = ${c.id}`)
  const submitted = ok(await act('town', 'submit'), 200, 'submit')
  ok(await act(submitted.state === 'township_review' ? 'townApprover' : 'countyApprover', 'approve'), 200, 'approve')
  const e = ok(await get(`/enrollments?household_id=${hh.id}`, api.town), 200, 'enrollment').items[0]
  assert.ok(e, 'enrolled')

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' })
  page.setDefaultTimeout(STEP)
  const problems = []
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  const shot = (file) => page.screenshot({ path: path.join(ARTIFACTS, file), fullPage: true }).catch(() => {})
  try {
    await page.goto(`${BASE}/login`)
    await page.getByTestId('login-username').fill(cast.town.username)
    await page.getByTestId('login-password').fill(cast.town.password)
    await page.getByTestId('login-submit').click()
    await page.getByTestId('header-user').waitFor({ state: 'visible' })
    await page.waitForTimeout(300)
    if (await page.getByTestId('pwd-old').isVisible()) {
      const changed = `${cast.town.password}Zz`
      await page.getByTestId('pwd-old').fill(cast.town.password)
      await page.getByTestId('pwd-new').fill(changed)
      await page.getByTestId('pwd-confirm').fill(changed)
      await page.getByTestId('pwd-submit').click()
      await page.getByTestId('pwd-old').waitFor({ state: 'hidden' })
    }
    await page.getByTestId('menu-enrollments').click()
    const row = page.getByTestId('enrollments-table').locator('tr', { has: page.getByTestId(`enrollment-detail-${e.id}`) })
    await row.waitFor()
    assert.match(await row.innerText(), /在保/)
    assert.match(await row.innerText(), /未排期/)

    // Class C, then the due reviews.
    await page.getByTestId(`enrollment-class-${e.id}`).getByText('C', { exact: true }).click()
    await page.locator('.el-message--success').filter({ hasText: '复核类别已改为 C 类' }).waitFor()
    assert.equal(ok(await get(`/enrollments/${e.id}`, api.town), 200, 'class').review_class, 'C')
    await page.getByTestId('enrollments-schedule-reviews').click()
    await page.locator('.el-message--success').filter({ hasText: /低保复核|没有到期/ }).waitFor()
    await assert.doesNotReject(row.filter({ hasText: /\d{4}-\d{2}-\d{2}/ }).waitFor(), 'the next review date is shown')
    await shot('enrollments-list.png')

    // The drawer: the amount history and the changes; a 低保调整 started from it.
    await page.getByTestId(`enrollment-detail-${e.id}`).click()
    const drawer = page.getByTestId('enrollment-drawer')
    await drawer.getByTestId('enrollment-periods').waitFor()
    assert.match(await drawer.getByTestId('enrollment-periods').innerText(), new RegExp(e.from_month))
    assert.match(await drawer.getByTestId('enrollment-changes').innerText(), /复核类别/)
    await shot('enrollments-drawer.png')
    await drawer.getByTestId('enrollment-start-dibao_adjustment').click()
    await page.waitForURL(/\/cases\/\d+/)
    const caseId = Number(page.url().match(/\/cases\/(\d+)/)[1])
    const adj = ok(await get(`/cases/${caseId}`, api.town), 200, 'adjustment case')
    assert.equal(adj.case_type, 'dibao_adjustment')
    assert.equal(adj.household_id, hh.id)

    // The county suspends it through the scheduled review: the list shows 暂停.
    const review = ok(await get(`/households/${hh.id}/profile`, api.town), 200, 'profile').cases.find((x) => x.case_type === 'dibao_review')
    ok(await post(`/cases/${review.id}/actions`, api.town, { action: 'propose_suspend', data: { reasons: ['失联'] } }), 200, 'propose_suspend')
    ok(await post(`/cases/${review.id}/actions`, api.countyApprover, { action: 'suspend', data: { reasons: ['失联'] } }), 200, 'suspend')
    await page.getByTestId('menu-enrollments').click()
    await page.getByTestId(`enrollment-status-${e.id}`).filter({ hasText: '暂停' }).waitFor()
    await shot('enrollments-suspended.png')
    assert.deepEqual(problems, [])
  } catch (err) {
    await shot('enrollments-failure.png')
    throw err
  } finally {
    await browser.close()
  }
})
