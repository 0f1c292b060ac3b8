// The settings panel's side of logging (LoggingController) against the real server: off until the
// user says so, sending what waited once they do, and refusing what would lose their records.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chain } from '../helpers/molecules';
import { LoggingController, makeLogRecord, Outbox } from '../../src/logging';
import { startLogServer, type LogServer } from '../helpers/logServer';

let server: LogServer;
beforeAll(async () => {
  server = await startLogServer();
});
afterAll(() => server.close());

const record = (gap: number) =>
  makeLogRecord(chain('CCO'), gap, 'test-model 1.0.0', { includeSmiles: false });

describe('LoggingController', () => {
  it('sends nothing until logging is turned on, then what waited', async () => {
    const outbox = new Outbox('controller-on');
    const queued = [record(9), record(8)];
    await outbox.add(queued);
    const controller = new LoggingController(outbox);
    const seen: number[] = [];
    const unsubscribe = controller.subscribe(() =>
      seen.push(controller.getSnapshot().status.queued),
    );
    try {
      await controller.start();
      const before = controller.getSnapshot();
      expect(before.loaded).toBe(true);
      expect(before.settings.enabled).toBe(false);
      expect(before.status.queued).toBe(2);
      expect(server.requests()).toBe(0);

      await controller.update({ enabled: true, endpoint: `${server.url}/log` });
      const after = controller.getSnapshot();
      expect(after.settings).toEqual({
        enabled: true,
        endpoint: `${server.url}/log`,
        includeSmiles: false,
      });
      expect(after.status).toMatchObject({ queued: 0, sent: 2, rejected: 0, lastError: null });
      expect((await server.store.existingKeys(queued.map((r) => r.idempotency_key))).size).toBe(2);
      expect(seen).toContain(0);
      await expect(controller.discardQueued()).rejects.toThrow(/turn logging off before/);
    } finally {
      unsubscribe();
      controller.stop();
    }
  });

  it('refuses an endpoint that cannot be a logging server, keeping the old settings', async () => {
    const controller = new LoggingController(new Outbox('controller-bad-endpoint'));
    try {
      await controller.start();
      await expect(controller.update({ enabled: true, endpoint: 'ftp://x/log' })).rejects.toThrow();
      expect(controller.getSnapshot().settings.enabled).toBe(false);
    } finally {
      controller.stop();
    }
  });

  it('sends again after being stopped and started (a remounted page)', async () => {
    const outbox = new Outbox('controller-restart');
    const controller = new LoggingController(outbox);
    try {
      await controller.start();
      await controller.update({ enabled: true, endpoint: `${server.url}/log` });
      controller.stop();
      const queued = [record(6)];
      await outbox.add(queued);
      await controller.start();
      // A drain begun before the stop may still be finishing; the restart's flush follows it.
      await vi.waitFor(() =>
        expect(controller.getSnapshot().status).toMatchObject({ queued: 0, sent: 1 }),
      );
      expect((await server.store.existingKeys([queued[0].idempotency_key])).size).toBe(1);
    } finally {
      controller.stop();
    }
  });

  it('discards queued records only while logging is off', async () => {
    const outbox = new Outbox('controller-discard');
    await outbox.add([record(7)]);
    const controller = new LoggingController(outbox);
    try {
      await controller.start();
      await controller.discardQueued();
      expect((await outbox.counts()).queued).toBe(0);
      expect(controller.getSnapshot().status.queued).toBe(0);
    } finally {
      controller.stop();
    }
  });
});
