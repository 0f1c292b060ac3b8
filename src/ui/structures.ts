// The page's side of the structure workers: 2D depictions and molfiles on one, 3D conformers on
// another (a slow conformer never holds up the thumbnails), each answer cached.
import type { StructureSource } from './worker/protocol';
import { RpcClient } from './worker/rpc';
import type { StructureApi } from './worker/structure.worker';

/** A structure worker, started on its first request. */
class StructureWorker {
  private client: RpcClient<StructureApi> | null = null;

  get calls(): RpcClient<StructureApi> {
    this.client ??= new RpcClient<StructureApi>(
      new Worker(new URL('./worker/structure.worker.ts', import.meta.url), { type: 'module' }),
    );
    return this.client;
  }
}

const drawing = new StructureWorker();
const building = new StructureWorker();
const cache = new Map<string, Promise<string>>();
const settled = new Map<string, string | null>();
const CACHE_LIMIT = 4000;

function cached(key: string, make: () => Promise<string>): Promise<string> {
  const hit = cache.get(key);
  if (hit) return hit;
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next().value as string;
    cache.delete(oldest);
    settled.delete(oldest);
  }
  const result = make();
  cache.set(key, result);
  result.then(
    (text) => settled.set(key, text),
    () => settled.set(key, null),
  );
  return result;
}

function keyOf(kind: keyof StructureApi, input: StructureSource, size = ''): string {
  return `${kind}${size}:${input.smiles ?? ''}:${input.smiles ? '' : (input.molblock ?? '')}`;
}

/** SVG markup of the 2D structure. */
export function depiction(input: StructureSource, width: number, height: number): Promise<string> {
  return cached(keyOf('svg', input, `${width}x${height}`), () =>
    drawing.calls.call('svg', { input, width, height }),
  );
}

/** The depiction if it is already drawn (undefined: not yet; null: it failed). */
export function depictionIfReady(
  input: StructureSource,
  width: number,
  height: number,
): string | null | undefined {
  return settled.get(keyOf('svg', input, `${width}x${height}`));
}

/** A V2000 molfile with a 2D layout, for the editor and for SDF export of SMILES input. */
export function molfile2d(input: StructureSource): Promise<string> {
  return cached(keyOf('molfile2d', input), () => drawing.calls.call('molfile2d', { input }));
}

/** A generated 3D conformer (molfile) for a molecule whose input had no coordinates. */
export function conformer(input: StructureSource): Promise<string> {
  return cached(keyOf('conformer', input), () => building.calls.call('conformer', { input }));
}

const ELEMENT_SYMBOLS = ['', 'H', 'He', 'Li', 'Be', 'B', 'C', 'N', 'O', 'F', 'Ne'];

/** XYZ text from the input's own coordinates, so 3Dmol shows exactly what the file held. */
export function coordsToXyz(atomicNumbers: number[], coords: number[][], title: string): string {
  const lines = [String(atomicNumbers.length), title.replace(/\s+/g, ' ')];
  atomicNumbers.forEach((z, i) => {
    const [x, y, zc] = coords[i];
    lines.push(`${ELEMENT_SYMBOLS[z] ?? 'X'} ${x.toFixed(5)} ${y.toFixed(5)} ${zc.toFixed(5)}`);
  });
  return lines.join('\n') + '\n';
}
