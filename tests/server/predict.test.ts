// /predict through the real server process and the app's inference API (src/model),
// with seeded untrained models written to a temp models directory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from '../helpers/serverProcess';
import { writeEnsembleDir, writeUntrainedModel } from '../helpers/modelDir';
import { averagePredictions, loadPredictor } from '../../src/model';
import { chain, type TestGraph } from '../helpers/molecules';
import { computeDriftReference } from '../../src/stats';

const dir = mkdtempSync(join(tmpdir(), 'qm9-predict-'));
let server: ServerProcess;

async function post(body: unknown) {
  const res = await fetch(`${server.url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** POSTs `g` as the current client does (features, edges, bond types), with `replaced` fields. */
function postGraph(
  g: TestGraph,
  replaced: { node_features?: number[][]; edge_attr?: number[][] } = {},
) {
  return post({
    node_features: g.x,
    edge_index: g.edgeIndex,
    edge_attr: g.edgeAttr,
    ...replaced,
  });
}

beforeAll(async () => {
  const modelsDir = join(dir, 'models');
  const graphs = ['C', 'CC', 'CCO', 'CCC', 'CN'].map(chain);
  const reference = computeDriftReference(graphs, [10, 9, 8.5, 9.2, 8]);
  await writeUntrainedModel(modelsDir, 'gnn-product', {
    kind: 'product',
    hidden: 16,
    layers: 2,
    targets: ['homo', 'lumo', 'gap'],
  });
  await writeUntrainedModel(modelsDir, 'gnn-gap', {
    kind: 'product',
    hidden: 16,
    layers: 2,
    targets: ['gap'],
  });
  // The ensemble is what the server serves: it is listed before the product models.
  writeEnsembleDir(modelsDir, 'gnn-ensemble', ['gnn-product', 'gnn-gap'], reference);
  await writeUntrainedModel(modelsDir, 'gnn-baseline', {
    kind: 'baseline',
    hidden: 16,
    layers: 2,
    dropout: 0,
    targets: ['gap'],
  });
  server = await startServerProcess({
    DATABASE_URL: '',
    SQLITE_FILE: join(dir, 'log.sqlite'),
    MODELS_DIR: modelsDir,
    LOG_PREDICTIONS: '1',
    REPORT_TOKEN: 'predict-test',
  });
  // The model loads in the background; wait until /predict stops answering "not ready".
  const ethanol = chain('CCO');
  for (let i = 0; i < 240; i++) {
    const { status } = await postGraph(ethanol);
    if (status !== 503) break;
    await new Promise((r) => setTimeout(r, 250));
  }
});

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dir, { recursive: true, force: true });
});

describe('POST /predict', () => {
  it('answers the original contract plus all properties, uncertainties and the model', async () => {
    const ethanol = chain('CCO');
    const { status, body } = await postGraph(ethanol);
    expect(status).toBe(200);
    expect(body.prediction).toHaveLength(1);
    expect(body.prediction[0]).toBe(body.properties.gap);
    expect(Object.keys(body.properties).sort()).toEqual(['gap', 'homo', 'lumo']);
    expect(body.uncertainty.gap).toBeGreaterThan(0);
    expect(body.units).toEqual({ homo: 'eV', lumo: 'eV', gap: 'eV' });
    expect(body.model).toEqual({ name: 'gnn-ensemble', version: '0.0.0-untrained' });

    // The ensemble's gap is the average of its two members', loaded here with the same code.
    const members = await Promise.all(
      ['gnn-product', 'gnn-gap'].map((m) =>
        loadPredictor(join(dir, 'models', m), { backend: 'wasm' }),
      ),
    );
    const [expected] = averagePredictions(
      await Promise.all(members.map((m) => m.predict([ethanol]))),
    );
    expect(body.properties.gap).toBeCloseTo(expected.values.gap!, 5);
    expect(body.properties.homo).toBeCloseTo(expected.values.homo!, 5);
    members.forEach((m) => m.dispose());
  });

  it('serves old clients without bond types from the bond-free (original architecture) model', async () => {
    // The original project's Locust payload: a path graph with features [i % 11] * 11.
    const n = 6;
    const { status, body } = await post({
      node_features: Array.from({ length: n }, (_, i) => Array(11).fill(i % 11)),
      edge_index: [
        [0, 1, 2, 3, 4],
        [1, 2, 3, 4, 5],
      ],
    });
    expect(status).toBe(200);
    expect(Number.isFinite(body.prediction[0])).toBe(true);
    expect(body.model.name).toBe('gnn-baseline');
  });

  it('answers 422 (not 500) when the model itself rejects the input', async () => {
    const ethanol = chain('CCO');
    const attr = ethanol.edgeAttr.map(() => [0, 0, 0, 0]);
    const { status, body } = await postGraph(ethanol, { edge_attr: attr });
    expect(status).toBe(422);
    expect(body.detail[0].msg).toMatch(/edgeAttr row 0 is not a one-hot bond type/);
  });

  it('answers concurrent requests each with its own molecule, one bad one failing alone', async () => {
    const molecules = ['C', 'CCO', 'CCCN', 'COC', 'CCCCF'].map(chain);
    const alone = await Promise.all(molecules.map(async (g) => (await postGraph(g)).body));
    const bad = chain('CC');
    const together = await Promise.all([
      ...molecules.map((g) => postGraph(g)),
      postGraph(bad, { edge_attr: bad.edgeAttr.map(() => [0, 0, 0, 0]) }),
    ]);
    together.slice(0, molecules.length).forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(r.body.prediction[0]).toBeCloseTo(alone[i].prediction[0], 4);
    });
    expect(together[molecules.length].status).toBe(422);
  });

  it('with LOG_PREDICTIONS=1 logs each answered prediction, and /report compares them with the card', async () => {
    const headers = { authorization: 'Bearer predict-test' };
    const before = (await (await fetch(`${server.url}/log/count`, { headers })).json()).records;
    const g = chain('CCCO');
    const answer = await postGraph(g);
    const after = (await (await fetch(`${server.url}/log/count`, { headers })).json()).records;
    expect(after).toBe(before + 1);
    const report = await (await fetch(`${server.url}/report?n=1`, { headers })).json();
    expect(report.molecules).toBe(1);
    expect(report.tables.molecules.columns.prediction.histogram.current.length).toBeGreaterThan(0);
    expect(report.reference.source).toMatch(/5 of 5 training molecules/);
    expect(answer.status).toBe(200);
  });
});

describe('values outside QM9 (issue 12)', () => {
  it('answers a one-hot column of 1e5 with a warning naming the feature', async () => {
    const ethanol = chain('CCO');
    const x = ethanol.x.map((row) => [...row]);
    x[0][1] = 1e5;
    const { status, body } = await postGraph(ethanol, { node_features: x });
    expect(status).toBe(200);
    expect(body.warnings).toContainEqual({
      code: 'feature-outside-qm9',
      message:
        'node_features[0][1] (is_C) is 100000; QM9 has 0 to 1, so the prediction is an extrapolation',
    });
  });

  it('gives a molecule like those in QM9 no range warning', async () => {
    const g = chain('CCN');
    const { status, body } = await postGraph(g);
    expect(status).toBe(200);
    expect(body.warnings.filter((w: { code: string }) => w.code === 'feature-outside-qm9')).toEqual(
      [],
    );
  });
});

describe('operating the server', () => {
  it('/ready is 200 once the model is loaded and the store answers; /health stays liveness', async () => {
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('/metrics counts requests by route, predictions by model version, and the model load', async () => {
    const g = chain('CCO');
    await postGraph(g);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
    expect(
      value(
        /^qm9_predictions_total\{model="gnn-ensemble",model_version="0\.0\.0-untrained"\} (\d+)/m,
      ),
    ).toBeGreaterThan(0);
    expect(
      value(/^http_requests_total\{method="POST",route="\/predict",status_code="200"\} (\d+)/m),
    ).toBeGreaterThan(0);
    expect(
      value(
        /^http_request_duration_seconds_count\{method="POST",route="\/predict",status_code="200"\} (\d+)/m,
      ),
    ).toBeGreaterThan(0);
    expect(value(/^qm9_prediction_gap_ev_count (\d+)/m)).toBeGreaterThan(0);
    expect(value(/^qm9_model_loaded (\d+)/m)).toBe(1);
    expect(value(/^qm9_model_load_seconds ([\d.e+-]+)/m)).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
  });
});
