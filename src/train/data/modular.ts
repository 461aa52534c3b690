/**
 * Modular addition (paper 1, docs/methods.md#paper1-grokking; after Power et al. and Nanda et al.): every pair
 * (a, b) ∈ [0, p)² as the token sequence [a, b, '='] with '=' the token p (vocabulary p + 1), label (a + b) mod
 * p. A seeded random ⌊trainFraction · p²⌋ pairs (at least one, at most p² − 1) form the training set and the rest
 * the test set, both in shuffled order, as in Nanda's `train = pairs[:int(frac * len(pairs))]` after a random
 * shuffle. Paper 1: p = 113, trainFraction 0.3 → 3830 training and 8939 test pairs.
 */
import type { Dataset, DatasetSpec } from '../types';
import type { Sfc32 } from '../../linalg/random';
import { checkCount, checkFraction, shuffleSplit } from './split';

export type ModularSpec = Extract<DatasetSpec, { kind: 'modular' }>;

/** Training pairs for p and trainFraction: ⌊trainFraction · p²⌋ clamped to [1, p² − 1]. */
export function modularTrainCount(p: number, trainFraction: number): number {
  return Math.min(p * p - 1, Math.max(1, Math.floor(trainFraction * p * p)));
}

export function modularDataset(spec: ModularSpec, rng: Sfc32): Dataset {
  const p = checkCount('modular: p', spec.p, 2);
  checkFraction('modular: trainFraction', spec.trainFraction);
  if (p > 4096) throw new Error(`modular: p = ${p} is too large (p² pairs are materialised; p ≤ 4096)`);
  if (spec.logits !== undefined && spec.logits !== 'answers' && spec.logits !== 'vocab') {
    throw new Error(`modular: logits must be 'answers' or 'vocab', got ${JSON.stringify(spec.logits)}`);
  }
  const n = p * p;
  const x = new Int32Array(3 * n);
  const y = new Int32Array(n);
  for (let a = 0, i = 0; a < p; a++) {
    for (let b = 0; b < p; b++, i++) {
      x[3 * i] = a;
      x[3 * i + 1] = b;
      x[3 * i + 2] = p; // '='
      y[i] = (a + b) % p;
    }
  }
  const split = shuffleSplit(x, 3, y, 1, n, modularTrainCount(p, spec.trainFraction), rng);
  const outputs = spec.logits === 'vocab' ? p + 1 : p;
  return { spec, task: 'classification', inputShape: [3], outputs, vocab: p + 1, ...split };
}
