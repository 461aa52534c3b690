/**
 * The live plots in headless Chromium: each draws its figure on a canvas from the store (points, unit circle, log
 * axes, decimation; checked on the figure it drew, `drawnFigure`), shows hover text, redraws within ~1 s of a store
 * update without a React re-render, removes its canvas on unmount, and exports through plotly.
 */
import { createElement, Profiler, type ComponentType } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SpectrumReport } from '../../src/koopman/report';
import {
  decimateMinMax, drawFigure, drawnFigure, emaDebiased, exportPlot, hoverText, LIGHT, LossPlot, MAX_LINE_POINTS, plotElement, SingularValuesPlot, SpectrumPlot, W1Timeline,
} from '../../src/app/plots';
import { emptyLive, initialState, store, type AppState, type LivePoint } from '../../src/app/state/store';

/** A report whose eigenvalues are r_k·e^{±iθ_k} (conjugate pairs) plus a real one, sorted by |λ| descending. */
function report(n: number, scale = 1, rank = n): SpectrumReport {
  const eig: [number, number][] = [];
  for (let k = 0; eig.length < n; k++) {
    const r = scale * (1.02 - 0.07 * k);
    const th = 0.05 + 0.4 * k;
    eig.push([r * Math.cos(th), r * Math.sin(th)]);
    if (eig.length < n) eig.push([r * Math.cos(th), -r * Math.sin(th)]);
  }
  return {
    source: 'test', eigenvalues: eig,
    details: eig.map(([re, im], i) => {
      const abs = Math.hypot(re, im);
      const arg = Math.atan2(im, re);
      return { abs, arg, growthRate: Math.log(abs), frequency: arg / (2 * Math.PI), ct: [Math.log(abs), arg], amplitude: 1 / (i + 1) };
    }),
    singularValues: Array.from({ length: rank + 4 }, (_, i) => 10 ** (1 - i / 2)),
    rank, rankRule: { kind: 'rank', r: rank }, delays: 0, runs: 1, pairs: 40, embeddedDim: 100, dt: 1, residual: 0.01,
    truncatedEnergy: 1e-4, conditionNumber: 100, sketched: false, warnings: [],
  };
}

