/**
 * The Lyapunov view's named presets (shared by `koopscope lyapunov` and the app's Lyapunov panel). Each has
 * documented defaults, a `quick` variant that takes seconds, and a list of the overrides it accepts.
 */
import { OptionError } from '../linalg/errors';
import { ACTIVATION_NAMES, type ActivationName } from './activations';
import { runEnsemble, type EnsembleResult } from './experiment';
import { runQuadratic, type QuadraticResult } from './quadratic';
import { runRegression, type RegressionRun, type RegressionSpec } from './regression';

export type LyapunovResult = QuadraticResult | RegressionRun | EnsembleResult;

/** What a user may change (CLI flags, app fields). Undefined: the preset's default. */
export interface PresetOverrides {
  quick?: boolean;
  steps?: number;
  tau?: number;
  k?: number;
  /** Hidden units of the 1–H–1 nets (P = 3H + 1 parameters; the exact HVPs stay matrix-free at any H). */
  hidden?: number;
  runs?: number;
  seed?: number;
  lr?: number;
}

export type OverrideName = Exclude<keyof PresetOverrides, 'quick'>;

export interface LyapunovReport {
  preset: string;
  quick: boolean;
  /** The settings actually used (after overrides), for printing. */
  settings: Record<string, unknown>;
  result: LyapunovResult;
}

export interface LyapunovPreset {
  name: string;
  kind: LyapunovResult['kind'];
  description: string;
  /** Approximate runtimes on a 2-core laptop-class CPU. */
  runtime: { quick: string; full: string };
  accepts: OverrideName[];
  run(o: PresetOverrides, onProgress?: (fraction: number, phase: string) => void): LyapunovReport;
}

/** Throws a plain Error naming an override the preset does not use (the CLI turns it into a usage error). */
function checkAccepted(p: Pick<LyapunovPreset, 'name' | 'accepts'>, o: PresetOverrides): void {
  for (const key of Object.keys(o) as (keyof PresetOverrides)[]) {
    if (key === 'quick' || o[key] === undefined) continue;
    if (!p.accepts.includes(key)) throw new OptionError(`preset '${p.name}' does not use --${key} (it accepts: ${p.accepts.map((a) => `--${a}`).join(', ') || 'none'})`);
  }
}

function quadraticPreset(name: string, eta: number, description: string): LyapunovPreset {
  const preset: LyapunovPreset = {
    name, kind: 'quadratic', description, runtime: { quick: '< 1 s', full: '< 1 s' },
    accepts: ['steps', 'tau', 'lr', 'seed'],
    run(o, onProgress) {
      checkAccepted(preset, o);
      const steps = o.steps ?? (o.quick ? 500 : 5000);
      const spec = {
        curvatures: [1, 3, 10], eta: o.lr ?? eta, steps, taus: [50, 500, 5000].filter((t) => t <= steps),
        seriesTau: o.tau ?? 50, dmd: { runs: 5, T: 80 }, seed: o.seed ?? 0,
      };
      if (!spec.taus.length || spec.taus[spec.taus.length - 1] !== steps) spec.taus.push(steps);
      if (spec.seriesTau > steps) throw new OptionError(`--tau ${spec.seriesTau} is longer than --steps ${steps}`);
      return {
        preset: name, quick: !!o.quick,
        settings: {
          loss: '½ wᵀHw, H = Q diag(h) Qᵀ (Q: the E6 basis of docs/methods.md)', curvatures: spec.curvatures, lr: spec.eta,
          steps, windows: spec.taus, seriesTau: spec.seriesTau, Q0: 'identity', dmd: '5 runs × 80 steps, rank 3, no delays (run 0 = the FTLE run)', seed: spec.seed,
        },
        result: runQuadratic(spec, onProgress),
      };
    },
  };
  return preset;
}

const REGRESSION = { hidden: 10, samples: 32, eta: 0.1, initScale: 1.5, k: 4 } as const;

/** The regression settings shared by regression-* and paper3 (one set of defaults and quick variants for both). */
function regressionBase(o: PresetOverrides): Omit<RegressionSpec, 'activation' | 'seed' | 'clv'> {
  return {
    hidden: o.hidden ?? REGRESSION.hidden, samples: REGRESSION.samples, eta: o.lr ?? REGRESSION.eta,
    steps: o.steps ?? (o.quick ? 600 : 2000), tau: o.tau ?? (o.quick ? 50 : 100), k: o.k ?? REGRESSION.k,
    initScale: REGRESSION.initScale,
  };
}

