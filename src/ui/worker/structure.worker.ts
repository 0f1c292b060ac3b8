/// <reference lib="webworker" />
// OpenChemLib work for the page, off the main thread: its first SMILES layout initializes for
// over a second on a busy machine, and a 3D conformer takes about a second per molecule.
import { ConformerGenerator, Molecule, Resources } from 'openchemlib';
import resourcesUrl from '../../../node_modules/openchemlib/dist/resources.json?url';
import type { StructureSource } from './protocol';
import { serve } from './rpc';

/** The structure worker's methods; each answers with text (SVG markup or a molfile). */
export interface StructureApi {
  svg: { args: { input: StructureSource; width: number; height: number }; result: string };
  molfile2d: { args: { input: StructureSource }; result: string };
  conformer: { args: { input: StructureSource }; result: string };
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
let resources: Promise<void> | null = null;

/** SMILES first (RDKit canonical, with a fresh 2D layout); the molblock for what OCL cannot read. */
function molecule2d(input: StructureSource): Molecule {
  if (input.smiles) {
    try {
      return Molecule.fromSmiles(input.smiles);
    } catch {
      // fall through to the molblock
    }
  }
  if (!input.molblock) throw new Error('no structure');
  const molecule = Molecule.fromMolfile(input.molblock);
  molecule.removeExplicitHydrogens();
  molecule.inventCoordinates();
  return molecule;
}

async function conformer(input: StructureSource): Promise<string> {
  resources ??= Resources.registerFromUrl(resourcesUrl);
  await resources;
  const molecule = input.molblock ? Molecule.fromMolfile(input.molblock) : molecule2d(input);
  // A fixed seed: the same molecule always shows the same conformer.
  const generated = new ConformerGenerator(42).getOneConformerAsMolecule(molecule);
  if (!generated) throw new Error('no collision-free 3D conformer found');
  return generated.toMolfile();
}

serve<StructureApi>(scope, {
  svg: ({ input, width, height }) => molecule2d(input).toSVG(width, height),
  molfile2d: ({ input }) => molecule2d(input).toMolfile(),
  conformer: ({ input }) => conformer(input),
});
