// Writes a model directory's card files: model-card.json (read by people, the page and the CLIs),
// evaluation.json (the model page's plots) and drift-reference.json (the drift server's table).
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CARD_FILE,
  DRIFT_REFERENCE_FILE,
  EVALUATION_FILE,
  EVALUATION_FORMAT,
  parseModelCard,
  parseModelEvaluation,
  type EpochRecord,
  type ModelCard,
  type ModelEvaluation,
  type TrainingHistory,
} from '../src/model';

const LINE_WIDTH = 100;

/**
 * JSON indented like JSON.stringify(value, null, 2), except that an array of plain values, or an
 * object or array that fits in 100 columns, stays on one line: a histogram's 40 counts are one
 * line, not 40, and so is one epoch of the training history, so a card reads top to bottom.
 */
export function readableJson(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const flat = JSON.stringify(value);
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return flat;
  if (indent.length + flat.length <= LINE_WIDTH) return flat;
  const inner = `${indent}  `;
  const lines = Array.isArray(value)
    ? value.map((v) => inner + readableJson(v, inner))
    : Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${inner}${JSON.stringify(k)}: ${readableJson(v, inner)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return lines.length === 0
    ? `${open}${close}`
    : `${open}\n${lines.join(',\n')}\n${indent}${close}`;
}

/** What evaluation.json holds besides its header, which names the card's model. */
export type EvaluationContent = Omit<
  ModelEvaluation,
  'format' | 'formatVersion' | 'name' | 'version'
>;

export interface CardFiles {
  card: ModelCard;
  evaluation: EvaluationContent;
  /** The drift server's reference (server/drift/reference.ts format); models without a gap output have none. */
  driftReference?: unknown;
}

/**
 * Checks the files with the parsers their readers use, then writes each one through a rename, so
 * a reader sees an old file or a new one, never half of one. A stale drift reference is removed.
 */
export async function writeCardFiles(dir: string, files: CardFiles): Promise<void> {
  const { card } = files;
  const evaluation: ModelEvaluation = {
    format: EVALUATION_FORMAT,
    formatVersion: 1,
    name: card.name,
    version: card.version,
    ...files.evaluation,
  };
  parseModelCard(card, `${dir}/${CARD_FILE}`);
  parseModelEvaluation(evaluation, card, `${dir}/${EVALUATION_FILE}`);
  await mkdir(dir, { recursive: true });
  await writeJsonFile(dir, EVALUATION_FILE, evaluation);
  if (files.driftReference !== undefined)
    await writeJsonFile(dir, DRIFT_REFERENCE_FILE, files.driftReference);
  else await rm(path.join(dir, DRIFT_REFERENCE_FILE), { force: true });
  // Last, so a directory whose card names this version has its detail files already.
  await writeJsonFile(dir, CARD_FILE, card);
}

async function writeJsonFile(dir: string, name: string, value: unknown): Promise<void> {
  const file = path.join(dir, name);
  await writeFile(`${file}.tmp`, `${readableJson(value)}\n`);
  await rename(`${file}.tmp`, file);
}

/**
 * Rewrites evaluation.json alone, checked against the directory's card, for a section measured
 * after export (the card and the weights stay as they are).
 */
export async function rewriteEvaluation(
  dir: string,
  card: ModelCard,
  evaluation: ModelEvaluation,
): Promise<void> {
  parseModelEvaluation(evaluation, card, `${dir}/${EVALUATION_FILE}`);
  await writeJsonFile(dir, EVALUATION_FILE, evaluation);
}

/**
 * Splits the epochs off a training record: the card keeps the summary (what a person reads), the
 * evaluation file the epochs (what the learning-curve chart and the runs store read).
 */
export function splitTrainingHistory(
  model: string,
  training: Record<string, unknown>,
): { summary: Record<string, unknown>; history: TrainingHistory } {
  const { history, ...summary } = training as { history?: EpochRecord[] };
  const startedFrom = (training as { startedFrom?: { epochs?: unknown } | string }).startedFrom;
  const from = typeof startedFrom === 'object' ? Number(startedFrom.epochs) : 0;
  return {
    summary,
    history: { model, startEpoch: Number.isFinite(from) ? from : 0, epochs: history ?? [] },
  };
}

async function readJsonFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

/** A model directory's model-card.json, checked. */
export async function readCard(dir: string): Promise<ModelCard> {
  const file = path.join(dir, CARD_FILE);
  return parseModelCard(await readJsonFile(file), file);
}

/** A model directory's evaluation.json, checked against its card. */
export async function readEvaluation(dir: string, card: ModelCard): Promise<ModelEvaluation> {
  const file = path.join(dir, EVALUATION_FILE);
  return parseModelEvaluation(await readJsonFile(file), card, file);
}
