// Static dictionaries for the UI.

export const SYSTEM_NAME = '宿迁市民政综合业务平台'

// Fallback when the user may not read GET /roles (sys:role:read): the nine roles of the platform
// (src/store/migrations/001_platform.sql), with the region levels each may be held at.
export const STATIC_ROLES = [
  { code: 'city_admin', name: '系统管理员', levels: ['city', 'county'] },
  { code: 'county_worker', name: '县区经办人', levels: ['county'] },
  { code: 'county_approver', name: '县区审批人', levels: ['county'] },
  { code: 'township_worker', name: '乡镇经办人', levels: ['township'] },
  { code: 'township_approver', name: '乡镇审批人', levels: ['township'] },
  { code: 'village_worker', name: '村居协理员', levels: ['village'] },
  { code: 'finance', name: '财务人员', levels: ['city', 'county', 'township'] },
  { code: 'leader', name: '领导', levels: ['city', 'county', 'township'] },
  { code: 'auditor', name: '审计员', levels: ['city', 'county'] },
  // Department data (部门数据): migration 011
  { code: 'verifier', name: '核对中心', levels: ['city', 'county'] },
]

// Role level names (roles.levels) → region level numbers (Region.level).
export const LEVEL_NUMBER = { province: 1, city: 2, county: 3, township: 4, village: 5 }
export const LEVEL_NAME = { 1: '省', 2: '市', 3: '县区', 4: '乡镇街道', 5: '村居' }
export const LEVEL_KEY_NAME = { province: '省', city: '市', county: '县区', township: '乡镇街道', village: '村居' }

export const KIND_NAME = { urban: '城镇', rural: '农村' }

// What each permission lets the user do (home page).
export const PERMISSION_TEXT = {
  'sys:region:read': '查看本辖区行政区划',
  'sys:user:read': '查看本辖区用户',
  'sys:user:create': '新建用户账户',
  'sys:user:update': '修改用户信息，停用或启用账户',
  'sys:user:reset_password': '重置用户密码',
  'sys:token:create': '为用户创建接口令牌',
  'sys:role:read': '查看角色及其权限',
  'sys:calendar:read': '查询节假日与工作日',
  'sys:audit:read': '查阅审计日志',
  'sys:audit:verify': '校验审计日志哈希链',
  'policy:param:read': '查看政策参数',
  'policy:param:create': '新增政策参数取值',
  'assist:assessment:run': '社会救助试算',
  'assist:enrollment:read': '查看本辖区保障对象',
  'payroll:run:read': '查看资金发放批次与控制总数',
  'payroll:run:create': '生成每月资金发放',
  'payroll:run:approve': '审核资金发放（须非生成人）',
  'payroll:run:export': '导出银行代发文件',
  // Department data (部门数据) import
  'evidence:import:read': '查看部门数据模板、导入批次与错误报告',
  'evidence:import:create': '导入部门数据文件',
  // 掌上办
  'assist:online_application:read': '查看本辖区居民网上申请',
  'assist:online_application:handle': '受理或退回居民网上申请',
  'resident:application:create': '网上申请社会救助',
  'resident:application:read': '查看本人的申请及办理进度',
}

export const AUDIT_ACTIONS = [
  'session.login',
  'session.login_failed',
  'session.logout',
  'user.create',
  'user.update',
  'user.disable',
  'user.reset_password',
  'user.change_password',
  'token.create',
  'region.import',
  'calendar.import',
  'policy.add',
  // Department data (部门数据) import
  'evidence.import',
  'evidence.errors.export',
]

export const AUDIT_OBJECT_TYPES = ['user', 'api_token', 'region', 'calendar', 'policy_param', 'evidence_batch']

export function levelName(region) {
  return region?.level_name || LEVEL_NAME[region?.level] || ''
}

export function kindName(kind) {
  return KIND_NAME[kind] || ''
}

// Today's date in China (UTC+8), as YYYY-MM-DD: the server's "today" too.
export function todayCN() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)
}

// Times are stored in UTC and shown in China Standard Time (UTC+8, no daylight saving), whatever
// the browser's own time zone.
export function formatTime(iso) {
  if (!iso) return ''
  const t = new Date(iso).getTime()
  if (Number.isNaN(t)) return String(iso)
  const d = new Date(t + 8 * 3600 * 1000)
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
}
