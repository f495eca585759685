// Builds the portal into web/dist, which every node serves at `/`. The portal reaches its node
// only through the SDK (src/sdk), imported from source and bundled for the browser.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048 },
  // Vite warns that node:crypto is externalized for the browser: expected, since the Node-only
  // crypto backend is loaded only under Node (see src/crypto/index.ts).
  logLevel: 'error',
});
