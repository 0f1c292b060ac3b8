import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../server/rateLimit';

describe('per-client token bucket', () => {
  it('allows max requests per window, refills continuously and says when to retry', () => {
    let now = 0;
    const limiter = new RateLimiter({ max: 4, windowMs: 60_000 }, () => now);
    expect([1, 2, 3, 4, 5].map(() => limiter.take('a').allowed)).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(limiter.take('a').retryAfterSeconds).toBe(15); // one token per 15 s
    now += 15_000;
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true); // other clients are unaffected
  });

  it('never stores more than max tokens for an idle client', () => {
    let now = 0;
    const limiter = new RateLimiter({ max: 2, windowMs: 1000 }, () => now);
    limiter.take('a');
    now += 1_000_000;
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, false]);
  });
});
