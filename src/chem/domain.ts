import { ChemError } from './errors';
import type { DomainWarning } from './types';
import { QM9_ELEMENTS, elementSymbol } from './types';

export const QM9_MAX_HEAVY_ATOMS = 9;
/**
 * Below this QM9 is too sparse to learn from: it holds just three molecules with one heavy atom
 * (CH4, NH3, H2O) and none without, and the shipped model's methane is off by 2 eV on the HOMO
 * with a stated std of 0.03 eV (evaluation.json, smallMolecules).
 */
export const QM9_MIN_HEAVY_ATOMS = 2;
const ATOMIC_NUMBERS: Record<number, string> = { 1: 'H', 6: 'C', 7: 'N', 8: 'O', 9: 'F' };

/** The model one-hot encodes H, C, N, O, F only: anything else cannot be predicted at all. */
export function assertEncodableElements(atomicNumbers: number[], smiles?: string): void {
  atomicNumbers.forEach((z, i) => {
    if (!(z in ATOMIC_NUMBERS)) {
      throw new ChemError(
        `element ${elementSymbol(z)} at atom ${i + 1} is outside the model's elements (${QM9_ELEMENTS.join(', ')})`,
        smiles === undefined ? undefined : { smiles },
      );
    }
  });
}

/** Reasons a featurizable molecule still lies outside what QM9 covers. */
export function domainWarnings(mol: {
  heavyAtoms: number;
  charges: number[];
  radicals: number[];
  fragments: number;
}): DomainWarning[] {
  const warnings: DomainWarning[] = [];
  if (mol.heavyAtoms > QM9_MAX_HEAVY_ATOMS) {
    warnings.push({
      code: 'too-many-heavy-atoms',
      message: `${mol.heavyAtoms} heavy atoms: QM9 molecules have at most ${QM9_MAX_HEAVY_ATOMS}`,
    });
  }
  if (mol.heavyAtoms < QM9_MIN_HEAVY_ATOMS) {
    warnings.push({
      code: 'too-few-heavy-atoms',
      message: `${mol.heavyAtoms} heavy atom${mol.heavyAtoms === 1 ? '' : 's'}: QM9 holds only CH4, NH3 and H2O this small, too few to learn from; the model is unreliable here`,
    });
  }
  // QM9 itself holds ~1,200 zwitterions (e.g. glycine as [NH3+]CC([O-])=O), so only a net charge
  // takes a molecule outside it.
  const net = mol.charges.reduce((a, b) => a + b, 0);
  if (net !== 0) {
    const charged = mol.charges.flatMap((c, i) =>
      c !== 0 ? [`${i + 1} (${c > 0 ? '+' : ''}${c})`] : [],
    );
    warnings.push({
      code: 'charged',
      message: `net charge ${net > 0 ? '+' : ''}${net} (charged atoms ${charged.join(', ')}): QM9 holds neutral molecules only`,
    });
  }
  const radicals = mol.radicals.flatMap((r, i) => (r !== 0 ? [String(i + 1)] : []));
  if (radicals.length > 0) {
    warnings.push({
      code: 'radical',
      message: `radical electrons on atoms ${radicals.join(', ')}: QM9 holds closed-shell molecules only`,
    });
  }
  if (mol.fragments > 1) {
    warnings.push({
      code: 'fragments',
      message: `${mol.fragments} disconnected fragments: QM9 molecules are single connected molecules`,
    });
  }
  return warnings;
}
