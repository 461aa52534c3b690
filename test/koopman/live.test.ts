/** LiveSpectrum: refresh throttling, window/option changes, NaN refusal, spectrum equals the batch window fit. */
import { describe, expect, it } from 'vitest';
import { computeSpectrum } from '../../src/koopman/analyze';
import { LiveSpectrum } from '../../src/koopman/live';

function rotationSnapshots(T: number, N: number): Float32Array[] {
  let s = 3;
  const rnd = () => ((s = (s * 1664525 + 1013904223) % 4294967296), s / 4294967296 - 0.5);
  const Q = Array.from({ length: N }, () => [rnd(), rnd(), rnd()]);
  let z = [1, 0, 0.5];
  const out: Float32Array[] = [];
  for (let t = 0; t < T; t++) {
    out.push(Float32Array.from(Q, (q) => q[0] * z[0] + q[1] * z[1] + q[2] * z[2]));
    z = [0.99 * (Math.cos(0.2) * z[0] - Math.sin(0.2) * z[1]), 0.99 * (Math.sin(0.2) * z[0] + Math.cos(0.2) * z[1]), 0.95 * z[2]];
  }
  return out;
}

describe('LiveSpectrum', () => {
  it('refreshes at most maxRefreshHz times a second, and only with enough snapshots', () => {
    let t = 0;
    const live = new LiveSpectrum(() => t);
    live.configure(20, { rank: { kind: 'rank', r: 3 } }, 10);
    live.restart(30, 1, 5);
    const snaps = rotationSnapshots(40, 30);
    expect(live.push(0, [snaps[0]])).toBe(false);
    expect(live.push(5, [snaps[1]])).toBe(false);
    expect(live.push(10, [snaps[2]])).toBe(true);           // 3 snapshots: a first spectrum is due
    const first = live.refresh();
    expect(first.w1FromPrevious).toBeNull();
    expect(live.push(15, [snaps[3]])).toBe(false);          // same instant: throttled
    expect(live.pendingIn()).toBe(100);
    t = 100;
    expect(live.due()).toBe(true);
    const second = live.refresh();
    expect(second.snapshots).toBe(4);
    expect(second.step).toBe(15);
    expect(second.w1FromPrevious).not.toBeNull();
    expect(second.report.dt).toBe(5);
  });

  it('gives the spectrum of the last `window` snapshots', () => {
    let t = 0;
    const live = new LiveSpectrum(() => (t += 1000));
    live.configure(20, { rank: { kind: 'rank', r: 3 } });
    live.restart(30, 1, 1);
    const snaps = rotationSnapshots(50, 30);
    snaps.forEach((x, i) => live.push(i, [x]));
    const u = live.refresh();
    const data = new Float32Array(50 * 30);
    snaps.forEach((x, i) => data.set(x, i * 30));
    const batch = computeSpectrum({ runs: 1, T: 50, N: 30, data }, { rank: { kind: 'rank', r: 3 }, window: { start: 30, end: 50 } }).spectrum;
    u.report.eigenvalues.forEach(([re, im], i) => {
      expect(re).toBeCloseTo(batch.eigenvalues[i].re, 6);
      expect(im).toBeCloseTo(batch.eigenvalues[i].im, 6);
    });
    expect(u.report.eigenvalues[0][0]).toBeCloseTo(0.99 * Math.cos(0.2), 4);
    expect(u.memoryBytes).toBeGreaterThan(20 * 30 * 4);
  });

  it('refuses NaN snapshots and snapshots before a run is announced', () => {
    const live = new LiveSpectrum();
    expect(() => live.push(0, [new Float32Array(3)])).toThrow(/restart/);
    live.restart(3, 1, 1);
    expect(() => live.push(0, [Float32Array.from([1, NaN, 2])])).toThrow(/NaN/);
    expect(live.snapshots).toBe(0);
  });

  it('keeps ensembles together and restarts on a new window length', () => {
    const live = new LiveSpectrum(() => 1e9);
    live.restart(30, 2, 1);
    const snaps = rotationSnapshots(10, 30);
    snaps.forEach((x, i) => live.push(i, [x, x]));
    expect(live.snapshots).toBe(10);
    live.configure(8, { rank: { kind: 'rank', r: 3 } });
    expect(live.snapshots).toBe(0);
    expect(() => live.configure(2, {})).toThrow(/window/);
  });
});
