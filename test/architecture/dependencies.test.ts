/**
 * The dependency rule (README, Layout):
 *
 * 1. Pure core. The numerical core (src/linalg, src/io, src/koopman, src/demos, src/lyapunov, src/kpflow) imports
 *    nothing but itself and a short list of pure libraries: no React, DOM, tfjs, plotly, zustand or Node built-ins,
 *    so it runs unchanged in the browser, in workers and in Node. tsconfig.core.json (no DOM lib, no Node types)
 *    backs this up at compile time.
 * 2. TensorFlow.js (`@tensorflow/*`) is imported by src/train and by src/cli/nodeBackend.ts (Node's backends) only.
 * 3. Arrows. Every import between top-level folders of src/ follows ARROWS below, which is acyclic, so no two
 *    folders depend on each other. src/app and its subfolders count as one node `app` here (arrows inside the app
 *    are test/architecture/app-arrows.test.ts's business).
 *
 * Imports are read by ./imports.ts: static, type-only, side-effect (`import 'x'`), re-exports (`export * from`),
 * dynamic `import()` and worker URLs (`new URL('x', import.meta.url)`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { imports, sourceFiles } from './imports';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(root, 'src');

const CORE = ['linalg', 'io', 'koopman', 'demos', 'lyapunov', 'kpflow'] as const;
const ALLOWED_PACKAGES = new Set(['ml-matrix', 'fflate']);

type Folder = typeof CORE[number] | 'train' | 'reproduce' | 'workers' | 'cli' | 'app';

/**
 * The allowed arrows: ARROWS[a] lists the folders that files in src/a may import (besides src/a itself). workers
 * holds every worker entry point and its message protocol, so it may reach all of the engine; cli and app are the
 * two front ends, and nothing imports either of them.
 */
const ARROWS: Record<Folder, readonly Folder[]> = {
  linalg: [],
  io: ['linalg'],
  koopman: ['linalg', 'io'],
  demos: ['linalg', 'koopman'],
  lyapunov: ['linalg', 'koopman'],
  kpflow: ['linalg', 'koopman'],
  train: ['linalg', 'io', 'koopman'],
  reproduce: ['linalg', 'io', 'koopman', 'demos', 'train'],
  workers: ['linalg', 'io', 'koopman', 'demos', 'lyapunov', 'kpflow', 'train', 'reproduce'],
  cli: ['linalg', 'io', 'koopman', 'demos', 'lyapunov', 'kpflow', 'train', 'reproduce', 'workers'],
  app: ['linalg', 'io', 'koopman', 'demos', 'lyapunov', 'kpflow', 'train', 'reproduce', 'workers'],
};

/** The top-level folder of src/ that `absPath` lies in, or undefined outside src/. */
function folderOf(absPath: string): string | undefined {
  const rel = relative(SRC, absPath);
  if (rel.startsWith('..') || rel === '') return undefined;
  return rel.split(sep)[0];
}

describe('pure core', () => {
  const coreFiles = CORE.flatMap((d) => sourceFiles(join(SRC, d)));
  it('finds the core', () => expect(coreFiles.length).toBeGreaterThan(10));
  it.each(coreFiles.map((f) => [relative(root, f), f]))('%s imports only the core and pure libraries', (_rel, file) => {
    for (const spec of imports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = folderOf(join(file, '..', spec));
        expect((CORE as readonly (string | undefined)[]).includes(target), `${spec} leaves the core`).toBe(true);
      } else {
        expect(ALLOWED_PACKAGES.has(spec), `'${spec}' is not allowed in the core`).toBe(true);
      }
    }
  });
});

describe('TensorFlow.js', () => {
  const TFJS_IMPORTERS = (rel: string) => rel.startsWith('src/train/') || rel === 'src/cli/nodeBackend.ts';
  it('is imported by src/train and src/cli/nodeBackend.ts only', () => {
    const importers = sourceFiles(SRC)
      .filter((f) => imports(readFileSync(f, 'utf8')).some((s) => s.startsWith('@tensorflow/')))
      .map((f) => relative(root, f).split(sep).join('/'));
    expect(importers.filter((rel) => !TFJS_IMPORTERS(rel))).toEqual([]);
    expect(importers).toContain('src/cli/nodeBackend.ts');
  });
});

describe('arrows between the folders of src/', () => {
  it('every folder of src/ has a row in the table', () => {
    const folders = readdirSync(SRC).filter((f) => statSync(join(SRC, f)).isDirectory()).sort();
    expect(folders).toEqual(Object.keys(ARROWS).sort());
  });

  it('the table is acyclic', () => {
    const state = new Map<Folder, 'open' | 'done'>();
    const visit = (f: Folder, path: Folder[]): void => {
      if (state.get(f) === 'done') return;
      expect(state.get(f), `cycle: ${[...path, f].join(' -> ')}`).not.toBe('open');
      state.set(f, 'open');
      for (const g of ARROWS[f]) visit(g, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of Object.keys(ARROWS) as Folder[]) visit(f, []);
  });

  it('nothing imports app or cli', () => {
    for (const [from, to] of Object.entries(ARROWS)) {
      if (from !== 'app') expect(to, from).not.toContain('app');
      if (from !== 'cli') expect(to, from).not.toContain('cli');
    }
  });

  const all = sourceFiles(SRC).filter((f) => existsSync(f));
  it.each(all.map((f) => [relative(root, f), f]))('%s imports only along the allowed arrows', (_rel, file) => {
    const from = folderOf(file) as Folder;
    const bad = imports(readFileSync(file, 'utf8'))
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => ({ spec, to: folderOf(join(file, '..', spec)) }))
      .filter(({ to }) => to !== from && !(to !== undefined && (ARROWS[from] as readonly string[]).includes(to)))
      .map(({ spec, to }) => `${from} -> ${to ?? 'outside src'} ('${spec}')`);
    expect(bad).toEqual([]);
  });
});
