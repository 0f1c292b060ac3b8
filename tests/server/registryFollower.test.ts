// The registry follower in this process (tests/server/modelReload.test.ts checks the same through
// a running server): what it loads when the served alias moves, what it leaves alone, and what
// it does with a failed load, a missing registry and a stop. The model load is the one stand-in
// here: it answers a named model at once, or fails, or waits, as each case needs.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../server/metrics';
import { followRegistry, modelReloadMs } from '../../server/modelReload';
import type { ServingModels } from '../../server/models';
import { metricValue } from '../helpers/metricsText';

const SHIPPED = 'public/models';
const root = mkdtempSync(join(tmpdir(), 'registry-follower-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A models directory with the shipped registry and each model's manifest (no weights). */
function modelsDir(): string {
  const dir = mkdtempSync(join(root, 'models-'));
  const registry = JSON.parse(readFileSync(join(SHIPPED, 'registry.json'), 'utf8'));
  for (const m of registry.models as { path: string }[]) {
    mkdirSync(join(dir, m.path));
    cpSync(join(SHIPPED, m.path, 'model.json'), join(dir, m.path, 'model.json'));
  }
  writeFileSync(join(dir, 'registry.json'), JSON.stringify(registry));
  return dir;
}

function setProduction(dir: string, id: string): void {
  const file = join(dir, 'registry.json');
  const registry = JSON.parse(readFileSync(file, 'utf8'));
  registry.aliases.production = id;
  writeFileSync(file, JSON.stringify(registry));
}

const served = (id: string) => {
  const [name, version] = id.split('@');
  return { primary: { name, version }, bondFree: null } as unknown as ServingModels;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('MODEL_RELOAD_MS', () => {
  it('defaults to 2000 (unset or empty, as every setting), takes 0 to turn reloading off, and refuses anything but an integer >= 0', () => {
    expect(modelReloadMs({})).toBe(2000);
    expect(modelReloadMs({ MODEL_RELOAD_MS: '' })).toBe(2000);
    expect(modelReloadMs({ MODEL_RELOAD_MS: '0' })).toBe(0);
    expect(modelReloadMs({ MODEL_RELOAD_MS: '250' })).toBe(250);
    for (const bad of ['-1', '1.5', 'soon'])
      expect(() => modelReloadMs({ MODEL_RELOAD_MS: bad })).toThrow(
        `MODEL_RELOAD_MS must be an integer >= 0, got "${bad}"`,
      );
  });
});

describe('followRegistry', () => {
  let dir: string;
  let current: string | null;
  let loads: number;
  let infos: string[];
  let warns: string[];
  let metrics: ReturnType<typeof createMetrics>;
  beforeEach(() => {
    dir = modelsDir();
    current = 'qm9-gnn-ensemble@1.1.0';
    loads = 0;
    infos = [];
    warns = [];
    metrics = createMetrics();
  });
  const follow = (load: () => Promise<ServingModels>) =>
    followRegistry({
      modelsDir: dir,
      intervalMs: 20,
      servedId: () => current,
      load: () => {
        loads++;
        return load();
      },
      swap: (next) => {
        current = `${next.primary.name}@${next.primary.version}`;
      },
      metrics,
      log: { info: (m) => infos.push(m), warn: (m) => warns.push(m) },
    });
  const info = async () =>
    metricValue(
      await metrics.registry.metrics(),
      'qm9_model_info{model="qm9-gnn-ensemble",version="1.0.0"}',
    );

  it('loads and swaps in the model the alias moved to, once, and says so in the log and /metrics', async () => {
    const stop = follow(async () => served('qm9-gnn-ensemble@1.0.0'));
    try {
      await sleep(150);
      expect(loads).toBe(0); // the alias names the served model
      setProduction(dir, 'qm9-gnn-ensemble@1.0.0');
      await until(() => current === 'qm9-gnn-ensemble@1.0.0', 'the swap');
      await sleep(150);
      expect(loads).toBe(1);
      expect(infos).toEqual([
        'registry: qm9-gnn-ensemble@1.1.0 -> qm9-gnn-ensemble@1.0.0; loading',
        '/predict model: qm9-gnn-ensemble 1.0.0',
      ]);
      expect(warns).toEqual([]);
      expect(await info()).toBe(1);
      expect(metricValue(await metrics.registry.metrics(), 'qm9_model_loaded')).toBe(1);
    } finally {
      stop();
    }
  });

  it('warns about a failed load and retries only when the registry changes again', async () => {
    let fail = true;
    const stop = follow(async () => {
      if (fail) throw new Error('weights missing');
      return served('qm9-gnn-ensemble@1.0.0');
    });
    try {
      setProduction(dir, 'qm9-gnn-ensemble@1.0.0');
      await until(() => warns.length > 0, 'the warning');
      await sleep(150);
      expect(loads).toBe(1);
      expect(warns).toEqual(['registry reload: weights missing']);
      expect(current).toBe('qm9-gnn-ensemble@1.1.0');
      fail = false;
      await sleep(20); // a later modification time
      setProduction(dir, 'qm9-gnn-ensemble@1.0.0');
      await until(() => current === 'qm9-gnn-ensemble@1.0.0', 'the retried swap');
      expect(loads).toBe(2);
    } finally {
      stop();
    }
  });

  it('loads one model at a time however long a load takes', async () => {
    let finish: () => void = () => undefined;
    const stop = follow(
      () => new Promise((resolve) => (finish = () => resolve(served('qm9-gnn-ensemble@1.0.0')))),
    );
    try {
      setProduction(dir, 'qm9-gnn-ensemble@1.0.0');
      await until(() => loads === 1, 'the load');
      await sleep(200);
      expect(loads).toBe(1);
      finish();
      await until(() => current === 'qm9-gnn-ensemble@1.0.0', 'the swap');
    } finally {
      stop();
    }
  });

  it('says nothing while there is no registry, and nothing more once stopped', async () => {
    rmSync(join(dir, 'registry.json'));
    const stop = follow(async () => served('qm9-gnn-ensemble@1.0.0'));
    await sleep(150);
    expect(warns).toEqual([]);
    expect(loads).toBe(0);
    stop();
    writeFileSync(join(dir, 'registry.json'), readFileSync(join(SHIPPED, 'registry.json')));
    setProduction(dir, 'qm9-gnn-ensemble@1.0.0');
    await sleep(150);
    expect(loads).toBe(0);
  });
});
