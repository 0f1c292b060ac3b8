import { DEFAULT_LOGGING_SETTINGS, type LoggingSettings } from './types';

/**
 * The absolute URL records go to. A path ("/log") means the app's own origin, which is where
 * `npm start` serves the logging server; anything else must be an http(s) URL.
 */
export function resolveEndpoint(endpoint: string, base: string): URL {
  const trimmed = endpoint.trim();
  if (trimmed === '') throw new Error('the logging endpoint is empty');
  let url: URL;
  try {
    url = new URL(trimmed, base);
  } catch {
    throw new Error(`"${trimmed}" is not a URL or a path`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`"${trimmed}" uses ${url.protocol} ; only http and https can reach the server`);
  }
  if (url.username || url.password) {
    throw new Error('the endpoint must not carry a user name or password');
  }
  return url;
}

/** Settings read back from storage, whatever an older version or a person left there. */
export function normalizeSettings(stored: unknown): LoggingSettings {
  if (typeof stored !== 'object' || stored === null) return { ...DEFAULT_LOGGING_SETTINGS };
  const value = stored as Partial<Record<keyof LoggingSettings, unknown>>;
  return {
    enabled: value.enabled === true,
    endpoint:
      typeof value.endpoint === 'string' && value.endpoint.trim() !== ''
        ? value.endpoint.trim()
        : DEFAULT_LOGGING_SETTINGS.endpoint,
    includeSmiles: value.includeSmiles === true,
  };
}
