// The workers' RPC over a real MessageChannel: the same port objects a browser hands to workers.
import { afterEach, describe, expect, it } from 'vitest';
import {
  RpcClient,
  serve,
  yieldToMessages,
  type Handlers,
  type RpcPort,
} from '../../src/ui/worker/rpc';

interface TestApi {
  add: { args: { a: number; b: number }; result: number };
  fail: { args: null; result: never };
  count: {
    args: { to: number };
    result: { counted: number; cancelled: boolean };
    progress: number;
  };
  bytes: { args: { data: ArrayBuffer }; result: number };
  spin: { args: null; result: { steps: number } };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

const handlers: Handlers<TestApi> = {
  add: ({ a, b }) => a + b,
  fail: () => {
    throw new Error('no such molecule');
  },
  // Like a job: reports each step and looks at its cancel signal between steps.
  count: async ({ to }, task) => {
    for (let i = 1; i <= to; i++) {
      task.progress(i);
      await tick();
      if (task.signal.aborted) return { counted: i, cancelled: true };
    }
    return { counted: to, cancelled: false };
  },
  bytes: ({ data }) => data.byteLength,
  // Like the chemistry worker's read: yields with yieldToMessages until a cancel comes in.
  spin: async (_args, task) => {
    let steps = 0;
    while (!task.signal.aborted) {
      steps++;
      await yieldToMessages();
    }
    return { steps };
  },
};

let channels: MessageChannel[] = [];

function connect(): RpcClient<TestApi> {
  const channel = new MessageChannel();
  channels.push(channel);
  serve<TestApi>(channel.port2 as unknown as RpcPort, handlers);
  return new RpcClient<TestApi>(channel.port1 as unknown as RpcPort);
}

afterEach(() => {
  for (const { port1, port2 } of channels) {
    port1.close();
    port2.close();
  }
  channels = [];
});

describe('worker RPC', () => {
  it('matches concurrent answers to their calls', async () => {
    const client = connect();
    const answers = await Promise.all([
      client.call('add', { a: 1, b: 2 }),
      client.call('add', { a: 10, b: 20 }),
      client.call('add', { a: 100, b: 200 }),
    ]);
    expect(answers).toEqual([3, 30, 300]);
  });

  it('rejects with the handler message, thrown or unknown method', async () => {
    const client = connect();
    await expect(client.call('fail', null)).rejects.toThrow('no such molecule');
    const untyped = client as unknown as RpcClient<{ missing: { args: null; result: null } }>;
    await expect(untyped.call('missing', null)).rejects.toThrow('no method missing');
  });

  it('delivers every progress report, in order, before the answer', async () => {
    const client = connect();
    const seen: number[] = [];
    const result = await client.call('count', { to: 5 }, { onProgress: (n) => seen.push(n) });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(result).toEqual({ counted: 5, cancelled: false });
  });

  it('passes a cancel to the running handler, which answers with what it did', async () => {
    const client = connect();
    const controller = new AbortController();
    const seen: number[] = [];
    const result = await client.call(
      'count',
      { to: 1000 },
      {
        signal: controller.signal,
        onProgress: (n) => {
          seen.push(n);
          if (n === 3) controller.abort();
        },
      },
    );
    expect(result.cancelled).toBe(true);
    expect(result.counted).toBeLessThan(1000);
    expect(seen.length).toBe(result.counted);
  });

  it('a handler yielding with yieldToMessages still receives the cancel sent meanwhile', async () => {
    const client = connect();
    const controller = new AbortController();
    const call = client.call('spin', null, { signal: controller.signal });
    await tick();
    controller.abort();
    const { steps } = await call;
    expect(steps).toBeGreaterThan(0);
  });

  it('cancels a call whose signal was aborted before it was sent', async () => {
    const client = connect();
    const result = await client.call('count', { to: 1000 }, { signal: AbortSignal.abort() });
    expect(result).toEqual({ counted: 1, cancelled: true });
  });

  it('moves transferred buffers instead of copying them', async () => {
    const client = connect();
    const data = new ArrayBuffer(64);
    const length = client.call('bytes', { data }, { transfer: [data] });
    expect(data.byteLength).toBe(0); // detached here: it now belongs to the other side
    await expect(length).resolves.toBe(64);
  });
});
