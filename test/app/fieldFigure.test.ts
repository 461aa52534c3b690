import { describe, expect, it } from 'vitest';
import { classRaster, CLASS_COLOURS, fieldFigure } from '../../src/app/plots/fieldFigure';
import { initialState } from '../../src/app/state/store';
import type { FieldData, FieldGrid } from '../../src/workers/protocol';

function state(fieldData?: FieldData, field?: FieldGrid) {
  const s = initialState();
  return { ...s, live: { ...s.live, fieldData, field } };
}

const data2: FieldData = {
  task: 'classification', dims: 2, outputs: 2, x: Float32Array.from([0, 0, 1, 1]), y: Float32Array.from([0, 1]),
  bounds: [[-1, 2], [-1, 2]],
};

describe('the data-and-model figure', () => {
  it('2-D classification: the decision regions under the points, tinted by the surer class, clear at a tie', () => {
    // 2×2 grid: sure class 0, sure class 1, a tie, fairly sure class 1
    const grid: FieldGrid = { step: 7, dims: 2, n: 2, outputs: 2, task: 'classification', bounds: data2.bounds, values: Float32Array.from([1, 0, 0, 1, 0.5, 0.5, 0.25, 0.75]) };
    const rgba = classRaster(grid);
    const blue = parseInt(CLASS_COLOURS[0].slice(1, 3), 16);
    expect(rgba[0]).toBe(blue);
    expect(rgba[3]).toBe(Math.round(255 * 0.55));
    expect(rgba[2 * 4 + 3]).toBe(0); // the tie: the boundary
    expect(rgba[3 * 4 + 3]).toBe(Math.round(255 * 0.55 * 0.5));
    const fig = fieldFigure(state(data2, grid));
    expect((fig.data[0] as { type: string }).type).toBe('koop-raster');
    expect(fig.data[1]).toMatchObject({ mode: 'markers', x: [0, 1], y: [0, 1] });
    expect(fig.layout.annotations?.[0].text).toBe('decision regions · model at step 7');
    expect(fig.summary).toMatch(/decision regions over 2 training points of 2 classes, at step 7/);
  });

  it('1-D regression: the points and the fitted curve; before the first field only the points', () => {
    const data1: FieldData = { task: 'regression', dims: 1, outputs: 1, x: Float32Array.from([-1, 0, 1]), y: Float32Array.from([0, 1, 0]), bounds: [[-1, 1]] };
    expect(fieldFigure(state(data1)).data).toHaveLength(1);
    const grid: FieldGrid = { step: 3, dims: 1, n: 3, outputs: 1, task: 'regression', bounds: data1.bounds, values: Float32Array.from([0.1, 0.9, 0.1]) };
    const fig = fieldFigure(state(data1, grid));
    expect(fig.data[1]).toMatchObject({ mode: 'lines', name: 'model', x: [-1, 0, 1] });
    expect(fig.layout.annotations?.[0].text).toBe('fitted curve · model at step 3');
  });
});
