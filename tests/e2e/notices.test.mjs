// Browser test of decision notices and the whole-process time limit (web/dist served by minzheng).
//
//   MZ_URL=… MZ_ADMIN_USER=… MZ_ADMIN_PASSWORD=… MZ_DB=… node --test tests/e2e/notices.test.mjs
//
// Set-up through the API: a 低保 application accepted by the township (the clock starts), and a
// second one carried to the decision (the 公示 window moved into the past in the database, as
// tests/e2e/dibao.test.mjs does) and refused by the approver of its level. In the browser: the
// approver sees 受理日 and 法定时限 with the working days left on the first case and extends it
// (延期 with a reason, the new due day shown); the township worker finds the refused case in the
// list, sees its 不予批准通知书 with the 送达 deadline, downloads the PDF through the page's link
// (a real PDF with the listed SHA-256), and records the 送达 in the form — submitted with the
// method missing is refused by the server with the field named, then the 送达 is taken.
// Screenshots go to $MZ_ARTIFACTS (default /tmp).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { ADMIN_PASSWORD, BASE, MZ_DB, createUser, get, login, post } from '../api/lib.mjs'

const ARTIFACTS = process.env.MZ_ARTIFACTS || '/tmp'
const TOWN = '321302001000' // 幸福街道
const VILLAGE = '321302001001' // 凤凰居委会
const COUNTY = '321302000000' // 宿城区
const STEP = 30_000
const TEST_TIMEOUT = 300_000
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
]
const PDF = Buffer.from('%PDF-1.4\n%minzheng test\n').toString('base64')
const dayCN = (days = 0) => new Date(Date.now() + 8 * 3600000 + days * 86400000).toISOString().slice(0, 10)

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

