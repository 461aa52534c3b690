/**
 * Contracts of `koopscope reproduce` and the app's demos gallery: one `Experiment` per published result, run from
 * training to verdict, returning a plain JSON-able `ExperimentResult`. Pure: no Node built-ins, no DOM, so the same
 * code runs in the command line and in a browser worker. Everything the host must provide (MNIST bytes, paper 1's
 * published eigenvalue files, the backend in use) comes in through `RunOptions`.
 */
import type { ConjugacyVerdict } from '../koopman/conjugacy';
import type { DistanceSummary } from '../koopman/seedNull';
import type { BackendReport } from '../train/messages';

/** An eigenvalue as [re, im]. */
export type Pair = [number, number];

export interface RunOptions {
  /** The small variant (minutes on a 2-core CPU); what it reduces is listed in `ExperimentResult.reduced`. */
  quick: boolean;
  /** How many seeds (the first n of the paper's list where it has one). Default: the experiment's. */
  seeds?: number;
  /** Skip the first k seeds of the list (to split a long run into parts merged later); default 0. */
  seedOffset?: number;
  /** Fraction in [0, 1] and a short phase label, for progress bars. */
  onProgress?: (fraction: number, phase: string) => void;
  /** Loads an MNIST IDX file by name (MNIST_FILES): fs in Node (readMnistFile), fetch in the browser. */
  loadBytes?: (file: string) => Promise<Uint8Array>;
  /**
   * Paper 1's published eigenvalue file by name (e.g. 'Koopman_eigenvalues_FCN_MNIST_h=5.npy') as one set per row,
   * or undefined when the host does not have it. Used only for comparisons; the experiments run without it.
   */
  published?: (file: string) => { re: ArrayLike<number>; im: ArrayLike<number> }[] | undefined;
  /** The tfjs backend the host made current (reported in the settings). Default: cpu. */
  backend?: BackendReport;
  /** Experiment-specific settings on top of the quick/full defaults (tests use tiny sizes). */
  overrides?: Record<string, unknown>;
}

/** A check against a formula or a published value. */
export interface Check {
  name: string;
  /** What was expected and what we got, in words or numbers (JSON-able). */
  expected: unknown;
  got: unknown;
  /** The largest deviation found, and the tolerance it is judged by. */
  deviation?: number;
  tolerance?: number;
  pass: boolean;
  note?: string;
}

export interface DistanceReport {
  /** e.g. 'h=5 vs h=40', 'grokking vs constrained'. */
  label: string;
  /** One W1 per seed (row by row) or per pair. */
  values: number[];
  summary: DistanceSummary;
  /** The same quantity from the paper (docs/methods.md, or recomputed from the published files), when known. */
  paper?: { mean: number; std?: number; source: string };
  /** The conjugacy verdict in words (src/koopman/conjugacy.ts), the same words as `koopscope compare`. */
  verdict?: string;
  /** R = mean between-group W1 / mean within-group W1 of the seed test, or W1 / reference W1 for single spectra. */
  ratio?: number;
  /** The whole verdict object (label, p, pMin, R's CI, …). */
  test?: ConjugacyVerdict;
}

export interface NullReport {
  /** What the null is made of, e.g. 'between seeds within h=40 (10 pairs)'. */
  label: string;
  values: number[];
  summary: DistanceSummary;
  paper?: { mean: number; std?: number; source: string };
}

/** Plain JSON: non-finite numbers (e.g. `summary.std` of a single distance) are null (see index.ts). */
export interface ExperimentResult {
  name: string;
  description: string;
  quick: boolean;
  /** Every setting used (JSON-able). */
  settings: Record<string, unknown>;
  /** How this run differs from the paper's settings (empty for a full-size run). */
  reduced: string[];
  /** Per group (e.g. 'h=5'), one spectrum per seed, eigenvalues as [re, im] sorted by |λ| descending. */
  spectra: Record<string, Pair[][]>;
  /** The seeds of the rows of `spectra`. */
  seeds: number[];
  distances: DistanceReport[];
  /** The between-seed null(s), or null where an experiment has none (cnn-early). */
  nulls: NullReport[];
  /** One line: each judged distance's label and its verdict words (non-conjugate / conjugate-like / inconclusive). */
  verdict: string;
  checks: Check[];
  /** Caveats a reader must know (e.g. "the full run needs hours on a CPU"). */
  notes: string[];
  /** Experiment-specific extras (cnn-early: the window table). */
  extra?: Record<string, unknown>;
  /** Wall time of the whole run, seconds. */
  seconds: number;
}

export interface Experiment {
  name: string;
  description: string;
  /** Rough runtimes on a 2-core CPU, for --list. */
  runtime: { quick: string; full: string };
  /** Whether `RunOptions.seeds` means anything here (omd-ogd and cnn-early have no seeds to choose). */
  seeded: boolean;
  run(opts: RunOptions): Promise<ExperimentResult>;
}

/** What an experiment's own code returns: index.ts adds name, description, quick and the wall time. */
export type ExperimentBody = Omit<ExperimentResult, 'name' | 'description' | 'quick' | 'seconds'>;

/** An experiment as written in its module; index.ts turns it into an `Experiment` (see `plain` there). */
export interface ExperimentDefinition extends Omit<Experiment, 'run'> {
  run(opts: RunOptions): Promise<ExperimentBody>;
}
