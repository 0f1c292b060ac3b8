// What the settings panel's controller does between the user's clicks: notices from the worker
// and other tabs (a real BroadcastChannel, which Node has), the browser's online/offline events,
// a server that comes back, records the server refused, and storage that cannot be opened.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chain } from '../helpers/molecules';
import {
  announce,
  listen,
  LoggingController,
  makeLogRecord,
  Outbox,
  pageLogging,
  type LoggingNotice,
} from '../../src/logging';
import type { LogRecord } from '../../src/logging/types';
import { freePort, IDLE_STATUS, type LogServer, startLogServer } from '../helpers/logServer';

let server: LogServer;
beforeAll(async () => {
  server = await startLogServer();
});
afterAll(() => server.close());

let n = 0;
const record = (gap: number): LogRecord =>
  makeLogRecord(chain('CCO'), gap, 'test-model 1.0.0', { includeSmiles: false });
const settle = () => new Promise((r) => setTimeout(r, 50));

/**
 * Node's global is no window: for `body`, it gets the window's EventTarget methods (online and
 * offline events) and a navigator whose onLine the test sets (false at first).
 */
async function withWindowEvents(
  body: (target: EventTarget, online: { onLine: boolean }) => Promise<void>,
): Promise<void> {
  const target = new EventTarget();
  const online = { onLine: false };
  const g = globalThis as unknown as Record<string, unknown>;
  const nodeNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  g.addEventListener = target.addEventListener.bind(target);
  g.removeEventListener = target.removeEventListener.bind(target);
  Object.defineProperty(globalThis, 'navigator', { value: online, configurable: true });
  try {
    await body(target, online);
  } finally {
    delete g.addEventListener;
    delete g.removeEventListener;
    delete g.navigator;
    if (nodeNavigator) Object.defineProperty(globalThis, 'navigator', nodeNavigator);
  }
}

/** Runs `body` with a started controller on a fresh database, and always stops it. */
async function withController(
  body: (c: LoggingController, outbox: Outbox, name: string) => Promise<void>,
): Promise<void> {
  const name = `controller-events-${++n}`;
  const outbox = new Outbox(name);
  const controller = new LoggingController(outbox);
  try {
    await body(controller, outbox, name);
  } finally {
    controller.stop();
  }
}

/** One record queued for a server expected on `port` that is not up yet: a retry is pending. */
async function failedOnce(controller: LoggingController, outbox: Outbox, port: number) {
  await outbox.add([record(7)]);
  await controller.start();
  await controller.update({ enabled: true, endpoint: `http://127.0.0.1:${port}/log` });
  expect(controller.getSnapshot().status.nextRetryAt).not.toBeNull();
}

describe('the channel between worker, tabs and page', () => {
  it('delivers a notice to every listener but its sender, until it unsubscribes', async () => {
    const got: LoggingNotice[] = [];
    const stop = listen((notice) => got.push(notice));
    announce({ type: 'queued', count: 3 });
    await vi.waitFor(() => expect(got).toEqual([{ type: 'queued', count: 3 }]));
    stop();
    announce({ type: 'settings' });
    await settle();
    expect(got).toEqual([{ type: 'queued', count: 3 }]);
  });

  it('without BroadcastChannel (a browser lacking it) announcing and listening do nothing', () => {
    const original = globalThis.BroadcastChannel;
    // @ts-expect-error -- removed for this test only, restored below
    delete globalThis.BroadcastChannel;
    try {
      expect(() => announce({ type: 'settings' })).not.toThrow();
      const stop = listen(() => {});
      expect(stop()).toBeUndefined();
    } finally {
      globalThis.BroadcastChannel = original;
    }
  });
});

