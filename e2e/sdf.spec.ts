import { expect, test } from '@playwright/test';
import { TARGETS } from '../src/model';
import {
  bentRecord,
  brokenRecord,
  downloadText,
  dropFiles,
  methanolRecord,
  openWithModel,
  parseCsv,
  waitForJob,
} from './helpers';

const water = bentRecord(
  'water',
  'O',
  'H',
  [
    [0.9572, 0, 0],
    [-0.24, 0.9266, 0],
  ],
  { id: 'W-1' },
);
// Record 2 is broken.
const broken = brokenRecord();
const methanol = methanolRecord({ id: 'M-3' });

test('an SDF with a broken record 2 gives two predictions (water marked), one error naming record 2, and a CSV export', async ({
  page,
}) => {
  await openWithModel(page);
  await dropFiles(page, [{ name: 'three.sdf', content: water + broken + methanol }]);
  await waitForJob(page);

  const rows = page.getByTestId('result-row');
  await expect(rows).toHaveCount(3);
  const error = page.locator('[data-testid=result-row][data-status=error]');
  await expect(error).toHaveCount(1);
  await expect(error).toHaveAttribute('data-record', '2');
  // Water has one heavy atom: predicted, but marked as outside what QM9 can teach.
  await expect(page.locator('[data-testid=result-row][data-status=warning]')).toHaveCount(1);
  await expect(page.locator('[data-testid=result-row][data-status=predicted]')).toHaveCount(1);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('predictions.csv');
  const csv = parseCsv(await downloadText(download));
  expect(csv).toHaveLength(3);
  expect(csv.map((r) => r.record)).toEqual(['1', '2', '3']);
  expect(csv.map((r) => r.source)).toEqual(['three.sdf', 'three.sdf', 'three.sdf']);
  expect(csv.map((r) => r.status)).toEqual(['warning', 'error', 'predicted']);
  expect(csv[1].error.length).toBeGreaterThan(5);
  expect(csv[0].name).toBe('water');
  expect(csv[2].smiles).toBe('CO');
  for (const row of [csv[0], csv[2]]) {
    for (const target of TARGETS) {
      const column = Object.keys(row).find((k) => k.startsWith(`${target.key} [`));
      expect(column, `column for ${target.key}`).toBeDefined();
      expect(Number.isFinite(Number(row[column!])), `${target.key} of ${row.name}`).toBe(true);
    }
  }
  for (const target of TARGETS) {
    const column = Object.keys(csv[1]).find((k) => k.startsWith(`${target.key} [`))!;
    expect(csv[1][column]).toBe('');
  }
  // Energies are exported in eV, as the column header says.
  expect(Object.keys(csv[0])).toContain('gap [eV]');
});
