import { announce } from './channel';
import { Outbox } from './outbox';
import { makeLogRecord, type LoggableGraph } from './record';

export interface PredictedGraph {
  graph: LoggableGraph;
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
  const records = predicted
    .filter((item) => Number.isFinite(item.gapEv))
    .map((item) => makeLogRecord(item.graph, item.gapEv, modelVersion, settings, now));
  if (records.length === 0) return 0;
  await outbox.add(records);
  announce({ type: 'queued', count: records.length });
  return records.length;
}
