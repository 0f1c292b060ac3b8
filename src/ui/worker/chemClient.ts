// The prediction worker's side of the port to the chemistry worker: plain calls go through the RPC
// client; reading a job collects the streamed slices into rows.
import type { ChemApi } from './chemProtocol';
import type { JobInput, StartupStage } from './protocol';
import { RpcClient } from './rpc';
import { unpackSlice, type WorkerRow } from './rows';

export type ChemClient = RpcClient<ChemApi>;

export function chemClient(port: MessagePort): ChemClient {
  return new RpcClient<ChemApi>(port);
}

/**
 * Reads a job's inputs into rows (with references to their packed graphs); file bytes are
 * transferred, not copied.
 * `rows` grows slice by slice while the read runs and `arrived` is called after each slice, so the
 * caller can predict the first rows while the chemistry worker is still reading the rest.
 */
export async function readRows(
  chem: ChemClient,
  inputs: JobInput[],
  firstRowId: number,
  options: {
    signal: AbortSignal;
    progress: (done: number, total: number, perSecond: number) => void;
    rows?: WorkerRow[];
    arrived?: () => void;
  },
): Promise<{ rows: WorkerRow[]; cancelled: boolean }> {
  const rows = options.rows ?? [];
  const { cancelled } = await chem.call(
    'read',
    { inputs, firstRowId },
    {
      signal: options.signal,
      transfer: inputs.flatMap((input) => (input.kind === 'file' ? [input.bytes] : [])),
      onProgress: (slice) => {
        for (const row of unpackSlice(slice)) rows.push(row);
        options.progress(slice.done, slice.total, slice.perSecond);
        options.arrived?.();
      },
    },
  );
  return { rows, cancelled };
}

/** The chemistry worker's start-up marks, each prefixed "chem ". */
export async function chemStages(chem: ChemClient): Promise<StartupStage[]> {
  const stages = await chem.call('stages', null);
  return stages.map(({ stage, at }) => ({ stage: `chem ${stage}`, at }));
}
