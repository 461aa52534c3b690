/**
 * The live plots. Each takes no required props, draws from the app store imperatively (never through React
 * re-renders), loads plotly lazily (one shared, code-split chunk) and cleans up on unmount.
 */
export { SpectrumPlot } from './SpectrumPlot';
export { LossPlot } from './LossPlot';
export { SingularValuesPlot } from './SingularValuesPlot';
export { W1Timeline } from './W1Timeline';
export { exportPlot, plotElement, type ImageFormat, type PlotKind } from './registry';
export type { PlotProps } from './LivePlot';
export { MIN_REDRAW_MS, REDRAW_COST_FACTOR, SECONDARY_REDRAW_MS } from './LivePlot';
export { lossFigure, singularValuesFigure, spectrumFigure, w1Figure, MAX_LINE_POINTS, TRAIL_LENGTH, TRAIL_MAX_POINTS, type Figure } from './figures';
export { decimateMinMax, emaDebiased } from './series';
export { loadPlotly } from './loadPlotly';
