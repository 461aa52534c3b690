/**
 * The recorded reproductions behind the app's results page (src/reproduce/recorded/*.json, written by
 * scripts/record-results.mjs): every file is well formed, and the fast ones still match what the code computes now,
 * so a change to the engine or the trainer cannot leave the page showing numbers the code no longer produces
 * (re-record with `node scripts/record-results.mjs omd-ogd quadratic momentum`). omd-ogd is float64 arithmetic;
 * quadratic and momentum train in float32 on the tfjs cpu backend, which is deterministic: both are compared to
 * 1e-12 (the recordings carry full-precision JSON numbers).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeCpuBackend } from '../../src/cli/nodeBackend';
import { getExperiment } from '../../src/reproduce/index';
import { checkRecorded, formatDuration, rejudge, sortRecorded, type RecordedEntry } from '../../src/reproduce/recorded';

const dir = new URL('../../src/reproduce/recorded/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const load = (f: string) => checkRecorded(f.slice(0, -5), JSON.parse(readFileSync(new URL(f, dir), 'utf8')));

beforeAll(async () => {
  await useNodeCpuBackend();
});

describe('recorded reproductions', () => {
  it('cover paper 1 and the teaching cases', () => {
    const ids = files.map((f) => f.slice(0, -5));
    for (const id of ['omd-ogd', 'quadratic', 'momentum', 'fcn-width-quick', 'grokking-quick', 'cnn-early-quick']) expect(ids).toContain(id);
  });

  it.each(files)('%s is a well-formed recording', (f) => {
    const e = load(f);
    expect(e.command).toMatch(new RegExp(`^koopscope reproduce ${e.result.name}\\b`));
    expect(e.result.quick).toBe(e.command.includes('--quick'));
  });

  it.each(['omd-ogd', 'quadratic', 'momentum'])('%s still matches a fresh run of its command', async (id) => {
    const e = load(`${id}.json`);
    const now = await getExperiment(e.result.name).run({ quick: e.result.quick });
    expect(now.verdict).toBe(e.result.verdict);
    expect(Object.keys(now.spectra)).toEqual(Object.keys(e.result.spectra));
    for (const [g, rows] of Object.entries(now.spectra)) {
      rows.forEach((row, i) => row.forEach(([re, im], k) => {
        expect(re).toBeCloseTo(e.result.spectra[g][i][k][0], 12);
        expect(im).toBeCloseTo(e.result.spectra[g][i][k][1], 12);
      }));
    }
    now.distances.forEach((d, i) => d.values.forEach((v, k) => expect(v).toBeCloseTo(e.result.distances[i].values[k], 12)));
  });

  it.each(files)('%s shows the verdict the current conjugacy test gives for its recorded spectra', (f) => {
    const e = load(f);
    const now = rejudge(e.result);
    expect(e.result.verdict).toBe(now.verdict);
    now.distances.forEach((d, i) => expect(e.result.distances[i].verdict).toBe(d.verdict));
  });

  it('checkRecorded names the file and the field that is wrong', () => {
    const good = load('quadratic.json');
    expect(() => checkRecorded('x', good)).toThrow(/recorded result x: its id is 'quadratic'/);
    expect(() => checkRecorded('quadratic', { ...good, command: 'rm -rf' })).toThrow(/quadratic: no `command`/);
    expect(() => checkRecorded('quadratic', { ...good, result: { ...good.result, distances: null } })).toThrow(/result.distances is not a list/);
    expect(() => checkRecorded('quadratic', 'text')).toThrow(/not a JSON object/);
  });

  it('sorts paper 1 first and formats wall times', () => {
    const stub = (id: string) => ({ id }) as RecordedEntry;
    expect(sortRecorded(['momentum', 'zeta', 'omd-ogd', 'quadratic', 'alpha'].map(stub)).map((e) => e.id))
      .toEqual(['omd-ogd', 'quadratic', 'momentum', 'alpha', 'zeta']);
    expect([0.94, 96, 3900].map(formatDuration)).toEqual(['0.9 s', '1 min 36 s', '1 h 5 min']);
  });
});
