// The page as people meet it: accessibility of each main view (axe-core), a phone-sized screen, and
// a screenshot of each view kept with the test results for a person to look at.
import { mkdirSync, writeFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { ASSAY_CSV } from './fixtures';
import { dropFiles, modelPublished, NO_MODEL_REASON, waitForModel } from './helpers';

/** Violations a person with assistive tech would be stopped by. */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
}

/**
 * Screenshots go with the test's attachments and into screenshots/ (git-ignored), which outlives
 * the next Playwright run's cleaning of test-results/.
 */
export const SCREENSHOT_DIR = 'screenshots';

async function keep(testInfo: TestInfo, name: string, image: Buffer): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  writeFileSync(`${SCREENSHOT_DIR}/${name}.png`, image);
  await testInfo.attach(name, { body: image, contentType: 'image/png' });
}

async function keepScreenshot(page: Page, testInfo: TestInfo, name: string, fullPage = true) {
  await keep(testInfo, name, await page.screenshot({ fullPage }));
}

async function withResults(page: Page): Promise<void> {
  await page.goto('/');
  await waitForModel(page);
  await dropFiles(page, [ASSAY_CSV]);
  await expect(page.getByTestId('result-row')).toHaveCount(6, { timeout: 120_000 });
  await expect(page.getByTestId('job')).toHaveAttribute('data-phase', 'done');
}

test('predict page with results, detail view and model page: no critical or serious accessibility violations', async ({
  page,
}, testInfo) => {
  test.skip(!modelPublished && !process.env.CI, NO_MODEL_REASON);
  // Three axe runs, a 3D view and atom contributions on a 2-core machine.
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await withResults(page);
  // The first molecule is selected: the detail view is open beside the inputs.
  await expect(page.getByTestId('properties')).toBeVisible();
  await expect(page.getByTestId('viewer3d')).toHaveAttribute('data-status', 'shown', {
    timeout: 60_000,
  });
  await keepScreenshot(page, testInfo, 'predict-with-results');
  expect(await seriousViolations(page), 'predict page with results').toEqual([]);

  // An extrapolation in detail (dodecane: 12 heavy atoms), with atom contributions on.
  await page.locator('[data-testid=result-row][data-record="3"]').click();
  await expect(page.getByTestId('domain-badge')).toHaveAttribute('data-domain', 'outside');
  // Every number of an extrapolation says so: no interval, a dashed marker on the distribution.
  await expect(page.getByTestId('interval-gap')).toHaveText('extrapolation, no interval');
  await expect(page.getByTestId('properties').locator('.marker.extrapolated')).toHaveCount(12);
  await page.getByTestId('contrib-toggle').check();
  await expect(page.getByTestId('contrib-legend')).toHaveAttribute('data-status', 'ready', {
    timeout: 60_000,
  });
  await page.getByTestId('detail').scrollIntoViewIfNeeded();
  await keep(testInfo, 'detail-extrapolation', await page.getByTestId('detail').screenshot());
  expect(await seriousViolations(page), 'detail view').toEqual([]);

  await page.getByRole('tab', { name: 'Model' }).click();
  await page.getByTestId('parity-plot').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('parity-plot').locator('svg').first()).toBeVisible();
  // Charts are drawn as they come near the screen: scroll through the page as a reader would.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let y = 0; y < height; y += 500) {
    await page.mouse.wheel(0, 500);
    await page.waitForTimeout(150);
  }
  await expect(page.getByTestId('calibration-plot').locator('svg').first()).toBeVisible();
  await expect(page.getByTestId('error-histograms').locator('svg')).toHaveCount(12);
  await page.evaluate(() => window.scrollTo(0, 0));
  await keepScreenshot(page, testInfo, 'model-page');
  expect(await seriousViolations(page), 'model page').toEqual([]);
});

test('on a 390 px phone screen nothing scrolls sideways and the main actions are in reach', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  const widthOf = () => page.evaluate(() => document.documentElement.scrollWidth);
  expect(await widthOf()).toBeLessThanOrEqual(390);

  const paste = page.getByLabel('SMILES, one per line');
  await paste.scrollIntoViewIfNeeded();
  await expect(paste).toBeInViewport();
  await paste.fill('CCO ethanol\nCC(C bad\nc1ccccc1C(=O)O benzoic acid');
  await expect(page.getByTestId('paste-validation')).toContainText('2 ok, 1 with problems', {
    timeout: 60_000,
  });
  const predict = page.getByRole('button', { name: 'Predict', exact: true });
  await predict.scrollIntoViewIfNeeded();
  await expect(predict).toBeInViewport();
  await predict.click();
  await expect(page.getByTestId('result-row')).toHaveCount(3, { timeout: 120_000 });
  for (const name of ['choose files', 'Export CSV', 'Export SDF']) {
    const button = page.getByRole('button', { name });
    await button.scrollIntoViewIfNeeded();
    await expect(button).toBeInViewport();
  }
  await page.getByTestId('detail').scrollIntoViewIfNeeded();
  expect(await widthOf()).toBeLessThanOrEqual(390);
  await keepScreenshot(page, testInfo, 'phone-390px-detail', false);
  const table = page.getByTestId('results-table');
  await table.scrollIntoViewIfNeeded();
  // Thumbnails are drawn once the job has ended; a drawn one is named without "drawing…".
  for (const name of ['ethanol', 'benzoic acid']) {
    await expect(
      table.getByRole('img', { name: new RegExp(`^Structure of ${name}, .*\\)$`) }),
    ).toBeVisible({
      timeout: 60_000,
    });
  }
  await keepScreenshot(page, testInfo, 'phone-390px-results', false);
  await keepScreenshot(page, testInfo, 'phone-390px');

  // The backend details open inside the screen, every line readable.
  await page.getByText('details', { exact: true }).click();
  const popover = page.getByTestId('last-inference').locator('..');
  await expect(page.getByTestId('last-inference')).toBeInViewport({ ratio: 1 });
  const box = (await popover.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  expect(await widthOf()).toBeLessThanOrEqual(390);
});
