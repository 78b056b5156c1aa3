/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API (`rayport api` / `rayport dev`) listens on 127.0.0.1:8000 by default (DESIGN §1).
const API_TARGET = process.env.RAYPORT_API_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: {
      '/api': { target: API_TARGET, changeOrigin: false },
      '/sub': { target: API_TARGET, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: API_TARGET, changeOrigin: false },
      '/sub': { target: API_TARGET, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    // Telegram Mini Apps run in the phone's system WebView; older iOS (Safari 14/15) and
    // Android WebViews are still common there, so lower the syntax target a little.
    target: ['es2020', 'safari14', 'chrome87', 'firefox78', 'edge88'],
    sourcemap: true,
  },
  test: {
    environment: 'jsdom',
    environmentOptions: { jsdom: { url: 'http://localhost/' } },
    globals: true,
    setupFiles: ['./src/testing/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    unstubGlobals: true,
    css: false,
    // One jsdom per worker instead of per file: 3x faster on 2 cores. Safe because
    // src/testing/setup.ts resets every global the app keeps (storage, tokens, timers, the
    // session store, Telegram, i18n language, msw handlers) after each test. If a test ever
    // leaks state, `npx vitest run --isolate` confirms it.
    isolate: false,
  },
});
