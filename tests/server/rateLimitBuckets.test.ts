// The token bucket's exact numbers (remaining tokens, Retry-After in whole seconds, costs above
// the bucket) and its bound on memory: with many clients, only refilled buckets are forgotten.
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../server/rateLimit';

describe('RateLimiter answers', () => {
  it('counts the whole tokens left', () => {
    let now = 0;
    const limiter = new RateLimiter({ max: 4, windowMs: 4000 }, () => now);
    expect(limiter.take('a')).toEqual({ allowed: true, retryAfterSeconds: 0, remaining: 3 });
    expect(limiter.take('a', 3)).toEqual({ allowed: true, retryAfterSeconds: 0, remaining: 0 });
    now += 1500; // 1.5 tokens back
    expect(limiter.take('a', 2)).toEqual({ allowed: false, retryAfterSeconds: 1, remaining: 1 });
    expect(limiter.take('a')).toEqual({ allowed: true, retryAfterSeconds: 0, remaining: 0 });
  });

  it('rounds the wait up to whole seconds, at least one', () => {
    let now = 0;
    const limiter = new RateLimiter({ max: 1, windowMs: 60_000 }, () => now);
    limiter.take('a');
    expect(limiter.take('a').retryAfterSeconds).toBe(60);
    now = 30_700; // 29.3 s to go
    expect(limiter.take('a').retryAfterSeconds).toBe(30);
    now = 59_990;
    expect(limiter.take('a').retryAfterSeconds).toBe(1);
    now = 60_000;
    expect(limiter.take('a').allowed).toBe(true);
  });

  it('a cost above the whole bucket waits for a full bucket, never for more', () => {
    let now = 0;
    const limiter = new RateLimiter({ max: 10, windowMs: 10_000 }, () => now);
    expect(limiter.take('a', 10).allowed).toBe(true);
    expect(limiter.take('a', 25)).toEqual({ allowed: false, retryAfterSeconds: 10, remaining: 0 });
    now = 4000;
    expect(limiter.take('a', 25)).toEqual({ allowed: false, retryAfterSeconds: 6, remaining: 4 });
  });
});

describe('RateLimiter memory', () => {
  /** How many clients the limiter remembers (private: the bound is what is tested). */
  const remembered = (limiter: RateLimiter) =>
    (limiter as unknown as { buckets: Map<string, unknown> }).buckets.size;

  it('forgets refilled clients once it remembers more than 10,000', () => {
    let now = 0;
    const limiter = new RateLimiter({ max: 2, windowMs: 1000 }, () => now);
    for (let i = 0; i <= 10_000; i++) limiter.take(`old-${i}`);
    expect(remembered(limiter)).toBe(10_001);
    now = 499; // not quite refilled (one token back every 500 ms)
    limiter.take('new-1');
    expect(remembered(limiter)).toBe(10_002);
    now = 500; // every old bucket is full again
    limiter.take('new-2');
    expect(remembered(limiter)).toBe(2);
  });

  it('keeps clients that still owe tokens, and their debt', () => {
    const limiter = new RateLimiter({ max: 2, windowMs: 1000 }, () => 0);
    limiter.take('busy', 2);
    for (let i = 0; i < 10_000; i++) limiter.take(`idle-${i}`, 0);
    expect(remembered(limiter)).toBe(10_001);
    expect(limiter.take('busy').allowed).toBe(false);
    expect(remembered(limiter)).toBe(1);
  });

  it('charges the request during which it forgets, even a client it forgot', () => {
    const limiter = new RateLimiter({ max: 1, windowMs: 60_000 }, () => 0);
    for (let i = 0; i < 10_000; i++) limiter.take(`drained-${i}`);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 60, remaining: 0 });
  });
});
