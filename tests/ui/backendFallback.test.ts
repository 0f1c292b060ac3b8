import { describe, expect, it } from 'vitest';
import {
  backendsToTry,
  loadWithFallback,
  startPlan,
  upgradeBackend,
  type BackendName,
} from '../../src/model';

function steps(broken: { init?: BackendName[]; verify?: BackendName[]; load?: BackendName[] }) {
  const disposed: string[] = [];
  return {
    disposed,
    steps: {
      init: async (b: BackendName) => {
        if (broken.init?.includes(b)) throw new Error(`no ${b} adapter`);
      },
      load: async (b: BackendName) => {
        if (broken.load?.includes(b)) throw new Error('model.json: HTTP 404');
        return `model@${b}`;
      },
      verify: async (_p: string, b: BackendName) => {
        if (broken.verify?.includes(b)) throw new Error('kernel missing');
      },
      dispose: (p: string) => disposed.push(p),
    },
  };
}

describe('backendsToTry', () => {
  it('walks webgpu, webgl, wasm, cpu for auto and falls back only downwards from a user pick', () => {
    expect(backendsToTry('auto')).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(backendsToTry('wasm')).toEqual(['wasm', 'cpu']);
    expect(backendsToTry('cpu')).toEqual(['cpu']);
  });
});

describe('loadWithFallback', () => {
  it('uses the first backend without a notice when it works', async () => {
    const { steps: s } = steps({});
    await expect(loadWithFallback('auto', s)).resolves.toEqual({
      predictor: 'model@webgpu',
      backend: 'webgpu',
      notice: null,
      failures: [],
    });
  });

  it('falls back past a backend that does not start and one that cannot run the model, saying why', async () => {
    const { steps: s, disposed } = steps({ init: ['webgpu'], verify: ['webgl'] });
    const loaded = await loadWithFallback('auto', s);
    expect(loaded.backend).toBe('wasm');
    expect(loaded.notice).toContain('webgpu unavailable (no webgpu adapter)');
    expect(loaded.notice).toContain('webgl could not run the model (kernel missing)');
    expect(loaded.notice).toContain('Using wasm.');
    expect(disposed).toEqual(['model@webgl']);
  });

  it('stops at a missing model instead of blaming every backend', async () => {
    const { steps: s } = steps({ load: ['webgpu', 'webgl', 'wasm', 'cpu'] });
    await expect(loadWithFallback('auto', s)).rejects.toThrow('HTTP 404');
  });

  it('fails with every reason when no backend works', async () => {
    const { steps: s } = steps({ init: ['wasm', 'cpu'] });
    await expect(loadWithFallback('wasm', s)).rejects.toThrow(/wasm unavailable.*cpu unavailable/);
  });
});

describe('startPlan', () => {
  it('answers auto on wasm first and tries the GPU backends afterwards, best first', () => {
    expect(startPlan('auto')).toEqual({ first: ['wasm', 'cpu'], upgrades: ['webgpu', 'webgl'] });
  });

  it('keeps a user pick and its fallbacks, with nothing to upgrade to', () => {
    expect(startPlan('webgl')).toEqual({ first: ['webgl', 'wasm', 'cpu'], upgrades: [] });
  });
});

describe('upgradeBackend', () => {
  const onWasm = { predictor: 'model@wasm', backend: 'wasm' as const, notice: null, failures: [] };

  it('switches to the best GPU backend that runs the model', async () => {
    const { steps: s, disposed } = steps({ init: ['webgpu'] });
    const upgraded = await upgradeBackend(onWasm, ['webgpu', 'webgl'], s, () => false);
    expect(upgraded).toMatchObject({ predictor: 'model@webgl', backend: 'webgl' });
    expect(upgraded?.notice).toBe('webgpu unavailable (no webgpu adapter). Using webgl.');
    expect(disposed).toEqual([]);
  });

  it('stays on the current backend and says why each GPU backend was passed over', async () => {
    const { steps: s } = steps({ init: ['webgpu'], verify: ['webgl'] });
    const kept = await upgradeBackend(onWasm, ['webgpu', 'webgl'], s, () => false);
    expect(kept?.predictor).toBe('model@wasm');
    expect(kept?.notice).toBe(
      'webgpu unavailable (no webgpu adapter); webgl could not run the model (kernel missing). Using wasm.',
    );
  });

  it('keeps the current model when a faster backend cannot load the files', async () => {
    const { steps: s } = steps({ load: ['webgpu'] });
    const kept = await upgradeBackend(onWasm, ['webgpu'], s, () => false);
    expect(kept?.backend).toBe('wasm');
    expect(kept?.notice).toContain('HTTP 404');
  });

  it('gives up and disposes what it loaded once a newer load replaced it', async () => {
    const { steps: s, disposed } = steps({});
    let stop = false;
    const verify = s.verify;
    s.verify = async (p: string, b: BackendName) => {
      await verify(p, b);
      stop = true;
    };
    await expect(upgradeBackend(onWasm, ['webgpu'], s, () => stop)).resolves.toBeNull();
    expect(disposed).toEqual(['model@webgpu']);
  });
});
