import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { formatValue } from '../src/ui/format';
import { MODEL_DIR, modelPublished, NO_MODEL_REASON, waitForModel } from './helpers';

test('the model page shows accuracy, a parity plot per property, the test-error histograms and the ensemble members', async ({
  page,
}) => {
  // Skipped only on a checkout without a trained model in public/models; never under CI.
  test.skip(!modelPublished && !process.env.CI, NO_MODEL_REASON);
  const read = (file: string): unknown => JSON.parse(readFileSync(`${MODEL_DIR}/${file}`, 'utf8'));
  const card = read('model-card.json') as {
    data: { split: { test: number } };
    ensemble?: { members: { name: string }[] };
  };
  // The page's plots come from evaluation.json beside the card, fetched when the tab opens.
  const evaluation = read('evaluation.json') as {
    errorsBySize?: { rows: { heavyAtoms: number; n: number; mae: { gap: number } }[] };
    smallMolecules?: { passed: number; checks: number };
    intervalCoverage?: { levels: number[]; observed: Record<string, number[]> };
  };
  const requested: string[] = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  await page.goto('/');
  await waitForModel(page);
  await page.getByRole('tab', { name: 'Model' }).click();

  await expect(page.getByTestId('accuracy-table').locator('tbody tr')).toHaveCount(12);
  // Errors by size: the gap row under the 9-heavy-atom heading holds the card's number.
  const bySize = evaluation.errorsBySize!;
  const sizeTable = page.getByTestId('errors-by-size');
  const nine = bySize.rows.findIndex((r) => r.heavyAtoms === 9);
  const heading = sizeTable.getByRole('columnheader').nth(nine + 1);
  await expect(heading).toHaveText(`9 heavy atoms (n = ${bySize.rows[nine].n})`);
  const gapRow = sizeTable.getByRole('row', { name: /HOMO–LUMO gap/ });
  await expect(gapRow.getByRole('cell').nth(nine)).toHaveText(
    formatValue(bySize.rows[nine].mae.gap),
  );
  // Learning curves: one line per member, with the axis labelled in eV.
  const curves = page.getByTestId('learning-curves');
  await curves.scrollIntoViewIfNeeded();
  await expect(curves).toContainText('Validation HOMO–LUMO gap MAE (eV)');
  const small = evaluation.smallMolecules!;
  await expect(page.getByTestId('small-molecule-check')).toContainText(
    `${small.passed} of ${small.checks} predictions`,
  );
  const parity = page.getByTestId('parity-plot');
  await expect(parity).toHaveAttribute('aria-label', 'HOMO–LUMO gap: predicted vs true');
  await expect(page.locator('.parity-panel')).toContainText(
    `${card.data.split.test.toLocaleString('en-US')} test molecules`,
  );
  // A density cell per occupied bin, and axes with numbers and units on both sides.
  // Charts are drawn as they come near the screen.
  await parity.scrollIntoViewIfNeeded();
  await expect(parity).toContainText('Predicted HOMO–LUMO gap (eV)');
  await expect(parity).toContainText('True HOMO–LUMO gap (eV)');
  const gapCells = await parity.locator('rect').count();
  expect(gapCells).toBeGreaterThan(40);
  const ticks = await parity.locator('g[class*="tick"] text, text').allTextContents();
  expect(ticks.filter((t) => /^−?\d/.test(t.trim())).length).toBeGreaterThan(6);

  await page.getByTestId('parity-target').selectOption('mu');
  await expect(parity).toHaveAttribute('aria-label', 'Dipole moment μ: predicted vs true');
  await expect(page.getByTestId('error-histograms').locator('figure')).toHaveCount(12);
  // Calibration: axis values in percent, one line per property.
  const calibration = page.getByTestId('calibration-plot');
  // Drawn when it comes near the screen.
  await calibration.scrollIntoViewIfNeeded();
  await expect(calibration).toContainText('Nominal coverage of the interval (%)');
  await expect(calibration).toContainText('Observed coverage (%)');
  await expect(calibration).toContainText('Interval coverage on the test split');
  await expect(calibration).toContainText('100');
  // The curve is measured at many levels (evaluation.json), not only the card's 50 % and 90 %:
  // a dot per property and level, each titled with its numbers, and the same numbers in a table.
  const coverage = evaluation.intervalCoverage!;
  const levels = coverage.levels.length;
  expect(levels).toBeGreaterThan(2);
  const properties = Object.keys(coverage.observed).length;
  expect(properties).toBe(12);
  const dotTitles = await calibration.locator('circle title').allTextContents();
  expect(dotTitles).toHaveLength(properties * levels);
  const gapDots = dotTitles.filter((t) => t.startsWith('HOMO–LUMO gap:'));
  expect(gapDots).toHaveLength(levels);
  expect(gapDots).toContain(
    `HOMO–LUMO gap: ${(coverage.observed.gap[levels - 1] * 100).toFixed(1)} % inside the ${coverage.levels[levels - 1] * 100} % interval`,
  );
  await page.getByText('Coverage table (%)').click();
  const coverageTable = page.getByTestId('calibration-table');
  await expect(coverageTable.locator('thead th')).toHaveCount(levels + 1);
  await expect(coverageTable.locator('tbody tr')).toHaveCount(properties);
  const gapCoverage = coverageTable.getByRole('row', { name: /HOMO–LUMO gap/ }).getByRole('cell');
  await expect(gapCoverage).toHaveText(coverage.observed.gap.map((v) => (v * 100).toFixed(1)));

  // The shipped model is an ensemble: its members are listed with their own accuracy.
  for (const member of card.ensemble?.members ?? []) {
    await expect(page.getByTestId('ensemble-members')).toContainText(member.name);
  }
  // The drift reference is the server's; the page never downloads it.
  expect(requested.filter((p) => p.endsWith('/evaluation.json')).length).toBeGreaterThan(0);
  expect(requested.filter((p) => p.endsWith('/drift-reference.json'))).toEqual([]);
});
