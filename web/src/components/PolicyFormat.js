// Display helpers for policy parameters (GET /policies). Values arrive in their human form
// ("650.00", "1.3", "24", "basic_pension,youfu"); these only add labels, never recompute them.

export const PROGRAMS = [
  { code: 'dibao', name: '低保' },
  { code: 'tekun', name: '特困' },
  { code: 'edge', name: '低保边缘' },
  { code: 'rigid', name: '刚性支出' },
  { code: 'temporary', name: '临时救助' },
  { code: 'review', name: '复核' },
  { code: 'monitor', name: '动态监测' }, // 动态监测: rule switches and thresholds
]

const UNIT_LABEL = { fen: '金额（元）', ratio: '倍数', int: '整数', list: '词表（可多选）', text: '选项' }
const UNIT_SUFFIX = { fen: '元', ratio: '倍' }

// The words of the catalogue's lists (policy_catalog.allowed), in Chinese.
const WORDS = {
  wage: '工资性收入',
  business: '经营净收入',
  property: '财产净收入',
  transfer: '转移净收入',
  maintenance: '赡养（抚养、扶养）费',
  pension: '养老金',
  basic_pension: '城乡居民基础养老金',
  unemployment: '失业保险金',
  youfu: '优待抚恤金',
  family_planning: '计划生育奖励扶助金',
  scholarship: '奖学金、助学金',
  bravery: '见义勇为奖励',
  assistance: '政府救助款',
  elderly_allowance: '高龄津贴',
  other: '其他',
  none: '不取整（按分计发）',
  yuan_up: '向上取整到元',
  yuan_round: '四舍五入到元',
}

export const unitLabel = (unit) => UNIT_LABEL[unit] || unit || ''
export const unitSuffix = (unit) => UNIT_SUFFIX[unit] || ''
export const wordLabel = (w) => WORDS[w] || w

/** "0.01 – 1000000.00 元", "≥ 0", or "" when the catalogue gives no bounds. */
export function boundsText(item) {
  if (!item) return ''
  const s = unitSuffix(item.unit)
  const tail = s ? ` ${s}` : ''
  if (item.min_value != null && item.max_value != null) return `${item.min_value} – ${item.max_value}${tail}`
  if (item.min_value != null) return `≥ ${item.min_value}${tail}`
  if (item.max_value != null) return `≤ ${item.max_value}${tail}`
  return ''
}

/** A value row's value for people: "610.00 元", "1.3 倍", or the words' labels. */
export function valueText(unit, value) {
  if (value == null) return '（数据损坏，无法读取）'
  if (unit === 'list') return value.split(',').map(wordLabel).join('、')
  if (unit === 'text') return wordLabel(value)
  const s = unitSuffix(unit)
  return s ? `${value} ${s}` : value
}

/**
 * A percentage typed by a person ("35", "33.5", "29.99") as the decimal ratio text the API takes
 * ("0.35", "0.335", "0.2999"), computed on integers so that nothing is lost; null when malformed.
 */
export function percentToRatio(text) {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(String(text).trim())
  if (!m) return null
  const bp = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'))
  const whole = Math.floor(bp / 10000)
  const frac = String(bp % 10000).padStart(4, '0').replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : String(whole)
}
