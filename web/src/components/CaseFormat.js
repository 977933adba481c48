// Names and formats shared by the 事项 pages (InboxView, CaseView and the Case* dialogs).
import { request, normalizeList } from '../api.js'

export const CASE_TYPES = [
  { code: 'dibao', name: '最低生活保障' },
  { code: 'tekun', name: '特困人员救助供养' },
  { code: 'tekun_termination', name: '特困人员终止供养' },
  { code: 'temporary', name: '临时救助' },
  // 低保 enrollment lifecycle: for a household enrolled in 低保.
  { code: 'dibao_review', name: '低保复核' },
  { code: 'dibao_adjustment', name: '低保调整' },
  { code: 'dibao_termination', name: '低保停保' },
  { code: 'dibao_resume', name: '低保恢复发放' },
]

// Case types that act on a household's 低保 enrollment: a registered household is required.
export const HOUSEHOLD_CASE_TYPES = new Set(['dibao_review', 'dibao_adjustment', 'dibao_termination', 'dibao_resume'])

export const CHANNELS = { online: '网上申请', village: '村居代办' }
export const OUTCOMES = {
  approved: '已批准',
  refused: '不予批准',
  terminated: '已终止',
  kept: '继续供养',
  // 低保 enrollment lifecycle
  adjusted: '已调整',
  tapered: '渐退',
  suspended: '已暂停',
  resumed: '已恢复发放',
}

// Labels of the data keys an action may carry (docs/api.md, 事项).
export const DATA_LABELS = {
  missing: '所缺材料（每行一项）',
  investigators: '调查人员（每行一人，至少两人）',
  findings: '调查情况',
  assessment: '信息核对结果（JSON）',
  reasons: '理由（每行一条）',
  authorisation_recorded: '已签署核对授权书',
  amount_fen: '救助金额（元）',
}

export const LIST_KEYS = new Set(['missing', 'investigators', 'reasons'])

export const casesApi = {
  inbox: async (query) => normalizeList(await request('GET', '/inbox', { query })),
  list: async (query) => normalizeList(await request('GET', '/cases', { query })),
  get: (id) => request('GET', `/cases/${encodeURIComponent(id)}`),
  create: (body) => request('POST', '/cases', { body }),
  act: (id, body) => request('POST', `/cases/${encodeURIComponent(id)}/actions`, { body }),
  attach: (id, body) => request('POST', `/cases/${encodeURIComponent(id)}/attachments`, { body }),
  attachment: (id, aid) => request('GET', `/cases/${encodeURIComponent(id)}/attachments/${encodeURIComponent(aid)}`),
  object: (id, text) => request('POST', `/cases/${encodeURIComponent(id)}/objections`, { body: { text } }),
}

// "1234.5" yuan → 123450 fen; null when not a non-negative amount with at most 2 decimals.
export function yuanToFen(s) {
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(String(s ?? '').trim())
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'))
}

export function fenToYuan(f) {
  if (!Number.isInteger(f)) return ''
  return `${Math.trunc(f / 100)}.${String(Math.abs(f % 100)).padStart(2, '0')}`
}

export function formatSize(n) {
  if (n < 1024) return `${n} B`
  return `${(n / 1024).toFixed(1)} KB`
}
