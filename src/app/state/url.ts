/**
 * config ⇄ location.hash. The hash is `#v=1&preset=…&lr=…&rank=r10…` (URLSearchParams syntax); only values that
 * differ from the defaults are written, so a plain `#v=1&preset=quadratic` is a valid link. Each key is validated on
 * its own: a bad value is dropped (the default is used) and reported as a problem, never thrown. A hash from a
 * future version is ignored as a whole. Trajectories never go into the URL.
 *
 * Keys: preset quick lr seed dataSeed every runs observe | window rank delays center pca | plane zoom table log smooth
 * rank: r<k> (fixed rank), e<fraction> (energy), optimal, full.
 *
 * preset=custom (a run built in the app, custom.ts) adds model data opt batch steps [order scale perturb], always written
 * so a link states the whole run, e.g. `preset=custom&model=mlp:16,16:tanh:bias&data=spiral:400:0.1&opt=adam:0.01
 * &batch=full&steps=1000`. A bad value falls back to that part's default; an invalid combination (cnn on spiral) to
 * the default custom run; either way with a problem. These keys with another preset are ignored (a problem too).
 */
import { parseSeed } from '../../linalg/seed';
import { presetNames } from '../../train/presets';
import { CUSTOM, CUSTOM_KEYS, encodeCustom, observeProblems, parseCustom } from './custom';
import type { RankRule } from '../../koopman/types';
import { DEFAULT_DMD, DEFAULT_RUN, DEFAULT_VIEW, type AppState, type DmdConfig, type RunConfig, type ViewConfig } from './store';

export const URL_VERSION = 1;

export type Config = AppState['config'];

export interface ParsedHash {
  config: Config;
  /** One line per dropped key or value, for a notice. */
  problems: string[];
}

export function defaultConfig(): Config {
  return { run: { ...DEFAULT_RUN }, dmd: { ...DEFAULT_DMD, rank: { ...DEFAULT_DMD.rank } }, view: { ...DEFAULT_VIEW } };
}

export function rankToString(r: RankRule): string {
  switch (r.kind) {
    case 'rank': return `r${r.r}`;
    case 'energy': return `e${r.fraction}`;
    case 'optimal': return 'optimal';
    case 'full': return 'full';
  }
}

export function parseRank(s: string): RankRule | undefined {
  if (s === 'optimal' || s === 'full') return { kind: s };
  if (/^r\d+$/.test(s)) { const r = Number(s.slice(1)); return r >= 1 && r <= 1000 ? { kind: 'rank', r } : undefined; }
  if (/^e(0(\.\d+)?|1(\.0+)?)$/.test(s)) { const f = Number(s.slice(1)); return f > 0 && f <= 1 ? { kind: 'energy', fraction: f } : undefined; }
  return undefined;
}

const int = (min: number, max: number) => (s: string) =>
  /^\d+$/.test(s) && Number(s) >= min && Number(s) <= max ? Number(s) : undefined;
const bool = (s: string) => (s === '1' ? true : s === '0' ? false : undefined);
const oneOf = <T extends string>(...xs: T[]) => (s: string) => (xs as string[]).includes(s) ? (s as T) : undefined;
const positive = (s: string) => { const x = Number(s); return s.trim() !== '' && Number.isFinite(x) && x > 0 && x < 100 ? x : undefined; };
const fraction = (s: string) => { const x = Number(s); return s.trim() !== '' && x >= 0 && x < 1 ? x : undefined; };

/** One row per URL key: which part of the config it sets, how it is read and written. */
interface Field<T> { key: string; part: keyof Config; prop: string; parse: (s: string) => T | undefined; show?: (v: T) => string }
const f = <T>(x: Field<T>): Field<unknown> => x as Field<unknown>;

