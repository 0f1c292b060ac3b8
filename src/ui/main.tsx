import { startupMolecule, startupParams } from './boot';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pageLogging } from '../logging';
import { App } from './App';
import { showInEditor } from './components/StructureEditor';
import { benchmarkModel } from './engine';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
if (startupMolecule) showInEditor(startupMolecule.smiles, startupMolecule.name, false);
// Sends what earlier visits queued (only if the user opted in); off by default.
pageLogging();
if (startupParams.has('bench')) Object.assign(window, { qm9Bench: benchmarkModel });
