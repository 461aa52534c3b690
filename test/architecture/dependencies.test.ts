/**
 * The dependency rule (README): the numerical core (src/linalg, src/koopman, src/io, src/demos) imports nothing
 * but itself and a short list of pure libraries: no React, DOM, tfjs, plotly, zustand or Node built-ins, so it runs
 * unchanged in the browser, in workers and in Node. tsconfig.core.json (no DOM lib, no Node types) backs this up
 * at compile time.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CORE = ['src/linalg', 'src/koopman', 'src/io', 'src/demos', 'src/lyapunov', 'src/kpflow'];
const ALLOWED_PACKAGES = new Set(['ml-matrix', 'fflate']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function imports(src: string): string[] {
  const out: string[] = [];
  for (const m of src.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1] ?? m[2]);
  return out;
}

describe('dependency direction', () => {
  const coreFiles = CORE.filter((d) => existsSync(join(root, d))).flatMap((d) => files(join(root, d)));
  it('finds the core', () => expect(coreFiles.length).toBeGreaterThan(10));
  it.each(coreFiles.map((f) => [relative(root, f), f]))('%s imports only the core and pure libraries', (_rel, file) => {
    for (const spec of imports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = relative(root, join(file, '..', spec));
        expect(CORE.some((c) => target.startsWith(c)), `${spec} leaves the core`).toBe(true);
      } else {
        expect(ALLOWED_PACKAGES.has(spec), `'${spec}' is not allowed in the core`).toBe(true);
      }
    }
  });
  it('the command line and app never import each other', () => {
    for (const f of files(join(root, 'src/cli'))) expect(imports(readFileSync(f, 'utf8')).some((s) => s.includes('/app/'))).toBe(false);
    for (const f of files(join(root, 'src/app'))) expect(imports(readFileSync(f, 'utf8')).some((s) => s.includes('/cli/'))).toBe(false);
  });
});
