/**
 * The Koopman worker: a switchboard around LiveSpectrum (src/koopman/live.ts). Snapshots arrive from the training
 * worker on a MessagePort; spectra go to the page at most `maxRefreshHz` times a second.
 */
import { LiveSpectrum } from '../koopman/live';
import { toWireError, type KoopmanReply, type KoopmanRequest, type SnapshotMessage } from './protocol';

const live = new LiveSpectrum();
let timer: ReturnType<typeof setTimeout> | undefined;
const post = (m: KoopmanReply) => (self as unknown as Worker).postMessage(m);

function refreshNow(): void {
  timer = undefined;
  try {
    post({ type: 'spectrum', ...live.refresh() });
  } catch (e) {
    post({ type: 'failed', error: toWireError(e) });
  }
}

/** Refresh now if due, else once when it becomes due (so the last snapshots of a burst are always shown). */
function schedule(): void {
  if (live.due()) { if (timer) clearTimeout(timer); refreshNow(); return; }
  const wait = live.pendingIn();
  if (wait !== undefined && !timer) timer = setTimeout(refreshNow, wait);
}

function onSnapshot(m: SnapshotMessage): void {
  try {
    switch (m.type) {
      case 'restart':
        live.restart(m.N, m.runs, m.snapshotEvery);
        break;
      case 'snapshot':
        live.push(m.step, m.runs);
        post({ type: 'received', count: live.snapshots, step: m.step });
        schedule();
        break;
      default:
        throw new Error(`Unsupported message type '${(m as { type: string }).type}'`);
    }
  } catch (e) {
    post({ type: 'failed', error: toWireError(e) });
  }
}

self.onmessage = (ev: MessageEvent<KoopmanRequest>) => {
  const m = ev.data;
  try {
    switch (m.type) {
      case 'connect':
        m.port.onmessage = (e: MessageEvent<SnapshotMessage>) => onSnapshot(e.data);
        break;
      case 'configure':
        live.configure(m.window, m.options, m.maxRefreshHz);
        schedule();
        break;
      case 'dispose':
        if (timer) clearTimeout(timer);
        self.close();
        break;
      default:
        throw new Error(`Unsupported message type '${(m as { type: string }).type}'`);
    }
  } catch (e) {
    post({ type: 'failed', error: toWireError(e) });
  }
};
