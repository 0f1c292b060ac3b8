// A big file's whole path (RDKit's read, packing, the model's chunks, the rows), rehearsed on made-up
// molecules while the page sits idle after a wasm load. Until V8 has optimized that code a job runs
// part of it unoptimized and compiles the rest on the same two cores: in a trace of a 10,000-line
// file dropped after 10 s of idle, background compilation (JavaScript and wasm) took more CPU than
// garbage collection. Rehearsed, much of that work is done before the user's file arrives (not all:
// V8 still re-optimizes some functions during a big job; see docs/benchmarks.md).
import type { ChemClient } from './chemClient';
import { runJob } from './jobs';
import type { ModelHost } from './modelHost';
import { variedMolecules } from './warmUpMolecules';

/** Enough molecules for several full chunks: the model's per-chunk code runs as often as per-atom code. */
export const REHEARSAL_MOLECULES = 1_024;

/** The rehearsal's input: a SMILES file of varied made-up molecules (warmUpMolecules.ts). */
export function rehearsalText(count = REHEARSAL_MOLECULES): string {
  return variedMolecules(count).join('\n');
}

/** Runs the rehearsal job; stops between chunks once `signal` aborts. Nothing is logged or shown. */
export async function rehearseJob(
  host: ModelHost,
  chem: ChemClient,
  signal: AbortSignal,
): Promise<void> {
  await runJob(
    host,
    chem,
    { inputs: [{ kind: 'text', text: rehearsalText(), source: 'rehearsal' }], firstRowId: 0 },
    { signal, progress: () => undefined },
    { log: false },
  );
}
