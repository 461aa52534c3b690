/**
 * One click per experiment of paper 1 and per teaching preset, with a short text for a student. Cards with an
 * `experiment` also run `koopscope reproduce`'s code (src/reproduce) in a worker: "Reproduce (quick)", with a progress
 * bar, a Cancel button (terminates the worker) and the result (ReproduceResult). Errors stay in the card.
 */
import type { ExperimentResult } from '../../reproduce/types';
import { reproduceInWorker } from '../client/demo';
import * as A from '../state/actions';
import type { DmdConfig } from '../state/store';
import { DEMOS, type Demo } from './demos';
import { JobStatus } from './PresetJobControls';
import { ReproduceResult } from './ReproduceResult';
import { useApp } from './useApp';
import { useWorkerJob } from './useWorkerJob';

function Reproduce({ experiment }: { experiment: string }) {
  const { state, start: startJob, cancel } = useWorkerJob<ExperimentResult>();
  const start = () => startJob(({ onProgress }) => reproduceInWorker(experiment, onProgress));

  const running = state.kind === 'running';
  return (
    <div className="reproduce">
      <div className="row">
        <button type="button" onClick={start} disabled={running} data-testid={`reproduce-${experiment}`}>
          {running ? 'Reproducing…' : 'Reproduce (quick)'}
        </button>
        {running && <button type="button" onClick={cancel}>Cancel</button>}
      </div>
      <JobStatus state={state} />
      {state.kind === 'done' && <ReproduceResult result={state.result} />}
    </div>
  );
}

/** A "Run" button: choose the preset with the demo's DMD options, play it, and bring the live plots into view. */
function runFromGallery(preset: string, dmd: Partial<DmdConfig> | undefined): void {
  A.runPreset(preset, { dmd });
  const plots = document.querySelector('section.plots');
  plots?.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function DemoCard({ demo }: { demo: Demo }) {
  const running = useApp((st) => st.status.demo);
  return (
    <li className="demo">
      <h3>{demo.title}</h3>
      <p>{demo.text}</p>
      <div className="row">
        {demo.launch === 'omd-ogd'
          ? <button type="button" onClick={() => void A.runOmdOgdDemo()} disabled={!!running}>{running ? `Computing ${running}…` : 'Compute OMD vs OGD'}</button>
          : demo.launch.map((l) => (
            <button key={l.preset} type="button" onClick={() => runFromGallery(l.preset, l.dmd)}>Run {l.label}</button>
          ))}
      </div>
      {demo.experiment && <Reproduce experiment={demo.experiment} />}
    </li>
  );
}

export function DemosGallery() {
  return (
    <section className="panel demos" aria-labelledby="demos-heading">
      <h2 id="demos-heading">Demos</h2>
      <h3 className="group">Paper 1 (Redman et al. 2024)</h3>
      <ul className="demo-list">{DEMOS.filter((d) => d.group === 'paper').map((d) => <DemoCard key={d.id} demo={d} />)}</ul>
      <h3 className="group">Teaching</h3>
      <ul className="demo-list">{DEMOS.filter((d) => d.group === 'teaching').map((d) => <DemoCard key={d.id} demo={d} />)}</ul>
    </section>
  );
}