const FIELDS: Field<unknown>[] = [
  f({ key: 'preset', part: 'run', prop: 'preset', parse: (s) => (presetNames().includes(s) || s === CUSTOM ? s : undefined) }),
  f({ key: 'quick', part: 'run', prop: 'quick', parse: bool, show: (v) => (v ? '1' : '0') }),
  f({ key: 'lr', part: 'run', prop: 'lr', parse: positive }),
  f({ key: 'seed', part: 'run', prop: 'initSeed', parse: parseSeed }),
  f({ key: 'dataSeed', part: 'run', prop: 'dataSeed', parse: parseSeed }),
  f({ key: 'every', part: 'run', prop: 'snapshotEvery', parse: int(1, 10_000) }),
  f({ key: 'runs', part: 'run', prop: 'runs', parse: int(1, 64) }),
  f({ key: 'observe', part: 'run', prop: 'observe', parse: (s) => (/^[\w.,\- ]{1,300}$/.test(s) ? s : undefined) }),
  f({ key: 'window', part: 'dmd', prop: 'window', parse: int(3, 100_000) }),
  f({ key: 'rank', part: 'dmd', prop: 'rank', parse: parseRank, show: rankToString }),
  f({ key: 'delays', part: 'dmd', prop: 'delays', parse: int(0, 64) }),
  f({ key: 'center', part: 'dmd', prop: 'center', parse: bool, show: (v) => (v ? '1' : '0') }),
  f({ key: 'pca', part: 'dmd', prop: 'pca', parse: int(0, 10_000) }),
  f({ key: 'plane', part: 'view', prop: 'plane', parse: oneOf('discrete', 'continuous') }),
  f({ key: 'zoom', part: 'view', prop: 'zoom', parse: oneOf('unit', 'near1') }),
  f({ key: 'table', part: 'view', prop: 'table', parse: bool, show: (v) => (v ? '1' : '0') }),
  f({ key: 'log', part: 'view', prop: 'logLoss', parse: bool, show: (v) => (v ? '1' : '0') }),
  f({ key: 'smooth', part: 'view', prop: 'smoothing', parse: fraction }),
];

type Part = Record<string, unknown>;

export function encodeHash(config: Config): string {
  const defaults = defaultConfig();
  const q = new URLSearchParams({ v: String(URL_VERSION) });
  for (const fd of FIELDS) {
    const v = (config[fd.part] as unknown as Part)[fd.prop];
    if (v === undefined) continue;
    const show = fd.show ?? String;
    const d = (defaults[fd.part] as unknown as Part)[fd.prop];
    if (d !== undefined && show(d) === show(v)) continue;
    q.set(fd.key, show(v));
  }
  if (config.run.preset === CUSTOM && config.run.custom) for (const [k, v] of encodeCustom(config.run.custom)) q.set(k, v);
  // URLSearchParams escapes ',' and ':' (both fine in a fragment); keep observe lists and custom values readable
  return '#' + q.toString().replace(/%2C/g, ',').replace(/%3A/g, ':');
}

export function parseHash(hash: string): ParsedHash {
  const config = defaultConfig();
  const problems: string[] = [];
  const text = hash.replace(/^#/, '');
  if (text.trim() === '') return { config, problems };
  const q = new URLSearchParams(text);
  const v = q.get('v');
  if (v !== String(URL_VERSION)) {
    problems.push(v === null
      ? 'the link has no version (v=1): its settings were ignored'
      : `the link is from version ${JSON.stringify(v)} of the app, this one reads v=${URL_VERSION}: its settings were ignored`);
    return { config, problems };
  }
  const known = new Set<string>(['v', ...FIELDS.map((x) => x.key), ...CUSTOM_KEYS]);
  for (const key of new Set(q.keys())) if (!known.has(key)) problems.push(`unknown setting '${key}' ignored`);
  for (const fd of FIELDS) {
    const raw = q.get(fd.key);
    if (raw === null) continue;
    const value = fd.parse(raw);
    if (value === undefined) { problems.push(`${fd.key}=${JSON.stringify(raw.slice(0, 40))} is not valid: the default is used`); continue; }
    (config[fd.part] as unknown as Part)[fd.prop] = value;
  }
  if (config.run.preset === CUSTOM) {
    const custom = parseCustom((k) => q.get(k));
    config.run.custom = custom.custom;
    problems.push(...custom.problems);
    const bad = observeProblems(config.run.observe, custom.custom.model);
    if (bad.length) { problems.push(`${bad[0].message}: every parameter is observed`); config.run.observe = undefined; }
  } else {
    const stray = CUSTOM_KEYS.filter((k) => q.has(k));
    if (stray.length) problems.push(`${stray.join(', ')} only apply to preset=custom: ignored`);
  }
  return { config, problems };
}

/** The notice text for parse problems (undefined when there are none). */
export function hashProblemsText(problems: string[]): string | undefined {
  return problems.length ? `Some settings in the link could not be used: ${problems.join('; ')}.` : undefined;
}

export type { DmdConfig, RunConfig, ViewConfig };