async function until<T>(f: () => T | null | undefined | false, ms = 10_000, what = 'condition'): Promise<T> {
  const t0 = performance.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function setState(patch: Partial<AppState>): void {
  store.setState(patch);
}

function setLive(patch: Partial<AppState['live']>): void {
  store.setState({ live: { ...store.getState().live, ...patch } });
}

let mounted: { root: Root; host: HTMLElement }[] = [];

/** Renders `component` under a Profiler and returns its host, the graph div and a live render count. */
function mount(component: ComponentType) {
  const host = document.createElement('div');
  host.style.width = '600px';
  document.body.append(host);
  const root = createRoot(host);
  const renders = { count: 0 };
  flushSync(() => root.render(createElement(Profiler, { id: 'plot', onRender: () => void renders.count++ }, createElement(component))));
  mounted.push({ root, host });
  const gd = host.querySelector<HTMLDivElement>('.koop-plot-area')!;
  return { host, root, gd, renders };
}

/** Waits until the graph div has drawn at least `after` + 1 times; returns its draw count. */
const drawn = (gd: HTMLElement, after = 0) => until(() => Number(gd.dataset.drawn ?? 0) > after && Number(gd.dataset.drawn), 10_000, 'a redraw');

/* eslint-disable @typescript-eslint/no-explicit-any */
/** The figure the plot area last drew (plotly-shaped data and layout). */
const fig = (gd: HTMLElement) => drawnFigure(gd) as any;

/** Points of trace `trace` in the drawn figure (null x: a gap). */
const pointCount = (gd: HTMLElement, trace: number): number =>
  ((fig(gd)?.data[trace]?.x ?? []) as unknown[]).filter((v) => v !== null).length;

afterEach(() => {
  for (const m of mounted) {
    m.root.unmount();
    m.host.remove();
  }
  mounted = [];
  store.setState(initialState(), true);
});

describe('series helpers', () => {
  it('debiased EMA starts at the data and follows a constant; w = 0 is the identity', () => {
    expect(emaDebiased([5, 5, 5], 0.9)).toEqual([5, 5, 5].map(() => expect.closeTo(5, 12)));
    expect(emaDebiased([1, 2, 3], 0)).toEqual([1, 2, 3]);
    const s = emaDebiased([1, NaN, 3], 0.5);
    expect(s[0]).toBeCloseTo(1);
    expect(s[1]).toBeNaN();
    expect(s[2]).toBeCloseTo((0.25 + 1.5) / 0.75); // a = 0.5·0.5 + 0.5·3 over 1 − 0.5²
  });
  it('min–max decimation keeps ≤ the limit (+ ends) and the extremes', () => {
    const n = 100_000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const ys = xs.map((i) => Math.sin(i / 500) + (i === 54_321 ? 50 : 0) - (i === 7 ? 20 : 0));
    const d = decimateMinMax(xs, ys, 2000);
    expect(d.x.length).toBeLessThanOrEqual(2002);
    expect(Math.max(...d.y)).toBe(Math.max(...ys));
    expect(Math.min(...d.y)).toBe(Math.min(...ys));
    expect(d.x[0]).toBe(0);
    expect(d.x.at(-1)).toBe(n - 1);
    expect(d.x.every((x, i) => i === 0 || x > d.x[i - 1])).toBe(true);
  });
});

describe('live plots', () => {
  it('SpectrumPlot: empty state, points and unit circle, updates without re-render, continuous plane, compare, purge', async () => {
    const { host, gd, renders } = mount(SpectrumPlot);
    expect(host.querySelector('[role="figure"]')?.getAttribute('aria-label')).toMatch(/unit circle/);
    await drawn(gd);
    const empty = host.querySelector<HTMLElement>('.koop-plot-empty')!;
    expect(getComputedStyle(empty).display).not.toBe('none');
    expect(empty.textContent).toMatch(/No spectrum yet/);
    // the unit circle, dotted, on equal axes; drawn on a canvas the size of the plot
    const circles = fig(gd).layout.shapes.filter((sh: any) => sh.type === 'circle');
    expect(circles.length).toBe(1);
    expect(circles[0]).toMatchObject({ x0: -1, x1: 1, y0: -1, y1: 1, line: { dash: 'dot' } });
    expect(fig(gd).layout.yaxis.scaleanchor).toBe('x');
    const canvas = gd.querySelector('canvas')!;
    expect(canvas.width).toBe(Math.round(gd.clientWidth * devicePixelRatio));
    expect(canvas.height).toBeGreaterThan(100);

    const first = report(6);
    const older = [report(6, 0.97), report(6, 0.98)];
    let n = Number(gd.dataset.drawn);
    setLive({ spectrum: first, trail: [...older, first], spectrumStep: 100 });
    n = await drawn(gd, n);
    expect(empty.hidden).toBe(true);
    expect(getComputedStyle(empty).display).toBe('none');
    expect(pointCount(gd, 0)).toBe(12); // trail: two earlier windows
    expect(pointCount(gd, 1)).toBe(6);
    expect(host.querySelector('.koop-plot-summary')!.textContent).toMatch(/step 100: 6 eigenvalues .* largest \|λ\| = 1\.020/);
    expect(fig(gd).data[1].marker.showscale).toBe(true); // the |λ| colour bar
    // hover: λ, |λ|, arg λ, growth rate, frequency, amplitude (the points' positions: the same drawing on a scratch canvas)
    const points = drawFigure(document.createElement('canvas'), fig(gd), gd.clientWidth, gd.clientHeight, LIGHT);
    const p = points.find((q) => q.trace === fig(gd).data[1] && q.index === 1)!;
    expect(hoverText(p)).toMatch(/λ = 1\.019 − 0\.05098i\n\|λ\| = 1\.020, arg λ = −0\.05000 rad\ngrowth ln\|λ\|\/Δt = 0\.01980.*\nfrequency = −0\.007958.*\n.*\namplitude \|b\| = 0\.5000\nmode 2/);
    const box = canvas.getBoundingClientRect();
    canvas.dispatchEvent(new PointerEvent('pointermove', { clientX: box.left + p.px, clientY: box.top + p.py, bubbles: true }));
    const tip = host.querySelector<HTMLElement>('.koop-plot-tip')!;
    expect(tip.hidden).toBe(false);
    expect(tip.textContent).toMatch(/mode 2/);
    canvas.dispatchEvent(new PointerEvent('pointerleave'));
    expect(tip.hidden).toBe(true);
    const rendersBefore = renders.count;

    // a new spectrum: redrawn without a React render (no timing asserted: the wait is a hang guard only)
    const next = report(8);
    setLive({ spectrum: next, trail: [...older, first, next], spectrumStep: 200 });
    await until(() => pointCount(gd, 1) === 8, 10_000, '8 points');
    expect(pointCount(gd, 0)).toBe(18);
    expect(renders.count).toBe(rendersBefore);

    // a burst of 20 synchronous updates is coalesced: counted once the last is on screen, a few redraws, not 20
    n = Number(gd.dataset.drawn);
    for (let i = 0; i < 20; i++) setLive({ spectrum: report(4 + (i % 3)), spectrumStep: 300 + i });
    await until(() => pointCount(gd, 1) === 5, 10_000, 'the last of the burst'); // 4 + 19 % 3
    expect(Number(gd.dataset.drawn) - n).toBeLessThanOrEqual(4);

    // continuous plane: the imaginary axis marked, no circle; zoom near 1
    setState({ config: { ...store.getState().config, view: { ...store.getState().config.view, plane: 'continuous' } } });
    await until(() => host.querySelector('[role="figure"]')?.getAttribute('aria-label')?.includes('continuous'), 2000, 'the label');
    await until(() => fig(gd).layout.xaxis.title.text.includes('growth rate'), 2000, 'the continuous axes');
    expect(fig(gd).layout.shapes).toHaveLength(1); // the imaginary axis line, vertical
    expect(fig(gd).layout.shapes[0]).toMatchObject({ type: 'line', x0: 0, x1: 0 });
    const view = store.getState().config.view;
    setState({ config: { ...store.getState().config, view: { ...view, plane: 'discrete', zoom: 'near1' } } });
    await until(() => fig(gd).layout.xaxis.range?.[0] > 0.5, 2000, 'the near-1 zoom');

    // compare mode: two runs overlaid with a legend
    setState({
      runList: [
        { id: 'a', name: 'run A', origin: 'file', spectra: [report(3), report(3, 0.9)] },
        { id: 'b', name: 'run B', origin: 'trained', spectra: [report(5, 0.95)] },
      ],
      compare: { a: 'a', b: 'b' },
    });
    await until(() => fig(gd).layout.showlegend && pointCount(gd, 1) === 5, 2000, 'the comparison');
    expect(pointCount(gd, 0)).toBe(6);
    expect(fig(gd).data.map((t: any) => t.name)).toEqual(['A: run A', 'B: run B']);
    expect(renders.count).toBeLessThanOrEqual(rendersBefore + 2); // only the plane label re-rendered

    // unmount purges and unsubscribes
    const { root } = mounted.pop()!;
    root.unmount();
    expect(drawnFigure(gd)).toBeUndefined();
    expect(gd.querySelector('canvas')).toBeNull();
    expect(plotElement('spectrum')).toBeUndefined();
    setLive({ spectrum: report(2) }); // no listener left to draw into the detached div
    await new Promise((r) => setTimeout(r, 150));
    expect(gd.querySelector('canvas')).toBeNull();
    host.remove();
  });

  it('LossPlot: log axis, smoothing over a faint raw line, decimated to ≤ MAX_LINE_POINTS (600) points, test loss and accuracy', async () => {
    const losses: LivePoint[] = Array.from({ length: 5000 }, (_, i) => ({
      step: i, loss: Math.exp(-i / 1000) * (1 + 0.3 * Math.sin(i)), t: i,
      ...(i % 50 === 0 ? { testLoss: Math.exp(-i / 1200), testAccuracy: 1 - Math.exp(-i / 1200) } : {}),
    }));
    setLive({ ...emptyLive(), losses });
    const { gd, renders } = mount(LossPlot);
    await until(() => fig(gd)?.data.length === 5, 5000, 'the loss traces');
    const g = { get data() { return fig(gd).data; }, get layout() { return fig(gd).layout; } };
    expect(g.layout.yaxis.type).toBe('log');
    expect(g.data.map((t: any) => t.name)).toEqual(['train loss (raw)', 'train loss', 'test loss (raw)', 'test loss', 'test accuracy']);
    expect(g.data[0].x.length).toBeLessThanOrEqual(MAX_LINE_POINTS + 2);
    expect(g.data[0].x.length).toBeGreaterThan(MAX_LINE_POINTS / 2);
    expect(g.data[2].x.length).toBe(100);
    const r0 = renders.count;
    setLive({ losses: [...losses, { step: 5000, loss: 1e-3, t: 5000 }] });
    await until(() => g.data[1].x.at(-1) === 5000, 1500, 'the new loss point');
    expect(renders.count).toBe(r0);
    setState({ config: { ...store.getState().config, view: { ...store.getState().config.view, logLoss: false, smoothing: 0 } } });
    await until(() => g.layout.yaxis.type === 'linear' && g.data.length === 3, 1500, 'linear, unsmoothed');
  });

  it('SingularValuesPlot and W1Timeline: points, the rank marked, log axes; export needs a drawn plot', async () => {
    await expect(exportPlot('w1', 'svg')).rejects.toThrow(/No w1 plot/);
    setLive({ spectrum: report(6, 1, 5), w1: [{ step: 10, w1: 0.1 }, { step: 20, w1: 0.05 }, { step: 30, w1: 0.02 }] });
    const sv = mount(SingularValuesPlot);
    const w1 = mount(W1Timeline);
    await until(() => pointCount(sv.gd, 0) === 5 && pointCount(w1.gd, 0) === 3, 5000, 'both plots');
    expect(pointCount(sv.gd, 1)).toBe(4); // truncated
    expect(fig(sv.gd).layout.annotations[0].text).toBe('r = 5');
    expect(fig(sv.gd).layout.yaxis.type).toBe('log');
    expect(fig(w1.gd).layout.yaxis.type).toBe('log');
    expect(plotElement('w1')).toBe(w1.gd);
    setLive({ w1: [...store.getState().live.w1, { step: 40, w1: 0.01 }] });
    await until(() => pointCount(w1.gd, 0) === 4, 1500, 'the new W1 point');
    expect(w1.host.querySelector('.koop-plot-summary')!.textContent).toMatch(/latest 0\.01000 at step 40/);

    // a container resized by the layout (not the window) is followed
    const svgWidth = () => Number(w1.gd.querySelector('canvas')?.width) / devicePixelRatio;
    expect(svgWidth()).toBe(600);
    w1.host.style.width = '420px';
    await until(() => svgWidth() === 420, 2000, 'the resize');

    // a plot scrolled far out of view skips redraws, catches up when it comes back, and an export draws it first
    w1.host.style.cssText = 'width: 420px; position: absolute; top: 20000px; left: 0';
    await new Promise((r) => setTimeout(r, 300)); // the IntersectionObserver's report
    const offscreen = Number(w1.gd.dataset.drawn);
    setLive({ w1: [...store.getState().live.w1, { step: 50, w1: 0.005 }] });
    await new Promise((r) => setTimeout(r, 700));
    expect(Number(w1.gd.dataset.drawn)).toBe(offscreen);
    w1.host.style.cssText = 'width: 420px';
    await until(() => pointCount(w1.gd, 0) === 5, 2000, 'the redraw once back in view');
    w1.host.style.cssText = 'width: 420px; position: absolute; top: 20000px; left: 0';
    await new Promise((r) => setTimeout(r, 300));
    setLive({ w1: [...store.getState().live.w1, { step: 60, w1: 0.002 }] });

    // export: plotly draws the same figure off screen and saves through an <a download> click, intercepted here
    const clicks: { name: string; href: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push({ name: this.download, href: this.href });
    });
    try {
      await exportPlot('w1', 'svg');
      await exportPlot('singularValues', 'png');
    } finally {
      click.mockRestore();
    }
    expect(clicks.map((c) => c.name)).toEqual(['koopscope-w1.svg', 'koopscope-singular-values.png']);
    expect(pointCount(w1.gd, 0)).toBe(6); // the off-screen plot was brought up to date for its export
    expect(clicks.every((c) => /^(blob|data):/.test(c.href))).toBe(true);
  });
});
