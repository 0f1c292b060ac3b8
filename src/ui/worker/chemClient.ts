// The prediction worker's side of the port to the chemistry worker: calls that answer once, and
// reading jobs that stream rows and progress until done, cancelled or failed.
import type { ChemCallName, ChemCalls, FromChem, ToChem } from './chemProtocol';
import type { JobInput, StartupStage } from './protocol';
import type { WorkerRow } from './rows';

export interface ReadListener {
  progress: (done: number, total: number, perSecond: number) => void;
}

interface Reading {
  rows: WorkerRow[];
  listener: ReadListener;
  settle: (outcome: { rows: WorkerRow[]; cancelled: boolean } | Error) => void;
}

export class ChemClient {
  private nextCallId = 1;
  private readonly answers = new Map<number, (reply: FromChem & { type: 'answer' }) => void>();
  private readonly readings = new Map<number, Reading>();
  private chemStages: StartupStage[] = [];

  constructor(private readonly port: MessagePort) {
    port.onmessage = (event: MessageEvent<FromChem>) => this.receive(event.data);
  }

  call<K extends ChemCallName>(name: K, argument: ChemCalls[K][0]): Promise<ChemCalls[K][1]> {
    const callId = this.nextCallId++;
    return new Promise((resolve, reject) => {
      this.answers.set(callId, (reply) =>
        reply.ok ? resolve(reply.value as ChemCalls[K][1]) : reject(new Error(reply.message)),
      );
      this.send({ type: 'call', callId, name, argument } as ToChem);
    });
  }

  /** Reads a job's inputs into rows (graphs included); file bytes are transferred, not copied. */
  read(
    jobId: number,
    inputs: JobInput[],
    firstRowId: number,
    listener: ReadListener,
  ): Promise<{ rows: WorkerRow[]; cancelled: boolean }> {
    return new Promise((resolve, reject) => {
      this.readings.set(jobId, {
        rows: [],
        listener,
        settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)),
      });
      const transfer = inputs.flatMap((input) => (input.kind === 'file' ? [input.bytes] : []));
      this.send({ type: 'read', jobId, inputs, firstRowId }, transfer);
    });
  }

  cancel(jobId: number): void {
    this.send({ type: 'cancel', jobId });
  }

  /** The chemistry worker's start-up marks, each prefixed "chem ". */
  stages(): StartupStage[] {
    return this.chemStages;
  }

  private send(message: ToChem, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  private receive(message: FromChem): void {
    switch (message.type) {
      case 'answer':
        this.answers.get(message.callId)?.(message);
        this.answers.delete(message.callId);
        break;
      case 'stages':
        this.chemStages = message.stages.map(({ stage, at }) => ({ stage: `chem ${stage}`, at }));
        break;
      case 'read-rows':
        this.readings.get(message.jobId)?.rows.push(...message.rows);
        break;
      case 'read-progress':
        this.readings
          .get(message.jobId)
          ?.listener.progress(message.done, message.total, message.perSecond);
        break;
      case 'read-done':
      case 'read-failed': {
        const reading = this.readings.get(message.jobId);
        this.readings.delete(message.jobId);
        reading?.settle(
          message.type === 'read-done'
            ? { rows: reading.rows, cancelled: message.cancelled }
            : new Error(message.message),
        );
        break;
      }
    }
  }
}
