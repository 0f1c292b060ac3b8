// Reads a model's files from a directory (Node) or a URL (browser) through one small interface.
import { MANIFEST_FILES, type WeightPrecision } from './weightsIO';

export interface ModelFileReader {
  /** The file's text, or null when it does not exist. */
  text(name: string): Promise<string | null>;
  bytes(name: string): Promise<ArrayBuffer>;
}

export interface ModelSource {
  /** The model's directory (URL or path), without a trailing slash. */
  dir: string;
  /** The manifest's file name inside dir. */
  file: string;
  reader: ModelFileReader;
}

function isUrl(source: string): boolean {
  return (
    /^(https?:|blob:|data:)/i.test(source) ||
    typeof process === 'undefined' ||
    !process.versions?.node
  );
}

function urlReader(base: string, fetchImpl: typeof fetch): ModelFileReader {
  const dir = base.endsWith('/') ? base : `${base}/`;
  const get = async (name: string) => {
    const url = new URL(
      name,
      new URL(dir, globalThis.location?.href ?? 'http://localhost/'),
    ).toString();
    const res = await fetchImpl(url);
    // A single-page app's server answers unknown paths with its index page, not a 404.
    if (res.ok && (res.headers.get('content-type') ?? '').includes('text/html'))
      return { res: null, url };
    return { res, url };
  };
  return {
    async text(name) {
      const { res, url } = await get(name);
      if (!res || res.status === 404) return null;
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      return res.text();
    },
    async bytes(name) {
      const { res, url } = await get(name);
      if (!res) throw new Error(`${url}: not published (the server answered with an HTML page)`);
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      return res.arrayBuffer();
    },
  };
}

async function fileReader(dir: string): Promise<ModelFileReader> {
  // Kept out of the browser bundle: only Node reaches this branch.
  const fsModule = 'node:fs/promises';
  const pathModule = 'node:path';
  const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
  const path = (await import(/* @vite-ignore */ pathModule)) as typeof import('node:path');
  return {
    async text(name) {
      try {
        return await fs.readFile(path.join(dir, name), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async bytes(name) {
      const b = await fs.readFile(path.join(dir, name));
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
  };
}

/**
 * A path or URL ending in a .json file names that manifest; otherwise the source is the model's
 * directory and the manifest is the one for the requested precision.
 */
export async function openModelSource(
  source: string,
  precision: WeightPrecision,
  fetchImpl?: typeof fetch,
): Promise<ModelSource> {
  const m = /^(.*?)([^/\\]+\.json)$/.exec(source);
  const [dir, file] = m
    ? [m[1].replace(/[/\\]$/, '') || '.', m[2]]
    : [source.replace(/[/\\]$/, ''), MANIFEST_FILES[precision]];
  const reader = isUrl(source)
    ? urlReader(dir, fetchImpl ?? globalThis.fetch.bind(globalThis))
    : await fileReader(dir);
  return { dir, file, reader };
}

/** A member directory named relative to its ensemble's directory (URL and path rules agree). */
export function memberSource(ensembleDir: string, member: string): string {
  if (/^(https?:|blob:|data:)/i.test(member) || member.startsWith('/')) return member;
  return `${ensembleDir}/${member}`;
}
