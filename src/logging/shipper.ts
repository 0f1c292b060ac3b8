import { retryDelayMs } from './backoff';
import type { Outbox } from './outbox';
import { recordAsAllowed } from './record';
import { resolveEndpoint } from './settings';
import { postBatch } from './transport';
import type { LoggingSettings, OutboxStatus } from './types';

/** The server's documented limit per POST /log (LOG_MAX_RECORDS). */
export const SERVER_MAX_RECORDS = 500;
/** Below the server's 1 MiB body limit, leaving room for the envelope. */
export const DEFAULT_MAX_BATCH_BYTES = 900_000;

export interface ShipperOptions {
  outbox: Outbox;
  /** Read before every batch, so turning logging off or changing the endpoint applies at once. */
  settings: () => Promise<LoggingSettings>;
  /** What a relative endpoint such as "/log" is relative to (the app's address). */
  baseUrl: () => string;
  isOnline?: () => boolean;
  fetch?: typeof fetch;
  maxBatchRecords?: number;
  maxBatchBytes?: number;
  /** First retry delay after a failure; doubles per failure up to maxDelayMs, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  random?: () => number;
  /** Web Lock that keeps two tabs from sending the same records at once; null: no lock. */
  lockName?: string | null;
  onStatus?: (status: OutboxStatus) => void;
}

/**
 * Drains the outbox to the server in batches. A record leaves the outbox only after the server's
 * 200 (or after the server refused that very record, when it is set aside with the reason). A lost
 * 200 means a resend, which the server's idempotency keys turn into a no-op: stored once, never lost.
 */
export class LogShipper {
  private state: OutboxStatus = {
    queued: 0,
    sent: 0,
    rejected: 0,
    online: true,
    sending: false,
    lastError: null,
    nextRetryAt: null,
    lastSentAt: null,
  };
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private draining: Promise<void> | null = null;
  private again = false;
  private batchLimit: number;
  private stopped = false;
  private readonly maxRecords: number;

  constructor(private readonly options: ShipperOptions) {
    this.maxRecords = Math.min(options.maxBatchRecords ?? SERVER_MAX_RECORDS, SERVER_MAX_RECORDS);
    this.batchLimit = this.maxRecords;
  }

  get status(): OutboxStatus {
    return { ...this.state };
  }

  /**
   * Sends what is queued. While a retry is pending after a failure, new records wait for it
   * (that is the backoff); `force` (back online, settings changed, user asked) tries at once.
   */
  flush(force = false): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (force) this.cancelRetry(true);
    if (this.retryTimer !== null) return this.refresh();
    if (this.draining) {
      this.again = true; // records may have arrived after the drain's last look
      return this.draining;
    }
    this.draining = this.drainWithLock().finally(() => {
      this.draining = null;
      if (this.again && this.retryTimer === null && !this.stopped) {
        this.again = false;
        void this.flush();
      }
    });
    return this.draining;
  }

  /** Re-reads the counts from IndexedDB and reports them. */
  async refresh(): Promise<void> {
    const counts = await this.options.outbox.counts();
    this.state = { ...this.state, ...counts, online: this.isOnline() };
    this.emit();
  }

  stop(): void {
    this.stopped = true;
    this.cancelRetry(false);
  }

  /** Undoes stop(): a page that stops and starts its controller again (remount) sends again. */
  resume(): void {
    this.stopped = false;
  }

  private isOnline(): boolean {
    return this.options.isOnline ? this.options.isOnline() : (globalThis.navigator?.onLine ?? true);
  }

  private emit(): void {
    this.options.onStatus?.(this.status);
  }

  private cancelRetry(resetFailures: boolean): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.state.nextRetryAt = null;
    if (resetFailures) this.failures = 0;
  }

  private scheduleRetry(delayMs: number): void {
    this.cancelRetry(false);
    this.state.nextRetryAt = Date.now() + delayMs;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.state.nextRetryAt = null;
      void this.flush();
    }, delayMs);
  }

  private async drainWithLock(): Promise<void> {
    const lockName =
      this.options.lockName === undefined ? 'qm9-logging-outbox' : this.options.lockName;
    const locks = globalThis.navigator?.locks;
    if (!lockName || !locks) return this.drain();
    let busy = false;
    await locks.request(lockName, { ifAvailable: true }, async (lock) => {
      if (!lock) {
        busy = true;
        return;
      }
      await this.drain();
    });
    // Another tab is sending; it may have looked at the queue before our records arrived.
    if (busy) this.scheduleRetry(2_000);
  }

  private async drain(): Promise<void> {
    const { outbox } = this.options;
    const maxBytes = this.options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    try {
      for (;;) {
        const settings = await this.options.settings();
        if (!settings.enabled || this.stopped) break;
        if (!this.isOnline()) {
          // The 'online' event flushes again; no point in counting failures meanwhile.
          this.state.lastError =
            'offline: records wait in this browser until the connection is back';
          break;
        }
        let endpoint: string;
        try {
          endpoint = resolveEndpoint(settings.endpoint, this.options.baseUrl()).toString();
        } catch (error) {
          this.state.lastError = `endpoint: ${error instanceof Error ? error.message : String(error)}`;
          break; // a settings change flushes again
        }
        const batch = await outbox.nextBatch(this.batchLimit, maxBytes);
        if (batch.length === 0) break;

        this.state = { ...this.state, sending: true };
        this.emit();
        const outcome = await postBatch(
          endpoint,
          batch.map((item) => recordAsAllowed(item.record, settings)),
          {
            fetch: this.options.fetch ?? globalThis.fetch.bind(globalThis),
            timeoutMs: this.options.timeoutMs ?? 30_000,
          },
        );
        this.state.sending = false;

        if (outcome.kind === 'stored') {
          await outbox.acknowledge(batch.map((item) => item.seq));
          this.failures = 0;
          this.batchLimit = Math.min(this.maxRecords, this.batchLimit * 2);
          this.state = { ...this.state, lastError: null, lastSentAt: Date.now() };
        } else if (outcome.kind === 'bad-record') {
          await outbox.setAside(batch[outcome.index].seq, outcome.reason);
        } else if (outcome.kind === 'too-big') {
          if (batch.length > 1) this.batchLimit = Math.max(1, Math.floor(batch.length / 2));
          else await outbox.setAside(batch[0].seq, `refused on its own: ${outcome.reason}`);
        } else {
          this.failures += 1;
          this.state.lastError = outcome.reason;
          const backoff = retryDelayMs(
            this.failures,
            {
              baseMs: this.options.baseDelayMs ?? 2_000,
              maxMs: this.options.maxDelayMs ?? 300_000,
            },
            this.options.random,
          );
          this.scheduleRetry(Math.max(outcome.retryAfterMs ?? 0, backoff));
          break;
        }
        await this.refresh();
      }
    } catch (error) {
      // IndexedDB trouble (quota, private mode): report it and try again later, records stay put.
      this.failures += 1;
      this.state.lastError = `outbox: ${error instanceof Error ? error.message : String(error)}`;
      this.scheduleRetry(
        retryDelayMs(this.failures, { baseMs: 5_000, maxMs: this.options.maxDelayMs ?? 300_000 }),
      );
    } finally {
      this.state.sending = false;
      await this.refresh().catch(() => this.emit());
    }
  }
}
