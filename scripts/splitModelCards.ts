// One-off migration, run once on the shipped models (kept as the record of how their cards were
// rewritten): each old model-card.json, one 170-600 KB file that also held the test-split plots,
// the drift reference and training-sample statistics nothing read, becomes a compact card plus
// evaluation.json and drift-reference.json, from the same numbers (nothing is re-evaluated). The
// registry then records the new checksums; manifests and weights must be unchanged.
//   npx tsx scripts/splitModelCards.ts [public/models]
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { CARD_FILE, CARD_FORMAT, type ModelCard, type ModelEvaluation } from '../src/model';
import { modelId } from '../src/model';
import {
  splitTrainingHistory,
  writeCardFiles,
  type EvaluationContent,
} from '../training/cardFiles';
import {
  checksumProblems,
  readRegistryFile,
  recordRepackagedCards,
} from '../training/registryFiles';

/** The card as it was written before the split (format-less). */
type OldCard = Omit<ModelCard, 'format' | 'formatVersion' | 'metrics' | 'trainingPredictions'> & {
  metrics: ModelCard['metrics'] &
    Pick<ModelEvaluation, 'errorsBySize' | 'smallMolecules'> & {
      testResiduals: ModelEvaluation['testResiduals'];
    };
  referenceStats: { sampleSize: number; predictions: ModelCard['trainingPredictions']['targets'] };
  driftReference?: unknown;
};

const NOTE =
  'repackaged card, weights unchanged: test-split plots and training epochs moved to evaluation.json, the drift reference to drift-reference.json, unread training-feature statistics dropped';

function split(old: OldCard) {
  const { metrics, referenceStats, driftReference, ensemble, training, ...rest } = old;
  const { test, validation, testResiduals, errorsBySize, smallMolecules } = metrics;
  const own = splitTrainingHistory(`${old.name} ${old.version}`, training);
  // An ensemble's card held its members' whole training records; each member's card has them.
  const members = (ensemble?.members ?? []).map((m) => ({
    member: m,
    ...splitTrainingHistory(`${m.name} ${m.version}`, m.training),
  }));
  const card: ModelCard = {
    format: CARD_FORMAT,
    formatVersion: 1,
    ...rest,
    training: own.summary,
    metrics: { test, validation },
    trainingPredictions: {
      sampleSize: referenceStats.sampleSize,
      targets: referenceStats.predictions,
    },
    ...(ensemble && {
      ensemble: {
        ...ensemble,
        members: members.map(({ member, summary }) => ({ ...member, training: summary })),
      },
    }),
  };
  const evaluation: EvaluationContent = {
    testResiduals,
    trainingHistory: ensemble ? members.map((m) => m.history) : [own.history],
    ...(errorsBySize && { errorsBySize }),
    ...(smallMolecules && { smallMolecules }),
  };
  return { card, evaluation, driftReference };
}

async function main(): Promise<void> {
  const modelsDir = process.argv[2] ?? 'public/models';
  const dirs = (await readdir(modelsDir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => path.join(modelsDir, e.name));
  for (const dir of dirs) {
    const file = path.join(dir, CARD_FILE);
    const json = JSON.parse(await readFile(file, 'utf8')) as { format?: string };
    if (json.format === CARD_FORMAT) {
      process.stderr.write(`${file}: already split\n`);
      continue;
    }
    await writeCardFiles(dir, split(json as OldCard));
    process.stderr.write(`${file}: split\n`);
  }
  for (const entry of (await readRegistryFile(modelsDir)).models) {
    // A second run finds the checksums current and records nothing.
    if ((await checksumProblems(modelsDir, entry)).length === 0) continue;
    await recordRepackagedCards(modelsDir, modelId(entry), NOTE);
    process.stderr.write(`registry: ${modelId(entry)} re-hashed\n`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`split-model-cards: ${error.message}\n`);
  process.exit(1);
});
