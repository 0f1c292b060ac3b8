// Rows between the chemistry and the prediction worker: packed as JSON text when that keeps them
// exactly, as objects otherwise.
import { beforeAll, describe, expect, it } from 'vitest';
import { initChem, openMoleculeFile, openText } from '../../src/chem';
import { packRows, resultToRow, unpackRows, type WorkerRow } from '../../src/ui/worker/rows';
import { encode, ETHANOL_V2000 } from '../helpers/chem';

beforeAll(() => initChem());

describe('packRows', () => {
  it('sends a slice of molecules and errors as text that unpacks to equal rows', () => {
    const results = [
      ...openText('CCO ethanol\nc1ccccc1 benzene\nnot-a-molecule broken', 'test.smi').results,
      ...openMoleculeFile('test.sdf', encode(`${ETHANOL_V2000}> <ID>\nE-1\n\n$$$$\n`)).results,
    ];
    const rows = results.map((result, i) => resultToRow(result, i + 1));
    expect(rows.map((row) => row.status)).toEqual(['parsed', 'parsed', 'error', 'parsed']);
    expect(rows[3]).toMatchObject({ fields: { ID: 'E-1' } });
    expect(rows[3].coords).toHaveLength(9);
    expect(rows[3].molblock).toContain('M  END');
    // The graph keeps what the model reads; the row itself holds the rest once.
    expect(Object.keys(rows[0].graph!).sort()).toEqual(['edgeAttr', 'edgeIndex', 'warnings', 'x']);
    expect(rows[0].graph!.x).toHaveLength(9);
    const packed = packRows(rows);
    expect(typeof packed).toBe('string');
    expect(unpackRows(packed)).toEqual(JSON.parse(JSON.stringify(rows)));
    expect(unpackRows(packed)).toEqual(rows);
  });

  it('sends objects when JSON would turn a number into null', () => {
    const row: WorkerRow = {
      id: 1,
      source: 'test.xyz',
      record: 1,
      name: 'odd',
      status: 'parsed',
      coords: [[0, Number.NaN, 1]],
      warnings: [],
    };
    const packed = packRows([row]);
    expect(packed).toEqual([row]);
    expect(unpackRows(packed)[0].coords?.[0][1]).toBeNaN();
  });
});
