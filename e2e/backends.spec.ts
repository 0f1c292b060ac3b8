import { expect, test } from '@playwright/test';
import { initChem, parseText } from '../src/chem';
import { loadPredictor } from '../src/model';
import { TARGETS } from '../src/model';
import type { MoleculePrediction } from '../src/model';
import {
  downloadText,
  MODEL_DIR,
  modelPublished,
  NO_MODEL_REASON,
  parseCsv,
  waitForJob,
  openOnBackend,
} from './helpers';

// QM9-like molecules written for this test: rings, multiple bonds, N/O/F, one charged (outside the domain).
const MOLECULES = [
  'C methane',
  'CCO ethanol',
  'CC#N acetonitrile',
  'c1ccccc1 benzene',
  'O=C1CCCC1 cyclopentanone',
  'FC(F)F fluoroform',
  'c1cc[nH]c1 pyrrole',
  'NC(=O)C=C acrylamide',
  'OC1COC1 oxetanol',
  'C[NH3+] methylammonium',
];

/** Largest difference allowed between page and Node: 1e-4 absolute, relative for values beyond 1. */
function close(page: number, node: number): boolean {
  return Math.abs(page - node) <= 1e-4 * Math.max(1, Math.abs(node));
}

let nodePredictions: MoleculePrediction[] = [];

test.beforeAll(async () => {
  if (!modelPublished) return;
  await initChem();
  const graphs = parseText(MOLECULES.join('\n'), 'node').map((r) => {
    if (!r.ok) throw new Error(r.error.message);
    return r.molecule;
  });
  const predictor = await loadPredictor(MODEL_DIR, { backend: 'wasm' });
  nodePredictions = await predictor.predict(graphs);
  predictor.dispose();
});

for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu'] as const) {
  test(`page predictions on ${backend} match Node within 1e-4`, async ({ page }) => {
    // Skipped only on a checkout without a trained model in public/models; never under CI.
    test.skip(!modelPublished && !process.env.CI, NO_MODEL_REASON);
    await openOnBackend(page, backend);
    await expect(page.getByTestId('backend-notice')).toHaveCount(0);

    await page.getByLabel('SMILES, one per line').fill(MOLECULES.join('\n'));
    await page.getByRole('button', { name: 'Predict', exact: true }).click();
    await waitForJob(page, 180_000);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const rows = parseCsv(await downloadText(download));
    expect(rows).toHaveLength(MOLECULES.length);

    let worst = 0;
    rows.forEach((row, i) => {
      for (const target of TARGETS) {
        const column = Object.keys(row).find((k) => k.startsWith(`${target.key} [`))!;
        const pageValue = Number(row[column]);
        const nodeValue = nodePredictions[i].values[target.key]!;
        worst = Math.max(worst, Math.abs(pageValue - nodeValue) / Math.max(1, Math.abs(nodeValue)));
        expect(
          close(pageValue, nodeValue),
          `${row.name} ${target.key}: page ${pageValue} vs node ${nodeValue}`,
        ).toBe(true);
      }
    });
    test
      .info()
      .annotations.push({ type: 'max relative difference', description: worst.toExponential(2) });
  });
}

test('auto answers on wasm first, then moves to a hardware GPU or says why it stays', async ({
  page,
}) => {
  // Skipped only on a checkout without a trained model in public/models; never under CI.
  test.skip(!modelPublished && !process.env.CI, NO_MODEL_REASON);
  await page.goto('/?smiles=CCO&name=ethanol');
  const active = page.getByTestId('active-backend');
  // The first answer never waits for GPU probing.
  await expect(active).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  await expect(page.getByTestId('value-gap')).not.toHaveText('');
  const hardwareGpu = await page.evaluate(async () => {
    const gpu = (
      navigator as unknown as {
        gpu?: {
          requestAdapter(): Promise<{
            info?: { isFallbackAdapter?: boolean; vendor?: string };
          } | null>;
        };
      }
    ).gpu;
    const adapter = await gpu?.requestAdapter();
    return Boolean(
      adapter &&
      !adapter.info?.isFallbackAdapter &&
      !/swiftshader/i.test(adapter.info?.vendor ?? ''),
    );
  });
  if (hardwareGpu) {
    await expect(active).toHaveAttribute('data-backend', 'webgpu', { timeout: 60_000 });
  } else {
    // Software GPU adapters (SwiftShader) are passed over in auto, and the notice says so.
    await expect(page.getByTestId('backend-notice')).toContainText('Using wasm.', {
      timeout: 60_000,
    });
    await expect(page.getByTestId('backend-notice')).toContainText('webgpu unavailable');
    await expect(active).toHaveAttribute('data-backend', 'wasm');
  }
});
