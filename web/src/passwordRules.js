// Client-side mirror of the server's password policy (docs/api.md); the server stays authoritative.
export function passwordProblem(password, username) {
  const p = password || ''
  if (p.length < 10) return '密码长度至少 10 位'
  let classes = 0
  if (/[a-z]/.test(p)) classes++
  if (/[A-Z]/.test(p)) classes++
  if (/[0-9]/.test(p)) classes++
  if (/[^A-Za-z0-9]/.test(p)) classes++
  if (classes < 3) return '密码须包含小写字母、大写字母、数字、其他符号中的至少 3 类'
  if (username && p.toLowerCase().includes(String(username).toLowerCase())) return '密码不能包含用户名'
  return null
}

export function passwordValidator(getUsername) {
  return (_rule, value, callback) => {
    const problem = passwordProblem(value, getUsername ? getUsername() : '')
    if (problem) callback(new Error(problem))
    else callback()
  }
}
