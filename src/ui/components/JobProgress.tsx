import { cancelJob } from '../engine';
import { useApp } from '../store';

export function JobProgress() {
  const job = useApp((s) => s.job);
  // The bar keeps its height while empty so the page does not shift under the user's pointer.
  if (!job) return <div className="job" data-testid="job" data-phase="idle" />;
  const running = job.phase === 'reading' || job.phase === 'predicting';
  const fraction = job.total > 0 ? job.done / job.total : 0;
  return (
    <div className="job" data-testid="job" data-phase={job.phase}>
      <span className="job-label">{job.label}</span>
      {running && (
        <>
          <progress max={job.total || 1} value={job.done} aria-label="Progress" />
          <span data-testid="job-count">
            {job.phase === 'reading' ? 'reading' : 'predicting'} {job.done.toLocaleString()} /{' '}
            {job.total.toLocaleString()}
            {job.phase === 'reading' ? ' records' : ''}
            {` · ${Math.round(job.perSecond).toLocaleString()} molecules/s`}
            {` (${Math.round(fraction * 100)}%)`}
          </span>
          <button type="button" onClick={cancelJob}>
            Cancel
          </button>
        </>
      )}
      {job.phase === 'done' && <span>done</span>}
      {job.phase === 'cancelled' && <span>cancelled</span>}
      {job.phase === 'failed' && (
        <span role="alert" className="error-text">
          failed: {job.notice}
        </span>
      )}
      {job.phase === 'done' && job.notice && (
        <span role="alert" className="error-text">
          {job.notice}
        </span>
      )}
    </div>
  );
}
