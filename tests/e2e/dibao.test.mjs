// Browser test of a 低保 application from registration to approval (web/dist served by minzheng).
//
//   MZ_URL=http://127.0.0.1:18080 MZ_ADMIN_USER=testadmin MZ_ADMIN_PASSWORD=… \
//   MZ_DB=/path/to.db|postgresql://… MZ_BIN=build/minzheng node --test tests/e2e/dibao.test.mjs
//
// Set-up through the API: the administrator creates the cast (a village worker of 凤凰居委会, a
// township worker and approver of 幸福街道, a county worker and approver of 宿城区) and the
// township worker registers a household of three (head with 1,000.00 a month of wages, spouse,
// child). Then in the browser, each as themselves: the village worker 登记申请 on the 待办事项
// page for the registered household (picked in the dialog; its head applies) and uploads 申请书 and
// 核对授权书; the township worker opens the case from the inbox, 受理, uploads the 入户调查表 and
// records the 入户调查 with two investigators; the county worker does 信息核对, which the server
// computes from the household's registry entry (nothing is typed), and the case page must show
// the amount POST /assessments gives for the household; the 公示 window is moved into the past in the database (MZ_DB,
// through sqlite3 or psql, as tests/api/cases.test.mjs does); the township worker 报送审批 and the
// county approver 批准. The final state is checked on the page and through the API (approved,
// data.enrollment_from = next month); then a city finance user generates that month on the 资金发放
// page and the household's first payment line is there, with the assessed amount. Screenshots go to
// $MZ_ARTIFACTS (default /tmp).
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

// Generous: the server may run under ASan.
const STEP = 30_000
const TEST_TIMEOUT = 600_000

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

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')

/** YYYY-MM-DD in China (UTC+8, the server's "today") shifted by `days`. */
const dayCN = (days = 0) => new Date(Date.now() + 8 * 3600000 + days * 86400000).toISOString().slice(0, 10)
/** YYYY-MM of the month after today in China. */
function nextMonthCN() {
  const [y, m] = dayCN().split('-').map(Number)
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}
const yuan = (fen) => `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`

/** A valid resident ID number (GB 11643) of 宿城区 born on birth (YYYYMMDD), sequence seq. */
function idNumber(birth, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const body = `321302${birth}${String(seq).padStart(3, '0')}`
  return body + '10X98765432'[[...body].reduce((a, c, i) => a + Number(c) * w[i], 0) % 11]
}

/** Runs SQL on the server's database (sqlite3 or psql). */
function sql(statement) {
  const pg = /^postgres(ql)?:/.test(MZ_DB)
  const r = pg
    ? spawnSync('psql', [MZ_DB, '-v', 'ON_ERROR_STOP=1', '-q', '-c', statement], { encoding: 'utf8' })
    : spawnSync('sqlite3', [MZ_DB.replace(/^sqlite:/, ''), statement], { encoding: 'utf8' })
  assert.equal(r.status, 0, `${statement}: ${r.stderr}`)
}

function expectStatus(res, status, what) {
  assert.equal(res.status, status, `${what}: ${res.status} ${res.text}`)
  return res.json
}

