/**
 * The browser client: `npx vite build` -> dist/client (served by src/server/http.ts). Everything is
 * emitted as same-origin files, so the strict CSP (no inline script or style) holds.
 * For development, `npx vite` proxies the API and signaling to a server on :8080.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { CONTENT_SECURITY_POLICY } from './src/server/security-headers.js';

const serverOrigin = process.env.CONFAB_DEV_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('./src/client', import.meta.url)),
  base: '/',
  publicDir: 'public',
  build: {
    outDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill would be an inline script; every browser that can do WebRTC has modulepreload.
    modulePreload: { polyfill: false },
    // No data: URIs for assets; everything stays a file.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': serverOrigin,
      '/ws': { target: serverOrigin.replace(/^http/, 'ws'), ws: true },
    },
  },
  preview: { host: '127.0.0.1', headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
});
