import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseDelimited } from '../src/chem';

/** Rows of the QM9 table as header-keyed records (dev scripts only; training has its own loader). */
export function readQm9Rows(path: string): Record<string, string>[] {
  const raw = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const [header, ...rows] = parseDelimited(text.replace(/\r\n?/g, '\n'), ',');
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}
