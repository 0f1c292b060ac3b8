// The server's one error shape ({ statusCode, error, message }, plus `record` for a refused log
// record), asserted the same way by every server test that expects a refusal.
import { expect } from 'vitest';

export function expectErrorReply(
  res: { statusCode: number; json(): unknown },
  statusCode: number,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  expect(res.statusCode).toBe(statusCode);
  expect(res.json()).toEqual({ statusCode, error, message, ...extra });
}
