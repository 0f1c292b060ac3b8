import { Fragment, useState, useSyncExternalStore, type FormEvent } from 'react';
import { pageLogging, resolveEndpoint, type OutboxStatus } from '../../logging';

const controller = pageLogging();

/** The opt-in boxes, each bound to one boolean setting. */
const SWITCHES = [
  {
    key: 'enabled',
    testId: 'log-enabled',
    label: 'Send my predicted molecules to the logging server',
  },
  { key: 'includeSmiles', testId: 'log-smiles', label: 'Include SMILES in the records' },
] as const;

function describeState(status: OutboxStatus, enabled: boolean): string {
  if (!enabled) return status.queued > 0 ? 'off: queued records are kept but not sent' : 'off';
  if (!status.online) return 'offline: records wait in this browser';
  if (status.sending) return 'sending…';
  if (status.nextRetryAt !== null) {
    return `next try at ${new Date(status.nextRetryAt).toLocaleTimeString()}`;
  }
  return status.queued > 0 ? 'sending soon' : 'all sent';
}

function endpointProblem(endpoint: string): string | null {
  try {
    resolveEndpoint(endpoint, window.location.href);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Opt-in drift logging. Says exactly what would be sent and where before anything is, and shows
 * what waits in the browser, what went out and what the server refused.
 */
export function LoggingSettings() {
  const { loaded, settings, status, rejected } = useSyncExternalStore(
    controller.subscribe,
    controller.getSnapshot,
  );
  // null: not being edited, so the field shows the stored endpoint (which loads asynchronously).
  const [edited, setEdited] = useState<string | null>(null);
  const draft = edited ?? settings.endpoint;
  const [saveError, setSaveError] = useState<string | null>(null);

  const target = (() => {
    try {
      return resolveEndpoint(settings.endpoint, window.location.href).toString();
    } catch {
      return settings.endpoint;
    }
  })();

  // The box shows the user's click at once; the stored setting catches up when IndexedDB has it.
  const [optimistic, setOptimistic] = useState<Partial<typeof settings>>({});
  const shown = { ...settings, ...optimistic };
  const apply = (change: Parameters<typeof controller.update>[0]) => {
    setSaveError(null);
    setOptimistic((o) => ({ ...o, ...change }));
    controller
      .update(change)
      .catch((error: unknown) => {
        setSaveError(error instanceof Error ? error.message : String(error));
      })
      .finally(() =>
        setOptimistic((o) => {
          const rest = { ...o };
          for (const key of Object.keys(change) as (keyof typeof change)[]) delete rest[key];
          return rest;
        }),
      );
  };

  const saveEndpoint = (event: FormEvent) => {
    event.preventDefault();
    const problem = endpointProblem(draft);
    if (problem) setSaveError(problem);
    else {
      apply({ endpoint: draft.trim() });
      setEdited(null);
    }
  };

  return (
    <details className="panel logging-settings" data-testid="logging-settings">
      <summary>
        <h2>Logging for drift monitoring: {settings.enabled ? 'on' : 'off'}</h2>
      </summary>
      <p className="hint">
        Off unless you turn it on. When on, every molecule this page predicts is sent to{' '}
        <code data-testid="log-target">{target}</code> as one record with exactly these fields:
      </p>
      <ul className="small">
        <li>
          <code>node_features</code>: 11 numbers per atom (element, atomic number, aromatic,
          hybridization, hydrogen count)
        </li>
        <li>
          <code>edge_index</code>: which atoms are bonded
        </li>
        <li>
          <code>prediction</code>: the predicted HOMO-LUMO gap in eV
        </li>
        <li>
          <code>model_version</code>, <code>timestamp</code> and a random{' '}
          <code>idempotency_key</code> (so a resent record is stored once)
        </li>
        <li>
          <code>smiles</code>: only if you also tick the second box
        </li>
      </ul>
      <p className="hint">
        File names, molecule names, file contents and other properties are never sent. Records wait
        in this browser (IndexedDB) while offline or while the server is down, and go out in
        batches.
      </p>
      {SWITCHES.map((box, i) => (
        <Fragment key={box.key}>
          {i > 0 && <br />}
          <label>
            <input
              type="checkbox"
              data-testid={box.testId}
              checked={shown[box.key]}
              disabled={!loaded}
              onChange={(event) => apply({ [box.key]: event.target.checked })}
            />{' '}
            {box.label}
          </label>
        </Fragment>
      ))}
      <form onSubmit={saveEndpoint}>
        <label>
          Endpoint{' '}
          <input
            type="text"
            aria-label="Logging endpoint"
            data-testid="log-endpoint"
            value={draft}
            size={40}
            onChange={(event) => setEdited(event.target.value)}
          />
        </label>{' '}
        <button type="submit" disabled={!loaded || draft.trim() === settings.endpoint}>
          Save endpoint
        </button>
        <span className="small muted">
          {' '}
          A path means this site; another server must list this site in its CORS_ORIGINS.
        </span>
      </form>
      {saveError && (
        <p className="notice error" role="alert" data-testid="log-settings-error">
          {saveError}
        </p>
      )}
      <p
        className="small"
        data-testid="log-status"
        data-queued={status.queued}
        data-sent={status.sent}
        data-rejected={status.rejected}
        data-online={status.online}
      >
        <span data-testid="log-queued">{status.queued}</span> queued ·{' '}
        <span data-testid="log-sent">{status.sent}</span> sent ·{' '}
        <span data-testid="log-rejected">{status.rejected}</span> rejected ·{' '}
        {describeState(status, settings.enabled)}
        {settings.enabled && status.queued > 0 && status.nextRetryAt !== null && (
          <>
            {' '}
            <button type="button" onClick={() => void controller.retryNow()}>
              Retry now
            </button>
          </>
        )}
        {!settings.enabled && status.queued > 0 && (
          <>
            {' '}
            <button type="button" onClick={() => void controller.discardQueued()}>
              Discard queued records
            </button>
          </>
        )}
      </p>
      {status.lastError && (
        <p className="small" data-testid="log-last-error">
          Last error: {status.lastError}
        </p>
      )}
      {rejected.length > 0 && (
        <details data-testid="log-rejected-list">
          <summary className="small">Refused by the server (kept here, not resent)</summary>
          <ul className="small">
            {rejected.map(({ record, reason, rejectedAt }) => (
              <li key={record.idempotency_key}>
                {rejectedAt}: {record.node_features.length} atoms, {reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </details>
  );
}
