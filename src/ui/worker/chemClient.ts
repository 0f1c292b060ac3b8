// The prediction worker's side of the port to the chemistry worker: plain calls go through the RPC
// client; reading a job collects the streamed slices into rows.
import type { ChemApi } from './chemProtocol';
import type { JobInput, StartupStage } from './protocol';
import { RpcClient } from './rpc';
import type { WorkerRow } from './rows';

export type ChemClient = RpcClient<ChemApi>;

export function chemClient(port: MessagePort): ChemClient {
  return new RpcClient<ChemApi>(port);
}

/** Reads a job's inputs into rows (graphs included); file bytes are transferred, not copied. */
export async function readRows(
  chem: ChemClient,
  inputs: JobInput[],
  firstRowId: number,
  options: {
    signal: AbortSignal;
    progress: (done: number, total: number, perSecond: number) => void;
  },
): Promise<{ rows: WorkerRow[]; cancelled: boolean }> {
  const rows: WorkerRow[] = [];
  const { cancelled } = await chem.call(
    'read',
    { inputs, firstRowId },
    {
      signal: options.signal,
      transfer: inputs.flatMap((input) => (input.kind === 'file' ? [input.bytes] : [])),
      onProgress: (slice) => {
        rows.push(...slice.rows);
        options.progress(slice.done, slice.total, slice.perSecond);
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
