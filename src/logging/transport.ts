import type { LogRecord } from './types';

/** What the server's answer to one batch means for the records in it. */
export type BatchOutcome =
  /** 200: every record of the batch is stored (now or by an earlier attempt). */
  | { kind: 'stored' }
  /** 400 naming one record: nothing was stored; that record is set aside, the rest resent. */
  | { kind: 'bad-record'; index: number; reason: string }
  /** 413, or a 400 about the batch as a whole: try smaller batches. */
  | { kind: 'too-big'; reason: string }
  /** Network failure, timeout, 429, 5xx, wrong endpoint: keep everything and try again later. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number };

/** Reads a Retry-After header (seconds or an HTTP date) as milliseconds from now. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export async function classifyResponse(
  response: Response,
  batchSize: number,
): Promise<BatchOutcome> {
  if (response.ok) return { kind: 'stored' };
  const text = await response.text().catch(() => '');
  let body: { message?: unknown; record?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON (a proxy's error page, an app server answering the wrong path)
  }
  const message = typeof body.message === 'string' ? body.message : text.slice(0, 200);
  const status = `HTTP ${response.status}${message ? `: ${message}` : ''}`;
  if (response.status === 400) {
    const index = body.record;
    if (typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < batchSize) {
      return { kind: 'bad-record', index, reason: message || 'refused by the server' };
    }
    return { kind: 'too-big', reason: status };
  }
  if (response.status === 413) return { kind: 'too-big', reason: status };
  if (response.status === 429) {
    return {
      kind: 'retry',
      reason: status,
      retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
    };
  }
  if (response.status === 404 || response.status === 405) {
    return { kind: 'retry', reason: `${status} (no logging server at this endpoint?)` };
  }
  return { kind: 'retry', reason: status };
}

export interface PostOptions {
  fetch: typeof fetch;
  timeoutMs: number;
}

/** One POST /log attempt; never throws. */
export async function postBatch(
  endpoint: string,
  records: LogRecord[],
  options: PostOptions,
): Promise<BatchOutcome> {
  let response: Response;
  try {
    response = await options.fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ records }),
      // Cookies and credentials are not part of what the user agreed to send.
      credentials: 'omit',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const detail = error instanceof Error ? error.message : String(error);
    return {
      kind: 'retry',
      reason:
        name === 'TimeoutError'
          ? `no answer within ${Math.round(options.timeoutMs / 1000)} s`
          : `network error (offline, server down, or CORS not allowing this origin): ${detail}`,
    };
  }
  return classifyResponse(response, records.length);
}
