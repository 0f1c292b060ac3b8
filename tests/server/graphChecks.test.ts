// Edge indices at the boundary: atom n-1 exists, atom n does not.
import { describe, expect, it } from 'vitest';
import { edgeIndexProblem } from '../../server/graphChecks';

describe('edge_index against node_features', () => {
  it('accepts edges to the last atom', () => {
    expect(
      edgeIndexProblem(3, [
        [0, 2, 1],
        [2, 0, 2],
      ]),
    ).toBeNull();
    expect(edgeIndexProblem(1, [[], []])).toBeNull();
  });

  it('refuses a target one past the last atom, naming where', () => {
    expect(
      edgeIndexProblem(3, [
        [0, 1],
        [1, 3],
      ]),
    ).toEqual({
      path: 'edge_index[1][1]',
      message: 'atom 3 does not exist (the molecule has 3 atoms)',
    });
  });

  it('refuses a source one past the last atom', () => {
    expect(
      edgeIndexProblem(2, [
        [2, 0],
        [0, 1],
      ]),
    ).toEqual({
      path: 'edge_index[0][0]',
      message: 'atom 2 does not exist (the molecule has 2 atoms)',
    });
  });

  it('refuses lists of different lengths', () => {
    expect(edgeIndexProblem(3, [[0, 1], [1]])?.message).toBe(
      'source and target lists differ in length (2 vs 1)',
    );
  });
});
