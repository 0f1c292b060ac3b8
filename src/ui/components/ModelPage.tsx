import { TARGETS } from '../../model/contracts';
import type { LoadedCard, ModelCard, ModelEvaluation, TargetMetrics } from '../../model/contracts';
import { useEffect, useState, type ReactNode } from 'react';
import type { TargetKey } from '../../model/contracts';
import {
  learningCurves,
  loadEvaluation,
  testErrorHistogram,
  testParity,
  trainingDistribution,
} from '../cardView';
import { formatValue } from '../format';
import { propertyInfo } from '../properties';
import { useApp } from '../store';
import {
  CalibrationChart,
  ErrorHistogramChart,
  LearningCurveChart,
  ParityChart,
} from './CardPlots';
import { Histogram } from './Histogram';
import { SizeErrors } from './SizeErrors';

function coverageCell(value: number | undefined, nominal: number) {
  if (value === undefined) return <td className="num">–</td>;
  // Within 5 points of the nominal level counts as calibrated (the project's goal for the 90% interval).
  const calibrated = Math.abs(value - nominal) <= 0.05;
  return <td className={`num ${calibrated ? 'ok' : 'off'}`}>{(value * 100).toFixed(1)}%</td>;
}

/** The card's tables: one header row, scrolling sideways on a narrow screen. */
function CardTable({
  testId,
  head,
  children,
}: {
  testId?: string;
  head: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="table-scroll">
      <table className="card-table" data-testid={testId}>
        <thead>
          <tr>{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function AccuracyTable({ card }: { card: ModelCard }) {
  const baseline = new Map((card.baseline?.test ?? []).map((m) => [m.key, m] as const));
  const byKey = new Map(card.metrics.test.map((m) => [m.key, m] as const));
  return (
    <CardTable
      testId="accuracy-table"
      head={
        <>
          <th>Property</th>
          <th>Unit</th>
          <th>Test MAE</th>
          <th>RMSE</th>
          <th>R²</th>
          <th title="Share of test molecules inside the central 50% predictive interval">
            50% interval
          </th>
          <th title="Share of test molecules inside the central 90% predictive interval">
            90% interval
          </th>
          {card.baseline && <th>Baseline MAE</th>}
          <th>Training distribution</th>
        </>
      }
    >
      {TARGETS.map((t) => {
        const m: TargetMetrics | undefined = byKey.get(t.key);
        const distribution = trainingDistribution(card, t.key);
        return (
          <tr key={t.key}>
            <th scope="row">{propertyInfo(t.key).name}</th>
            <td>{t.unit}</td>
            <td className="num">{formatValue(m?.mae)}</td>
            <td className="num">{formatValue(m?.rmse)}</td>
            <td className="num">{formatValue(m?.r2)}</td>
            {coverageCell(m?.coverage50, 0.5)}
            {coverageCell(m?.coverage90, 0.9)}
            {card.baseline && <td className="num">{formatValue(baseline.get(t.key)?.mae)}</td>}
            <td>
              {distribution && (
                <Histogram
                  histogram={distribution.histogram}
                  label={`${t.label}: predictions on training molecules`}
                />
              )}
            </td>
          </tr>
        );
      })}
    </CardTable>
  );
}

/** Predicted against true for one chosen target, with how many molecules fall off the plot. */
function Parity({ card, evaluation }: { card: ModelCard; evaluation: ModelEvaluation }) {
  const available = TARGETS.filter((t) => testParity(evaluation, t.key));
  const [key, setKey] = useState<TargetKey>(
    available.some((t) => t.key === 'gap') ? 'gap' : (available[0]?.key ?? 'gap'),
  );
  const target = available.find((t) => t.key === key);
  const grid = target ? testParity(evaluation, target.key) : null;
  if (!target || !grid) return null;
  return (
    <div className="parity-panel">
      <label>
        Property{' '}
        <select
          value={key}
          onChange={(e) => setKey(e.target.value as TargetKey)}
          data-testid="parity-target"
        >
          {available.map((t) => (
            <option key={t.key} value={t.key}>
              {propertyInfo(t.key).name}
            </option>
          ))}
        </select>
      </label>
      <ParityChart grid={grid} target={target.key} />
      <p className="muted">
        {card.data.split.test.toLocaleString()} test molecules
        {grid.outside > 0 ? `; ${grid.outside} outside the plotted range` : ''}.
      </p>
    </div>
  );
}

/** One residual histogram per target: how far off the model is on molecules it never saw. */
function ErrorHistograms({ evaluation }: { evaluation: ModelEvaluation }) {
  const available = TARGETS.filter((t) => testErrorHistogram(evaluation, t.key));
  if (available.length === 0) {
    return <p className="muted">This model's evaluation carries no test-error histograms.</p>;
  }
  return (
    <div className="error-histograms" data-testid="error-histograms">
      {available.map((t) => (
        <ErrorHistogramChart
          key={t.key}
          histogram={testErrorHistogram(evaluation, t.key)!}
          target={t.key}
        />
      ))}
    </div>
  );
}

function KeyValues({ entries }: { entries: [string, unknown][] }) {
  return (
    <dl className="kv">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

type EvaluationState =
  | { status: 'loading' }
  | { status: 'loaded'; evaluation: ModelEvaluation }
  | { status: 'missing' }
  | { status: 'failed'; error: string };

/** evaluation.json beside the card, fetched when the page first shows this card. */
function useEvaluation(card: LoadedCard | null): EvaluationState {
  const [state, setState] = useState<{ card: LoadedCard | null; value: EvaluationState }>({
    card: null,
    value: { status: 'loading' },
  });
  useEffect(() => {
    if (!card) return;
    let current = true;
    loadEvaluation(card).then(
      (evaluation) =>
        current &&
        setState({
          card,
          value: evaluation ? { status: 'loaded', evaluation } : { status: 'missing' },
        }),
      (error: Error) =>
        current && setState({ card, value: { status: 'failed', error: error.message } }),
    );
    return () => {
      current = false;
    };
  }, [card]);
  // A new card shows "loading" until its own evaluation arrives, never the previous card's.
  return state.card === card ? state.value : { status: 'loading' };
}

/** What stands in for the sections drawn from evaluation.json until it is there. */
function EvaluationNote({ state }: { state: EvaluationState }) {
  if (state.status === 'loading')
    return <p className="muted">Loading the test-split evaluation…</p>;
  if (state.status === 'failed')
    return <p className="muted">The test-split evaluation did not load: {state.error}</p>;
  return <p className="muted">This model was published without a test-split evaluation.</p>;
}

export function ModelPage() {
  const model = useApp((s) => s.model);
  const backend = useApp((s) => s.backend);
  const card = model?.card ?? null;
  const evaluationState = useEvaluation(card);
  const evaluation = evaluationState.status === 'loaded' ? evaluationState.evaluation : null;
  if (!model) {
    return (
      <section className="panel model-page">
        <h2>Model</h2>
        <p className="muted">
          {backend.status === 'failed' ? `No model loaded: ${backend.error}` : 'Loading the model…'}
        </p>
      </section>
    );
  }
  if (!card) {
    return (
      <section className="panel model-page">
        <h2>
          {model.name} {model.version}
        </h2>
        <p className="muted">This model was published without a model card.</p>
      </section>
    );
  }
  return (
    <section className="panel model-page" data-testid="model-page">
      <h2>
        {card.name} {card.version}
      </h2>
      <p>{card.description}</p>
      <h3>Accuracy on the QM9 test split</h3>
      <AccuracyTable card={card} />
      {card.ensemble && <EnsembleMembers ensemble={card.ensemble} />}
      {evaluation ? (
        <>
          <SizeErrors evaluation={evaluation} />
          <h3>Parity on the test split</h3>
          <Parity card={card} evaluation={evaluation} />
          <h3>Errors on the test split (predicted − true)</h3>
          <ErrorHistograms evaluation={evaluation} />
        </>
      ) : (
        <EvaluationNote state={evaluationState} />
      )}
      <div className="model-columns">
        <div>
          <h3>Uncertainty calibration</h3>
          <p className="muted">{card.uncertainty?.method ?? 'no uncertainty method recorded'}</p>
          <p className="muted">
            Each line: the share of test molecules whose true value lies inside the central interval
            (value ± z·σ, the σ the predictions show) at each nominal level. On the diagonal the
            stated uncertainty is right; below it the intervals are too narrow, above too wide.
          </p>
          {evaluationState.status === 'loading' ? (
            <EvaluationNote state={evaluationState} />
          ) : (
            <CalibrationChart metrics={card.metrics.test} coverage={evaluation?.intervalCoverage} />
          )}
        </div>
        <div>
          <h3>Learning curves</h3>
          <p className="muted">
            Validation gap error after each epoch; a fine-tune continues the numbering of the model
            it started from.
          </p>
          {evaluation ? (
            <LearningCurveChart points={learningCurves(evaluation)} />
          ) : (
            <EvaluationNote state={evaluationState} />
          )}
        </div>
        <div>
          <h3>Training data</h3>
          <KeyValues
            entries={[
              ['file', card.data.file],
              ['sha256', card.data.sha256],
              ['rows', card.data.rows],
              ['characterized rows', card.data.characterizedRows],
              ['featurization errors', card.data.featurizationErrors],
              ['split', card.data.split.rule],
              [
                'train / validation / test',
                `${card.data.split.train} / ${card.data.split.validation} / ${card.data.split.test}`,
              ],
              ['parameters', card.parameters],
              ['created', card.createdAt],
            ]}
          />
          <h3>Training</h3>
          <KeyValues entries={Object.entries(card.training)} />
        </div>
      </div>
      {card.limitations.length > 0 && (
        <>
          <h3>Limitations</h3>
          <ul>
            {card.limitations.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        </>
      )}
      {(card.ablations.length > 0 || card.quantization.length > 0) && (
        <details className="engineering" data-testid="engineering-notes">
          <summary>
            <h3>Engineering notes (how the model was chosen and made fast)</h3>
          </summary>
          {card.ablations.length > 0 && (
            <>
              <h3>Ablations</h3>
              <ul>
                {card.ablations.map((a) => (
                  <li key={a.name}>
                    <strong>{a.name}</strong>: {a.description} — {a.result}
                  </li>
                ))}
              </ul>
            </>
          )}
          {card.quantization.length > 0 && (
            <>
              <h3>Weight precision</h3>
              <CardTable
                head={
                  <>
                    <th>Precision</th>
                    <th>Weight bytes</th>
                    <th>Test MAE change (gap, eV)</th>
                  </>
                }
              >
                {card.quantization.map((q) => (
                  <tr key={q.precision}>
                    <td>{q.precision}</td>
                    <td className="num">{q.weightBytes.toLocaleString()}</td>
                    <td className="num">{formatValue(q.testMaeDelta.gap)}</td>
                  </tr>
                ))}
              </CardTable>
            </>
          )}
        </details>
      )}
    </section>
  );
}

/** An ensemble's members and how each does alone on the gap, beside the ensemble's own table. */
function EnsembleMembers({ ensemble }: { ensemble: NonNullable<ModelCard['ensemble']> }) {
  return (
    <>
      <h3>Ensemble members</h3>
      <p className="muted">{ensemble.combination}</p>
      <CardTable
        testId="ensemble-members"
        head={
          <>
            <th>Member</th>
            <th>Predicts</th>
            <th>Test MAE alone (gap, eV)</th>
            <th>Parameters</th>
          </>
        }
      >
        {ensemble.members.map((m) => (
          <tr key={m.name}>
            <td title={m.description}>
              {m.name} {m.version}
            </td>
            <td>
              {m.architecture.targets.length === 1
                ? m.architecture.targets[0]
                : `${m.architecture.targets.length} targets`}
            </td>
            <td className="num">{formatValue(m.test.find((t) => t.key === 'gap')?.mae)}</td>
            <td className="num">{m.parameters.toLocaleString()}</td>
          </tr>
        ))}
      </CardTable>
    </>
  );
}
