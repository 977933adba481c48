// Registry (一户一档, 一人一档): the API's stable codes with their Chinese names, money in fen
// ↔ yuan text, and the GB 11643 check used to warn before a form is sent.  The server checks
// everything again; these only make the forms friendlier.
import { request, normalizeList } from '../api.js'

export const RELATIONS = [
  { code: 'self', name: '户主' },
  { code: 'spouse', name: '配偶' },
  { code: 'child', name: '子女' },
  { code: 'parent', name: '父母' },
  { code: 'grandchild', name: '孙子女' },
  { code: 'grandparent', name: '祖父母' },
  { code: 'sibling', name: '兄弟姐妹' },
  { code: 'other', name: '其他' },
]
export const MEMBER_RELATIONS = RELATIONS.filter((r) => r.code !== 'self')

export const DISABILITY_KINDS = [
  { code: 'physical', name: '肢体残疾' },
  { code: 'visual', name: '视力残疾' },
  { code: 'hearing', name: '听力残疾' },
  { code: 'speech', name: '言语残疾' },
  { code: 'intellectual', name: '智力残疾' },
  { code: 'mental', name: '精神残疾' },
  { code: 'multiple', name: '多重残疾' },
]
export const DISABILITY_GRADES = [1, 2, 3, 4].map((g) => ({ code: g, name: `${['一', '二', '三', '四'][g - 1]}级` }))

export const LABOUR_CAPACITIES = [
  { code: 'full', name: '有劳动能力' },
  { code: 'partial', name: '部分丧失劳动能力' },
  { code: 'none', name: '无劳动能力' },
]

export const ACTIVITIES = [
  { code: 'eating', name: '进食' },
  { code: 'dressing', name: '穿衣' },
  { code: 'transfer', name: '上下床' },
  { code: 'toileting', name: '如厕' },
  { code: 'walking', name: '室内行走' },
  { code: 'bathing', name: '洗澡' },
]

export const CARE_LEVELS = { self: '全自理', half: '半护理', full: '全护理' }

export const GENDERS = { M: '男', F: '女' }
export const HOUSEHOLD_KINDS = [
  { code: 'urban', name: '城镇' },
  { code: 'rural', name: '农村' },
]

export const INCOME_TYPES = [
  { code: 'wage', name: '工资性收入' },
  { code: 'business', name: '经营净收入' },
  { code: 'property', name: '财产净收入' },
  { code: 'transfer', name: '转移净收入' },
  { code: 'maintenance', name: '赡养（抚养、扶养）费' },
  { code: 'pension', name: '养老金（退休金）' },
  { code: 'basic_pension', name: '城乡居民基础养老金' },
  { code: 'unemployment', name: '失业保险金' },
  { code: 'youfu', name: '优待抚恤金' },
  { code: 'family_planning', name: '计划生育奖励扶助金' },
  { code: 'scholarship', name: '奖学金' },
  { code: 'bravery', name: '见义勇为奖励' },
  { code: 'assistance', name: '政府救助资金' },
  { code: 'elderly_allowance', name: '高龄津贴' },
  { code: 'other', name: '其他收入' },
]
export const ASSET_TYPES = [
  { code: 'deposit', name: '存款' },
  { code: 'securities', name: '有价证券' },
  { code: 'vehicle', name: '机动车辆' },
  { code: 'housing', name: '房产' },
  { code: 'business', name: '经营性资产' },
]
export const EXPENDITURE_TYPES = [
  { code: 'medical', name: '医疗（医保报销后）' },
  { code: 'education', name: '教育' },
  { code: 'rehabilitation', name: '康复' },
  { code: 'other', name: '其他刚性支出' },
]

// The four kinds of economic items: path word, profile key, amount field and its label.
export const ITEM_KINDS = [
  { kind: 'incomes', key: 'incomes', label: '收入', amount: 'monthly_fen', amountLabel: '月收入（元）', types: INCOME_TYPES, person: true, text: 'note' },
  { kind: 'employment-costs', key: 'employment_costs', label: '就业成本', amount: 'monthly_fen', amountLabel: '月就业成本（元）', types: null, person: true, text: 'note' },
  { kind: 'assets', key: 'assets', label: '财产', amount: 'value_fen', amountLabel: '价值（元）', types: ASSET_TYPES, person: false, exempt: true, text: 'description' },
  { kind: 'expenditures', key: 'expenditures', label: '刚性支出', amount: 'annual_fen', amountLabel: '年支出（元）', types: EXPENDITURE_TYPES, person: true, text: 'note' },
]

const lookup = (list) => Object.fromEntries(list.map((x) => [x.code, x.name]))
const NAMES = {
  relation: lookup(RELATIONS),
  disability: lookup(DISABILITY_KINDS),
  labour: lookup(LABOUR_CAPACITIES),
  activity: lookup(ACTIVITIES),
  kind: lookup(HOUSEHOLD_KINDS),
  incomes: lookup(INCOME_TYPES),
  assets: lookup(ASSET_TYPES),
  expenditures: lookup(EXPENDITURE_TYPES),
}
export function nameOf(dict, code) {
  if (code === null || code === undefined) return ''
  return NAMES[dict]?.[code] || String(code)
}

export const AUDIT_ACTION_NAMES = {
  'household.create': '建立家庭档案',
  'household.update': '修改家庭信息',
  'household.member_add': '成员加入',
  'household.member_leave': '成员迁出',
  'household.item_add': '登记经济状况',
  'household.item_end': '终止经济状况',
  'person.create': '建立人员档案',
  'person.update': '修改人员信息',
  'person.death': '登记死亡',
  'person.view_id': '查看完整证件号',
}

