/**
 * The guided tour through the teaching presets: quadratic → momentum → edge of stability → past the edge → spiral.
 * Each step runs its preset (with the DMD options of its demo card, so tour and gallery show the same picture) and
 * says what to look for. Pure data; ui/Tour.tsx shows it.
 */
import type { DmdConfig } from '../state/store';
import { DEMOS } from './demos';

export interface TourStep {
  preset: string;
  title: string;
  /** What to look for, two or three sentences. */
  text: string;
  dmd?: Partial<DmdConfig>;
}

/** The DMD options the gallery's card for `preset` uses (undefined: the defaults). */
function demoDmd(preset: string): Partial<DmdConfig> | undefined {
  for (const d of DEMOS) if (Array.isArray(d.launch)) for (const l of d.launch) if (l.preset === preset) return l.dmd;
  return undefined;
}

const STEPS: Omit<TourStep, 'dmd'>[] = [
  {
    preset: 'quadratic', title: 'Gradient descent on a quadratic',
    text: 'Gradient descent on ½wᵀHw with curvatures 1, 3 and 10 at η = 0.05 multiplies each direction by 1 − ηh every '
      + 'step. Look for three dots on the real axis inside the circle, at 0.95, 0.85 and 0.5: three directions decaying, '
      + 'the stiffest (0.5) fastest. The fast two fade below float32 round-off within a couple of hundred steps, '
      + 'leaving 0.95: press Reset (R) to watch them again.',
  },
  {
    preset: 'momentum', title: 'Momentum makes rotations',
    text: 'Heavy-ball momentum (β = 0.9) on the same quadratic. The dots leave the real axis and come in complex pairs at '
      + 'radius about √β ≈ 0.95: the weights spiral into the minimum instead of sliding straight down, turning by the '
      + 'pair\'s angle every step.',
  },
  {
    preset: 'edge-of-stability', title: 'The edge of stability',
    text: 'η = 0.19, so ηh = 1.9 for the stiff direction and λ = 1 − 1.9 = −0.9. Look for the dot near −1 on the left of '
      + 'the circle: that direction overshoots the valley floor and flips sign every step, shrinking only 10 % a step. '
      + 'At η = 2/h it would sit exactly on −1.',
  },
  {
    preset: 'past-the-edge', title: 'Past the edge',
    text: 'η = 0.21 > 2/h: λ = 1 − 2.1 = −1.1 lies outside the circle. The stiff direction grows 10 % a step while it '
      + 'flips, the loss climbs, and the run diverges (training pauses and says so). An eigenvalue outside the circle '
      + 'is an instability you can see before the loss explodes.',
  },
  {
    preset: 'spiral', title: 'A real network: two spirals',
    text: 'A 2-16-16-2 tanh net learns to separate two spirals (Adam). Beside the spectrum, the decision regions curl '
      + 'around the arms as it learns; meanwhile the eigenvalues gather near λ = 1, because most directions of a '
      + 'network\'s weights move slowly. Spikes in the W1 plot mark windows where the dynamics changed.',
  },
];

export const TOUR: TourStep[] = STEPS.map((s) => ({ ...s, dmd: demoDmd(s.preset) }));
