import { expect, test } from '@playwright/test';
import { modelPublished, NO_MODEL_REASON, pickFiles, waitForJob, waitForModel } from './helpers';

test('after one visit the app predicts with no network', async ({ page, context }) => {
  // Skipped only on a checkout without a trained model in public/models; never under CI.
  test.skip(!modelPublished && !process.env.CI, NO_MODEL_REASON);
  await page.goto('/');
  await waitForModel(page);
  // The service worker finishes installing only once everything is precached.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
      );
    }
  });

  await context.setOffline(true);
  await page.reload();
  // The network really is gone: a request the service worker has no copy of fails. (Chromium 150
  // reports navigator.onLine as true in a document its service worker served after going offline.)
  const probe = await page.evaluate(() =>
    fetch(`/not-cached-${Date.now()}`).then(
      () => 'reached',
      () => 'no network',
    ),
  );
  expect(probe).toBe('no network');
  // Served from the cache with its isolation headers: wasm threads still available.
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  await waitForModel(page);

  await pickFiles(page, [
    { name: 'offline.smi', content: 'CC(=O)C acetone\nOCC#N glycolonitrile\n' },
  ]);
  await waitForJob(page);
  await expect(page.locator('[data-testid=result-row][data-status=predicted]')).toHaveCount(2);
  await expect(page.getByTestId('value-gap')).not.toBeEmpty();

  // The 3D conformer comes from OpenChemLib resources precached with the app.
  await expect(page.getByTestId('viewer3d')).toHaveAttribute('data-origin', 'generated', {
    timeout: 60_000,
  });
  // The model page's plots come from evaluation.json, precached beside the card.
  await page.getByRole('tab', { name: 'Model' }).click();
  await expect(page.getByTestId('errors-by-size')).toBeVisible();
  await expect(page.getByTestId('error-histograms')).toBeVisible();
  await context.setOffline(false);
});