test('a 低保 application goes from the village to the county approval in the UI', { timeout: TEST_TIMEOUT }, async () => {
  assert.ok(ADMIN_PASSWORD, 'set MZ_ADMIN_PASSWORD (and MZ_ADMIN_USER, MZ_URL) for the browser test')
  assert.ok(MZ_DB, 'set MZ_DB (the server database) so that the test can end the 公示 window')
  fs.mkdirSync(ARTIFACTS, { recursive: true })

  // --- the cast and the household, through the API ---
  const cast = {}
  const roles = {
    village: ['village_worker', VILLAGE, '凤凰村居协理员'],
    town: ['township_worker', TOWN, '幸福街道经办'],
    townApprover: ['township_approver', TOWN, '幸福街道审批'],
    county: ['county_worker', COUNTY, '宿城区经办'],
    countyApprover: ['county_approver', COUNTY, '宿城区审批'],
    finance: ['finance', '321300000000', '市财务'],
  }
  for (const [key, [role, region_code, display_name]] of Object.entries(roles)) {
    cast[key] = await createUser({ prefix: `db${key}`, role, region_code, display_name })
  }
  const api = {}
  for (const key of ['town', 'county', 'countyApprover', 'finance']) api[key] = await login(cast[key].username, cast[key].password)

  // Unique across runs on one database: a random birth day and sequence.
  const seq = 100 + 4 * randomInt(220)
  const day = String(1 + randomInt(28)).padStart(2, '0')
  const headName = `低保测试${String(Date.now()).slice(-4)}`
  const hh = expectStatus(
    await post('/households', api.town, {
      region_code: VILLAGE,
      address: '宿迁市宿城区幸福街道幸福路18号',
      joined_on: '2015-05-01',
      head: { id_number: idNumber(`198003${day}`, seq + 1), name: headName, labour_capacity: 'partial' },
      members: [
        { id_number: idNumber(`198207${day}`, seq), name: '低保测试配偶', relation: 'spouse' },
        { id_number: idNumber(`201409${day}`, seq + 3), name: '低保测试子女', relation: 'child', in_school: true },
      ],
    }),
    201,
    'household',
  )
  expectStatus(
    await post(`/households/${hh.id}/incomes`, api.town, { type: 'wage', person_id: hh.head.person_id, monthly_fen: 100000, valid_from: '2024-01-01' }),
    201,
    'income',
  )
  expectStatus(
    await post(`/households/${hh.id}/assets`, api.town, { type: 'deposit', value_fen: 800000, description: '银行存款', valid_from: '2024-01-01' }),
    201,
    'asset',
  )

  // --- the browser ---
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' })
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
    const done = page.getByTestId('header-user').or(page.getByTestId('login-error'))
    await done.first().waitFor({ state: 'visible' })
    if (await page.getByTestId('login-error').isVisible()) {
      assert.fail(`login as ${username} failed: ${await page.getByTestId('login-error').innerText()}`)
    }
    await page.waitForTimeout(300)
    if (await page.getByTestId('pwd-old').isVisible()) {
      // A user created by the administrator may be asked to choose a password first.
      const changed = `${password}Zz`
      await page.getByTestId('pwd-old').fill(password)
      await page.getByTestId('pwd-new').fill(changed)
      await page.getByTestId('pwd-confirm').fill(changed)
      await page.getByTestId('pwd-submit').click()
      await waitClosed(page.getByTestId('pwd-old'), 'changing the password')
      cast[key].password = changed
    }
  }

  async function logout() {
    await page.getByTestId('logout-button').click()
    await page.getByTestId('login-username').waitFor({ state: 'visible' })
  }

  // Waits for a dialog to close; if it stays, reports what the form or a message says.
  async function waitClosed(dialog, what) {
    try {
      await dialog.waitFor({ state: 'hidden' })
    } catch (err) {
      const texts = await page.locator('.el-form-item__error, .el-message--error').allInnerTexts().catch(() => [])
      assert.fail(`${what}: the dialog did not close (${texts.join(' | ') || err.message})`)
    }
  }

  async function expectState(name) {
    await assert.doesNotReject(
      page.getByTestId('case-state').filter({ hasText: name }).waitFor(),
      `the case page shows the state ${name}`,
    )
  }

  // Picks an option of an Element Plus select by its exact text.
  async function choose(testid, text) {
    await page.getByTestId(testid).click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) }).click()
  }

  async function upload(kindName, filename) {
    await choose('case-attachment-kind', kindName)
    await page.getByTestId('case-attachment-file').setInputFiles({ name: filename, mimeType: 'application/pdf', buffer: PDF })
    await page.getByTestId('case-attachment-upload').click()
    await assert.doesNotReject(
      page.getByTestId('case-attachments').getByText(filename).waitFor(),
      `the attachment ${filename} is listed`,
    )
  }

  // Opens the action's dialog, lets fill() complete it, submits and waits for the new state.
  async function act(action, fill, stateName) {
    // Scoped: the action "submit" (报送审批) shares its test id with the dialog's 确定 button.
    const button = page.getByTestId('case-actions').getByTestId(`case-action-${action}`)
    await button.waitFor({ state: 'visible' })
    assert.ok(await button.isEnabled(), `${action} is enabled`)
    await button.click()
    const dialog = page.getByTestId('case-action-dialog')
    await dialog.waitFor({ state: 'visible' })
    if (fill) await fill(dialog)
    await dialog.getByTestId('case-action-submit').click()
    await waitClosed(dialog, action)
    await expectState(stateName)
  }

  // Opens the case from the 待办事项 list: it must be waiting for the user.
  async function openFromInbox(caseId) {
    await page.getByTestId('menu-inbox').click()
    await page.waitForURL(/\/inbox$/)
    const link = page.getByTestId(`case-row-${caseId}`)
    await assert.doesNotReject(link.waitFor(), `case ${caseId} is in the inbox`)
    await link.click()
    await page.waitForURL(new RegExp(`/cases/${caseId}$`))
  }

  let caseId
  try {
    // --- 1. the village worker registers the application and uploads the two attachments ---
    await loginAs('village')
    await page.getByTestId('menu-inbox').click()
    await page.waitForURL(/\/inbox$/)
    await page.getByTestId('case-create-button').click()
    const create = page.getByTestId('case-create-dialog')
    await create.waitFor({ state: 'visible' })
    await assert.doesNotReject(create.getByText('最低生活保障').first().waitFor(), 'the type 最低生活保障 is preselected')
    // The household registered above: the head becomes the applicant.
    await page.getByTestId('case-create-household').locator('input').fill(headName)
    await page.locator('.el-select-dropdown__item').filter({ hasText: headName }).first().click()
    assert.equal(await page.getByTestId('case-create-applicant').inputValue(), headName, 'the head applies')
    await create.getByText('村居代办').click()
    await page.getByTestId('case-create-authorisation').click()
    await page.getByTestId('case-create-reason').fill('户主患病只能从事轻体力劳动，家庭收入低')
    await shot('dibao-01-register.png')
    await page.getByTestId('case-create-submit').click()
    await waitClosed(create, 'registering the application')
    await page.waitForURL(/\/cases\/\d+$/)
    caseId = Number(page.url().match(/\/cases\/(\d+)$/)[1])
    await expectState('已申请')
    await upload('申请书', '低保申请书.pdf')
    await upload('家庭经济状况核对授权书', '核对授权书.pdf')
    await shot('dibao-02-applied.png')
    let c = expectStatus(await get(`/cases/${caseId}`, api.town), 200, 'case')
    assert.equal(c.case_type, 'dibao')
    assert.equal(c.region_code, VILLAGE)
    assert.equal(c.channel, 'village')
    assert.equal(c.authorisation_recorded, true)
    assert.equal(c.applicant_name, headName)
    assert.deepEqual(c.attachments.map((a) => a.kind).sort(), ['application_form', 'authorisation'])
    assert.equal(c.household_id, hh.id, 'the application is linked to the registered household')
    assert.equal(c.applicant_person_id, hh.head.person_id)
    await logout()

    // --- 2. the township worker accepts, uploads the visit record and records the visit ---
    await loginAs('town')
    await openFromInbox(caseId)
    await act('accept', null, '入户调查')
    await upload('入户调查表', '入户调查表.pdf')
    await act(
      'investigate',
      async (dialog) => {
        await dialog.getByTestId('case-action-investigators').fill('周立新\n孙慧敏')
        await dialog.getByTestId('case-action-findings').fill('户主慢性病，配偶务农，子女在读，住房为自建平房')
      },
      '信息核对',
    )
    await shot('dibao-03-investigated.png')
    await logout()

    // --- 3. the county worker's 信息核对 with the server's computation ---
    const expected = expectStatus(
      await post('/assessments', api.county, { program: 'dibao', date: dayCN(), household_id: hh.id }),
      200,
      'assessment',
    )
    assert.equal(expected.eligible, true)
    assert.equal(expected.counted_members, 3)
    assert.equal(expected.per_capita_income_fen, 33333, '1000.00 ÷ 3, rounded down to the fen')
    assert.equal(expected.monthly_amount_fen, 3 * (61000 - 33333))
    await loginAs('county')
    await openFromInbox(caseId)
    // Nothing to type: the server computes 核对 from the household's registry entry.
    await act(
      'verify',
      async (dialog) => {
        await assert.doesNotReject(dialog.getByTestId('case-action-assessment-auto').waitFor(), 'the dialog says the server computes 核对')
        assert.equal(await dialog.getByTestId('case-action-assessment').count(), 0, 'no JSON to paste')
      },
      '公示',
    )
    const shown = page.getByTestId('case-assessment')
    await assert.doesNotReject(shown.getByText(`${yuan(expected.monthly_amount_fen)} 元`).first().waitFor(), `the case shows ${yuan(expected.monthly_amount_fen)} 元`)
    await assert.doesNotReject(shown.getByText('符合', { exact: true }).waitFor(), 'the case shows 符合')
    await assert.doesNotReject(shown.getByText('人均月收入 = 1000.00 ÷ 3').first().waitFor(), 'the explanation is shown')
    await shot('dibao-04-verified.png')
    c = expectStatus(await get(`/cases/${caseId}`, api.county), 200, 'case')
    assert.equal(c.state, 'publicity')
    assert.equal(c.data.assessment.monthly_amount_fen, expected.monthly_amount_fen)
    assert.equal(c.publicity_from, dayCN(0))
    assert.equal(c.publicity_until, dayCN(6))
    await logout()

    // --- 4. the 公示 window ends (moved into the past), the township worker submits ---
    sql(`UPDATE cases SET publicity_from = '${dayCN(-8)}', publicity_until = '${dayCN(-2)}' WHERE id = ${caseId}`)
    await loginAs('town')
    await openFromInbox(caseId)
    await expectState('公示')
    await act('submit', null, '县级审批')
    await logout()

    // --- 5. the county approver approves ---
    await loginAs('countyApprover')
    await openFromInbox(caseId)
    await act('approve', async (dialog) => dialog.getByTestId('case-action-comment').fill('经审核符合低保条件，予以批准'), '已批准')
    await assert.doesNotReject(
      page.getByTestId('case-history').getByText('批准 → 已批准').waitFor(),
      'the history ends with the approval',
    )
    assert.equal(await page.getByTestId('case-history').locator('.el-timeline-item').count(), 6)
    assert.match(await page.getByTestId('case-actions').innerText(), /已办结/)
    await shot('dibao-05-approved.png')

    const approver = await login(cast.countyApprover.username, cast.countyApprover.password)
    c = expectStatus(await get(`/cases/${caseId}`, approver), 200, 'case')
    assert.equal(c.state, 'approved')
    assert.equal(c.outcome, 'approved')
    assert.equal(c.data.enrollment_from, nextMonthCN())
    assert.deepEqual(
      c.history.map((e) => e.action),
      ['create', 'accept', 'investigate', 'verify', 'submit', 'approve'],
    )
    assert.deepEqual(
      c.history.map((e) => e.actor_name),
      ['village', 'town', 'town', 'county', 'town', 'countyApprover'].map((k) => cast[k].username),
    )
    await logout()

    // --- 6. finance generates the month the enrollment starts: the first payroll line ---
    const month = nextMonthCN()
    const enrolled = expectStatus(await get(`/enrollments?household_id=${hh.id}`, api.county), 200, 'enrollments')
    assert.equal(enrolled.items.length, 1, 'approval created the enrollment')
    assert.equal(enrolled.items[0].from_month, month)
    assert.equal(enrolled.items[0].monthly_amount_fen, expected.monthly_amount_fen)
    await loginAs('finance')
    await page.getByTestId('menu-payroll').click()
    await page.waitForURL(/\/payroll$/)
    const picker = page.getByPlaceholder('发放月份')
    await picker.fill(month)
    await picker.press('Enter')
    await page.getByTestId('payroll-run-button').click()
    const totals = page.getByTestId('payroll-totals-table')
    await assert.doesNotReject(
      totals.getByText(yuan(expected.monthly_amount_fen)).first().waitFor(),
      `the month's totals show ${yuan(expected.monthly_amount_fen)}`,
    )
    await shot('dibao-06-payroll.png')
    const lines = expectStatus(await get(`/payroll/runs/${month}/lines?page_size=200`, api.finance), 200, 'lines')
    const line = lines.items.find((l) => l.enrollment_id === enrolled.items[0].id)
    assert.ok(line, 'the household has a payment line for its first month')
    assert.equal(line.kind, 'regular')
    assert.equal(line.amount_fen, expected.monthly_amount_fen)
    assert.deepEqual(problems, [], 'no page errors')
  } catch (err) {
    await shot('dibao-failure.png')
    throw err
  } finally {
    await browser.close()
  }
})
