/**
 * Open a trajectory file (button or drop anywhere on the page): it is read and analysed in a worker, with a progress
 * bar; the result is a spectrum table, and a bad file gives a one-line alert while the page keeps working.
 */
import { useCallback, useEffect, useState } from 'react';
import type { SpectrumReport } from '../koopman/report';
import { readFileInWorker, type WorkerReadResult } from './readFileInWorker';

type State =
  | { kind: 'idle' }
  | { kind: 'reading'; name: string; fraction: number; phase: string }
  | { kind: 'done'; name: string; result: Exclude<WorkerReadResult, { kind: 'trajectory' }> }
  | { kind: 'failed'; message: string };

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function SpectrumTable({ report }: { report: SpectrumReport }) {
  return (
    <table className="spectrum">
      <caption>
        {report.eigenvalues.length} eigenvalues, rank {report.rank}, {report.delays} delays, Δt = {report.dt} steps,
        one-step residual {report.residual.toExponential(2)}
      </caption>
      <thead>
        <tr><th>#</th><th>Re λ</th><th>Im λ</th><th>|λ|</th><th>ln|λ|/Δt</th><th>frequency</th></tr>
      </thead>
      <tbody>
        {report.eigenvalues.map(([re, im], i) => (
          <tr key={i}>
            <td>{i + 1}</td><td>{re.toFixed(6)}</td><td>{im.toFixed(6)}</td><td>{report.details[i].abs.toFixed(6)}</td>
            <td>{report.details[i].growthRate?.toExponential(3) ?? '—'}</td><td>{report.details[i].frequency.toFixed(5)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OpenFile() {
  const [state, setState] = useState<State>({ kind: 'idle' });

  const open = useCallback((file: File) => {
    setState({ kind: 'reading', name: file.name, fraction: 0, phase: 'read' });
    readFileInWorker(file, (fraction, phase) => setState({ kind: 'reading', name: file.name, fraction, phase }), file.name,
      { rank: { kind: 'rank', r: 10 } })
      .then((result) => {
        if (result.kind === 'trajectory') throw new Error(`${file.name}: unexpected reply`);
        setState({ kind: 'done', name: file.name, result });
      })
      .catch((e: Error) => setState({ kind: 'failed', message: e.message }));
  }, []);

  // drop anywhere on the page
  useEffect(() => {
    const over = (e: DragEvent) => { if (e.dataTransfer?.types.includes('Files')) e.preventDefault(); };
    const drop = (e: DragEvent) => {
      const f = e.dataTransfer?.files[0];
      if (!f) return;
      e.preventDefault();
      open(f);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => { window.removeEventListener('dragover', over); window.removeEventListener('drop', drop); };
  }, [open]);

  return (
    <section aria-labelledby="open-heading" className="status">
      <h2 id="open-heading">Open a weight trajectory</h2>
      <p>
        Drop a <code>.npy</code>, <code>.npz</code>, <code>.safetensors</code> or <code>.json</code> file anywhere on
        the page, or choose one. It is read and analysed in a background worker (rank-10 DMD, no delays).
      </p>
      <label className="file-button">
        Open file
        <input type="file" accept=".npy,.npz,.safetensors,.json" data-testid="open-file"
          onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) open(f); e.currentTarget.value = ''; }} />
      </label>
      {state.kind === 'reading' && (
        <p>
          <label>
            Reading {state.name} ({state.phase}){' '}
            <progress max={1} value={state.fraction} data-testid="open-progress" />
          </label>
        </p>
      )}
      {state.kind === 'failed' && <p role="alert" className="alert" data-testid="open-error">{state.message}</p>}
      {state.kind === 'done' && state.result.kind === 'eigenvalues' && (
        <p data-testid="open-result">
          {state.name}: {state.result.sets.length} eigenvalue set(s) of {state.result.sets[0]?.re.length ?? 0} values
          (use <code>koopscope compare</code> to compare them).
        </p>
      )}
      {state.kind === 'done' && state.result.kind === 'analysed' && (
        <div data-testid="open-result">
          <p>
            {state.name}: {state.result.runs} run(s) × {state.result.T} snapshots × {state.result.N} parameters
            {state.result.params.length > 1 ? ` (${state.result.params.map((p) => p.name).join(', ')})` : ''}
          </p>
          {state.result.report.warnings.map((w, i) => <p key={i} className="warning">warning: {w}</p>)}
          <SpectrumTable report={state.result.report} />
          <button type="button" onClick={() => {
            if (state.kind !== 'done' || state.result.kind !== 'analysed') return;
            download(state.name.replace(/\.[^.]+$/, '') + '.spectrum.json', JSON.stringify(state.result.report, null, 1), 'application/json');
          }}>
            Export spectrum (JSON)
          </button>
        </div>
      )}
    </section>
  );
}
