import type { AppState } from '../state/store';
import { w1Figure } from './figures';
import { LivePlot, SECONDARY_REDRAW_MS, type PlotProps, type PlotSpec } from './LivePlot';

const spec: PlotSpec = {
  kind: 'w1',
  select: (s: AppState) => [s.live.w1, s.live.w1.length, s.live.w1.at(-1)],
  figure: w1Figure,
  minRedrawMs: SECONDARY_REDRAW_MS,
};

/** Wasserstein-1 distance between consecutive window spectra against step (log axis): how fast the spectrum moves. */
export function W1Timeline({ height = 220, ...rest }: PlotProps = {}) {
  return <LivePlot spec={spec} label="Wasserstein-1 distance between consecutive spectra against training step" height={height} {...rest} />;
}
