import { loadModel } from '../engine';
import { formatMs } from '../format';
import { useApp } from '../store';
import { BACKEND_ORDER, type BackendChoice } from '../worker/protocol';

const CHOICES: BackendChoice[] = ['auto', ...BACKEND_ORDER];

export function BackendBar() {
  const backend = useApp((s) => s.backend);
  const model = useApp((s) => s.model);
  const last = useApp((s) => s.lastInference);

  return (
    <div className="backend-bar" aria-label="Inference backend">
      <label>
        Backend{' '}
        <select
          aria-label="Backend"
          value={backend.requested}
          onChange={(event) => loadModel(event.target.value as BackendChoice)}
        >
          {CHOICES.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      </label>
      <span
        data-testid="active-backend"
        data-backend={backend.active ?? ''}
        data-status={backend.status}
      >
        {backend.status === 'loading' && 'loading model…'}
        {backend.status === 'ready' && `active: ${backend.active}`}
        {backend.status === 'failed' && 'model unavailable'}
      </span>
      <span data-testid="last-inference">
        {last
          ? `last inference: ${formatMs(last.ms)} (${last.molecules} mol, ${last.backend})`
          : 'no inference yet'}
      </span>
      {model && (
        <span className="model-name">
          model: {model.name} {model.version}
        </span>
      )}
    </div>
  );
}

/** Fallbacks and failures stay visible until the next load: the page never goes blank on them. */
export function ModelUpdateNotice() {
  const update = useApp((s) => s.modelUpdate);
  if (!update) return null;
  return (
    <div role="status" className="notice info" data-testid="model-update">
      {update}{' '}
      <button type="button" onClick={() => useApp.setState({ modelUpdate: null })}>
        OK
      </button>
    </div>
  );
}

export function BackendNotice() {
  const backend = useApp((s) => s.backend);
  if (backend.status === 'failed') {
    return (
      <div role="alert" className="notice error" data-testid="backend-notice">
        The model could not be loaded: {backend.error}. Molecules are still read and checked.
      </div>
    );
  }
  if (backend.notice) {
    return (
      <div role="status" className="notice warn" data-testid="backend-notice">
        {backend.notice}
      </div>
    );
  }
  return null;
}
