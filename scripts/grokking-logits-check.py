#!/usr/bin/env python3
"""Does the '=' logit explain the grokking gap? (docs/reproduction.md, "The '=' logit, isolated")

Compares grokking spectra trained with 114 outputs (`koopscope reproduce grokking --seeds 1 --seed-offset k
--logits vocab --json > vocabK.json`, one file per seed) and the same seeds of the recorded 113-output run
(src/reproduce/recorded/grokking-10-seeds.json) with paper 1's published eigenvalue rows: per seed and configuration,
the mean W1 of its 10 eigenvalues to each of the 20 published rows (and the nearest row), the largest |lambda|, and
W1(grokking, constrained). W1 between equal-size point sets is the mean matched distance (optimal assignment), as in
src/koopman/wasserstein.ts.

usage: python3 scripts/grokking-logits-check.py vocab0.json vocab1.json [--paper-data DIR]
       (DIR defaults to $KOOPSCOPE_SHARED/data/paper1, else ../shared/data/paper1 beside the repository)
"""
import json
import os
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def w1(a, b):
    cost = np.abs(a[:, None] - b[None, :])
    r, c = linear_sum_assignment(cost)
    return cost[r, c].mean()


def points(spectrum):
    return np.array([complex(re, im) for re, im in spectrum])


def report(name, spectra, seeds, pub):
    for key in ('grokking', 'constrained'):
        for seed, s in zip(seeds, spectra[key]):
            a = points(s)
            d = [w1(a, row) for row in pub[key]]
            print(f'{name:9s} seed {seed} {key:11s} mean W1 to published rows {np.mean(d):.4f} '
                  f'(nearest {np.min(d):.4f}), largest |lambda| {np.abs(a).max():.4f}')
    for seed, g, c in zip(seeds, spectra['grokking'], spectra['constrained']):
        print(f'{name:9s} seed {seed} W1(grokking, constrained) {w1(points(g), points(c)):.4f}')


def main(argv):
    paper = next((argv[i + 1] for i, a in enumerate(argv) if a == '--paper-data' and i + 1 < len(argv)), None)
    args = [a for i, a in enumerate(argv) if not a.startswith('--') and not (i > 0 and argv[i - 1] == '--paper-data')]
    paper = paper or os.path.join(os.environ.get('KOOPSCOPE_SHARED', os.path.join(ROOT, '..', 'shared')), 'data', 'paper1')
    if not args:
        sys.exit(__doc__.strip().split('\n\n')[-1])
    try:
        pub = {'grokking': np.load(os.path.join(paper, 'grokking_mod_addition_eigs.npy')),
               'constrained': np.load(os.path.join(paper, 'grokking_mod_addition_constrained_alpha_0.8_eigs.npy'))}
    except OSError as e:
        sys.exit(f'grokking-logits-check: cannot read paper 1\'s published files in {paper}: {e.strerror}')
    parts = [json.load(open(p)) for p in args]
    seeds = [s for p in parts for s in p['seeds']]
    rec = json.load(open(os.path.join(ROOT, 'src/reproduce/recorded/grokking-10-seeds.json')))['result']
    idx = [rec['seeds'].index(s) for s in seeds if s in rec['seeds']]
    report('113 out', {k: [rec['spectra'][k][i] for i in idx] for k in ('grokking', 'constrained')},
           [rec['seeds'][i] for i in idx], pub)
    report('114 out', {k: [s for p in parts for s in p['spectra'][k]] for k in ('grokking', 'constrained')}, seeds, pub)
    rng = {k: (np.abs(x).max(1).min(), np.abs(x).max(1).max()) for k, x in pub.items()}
    print('published largest |lambda|: ' + ', '.join(f'{k} {lo:.4f}-{hi:.4f}' for k, (lo, hi) in rng.items()))
    print(f"published W1(grokking, constrained), row by row: {np.mean([w1(g, c) for g, c in zip(pub['grokking'], pub['constrained'])]):.4f}")


if __name__ == '__main__':
    main(sys.argv[1:])
