import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The admin console: a static bundle the sync server serves at /admin (no inline scripts: helmet's CSP holds). */
export default defineConfig({
  root: here('.'),
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
});
