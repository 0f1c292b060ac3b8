// Wraps a CLI's work in a run of the runs store: started before, finished (or failed, with the
// error) after, so `npm run runs -- list` shows every train, evaluate, export and sweep trial.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { CARD_FILE, type ModelCard, type TargetMetrics } from '../src/model';
import { readCard, readEvaluation } from './cardFiles';
import type { EpochRecord } from './trainer';
import type { EpochMetrics, RunsStore } from './runsStore';

export function epochMetrics(r: EpochRecord): EpochMetrics {
  return {
    epoch: r.epoch,
    trainLoss: r.trainLoss,
    valScore: r.valScore,
    valMae: r.valMae,
    seconds: r.seconds,
  };
}

export interface RunOutcome<T> {
  value: T;
  test?: TargetMetrics[] | null;
  outputDir?: string | null;
  status?: 'finished' | 'stopped';
  note?: string | null;
}

export async function withRun<T>(
  store: RunsStore,
  start: Parameters<RunsStore['start']>[0],
  body: (runId: string) => Promise<RunOutcome<T>>,
): Promise<T> {
  const t0 = Date.now();
  const id = await store.start(start);
  process.stderr.write(`run ${id} (${start.kind} ${start.name}) recorded in ${store.location}\n`);
  try {
    const outcome = await body(id);
    await store.finish(id, {
      status: outcome.status ?? 'finished',
      test: outcome.test ?? null,
      wallSeconds: (Date.now() - t0) / 1000,
      outputDir: outcome.outputDir ?? null,
      note: outcome.note ?? null,
    });
    return outcome.value;
  } catch (error) {
    // The work's own error is the one to report, even where the store failed too.
    await store
      .finish(id, {
        status: 'failed',
        wallSeconds: (Date.now() - t0) / 1000,
        note: (error as Error).message,
      })
      .catch(() => undefined);
    throw error;
  }
}

/**
 * The runs behind the shipped models, from their model cards (hyperparameters, commit, data
 * checksum, per-epoch history, wall time, test metrics): added once, so a fresh clone's list
 * starts with them.
 */
export async function importCardRuns(store: RunsStore, modelsDir: string): Promise<number> {
  let added = 0;
  let names: string[];
  try {
    names = (await readdir(modelsDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return 0;
  }
  for (const dir of names) {
    let card: ModelCard;
    try {
      card = await readCard(path.join(modelsDir, dir));
    } catch {
      continue;
    }
    const id = `card-${card.name}@${card.version}`;
    if (await store.get(id)) continue;
    const t = card.training as {
      hyperparameters?: Record<string, unknown>;
      gitCommit?: string;
      wallSeconds?: number;
      finishedAt?: string;
      seed?: number;
      epochs?: number;
    };
    // The card's own epochs (an ensemble's evaluation lists its members', which are runs of their own).
    const own = `${card.name} ${card.version}`;
    const epochs = await readEvaluation(path.join(modelsDir, dir), card).then(
      (e) => e.trainingHistory.find((h) => h.model === own)?.epochs ?? [],
      () => [],
    );
    await store.start({
      id,
      kind: 'card',
      name: card.name,
      startedAt: card.createdAt,
      config: {
        version: card.version,
        architecture: card.architecture,
        seed: t.seed,
        epochs: t.epochs,
        ...(t.hyperparameters ?? {}),
        ...(card.ensemble && {
          members: card.ensemble.members.map((m) => `${m.name}@${m.version}`),
        }),
      },
      gitCommit: t.gitCommit ?? null,
      dataSha256: card.data.sha256,
      outputDir: path.join(modelsDir, dir),
      note: `from ${path.join(modelsDir, dir, CARD_FILE)}`,
    });
    for (const e of epochs) {
      await store.epoch(id, {
        epoch: e.epoch,
        trainLoss: e.trainLoss,
        valScore: e.valScore,
        valMae: e.valGapMae === undefined ? {} : { gap: e.valGapMae },
        seconds: e.seconds,
      });
    }
    await store.finish(id, {
      status: 'finished',
      test: card.metrics.test,
      wallSeconds: t.wallSeconds ?? 0,
      finishedAt: t.finishedAt ?? card.createdAt,
    });
    added++;
  }
  return added;
}
