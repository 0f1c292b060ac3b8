// Files the e2e tests write themselves, shaped like what people bring: an SD file with data
// fields and a CSV with the user's own columns, each mixing molecules inside QM9, extrapolations,
// an element the model cannot take and a record that cannot be read.
import { bentRecord, brokenRecord, methanolRecord, sdfRecord, type TestFile } from './helpers';

const line = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** n-alkane carbons on a zigzag: connectivity is what the reader needs, hydrogens are implicit. */
function alkane(title: string, n: number, fields: Record<string, string>): string {
  return sdfRecord(
    title,
    line(n).map(
      (i) => ['C', i * 1.27, i % 2 === 0 ? 0.8 : 0, 0] as [string, number, number, number],
    ),
    line(n - 1).map((i) => [i, i + 1, 1] as [number, number, number]),
    fields,
  );
}

/** 5 records: inside QM9, too large (extrapolation), bromine (not predicted), broken, inside. */
export const DRUGS_SDF: TestFile = {
  name: 'drugs.sdf',
  content: [
    methanolRecord({ ID: 'D-1', SOL: '1.1' }),
    alkane('decane', 10, { ID: 'D-2', SOL: '-5.8' }),
    bentRecord(
      'dibromomethane',
      'C',
      'Br',
      [
        [1.93, 0, 0],
        [-0.64, 1.82, 0],
      ],
      { ID: 'D-3', SOL: '-1.2' },
    ),
    brokenRecord({ ID: 'D-4', SOL: '0.3' }),
    alkane('propane', 3, { ID: 'D-5', SOL: '-1.9' }),
  ].join(''),
};

/** 6 rows with the user's columns around the SMILES, one holding a comma. */
export const ASSAY_CSV: TestFile = {
  name: 'assay.csv',
  mimeType: 'text/csv',
  content: [
    'compound_id,smiles,assay_logS,notes',
    'C-1,CCO,0.5,"ethanol, reference"',
    'C-2,OC(=O)c1ccccc1,-1.6,benzoic acid',
    'C-3,CCCCCCCCCCCC,-6.9,dodecane',
    'C-4,BrCBr,-1.0,bromine',
    'C-5,C1CC(,-2,typo',
    'C-6,CC#N,0.3,acetonitrile',
    '',
  ].join('\n'),
};
