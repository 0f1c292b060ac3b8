import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CARD_FILE,
  DRIFT_REFERENCE_FILE,
  EVALUATION_FILE,
  parseModelCard,
  parseModelEvaluation,
} from '../../src/model/modelCard';
import { parseDriftReference } from '../../src/stats';
import { loadEvaluation } from '../../src/ui/cardView';
import { readableJson } from '../../training/cardFiles';

const MODELS = 'public/models';
const shipped = readdirSync(MODELS).filter((d) => statSync(path.join(MODELS, d)).isDirectory());
const json = (dir: string, file: string): unknown =>
  JSON.parse(readFileSync(path.join(MODELS, dir, file), 'utf8'));

describe('shipped model cards', () => {
  it.each(shipped)('%s: a card under 50 KB, its evaluation and drift reference parse', (dir) => {
    // The card is what a person opens and what the page downloads before the first prediction.
    expect(statSync(path.join(MODELS, dir, CARD_FILE)).size).toBeLessThan(50_000);
    const card = parseModelCard(json(dir, CARD_FILE), dir);
    const evaluation = parseModelEvaluation(json(dir, EVALUATION_FILE), card, dir);
    expect(Object.keys(evaluation.testResiduals.parity).sort()).toEqual(
      card.targets.map((t) => t.key).sort(),
    );
    expect(evaluation.trainingHistory.length).toBe(card.ensemble?.members.length ?? 1);
    expect(parseDriftReference(json(dir, DRIFT_REFERENCE_FILE)).molecules.rows).toBe(1000);
  });
});

describe('parseModelCard', () => {
  const card = json('qm9-gnn-ensemble-v1.1', CARD_FILE) as Record<string, unknown>;

  it('names the file and the field at fault', () => {
    expect(() => parseModelCard({ ...card, format: undefined }, 'x/model-card.json')).toThrow(
      'x/model-card.json: format is "undefined", expected "qm9-model-card"',
    );
    expect(() => parseModelCard({ ...card, formatVersion: 2 }, 'c')).toThrow(
      'c: unsupported formatVersion 2',
    );
    expect(() => parseModelCard({ ...card, metrics: { test: [{ key: 'gap' }] } }, 'c')).toThrow(
      'c: metrics.test[0]: needs a key, n and a finite mae',
    );
    expect(() => parseModelCard({ ...card, trainingPredictions: undefined }, 'c')).toThrow(
      '"trainingPredictions" must hold a distribution per target',
    );
  });

  it('refuses an evaluation written for another model version', () => {
    const evaluation = json('qm9-gnn-ensemble-v1.1', EVALUATION_FILE);
    expect(() =>
      parseModelEvaluation(evaluation, { name: 'qm9-gnn-ensemble', version: '1.0.0' }, 'e'),
    ).toThrow('e: belongs to qm9-gnn-ensemble 1.1.0, not qm9-gnn-ensemble 1.0.0');
  });
});

describe('loadEvaluation', () => {
  const card = parseModelCard(json('qm9-gnn-ensemble-v1.1', CARD_FILE));
  const text = readFileSync(path.join(MODELS, 'qm9-gnn-ensemble-v1.1', EVALUATION_FILE), 'utf8');

  it('fetches evaluation.json beside the card', async () => {
    const urls: string[] = [];
    const fetchImpl = (async (url: string) => {
      urls.push(url);
      return new Response(text, { headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const evaluation = await loadEvaluation(
      { ...card, dir: 'http://localhost/models/qm9-gnn-ensemble-v1.1' },
      fetchImpl,
    );
    expect(urls).toEqual(['http://localhost/models/qm9-gnn-ensemble-v1.1/evaluation.json']);
    expect(evaluation?.errorsBySize?.rows.length).toBeGreaterThan(0);
  });

  it('is null when the server has no such file (a 404, or the app page in its place)', async () => {
    const dir = 'http://localhost/models/x/';
    const notFound = (async () => new Response('', { status: 404 })) as typeof fetch;
    const appPage = (async () =>
      new Response('<html>', { headers: { 'content-type': 'text/html' } })) as typeof fetch;
    expect(await loadEvaluation({ ...card, dir }, notFound)).toBeNull();
    expect(await loadEvaluation({ ...card, dir }, appPage)).toBeNull();
    expect(await loadEvaluation(card, notFound)).toBeNull();
  });
});

describe('readableJson', () => {
  it('parses back to the same value, keeping short arrays and objects on one line', () => {
    const value = {
      counts: [1, 2, 3],
      row: { key: 'gap', mae: 0.1 },
      long: { text: 'x'.repeat(120), nested: [[1, 2], [3]] },
      skipped: undefined,
    };
    const text = readableJson(value);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
    expect(text.split('\n')).toEqual([
      '{',
      '  "counts": [1,2,3],',
      '  "row": {"key":"gap","mae":0.1},',
      '  "long": {',
      `    "text": "${'x'.repeat(120)}",`,
      '    "nested": [[1,2],[3]]',
      '  }',
      '}',
    ]);
  });
});
