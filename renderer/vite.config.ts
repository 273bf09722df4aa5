import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is served by `firedrill serve` (web mode) and loaded from disk by Electron: relative asset
// paths (`base: './'`) work for both. Paths are anchored on this file, so the build works from any cwd.
// (No `node:` imports here: ESLint keeps every file under renderer/ free of Node modules.)
const here = import.meta.dirname;

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${here}/../dist/renderer`,
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
  },
  server: { host: '127.0.0.1' },
});
