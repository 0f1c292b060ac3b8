// The backend runtime's decisions in Node: which backends a choice tries and in what order, the
// fallback and upgrade notices word for word, starting a backend by name, the GPU probes against
// stand-in adapters and canvases, and the build plugin that sizes the wasm thread pool.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  backendsToTry,
  batchSizeFor,
  BACKEND_ORDER,
  NODE_BACKENDS,
  NO_GPU,
  startPlan,
  type BackendName,
} from '../../src/model/runtime/backends';
import {
  loadWithFallback,
  upgradeBackend,
  type BackendSteps,
} from '../../src/model/runtime/fallback';
import { softwareRenderer } from '../../src/model/runtime/gpuProbe';
import { setupBackend, startBackend } from '../../src/model/runtime/setup';

describe('backend lists', () => {
  it('order, Node defaults and the GPU-free backends', () => {
    expect(BACKEND_ORDER).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(NODE_BACKENDS).toEqual(['wasm', 'cpu']);
    expect(NO_GPU).toEqual(['wasm', 'cpu']);
    expect(backendsToTry('auto')).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(backendsToTry('webgl')).toEqual(['webgl', 'wasm', 'cpu']);
    expect(backendsToTry('cpu')).toEqual(['cpu']);
  });

  it('auto answers on wasm and cpu first and upgrades to the GPU backends; a pick has no upgrades', () => {
    expect(startPlan('auto')).toEqual({ first: ['wasm', 'cpu'], upgrades: ['webgpu', 'webgl'] });
    expect(startPlan('webgpu')).toEqual({
      first: ['webgpu', 'webgl', 'wasm', 'cpu'],
      upgrades: [],
    });
    expect(startPlan('wasm')).toEqual({ first: ['wasm', 'cpu'], upgrades: [] });
  });

  it('small batches on cpu only', () => {
    expect(batchSizeFor('cpu')).toBe(16);
    for (const b of ['wasm', 'webgl', 'webgpu'] as const) expect(batchSizeFor(b)).toBe(256);
  });
});

/** Steps whose failures are set per backend; records every call. */
function steps(broken: { init?: BackendName[]; load?: BackendName[]; verify?: BackendName[] }) {
  const calls: string[] = [];
  const s: BackendSteps<string> = {
    init: async (b) => {
      calls.push(`init ${b}`);
      if (broken.init?.includes(b)) throw new Error(`no ${b} adapter`);
    },
    load: async (b) => {
      calls.push(`load ${b}`);
      if (broken.load?.includes(b)) throw new Error('model.json: HTTP 404');
      return `model@${b}`;
    },
    verify: async (_p, b) => {
      calls.push(`verify ${b}`);
      if (broken.verify?.includes(b)) throw 'kernel missing'; // not an Error: reported as is
    },
    dispose: (p) => calls.push(`dispose ${p}`),
  };
  return { calls, s };
}

describe('loadWithFallback', () => {
  it('takes the first backend that starts and runs the model, listing why the others did not', async () => {
    const { calls, s } = steps({ init: ['webgpu'], verify: ['webgl'] });
    const loaded = await loadWithFallback('auto', s);
    const failures = [
      'webgpu unavailable (no webgpu adapter)',
      'webgl could not run the model (kernel missing)',
    ];
    expect(loaded).toEqual({
      predictor: 'model@wasm',
      backend: 'wasm',
      notice: `${failures.join('; ')}. Using wasm.`,
      failures,
    });
    expect(calls).toEqual([
      'init webgpu',
      'init webgl',
      'load webgl',
      'verify webgl',
      'dispose model@webgl',
      'init wasm',
      'load wasm',
      'verify wasm',
    ]);
  });

  it('has no notice when the first choice works, and tries only the given backends', async () => {
    const { s } = steps({});
    expect(await loadWithFallback('cpu', s)).toEqual({
      predictor: 'model@cpu',
      backend: 'cpu',
      notice: null,
      failures: [],
    });
    expect((await loadWithFallback('auto', s, ['wasm'])).backend).toBe('wasm');
  });

  it('stops at a model that cannot load, and fails when no backend runs it', async () => {
    const { calls, s } = steps({ init: ['webgpu'], load: ['webgl'] });
    await expect(loadWithFallback('auto', s)).rejects.toThrow('model.json: HTTP 404');
    expect(calls).toEqual(['init webgpu', 'init webgl', 'load webgl']);
    const none = steps({ init: ['wasm'], verify: ['cpu'] });
    await expect(loadWithFallback('wasm', none.s)).rejects.toThrow(
      'No backend could run the model: wasm unavailable (no wasm adapter); cpu could not run the model (kernel missing)',
    );
  });
});

