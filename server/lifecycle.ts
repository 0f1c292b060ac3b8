// Process lifecycle: graceful shutdown with a deadline, and what happens on a programming error.
import type { FastifyInstance } from 'fastify';

export interface Closable {
  close(): Promise<void>;
}

/**
 * Stops accepting connections, closes idle keep-alive sockets, lets in-flight requests finish
 * (their batches are committed before they are answered), then closes the store. Connections
 * still open at the deadline (a client trickling a body) are cut. Resolves with the exit code:
 * 0 when everything finished in time, 1 when connections had to be cut.
 */
export async function gracefulShutdown(
  app: FastifyInstance,
  store: Closable,
  deadlineMs: number,
): Promise<number> {
  let cut = false;
  const timer = setTimeout(() => {
    cut = true;
    app.log.warn(`shutdown deadline of ${deadlineMs} ms reached: closing remaining connections`);
    app.server.closeAllConnections();
  }, deadlineMs);
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
    await store.close();
  }
  return cut ? 1 : 0;
}

/**
 * An uncaught exception or unhandled rejection means the process state is unknown: log it as
 * fatal, try to close the store within a short grace period, and exit 1 so the supervisor
 * (systemd, Kubernetes) starts a clean process. Acknowledged batches are already committed.
 */
export function installCrashPolicy(
  log: { fatal: (obj: unknown, msg: string) => void },
  store: Closable,
  graceMs = 2_000,
): void {
  let crashing = false;
  const crash = (kind: string) => (error: unknown) => {
    if (crashing) return;
    crashing = true;
    log.fatal({ err: error }, `${kind}: exiting`);
    // Plain stderr too: a silent logger (LOG_LEVEL=silent) must not hide why the process died.
    console.error(
      `${kind}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    const exit = () => process.exit(1);
    setTimeout(exit, graceMs).unref();
    store.close().then(exit, exit);
  };
  process.on('uncaughtException', crash('uncaughtException'));
  process.on('unhandledRejection', crash('unhandledRejection'));
}
