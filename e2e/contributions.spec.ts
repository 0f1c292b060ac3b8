import { expect, test, type Page } from '@playwright/test';
import {
  dropFiles,
  modelPublished,
  openWithModel,
  pickFiles,
  sdfRecord,
  waitForJob,
  waitForModel,
} from './helpers';

async function legendNumbers(page: Page) {
  const legend = page.getByTestId('contrib-legend');
  await expect(legend).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  const atoms = await page
    .getByTestId('contrib-atom')
    .evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-value'))));
  return {
    atoms,
    sum: Number(await legend.getAttribute('data-sum')),
    learned: Number(await legend.getAttribute('data-learned')),
    value: Number(await legend.getAttribute('data-value')),
  };
}

test('atom colours for aspirin: coloured drawing, legend, and atoms that sum to the learned part', async ({
  page,
}) => {
  await openWithModel(page);
  await page.getByLabel('SMILES, one per line').fill('CC(=O)Oc1ccccc1C(=O)O aspirin');
  await page.getByRole('button', { name: 'Predict', exact: true }).click();
  await waitForJob(page);

  // Off by default: the plain depiction and no legend.
  const toggle = page.getByTestId('contrib-toggle');
  await expect(toggle).not.toBeChecked();
  await expect(page.getByTestId('depiction')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('contrib-legend')).toHaveCount(0);

  await page.getByTestId('contrib-target').selectOption('u0');
  await toggle.check();
  await expect(
    page.getByText('Colour atoms by contribution to Internal energy at 0 K'),
  ).toBeVisible();
  const numbers = await legendNumbers(page);

  // 13 heavy atoms, hydrogens folded in; the sum matches the exact learned part up to the
  // integration error (well under 2% at the default steps, see tests/model/attribution.test.ts).
  expect(numbers.atoms).toHaveLength(13);
  const sum = numbers.atoms.reduce((a, b) => a + b, 0);
  expect(sum).toBeCloseTo(numbers.sum, 6);
  expect(Math.abs(sum - numbers.learned)).toBeLessThanOrEqual(
    0.02 * Math.abs(numbers.learned) + 5e-3,
  );
  // The split adds up to the value in the property table.
  const shown = Number(await page.getByTestId('value-u0').textContent());
  expect(Math.abs(numbers.value - shown)).toBeLessThanOrEqual(0.1);

  // The coloured RDKit drawing replaces the plain one; its highlights use the scale's colours.
  const drawing = page.getByTestId('contrib-depiction');
  await expect(drawing.locator('svg')).toBeVisible();
  const fills = await drawing
    .locator('svg')
    .evaluate(
      (svg) => new Set([...svg.innerHTML.matchAll(/fill:(#[0-9A-F]{6})/gi)].map((m) => m[1])).size,
    );
  expect(fills).toBeGreaterThan(3);
  await expect(page.getByTestId('contrib-legend').locator('.contrib-bar')).toBeVisible();
  // The 3D view (a generated conformer here) is coloured the same way.
  await expect(page.getByTestId('viewer3d')).toHaveAttribute('data-coloured', 'yes', {
    timeout: 60_000,
  });

  // Kept as a test artifact: what the user sees with colouring on.
  await page
    .getByTestId('detail')
    .screenshot({ path: test.info().outputPath('aspirin-u0-contributions.png') });

  // Another property recolours; turning it off brings the plain depiction back.
  await page.getByTestId('contrib-target').selectOption('gap');
  const gap = await legendNumbers(page);
  expect(gap.atoms).toHaveLength(13);
  expect(gap.learned).not.toBeCloseTo(numbers.learned, 3);
  await toggle.uncheck();
  await expect(page.getByTestId('contrib-legend')).toHaveCount(0);
  await expect(page.getByTestId('depiction')).toBeVisible();
});

test('atom colours on a file with 3D coordinates colour the file’s own atoms', async ({ page }) => {
  await openWithModel(page);
  // Hydrogens first: folding must follow bonds, and the 3D view keeps the file's order.
  const methanol = sdfRecord(
    'methanol',
    [
      ['H', -0.36, 1.03, 0.0],
      ['H', -0.36, -0.51, 0.89],
      ['H', -0.36, -0.51, -0.89],
      ['C', 0.0, 0.0, 0.0],
      ['O', 1.43, 0.0, 0.0],
      ['H', 1.75, 0.9, 0.0],
    ],
    [
      [1, 4, 1],
      [2, 4, 1],
      [3, 4, 1],
      [4, 5, 1],
      [5, 6, 1],
    ],
  );
  await dropFiles(page, [{ name: 'methanol.sdf', content: methanol }]);
  await waitForJob(page);
  await page.getByTestId('contrib-toggle').check();
  const numbers = await legendNumbers(page);
  expect(numbers.atoms).toHaveLength(2);
  await expect(page.getByTestId('contrib-atom').first()).toContainText('C0');
  await expect(page.getByTestId('viewer3d')).toHaveAttribute('data-origin', 'file');
  await expect(page.getByTestId('viewer3d')).toHaveAttribute('data-coloured', 'yes', {
    timeout: 30_000,
  });
});

test('reading a big SDF shows records read and stops on cancel', async ({ page }) => {
  await page.goto('/');
  // The model loads in the same worker; once it is in, reading has the worker to itself.
  if (modelPublished) await waitForModel(page);
  const record = sdfRecord(
    'methanol',
    [
      ['C', 0, 0, 0],
      ['O', 1.43, 0, 0],
    ],
    [[1, 2, 1]],
  );
  const total = 20_000;
  await pickFiles(page, [{ name: 'big.sdf', content: record.repeat(total) }]);
  const count = page.getByTestId('job-count');
  // Progress counts records while the file is read, long before reading ends.
  await expect(count).toHaveText(/^reading [\d,]+ \/ 20,000 records/, { timeout: 60_000 });
  const text = (await count.textContent()) ?? '';
  const read = Number(/^reading ([\d,]+)/.exec(text)![1].replace(/,/g, ''));
  expect(read).toBeGreaterThan(0);
  expect(read).toBeLessThan(total);
  const rate = /· ([\d,]+) molecules\/s/.exec(text)?.[1] ?? '';
  // Clicked from inside the page and timed there: Playwright's own click waits for the button to
  // hold still, and the progress text next to it changes every few tens of milliseconds.
  const cancelMs = await page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const job = document.querySelector('[data-testid=job]')!;
        const button = [...job.querySelectorAll('button')].find((b) => b.textContent === 'Cancel');
        if (!button) return reject(new Error('no Cancel button'));
        const t0 = performance.now();
        new MutationObserver(() => {
          if (job.getAttribute('data-phase') === 'cancelled') resolve(performance.now() - t0);
        }).observe(job, { attributes: true });
        button.click();
      }),
  );
  await expect(page.getByTestId('job')).toHaveAttribute('data-phase', 'cancelled');
  expect(cancelMs).toBeLessThan(5_000);
  test
    .info()
    .annotations.push(
      { type: 'records read when cancelled', description: String(read) },
      { type: 'reading rate (records/s)', description: rate },
      { type: 'cancel to cancelled (ms)', description: cancelMs.toFixed(0) },
    );
});
