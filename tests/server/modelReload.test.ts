// A running server follows the registry: promoting another model changes what /health and
// /metrics report, without a restart.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyRegistry, withEntry, withPromotion } from '../../src/model/registry';
import { describeModelDir, updateRegistryFile } from '../../training/registryFiles';
import { startServerProcess, type ServerProcess } from '../helpers/serverProcess';

let dir: string;
let server: ServerProcess | null = null;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-reload-'));
  const modelsDir = join(dir, 'models');
  for (const name of ['qm9-baseline-gap', 'qm9-gnn-gap'])
    await cp(join('public/models', name), join(modelsDir, name), { recursive: true });
  const baseline = await describeModelDir(modelsDir, join(modelsDir, 'qm9-baseline-gap'), []);
  const gap = await describeModelDir(modelsDir, join(modelsDir, 'qm9-gnn-gap'), []);
  await updateRegistryFile(modelsDir, () =>
    withPromotion(
      withEntry(withEntry(emptyRegistry(), baseline), gap),
      'production',
      'qm9-baseline-gap@1.0.0',
      new Date().toISOString(),
    ),
  );
  server = await startServerProcess({
    MODELS_DIR: modelsDir,
    MODEL_RELOAD_MS: '200',
    SQLITE_FILE: join(dir, 'logs.sqlite'),
  });
});
afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  await rm(dir, { recursive: true, force: true });
});

async function healthModel(): Promise<string | null> {
  const body = (await (await fetch(`${server!.url}/health`)).json()) as {
    status: string;
    model?: { name: string; version: string };
  };
  expect(body.status).toBe('healthy');
  return body.model ? `${body.model.name} ${body.model.version}` : null;
}

async function waitForModel(expected: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let seen: string | null = null;
  while (Date.now() < until) {
    seen = await healthModel();
    if (seen === expected) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`/health reports ${seen}, expected ${expected}\n${server!.output()}`);
}

/** The qm9_model_info series /metrics shows, as exposition lines. */
async function modelInfoLines(): Promise<string[]> {
  const text = await (await fetch(`${server!.url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith('qm9_model_info{'));
}

describe('model registry follow', () => {
  it('serves production, and the promoted model after a promotion, without a restart', async () => {
    await waitForModel('qm9-baseline-gap 1.0.0');
    expect(await modelInfoLines()).toEqual([
      'qm9_model_info{model="qm9-baseline-gap",version="1.0.0"} 1',
    ]);
    const pid = server!.child.pid;
    await updateRegistryFile(join(dir, 'models'), (r) =>
      withPromotion(r, 'production', 'qm9-gnn-gap@1.0.0', new Date().toISOString()),
    );
    await waitForModel('qm9-gnn-gap 1.0.0');
    // The old model's series is gone, not left at 1 beside the new one.
    expect(await modelInfoLines()).toEqual([
      'qm9_model_info{model="qm9-gnn-gap",version="1.0.0"} 1',
    ]);
    expect(server!.child.pid).toBe(pid);
    expect(server!.child.exitCode).toBeNull();
  });
});
