/**
 * The guided tour (tour.ts): a card above the live plots with the step's title and what to look for, Back / Next /
 * End tour. Entering a step runs its preset. The step is UI state (`store.tour`), not part of the URL.
 */
import * as A from '../state/actions';
import { TOUR } from './tour';
import { useApp } from './useApp';

/** Shows step i (clamped to the tour) and runs its preset. */
function go(i: number): void {
  const k = Math.max(0, Math.min(TOUR.length - 1, i));
  A.tourStep(k, TOUR[k]);
}

/** The button that starts the tour at its first step. */
export function TourButton() {
  const active = useApp((st) => st.tour !== undefined);
  if (active) return null;
  return <button type="button" className="tour-start" onClick={() => go(0)} data-testid="tour-start">Guided tour</button>;
}

export function TourCard() {
  const step = useApp((st) => st.tour);
  if (step === undefined) return null;
  const s = TOUR[step];
  const last = step === TOUR.length - 1;
  return (
    <section className="tour" aria-labelledby="tour-title" aria-live="polite" data-testid="tour" data-step={step}>
      <p className="tour-count">Guided tour · step {step + 1} of {TOUR.length}</p>
      <h3 id="tour-title">{s.title}</h3>
      <p>{s.text}</p>
      <div className="row">
        <button type="button" onClick={() => go(step - 1)} disabled={step === 0}>Back</button>
        {last
          ? <button type="button" onClick={() => A.endTour()}>Finish</button>
          : <button type="button" className="primary" onClick={() => go(step + 1)}>Next: {TOUR[step + 1].title}</button>}
        {!last && <button type="button" onClick={() => A.endTour()}>End tour</button>}
      </div>
    </section>
  );
}
