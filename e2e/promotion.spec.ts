// A promotion reaches the page without a rebuild: the real server (a separate process) serves the
// built app (--serve-app) over a temp copy of public/models, the registry's production alias
// moves while the page is open, and the next visit shows the new-model notice and predicts with
// the new version, online and then offline from the service worker's cache.
import { expect, test, type Page } from '@playwright/test';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelId, resolveModel, withPromotion } from '../src/model';
import { readRegistryFile, updateRegistryFile } from '../training/registryFiles';
import { startServerProcess, type ServerProcess } from '../tests/helpers/serverProcess';
import { modelPublished, NO_MODEL_REASON, pickFiles, waitForJob, waitForModel } from './helpers';

let workDir: string;
let server: ServerProcess | undefined;

test.beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'qm9-promotion-e2e-'));
});

test.afterAll(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGTERM');
    const killer = setTimeout(() => server?.child.kill('SIGKILL'), 5_000);
    await server.exited;
    clearTimeout(killer);
  }
  rmSync(workDir, { recursive: true, force: true });
});

/** The model name and version the page's status details show (BackendBar). */
const shownModel = (page: Page) => page.locator('.model-name');

/** Predicts acetone and returns the gap the page shows for it. */
async function acetoneGap(page: Page, file: string): Promise<string> {
  await pickFiles(page, [{ name: file, content: 'CC(=O)C acetone\n' }]);
  await waitForJob(page);
  await expect(page.locator('[data-testid=result-row][data-status=predicted]')).toHaveCount(1);
  const gap = page.getByTestId('value-gap');
  await expect(gap).not.toBeEmpty();
  return (await gap.textContent()) ?? '';
}

test('a promotion in the live models directory reaches the open app on its next visit', async ({
  page,
  context,
}, testInfo) => {
  // Skipped only on a checkout without a trained model in public/models; never under CI.
  test.skip(!modelPublished && !process.env.CI, NO_MODEL_REASON);
  test.setTimeout(360_000);

  // Never public/models itself: the test moves an alias.
  const modelsDir = join(workDir, 'models');
  cpSync('public/models', modelsDir, { recursive: true });
  const registry = await readRegistryFile(modelsDir);
  const before = resolveModel(registry, 'production');
  const after = resolveModel(registry, 'staging');
  expect(modelId(after), 'staging names another model than production').not.toBe(modelId(before));

  server = await startServerProcess(
    {
      APP_DIR: 'dist',
      MODELS_DIR: modelsDir,
      MODEL_RELOAD_MS: '250',
      SQLITE_FILE: join(workDir, 'logs.sqlite'),
      DATABASE_URL: '',
    },
    ['--serve-app'],
    120_000,
  );
  const url = server.url;

  await page.goto(`${url}/`);
  await waitForModel(page);
  await expect(shownModel(page)).toHaveText(`model: ${before.name} ${before.version}`);
  const gapBefore = await acetoneGap(page, 'before.smi');
  // The service worker controls the page from now on, as on any later visit.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
      );
    }
  });

  // What `npm run models -- promote` does once the gate has passed: one atomic registry write.
  await updateRegistryFile(modelsDir, (r) =>
    withPromotion(r, 'production', modelId(after), new Date().toISOString()),
  );
  // The server follows without a restart.
  await expect
    .poll(
      async () => {
        const health = (await (await fetch(`${url}/health`)).json()) as {
          model?: { version: string };
        };
        return health.model?.version;
      },
      { timeout: 120_000 },
    )
    .toBe(after.version);

  await page.reload();
  await waitForModel(page);
  const notice = page.getByTestId('model-update');
  await expect(notice).toHaveText(
    `New model: ${after.name} ${after.version} (was ${before.name} ${before.version}). OK`,
  );
  await page.screenshot({ path: testInfo.outputPath('new-model-notice.png') });
  await expect(shownModel(page)).toHaveText(`model: ${after.name} ${after.version}`);
  const gapAfter = await acetoneGap(page, 'after.smi');
  expect(gapAfter, 'the new version predicts another gap for acetone').not.toBe(gapBefore);

  // The new version's files were cached when used: offline, the page still loads it.
  await context.setOffline(true);
  await page.reload();
  await waitForModel(page);
  await expect(shownModel(page)).toHaveText(`model: ${after.name} ${after.version}`);
  await expect(notice).toHaveCount(0);
  expect(await acetoneGap(page, 'offline.smi')).toBe(gapAfter);
  await context.setOffline(false);
});
