// Timeouts, graceful shutdown and the crash policy, against the real server process: a slow
// client cannot hold a socket, SIGTERM finishes what is in flight and exits by its deadline.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from '../helpers/serverProcess';
import { chain, logRecord, methane } from '../helpers/molecules';
import { writeDriftReference } from '../helpers/driftReferenceFile';
import { openSqliteStore } from '../../server/storage/sqlite';

const dir = mkdtempSync(join(tmpdir(), 'qm9-lifecycle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const baseEnv = () => ({
  DATABASE_URL: '',
  SQLITE_FILE: join(dir, `life-${++n}.sqlite`),
  MODELS_DIR: join(dir, 'no-models'),
  REPORT_TOKEN: 'life',
});

function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sent until it closed the socket. */
function received(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (chunk) => (text += chunk.toString()));
  return new Promise((resolve) => socket.once('close', () => resolve(text)));
}

/** Sends the head of a POST /log promising `length` bytes, then one byte every `everyMs`. */
function trickle(socket: Socket, length: number, everyMs: number): () => void {
  socket.write(
    `POST /log HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`,
  );
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(' ');
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
  socket.on('error', () => clearInterval(timer));
  return () => clearInterval(timer);
}

/** Runs `check` against a server started with `env` over baseEnv(), then kills it if it still runs. */
async function withServer(
  env: Record<string, string>,
  check: (server: ServerProcess) => Promise<void>,
): Promise<void> {
  const server = await startServerProcess({ ...baseEnv(), ...env });
  try {
    await check(server);
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null)
      server.child.kill('SIGKILL');
    await server.exited;
  }
}

describe('timeouts', () => {
  it('answers 408 and closes a POST whose body trickles in slower than REQUEST_TIMEOUT_MS', async () => {
    await withServer({ REQUEST_TIMEOUT_MS: '1500' }, async (server) => {
      const socket = await openSocket(server.url);
      const done = received(socket);
      // 10,000 bytes at one byte per 200 ms would take half an hour.
      trickle(socket, 10_000, 200);
      const answer = await done;
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    });
  });

  it('answers 408 and closes a request whose headers trickle in slower than HEADERS_TIMEOUT_MS', async () => {
    // The other limits are far away, so only the headers deadline can end this request.
    await withServer(
      { HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '60000', IDLE_SOCKET_TIMEOUT_MS: '60000' },
      async (server) => {
        const socket = await openSocket(server.url);
        const done = received(socket);
        const started = Date.now();
        // Slowloris: a complete header line every 200 ms and never the blank line that ends them.
        socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
        let n = 0;
        const timer = setInterval(() => {
          if (!socket.destroyed) socket.write(`X-Slow-${++n}: 1\r\n`);
        }, 200);
        // Without the limit the socket would stay open for a minute; give up well before that.
        const giveUp = setTimeout(() => socket.destroy(), 10_000);
        const answer = await done;
        clearInterval(timer);
        clearTimeout(giveUp);
        expect(answer).toMatch(/^HTTP\/1\.1 408/);
        // Node checks the deadline once a second: closed by about 2 s, not by the 10 s give-up.
        expect(Date.now() - started).toBeLessThan(8_000);
        expect(n).toBeGreaterThan(2);
        // A client that sends its headers at once is not affected.
        expect((await fetch(`${server.url}/health`)).status).toBe(200);
      },
    );
  });

  it('closes a socket that sends nothing', async () => {
    await withServer(
      { IDLE_SOCKET_TIMEOUT_MS: '800', HEADERS_TIMEOUT_MS: '60000', REQUEST_TIMEOUT_MS: '60000' },
      async (server) => {
        const socket = await openSocket(server.url);
        expect(await received(socket)).toBe('');
      },
    );
  });

  it('closes a keep-alive connection left idle after a response', async () => {
    await withServer({ KEEP_ALIVE_TIMEOUT_MS: '500' }, async (server) => {
      const socket = await openSocket(server.url);
      const done = received(socket);
      socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      const text = await done;
      expect(text).toMatch(/^HTTP\/1\.1 200/);
      expect(text).toMatch(/Keep-Alive: timeout=\d+/i);
    });
  });
});

