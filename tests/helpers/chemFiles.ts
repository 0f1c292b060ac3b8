// Molfiles, SD records and XYZ blocks built from atoms we choose, for the reader tests: each
// format's fixed columns written once here so a test only states its molecule.

/** Symbol and Angstrom coordinates of one atom. */
export type Atom = [symbol: string, x: number, y: number, z: number];
/** 1-based atom numbers and the bond order. */
export type Bond = [a: number, b: number, order: number];

const col = (n: number, width = 3) => String(n).padStart(width);

/** One V2000 atom line: x, y, z as %10.4f, then the symbol in columns 32-34. */
export function v2000AtomLine([symbol, x, y, z]: Atom): string {
  const xyz = [x, y, z].map((v) => v.toFixed(4).padStart(10)).join('');
  return `${xyz} ${symbol.padEnd(3)} 0  0  0  0  0  0  0  0  0  0  0  0`;
}

export function v2000(title: string, atoms: Atom[], bonds: Bond[] = []): string {
  return [
    title,
    '  handwritten 3D',
    '',
    `${col(atoms.length)}${col(bonds.length)}  0  0  0  0  0  0  0  0999 V2000`,
    ...atoms.map(v2000AtomLine),
    ...bonds.map(([a, b, order]) => `${col(a)}${col(b)}${col(order)}  0`),
    'M  END',
  ].join('\n');
}

export function v3000(title: string, atoms: Atom[], bonds: Bond[] = []): string {
  return [
    title,
    '  handwritten 3D',
    '',
    '  0  0  0     0  0            999 V3000',
    'M  V30 BEGIN CTAB',
    `M  V30 COUNTS ${atoms.length} ${bonds.length} 0 0 0`,
    'M  V30 BEGIN ATOM',
    ...atoms.map(([symbol, x, y, z], i) => `M  V30 ${i + 1} ${symbol} ${x} ${y} ${z} 0`),
    'M  V30 END ATOM',
    'M  V30 BEGIN BOND',
    ...bonds.map(([a, b, order], i) => `M  V30 ${i + 1} ${order} ${a} ${b}`),
    'M  V30 END BOND',
    'M  V30 END CTAB',
    'M  END',
  ].join('\n');
}

/** SD data items as they follow "M  END": a header line, the value's lines, a blank line. */
export function sdFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `>  <${name}>\n${value}\n\n`)
    .join('');
}

/** Methane, tetrahedral (C-H 1.09 Angstrom), hydrogens explicit. */
export const METHANE_ATOMS: Atom[] = [
  ['C', 0, 0, 0],
  ['H', 0.6293, 0.6293, 0.6293],
  ['H', -0.6293, -0.6293, 0.6293],
  ['H', -0.6293, 0.6293, -0.6293],
  ['H', 0.6293, -0.6293, -0.6293],
];
export const METHANE_BONDS: Bond[] = [
  [1, 2, 1],
  [1, 3, 1],
  [1, 4, 1],
  [1, 5, 1],
];

/** Formaldehyde's heavy atoms (RDKit adds the two hydrogens). */
export const FORMALDEHYDE_ATOMS: Atom[] = [
  ['C', 0, 0, 0],
  ['O', 1.21, 0, 0],
];
export const FORMALDEHYDE_BONDS: Bond[] = [[1, 2, 2]];

/** `n` carbons on a line 1.5 Angstrom apart, bonded in a chain when `bonded`. */
export function carbonChain(n: number, bonded: boolean): { atoms: Atom[]; bonds: Bond[] } {
  const atoms: Atom[] = Array.from({ length: n }, (_, i) => ['C', i * 1.5, 0, 0]);
  const bonds: Bond[] = bonded ? atoms.slice(1).map((_, i) => [i + 1, i + 2, 1]) : [];
  return { atoms, bonds };
}

/** An XYZ block: count line, comment line, one "symbol x y z" line per atom. */
export function xyz(comment: string, atoms: Atom[]): string {
  return [
    String(atoms.length),
    comment,
    ...atoms.map(([s, x, y, z]) => `${s} ${x.toFixed(4)} ${y.toFixed(4)} ${z.toFixed(4)}`),
  ]
    .join('\n')
    .concat('\n');
}
