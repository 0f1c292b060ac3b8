// Keeps one client, or all of them together, from filling the disk: a per-client byte quota
// over a rolling day, and a limit on the whole store's size (polled, not queried per request).
import type { FastifyRequest } from 'fastify';
import type { LogStore } from './storage';
import type { Metrics } from './metrics';
import { RateLimiter, type RateDecision } from './rateLimit';

const DAY_MS = 24 * 60 * 60 * 1000;

export class StorageGuard {
  private readonly quota: RateLimiter | null;
  private size = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: LogStore,
    private readonly options: {
      clientQuotaBytesPerDay: number;
      storageMaxBytes: number;
      pollMs?: number;
    },
    private readonly metrics?: Metrics,
  ) {
    this.quota =
      options.clientQuotaBytesPerDay > 0
        ? new RateLimiter({ max: options.clientQuotaBytesPerDay, windowMs: DAY_MS })
        : null;
    metrics?.storageLimitBytes.set(options.storageMaxBytes);
  }

  /** Measures the store now and then every pollMs until stop(). */
  async start(): Promise<void> {
    await this.measure();
    this.timer = setInterval(() => void this.measure(), this.options.pollMs ?? 10_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async measure(): Promise<void> {
    try {
      this.size = await this.store.sizeBytes();
      this.metrics?.storageBytes.set(this.size);
    } catch {
      // Readiness reports an unreachable store; the last known size stays in force.
    }
  }

  get full(): boolean {
    return this.options.storageMaxBytes > 0 && this.size >= this.options.storageMaxBytes;
  }

  /** Charges the request's body size to its client. */
  charge(request: FastifyRequest): RateDecision {
    if (!this.quota) return { allowed: true, retryAfterSeconds: 0, remaining: Infinity };
    const length = Number(request.headers['content-length']);
    const bytes = Number.isFinite(length) ? length : JSON.stringify(request.body).length;
    return this.quota.take(request.ip, bytes);
  }
}
