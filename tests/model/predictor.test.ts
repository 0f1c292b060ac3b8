// Loading and running a model from a directory, a URL and memory, against what the network and the
// output transform give directly: the files a server answers for, the errors it can cause, chunked
// batches, and a predictor's life cycle.
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/model';
import { batchFromGraphs } from '../../src/model/batch';
import { Z90 } from '../../src/model/bounds';
import { ENSEMBLE_FORMAT } from '../../src/model/ensembleManifest';
import { createModel, type Architecture } from '../../src/model/gnn';
import { predictBatchArrays } from '../../src/model/inference';
import { memberSource, openModelSource } from '../../src/model/modelSource';
import { loadPredictor } from '../../src/model/predictor';
import { atomRow, singleBonded } from '../helpers/graphs';
import { outputTransform } from '../helpers/outputTransform';
import { writeModelFiles } from '../../training/modelFiles';

const atom = (element: 'H' | 'C' | 'O' | 'F') => atomRow(element, [0, 1, 0, 0, 1]);
/** Water, hydroxyl-free "molecules" of one to three atoms: enough to tell predictions apart. */
const water = singleBonded(
  [atom('O'), atom('H'), atom('H')],
  [
    [0, 1],
    [0, 2],
  ],
);
const hf = singleBonded([atom('F'), atom('H')], [[0, 1]]);
const carbon = singleBonded([atom('C')], []);
const molecules = [water, hf, carbon, water, hf];

const arch: Architecture = { kind: 'product', hidden: 4, layers: 1, targets: ['gap', 'mu'] };
const transform = outputTransform([
  [
    'gap',
    { mean: 6, std: 1.5, atomref: { H: 0.1, C: 0.2, N: 0.3, O: 0.4, F: 0.5 }, calibration: 1.2 },
  ],
  ['mu', { mean: 0.1, std: 0.5, calibration: 0.8 }],
]);
const baselineArch: Architecture = {
  kind: 'baseline',
  hidden: 4,
  layers: 1,
  dropout: 0,
  targets: ['gap'],
};

let tmp: string;
let direct: Awaited<ReturnType<typeof predictBatchArrays>>;
const card = async () => ({
  ...JSON.parse(await readFile('public/models/qm9-gnn-v1.1/model-card.json', 'utf8')),
  name: 'tiny',
});

