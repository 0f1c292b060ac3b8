// Bond orders and charges perceived from XYZ geometries written by hand. The expected formulas are
// textbook chemistry (ethyne's triple bond, [C-]#[O+], the nitro group's N+ and O-) or follow from
// the bond lengths by the arithmetic written next to the case, not from running the code.
import { describe, expect, it } from 'vitest';
import { perceiveBonds, type XyzAtom } from '../../src/chem/bondPerception';
import { planar, type Placement } from '../helpers/xyzMolecules';

/** Single-bond radii sums (Cordero et al. 2008): the lengths below are multiples of these. */
const RADII = { HH: 0.62, CC: 1.52, CO: 1.42, CN: 1.47, NN: 1.42, NO: 1.37 };

/** "a-b:order" for each bond, in the order perceiveBonds lists them (shortest contact first). */
const bondList = (atoms: XyzAtom[]) =>
  perceiveBonds(atoms).bonds.map(({ a, b, order }) => `${a}-${b}:${order}`);
/** The same bonds as a set, for molecules with bonds of equal length. */
const bondSet = (atoms: XyzAtom[]) => new Set(bondList(atoms));
const charges = (atoms: XyzAtom[]) => perceiveBonds(atoms).charges;

describe('which atoms are bonded', () => {
  it('two hydrogens exactly 1.15 radii sums apart are not bonded, a hair closer they are', () => {
    const cutoff = 1.15 * (0.31 + 0.31);
    const h2 = (d: number): XyzAtom[] => [
      { z: 1, position: [0, 0, 0] },
      { z: 1, position: [d, 0, 0] },
    ];
    expect(() => perceiveBonds(h2(cutoff))).toThrow(/^no bond orders satisfy the valences/);
    expect(bondList(h2(cutoff - 1e-9))).toEqual(['0-1:1']);
    // The same along the other axes and the other way round.
    const h2y: XyzAtom[] = [
      { z: 1, position: [0, cutoff - 1e-9, 0] },
      { z: 1, position: [0, 0, 0] },
    ];
    expect(bondList(h2y)).toEqual(['0-1:1']);
  });

  // Atom 1 (H) sits 1.20 A from carbon A and 1.21 A from carbon B, inside both C-H cut-offs
  // (1.15 x 1.07 = 1.23 A). Carbon A already has four hydrogens at 1.09 A, so the stray hydrogen
  // is B's: two methanes, not a five-bonded carbon.
  const strayHydrogen = (strayFirst: boolean): XyzAtom[] => {
    const stray: Placement = ['H', -1, 1.2, 0]; // from the origin, where carbon A sits
    const carbon: Placement = ['C', -1, 0, 0];
    const c = strayFirst ? 1 : 0;
    const hydrogens = [45, 135, 225, 315].map((angle): Placement => ['H', c, 1.09, angle]);
    return [
      ...planar(strayFirst ? [stray, carbon, ...hydrogens] : [carbon, ...hydrogens, stray]),
      ...planar([
        ['C', -1, 2.41, 0],
        ['H', 0, 1.09, 90],
        ['H', 0, 1.09, 0],
        ['H', 0, 1.09, 270],
      ]),
    ];
  };

  it.each([
    ['listed after the crowded carbon', false, '5-6:1'],
    ['listed before the crowded carbon', true, '0-6:1'],
  ])('a hydrogen near a full carbon bonds to the next carbon (%s)', (_name, first, bond) => {
    const bonds = bondSet(strayHydrogen(first));
    expect(bonds.size).toBe(8);
    expect(bonds).toContain(bond);
    expect(charges(strayHydrogen(first))).toEqual(new Array(10).fill(0));
  });

  it('shortest contacts come first in the bond list', () => {
    // Ethyne: C-H 1.06 A, C#C 1.20 A.
    const ethyne = planar([
      ['C', -1, 0, 0],
      ['C', 0, 1.2, 0],
      ['H', 0, 1.06, 180],
      ['H', 1, 1.07, 0],
    ]);
    expect(bondList(ethyne)).toEqual(['0-2:1', '1-3:1', '0-1:3']);
  });
});

