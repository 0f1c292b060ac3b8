import { loadModel } from '../engine';
import { formatMs } from '../format';
import { useApp } from '../store';
// The order list alone, not src/model's index: the page's first chunk holds no tfjs.
import { BACKEND_ORDER } from '../../model/contracts';
import type { BackendChoice, BackendName } from '../../model';

const CHOICES: BackendChoice[] = ['auto', ...BACKEND_ORDER];

/** What each backend means to someone who does not know tfjs. */
const BACKEND_WORDS: Record<BackendName, string> = {
  webgpu: 'GPU (WebGPU)',
  webgl: 'GPU (WebGL)',
  wasm: 'CPU (WebAssembly)',
  cpu: 'CPU (plain JavaScript, slowest)',
};

/**
 * A small status: where the model runs, with the technical story (fallbacks, timings, model
 * version) one click away instead of a permanent banner.
 */
export function BackendBar() {
  const backend = useApp((s) => s.backend);
  const model = useApp((s) => s.model);
  const last = useApp((s) => s.lastInference);

  return (
    <div className="backend-bar" role="group" aria-label="Where the model runs">
      <label>
        Run on{' '}
        <select
          aria-label="Backend"
          value={backend.requested}
          onChange={(event) => loadModel(event.target.value as BackendChoice)}
        >
          {CHOICES.map((choice) => (
            <option key={choice} value={choice}>
              {choice === 'auto' ? 'fastest available' : BACKEND_WORDS[choice]}
            </option>
          ))}
        </select>
      </label>
      <span
        data-testid="active-backend"
        data-backend={backend.active ?? ''}
        data-status={backend.status}
        className={`backend-state ${backend.status}`}
      >
        {backend.status === 'loading' && 'loading the model…'}
        {backend.status === 'ready' && backend.active && `ready · ${BACKEND_WORDS[backend.active]}`}
        {backend.status === 'failed' && 'model unavailable'}
      </span>
      <details className="backend-details">
        <summary>details</summary>
        <div className="backend-popover">
          <p data-testid="last-inference">
            {last
              ? `last inference: ${formatMs(last.ms)} (${last.molecules} mol, ${last.backend}${last.threads > 1 ? `, ${last.threads} threads` : ''})`
              : 'no inference yet'}
          </p>
          {backend.loadMs !== null && <p>model loaded in {formatMs(backend.loadMs)}</p>}
          {model && (
            <p className="model-name">
              model: {model.name} {model.version}
            </p>
          )}
          {backend.notice && (
            <p data-testid="backend-notice" className="technical">
              {backend.notice}
            </p>
          )}
        </div>
      </details>
    </div>
  );
}

/** The page never goes blank on a failed load: this stays until the next load. */
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

/** Only a failure is a banner; a fallback to another backend is in the status's details. */
export function BackendNotice() {
  const backend = useApp((s) => s.backend);
  if (backend.status !== 'failed') return null;
  return (
    <div role="alert" className="notice error" data-testid="model-failure">
      The model could not be loaded: {backend.error}. Molecules are still read and checked.
    </div>
  );
}
