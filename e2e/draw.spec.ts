import { expect, test } from '@playwright/test';
import { drawEthanol, openWithModel } from './helpers';

test('drawing ethanol in the editor predicts its 12 properties', async ({ page }) => {
  await openWithModel(page);
  await drawEthanol(page);

  const detail = page.getByTestId('detail');
  await expect(detail.getByTestId('detail-smiles')).toHaveText('CCO', { timeout: 30_000 });
  await expect(detail.getByTestId('domain-badge')).toHaveAttribute('data-domain', 'inside');
  const properties = detail.getByTestId('properties');
  await expect(properties.locator('tbody tr')).toHaveCount(12);
  // Ethanol's HOMO-LUMO gap is about 8.5 eV in QM9; any sane model lands in a wide band around it.
  const gap = Number(await properties.getByTestId('value-gap').textContent());
  expect(gap).toBeGreaterThan(6);
  expect(gap).toBeLessThan(11);
  await expect(page.getByTestId('last-inference')).toContainText('last inference');
});

test('the drawing follows edits: changing the oxygen to nitrogen re-predicts as ethylamine', async ({
  page,
}) => {
  await openWithModel(page);
  await drawEthanol(page);
  await expect(page.getByTestId('detail-smiles')).toHaveText('CCO', { timeout: 30_000 });
  const editor = page.getByTestId('editor');
  const box = (await editor.boundingBox())!;
  // N tool (row 14 of the toolbar), then the oxygen atom.
  await page.mouse.click(box.x + 13, box.y + 267);
  await page.mouse.click(box.x + 271, box.y + 188);
  await expect(page.getByTestId('detail-smiles')).toHaveText('CCN', { timeout: 30_000 });
  await expect(page.getByTestId('value-gap')).not.toBeEmpty();
});

test('examples load with one click and show whether they lie inside QM9', async ({ page }) => {
  await page.goto('/');
  const badge = page.getByTestId('domain-badge');
  const examples = page.getByLabel('Examples');

  await examples.getByRole('button', { name: 'Acetonitrile' }).click();
  await expect(page.getByTestId('detail-smiles')).toHaveText('CC#N', { timeout: 60_000 });
  await expect(badge).toHaveAttribute('data-domain', 'inside');

  await examples.getByRole('button', { name: 'Aspirin' }).click();
  await expect(page.getByTestId('detail-smiles')).toHaveText('CC(=O)Oc1ccccc1C(=O)O', {
    timeout: 30_000,
  });
  await expect(badge).toHaveAttribute('data-domain', 'outside');
  await expect(badge).toContainText('13 heavy atoms');

  await examples.getByRole('button', { name: 'Acetate ion' }).click();
  await expect(badge).toContainText('net charge -1', { timeout: 30_000 });
  // Each example replaces the previous one: the editor holds one molecule.
  await expect(page.getByTestId('result-row')).toHaveCount(1);
});
