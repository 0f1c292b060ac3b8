import { useEffect, useState } from 'react';
import { TARGETS, type TargetKey } from '../../model/contracts';
import { legendGradient } from '../contributionScale';
import { requestContributions } from '../engine';
import { formatValue } from '../format';
import { useApp } from '../store';
import type { ContributionView, ResultRow } from '../worker/protocol';

export type ContributionState =
  | { status: 'off' }
  | { status: 'loading' }
  | { status: 'ready'; view: ContributionView }
  | { status: 'failed'; message: string };

const unitOf = (target: TargetKey) => TARGETS.find((t) => t.key === target)?.unit ?? '';
const labelOf = (target: TargetKey) => TARGETS.find((t) => t.key === target)?.label ?? target;

/** The selected row's contributions while colouring is on; asked of the worker once per row and target. */
export function useContributions(row: ResultRow): ContributionState {
  const { on, target } = useApp((s) => s.contributions);
  const model = useApp((s) => s.model);
  const wanted = on && row.prediction !== undefined && model !== null;
  const key = `${row.id}:${target}:${model?.version ?? ''}`;
  const [answer, setAnswer] = useState<{ key: string; state: ContributionState } | null>(null);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    requestContributions(row, target).then(
      (view) => live && setAnswer({ key, state: { status: 'ready', view } }),
      (error: unknown) =>
        live &&
        setAnswer({
          key,
          state: {
            status: 'failed',
            message: error instanceof Error ? error.message : String(error),
          },
        }),
    );
    return () => {
      live = false;
    };
  }, [wanted, key, row, target]);
  if (!wanted) return { status: 'off' };
  return answer?.key === key ? answer.state : { status: 'loading' };
}

/** The off-by-default switch and the property whose contributions colour the atoms. */
export function ContributionToggle({ row }: { row: ResultRow }) {
  const { on, target } = useApp((s) => s.contributions);
  const setContributions = useApp((s) => s.setContributions);
  if (!row.prediction) return null;
  return (
    <div className="contrib-toggle">
      <label>
        <input
          type="checkbox"
          checked={on}
          data-testid="contrib-toggle"
          onChange={(event) => setContributions({ on: event.target.checked })}
        />{' '}
        Colour atoms by contribution to {labelOf(target)}
      </label>{' '}
      <select
        aria-label="Property for atom colours"
        data-testid="contrib-target"
        value={target}
        onChange={(event) => setContributions({ target: event.target.value as TargetKey })}
      >
        {TARGETS.map((t) => (
          <option key={t.key} value={t.key}>
            {t.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The coloured 2D drawing (RDKit, atom numbers as in the legend). */
export function ContributionDepiction({ view }: { view: ContributionView }) {
  return (
    <span
      className="depiction"
      data-testid="contrib-depiction"
      dangerouslySetInnerHTML={{ __html: view.svg }}
    />
  );
}

/**
 * Scale, per-atom values and how they add up to the prediction. The colours show the learned part
 * only: the per-element reference is a fixed value per element and would paint every carbon alike.
 */
export function ContributionLegend({ state }: { state: ContributionState }) {
  if (state.status === 'off') return null;
  if (state.status === 'loading') {
    return (
      <p className="muted" data-testid="contrib-legend" data-status="loading">
        Computing atom contributions…
      </p>
    );
  }
  if (state.status === 'failed') {
    return (
      <p className="error-text" data-testid="contrib-legend" data-status="failed">
        Atom contributions unavailable: {state.message}
      </p>
    );
  }
  const { view } = state;
  const unit = unitOf(view.target);
  const sum = view.atoms.reduce((s, a) => s + a.value, 0);
  return (
    <div
      className="contrib-legend"
      data-testid="contrib-legend"
      data-status="ready"
      data-sum={sum}
      data-learned={view.learned}
      data-value={view.value}
    >
      <div className="contrib-scale">
        <span>−{formatValue(view.range)}</span>
        <span className="contrib-bar" style={{ background: legendGradient() }} />
        <span>
          +{formatValue(view.range)} {unit}
        </span>
      </div>
      <p className="muted">
        Blue atoms lower {labelOf(view.target)}, red atoms raise it: each atom's learned
        contribution beyond its element's reference value, hydrogens added to their heavy atom
        (integrated gradients, {view.steps} steps).
      </p>
      <ol className="contrib-atoms">
        {view.atoms.map((a) => (
          <li key={a.index} data-testid="contrib-atom" data-value={a.value}>
            {a.element}
            {a.index}
            {a.hydrogens > 0 && <small>H{a.hydrogens > 1 ? a.hydrogens : ''}</small>}{' '}
            {formatValue(a.value)}
          </li>
        ))}
      </ol>
      <table className="contrib-sum">
        <tbody>
          <tr>
            <th scope="row">Atoms, summed</th>
            <td className="num" data-testid="contrib-sum">
              {formatValue(sum)}
            </td>
            <td>{unit}</td>
          </tr>
          <tr>
            <th scope="row">Learned part (exact)</th>
            <td className="num">{formatValue(view.learned)}</td>
            <td>{unit}</td>
          </tr>
          <tr>
            <th scope="row">+ element references</th>
            <td className="num">{formatValue(view.reference)}</td>
            <td>{unit}</td>
          </tr>
          <tr>
            <th scope="row">+ constant (same for every molecule)</th>
            <td className="num">{formatValue(view.offset)}</td>
            <td>{unit}</td>
          </tr>
          <tr>
            <th scope="row">= prediction</th>
            <td className="num">{formatValue(view.value)}</td>
            <td>{unit}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
