// The chemistry half of atom contributions, run where RDKit lives: the row's structure is read again
// (the workers keep no graphs between jobs), and drawing from that same structure keeps the
// drawing's atom indices equal to the graph's heavy atoms.
import { initChem, parseMolblock, parseSmiles, type MoleculeGraph } from '../../chem';
import { elementSymbol } from '../../chem/types';
import { contributionColour } from '../contributionScale';
import { chemInitOptions } from './assets';
import type { StructureSource } from './protocol';
import type { AtomContributionView } from './protocol';

export const CONTRIBUTION_SVG_SIZE = { width: 280, height: 220 } as const;

/** The molblock first: it carries the file's atom order, which the 3D view shows too. */
export function reread(input: StructureSource): MoleculeGraph {
  const result = input.molblock
    ? parseMolblock(input.molblock, { source: 'contributions', molblock: false })
    : input.smiles
      ? parseSmiles(input.smiles, { source: 'contributions', molblock: false })
      : null;
  if (!result) throw new Error('the molecule has no structure to attribute');
  if (!result.ok) throw new Error(`the molecule could not be read again: ${result.error.message}`);
  return result.molecule;
}

export async function drawHighlighted(
  input: StructureSource,
  atoms: AtomContributionView[],
  range: number,
): Promise<string> {
  const R = await initChem(chemInitOptions());
  const mol = input.molblock
    ? R.get_mol(input.molblock, JSON.stringify({ removeHs: false }))
    : R.get_mol(input.smiles ?? '');
  if (!mol || !mol.is_valid()) {
    mol?.delete();
    throw new Error('RDKit could not read the molecule for drawing');
  }
  try {
    if (input.molblock) {
      mol.remove_hs_in_place();
      // A file's coordinates are often 3D: lay the molecule out flat for the drawing.
      mol.set_new_coords();
    }
    const json = JSON.parse(mol.get_json()) as {
      molecules: { atoms: { z?: number }[] }[];
      defaults: { atom: { z: number } };
    };
    const symbols = json.molecules[0].atoms.map((a) => elementSymbol(a.z ?? json.defaults.atom.z));
    if (
      symbols.length !== atoms.length ||
      symbols.some((symbol, i) => symbol !== atoms[i].element)
    ) {
      throw new Error(
        `the drawing's ${symbols.length} atoms do not line up with the model's ${atoms.length} heavy atoms`,
      );
    }
    const colours: Record<string, number[]> = {};
    const radii: Record<string, number> = {};
    for (const atom of atoms) {
      colours[atom.index] = contributionColour(atom.value, range);
      radii[atom.index] = 0.45;
    }
    return mol.get_svg_with_highlights(
      JSON.stringify({
        ...CONTRIBUTION_SVG_SIZE,
        atoms: atoms.map((a) => a.index),
        bonds: [],
        highlightAtomColors: colours,
        highlightAtomRadii: radii,
        atomHighlightsAreCircles: true,
        fillHighlights: true,
        addAtomIndices: true,
      }),
    );
  } finally {
    mol.delete();
  }
}
