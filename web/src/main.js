import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'

import App from './App.vue'
import { router } from './router.js'
import { onUnauthorized } from './api.js'
import { clearSession } from './session.js'
import './styles.css'

// Any API call answered 401 unauthenticated: the session expired or was ended elsewhere.
let redirecting = false
onUnauthorized(() => {
  clearSession()
  if (redirecting || router.currentRoute.value.name === 'login') return
  redirecting = true
  const here = router.currentRoute.value.fullPath
  router.replace({ name: 'login', query: here && here !== '/' ? { redirect: here } : {} }).finally(() => {
    redirecting = false
  })
})

const app = createApp(App)
app.use(ElementPlus, { locale: zhCn })
app.use(router)
app.mount('#app')
