import { describe, expect, it } from 'vitest';
import { learningCurves, percentileInHistogram } from '../../src/ui/cardView';
import type { ModelEvaluation } from '../../src/model/modelCard';
import { splitTrainingHistory } from '../../training/cardFiles';
import { filterRows } from '../../src/ui/components/BatchTable';
import type { ResultRow } from '../../src/ui/worker/protocol';

describe('percentileInHistogram', () => {
  const histogram = { edges: [0, 1, 2, 3, 4], counts: [10, 20, 30, 40] };

  it('interpolates inside a bin', () => {
    expect(percentileInHistogram(histogram, 0)).toBe(0);
    expect(percentileInHistogram(histogram, 1)).toBeCloseTo(0.1);
    expect(percentileInHistogram(histogram, 2.5)).toBeCloseTo(0.45);
  });

  it('clamps outside the range', () => {
    expect(percentileInHistogram(histogram, -5)).toBe(0);
    expect(percentileInHistogram(histogram, 99)).toBe(1);
  });
});

describe('filterRows', () => {
  const row = (
    id: number,
    name: string,
    status: ResultRow['status'],
    smiles?: string,
  ): ResultRow => ({
    id,
    name,
    status,
    smiles,
    source: 'x.smi',
    record: id,
    warnings: [],
  });
  const rows = [
    row(1, 'ethanol', 'predicted', 'CCO'),
    row(2, 'bad', 'error'),
    row(3, 'benzene', 'warning', 'c1ccccc1'),
  ];

  it('matches name, SMILES or formula, case-insensitively, and by status', () => {
    expect(filterRows(rows, 'CCO', 'all').map((r) => r.id)).toEqual([1]);
    expect(filterRows(rows, 'BENZ', 'all').map((r) => r.id)).toEqual([3]);
    expect(filterRows(rows, '', 'error').map((r) => r.id)).toEqual([2]);
    expect(filterRows(rows, '', 'all')).toHaveLength(3);
  });
});

describe('learningCurves', () => {
  it('gives each ensemble member its curve, a fine-tune numbered after its starting model', () => {
    const trainingHistory = [
      splitTrainingHistory('multi 1.1.0', {
        startedFrom: { model: 'multi 1.0.0', epochs: 94 },
        history: [
          { epoch: 1, valGapMae: 0.139 },
          { epoch: 2, valGapMae: 0.133 },
        ],
      }).history,
      splitTrainingHistory('gap 1.1.0', { history: [{ epoch: 1, valGapMae: 0.2 }, { epoch: 2 }] })
        .history,
    ];
    const evaluation = { trainingHistory } as unknown as ModelEvaluation;
    expect(learningCurves(evaluation)).toEqual([
      { model: 'multi 1.1.0', epoch: 95, valGapMae: 0.139 },
      { model: 'multi 1.1.0', epoch: 96, valGapMae: 0.133 },
      { model: 'gap 1.1.0', epoch: 1, valGapMae: 0.2 },
    ]);
  });
});
