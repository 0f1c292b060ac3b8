import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initChem, parseSmiles } from '../../src/chem/index';
import { loadPredictor } from '../../src/model/predictor';
import {
  aliasLineage,
  emptyRegistry,
  parseRegistry,
  resolveModel,
  withEntry,
  withPromotion,
  withRollback,
  type RegistryEntry,
  type RegistryMetric,
} from '../../src/model/registry';
import { resolveRegistryReference } from '../../src/model/registrySource';
import { TARGETS, type GraphInput, type TargetKey } from '../../src/model/types';
import { Z90 } from '../../src/model/bounds';
import { promotionGate } from '../../training/promotionGate';
import {
  checksumProblems,
  readRegistryFile,
  recordRepackagedCards,
  registryPath,
  updateRegistryFile,
} from '../../training/registryFiles';
import { writeQm9Csv } from '../helpers/qm9CsvFile';
import { TEST_SMILES } from '../helpers/trainingMolecules';

const run = promisify(execFile);

function entry(name: string, version: string, gapMae = 0.1): RegistryEntry {
  return {
    name,
    version,
    path: name,
    kind: 'product',
    files: { [`${name}/model.json`]: 'a'.repeat(64) },
    registeredAt: '2026-01-01T00:00:00.000Z',
    test: [{ key: 'gap', unit: 'eV', n: 10, mae: gapMae, coverage90: 0.9 }],
  };
}

describe('registry file format', () => {
  it('names the field at fault in a broken registry', () => {
    const good = withEntry(emptyRegistry(), entry('a', '1.0.0'));
    expect(() => parseRegistry({ ...good, aliases: { production: 'b@1.0.0' } }, 'r.json')).toThrow(
      'r.json: alias production names b@1.0.0, which is not registered',
    );
    expect(() => parseRegistry({ ...good, aliases: { canary: null } }, 'r.json')).toThrow(
      'unknown alias "canary"',
    );
    const escaping = { ...good, models: [{ ...entry('a', '1.0.0'), path: '../../etc' }] };
    expect(() => parseRegistry(escaping, 'r.json')).toThrow(
      'r.json: models[0]: "path" must stay inside the registry\'s directory',
    );
    const badSha = { ...good, models: [{ ...entry('a', '1.0.0'), files: { x: 'abc' } }] };
    expect(() => parseRegistry(badSha, 'r.json')).toThrow('files["x"] is not a sha256 hex digest');
    expect(() => parseRegistry({ format: 'other', formatVersion: 1 }, 'r.json')).toThrow(
      'format is "other"',
    );
  });

  it('resolves aliases, ids and names, and says what exists when a reference does not', () => {
    let r = withEntry(withEntry(emptyRegistry(), entry('a', '1.0.0')), entry('a', '1.1.0'));
    r = withPromotion(r, 'production', 'a@1.0.0', 't1');
    expect(resolveModel(r).version).toBe('1.0.0');
    expect(resolveModel(r, 'a').version).toBe('1.1.0');
    expect(resolveModel(r, 'a@1.0.0').version).toBe('1.0.0');
    expect(() => resolveModel(r, 'staging')).toThrow("the registry's staging alias names no model");
    expect(() => resolveModel(r, 'b')).toThrow('(have: a@1.0.0, a@1.1.0)');
  });

  it('rolls back one promotion at a time, and no further than the first model', () => {
    let r = emptyRegistry();
    for (const v of ['1', '2', '3']) r = withEntry(r, entry('m', v));
    r = withPromotion(r, 'production', 'm@1', 't1');
    r = withPromotion(r, 'production', 'm@2', 't2');
    r = withPromotion(r, 'staging', 'm@1', 't3');
    r = withPromotion(r, 'production', 'm@3', 't4');
    r = withRollback(r, 'production', 't5');
    expect(r.aliases.production).toBe('m@2');
    r = withRollback(r, 'production', 't6');
    expect(r.aliases).toEqual({ production: 'm@1', staging: 'm@1' });
    expect(() => withRollback(r, 'production', 't7')).toThrow('production has no earlier model');
    // Promoting after a rollback starts a new step that the next rollback undoes.
    r = withPromotion(r, 'production', 'm@3', 't8');
    expect(aliasLineage(r, 'production')).toEqual(['m@1', 'm@3']);
    expect(r.history.map((e) => `${e.action} ${e.alias} ${e.from}->${e.to}`)).toHaveLength(7);
  });
});

