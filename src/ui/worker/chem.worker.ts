/// <reference lib="webworker" />
// RDKit's own thread: parsing, featurizing, reading files and drawing. It starts RDKit as soon as its
// script runs, so RDKit's compile and start (the longest step before a first prediction) overlap
// tfjs' start and the model download in the prediction worker instead of taking turns with them.
import { initChem, openMoleculeFile, openText, parseSmiles, parseText } from '../../chem';
import { chemInitOptions } from './assets';
import type { ChemCallName, ChemCalls, FromChem, FromPageToChem, ToChem } from './chemProtocol';
import { drawHighlighted, reread } from './contributionDrawing';
import { resultToRow, type WorkerRow } from './rows';
import { markStage, startupStages, timedStage } from './startupStages';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let receiveWasm: (module: WebAssembly.Module | null) => void = () => undefined;
const compiledWasm = new Promise<WebAssembly.Module | null>((resolve) => (receiveWasm = resolve));
const ready = timedStage('rdkit init', () => initChem({ ...chemInitOptions(), compiledWasm }));
// The prediction worker reports these marks with its own when the model is ready, which is after
// its warm-up molecule, so after this message.
ready.then(
  () => post({ type: 'stages', stages: startupStages() }),
  () => undefined,
);

let port: MessagePort | null = null;
/** Messages from before the page's connect message (only the start-up marks can come that early). */
const unsent: FromChem[] = [];
const cancelled = new Set<number>();

function post(message: FromChem): void {
  if (port) port.postMessage(message);
  else unsent.push(message);
}

// A macrotask boundary so that a queued 'cancel' message is handled between slices.
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

const calls: {
  [K in ChemCallName]: (argument: ChemCalls[K][0]) => ChemCalls[K][1] | Promise<ChemCalls[K][1]>;
} = {
  parseSmiles: ({ smiles, source }) => {
    const result = parseSmiles(smiles, { source });
    if (!result.ok) throw new Error(`${smiles} failed to parse: ${result.error.message}`);
    return result.molecule;
  },
  validate: ({ text }) => {
    const results = parseText(text, 'input');
    const issues = results.flatMap((result) =>
      result.ok
        ? []
        : [{ record: result.error.record, name: result.error.name, message: result.error.message }],
    );
    return { molecules: results.length - issues.length, issues };
  },
  featurize: ({ smiles }) => {
    const t0 = performance.now();
    const graphs = smiles.flatMap((s) => {
      const result = parseSmiles(s, { source: 'benchmark' });
      return result.ok ? [result.molecule] : [];
    });
    return { graphs, featurizeMs: performance.now() - t0 };
  },
  reread,
  drawContributions: ({ structure, atoms, range }) => drawHighlighted(structure, atoms, range),
};

async function answer(message: ToChem & { type: 'call' }): Promise<void> {
  try {
    await ready;
    const call = calls[message.name] as (argument: unknown) => unknown;
    post({ type: 'answer', callId: message.callId, ok: true, value: await call(message.argument) });
  } catch (error) {
    post({
      type: 'answer',
      callId: message.callId,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * Longest stretch of reading between two looks at the message queue. Records take from under a
 * millisecond to tens of milliseconds each (size, format, a busy machine), so reading yields by
 * time, not by count: progress and cancel stay within about this much of the user.
 */
const READ_SLICE_MS = 50;

async function read(message: ToChem & { type: 'read' }): Promise<void> {
  const { jobId } = message;
  await ready;
  const readStart = performance.now();
  // Opening splits every input into records up front (string work), so the total is known.
  const opened = message.inputs.map((input) =>
    input.kind === 'text'
      ? openText(input.text, input.source)
      : openMoleculeFile(input.name, new Uint8Array(input.bytes)),
  );
  const total = opened.reduce((n, records) => n + records.total, 0);
  let nextId = message.firstRowId;
  let done = 0;
  let slice: WorkerRow[] = [];
  let sliceStart = performance.now();
  // Sends the slice's rows and progress, then lets a cancel in; true when the job was cancelled.
  const endSlice = async (): Promise<boolean> => {
    if (slice.length > 0) post({ type: 'read-rows', jobId, rows: slice });
    slice = [];
    post({
      type: 'read-progress',
      jobId,
      done,
      total,
      perSecond: done / ((performance.now() - readStart) / 1000 || 1e-3),
    });
    await yieldToMessages();
    sliceStart = performance.now();
    return cancelled.delete(jobId);
  };
  for (const records of opened) {
    for (const result of records.results) {
      slice.push(resultToRow(result, nextId++));
      done++;
      if (performance.now() - sliceStart >= READ_SLICE_MS && (await endSlice())) {
        return post({ type: 'read-done', jobId, cancelled: true });
      }
    }
  }
  const wasCancelled = await endSlice();
  post({ type: 'read-done', jobId, cancelled: wasCancelled });
}

function receive(event: MessageEvent<ToChem>): void {
  const message = event.data;
  switch (message.type) {
    case 'call':
      void answer(message);
      break;
    case 'read':
      read(message).catch((error: unknown) =>
        post({
          type: 'read-failed',
          jobId: message.jobId,
          message: error instanceof Error ? error.message : String(error),
        }),
      );
      break;
    case 'cancel':
      cancelled.add(message.jobId);
      break;
  }
}

scope.onmessage = (event: MessageEvent<FromPageToChem>) => {
  const message = event.data;
  if (message.type === 'rdkit-wasm') {
    markStage(message.module ? 'rdkit wasm received' : 'rdkit wasm not compiled by the page');
    receiveWasm(message.module);
    return;
  }
  port = message.port;
  port.onmessage = receive;
  markStage('connected');
  for (const unsentMessage of unsent.splice(0)) port.postMessage(unsentMessage);
};
