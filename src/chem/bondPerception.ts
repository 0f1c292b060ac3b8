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
  const contacts = connectivity(atoms);
  const degree = new Array<number>(atoms.length).fill(0);
  for (const c of contacts) {
    degree[c.a]++;
    degree[c.b]++;
  }
  const base = atoms.map((a, i) => {
    const state = VALENCE_STATES[a.z].find((s) => s.valence >= degree[i]);
    // Unreachable: connectivity() caps each degree at the element's largest valence (MAX_DEGREE).
    // Stryker disable ConditionalExpression,BlockStatement,StringLiteral,ArithmeticOperator: unreachable
    if (!state) {
      throw new ChemError(
        `atom ${i + 1} (Z=${a.z}) has ${degree[i]} neighbours within bonding distance`,
      );
    }
    // Stryker restore all
    return state;
  });

  const neutral = solveWithStates(contacts, degree, base);
  // The geometry decides between valence-bond formulas: a neutral one whose bond orders contradict
  // the bond lengths (an N=O drawn at an oximate's N-O length) loses to a zwitterion that fits.
  if (neutral && worstMisfit(contacts, neutral) <= TOLERATED_MISFIT) return neutral;
  const best = searchCharged(atoms, contacts, degree, base, neutral);
  if (!best) {
    throw new ChemError(
      'no bond orders satisfy the valences: the geometry may hold a radical or a stretched bond',
    );
  }
  return best;
}

/** Bond order the length suggests, from the distance / radii ratio (1 single, 0.87 double, 0.79 triple). */
function lengthOrder(ratio: number): number {
  // The pieces meet at each threshold (1 + 0/0.13 = 1, 1 + 0.13/0.13 = 2, 2 + 0.08/0.08 = 3, the
  // last within one rounding unit), so >= and > give the same order.
  // Stryker disable next-line EqualityOperator: continuous at the threshold
  if (ratio >= 1) return 1;
  // Stryker disable next-line EqualityOperator: continuous at the threshold
  if (ratio >= 0.87) return 1 + (1 - ratio) / 0.13;
  // Stryker disable next-line EqualityOperator: continuous at the threshold
  if (ratio >= 0.79) return 2 + (0.87 - ratio) / 0.08;
  return 3;
}

/** Aromatic rings sit at ~1.6 either way of a Kekule formula, so up to 0.65 is no contradiction. */
const TOLERATED_MISFIT = 0.65;
/** Cost of each formal charge, against the squared bond-order misfit it removes. */
const CHARGE_COST = 0.25;

function worstMisfit(contacts: Contact[], g: PerceivedGraph): number {
  return Math.max(0, ...contacts.map((c, i) => Math.abs(g.bonds[i].order - lengthOrder(c.ratio))));
}

function cost(contacts: Contact[], g: PerceivedGraph): number {
  let misfit = 0;
  contacts.forEach((c, i) => (misfit += (g.bonds[i].order - lengthOrder(c.ratio)) ** 2));
  return misfit + CHARGE_COST * g.charges.filter((q) => q !== 0).length;
}

interface Contact {
  a: number;
  b: number;
  /** Distance over the summed single-bond radii: ~1.0 single, ~0.87 double, ~0.79 triple. */
  ratio: number;
}

function connectivity(atoms: XyzAtom[]): Contact[] {
  const candidates: (Contact & { d: number })[] = [];
  for (let i = 0; i < atoms.length; i++) {
    const [xi, yi, zi] = atoms[i].position;
    for (let j = i + 1; j < atoms.length; j++) {
      const [xj, yj, zj] = atoms[j].position;
      const radii = COVALENT_RADIUS[atoms[i].z] + COVALENT_RADIUS[atoms[j].z];
      const cutoff = BOND_TOLERANCE * radii;
      const dx = xi - xj;
      // A shortcut only: d >= |dx|, so the distance test below rejects every pair this skips.
      // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: shortcut
      if (dx > cutoff || dx < -cutoff) continue;
      const d = Math.hypot(dx, yi - yj, zi - zj);
      if (d < cutoff) candidates.push({ a: i, b: j, d, ratio: d / radii });
    }
  }
  // Shortest contacts first, so a crowded atom keeps its real bonds.
  candidates.sort((p, q) => p.d - q.d);
  const degree = new Array<number>(atoms.length).fill(0);
  const contacts: Contact[] = [];
  for (const { a, b, ratio } of candidates) {
    if (degree[a] >= MAX_DEGREE[atoms[a].z] || degree[b] >= MAX_DEGREE[atoms[b].z]) continue;
    degree[a]++;
    degree[b]++;
    contacts.push({ a, b, ratio });
  }
  return contacts;
}