describe('promotion gate', () => {
  const prod: RegistryMetric[] = [
    { key: 'gap', unit: 'eV', n: 100, mae: 0.1, coverage90: 0.9 },
    { key: 'mu', unit: 'D', n: 100, mae: 0.5 },
  ];
  const cand = (gap: number, mu: number, cov = 0.9): RegistryMetric[] => [
    { key: 'gap', unit: 'eV', n: 100, mae: gap, coverage90: cov },
    { key: 'mu', unit: 'D', n: 100, mae: mu },
  ];
  it('passes up to 2% worse MAE and refuses beyond, naming target and numbers', () => {
    expect(promotionGate(cand(0.102, 0.4), prod).passed).toBe(true);
    const refused = promotionGate(cand(0.1021, 0.4), prod);
    expect(refused.passed).toBe(false);
    expect(refused.lines[0]).toBe(
      'FAIL gap: test MAE 0.1021 vs production 0.1000 eV (+2.1%, limit +2.0%)',
    );
  });
  it('refuses 90% intervals that cover outside 85-95%, and a missing target', () => {
    expect(promotionGate(cand(0.1, 0.5, 0.96), prod).lines[0]).toBe(
      'FAIL gap: 90% interval covers 96.0% of the test split (allowed 85.0%-95.0%)',
    );
    expect(promotionGate(cand(0.1, 0.5, 0.84), prod).passed).toBe(false);
    const onlyGap = promotionGate(cand(0.1, 0.5).slice(0, 1), prod);
    expect(onlyGap.lines[0]).toContain('FAIL mu: the candidate does not predict it');
  });
});

describe('the shipped registry', () => {
  it('matches the model files byte for byte, and production loads as the version it names', async () => {
    const registry = await readRegistryFile('public/models');
    for (const m of registry.models) expect(await checksumProblems('public/models', m)).toEqual([]);
    const { entry: production, location } = await resolveRegistryReference(
      'public/models/registry.json#production',
    );
    const predictor = await loadPredictor(location);
    expect(`${predictor.name}@${predictor.version}`).toBe(
      `${production.name}@${production.version}`,
    );
    predictor.dispose();
  });
});

