import { ChemError } from './errors';

export interface XyzAtom {
  z: number;
  position: [number, number, number];
}

export interface PerceivedBond {
  a: number;
  b: number;
  order: 1 | 2 | 3;
}

export interface PerceivedGraph {
  bonds: PerceivedBond[];
  charges: number[];
}

/** Single-bond covalent radii in Angstrom (Cordero et al. 2008; C is its sp3 value). */
const COVALENT_RADIUS: Record<number, number> = { 1: 0.31, 6: 0.76, 7: 0.71, 8: 0.66, 9: 0.57 };
/** Two atoms bond when closer than this multiple of their radii: the cut-off used to check QM9. */
const BOND_TOLERANCE = 1.15;
/** Maximum neighbours per element; beyond it the longest contacts are not bonds. */
const MAX_DEGREE: Record<number, number> = { 1: 1, 6: 4, 7: 4, 8: 3, 9: 1 };

/** Valence states an atom may take: neutral first, then the charged forms QM9 contains. */
const VALENCE_STATES: Record<number, { valence: number; charge: number }[]> = {
  1: [{ valence: 1, charge: 0 }],
  6: [
    { valence: 4, charge: 0 },
    { valence: 3, charge: -1 },
  ],
  7: [
    { valence: 3, charge: 0 },
    { valence: 4, charge: 1 },
    { valence: 2, charge: -1 },
  ],
  8: [
    { valence: 2, charge: 0 },
    { valence: 1, charge: -1 },
    { valence: 3, charge: 1 },
  ],
  9: [{ valence: 1, charge: 0 }],
};

const SEARCH_BUDGET = 200_000;
const MAX_CHARGED_ATOMS = 4;

/** Connectivity from distances, then bond orders and charges that satisfy every valence. */
export function perceiveBonds(atoms: XyzAtom[]): PerceivedGraph {
  atoms.forEach((a, i) => {
    if (!(a.z in COVALENT_RADIUS)) {
      throw new ChemError(`atom ${i + 1}: cannot perceive bonds for element with Z=${a.z}`);
    }
  });
  const pairs = connectivity(atoms);
  const neighbours = atoms.map(() => [] as number[]);
  for (const [a, b] of pairs) {
    neighbours[a].push(b);
    neighbours[b].push(a);
  }
  const degree = neighbours.map((n) => n.length);
  const base = atoms.map((a, i) => {
    const state = VALENCE_STATES[a.z].find((s) => s.valence >= degree[i]);
    if (!state) {
      throw new ChemError(
        `atom ${i + 1} (Z=${a.z}) has ${degree[i]} neighbours within bonding distance`,
      );
    }
    return state;
  });

  const solved = solveWithStates(pairs, degree, base) ?? searchCharged(atoms, pairs, degree, base);
  if (!solved) {
    throw new ChemError(
      'no bond orders satisfy the valences: the geometry may hold a radical or a stretched bond',
    );
  }
  return solved;
}

function connectivity(atoms: XyzAtom[]): [number, number][] {
  const candidates: { a: number; b: number; d: number }[] = [];
  for (let i = 0; i < atoms.length; i++) {
    const [xi, yi, zi] = atoms[i].position;
    for (let j = i + 1; j < atoms.length; j++) {
      const [xj, yj, zj] = atoms[j].position;
      const cutoff = BOND_TOLERANCE * (COVALENT_RADIUS[atoms[i].z] + COVALENT_RADIUS[atoms[j].z]);
      const dx = xi - xj;
      if (dx > cutoff || dx < -cutoff) continue;
      const d = Math.hypot(dx, yi - yj, zi - zj);
      if (d < cutoff) candidates.push({ a: i, b: j, d });
    }
  }
  // Shortest contacts first, so a crowded atom keeps its real bonds.
  candidates.sort((p, q) => p.d - q.d);
  const degree = new Array<number>(atoms.length).fill(0);
  const pairs: [number, number][] = [];
  for (const { a, b } of candidates) {
    if (degree[a] >= MAX_DEGREE[atoms[a].z] || degree[b] >= MAX_DEGREE[atoms[b].z]) continue;
    degree[a]++;
    degree[b]++;
    pairs.push([a, b]);
  }
  return pairs;
}

