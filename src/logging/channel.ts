/**
 * Same-origin notices between the worker that queues records and the page that sends them
 * (and between tabs), so nobody polls IndexedDB to learn about new records or changed settings.
 */
export const LOGGING_CHANNEL = 'qm9-logging';

export type LoggingNotice = { type: 'queued'; count: number } | { type: 'settings' };

export function announce(notice: LoggingNotice): void {
  if (typeof BroadcastChannel === 'undefined') return; // the periodic flush still finds the records
  const channel = new BroadcastChannel(LOGGING_CHANNEL);
  channel.postMessage(notice);
  channel.close();
}

export function listen(onNotice: (notice: LoggingNotice) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(LOGGING_CHANNEL);
  channel.onmessage = (event: MessageEvent<LoggingNotice>) => onNotice(event.data);
  return () => channel.close();
}
