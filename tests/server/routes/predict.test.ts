// POST /predict in this process, with the shipped models loaded as the server loads them: the
// answer for pyrrole with bond types is the golden prediction of the production ensemble, a
// request without bond types goes to the bond-free baseline, and what the route adds around the
// model (units, warnings, the prediction log, the metrics, the 422s) is checked against values
// written here.
import { beforeAll, describe, expect, it } from 'vitest';
import { initChem, parseSmiles, type MoleculeGraph } from '../../../src/chem';
import { TARGETS } from '../../../src/model';
import { loadServingModels, type ServingModels } from '../../../server/models';
import { readFileSync } from 'node:fs';
import { closeEnough, GOLDEN_FIXTURE, type GoldenFixture } from '../../helpers/golden';
import { metricValue } from '../../helpers/metricsText';
import { alkanes } from '../../helpers/molecules';
import { appsPerFile } from '../../helpers/testApp';

const { startApp } = appsPerFile(
  'predict-route-',
  alkanes(30),
  alkanes(30).map((_, i) => 9 + (i % 4)),
);

let served: ServingModels;
let pyrrole: MoleculeGraph;
beforeAll(async () => {
  await initChem();
  const parsed = parseSmiles('c1cc[nH]c1', { name: 'pyrrole' });
  if (!parsed.ok) throw new Error(parsed.error.message);
  pyrrole = parsed.molecule;
  served = await loadServingModels('public/models');
}, 120_000);

const withBonds = (g: MoleculeGraph) => ({
  node_features: g.x,
  edge_index: g.edgeIndex,
  edge_attr: g.edgeAttr,
});

describe('POST /predict with the shipped models', () => {
  it('answers the production ensemble golden prediction, with every unit and no warning', async () => {
    const fixture = JSON.parse(readFileSync(GOLDEN_FIXTURE, 'utf8')) as GoldenFixture;
    expect(fixture.model).toBe('qm9-gnn-ensemble@1.1.0');
    const golden = fixture.molecules.find((m) => m.name === 'pyrrole')!;
    const { app } = await startApp({}, { models: () => served });
    const res = await app.inject({ method: 'POST', url: '/predict', payload: withBonds(pyrrole) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.model).toEqual({ name: 'qm9-gnn-ensemble', version: '1.1.0' });
    expect(body.prediction).toHaveLength(1);
    // The golden tolerance: batches of other sizes sum float32 rows in another order.
    expect(closeEnough(body.prediction[0], golden.prediction.values.gap!)).toBe(true);
    expect(body.properties.gap).toBe(body.prediction[0]);
    for (const t of TARGETS) {
      const value = golden.prediction.values[t.key]!;
      expect(closeEnough(body.properties[t.key], value), `${t.key} ${body.properties[t.key]}`).toBe(
        true,
      );
      const std = golden.prediction.std[t.key]!;
      expect(
        closeEnough(body.uncertainty[t.key], std),
        `${t.key} std ${body.uncertainty[t.key]}`,
      ).toBe(true);
      expect(body.units[t.key]).toBe(t.unit);
    }
    expect(body.warnings).toEqual([]);
  });

  it('sends a request without bond types to the bond-free baseline, and refuses it when there is none', async () => {
    const { app } = await startApp({}, { models: () => served });
    const bare = { node_features: pyrrole.x, edge_index: pyrrole.edgeIndex };
    const res = await app.inject({ method: 'POST', url: '/predict', payload: bare });
    expect(res.statusCode).toBe(200);
    expect(res.json().model.name).toBe('qm9-baseline-gap');
    expect(Object.keys(res.json().properties)).toEqual(['gap']);
    expect(res.json().units).toEqual({ gap: 'eV' });

    const noBaseline = await startApp({}, { models: () => ({ ...served, bondFree: null }) });
    const refused = await noBaseline.app.inject({ method: 'POST', url: '/predict', payload: bare });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().detail[0].loc).toEqual(['body', 'edge_attr']);
    expect(refused.json().detail[0].msg).toBe(
      'model qm9-gnn-ensemble needs edge_attr (E x 4 one-hot bond types) and no bond-free model is installed',
    );
  });

  it('counts each prediction by model in /metrics and logs it when LOG_PREDICTIONS is on', async () => {
    const { app, store } = await startApp({ LOG_PREDICTIONS: '1' }, { models: () => served });
    const series = 'qm9_predictions_total{model="qm9-gnn-ensemble",model_version="1.1.0"}';
    // A series appears with its first prediction.
    const count = async () =>
      metricValue((await app.inject({ url: '/metrics' })).body, series) || 0;
    const before = await count();
    const answers: number[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/predict',
        payload: withBonds(pyrrole),
      });
      answers.push(res.json().prediction[0]);
    }
    expect((await count()) - before).toBe(2);
    const logged = await store.latest(10);
    expect(logged).toHaveLength(2);
    for (const row of logged) {
      expect(row.model_version).toBe('qm9-gnn-ensemble 1.1.0');
      expect(row.node_features).toEqual(pyrrole.x);
      expect(row.edge_index).toEqual(pyrrole.edgeIndex);
      expect(row.idempotency_key).toMatch(/^predict-[0-9a-f-]{36}$/);
    }
    expect(logged.map((r) => r.prediction[0])).toEqual(answers);

    const quiet = await startApp({}, { models: () => served });
    await quiet.app.inject({ method: 'POST', url: '/predict', payload: withBonds(pyrrole) });
    expect(await quiet.store.count()).toBe(0);
  });

  it('warns about a feature value outside anything in QM9, and names a bond row that is no bond type', async () => {
    const { app } = await startApp({}, { models: () => served });
    const odd = pyrrole.x.map((row) => [...row]);
    odd[0][0] = 1e5;
    const warned = await app.inject({
      method: 'POST',
      url: '/predict',
      payload: { ...withBonds(pyrrole), node_features: odd },
    });
    expect(warned.statusCode).toBe(200);
    expect(warned.json().warnings.length).toBeGreaterThan(0);
    expect(JSON.stringify(warned.json().warnings)).toContain('100000');

    const badBond = pyrrole.edgeAttr.map((row) => [...row]);
    badBond[0] = [0, 0, 0, 0];
    const refused = await app.inject({
      method: 'POST',
      url: '/predict',
      payload: { ...withBonds(pyrrole), edge_attr: badBond },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().detail[0].msg).toBe('edgeAttr row 0 is not a one-hot bond type');
  });
});
