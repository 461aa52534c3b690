/**
 * What each job worker (job.ts protocol) is asked and answers: the request it serves, its result, and its extra
 * messages. The page side (src/app/client) posts these requests through `startJob`.
 */
import type { SpectrumReport } from '../koopman/report';
import type { SpectrumOptions } from '../koopman/analyze';
import type { ParamEntry } from '../io';
import type { KpflowCheckpoint } from '../kpflow/analysis';

// ------------------------------------------------------------------------------ demo.worker.ts (OMD vs OGD)

/** The OMD vs OGD demo's result. */
export interface OmdOgdResult {
  spectra: { omd: SpectrumReport; ogd: SpectrumReport; bisection: SpectrumReport };
  distances: { omd_ogd: number; omd_bisection: number; ogd_bisection: number };
}

// ----------------------------------------------------------------------------------------- reproduce.worker.ts

/** `dataBaseUrl`: the folder holding the MNIST IDX files (default ./data/mnist/ of the page). Result: ExperimentResult. */
export type ReproduceRequest = { type: 'run'; name: string; quick: true; dataBaseUrl?: string };

// ------------------------------------------------------------------------------ lyapunov.worker.ts, kpflow.worker.ts

/** Result: the preset's LyapunovReport. */
export type LyapunovRequest = { type: 'run'; preset: string; quick: boolean };

/** Result: KpflowResult. */
export type KpflowRequest = { type: 'run'; preset: string; quick: boolean };

/** The KPFlow worker's own message besides progress/result/failed: each checkpoint's analysis as soon as it is computed. */
export type KpflowCheckpointMessage = { type: 'checkpoint'; checkpoint: KpflowCheckpoint };

// ------------------------------------------------------------------------------------------ fileReader.worker.ts

/** Reads a trajectory `File`/`Blob`. Any message of another type is answered with `failed`. */
export interface ReadRequest {
  type: 'read';
  file: Blob;
  name: string;
  /**
   * Also compute the spectrum in the worker, off the main thread, and answer `analysed` (shape and report, no data)
   * instead of transferring the data back.
   */
  spectrum?: Omit<SpectrumOptions, 'onProgress'>;
}

/**
 * How many threads a large fit ran on (set only when the fit was large enough to split): `count` > 1, or 1 and `why`
 * (e.g. the page is not cross-origin isolated). `late`: jobs the fitting thread ran itself because no other thread
 * had picked them up in time (threadExecutor.ts), so the fit was slower than `count` threads would make it.
 */
export interface FitThreads { count: number; why?: string; late?: number }

/** The file reader's result; a trajectory's `data` buffer is transferred, not copied. Progress phases are strings. */
export type ReadResult =
  | { kind: 'trajectory'; runs: number; T: number; N: number; params: ParamEntry[]; data: Float32Array | Float64Array }
  | { kind: 'analysed'; runs: number; T: number; N: number; params: ParamEntry[]; report: SpectrumReport; threads?: FitThreads }
  | { kind: 'eigenvalues'; sets: { re: Float64Array; im: Float64Array }[] };
