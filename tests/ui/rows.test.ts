// Read slices between the chemistry and the prediction worker: rows as JSON text when that keeps
// them exactly (as objects otherwise), graphs packed in typed arrays, each row pointing at its own.
import { beforeAll, describe, expect, it } from 'vitest';
import { initChem, openMoleculeFile, openText } from '../../src/chem';
import { graphAt, packedBuffers } from '../../src/model/packedGraphs';
import { packSlice, resultToRow, unpackSlice, type ReadRow } from '../../src/ui/worker/rows';
import { encode, ETHANOL_V2000 } from '../helpers/chem';

beforeAll(() => initChem());

describe('packSlice', () => {
  it('sends molecules and errors as text plus a pack, and each row gets its own graph back', () => {
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

    const slice = packSlice(rows);
    expect(typeof slice.rows).toBe('string');
    expect(slice.graphs!.count).toBe(3);
    // Featurized atoms are small integers: one byte per feature.
    expect(slice.graphs!.x).toBeInstanceOf(Uint8Array);
    // What a postMessage with the pack's buffers in the transfer list delivers.
    const delivered = structuredClone(slice, { transfer: packedBuffers(slice.graphs!) });
    expect(slice.graphs!.x.length).toBe(0); // moved, not copied

    const back = unpackSlice(delivered);
    expect(back.map(({ graph: _graph, ...row }) => row)).toEqual(
      rows.map(({ graph: _graph, ...row }) => row),
    );
    expect(back[2].graph).toBeUndefined();
    const molecules = [rows[0], rows[1], rows[3]];
    [back[0], back[1], back[3]].forEach((row, k) => {
      const { x, edgeIndex, edgeAttr } = molecules[k].graph!;
      expect(graphAt(row.graph!.packed, row.graph!.index)).toEqual({ x, edgeIndex, edgeAttr });
    });
  });

  it('sends objects when JSON would turn a number into null', () => {
    const row: ReadRow = {
      id: 1,
      source: 'test.xyz',
      record: 1,
      name: 'odd',
      status: 'parsed',
      coords: [[0, Number.NaN, 1]],
      warnings: [],
      graph: { x: [[1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]], edgeIndex: [[], []], edgeAttr: [] },
    };
    const slice = packSlice([row]);
    expect(typeof slice.rows).toBe('object');
    const [back] = unpackSlice(slice);
    expect(back.coords?.[0][1]).toBeNaN();
    expect(back.graph?.index).toBe(0);
  });

  it('refuses a slice whose molecules and graphs do not pair up', () => {
    const slice = packSlice([
      {
        id: 1,
        source: 's',
        record: 1,
        name: 'a',
        status: 'parsed',
        warnings: [],
        graph: { x: [[1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]], edgeIndex: [[], []], edgeAttr: [] },
      },
    ]);
    expect(() => unpackSlice({ ...slice, graphs: null })).toThrow(
      'a read slice has 1 molecules and 0 graphs',
    );
  });
});
