/**
 * The gallery: paper 1's experiments and the teaching presets, each one click (a preset with DMD options that
 * show the point) and a few sentences for a student on what to look at and why.
 */
import type { DmdConfig } from '../state/store';

export interface Demo {
  id: string;
  group: 'paper' | 'teaching';
  title: string;
  text: string;
  /** One button per preset (e.g. narrow and wide), or the OMD/OGD computation. */
  launch: { label: string; preset: string; dmd?: Partial<DmdConfig> }[] | 'omd-ogd';
  /** The `koopscope reproduce` experiment (src/reproduce) its "Reproduce (quick)" button runs in a worker. */
  experiment?: string;
}

/** The runs of one demo are compared with each other, so each demo gives its runs the same DMD options. */
const WIDTH_DMD: Partial<DmdConfig> = { window: 64, rank: { kind: 'rank', r: 10 }, delays: 0 };
const GROKKING_DMD: Partial<DmdConfig> = { window: 50, rank: { kind: 'rank', r: 10 } };

export const DEMOS: Demo[] = [
  {
    id: 'omd-ogd', group: 'paper', title: 'OMD vs OGD (conjugate optimizers)', launch: 'omd-ogd',
    text: 'Online mirror descent and online gradient descent on the same problem are conjugate: one is the other seen '
      + 'through a change of coordinates, so their Koopman spectra must agree. Bisection solves the same problem with '
      + 'different dynamics. Look at W1 in Compare: OMD–OGD is small, either against bisection is large. With one '
      + 'spectrum per method there is no seed spread and no p-value, so Compare judges OMD vs OGD against bisection '
      + 'as a reference contrast (W1 ratio ≈ 0.011).',
  },
  {
    id: 'width', group: 'paper', experiment: 'fcn-width', title: 'Narrow vs wide networks',
    launch: [
      { label: 'h = 5', preset: 'fcn-h5', dmd: WIDTH_DMD },
      { label: 'h = 10', preset: 'fcn-h10', dmd: WIDTH_DMD },
      { label: 'h = 40', preset: 'fcn-h40', dmd: WIDTH_DMD },
    ],
    text: 'A one-hidden-layer net on MNIST with 5, 10 or 40 hidden units. Train one for a few hundred steps, add its '
      + 'spectrum to the run list, then do the same for another width and compare (set "Runs (perturbed inits)" to 5 or more for a verdict: the '
      + 'permutation test over seeds needs 5 seeds per width to reach p < 0.01). On the paper\'s published spectra '
      + '(25 seeds per width) the narrow net is non-conjugate to both wider ones (between/within W1 1.40 and 1.55, '
      + 'p < 0.001), and h = 10 vs h = 40 is conjugate-like: a detectable but small difference (1.07).',
  },
  {
    id: 'cnn', group: 'paper', experiment: 'cnn-early', title: 'CNN early training',
    launch: [{ label: 'LeNet early', preset: 'lenet-early', dmd: { window: 16, rank: { kind: 'rank', r: 8 }, delays: 0 } }],
    text: 'A small LeNet on MNIST with a short sliding window (16 snapshots), so each spectrum describes only the last '
      + 'stretch of training. Watch the eigenvalues jump around at first and then settle near 1 as training slows: the '
      + 'W1 timeline shows the spectrum changing less and less.',
  },
  {
    id: 'grokking', group: 'paper', experiment: 'grokking', title: 'Grokking vs constrained',
    launch: [
      { label: 'grokking', preset: 'grokking', dmd: GROKKING_DMD },
      { label: 'constrained', preset: 'grokking-constrained', dmd: GROKKING_DMD },
    ],
    text: 'A one-layer transformer learning a + b mod 113. With weight decay it eventually generalises (groks); holding '
      + 'the weight norm fixed prevents that. Even in the first 100 steps their spectra differ: on the paper\'s '
      + 'published spectra (20 seeds each) the permutation test calls them non-conjugate (between/within W1 ≈ 12). '
      + 'The full model is heavy for a browser; tick "quick variant" for a small one.',
  },
  {
    id: 'quadratic', group: 'teaching', experiment: 'quadratic', title: 'Gradient descent on a quadratic',
    launch: [{ label: 'quadratic', preset: 'quadratic', dmd: { window: 40, rank: { kind: 'rank', r: 3 }, delays: 0, center: false } }],
    text: 'Gradient descent on ½ wᵀHw is the linear map w ↦ (I − ηH)w, so DMD must find its eigenvalues 1 − ηh: 0.95, '
      + '0.85 and 0.5 for curvatures 1, 3, 10 and η = 0.05. Step a few times and read them off the table. Try a larger '
      + 'learning rate: the points slide left.',
  },
  {
    id: 'momentum', group: 'teaching', experiment: 'momentum', title: 'Momentum makes rotations',
    launch: [{ label: 'momentum', preset: 'momentum', dmd: { window: 40, rank: { kind: 'rank', r: 6 }, delays: 1 } }],
    text: 'Heavy-ball momentum keeps a velocity, so the state has twice the dimension: one delay recovers it. The real '
      + 'eigenvalues of plain GD become complex pairs on a circle of radius √β ≈ 0.95: the weights spiral into the '
      + 'minimum instead of sliding.',
  },
  {
    id: 'eos', group: 'teaching', title: 'Edge of stability',
    launch: [{ label: 'edge of stability', preset: 'edge-of-stability', dmd: { window: 40, rank: { kind: 'rank', r: 3 }, delays: 0 } }],
    text: 'With η = 0.19 the stiff direction (h = 10) has 1 − ηh = −0.9: a negative eigenvalue, so that coordinate '
      + 'flips sign every step. A negative real eigenvalue near −1 is the signature of a learning rate close to 2/h.',
  },
  {
    id: 'past', group: 'teaching', title: 'Past the edge',
    launch: [{ label: 'past the edge', preset: 'past-the-edge', dmd: { window: 16, rank: { kind: 'rank', r: 3 }, delays: 0 } }],
    text: 'With η = 0.21 > 2/h the stiff direction grows by |1 − 2.1| = 1.1 per step: an eigenvalue outside the unit '
      + 'circle. Play and watch it sit at −1.1 until the loss overflows; training pauses and no NaN reaches the spectrum.',
  },
];