describe('upgradeBackend', () => {
  const current = {
    predictor: 'model@wasm',
    backend: 'wasm' as const,
    notice: null,
    failures: ['earlier failure'],
  };

  it('moves to the first preferred backend that runs, with a notice for those passed over', async () => {
    const { s } = steps({ init: ['webgpu'] });
    expect(await upgradeBackend(current, ['webgpu', 'webgl'], s, () => false)).toEqual({
      predictor: 'model@webgl',
      backend: 'webgl',
      notice: 'webgpu unavailable (no webgpu adapter). Using webgl.',
      failures: ['webgpu unavailable (no webgpu adapter)'],
    });
    expect((await upgradeBackend(current, ['webgl'], s, () => false))?.notice).toBeNull();
  });

  it('keeps the current backend with every reason when no upgrade works', async () => {
    const { s } = steps({ init: ['webgpu'], verify: ['webgl'] });
    expect(await upgradeBackend(current, ['webgpu', 'webgl'], s, () => false)).toEqual({
      ...current,
      notice:
        'webgpu unavailable (no webgpu adapter); webgl could not run the model (kernel missing); earlier failure. Using wasm.',
      failures: [
        'webgpu unavailable (no webgpu adapter)',
        'webgl could not run the model (kernel missing)',
        'earlier failure',
      ],
    });
    const plain = { ...current, failures: [] };
    expect(await upgradeBackend(plain, [], s, () => false)).toEqual(plain);
  });

  it('treats a load error as this backend ruled out', async () => {
    const { s } = steps({ load: ['webgpu'] });
    const up = await upgradeBackend(current, ['webgpu', 'webgl'], s, () => false);
    expect(up?.backend).toBe('wasm');
    expect(up?.failures).toEqual([
      'could not load the model for a faster backend (model.json: HTTP 404)',
      'earlier failure',
    ]);
  });

  it('gives up, disposing what it loaded, once a newer load replaced it', async () => {
    const { calls, s } = steps({});
    let stop = false;
    const verify = s.verify;
    s.verify = async (p, b) => {
      await verify(p, b);
      stop = true; // a newer load started while this one was verifying
    };
    expect(await upgradeBackend(current, ['webgpu', 'webgl'], s, () => stop)).toBeNull();
    expect(calls).toEqual(['init webgpu', 'load webgpu', 'verify webgpu', 'dispose model@webgpu']);
    const stopped = steps({});
    expect(await upgradeBackend(current, ['webgpu'], stopped.s, () => true)).toBeNull();
    expect(stopped.calls).toEqual([]);
  });
});

