/**
 * Paper 1's published eigenvalue files (william-redman/Identifying_Equivalent_Training_Dynamics, Results/*.npy,
 * MIT licence) for the tests. They are NOT copied into the repository: they are read at run time from the shared
 * folder beside the repository root, `../shared/data/paper1` (or `$KOOPSCOPE_SHARED/data/paper1` when that variable
 * names the shared folder), with the project's own reader (`readTrajectoryFile` from src/io). Tests that need them
 * use `describe.skipIf(!paperDataAvailable())`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTrajectoryFile, type EigenvalueSets } from '../src/io/index';

/** The repository root: this helper lives in `<root>/test/`. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The shared folder: `$KOOPSCOPE_SHARED` if set, else `../shared` beside the repository root. */
export function sharedDir(): string {
  const env = process.env.KOOPSCOPE_SHARED;
  return env ? resolve(env) : resolve(repoRoot, '../shared');
}

/** Where paper 1's .npy files are looked for. */
export function paperDataDir(): string {
  return resolve(sharedDir(), 'data/paper1');
}

/** True when the paper-1 data folder exists (the tests that read it are skipped otherwise). */
export function paperDataAvailable(): boolean {
  const dir = paperDataDir();
  return existsSync(dir) && statSync(dir).isDirectory();
}

/** The raw bytes of one file in the paper-1 folder (e.g. to check its SHA-256 against the fixture). */
export function readPaperFile(fileName: string): Uint8Array {
  return new Uint8Array(readFileSync(join(paperDataDir(), fileName)));
}

/**
 * Reads one published eigenvalue file: a complex (k,) array gives one set, a (seeds, k) array gives `seeds` sets
 * (row-major rows), each `{ re, im }` of Float64Array.
 */
export function loadPaperEigenvalues(fileName: string): EigenvalueSets {
  const res = readTrajectoryFile(fileName, readPaperFile(fileName));
  if (res.kind !== 'eigenvalues') {
    throw new Error(`${join(paperDataDir(), fileName)} was read as a weight trajectory, not as eigenvalues`);
  }
  return res;
}

/** A visible note (once per caller) when the shared folder is absent and the paper-1 tests are skipped. */
export function notePaperDataSkipped(what: string): void {
  if (!paperDataAvailable()) {
    console.warn(`[skipped] ${what}: paper-1 data folder not found at ${paperDataDir()} ` +
      '(set KOOPSCOPE_SHARED to the shared folder to run these tests).');
  }
}
