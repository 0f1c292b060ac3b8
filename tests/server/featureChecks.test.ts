// The numeric checks beyond the schema at their exact boundaries: the largest float32 is
// stored, the next double is refused (naming where); QM9's feature ranges are inclusive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorReply } from '../helpers/errorReply';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FLOAT32_MAX,
  NOT_FLOAT32,
  featureRangeWarnings,
  nonFloat32Path,
} from '../../server/featureChecks';
import { testApps, type TestApp } from '../helpers/testApp';
import { writeDriftReference } from '../helpers/driftReferenceFile';
import { chain, logRecord, methane } from '../helpers/molecules';

/** The smallest double above float32's largest value (float32's max has exponent 127). */
const JUST_ABOVE = FLOAT32_MAX + 2 ** (127 - 52);

describe('nonFloat32Path', () => {
  it('accepts float32 up to its largest magnitude, either sign', () => {
    expect(JUST_ABOVE).toBeGreaterThan(FLOAT32_MAX);
    expect(Math.fround(FLOAT32_MAX)).toBe(FLOAT32_MAX);
    expect(nonFloat32Path('p', [0, FLOAT32_MAX, -FLOAT32_MAX])).toBeNull();
    expect(nonFloat32Path('x', [[1, -FLOAT32_MAX], [FLOAT32_MAX]])).toBeNull();
    expect(nonFloat32Path('x', [])).toBeNull();
  });

  it('names the first value beyond it', () => {
    expect(nonFloat32Path('p', [1, 2, JUST_ABOVE, Infinity])).toBe('p[2]');
    expect(nonFloat32Path('p', [-JUST_ABOVE])).toBe('p[0]');
    expect(nonFloat32Path('p', [NaN])).toBe('p[0]');
    expect(nonFloat32Path('x', [[0, 0], [0, 0, -JUST_ABOVE], [Infinity]])).toBe('x[1][2]');
    expect(nonFloat32Path('x', [[0], [JUST_ABOVE]])).toBe('x[1][0]');
  });

  it('says why in words an operator can check', () => {
    expect(NOT_FLOAT32).toBe('is not a finite 32-bit float (largest magnitude 3.402823e+38)');
  });
});

describe('POST /log with values at float32 range', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qm9-feature-checks-'));
  const apps = testApps(
    dir,
    writeDriftReference(join(dir, 'reference.json'), [methane(), chain('CC')], [10, 9]),
  );
  let t: TestApp;
  beforeAll(async () => {
    t = await apps.startApp({ LOG_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await apps.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the largest float32 as it was sent', async () => {
    const r = logRecord('float-max-1', methane(), -FLOAT32_MAX);
    r.node_features[4][10] = FLOAT32_MAX;
    const res = await t.app.inject({ method: 'POST', url: '/log', payload: { records: [r] } });
    expect(res.json()).toEqual({ accepted: 1, stored: 1, duplicates: 0 });
    expect((await t.store.latest(1))[0]).toMatchObject(r);
  });

  it.each([
    [
      'a feature of a later atom',
      (r: ReturnType<typeof logRecord>) => (r.node_features[3][7] = -JUST_ABOVE),
      'records[1].node_features[3][7]',
    ],
    [
      'the second prediction',
      (r: ReturnType<typeof logRecord>) => (r.prediction = [1, JUST_ABOVE]),
      'records[1].prediction[1]',
    ],
  ])('refuses %s just above it, storing nothing', async (_name, spoil, path) => {
    const bad = logRecord('float-bad-2', methane(), 1);
    spoil(bad);
    const before = await t.store.count();
    const res = await t.app.inject({
      method: 'POST',
      url: '/log',
      payload: { records: [logRecord('float-ok-01', methane(), 1), bad] },
    });
    expectErrorReply(res, 400, 'Bad Request', `${path}: ${NOT_FLOAT32}`, { record: 1 });
    expect(await t.store.count()).toBe(before);
  });
});

describe('featureRangeWarnings', () => {
  /** A hydrogen row (all columns in range) with `changes` applied. */
  const atom = (changes: Record<number, number> = {}) => {
    const row = methane().x[1].slice();
    for (const [c, v] of Object.entries(changes)) row[Number(c)] = v;
    return row;
  };
  const warning = (atomIndex: number, column: number, name: string, v: number, range: string) => ({
    code: 'feature-outside-qm9',
    message: `node_features[${atomIndex}][${column}] (${name}) is ${v}; QM9 has ${range}, so the prediction is an extrapolation`,
  });

  it('gives none for values on the edges of QM9 ranges', () => {
    const lowest = atom({ 0: 0, 1: 0, 5: 1, 6: 0, 10: 0 });
    const highest = atom({ 0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 9, 6: 1, 7: 1, 8: 1, 9: 1, 10: 4 });
    expect(featureRangeWarnings([lowest, highest, methane().x[0]])).toEqual([]);
  });

  it('names each column just outside its range, with the atom and the range', () => {
    // 0 is outside only the atomic number's range: the one out-of-range value of magnitude 0.
    expect(featureRangeWarnings([atom({ 5: 0 })])).toEqual([
      warning(0, 5, 'atomic_number', 0, '1 to 9'),
    ]);
    expect(featureRangeWarnings([atom({ 5: 0.5 })])).toEqual([
      warning(0, 5, 'atomic_number', 0.5, '1 to 9'),
    ]);
    expect(featureRangeWarnings([atom(), atom({ 5: 9.5, 10: 4.5, 3: -0.5 })])).toEqual([
      warning(1, 3, 'is_O', -0.5, '0 to 1'),
      warning(1, 5, 'atomic_number', 9.5, '1 to 9'),
      warning(1, 10, 'num_h', 4.5, '0 to 4'),
    ]);
    expect(featureRangeWarnings([atom({ 10: -1 }), atom({ 0: 1.5 })])).toEqual([
      warning(1, 0, 'is_H', 1.5, '0 to 1'),
      warning(0, 10, 'num_h', -1, '0 to 4'),
    ]);
  });

  it('reports the largest magnitude in a column, the first of equals', () => {
    expect(featureRangeWarnings([atom({ 7: 3 }), atom({ 7: -8 }), atom({ 7: 5 })])).toEqual([
      warning(1, 7, 'sp', -8, '0 to 1'),
    ]);
    expect(featureRangeWarnings([atom({ 9: -2 }), atom({ 9: 2 })])).toEqual([
      warning(0, 9, 'sp3', -2, '0 to 1'),
    ]);
  });
});
