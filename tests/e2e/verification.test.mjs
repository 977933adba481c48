// Browser test of 家庭经济状况核对: a household with a car in the 车辆 data applies for 低保
// with the 核对授权书 recorded; the county worker opens the case, runs the verification and
// sees the 核对报告 card — the summary, the vehicle over the limit, the findings table and the
// PDF link; after the tax office's data arrives a re-verification shows the second version with
// the new wage marked as added; the 核对 page starts a batch re-verification and lists the job.
//
//   MZ_URL=http://127.0.0.1:18080 MZ_ADMIN_USER=testadmin MZ_ADMIN_PASSWORD=… node --test tests/e2e/verification.test.mjs
//
// Screenshots go to $MZ_ARTIFACTS (default /tmp).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { ADMIN_PASSWORD, BASE, COUNTY, createUser, login, post, request, qs } from '../api/lib.mjs'

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
const VILLAGE = '321302001001'
const TOWN = '321302001000'

/** A valid resident ID number born 1962 in 宿城区, unique per run. */
function idNumber() {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const n = Date.now() % 900
  const body = `3213021962${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}${String(100 + n).padStart(3, '0')}`
  return body + '10X98765432'[[...body].reduce((a, c, i) => a + Number(c) * w[i], 0) % 11]
}

async function session(prefix, role, region_code) {
  const u = await createUser({ prefix, role, region_code, display_name: `核对${prefix}` })
  return { ...u, s: await login(u.username, u.password) }
}

function upload(as, source, asOf, csv) {
  return request('POST', `/evidence/imports${qs({ source, as_of: asOf, file_name: `${source}.csv` })}`, { as, raw: csv, contentType: 'text/csv' })
}

test('the 核对报告 card on the case page, its versions, and the batch page', { timeout: 300_000 }, async () => {
  assert.ok(ADMIN_PASSWORD, 'set MZ_ADMIN_PASSWORD (and MZ_ADMIN_USER, MZ_URL) for the browser test')
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  const town = await session('e2evt', 'township_worker', TOWN)
  const village = await session('e2evv', 'village_worker', VILLAGE)
  const verifier = await session('e2evc', 'verifier', '321300000000')
  const county = await session('e2evk', 'county_worker', COUNTY.suchengqu)
  const idn = idNumber()
  let res = await post('/households', town.s, {
    region_code: VILLAGE, address: '核对路8号', joined_on: '2000-01-01', head: { id_number: idn, name: '核对户' },
  })
  assert.equal(res.status, 201, JSON.stringify(res.json))
  res = await post('/cases', village.s, {
    case_type: 'dibao', household_id: res.json.id, applicant_name: '核对户', channel: 'village', authorisation_recorded: true,
  })
  assert.equal(res.status, 201)
  const caseId = res.json.id
  const plate = `苏N${String(Date.now()).slice(-5)}`
  res = await upload(verifier.s, 'vehicle', '2026-10-31', `身份证号,姓名,号牌号码,车辆类型,初次登记日期,车辆价值\n${idn},核对户,${plate},小型汽车,2019-04-18,68000\n`)
  assert.equal(res.status, 201)

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' })
  page.setDefaultTimeout(STEP)
  const problems = []
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true }).catch(() => {})
  try {
    await page.goto(`${BASE}/login`)
    await page.getByTestId('login-username').fill(county.username)
    await page.getByTestId('login-password').fill(county.password)
    await page.getByTestId('login-submit').click()
    await page.getByTestId('header-user').waitFor({ state: 'visible' })
    await page.waitForTimeout(300)
    if (await page.getByTestId('pwd-old').isVisible()) {
      const changed = `${county.password}Zz`
      await page.getByTestId('pwd-old').fill(county.password)
      await page.getByTestId('pwd-new').fill(changed)
      await page.getByTestId('pwd-confirm').fill(changed)
      await page.getByTestId('pwd-submit').click()
      await page.getByTestId('pwd-old').waitFor({ state: 'hidden' })
    }
    await page.goto(`${BASE}/cases/${caseId}`)
    const card = page.getByTestId('case-verification')
    await card.waitFor({ state: 'visible' })
    await page.getByTestId('verification-empty').waitFor({ state: 'visible' })
    await page.getByTestId('verification-run').click()
    await page.getByTestId('verification-summary').waitFor({ state: 'visible' })
    assert.match(await page.getByTestId('verification-summary').innerText(), /1 项超出政策规定/)
    assert.match(await page.getByTestId('verification-issues').innerText(), /非豁免机动车辆 1 辆，超过上限 0 辆/)
    const findings = page.getByTestId('verification-findings')
    assert.match(await findings.innerText(), new RegExp(plate))
    const href = await page.getByTestId('verification-pdf').getAttribute('href')
    assert.match(href, new RegExp(`^/api/v1/cases/${caseId}/verifications/\\d+\\.pdf$`))
    const pdf = await page.request.get(`${BASE}${href}`)
    assert.equal(pdf.status(), 200)
    assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-')
    await shot('verification-v1.png')

    res = await upload(verifier.s, 'tax', '2026-11-10', `身份证号,姓名,所属月份,所得项目,收入额\n${idn},核对户,2026-10,工资薪金,5200\n`)
    assert.equal(res.status, 201)
    await page.getByTestId('verification-run').click()
    await findings.getByText('个人所得税').waitFor({ state: 'visible' })
    assert.match(await page.getByTestId('case-verification').innerText(), /与第 1 版相比/)
    assert.match(await findings.innerText(), /新增/)
    assert.match(await page.getByTestId('verification-issues').innerText(), /工资性收入核对为 5200\.00元\/月，高于申报的 0\.00元\/月/)
    assert.match(await page.getByTestId('verification-version').innerText(), /第 2 版/)
    await shot('verification-v2.png')

    await page.getByTestId('menu-verification').click()
    await page.getByTestId('verification-batch-form').waitFor({ state: 'visible' })
    // 预核对: the counts of what a batch would find, nothing stored (no job in the list).
    await page.getByTestId('verification-preview-start').click()
    await page.getByTestId('verification-preview').waitFor({ state: 'visible' })
    assert.match(await page.getByTestId('verification-preview').innerText(), /预核对结果（\d{4}-\d{2}-\d{2}，未保存）：核对 \d+ 户/)
    assert.equal(await page.getByTestId('verification-batches').getByText('已完成').count(), 0)
    await shot('verification-preview.png')
    await page.getByTestId('verification-batch-start').click()
    await page.locator('.el-message--success').filter({ hasText: '批量核对完成' }).waitFor({ state: 'visible' })
    const jobs = page.getByTestId('verification-batches')
    await jobs.getByText('已完成').first().waitFor({ state: 'visible' })
    await shot('verification-batch.png')
    assert.deepEqual(problems, [])
  } catch (e) {
    await shot('verification-failure.png')
    throw e
  } finally {
    await browser.close()
  }
})
