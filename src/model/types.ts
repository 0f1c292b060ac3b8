import type { DomainWarning } from '../chem/types';

/**
 * The 12 standard QM9 targets, in the order of the product model's outputs. `min` is the physical
 * lower bound (a dipole moment, a polarizability, an extent, a vibrational energy and a heat
 * capacity are never negative); null where there is none.
 */
export const TARGETS = [
  { key: 'mu', label: 'Dipole moment', unit: 'D', min: 0 },
  { key: 'alpha', label: 'Isotropic polarizability', unit: 'bohr³', min: 0 },
  { key: 'homo', label: 'HOMO energy', unit: 'eV', min: null },
  { key: 'lumo', label: 'LUMO energy', unit: 'eV', min: null },
  { key: 'gap', label: 'HOMO-LUMO gap', unit: 'eV', min: null },
  { key: 'r2', label: 'Electronic spatial extent', unit: 'bohr²', min: 0 },
  { key: 'zpve', label: 'Zero-point vibrational energy', unit: 'eV', min: 0 },
  { key: 'u0', label: 'Internal energy at 0 K', unit: 'eV', min: null },
  { key: 'u298', label: 'Internal energy at 298.15 K', unit: 'eV', min: null },
  { key: 'h298', label: 'Enthalpy at 298.15 K', unit: 'eV', min: null },
  { key: 'g298', label: 'Free energy at 298.15 K', unit: 'eV', min: null },
  { key: 'cv', label: 'Heat capacity at 298.15 K', unit: 'cal/(mol·K)', min: 0 },
] as const;
export type TargetKey = (typeof TARGETS)[number]['key'];

/** What the model needs of a molecule: the subset of chem's MoleculeGraph. */
export interface GraphInput {
  x: number[][];
  edgeIndex: [number[], number[]];
  /** E x 4 bond one-hot; absent for clients of the original /predict contract. */
  edgeAttr?: number[][];
  warnings?: DomainWarning[];
}

export interface MoleculePrediction {
  /** Predicted value per target, in the unit of TARGETS. */
  values: Partial<Record<TargetKey, number>>;
  /** One standard deviation of the predictive distribution, same unit; absent when the model has none. */
  std: Partial<Record<TargetKey, number>>;
  /**
   * The central 90 % predictive interval per target, in the target's unit, clipped to the
   * target's physical bounds (mu, alpha, r2, zpve and cv are never negative).
   */
  interval90?: Partial<Record<TargetKey, [number, number]>>;
  /**
   * Targets whose predicted uncertainty reached the model's ceiling: the network is outside what
   * it was trained on and the std is a clipped constant, not an estimate. Show as extrapolation.
   */
  uncertaintyCapped?: TargetKey[];
  /**
   * Targets whose whole predicted 90 % interval lay below the physical bound (a confidently
   * negative extent, say): the value shown is the bound and the model is extrapolating.
   */
  belowBound?: TargetKey[];
  warnings: DomainWarning[];
}
