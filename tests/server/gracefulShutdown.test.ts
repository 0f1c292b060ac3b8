// gracefulShutdown in this process (tests/server/lifecycle.test.ts checks SIGTERM on a server
// process, out of a mutant's reach): with nothing in flight it closes at once with code 0; a
// client still trickling a body is cut at the deadline, with code 1; the store is closed either way.
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { gracefulShutdown } from '../../server/lifecycle';
import { alkanes } from '../helpers/molecules';
import { appsPerTest } from '../helpers/testApp';

const { startApp } = appsPerTest(
  'graceful-shutdown-',
  alkanes(20),
  alkanes(20).map((_, i) => 9 + (i % 3)),
);

/** A store that records being closed. */
const watched = () => {
  const state = { closed: false };
  return { state, store: { close: async () => void (state.closed = true) } };
};

describe('gracefulShutdown', () => {
  it('closes at once with code 0 when nothing is in flight, then closes the store', async () => {
    const { app } = await startApp();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { state, store } = watched();
    const started = Date.now();
    expect(await gracefulShutdown(app, store, 5_000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(state.closed).toBe(true);
  });

  it('cuts a client still sending its body at the deadline, with code 1', async () => {
    const { app } = await startApp({ REQUEST_TIMEOUT_MS: '60000' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closedByServer = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write(
      'POST /log HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"records":',
    );
    await new Promise((r) => setTimeout(r, 100));
    const { state, store } = watched();
    const started = Date.now();
    expect(await gracefulShutdown(app, store, 400)).toBe(1);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(350);
    expect(took).toBeLessThan(5_000);
    await closedByServer;
    expect(state.closed).toBe(true);
  });
});
