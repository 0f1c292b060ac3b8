/**
 * Compares the featurizer with RDKit (Debian python3-rdkit) on every characterized QM9 molecule.
 * Usage: npm run check:features -- [path/to/qm9.csv.gz]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DEFAULT_DATA } from '../cli/defaults';
import { initChem, parseSmiles } from '../src/chem';
import { readQm9Rows } from './qm9Table';

interface Reference {
  x: number[][];
  src: number[];
  dst: number[];
  type: number[];
}

async function rdkitReference(smiles: string[]): Promise<(Reference | null)[]> {
  const py = spawn('/usr/bin/python3', ['scripts/rdkit_featurize.py', 'features'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  py.stdin.end(smiles.join('\n') + '\n');
  const out: (Reference | null)[] = [];
  for await (const line of createInterface({ input: py.stdout })) out.push(JSON.parse(line));
  return out;
}

async function main() {
  const { positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true });
  const path = positionals[0] ?? DEFAULT_DATA;
  const rows = readQm9Rows(path).filter((r) => r.uncharacterized === '0');
  console.log(`${rows.length} characterized molecules in ${path}`);
  await initChem();
  let t = performance.now();
  const ours = rows.map((r) => parseSmiles(r.smiles, { molblock: false, name: r.gdb_idx }));
  console.log(`TypeScript: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  const refs = await rdkitReference(rows.map((r) => r.smiles));
  console.log(`RDKit (python): ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const mismatches: string[] = [];
  ours.forEach((res, i) => {
    const ref = refs[i];
    const id = `gdb ${rows[i].gdb_idx} ${rows[i].smiles}`;
    if (!ref || !res.ok) {
      if (ref || res.ok) mismatches.push(`${id}: ${res.ok ? 'RDKit failed' : res.error.message}`);
      return;
    }
    const m = res.molecule;
    if (JSON.stringify(m.x) !== JSON.stringify(ref.x)) mismatches.push(`${id}: node features`);
    else if (JSON.stringify(m.edgeIndex) !== JSON.stringify([ref.src, ref.dst]))
      mismatches.push(`${id}: edges`);
    else if (JSON.stringify(m.edgeAttr.map((e) => e.indexOf(1))) !== JSON.stringify(ref.type))
      mismatches.push(`${id}: bond types`);
  });
  for (const m of mismatches.slice(0, 50)) console.log(`  mismatch ${m}`);
  console.log(`mismatches: ${mismatches.length} of ${rows.length}`);
  process.exitCode = mismatches.length === 0 ? 0 : 1;
}

await main();
