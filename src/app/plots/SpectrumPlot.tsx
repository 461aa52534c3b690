import { useStore } from 'zustand';
import { store, type AppState } from '../state/store';
import { comparedRuns, spectrumFigure } from './figures';
import { LivePlot, type PlotProps, type PlotSpec } from './LivePlot';

const spec: PlotSpec = {
  kind: 'spectrum',
  select: (s: AppState) => {
    const shown = [s.config.view.plane, s.config.view.zoom, s.compare.a, s.compare.b, s.runList];
    // While two runs are compared the live window is not drawn: a run going on must not redraw the comparison 10×/s.
    // The live label names the run (generation, preset, seed) and whether the window is scrubbed.
    return comparedRuns(s).length > 0 ? shown
      : [...shown, s.live.spectrum, s.live.trail, s.live.trail.length, s.live.spectrumStep, s.status.recording, s.config.run, s.scrub.end === undefined];
  },
  figure: spectrumFigure,
  // another run (start or reset): the old run's spectrum leaves the screen at the next frame
  urgent: (s, prev) => s.status.recording !== prev.status.recording,
  first: true,
};

/**
 * The DMD eigenvalues of the live window (with a fading trail of earlier windows), or of two runs being compared:
 * in the discrete-time plane with the unit circle, or as log(λ)/Δt in the continuous-time plane
 * (`config.view.plane`); `config.view.zoom === 'near1'` zooms to the modes near λ = 1.
 */
export function SpectrumPlot({ height = 420, ...rest }: PlotProps = {}) {
  // Configuration only (low rate): the label says which plane is shown. Live data never reaches React.
  const plane = useStore(store, (s) => s.config.view.plane);
  const label = plane === 'discrete'
    ? 'Koopman spectrum: DMD eigenvalues λ in the complex plane, with the unit circle'
    : 'Koopman spectrum: continuous-time eigenvalues log(λ)/Δt, growth rate against angular frequency';
  return <LivePlot spec={spec} label={label} height={height} {...rest} />;
}
