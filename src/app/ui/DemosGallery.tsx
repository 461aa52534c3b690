/** One click per experiment of paper 1 and per teaching preset, with a short text for a student. */
import * as A from '../state/actions';
import { DEMOS, type Demo } from './demos';
import { useApp } from './useApp';

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
            <button key={l.preset} type="button" onClick={() => A.choosePreset(l.preset, { dmd: l.dmd })}>Run {l.label}</button>
          ))}
      </div>
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
