import { TARGETS } from '../../model/types';
import { asCard, percentileInHistogram, trainingDistribution } from '../cardView';
import { formatValue } from '../format';
import { selectedRow, useApp } from '../store';
import type { ResultRow } from '../worker/protocol';
import {
  ContributionDepiction,
  ContributionLegend,
  ContributionToggle,
  useContributions,
} from './Contributions';
import { Depiction } from './Depiction';
import { Histogram } from './Histogram';
import { Viewer3D } from './Viewer3D';

export function DomainBadge({ row }: { row: ResultRow }) {
  if (row.status === 'error') {
    return (
      <span className="badge error" data-testid="domain-badge" data-domain="error">
        Cannot predict: {row.message}
      </span>
    );
  }
  if (row.warnings.length > 0) {
    return (
      <span className="badge warn" data-testid="domain-badge" data-domain="outside">
        Outside QM9's domain: {row.warnings.map((w) => w.message).join('; ')}
      </span>
    );
  }
  return (
    <span className="badge ok" data-testid="domain-badge" data-domain="inside">
      Inside QM9's domain (H, C, N, O, F; at most 9 heavy atoms; no net charge)
    </span>
  );
}

function PropertyTable({ row }: { row: ResultRow }) {
  const card = asCard(useApp((s) => s.model?.card));
  const prediction = row.prediction;
  if (!prediction) {
    return (
      <p className="muted">
        No predictions for this molecule{row.status === 'parsed' ? ' (model not loaded)' : ''}.
      </p>
    );
  }
  return (
    <table className="properties" data-testid="properties">
      <thead>
        <tr>
          <th>Property</th>
          <th>Value</th>
          <th>± 1σ</th>
          <th>Unit</th>
          <th title="Model predictions on QM9 training molecules; the line marks this molecule">
            In QM9
          </th>
        </tr>
      </thead>
      <tbody>
        {TARGETS.map((target) => {
          const value = prediction.values[target.key];
          const std = prediction.std[target.key];
          const distribution = trainingDistribution(card, target.key);
          const percentile =
            distribution && value !== undefined
              ? percentileInHistogram(distribution.histogram, value)
              : NaN;
          return (
            <tr key={target.key} data-target={target.key}>
              <th scope="row" title={target.key}>
                {target.label}
              </th>
              <td className="num" data-testid={`value-${target.key}`}>
                {formatValue(value)}
              </td>
              <td className="num">{std === undefined ? '–' : formatValue(std)}</td>
              <td>{target.unit}</td>
              <td>
                {distribution && (
                  <span className="dist">
                    <Histogram
                      histogram={distribution.histogram}
                      value={value}
                      label={`${target.label}: training distribution, this molecule marked`}
                    />
                    <span className="pct">
                      {Number.isFinite(percentile) ? `${Math.round(percentile * 100)}th pct` : ''}
                    </span>
                  </span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Everything about the selected molecule: identity, domain, the 12 properties, 2D and 3D. */
export function MoleculeDetail() {
  const row = useApp(selectedRow);
  if (!row) {
    return (
      <section className="panel detail empty" aria-label="Molecule">
        <p className="muted">
          Draw a molecule, pick an example, paste SMILES or drop files to see predictions.
        </p>
      </section>
    );
  }
  return (
    <section className="panel detail" aria-label="Molecule" data-testid="detail" data-row={row.id}>
      <header>
        <h2>
          {row.name || row.formula || `record ${row.record}`}
          {row.formula && <small> {row.formula}</small>}
        </h2>
        <div className="identity">
          {row.smiles && <code data-testid="detail-smiles">{row.smiles}</code>}
          <span className="muted">
            {' '}
            {row.source} · record {row.record}
          </span>
        </div>
        <DomainBadge row={row} />
      </header>
      {row.status !== 'error' && <Structure row={row} />}
      {row.status !== 'error' && <PropertyTable row={row} />}
    </section>
  );
}

/** 2D and 3D, coloured by atom contributions when the user turned that on. */
function Structure({ row }: { row: ResultRow }) {
  const contributions = useContributions(row);
  const view = contributions.status === 'ready' ? contributions.view : null;
  return (
    <>
      <ContributionToggle row={row} />
      <div className="structure">
        {view ? (
          <ContributionDepiction view={view} />
        ) : (
          <Depiction row={row} width={280} height={220} className="depiction" testId="depiction" />
        )}
        <Viewer3D row={row} contributions={view} />
      </div>
      <ContributionLegend state={contributions} />
    </>
  );
}
