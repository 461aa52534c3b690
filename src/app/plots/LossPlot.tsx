import type { AppState } from '../state/store';
import { lossFigure } from './figures';
import { LivePlot, MIN_REDRAW_MS, type PlotProps, type PlotSpec } from './LivePlot';

const spec: PlotSpec = {
  kind: 'loss',
  // The array and its length and last point: caught whether the live actions replace or append to it.
  select: (s: AppState) => [s.live.losses, s.live.losses.length, s.live.losses.at(-1), s.config.view.logLoss, s.config.view.smoothing],
  figure: lossFigure,
  minRedrawMs: MIN_REDRAW_MS, // the loss curve follows training at 10 redraws/s, like the spectrum
};

/** Train (and test) loss against step, EMA-smoothed over the faint raw curve; accuracies on a right axis. */
export function LossPlot({ height = 280, ...rest }: PlotProps = {}) {
  return <LivePlot spec={spec} label="Loss against training step" height={height} {...rest} />;
}
