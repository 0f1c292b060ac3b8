/**
 * Rewrites tests/fixtures/goldenPredictions.json from the shipped (production) model, in Node on
 * the wasm backend. Run it when the model or its output transform changed on purpose, and commit
 * the fixture with the model: `npm run golden:update`.
 */
import { writeFileSync } from 'node:fs';
import { initChem } from '../src/chem';
import { loadPredictor } from '../src/model';
import {
  GOLDEN_FILES,
  GOLDEN_FIXTURE,
  goldenMolecules,
  readGoldenFixture,
  shippedModel,
  type GoldenFixture,
} from '../tests/helpers/golden';

await initChem();
const model = await shippedModel();
const predictor = await loadPredictor(model.location, { backend: 'wasm' });
let previous: GoldenFixture | null = null;
try {
  previous = readGoldenFixture();
} catch {
  // First run: nothing to compare with.
}
const fixture: GoldenFixture = {
  model: model.id,
  modelFiles: model.fingerprint,
  backend: predictor.backend,
  generatedBy: 'npm run golden:update (scripts/goldenUpdate.ts)',
  files: GOLDEN_FILES,
  molecules: await goldenMolecules(predictor),
};
predictor.dispose();
writeFileSync(GOLDEN_FIXTURE, JSON.stringify(fixture, null, 2) + '\n');
const gap = (f: GoldenFixture | null, i: number) => f?.molecules[i]?.prediction.values.gap;
const moved = fixture.molecules.filter((m, i) => gap(previous, i) !== gap(fixture, i)).length;
console.log(
  `${GOLDEN_FIXTURE}: ${fixture.molecules.length} molecules from ${model.id} ` +
    `(files ${model.fingerprint.slice(0, 12)})` +
    (previous ? `; was ${previous.model}, ${moved} gap values changed` : ''),
);
