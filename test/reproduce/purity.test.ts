/**
 * src/reproduce is pure orchestration (it must run in a browser worker later): no Node built-ins, no command line,
 * no app, no DOM. Data loading is injected through RunOptions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../src/reproduce', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('src/reproduce imports', () => {
  it('finds the modules', () => expect(files.length).toBeGreaterThanOrEqual(7));
  it.each(files)('%s imports no Node built-in, CLI, app or Node-only training module', (f) => {
    const src = readFileSync(join(dir, f), 'utf8');
    const specs = [...src.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
    for (const s of specs) {
      expect(s.startsWith('node:') || /^(fs|path|os|url|child_process)$/.test(s), s).toBe(false);
      expect(/\/(cli|app)\//.test(s) || /train\/node\//.test(s), s).toBe(false);
    }
    expect(src).not.toMatch(/\b(process\.|document\.|window\.)/);
  });
});
