import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The built UI (web/dist) is served by the minzheng server at / under a strict CSP
// (script-src 'self'; no inline scripts, nothing external), so everything is bundled.
export default defineConfig({
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Keep asset files separate (no data: URIs for scripts); small images may be inlined (img-src data: is allowed).
    assetsInlineLimit: 4096,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element-plus'
          // ECharts only on the monitoring dashboard: its own chunk, loaded with that page.
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/')) return 'vendor'
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
})
