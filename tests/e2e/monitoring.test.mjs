// Browser test of 动态监测: a person turning 80 today is registered through the API and the
// rules are run; a township worker opens 监测预警, filters by rule, opens the alert's drawer and
// triages it (a missing note is refused with the server's message, then the note is given and
// the state becomes 待入户核实); 监测看板 renders its four ECharts charts and the coverage figure.
//
//   MZ_URL=http://127.0.0.1:18080 MZ_ADMIN_USER=testadmin MZ_ADMIN_PASSWORD=… node --test tests/e2e/monitoring.test.mjs
//
// Screenshots go to $MZ_ARTIFACTS (default /tmp).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { ADMIN_PASSWORD, BASE, createUser, login, post } from '../api/lib.mjs'

const ARTIFACTS = process.env.MZ_ARTIFACTS || '/tmp'
const STEP = 30_000
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

function idNumber(birth) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const seq = String(100 + Math.floor(Math.random() * 899)).padStart(3, '0')
  const body = `321302${birth.replaceAll('-', '')}${seq}`
  return body + '10X98765432'[[...body].reduce((a, c, i) => a + Number(c) * w[i], 0) % 11]
}

test('监测预警: list, drawer, triage; 监测看板 renders its charts', { timeout: 300_000 }, async () => {
  assert.ok(ADMIN_PASSWORD, 'set MZ_ADMIN_PASSWORD (and MZ_ADMIN_USER, MZ_URL) for the browser test')
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)
  const birth = `${Number(today.slice(0, 4)) - 80}${today.slice(4)}`
  const name = `高龄${String(Date.now()).slice(-4)}`
  const town = await createUser({ prefix: 'e2emon', role: 'township_worker', region_code: '321302001000', display_name: '幸福街道监测' })
  const ver = await createUser({ prefix: 'e2emonv', role: 'verifier', region_code: '321300000000', display_name: '市核对中心' })
  const townApi = await login(town.username, town.password)
  let res = await post('/households', townApi, {
    region_code: '321302001001', address: '监测路9号', joined_on: '2000-01-01',
    head: { id_number: idNumber(birth), name, labour_capacity: 'none' },
  })
  assert.equal(res.status, 201, res.text)
  res = await post('/monitoring/runs', await login(ver.username, ver.password), {})
  assert.equal(res.status, 200, res.text)

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' })
  page.setDefaultTimeout(STEP)
  const problems = []
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  const shot = (file) => page.screenshot({ path: path.join(ARTIFACTS, file), fullPage: true }).catch(() => {})
  try {
    await page.goto(`${BASE}/login`)
    await page.getByTestId('login-username').fill(town.username)
    await page.getByTestId('login-password').fill(town.password)
    await page.getByTestId('login-submit').click()
    await page.getByTestId('header-user').waitFor({ state: 'visible' })
    await page.waitForTimeout(300)
    if (await page.getByTestId('pwd-old').isVisible()) {
      const changed = `${town.password}Zz`
      await page.getByTestId('pwd-old').fill(town.password)
      await page.getByTestId('pwd-new').fill(changed)
      await page.getByTestId('pwd-confirm').fill(changed)
      await page.getByTestId('pwd-submit').click()
      await page.getByTestId('pwd-old').waitFor({ state: 'hidden' })
    }

    await page.getByTestId('menu-alerts').click()
    const table = page.getByTestId('alerts-table')
    await table.waitFor({ state: 'visible' })
    await page.getByTestId('alerts-filter-rule').click()
    await page.locator('.el-select-dropdown__item').filter({ hasText: /^年满高龄$/ }).click()
    await page.getByTestId('alerts-search').click()
    const row = table.locator('tr', { hasText: name })
    await row.waitFor({ state: 'visible' })
    assert.match(await row.innerText(), /尊老金/)
    assert.match(await row.innerText(), /待研判/)
    await row.click()
    const drawer = page.getByTestId('alert-drawer')
    await drawer.getByTestId('alert-detail').waitFor({ state: 'visible' })
    assert.match(await drawer.getByTestId('alert-detail').innerText(), /年满日期/)
    await shot('monitoring-alert.png')

    await drawer.getByTestId('alert-action-triage').click()
    await page.locator('.el-message--error').filter({ hasText: /note/ }).waitFor({ state: 'visible' })
    // Element Plus puts the attributes of a textarea el-input on the textarea itself.
    await page.locator('textarea[data-testid="alert-note"], [data-testid="alert-note"] textarea').first().fill('属实，安排入户核实')
    await drawer.getByTestId('alert-action-triage').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="alert-state"]')?.textContent.includes('待入户核实'))
    await drawer.getByTestId('alert-action-visit').waitFor({ state: 'visible' })
    await page.keyboard.press('Escape')

    await page.getByTestId('menu-monitoring').click()
    await page.getByTestId('dashboard-coverage').waitFor({ state: 'visible' })
    for (const id of ['chart-by-rule', 'chart-by-county', 'chart-ageing', 'chart-response']) {
      await page.getByTestId(id).locator('canvas').first().waitFor({ state: 'attached' })
      const box = await page.getByTestId(id).boundingBox()
      assert.ok(box && box.height >= 200, `${id} has its height`)
    }
    await shot('monitoring-dashboard.png')
    assert.deepEqual(problems, [])
  } catch (e) {
    await shot('monitoring-failure.png')
    throw e
  } finally {
    await browser.close()
  }
})
