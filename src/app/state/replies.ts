/**
 * Worker replies → store updates (pure functions of the store, so Node tests can feed them fake replies). Live data
 * (spectra, losses, W1) always gets new arrays, so plots can tell what changed by identity.
 *
 * Generations (workers/protocol.ts): a reply tagged with a run generation other than `status.recording`, or a
 * spectrum fitted with a configuration other than `status.configured`, describes an earlier run or earlier options
 * and is dropped (a trainer's `state` of an earlier generation still says whether the worker plays). Untagged
 * replies count as the current generation's.
 */
import type { KoopmanReply, TrainerReply, BackendReport, Gen } from '../../workers/protocol';
import type { AppState, AppStore, LivePoint, Notice } from './store';

/** Loss points kept for the curve; older points are thinned 2:1 beyond it (a few thousand points are plenty for a curve). */
export const MAX_LOSS_POINTS = 4000;
/** Window spectra kept for the fading trail. */
export const TRAIL = 8;
const MAX_W1 = 4000;

let noticeId = 0;

/**
 * Adds a notice. One with a `key` replaces the shown notice of that key in place (same text: nothing changes); one
 * without is not added when a notice with the same text is shown (a failing worker may repeat itself).
 */
export function pushNotice(store: AppStore, n: Omit<Notice, 'id'>): void {
  const { notices } = store.getState();
  if (n.key !== undefined) {
    const at = notices.findIndex((x) => x.key === n.key);
    if (at >= 0) {
      if (notices[at].text === n.text && notices[at].kind === n.kind) return;
      store.setState({ notices: notices.map((x, i) => (i === at ? { ...n, id: ++noticeId } : x)) });
      return;
    }
  }
  if (notices.some((x) => x.text === n.text)) return;
  store.setState({ notices: [...notices, { ...n, id: ++noticeId }] });
}

/** Removes the notices with `key`. */
export function dropNotice(store: AppStore, key: string): void {
  const { notices } = store.getState();
  if (notices.some((x) => x.key === key)) store.setState({ notices: notices.filter((x) => x.key !== key) });
}

/** The notices that still apply once the current run is replaced or reset (those not marked `run`). */
export function withoutRunNotices(notices: Notice[]): Notice[] {
  return notices.some((n) => n.run) ? notices.filter((n) => !n.run) : notices;
}

/** Whether a tagged reply belongs to the current run generation (untagged: yes). */
function currentGen(s: AppState, r: Partial<Gen>): boolean {
  return r.gen === undefined || r.gen === s.status.recording;
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

export function applyTrainerReply(store: AppStore, r: TrainerReply & Partial<Gen>, now = performance.now()): void {
  const s = store.getState();
  const current = currentGen(s, r);
  switch (r.type) {
    case 'progress':
      if (current && s.status.phase === 'starting') store.setState({ status: { ...s.status, progress: { message: r.message, fraction: r.fraction } } });
      return;
    case 'ready': {
      store.setState({
        status: { ...s.status, phase: 'ready', backend: r.backend, modelSize: r.modelSize, observed: r.observed, runs: r.runs, diverged: undefined, progress: undefined },
      });
      // one notice about the backend, replaced when another model gets another backend, gone when WebGPU is there
      const n = backendNotice(r.backend);
      if (n) pushNotice(store, { ...n, key: 'backend' });
      else dropNotice(store, 'backend');
      return;
    }
    case 'metrics': {
      if (!current) return;
      const point: LivePoint = { ...r.metrics, t: now };
      store.setState({
        status: { ...s.status, step: r.metrics.step },
        live: { ...s.live, losses: thin([...s.live.losses, point], MAX_LOSS_POINTS) },
      });
      return;
    }
    case 'state':
      store.setState({ status: { ...s.status, playing: r.playing, ...(current ? { step: r.step } : {}) } });
      return;
    case 'fieldData':
      if (current) store.setState({ live: { ...s.live, fieldData: r.data } });
      return;
    case 'field':
      if (current) store.setState({ live: { ...s.live, field: r.field } });
      return;
    case 'diverged':
      if (!current) return;
      store.setState({ status: { ...s.status, playing: false, diverged: r.message } });
      pushNotice(store, { kind: 'warning', text: `The run diverged: ${r.message}`, key: 'diverged', run: true });
      return;
    case 'backend':
      store.setState({ status: { ...s.status, backend: r.backend } });
      pushNotice(store, { kind: 'warning', text: `Training backend changed to ${r.backend.name}: ${r.message}`, key: 'backend-changed', run: true });
      return;
    case 'failed':
      store.setState({ status: { ...s.status, playing: false, progress: undefined, phase: s.status.phase === 'starting' ? 'failed' : s.status.phase } });
      pushNotice(store, { kind: 'error', text: `Training: ${r.error.message}`, run: true });
      return;
    default:
      pushNotice(store, { kind: 'error', text: `Training worker sent an unknown reply '${(r as { type: string }).type}'` });
  }
}

export function applyKoopmanReply(store: AppStore, r: KoopmanReply & Partial<Gen>): void {
  const s = store.getState();
  if (!currentGen(s, r)) return; // an earlier run's window: never shown for this one
  switch (r.type) {
    case 'spectrum': {
      if (r.cfg !== undefined && r.cfg !== s.status.configured) return; // fitted with earlier options
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
        live: { ...s.live, spectrum: r.report, trail, spectrumStep: r.step, spectrumGen: r.gen ?? s.status.recording, snapshots: r.snapshots, w1, memoryBytes: r.memoryBytes },
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
      pushNotice(store, { kind: 'info', text: r.message, key: 'recording', run: true });
      return;
    case 'spectrumAt':
    case 'seedSpectra':
    case 'exported':
      // answers to engine.ask, settled there; one that arrives here was asked by a page that no longer waits
      return;
    case 'failed':
      pushNotice(store, { kind: 'error', text: `Spectrum: ${r.error.message}`, run: true });
      return;
    default:
      pushNotice(store, { kind: 'error', text: `Koopman worker sent an unknown reply '${(r as { type: string }).type}'` });
  }
}