describe('LoggingController between clicks', () => {
  it('is off, unloaded and idle before it starts; starting twice reads once', async () => {
    await withController(async (controller) => {
      expect(controller.getSnapshot()).toEqual({
        loaded: false,
        settings: { enabled: false, endpoint: '/log', includeSmiles: false },
        status: IDLE_STATUS,
        rejected: [],
      });
      let calls = 0;
      const unsubscribe = controller.subscribe(() => calls++);
      await controller.start();
      expect(controller.getSnapshot().loaded).toBe(true);
      expect(calls).toBeGreaterThan(0);
      const afterFirst = calls;
      await controller.start();
      expect(calls).toBe(afterFirst);
      unsubscribe();
      await controller.retryNow();
      expect(calls).toBe(afterFirst);
    });
  });

  it('follows settings changed in another tab, and sends what the worker queued', async () => {
    await withController(async (controller, outbox, name) => {
      await controller.start();
      expect(controller.getSnapshot().settings.enabled).toBe(false);
      const otherTab = new Outbox(name);
      await otherTab.saveSettings({
        enabled: true,
        endpoint: `${server.url}/log`,
        includeSmiles: false,
      });
      announce({ type: 'settings' });
      await vi.waitFor(() => expect(controller.getSnapshot().settings.enabled).toBe(true));
      const settings = controller.getSnapshot().settings;

      const queued = [record(9), record(8)];
      await otherTab.add(queued);
      announce({ type: 'queued', count: 2 });
      await vi.waitFor(() => expect(controller.getSnapshot().status.sent).toBe(2));
      // A queued notice sends; it does not re-read (and re-render) the settings.
      expect(controller.getSnapshot().settings).toBe(settings);
      expect((await server.store.existingKeys(queued.map((r) => r.idempotency_key))).size).toBe(2);
      expect(await outbox.counts()).toEqual({ queued: 0, sent: 2, rejected: 0 });
    });
  });

  it('tells the worker and other tabs about a change, and accepts a path endpoint', async () => {
    await withController(async (controller, outbox) => {
      await outbox.add([record(7)]);
      await controller.start();
      const got: LoggingNotice[] = [];
      const stop = listen((notice) => got.push(notice));
      try {
        // "/log" is the app's own origin; in Node there is no page, so http://localhost/log,
        // where nothing listens here: the sender reports a network error, not a bad endpoint.
        await controller.update({ enabled: true, endpoint: '/log' });
        expect(controller.getSnapshot().settings.endpoint).toBe('/log');
        expect(controller.getSnapshot().status.lastError).toMatch(/^network error/);
        await vi.waitFor(() => expect(got).toEqual([{ type: 'settings' }]));
      } finally {
        stop();
      }
    });
  });

  it('sends at once when the user fixes the endpoint or the server is back', async () => {
    const port = await freePort();
    await withController(async (controller, outbox) => {
      await failedOnce(controller, outbox, port);
      const back = await startLogServer({}, port);
      try {
        await controller.retryNow();
        expect(controller.getSnapshot().status).toMatchObject({ queued: 0, sent: 1 });
      } finally {
        await back.close();
      }

      await outbox.add([record(6)]);
      await controller.update({ endpoint: `http://127.0.0.1:${port}/log` }); // down again
      expect(controller.getSnapshot().status.nextRetryAt).not.toBeNull();
      await controller.update({ endpoint: `${server.url}/log` });
      expect(controller.getSnapshot().status).toMatchObject({
        queued: 0,
        sent: 2,
        lastError: null,
      });
    });
  });

  it('lists the records the server refused, with its reasons', async () => {
    await withController(async (controller, outbox) => {
      const broken: LogRecord = { ...record(5), edge_index: [[0], [99]] };
      await outbox.add([record(6), broken]);
      await controller.start();
      await controller.update({ enabled: true, endpoint: `${server.url}/log` });
      await vi.waitFor(() => expect(controller.getSnapshot().rejected).toHaveLength(1));
      const [rejected] = controller.getSnapshot().rejected;
      expect(rejected.record.idempotency_key).toBe(broken.idempotency_key);
      expect(rejected.reason).toMatch(/atom 99 does not exist/);
      expect(controller.getSnapshot().status).toMatchObject({ sent: 1, rejected: 1 });
    });
  });

  it("follows the browser's online and offline events until stopped", async () => {
    await withWindowEvents(async (target, online) => {
      await withController(async (controller, outbox) => {
        await outbox.saveSettings({
          enabled: true,
          endpoint: `${server.url}/log`,
          includeSmiles: false,
        });
        await outbox.add([record(7)]);
        await controller.start();
        expect(controller.getSnapshot().status).toMatchObject({ online: false, queued: 1 });
        expect(controller.getSnapshot().status.lastError).toMatch(/^offline/);

        online.onLine = true;
        target.dispatchEvent(new Event('online'));
        await vi.waitFor(() =>
          expect(controller.getSnapshot().status).toMatchObject({ online: true, sent: 1 }),
        );
        online.onLine = false;
        target.dispatchEvent(new Event('offline'));
        await vi.waitFor(() => expect(controller.getSnapshot().status.online).toBe(false));

        controller.stop();
        controller.stop(); // twice is harmless
        let calls = 0;
        controller.subscribe(() => calls++);
        online.onLine = true;
        target.dispatchEvent(new Event('offline'));
        target.dispatchEvent(new Event('online'));
        announce({ type: 'queued', count: 1 });
        await outbox.add([record(6)]);
        await controller.retryNow();
        await settle();
        expect(calls).toBe(0);
        expect((await outbox.counts()).queued).toBe(1);
      });
    });
  });

  it('back online, or told of new settings, it sends at once instead of awaiting the retry', async () => {
    // The first retry after a failure is 1-2 s away (base delay 2 s, jitter in its upper half):
    // whatever arrives within 0.8 s was sent at once.
    const soon = { timeout: 800, interval: 20 };
    await withWindowEvents(async (target, online) => {
      online.onLine = true;
      const port = await freePort();
      await withController(async (controller, outbox, name) => {
        await failedOnce(controller, outbox, port);
        const back = await startLogServer({}, port);
        try {
          target.dispatchEvent(new Event('online')); // the connection came back
          await vi.waitFor(() => expect(controller.getSnapshot().status.sent).toBe(1), soon);
        } finally {
          await back.close();
        }

        await outbox.add([record(6)]);
        await controller.retryNow(); // the server is down again: a retry is pending
        expect(controller.getSnapshot().status.nextRetryAt).not.toBeNull();
        await new Outbox(name).saveSettings({
          enabled: true,
          endpoint: `${server.url}/log`,
          includeSmiles: false,
        });
        announce({ type: 'settings' }); // another tab pointed logging at a working server
        await vi.waitFor(() => expect(controller.getSnapshot().status.sent).toBe(2), soon);
      });
    });
  });

  it('stays off and says why when the outbox cannot be opened', async () => {
    const name = `controller-events-broken-${++n}`;
    // A newer version of the database than this app knows: opening it fails (VersionError).
    (await openDB(name, 5)).close();
    const controller = new LoggingController(new Outbox(name));
    try {
      await controller.start();
      expect(controller.getSnapshot().loaded).toBe(false);
      expect(controller.getSnapshot().status.lastError).toMatch(/^no outbox storage: \S/);
    } finally {
      controller.stop();
    }
  });

  it('runs one controller per page', async () => {
    const page = pageLogging();
    try {
      expect(pageLogging()).toBe(page);
      // Started by the first call (stopping before the start has read the settings would not
      // stop what the start sets up afterwards).
      await vi.waitFor(() => expect(page.getSnapshot().loaded).toBe(true));
    } finally {
      page.stop();
    }
  });
});
