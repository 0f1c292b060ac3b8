// The file picker offers every file the readers take: the accept list comes from the readers' own
// extension table, so a format added there cannot be missing from the picker.
import { describe, expect, it } from 'vitest';
import { FILE_PICKER_ACCEPT, SUPPORTED_EXTENSIONS, formatOf } from '../../src/chem';

/** The HTML rule for an extension token in `accept`: the file name ends with it, any case. */
function pickerOffers(accept: string, fileName: string): boolean {
  return accept
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .some((token) => token.startsWith('.') && fileName.toLowerCase().endsWith(token));
}

describe('file picker accept list', () => {
  it('covers every reader extension, plain and gzipped, in any case', () => {
    expect(SUPPORTED_EXTENSIONS).toEqual(
      expect.arrayContaining([
        'sdf',
        'sd',
        'mol',
        'mdl',
        'xyz',
        'csv',
        'tsv',
        'smi',
        'smiles',
        'txt',
      ]),
    );
    for (const extension of SUPPORTED_EXTENSIONS) {
      for (const name of [`a.${extension}`, `a.${extension}.gz`, `A.${extension.toUpperCase()}`]) {
        expect(pickerOffers(FILE_PICKER_ACCEPT, name), name).toBe(true);
        expect(formatOf(name), name).toBeDefined();
      }
    }
  });

  it('offers nothing a reader does not know, except the gzip wrapper', () => {
    const tokens = FILE_PICKER_ACCEPT.split(',');
    expect(tokens.every((token) => token.startsWith('.'))).toBe(true);
    for (const token of tokens.filter((t) => t !== '.gz'))
      expect(formatOf(`a${token}`), token).toBeDefined();
  });
});
