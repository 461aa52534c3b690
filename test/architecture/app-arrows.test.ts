/**
 * The page's folder arrows (README, Layout): inside src/app, each subfolder may import only the ones listed here, so
 * the page has no import cycles between its parts. Root files (App.tsx, main.tsx) wire everything; ui renders;
 * plots draws (reading the store through hooks); state holds the store and the actions; client starts and talks to
 * the workers (src/workers) and gets callbacks and configuration passed in, importing nothing else of the page.
 * Every reference counts as an arrow (imports.ts, the scanner the core's arrows test uses too): `import … from`,
 * `import type`, `export … from`, a bare `import 'x'`, a dynamic `import('x')` and a worker's `new URL('x', import.meta.url)`. Also: only plots imports plotly, and the workers
 * (src/workers) import nothing of the page.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { imports as references, sourceFiles as files } from './imports';

const root = fileURLToPath(new URL('../..', import.meta.url));
const APP = join(root, 'src/app');

type Node = 'root' | 'ui' | 'state' | 'plots' | 'client';
const ALLOWED: Record<Node, Node[]> = {
  root: ['ui', 'state', 'plots', 'client'],
  ui: ['state', 'plots', 'client'],
  plots: ['state'],
  state: ['client'],
  client: [],
};
/** The only code files directly in src/app. */
const ROOT_FILES = ['App.tsx', 'main.tsx', 'vite-env.d.ts'];

/** The folder of src/app a path is in ('root' for files directly in src/app), or undefined outside src/app. */
function nodeOf(path: string): Node | string | undefined {
  const rel = relative(APP, path);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split(sep);
  return parts.length === 1 ? 'root' : parts[0];
}

const appFiles = files(APP);

describe('src/app folder arrows', () => {
  it('finds the page', () => expect(appFiles.length).toBeGreaterThan(40));

  it('the scan sees every kind of reference', () => {
    expect(references([
      "import { a } from '../state/a';", "import type { B } from '../ui/b';", "export { c } from '../plots/c';",
      "import '../client/d';", "const e = await import('../state/e');",
      "new Worker(new URL('../../workers/f.worker.ts', import.meta.url), { type: 'module' });",
      "import {\n  g,\n  h,\n} from '../state/g';", '// import { x } from "../ui/x";', "/* import { y } from '../ui/y'; */",
    ].join('\n')).sort()).toEqual(['../../workers/f.worker.ts', '../client/d', '../plots/c', '../state/a', '../state/e', '../state/g', '../ui/b'].sort());
  });

  it('only App.tsx and main.tsx sit in src/app itself', () => {
    const direct = appFiles.filter((f) => nodeOf(f) === 'root').map((f) => relative(APP, f)).sort();
    expect(direct.every((f) => ROOT_FILES.includes(f)), direct.join(', ')).toBe(true);
  });

  it.each(appFiles.map((f) => [relative(root, f), f]))('%s follows the arrows', (_rel, file) => {
    const from = nodeOf(file) as Node;
    expect(Object.keys(ALLOWED), `unknown folder src/app/${from}`).toContain(from);
    for (const spec of references(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = join(dirname(file), spec);
      const to = nodeOf(existsSync(target) && statSync(target).isDirectory() ? join(target, 'index.ts') : target);
      if (to === undefined || to === from) continue;
      expect(ALLOWED[from], `${from} -> ${to} ('${spec}')`).toContain(to);
    }
  });

  it('src/workers (every worker entry point) never refers to src/app', () => {
    const workers = files(join(root, 'src/workers'));
    expect(workers.length).toBeGreaterThan(5);
    for (const f of workers) {
      for (const spec of references(readFileSync(f, 'utf8')).filter((x) => x.startsWith('.'))) {
        expect(nodeOf(join(dirname(f), spec)), `${relative(root, f)}: '${spec}'`).toBeUndefined();
      }
    }
  });

  it('only src/app/plots imports plotly (types included)', () => {
    const offenders = appFiles.filter((f) => nodeOf(f) !== 'plots' && references(readFileSync(f, 'utf8')).some((s) => s.startsWith('plotly')));
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });
});
