/** The import scanner the architecture tests rely on: every import form counts, comments do not. */
import { describe, expect, it } from 'vitest';
import { imports } from './imports';

describe('imports', () => {
  it('finds static, type-only, side-effect, re-export, dynamic and worker-URL imports', () => {
    const src = [
      "import 'side';",
      "import type { A } from './a';",
      "export * from './star';",
      'export type { B } from "./b";',
      "import D, {\n  E,\n  F as G,\n} from './de';",
      "const x = await import('./dyn');",
      "new Worker(new URL('./w.worker.ts', import.meta.url), { type: 'module' });",
    ].join('\n');
    expect(imports(src).sort()).toEqual(['./a', './b', './de', './dyn', './star', './w.worker.ts', 'side'].sort());
  });
  it('ignores imports written in comments', () => {
    expect(imports("// import 'x'\n/* export * from './y' */\nconst url = 'http://a/b'; // import './z'\n")).toEqual([]);
  });
});
