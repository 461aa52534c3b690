/**
 * Worker replies → store updates (pure functions of the store, so Node tests can feed them fake replies). Live data
 * (spectra, losses, W1) always gets new arrays, so plots can tell what changed by identity.
 */
import type { KoopmanReply, TrainerReply, BackendReport } from '../../workers/protocol';
import type { AppStore, LivePoint, Notice } from './store';

/** Loss points kept for the curve; older points are thinned 2:1 beyond it (browser-stack §2.2: ≤ 2–5k points). */
export const MAX_LOSS_POINTS = 4000;
/** Window spectra kept for the fading trail. */
export const TRAIL = 8;
const MAX_W1 = 4000;

let noticeId = 0;

/** Adds a notice unless one with the same text is already shown (a failing worker may repeat itself). */
export function pushNotice(store: AppStore, n: Omit<Notice, 'id'>): void {
  const { notices } = store.getState();
  if (notices.some((x) => x.text === n.text)) return;
  store.setState({ notices: [...notices, { ...n, id: ++noticeId }] });
}

const HOW_TO_WEBGPU = 'To enable WebGPU: use Chrome or Edge 113+ (on Linux, Chrome 121+ with a supported GPU, or start it with '
  + '--enable-unsafe-webgpu), Safari 26+, or Firefox 141+ on Windows; the page must be served over https or from localhost. '
  + 'Check chrome://gpu for "WebGPU: Hardware accelerated".';

/** The notice for a backend that is not hardware WebGPU (undefined when it is). */
export function backendNotice(b: BackendReport): Omit<Notice, 'id'> | undefined {
  const software = /software/i.test(b.reason);
  if (b.name !== 'webgpu' && software) {
    // the trainer passed over a software WebGPU adapter on purpose (b.reason says why)
    return { kind: 'info', text: `WebGPU is only available as a software adapter here: using ${b.name} (${b.reason}).`, help: HOW_TO_WEBGPU };
  }
  if (b.name !== 'webgpu') {
    const why = b.skipped.find((s) => s.name === 'webgpu')?.why;
    return {
      kind: 'warning',
      text: `WebGPU is not available in this browser${why ? ` (${why})` : ''}: using ${b.name}, which is slower.`,
      help: HOW_TO_WEBGPU,
    };
  }
  if (software) {
    return { kind: 'info', text: `WebGPU runs on a software adapter here (${b.reason}): training will be slow.`, help: HOW_TO_WEBGPU };
  }
  return undefined;
}

function thin<T>(xs: T[], max: number): T[] {
  return xs.length <= max ? xs : xs.filter((_, i) => i % 2 === 1 || i === xs.length - 1);
}

export function applyTrainerReply(store: AppStore, r: TrainerReply, now = performance.now()): void {
  const s = store.getState();
  switch (r.type) {
    case 'ready': {
      store.setState({
        status: { ...s.status, phase: 'ready', backend: r.backend, modelSize: r.modelSize, observed: r.observed, runs: r.runs, diverged: undefined },
      });
      const n = backendNotice(r.backend);
      if (n) pushNotice(store, n);
      return;
    }
    case 'metrics': {
      const point: LivePoint = { ...r.metrics, t: now };
      store.setState({
        status: { ...s.status, step: r.metrics.step },
        live: { ...s.live, losses: thin([...s.live.losses, point], MAX_LOSS_POINTS) },
      });
      return;
    }
    case 'state':
      store.setState({ status: { ...s.status, playing: r.playing, step: r.step } });
      return;
    case 'diverged':
      store.setState({ status: { ...s.status, playing: false, diverged: r.message } });
      pushNotice(store, { kind: 'warning', text: `The run diverged: ${r.message}` });
      return;
    case 'backend':
      store.setState({ status: { ...s.status, backend: r.backend } });
      pushNotice(store, { kind: 'warning', text: `Training backend changed to ${r.backend.name}: ${r.message}` });
      return;
    case 'failed':
      store.setState({ status: { ...s.status, playing: false, phase: s.status.phase === 'starting' ? 'failed' : s.status.phase } });
      pushNotice(store, { kind: 'error', text: `Training: ${r.error.message}` });
      return;
    default:
      pushNotice(store, { kind: 'error', text: `Training worker sent an unknown reply '${(r as { type: string }).type}'` });
  }
}

export function applyKoopmanReply(store: AppStore, r: KoopmanReply): void {
  const s = store.getState();
  switch (r.type) {
    case 'spectrum': {
      const w1 = r.w1FromPrevious === null ? s.live.w1 : thin([...s.live.w1, { step: r.step, w1: r.w1FromPrevious }], MAX_W1);
      if (s.scrub.end !== undefined) {
        // scrubbing: the shown spectrum stays; the newest live one waits for "Back to live"
        store.setState({
          live: { ...s.live, snapshots: r.snapshots, w1, memoryBytes: r.memoryBytes },
          scrub: { ...s.scrub, latest: { report: r.report, step: r.step } },
        });
        return;
      }
      const trail = [...s.live.trail, r.report].slice(-TRAIL);
      store.setState({
        live: { ...s.live, spectrum: r.report, trail, spectrumStep: r.step, snapshots: r.snapshots, w1, memoryBytes: r.memoryBytes },
      });
      return;
    }
    case 'received':
      store.setState({
        live: { ...s.live, snapshots: r.count },
        scrub: { ...s.scrub, recorded: r.recording.recorded, stride: r.recording.stride, bytes: r.recording.bytes },
      });
      return;
    case 'recording':
      store.setState({ scrub: { ...s.scrub, recorded: r.recording.recorded, stride: r.recording.stride, bytes: r.recording.bytes } });
      pushNotice(store, { kind: 'info', text: r.message });
      return;
    case 'spectrumAt':
    case 'seedSpectra':
    case 'exported':
      // answers to engine.ask, settled there; one that arrives here was asked by a page that no longer waits
      return;
    case 'failed':
      pushNotice(store, { kind: 'error', text: `Spectrum: ${r.error.message}` });
      return;
    default:
      pushNotice(store, { kind: 'error', text: `Koopman worker sent an unknown reply '${(r as { type: string }).type}'` });
  }
}
