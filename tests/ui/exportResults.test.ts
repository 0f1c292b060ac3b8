import { describe, expect, it } from 'vitest';
import { rowsToCsv, rowsToSdf } from '../../src/ui/exportResults';
import type { ResultRow } from '../../src/ui/worker/protocol';

const METHANOL_MOLBLOCK = [
  '',
  '     RDKit          2D',
  '',
  '  2  1  0  0  0  0  0  0  0  0999 V2000',
  '    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0',
  '    1.4300    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0',
  '  1  2  1  0',
  'M  END',
].join('\n');

const predicted: ResultRow = {
  id: 1,
  source: 'in.sdf',
  record: 1,
  name: 'methanol, "wood alcohol"',
  status: 'predicted',
  smiles: 'CO',
  formula: 'CH4O',
  molblock: METHANOL_MOLBLOCK,
  warnings: [],
  prediction: { values: { gap: 8.123456789, mu: 1.7 }, std: { gap: 0.05 }, warnings: [] },
};
const failed: ResultRow = {
  id: 2,
  source: 'in.sdf',
  record: 2,
  name: 'broken',
  status: 'error',
  message: 'bond 1 refers to atom 7, but the record has 2 atoms',
  warnings: [],
};

describe('rowsToCsv', () => {
  const lines = rowsToCsv([predicted, failed]).trimEnd().split('\r\n');

  it('writes one header and one line per row, errors included', () => {
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('gap [eV]');
    expect(lines[0]).toContain('gap_std [eV]');
    expect(lines[0]).toContain('alpha [bohr3]');
    expect(lines[0]).toContain('cv [cal/(mol*K)]');
  });

  it('quotes cells with commas and doubles inner quotes', () => {
    expect(lines[1]).toContain('"methanol, ""wood alcohol"""');
  });

  it('keeps full precision and leaves missing values empty', () => {
    expect(lines[1]).toContain(',8.123456789,0.05,');
    expect(lines[2]).toMatch(/^in\.sdf,2,broken,,,error,"?bond 1 refers to atom 7/);
    expect(lines[2].endsWith(',,')).toBe(true);
  });
});

describe('rowsToSdf', () => {
  const sdf = rowsToSdf([predicted, failed]);

  it('writes only rows that have a structure, each closed by $$$$', () => {
    expect(sdf.match(/\$\$\$\$/g)).toHaveLength(1);
    expect(sdf).not.toContain('broken');
  });

  it('titles the record with the name and adds predictions as data fields', () => {
    expect(sdf.split('\n')[0]).toBe('methanol, "wood alcohol"');
    expect(sdf).toContain('M  END\n> <source>\nin.sdf\n\n');
    expect(sdf).toContain('> <gap [eV]>\n8.123456789\n\n');
    expect(sdf).toContain('> <gap_std [eV]>\n0.05\n\n');
    expect(sdf).not.toContain('> <alpha [bohr3]>');
  });
});

describe('rowsToSdf without a reader molblock', () => {
  it('asks the fallback for rows read from SMILES', () => {
    const fromSmiles: ResultRow = { ...predicted, molblock: undefined };
    const sdf = rowsToSdf([fromSmiles], (row) =>
      row.smiles === 'CO' ? METHANOL_MOLBLOCK : undefined,
    );
    expect(sdf).toContain('M  END');
    expect(sdf).toContain('> <smiles>\nCO\n\n');
  });
});
