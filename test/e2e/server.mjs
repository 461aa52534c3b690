/**
 * A tiny static server for the built app (dist/), with the cross-origin isolation headers that `vite preview` sends
 * (vite.config.ts), so the e2e tests and the browser benchmark see what a deployment sees. No dependencies.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.map': 'application/json', '.bin': 'application/octet-stream',
  '.gz': 'application/gzip', '.npy': 'application/octet-stream', '.npz': 'application/octet-stream', '.txt': 'text/plain',
};

const ISOLATED = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cache-Control': 'no-store',
};

/**
 * Serves `dir` on 127.0.0.1 (port 0: any free port). Resolves to { url, port, close(), requests } where `requests`
 * lists every path served, in order (the benchmark uses it to tell initial from lazy chunks). `isolated: false` leaves
 * out the COOP/COEP headers, as a static host that cannot set headers would (the page then has no shared memory).
 */
export function serveStatic(dir, port = 0, { isolated = true } = {}) {
  const HEADERS = isolated ? ISOLATED : { 'Cache-Control': 'no-store' };
  const root = path.resolve(dir);
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let rel = decodeURIComponent(url.pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, '.' + rel);
    if (!file.startsWith(root + path.sep)) { res.writeHead(403, HEADERS).end('forbidden'); return; }
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) { res.writeHead(404, { ...HEADERS, 'Content-Type': 'text/plain' }).end('not found'); return; }
      requests.push({ path: rel, bytes: st.size, t: performance.now() });
      res.writeHead(200, { ...HEADERS, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': st.size });
      if (req.method === 'HEAD') { res.end(); return; }
      fs.createReadStream(file).pipe(res);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const p = server.address().port;
      resolve({
        url: `http://127.0.0.1:${p}/`, port: p, requests,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}