describe('a long request', () => {
  it('is not cut by IDLE_SOCKET_TIMEOUT_MS while its drift report is computed', async () => {
    const graphs = ['C', 'CC', 'CCC', 'CO'].map(chain);
    const referenceFile = writeDriftReference(
      join(dir, 'long-reference.json'),
      graphs,
      [10, 9, 9.5, 8],
    );
    // Stored before the server starts, so the only request is the report, which takes well
    // over a second (worker start, 3,000 molecules).
    const file = join(dir, 'long.sqlite');
    const store = openSqliteStore(file);
    await store.insert(
      Array.from({ length: 3000 }, (_, i) => logRecord(`long-${i}-xxxx`, chain('CCCCCCCC'), 9)),
    );
    await store.close();
    await withServer(
      { SQLITE_FILE: file, IDLE_SOCKET_TIMEOUT_MS: '1000', DRIFT_REFERENCE_FILE: referenceFile },
      async (server) => {
        const res = await fetch(`${server.url}/report?n=3000`, {
          headers: { authorization: 'Bearer life' },
        });
        expect(res.status).toBe(200);
        expect((await res.json()).molecules).toBe(3000);
      },
    );
  });
});

describe('SIGTERM', () => {
  it('exits by SHUTDOWN_TIMEOUT_MS even while a client trickles an upload', async () => {
    await withServer(
      {
        REQUEST_TIMEOUT_MS: '120000',
        IDLE_SOCKET_TIMEOUT_MS: '120000',
        SHUTDOWN_TIMEOUT_MS: '1000',
      },
      async (server) => {
        const socket = await openSocket(server.url);
        const closed = received(socket);
        trickle(socket, 10_000, 200);
        await new Promise((r) => setTimeout(r, 300));
        server.child.kill('SIGTERM');
        const exit = await server.exited;
        // Exit code 1: the deadline had to cut a connection.
        expect(exit).toEqual({ code: 1, signal: null });
        await closed;
        expect(server.output()).toMatch(/shutdown deadline of 1000 ms reached/);
      },
    );
  });

  it('answers an in-flight request, refuses new connections, then exits 0', async () => {
    await withServer({ LOG_LEVEL: 'info' }, async (server) => {
      // A request whose body is still arriving when SIGTERM comes.
      const body = JSON.stringify({ records: [logRecord('term-00001', methane(), 9)] });
      const socket = await openSocket(server.url);
      const answer = received(socket);
      socket.write(
        `POST /log HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      socket.write(body.slice(0, 10));
      await new Promise((r) => setTimeout(r, 200));
      server.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      socket.write(body.slice(10));
      expect(await answer).toMatch(/^HTTP\/1\.1 200[\s\S]*"stored":1/);
      expect(await server.exited).toEqual({ code: 0, signal: null });
      await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    });
  });
});

describe('crash policy', () => {
  it.each(['uncaughtException', 'unhandledRejection'])(
    'an %s is logged as fatal and the process exits 1 after closing the store',
    async (kind) => {
      const code = `
        const { installCrashPolicy } = await import('./server/lifecycle.ts');
        const { openSqliteStore } = await import('./server/storage/sqlite.ts');
        const store = openSqliteStore(${JSON.stringify(join(dir, `crash-${kind}.sqlite`))});
        const close = store.close;
        store.close = async () => { console.log('store closed'); await close(); };
        installCrashPolicy({ fatal: (_o, msg) => console.log('fatal:', msg) }, store);
        setTimeout(() => {
          ${kind === 'uncaughtException' ? "throw new Error('boom');" : "Promise.reject(new Error('boom'));"}
        }, 10);
      `;
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', code],
        {
          cwd: join(import.meta.dirname, '..', '..'),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const exitCode = await new Promise<number | null>((r) => child.on('exit', r));
      expect(exitCode).toBe(1);
      expect(output).toContain(`fatal: ${kind}: exiting`);
      expect(output).toContain('Error: boom');
      expect(output).toContain('store closed');
    },
  );
});
