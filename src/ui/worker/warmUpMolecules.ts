// The molecules the workers warm up on while the page is idle (chemWarmUp.ts, rehearsal.ts, the model
// helper's warm-up in modelHost.ts): QM9-like ones covering the parser's and featurizer's branches
// (rings, aromatics, charges, triple bonds).
// Not the benchmark's molecules (bench/web.bench.ts): a warm-up trains code paths, not answers.
export const WARM_UP_SMILES = [
  'CC(C)O',
  'C#CC',
  'c1ccncc1',
  'O=CC=O',
  'NCC(=O)O',
  'C1CCOC1',
  'CC(F)(F)F',
  'c1ccoc1',
  'CN(C)C=O',
  'OC1CC1',
  'N#Cc1ccccc1',
  'CC=CC#N',
  'C[NH3+]',
  'CC(=O)[O-]',
  'c1ncncn1',
  'C1CC2CC1C2',
];

/**
 * `count` SMILES: the warm-up molecules, then pairs of them on one carbon (C(a)b: every pair whose
 * first atoms can take another bond), cycled. Varied sizes and environments, so that the model's
 * per-environment code does real work rather than one row per layer.
 */
export function variedMolecules(count: number): string[] {
  const bondable = WARM_UP_SMILES.filter((smiles) => !/^(O=|N#)/.test(smiles));
  const molecules = [
    ...WARM_UP_SMILES,
    ...bondable.flatMap((a) => bondable.map((b) => `C(${a})${b}`)),
  ];
  return Array.from({ length: count }, (_, i) => molecules[i % molecules.length]);
}
