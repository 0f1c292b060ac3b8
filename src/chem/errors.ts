/** A problem with one molecule record; the message is shown to the user as is. */
export class ChemError extends Error {
  override name = 'ChemError';
  /**
   * The structure as RDKit read it, when the record was readable but the model cannot take it
   * (an element outside H, C, N, O, F): the page still draws it and says why it is outside.
   */
  readonly smiles?: string;
  constructor(message: string, structure?: { smiles: string }) {
    super(message);
    this.smiles = structure?.smiles;
  }
}

/**
 * Largest record we featurize, hydrogens included: far above QM9 (29) and drug-like (~100). A
 * bound on the page's work per molecule; the server's bound on a logged graph is a separate,
 * smaller request-size limit (MAX_REQUEST_ATOMS in src/wire).
 */
export const MAX_FEATURIZED_ATOMS = 1000;
/**
 * Largest heavy-atom count handed to RDKit.js: its recursive algorithms overflow the wasm stack
 * (and corrupt the module) at about 610 heavy atoms in a chain, so we refuse well before that.
 */
export const MAX_HEAVY_ATOMS = 400;
/** Largest file we read, after decompression. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
