/**
 * "How to read the circle": what an eigenvalue's place on or around the unit circle means for the weights, and a
 * live one-line reading of the spectrum on screen (state/reading.ts, once a second).
 */
import { spectrumReading } from '../state/reading';
import type { AppState } from '../state/store';
import { useThrottledApp } from './useApp';

const readingOf = (s: AppState) => spectrumReading(s.live.spectrum);
const spectrumChanged = (s: AppState, prev: AppState) => s.live.spectrum !== prev.live.spectrum;

function Reading() {
  const text = useThrottledApp(readingOf, spectrumChanged, 1000);
  return <p className="reading" data-testid="spectrum-reading">{text}</p>;
}

export function Explain() {
  return (
    <details className="explain" data-testid="explain">
      <summary>How to read the circle</summary>
      <Reading />
      <p>
        Each dot is an eigenvalue λ of the linear map (fitted by DMD) that takes one weight snapshot to the next. Along
        its direction in weight space, the weights' distance from where they are heading is multiplied by λ every
        snapshot.
      </p>
      <ul>
        <li><b>λ = 1</b> (on the circle, right): a direction that is kept — weights that have settled, or drift
          steadily.</li>
        <li><b>Inside the circle</b>: a direction that decays, by |λ| per snapshot; gradient descent on a valley of
          curvature h gives λ = 1 − ηh.</li>
        <li><b>Complex pairs</b> λ = r·e<sup>±iθ</sup>: the weights turn in a plane, θ per snapshot, while shrinking by
          r — what momentum does.</li>
        <li><b>Negative, near −1</b>: the direction flips sign every step: ηh is near 2, the step overshoots the valley
          floor. This is the stiff direction at the edge of stability: as η grows, λ = 1 − ηh moves left and reaches
          −1 at η = 2/h.</li>
        <li><b>Outside the circle</b>, |λ| &gt; 1: a growing direction — an instability (past the edge, λ = −1.1: the
          loss blows up).</li>
      </ul>
    </details>
  );
}
