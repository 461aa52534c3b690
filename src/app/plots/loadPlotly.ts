/**
 * The one place that loads plotly: a dynamic import, so the ~1.2 MB bundle is a separate chunk fetched when the
 * first plot mounts (never in the initial JS), and one shared promise, so it is fetched and evaluated once.
 */
import type * as PlotlyTypes from 'plotly.js';

export type PlotlyStatic = typeof PlotlyTypes;

let loading: Promise<PlotlyStatic> | undefined;

export function loadPlotly(): Promise<PlotlyStatic> {
  loading ??= import('plotly.js-basic-dist-min').then(
    (m) => ((m as { default?: PlotlyStatic }).default ?? (m as unknown as PlotlyStatic)),
    (err: unknown) => {
      loading = undefined; // a later mount may retry (e.g. after a flaky network)
      throw err;
    },
  );
  return loading;
}
