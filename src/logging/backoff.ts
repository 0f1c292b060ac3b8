export interface BackoffOptions {
  /** Delay after the first failure, before jitter. */
  baseMs: number;
  /** Cap on the exponential growth. */
  maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": the delay doubles per consecutive failure up to the cap,
 * and a random half of it is spread out so that many browsers coming back at once after an outage
 * do not hit the server in lockstep, while no retry comes sooner than half the nominal delay.
 */
export function retryDelayMs(
  failures: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(failures) || failures < 1) {
    throw new Error(`retryDelayMs needs a failure count of at least 1, got ${failures}`);
  }
  // 2 ** 30 already exceeds any sensible cap; the bound keeps the power finite.
  const nominal = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(failures - 1, 30));
  return nominal / 2 + random() * (nominal / 2);
}
