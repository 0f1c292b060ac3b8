import { lazy, Suspense } from 'react';
import { useApp, type Tab } from './store';
import { BackendBar, BackendNotice, ModelUpdateNotice } from './components/BackendBar';
import { BatchTable } from './components/BatchTable';
import { FileDrop } from './components/FileDrop';
import { Glossary, Intro } from './components/Intro';
import { JobProgress } from './components/JobProgress';
import { LoggingSettings } from './components/LoggingSettings';
import { MoleculeDetail } from './components/MoleculeDetail';
import { PasteBox } from './components/PasteBox';
import { StructureEditor } from './components/StructureEditor';

const ModelPage = lazy(() =>
  import('./components/ModelPage').then((m) => ({ default: m.ModelPage })),
);

const TABS: { tab: Tab; label: string }[] = [
  { tab: 'predict', label: 'Predict' },
  { tab: 'model', label: 'Model' },
];

export function App() {
  const tab = useApp((s) => s.tab);
  const setTab = useApp((s) => s.setTab);
  return (
    <div className="app">
      <header className="topbar">
        <h1>QM9 property predictor</h1>
        <nav className="tabs" role="tablist" aria-label="Pages">
          {TABS.map((t) => (
            <button
              key={t.tab}
              type="button"
              role="tab"
              aria-selected={tab === t.tab}
              onClick={() => setTab(t.tab)}
            >
              {t.label}
            </button>
          ))}
        </nav>
        <BackendBar />
      </header>
      <BackendNotice />
      <ModelUpdateNotice />
      <JobProgress />
      {tab === 'predict' && <Intro />}
      {/* The predict page stays mounted on the model tab: the editor keeps its drawing. */}
      <main className="predict" hidden={tab !== 'predict'}>
        <div className="inputs">
          <StructureEditor />
          <PasteBox />
          <FileDrop />
          <LoggingSettings />
        </div>
        <MoleculeDetail />
      </main>
      <div hidden={tab !== 'predict'}>
        <BatchTable />
        <Glossary />
      </div>
      {tab === 'model' && (
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <ModelPage />
        </Suspense>
      )}
    </div>
  );
}
