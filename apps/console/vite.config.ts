/**
 * The web console's build (DESIGN §10): `npm run build:console` runs
 * `vite build -c apps/console/vite.config.ts`, writing `dist/console`, which the api serves at
 * `/console`. `vite -c apps/console/vite.config.ts` serves it for development, proxying
 * `/api` to an api on port 3000.
 */
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
