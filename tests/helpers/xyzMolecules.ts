// Geometries written by hand for the XYZ bond perception tests (no QM9 rows): each atom is placed
// from an earlier one by a bond length and a direction, so a test reads as the bond lengths it sets.
import type { XyzAtom } from '../../src/chem/bondPerception';

const Z: Record<string, number> = { H: 1, C: 6, N: 7, O: 8, F: 9, S: 16 };

/** [element, index of the atom it hangs from (-1: origin), length in Angstrom, angle in degrees]. */
export type Placement = [element: string, from: number, length: number, angle: number];

/** Atoms in the z = 0 plane, each `length` away from its `from` atom in direction `angle`. */
export function planar(placements: Placement[]): XyzAtom[] {
  const atoms: XyzAtom[] = [];
  for (const [element, from, length, angle] of placements) {
    const [x0, y0] = from < 0 ? [0, 0] : atoms[from].position;
    const rad = (angle * Math.PI) / 180;
    atoms.push({
      z: Z[element],
      position: [x0 + length * Math.cos(rad), y0 + length * Math.sin(rad), 0],
    });
  }
  return atoms;
}

/** The XYZ file of a set of atoms, as a user would upload it. */
export function xyzText(atoms: XyzAtom[], comment: string): string {
  const symbol = Object.fromEntries(Object.entries(Z).map(([s, z]) => [z, s]));
  const lines = atoms.map(
    ({ z, position }) => `${symbol[z]} ${position.map((v) => v.toFixed(6)).join(' ')}`,
  );
  return `${atoms.length}\n${comment}\n${lines.join('\n')}\n`;
}
