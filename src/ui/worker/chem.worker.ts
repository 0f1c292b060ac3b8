/// <reference lib="webworker" />
// RDKit's own thread: parsing, featurizing, reading files and drawing. It starts RDKit as soon as its
// script runs, so RDKit's compile and start (the longest step before a first prediction) overlap
// tfjs' start and the model download in the prediction worker instead of taking turns with them.
import { initChem, openMoleculeFile, openText, parseSmiles, parseText } from '../../chem';
import { packedBuffers } from '../../model/packedGraphs';
import { chemInitOptions } from './assets';
import type { ChemApi, ChemSetupApi } from './chemProtocol';
import { warmUpChemistry, WARM_UP_MOLECULES } from './chemWarmUp';
import { drawHighlighted, reread } from './contributionDrawing';
import { serve, yieldToMessages, type Handlers, type Task } from './rpc';
import { packSlice, resultToRow, type ReadRow } from './rows';
import { markStage, startupStages, timedStage } from './startupStages';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let receiveWasm: (module: WebAssembly.Module | null) => void = () => undefined;
const compiledWasm = new Promise<WebAssembly.Module | null>((resolve) => (receiveWasm = resolve));
const ready = timedStage('rdkit init', () => initChem({ ...chemInitOptions(), compiledWasm }));
ready.catch(() => undefined); // each call reports the failure

/**
 * Longest stretch of reading between two looks at the message queue. Records take from under a
 * millisecond to tens of milliseconds each (size, format, a busy machine), so reading yields by
 * time, not by count: progress and cancel stay within about this much of the user.
 */
const READ_SLICE_MS = 50;

async function read(
  { inputs, firstRowId }: ChemApi['read']['args'],
  task: Task<ChemApi['read']['progress']>,
): Promise<{ cancelled: boolean }> {
  const readStart = performance.now();
  // Opening splits every input into records up front (string work), so the total is known.
  const opened = inputs.map((input) =>
    input.kind === 'text'
      ? openText(input.text, input.source)
      : openMoleculeFile(input.name, new Uint8Array(input.bytes)),
  );
  const total = opened.reduce((n, records) => n + records.total, 0);
  let nextId = firstRowId;
  let done = 0;
  let slice: ReadRow[] = [];
  let sliceStart = performance.now();
  // Sends the slice's rows and progress, then lets a cancel in; true when the job was cancelled.
  const endSlice = async (): Promise<boolean> => {
    const packed = packSlice(slice);
    task.progress(
      {
        ...packed,
        done,
        total,
        perSecond: done / ((performance.now() - readStart) / 1000 || 1e-3),
      },
      packed.graphs ? packedBuffers(packed.graphs) : [],
    );
    slice = [];
    await yieldToMessages();
    sliceStart = performance.now();
    return task.signal.aborted;
  };
  for (const records of opened) {
    for (const result of records.results) {
      slice.push(resultToRow(result, nextId++));
      done++;
      if (performance.now() - sliceStart >= READ_SLICE_MS && (await endSlice())) {
        return { cancelled: true };
      }
    }
  }
  return { cancelled: await endSlice() };
}

/** Requests being answered, and when the last one ended: the warm-up runs only when idle. */
let active = 0;
let lastActivity = 0;
/** Quiet time before warming up: the first prediction and the GPU probes come first. */
const WARM_UP_AFTER_IDLE_MS = 3_000;
let warmedUp = 0;

/** Warms RDKit's hot paths once the worker has been idle a while; requests interrupt it. */
function scheduleWarmUp(): void {
  setTimeout(async () => {
    const idleFor = performance.now() - lastActivity;
    if (active > 0 || idleFor < WARM_UP_AFTER_IDLE_MS) return scheduleWarmUp();
    warmedUp += await warmUpChemistry(
      () => active > 0,
      yieldToMessages,
      WARM_UP_MOLECULES - warmedUp,
    );
    if (warmedUp < WARM_UP_MOLECULES) scheduleWarmUp();
    else markStage('chemistry warmed up');
  }, WARM_UP_AFTER_IDLE_MS);
}
ready.then(scheduleWarmUp, () => undefined);

/** Every call waits for RDKit; a failed start fails each call with its reason. */
function afterStart<A, R, P>(
  handler: (args: A, task: Task<P>) => R | Promise<R>,
): (args: A, task: Task<P>) => Promise<R> {
  return async (args, task) => {
    active++;
    try {
      await ready;
      return await handler(args, task);
    } finally {
      active--;
      lastActivity = performance.now();
    }
  };
}

const calls: Handlers<ChemApi> = {
  parseSmiles: afterStart(({ smiles, source }) => {
    const result = parseSmiles(smiles, { source });
    if (!result.ok) throw new Error(`${smiles} failed to parse: ${result.error.message}`);
    return result.molecule;
  }),
  validate: afterStart(({ text }) => {
    const results = parseText(text, 'input');
    const issues = results.flatMap((result) =>
      result.ok
        ? []
        : [{ record: result.error.record, name: result.error.name, message: result.error.message }],
    );
    return { molecules: results.length - issues.length, issues };
  }),
  featurize: afterStart(({ smiles }) => {
    const t0 = performance.now();
    const graphs = smiles.flatMap((s) => {
      const result = parseSmiles(s, { source: 'benchmark' });
      return result.ok ? [result.molecule] : [];
    });
    return { graphs, featurizeMs: performance.now() - t0 };
  }),
  reread: afterStart(reread),
  drawContributions: afterStart(({ structure, atoms, range }) =>
    drawHighlighted(structure, atoms, range),
  ),
  read: afterStart(read),
  // The prediction worker asks for these when its model is ready, which is after its warm-up
  // molecule, so after RDKit's start.
  stages: async () => {
    await ready.catch(() => undefined);
    return startupStages();
  },
};

const setup: Handlers<ChemSetupApi> = {
  connect: ({ port }) => {
    serve<ChemApi>(port, calls);
    markStage('connected');
  },
  rdkitWasm: ({ module }) => {
    markStage(module ? 'rdkit wasm received' : 'rdkit wasm not compiled by the page');
    receiveWasm(module);
  },
};

serve<ChemSetupApi>(scope, setup);
