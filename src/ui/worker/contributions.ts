// The model half of atom contributions, run in the prediction worker: integrated gradients on the
// graph the chemistry worker read again, folded onto the displayed atoms; the drawing comes back
// from the chemistry worker.
import { elementSymbol } from '../../chem/types';
import type { MoleculeGraph } from '../../chem/types';
import { foldHydrogens, type Predictor, type TargetKey } from '../../model';
import { symmetricRange } from '../contributionScale';
import type { AtomContributionView, ContributionView } from './protocol';

export async function contributionView(
  predictor: Predictor,
  graph: MoleculeGraph,
  target: TargetKey,
  draw: (atoms: AtomContributionView[], range: number) => Promise<string>,
): Promise<ContributionView> {
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
    svg: await draw(atoms, range),
  };
}