beforeAll(async () => {
  await setupBackend({ backend: 'wasm' });
  tmp = await mkdtemp(path.join(tmpdir(), 'predictor-test-'));
  const model = createModel(arch, 9);
  // Larger weights than the init's, so that ReLUs at this tiny width are not all dead.
  for (const v of model.variables.values()) v.assign(tf.mul(v, 3));
  // Positive weights into the mean head's last hidden layer keep it alive for every molecule.
  const hidden = model.variables.get('mean1/kernel')!;
  hidden.assign(tf.abs(hidden));
  // The dipole comes out negative for water and HF, positive for the lone carbon: both flags show.
  model.variables.get('mean2/bias')!.assign(tf.tensor1d([0.3, 49.4]));
  const id = { name: 'tiny', version: '0.1.0', architecture: arch, outputTransform: transform };
  await writeModelFiles(path.join(tmp, 'tiny'), id, model.variables, 'float32');
  await writeModelFiles(path.join(tmp, 'tiny'), id, model.variables, 'uint8');
  await writeFile(path.join(tmp, 'tiny', 'model-card.json'), JSON.stringify(await card()));
  direct = await predictBatchArrays(model, transform, batchFromGraphs(molecules, true));
  model.dispose();
  const baseline = createModel(baselineArch, 2);
  await writeModelFiles(
    path.join(tmp, 'base'),
    {
      name: 'base',
      version: '0.0.1',
      architecture: baselineArch,
      outputTransform: { targets: ['gap'], mean: [0], std: [1] },
    },
    baseline.variables,
    'float32',
  );
  baseline.dispose();
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('a loaded model', () => {
  it('predicts what the network and the output transform give, with flags and intervals', async () => {
    const p = await loadPredictor(path.join(tmp, 'tiny'), { backend: 'wasm' });
    expect(p.name).toBe('tiny');
    expect(p.version).toBe('0.1.0');
    expect(p.backend).toBe('wasm');
    expect(p.needsBondTypes).toBe(true);
    expect(p.members).toEqual([{ name: 'tiny', version: '0.1.0' }]);
    expect(p.targets).toEqual(['gap', 'mu']);
    expect(p.card?.name).toBe('tiny');
    expect(p.card?.dir).toBe(path.join(tmp, 'tiny'));
    const warned = { ...hf, warnings: [{ code: 'charged' as const, message: 'net charge +1' }] };
    const out = await p.predict([water, warned, carbon, water, hf]);
    let flagged = 0;
    out.forEach((m, i) => {
      expect(m.values).toEqual({ gap: direct.values[2 * i], mu: direct.values[2 * i + 1] });
      expect(m.std).toEqual({ gap: direct.std![2 * i], mu: direct.std![2 * i + 1] });
      expect(m.interval90!.gap).toEqual([
        m.values.gap! - Z90 * m.std.gap!,
        m.values.gap! + Z90 * m.std.gap!,
      ]);
      const capped = direct.capped![2 * i] === 1;
      const below = direct.belowBound[2 * i + 1] === 1;
      flagged += (capped ? 1 : 0) + (below ? 10 : 0);
      expect(m.uncertaintyCapped).toEqual(capped ? ['gap'] : []);
      expect(m.belowBound).toEqual(below ? ['mu'] : []);
      expect(direct.capped![2 * i + 1] + direct.belowBound[2 * i]).toBe(0);
      expect(m.warnings).toEqual(i === 1 ? warned.warnings : []);
    });
    // Water and HF (twice each) are capped and below the bound; the carbon atom is neither.
    expect(flagged).toBe(44);
    expect(out[2].values.mu).toBeGreaterThan(0);
    p.dispose();
  });

  it('splits large inputs into batches, numbering a bad molecule as the caller did', async () => {
    const p = await loadPredictor(path.join(tmp, 'tiny'), { batchSize: 2 });
    const out = await p.predict(molecules);
    expect(out.map((m) => m.values.gap)).toEqual([0, 2, 4, 6, 8].map((k) => direct.values[k]));
    const broken = { ...hf, edgeAttr: undefined };
    await expect(p.predict([water, water, water, broken])).rejects.toThrow(
      'molecule 3: this model needs edgeAttr (bond types)',
    );
    await expect(p.predict([water, water, broken])).rejects.toThrow(/^molecule 2: /);
    expect(await p.predict([])).toEqual([]);
    p.dispose();
  });

  it('refuses to run once disposed, and frees its weights', async () => {
    const before = tf.memory().numTensors;
    const p = await loadPredictor(path.join(tmp, 'tiny'));
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    p.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(p.predict([water])).rejects.toThrow('model tiny has been disposed');
    await expect(p.contributions(water, 'gap')).rejects.toThrow('model tiny has been disposed');
  });

  it('gives atom contributions of the product model, not the baseline', async () => {
    const p = await loadPredictor(path.join(tmp, 'tiny'));
    const c = await p.contributions(water, 'gap', { steps: 16 });
    expect(c.steps).toBe(16);
    expect(c.atoms).toHaveLength(3);
    expect(c.value).toBeCloseTo(direct.values[0], 4);
    p.dispose();
    const b = await loadPredictor(path.join(tmp, 'base'));
    expect(b.needsBondTypes).toBe(false);
    expect(b.card).toBeNull();
    const [m] = await b.predict([{ ...water, edgeAttr: undefined }]);
    expect(m.std).toEqual({});
    await expect(b.contributions(water, 'gap')).rejects.toThrow(
      'atom contributions need the product model; this one is "baseline"',
    );
    b.dispose();
  });

  it('loads another stored precision by name or by manifest file', async () => {
    const byName = await loadPredictor(path.join(tmp, 'tiny'), { precision: 'uint8' });
    const byFile = await loadPredictor(path.join(tmp, 'tiny', 'model.uint8.json'));
    const a = await byName.predict([water]);
    expect(await byFile.predict([water])).toEqual(a);
    expect(a[0].values.gap).not.toBe(direct.values[0]); // 8-bit weights: close, not equal
    expect(Math.abs(a[0].values.gap! - direct.values[0])).toBeLessThan(0.02 * direct.values[0]);
    [byName, byFile].forEach((p) => p.dispose());
  });

  it('loads from memory, with the card given or none', async () => {
    const manifest = JSON.parse(await readFile(path.join(tmp, 'tiny', 'model.json'), 'utf8'));
    const bytes = await readFile(path.join(tmp, 'tiny', 'group1-shard1of1.bin'));
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const c = await card();
    const one = await loadPredictor({ modelJson: manifest, weights: buffer, card: c });
    const split = await loadPredictor({
      modelJson: manifest,
      weights: [buffer.slice(0, 100), buffer.slice(100)],
    });
    expect(one.card).toBe(c);
    expect(split.card).toBeNull();
    const [m] = await one.predict([hf]);
    expect(m.values.gap).toBe(direct.values[2]);
    expect(await split.predict([hf])).toEqual([m]);
    await expect(loadPredictor({ modelJson: { format: 'x' }, weights: buffer })).rejects.toThrow(
      'modelJson: format is "x", expected "qm9-gnn"',
    );
    await expect(
      loadPredictor({ modelJson: manifest, weights: buffer.slice(0, 100) }),
    ).rejects.toThrow(/^weight data has 100 bytes, the manifest describes \d+$/);
    [one, split].forEach((p) => p.dispose());
  });

  it('names the file at fault: no manifest, a broken card', async () => {
    await expect(loadPredictor(path.join(tmp, 'nowhere'))).rejects.toThrow(
      `${path.join(tmp, 'nowhere')}: no model.json found`,
    );
    await expect(loadPredictor(path.join(tmp, 'tiny'), { precision: 'float16' })).rejects.toThrow(
      'no model.float16.json found',
    );
    const dir = path.join(tmp, 'bad-card');
    await mkdir(dir, { recursive: true });
    for (const f of ['model.json', 'group1-shard1of1.bin'])
      await writeFile(path.join(dir, f), await readFile(path.join(tmp, 'tiny', f)));
    await writeFile(path.join(dir, 'model-card.json'), '{"format": ');
    await expect(loadPredictor(dir)).rejects.toThrow(new RegExp(`^${dir}/model-card\\.json: `));
    await writeFile(path.join(dir, 'model-card.json'), JSON.stringify({ format: 'x' }));
    await expect(loadPredictor(dir)).rejects.toThrow(
      `${dir}/model-card.json: format is "x", expected "qm9-model-card"`,
    );
    await writeFile(path.join(dir, 'model-card.json'), '');
    const noCard = await loadPredictor(dir);
    expect(noCard.card).toBeNull();
    noCard.dispose();
  });
});

/** A fetch serving tmp over http://models.test/, with the given answer for missing files. */
function server(
  missing: 'not-found' | 'app-page',
  fail: (file: string) => number | null = () => null,
) {
  const urls: string[] = [];
  const fetchImpl = (async (url: string) => {
    urls.push(url);
    const file = decodeURIComponent(new URL(url).pathname);
    const status = fail(file);
    if (status) return new Response('boom', { status });
    try {
      const body = await readFile(path.join(tmp, file));
      return new Response(body, {
        headers: {
          'content-type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
        },
      });
    } catch {
      return missing === 'not-found'
        ? new Response('not found', { status: 404 })
        : new Response('<html>', { headers: { 'content-type': 'text/html; charset=utf-8' } });
    }
  }) as typeof fetch;
  return { urls, fetchImpl };
}

describe('a model served over HTTP', () => {
  it('reads the manifest, the weights and the card beside it', async () => {
    const { urls, fetchImpl } = server('not-found');
    const p = await loadPredictor('http://models.test/tiny/', { fetch: fetchImpl });
    expect(urls.sort()).toEqual([
      'http://models.test/tiny/group1-shard1of1.bin',
      'http://models.test/tiny/model-card.json',
      'http://models.test/tiny/model.json',
    ]);
    expect(p.card?.dir).toBe('http://models.test/tiny');
    const [m] = await p.predict([water]);
    expect(m.values.gap).toBe(direct.values[0]);
    p.dispose();
  });

  it('treats the app page a single-page server answers for a missing file as no file', async () => {
    const spa = server('app-page');
    const p = await loadPredictor('http://models.test/base', { fetch: spa.fetchImpl });
    expect(p.card).toBeNull();
    p.dispose();
    await expect(
      loadPredictor('http://models.test/nowhere', { fetch: spa.fetchImpl }),
    ).rejects.toThrow('http://models.test/nowhere: no model.json found');
    const noShard = server('app-page', () => null);
    await mkdir(path.join(tmp, 'shardless'), { recursive: true });
    await writeFile(
      path.join(tmp, 'shardless', 'model.json'),
      await readFile(path.join(tmp, 'base', 'model.json')),
    );
    await expect(
      loadPredictor('http://models.test/shardless', { fetch: noShard.fetchImpl }),
    ).rejects.toThrow(
      'http://models.test/shardless/group1-shard1of1.bin: not published (the server answered with an HTML page)',
    );
  });

  it('reports a server error with the URL and status', async () => {
    const cardFails = server('not-found', (f) => (f.endsWith('model-card.json') ? 503 : null));
    await expect(
      loadPredictor('http://models.test/tiny', { fetch: cardFails.fetchImpl }),
    ).rejects.toThrow('http://models.test/tiny/model-card.json: HTTP 503');
    const shardFails = server('not-found', (f) => (f.endsWith('.bin') ? 500 : null));
    await expect(
      loadPredictor('http://models.test/tiny', { fetch: shardFails.fetchImpl }),
    ).rejects.toThrow('http://models.test/tiny/group1-shard1of1.bin: HTTP 500');
    const shardMissing = server('not-found', (f) => (f.endsWith('.bin') ? 404 : null));
    await expect(
      loadPredictor('http://models.test/tiny', { fetch: shardMissing.fetchImpl }),
    ).rejects.toThrow('http://models.test/tiny/group1-shard1of1.bin: HTTP 404');
  });
});

describe('an ensemble whose member fails to load', () => {
  it('frees the members that did load and names the one that did not', async () => {
    const dir = path.join(tmp, 'broken-ensemble');
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, 'model.json'),
      JSON.stringify({
        format: ENSEMBLE_FORMAT,
        formatVersion: 1,
        name: 'e',
        version: '1',
        precision: 'float32',
        members: ['../tiny', '../base', '../nowhere'],
        stdScale: {},
      }),
    );
    const before = tf.memory().numTensors;
    await expect(loadPredictor(dir)).rejects.toThrow(`${dir}/../nowhere: no model.json found`);
    expect(tf.memory().numTensors).toBe(before);
    // A broken card as well: the member's failure is reported and the card's is not left unhandled.
    await writeFile(path.join(dir, 'model-card.json'), '{');
    await expect(loadPredictor(dir)).rejects.toThrow(`${dir}/../nowhere: no model.json found`);
  });

  it('passes on a read error other than a missing file', async () => {
    const dir = path.join(tmp, 'odd');
    await mkdir(path.join(dir, 'model.json'), { recursive: true }); // a directory by that name
    await expect(loadPredictor(dir)).rejects.toThrow(/EISDIR/);
  });
});

