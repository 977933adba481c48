// The one place that talks to the minzheng JSON API (docs/api.md).
// Every call goes through request(): same-origin fetch with the session cookie, JSON bodies,
// X-CSRF-Token on writes, and one parser for the error body
//   {"error":{"code":"…","message":"中文说明","field":"…"|null}}
// which is thrown as an ApiError carrying .status, .code, .field and .message.

const BASE = '/api/v1'
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

let csrfToken = null
let unauthorizedHandler = null

export function setCsrfToken(token) {
  csrfToken = token || null
}

export function getCsrfToken() {
  return csrfToken
}

// Called (once per failing request) when the server answers 401 unauthenticated to anything but a
// login attempt: the session is gone, the app should go back to /login.
export function onUnauthorized(fn) {
  unauthorizedHandler = fn
}

export class ApiError extends Error {
  constructor({ status = 0, code = 'network_error', message, field = null, requestId = null } = {}) {
    super(message || '请求失败')
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.requestId = requestId
  }
}

const STATUS_TEXT = {
  400: '请求参数有误',
  401: '未登录或登录已过期',
  403: '没有权限执行此操作',
  404: '记录不存在',
  405: '不支持的请求方法',
  409: '记录已存在',
  413: '请求内容过大',
  415: '请求格式不受支持',
  423: '账户已锁定',
  500: '服务器内部错误',
  502: '服务暂不可用',
  503: '服务暂不可用',
  504: '服务响应超时',
}

function buildQuery(query) {
  if (!query) return ''
  const sp = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    sp.append(k, String(v))
  }
  const s = sp.toString()
  return s ? `?${s}` : ''
}

async function parseError(res) {
  let body = null
  try {
    const text = await res.text()
    body = text ? JSON.parse(text) : null
  } catch {
    body = null
  }
  const e = body && typeof body === 'object' && body.error && typeof body.error === 'object' ? body.error : {}
  return new ApiError({
    status: res.status,
    code: typeof e.code === 'string' ? e.code : `http_${res.status}`,
    message: typeof e.message === 'string' && e.message ? e.message : STATUS_TEXT[res.status] || `请求失败（HTTP ${res.status}）`,
    field: typeof e.field === 'string' && e.field ? e.field : null,
    requestId: res.headers.get('X-Request-Id'),
  })
}

export async function request(method, path, { query, body, noAuthRedirect = false } = {}) {
  method = method.toUpperCase()
  const headers = { Accept: 'application/json' }
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' }
  if (WRITE_METHODS.has(method)) {
    headers['Content-Type'] = 'application/json'
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken
    if (body !== undefined) init.body = JSON.stringify(body)
  }
  let res
  try {
    res = await fetch(BASE + path + buildQuery(query), init)
  } catch (err) {
    throw new ApiError({ status: 0, code: 'network_error', message: '无法连接服务器，请检查网络' })
  }
  if (!res.ok) {
    const err = await parseError(res)
    if (res.status === 401 && err.code === 'unauthenticated' && !noAuthRedirect && unauthorizedHandler) {
      unauthorizedHandler(err)
    }
    throw err
  }
  if (res.status === 204) return null
  const text = await res.text()
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    throw new ApiError({ status: res.status, code: 'invalid_response', message: '服务器返回的数据无法解析' })
  }
}

// A list answer is {"items":[…],"total":N,"page":P,"page_size":S}; accept a bare array too.
export function normalizeList(data) {
  if (Array.isArray(data)) return { items: data, total: data.length, page: 1, page_size: data.length }
  const items = Array.isArray(data?.items) ? data.items : []
  return {
    items,
    total: Number.isFinite(data?.total) ? data.total : items.length,
    page: data?.page ?? 1,
    page_size: data?.page_size ?? items.length,
  }
}

// Fetch every page of a list endpoint (page_size 200, the maximum), for tree children.
async function listAll(path, query = {}) {
  const pageSize = 200
  let page = 1
  const all = []
  for (;;) {
    const data = normalizeList(await request('GET', path, { query: { ...query, page, page_size: pageSize } }))
    all.push(...data.items)
    if (data.items.length === 0 || all.length >= data.total || data.items.length < pageSize) break
    page += 1
    if (page > 100) break
  }
  return all
}

// --- session ---
export const getSession = () => request('GET', '/session', { noAuthRedirect: true })
export const login = (username, password) =>
  request('POST', '/session', { body: { username, password }, noAuthRedirect: true })
export const logout = () => request('DELETE', '/session', { noAuthRedirect: true })
export const changePassword = (old_password, new_password) =>
  request('POST', '/session/password', { body: { old_password, new_password } })

// --- roles ---
export const listRoles = async () => normalizeList(await request('GET', '/roles')).items

// --- regions ---
export const ownRegions = async () => normalizeList(await request('GET', '/regions')).items
export const childRegions = (parent) => listAll('/regions', { parent })
export const searchRegions = async (q, page = 1, page_size = 10) =>
  normalizeList(await request('GET', '/regions', { query: { q, page, page_size } }))
export const getRegion = (code) => request('GET', `/regions/${encodeURIComponent(code)}`)

// --- users ---
export const listUsers = async (query) => normalizeList(await request('GET', '/users', { query }))
export const getUser = (id) => request('GET', `/users/${encodeURIComponent(id)}`)
export const createUser = (body) => request('POST', '/users', { body })
export const updateUser = (id, body) => request('PATCH', `/users/${encodeURIComponent(id)}`, { body })
export const resetUserPassword = (id, password) =>
  request('POST', `/users/${encodeURIComponent(id)}/password`, { body: { password } })

// --- audit ---
export const listAudit = async (query) => normalizeList(await request('GET', '/audit', { query }))
export const verifyAudit = () => request('GET', '/audit/verify')
