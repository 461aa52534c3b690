import type { AppState } from '../state/store';
import { fieldFigure } from './fieldFigure';
import { LivePlot, MIN_REDRAW_MS, type PlotProps, type PlotSpec } from './LivePlot';

const spec: PlotSpec = {
  kind: 'field',
  select: (s: AppState) => [s.live.fieldData, s.live.field],
  figure: fieldFigure,
  minRedrawMs: MIN_REDRAW_MS,
  // the raster is canvasFigure's own trace type: plotly cannot export it
  exportable: false,
};

/**
 * The training data with the model's output as it trains (fieldFigure.ts): decision regions, a predicted surface or
 * a fitted curve. Shown for data sets of one or two input features only (PlotArea decides).
 */
export function FieldPlot({ height = 280, ...rest }: PlotProps = {}) {
  return <LivePlot spec={spec} label="Training data and the model's output: decision regions or fitted curve" height={height} {...rest} />;
}
