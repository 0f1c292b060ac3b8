export { initChem } from './rdkit';
export type { ChemInitOptions } from './rdkit';
export { parseSmiles, parseMolblock } from './molecule';
export {
  readMoleculeFile,
  parseText,
  openMoleculeFile,
  openText,
  formatOf,
  SUPPORTED_EXTENSIONS,
} from './read';
export type { MoleculeRecords } from './formats/records';
export { hillFormula } from './featurize';
export { QM9_MAX_HEAVY_ATOMS } from './domain';
export { MAX_FEATURIZED_ATOMS, MAX_FILE_BYTES } from './errors';
export * from './types';