describe('npm run models (the CLI on a copy of a shipped model and made-up molecules)', () => {
  let tmp: string;
  let modelsDir: string;
  let data: string;
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--import', 'tsx', 'training/models.ts', ...args, '--models-dir', modelsDir],
        { env: { ...process.env }, maxBuffer: 1 << 24 },
      );
      return { code: 0, out: stdout + stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: e.stdout + e.stderr };
    }
  };
  const dataArgs = () => ['--data', data, '--cache', path.join(tmp, 'cache')];
  const promoteToProduction = (model: string) =>
    cli('promote', path.join(modelsDir, model), '--alias', 'production', ...dataArgs());
  /** Rewrites every registered model's test MAE on the gap, as if it had measured `mae(old)`. */
  const setGapMae = (mae: (old: number) => number) =>
    updateRegistryFile(modelsDir, (r) => ({
      ...r,
      models: r.models.map((m) => ({
        ...m,
        test: m.test.map((t) => (t.key === 'gap' ? { ...t, mae: mae(t.mae) } : t)),
      })),
    }));

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'registry-cli-'));
    modelsDir = path.join(tmp, 'models');
    await cp('public/models/qm9-gnn', path.join(modelsDir, 'qm9-gnn'), { recursive: true });
    await cp('public/models/qm9-gnn', path.join(modelsDir, 'qm9-gnn-next'), { recursive: true });
    const manifestFile = path.join(modelsDir, 'qm9-gnn-next', 'model.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    await writeFile(manifestFile, JSON.stringify({ ...manifest, version: '1.1.0' }));

    // Truths = the model's prediction + a multiple of its std: 54 of 60 molecules inside the
    // 90% interval (coverage exactly 90%), so the gate's numbers are known in advance.
    await initChem();
    const smiles = TEST_SMILES.slice(0, 60);
    const graphs = smiles.map((s, i) => {
      const res = parseSmiles(s, { source: 'test', record: i + 1, name: s, molblock: false });
      if (!res.ok) throw new Error(`${s}: ${res.error.message}`);
      return res.molecule as GraphInput;
    });
    const predictor = await loadPredictor(path.join(modelsDir, 'qm9-gnn'));
    const preds = await predictor.predict(graphs);
    predictor.dispose();
    await writeQm9Csv(
      (data = path.join(tmp, 'made-up.csv.gz')),
      preds.map((p, i) => ({
        gdbIdx: 10 * (i + 1), // all in the test split
        smiles: smiles[i],
        values: Object.fromEntries(
          TARGETS.map(({ key }) => {
            const factor = (i % 10 === 9 ? 3 * Z90 : 0.5 * Z90) * (i % 2 ? 1 : -1);
            return [key, p.values[key]! + factor * p.std[key]!];
          }),
        ) as Record<TargetKey, number>,
      })),
    );
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('registers, promotes through the gate, refuses a worse model untouched, rolls back', async () => {
    const first = await promoteToProduction('qm9-gnn');
    expect(first.out).toContain('production: (none) -> qm9-gnn@1.0.0');
    expect(first.code).toBe(0);

    // Make production look 5% better on the gap than the candidate will measure.
    await setGapMae((mae) => mae / 1.05);
    const before = await readFile(registryPath(modelsDir));
    const refused = await promoteToProduction('qm9-gnn-next');
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(
      /FAIL gap: test MAE [\d.]+ vs production [\d.]+ eV \(\+5\.0%, limit \+2\.0%\)/,
    );
    expect(refused.out).toContain('refused: qm9-gnn@1.1.0 does not pass the promotion gate');
    expect(await readFile(registryPath(modelsDir))).toEqual(before);

    await setGapMae((mae) => mae * 1.05);
    const promoted = await promoteToProduction('qm9-gnn-next');
    expect(promoted.code).toBe(0);
    expect(promoted.out).toContain('ok   gap: 90% interval covers 90.0% of the test split');
    let registry = await readRegistryFile(modelsDir);
    expect(registry.aliases.production).toBe('qm9-gnn@1.1.0');
    const last = registry.history[registry.history.length - 1];
    expect(last).toMatchObject({
      action: 'promote',
      from: 'qm9-gnn@1.0.0',
      to: 'qm9-gnn@1.1.0',
    });
    expect(last.test?.find((t) => t.key === 'gap')?.coverage90).toBe(0.9);

    const listed = await cli('list');
    expect(listed.out).toMatch(/qm9-gnn@1\.1\.0\s+production\s+product\s+12/);

    const back = await cli('rollback');
    expect(back.out).toContain('production: qm9-gnn@1.1.0 -> qm9-gnn@1.0.0');
    registry = await readRegistryFile(modelsDir);
    expect(registry.aliases.production).toBe('qm9-gnn@1.0.0');
    expect(registry.history.map((e) => e.action)).toEqual(['promote', 'promote', 'rollback']);
  });

  it('refuses a registered model whose files changed since, naming the file', async () => {
    await writeFile(path.join(modelsDir, 'qm9-gnn', 'model-card.json'), '{}');
    const res = await cli('promote', 'qm9-gnn@1.0.0', '--alias', 'staging', ...dataArgs());
    expect(res.code).toBe(1);
    expect(res.out).toMatch(
      /qm9-gnn\/model-card\.json: sha256 [0-9a-f]{64}, registered [0-9a-f]{64}/,
    );
  });

  it('explains bad usage instead of crashing', async () => {
    const res = await cli('promote', path.join(modelsDir, 'qm9-gnn'), '--alias', 'canary');
    expect(res.code).toBe(1);
    expect(res.out).toContain('--alias must be one of production, staging, got "canary"');
  });

  it('re-records checksums after a card-only repackaging, and refuses one that touched weights', async () => {
    // The card was rewritten by the test above: only a card file differs from the registration.
    const id = 'qm9-gnn@1.0.0';
    const entry = await recordRepackagedCards(modelsDir, id, 'card rewritten', 't9');
    expect(entry.repackaged).toEqual([{ at: 't9', note: 'card rewritten' }]);
    expect(await checksumProblems(modelsDir, entry)).toEqual([]);
    const weights = Object.keys(entry.files).find((f) => f.endsWith('.bin'))!;
    await writeFile(path.join(modelsDir, weights), 'not the weights');
    await expect(recordRepackagedCards(modelsDir, id, 'again')).rejects.toThrow(
      `${id}: not only card files changed (${weights})`,
    );
    expect(resolveModel(await readRegistryFile(modelsDir), id).repackaged).toHaveLength(1);
  });
});
