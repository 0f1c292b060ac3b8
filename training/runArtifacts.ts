import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CardData, TargetMetrics } from '../src/model';
import type { OutputTransform } from '../src/model';
import type { TrainConfig } from './config';
import type { TrainState } from './trainer';

/** What a finished run leaves in training/runs/<name>/results.json (weights in final.bin/json). */
export interface RunResults {
  config: TrainConfig;
  transform: OutputTransform;
  state: TrainState;
  parameters: number;
  backend: string;
  data: Omit<CardData, 'split'> & { split: Omit<CardData['split'], 'rule'> };
  metrics: { validation: TargetMetrics[]; test: TargetMetrics[] };
  finishedAt: string;
  gitCommit: string | null;
}

export async function readRunResults(runDir: string): Promise<RunResults> {
  const file = path.join(runDir, 'results.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as RunResults;
  } catch (err) {
    throw new Error(`no finished run in ${runDir}: ${(err as Error).message}`);
  }
}
