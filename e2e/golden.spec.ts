import { expect, test } from '@playwright/test';
import { TARGETS } from '../src/model';
import {
  closeEnough,
  GOLDEN_FIXTURE,
  GOLDEN_TOLERANCE,
  modelMismatch,
  readGoldenFixture,
  shippedModel,
} from '../tests/helpers/golden';
import {
  downloadText,
  modelPublished,
  NO_MODEL_REASON,
  parseCsv,
  pickFiles,
  waitForJob,
  openOnBackend,
} from './helpers';

// The golden molecules (tests/fixtures/goldenPredictions.json) opened as the user's files, on
// each backend, exported as CSV and compared with the shipped model's pinned outputs.
const fixture = readGoldenFixture();

for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu'] as const) {
  test(`golden predictions on ${backend} within ${GOLDEN_TOLERANCE}`, async ({ page }) => {
    // Skipped only on a checkout without a trained model in public/models; never under CI.
    test.skip(!modelPublished && !process.env.CI, NO_MODEL_REASON);
    const mismatch = modelMismatch(fixture, await shippedModel());
    expect(mismatch, mismatch ?? '').toBeNull();

    await openOnBackend(page, backend);

    await pickFiles(
      page,
      fixture.files.map((f) => ({ name: f.name, content: f.text })),
    );
    await waitForJob(page, 180_000);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const rows = parseCsv(await downloadText(download));
    expect(rows, `rows of ${GOLDEN_FIXTURE}`).toHaveLength(fixture.molecules.length);

    const differences: string[] = [];
    let worst = 0;
    let intervalsCompared = 0;
    for (const golden of fixture.molecules) {
      const row = rows.find((r) => r.source === golden.file && Number(r.record) === golden.record);
      if (!row) {
        differences.push(`${golden.file}#${golden.record}: no row in the export`);
        continue;
      }
      const compare = (label: string, cell: string, expected: number, scale = expected) => {
        const actual = Number(cell);
        worst = Math.max(worst, Math.abs(actual - expected) / Math.max(1, Math.abs(scale)));
        if (cell === '' || !closeEnough(actual, expected, scale))
          differences.push(`${golden.name} ${label}: page ${cell} vs ${expected}`);
      };
      for (const target of TARGETS) {
        const column = (suffix: string) =>
          Object.keys(row).find((k) => k.startsWith(`${target.key}${suffix} [`))!;
        compare(target.key, row[column('')], golden.prediction.values[target.key]!);
        // The page leaves std and interval out for extrapolations; where it gives them, they must match.
        const std = row[column('_std')];
        if (std !== '') compare(`${target.key} std`, std, golden.prediction.std[target.key]!);
        const interval = golden.prediction.interval90?.[target.key];
        const lo = row[column('_lo90')];
        if (interval && lo !== '') {
          intervalsCompared++;
          const value = golden.prediction.values[target.key]!;
          const scale = Math.max(Math.abs(value), Math.abs(interval[0]), Math.abs(interval[1]));
          compare(`${target.key} lo90`, lo, interval[0], scale);
          compare(`${target.key} hi90`, row[column('_hi90')], interval[1], scale);
        }
      }
    }
    test
      .info()
      .annotations.push({ type: 'max relative difference', description: worst.toExponential(2) });
    expect(differences, differences.slice(0, 20).join('\n')).toEqual([]);
    if (fixture.molecules.some((m) => m.prediction.interval90)) {
      expect(intervalsCompared).toBeGreaterThan(0);
    }
  });
}
