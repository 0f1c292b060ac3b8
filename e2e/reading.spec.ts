// The results table read as a person reads it: by the headings on screen, not the DOM order, and
// checked against the CSV the same page exports.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { unitSuffix } from '../src/ui/exportResults';
import { formatInterval, formatValue } from '../src/ui/format';
import { PROPERTIES } from '../src/ui/properties';
import { ASSAY_CSV } from './fixtures';
import { downloadText, dropFiles, openWithModel, parseCsv } from './helpers';

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error('no layout box');
  return b;
}

async function exportCsv(page: Page): Promise<Record<string, string>[]> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  return parseCsv(await downloadText(download));
}

test('every cell of the first rows lies under its heading and says what the CSV export says', async ({
  page,
}) => {
  await openWithModel(page);
  await dropFiles(page, [ASSAY_CSV]);
  // A CSV whose every row ends in "failed" or "done"; this one has readable rows, so done.
  await expect(page.getByTestId('job')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });

  const table = page.getByRole('table', { name: 'Predictions' });
  const headers = table.getByRole('columnheader');
  // The table renders its rows a frame or more after the job's end (a deferred React value).
  await expect(headers).toHaveCount(16);
  const headings = (await headers.allInnerTexts()).map((h) => h.replace(/[▲▼]/g, '').trim());
  expect(headings).toEqual([
    '#',
    'Name',
    'Structure',
    'Status',
    ...PROPERTIES.map((p) => p.heading),
  ]);
  expect(headings).toContain('Dipole moment μ (D)');
  expect(headings).toContain('HOMO–LUMO gap (eV)');

  const csv = await exportCsv(page);
  expect(csv).toHaveLength(6);
  const bodyRows = table.getByRole('row').filter({ has: page.getByRole('cell') });
  await expect(bodyRows).toHaveCount(6);

  for (let r = 0; r < 6; r++) {
    const cells = bodyRows.nth(r).getByRole('cell');
    await expect(cells).toHaveCount(headings.length);
    const texts = await cells.allInnerTexts();
    const byHeading = new Map(headings.map((h, i) => [h, texts[i].trim()]));
    // On screen: each cell starts and ends where its heading does.
    for (let c = 0; c < headings.length; c++) {
      const head = await box(headers.nth(c));
      const cell = await box(cells.nth(c));
      expect(Math.abs(cell.x - head.x), `${headings[c]}, row ${r + 1}: left edge`).toBeLessThan(
        1.5,
      );
      expect(Math.abs(cell.width - head.width), `${headings[c]}, row ${r + 1}: width`).toBeLessThan(
        1.5,
      );
    }
    const exported = csv.find((row) => row.record === byHeading.get('#'))!;
    expect(exported, `CSV entry for record ${byHeading.get('#')}`).toBeDefined();
    expect(byHeading.get('Name')).toContain(exported.name);
    // The drawing's atom labels come first in the text; the SMILES is written under it.
    expect(byHeading.get('Structure')!.split('\n').pop()!.trim()).toBe(exported.smiles);
    for (const p of PROPERTIES) {
      const unit = unitSuffix(p.unit);
      const text = byHeading.get(p.heading)!;
      const value = exported[`${p.key} [${unit}]`];
      if (value === '') {
        expect(text, `${p.heading} of record ${exported.record}`).toBe('');
        continue;
      }
      expect(text.startsWith(formatValue(Number(value))), `${p.heading}: ${text} vs ${value}`).toBe(
        true,
      );
      if (exported.domain === 'extrapolation') {
        expect(text).toContain('extrapolation');
        expect(exported[`${p.key}_lo90 [${unit}]`]).toBe('');
      } else {
        const lo = Number(exported[`${p.key}_lo90 [${unit}]`]);
        const hi = Number(exported[`${p.key}_hi90 [${unit}]`]);
        expect(text).toContain(formatInterval([lo, hi]));
      }
    }
  }

  // The CSV's extrapolations and refusals are the ones the table marks.
  const byId = new Map(csv.map((row) => [row.compound_id, row]));
  expect(byId.get('C-1')!.domain).toBe('inside');
  expect(byId.get('C-3')!.domain).toBe('extrapolation');
  expect(byId.get('C-3')!.domain_reasons).toContain('12 heavy atoms');
  expect(byId.get('C-4')!.status).toBe('error');
  expect(byId.get('C-4')!.smiles).toBe('BrCBr');

  // Sorting a property descending: rows with a value first, the two without one last.
  const gapHeader = table.getByRole('button', { name: 'HOMO–LUMO gap (eV)' });
  await gapHeader.click();
  await gapHeader.click();
  await expect(table.getByRole('columnheader', { name: /HOMO–LUMO gap/ })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  const statuses = await bodyRows.evaluateAll((rows) =>
    rows.map((row) => row.getAttribute('data-status')),
  );
  expect(statuses.slice(0, 4).every((s) => s !== 'error')).toBe(true);
  expect(statuses.slice(4)).toEqual(['error', 'error']);
  const gaps = await bodyRows.evaluateAll((rows) =>
    rows
      .slice(0, 4)
      .map((row) => Number(row.querySelectorAll('td')[8].querySelector('.value')?.textContent)),
  );
  expect([...gaps].sort((a, b) => b - a)).toEqual(gaps);
});

test('rows are reached and opened with the keyboard, and refused molecules still show their structure', async ({
  page,
}) => {
  await page.goto('/');
  // The editor has a name and shows where the focus is.
  const editor = page.getByRole('application', { name: /^Structure editor/ });
  await editor.focus();
  await expect(editor).toBeFocused();
  const ring = await page
    .getByTestId('editor')
    .evaluate((host) => getComputedStyle(host).outlineStyle);
  expect(ring).toBe('solid');

  await dropFiles(page, [ASSAY_CSV]);
  const rows = page.getByTestId('result-row');
  await expect(rows).toHaveCount(6, { timeout: 120_000 });
  const bromine = page.locator('[data-testid=result-row][data-record="4"]');
  await bromine.focus();
  await expect(bromine).toBeFocused();
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('detail');
  await expect(detail.getByTestId('detail-smiles')).toHaveText('BrCBr');
  await expect(detail.getByTestId('domain-badge')).toContainText(
    "element Br at atom 1 is outside the model's elements",
  );
  await expect(detail.getByTestId('depiction')).toHaveAttribute('aria-label', /BrCBr/, {
    timeout: 30_000,
  });
  // Tab moves on to the next row; Enter opens it.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(detail).toContainText('record 5');
  await expect(detail.getByTestId('domain-badge')).toContainText('at position');
});
