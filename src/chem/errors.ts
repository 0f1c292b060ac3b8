/** A problem with one molecule record; the message is shown to the user as is. */
export class ChemError extends Error {
  override name = 'ChemError';
}

/** Largest record we featurize, hydrogens included: far above QM9 (29) and drug-like (~100). */
export const MAX_ATOMS = 1000;
/** Largest file we read, after decompression. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
