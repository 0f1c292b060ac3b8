import type { ConformerReply, ConformerRequest } from './worker/conformer.worker';

let worker: Worker | null = null;
let nextRequest = 1;
const waiting = new Map<number, (reply: ConformerReply) => void>();
const cache = new Map<string, Promise<string>>();

/** A generated 3D conformer (molblock) for a molecule whose input had no coordinates. */
export function generateConformer(structure: {
  molblock?: string;
  smiles?: string;
}): Promise<string> {
  const key = structure.molblock || structure.smiles || '';
  const hit = cache.get(key);
  if (hit) return hit;
  if (!worker) {
    worker = new Worker(new URL('./worker/conformer.worker.ts', import.meta.url), {
      type: 'module',
    });
    worker.onmessage = (event: MessageEvent<ConformerReply>) => {
      waiting.get(event.data.requestId)?.(event.data);
      waiting.delete(event.data.requestId);
    };
  }
  const requestId = nextRequest++;
  const result = new Promise<string>((resolve, reject) => {
    waiting.set(requestId, (reply) =>
      reply.ok ? resolve(reply.molblock) : reject(new Error(reply.message)),
    );
  });
  worker.postMessage({ requestId, ...structure } satisfies ConformerRequest);
  cache.set(key, result);
  result.catch(() => cache.delete(key));
  return result;
}

const ELEMENT_SYMBOLS = [
  '',
  'H',
  'He',
  'Li',
  'Be',
  'B',
  'C',
  'N',
  'O',
  'F',
  'Ne',
  'Na',
  'Mg',
  'Al',
  'Si',
  'P',
  'S',
  'Cl',
  'Ar',
  'K',
  'Ca',
];

/** XYZ text from the input's own coordinates, so 3Dmol shows exactly what the file held. */
export function coordsToXyz(atomicNumbers: number[], coords: number[][], title: string): string {
  const lines = [String(atomicNumbers.length), title.replace(/\s+/g, ' ')];
  atomicNumbers.forEach((z, i) => {
    const [x, y, zc] = coords[i];
    lines.push(`${ELEMENT_SYMBOLS[z] ?? 'X'} ${x.toFixed(5)} ${y.toFixed(5)} ${zc.toFixed(5)}`);
  });
  return lines.join('\n') + '\n';
}
