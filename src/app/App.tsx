import { useCallback, useEffect, useState } from 'react';
import { OpenFile } from './OpenFile';
import { describeWebGpu, probeWebGpu, type WebGpuStatus } from './webgpu';

/**
 * Placeholder page: says what Koopscope is, that the web app is not built yet, and what WebGPU this browser
 * offers. The real app (training, live spectrum plot) replaces it in a later issue.
 */
export function App() {
  const [webGpu, setWebGpu] = useState<WebGpuStatus | null>(null);

  const check = useCallback(() => {
    let current = true;
    setWebGpu(null);
    void probeWebGpu().then((status) => {
      if (current) setWebGpu(status);
    });
    return () => {
      current = false;
    };
  }, []);

  useEffect(check, [check]);

  return (
    <main className="page">
      <h1>Koopscope</h1>
      <p className="tagline">Koopman spectra of training, live.</p>
      <p>
        Koopscope watches a neural network train and shows the eigenvalues of a dynamic mode decomposition (DMD) of
        its weight trajectory as they move. The live training view is being built; you can already open a recorded
        trajectory below, and the <code>koopscope</code> command line does the rest.
      </p>

      <OpenFile />

      <section aria-labelledby="webgpu-heading" className="status">
        <h2 id="webgpu-heading">This browser</h2>
        <p data-testid="webgpu-status" data-state={webGpu?.kind ?? 'checking'} role="status">
          {webGpu ? describeWebGpu(webGpu) : 'Checking for WebGPU…'}
        </p>
        <button type="button" onClick={check} disabled={webGpu === null}>
          Check WebGPU again
        </button>
      </section>
    </main>
  );
}
