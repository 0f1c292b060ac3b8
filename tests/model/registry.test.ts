// The registry parser and resolver against hand-written registries: every error names the file
// and the field at fault, and every alias move is checked against the lineage worked out by hand.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  aliasLineage,
  emptyRegistry,
  entryLocation,
  isAlias,
  modelId,
  parseRegistry,
  resolveModel,
  withEntry,
  withPromotion,
  withRollback,
  type ModelRegistry,
  type RegistryEntry,
} from '../../src/model/registry';
import {
  isRegistryReference,
  loadRegistry,
  resolveRegistryReference,
} from '../../src/model/registrySource';

const SHA = 'ab'.repeat(32);

function entry(name: string, version: string, extra: Partial<RegistryEntry> = {}): RegistryEntry {
  return {
    name,
    version,
    path: `${name}-${version}`,
    kind: 'product',
    files: { [`${name}-${version}/model.json`]: SHA },
    registeredAt: '2026-01-01T00:00:00.000Z',
    test: [{ key: 'gap', unit: 'eV', n: 10, mae: 0.1 }],
    ...extra,
  };
}

function registry(models: RegistryEntry[], aliases: Record<string, unknown> = {}) {
  return {
    format: 'qm9-model-registry',
    formatVersion: 1,
    models,
    aliases: { production: null, staging: null, ...aliases },
    history: [],
  };
}

const a1 = entry('a', '1.0.0');
const a2 = entry('a', '2.0.0');
const b1 = entry('b', '1.0.0');

describe('parseRegistry', () => {
  const bad = (value: unknown) => () => parseRegistry(value, 'r.json');
  const badEntry = (e: unknown) => bad(registry([e as RegistryEntry]));

  it('returns the models, both aliases (null when unset) and the history', () => {
    const value = {
      ...registry([a1, b1], { staging: 'b@1.0.0' }),
      aliases: { staging: 'b@1.0.0' },
      history: [{ at: 't', action: 'promote', alias: 'staging', from: null, to: 'b@1.0.0' }],
      extra: 'dropped',
    };
    expect(parseRegistry(value)).toEqual({
      format: 'qm9-model-registry',
      formatVersion: 1,
      models: [a1, b1],
      aliases: { production: null, staging: 'b@1.0.0' },
      history: value.history,
    });
    // No aliases object at all: both unset.
    const { aliases: _, ...noAliases } = registry([a1]);
    expect(parseRegistry(noAliases).aliases).toEqual({ production: null, staging: null });
  });

  it('names the file for a wrong header or top-level field', () => {
    expect(bad(null)).toThrow('r.json: not a JSON object');
    expect(bad('registry')).toThrow('r.json: not a JSON object');
    expect(bad({ ...registry([]), format: 'qm9-gnn' })).toThrow(
      'r.json: format is "qm9-gnn", expected "qm9-model-registry"',
    );
    expect(bad({ ...registry([]), formatVersion: 2 })).toThrow(
      'r.json: unsupported formatVersion 2',
    );
    expect(bad({ ...registry([]), models: {} })).toThrow('r.json: "models" must be an array');
    expect(bad({ ...registry([]), aliases: 'production' })).toThrow(
      'r.json: "aliases" must be an object',
    );
    expect(bad({ ...registry([]), history: undefined })).toThrow(
      'r.json: "history" must be an array',
    );
    expect(() => parseRegistry({})).toThrow(/^registry\.json: format is "undefined"/);
  });

  it('names the entry and the field at fault', () => {
    expect(badEntry(null)).toThrow('r.json: models[0]: not a JSON object');
    expect(badEntry(7)).toThrow('r.json: models[0]: not a JSON object');
    for (const key of ['name', 'version', 'path', 'kind', 'registeredAt'] as const) {
      expect(badEntry({ ...a1, [key]: '' })).toThrow(
        `r.json: models[0]: "${key}" must be a non-empty string`,
      );
      expect(badEntry({ ...a1, [key]: 3 })).toThrow(`"${key}" must be a non-empty string`);
    }
    expect(bad(registry([a1, { ...b1, files: null } as unknown as RegistryEntry]))).toThrow(
      'r.json: models[1]: "files" must be an object',
    );
    expect(badEntry({ ...a1, files: 'x' })).toThrow('"files" must be an object');
    expect(badEntry({ ...a1, files: { 'm.bin': SHA.toUpperCase() } })).toThrow(
      'r.json: models[0]: files["m.bin"] is not a sha256 hex digest',
    );
    expect(badEntry({ ...a1, files: { 'm.bin': 7 } })).toThrow('files["m.bin"] is not a sha256');
    expect(badEntry({ ...a1, files: { 'm.bin': `${SHA}0` } })).toThrow('is not a sha256');
    expect(badEntry({ ...a1, files: { 'm.bin': `0${SHA}` } })).toThrow('is not a sha256');
    // An array whose text is a digest is still not one.
    expect(badEntry({ ...a1, files: { 'm.bin': [SHA] } })).toThrow('is not a sha256');
    expect(badEntry({ ...a1, test: {} })).toThrow(
      'r.json: models[0]: "test" must be an array of target metrics',
    );
    const metric = a1.test[0];
    for (const broken of [
      null,
      { ...metric, key: 1 },
      { ...metric, mae: NaN },
      { ...metric, n: '3' },
    ])
      expect(badEntry({ ...a1, test: [metric, broken] })).toThrow(
        'r.json: models[0]: test[1] needs a key, n and a finite mae',
      );
    expect(badEntry({ ...a1, repackaged: {} })).toThrow(
      'r.json: models[0]: "repackaged" must be an array of { at, note }',
    );
    expect(parseRegistry(registry([{ ...a1, repackaged: [] }])).models[0].repackaged).toEqual([]);
  });

  it('keeps every entry path inside the registry directory', () => {
    for (const p of [
      '..',
      '../x',
      'x/..',
      'x/../y',
      'x\\..\\y',
      '/abs',
      '\\abs',
      'C:x',
      'https://h/m',
    ])
      expect(badEntry({ ...a1, path: p }), p).toThrow(
        `r.json: models[0]: "path" must stay inside the registry's directory, got "${p}"`,
      );
    for (const p of ['x..y', '..x', 'x..', 'a/b', 'dir/.hidden', '1:x'])
      expect(parseRegistry(registry([{ ...a1, path: p }])).models[0].path, p).toBe(p);
  });

  it('refuses a model registered twice, an unknown alias and an alias naming no model', () => {
    expect(bad(registry([a1, a2, { ...a1, path: 'other' }]))).toThrow(
      'r.json: a@1.0.0 is registered twice',
    );
    expect(bad(registry([a1], { canary: null }))).toThrow(
      'r.json: unknown alias "canary" (known: production, staging)',
    );
    expect(bad(registry([a1], { production: 'a@2.0.0' }))).toThrow(
      'r.json: alias production names a@2.0.0, which is not registered',
    );
    expect(bad(registry([a1], { staging: 5 }))).toThrow(
      'r.json: alias staging names 5, which is not registered',
    );
    expect(bad(registry([a1], { staging: undefined }))).toThrow(
      'alias staging names undefined, which is not registered',
    );
    expect(parseRegistry(registry([a1], { production: 'a@1.0.0' })).aliases.production).toBe(
      'a@1.0.0',
    );
  });
});

