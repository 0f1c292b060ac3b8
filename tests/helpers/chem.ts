import type { MoleculeGraph, MoleculeResult } from '../../src/chem';

export function molecules(results: MoleculeResult[]): MoleculeGraph[] {
  return results.flatMap((r) => (r.ok ? [r.molecule] : []));
}

export function errors(results: MoleculeResult[]) {
  return results.flatMap((r) => (r.ok ? [] : [r.error]));
}

export const encode = (text: string) => new TextEncoder().encode(text);

/** Ethanol with explicit hydrogens and 3D coordinates, V2000, written by hand. */
export const ETHANOL_V2000 = `ethanol
  handwritten 3D

  9  8  0  0  0  0  0  0  0  0999 V2000
   -0.8883    0.1670   -0.0273 C   0  0  0  0  0  0  0  0  0  0  0  0
    0.4658   -0.5116   -0.0368 C   0  0  0  0  0  0  0  0  0  0  0  0
    1.4311    0.3229    0.5867 O   0  0  0  0  0  0  0  0  0  0  0  0
   -0.8487    1.1175   -0.5692 H   0  0  0  0  0  0  0  0  0  0  0  0
   -1.6484   -0.4762   -0.4773 H   0  0  0  0  0  0  0  0  0  0  0  0
   -1.1825    0.3731    1.0094 H   0  0  0  0  0  0  0  0  0  0  0  0
    0.7914   -0.7256   -1.0603 H   0  0  0  0  0  0  0  0  0  0  0  0
    0.4216   -1.4648    0.5072 H   0  0  0  0  0  0  0  0  0  0  0  0
    2.2637   -0.1599    0.6254 H   0  0  0  0  0  0  0  0  0  0  0  0
  1  2  1  0
  2  3  1  0
  1  4  1  0
  1  5  1  0
  1  6  1  0
  2  7  1  0
  2  8  1  0
  3  9  1  0
M  END
`;

/** Acetic acid, heavy atoms only, 2D, V3000, written by hand. */
export const ACETIC_ACID_V3000 = `acetic acid
  handwritten 2D

  0  0  0     0  0            999 V3000
M  V30 BEGIN CTAB
M  V30 COUNTS 4 3 0 0 0
M  V30 BEGIN ATOM
M  V30 1 C 0.0 0.0 0.0 0
M  V30 2 C 1.3 0.75 0.0 0
M  V30 3 O 2.6 0.0 0.0 0
M  V30 4 O 1.3 2.25 0.0 0
M  V30 END ATOM
M  V30 BEGIN BOND
M  V30 1 1 1 2
M  V30 2 1 2 3
M  V30 3 2 2 4
M  V30 END BOND
M  V30 END CTAB
M  END
`;

/** Methane geometry in Angstrom, written by hand (tetrahedral, C-H 1.09). */
export const METHANE_XYZ = `5
methane
C   0.0000  0.0000  0.0000
H   0.6293  0.6293  0.6293
H  -0.6293 -0.6293  0.6293
H  -0.6293  0.6293 -0.6293
H   0.6293 -0.6293 -0.6293
`;

export const WATER_XYZ = `3
water
O   0.0000  0.0000  0.1173
H   0.0000  0.7572 -0.4692
H   0.0000 -0.7572 -0.4692
`;

/** Benzene from its geometry: ring C-C 1.39, C-H 1.09, planar. */
export function benzeneXyz(): string {
  const lines = ['12', 'benzene'];
  for (let k = 0; k < 6; k++) {
    const a = (k * Math.PI) / 3;
    lines.push(`C ${(1.39 * Math.cos(a)).toFixed(4)} ${(1.39 * Math.sin(a)).toFixed(4)} 0.0`);
  }
  for (let k = 0; k < 6; k++) {
    const a = (k * Math.PI) / 3;
    lines.push(`H ${(2.48 * Math.cos(a)).toFixed(4)} ${(2.48 * Math.sin(a)).toFixed(4)} 0.0`);
  }
  return lines.join('\n') + '\n';
}

/** Nitromethane: the nitro group needs N+ and O- to satisfy valences. */
export const NITROMETHANE_XYZ = `7
nitromethane
C   0.0000  0.0000  0.0000
N   1.4900  0.0000  0.0000
O   2.0900  1.0600  0.0000
O   2.0900 -1.0600  0.0000
H  -0.3600  1.0300  0.0000
H  -0.3600 -0.5100  0.8900
H  -0.3600 -0.5100 -0.8900
`;
