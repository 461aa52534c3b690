/**
 * Loader for test/fixtures/golden.json (written by test/fixtures/make_fixtures.py; see its `conventions`).
 * Read at run time rather than imported, so the 1 MB file does not become a TypeScript type.
 */
import { readFileSync } from 'node:fs';
import type { SnapshotSet } from '../../src/koopman/snapshots';
import type { RankRule } from '../../src/koopman/types';

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
