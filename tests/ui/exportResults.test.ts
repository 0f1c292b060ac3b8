import { describe, expect, it } from 'vitest';
import { parseDelimited } from '../../src/chem/formats/table';
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
  fields: { ID: 'M-1', SOL: '1.1' },
  warnings: [],
  prediction: {
    values: { gap: 8.123456789, mu: 1.7 },
    std: { gap: 0.05, mu: 0.3 },
    interval90: { mu: [1.2, 2.2] },
    warnings: [],
  },
};
const failed: ResultRow = {
  id: 2,
  source: 'in.sdf',
  record: 2,
  name: 'broken',
  status: 'error',
  message: 'bond 1 refers to atom 7, but the record has 2 atoms',
  fields: { ID: 'B-2', SOL: '0.3' },
  warnings: [],
};
const tooLarge: ResultRow = {
  id: 3,
  source: 'in.sdf',
  record: 3,
  name: 'decane',
  status: 'warning',
  smiles: 'CCCCCCCCCC',
  fields: { ID: 'D-3', SOL: '-5.8' },
  warnings: [
    { code: 'too-many-heavy-atoms', message: '10 heavy atoms: QM9 molecules have at most 9' },
  ],
  prediction: {
    values: { gap: 9.1, mu: 0.1 },
    std: { gap: 0.4, mu: 79.23 },
    uncertaintyCapped: ['mu'],
    warnings: [],
  },
};
const bromine: ResultRow = {
  id: 4,
  source: 'in.sdf',
  record: 4,
  name: 'dibromomethane',
  status: 'error',
  smiles: 'BrCBr',
  message: "element Br at atom 2 is outside the model's elements (H, C, N, O, F)",
  fields: { ID: 'X-4' },
  warnings: [],
};
const rows = [predicted, failed, tooLarge, bromine];

function csvRecords(text: string): Record<string, string>[] {
  const [header, ...body] = parseDelimited(text.replace(/\r\n/g, '\n'), ',');
  return body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}

describe('rowsToCsv', () => {
  const text = rowsToCsv(rows);
  const records = csvRecords(text);

  it('has one entry per record, in order, errors included', () => {
    expect(records.map((r) => r.record)).toEqual(['1', '2', '3', '4']);
    expect(records.map((r) => r.status)).toEqual(['predicted', 'error', 'warning', 'error']);
  });

  it("keeps the user's fields under their own names, first", () => {
    expect(text.split('\r\n')[0].startsWith('ID,SOL,source,record,name,')).toBe(true);
    expect(records.map((r) => r.ID)).toEqual(['M-1', 'B-2', 'D-3', 'X-4']);
    expect(records.map((r) => r.SOL)).toEqual(['1.1', '0.3', '-5.8', '']);
  });

  it('says where each number stands: domain, reasons, error', () => {
    expect(records.map((r) => r.domain)).toEqual([
      'inside',
      'not predicted',
      'extrapolation',
      'not predicted',
    ]);
    expect(records[2].domain_reasons).toContain('10 heavy atoms');
    expect(records[2].domain_reasons).toContain('uncertainty hit its ceiling for Dipole moment μ');
    expect(records[1].error).toMatch(/^bond 1 refers to atom 7/);
    expect(records[3].smiles).toBe('BrCBr');
  });

  it('gives the 90 % interval inside the domain, and none for an extrapolation', () => {
    expect(records[0]['mu [D]']).toBe('1.7');
    expect([records[0]['mu_lo90 [D]'], records[0]['mu_hi90 [D]']]).toEqual(['1.2', '2.2']);
    // Without the model's interval: value ± 1.645 std.
    expect(Number(records[0]['gap_lo90 [eV]'])).toBeCloseTo(8.123456789 - 1.6449 * 0.05, 3);
    expect(records[2]['mu [D]']).toBe('0.1');
    expect(records[2]['mu_lo90 [D]']).toBe('');
    expect(records[2]['mu_std [D]']).toBe('');
    expect(records[2]['gap_std [eV]']).toBe('');
  });

  it('quotes cells with commas and doubles inner quotes, keeps full precision', () => {
    expect(text).toContain('"methanol, ""wood alcohol"""');
    expect(records[0]['gap [eV]']).toBe('8.123456789');
    expect(records[1]['gap [eV]']).toBe('');
  });

  it("renames the page's column when the user's field has the same name", () => {
    const clash: ResultRow = { ...predicted, fields: { name: 'their name', status: 'approved' } };
    const [record] = csvRecords(rowsToCsv([clash]));
    expect(record.name).toBe('their name');
    expect(record.status).toBe('approved');
    expect(record['name (predictor)']).toBe('methanol, "wood alcohol"');
    expect(record['status (predictor)']).toBe('predicted');
  });
});

describe('rowsToSdf', () => {
  const sdf = rowsToSdf(rows, (row) => (row.smiles === 'BrCBr' ? METHANOL_MOLBLOCK : undefined));
  const records = sdf.split('$$$$\n').slice(0, -1);

  it('writes one record per row, a broken one with an empty structure', () => {
    expect(records).toHaveLength(4);
    expect(records[1].split('\n')[0]).toBe('broken');
    expect(records[1]).toContain('  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n');
    expect(records[1]).toContain('> <error>\nbond 1 refers to atom 7');
  });

  it("titles records by name and keeps the user's data fields", () => {
    expect(records[0].split('\n')[0]).toBe('methanol, "wood alcohol"');
    expect(records[0]).toContain('M  END\n> <ID>\nM-1\n\n> <SOL>\n1.1\n\n> <source>\nin.sdf\n\n');
    expect(records[0]).toContain('> <gap [eV]>\n8.123456789\n\n');
    expect(records[0]).toContain('> <domain>\ninside\n\n');
    expect(records[0]).not.toContain('> <alpha [bohr3]>');
  });

  it('draws a refused molecule from its SMILES and marks extrapolations', () => {
    expect(records[3]).toContain('  2  1  0  0');
    expect(records[3]).toContain('> <status>\nerror\n\n');
    expect(records[2]).toContain('> <domain>\nextrapolation\n\n');
    expect(records[2]).not.toContain('> <mu_lo90 [D]>');
  });
});
