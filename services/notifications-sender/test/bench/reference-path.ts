/**
 * The reference path of `pnpm bench:latency` (bench/latency.ts), here so that it resolves
 * BullMQ from the sender's dependencies: a job added to a bare BullMQ queue → its worker makes
 * one HTTP sendMessage call to the same fake Bot API. Returns add → arrival latencies in ms.
 */

import { createRedis } from '@fs/queue';
import type { FakeTelegram } from '@fs/testkit';
import { Queue, Worker } from 'bullmq';

/** The reference path: queue.add → a bare BullMQ worker → one HTTP sendMessage to the fake. */
export async function referencePath(o: {
  tg: FakeTelegram;
  apiRoot: string;
  redisUrl: string;
  prefix: string;
  rate: number;
  seconds: number;
}): Promise<number[]> {
  const { tg, apiRoot, redisUrl, prefix } = o;
  const connection = createRedis(redisUrl);
  const queue = new Queue('latency-ref', { connection, prefix });
  const token = '111111:bench-master-token';
  const worker = new Worker(
    'latency-ref',
    async (job) => {
      const res = await fetch(`${apiRoot}/bot${token}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: 7_000_000_000 + job.data.i, text: `ref ${job.data.i}` }),
      });
      await res.json();
    },
    { connection: createRedis(redisUrl), prefix, concurrency: 20 },
  );
  const added = new Map<number, number>();
  const latencies: number[] = [];
  tg.onCall((call) => {
    const m = /^ref (\d+)$/.exec(String(call.params.text ?? ''));
    const t0 = m ? added.get(Number(m[1])) : undefined;
    if (t0 !== undefined) latencies.push(call.at - t0);
  });
  const total = o.rate * o.seconds;
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / o.rate - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    added.set(i, Date.now());
    await queue.add('ref', { i }, { removeOnComplete: true });
    tg.calls.length = 0;
  }
  const deadline = Date.now() + 15_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  connection.disconnect();
  return latencies;
}
