// Writes a small table in QM9's CSV layout (energies back in Hartree) for tests that run the CLIs
// on molecules and values they make up.
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'fflate';
import { TARGETS, type TargetKey } from '../../src/model/types';
import { HARTREE_COLUMNS, HARTREE_TO_EV } from '../../training/qm9Csv';

export interface Qm9Row {
  gdbIdx: number;
  smiles: string;
  /** TARGETS units (eV for energies), as the model predicts them. */
  values: Record<TargetKey, number>;
}

export async function writeQm9Csv(file: string, rows: Qm9Row[]): Promise<void> {
  const header = ['gdb_idx', 'smiles', ...TARGETS.map((t) => t.key), 'uncharacterized'];
  const lines = rows.map((r) =>
    [
      r.gdbIdx,
      r.smiles,
      ...TARGETS.map((t) =>
        HARTREE_COLUMNS.has(t.key) ? r.values[t.key] / HARTREE_TO_EV : r.values[t.key],
      ),
      0,
    ].join(','),
  );
  await writeFile(file, gzipSync(new TextEncoder().encode([header, ...lines].join('\n') + '\n')));
}