describe('model sources', () => {
  it('split a path or URL into the directory and the manifest file', async () => {
    const at = async (source: string, precision: 'float32' | 'float16' = 'float32') => {
      const { dir, file } = await openModelSource(source, precision);
      return [dir, file];
    };
    expect(await at('models/m')).toEqual(['models/m', 'model.json']);
    expect(await at('models/m/', 'float16')).toEqual(['models/m', 'model.float16.json']);
    expect(await at('models\\m\\')).toEqual(['models\\m', 'model.json']);
    expect(await at('models/m/model.uint8.json', 'float16')).toEqual([
      'models/m',
      'model.uint8.json',
    ]);
    expect(await at('models\\m\\model.json')).toEqual(['models\\m', 'model.json']);
    expect(await at('model.json')).toEqual(['.', 'model.json']);
    expect(await at('https://h/m/custom.json')).toEqual(['https://h/m', 'custom.json']);
    expect(await at('https://h/m')).toEqual(['https://h/m', 'model.json']);
  });

  it('read a file relative to the directory URL, with or without its trailing slash', async () => {
    const urls: string[] = [];
    const fetchImpl = (async (url: string) => {
      urls.push(url);
      return new Response('{}');
    }) as typeof fetch;
    for (const source of ['https://h/a/m', 'https://h/a/m/', 'HTTPS://h/a/m/model.json']) {
      const { reader } = await openModelSource(source, 'float32', fetchImpl);
      expect(await reader.text('model-card.json')).toBe('{}');
    }
    expect(urls).toEqual([
      'https://h/a/m/model-card.json',
      'https://h/a/m/model-card.json',
      'https://h/a/m/model-card.json',
    ]);
  });

  it('place a member relative to its ensemble unless it names a URL or an absolute path', () => {
    expect(memberSource('models/ens', '../m')).toBe('models/ens/../m');
    expect(memberSource('https://h/ens', '../m/')).toBe('https://h/ens/../m/');
    expect(memberSource('models/ens', '/srv/m')).toBe('/srv/m');
    expect(memberSource('models/ens', 'https://h/m')).toBe('https://h/m');
    expect(memberSource('models/ens', 'HTTP://h/m')).toBe('HTTP://h/m');
    expect(memberSource('models/ens', 'blob:abc')).toBe('blob:abc');
    expect(memberSource('models/ens', 'data:xyz')).toBe('data:xyz');
    expect(memberSource('models/ens', 'httpx/m')).toBe('models/ens/httpx/m');
  });
});
