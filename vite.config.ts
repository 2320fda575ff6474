import { defineConfig } from 'vite';

// The dashboard client: src/web → dist/web, served by the HTTP server (src/app/dashboard-assets.ts).
export default defineConfig({
  root: 'src/web',
  publicDir: 'public',
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill would be an inline script, which the content security policy forbids.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 900,
    reportCompressedSize: false,
  },
});
