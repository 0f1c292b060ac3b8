import { percentileInHistogram, trainingDistribution } from '../cardView';
import { formatInterval, formatValue, ordinal } from '../format';
import { PROPERTIES } from '../properties';
import { extrapolationReasons, readingOf } from '../reading';
import { selectedRow, useApp } from '../store';
import type { ResultRow } from '../worker/protocol';
import {
  ContributionDepiction,
  ContributionLegend,
  ContributionToggle,
  useContributions,
} from './Contributions';
import { Depiction, drawable } from './Depiction';
import { Histogram } from './Histogram';
import { Viewer3D } from './Viewer3D';

export function DomainBadge({ row }: { row: ResultRow }) {
  if (row.status === 'error') {
    return (
      <p
        className="badge error"
        data-testid="domain-badge"
        data-domain={row.smiles ? 'outside' : 'error'}
      >
        {row.smiles ? 'Outside the model, not predicted: ' : 'Cannot be read: '}
        {row.message}
      </p>
    );
  }
  const reasons = extrapolationReasons(row);
  if (reasons.length > 0) {
    return (
      <div className="badge warn" data-testid="domain-badge" data-domain="outside">
        <strong>Extrapolation: outside QM9.</strong> The numbers below are the model&apos;s guesses
        without an interval.
        <ul>
          {reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <p className="badge ok" data-testid="domain-badge" data-domain="inside">
      Inside QM9&apos;s domain (H, C, N, O, F; 2 to 9 heavy atoms; neutral, closed-shell, one
      molecule)
    </p>
  );
}

function percentileText(percentile: number): string {
  if (!Number.isFinite(percentile)) return '';
  const rounded = Math.round(percentile * 100);
  if (rounded <= 0) return 'below all';
  if (rounded >= 100) return 'above all';
  return `${ordinal(rounded)} percentile`;
}

function PropertyTable({ row }: { row: ResultRow }) {
  const card = useApp((s) => s.model?.card ?? null);
  const prediction = row.prediction;
  if (!prediction) {
    return (
      <p className="muted">
        No predictions for this molecule{row.status === 'parsed' ? ' (model not loaded)' : ''}.
      </p>
    );
  }
  return (
    <div className="table-scroll">
      <table className="properties" data-testid="properties" aria-label="Predicted properties">
        <thead>
          <tr>
            <th scope="col">Property (unit)</th>
            <th scope="col">Value</th>
            <th scope="col">90 % interval</th>
            <th
              scope="col"
              title="Model predictions on QM9 training molecules; the line marks this molecule"
            >
              Among QM9 molecules
            </th>
          </tr>
        </thead>
        <tbody>
          {PROPERTIES.map((property) => {
            const reading = readingOf(row, property.key);
            const distribution = trainingDistribution(card, property.key);
            const percentile =
              distribution && reading.value !== undefined
                ? percentileInHistogram(distribution.histogram, reading.value)
                : NaN;
            return (
              <tr
                key={property.key}
                data-target={property.key}
                className={reading.extrapolated ? 'extrapolated' : undefined}
              >
                <th scope="row" title={property.meaning}>
                  {property.heading}
                </th>
                <td className="num" data-testid={`value-${property.key}`}>
                  {formatValue(reading.value)}
                </td>
                <td className="num" data-testid={`interval-${property.key}`}>
                  {reading.extrapolated ? (
                    <span className="extrapolation-tag">extrapolation, no interval</span>
                  ) : reading.interval ? (
                    formatInterval(reading.interval)
                  ) : (
                    '–'
                  )}
                </td>
                <td>
                  {distribution && (
                    <span className="dist">
                      <Histogram
                        histogram={distribution.histogram}
                        value={reading.value}
                        extrapolated={reading.extrapolated}
                        label={`${property.name}: training distribution, this molecule marked${reading.extrapolated ? ' (extrapolation)' : ''}`}
                      />
                      <span className="pct">
                        {reading.extrapolated ? 'extrapolation' : percentileText(percentile)}
                      </span>
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
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
          {/* The formula as a subtitle only when the title is a name, never twice. */}
          {row.name && row.formula && <small> {row.formula}</small>}
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
      {drawable(row) && <Structure row={row} />}
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
