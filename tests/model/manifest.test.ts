// The manifest, ensemble manifest, model card and evaluation checks against hand-written files:
// a broken file must be refused with its name and the field at fault, a good one passed through.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkEnsembleManifest,
  ENSEMBLE_FORMAT,
  isEnsembleManifest,
} from '../../src/model/ensembleManifest';
import { checkFormat, checkManifest, MANIFEST_FORMAT } from '../../src/model/manifest';
import {
  CARD_FORMAT,
  EVALUATION_FORMAT,
  parseModelCard,
  parseModelEvaluation,
} from '../../src/model/modelCard';

const manifest = {
  format: 'qm9-gnn',
  formatVersion: 1,
  name: 'm',
  version: '1.0.0',
  precision: 'float32',
  architecture: { kind: 'product', hidden: 8, layers: 1, targets: ['gap', 'homo'] },
  outputTransform: { targets: ['gap', 'homo'], mean: [0, 0], std: [1, 1] },
  weightsManifest: [],
};

describe('manifest headers', () => {
  it('pass a JSON object of the right format and version 1 through', () => {
    const value = { format: 'f', formatVersion: 1, x: 2 };
    expect(checkFormat(value, 'w', 'f')).toBe(value);
    expect(MANIFEST_FORMAT).toBe('qm9-gnn');
    expect(ENSEMBLE_FORMAT).toBe('qm9-gnn-ensemble');
    expect(CARD_FORMAT).toBe('qm9-model-card');
    expect(EVALUATION_FORMAT).toBe('qm9-model-evaluation');
  });

  it('refuse anything else, naming where and what', () => {
    expect(() => checkFormat(null, 'w', 'f')).toThrow('w: not a JSON object');
    expect(() => checkFormat(3, 'w', 'f')).toThrow('w: not a JSON object');
    expect(() => checkFormat('f', 'w', 'f')).toThrow('w: not a JSON object');
    expect(() => checkFormat({ formatVersion: 1 }, 'w', 'f')).toThrow(
      'w: format is "undefined", expected "f"',
    );
    expect(() => checkFormat({ format: 'g', formatVersion: 1 }, 'w', 'f')).toThrow(
      'w: format is "g", expected "f"',
    );
    expect(() => checkFormat({ format: 'f', formatVersion: '1' }, 'w', 'f')).toThrow(
      'w: unsupported formatVersion 1',
    );
    expect(() => checkFormat({ format: 'f' }, 'w', 'f')).toThrow(
      'w: unsupported formatVersion undefined',
    );
  });
});

describe('checkManifest', () => {
  it('passes a complete manifest through', () => {
    expect(checkManifest(manifest, 'model.json')).toBe(manifest);
  });

  it('needs the architecture, the output transform and the weights manifest, agreeing on targets', () => {
    const missing = 'm/model.json: missing architecture, outputTransform or weightsManifest';
    for (const key of ['architecture', 'outputTransform'])
      expect(() => checkManifest({ ...manifest, [key]: undefined }, 'm/model.json')).toThrow(
        missing,
      );
    expect(() => checkManifest({ ...manifest, weightsManifest: {} }, 'm/model.json')).toThrow(
      missing,
    );
    expect(() =>
      checkManifest(
        { ...manifest, outputTransform: { ...manifest.outputTransform, targets: ['gap'] } },
        'm/model.json',
      ),
    ).toThrow('m/model.json: outputTransform and architecture disagree on the targets');
    expect(() => checkManifest({ ...manifest, format: ENSEMBLE_FORMAT }, 'x')).toThrow(
      'x: format is "qm9-gnn-ensemble", expected "qm9-gnn"',
    );
  });

  it('passes each product readout through and refuses others, naming the key', () => {
    const withReadout = (readout: unknown, kind = 'product') => ({
      ...manifest,
      architecture: { ...manifest.architecture, kind, readout },
    });
    for (const readout of ['sum+mean', 'sum', 'mean']) {
      const m = withReadout(readout);
      expect(checkManifest(m, 'm/model.json')).toBe(m);
    }
    for (const [readout, shown] of [
      ['max', '"max"'],
      ['Sum', '"Sum"'],
      [null, 'null'],
      [2, '2'],
    ] as const)
      expect(() => checkManifest(withReadout(readout), 'm/model.json')).toThrow(
        `m/model.json: architecture.readout must be one of "sum+mean", "sum", "mean", got ${shown}`,
      );
    expect(() => checkManifest(withReadout('mean', 'baseline'), 'm/model.json')).toThrow(
      'm/model.json: architecture.readout is a setting of the product model only',
    );
  });
});

