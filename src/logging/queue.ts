import { announce } from './channel';
import { Outbox } from './outbox';
import { makeLogRecord, tooLargeToLog, type LoggableGraph } from './record';
import type { LogRecord } from './types';

export interface PredictedGraph {
  /** Built only while logging is on: the prediction worker keeps graphs packed. */
  graph: () => LoggableGraph;
  /** The predicted HOMO-LUMO gap in eV: the original service's `prediction`. */
  gapEv: number;
}

let outbox: Outbox | null = null;

/**
 * Where predictions enter the log, called wherever the graphs are (the prediction worker).
 * Reads the user's choice from IndexedDB on every call, so a record is made only while logging
 * is on, and with SMILES only while that is allowed too. Returns how many records were queued.
 */
export async function queuePredictions(
  predicted: PredictedGraph[],
  modelVersion: string,
  now = new Date(),
): Promise<number> {
  outbox ??= new Outbox();
  const settings = await outbox.loadSettings();
  if (!settings.enabled) return 0;
  const records: LogRecord[] = [];
  const unsendable: { record: LogRecord; reason: string }[] = [];
  for (const item of predicted.filter((p) => Number.isFinite(p.gapEv))) {
    const record = makeLogRecord(item.graph(), item.gapEv, modelVersion, settings, now);
    const reason = tooLargeToLog(record);
    if (reason === null) records.push(record);
    else unsendable.push({ record, reason });
  }
  await outbox.keepUnsendable(unsendable, now);
  if (records.length === 0 && unsendable.length === 0) return 0;
  await outbox.add(records);
  // The page's status (queued and set-aside counts) follows this notice.
  announce({ type: 'queued', count: records.length });
  return records.length;
}