describe('resolving a reference', () => {
  const r = parseRegistry(registry([a1, b1, a2], { production: 'b@1.0.0' }));

  it('follows an alias, an exact id, or a name to its latest registered version', () => {
    expect(resolveModel(r)).toBe(r.models[1]);
    expect(resolveModel(r, 'production')).toBe(r.models[1]);
    expect(resolveModel(r, 'a@1.0.0')).toBe(r.models[0]);
    expect(resolveModel(r, 'a')).toBe(r.models[2]);
    expect(resolveModel(r, 'b')).toBe(r.models[1]);
  });

  it('says what exists when the reference names nothing', () => {
    expect(() => resolveModel(r, 'staging')).toThrow("the registry's staging alias names no model");
    expect(() => resolveModel(r, 'c@1.0.0')).toThrow(
      '"c@1.0.0" is neither an alias (production, staging) nor a registered model (have: a@1.0.0, b@1.0.0, a@2.0.0)',
    );
    expect(() => resolveModel(emptyRegistry(), 'x')).toThrow('(have: none)');
  });

  it('ids, aliases and locations', () => {
    expect(modelId({ name: 'qm9-gnn', version: '1.1.0' })).toBe('qm9-gnn@1.1.0');
    expect(isAlias('production')).toBe(true);
    expect(isAlias('staging')).toBe(true);
    expect(isAlias('canary')).toBe(false);
    expect(emptyRegistry()).toEqual({
      format: 'qm9-model-registry',
      formatVersion: 1,
      models: [],
      aliases: { production: null, staging: null },
      history: [],
    });
    const e = { ...a1, path: 'nested/dir//' };
    expect(entryLocation('public/models', e)).toBe('public/models/nested/dir');
    expect(entryLocation('public/models//', e)).toBe('public/models/nested/dir');
    expect(entryLocation('C:\\models\\', { ...a1, path: 'm\\' })).toBe('C:\\models/m');
    expect(entryLocation('https://h/models/', a1)).toBe('https://h/models/a-1.0.0');
  });
});