describe('ensemble manifests', () => {
  const ensemble = {
    format: 'qm9-gnn-ensemble',
    formatVersion: 1,
    name: 'e',
    version: '1.0.0',
    precision: 'float16',
    members: ['../a/', '../b'],
    stdScale: { gap: 0.8, homo: 1.2 },
  };

  it('are told apart from single-model manifests by their format', () => {
    expect(isEnsembleManifest(ensemble)).toBe(true);
    expect(isEnsembleManifest(manifest)).toBe(false);
    expect(isEnsembleManifest(null)).toBe(false);
    expect(isEnsembleManifest(undefined)).toBe(false);
  });

  it('pass through with their members and std factors, no factors meaning none', () => {
    expect(checkEnsembleManifest(ensemble, 'e')).toEqual(ensemble);
    expect(checkEnsembleManifest({ ...ensemble, stdScale: undefined }, 'e').stdScale).toEqual({});
  });

  it('need at least one named member and positive std factors', () => {
    const members = 'e/model.json: "members" must list at least one model directory';
    for (const m of [undefined, 'a', [], [''], ['../a', 3], ['../a', ''], [['../a']]])
      expect(() => checkEnsembleManifest({ ...ensemble, members: m }, 'e/model.json')).toThrow(
        members,
      );
    for (const factor of [0, -1, NaN, '1', null])
      expect(() =>
        checkEnsembleManifest({ ...ensemble, stdScale: { gap: 1, homo: factor } }, 'e/model.json'),
      ).toThrow('e/model.json: stdScale.homo must be a positive number');
    expect(() => checkEnsembleManifest({ ...ensemble, format: 'qm9-gnn' }, 'e')).toThrow(
      'e: format is "qm9-gnn", expected "qm9-gnn-ensemble"',
    );
  });
});

const shippedCard = JSON.parse(
  readFileSync('public/models/qm9-gnn-ensemble-v1.1/model-card.json', 'utf8'),
) as Record<string, unknown>;
const shippedEvaluation = JSON.parse(
  readFileSync('public/models/qm9-gnn-ensemble-v1.1/evaluation.json', 'utf8'),
) as Record<string, unknown>;

