/**
 * The repository stands alone: no source file, test, script, benchmark, doc or CI script cites a document that lives
 * outside it (the developers' private methods and browser notes). What the code relies on is written up in
 * docs/methods.md and docs/browser-notes.md, and citations point there; this test keeps it so, and checks that every
 * `methods.md#…` / `browser-notes.md#…` anchor cited anywhere exists.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const ROOTS = ['src', 'test', 'scripts', 'bench', 'docs', '.ci', 'README.md'];
const BINARY = /\.(npy|npz|safetensors|pt|bin|wasm|png|jpe?g|gif|ico|woff2?)$/i;

/** Citations of documents outside the repository. */
export const OUTSIDE_CITATIONS: [RegExp, string][] = [
  [/methods notes/i, "the private 'methods notes' (cite docs/methods.md)"],
  [/browser-stack\b/i, 'browser-stack.md (cite docs/browser-notes.md)'],
  [/shared\/notes/i, 'the shared notes folder (cite docs/)'],
  [/\bnotes\s*§/i, "a 'notes §' section (cite a section of an in-repo doc)"],
];

/** Every regular text file under `p` (symbolic links, such as public/data, are not followed). */
function textFiles(p: string): string[] {
  if (!existsSync(p)) return [];
  const st = lstatSync(p);
  if (st.isSymbolicLink()) return [];
  if (st.isDirectory()) return readdirSync(p).flatMap((f) => textFiles(join(p, f)));
  return st.isFile() && !BINARY.test(p) ? [p] : [];
}

/** The offending lines of one file's text, as 'line N: what'. */
export function outsideCitations(text: string): string[] {
  const hits: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const [re, what] of OUTSIDE_CITATIONS) if (re.test(line)) hits.push(`line ${i + 1}: ${what}: ${line.trim().slice(0, 120)}`);
  });
  return hits;
}

const scanned = ROOTS.flatMap((r) => textFiles(join(root, r))).filter((f) => f !== SELF);

describe('the repository cites no document outside it', () => {
  it('scans the sources, tests, scripts, benchmarks, docs and README', () => {
    expect(scanned.length).toBeGreaterThan(200);
    expect(scanned.some((f) => relative(root, f) === 'README.md')).toBe(true);
  });

  it('recognises each kind of outside citation (and leaves in-repo ones alone)', () => {
    expect(outsideCitations('see methods notes E6')).toHaveLength(1);
    expect(outsideCitations('x\n(browser-stack.md §2.2)')).toEqual([expect.stringMatching(/^line 2: browser-stack/)]);
    expect(outsideCitations('/work/shared/notes/methods.md section 5')).toHaveLength(1);
    expect(outsideCitations('as in the notes §1.4')).toHaveLength(1);
    expect(outsideCitations('docs/methods.md#e6; docs/browser-notes.md#live-plots; Numerical Recipes §6.4')).toEqual([]);
  });

  it.each(scanned.map((f) => [relative(root, f), f]))('%s', (_rel, file) => {
    expect(outsideCitations(readFileSync(file, 'utf8'))).toEqual([]);
  });
});

describe('in-repo citations point at anchors that exist', () => {
  const anchors = (doc: string) =>
    new Set([...readFileSync(join(root, 'docs', doc), 'utf8').matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
  const docs = { 'methods.md': anchors('methods.md'), 'browser-notes.md': anchors('browser-notes.md') };

  it('the docs define their anchors', () => {
    expect([...docs['methods.md']]).toEqual(expect.arrayContaining(['pipeline', 'e1', 'e6', 'e9', 'e12', 'open']));
    expect([...docs['browser-notes.md']]).toEqual(expect.arrayContaining(['live-variables', 'wasm-binaries', 'live-plots']));
  });

  it('every methods.md#… and browser-notes.md#… cited exists', () => {
    const missing: string[] = [];
    for (const file of [...scanned, SELF]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\b(methods\.md|browser-notes\.md)#([a-z0-9-]+)/g)) {
        if (!docs[m[1] as keyof typeof docs].has(m[2])) missing.push(`${relative(root, file)}: ${m[0]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
