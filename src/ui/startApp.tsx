import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pageLogging } from '../logging';
import { App } from './App';
import { startupMolecule, startupParams } from './boot';
import { showInEditor } from './components/StructureEditor';
import { benchmarkModel } from './engine';
import { useApp, type AppState } from './store';
import './styles.css';

function startupSettled(state: AppState): boolean {
  const running = state.job?.phase === 'reading' || state.job?.phase === 'predicting';
  return !running || state.backend.status === 'failed';
}

/**
 * Runs `step` once the shared link's prediction is on screen (or has failed). The editor's layout runs
 * in the structure worker, whose start (OpenChemLib parse and first layout, about 3 s of CPU here)
 * would otherwise compete with the model's start on a machine with few cores.
 */
function afterStartupPrediction(step: () => void): void {
  if (startupSettled(useApp.getState())) return step();
  const unsubscribe = useApp.subscribe((state) => {
    if (!startupSettled(state)) return;
    unsubscribe();
    step();
  });
}

/** Renders the app; loaded by main.tsx after the prediction worker has been started. */
export function startApp(root: HTMLElement): void {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
  performance.mark('react render requested');
  if (startupMolecule) {
    const { smiles, name } = startupMolecule;
    afterStartupPrediction(() => showInEditor(smiles, name, false));
  }
  // Sends what earlier visits queued (only if the user opted in); off by default.
  pageLogging();
  if (startupParams.has('bench')) Object.assign(window, { qm9Bench: benchmarkModel });
}
