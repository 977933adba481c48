// Browser test of 掌上办: a resident registers on a 375-pixel-wide phone screen, fills the 网上申请
// wizard (village picked level by level, a second household member, a wage income, the reason, a
// PDF of the ID card, the online 核对授权) and sees it 已提交 under 我的申请; the village worker of
// that village opens 网上申请 in the staff UI, 受理 it (ID card seen in person), and lands on the new
// case; the case has channel online and the attachment; the resident then sees 已受理, changes the
// password and logs in again with it.
//
//   MZ_URL=… MZ_ADMIN_USER=… MZ_ADMIN_PASSWORD=… node --test tests/e2e/resident.test.mjs
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { ADMIN_PASSWORD, BASE, createUser, get, login } from '../api/lib.mjs'

const ARTIFACTS = process.env.MZ_ARTIFACTS || '/tmp'
const VILLAGE = '321302001001' // 凤凰居委会
const STEP = 30_000
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
  '--no-first-run', '--disable-component-update', '--disable-sync']
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')

function idNumber(birth, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const body = `321302${birth}${String(seq).padStart(3, '0')}`
  return body + '10X98765432'[[...body].reduce((a, c, i) => a + Number(c) * w[i], 0) % 11]
}

test('a resident applies on a phone and the village worker accepts it', { timeout: 300_000 }, async () => {
  assert.ok(ADMIN_PASSWORD, 'set MZ_ADMIN_PASSWORD (and MZ_ADMIN_USER, MZ_URL) for the browser test')
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  const worker = await createUser({ prefix: 'mvillage', role: 'village_worker', region_code: VILLAGE, display_name: '凤凰协理员' })
  const day = String(1 + randomInt(28)).padStart(2, '0')
  const seq = 1 + 2 * randomInt(400)
  const me = { id: idNumber(`1979${String(1 + randomInt(12)).padStart(2, '0')}${day}`, seq), name: `掌上办${String(Date.now()).slice(-4)}`, password: 'Zsb-2026!resident' }
  const child = idNumber(`2012${String(1 + randomInt(12)).padStart(2, '0')}${day}`, seq + 1)

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  const problems = []
  try {
    const phone = await browser.newPage({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', isMobile: true, hasTouch: true })
    phone.setDefaultTimeout(STEP)
    phone.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
    const shot = (p, name) => p.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true }).catch(() => {})

    // 注册: lands on the wizard, logged in.
    await phone.goto(`${BASE}/m/register`)
    await phone.getByTestId('m-register-id').fill(me.id)
    await phone.getByTestId('m-register-name').fill(me.name)
    await phone.getByTestId('m-register-mobile').fill('13812345678')
    await phone.getByTestId('m-register-password').fill(me.password)
    await phone.getByTestId('m-register-confirm').fill(me.password)
    await phone.getByTestId('m-register-submit').click()
    await phone.waitForURL(/\/m\/apply/)
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(overflow <= 375, `the wizard fits a 375px screen (scrollWidth ${overflow})`)

    // 1 事项: 低保 (default), the village through the cascader, the address.
    for (const [i, name] of ['宿城区', '幸福街道', '凤凰居委会'].entries()) {
      await phone.getByTestId(`m-apply-region-${i}`).click()
      await phone.locator('.el-select-dropdown__item:visible', { hasText: name }).first().click()
    }
    await phone.getByTestId('m-apply-address').fill('幸福街道凤凰小区2号楼101室')
    await shot(phone, 'resident-apply-1.png')
    await phone.getByTestId('m-apply-next').click()
    // 2 成员: the resident is prefilled; a child joins.
    assert.equal(await phone.getByTestId('m-member-id-0').inputValue(), me.id)
    await phone.getByTestId('m-member-add').click()
    await phone.getByTestId('m-member-name-1').fill('掌上办子女')
    await phone.getByTestId('m-member-id-1').fill(child)
    await phone.getByTestId('m-apply-next').click()
    // 3 收入财产
    await phone.getByTestId('m-income-add').click()
    await phone.getByTestId('m-income-0').fill('600')
    await phone.getByTestId('m-apply-next').click()
    // 4 理由材料
    await phone.getByTestId('m-apply-reason').fill('务工受伤，收入不足以维持基本生活')
    await phone.getByTestId('m-apply-file').setInputFiles({ name: '身份证.pdf', mimeType: 'application/pdf', buffer: PDF })
    await phone.getByTestId('m-apply-next').click()
    // 5 授权: the submit button waits for the consent.
    assert.ok(await phone.getByTestId('m-apply-submit').isDisabled(), 'no submission without the 核对授权')
    await phone.getByTestId('m-apply-consent').click()
    await shot(phone, 'resident-apply-5.png')
    await phone.getByTestId('m-apply-submit').click()
    await phone.waitForURL(/\/m\/my/)
    await phone.getByTestId('m-app-status').first().filter({ hasText: '已提交' }).waitFor()
    await shot(phone, 'resident-my-submitted.png')

    const api = await login(me.id, me.password)
    const mine = (await get('/resident/applications', api)).json.items
    assert.equal(mine.length, 1)
    const appId = mine[0].id
    assert.equal(mine[0].attachment_count, 1, 'the ID card was uploaded')
    assert.equal(mine[0].data.incomes[0].monthly_fen, 60000)

    // The village worker: 网上申请 → 受理.
    const desk = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' })
    desk.setDefaultTimeout(STEP)
    desk.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
    await desk.goto(`${BASE}/login`)
    await desk.getByTestId('login-username').fill(worker.username)
    await desk.getByTestId('login-password').fill(worker.password)
    await desk.getByTestId('login-submit').click()
    await desk.getByTestId('menu-online-applications').click()
    await desk.getByTestId(`online-row-${appId}`).click()
    await desk.getByTestId('online-status').filter({ hasText: '待受理' }).waitFor()
    await shot(desk, 'resident-intake.png')
    await desk.getByTestId('online-accept').click()
    await desk.getByTestId('online-accept-identity').click()
    await desk.getByTestId('online-accept-confirm').click()
    await desk.waitForURL(/\/cases\/\d+/)
    const caseId = Number(desk.url().match(/\/cases\/(\d+)/)[1])
    await desk.getByTestId('case-state').filter({ hasText: '已申请' }).waitFor()
    await shot(desk, 'resident-case.png')
    const workerApi = await login(worker.username, worker.password)
    const c = (await get(`/cases/${caseId}`, workerApi)).json
    assert.equal(c.channel, 'online')
    assert.equal(c.authorisation_recorded, true)
    assert.deepEqual(c.attachments.map((a) => a.filename), ['身份证.pdf'])

    // The resident follows: 已受理.
    await phone.reload()
    await phone.getByTestId('m-app-status').first().filter({ hasText: '已受理' }).waitFor()
    await phone.getByTestId('m-app-case-state').filter({ hasText: '已申请' }).waitFor()
    await shot(phone, 'resident-my-accepted.png')

    // The resident changes the password, logs out, and logs in again at /m/login.
    const changed = `${me.password}Q9`
    await phone.getByTestId('m-password').click()
    await phone.getByTestId('pwd-old').fill(me.password)
    await phone.getByTestId('pwd-new').fill(changed)
    await phone.getByTestId('pwd-confirm').fill(changed)
    await shot(phone, 'resident-password.png')
    await phone.getByTestId('pwd-submit').click()
    await phone.getByTestId('pwd-old').waitFor({ state: 'hidden' })
    await phone.getByTestId('m-logout').click()
    await phone.waitForURL(/\/m\/login/)
    await phone.getByTestId('m-login-id').fill(me.id.toLowerCase())
    await phone.getByTestId('m-login-password').fill(changed)
    await phone.getByTestId('m-login-submit').click()
    await phone.waitForURL(/\/m\/my/)
    await phone.getByTestId('m-app-status').first().filter({ hasText: '已受理' }).waitFor()
  } finally {
    await browser.close()
  }
  assert.deepEqual(problems, [])
})
