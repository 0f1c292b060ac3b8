/**
 * Perceives bonds from QM9's B3LYP geometries and compares each graph with the molecule's SMILES
 * (canonical SMILES, hydrogens and charges included).
 * Usage: npm run check:xyz -- [qm9_structures.xyz.gz] [qm9.csv.gz]
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { initChem, parseSmiles } from '../src/chem';
import { parseXyz } from '../src/chem/formats/xyz';
import { DEFAULT_QM9_CSV, readQm9Rows } from './qm9-table';

const xyzPath = process.argv[2] ?? '../shared/data/qm9/qm9_structures.xyz.gz';
const csvPath = process.argv[3] ?? DEFAULT_QM9_CSV;

await initChem();
const smilesOf = new Map(readQm9Rows(csvPath).map((r) => [r.gdb_idx, r.smiles]));
const text = gunzipSync(readFileSync(xyzPath)).toString('utf8');
const t = performance.now();
const results = parseXyz(text, { source: xyzPath });
console.log(
  `${results.length} geometries perceived in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

let compared = 0;
const disagree: string[] = [];
for (const r of results) {
  const name = r.ok ? r.molecule.name : r.error.name;
  const gdb = /gdb_idx=(\d+)/.exec(name)?.[1];
  const smiles = gdb ? smilesOf.get(gdb) : undefined;
  if (!smiles) continue;
  compared++;
  const expected = parseSmiles(smiles);
  if (!expected.ok) continue;
  if (!r.ok) disagree.push(`gdb ${gdb}: ${r.error.message} (SMILES ${smiles})`);
  else if (r.molecule.smiles !== expected.molecule.smiles) {
    disagree.push(`gdb ${gdb}: perceived ${r.molecule.smiles}, SMILES ${expected.molecule.smiles}`);
  }
}
for (const d of disagree) console.log(`  ${d}`);
console.log(`agree: ${compared - disagree.length} of ${compared} molecules present in both files`);
