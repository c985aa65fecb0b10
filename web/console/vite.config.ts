import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The console is bundled into dist/console and served by the app itself at /console (src/modules/console): same
// origin, no CDN, and the strict CSP holds because Vite emits only external scripts and stylesheets.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // No inline module-preload polyfill or data: URLs for assets: everything is a file the CSP allows.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022'
  }
})
