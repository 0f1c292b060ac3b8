/** One-click examples; each shows a different part of the app (in domain, aromatic, too big, charged). */
export interface ExampleMolecule {
  name: string;
  smiles: string;
  why: string;
}

export const EXAMPLES: ExampleMolecule[] = [
  { name: 'Water', smiles: 'O', why: 'smallest QM9-like molecule' },
  { name: 'Benzene', smiles: 'c1ccccc1', why: 'aromatic ring' },
  { name: 'Acetonitrile', smiles: 'CC#N', why: 'a nitrile: sp carbon and nitrogen' },
  {
    name: 'Aspirin',
    smiles: 'CC(=O)Oc1ccccc1C(=O)O',
    why: '13 heavy atoms: larger than any QM9 molecule',
  },
  {
    name: 'Acetate ion',
    smiles: 'CC(=O)[O-]',
    why: 'net charge -1: QM9 holds neutral molecules only',
  },
];
