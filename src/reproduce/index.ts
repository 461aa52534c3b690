/**
 * The experiments of `koopscope reproduce` and the app's demos gallery (issue 6): one registry, pure code (no Node,
 * no DOM). The host sets the tfjs backend and passes the data loaders in `RunOptions`.
 */
import { cnnEarly } from './cnnEarly';
import { fcnWidth } from './fcnWidth';
import { grokking } from './grokking';
import { omdOgd } from './omdOgd';
import { momentum, quadratic } from './teaching';
import type { Experiment } from './types';

export type { Check, DistanceReport, Experiment, ExperimentResult, NullReport, Pair, RunOptions } from './types';

export const EXPERIMENTS: readonly Experiment[] = [omdOgd, fcnWidth, cnnEarly, grokking, quadratic, momentum];

export function experimentNames(): string[] {
  return EXPERIMENTS.map((e) => e.name);
}

/** The experiment called `name`; throws a clear Error listing the names when there is none. */
export function getExperiment(name: string): Experiment {
  const e = EXPERIMENTS.find((x) => x.name === name);
  if (!e) throw new Error(`unknown experiment '${name}'; experiments: ${experimentNames().join(', ')}`);
  return e;
}
