/// <reference lib="webworker" />
// OpenChemLib work for the page, off the main thread: its first SMILES layout initializes for
// over a second on a busy machine, and a 3D conformer takes about a second per molecule.
import { ConformerGenerator, Molecule, Resources } from 'openchemlib';
import resourcesUrl from '../../../node_modules/openchemlib/dist/resources.json?url';

export interface StructureInput {
  /** A molblock when the reader gave one, otherwise SMILES. */
  molblock?: string;
  smiles?: string;
}

export type StructureRequest = StructureInput & { requestId: number } & (
    { kind: 'svg'; width: number; height: number } | { kind: 'molfile2d' } | { kind: 'conformer' }
  );

export type StructureReply =
  { requestId: number; ok: true; text: string } | { requestId: number; ok: false; message: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
let resources: Promise<void> | null = null;

/** SMILES first (RDKit canonical, with a fresh 2D layout); the molblock for what OCL cannot read. */
function molecule2d(input: StructureInput): Molecule {
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

async function conformer(input: StructureInput): Promise<string> {
  resources ??= Resources.registerFromUrl(resourcesUrl);
  await resources;
  const molecule = input.molblock ? Molecule.fromMolfile(input.molblock) : molecule2d(input);
  // A fixed seed: the same molecule always shows the same conformer.
  const generated = new ConformerGenerator(42).getOneConformerAsMolecule(molecule);
  if (!generated) throw new Error('no collision-free 3D conformer found');
  return generated.toMolfile();
}

async function answer(request: StructureRequest): Promise<string> {
  switch (request.kind) {
    case 'svg':
      return molecule2d(request).toSVG(request.width, request.height);
    case 'molfile2d':
      return molecule2d(request).toMolfile();
    case 'conformer':
      return conformer(request);
  }
}

scope.onmessage = (event: MessageEvent<StructureRequest>) => {
  const { requestId } = event.data;
  answer(event.data).then(
    (text) => scope.postMessage({ requestId, ok: true, text } satisfies StructureReply),
    (error: unknown) =>
      scope.postMessage({
        requestId,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      } satisfies StructureReply),
  );
};
