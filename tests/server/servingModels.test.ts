// Which model the server serves, read from the shipped models directory and from directories
// built here: the registry's aliases, ids and names, the fallback without a registry (a named
// directory, else ensembles first), and the bond-free model beside a model that needs bond types.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  disposeServingModels,
  listModelDirs,
  loadServingModels,
  servingModelId,
} from '../../server/models';

const SHIPPED = 'public/models';
const root = mkdtempSync(join(tmpdir(), 'serving-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The shipped model directories' manifests (no weights), with or without the registry. */
function manifestsOnly(withRegistry: boolean): string {
  const dir = mkdtempSync(join(root, 'models-'));
  const registry = JSON.parse(readFileSync(join(SHIPPED, 'registry.json'), 'utf8'));
  for (const m of registry.models as { path: string }[]) {
    mkdirSync(join(dir, m.path));
    cpSync(join(SHIPPED, m.path, 'model.json'), join(dir, m.path, 'model.json'));
  }
  mkdirSync(join(dir, 'notes'));
  writeFileSync(join(dir, 'notes', 'model.json'), '{ not json');
  if (withRegistry) writeFileSync(join(dir, 'registry.json'), JSON.stringify(registry));
  return dir;
}

describe('with the registry', () => {
  const dir = manifestsOnly(true);

  it('serves production, or the alias or id asked for', async () => {
    expect(await servingModelId(dir)).toBe('qm9-gnn-ensemble@1.1.0');
    expect(await servingModelId(dir, 'production')).toBe('qm9-gnn-ensemble@1.1.0');
    expect(await servingModelId(dir, 'staging')).toBe('qm9-gnn-ensemble@1.0.0');
    expect(await servingModelId(dir, 'qm9-gnn@1.0.0')).toBe('qm9-gnn@1.0.0');
    // A name that is also a directory's serves that directory as it is, outside the registry.
    expect(await servingModelId(dir, 'qm9-gnn-ensemble')).toBeNull();
  });

  it('names what exists when asked for a model it does not have', async () => {
    await expect(servingModelId(dir, 'qm9-gnn@9.9.9')).rejects.toThrow('qm9-gnn@9.9.9');
  });

  it('loads the production ensemble and the bond-free baseline beside it', async () => {
    const served = await loadServingModels(SHIPPED);
    try {
      expect([served.primary.name, served.primary.version]).toEqual(['qm9-gnn-ensemble', '1.1.0']);
      expect(served.primary.needsBondTypes).toBe(true);
      expect(served.bondFree?.name).toBe('qm9-baseline-gap');
      expect(served.bondFree?.needsBondTypes).toBe(false);
    } finally {
      disposeServingModels(served);
    }
  }, 60_000);
});

describe('without a registry', () => {
  const dir = manifestsOnly(false);

  it('lists model directories ensembles first, then product models, then the rest, skipping others', async () => {
    const dirs = await listModelDirs(dir);
    expect(dirs.map((d) => [d.name, d.kind])).toEqual([
      ['qm9-gnn-ensemble', 'ensemble'],
      ['qm9-gnn-ensemble-v1.1', 'ensemble'],
      ['qm9-gnn', 'product'],
      ['qm9-gnn-gap', 'product'],
      ['qm9-baseline-gap', 'baseline'],
    ]);
    expect(dirs[0].dir).toBe(join(dir, 'qm9-gnn-ensemble'));
    expect(await listModelDirs(join(dir, 'missing'))).toEqual([]);
  });

  it('serves the directory named, else the first; has no registry id; and says what there is', async () => {
    expect(await servingModelId(dir)).toBeNull();
    expect(await servingModelId(dir, 'qm9-gnn')).toBeNull();
    await expect(loadServingModels(dir, 'nope')).rejects.toThrow(
      `model "nope" not found under ${dir} (have: qm9-gnn-ensemble, qm9-gnn-ensemble-v1.1, qm9-gnn, qm9-gnn-gap, qm9-baseline-gap)`,
    );
    const empty = mkdtempSync(join(root, 'empty-'));
    await expect(loadServingModels(empty)).rejects.toThrow(
      `no model directory with a model.json under ${empty}`,
    );
  });

  it('serves a bond-free model as its own bond-free model', async () => {
    const only = mkdtempSync(join(root, 'baseline-'));
    cpSync(join(SHIPPED, 'qm9-baseline-gap'), join(only, 'qm9-baseline-gap'), { recursive: true });
    const served = await loadServingModels(only);
    try {
      expect(served.primary.name).toBe('qm9-baseline-gap');
      expect(served.bondFree).toBe(served.primary);
    } finally {
      disposeServingModels(served);
    }
  }, 60_000);
});