describe('starting a backend', () => {
  it('starts the first backend of the list that tfjs has, and names why none could', async () => {
    expect(await setupBackend({ backend: ['webgpu', 'cpu'] })).toBe('cpu');
    expect(await setupBackend({ backend: 'cpu' })).toBe('cpu'); // already active
    expect(await setupBackend({ backend: ['wasm'] })).toBe('wasm');
    expect(await setupBackend()).toBe('wasm');
    await expect(setupBackend({ backend: ['webgl', 'webgpu'] })).rejects.toThrow(
      'No tfjs backend could be started (webgl: backend not registered (import @tensorflow/tfjs-backend-webgl); webgpu: backend not registered (import @tensorflow/tfjs-backend-webgpu))',
    );
    await expect(setupBackend({ backend: 'nonsense' as BackendName })).rejects.toThrow(
      /^No tfjs backend could be started \(nonsense: /,
    );
  });

  it('probes only when asked, timing each stage', async () => {
    const stages: string[] = [];
    const timed = async <T>(stage: string, step: () => Promise<T>) => {
      stages.push(stage);
      return step();
    };
    await startBackend('cpu', { avoidSoftware: true, timed });
    await startBackend('wasm', { avoidSoftware: false, timed });
    await startBackend('wasm', { avoidSoftware: false });
    expect(stages).toEqual(['cpu probe', 'cpu init', 'wasm init']);
  });
});

describe('GPU probes', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const adapter = (info: object | undefined, isFallbackAdapter?: boolean) =>
    vi.stubGlobal('navigator', {
      gpu: { requestAdapter: async () => (info === null ? null : { info, isFallbackAdapter }) },
    });

  it('names a software WebGPU adapter and passes real hardware', async () => {
    vi.stubGlobal('navigator', {});
    expect(await softwareRenderer('webgpu')).toBeNull(); // no WebGPU at all
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    expect(await softwareRenderer('webgpu')).toBeNull();
    adapter({ vendor: 'google', architecture: 'swiftshader' });
    expect(await softwareRenderer('webgpu')).toBe('software adapter google swiftshader');
    adapter({ vendor: 'SwiftShader Inc' });
    expect(await softwareRenderer('webgpu')).toBe('software adapter SwiftShader Inc');
    adapter({ isFallbackAdapter: true });
    expect(await softwareRenderer('webgpu')).toBe('software adapter');
    adapter(undefined, true);
    expect(await softwareRenderer('webgpu')).toBe('software adapter');
    adapter({ vendor: 'nvidia', architecture: 'hopper' });
    expect(await softwareRenderer('webgpu')).toBeNull();
    adapter(undefined);
    expect(await softwareRenderer('webgpu')).toBeNull();
  });

  it('refuses to start on a software adapter when avoiding them', async () => {
    adapter({ vendor: 'google', architecture: 'swiftshader' });
    await expect(startBackend('webgpu', { avoidSoftware: true })).rejects.toThrow(
      'software adapter google swiftshader, slower than wasm here',
    );
  });

  function canvas(renderer: string | null, debugInfo: boolean) {
    const lost: string[] = [];
    const gl = {
      RENDERER: 0x1f01,
      getExtension: (name: string) => {
        if (name === 'WEBGL_debug_renderer_info')
          return debugInfo ? { UNMASKED_RENDERER_WEBGL: 0x9246 } : null;
        if (name === 'WEBGL_lose_context') return { loseContext: () => lost.push('lost') };
        return null;
      },
      getParameter: (p: number) =>
        p === 0x9246 ? renderer : p === 0x1f01 ? 'WebKit WebGL' : 'other',
    };
    vi.stubGlobal(
      'OffscreenCanvas',
      class {
        getContext(kind: string) {
          return kind === 'webgl2' && renderer !== null ? gl : null;
        }
      },
    );
    return lost;
  }

  it('names a software WebGL renderer, reading the unmasked name when the browser gives it', async () => {
    const lost = canvas('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))', true);
    expect(await softwareRenderer('webgl')).toBe(
      'software renderer (ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero))))',
    );
    expect(lost).toEqual(['lost']);
    canvas('llvmpipe (LLVM 15.0.7, 256 bits)', true);
    expect(await softwareRenderer('webgl')).toBe(
      'software renderer (llvmpipe (LLVM 15.0.7, 256 bits))',
    );
    canvas('Google Software Rasterizer', true);
    expect(await softwareRenderer('webgl')).toMatch(/^software renderer/);
    canvas('NVIDIA GeForce RTX 4090', true);
    expect(await softwareRenderer('webgl')).toBeNull();
    // Without the debug extension the masked name is all there is.
    canvas('SwiftShader', false);
    expect(await softwareRenderer('webgl')).toBeNull();
    canvas(null, true);
    expect(await softwareRenderer('webgl')).toBeNull();
    expect(await softwareRenderer('wasm')).toBeNull();
  });
});
