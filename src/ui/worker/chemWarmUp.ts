// RDKit's hot paths (SMILES and molfile parsing, sanitizing, canonical SMILES, the JSON writer,
// substructure matching) run several times slower until V8 has optimized them: in headless
// Chromium on 2 cores the first ~1,500 molecules of a job featurized at 250-950 mol/s, the rest
// at ~4,000. The chemistry worker pays that warm-up while it is idle after start-up instead of at
// the start of the user's first big file; any request stops it at once.
import { parseMolblock, parseSmiles, rdkit } from '../../chem';
import { WARM_UP_SMILES } from './warmUpMolecules';

/** Featurizations it takes: past the point where the rate stopped rising in that measurement. */
export const WARM_UP_MOLECULES = 2_000;
/** Longest stretch between two looks at the message queue. */
const SLICE_MS = 20;

let molblocks: string[] | null = null;

/** The warm-up molecules as molfiles, made once: an interrupted warm-up resumes with them. */
function warmUpMolblocks(): string[] {
  molblocks ??= WARM_UP_SMILES.map((smiles) => {
    const mol = rdkit().get_mol(smiles);
    try {
      return mol?.get_molblock() ?? '';
    } finally {
      mol?.delete();
    }
  }).filter(Boolean);
  return molblocks;
}

/**
 * Featurizes `count` warm-up molecules, alternating SMILES and molfiles, in short slices; stops
 * early when `stopped()` turns true (checked between slices). Returns how many were featurized.
 */
export async function warmUpChemistry(
  stopped: () => boolean,
  yieldToMessages: () => Promise<void>,
  count = WARM_UP_MOLECULES,
): Promise<number> {
  const blocks = warmUpMolblocks();
  let done = 0;
  while (done < count) {
    await yieldToMessages();
    if (stopped()) break;
    const sliceEnd = performance.now() + SLICE_MS;
    while (done < count && performance.now() < sliceEnd) {
      const i = done++;
      const k = Math.floor(i / 2) % WARM_UP_SMILES.length;
      if (i % 2 === 0) parseSmiles(WARM_UP_SMILES[k], { source: 'warm-up' });
      else parseMolblock(blocks[k % blocks.length], { source: 'warm-up' });
    }
  }
  return done;
}
