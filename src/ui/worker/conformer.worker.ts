/// <reference lib="webworker" />
// 3D conformers take about a second per molecule in OpenChemLib: they run here, off the page.
import { ConformerGenerator, Molecule, Resources } from 'openchemlib';
import resourcesUrl from '../../../node_modules/openchemlib/dist/resources.json?url';

export interface ConformerRequest {
  requestId: number;
  /** The structure: a molblock when the reader gave one, otherwise SMILES. */
  molblock?: string;
  smiles?: string;
}
export type ConformerReply =
  | { requestId: number; ok: true; molblock: string }
  | { requestId: number; ok: false; message: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
let resources: Promise<void> | null = null;

async function conformer(request: ConformerRequest): Promise<string> {
  resources ??= Resources.registerFromUrl(resourcesUrl);
  await resources;
  let molecule: Molecule;
  if (request.molblock) molecule = Molecule.fromMolfile(request.molblock);
  else if (request.smiles) molecule = Molecule.fromSmiles(request.smiles);
  else throw new Error('no structure to build in 3D');
  // A fixed seed: the same molecule always shows the same conformer.
  const generated = new ConformerGenerator(42).getOneConformerAsMolecule(molecule);
  if (!generated) throw new Error('no collision-free 3D conformer found');
  return generated.toMolfile();
}

scope.onmessage = (event: MessageEvent<ConformerRequest>) => {
  const { requestId } = event.data;
  conformer(event.data).then(
    (result) =>
      scope.postMessage({ requestId, ok: true, molblock: result } satisfies ConformerReply),
    (error: unknown) =>
      scope.postMessage({
        requestId,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      } satisfies ConformerReply),
  );
};
