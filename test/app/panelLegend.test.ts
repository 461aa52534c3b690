/** plots/panelLegend.ts: the legend rows plotly will take, and the room made for them under a panel's figure. */
import { describe, expect, it } from 'vitest';
import type { Data } from 'plotly.js';
import { legendRows, withLegendRoom } from '../../src/app/plots/panelLegend';

describe('panel figure legends', () => {
  it('one row when every entry fits side by side, else columns as wide as the widest entry', () => {
    expect(legendRows([], 300)).toBe(0);
    expect(legendRows(['K', 'P·P*', 'P·K·P*'], 300)).toBe(1);
    // the widest entry is ~152 px: 2 columns (3 rows) in 320 px, 1 (6 rows) in 300 px
    const six = ['eff. rank K', 'eff. rank P·P*', 'eff. rank P·K·P*', 'PR K', 'PR P·P*', 'PR P·K·P*'];
    expect(legendRows(six, 320)).toBe(3);
    expect(legendRows(six, 300)).toBe(6);
    expect(legendRows(six, 2000)).toBe(1);
    // one long name makes every column wide: one entry a row
    expect(legendRows(['λ1', 'λ2', 'λ3', 'λ4', 'ln|1 − ηh| of the final Hessian'], 300)).toBe(5);
  });

  it('grows the figure and its bottom margin by the rows, puts the legend under the figure, lists only shown traces', () => {
    const data = [{ name: 'a' }, { name: 'b', showlegend: false }, { name: 'c' }, {}] as Data[];
    const l = withLegendRoom(data, { margin: { l: 60, r: 10, t: 30, b: 40 }, title: { text: 't' } }, 400, 300);
    expect(l.height).toBe(300 + 19 + 4);
    expect(l.margin).toEqual({ l: 60, r: 10, t: 30, b: 40 + 19 + 4 });
    expect(l.legend).toMatchObject({ orientation: 'h', yref: 'container', y: 0, yanchor: 'bottom' });
    expect(l.title).toEqual({ text: 't' });
    const narrow = withLegendRoom(Array.from({ length: 6 }, (_, i) => ({ name: `a fairly long name ${i}` })) as Data[], {}, 300, 300);
    expect(narrow.margin?.b).toBe(40 + 6 * 19 + 4);
    expect(withLegendRoom(data, { showlegend: false }, 400, 300)).toEqual({ showlegend: false, height: 300 });
  });
});
