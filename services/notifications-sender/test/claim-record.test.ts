import { createMaster, createStaff } from '@fs/testkit';
import { sql } from 'kysely';
import {
  callsTo,
  type Harness,
  insertRow,
  newOfferRow,
  outboxRow,
  rowsOf,
  sleep,
  startHarness,
  statusOf,
  waitFor,
  waitForStatus,
} from './harness';

/**
 * Claim, send, record (src/engine.ts): leases and timeouts. Telegram's answer is scaled down
 * here: the gateway gives up after 300 ms and a timed-out send is retried after 200 ms.
 */
let h: Harness;
let admin: { tg_user_id: number | null };
beforeAll(async () => {
  h = await startHarness({
    SENDER_TELEGRAM_TIMEOUT_MS: '300',
    SENDER_TIMEOUT_RETRY_MS: '200',
    SENDER_MAX_ATTEMPTS: '5',
    SENDER_SWEEP_INTERVAL_MS: '100',
    SENDER_LEASE_MS: '1500',
  });
  admin = await createStaff(h.db, { role: 'global_admin' });
});
afterAll(() => h.close());
beforeEach(() => h.api.reset());

const metric = async (name: string, labels: string) => {
  const text = await h.sender.base.registry.metrics();
  const m = new RegExp(`^${name}\\{${labels}[^}]*\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
};

describe('a send that timed out (Telegram may have delivered it)', () => {
  it('is retried once after the pause; the possible duplicate is counted; the known copy is the one edited', async () => {
    const { ref, offer, orderId, masterId, chatId } = await newOfferRow(h.db);
    // Delivered at once, answered after the gateway gave up.
    h.api.answerLate({ chatId, method: 'sendMessage', ms: 800 });
    const dupsBefore = await metric(
      'notifications_possible_duplicates_total',
      'bot="master",reason="timeout"',
    );
    await h.enqueue([ref]);
    const row = await waitForStatus(h.db, ref.id, 'sent');

    const sends = callsTo(h.api, chatId, 'sendMessage');
    expect(sends.map(statusOf)).toEqual([200, 200]); // two copies reached the chat, no more
    // The gateway gave up after 300 ms, then the pause of 200 ms (without a pause: ~300 ms).
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(400);
    const second = (sends[1]!.response as { result: { message_id: number } }).result.message_id;
    expect(row).toMatchObject({ attempts: 2, last_error: null, tg_message_id: second });
    expect(row.maybe_sent_at).toBeInstanceOf(Date);
    const saved = await h.db
      .selectFrom('offers')
      .select(['tg_message_id', 'delivered_at'])
      .where('id', '=', offer.id)
      .executeTakeFirstOrThrow();
    expect(saved.tg_message_id).toBe(second);
    expect(saved.delivered_at).toBeInstanceOf(Date);
    // Counted right after the outcome is recorded.
    await waitFor(
      'the duplicate counted',
      async () =>
        (await metric('notifications_possible_duplicates_total', 'bot="master",reason="timeout"')) ===
        dupsBefore + 1,
    );
    expect(await metric('notifications_telegram_timeouts_total', 'bot="master"')).toBeGreaterThanOrEqual(1);

    // The offer is taken: the copy whose id is known is edited closed.
    const closed = await insertRow(h.db, {
      bot: 'master',
      event: 'offer_closed',
      master_id: masterId,
      order_id: orderId,
      offer_id: offer.id,
      payload: { offer_id: offer.id, order_id: orderId, reason: 'taken' },
    });
    await h.enqueue([closed]);
    await waitForStatus(h.db, closed.id, 'sent');
    expect(callsTo(h.api, chatId, 'editMessageText').map((c) => c.params.message_id)).toEqual([second]);
  });

  it('is not tried a third time when the retry times out too', async () => {
    const m = await createMaster(h.db);
    const ref = await insertRow(h.db, {
      bot: 'master',
      event: 'limit_changed',
      master_id: m.id,
      payload: { limit: 3 },
    });
    h.api.answerLate({ chatId: m.tg_user_id, method: 'sendMessage', ms: 800, times: 2 });
    await h.enqueue([ref]);
    const row = await waitForStatus(h.db, ref.id, 'failed');
    expect(row.last_error).toMatch(
      /^timed out again, not retried \(a copy may have been delivered\): timeout/,
    );
    expect(row.attempts).toBe(2);
    await sleep(600);
    expect(callsTo(h.api, m.tg_user_id, 'sendMessage')).toHaveLength(2);
    const alerts = (await rowsOf(h.db, 'delivery_failed')).filter(
      (r) => (r.payload as { outbox_id: number }).outbox_id === ref.id,
    );
    expect(alerts).toHaveLength(1);
    await waitForStatus(h.db, alerts[0]!.id, 'sent');
    expect(callsTo(h.api, admin.tg_user_id!, 'sendMessage')).toHaveLength(1);
  });

  it('after a timeout, an error answer from Telegram keeps the normal retries going', async () => {
    const m = await createMaster(h.db);
    const ref = await insertRow(h.db, {
      bot: 'master',
      event: 'limit_changed',
      master_id: m.id,
      payload: { limit: 4 },
    });
    h.api.answerLate({ chatId: m.tg_user_id, method: 'sendMessage', ms: 800 });
    await h.enqueue([ref]);
    await h.api.waitFor((c) => Number(c.params.chat_id) === m.tg_user_id, 5000);
    // The retry (after the timeout and the pause) gets an error answer: it was not delivered.
    h.api.failNext({ chatId: m.tg_user_id, times: 1, error: { kind: 'server_error', code: 502 } });
    const row = await waitForStatus(h.db, ref.id, 'sent');
    expect(row.attempts).toBe(3);
    expect(callsTo(h.api, m.tg_user_id, 'sendMessage').map(statusOf)).toEqual([200, 502, 200]);
  });
});

describe('leases', () => {
  it("a dead sender's row (lease run out) is claimed by the sweep and delivered; the possible duplicate is counted", async () => {
    const m = await createMaster(h.db);
    const ref = await insertRow(h.db, {
      bot: 'master',
      event: 'limit_changed',
      master_id: m.id,
      payload: { limit: 5 },
    });
    const before = await metric('notifications_outbox_leases_reclaimed_total', 'bot="master"');
    // As a sender that claimed it and was killed leaves it: no job anywhere, the lease ran out.
    await sql`UPDATE notifications_outbox SET status = 'sending', lease_owner = 'dead-sender',
      lease_until = now() - interval '1 second' WHERE id = ${ref.id}`.execute(h.db);
    const row = await waitForStatus(h.db, ref.id, 'sent', 10_000);
    expect(row).toMatchObject({ lease_owner: null, lease_until: null, attempts: 1 });
    expect(callsTo(h.api, m.tg_user_id, 'sendMessage')).toHaveLength(1);
    expect(await metric('notifications_outbox_leases_reclaimed_total', 'bot="master"')).toBe(before + 1);
    await waitFor(
      'the duplicate counted',
      async () =>
        (await metric('notifications_possible_duplicates_total', 'bot="master",reason="lease_expired"')) >= 1,
    );
  });

  it("a live sender's lease is respected: its row is neither claimed by the sweep nor by a job", async () => {
    const m = await createMaster(h.db);
    const ref = await insertRow(h.db, {
      bot: 'master',
      event: 'limit_changed',
      master_id: m.id,
      payload: { limit: 6 },
    });
    await sql`UPDATE notifications_outbox SET status = 'sending', lease_owner = 'live-sender',
      lease_until = now() + interval '1 minute' WHERE id = ${ref.id}`.execute(h.db);
    await h.enqueue([ref]);
    await sleep(800);
    expect(callsTo(h.api, m.tg_user_id)).toHaveLength(0);
    expect(await h.sender.base.queues.notifyMaster.getJobState(`outbox-${ref.id}`)).toBe('completed');
    expect((await outboxRow(h.db, ref.id)).status).toBe('sending');
    // The other sender records its outcome; nothing here overwrites it.
    await sql`UPDATE notifications_outbox SET status = 'sent', lease_owner = NULL, lease_until = NULL
      WHERE id = ${ref.id}`.execute(h.db);
  });

  it('a batch job delivers every row it carries', async () => {
    const masters = await Promise.all([1, 2, 3].map(() => createMaster(h.db)));
    const refs = await Promise.all(
      masters.map((m, i) =>
        insertRow(h.db, { bot: 'master', event: 'limit_changed', master_id: m.id, payload: { limit: i } }),
      ),
    );
    await h.sender.base.queues.notifyMaster.add('send', { outboxIds: refs.map((r) => r.id) });
    for (const r of refs) await waitForStatus(h.db, r.id, 'sent');
    for (const m of masters) expect(callsTo(h.api, m.tg_user_id, 'sendMessage')).toHaveLength(1);
  });
});
