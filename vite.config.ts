/**
 * The browser client: `npx vite build` -> dist/client (served by src/server/http.ts). Everything is
 * emitted as same-origin files, so the strict CSP (no inline script or style) holds.
 * For development, `npx vite` proxies the API and signaling to a server on :8080.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The CSP the server sends (src/server/http.ts), also on `vite preview` so violations show up there. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

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
  preview: { host: '127.0.0.1', headers: { 'Content-Security-Policy': CSP } },
});
