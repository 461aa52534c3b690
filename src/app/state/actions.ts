/**
 * The app's actions: functions over a store (store.ts), made by `createActions(store, deps)`; components call the
 * module-level ones (the page's instance over the one store) and never talk to workers. The workers sit behind an
 * `Engine` (client/engine.ts) attached at start-up, so Node tests drive the actions with a fake engine (or none:
 * then only the state changes).
 */
import type { Engine } from '../client/engine';
import { readFileInWorker } from '../client/readFileInWorker';
import { download, exportName, reportToCsv, reportToJson, trajectoryName } from './exporting';
import { pushNotice, withoutRunNotices } from './replies';
import { trainConfigFor } from './runConfig';
import { CUSTOM, CUSTOM_BASE, customFromTrain, customProblems, observeProblems, type CustomConfig } from './custom';
import { runOmdOgdInWorker } from '../client/demo';
import { ordinal } from '../../koopman/recorder';
import { emptyLive, emptyScrub, shownWatch, store, type AppStore, type DmdConfig, type Notice, type RunConfig, type RunEntry, type ViewConfig } from './store';

/** What the actions use besides the store: the worker engine and the one-shot job clients (tests give fakes). */
export interface ActionDeps {
  engine?: Engine<DmdConfig>;
  readFile?: typeof readFileInWorker;
  runOmdOgd?: typeof runOmdOgdInWorker;
}

let nextRun = 0;
/** Run ids, unique across all instances. */
const runId = () => `run-${++nextRun}`;

/**
 * The actions over `target` (its own closure state: the engine, the scrub in flight, the last spectrum kept), so
 * tests can create isolated instances. The page uses one instance over the one store, through the module-level
 * functions below.
 */
