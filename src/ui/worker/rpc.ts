// One request/response protocol for every worker of the page: calls are matched to answers by id,
// a call may stream progress before its answer, and the caller can cancel it. The page, the
// prediction worker and the chemistry and structure workers all speak it, over a Worker, a worker's
// own scope or a MessagePort (anything with postMessage and onmessage).

/** What a method takes, answers and reports while it runs. */
export interface MethodSpec {
  args: unknown;
  result: unknown;
  progress?: unknown;
}

/** A worker's methods: name -> spec. */
export type Api<A> = { [K in keyof A]: MethodSpec };

type ProgressOf<S> = S extends { progress: infer P } ? P : never;

/** The message end the RPC runs over: Worker, DedicatedWorkerGlobalScope, MessagePort. */
export interface RpcPort {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

type Request =
  { rpc: 'call'; id: number; method: string; args: unknown } | { rpc: 'cancel'; id: number };

type Reply =
  | { rpc: 'progress'; id: number; progress: unknown }
  | { rpc: 'result'; id: number; value: unknown }
  | { rpc: 'error'; id: number; message: string };

export interface CallOptions<P> {
  /** Called with each progress report, in order, before the promise settles. */
  onProgress?: (progress: P) => void;
  /**
   * Aborting asks the handler to stop. The handler decides how the call ends (a job answers with
   * what it did so far), so the promise still settles with the handler's answer.
   */
  signal?: AbortSignal;
  /** Objects moved to the other side instead of copied (file bytes, MessagePorts). */
  transfer?: Transferable[];
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (progress: unknown) => void;
}

/** The calling side: one per port. */
export class RpcClient<A extends Api<A>> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly port: RpcPort) {
    port.onmessage = (event: MessageEvent<Reply>) => this.receive(event.data);
  }

  call<K extends keyof A & string>(
    method: K,
    args: A[K]['args'],
    options: CallOptions<ProgressOf<A[K]>> = {},
  ): Promise<A[K]['result']> {
    const id = this.nextId++;
    const { signal } = options;
    return new Promise<A[K]['result']>((resolve, reject) => {
      const onAbort = () => this.port.postMessage({ rpc: 'cancel', id } satisfies Request);
      const settled = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (value) => {
          settled();
          resolve(value as A[K]['result']);
        },
        reject: (error) => {
          settled();
          reject(error);
        },
        onProgress: options.onProgress as ((progress: unknown) => void) | undefined,
      });
      this.port.postMessage({ rpc: 'call', id, method, args } satisfies Request, options.transfer);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private receive(reply: Reply): void {
    const call = this.pending.get(reply.id);
    if (!call) return;
    if (reply.rpc === 'progress') {
      call.onProgress?.(reply.progress);
      return;
    }
    this.pending.delete(reply.id);
    if (reply.rpc === 'result') call.resolve(reply.value);
    else call.reject(new Error(reply.message));
  }
}

/**
 * A macrotask boundary: a long handler awaits it between steps so that messages queued meanwhile
 * (a cancel, the next call) are handled before it goes on.
 */
export function yieldToMessages(): Promise<void> {
  channel ??= selfMessages();
  const { port2 } = channel;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port2.postMessage(null);
  });
}

// A message to itself, not setTimeout(0): browsers hold a timer set from a timer's callback five
// levels deep for at least 4 ms (4.4 ms in a Chromium worker), and a read yields every 50 ms.
let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

function selfMessages(): MessageChannel {
  const created = new MessageChannel();
  created.port1.onmessage = () => waiting.shift()?.();
  // In Node an open port keeps the process alive; a pending yield is a queued message anyway.
  for (const port of [created.port1, created.port2]) {
    (port as unknown as { unref?: () => void }).unref?.();
  }
  return created;
}

/** What a handler gets besides its arguments: its cancel signal and a way to report progress. */
export interface Task<P> {
  signal: AbortSignal;
  progress(progress: P, transfer?: Transferable[]): void;
}

export type Handlers<A extends Api<A>> = {
  [K in keyof A]: (
    args: A[K]['args'],
    task: Task<ProgressOf<A[K]>>,
  ) => A[K]['result'] | Promise<A[K]['result']>;
};

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The answering side: runs each call's handler and sends its progress and answer back. */
export function serve<A extends Api<A>>(port: RpcPort, handlers: Handlers<A>): void {
  const running = new Map<number, AbortController>();
  const post = (reply: Reply, transfer?: Transferable[]) => port.postMessage(reply, transfer);
  port.onmessage = (event: MessageEvent<Request>) => {
    const request = event.data;
    if (request.rpc === 'cancel') {
      running.get(request.id)?.abort();
      return;
    }
    const { id } = request;
    const handler = handlers[request.method as keyof A] as
      ((args: unknown, task: Task<unknown>) => unknown) | undefined;
    if (!handler) {
      post({ rpc: 'error', id, message: `no method ${request.method}` });
      return;
    }
    const controller = new AbortController();
    running.set(id, controller);
    const task: Task<unknown> = {
      signal: controller.signal,
      progress: (progress, transfer) => post({ rpc: 'progress', id, progress }, transfer),
    };
    // Started at once (a handler may need to queue itself before the next message arrives); a
    // synchronous throw is answered like a rejection.
    let result: unknown;
    try {
      result = handler(request.args, task);
    } catch (error) {
      result = Promise.reject(error);
    }
    Promise.resolve(result)
      .then(
        (value) => post({ rpc: 'result', id, value }),
        (error: unknown) => post({ rpc: 'error', id, message: message(error) }),
      )
      .finally(() => running.delete(id));
  };
}
