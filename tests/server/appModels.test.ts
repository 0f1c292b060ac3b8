// With --serve-app the page's registry.json and model files come from the live models directory
// (MODELS_DIR, which the server reloads its own model from), not from the build's stale copy.
import { describe, expect, it } from 'vitest';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appsPerTest } from '../helpers/testApp';
import { alkanes } from '../helpers/molecules';

const referenceGraphs = alkanes(40, 4);
const { dir, startApp } = appsPerTest(
  'qm9-app-models-',
  referenceGraphs,
  referenceGraphs.map((_, i) => 9 + (i % 20) / 10),
);

function write(file: string, text: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
}

/** A build (APP_DIR) whose models/ copy is older than the live models directory beside it. */
function layout(name: string) {
  const appDir = join(dir, name, 'dist');
  const modelsDir = join(dir, name, 'models');
  write(join(appDir, 'index.html'), '<!doctype html><title>QM9</title>');
  write(join(appDir, 'models', 'registry.json'), '{"production":"build"}');
  write(join(appDir, 'models', 'm1', 'model.json'), '{"copy":"build"}');
  write(join(appDir, 'models', 'm0', 'model.json'), '{"only":"build"}');
  write(join(modelsDir, 'registry.json'), '{"production":"live"}');
  write(join(modelsDir, 'm1', 'model.json'), '{"copy":"live"}');
  write(join(modelsDir, 'm2', 'group1-shard1of1.bin'), 'weights');
  // Beside the models directory, never served.
  write(join(dir, name, 'secret.txt'), 'not for the web');
  return { appDir, modelsDir };
}

describe('the app under --serve-app', () => {
  it('reads registry.json from the live models directory, revalidated, with the app headers', async () => {
    const { appDir, modelsDir } = layout('registry');
    const { app } = await startApp({ APP_DIR: appDir, MODELS_DIR: modelsDir }, {}, ['--serve-app']);
    const res = await app.inject({ method: 'GET', url: '/models/registry.json' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('{"production":"live"}');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'self'/);

    // A promotion replaces the file with one rename: the next request sees it, no restart.
    write(join(modelsDir, 'registry.next'), '{"production":"promoted"}');
    renameSync(join(modelsDir, 'registry.next'), join(modelsDir, 'registry.json'));
    const after = await app.inject({ method: 'GET', url: '/models/registry.json' });
    expect(after.body).toBe('{"production":"promoted"}');
    // Revalidation works: the same file again with its validator answers 304.
    const etag = String(after.headers.etag);
    const again = await app.inject({
      method: 'GET',
      url: '/models/registry.json',
      headers: { 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
  });

  it('serves model files from the live directory first, then from the build', async () => {
    const { appDir, modelsDir } = layout('files');
    const { app } = await startApp({ APP_DIR: appDir, MODELS_DIR: modelsDir }, {}, ['--serve-app']);
    const get = (url: string) => app.inject({ method: 'GET', url });
    expect((await get('/models/m1/model.json')).body).toBe('{"copy":"live"}');
    expect((await get('/models/m0/model.json')).body).toBe('{"only":"build"}');
    const weights = await get('/models/m2/group1-shard1of1.bin');
    expect(weights.statusCode).toBe(200);
    expect(weights.body).toBe('weights');
    expect((await get('/models/m9/model.json')).statusCode).toBe(404);
  });

  it('serves nothing outside the models directory', async () => {
    const { appDir, modelsDir } = layout('traversal');
    const { app } = await startApp({ APP_DIR: appDir, MODELS_DIR: modelsDir }, {}, ['--serve-app']);
    for (const url of [
      '/models/../secret.txt',
      '/models/%2e%2e/secret.txt',
      '/models/..%2fsecret.txt',
      '/models/%2e%2e%2fsecret.txt',
      '/models/m1/..%2f..%2fsecret.txt',
      '/models//etc/passwd',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.body, url).not.toContain('not for the web');
      expect(res.body, url).not.toContain('root:');
    }
  });

  it('serves no models without --serve-app', async () => {
    const { appDir, modelsDir } = layout('api-only');
    const { app } = await startApp({ APP_DIR: appDir, MODELS_DIR: modelsDir });
    const res = await app.inject({ method: 'GET', url: '/models/registry.json' });
    expect(res.statusCode).toBe(404);
  });
});
