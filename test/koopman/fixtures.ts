/**
 * Loader for test/fixtures/golden.json (written by test/fixtures/make_fixtures.py; see its `conventions`).
 * Read at run time rather than imported, so the 1 MB file does not become a TypeScript type.
 */
import { readFileSync } from 'node:fs';
import type { SnapshotSet } from '../../src/koopman/snapshots';
import type { RankRule } from '../../src/koopman/types';
import { mulberry32 } from '../../src/linalg/random';

export type Pair = [number, number];

export interface GoldenExpected {
  rank: number;
  embeddedDim: number;
  pairs: number;
  eigenvalues: Pair[];
  singularValues: number[];
  residual: number;
  truncatedEnergy: number;
  conditionNumber: number;
  amplitudesProjectedAbs?: number[];
  amplitudesExactAbs?: number[];
}

export interface GoldenCase {
  description: string;
  runs: number[][][];
  options: { delays: number; rank: RankRule; center: boolean; pca: number };
  expected: GoldenExpected;
  trueEigenvalues?: Pair[];
  principalEigenvalues?: Pair[];
  principalTargets?: number[];
  stableEigenvalueCount?: number;
  expectedRank?: number;
  wToStacked?: number;
  wTop4ToY?: number;
  pcaSingularValues?: number[];
  eta?: number;
  beta?: number;
  trueEigenvaluesA1?: Pair[];
  trueEigenvaluesA2?: Pair[];
  windows?: { start: number; end: number; expected: GoldenExpected }[];
}

export interface OmdOgdGolden {
  delays: number;
  eigenvalues: Record<'omd' | 'ogd' | 'bisection', Pair[]>;
  singularValues: Record<'omd' | 'ogd' | 'bisection', number[]>;
  w: Record<'omd_ogd' | 'omd_bisection' | 'ogd_bisection', number>;
  published: { eigenvalues: Record<'omd' | 'ogd' | 'bisection', Pair[]>; w: Record<'omd_ogd' | 'omd_bisection' | 'ogd_bisection', number> };
  maxDiffToPublished: Record<'omd' | 'ogd' | 'bisection', number>;
}

export interface Golden {
  conventions: Record<string, string>;
  cases: Record<string, GoldenCase>;
  omd_ogd: OmdOgdGolden;
}

let cached: Golden | undefined;

export function golden(): Golden {
  cached ??= JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8')) as Golden;
  return cached;
}

/** runs × T × N nested arrays → a float64 SnapshotSet (row r·T + t = snapshot t of run r). */
export function toSet(runs: number[][][]): SnapshotSet & { data: Float64Array } {
  const R = runs.length, T = runs[0].length, N = runs[0][0].length;
  const data = new Float64Array(R * T * N);
  for (let r = 0; r < R; r++) {
    if (runs[r].length !== T) throw new Error(`run ${r} has ${runs[r].length} snapshots, expected ${T}`);
    for (let t = 0; t < T; t++) for (let j = 0; j < N; j++) data[(r * T + t) * N + j] = runs[r][t][j];
  }
  return { runs: R, T, N, data };
}

/** Real numbers as [re, 0] pairs. */
export const reals = (xs: number[]): Pair[] => xs.map((x) => [x, 0]);

/**
 * Noise-free linear system for tests: latent z_{t+1} = A z_t with A = Q B Q⁻¹ (B block-diagonal: a rotation block
 * ρ·Rot(θ) per complex pair, 1×1 blocks for reals; Q random, well conditioned enough), observed x = M z with M a
 * random N × latent matrix. Returns the SnapshotSet and the true eigenvalues.
 */
export function linearSystem(opts: {
  pairs?: [number, number][]; reals?: number[]; N: number; T: number; runs?: number; seed?: number;
}): { set: SnapshotSet & { data: Float64Array }; eigenvalues: Pair[] } {
  const pairsSpec = opts.pairs ?? [], realsSpec = opts.reals ?? [];
  const L = 2 * pairsSpec.length + realsSpec.length;
  const runs = opts.runs ?? 1;
  const r = rngLocal(opts.seed ?? 1);
  const B = new Float64Array(L * L);
  let k = 0;
  const eigenvalues: Pair[] = [];
  for (const [rho, th] of pairsSpec) {
    B[k * L + k] = rho * Math.cos(th); B[k * L + k + 1] = -rho * Math.sin(th);
    B[(k + 1) * L + k] = rho * Math.sin(th); B[(k + 1) * L + k + 1] = rho * Math.cos(th);
    eigenvalues.push([rho * Math.cos(th), rho * Math.sin(th)], [rho * Math.cos(th), -rho * Math.sin(th)]);
    k += 2;
  }
  for (const v of realsSpec) { B[k * L + k] = v; eigenvalues.push([v, 0]); k++; }
  // Q = I + 0.3·random keeps the basis change well conditioned; simulate in the B basis and map x = (M Q) w
  const Q = new Float64Array(L * L);
  for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) Q[i * L + j] = (i === j ? 1 : 0) + 0.3 * r.normal() / Math.sqrt(L);
  const M = new Float64Array(opts.N * L);
  for (let i = 0; i < M.length; i++) M[i] = r.normal();
  const MQ = new Float64Array(opts.N * L);
  for (let i = 0; i < opts.N; i++) for (let j = 0; j < L; j++) {
    let s = 0;
    for (let q = 0; q < L; q++) s += M[i * L + q] * Q[q * L + j];
    MQ[i * L + j] = s;
  }
  const data = new Float64Array(runs * opts.T * opts.N);
  for (let run = 0; run < runs; run++) {
    let w = Array.from({ length: L }, () => r.normal());
    for (let t = 0; t < opts.T; t++) {
      const row = (run * opts.T + t) * opts.N;
      for (let i = 0; i < opts.N; i++) {
        let s = 0;
        for (let j = 0; j < L; j++) s += MQ[i * L + j] * w[j];
        data[row + i] = s;
      }
      const next = new Array<number>(L).fill(0);
      for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) next[i] += B[i * L + j] * w[j];
      w = next;
    }
  }
  return { set: { runs, T: opts.T, N: opts.N, data }, eigenvalues };
}

/** The core's raw mulberry32 stream from state `seed` + Box–Muller without a spare (unlike test/matchers.ts rng). */
function rngLocal(seed: number): { normal(): number } {
  const uniform = mulberry32(seed >>> 0);
  return {
    normal() {
      let u = 0;
      while (u === 0) u = uniform();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
    },
  };
}

/** Rows [start, end) of every run, as a new SnapshotSet (manual slicing for comparisons). */
export function sliceRuns(set: SnapshotSet, start: number, end: number, every = 1): SnapshotSet & { data: Float64Array } {
  const ts: number[] = [];
  for (let t = start; t < end; t += every) ts.push(t);
  const data = new Float64Array(set.runs * ts.length * set.N);
  for (let r = 0; r < set.runs; r++) ts.forEach((t, i) => {
    for (let j = 0; j < set.N; j++) data[(r * ts.length + i) * set.N + j] = set.data[(r * set.T + t) * set.N + j];
  });
  return { runs: set.runs, T: ts.length, N: set.N, data };
}