export function createActions(target: AppStore, deps: ActionDeps = {}) {
  const get = () => target.getState();
  const setStatus = (patch: Partial<ReturnType<typeof get>['status']>) => target.setState({ status: { ...get().status, ...patch } });

  let engine = deps.engine;
  const readFile = deps.readFile ?? readFileInWorker;
  const runOmdOgd = deps.runOmdOgd ?? runOmdOgdInWorker;
  let scrubInFlight = false;
  let scrubNext: number | undefined;
  let keptSpectrum: unknown;

  /** Attach (or detach) the worker engine; a scrub in flight is forgotten. */
  function attach(e: Engine<DmdConfig> | undefined): void {
    engine = e;
    scrubInFlight = false;
    scrubNext = undefined;
  }

  // ------------------------------------------------------------------------------------------ notices and help

  function addNotice(n: Omit<Notice, 'id'>): void { pushNotice(target, n); }
  function dismissNotice(id: number): void { target.setState({ notices: get().notices.filter((n) => n.id !== id) }); }
  function toggleHelp(force?: boolean): void { target.setState({ help: force ?? !get().help }); }

  // ------------------------------------------------------------------------------------------ the run

  /** (Re)start the run of config.run in a fresh trainer worker; the current spectrum is kept in the run list first. */
  function startRun(): void {
    keepCurrentRun();
    const { config, status } = get();
    let train;
    try {
      train = trainConfigFor(config.run);
    } catch (e) {
      addNotice({ kind: 'error', text: `Cannot start the run: ${(e as Error).message}` });
      return;
    }
    scrubNext = undefined;
    // a new generation of run and configuration: replies of the old ones are dropped from here on (replies.ts)
    const gen = status.recording + 1;
    const cfg = status.configured + 1;
    target.setState({
      live: emptyLive(), scrub: emptyScrub(), notices: withoutRunNotices(get().notices),
      status: { ...status, phase: 'starting', playing: false, step: 0, diverged: undefined, backend: status.backend, recording: gen, configured: cfg,
        progress: { message: 'starting the training worker' } },
    });
    try {
      engine?.start(train, config.dmd, status.speed, { gen, cfg });
    } catch (e) {
      setStatus({ phase: 'failed' });
      addNotice({ kind: 'error', text: `The training worker could not start: ${(e as Error).message}` });
    }
  }

  /** A preset with its own settings (overrides dropped); DMD options may come with it (gallery demos). */
  function choosePreset(preset: string, options: { quick?: boolean; dmd?: Partial<DmdConfig> } = {}): void {
    if (preset === CUSTOM) { chooseCustom(); return; }
    const { config } = get();
    const run: RunConfig = { preset, quick: options.quick ?? config.run.quick };
    const dmd = options.dmd ? { ...config.dmd, ...options.dmd } : config.dmd;
    target.setState({ config: { ...config, run, dmd } });
    startRun();
  }

  /** A gallery "Run" button: choose the preset (as choosePreset) and play it as soon as it is set up. */
  function runPreset(preset: string, options: { quick?: boolean; dmd?: Partial<DmdConfig> } = {}): void {
    choosePreset(preset, options);
    if (get().status.phase === 'starting') play();
  }

  /** Go to step `i` of the guided tour (ui/tour.ts): show it and run its preset with its DMD options. */
  function tourStep(i: number, step: { preset: string; dmd?: Partial<DmdConfig> }): void {
    target.setState({ tour: i });
    runPreset(step.preset, { dmd: step.dmd });
  }

  function endTour(): void {
    target.setState({ tour: undefined });
  }

  /**
   * Switch to a custom run pre-filled with what is configured now (the preset, its variant and overrides), so it can be
   * tweaked. The TrainConfig is the same, so the run goes on; a custom run stays as it is.
   */
  function chooseCustom(): void {
    const { config } = get();
    if (config.run.preset === CUSTOM) return;
    let from;
    try {
      from = customFromTrain(trainConfigFor(config.run));
    } catch (e) {
      addNotice({ kind: 'error', text: `Cannot build a custom run from ${config.run.preset}: ${(e as Error).message}` });
      return;
    }
    const run: RunConfig = {
      preset: CUSTOM, quick: false, custom: from.custom, runs: from.runs, observe: from.observe,
      // the custom run's own defaults need no override (shorter links)
      initSeed: from.initSeed !== CUSTOM_BASE.initSeed ? from.initSeed : undefined,
      dataSeed: from.dataSeed !== CUSTOM_BASE.dataSeed ? from.dataSeed : undefined,
      snapshotEvery: from.snapshotEvery !== CUSTOM_BASE.snapshotEvery ? from.snapshotEvery : undefined,
    };
    target.setState({ config: { ...config, run } });
  }

  /**
   * Run a built configuration (with its snapshot interval and observed parameters; its learning rate replaces a live
   * one). An invalid one is refused with a notice and changes nothing; returns whether it started.
   */
  function applyCustom(custom: CustomConfig, options: { snapshotEvery?: number; observe?: string } = {}): boolean {
    const observe = options.observe?.trim() === '' || options.observe?.trim() === 'all' ? undefined : options.observe?.trim();
    const problems = [...customProblems(custom), ...observeProblems(observe, custom.model)];
    const every = options.snapshotEvery;
    if (every !== undefined && !(Number.isInteger(every) && every >= 1 && every <= 10_000)) problems.push({ field: 'snapshotEvery', message: 'snapshot interval: a whole number from 1 to 10000' });
    if (problems.length) {
      addNotice({ kind: 'warning', text: `The custom run was not started: ${problems.map((p) => p.message).join('; ')}.` });
      return false;
    }
    const { config } = get();
    const run: RunConfig = { ...config.run, preset: CUSTOM, quick: false, custom: structuredClone(custom), lr: undefined,
      snapshotEvery: every === CUSTOM_BASE.snapshotEvery ? undefined : every, observe };
    target.setState({ config: { ...config, run } });
    startRun();
    return true;
  }

  /** Overrides that change the schedule or the initialisation (quick, seeds, runs, snapshot interval): restart. */
  function setRunOptions(patch: Partial<RunConfig>): void {
    const { config } = get();
    target.setState({ config: { ...config, run: { ...config.run, ...patch } } });
    startRun();
  }

  /** The live view shows a run streamed by koopscope watch (state/watch.ts): its trainer, not the page, sets the pace. */
  /** Play, Step and Reset have no trainer to drive while a stream is shown (its script sets the pace): say so once. */
  function refuseWhileWatching(what: string): boolean {
    const run = shownWatch(get())?.run;
    if (run === undefined) return false;
    addNotice({ kind: 'info', key: 'watch-transport',
      text: `${what} drives training in the page; ${run} is trained by its own script and streamed here. Pick a preset (or "Train in the page") to train here.` });
    return true;
  }

  function play(): void {
    if (refuseWhileWatching('Play')) return;
    const { status } = get();
    if (status.diverged) { addNotice({ kind: 'warning', text: 'The run diverged: reset it (R), or lower the learning rate first.' }); return; }
    if (status.phase !== 'ready' && status.phase !== 'starting') return;
    engine?.send({ type: 'play' });
  }

  function pause(): void { engine?.send({ type: 'pause' }); }
  function togglePlay(): void { if (get().status.playing) pause(); else play(); }

  function step(n = 1): void {
    if (refuseWhileWatching('Step')) return;
    if (get().status.diverged) { addNotice({ kind: 'warning', text: 'The run diverged: reset it (R) to continue.' }); return; }
    engine?.send({ type: 'step', n });
  }

  /** Back to the same initialisation at step 0; the spectrum reached so far goes to the run list. */
  function reset(): void {
    if (refuseWhileWatching('Reset')) return;
    keepCurrentRun();
    scrubNext = undefined;
    const { status } = get();
    const gen = status.recording + 1;
    // the same data after a reset (the trainer sends its points once per run): only the model's output starts over
    target.setState({ live: { ...emptyLive(), fieldData: get().live.fieldData }, scrub: emptyScrub(), notices: withoutRunNotices(get().notices),
      status: { ...status, step: 0, diverged: undefined, recording: gen } });
    engine?.send({ type: 'reset', gen });
  }

  /** Applied live (no reset); the value goes to the URL so a reload starts with it. */
  function setLearningRate(lr: number): boolean {
    if (!(Number.isFinite(lr) && lr > 0 && lr < 100)) {
      addNotice({ kind: 'warning', text: `The learning rate must be a positive number below 100, got ${lr}.` });
      return false;
    }
    const { config } = get();
    target.setState({ config: { ...config, run: { ...config.run, lr } } });
    engine?.send({ type: 'setLearningRate', lr });
    return true;
  }

  function setSpeed(stepsPerTick: number): void {
    if (!(Number.isInteger(stepsPerTick) && stepsPerTick >= 1 && stepsPerTick <= 10_000)) return;
    setStatus({ speed: stepsPerTick });
    engine?.send({ type: 'setSpeed', stepsPerTick });
  }

  /** New DMD options for the live view (the Koopman worker refits its window) and for files opened later. */
  function setDmd(patch: Partial<DmdConfig>): void {
    const { config, live, status } = get();
    const dmd = { ...config.dmd, ...patch };
    const cfg = status.configured + 1; // spectra fitted with the old options are dropped from here on
    target.setState({ config: { ...config, dmd }, live: { ...live, trail: [], w1: [] }, status: { ...status, configured: cfg } });
    engine?.configure(dmd, cfg);
    const { end } = get().scrub;
    if (end !== undefined) requestScrub(end); // refit the scrubbed window with the new options
  }

  function setView(patch: Partial<ViewConfig>): void {
    const { config } = get();
    target.setState({ config: { ...config, view: { ...config.view, ...patch } } });
  }

  // ------------------------------------------------------------------------------------------ run list

  function addRun(entry: Omit<RunEntry, 'id'>, select = false): string {
    const id = runId();
    target.setState({ runList: [...get().runList, { ...entry, id }], ...(select ? { selected: id } : {}) });
    return id;
  }

  function removeRun(id: string): void {
    const { runList, compare, selected } = get();
    target.setState({
      runList: runList.filter((r) => r.id !== id),
      compare: {
        a: compare.a === id ? undefined : compare.a, b: compare.b === id ? undefined : compare.b,
        ref: compare.ref === id ? undefined : compare.ref,
      },
      selected: selected === id ? undefined : selected,
    });
  }

  const patchRun = (id: string, patch: Partial<RunEntry>) =>
    target.setState({ runList: get().runList.map((r) => (r.id === id ? { ...r, ...patch } : r)) });

  /** The live run's name: preset, variant, init seed (the preset's when not overridden), lr override, step. */
  function currentRunName(): string {
    const { config, live } = get();
    const watched = shownWatch(get());
    if (watched) return `${watched.run} (watched) @ step ${live.spectrumStep}`;
    const r = config.run;
    let seed = r.initSeed;
    if (seed === undefined) { try { seed = trainConfigFor(r).initSeed; } catch { /* an invalid run: no seed to name */ } }
    return `${r.preset}${r.quick ? ' (quick)' : ''}${seed !== undefined ? ` seed ${seed}` : ''}${r.lr !== undefined ? ` lr ${r.lr}` : ''} @ step ${live.spectrumStep}`;
  }

  /** Adds the live spectrum to the run list; returns false (with a notice if asked) when there is none yet. */
  function addCurrentRunToList(quiet = false): boolean {
    const { live } = get();
    if (!live.spectrum) {
      if (!quiet) addNotice({ kind: 'info', text: 'No spectrum yet: play or step until the window has enough snapshots.' });
      return false;
    }
    if (keptSpectrum === live.spectrum) return true;
    keptSpectrum = live.spectrum;
    const { status } = get();
    const name = currentRunName();
    const id = addRun({ name, origin: 'trained', spectra: [{ ...live.spectrum, source: name }], step: live.spectrumStep, recording: status.recording });
    if ((status.runs ?? 1) > 1) askSeedSpectra(id, live.spectrumStep);
    return true;
  }

  /**
   * A trained ensemble's entry gets one spectrum per run (each fitted alone on the same window), so Compare can judge
   * it against the seed-to-seed spread; the joint fit is kept as `ensemble`. Asked before a reset or restart reaches
   * the Koopman worker (the request goes first), and by step, so a window that has moved on is found in the recording.
   */
  function askSeedSpectra(id: string, step: number): void {
    if (!engine) return;
    patchRun(id, { seedsPending: true });
    engine.ask({ type: 'seedSpectra', step }).then((r) => {
      const run = get().runList.find((x) => x.id === id);
      if (!run) return;
      patchRun(id, {
        ensemble: run.ensemble ?? run.spectra[0], seedsPending: false,
        spectra: r.reports.map((rep, i) => ({ ...rep, source: `${run.name} [run ${i}]` })),
      });
    }, (e: Error) => {
      const run = get().runList.find((x) => x.id === id);
      if (!run) return;
      patchRun(id, { seedsPending: false });
      addNotice({ kind: 'info', text: `${run.name}: no per-run spectra (${e.message}); it keeps its ensemble fit, so Compare gives no seed verdict for it.` });
    });
  }

  /** Before a reset or restart: keep what the run reached (silently). */
  function keepCurrentRun(): void { addCurrentRunToList(true); }

  function selectRun(id: string | undefined): void { target.setState({ selected: id }); }

  /** Run A, run B, or the reference run (for single spectra: W1(A, B) is judged against W1(A, reference)). */
  function selectCompare(which: 'a' | 'b' | 'ref', id: string | undefined): void {
    target.setState({ compare: { ...get().compare, [which]: id } });
  }

  // ------------------------------------------------------------------------------------------ files

  /** Read and analyse a file in a worker with the current DMD options; the result joins the run list, selected. */
  async function openFile(file: File): Promise<void> {
    const { dmd } = get().config;
    setStatus({ reading: { name: file.name, fraction: 0, phase: 'read' }, fileError: undefined });
    try {
      const result = await readFile(file, (fraction, phase) => setStatus({ reading: { name: file.name, fraction, phase } }),
        file.name, { rank: dmd.rank, delays: dmd.delays, center: dmd.center, ...(dmd.pca > 0 ? { pca: dmd.pca } : {}) });
      if (result.kind === 'trajectory') throw new Error(`${file.name}: unexpected reply from the file reader`);
      if (result.kind === 'analysed') {
        addRun({ name: file.name, origin: 'file', spectra: [result.report], ...(result.threads ? { fitThreads: result.threads } : {}) }, true);
      } else {
        const spectra = result.sets.map((s, i) => eigenvaluesReport(`${file.name} [${i}]`, s.re, s.im));
        addRun({ name: `${file.name} (${spectra.length} seed${spectra.length > 1 ? 's' : ''})`, origin: 'file', spectra }, true);
      }
      setStatus({ reading: undefined });
    } catch (e) {
      setStatus({ reading: undefined, fileError: (e as Error).message });
    }
  }

  // ------------------------------------------------------------------------------------------ export

  /** The spectrum to export: the live one, or a run-list entry (a trained ensemble's joint fit, else its first seed). */
  function reportFor(source: 'live' | string) {
    if (source === 'live') return get().live.spectrum && { name: currentRunName(), report: get().live.spectrum! };
    const run = get().runList.find((r) => r.id === source);
    const report = run && (run.ensemble ?? run.spectra[0]);
    return run && report && { name: run.name, report };
  }

  function exportSpectrumJson(source: 'live' | string): void {
    const r = reportFor(source);
    if (!r) { addNotice({ kind: 'info', text: 'Nothing to export yet.' }); return; }
    download(exportName(r.name, 'json'), reportToJson(r.report), 'application/json');
  }

  function exportSpectrumCsv(source: 'live' | string): void {
    const r = reportFor(source);
    if (!r) { addNotice({ kind: 'info', text: 'Nothing to export yet.' }); return; }
    download(exportName(r.name, 'csv'), reportToCsv(r.report), 'text/csv');
  }

  /**
   * The current run's recorded weight trajectory as .npz, built in the Koopman worker (per-parameter float32 arrays,
   * int32 steps, loss, meta.json with the run config) and saved as a download. `save` is replaceable for tests.
   */
  async function exportTrajectory(save: (name: string, bytes: Uint8Array) => void = (n, b) => download(n, b, 'application/zip')): Promise<void> {
    const { config, status } = get();
    if (!engine) { addNotice({ kind: 'info', text: 'Nothing to export: no run is going.' }); return; }
    if (status.exporting) return;
    const name = trajectoryName(config.run.preset, config.run.quick, status.step);
    let trainConfig: unknown = null;
    try { trainConfig = trainConfigFor(config.run); } catch { /* an unknown preset: the run config alone */ }
    const meta = {
      preset: config.run.preset, quick: config.run.quick, run: config.run, config: trainConfig,
      backend: status.backend?.name ?? null, diverged: status.diverged ?? null, step: status.step,
      note: 'learning-rate changes made during the run are not recorded: config has the last value',
    };
    setStatus({ exporting: true });
    try {
      const r = await engine.ask({ type: 'export', meta, name });
      save(name, r.bytes);
      if (r.stride > 1) {
        addNotice({ kind: 'info', text: `${name}: ${r.snapshots} snapshots, every ${ordinal(r.stride)} of the run (the recording was thinned to stay within its memory budget).` });
      }
    } catch (e) {
      addNotice({ kind: 'error', text: `Export trajectory: ${(e as Error).message}` });
    } finally {
      setStatus({ exporting: false });
    }
  }

  // ------------------------------------------------------------------------------------------ scrubbing

  /**
   * Show the window of the recording that ends at recorded snapshot `end` (exclusive) instead of the live one. Live
   * spectra keep arriving (the W1 timeline goes on) but the shown spectrum stays until `backToLive`. Requests are
   * throttled: one in flight at a time, and of the moves made meanwhile only the latest is asked next.
   */
  function scrubTo(end: number): void {
    if (!(Number.isInteger(end) && end >= 1)) return;
    const { scrub, live } = get();
    if (scrub.end === undefined) {
      const latest = live.spectrum ? { report: live.spectrum, step: live.spectrumStep } : undefined;
      target.setState({ scrub: { ...scrub, end, latest, error: undefined }, live: { ...live, trail: [] } });
    } else {
      target.setState({ scrub: { ...scrub, end } });
    }
    requestScrub(end);
  }

  function requestScrub(end: number): void {
    if (!engine) return;
    if (scrubInFlight) { scrubNext = end; return; }
    scrubInFlight = true;
    const recording = get().status.recording;
    const done = () => {
      scrubInFlight = false;
      const next = scrubNext;
      scrubNext = undefined;
      if (next !== undefined && get().scrub.end !== undefined) requestScrub(next);
    };
    engine.ask({ type: 'spectrumAt', end }).then((r) => {
      const { scrub, live, status } = get();
      if (scrub.end === undefined || status.recording !== recording) return; // back to live, or another run
      target.setState({
        live: { ...live, spectrum: { ...r.report, source: `window ending at step ${r.step}` }, spectrumStep: r.step, spectrumGen: recording, trail: [] },
        scrub: { ...scrub, recorded: Math.max(scrub.recorded, r.recorded), stride: r.stride, error: undefined,
          shown: { start: r.start, end: r.end, stepStart: r.stepStart, step: r.step, w1: r.w1FromPrevious } },
      });
    }, (e: Error) => {
      const { scrub, status } = get();
      if (scrub.end === undefined || status.recording !== recording) return;
      target.setState({ scrub: { ...scrub, error: e.message } });
    }).finally(done);
  }

  /** Follow the live window again (showing the newest live spectrum at once). */
  function backToLive(): void {
    const { scrub, live } = get();
    if (scrub.end === undefined) return;
    scrubNext = undefined;
    const latest = scrub.latest;
    target.setState({
      scrub: { recorded: scrub.recorded, stride: scrub.stride, bytes: scrub.bytes },
      live: { ...live, spectrum: latest?.report, spectrumStep: latest?.step ?? 0, spectrumGen: get().status.recording, trail: latest ? [latest.report] : [] },
    });
  }

  // ------------------------------------------------------------------------------------------ demos

  /**
   * Paper 1's OMD vs OGD: the three spectra (computed in a worker) join the run list, and OMD/OGD are put side by side
   * in Compare with bisection as the reference contrast. The spectra are ensemble fits (25 runs each) with no seeds, so
   * the verdict is W1(OMD, OGD) against W1(OMD, bisection), with no p-value (docs/conjugacy.md).
   */
  async function runOmdOgdDemo(): Promise<void> {
    if (get().status.demo) return;
    setStatus({ demo: 'OMD vs OGD' });
    try {
      const r = await runOmdOgd();
      const omd = addRun({ name: 'OMD (paper 1)', origin: 'demo', spectra: [r.spectra.omd] });
      const ogd = addRun({ name: 'OGD (paper 1)', origin: 'demo', spectra: [r.spectra.ogd] });
      const bm = addRun({ name: 'bisection (paper 1)', origin: 'demo', spectra: [r.spectra.bisection] });
      target.setState({ compare: { a: omd, b: ogd, ref: bm }, selected: omd });
      addNotice({ kind: 'info', text: `OMD vs OGD: W1(OMD, OGD) = ${r.distances.omd_ogd.toPrecision(3)}, `
        + `W1(OMD, bisection) = ${r.distances.omd_bisection.toPrecision(3)}, W1(OGD, bisection) = ${r.distances.ogd_bisection.toPrecision(3)}. `
        + 'OMD and OGD are conjugate (same dynamics up to a change of coordinates): their spectra nearly coincide; bisection is not. '
        + 'With one spectrum each there is no seed spread and no p-value: Compare judges OMD vs OGD against bisection as a reference.' });
    } catch (e) {
      addNotice({ kind: 'error', text: (e as Error).message });
    } finally {
      setStatus({ demo: undefined });
    }
  }

  return { attach, addNotice, dismissNotice, toggleHelp, startRun, choosePreset, runPreset, tourStep, endTour, chooseCustom, applyCustom, setRunOptions, play, pause, togglePlay, step, reset, setLearningRate, setSpeed, setDmd, setView, addRun, removeRun, currentRunName, addCurrentRunToList, selectRun, selectCompare, openFile, exportSpectrumJson, exportSpectrumCsv, exportTrajectory, scrubTo, backToLive, runOmdOgdDemo };
}

