/**
 * The page's "Open file": a trajectory chosen through a real input[type=file] is read and analysed in a worker and
 * gives the same spectrum as the engine (and the command line, which calls the same code); a bad file gives a
 * one-line alert and the page keeps working.
 */
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app/App';
import { writeNpy } from '../../src/io/index';
import { computeSpectrum } from '../../src/koopman/analyze';

function linear(T: number, N: number): Float64Array {
  let s = 11;
  const rnd = () => ((s = (s * 1664525 + 1013904223) % 4294967296), s / 4294967296 - 0.5);
  const Q = Array.from({ length: N }, () => [rnd(), rnd(), rnd()]);
  let z = [1, 0.4, -0.7];
  const data = new Float64Array(T * N);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) data[t * N + i] = Q[i][0] * z[0] + Q[i][1] * z[1] + Q[i][2] * z[2];
    z = [0.97 * (Math.cos(0.2) * z[0] - Math.sin(0.2) * z[1]), 0.97 * (Math.sin(0.2) * z[0] + Math.cos(0.2) * z[1]), 0.9 * z[2]];
  }
  return data;
}

async function until<T>(f: () => T | null | undefined, ms = 30_000): Promise<T> {
  const t0 = performance.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (performance.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function choose(input: HTMLInputElement, file: File): void {
  const dt = new DataTransfer();
  dt.items.add(file);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

describe('Open file', () => {
  it('shows the spectrum of a chosen file, and an alert for a bad one without breaking the page', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    createRoot(host).render(createElement(App));
    const input = await until(() => host.querySelector<HTMLInputElement>('[data-testid="open-file"]'));

    choose(input, new File([new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])], 'broken.npy'));
    const alert = await until(() => host.querySelector('[role="alert"]'));
    expect(alert.textContent).toMatch(/^broken\.npy: /);

    const T = 40, N = 30, data = linear(T, N);
    choose(input, new File([writeNpy({ dtype: 'float64', shape: [T, N], data }) as Uint8Array<ArrayBuffer>], 'lin.npy'));
    const table = await until(() => host.querySelector('table.spectrum'));
    expect(host.querySelector('[role="alert"]')).toBeNull();
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent)));
    const expected = computeSpectrum({ runs: 1, T, N, data }, { rank: { kind: 'rank', r: 10 } }).spectrum.eigenvalues;
    expect(rows).toHaveLength(expected.length);
    rows.forEach((r, i) => {
      expect(r[1]).toBeCloseTo(expected[i].re, 5);
      expect(r[2]).toBeCloseTo(expected[i].im, 5);
    });
    expect(rows[0][3]).toBeCloseTo(0.97, 5);
  });
});