test('notices and time limits on the case page', { timeout: TEST_TIMEOUT }, async () => {
  assert.ok(ADMIN_PASSWORD, 'set MZ_ADMIN_PASSWORD (and MZ_ADMIN_USER, MZ_URL) for the browser test')
  assert.ok(MZ_DB, 'set MZ_DB (the server database) so that the test can end the 公示 window')
  fs.mkdirSync(ARTIFACTS, { recursive: true })

  const cast = {}
  const roles = {
    village: ['village_worker', VILLAGE, '凤凰协理员'],
    town: ['township_worker', TOWN, '幸福经办'],
    townApprover: ['township_approver', TOWN, '幸福审批'],
    county: ['county_worker', COUNTY, '宿城经办'],
    countyApprover: ['county_approver', COUNTY, '宿城审批'],
  }
  const api = {}
  for (const [key, [role, region_code, display_name]] of Object.entries(roles)) {
    cast[key] = await createUser({ prefix: `nt${key}`, role, region_code, display_name })
    api[key] = await login(cast[key].username, cast[key].password)
  }

  async function accepted(name) {
    const c = ok(await post('/cases', api.village, {
      case_type: 'dibao', region_code: VILLAGE, applicant_name: name, channel: 'village', authorisation_recorded: true,
    }), 201, 'create')
    for (const kind of ['application_form', 'authorisation']) {
      ok(await post(`/cases/${c.id}/attachments`, api.village, { kind, filename: `${kind}.pdf`, content: PDF }), 201, kind)
    }
    ok(await post(`/cases/${c.id}/actions`, api.town, { action: 'accept' }), 200, 'accept')
    return c.id
  }
  const running = await accepted('时限测试')
  const refused = await accepted('通知测试')
  ok(await post(`/cases/${refused}/attachments`, api.town, { kind: 'visit_record', filename: 'v.pdf', content: PDF }), 201, 'visit')
  ok(await post(`/cases/${refused}/actions`, api.town, { action: 'investigate', data: { investigators: ['李四', '王五'] } }), 200, 'investigate')
  ok(await post(`/cases/${refused}/actions`, api.county, { action: 'verify', data: { assessment: { eligible: false } } }), 200, 'verify')
  sql(`UPDATE cases SET publicity_from = '${dayCN(-8)}', publicity_until = '${dayCN(-2)}' WHERE id = ${refused}`)
  const submitted = ok(await post(`/cases/${refused}/actions`, api.town, { action: 'submit' }), 200, 'submit')
  const approverKey = submitted.state === 'township_review' ? 'townApprover' : 'countyApprover'
  ok(await post(`/cases/${refused}/actions`, api[approverKey], {
    action: 'refuse', data: { reasons: ['家庭人均收入高于当地低保标准'] },
  }), 200, 'refuse')
  const notice = ok(await get(`/cases/${refused}/notices`, api.town), 200, 'notices').items[0]
  const limitBefore = ok(await get(`/cases/${running}`, api.town), 200, 'case').time_limit

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN', acceptDownloads: true })
  const page = await context.newPage()
  page.setDefaultTimeout(STEP)
  page.setDefaultNavigationTimeout(STEP * 2)
  const problems = []
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true }).catch(() => {})

  async function loginAs(key) {
    const { username, password } = cast[key]
    await page.goto(`${BASE}/login`)
    await page.getByTestId('login-username').fill(username)
    await page.getByTestId('login-password').fill(password)
    await page.getByTestId('login-submit').click()
    await page.getByTestId('header-user').or(page.getByTestId('login-error')).first().waitFor({ state: 'visible' })
    if (await page.getByTestId('login-error').isVisible()) assert.fail(`login as ${username} failed`)
    await page.waitForTimeout(300)
    if (await page.getByTestId('pwd-old').isVisible()) {
      const changed = `${password}Zz`
      await page.getByTestId('pwd-old').fill(password)
      await page.getByTestId('pwd-new').fill(changed)
      await page.getByTestId('pwd-confirm').fill(changed)
      await page.getByTestId('pwd-submit').click()
      await page.getByTestId('pwd-old').waitFor({ state: 'hidden' })
      cast[key].password = changed
    }
  }

  try {
    // --- the approver extends the running case's limit ---
    const extender = approverKey
    await loginAs(extender)
    await page.goto(`${BASE}/cases/${running}`)
    const limit = page.getByTestId('case-time-limit')
    await assert.doesNotReject(limit.getByText(`至 ${limitBefore.due_on}`).waitFor(), 'the due day is shown')
    await assert.doesNotReject(
      page.getByTestId('case-time-limit-state').getByText(`剩余 ${limitBefore.remaining_workdays} 个工作日`).waitFor(),
      'the working days left are shown',
    )
    await page.getByTestId('case-extend-button').click()
    const ext = page.getByTestId('case-extend-dialog')
    await ext.waitFor({ state: 'visible' })
    const days = ext.getByTestId('case-extend-days')
    const daysInput = (await days.evaluate((e) => e.tagName)) === 'INPUT' ? days : days.locator('input')
    await daysInput.fill('10')
    await daysInput.press('Tab')
    await ext.getByTestId('case-extend-reason').fill('申请人家庭成员在外地务工，需异地协查')
    await ext.getByTestId('case-extend-submit').click()
    await ext.waitFor({ state: 'hidden' })
    const after = ok(await get(`/cases/${running}`, api.town), 200, 'case').time_limit
    assert.equal(after.extension_days, 10)
    await assert.doesNotReject(limit.getByText(`延期 10 个工作日，至 ${after.due_on}`).waitFor(), 'the new due day is shown')
    await shot('notices-01-extended.png')
    await page.getByTestId('logout-button').click()
    await page.getByTestId('login-username').waitFor({ state: 'visible' })

    // --- the township worker: the refused case's notice, download, 送达 ---
    await loginAs('town')
    await page.goto(`${BASE}/cases/${refused}`)
    const table = page.getByTestId('case-notices')
    await assert.doesNotReject(table.getByText(notice.number).waitFor(), 'the notice is listed with its number')
    await assert.doesNotReject(table.getByText(`应于 ${notice.service_due_on} 前送达`).waitFor(), 'the service deadline is shown')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId(`case-notice-download-${notice.id}`).click(),
    ])
    const bytes = fs.readFileSync(await download.path())
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-')
    assert.equal(createHash('sha256').update(bytes).digest('hex'), notice.sha256)

    await page.getByTestId(`case-notice-serve-${notice.id}`).click()
    const dialog = page.getByTestId('case-service-dialog')
    await dialog.waitFor({ state: 'visible' })
    // Without a method the server refuses, naming the field, and the form shows it there.
    await dialog.getByTestId('case-service-submit').click()
    await assert.doesNotReject(
      dialog.locator('.el-form-item__error').filter({ hasText: '送达方式' }).waitFor(),
      'the server refuses a missing method, naming the field',
    )
    await dialog.getByTestId('case-service-method').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: /^\s*直接送达\s*$/ }).click()
    await dialog.getByTestId('case-service-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await assert.doesNotReject(
      page.getByTestId(`case-notice-served-${notice.id}`).getByText(`${dayCN(0)} 直接送达`).waitFor(),
      'the service is shown',
    )
    await shot('notices-02-served.png')
    const served = ok(await get(`/cases/${refused}/notices`, api.town), 200, 'notices').items[0]
    assert.equal(served.served_on, dayCN(0))
    assert.equal(served.service_method, 'direct')
    assert.deepEqual(problems, [], 'no page errors')
  } catch (err) {
    await shot('notices-failure.png')
    throw err
  } finally {
    await browser.close()
  }
})
