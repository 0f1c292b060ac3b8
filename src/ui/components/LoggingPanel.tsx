import { useState, useSyncExternalStore } from 'react';
import { pageLogging, resolveEndpoint, type LoggingSettings } from '../../logging';

function describeTime(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toLocaleTimeString();
}

/** Opt-in drift logging: says exactly what is sent and where before anything is. */
export function LoggingPanel() {
  const controller = pageLogging();
  const { loaded, settings, status, rejected } = useSyncExternalStore(
    controller.subscribe,
    controller.getSnapshot,
  );
  const [endpointDraft, setEndpointDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const change = (update: Partial<LoggingSettings>) => {
    setProblem(null);
    controller
      .update(update)
      .catch((error: unknown) =>
        setProblem(error instanceof Error ? error.message : String(error)),
      );
  };
  let target = '';
  try {
    target = resolveEndpoint(settings.endpoint, window.location.href).toString();
  } catch (error) {
    target = error instanceof Error ? error.message : String(error);
  }

  return (
    <details className="panel logging-panel" data-testid="logging-settings">
      <summary>
        <h2>Share predictions for drift monitoring ({settings.enabled ? 'on' : 'off'})</h2>
      </summary>
      <p className="hint">
        Off unless you turn it on. When on, each predicted molecule sends its atom features (
        <code>node_features</code>, 11 numbers per atom), its bonds (<code>edge_index</code>) and
        the predicted HOMO-LUMO gap (<code>prediction</code>), with the model version, a timestamp
        and a random key that stops a record from being counted twice. File names are never sent;
        SMILES only if you also allow it below. While offline or while the server is down, records
        wait in this browser and go out later in batches.
      </p>
      <label>
        <input
          type="checkbox"
          data-testid="log-enabled"
          disabled={!loaded}
          checked={settings.enabled}
          onChange={(event) => change({ enabled: event.target.checked })}
        />{' '}
        Send molecule graphs and predictions
      </label>
      <label>
        <input
          type="checkbox"
          data-testid="log-smiles"
          disabled={!loaded}
          checked={settings.includeSmiles}
          onChange={(event) => change({ includeSmiles: event.target.checked })}
        />{' '}
        Also send SMILES
      </label>
      <form
        className="endpoint"
        onSubmit={(event) => {
          event.preventDefault();
          if (endpointDraft !== null) change({ endpoint: endpointDraft });
          setEndpointDraft(null);
        }}
      >
        <label>
          Server endpoint{' '}
          <input
            data-testid="log-endpoint"
            aria-label="Logging endpoint"
            value={endpointDraft ?? settings.endpoint}
            onChange={(event) => setEndpointDraft(event.target.value)}
          />
        </label>
        <button type="submit" disabled={endpointDraft === null}>
          Save endpoint
        </button>
      </form>
      <p className="small">
        Records go to <code data-testid="log-target">{target}</code>
      </p>
      {problem && (
        <p role="alert" className="error-text">
          {problem}
        </p>
      )}
      <p
        className="small"
        data-testid="log-status"
        data-queued={status.queued}
        data-sent={status.sent}
        data-rejected={status.rejected}
        data-online={String(status.online)}
      >
        {status.queued} waiting · {status.sent} sent · {status.rejected} refused by the server
        {!status.online && ' · offline: records wait for the connection'}
        {status.sending && ' · sending…'}
        {status.lastError && ` · last attempt failed: ${status.lastError}`}
        {status.nextRetryAt !== null && ` · next try ${describeTime(status.nextRetryAt)}`}
        {status.lastSentAt !== null && ` · last sent ${describeTime(status.lastSentAt)}`}
      </p>
      <div className="logging-actions">
        <button
          type="button"
          disabled={status.queued === 0 || !settings.enabled}
          onClick={() => void controller.retryNow()}
        >
          Send now
        </button>
        <button
          type="button"
          disabled={status.queued === 0 || settings.enabled}
          title="Only while sharing is off"
          onClick={() =>
            void controller.discardQueued().catch((error: unknown) => setProblem(String(error)))
          }
        >
          Discard waiting records
        </button>
      </div>
      {rejected.length > 0 && (
        <details>
          <summary>Refused records (kept here, not resent)</summary>
          <ul className="small">
            {rejected.map((r) => (
              <li key={r.record.idempotency_key}>
                {r.rejectedAt}: {r.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </details>
  );
}
