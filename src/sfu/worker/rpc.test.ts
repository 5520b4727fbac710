import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { RpcClient, serve, type Reply, type Request } from './rpc.js';

/** A served API with a sync, an async and a failing method, recording the order calls start in. */
function calculator() {
  const started: string[] = [];
  let release: () => void = () => {};
  const api = {
    add(a: number, b: number): number {
      started.push('add');
      return a + b;
    },
    async slow(x: string): Promise<string> {
      started.push('slow');
      await new Promise<void>((r) => (release = r));
      return x.toUpperCase();
    },
    fail(): never {
      started.push('fail');
      throw new Error('no can do');
    },
  };
  return { api, started, release: () => release() };
}
type Calculator = ReturnType<typeof calculator>['api'];

/** Client and server on the two ends of a real MessageChannel (structured clone, as over IPC). */
function connect(api: Calculator): { client: RpcClient<Calculator>; ports: [MessagePort, MessagePort] } {
  const { port1, port2 } = new MessageChannel();
  const client = new RpcClient<Calculator>((request) => port1.postMessage(request));
  port1.on('message', (reply: Reply) => client.settle(reply));
  port2.on('message', (request: Request<Calculator>) => void serve(api, request).then((reply) => port2.postMessage(reply)));
  return { client, ports: [port1, port2] };
}

test('replies find their calls by id, also out of order; errors come back as rejections', async () => {
  const calc = calculator();
  const { client, ports } = connect(calc.api);
  const slow = client.call('slow', 'abc');
  const sum = client.call('add', 2, 3);
  assert.equal(await sum, 5); // answered while `slow` still waits
  calc.release();
  assert.equal(await slow, 'ABC');
  await assert.rejects(client.call('fail'), /no can do/);
  // Requests start in the order they were sent, async or not.
  assert.deepEqual(calc.started, ['slow', 'add', 'fail']);
  assert.equal(client.waiting, 0);
  for (const p of ports) p.close();
});

test('an unknown method is an error reply, not a crash of the serving side', async () => {
  const calc = calculator();
  const reply = await serve(calc.api, { type: 'request', id: 7, method: 'toString', args: [] } as unknown as Request<Calculator>);
  assert.deepEqual(reply, { type: 'reply', id: 7, ok: false, error: 'no such method: toString' });
});

test('when the other side is gone, waiting and later calls fail; a late reply is ignored', async () => {
  const sent: Request<Calculator>[] = [];
  const client = new RpcClient<Calculator>((request) => sent.push(request));
  const waiting = client.call('add', 1, 1);
  assert.equal(client.waiting, 1);
  client.close(new Error('gone'));
  await assert.rejects(waiting, /gone/);
  await assert.rejects(client.call('add', 1, 2), /gone/);
  assert.equal(sent.length, 1); // nothing is sent after close
  client.settle({ type: 'reply', id: sent[0]!.id, ok: true, value: 2 });
  assert.equal(client.waiting, 0);
});
