/**
 * Perceives bonds from QM9's B3LYP geometries and compares each graph with the molecule's SMILES
 * (canonical SMILES without stereochemistry: hydrogens, bond orders and charges included).
 * Usage: npm run check:xyz -- [qm9_structures.xyz.gz] [qm9.csv.gz]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_DATA, DEFAULT_STRUCTURES } from '../cli/defaults';
import { initChem, parseSmiles, type MoleculeGraph } from '../src/chem';
import { parseXyz } from '../src/chem';
import { rdkit } from '../src/chem';
import { readQm9Rows } from './qm9Table';

const { positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true });
const [xyzPath = DEFAULT_STRUCTURES, csvPath = DEFAULT_DATA] = positionals;

await initChem();
const smilesOf = new Map(readQm9Rows(csvPath).map((r) => [r.gdb_idx, r.smiles]));
const text = gunzipSync(readFileSync(xyzPath)).toString('utf8');
const t = performance.now();
const results = parseXyz(text, { source: xyzPath });
console.log(
  `${results.length} geometries perceived in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

// QM9's SMILES carry no stereochemistry; RDKit reads it from the 3D coordinates, so compare graphs.
function graphSmiles(smiles: string): string {
  const mol = rdkit().get_mol(smiles);
  if (!mol) return smiles;
  const plain = mol.get_smiles(JSON.stringify({ doIsomericSmiles: false }));
  mol.delete();
  return plain;
}

/**
 * Connectivity only (which atoms are bonded, hydrogens included, bond orders and charges ignored):
 * three rounds of Weisfeiler-Lehman relabelling of the element graph.
 */
function connectivity(m: MoleculeGraph): string {
  let labels = m.atomicNumbers.map(String);
  const neighbours = labels.map(() => [] as number[]);
  m.edgeIndex[0].forEach((src, e) => neighbours[src].push(m.edgeIndex[1][e]));
  for (let round = 0; round < 3; round++) {
    labels = labels.map(
      (l, i) =>
        `${l}(${neighbours[i]
          .map((j) => labels[j])
          .sort()
          .join(',')})`,
    );
  }
  return labels.sort().join(';');
}

let compared = 0;
let sameConnectivity = 0;
const disagree: string[] = [];
for (const r of results) {
  const name = r.ok ? r.molecule.name : r.error.name;
  const gdb = /gdb_idx=(\d+)/.exec(name)?.[1];
  const smiles = gdb ? smilesOf.get(gdb) : undefined;
  if (!smiles) continue;
  compared++;
  const expected = parseSmiles(smiles);
  if (!expected.ok) continue;
  if (r.ok && connectivity(r.molecule) === connectivity(expected.molecule)) sameConnectivity++;
  if (!r.ok) disagree.push(`gdb ${gdb}: ${r.error.message} (SMILES ${smiles})`);
  else if (graphSmiles(r.molecule.smiles) !== graphSmiles(expected.molecule.smiles)) {
    disagree.push(`gdb ${gdb}: perceived ${r.molecule.smiles}, SMILES ${expected.molecule.smiles}`);
  }
}
for (const d of disagree) console.log(`  ${d}`);
console.log(`same connectivity (hydrogens included): ${sameConnectivity} of ${compared}`);
console.log(
  `same graph (bond orders and charges too): ${compared - disagree.length} of ${compared} molecules present in both files`,
);
