// Checks a graph's internal consistency, beyond what the JSON schema can say.

/** Returns why edge_index does not fit node_features (path relative to the graph), or null. */
export function edgeIndexProblem(
  numNodes: number,
  edgeIndex: number[][],
): { path: string; message: string } | null {
  const [src, dst] = edgeIndex;
  if (src.length !== dst.length) {
    return {
      path: 'edge_index',
      message: `source and target lists differ in length (${src.length} vs ${dst.length})`,
    };
  }
  for (const [row, list] of [src, dst].entries()) {
    const bad = list.findIndex((v) => v >= numNodes);
    if (bad >= 0) {
      return {
        path: `edge_index[${row}][${bad}]`,
        message: `atom ${list[bad]} does not exist (the molecule has ${numNodes} atoms)`,
      };
    }
  }
  return null;
}
