/**
 * The snapshot slider under the spectrum plot: the Koopman worker records the run, and moving the slider shows the
 * spectrum of the window of the recording that ends at that snapshot (live updates of the spectrum pause; "Back to
 * live" follows the latest window again). The recording's size changes with every snapshot, so it is read through a
 * store subscription throttled to 4 updates/s, not a selector.
 */
import { ordinal } from '../../koopman/recorder';
import * as A from '../state/actions';
import type { AppState } from '../state/store';
import { useApp, useAppShallow, useThrottledApp } from './useApp';

const INTERVAL_MS = 250;

const recordingOf = (s: AppState) => ({ recorded: s.scrub.recorded, stride: s.scrub.stride, bytes: s.scrub.bytes });
const p = (x: number) => (Number.isFinite(x) ? x.toPrecision(3) : '—');

/** The smallest window end the slider offers: a window needs delays + 3 snapshots. */
export function scrubMin(delays: number): number { return delays + 3; }

/** Growth is throttled; a new recording (it shrinks) or a new stride shows at once. */
const recordingChanged = (s: AppState, prev: AppState): boolean | 'now' => {
  if (s.scrub.recorded === prev.scrub.recorded && s.scrub.stride === prev.scrub.stride) return false;
  return s.scrub.recorded < prev.scrub.recorded || s.scrub.stride !== prev.scrub.stride ? 'now' : true;
};

export function Scrubber() {
  const rec = useThrottledApp(recordingOf, recordingChanged, INTERVAL_MS);
  const { end, shown, error } = useAppShallow((st) => ({ end: st.scrub.end, shown: st.scrub.shown, error: st.scrub.error }));
  const delays = useApp((st) => st.config.dmd.delays);
  const min = scrubMin(delays);
  const max = Math.max(rec.recorded, end ?? 0);
  const enough = max >= min;
  const value = Math.min(Math.max(end ?? max, min), Math.max(max, min));
  let label: string;
  if (end === undefined) label = enough ? `live: the latest window (${rec.recorded} snapshots recorded)` : 'recording: the slider opens once the window has enough snapshots';
  else if (shown && shown.end === end) {
    label = `window ending at step ${shown.step} (snapshots ${shown.start + 1}–${shown.end} of ${rec.recorded}, steps ${shown.stepStart}–${shown.step})`
      + (shown.w1 === null ? '' : `; W1 to one snapshot earlier ${p(shown.w1)}`);
  } else label = `snapshot ${end} of ${rec.recorded}…`;
  return (
    <div className="scrubber" role="group" aria-label="Scrub through the recorded run">
      <label className="field inline">
        <span>Snapshot</span>
        <input type="range" min={min} max={Math.max(max, min)} step={1} value={value} disabled={!enough}
          data-testid="scrubber" aria-valuetext={end === undefined ? 'live' : shown?.end === end ? `step ${shown.step}` : `snapshot ${end}`}
          onChange={(e) => A.scrubTo(Number(e.currentTarget.value))} />
      </label>
      {' '}<output aria-live="polite" data-testid="scrub-label">{label}</output>
      {end !== undefined && <> {' '}<button type="button" onClick={A.backToLive}>Back to live</button></>}
      {rec.stride > 1 && <small className="hint"> (every {ordinal(rec.stride)} snapshot recorded, to stay within the memory budget)</small>}
      {error && end !== undefined && <p role="alert" className="alert">{error}</p>}
    </div>
  );
}