type State = { valence: number; charge: number };

/** The cheapest formula (misfit + charges) with up to MAX_CHARGED_ATOMS charged atoms, net charge 0 first. */
function searchCharged(
  atoms: XyzAtom[],
  contacts: Contact[],
  degree: number[],
  base: State[],
  neutral: PerceivedGraph | null,
): PerceivedGraph | null {
  const options: { atom: number; state: State }[] = [];
  atoms.forEach((a, i) => {
    for (const s of VALENCE_STATES[a.z]) {
      if (s !== base[i] && s.valence >= degree[i]) options.push({ atom: i, state: s });
    }
  });
  let best = neutral;
  let bestCost = neutral ? cost(contacts, neutral) : Infinity;
  let firstFound = neutral ? 0 : Infinity;
  let ionic: PerceivedGraph | null = null;
  // Formulas with one more charged atom than the first one found are still compared; beyond that
  // the charge cost outweighs any realistic gain in fit.
  for (let k = 1; k <= MAX_CHARGED_ATOMS && k <= firstFound + 2; k++) {
    combinations(options.length, k, (picked) => {
      const atomsUsed = new Set(picked.map((p) => options[p].atom));
      if (atomsUsed.size !== k) return false;
      const states = base.slice();
      for (const p of picked) states[options[p].atom] = options[p].state;
      const result = solveWithStates(contacts, degree, states);
      if (!result) return false;
      // Stryker disable next-line ArithmeticOperator: sum - charge gives minus the net charge, 0 alike
      if (states.reduce((sum, s) => sum + s.charge, 0) !== 0) {
        ionic ??= result;
        return false;
      }
      firstFound = Math.min(firstFound, k);
      const c = cost(contacts, result);
      if (c < bestCost) {
        best = result;
        bestCost = c;
      }
      return false;
    });
  }
  return best ?? ionic;
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
 * Extends the most constrained atom first, on its shortest bond first, which keeps Kekule-type
 * searches short and puts double bonds where the geometry has them.
 */
function solveWithStates(
  contacts: Contact[],
  degree: number[],
  states: State[],
): PerceivedGraph | null {
  const deficit = states.map((s, i) => s.valence - degree[i]);
  let total = 0;
  // A shortcut only: deficits start >= 0 and each bond increment takes one from two of them, so
  // rec() below cannot succeed on an odd total either (and -total has the same parity).
  // Stryker disable next-line AssignmentOperator: parity shortcut
  for (const d of deficit) total += d;
  // Stryker disable next-line ConditionalExpression: parity shortcut
  if (total % 2 !== 0) return null;
  const order = contacts.map(() => 1);
  const incident = degree.map(() => [] as number[]);
  contacts.forEach(({ a, b }, ci) => {
    incident[a].push(ci);
    incident[b].push(ci);
  });
  for (const list of incident) list.sort((p, q) => contacts[p].ratio - contacts[q].ratio);
  let budget = SEARCH_BUDGET;
  const other = (ci: number, from: number) =>
    contacts[ci].a === from ? contacts[ci].b : contacts[ci].a;
  const open = (ci: number, from: number) => order[ci] < 3 && deficit[other(ci, from)] > 0;
  const rec = (): boolean => {
    if (--budget < 0) return false;
    let best = -1;
    let bestChoices = Infinity;
    for (let i = 0; i < deficit.length; i++) {
      if (deficit[i] <= 0) continue;
      let choices = 0;
      for (const ci of incident[i]) if (open(ci, i)) choices++;
      if (choices === 0) return false;
      if (choices < bestChoices) {
        best = i;
        bestChoices = choices;
      }
    }
    if (best < 0) return true;
    for (const ci of incident[best]) {
      if (!open(ci, best)) continue;
      const o = other(ci, best);
      order[ci]++;
      deficit[best]--;
      deficit[o]--;
      if (rec()) return true;
      order[ci]--;
      deficit[best]++;
      deficit[o]++;
    }
    return false;
  };
  if (!rec()) return null;
  return {
    bonds: contacts.map(({ a, b }, ci) => ({ a, b, order: order[ci] as 1 | 2 | 3 })),
    charges: states.map((s) => s.charge),
  };
}