// ---- money: int fen ↔ yuan text, exactly (no floating point on the way in) ----
export const YUAN_PATTERN = /^\d{1,10}(\.\d{1,2})?$/

export function yuanToFen(text) {
  const s = String(text ?? '').trim()
  if (!YUAN_PATTERN.test(s)) return null
  const [int, frac = ''] = s.split('.')
  return Number(int) * 100 + Number(frac.padEnd(2, '0'))
}

export function fenToYuan(fen) {
  if (!Number.isInteger(fen)) return ''
  const neg = fen < 0
  const a = Math.abs(fen)
  return `${neg ? '-' : ''}${Math.trunc(a / 100)}.${String(a % 100).padStart(2, '0')}`
}

// ---- ID numbers (GB 11643-1999) ----
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
export function idNumberProblem(id) {
  const s = String(id || '').trim().toUpperCase()
  if (!/^\d{17}[\dX]$/.test(s)) return '身份证号须为18位（最后一位可为X）'
  let sum = 0
  for (let i = 0; i < 17; i += 1) sum += Number(s[i]) * WEIGHTS[i]
  if ('10X98765432'[sum % 11] !== s[17]) return '身份证号校验位不正确'
  return ''
}

// Today as YYYY-MM-DD in the browser's time zone (China).
export function todayText() {
  const d = new Date()
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

// Whether a half-open period [from, to) holds day.
export function holdsOn(from, to, day) {
  return from <= day && (!to || to > day)
}

// ---- API calls of the registry ----
const enc = encodeURIComponent
export const registryApi = {
  listHouseholds: async (query) => normalizeList(await request('GET', '/households', { query })),
  createHousehold: (body) => request('POST', '/households', { body }),
  getHousehold: (id) => request('GET', `/households/${enc(id)}`),
  updateHousehold: (id, body) => request('PATCH', `/households/${enc(id)}`, { body }),
  householdProfile: (id) => request('GET', `/households/${enc(id)}/profile`),
  addMember: (id, body) => request('POST', `/households/${enc(id)}/members`, { body }),
  memberLeave: (id, personId, on) => request('POST', `/households/${enc(id)}/members/${enc(personId)}/leave`, { body: { on } }),
  addItem: (id, kind, body) => request('POST', `/households/${enc(id)}/${kind}`, { body }),
  endItem: (id, kind, itemId, on) => request('POST', `/households/${enc(id)}/items/${kind}/${enc(itemId)}/end`, { body: { on } }),
  listPersons: async (query) => normalizeList(await request('GET', '/persons', { query })),
  createPerson: (body) => request('POST', '/persons', { body }),
  getPerson: (id) => request('GET', `/persons/${enc(id)}`),
  updatePerson: (id, body) => request('PATCH', `/persons/${enc(id)}`, { body }),
  personProfile: (id) => request('GET', `/persons/${enc(id)}/profile`),
  personIdNumber: (id) => request('GET', `/persons/${enc(id)}/id-number`),
}

// ---- person forms ----
// The state PersonFormFields.vue edits, from a Person answer (or empty for a new person).
export function personForm(p = null) {
  return {
    id_number: '',
    name: p?.name || '',
    disability_kind: p?.disability_kind || '',
    disability_grade: p?.disability_grade || null,
    labour_capacity: p?.labour_capacity || 'full',
    serious_illness: !!p?.serious_illness,
    in_school: !!p?.in_school,
    detained: !!p?.detained,
    missing: !!p?.missing,
    supporter_able: !!p?.supporter_able,
    activities: Array.isArray(p?.self_care_unable_activities) ? [...p.self_care_unable_activities] : [],
    activitiesKnown: !p || Array.isArray(p.self_care_unable_activities) || !p.self_care_unable,
    activitiesTouched: false,
    self_care_unable: p?.self_care_unable || 0,
    deceased_on: p?.deceased_on || null,
  }
}

// The request body for a person form: create sends the identity, edit only what may change.
export function personBody(f, mode = 'create') {
  const b = { name: f.name }
  if (mode === 'create') b.id_number = String(f.id_number).trim().toUpperCase()
  if (f.disability_kind) {
    b.disability_kind = f.disability_kind
    b.disability_grade = f.disability_grade
  } else if (mode === 'edit') {
    b.disability_kind = null
  }
  b.labour_capacity = f.labour_capacity
  for (const k of ['serious_illness', 'in_school', 'detained', 'missing', 'supporter_able']) b[k] = !!f[k]
  if (mode === 'create' || f.activitiesTouched) b.self_care_unable_activities = [...f.activities]
  if (mode === 'edit') b.deceased_on = f.deceased_on || null
  return b
}

// Gender and birth date as the ID number gives them, for display while typing.
export function idNumberFacts(id) {
  const s = String(id || '').trim().toUpperCase()
  if (idNumberProblem(s)) return null
  return { gender: Number(s[16]) % 2 === 1 ? '男' : '女', birth: `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}` }
}

export function careLevelOf(n) {
  if (!n) return 'self'
  return n <= 3 ? 'half' : 'full'
}

// The server's error for fields under prefix ("", "head.", "members[2]."), keyed by the field
// name without prefix and without a trailing list index: {name: "姓名须为…"}.
export function fieldErrorsOf(err, prefix = '') {
  const f = err?.field
  if (!f || !f.startsWith(prefix)) return {}
  const key = f.slice(prefix.length).replace(/\[\d+\]$/, '')
  if (key.includes('.') || key.includes('[')) return {}
  return { [key]: err.message }
}
