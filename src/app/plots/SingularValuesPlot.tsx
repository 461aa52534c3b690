import type { AppState } from '../state/store';
import { singularValuesFigure } from './figures';
import { LivePlot, SECONDARY_REDRAW_MS, type PlotProps, type PlotSpec } from './LivePlot';

const spec: PlotSpec = {
  kind: 'singularValues',
  select: (s: AppState) => [s.live.spectrum],
  figure: singularValuesFigure,
  minRedrawMs: SECONDARY_REDRAW_MS,
};

/** Singular values of the live window's snapshot matrix on a log axis; the kept rank highlighted and marked. */
export function SingularValuesPlot({ height = 260, ...rest }: PlotProps = {}) {
  return <LivePlot spec={spec} label="Singular values of the snapshot matrix, with the DMD rank marked" height={height} {...rest} />;
}
