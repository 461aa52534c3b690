/**
 * The experiments of `koopscope reproduce` and the app's demos gallery (issue 6): one registry, pure code (no Node,
 * no DOM). The host sets the tfjs backend and passes the data loaders in `RunOptions`.
 */
import { cnnEarly } from './cnnEarly';
import { fcnWidth } from './fcnWidth';
import { grokking } from './grokking';
import { omdOgd } from './omdOgd';
import { momentum, quadratic } from './teaching';
import { now } from './common';
import type { Experiment, ExperimentDefinition, ExperimentResult } from './types';
import { OptionError } from '../linalg/errors';

export type { Check, DistanceReport, Experiment, ExperimentBody, ExperimentDefinition, ExperimentResult, NullReport, Pair, RunOptions } from './types';

/**
 * The plumbing every experiment shares, done once here: the result gets the experiment's name and description, the
 * quick flag and the wall time of the whole run, and progress ends with (1, 'done'). Results are returned as plain
 * JSON (a JSON round trip), so the command line, a worker's postMessage and a saved file all see the same object:
 * non-finite numbers, such as the sample std of a single distance, become null.
 */
function plain(e: ExperimentDefinition): Experiment {
  return {
    ...e,
    run: async (opts) => {
      const t0 = now();
      const body = await e.run(opts);
      opts.onProgress?.(1, 'done');
      const result: ExperimentResult = {
        name: e.name, description: e.description, quick: opts.quick, ...body, seconds: (now() - t0) / 1000,
      };
      return JSON.parse(JSON.stringify(result)) as ExperimentResult;
    },
  };
}

export const EXPERIMENTS: readonly Experiment[] = [omdOgd, fcnWidth, cnnEarly, grokking, quadratic, momentum].map(plain);

export function experimentNames(): string[] {
  return EXPERIMENTS.map((e) => e.name);
}

/** The experiment called `name`; throws a clear Error listing the names when there is none. */
export function getExperiment(name: string): Experiment {
  const e = EXPERIMENTS.find((x) => x.name === name);
  if (!e) throw new OptionError(`unknown experiment '${name}'; experiments: ${experimentNames().join(', ')}`);
  return e;
}
