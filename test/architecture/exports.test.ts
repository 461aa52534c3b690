/**
 * One name, one meaning: no two modules under src/ declare an export of the same name, so an import never depends
 * on which of two different things a name means (rename by domain instead: LyapunovActivation, KpflowTrainer, …).
 * Re-exports (`export { x } from './y'`) do not count: they pass on the same thing.
 *
 * The one exception, ALLOWED: the command modules src/cli/commands/*.ts each export `usage` and `run`, because
 * src/cli/main.ts looks every command up by name and calls the same two members on it (one interface, many
 * implementations).
 */
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceFiles, stripComments } from './imports';

const root = fileURLToPath(new URL('../..', import.meta.url));

const ALLOWED: Record<string, (rel: string) => boolean> = {
  usage: (rel) => rel.startsWith('src/cli/commands/'),
  run: (rel) => rel.startsWith('src/cli/commands/'),
};

/**
 * The names `src` declares as exports: `export const|function|class|interface|type|enum X` and `export { a, b as c }`
 * of its own bindings (a name it imported and exports again is a re-export, not a declaration).
 */
export function declaredExports(src: string): string[] {
  const code = stripComments(src);
  const imported = new Set<string>();
  for (const m of code.matchAll(/\bimport\s+(?:type\s+)?([\w$]+\s*,?\s*)?(?:\{([^}]*)\})?\s*from\s*['"]/g)) {
    if (m[1]) imported.add(m[1].replace(',', '').trim());
    for (const part of (m[2] ?? '').split(',')) {
      const local = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()?.trim();
      if (local) imported.add(local);
    }
  }
  const names = [...code.matchAll(
    /^\s*export\s+(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:const|let|var|function\*?|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm,
  )].map((m) => m[1]);
  for (const m of code.matchAll(/^\s*export\s+(?:type\s+)?\{([^}]*)\}\s*(?!\s*from)\s*;?\s*$/gm)) {
    for (const part of m[1].split(',')) {
      const [local, exported = local] = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).map((x) => x.trim());
      if (exported && !imported.has(local)) names.push(exported);
    }
  }
  return names;
}

describe('exported names', () => {
  it('reads declarations and local export lists, not re-exports', () => {
    expect(declaredExports("import { h } from './h';\nexport const A = 1;\nexport interface B {}\n// export type C = 1\nexport { d, e as F, h };\nexport { G } from './g';\n").sort())
      .toEqual(['A', 'B', 'F', 'd']);
  });

  it('no two modules under src/ export the same name', () => {
    const byName = new Map<string, string[]>();
    for (const f of sourceFiles(join(root, 'src')).filter((p) => !p.endsWith('.d.ts'))) {
      const rel = relative(root, f).split(sep).join('/');
      for (const name of new Set(declaredExports(readFileSync(f, 'utf8')))) byName.set(name, [...(byName.get(name) ?? []), rel]);
    }
    const twice = [...byName].filter(([name, files]) => files.length > 1 && !files.every((rel) => ALLOWED[name]?.(rel) ?? false))
      .map(([name, files]) => `${name}: ${files.join(', ')}`);
    expect(twice).toEqual([]);
  });
});
