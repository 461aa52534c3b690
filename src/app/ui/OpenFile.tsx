/**
 * Open a trajectory or eigenvalue file (button, or drop anywhere on the page). It is read and analysed in a worker
 * (readFileInWorker) with the current DMD options and a progress bar; the result joins the run list, selected, and
 * a bad file gives a one-line role="alert" while the page keeps working.
 */
import { useEffect } from 'react';
import * as A from '../state/actions';
import { useAppShallow } from './useApp';

export function OpenFile() {
  const { reading, fileError } = useAppShallow((st) => ({ reading: st.status.reading, fileError: st.status.fileError }));

  useEffect(() => {
    const over = (e: DragEvent) => { if (e.dataTransfer?.types.includes('Files')) e.preventDefault(); };
    const drop = (e: DragEvent) => {
      const f = e.dataTransfer?.files[0];
      if (!f) return;
      e.preventDefault();
      void A.openFile(f);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => { window.removeEventListener('dragover', over); window.removeEventListener('drop', drop); };
  }, []);

  return (
    <section className="panel open-file" aria-labelledby="open-heading">
      <h2 id="open-heading">Open a file</h2>
      <p className="hint">
        Drop a <code>.npy</code>, <code>.npz</code>, <code>.safetensors</code> or <code>.json</code> weight trajectory (or
        an eigenvalue array) anywhere on the page, or choose one. It is analysed in a background worker with the DMD
        options above.
      </p>
      <label className="file-button">
        Open file
        <input type="file" accept=".npy,.npz,.safetensors,.json" data-testid="open-file"
          onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void A.openFile(f); e.currentTarget.value = ''; }} />
      </label>
      {reading && (
        <p>
          <label>
            Reading {reading.name} ({reading.phase}) <progress max={1} value={reading.fraction} data-testid="open-progress" />
          </label>
        </p>
      )}
      {fileError && <p role="alert" className="alert" data-testid="open-error">{fileError}</p>}
    </section>
  );
}
