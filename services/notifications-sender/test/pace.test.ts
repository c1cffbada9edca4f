/**
 * The per-token pace when the sender's event loop stalls. The fake Telegram meters the master
 * token as Telegram is modelled (a token bucket: 30/s, at most 10 at once); the sender runs at
 * 30/s while this process is blocked for 300 ms every 700 ms. Before the gate gave up slots it
 * woke too late for, every stall released its ~9 overdue sends at once.
 *
 * The bound, without a timing margin: every send starts at most maxLateMs (100 ms) after its
 * slot and slots are 1/30 s apart, so the starts in any window of w ms are at most
 * 30·(w + 100)/1000 + 1 = 30·w/1000 + 4. The fake stamps a call when its loop reads it, up to
 * one loop turn after the start; in this one process that turn can hold one more such bunch,
 * so its stamps stay within 30·w/1000 + 8 — under the bucket's 10, hence no 429.
 */
import { insertOutbox } from '@fs/queue';
import { type Harness, MASTER_TOKEN, startHarness, statusOf, waitFor } from './harness';

const RATE = 30;
const MAX_LATE_MS = 100;
const SENDS = 150;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ SENDER_RATE_PER_SECOND: String(RATE), SENDER_CONCURRENCY: '40' });
});
afterAll(() => h.close());

/** The most stamps in any window [t, t + w). */
function mostWithin(at: number[], w: number): number {
  let most = 0;
  for (let j = 0, i = 0; j < at.length; j++) {
    while (at[j]! - at[i]! >= w) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

it('a stalled sender never releases more than rate × window + burst, and Telegram never says 429', async () => {
  h.api.setRateLimit({ perSecond: RATE, burst: 10 });
  const chats = Array.from({ length: SENDS }, (_, i) => 7_100_000_000 + i);
  const refs = await insertOutbox(
    h.db,
    chats.map((chat, i) => ({
      bot: 'master' as const,
      event: 'staff_message' as const,
      chat_id: chat,
      payload: { from: 'Диспетчер', text: `Сообщение ${i + 1}` },
    })),
  );
  const sends = () => h.api.callsOf('sendMessage', MASTER_TOKEN);
  await h.enqueue(refs);
  await waitFor('the first send', () => sends().length > 0);

  // A stalled process: the event loop blocked 300 ms out of every 700 ms until all are sent.
  let stalls = 0;
  const staller = setInterval(() => {
    stalls++;
    const until = performance.now() + 300;
    while (performance.now() < until) {
      // busy
    }
  }, 400);
  try {
    await waitFor(
      'every message accepted',
      () => sends().filter((c) => statusOf(c) === 200).length >= SENDS,
      60_000,
    );
  } finally {
    clearInterval(staller);
  }

  const calls = sends();
  const accepted = calls.filter((c) => statusOf(c) === 200);
  expect(calls.filter((c) => statusOf(c) === 429)).toHaveLength(0);
  expect(new Set(accepted.map((c) => Number(c.params.chat_id))).size).toBe(SENDS);
  expect(accepted).toHaveLength(SENDS);
  const at = accepted.map((c) => c.at).sort((a, b) => a - b);
  const burst = Math.floor((RATE * MAX_LATE_MS) / 1000) + 1;
  // The stamps are whole milliseconds: a window of w ms of them spans less than w + 1 ms.
  for (const w of [1, 100, 1000])
    expect(mostWithin(at, w)).toBeLessThanOrEqual((RATE * (w + 1)) / 1000 + 2 * burst);
  // The stalls did make the sender wake too late for some slots (and give them up).
  expect(stalls).toBeGreaterThan(2);
  const missed = await h.sender.base.registry.getSingleMetric('notifications_send_slots_missed_total')?.get();
  expect((missed?.values ?? []).reduce((n, v) => n + v.value, 0)).toBeGreaterThan(0);
});
