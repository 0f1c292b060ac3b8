import { TARGETS, type TargetKey } from '../model/contracts';

/** How a chemist reads each QM9 property: the name with its symbol, and what it measures. */
interface PropertyText {
  /** Name with the usual symbol, as a column heading reads it (the unit comes from TARGETS). */
  name: string;
  meaning: string;
}

const TEXT: Record<TargetKey, PropertyText> = {
  mu: {
    name: 'Dipole moment μ',
    meaning:
      'Magnitude of the electric dipole moment; zero for symmetric molecules such as methane.',
  },
  alpha: {
    name: 'Polarizability α',
    meaning: 'Isotropic polarizability: how easily the electron cloud is distorted by a field.',
  },
  homo: {
    name: 'HOMO energy',
    meaning: 'Energy of the highest occupied molecular orbital (B3LYP/6-31G(2df,p)).',
  },
  lumo: {
    name: 'LUMO energy',
    meaning: 'Energy of the lowest unoccupied molecular orbital.',
  },
  gap: {
    name: 'HOMO–LUMO gap',
    meaning: 'LUMO minus HOMO energy; a rough measure of electronic excitability.',
  },
  r2: {
    name: 'Electronic spatial extent ⟨R²⟩',
    meaning: 'Expectation value of r² over the electron density: grows with molecular size.',
  },
  zpve: {
    name: 'Zero-point vibrational energy',
    meaning: 'Vibrational energy the molecule keeps at 0 K (harmonic approximation).',
  },
  u0: {
    name: 'Internal energy U₀ at 0 K',
    meaning: 'Total electronic energy plus zero-point energy: a large negative number.',
  },
  u298: {
    name: 'Internal energy U at 298 K',
    meaning: 'Internal energy at room temperature (298.15 K).',
  },
  h298: {
    name: 'Enthalpy H at 298 K',
    meaning: 'U plus pV at 298.15 K.',
  },
  g298: {
    name: 'Free energy G at 298 K',
    meaning: 'Gibbs free energy H − TS at 298.15 K.',
  },
  cv: {
    name: 'Heat capacity Cv at 298 K',
    meaning: 'Heat capacity at constant volume, 298.15 K.',
  },
};

export interface PropertyInfo {
  key: TargetKey;
  name: string;
  unit: string;
  /** "Dipole moment μ (D)": the name and the unit, for column headings. */
  heading: string;
  meaning: string;
}

/** The 12 properties in the model's order, with the words the page shows for them. */
export const PROPERTIES: readonly PropertyInfo[] = TARGETS.map((t) => ({
  key: t.key,
  name: TEXT[t.key].name,
  unit: t.unit,
  heading: `${TEXT[t.key].name} (${t.unit})`,
  meaning: TEXT[t.key].meaning,
}));

export function propertyInfo(key: TargetKey): PropertyInfo {
  return PROPERTIES.find((p) => p.key === key)!;
}
