// Where predictions enter the log: only with the user's consent, SMILES only with the second
// consent, never a non-finite prediction. IndexedDB is fake-indexeddb (see shipper-outbox.test.ts).
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { chain } from '../helpers/molecules';
import { listen, Outbox, queuePredictions, type LoggingNotice } from '../../src/logging';

const ethanol = { ...chain('CCO'), smiles: 'CCO' };
const at = new Date('2026-12-01T05:00:00.000Z');

async function queued(outbox: Outbox) {
  return (await outbox.nextBatch(100, 1e9)).map((q) => q.record);
}

describe('queuePredictions', () => {
  // queuePredictions uses the app's own outbox database, as the prediction worker does.
  const outbox = new Outbox();

  it('queues nothing while logging is off (the default)', async () => {
    expect(await queuePredictions([{ graph: () => ethanol, gapEv: 9.3 }], 'm 1.0.0', at)).toBe(0);
    expect(await queued(outbox)).toEqual([]);
  });

  it('with consent: one record per finite prediction, without SMILES unless allowed', async () => {
    await outbox.saveSettings({ enabled: true, endpoint: '/log', includeSmiles: false });
    const notices: LoggingNotice[] = [];
    const stop = listen((notice) => notices.push(notice));
    const count = await queuePredictions(
      [
        { graph: () => ethanol, gapEv: 9.3 },
        { graph: () => ethanol, gapEv: Number.NaN },
        { graph: () => ethanol, gapEv: 8.1 },
      ],
      'm 1.0.0',
      at,
    );
    expect(count).toBe(2);
    // The page learns of them at once (and of nothing when no prediction was finite).
    await vi.waitFor(() => expect(notices).toEqual([{ type: 'queued', count: 2 }]));
    const records = await queued(outbox);
    expect(records.map((r) => r.prediction)).toEqual([[9.3], [8.1]]);
    expect(records.every((r) => r.smiles === undefined)).toBe(true);
    expect(records[0].model_version).toBe('m 1.0.0');
    expect(records[0].timestamp).toBe('2026-12-01T05:00:00.000Z');
    expect(await queuePredictions([{ graph: () => ethanol, gapEv: Infinity }], 'm 1.0.0', at)).toBe(
      0,
    );
    await new Promise((r) => setTimeout(r, 50));
    stop();
    expect(notices).toHaveLength(1);
  });

  it('adds SMILES only with the second consent', async () => {
    await outbox.discardQueued();
    await outbox.saveSettings({ enabled: true, endpoint: '/log', includeSmiles: true });
    await queuePredictions([{ graph: () => ethanol, gapEv: 9.3 }], 'm 1.0.0', at);
    expect((await queued(outbox)).map((r) => r.smiles)).toEqual(['CCO']);
  });

  it('sets a molecule too large for the server aside at once, with the reason', async () => {
    await outbox.discardQueued();
    await outbox.saveSettings({ enabled: true, endpoint: '/log', includeSmiles: false });
    // 167 carbons with their hydrogens: 503 atoms, just over what the server stores.
    const large = chain('C'.repeat(167));
    expect(large.x).toHaveLength(503);
    const limit = chain('C'.repeat(166)); // 500 atoms: still sent
    expect(limit.x).toHaveLength(500);
    const count = await queuePredictions(
      [
        { graph: () => large, gapEv: 7 },
        { graph: () => limit, gapEv: 7.1 },
      ],
      'm 1.0.0',
      at,
    );
    expect(count).toBe(1);
    expect((await queued(outbox)).map((r) => r.node_features.length)).toEqual([500]);
    const [aside] = await outbox.rejectedRecords();
    expect(aside.reason).toBe(
      '503 atoms: the logging server stores at most 500 atoms per molecule',
    );
    expect(aside.record.prediction).toEqual([7]);
    expect(aside.rejectedAt).toBe(at.toISOString());
    expect((await outbox.counts()).rejected).toBe(1);
  });
});