describe('model cards', () => {
  const bad = (patch: Record<string, unknown>) => () =>
    parseModelCard({ ...shippedCard, ...patch }, 'c.json');

  it('pass a complete card through; the default name is model-card.json', () => {
    expect(parseModelCard(shippedCard)).toBe(shippedCard);
    expect(parseModelCard({ ...shippedCard, ensemble: undefined }, 'c').ensemble).toBeUndefined();
    expect(() => parseModelCard({ ...shippedCard, format: 'x' })).toThrow(
      'model-card.json: format is "x", expected "qm9-model-card"',
    );
  });

  it('name each missing or mistyped field', () => {
    for (const key of ['name', 'version', 'createdAt', 'description'])
      expect(bad({ [key]: 1 })).toThrow(`c.json: "${key}" must be a string`);
    expect(bad({ architecture: null })).toThrow('c.json: "architecture" must be an object');
    expect(bad({ architecture: 'product' })).toThrow('"architecture" must be an object');
    expect(bad({ targets: {} })).toThrow('c.json: "targets" must be an array');
    expect(bad({ data: undefined })).toThrow(
      'c.json: "data" must describe the data file and its split',
    );
    expect(bad({ data: { file: 'x' } })).toThrow('"data" must describe the data file');
    expect(bad({ metrics: undefined })).toThrow('c.json: "metrics" must be an object');
    expect(bad({ metrics: 'good' })).toThrow('c.json: "metrics" must be an object');
    const metrics = shippedCard.metrics as { test: unknown[]; validation: unknown[] };
    expect(bad({ metrics: { ...metrics, test: {} } })).toThrow(
      'c.json: metrics.test: must be an array of target metrics',
    );
    expect(bad({ metrics: { ...metrics, validation: undefined } })).toThrow(
      'c.json: metrics.validation: must be an array of target metrics',
    );
    const row = { key: 'gap', n: 3, mae: 0.1 };
    for (const broken of [null, { ...row, key: 2 }, { ...row, n: Infinity }, { ...row, mae: '1' }])
      expect(bad({ metrics: { ...metrics, validation: [row, row, broken] } })).toThrow(
        'c.json: metrics.validation[2]: needs a key, n and a finite mae',
      );
    expect(bad({ training: null })).toThrow('c.json: "training" must be an object');
    expect(bad({ training: 'adam' })).toThrow('"training" must be an object');
    for (const key of ['quantization', 'ablations', 'limitations'])
      expect(bad({ [key]: {} })).toThrow(`c.json: "${key}" must be an array`);
    expect(bad({ trainingPredictions: { sampleSize: 3 } })).toThrow(
      'c.json: "trainingPredictions" must hold a distribution per target',
    );
    expect(bad({ ensemble: null })).toThrow('c.json: "ensemble.members" must be an array');
    expect(bad({ ensemble: { members: {} } })).toThrow('"ensemble.members" must be an array');
  });
});

describe('evaluations', () => {
  const card = {
    name: shippedEvaluation.name as string,
    version: shippedEvaluation.version as string,
  };
  const bad = (patch: Record<string, unknown>) => () =>
    parseModelEvaluation({ ...shippedEvaluation, ...patch }, card, 'e.json');

  it('pass an evaluation of the same model through', () => {
    expect(parseModelEvaluation(shippedEvaluation, card)).toBe(shippedEvaluation);
    expect(parseModelEvaluation({ ...shippedEvaluation, errorsBySize: undefined }, card)).toEqual({
      ...shippedEvaluation,
      errorsBySize: undefined,
    });
    expect(() => parseModelEvaluation({ ...shippedEvaluation, formatVersion: 3 }, card)).toThrow(
      'evaluation.json: unsupported formatVersion 3',
    );
  });

  it("refuse another model's or version's evaluation and name each broken field", () => {
    expect(() =>
      parseModelEvaluation(shippedEvaluation, { ...card, name: 'other' }, 'e.json'),
    ).toThrow(`e.json: belongs to ${card.name} ${card.version}, not other ${card.version}`);
    expect(bad({ version: '0.0.1' })).toThrow(
      `e.json: belongs to ${card.name} 0.0.1, not ${card.name} ${card.version}`,
    );
    const residuals = shippedEvaluation.testResiduals as Record<string, unknown>;
    const message = 'e.json: "testResiduals" must hold errorHistograms and parity';
    expect(bad({ testResiduals: undefined })).toThrow(message);
    expect(bad({ testResiduals: { ...residuals, errorHistograms: 1 } })).toThrow(message);
    expect(bad({ testResiduals: { ...residuals, parity: 'x' } })).toThrow(message);
    expect(bad({ trainingHistory: {} })).toThrow(
      'e.json: "trainingHistory" must be an array (one entry per model trained)',
    );
    expect(bad({ errorsBySize: null })).toThrow('e.json: "errorsBySize.rows" must be an array');
    expect(bad({ errorsBySize: { rows: {} } })).toThrow('"errorsBySize.rows" must be an array');
  });
});
