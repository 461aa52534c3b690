/**
 * The live plots. Each takes no required props, draws from the app store imperatively onto a canvas (never through
 * React re-renders; canvasFigure.ts), loads plotly lazily only to export (one shared, code-split chunk) and cleans
 * up on unmount.
 */
export { SpectrumPlot } from './SpectrumPlot';
export { LossPlot } from './LossPlot';
export { SingularValuesPlot } from './SingularValuesPlot';
export { W1Timeline } from './W1Timeline';
export { FieldPlot } from './FieldPlot';
export { fieldFigure, classRaster, CLASS_COLOURS } from './fieldFigure';
export { exportPlot, plotElement, type ImageFormat, type PlotKind } from './registry';
export type { PlotProps } from './LivePlot';
export { drawnFigure } from './LivePlot';
export { drawFigure, hoverText, LIGHT, DARK } from './canvasFigure';
export { MIN_REDRAW_MS, REDRAW_COST_FACTOR, SECONDARY_REDRAW_MS } from './LivePlot';
export { lossFigure, singularValuesFigure, spectrumFigure, w1Figure, MAX_LINE_POINTS, TRAIL_LENGTH, TRAIL_MAX_POINTS, type Figure } from './figures';
export { decimateMinMax, emaDebiased } from './series';
export { loadPlotly } from './loadPlotly';
