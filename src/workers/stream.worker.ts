/**
 * The stream worker: takes the trainer worker's place for a run streamed by `koopscope watch`. One `watch` request
 * per worker (the engine starts a fresh one per run, as for training); the logic is in stream.ts.
 */
import { runStream, type StreamRequest } from './stream';

let stopped = false;
let port: MessagePort | undefined;

const post = (m: unknown) => (self as unknown as Worker).postMessage(m);

self.onmessage = (ev: MessageEvent<StreamRequest>) => {
  const m = ev.data;
  if (m.type === 'dispose') {
    stopped = true;
    port?.close();
    self.close();
    return;
  }
  if (m.type !== 'watch' || port) return;
  port = m.koopmanPort;
  const p = m.koopmanPort;
  void runStream(m.target, m.origin, {
    fetch: (url) => fetch(url, { credentials: 'same-origin', cache: 'no-store' }),
    sleep: (ms) => new Promise((ok) => setTimeout(ok, ms)),
    snapshot: (s, transfer) => p.postMessage(s, transfer),
    reply: post,
    stopped: () => stopped,
  }, { gen: m.gen, waitMs: m.waitMs });
};
