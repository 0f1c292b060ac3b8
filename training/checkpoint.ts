import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeWeights, encodeWeights } from '../src/model';

/** Writes named float32 tensors as <file>.bin + <file>.json (atomically: tmp then rename). */
export async function saveTensors(
  dir: string,
  base: string,
  named: Map<string, tf.Tensor>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { specs, data } = await encodeWeights(named, 'float32');
  const bin = path.join(dir, `${base}.bin`);
  const json = path.join(dir, `${base}.json`);
  await writeFile(`${bin}.tmp`, data);
  await writeFile(`${json}.tmp`, JSON.stringify(specs));
  await rename(`${bin}.tmp`, bin);
  await rename(`${json}.tmp`, json);
}

export async function loadTensors(dir: string, base: string): Promise<tf.NamedTensorMap> {
  const specs = JSON.parse(
    await readFile(path.join(dir, `${base}.json`), 'utf8'),
  ) as tf.io.WeightsManifestEntry[];
  const b = await readFile(path.join(dir, `${base}.bin`));
  return decodeWeights(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer, [
    { paths: [], weights: specs },
  ]);
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(value, null, 2));
  await rename(`${file}.tmp`, file);
}
