import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation (COOP/COEP) makes `crossOriginIsolated` true, which SharedArrayBuffer and threaded wasm
// backends need. With `require-corp`, every cross-origin asset would need CORP/CORS headers, so the app self-hosts
// everything. Static hosts that cannot set headers (GitHub Pages) still serve the app; it just is not isolated.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative asset URLs, so `dist/` works from any sub-path of a static host and from a local copy.
  base: './',
  plugins: [react()],
  // The default 'iife' breaks as soon as a worker code-splits or uses a dynamic import (vitejs/vite#5402, #18585).
  worker: { format: 'es' },
  build: { target: 'es2022' },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
});
