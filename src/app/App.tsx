/**
 * The page: header, notices, controls beside the live plots, then runs, files and demos. On mount it reads the
 * config from the URL, starts the workers (client/engine.ts) and initialises the run (paused); on unmount it stops
 * them. Everything else goes through the store and actions.
 */
import { useEffect } from 'react';
import { WorkerEngine } from './client/engine';
import { startWatchClient } from './state/watch';
import { attachEngine, startRun } from './state/actions';
import { coalescingHandlers } from './state/coalesce';
import { configureMessage } from './state/runConfig';
import { pushNotice } from './state/replies';
import { store, type DmdConfig } from './state/store';
import { startUrlSync } from './state/urlSync';
import { Controls } from './ui/Controls';
import { DemosGallery } from './ui/DemosGallery';
import { DmdOptions } from './ui/DmdOptions';
import { Header } from './ui/Header';
import { KpflowPanel } from './ui/KpflowPanel';
import { LyapunovPanel } from './ui/LyapunovPanel';
import { Notices } from './ui/Notices';
import { OpenFile } from './ui/OpenFile';
import { PlotArea } from './ui/PlotArea';
import { PresetPicker } from './ui/PresetPicker';
import { RunDetails } from './ui/RunDetails';
import { ResultsPage } from './ui/ResultsPage';
import { RunList } from './ui/RunList';
import { ShortcutsOverlay, useShortcuts } from './ui/Shortcuts';

function useEngine(): void {
  useEffect(() => {
    const stopSync = startUrlSync();
    let engine: WorkerEngine<DmdConfig> | undefined;
    let stopWatch: (() => void) | false = false;
    const replies = coalescingHandlers(store);
    try {
      engine = new WorkerEngine({
        trainer: replies.trainer,
        koopman: replies.koopman,
        crashed: (which, message) => {
          store.setState({ status: { ...store.getState().status, playing: false } });
          pushNotice(store, { kind: 'error', text: `The ${which === 'trainer' ? 'training' : 'Koopman'} worker stopped: ${message}. Reset or pick a preset to start again.` });
        },
      }, configureMessage);
      attachEngine(engine);
      startRun();
      stopWatch = startWatchClient(engine); // served by koopscope watch: its runs, the first one shown live
    } catch (e) {
      pushNotice(store, { kind: 'error', text: `Workers are not available in this browser: ${(e as Error).message}` });
    }
    return () => { if (stopWatch) stopWatch(); replies.flush(); attachEngine(undefined); engine?.dispose(); stopSync(); };
  }, []);
}

export function App() {
  useEngine();
  useShortcuts();
  return (
    <div className="app">
      <Header />
      <Notices />
      <main className="layout">
        <aside className="sidebar">
          <Controls />
          <PresetPicker />
          <DmdOptions />
        </aside>
        <PlotArea />
        <div className="below">
          <RunList />
          <OpenFile />
          <RunDetails />
        </div>
        <DemosGallery />
        <KpflowPanel />
        <LyapunovPanel />
        <ResultsPage />
      </main>
      <ShortcutsOverlay />
    </div>
  );
}
