// Exports give the user's file back: one entry per input record, in input order, their own fields
// under their own names, and whether each record was predicted, extrapolated or refused.
import { expect, test, type Page } from '@playwright/test';
import { ASSAY_CSV, DRUGS_SDF } from './fixtures';
import {
  downloadText,
  dropFiles,
  modelPublished,
  NO_MODEL_REASON,
  parseCsv,
  waitForJob,
  waitForModel,
  type TestFile,
} from './helpers';

async function exported(page: Page, button: 'Export CSV' | 'Export SDF'): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  return downloadText(download);
}

/** SD records as title, atom count and data fields. */
function sdRecords(text: string) {
  return text
    .split('$$$$\n')
    .slice(0, -1)
    .map((record) => {
      const lines = record.split('\n');
      const fields: Record<string, string> = {};
      for (let i = 0; i < lines.length; i++) {
        const header = /^> {1,2}<([^>]+)>/.exec(lines[i]);
        if (header) fields[header[1]] = lines[i + 1];
      }
      return { title: lines[0], atoms: Number(lines[3].slice(0, 3)), fields };
    });
}

async function load(page: Page, file: TestFile): Promise<void> {
  await page.goto('/');
  await waitForModel(page);
  await dropFiles(page, [file]);
  await waitForJob(page);
}

test('an SD file with data fields comes back record for record with ID and SOL kept', async ({
  page,
}) => {
  test.skip(!modelPublished && !process.env.CI, NO_MODEL_REASON);
  await load(page, DRUGS_SDF);
  await expect(page.getByTestId('result-row')).toHaveCount(5);
  // Sorted by a property, the exports still follow the input.
  await page.getByRole('button', { name: 'HOMO–LUMO gap (eV)' }).click();

  const sdf = sdRecords(await exported(page, 'Export SDF'));
  expect(sdf.map((r) => r.title)).toEqual([
    'methanol',
    'decane',
    'dibromomethane',
    'broken',
    'propane',
  ]);
  expect(sdf.map((r) => r.fields.ID)).toEqual(['D-1', 'D-2', 'D-3', 'D-4', 'D-5']);
  expect(sdf.map((r) => r.fields.SOL)).toEqual(['1.1', '-5.8', '-1.2', '0.3', '-1.9']);
  expect(sdf.map((r) => r.fields.domain)).toEqual([
    'inside',
    'extrapolation',
    'not predicted',
    'not predicted',
    'inside',
  ]);
  expect(sdf[1].fields.domain_reasons).toContain('10 heavy atoms');
  expect(sdf[2].fields.error).toContain('element Br');
  expect(sdf[2].atoms).toBe(3); // drawn from RDKit's SMILES
  expect(sdf[3].atoms).toBe(0); // unreadable: an empty structure, the error and the fields
  expect(sdf[3].fields.error).toMatch(/^unreadable molfile/);
  expect(Number(sdf[0].fields['gap [eV]'])).toBeGreaterThan(0);
  expect(sdf[1].fields['gap_lo90 [eV]']).toBeUndefined();

  const csv = parseCsv(await exported(page, 'Export CSV'));
  expect(csv.map((r) => r.record)).toEqual(['1', '2', '3', '4', '5']);
  expect(csv.map((r) => r.ID)).toEqual(['D-1', 'D-2', 'D-3', 'D-4', 'D-5']);
  expect(csv.map((r) => r.status)).toEqual(['predicted', 'warning', 'error', 'error', 'predicted']);
});

test("a CSV with the user's own columns comes back with every row and column", async ({ page }) => {
  test.skip(!modelPublished && !process.env.CI, NO_MODEL_REASON);
  await load(page, ASSAY_CSV);
  const csv = parseCsv(await exported(page, 'Export CSV'));
  expect(csv.map((r) => r.compound_id)).toEqual(['C-1', 'C-2', 'C-3', 'C-4', 'C-5', 'C-6']);
  expect(csv.map((r) => r.assay_logS)).toEqual(['0.5', '-1.6', '-6.9', '-1.0', '-2', '0.3']);
  expect(csv[0].notes).toBe('ethanol, reference');
  expect(csv.map((r) => r.domain)).toEqual([
    'inside',
    'inside',
    'extrapolation',
    'not predicted',
    'not predicted',
    'inside',
  ]);
  expect(csv[4].error).toMatch(/^unreadable SMILES/);
  expect(csv[3].smiles).toBe('BrCBr');

  const sdf = sdRecords(await exported(page, 'Export SDF'));
  expect(sdf).toHaveLength(6);
  expect(sdf.map((r) => r.fields.compound_id)).toEqual(['C-1', 'C-2', 'C-3', 'C-4', 'C-5', 'C-6']);
  expect(sdf[4].atoms).toBe(0);
  expect(sdf[1].atoms).toBe(9); // benzoic acid laid out from its SMILES
});

test('a file of which nothing can be predicted ends as failed, and Predict waits for a usable line', async ({
  page,
}) => {
  await page.goto('/');
  await dropFiles(page, [{ name: 'bad.smi', content: 'C1CC(\nBrCBr\n' }]);
  await expect(page.getByTestId('job')).toHaveAttribute('data-phase', 'failed', {
    timeout: 120_000,
  });
  await expect(page.getByTestId('job')).toContainText('nothing to predict');

  const paste = page.getByLabel('SMILES, one per line');
  await paste.fill('CC(C\nC1CC');
  await expect(page.getByTestId('paste-validation')).toContainText('0 ok, 2 with problems', {
    timeout: 60_000,
  });
  const predict = page.getByRole('button', { name: 'Predict', exact: true });
  await expect(predict).toBeDisabled();
  // Said once, with the place marked.
  const issues = page.getByTestId('paste-issues');
  await expect(issues.locator('li').first()).toHaveText(
    /^Line 1: unreadable SMILES: extra open parentheses at position 3\s*CC\(C$/,
  );
  await expect(issues.getByTestId('position-marker').locator('mark')).toHaveText('(');
  await paste.fill('CC(C\nCCO');
  await expect(predict).toBeEnabled({ timeout: 60_000 });
});
