// Molecules written for this project, for tests and benchmarks that need many different ones.

/**
 * 1,000 small C/N/O/F molecules (up to 9 heavy atoms, QM9's size): a core between two end groups,
 * varied systematically, each different.
 */
export function fragmentCombinations(): string[] {
  const cores = [
    'C',
    'CC',
    'CCC',
    'CC(C)',
    'C1CC1',
    'C=C',
    'CC#C',
    'c1ccccc1',
    'C1CCOC1',
    'N1CCC1',
  ];
  // Heads attach through their last atom, tails through their first.
  const heads = ['O', 'N', 'F', 'N#C', 'O=C', 'CO', 'CN', 'OC(=O)', 'FC(F)(F)', 'NC(=O)'];
  const tails = ['O', 'N', 'F', 'C#N', 'C=O', 'OC', 'NC', 'C(=O)O', 'C(F)(F)F', 'C(N)=O'];
  return cores.flatMap((core) =>
    heads.flatMap((head) => tails.map((tail) => `${head}${core}${tail}`)),
  );
}