describe('promotions and rollbacks', () => {
  const base = (): ModelRegistry =>
    [a1, a2, b1].reduce((reg, e) => withEntry(reg, e), emptyRegistry());

  it('adds entries once, in order', () => {
    const r = base();
    expect(r.models.map(modelId)).toEqual(['a@1.0.0', 'a@2.0.0', 'b@1.0.0']);
    expect(() => withEntry(r, { ...a2, path: 'elsewhere' })).toThrow(
      'a@2.0.0 is already registered; give the new model another version in its model.json and card',
    );
  });

  it('records each promotion with its metrics and refuses a no-op or an unknown id', () => {
    const r0 = base();
    const r1 = withPromotion(r0, 'production', 'a@1.0.0', 't1');
    const r2 = withPromotion(r1, 'production', 'a@2.0.0', 't2', a2.test);
    expect(r0.aliases.production).toBeNull();
    expect(r0.history).toEqual([]);
    expect(r2.aliases).toEqual({ production: 'a@2.0.0', staging: null });
    expect(r2.history).toEqual([
      { at: 't1', action: 'promote', alias: 'production', from: null, to: 'a@1.0.0' },
      {
        at: 't2',
        action: 'promote',
        alias: 'production',
        from: 'a@1.0.0',
        to: 'a@2.0.0',
        test: a2.test,
      },
    ]);
    expect(() => withPromotion(r2, 'production', 'a@2.0.0', 't3')).toThrow(
      'production already names a@2.0.0',
    );
    expect(() => withPromotion(r2, 'staging', 'z@9', 't3')).toThrow('"z@9" is neither an alias');
  });

  it('rolls back one promotion at a time, per alias, no further than the first model', () => {
    let r = base();
    r = withPromotion(r, 'production', 'a@1.0.0', 't1');
    r = withPromotion(r, 'staging', 'b@1.0.0', 't2');
    r = withPromotion(r, 'production', 'a@2.0.0', 't3');
    r = withPromotion(r, 'production', 'b@1.0.0', 't4');
    expect(aliasLineage(r, 'production')).toEqual(['a@1.0.0', 'a@2.0.0', 'b@1.0.0']);
    expect(aliasLineage(r, 'staging')).toEqual(['b@1.0.0']);

    r = withRollback(r, 'production', 't5');
    expect(r.aliases).toEqual({ production: 'a@2.0.0', staging: 'b@1.0.0' });
    expect(r.history.at(-1)).toEqual({
      at: 't5',
      action: 'rollback',
      alias: 'production',
      from: 'b@1.0.0',
      to: 'a@2.0.0',
    });
    expect(aliasLineage(r, 'production')).toEqual(['a@1.0.0', 'a@2.0.0']);
    r = withRollback(r, 'production', 't6');
    expect(r.aliases.production).toBe('a@1.0.0');
    expect(aliasLineage(r, 'production')).toEqual(['a@1.0.0']);
    expect(() => withRollback(r, 'production', 't7')).toThrow(
      'production has no earlier model to go back to (history: a@1.0.0)',
    );
    expect(() => withRollback(r, 'staging', 't7')).toThrow(
      'staging has no earlier model to go back to (history: b@1.0.0)',
    );
    expect(() => withRollback(base(), 'staging', 't')).toThrow('(history: empty)');
    // After a rollback a new promotion starts from the model rolled back to.
    r = withPromotion(r, 'production', 'b@1.0.0', 't8');
    expect(aliasLineage(r, 'production')).toEqual(['a@1.0.0', 'b@1.0.0']);
  });

  it('reads a lineage whose history starts mid-way or lags the alias', () => {
    const r = parseRegistry({
      ...registry([a1, a2, b1], { production: 'b@1.0.0' }),
      history: [
        // The alias named a@1.0.0 before history was kept.
        { at: 't1', action: 'promote', alias: 'production', from: 'a@1.0.0', to: 'a@2.0.0' },
        // A rollback of something the alias did not name is ignored.
        { at: 't2', action: 'rollback', alias: 'production', from: 'b@1.0.0', to: 'a@1.0.0' },
      ],
    });
    // The alias was moved without a recorded event: the current model ends the lineage.
    expect(aliasLineage(r, 'production')).toEqual(['a@1.0.0', 'a@2.0.0', 'b@1.0.0']);
    expect(aliasLineage(r, 'staging')).toEqual([]);
    const plain = parseRegistry({
      ...registry([a1, a2], { production: 'a@2.0.0' }),
      history: [
        { at: 't1', action: 'promote', alias: 'production', from: null, to: 'a@1.0.0' },
        { at: 't2', action: 'promote', alias: 'production', from: 'a@1.0.0', to: 'a@2.0.0' },
      ],
    });
    expect(aliasLineage(plain, 'production')).toEqual(['a@1.0.0', 'a@2.0.0']);
  });
});

