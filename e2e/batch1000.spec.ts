import { expect, test } from '@playwright/test';
import { modelPublished, NO_MODEL_REASON, pickFiles, waitForJob, waitForModel } from './helpers';

/** 1,000 small C/N/O/F molecules: a core between two end groups, varied systematically. */
function thousandSmiles(): string {
  const cores = [
    'C',
    'CC',
    'CCC',
    'CC(C)',
    'C1CC1',
    'C=C',
    'CC#C',
    'c1ccccc1',
    'C1CCOC1',
    'N1CCC1',
  ];
  // Heads attach through their last atom, tails through their first.
  const heads = ['O', 'N', 'F', 'N#C', 'O=C', 'CO', 'CN', 'OC(=O)', 'FC(F)(F)', 'NC(=O)'];
  const tails = ['O', 'N', 'F', 'C#N', 'C=O', 'OC', 'NC', 'C(=O)O', 'C(F)(F)F', 'C(N)=O'];
  const lines: string[] = [];
  for (const core of cores) {
    for (const head of heads) {
      for (const tail of tails) lines.push(`${head}${core}${tail}`);
    }
  }
  return lines.map((smiles, i) => `${smiles} mol-${i + 1}`).join('\n') + '\n';
}

test('a 1,000-molecule file completes while the page stays responsive', async ({ page }) => {
  test.skip(!modelPublished && !process.env.CI, NO_MODEL_REASON);
  await page.goto('/');
  await waitForModel(page);
  await pickFiles(page, [{ name: 'thousand.smi', content: thousandSmiles() }]);
  const job = page.getByTestId('job');
  await expect(job).toHaveAttribute('data-phase', /reading|predicting/);

  // While the worker runs, the main thread still handles clicks at once.
  const modelTab = page.getByRole('tab', { name: 'Model' });
  const clickedAt = Date.now();
  await modelTab.click({ timeout: 2_000 });
  await expect(modelTab).toHaveAttribute('aria-selected', 'true', { timeout: 1_000 });
  const handledMs = Date.now() - clickedAt;
  test.info().annotations.push({ type: 'click handled in (ms)', description: String(handledMs) });
  const phaseDuringClick = await job.getAttribute('data-phase');
  test
    .info()
    .annotations.push({ type: 'job phase at click', description: String(phaseDuringClick) });

  await page.getByRole('tab', { name: 'Predict' }).click();
  await waitForJob(page, 300_000);
  await expect(page.getByTestId('batch-counts')).toContainText('1000 rows');
  await expect(page.getByTestId('batch-counts')).toContainText('0 error');
});
