/**
 * The Koopman worker: a switchboard around LiveSpectrum (src/koopman/live.ts). Snapshots arrive from the training
 * worker on a MessagePort and are windowed and recorded here; spectra go to the page at most `maxRefreshHz` times a
 * second. The page asks for past windows (`spectrumAt`), per-run spectra (`seedSpectra`) and the recorded run as
 * `.npz` (`export`, bytes transferred); answers carry the request's id.
 *
 * Generations (protocol.ts): `current` is the run generation the page last connected or the trainer last restarted;
 * `windowGen` the generation of the snapshots in the window. Live replies carry `windowGen` (and spectra the `cfg` of
 * the options they were fitted with); while the window is of an older generation than `current` (a new trainer is
 * still loading its data) no spectrum is computed or sent.
 */
import { LiveSpectrum } from '../koopman/live';
import { toWireError, type KoopmanReply, type KoopmanRequest, type RecordingInfo, type SnapshotMessage } from './protocol';

const live = new LiveSpectrum();
let timer: ReturnType<typeof setTimeout> | undefined;
let current = 0;
let windowGen = 0;
let cfg = 0;
let port: MessagePort | undefined;
const post = (m: KoopmanReply, transfer: Transferable[] = []) => {
  const tagged = m.type === 'spectrum' || m.type === 'received' || m.type === 'recording' || (m.type === 'failed' && m.id === undefined)
    ? { ...m, gen: windowGen } : m;
  (self as unknown as Worker).postMessage(tagged, transfer);
};
const stale = () => windowGen !== current;

function recording(): RecordingInfo {
  const { recorded, stride, bytes, budgetBytes } = live.recording();
  return { recorded, stride, bytes, budgetBytes };
}

/** A thinning (or the recording being off) is said once, as a `recording` reply. */
function passRecordingNote(): void {
  const message = live.takeRecordingNote();
  if (message) post({ type: 'recording', message, recording: recording() });
}

/**
 * After a fit, the next one waits at least this many times its cost. A fit can cost far more than the snapshots it
 * covers take to arrive (an ensemble of 10 runs with a 64-snapshot window: ~0.5 s on a slow machine, while training
 * sends 20 snapshots a second); refreshing after every snapshot taken in then left the spectrum further behind with
 * each one (it showed step 60 while training was at 125, and fell back further). With the wait, the snapshots queued
 * meanwhile are taken in first (cheap), and each fit is of the newest window.
 */
const REFRESH_COST_FACTOR = 2;
let lastCost = 0;
let lastEnd = -Infinity;

function refreshNow(): void {
  timer = undefined;
  if (stale()) return;
  const t0 = performance.now();
  try {
    post({ type: 'spectrum', ...live.refresh(), cfg });
  } catch (e) {
    post({ type: 'failed', error: toWireError(e) });
  }
  lastEnd = performance.now();
  lastCost = lastEnd - t0;
}

/**
 * Refresh now if due (and the last fit's cost-based wait is over), else once when it becomes due (so the last
 * snapshots of a burst are always shown).
 */
function schedule(): void {
  if (stale()) return;
  const cooldown = lastEnd + REFRESH_COST_FACTOR * lastCost - performance.now();
  if (live.due() && cooldown <= 0) { if (timer) clearTimeout(timer); refreshNow(); return; }
  const wait = live.pendingIn();
  if (wait !== undefined && !timer) timer = setTimeout(refreshNow, Math.max(wait, cooldown, 0));
}

function onSnapshot(m: SnapshotMessage): void {
  try {
    switch (m.type) {
      case 'restart': {
        if (timer) { clearTimeout(timer); timer = undefined; }
        windowGen = current = m.gen ?? current;
        lastCost = 0; // a new run's first spectrum does not wait on the old run's fits
        live.restart(m.N, m.runs, m.snapshotEvery, m.params);
        const off = live.recording().off;
        if (off) post({ type: 'recording', message: `Recording: ${off}; scrubbing and export are not available for this run.`, recording: recording() });
        break;
      }
      case 'snapshot':
        if (stale()) break; // cannot happen in order (a restart comes first), but never mix generations
        live.push(m.step, m.runs, m.loss);
        post({ type: 'received', count: live.snapshots, step: m.step, recording: recording() });
        passRecordingNote();
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
      case 'connect': {
        if (port) { port.onmessage = null; port.close(); } // the old trainer's snapshots still queued are dropped
        if (timer) { clearTimeout(timer); timer = undefined; }
        port = m.port;
        if (m.gen !== undefined) current = m.gen;
        const p = m.port;
        p.onmessage = (e: MessageEvent<SnapshotMessage>) => { if (p === port) onSnapshot(e.data); };
        break;
      }
      case 'configure':
        if (m.cfg !== undefined) cfg = m.cfg;
        live.configure(m.window, m.options, m.maxRefreshHz);
        if (m.recordingBudgetBytes !== undefined) live.setRecordingBudget(m.recordingBudgetBytes);
        passRecordingNote();
        schedule();
        break;
      case 'spectrumAt':
        post({ type: 'spectrumAt', id: m.id, ...live.spectrumAt(m.end) });
        break;
      case 'seedSpectra':
        post({ type: 'seedSpectra', id: m.id, ...live.seedSpectra(m.step) });
        break;
      case 'export': {
        const bytes = live.exportNpz({ ...m.meta, writer: 'koopscope app' }, m.name);
        const r = live.recorded;
        post({ type: 'exported', id: m.id, bytes, snapshots: r.T, runs: r.runCount, stride: r.stride }, [bytes.buffer]);
        break;
      }
      case 'dispose':
        if (timer) clearTimeout(timer);
        self.close();
        break;
      default:
        throw new Error(`Unsupported message type '${(m as { type: string }).type}'`);
    }
  } catch (e) {
    const id = (m as { id?: unknown }).id;
    post({ type: 'failed', error: toWireError(e), ...(typeof id === 'number' ? { id } : {}) });
  }
};