function regressionPreset(activation: ActivationName): LyapunovPreset {
  const preset: LyapunovPreset = {
    name: `regression-${activation}`, kind: 'regression',
    description: `one 1–10–1 ${activation} net on y = sin(πx): FTLEs, CLV angles, final-window exponents vs the Hessian's`,
    runtime: { quick: '< 1 s', full: '~1 s' },
    accepts: ['steps', 'tau', 'k', 'hidden', 'lr', 'seed'],
    run(o, onProgress) {
      checkAccepted(preset, o);
      const spec: RegressionSpec = { activation, ...regressionBase(o), seed: o.seed ?? 0, clv: true };
      return {
        preset: preset.name, quick: !!o.quick,
        settings: { task: 'y = sin(πx), 32 points on [−1, 1]', network: `1–${spec.hidden}–1, ${activation}`, loss: '(1/2M) Σ (f(x) − y)²',
          optimizer: `full-batch GD, lr ${spec.eta}`, steps: spec.steps, tau: spec.tau, k: spec.k,
          init: `W1, b1 ~ N(0, ${spec.initScale}²), W2 ~ N(0, 1/H), b2 = 0`, seed: spec.seed, clv: 'Ginelli, steps tau … steps − tau' },
        result: runRegression(spec, onProgress && ((f) => onProgress(f, 'training'))),
      };
    },
  };
  return preset;
}

/** Set B's first seed is set A's plus this (disjoint for up to this many runs per activation). */
export const REPLICATION_OFFSET = 1000;

const PAPER3_ACTIVATIONS: ActivationName[] = ['tanh', 'sigmoid', 'softplus', 'sin'];

const paper3: LyapunovPreset = {
  name: 'paper3', kind: 'ensemble',
  description: 'paper 3: 30 initial conditions × 4 activations × 2 seed sets; FTLEs, CLV angle and the current loss vs final loss (ρ, partial ρ, Holm)',
  runtime: { quick: '~15 s', full: '~1 min' },
  accepts: ['steps', 'tau', 'k', 'hidden', 'runs', 'lr', 'seed'],
  run(o, onProgress) {
    checkAccepted(paper3, o);
    const activations = o.quick ? PAPER3_ACTIVATIONS.slice(0, 2) : PAPER3_ACTIVATIONS;
    const seed = o.seed ?? 0;
    const spec = {
      activations, runsPerActivation: o.runs ?? 30, seed, replicationSeed: seed + REPLICATION_OFFSET, clvAngle: true, alpha: 0.05,
      base: regressionBase(o),
    };
    const R = spec.runsPerActivation, range = (s: number) => `${s} … ${s + R - 1}`;
    return {
      preset: 'paper3', quick: !!o.quick,
      settings: { task: 'y = sin(πx), 32 points on [−1, 1]', network: `1–${spec.base.hidden}–1`, activations,
        runsPerActivation: R, seeds: `set A ${range(seed)}, replication set B ${range(spec.replicationSeed)} (same initial weights for every activation within a set)`,
        optimizer: `full-batch GD, lr ${spec.base.eta}`, steps: spec.base.steps, tau: spec.base.tau, k: spec.base.k,
        init: `W1, b1 ~ N(0, ${spec.base.initScale}²), W2 ~ N(0, 1/H), b2 = 0`,
        indicators: 'λ₁, λ₁+…+λ_k, min ∠(CLV₁, CLV₂) over [c − τ, c − τ/2] (backward pass from c), baseline ln C(w_c)',
        statistic: 'Spearman ρ(indicator at checkpoint c, ln final loss), p from the t-distribution (df n − 2, scipy\'s spearmanr); ' +
          'partial Spearman given ln C(w_c) (df n − 3)',
        multipleTesting: `Holm over checkpoints × indicators (ρ and partial ρ together) per seed set and group; significant: adjusted p < ${spec.alpha}` },
      result: runEnsemble(spec, onProgress),
    };
  },
};

export const LYAPUNOV_PRESETS: LyapunovPreset[] = [
  quadraticPreset('quadratic', 0.05, 'GD on a quadratic (docs/methods.md E6, lr 0.05): FTLEs → ln|1 − ηh| at O(1/τ), DMD λ = 1 − ηh on the same run'),
  quadraticPreset('quadratic-edge', 0.19, 'the same at lr 0.19: λ = 0.81, 0.43, −0.90 (a period-2 direction, near the edge of stability)'),
  ...ACTIVATION_NAMES.map(regressionPreset),
  paper3,
];

export function getLyapunovPreset(name: string): LyapunovPreset {
  const p = LYAPUNOV_PRESETS.find((x) => x.name === name);
  if (!p) throw new OptionError(`unknown preset '${name}'; presets: ${LYAPUNOV_PRESETS.map((x) => x.name).join(', ')}`);
  return p;
}