describe('bond orders from valences and lengths', () => {
  it('ethene: C=C', () => {
    const ethene = planar([
      ['C', -1, 0, 0],
      ['C', 0, 1.33, 0],
      ['H', 0, 1.08, 121.5],
      ['H', 0, 1.09, -121.5],
      ['H', 1, 1.1, 58.5],
      ['H', 1, 1.11, -58.5],
    ]);
    expect(bondList(ethene)).toEqual(['0-2:1', '0-3:1', '1-4:1', '1-5:1', '0-1:2']);
  });

  it('hydrogen cyanide: C#N', () => {
    const hcn = planar([
      ['C', -1, 0, 0],
      ['N', 0, 1.156, 0],
      ['H', 0, 1.07, 180],
    ]);
    expect(bondList(hcn)).toEqual(['0-2:1', '0-1:3']);
    expect(charges(hcn)).toEqual([0, 0, 0]);
  });

  // A hexagon with 120 degree angles and alternating sides: the Kekule formula puts its double
  // bonds on the three short sides, whichever they are.
  const benzene = (first: number, second: number) =>
    planar([
      ['C', -1, 0, 0],
      ...[1, 2, 3, 4, 5].map((k): Placement => ['C', k - 1, k % 2 ? first : second, (k - 1) * 60]),
      ...[0, 1, 2, 3, 4, 5].map((k): Placement => ['H', k, 1.09, 60 * k - 120]),
    ]);
  const ringBonds = (atoms: XyzAtom[]) =>
    [...bondSet(atoms)].filter((b) => /^[0-5]-[0-5]:/.test(b)).sort();

  it.each([
    [1.35, 1.45, ['0-1:2', '0-5:1', '1-2:1', '2-3:2', '3-4:1', '4-5:2']],
    [1.45, 1.35, ['0-1:1', '0-5:2', '1-2:2', '2-3:1', '3-4:2', '4-5:1']],
  ])('benzene with sides %s / %s: double bonds on the short sides', (first, second, expected) => {
    expect(ringBonds(benzene(first, second))).toEqual(expected);
  });

  // Azete, C0-C1-C2-N3 in a ring, one H per carbon: two Kekule formulas. C0-C1 (1.45 A) is longer
  // than C0-N3 (1.42 A) but shorter for its radii (0.954 against 0.966 of the sums), so C0=C1.
  it('azete: the double bond goes to the bond that is shorter for its radii', () => {
    const azete = planar([
      ['C', -1, 0, 0],
      ['C', 0, 1.45, 0],
      ['C', 1, 1.5, 90],
      ['N', 0, 1.42, 90],
      ['H', 0, 1.08, 225],
      ['H', 1, 1.08, -45],
      ['H', 2, 1.08, 45],
    ]);
    const ring = [...bondSet(azete)].filter((b) => /^[0-3]-[0-3]:/.test(b)).sort();
    expect(ring).toEqual(['0-1:2', '0-3:1', '1-2:1', '2-3:2']);
  });

  it('no quadruple bonds: a bare C2 is the acetylide dianion [C-]#[C-]', () => {
    const c2 = planar([
      ['C', -1, 0, 0],
      ['C', 0, 1.24, 0],
    ]);
    expect(perceiveBonds(c2)).toEqual({ bonds: [{ a: 0, b: 1, order: 3 }], charges: [-1, -1] });
  });

  it('benzene with equal sides: a Kekule formula, each carbon with one double bond', () => {
    const ring = ringBonds(benzene(1.39, 1.39));
    expect(ring.filter((b) => b.endsWith(':2'))).toHaveLength(3);
    for (let c = 0; c < 6; c++) {
      const doubles = ring.filter(
        (b) => b.endsWith(':2') && b.split(':')[0].split('-').includes(String(c)),
      );
      expect(doubles).toHaveLength(1);
    }
  });
});

