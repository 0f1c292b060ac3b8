// File name extensions the readers take. A module without imports, so the page's file picker can
// list them without loading the readers (fflate, RDKit) into the main thread.

export type MoleculeFormat = 'sdf' | 'xyz' | 'csv' | 'tsv' | 'smiles';

/** Lower-case extension, without the dot, to the format read from it. */
export const FORMAT_BY_EXTENSION: Readonly<Record<string, MoleculeFormat>> = {
  sdf: 'sdf',
  sd: 'sdf',
  mol: 'sdf',
  mdl: 'sdf',
  xyz: 'xyz',
  csv: 'csv',
  tsv: 'tsv',
  smi: 'smiles',
  smiles: 'smiles',
  txt: 'smiles',
};

export const SUPPORTED_EXTENSIONS = Object.keys(FORMAT_BY_EXTENSION);

/** Any of them may be gzipped as well (name.sdf.gz): the reader unpacks it first. */
export const GZIP_EXTENSION = 'gz';

/** A file input's `accept`: every extension above, and .gz for their gzipped forms. */
export const FILE_PICKER_ACCEPT = [...SUPPORTED_EXTENSIONS, GZIP_EXTENSION]
  .map((extension) => `.${extension}`)
  .join(',');