describe('registry files and references', () => {
  it('recognises a path or URL naming registry.json, with or without a #reference', () => {
    for (const s of [
      'registry.json',
      'public/models/registry.json',
      'C:\\models\\registry.json',
      'https://h/models/registry.json#staging',
      'models/registry.json#qm9-gnn@1.0.0',
      'registry.json#',
    ])
      expect(isRegistryReference(s), s).toBe(true);
    for (const s of [
      'public/models/qm9-gnn',
      'public/models/myregistry.json',
      'registry.json/x',
      'registryXjson',
      'registry.json.bak',
      'models/model.json',
    ])
      expect(isRegistryReference(s), s).toBe(false);
  });

  it('loads a registry from a directory, null where there is none, naming the file when broken', async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), 'registry-test-'));
    try {
      const value = registry([a1, b1], { production: 'a@1.0.0', staging: 'b@1.0.0' });
      await writeFile(path.join(tmp, 'registry.json'), JSON.stringify(value));
      expect(await loadRegistry(`${tmp}//`)).toEqual(parseRegistry(value));
      expect(await loadRegistry(path.join(tmp, 'nowhere'))).toBeNull();

      const { entry, location } = await resolveRegistryReference(`${tmp}/registry.json#staging`);
      expect(entry.name).toBe('b');
      expect(location).toBe(`${tmp}/b-1.0.0`);
      expect((await resolveRegistryReference(`${tmp}/registry.json`)).location).toBe(
        `${tmp}/a-1.0.0`,
      );
      expect((await resolveRegistryReference(`${tmp}/registry.json#`)).entry.name).toBe('a');
      await expect(resolveRegistryReference(`${tmp}/x/registry.json`)).rejects.toThrow(
        `${tmp}/x/registry.json: no model registry there`,
      );

      // Not registry.json itself: a file whose name merely ends so.
      await expect(resolveRegistryReference(`${tmp}/xregistry.json`)).rejects.toThrow(
        `${tmp}/xregistry.json: no model registry there`,
      );

      const broken = '{"format": ';
      const parseError = (() => {
        try {
          return JSON.parse(broken) as never;
        } catch (error) {
          return (error as Error).message;
        }
      })();
      await writeFile(path.join(tmp, 'registry.json'), broken);
      await expect(loadRegistry(tmp)).rejects.toThrow(`${tmp}/registry.json: ${parseError}`);
      await writeFile(path.join(tmp, 'registry.json'), '{"format": "x", "formatVersion": 1}');
      await expect(loadRegistry(`${tmp}//`)).rejects.toThrow(
        `${tmp}/registry.json: format is "x", expected "qm9-model-registry"`,
      );
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('reads registry.json in the working directory for a bare file name or an empty directory', async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), 'registry-cwd-'));
    const cwd = process.cwd();
    try {
      await writeFile(
        path.join(tmp, 'registry.json'),
        JSON.stringify(registry([a1, b1], { production: 'a@1.0.0', staging: 'b@1.0.0' })),
      );
      process.chdir(tmp);
      expect((await loadRegistry(''))?.models.map(modelId)).toEqual(['a@1.0.0', 'b@1.0.0']);
      expect((await resolveRegistryReference('registry.json#staging')).location).toBe('./b-1.0.0');
      expect((await resolveRegistryReference('//registry.json')).location).toBe('./a-1.0.0');
    } finally {
      process.chdir(cwd);
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('reads a registry in the working directory and over HTTP', async () => {
    const value = registry([a1], { production: 'a@1.0.0' });
    const urls: string[] = [];
    const fetchImpl = (async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify(value), {
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch;
    const { location } = await resolveRegistryReference(
      'https://h/models/registry.json#production',
      fetchImpl,
    );
    expect(urls).toEqual(['https://h/models/registry.json']);
    expect(location).toBe('https://h/models/a-1.0.0');
    // A bare file name means the current directory.
    const here = await resolveRegistryReference('registry.json', fetchImpl).catch(
      (e: Error) => e.message,
    );
    expect(here).toBe('registry.json: no model registry there');
    expect(await loadRegistry('', fetchImpl)).toBeNull();
  });
});
