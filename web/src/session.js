// The logged-in user and CSRF token, in memory only (never in localStorage).
import { reactive } from 'vue'
import * as api from './api.js'

export const session = reactive({
  user: null,
  loaded: false, // GET /session has been tried once since page load
})

export function setSession(data) {
  session.user = data?.user || null
  api.setCsrfToken(data?.csrf_token || null)
  session.loaded = true
}

export function clearSession() {
  session.user = null
  api.setCsrfToken(null)
  session.loaded = true
}

// Ask the server who we are (after a page load). 401 → not logged in.
export async function loadSession() {
  try {
    setSession(await api.getSession())
  } catch (err) {
    if (err.status === 401) clearSession()
    else {
      session.loaded = false
      throw err
    }
  }
  return session.user
}

export function hasPerm(perm) {
  const perms = session.user?.permissions
  return Array.isArray(perms) && perms.includes(perm)
}
