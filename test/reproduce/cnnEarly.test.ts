/** The rule that says where W1 between consecutive windows stops falling (cnn-early), on a recorded series. */
import { describe, expect, it } from 'vitest';
import { cnnSettings, movingAverage, plateauStart } from '../../src/reproduce/cnnEarly';

describe('cnn-early plateau rule', () => {
  it('moving average over 5, fewer at the ends', () => {
    expect(movingAverage([1, 2, 3, 4, 5, 6])).toEqual([2, 2.5, 3, 4, 4.5, 5]);
  });
  it('finds the step where a falling, noisy series settles', () => {
    // W1 between consecutive windows of `koopscope reproduce cnn-early --quick` (seed 1)
    const w = [0.2299, 0.1423, 0.0745, 0.1313, 0.1555, 0.1357, 0.1439, 0.1467, 0.1439, 0.1170, 0.0751, 0.1468, 0.0325,
      0.1597, 0.0751, 0.0855, 0.0929, 0.0607, 0.1141, 0.1671, 0.0603, 0.0715, 0.0795, 0.0792, 0.1265];
    const r = plateauStart(w);
    expect(r.index).toBe(10);
    expect(r.plateau).toBeCloseTo(0.0948, 3);
  });
  it('a series that never falls settles at once', () => {
    expect(plateauStart([1, 1, 1, 1, 1, 1]).index).toBe(0);
  });
  it('quick settings are smaller than the full ones', () => {
    expect(cnnSettings(true).steps).toBeLessThan(cnnSettings(false).steps);
  });
});
