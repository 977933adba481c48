// Browser test of department data (部门数据): a 核对中心 verifier opens the 部门数据 page, sees
// the templates with their download links, imports a vehicle CSV with bad rows in all-or-nothing
// mode and sees the batch refused with its error report (row, column, reason) and the report's
// CSV and Excel downloads; the downloaded CSV lists the same errors; then the same file in
// valid-rows mode imports the good rows, and the batches list shows both with their provenance.
//
//   MZ_URL=http://127.0.0.1:18080 MZ_ADMIN_USER=testadmin MZ_ADMIN_PASSWORD=… node --test tests/e2e/evidence.test.mjs
//
// Screenshots go to $MZ_ARTIFACTS (default /tmp).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { ADMIN_PASSWORD, BASE, createUser } from '../api/lib.mjs'

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

test('a department data file with bad rows shows its error report in the UI', { timeout: 300_000 }, async () => {
  assert.ok(ADMIN_PASSWORD, 'set MZ_ADMIN_PASSWORD (and MZ_ADMIN_USER, MZ_URL) for the browser test')
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  const u = await createUser({ prefix: 'e2ever', role: 'verifier', region_code: '321300000000', display_name: '市核对中心' })
  const plate = `苏N${String(Date.now()).slice(-5)}`
  const csv =
    '身份证号,姓名,号牌号码,车辆类型,初次登记日期,车辆价值（元）\n' +
    `321302196503120015,张建国,${plate},小型汽车,2020/3/1,68000\n` +
    `321302196503120016,王五,${plate}X,飞机,2020-03-01,1000\n` +
    `321311197809200027,李秀英,${plate}Y,摩托车,2021-08-09,1.234\n`

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN', acceptDownloads: true })
  page.setDefaultTimeout(STEP)
  const problems = []
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true }).catch(() => {})
  try {
    await page.goto(`${BASE}/login`)
    await page.getByTestId('login-username').fill(u.username)
    await page.getByTestId('login-password').fill(u.password)
    await page.getByTestId('login-submit').click()
    await page.getByTestId('header-user').waitFor({ state: 'visible' })
    await page.waitForTimeout(300)
    if (await page.getByTestId('pwd-old').isVisible()) {
      const changed = `${u.password}Zz`
      await page.getByTestId('pwd-old').fill(u.password)
      await page.getByTestId('pwd-new').fill(changed)
      await page.getByTestId('pwd-confirm').fill(changed)
      await page.getByTestId('pwd-submit').click()
      await page.getByTestId('pwd-old').waitFor({ state: 'hidden' })
    }
    await page.getByTestId('menu-evidence').click()
    await page.getByTestId('evidence-upload-form').waitFor({ state: 'visible' })

    // The templates, with their downloads.
    await page.getByRole('tab', { name: '数据模板' }).click()
    const tmpl = page.getByTestId('template-csv-vehicle')
    await tmpl.waitFor({ state: 'visible' })
    assert.equal(await tmpl.getAttribute('href'), '/api/v1/evidence/templates/vehicle.csv')
    assert.equal(await page.getByTestId('template-xlsx-disability').getAttribute('href'), '/api/v1/evidence/templates/disability.xlsx')
    const t = await page.request.get(`${BASE}/api/v1/evidence/templates/vehicle.csv`)
    assert.equal(t.status(), 200)
    assert.match(await t.text(), /身份证号,姓名,号牌号码/)
    await shot('evidence-templates.png')
    await page.getByRole('tab', { name: '导入批次' }).click()

    async function importFile(mode) {
      await page.getByTestId('evidence-source').click()
      await page.locator('.el-select-dropdown__item').filter({ hasText: /^车辆$/ }).click()
      assert.equal(await page.getByTestId('evidence-department').inputValue(), '市公安局交通警察支队')
      await page.getByTestId('evidence-mode').getByText(mode).click()
      await page.getByTestId('evidence-file').setInputFiles({ name: 'vehicles.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
      await page.getByTestId('evidence-upload-button').click()
    }

    // All-or-nothing: refused, and the report is on the page.
    await importFile('整批导入')
    const status = page.getByTestId('evidence-batch-status')
    await status.waitFor({ state: 'visible' })
    assert.equal((await status.innerText()).trim(), '未导入')
    assert.match(await page.getByTestId('evidence-batch-counts').innerText(), /共 3 行，导入 0 行，错误 2 行/)
    const errors = page.getByTestId('evidence-errors-table')
    await errors.getByText('车辆类型须为以下之一').waitFor({ state: 'visible' })
    const rows = await errors.locator('.el-table__body tr').allInnerTexts()
    assert.equal(rows.length, 3, rows.join('\n'))
    assert.match(rows[0], /^3\s+身份证号\s+321302196503120016\s+身份证号无效/)
    assert.match(rows[1], /^3\s+车辆类型\s+飞机\s+车辆类型须为以下之一/)
    assert.match(rows[2], /^4\s+车辆价值\s+1\.234\s+车辆价值须为/)
    await shot('evidence-rejected.png')

    // The report's downloads.
    const href = await page.getByTestId('evidence-errors-csv').getAttribute('href')
    assert.match(href, /^\/api\/v1\/evidence\/imports\/\d+\/errors\.csv$/)
    assert.match(await page.getByTestId('evidence-errors-xlsx').getAttribute('href'), /errors\.xlsx$/)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('evidence-errors-csv').click()])
    const text = fs.readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '')
    const lines = text.trim().split('\r\n')
    assert.equal(lines[0], '行号,列,内容,错误代码,错误说明')
    assert.equal(lines.length, 4)
    assert.ok(lines[2].startsWith('3,车辆类型,飞机,invalid_code,'), lines[2])

    // Valid rows: the good row imported.
    await importFile('只导入有效行')
    await page.getByTestId('evidence-batch-counts').getByText('共 3 行，导入 1 行，错误 2 行').waitFor({ state: 'visible' })
    assert.equal((await status.innerText()).trim(), '已导入')
    const list = await page.getByTestId('evidence-batches-table').locator('.el-table__body tr').allInnerTexts()
    assert.match(list[0], /车辆\s+市公安局交通警察支队\s+\d{4}-\d{2}-\d{2}\s+vehicles\.csv\s+已导入\s+3\s+1\s+2/)
    assert.match(list[1], /未导入\s+3\s+0\s+2/)
    await shot('evidence-imported.png')
    assert.deepEqual(problems, [])
  } catch (err) {
    await shot('evidence-failure.png')
    throw err
  } finally {
    await browser.close()
  }
})
