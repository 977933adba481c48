import { createRouter, createWebHistory } from 'vue-router'
import { ElMessage } from 'element-plus'
import { session, loadSession, hasPerm } from './session.js'

import LoginView from './views/LoginView.vue'
import MainLayout from './layouts/MainLayout.vue'
import HomeView from './views/HomeView.vue'
import NotFoundView from './views/NotFoundView.vue'

const routes = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: '登录' } },
  // 掌上办: the resident area, mobile-first, with its own layout and login (views/resident).
  {
    path: '/m',
    component: () => import('./views/resident/ResidentLayout.vue'),
    meta: { resident: true },
    children: [
      { path: '', redirect: '/m/my' },
      { path: 'login', name: 'm-login', component: () => import('./views/resident/ResidentLoginView.vue'), meta: { resident: true, public: true, title: '居民登录' } },
      { path: 'register', name: 'm-register', component: () => import('./views/resident/ResidentRegisterView.vue'), meta: { resident: true, public: true, title: '居民注册' } },
      { path: 'apply', name: 'm-apply', component: () => import('./views/resident/ResidentApplyView.vue'), meta: { resident: true, title: '网上申请' } },
      { path: 'my', name: 'm-my', component: () => import('./views/resident/ResidentMyView.vue'), meta: { resident: true, title: '我的申请' } },
    ],
  },
  {
    path: '/',
    component: MainLayout,
    children: [
      { path: '', name: 'home', component: HomeView, meta: { title: '首页' } },
      {
        path: 'regions',
        name: 'regions',
        component: () => import('./views/RegionsView.vue'),
        meta: { title: '区划', perm: 'sys:region:read' },
      },
      {
        path: 'users',
        name: 'users',
        component: () => import('./views/UsersView.vue'),
        meta: { title: '用户管理', perm: 'sys:user:read' },
      },
      {
        path: 'audit',
        name: 'audit',
        component: () => import('./views/AuditView.vue'),
        meta: { title: '审计日志', perm: 'sys:audit:read' },
      },
      {
        path: 'policies',
        name: 'policies',
        component: () => import('./views/PolicyView.vue'),
        meta: { title: '政策参数', perm: 'policy:param:read' },
      },
      {
        path: 'assessments',
        name: 'assessments',
        component: () => import('./views/AssessmentView.vue'),
        meta: { title: '救助试算', perm: 'assist:assessment:run' },
      },
      {
        path: 'households',
        name: 'households',
        component: () => import('./views/HouseholdsView.vue'),
        meta: { title: '家庭档案', perm: 'registry:household:read' },
      },
      {
        path: 'households/new',
        name: 'household-new',
        component: () => import('./views/HouseholdCreateView.vue'),
        meta: { title: '新建家庭', perm: 'registry:household:create' },
      },
      {
        path: 'households/:id(\\d+)',
        name: 'household',
        component: () => import('./views/HouseholdView.vue'),
        meta: { title: '家庭档案', perm: 'registry:household:read' },
      },
      {
        path: 'persons',
        name: 'persons',
        component: () => import('./views/PersonsView.vue'),
        meta: { title: '人员档案', perm: 'registry:person:read' },
      },
      {
        path: 'persons/:id(\\d+)',
        name: 'person',
        component: () => import('./views/PersonView.vue'),
        meta: { title: '人员档案', perm: 'registry:person:read' },
      },
      {
        path: 'inbox',
        name: 'inbox',
        component: () => import('./views/InboxView.vue'),
        meta: { title: '待办事项', perm: 'case:case:read' },
      },
      {
        path: 'cases/:id(\\d+)',
        name: 'case',
        component: () => import('./views/CaseView.vue'),
        meta: { title: '事项', perm: 'case:case:read' },
      },
      {
        path: 'enrollments',
        name: 'enrollments',
        component: () => import('./views/EnrollmentsView.vue'),
        meta: { title: '保障对象', perm: 'assist:enrollment:read' },
      },
      {
        path: 'online-applications',
        name: 'online-applications',
        component: () => import('./views/OnlineApplicationsView.vue'),
        meta: { title: '网上申请', perm: 'assist:online_application:read' },
      },
      {
        path: 'payroll',
        name: 'payroll',
        component: () => import('./views/PayrollView.vue'),
        meta: { title: '资金发放', perm: 'payroll:run:read' },
      },
      // Department data (部门数据) import
      {
        path: 'evidence',
        name: 'evidence',
        component: () => import('./views/EvidenceView.vue'),
        meta: { title: '部门数据', perm: 'evidence:import:read' },
      },
      // 动态监测: alerts and their workflow, the monitoring dashboard
      {
        path: 'alerts',
        name: 'alerts',
        component: () => import('./views/MonitoringAlertsView.vue'),
        meta: { title: '监测预警', perm: 'monitor:alert:read' },
      },
      {
        path: 'monitoring',
        name: 'monitoring',
        component: () => import('./views/MonitoringDashboardView.vue'),
        meta: { title: '监测看板', perm: 'monitor:alert:read' },
      },
      // 家庭经济状况核对: batch re-verification
      {
        path: 'verification',
        name: 'verification',
        component: () => import('./views/VerificationView.vue'),
        meta: { title: '核对', perm: 'assist:verification:read' },
      },
      { path: ':pathMatch(.*)*', name: 'not-found', component: NotFoundView, meta: { title: '页面不存在' } },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
})

router.beforeEach(async (to) => {
  if (!session.loaded) {
    try {
      await loadSession()
    } catch (err) {
      ElMessage.error(err.message)
    }
  }
  // 掌上办: residents stay in /m/..., which has its own login; staff stay out of it.
  if (to.meta.resident) {
    if (to.meta.public) return session.user ? { path: session.user.role === 'resident' ? '/m/my' : '/' } : true
    if (!session.user) return { name: 'm-login' }
    return session.user.role === 'resident' ? true : { path: '/' }
  }
  if (session.user?.role === 'resident') return { path: '/m/my' }
  if (to.name === 'login' && String(to.query.redirect || '').startsWith('/m/')) return { name: 'm-login' }
  if (to.meta.public) {
    if (to.name === 'login' && session.user) return { path: '/' }
    return true
  }
  if (!session.user) {
    const redirect = to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : {}
    return { name: 'login', query: redirect }
  }
  if (to.meta.perm && !hasPerm(to.meta.perm)) {
    ElMessage.warning('您没有访问该页面的权限')
    return { name: 'home' }
  }
  return true
})

router.afterEach((to) => {
  const t = to.meta?.title
  document.title = t ? `${t} - 宿迁市民政综合业务平台` : '宿迁市民政综合业务平台'
})
