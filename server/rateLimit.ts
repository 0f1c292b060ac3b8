// Per-client token buckets (per server instance: server/README.md): `max` requests per window, refilled continuously, so a client
// that keeps under the rate never sees 429 and a burst above it gets 429 + Retry-After.
import type { RateLimit } from './config';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until one request will be allowed again (when not allowed). */
  retryAfterSeconds: number;
  remaining: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();
  private readonly perMs: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = limit.max / limit.windowMs;
  }

  /** Takes `cost` tokens (1 per request; bytes for the storage quota). */
  take(client: string, cost = 1): RateDecision {
    const now = this.now();
    // Before this client's bucket is looked up: evicted afterwards, a full bucket would be
    // dropped together with the cost just charged to it.
    if (this.buckets.size > 10_000) this.evictFull(now);
    const bucket = this.buckets.get(client) ?? { tokens: this.limit.max, updated: now };
    bucket.tokens = Math.min(this.limit.max, bucket.tokens + (now - bucket.updated) * this.perMs);
    bucket.updated = now;
    this.buckets.set(client, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(bucket.tokens) };
    }
    // A cost above the whole bucket can never be paid: say so with the full window.
    const missing = Math.min(cost, this.limit.max) - bucket.tokens;
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil(missing / this.perMs / 1000)),
      remaining: Math.floor(bucket.tokens),
    };
  }

  /** Forget clients whose bucket has refilled: they are indistinguishable from new ones. */
  private evictFull(now: number): void {
    for (const [client, b] of this.buckets) {
      if (b.tokens + (now - b.updated) * this.perMs >= this.limit.max) this.buckets.delete(client);
    }
  }
}
