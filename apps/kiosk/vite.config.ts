import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  // TF.js (three backends) is most of the bundle; it is served from the mirror's own machine,
  // so one 1.3 MB chunk loaded once per boot is fine.
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
});
