import { describe, expect, it } from 'vitest';
import { backendsToTry, loadWithFallback } from '../../src/ui/worker/backendFallback';
import type { BackendName } from '../../src/ui/worker/protocol';

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