describe('formal charges', () => {
  it('carbon monoxide is [C-]#[O+]', () => {
    const co = planar([
      ['C', -1, 0, 0],
      ['O', 0, 1.128, 0],
    ]);
    expect(perceiveBonds(co)).toEqual({ bonds: [{ a: 0, b: 1, order: 3 }], charges: [-1, 1] });
  });

  it('ammonium and hydronium: four- and three-bonded N+ and O+', () => {
    const nh4 = planar([
      ['N', -1, 0, 0],
      ...[0, 90, 180, 270].map((angle): Placement => ['H', 0, 1.02, angle]),
    ]);
    expect(charges(nh4)).toEqual([1, 0, 0, 0, 0]);
    const h3o = planar([
      ['O', -1, 0, 0],
      ...[0, 120, 240].map((angle): Placement => ['H', 0, 0.98, angle]),
    ]);
    expect(charges(h3o)).toEqual([1, 0, 0, 0]);
  });

  it('hydroxide and the methyl anion: no neutral formula, so the ion', () => {
    const oh = planar([
      ['O', -1, 0, 0],
      ['H', 0, 0.96, 0],
    ]);
    expect(perceiveBonds(oh)).toEqual({ bonds: [{ a: 0, b: 1, order: 1 }], charges: [-1, 0] });
    const ch3 = planar([
      ['C', -1, 0, 0],
      ...[0, 120, 240].map((angle): Placement => ['H', 0, 1.09, angle]),
    ]);
    expect(charges(ch3)).toEqual([-1, 0, 0, 0]);
  });

  const nitro = (more: Placement[]) =>
    planar([
      ['C', -1, 0, 0],
      ['N', 0, 1.49, 0],
      ['O', 1, 1.2, 60],
      ['O', 1, 1.3, -60],
      ['H', 0, 1.09, 120],
      ['H', 0, 1.09, 240],
      ...more,
    ]);

  it('nitromethane: N+ with N=O on the short N-O and O- on the long one', () => {
    const atoms = nitro([['H', 0, 1.09, 180]]);
    expect(bondSet(atoms)).toEqual(new Set(['0-1:1', '1-2:2', '1-3:1', '0-4:1', '0-5:1', '0-6:1']));
    expect(charges(atoms)).toEqual([0, 1, 0, -1, 0, 0, 0]);
  });

  it('dinitromethane needs four charged atoms, the most the search tries', () => {
    const atoms = nitro([
      ['N', 0, 1.49, 180],
      ['O', 6, 1.2, 120],
      ['O', 6, 1.3, 240],
    ]);
    expect(charges(atoms)).toEqual([0, 1, 0, -1, 0, 0, 1, 0, -1]);
    expect(bondSet(atoms)).toContain('6-7:2');
  });

  // Each CO needs C- and O+: two molecules (4 charged atoms) are found, three (6) are not.
  const carbonMonoxides = (n: number) =>
    Array.from({ length: n }, (_, k): XyzAtom[] => [
      { z: 6, position: [0, 5 * k, 0] },
      { z: 8, position: [1.128, 5 * k, 0] },
    ]).flat();

  it('two carbon monoxides far apart: four charges; three: none of the formulas tried', () => {
    expect(charges(carbonMonoxides(2))).toEqual([-1, 1, -1, 1]);
    expect(() => perceiveBonds(carbonMonoxides(3))).toThrow(
      'no bond orders satisfy the valences: the geometry may hold a radical or a stretched bond',
    );
  });

  // N2O, N-N-O in a line, has two charge-separated formulas with the same two charges:
  // A = [N-]=[N+]=O (orders 2, 2) and B = N#[N+][O-] (orders 3, 1). With u and v the orders the
  // N-N and N-O lengths suggest, cost(A) - cost(B) = (2-u)^2 - (3-u)^2 + (2-v)^2 - (1-v)^2
  // = 2(u - v - 1): B wins exactly when u - v > 1. The length/radii ratio r gives the order
  // 1 for r >= 1, 1 + (1 - r) / 0.13 down to r = 0.87, 2 + (0.87 - r) / 0.08 down to 0.79, then 3.
  const n2o = (nn: number, no: number) =>
    planar([
      ['N', -1, 0, 0],
      ['N', 0, nn * RADII.NN, 0],
      ['O', 1, no * RADII.NO, 0],
    ]);
  const A = { bonds: ['0-1:2', '1-2:2'], charges: [-1, 1, 0] };
  const B = { bonds: ['0-1:3', '1-2:1'], charges: [0, 1, -1] };

  it.each([
    // ratios          u      v      u - v
    ['real N2O', 0.794, 0.864, A], // 2.95   2.075  0.88
    ['short N-N, long N-O', 0.75, 1.05, B], // 3      1      2
    ['short N-N, N=O length', 0.75, 0.85, A], // 3      2.25   0.75
    ['mid N-N, shortish N-O', 0.83, 0.92, A], // 2.5    1.615  0.88
    ['mid N-N, longer N-O', 0.83, 0.95, B], // 2.5    1.385  1.12
    ['long N-N, long N-O', 0.935, 1.1, A], // 1.5    1      0.5
  ])('N2O, %s (N-N %s, N-O %s radii sums)', (_name, nn, no, expected) => {
    const atoms = n2o(nn, no);
    expect({ bonds: bondList(atoms).sort(), charges: charges(atoms) }).toEqual(expected);
  });

  // Formamide with the C-O and C-N lengths set so that its neutral formula H2N-CH=O misfits by
  // a on C=O and b on C-N (orders 2 - a and 1 + b). The zwitterion [NH2+]=C[O-] misfits by 1 - a
  // and 1 - b and pays 0.25 per charge: neutral cost a^2 + b^2, zwitterion (1-a)^2 + (1-b)^2 + 0.5.
  // A neutral formula within 0.65 of every length is kept without comparing costs.
  const formamide = (a: number, b: number) =>
    planar([
      ['C', -1, 0, 0],
      ['O', 0, RADII.CO * (1 - (1 - a) * 0.13), 0],
      ['N', 0, RADII.CN * (1 - b * 0.13), 120],
      ['H', 0, 1.09, 240],
      ['H', 2, 1.03, 60],
      ['H', 2, 1.03, 180],
    ]);
  const NEUTRAL = { co: '0-1:2', cn: '0-2:1', charges: [0, 0, 0, 0, 0, 0] };
  const ZWITTERION = { co: '0-1:1', cn: '0-2:2', charges: [0, -1, 1, 0, 0, 0] };

  it.each([
    // a, b        neutral cost   zwitterion cost
    [0.6, 0.6, NEUTRAL], // 0.72  0.82
    [0.64, 0.64, NEUTRAL], // 0.82  0.76, but within 0.65 of every length
    [0.66, 0.66, ZWITTERION], // 0.87  0.73
    [0.7, 0.5, NEUTRAL], // 0.74  0.84: the charges tip it
  ])('formamide misfitting by %s and %s', (a, b, expected) => {
    const atoms = formamide(a, b);
    const bonds = bondSet(atoms);
    expect({
      co: bonds.has('0-1:2') ? '0-1:2' : '0-1:1',
      cn: bonds.has('0-2:2') ? '0-2:2' : '0-2:1',
      charges: charges(atoms),
    }).toEqual(expected);
  });
});

describe('what cannot be perceived', () => {
  it('an element without a covalent radius, named by its place in the file', () => {
    const atoms: XyzAtom[] = [
      { z: 1, position: [0, 0, 0] },
      { z: 16, position: [1.34, 0, 0] },
      { z: 1, position: [1.68, 1.3, 0] },
    ];
    expect(() => perceiveBonds(atoms)).toThrow(
      'atom 2: cannot perceive bonds for element with Z=16',
    );
  });

  it('two carbons too far apart to bond: radicals no charge explains', () => {
    const atoms = planar([
      ['C', -1, 0, 0],
      ['C', 0, 5, 0],
    ]);
    expect(() => perceiveBonds(atoms)).toThrow(
      'no bond orders satisfy the valences: the geometry may hold a radical or a stretched bond',
    );
  });
});
