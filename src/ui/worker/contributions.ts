// Atom contributions for the detail view, computed where the model and RDKit live. The worker keeps
// no graphs between jobs, so it re-reads the row's structure; drawing from that same structure
// keeps the drawing's atom indices equal to the graph's heavy atoms.
import { initChem, parseMolblock, parseSmiles, type MoleculeGraph } from '../../chem';
import { elementSymbol } from '../../chem/domain';
import { foldHydrogens } from '../../model/attribution';
import type { Predictor } from '../../model/predictor';
import type { TargetKey } from '../../model/types';
import { contributionColour, symmetricRange } from '../contributionScale';
import { chemInitOptions } from './assets';
import type { AtomContributionView, ContributionView } from './protocol';

export const CONTRIBUTION_SVG_SIZE = { width: 280, height: 220 } as const;

interface StructureSource {
  molblock?: string;
  smiles?: string;
}

/** The molblock first: it carries the file's atom order, which the 3D view shows too. */
function reread(input: StructureSource): MoleculeGraph {
  const result = input.molblock
    ? parseMolblock(input.molblock, { source: 'contributions', molblock: false })
    : input.smiles
      ? parseSmiles(input.smiles, { source: 'contributions', molblock: false })
      : null;
  if (!result) throw new Error('the molecule has no structure to attribute');
  if (!result.ok) throw new Error(`the molecule could not be read again: ${result.error.message}`);
  return result.molecule;
}

async function drawHighlighted(
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

export async function contributionView(
  predictor: Predictor,
  input: StructureSource,
  target: TargetKey,
): Promise<ContributionView> {
  await initChem(chemInitOptions());
  const graph = reread(input);
  const c = await predictor.contributions(graph, target);
  const atoms = foldHydrogens(graph, c.atoms).map((f, index): AtomContributionView => ({
    index,
    element: elementSymbol(graph.atomicNumbers[f.atom]),
    hydrogens: f.hydrogens,
    value: f.value,
  }));
  const range = symmetricRange(atoms.map((a) => a.value));
  return {
    target,
    atoms,
    learned: c.learned,
    reference: c.reference,
    offset: c.offset,
    value: c.value,
    steps: c.steps,
    range,
    svg: await drawHighlighted(input, atoms, range),
  };
}
