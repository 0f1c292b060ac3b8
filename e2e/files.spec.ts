import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { ETHANOL_V2000, WATER_XYZ } from '../tests/helpers/chem';
import { dropFiles, waitForJob } from './helpers';

test('several files dropped at once become one batch, each row naming its file and record', async ({
  page,
}) => {
  await page.goto('/');
  await dropFiles(page, [
    { name: 'list.smi', content: 'CCO ethanol\nCC#N acetonitrile\n' },
    { name: 'water.xyz', content: WATER_XYZ },
    { name: 'table.csv', content: 'id,smiles\nm1,c1ccccc1\nm2,not-a-smiles\n' },
  ]);
  await waitForJob(page);
  const rows = page.getByTestId('result-row');
  await expect(rows).toHaveCount(5);
  await expect(page.getByTestId('batch-counts')).toContainText('1 error');
  const error = page.locator('[data-testid=result-row][data-status=error]');
  await expect(error).toContainText('table.csv');
  await expect(error).toHaveAttribute('data-record', '2');
  await expect(page.getByTestId('results-table')).toContainText('water.xyz');
  await expect(page.getByTestId('results-table')).toContainText('list.smi');
});

test('a gzipped SDF picked with the file chooser is read like a plain one', async ({ page }) => {
  const sdf = `${ETHANOL_V2000}$$$$\n`;
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles({
    name: 'one.sdf.gz',
    mimeType: 'application/gzip',
    buffer: gzipSync(Buffer.from(sdf)),
  });
  await expect(page.getByTestId('detail-smiles')).toHaveText('CCO', { timeout: 60_000 });
  await expect(page.getByTestId('result-row')).toHaveCount(1);
});