type State = { valence: number; charge: number };

function searchCharged(
  atoms: XyzAtom[],
  pairs: [number, number][],
  degree: number[],
  base: State[],
): PerceivedGraph | null {
  const options: { atom: number; state: State }[] = [];
  atoms.forEach((a, i) => {
    for (const s of VALENCE_STATES[a.z]) {
      if (s !== base[i] && s.valence >= degree[i]) options.push({ atom: i, state: s });
    }
  });
  const baseCharge = base.reduce((sum, s) => sum + s.charge, 0);
  let fallback: PerceivedGraph | null = null;
  for (let k = 1; k <= MAX_CHARGED_ATOMS; k++) {
    let found: PerceivedGraph | null = null;
    combinations(options.length, k, (picked) => {
      const atomsUsed = new Set(picked.map((p) => options[p].atom));
      if (atomsUsed.size !== k) return false;
      const states = base.slice();
      for (const p of picked) states[options[p].atom] = options[p].state;
      const net = states.reduce((sum, s) => sum + s.charge, 0);
      if (net !== 0 && fallback) return false;
      const result = solveWithStates(pairs, degree, states);
      if (!result) return false;
      if (net === 0) {
        found = result;
        return true;
      }
      fallback ??= result;
      return false;
    });
    if (found) return found;
    if (baseCharge === 0 && fallback) break;
  }
  return fallback;
}

/** Calls visit for each k-subset of 0..n-1 until it returns true. */
function combinations(n: number, k: number, visit: (picked: number[]) => boolean): void {
  const picked: number[] = [];
  const rec = (start: number): boolean => {
    if (picked.length === k) return visit(picked);
    for (let i = start; i <= n - (k - picked.length); i++) {
      picked.push(i);
      if (rec(i + 1)) return true;
      picked.pop();
    }
    return false;
  };
  rec(0);
}

/**
 * Distributes each atom's missing valence over its bonds (a b-matching on the unsaturated atoms).
 * Always extends the most constrained atom first, which keeps Kekule-type searches short.
 */
function solveWithStates(
  pairs: [number, number][],
  degree: number[],
  states: State[],
): PerceivedGraph | null {
  const deficit = states.map((s, i) => s.valence - degree[i]);
  let total = 0;
  for (const d of deficit) total += d;
  if (total % 2 !== 0) return null;
  const order = pairs.map(() => 1);
  const incident = degree.map(() => [] as number[]);
  pairs.forEach(([a, b], bi) => {
    incident[a].push(bi);
    incident[b].push(bi);
  });
  let budget = SEARCH_BUDGET;
  const open = (bi: number, from: number): boolean => {
    const other = pairs[bi][0] === from ? pairs[bi][1] : pairs[bi][0];
    return order[bi] < 3 && deficit[other] > 0;
  };
  const rec = (): boolean => {
    if (--budget < 0) return false;
    let best = -1;
    let bestChoices = Infinity;
    for (let i = 0; i < deficit.length; i++) {
      if (deficit[i] <= 0) continue;
      let choices = 0;
      for (const bi of incident[i]) if (open(bi, i)) choices++;
      if (choices === 0) return false;
      if (choices < bestChoices) {
        best = i;
        bestChoices = choices;
      }
    }
    if (best < 0) return true;
    for (const bi of incident[best]) {
      if (!open(bi, best)) continue;
      const other = pairs[bi][0] === best ? pairs[bi][1] : pairs[bi][0];
      order[bi]++;
      deficit[best]--;
      deficit[other]--;
      if (rec()) return true;
      order[bi]--;
      deficit[best]++;
      deficit[other]++;
    }
    return false;
  };
  if (!rec()) return null;
  return {
    bonds: pairs.map(([a, b], bi) => ({ a, b, order: order[bi] as 1 | 2 | 3 })),
    charges: states.map((s) => s.charge),
  };
}
