import type { ModelEvaluation } from '../../model/contracts';
import { TARGETS } from '../../model/contracts';
import { formatValue } from '../format';
import { propertyInfo } from '../properties';

/**
 * Test MAE by heavy-atom count, and the check of QM9's smallest molecules: the overall MAE is
 * dominated by molecules of 8-9 heavy atoms and hides how the small ones people type first fare.
 */
export function SizeErrors({ evaluation }: { evaluation: ModelEvaluation }) {
  const bySize = evaluation.errorsBySize;
  const small = evaluation.smallMolecules;
  if (!bySize) return null;
  return (
    <>
      <h3>Errors by molecule size (test split)</h3>
      <div className="table-scroll">
        <table className="card-table" data-testid="errors-by-size">
          <thead>
            <tr>
              <th>Property</th>
              {bySize.rows.map((r) => (
                <th key={r.heavyAtoms} className="num">
                  {r.heavyAtoms} heavy atoms (n = {r.n})
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {TARGETS.filter((t) => bySize.rows[0]?.mae[t.key] !== undefined).map((t) => (
              <tr key={t.key}>
                <th scope="row">{propertyInfo(t.key).heading}</th>
                {bySize.rows.map((r) => (
                  <td key={r.heavyAtoms} className="num">
                    {formatValue(r.mae[t.key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {small && (
        <p data-testid="small-molecule-check">
          QM9&apos;s {small.molecules} molecules of at most {small.maxHeavyAtoms} heavy atoms (all
          splits): {small.passed} of {small.checks} predictions lie within {small.maeMultiple}× the
          test MAE or have the truth inside their 90&nbsp;% interval.
          {small.failures.length > 0 &&
            ` Not: ${small.failures
              .map(
                (f) =>
                  `gdb ${f.gdbIdx} ${propertyInfo(f.target).name} (off by ${formatValue(f.absError)} ${propertyInfo(f.target).unit})`,
              )
              .join('; ')}.`}
        </p>
      )}
    </>
  );
}
