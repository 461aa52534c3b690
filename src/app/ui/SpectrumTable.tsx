/**
 * The accessible form of a spectrum: one row per eigenvalue in the report's order (|λ| descending). Columns: #, Re,
 * Im, |λ|, arg, growth rate ln|λ|/Δt, frequency arg/(2πΔt), amplitude |b| (the browser test reads #, Re, Im, |λ|).
 */
import type { SpectrumReport } from '../../koopman/report';

const fix = (x: number | null | undefined, d = 6) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
const exp = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toExponential(3));

export function SpectrumTable({ report, caption }: { report: SpectrumReport; caption?: string }) {
  return (
    <div className="table-scroll">
      <table className="spectrum">
        <caption>
          {caption ?? report.source}: {report.eigenvalues.length} eigenvalues, rank {report.rank}, {report.delays} delays,
          Δt = {report.dt} steps{Number.isFinite(report.residual) ? `, one-step residual ${report.residual.toExponential(2)}` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">#</th><th scope="col">Re λ</th><th scope="col">Im λ</th><th scope="col">|λ|</th>
            <th scope="col">arg λ (rad)</th><th scope="col">growth ln|λ|/Δt</th><th scope="col">frequency (cycles/step)</th>
            <th scope="col">amplitude |b|</th>
          </tr>
        </thead>
        <tbody>
          {report.eigenvalues.map(([re, im], i) => {
            const d = report.details[i];
            return (
              <tr key={i}>
                <td>{i + 1}</td><td>{re.toFixed(6)}</td><td>{im.toFixed(6)}</td><td>{d.abs.toFixed(6)}</td>
                <td>{fix(d.arg, 4)}</td><td>{exp(d.growthRate)}</td><td>{fix(d.frequency, 5)}</td><td>{exp(d.amplitude)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
