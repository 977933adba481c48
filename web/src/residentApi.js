// 掌上办: the resident area's and the 网上申请 intake's calls (docs/api.md, "掌上办").
import { request, normalizeList } from './api.js'

// --- residents ---
export const registerResident = (body) => request('POST', '/resident/register', { body, noAuthRedirect: true })
export const residentAccount = () => request('GET', '/resident/account')
export const residentRegions = async (parent) =>
  (await request('GET', '/resident/regions', { query: parent ? { parent } : {} })).items
export const submitApplication = (body) => request('POST', '/resident/applications', { body })
export const myApplications = async () => (await request('GET', '/resident/applications')).items
export const myApplication = (id) => request('GET', `/resident/applications/${encodeURIComponent(id)}`)
export const addApplicationAttachment = (id, body) =>
  request('POST', `/resident/applications/${encodeURIComponent(id)}/attachments`, { body })

// --- staff intake ---
export const listOnlineApplications = async (query) =>
  normalizeList(await request('GET', '/online-applications', { query }))
export const getOnlineApplication = (id) => request('GET', `/online-applications/${encodeURIComponent(id)}`)
export const getOnlineAttachment = (id, aid) =>
  request('GET', `/online-applications/${encodeURIComponent(id)}/attachments/${encodeURIComponent(aid)}`)
export const returnOnlineApplication = (id, reasons) =>
  request('POST', `/online-applications/${encodeURIComponent(id)}/return`, { body: { reasons } })
export const acceptOnlineApplication = (id, body) =>
  request('POST', `/online-applications/${encodeURIComponent(id)}/accept`, { body })

export const PROGRAMS = [
  { code: 'dibao', name: '最低生活保障（低保）' },
  { code: 'tekun', name: '特困人员救助供养' },
  { code: 'temporary', name: '临时救助' },
]
export const TEMPORARY_KINDS = [
  { code: 'emergency', name: '急难型（突发事件、意外伤害等）' },
  { code: 'expenditure', name: '支出型（医疗、教育等刚性支出过大）' },
]
export const STATUS_TAG = { submitted: 'warning', returned: 'danger', accepted: 'success' }
export const ATTACHMENT_KINDS = [
  { code: 'id_card', name: '身份证明（身份证、户口簿照片）' },
  { code: 'application_form', name: '申请书' },
  { code: 'other', name: '其他材料（收入证明、病历等）' },
]

// A file chosen in the browser → {filename, content (base64)}.
export function readFileBase64(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => resolve({ filename: file.name, content: String(r.result).split(',')[1] || '' })
    r.onerror = () => reject(new Error('读取文件失败'))
    r.readAsDataURL(file)
  })
}