export type Actions = ReturnType<typeof createActions>;

let current: Actions = createActions(store);
let currentStore: AppStore = store;

/**
 * Attach the worker engine (App does it once) and, for tests, another store: a new store gets a fresh instance;
 * the same store keeps its instance (and what it kept) with the new engine.
 */
export function attachEngine(e: Engine<DmdConfig> | undefined, s: AppStore = store): void {
  if (s !== currentStore) {
    current = createActions(s, { engine: e });
    currentStore = s;
  } else {
    current.attach(e);
  }
}

// the page's actions (the public names components and tests use)
export const addNotice: Actions['addNotice'] = (...a) => current.addNotice(...a);
export const dismissNotice: Actions['dismissNotice'] = (...a) => current.dismissNotice(...a);
export const toggleHelp: Actions['toggleHelp'] = (...a) => current.toggleHelp(...a);
export const startRun: Actions['startRun'] = (...a) => current.startRun(...a);
export const choosePreset: Actions['choosePreset'] = (...a) => current.choosePreset(...a);
export const runPreset: Actions['runPreset'] = (...a) => current.runPreset(...a);
export const tourStep: Actions['tourStep'] = (...a) => current.tourStep(...a);
export const endTour: Actions['endTour'] = (...a) => current.endTour(...a);
export const chooseCustom: Actions['chooseCustom'] = (...a) => current.chooseCustom(...a);
export const applyCustom: Actions['applyCustom'] = (...a) => current.applyCustom(...a);
export const setRunOptions: Actions['setRunOptions'] = (...a) => current.setRunOptions(...a);
export const play: Actions['play'] = (...a) => current.play(...a);
export const pause: Actions['pause'] = (...a) => current.pause(...a);
export const togglePlay: Actions['togglePlay'] = (...a) => current.togglePlay(...a);
export const step: Actions['step'] = (...a) => current.step(...a);
export const reset: Actions['reset'] = (...a) => current.reset(...a);
export const setLearningRate: Actions['setLearningRate'] = (...a) => current.setLearningRate(...a);
export const setSpeed: Actions['setSpeed'] = (...a) => current.setSpeed(...a);
export const setDmd: Actions['setDmd'] = (...a) => current.setDmd(...a);
export const setView: Actions['setView'] = (...a) => current.setView(...a);
export const addRun: Actions['addRun'] = (...a) => current.addRun(...a);
export const removeRun: Actions['removeRun'] = (...a) => current.removeRun(...a);
export const currentRunName: Actions['currentRunName'] = (...a) => current.currentRunName(...a);
export const addCurrentRunToList: Actions['addCurrentRunToList'] = (...a) => current.addCurrentRunToList(...a);
export const selectRun: Actions['selectRun'] = (...a) => current.selectRun(...a);
export const selectCompare: Actions['selectCompare'] = (...a) => current.selectCompare(...a);
export const openFile: Actions['openFile'] = (...a) => current.openFile(...a);
export const exportSpectrumJson: Actions['exportSpectrumJson'] = (...a) => current.exportSpectrumJson(...a);
export const exportSpectrumCsv: Actions['exportSpectrumCsv'] = (...a) => current.exportSpectrumCsv(...a);
export const exportTrajectory: Actions['exportTrajectory'] = (...a) => current.exportTrajectory(...a);
export const scrubTo: Actions['scrubTo'] = (...a) => current.scrubTo(...a);
export const backToLive: Actions['backToLive'] = (...a) => current.backToLive(...a);
export const runOmdOgdDemo: Actions['runOmdOgdDemo'] = (...a) => current.runOmdOgdDemo(...a);

/** A minimal SpectrumReport for a file that holds eigenvalues only (no fit: no singular values or residual). */
export function eigenvaluesReport(source: string, re: ArrayLike<number>, im: ArrayLike<number>): RunEntry['spectra'][number] {
  const eigenvalues: [number, number][] = Array.from(re, (x, i) => [x, im[i]]);
  return {
    source, eigenvalues,
    details: eigenvalues.map(([x, y]) => {
      const abs = Math.hypot(x, y), arg = Math.atan2(y, x);
      return { abs, arg, growthRate: abs > 0 ? Math.log(abs) : null, frequency: arg / (2 * Math.PI),
        ct: [abs > 0 ? Math.log(abs) : null, arg], amplitude: null };
    }),
    singularValues: [], rank: eigenvalues.length, rankRule: { kind: 'full' }, delays: 0, runs: 1, pairs: 0,
    embeddedDim: 0, dt: 1, residual: NaN, truncatedEnergy: 0, conditionNumber: null, sketched: false,
    warnings: ['eigenvalues read from a file: no fit, so no singular values, residual or amplitudes'],
  };
}
